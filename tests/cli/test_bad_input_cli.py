"""Issue 2's bad input through the real entry point: one sentence on stderr, exit != 0, library untouched."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from distill.domain import Segment, Transcript, VideoMeta

GOOD_SRT = "1\n00:00:01,000 --> 00:00:04,000\nHoney bees dance to share where flowers are.\n"
# Requests and yt-dlp honour these: any fetch fails at once, as on a machine without a network.
NO_NETWORK = {
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "ALL_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}


def library_dump(home: Path) -> list[str]:
    """Every row of every table of the SQLite library, search index included."""
    with sqlite3.connect(home / "distill.db") as conn:
        return list(conn.iterdump())


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def one_sentence(line: str) -> None:
    assert line.startswith("error: ") and line.rstrip().endswith("."), line
    assert "Traceback" not in line


def bad_files(tmp_path: Path) -> dict[str, Path]:
    """One file per kind of bad input the issue names (the 200 MB one is sparse)."""
    files = {
        "empty": tmp_path / "empty.srt",
        "corrupt": tmp_path / "corrupt.vtt",
        "junk": tmp_path / "junk.srt",
        "non_utf8": tmp_path / "noise.srt",
        "huge": tmp_path / "huge.srt",
        "bad_json3": tmp_path / "broken.json3",
    }
    files["empty"].write_bytes(b"")
    files["corrupt"].write_text("WEBVTT\n\n00:01 to 00:02\nno arrow here\n", encoding="utf-8")
    files["junk"].write_bytes(bytes(range(256)) * 64)
    # Neither UTF-8 nor plausible text in any legacy encoding, and no NUL bytes.
    files["non_utf8"].write_bytes(bytes((i * 37 + 11) % 255 + 1 for i in range(4000)))
    with files["huge"].open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    files["bad_json3"].write_text('{"events": [{"tStartMs": 0, "segs": [', encoding="utf-8")
    return files


def test_each_bad_input_is_one_sentence_and_changes_nothing(cli, distill_home, tmp_path):
    good = tmp_path / "bees.srt"
    good.write_text(GOOD_SRT, encoding="utf-8")
    assert cli("add", str(good)).returncode == 0
    before = library_dump(distill_home)
    assert any("Honey bees dance" in row for row in before)

    files = bad_files(tmp_path)
    sources = [
        *map(str, files.values()),
        str(tmp_path / "missing.srt"),
        "not a source at all",
        "http://127.0.0.1:9/private-page",
    ]
    # `add` reports every failed source on its own line and exits non-zero.
    result = cli("add", *sources)
    assert result.returncode != 0
    lines = error_lines(result.stderr)
    assert len(lines) == len(sources), result.stderr
    for source, line in zip(sources, lines, strict=True):
        one_sentence(line)
        assert line.startswith(f"error: {source}: "), line
    by_kind = dict(zip([*files, "missing", "unknown", "private"], lines, strict=True))
    assert re.search(r"empty", by_kind["empty"], re.I)
    assert re.search(r"no captions could be read", by_kind["corrupt"], re.I)
    assert re.search(r"not a text file", by_kind["junk"], re.I)
    assert re.search(r"not readable text", by_kind["non_utf8"], re.I)
    assert re.search(r"200 MB, over the 50 MB limit.*DISTILL_MAX_CAPTION_MB", by_kind["huge"], re.I)
    assert re.search(r"not a valid \.json3", by_kind["bad_json3"], re.I)
    assert re.search(r"file not found", by_kind["missing"], re.I)
    assert re.search(r"not a YouTube URL/ID", by_kind["unknown"], re.I)
    assert re.search(r"private, local or reserved address", by_kind["private"], re.I)
    assert library_dump(distill_home) == before


def test_unreachable_network_is_one_sentence(cli, distill_home, tmp_path):
    good = tmp_path / "bees.srt"
    good.write_text(GOOD_SRT, encoding="utf-8")
    assert cli("add", str(good)).returncode == 0
    before = library_dump(distill_home)
    # A long message must stay one line even on a narrow terminal.
    result = cli("add", "https://youtu.be/IHZwWFHWa-w", env={**NO_NETWORK, "COLUMNS": "40"})
    assert result.returncode != 0
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    one_sentence(lines[0])
    assert re.search(r"could not reach YouTube", lines[0], re.IGNORECASE), lines[0]
    assert library_dump(distill_home) == before


def seed_channel_videos(home: Path) -> None:
    """Two videos of one channel and one of another, stored with the real Library."""
    from distill.library import Library

    lib = Library()
    specs = [
        ("bees0000001", "Bee dances", "Bug Talk", "UCbugtalk"),
        ("bees0000002", "Hive [bold]heat[/bold] [/]", "Bug Talk", "UCbugtalk"),
        ("ants0000001", "Ant roads", "Other Channel", "UCother"),
    ]
    for vid, title, channel, channel_id in specs:
        meta = VideoMeta(
            kind="youtube",
            id=vid,
            url=f"https://www.youtube.com/watch?v={vid}",
            title=title,
            channel=channel,
            channel_id=channel_id,
            duration=3725.0,
        )
        segments = [
            Segment(start=0.0, end=4.0, text=f"{title} opens the talk."),
            Segment(start=3725.0 - 5, end=3725.0, text="The waggle dance points to nectar."),
        ]
        lib.save_transcript(Transcript(meta=meta, language="en", segments=segments))
    lib.close()


def test_list_channel_filter_and_search_output(cli, distill_home):
    seed_channel_videos(distill_home)
    by_name = cli("list", "--channel", "bug talk", "--format", "json")
    assert by_name.returncode == 0, by_name.stderr
    assert sorted(v["id"] for v in json.loads(by_name.stdout)) == ["bees0000001", "bees0000002"]
    by_id = cli("list", "--channel", "UCother")
    assert by_id.returncode == 0, by_id.stderr
    assert "ants0000001" in by_id.stdout and "bees0000001" not in by_id.stdout
    # Titles are shown as written: square brackets are not Rich markup.
    text = cli("list", "--channel", "UCbugtalk")
    assert text.returncode == 0, text.stderr
    assert "Hive [bold]heat[/bold] [/]" in text.stdout and "1:02:05" in text.stdout
    unknown = cli("list", "--channel", "No Such Channel")
    assert unknown.returncode != 0
    assert len(error_lines(unknown.stderr)) == 1 and "distill list" in unknown.stderr

    hits = cli("search", "waggle", "--channel", "Bug Talk")
    assert hits.returncode == 0, hits.stderr
    out = hits.stdout
    # Each hit: the time, the video id and title, the channel, then the snippet with the match.
    assert out.count("1:02:00") == 2 and "bees0000001" in out and "ants0000001" not in out
    assert "Bug Talk" in out and "waggle dance points to nectar" in out.lower()
    everywhere = cli("search", "waggle", "--format", "json")
    rows = json.loads(everywhere.stdout)
    assert {r["video_id"] for r in rows} == {"bees0000001", "bees0000002", "ants0000001"}
    assert all(r["start"] == 3720.0 and "waggle" in r["snippet"].lower() for r in rows)
