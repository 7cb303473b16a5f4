"""Highlights: what a reader may store (sizes, tags, times) and how one is anchored in a transcript.

A highlight is anchored twice: by time and by its quote with a little context either side. When
the video is transcribed anew, the quote (and context) is looked for in the new text and the
times are moved to where it is said now.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from distill.domain import Highlight, Transcript
from distill.errors import InputError
from distill.timefmt import clock

MAX_NOTE_CHARS = 10_000
MAX_QUOTE_CHARS = 2_000
MAX_TAGS = 20
MAX_TAG_CHARS = 40
CONTEXT_CHARS = 80
SLACK = 1.0  # seconds past the last segment's end still inside the transcript
_TAG = re.compile(r"^[\w-]+$")


@dataclass(frozen=True)
class Anchor:
    """Where a highlight sits: times, the quoted text and the text around it."""

    start: float
    end: float
    quote: str
    before: str
    after: str


def check_note(note: str | None) -> str:
    """A note as stored: stripped; refused when over the size limit."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise InputError(
            f"The note is {len(note):,} characters long; keep it under {MAX_NOTE_CHARS:,} "
            "(split it over several highlights)."
        )
    return note


def check_tags(tags: list[str] | str | None) -> list[str]:
    """Tags as stored: lower-case words (letters, digits, - and _), no '#', no repeats."""
    if tags is None:
        return []
    raw = tags.replace(",", " ").split() if isinstance(tags, str) else list(tags)
    out: list[str] = []
    for tag in raw:
        t = str(tag).strip().lstrip("#").lower()
        if not t:
            continue
        if len(t) > MAX_TAG_CHARS or not _TAG.match(t):
            raise InputError(
                f"{str(tag)[:60]!r} is not a tag; use one word of letters, digits, - or _ "
                f"(at most {MAX_TAG_CHARS} characters), e.g. to-read."
            )
        if t not in out:
            out.append(t)
    if len(out) > MAX_TAGS:
        raise InputError(f"A highlight takes at most {MAX_TAGS} tags; {len(out)} were given.")
    return out


class TextMap:
    """A transcript's text as one string, and which segment each character belongs to."""

    def __init__(self, transcript: Transcript) -> None:
        self.segments = transcript.segments
        parts, self.offsets = [], []
        at = 0
        for seg in self.segments:
            self.offsets.append(at)
            text = " ".join(seg.text.split())
            parts.append(text)
            at += len(text) + 1
        self.text = " ".join(parts)
        self.lower = self.text.lower()

    def segment_at(self, char: int) -> int:
        return max(0, bisect_right(self.offsets, char) - 1)

    def find(self, quote: str, near: float | None = None, before: str = "") -> int | None:
        """Where the quote starts (nearest the time `near`, preferring a match of its context)."""
        q = " ".join(quote.split()).lower()
        if not q:
            return None
        found: list[int] = []
        i = self.lower.find(q)
        while i >= 0 and len(found) < 50:
            found.append(i)
            i = self.lower.find(q, i + 1)
        if not found:
            return None
        tail = " ".join(before.split()).lower()[-30:]

        def cost(pos: int) -> tuple[int, float]:
            context_ok = 0 if tail and self.lower[max(0, pos - 40) : pos].endswith(tail) else 1
            seg = self.segments[self.segment_at(pos)]
            dt = abs((seg.start or 0.0) - near) if near is not None else 0.0
            return (context_ok if tail else 0, dt)

        return min(found, key=cost)


def time_range(transcript: Transcript) -> tuple[float, float] | None:
    """(first start, last end) of a transcript with times, else None."""
    starts = [s.start for s in transcript.segments if s.start is not None]
    if not starts:
        return None
    ends = [
        s.end if s.end is not None else s.start for s in transcript.segments if s.start is not None
    ]
    return min(starts), max(e for e in ends if e is not None)


def anchor(
    transcript: Transcript, start: float, end: float | None = None, quote: str | None = None
) -> Anchor:
    """Anchor a new highlight: check its times against the transcript, find its quote and context.

    Without a quote, the transcript's words between start and end are the quote.
    """
    if not transcript.segments:
        raise InputError(f"{transcript.meta.id} has no transcript to highlight.")
    span = time_range(transcript)
    if span is None:
        raise InputError(
            f"{transcript.meta.id} has no times in its transcript, so a passage cannot be "
            "highlighted by time."
        )
    first, last = span
    if start != start or start < 0 or start > last + SLACK:  # start != start: NaN
        raise InputError(
            f"{clock(start) or start} is outside the transcript, which runs from {clock(first)} "
            f"to {clock(last)}; pick a time in that range."
        )
    segs = transcript.segments
    timed = [(i, s) for i, s in enumerate(segs) if s.start is not None]
    at = max((i for i, s in timed if (s.start or 0.0) <= start + 1e-6), default=timed[0][0])
    if end is None:
        seg = segs[at]
        end = seg.end if seg.end is not None and seg.end > start else start
    if end != end or end < start:
        raise InputError(
            f"The end ({clock(end) or end}) is before the start ({clock(start)}); give an end "
            "after the start, or none."
        )
    end = min(end, last + SLACK)
    text_map = TextMap(transcript)
    if quote is None or not quote.strip():
        inside = [
            s.text
            for s in segs
            if s.start is not None
            and s.start < end - 1e-6
            and (s.end if s.end is not None else s.start) > start + 1e-6
        ]
        quote = " ".join(" ".join(inside).split()) or " ".join(segs[at].text.split())
    quote = " ".join(quote.split())
    if len(quote) > MAX_QUOTE_CHARS:
        raise InputError(
            f"The highlighted passage is {len(quote):,} characters long; highlight at most "
            f"{MAX_QUOTE_CHARS:,} characters at a time."
        )
    pos = text_map.find(quote, near=start)
    if pos is not None:
        before = text_map.text[max(0, pos - CONTEXT_CHARS) : pos]
        after = text_map.text[pos + len(quote) : pos + len(quote) + CONTEXT_CHARS]
    else:  # a summary item: its words are not the transcript's; the context is what is said there
        first_char = text_map.offsets[at]
        before = text_map.text[max(0, first_char - CONTEXT_CHARS) : first_char]
        after = text_map.text[first_char : first_char + CONTEXT_CHARS]
    return Anchor(float(start), float(end), quote, before.strip(), after.strip())


def reanchor(transcript: Transcript, h: Highlight) -> tuple[float, float] | None:
    """New (start, end) of a highlight in a re-made transcript, when its quote moved; else None."""
    if (
        h.start is None
        or h.end is None
        or not transcript.segments
        or time_range(transcript) is None
    ):
        return None  # a highlight by quote alone (a page, a document) has no time to move
    text_map = TextMap(transcript)
    pos = text_map.find(h.quote, near=h.start, before=h.before)
    if pos is None:
        return None
    first = text_map.segments[text_map.segment_at(pos)]
    last = text_map.segments[text_map.segment_at(pos + max(0, len(h.quote) - 1))]
    start = first.start
    end = last.end if last.end is not None else last.start
    if start is None or end is None:
        return None
    if abs(start - h.start) < 0.01 and abs(end - h.end) < 0.01:
        return None
    return float(start), float(max(end, start))
