"""The knowledge commands through the real entry point: ask --library, highlight(s), reindex."""

from __future__ import annotations

import json
from pathlib import Path

SRT = """1
00:00:01,000 --> 00:00:05,000
Worker bees collect nectar from flowers all day long.

2
00:00:06,000 --> 00:00:10,000
Back in the hive they fan the nectar with their wings until it thickens into honey.

3
00:00:11,000 --> 00:00:15,000
Each finished cell is capped with wax to keep the honey safe.
"""


def add_talk(cli, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "honey-bees.srt"
    path.write_text(SRT, encoding="utf-8")
    out = cli("add", str(path))
    assert out.returncode == 0, out.stderr
    return out.stdout.split()[1]


def test_ask_library_json_highlights_and_reindex(cli, tmp_path: Path):
    vid = add_talk(cli, tmp_path)
    asked = cli("ask", "--library", "How do bees make honey?", "--format", "json")
    assert asked.returncode == 0, asked.stderr
    body = json.loads(asked.stdout)
    assert set(body) == {"answer", "citations"}
    assert set(body["citations"][0]) == {"video_id", "title", "start", "text"}
    assert body["citations"][0]["video_id"] == vid
    text = cli("ask", "--library", "How do bees make honey?")
    assert "Sources:" in text.stdout and "honey-bees" in text.stdout

    made = cli("highlight", vid, "0:06", "10", "--note", "fanning", "--tag", "bio", "-f", "json")
    assert made.returncode == 0, made.stderr
    h = json.loads(made.stdout)
    assert (h["start"], h["end"], h["note"], h["tags"]) == (6.0, 10.0, "fanning", ["bio"])
    listed = json.loads(cli("highlights", "--tag", "bio", "--format", "json").stdout)
    assert [x["id"] for x in listed] == [h["id"]] and listed[0]["title"]
    assert "fanning" in cli("highlights", "--video", vid).stdout
    noted = cli("ask", "--library", "What did I note about fanning?", "-f", "json")
    assert json.loads(noted.stdout)["citations"][0]["video_id"] == vid

    done = cli("reindex", "--all")
    assert done.returncode == 0 and "indexed 1 video" in done.stdout


def test_bad_knowledge_input_is_one_sentence(cli, tmp_path: Path):
    empty = cli("ask", "--library", "Anything at all?")
    assert empty.returncode == 0 and "no videos yet" in empty.stdout
    vid = add_talk(cli, tmp_path)
    cases = {
        "two": cli("ask", "--library", vid, "question?"),
        "channel": cli("ask", vid, "question?", "--channel", "x"),
        "missing": cli("ask", vid),
        "huge": cli("ask", "--library", "why " * 2600),
        "time": cli("highlight", vid, "soon"),
        "outside": cli("highlight", vid, "999"),
        "note": cli("highlight", vid, "1", "--note", "x" * 10_001),
        "video": cli("highlight", "nope", "1"),
        "list": cli("highlights", "--video", "nope"),
    }
    for name, out in cases.items():
        assert out.returncode != 0, name
        lines = [line for line in out.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, out.stderr)
        assert "Traceback" not in out.stderr
    assert "outside the transcript" in cases["outside"].stderr
    assert "not a time" in cases["time"].stderr
    nothing = json.loads(cli("highlights", "--format", "json").stdout)
    assert nothing == []


def test_search_prefix_paging_and_unmatched_words(cli, tmp_path: Path):
    add_talk(cli, tmp_path)
    found = cli("search", "nect*", "--format", "json")
    assert found.returncode == 0 and len(json.loads(found.stdout)) >= 2
    partial = cli("search", "nectar zzqxj")
    assert partial.returncode == 0 and "No match for 'zzqxj'" in partial.stderr
    page = json.loads(cli("search", "honey", "--limit", "1", "--offset", "1", "-f", "json").stdout)
    assert len(page) == 1


def test_a_highlight_made_on_a_web_page_is_listed_by_paragraph(cli, distill_home: Path):
    from distill.service import Distill
    from tests.extension.pages import article_html

    url = "https://bees.example.org/why-bees-dance"
    with Distill() as service:
        service.highlight_page(url, "waggle dance", note="how they point", html=article_html())
    out = cli("highlights")
    assert out.returncode == 0, out.stderr
    assert "¶2" in out.stdout and url in out.stdout and "how they point" in out.stdout
