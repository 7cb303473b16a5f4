"""Every real caption file of the channel-dev eval set parses into ordered, non-empty segments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distill.sources import resolve
from tests.conftest import EVAL_DIR, eval_dir_or_skip

CHANNEL = EVAL_DIR / "channel-dev"
# Without the eval data one stand-in case runs: it skips, or fails when CI is set.
FILES = sorted(CHANNEL.glob("*.srt")) or [CHANNEL / "absent.srt"]


@pytest.fixture(autouse=True)
def _eval_data() -> None:
    eval_dir_or_skip("channel-dev")


def test_all_28_files_are_listed() -> None:
    listed = [
        json.loads(line)["file"]
        for line in (CHANNEL / "videos.jsonl").read_text().splitlines()
        if line.strip()
    ]
    assert sorted(listed) == [p.name for p in FILES]
    assert len(FILES) == 28


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_real_caption_file(path: Path) -> None:
    t = resolve(str(path))
    assert t.segments, path.name
    assert t.language == "en"
    assert t.meta.kind == "captions"
    starts = [s.start for s in t.segments]
    assert None not in starts
    assert starts == sorted(starts)  # type: ignore[type-var]
    for seg in t.segments:
        assert seg.text.strip() == seg.text and seg.text
        assert seg.end is not None and seg.end >= seg.start  # type: ignore[operator]
        assert "-->" not in seg.text and "<" not in seg.text
    if path.stat().st_size > 1000:
        # Sentence units: far fewer segments than cues, and most of them end a sentence.
        cues = path.read_text(encoding="utf-8-sig").count("-->")
        assert len(t.segments) < cues
        ended = sum(1 for s in t.segments if s.text.rstrip("\"')").endswith((".", "?", "!")))
        assert ended / len(t.segments) > 0.7


def test_tiny_file_keeps_its_only_spoken_cue() -> None:
    path = CHANNEL / "hilbert-curve.en.srt"
    t = resolve(str(path))
    # One cue is only a music label; the other has a single word, which must survive.
    assert len(t.segments) == 1
    assert "music" not in t.text.lower()
    assert t.segments[0].text in path.read_text(encoding="utf-8")
    assert t.segments[0].start is not None and t.segments[0].start > 60
