"""Real meeting transcripts (`Speaker: text` lines, no times) read as plain transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from distill.sources import resolve
from tests.conftest import EVAL_DIR, eval_dir_or_skip

MEETINGS = EVAL_DIR / "meetings-dev"
# Without the eval data one stand-in case runs: it skips, or fails when CI is set.
FILES = sorted(MEETINGS.glob("*.txt")) or [MEETINGS / "absent.txt"]


@pytest.fixture(autouse=True)
def _eval_data() -> None:
    eval_dir_or_skip("meetings-dev")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_meeting_transcript(path: Path) -> None:
    t = resolve(str(path))
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # One segment per utterance (a line holding only "[Laughter.]" may vanish), each with its speaker.
    assert 0.97 * len(lines) <= len(t.segments) <= len(lines)
    assert all(s.speaker for s in t.segments)
    assert all(s.start is None and s.end is None for s in t.segments)
    assert all(len(s.speaker or "") < 100 and ":" not in (s.speaker or "") for s in t.segments)
    assert len({s.speaker for s in t.segments}) >= 2
    assert t.meta.duration is None and t.meta.kind == "captions"
