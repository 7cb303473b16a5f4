"""SRT and VTT export keep subtitle-sized cues: two lines of at most 42 characters, 7 s at most."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from distill.domain import Segment, Transcript, VideoMeta, Word
from distill.sources import resolve
from distill.sources.captions import _split_cues
from distill.sources.export import MAX_CUE_SECONDS, MAX_LINE_CHARS, to_srt, to_vtt
from tests.conftest import EVAL_DIR

LONG = (
    "So the thing that I want you to take away from all of this is that a linear "
    "transformation is completely determined by where it takes the basis vectors, and "
    "once you know that, every other vector just follows along for the ride, which is "
    "honestly one of the most beautiful ideas in the whole subject."
)
_TAG = re.compile(r"</?[^>]+>")


def transcript(segments: list[Segment]) -> Transcript:
    meta = VideoMeta(kind="captions", id="cues-0000abcd", title="Cues")
    return Transcript(meta=meta, language="en", segments=segments)


def parsed(text: str, fmt: str) -> list[tuple[float, float, list[str]]]:
    """(start, end, visible lines) of every cue, read back by the project's caption parser."""
    cues = _split_cues(text)
    out = []
    for cue in cues:
        lines = [
            _TAG.sub("", line).replace("&amp;", "&").replace("&lt;", "<") for line in cue.lines
        ]
        out.append((cue.start, cue.end, lines))
    assert out, f"no cues in the {fmt} output"
    return out


def check_sizes(cues: list[tuple[float, float, list[str]]]) -> None:
    previous_end = 0.0
    for start, end, lines in cues:
        assert 1 <= len(lines) <= 2, lines
        for line in lines:
            assert len(line) <= MAX_LINE_CHARS or " " not in line, line
        assert end - start <= MAX_CUE_SECONDS + 0.0015, (start, end, lines)
        assert end >= start and start >= previous_end - 0.0015, (start, end, lines)
        previous_end = end


def words_of(cues: list[tuple[float, float, list[str]]]) -> list[str]:
    return " ".join(" ".join(lines) for _, _, lines in cues).split()


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_long_segments_become_several_cues(fmt: str) -> None:
    # The kind of block the issue saw: 14 s and 300 characters in one segment.
    t = transcript(
        [
            Segment(start=0.0, end=14.0, text=LONG),
            Segment(start=14.5, end=16.0, text="Short one."),
            Segment(start=20.0, end=21.0, text="Ann said this.", speaker="Ann"),
        ]
    )
    out = (to_srt if fmt == "srt" else to_vtt)(t)
    cues = parsed(out, fmt)
    check_sizes(cues)
    assert len(cues) >= 5
    assert words_of(cues) == (LONG + " Short one. Ann: Ann said this.").split() or fmt == "vtt"
    if fmt == "vtt":
        assert words_of(cues) == (LONG + " Short one. Ann said this.").split()
        assert "<v Ann>Ann said this." in out
    # Times are shared out by characters: the cues of the long segment cover exactly 0-14 s.
    long_cues = [c for c in cues if c[1] <= 14.0]
    assert long_cues[0][0] == 0.0 and long_cues[-1][1] == pytest.approx(14.0, abs=0.002)
    for (_, end, _), (start, _, _) in zip(long_cues, long_cues[1:], strict=False):
        assert start == pytest.approx(end, abs=0.002)
    # A short segment stays one cue with its own times.
    assert (14.5, 16.0, ["Short one."]) in cues


def test_slow_speech_is_cut_at_seven_seconds() -> None:
    t = transcript([Segment(start=0.0, end=30.0, text="Very slowly spoken words, one by one.")])
    cues = parsed(to_srt(t), "srt")
    check_sizes(cues)
    assert len(cues) >= 5 and cues[-1][1] == pytest.approx(30.0, abs=0.002)


def test_word_times_set_the_cue_times_when_known() -> None:
    text = LONG
    tokens = text.split()
    # Uneven speech: the first ten words fast, the rest slow.
    words, t = [], 1.0
    for i, token in enumerate(tokens):
        length = 0.15 if i < 10 else 0.45
        words.append(Word(start=round(t, 3), end=round(t + length, 3), text=token))
        t += length + 0.05
    seg = Segment(start=1.0, end=words[-1].end, text=text, words=words)
    cues = parsed(to_srt(transcript([seg])), "srt")
    check_sizes(cues)
    starts = {w.start for w in words}
    assert all(start in starts for start, _, _ in cues)
    assert words_of(cues) == tokens
    # Word times are memory-only: they never reach the JSON or the library.
    assert "words" not in seg.model_dump()


def test_the_stored_transcript_keeps_its_long_segments(distill_home: Path, tmp_path: Path):
    from distill.service import Distill

    srt = tmp_path / "long.srt"
    srt.write_text(f"1\n00:00:00,000 --> 00:00:14,000\n{LONG}\n", encoding="utf-8")
    with Distill() as service:
        t = service.add(str(srt))
        assert to_srt(service.transcript(t.meta.id)).count("-->") == 4  # 14 s in 3.5 s cues
        stored = service.library.get_transcript(t.meta.id)
    assert " ".join(s.text for s in stored.segments) == LONG  # the page's paragraphs stay long


def test_real_captions_export_as_subtitles() -> None:
    folder = EVAL_DIR / "channel-dev"
    files = sorted(folder.glob("*.en.srt"))[:4] if folder.is_dir() else []
    if not files:
        if os.environ.get("CI"):
            pytest.fail(f"{folder} is missing")
        pytest.skip("eval data not present")
    for path in files:
        t = resolve(str(path))
        for fmt, writer in (("srt", to_srt), ("vtt", to_vtt)):
            cues = parsed(writer(t), fmt)
            check_sizes(cues)
            assert words_of(cues) == t.text.split()
