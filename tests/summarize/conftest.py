"""Fixtures for the summarizer tests: build transcripts and check the summary invariants."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from distill.domain import Segment, Summary, Transcript, VideoMeta
from distill.summarize.text import Lexicon


def transcript_of(sentences: list[str], *, timed: bool = True, step: float = 4.0) -> Transcript:
    """A transcript with one segment per sentence, `step` seconds apart (or untimed)."""
    segments = [
        Segment(start=i * step if timed else None, end=(i + 1) * step if timed else None, text=s)
        for i, s in enumerate(sentences)
    ]
    meta = VideoMeta(kind="captions", id="test-0000", title="Test talk")
    return Transcript(meta=meta, language="en", segments=segments)


def items(summary: Summary) -> list[tuple[str, float | None]]:
    """Every (text, start) item of a summary, questions and answers included."""
    out: list[tuple[str, float | None]] = []
    out += [(i.text, i.start) for i in summary.insights]
    out += [(t.text, t.start) for t in summary.takeaways]
    out += [(q.answer, q.start) for q in summary.qa]
    out += [(c.title, c.start) for c in summary.chapters]
    return out


def check_invariants(transcript: Transcript, summary: Summary) -> None:
    """What must hold for every transcript: real starts, distinct insights, no filler-only items."""
    starts = {s.start for s in transcript.segments}
    timed = any(s.start is not None for s in transcript.segments)
    lex = Lexicon(summary.language)
    assert summary.tldr.strip()
    assert lex.terms(summary.tldr), summary.tldr
    for text, start in items(summary):
        assert text.strip()
        if timed:
            assert start in starts, (start, text)
        else:
            assert start is None
    for text, _ in [(i.text, 0) for i in summary.insights] + [
        (t.text, 0) for t in summary.takeaways
    ]:
        assert lex.terms(text), f"filler-only item: {text!r}"
    for qa in summary.qa:
        assert qa.question.strip() and lex.terms(qa.answer)
    texts = [i.text for i in summary.insights]
    assert len(texts) == len(set(texts)), texts
    assert all(i.emoji for i in summary.insights)


@pytest.fixture(scope="session")
def make_transcript() -> Callable[..., Transcript]:
    """Build a transcript from sentences: one segment each, a few seconds apart."""
    return transcript_of


@pytest.fixture(scope="session")
def check_summary() -> Callable[[Transcript, Summary], None]:
    """Assert the invariants every builtin summary must satisfy."""
    return check_invariants
