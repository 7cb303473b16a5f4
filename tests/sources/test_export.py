"""Transcript export to text, SRT, VTT and JSON, round-tripping through our own parsers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distill.domain import Segment, Transcript, VideoMeta
from distill.errors import SourceError
from distill.sources import resolve
from distill.sources.export import export, srt_time, to_json, to_srt, to_text, to_vtt, vtt_time


def transcript(segments: list[Segment]) -> Transcript:
    meta = VideoMeta(kind="captions", id="t-0000abcd", title="A test")
    return Transcript(meta=meta, language="en", segments=segments)


TIMED = transcript(
    [
        Segment(start=0.0, end=2.5, text="First sentence here."),
        Segment(start=3.0, end=None, text="Second <one> & --> odd.", speaker="Ann"),
        Segment(start=3725.4567, end=3727.0, text="Much later."),
    ]
)
UNTIMED = transcript([Segment(text="No times here.", speaker="Bob"), Segment(text="None at all.")])


def test_clock_formats() -> None:
    assert srt_time(3725.4567) == "01:02:05,457"
    assert vtt_time(0.0) == "00:00:00.000"
    assert vtt_time(59.9996) == "00:01:00.000"


def test_text() -> None:
    assert to_text(TIMED).splitlines() == [
        "[00:00] First sentence here.",
        "[00:03] Ann: Second <one> & --> odd.",
        "[1:02:05] Much later.",
    ]
    assert to_text(UNTIMED) == "Bob: No times here.\nNone at all.\n"


def test_srt_round_trip(tmp_path: Path) -> None:
    out = to_srt(TIMED)
    assert out.startswith("1\n00:00:00,000 --> 00:00:02,500\nFirst sentence here.\n\n2\n")
    # A missing end shows the line until the next one starts, at most 5 s.
    assert "00:00:03,000 --> 00:00:08,000" in out
    path = tmp_path / "out.srt"
    path.write_text(out)
    back = resolve(str(path))
    assert [s.start for s in back.segments] == [0.0, 3.0, 3725.457]
    # SRT has no markup escaping, so "<one>" reads back as a tag and is dropped.
    assert back.segments[1].text == "Ann: Second & -> odd."


def test_vtt_round_trip(tmp_path: Path) -> None:
    out = to_vtt(TIMED)
    assert out.startswith("WEBVTT\nLanguage: en\n\n00:00:00.000 --> 00:00:02.500\n")
    assert "<v Ann>Second &lt;one> &amp; -> odd." in out
    path = tmp_path / "out.vtt"
    path.write_text(out)
    back = resolve(str(path))
    assert [s.text for s in back.segments] == [
        "First sentence here.",
        "Second <one> & -> odd.",
        "Much later.",
    ]
    assert back.segments[1].speaker == "Ann"


def test_json_round_trip() -> None:
    data = json.loads(to_json(TIMED))
    assert data["meta"]["id"] == "t-0000abcd"
    assert Transcript.model_validate(data) == TIMED


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_untimed_transcript_cannot_be_srt_or_vtt(fmt: str) -> None:
    with pytest.raises(SourceError, match="has no times.*--format text or --format json"):
        export(UNTIMED, fmt)
    assert export(UNTIMED, "json")
    assert export(UNTIMED, "text")


def test_unknown_format() -> None:
    with pytest.raises(SourceError, match="Unknown transcript format 'docx'"):
        export(TIMED, "docx")
