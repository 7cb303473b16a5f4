"""The library commands through the real entry point: add, list, show, search, transcript, rm."""

from __future__ import annotations

import json
from pathlib import Path

SRT = """1
00:00:01,000 --> 00:00:04,000
Photosynthesis turns light into chemical energy.

2
00:00:04,500 --> 00:00:08,000
Chlorophyll absorbs red and blue light in the leaf.

3
00:00:09,000 --> 00:00:12,500
The Calvin cycle then fixes carbon dioxide into sugar.
"""

TXT = "Alice: Welcome to the budget meeting.\nBob: The marketing budget grew by ten percent.\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def video_ids(cli) -> list[str]:
    result = cli("list", "--format", "json")
    assert result.returncode == 0, result.stderr
    return [v["id"] for v in json.loads(result.stdout)]


def test_add_list_search_show_rm(cli, tmp_path: Path):
    srt = write(tmp_path, "plants.en.srt", SRT)
    txt = write(tmp_path, "meeting.txt", TXT)
    result = cli("add", str(srt), str(txt))
    assert result.returncode == 0, result.stderr
    ids = video_ids(cli)
    assert len(ids) == 2
    plant_id = next(i for i in ids if i.startswith("plants"))

    again = cli("add", str(srt))  # re-ingesting updates, never duplicates
    assert again.returncode == 0 and sorted(video_ids(cli)) == sorted(ids)

    hits = cli("search", "calvin cycle", "--format", "json")
    assert hits.returncode == 0, hits.stderr
    rows = json.loads(hits.stdout)
    assert rows[0]["video_id"] == plant_id and rows[0]["start"] == 9.0
    assert "Calvin" in rows[0]["snippet"]

    text_hits = cli("search", "chlorophyll")
    assert (
        text_hits.returncode == 0 and "00:04" in text_hits.stdout and plant_id in text_hits.stdout
    )

    shown = cli("show", plant_id, "--format", "json")
    assert json.loads(shown.stdout)["video"]["title"]

    srt_out = cli("transcript", plant_id, "--format", "srt")
    assert srt_out.returncode == 0 and "00:00:09,000 -->" in srt_out.stdout

    removed = cli("rm", plant_id)
    assert removed.returncode == 0
    assert plant_id not in video_ids(cli)
    assert cli("search", "chlorophyll").returncode != 0


def test_bad_sources_leave_library_unchanged(cli, tmp_path: Path):
    good = write(tmp_path, "plants.srt", SRT)
    assert cli("add", str(good)).returncode == 0
    before = video_ids(cli)
    junk = tmp_path / "junk.srt"
    junk.write_bytes(b"\x00\x01\x02binary\xff\xfe" * 100)
    empty = write(tmp_path, "empty.vtt", "")
    for bad in [str(tmp_path / "missing.srt"), str(junk), str(empty), "not a source at all"]:
        result = cli("add", bad)
        assert result.returncode != 0, bad
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().startswith("error:"), result.stderr
    assert video_ids(cli) == before


def test_transcript_output_file(cli, tmp_path: Path):
    src = write(tmp_path, "plants.srt", SRT)
    out = tmp_path / "out.vtt"
    result = cli("transcript", str(src), "--format", "vtt", "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT") and "00:00:01.000 -->" in text
