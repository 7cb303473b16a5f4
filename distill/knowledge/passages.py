"""What retrieval ranks: a video cut into passages of a few sentences, its summary items, highlights."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from distill.domain import Highlight, Segment, Summary
from distill.library.vectors import PassageIn

if TYPE_CHECKING:
    from distill.embed import Embedder

WINDOW_WORDS = 50  # a transcript passage is consecutive segments of about this many words
LONG_SEGMENT = 80  # a longer segment (a meeting turn, a paragraph) is cut at sentence ends
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+")


def _pieces(seg: Segment) -> list[tuple[float | None, str]]:
    """A segment as (start, text) pieces of at most about WINDOW_WORDS words each."""
    text = " ".join(seg.text.split())
    n = len(text.split())
    if n <= LONG_SEGMENT:
        return [(seg.start, text)]
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    pieces: list[list[str]] = [[]]
    count = 0
    for sentence in sentences:
        words = len(sentence.split())
        if pieces[-1] and count + words > WINDOW_WORDS:
            pieces.append([])
            count = 0
        pieces[-1].append(sentence)
        count += words
    out = []
    seen = 0
    for part in pieces:
        joined = " ".join(part)
        start = seg.start
        if seg.start is not None and seg.end is not None and seg.end > seg.start:
            start = seg.start + (seg.end - seg.start) * seen / n  # by the share of words before
        out.append((start, joined))
        seen += len(joined.split())
    return out


def transcript_passages(segments: Sequence[Segment]) -> list[PassageIn]:
    """Consecutive segments joined into passages of about WINDOW_WORDS words, with times.

    A speaker's name leads what they say, so "what did the designer say about X" finds it.
    """
    out: list[PassageIn] = []
    texts: list[str] = []
    start: float | None = None
    end: float | None = None
    words = 0
    speaker: str | None = None

    def flush() -> None:
        nonlocal texts, words, speaker
        if texts:
            out.append(PassageIn("transcript", start, end, " ".join(texts)))
        texts, words, speaker = [], 0, None

    for seg in segments:
        for piece_start, text in _pieces(seg):
            if not text:
                continue
            if not texts:
                start = piece_start
            if seg.speaker and seg.speaker != speaker:
                text = f"{seg.speaker}: {text}"
                speaker = seg.speaker
            texts.append(text)
            words += len(text.split())
            end = seg.end if seg.end is not None else piece_start
            if words >= WINDOW_WORDS:
                flush()
    flush()
    return out


def summary_passages(summary: Summary | None) -> list[PassageIn]:
    """The items of a summary that say something with a moment: insights, answers, takeaways."""
    if summary is None:
        return []
    items: list[tuple[float | None, str]] = [(None, summary.tldr)]
    items += [(i.start, i.text) for i in summary.insights]
    items += [(q.start, f"{q.question} {q.answer}") for q in summary.qa]
    items += [(t.start, t.text) for t in summary.takeaways]
    return [
        PassageIn("summary", start, start, " ".join(text.split()))
        for start, text in items
        if text and text.strip()
    ]


def highlight_text(h: Highlight) -> str:
    """What a highlight says for retrieval: the quote, the reader's note and tags."""
    parts = [h.quote, h.note, " ".join(h.tags)]
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())


def highlight_passage(h: Highlight) -> PassageIn:
    return PassageIn("highlight", h.start, h.end, highlight_text(h), highlight_id=h.id)


def document_passages(
    segments: Sequence[Segment], summary: Summary | None, marked: Sequence[Highlight]
) -> list[PassageIn]:
    """What a document is retrieved by: its transcript's passages, its original summary's items
    (a translation adds nothing to find), its highlights."""
    items = transcript_passages(segments)
    if summary is not None and summary.translated_from is None:
        items += summary_passages(summary)
    return items + [highlight_passage(h) for h in marked]


def passage_vectors(embedder: Embedder, items: Sequence[PassageIn]) -> list[bytes]:
    """The stored vectors of passages: what `meaning_text` keeps of each, embedded."""
    from distill.embed import to_bytes
    from distill.knowledge.retrieve import meaning_text

    return [to_bytes(v) for v in embedder.embed([meaning_text(p.text) for p in items])]
