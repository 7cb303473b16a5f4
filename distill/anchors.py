"""Pages and paragraphs for the summarizers, which speak in seconds.

A source without times (an article, a PDF, a book) is summarized with stand-in times: each
segment starts where it would if read aloud. Every item the summarizer places at a segment's
start is then given that segment's page or paragraph back, and its `start` is null again.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, TypeVar

from distill.domain import TIMELESS_KINDS, Answer, Chapter, Segment, Summary, Transcript

WORDS_PER_SECOND = 2.5
T = TypeVar("T")


@dataclass
class AnchorMap:
    """Stand-in start times and the anchor (page, paragraph) of the segment at each."""

    starts: list[float] = field(default_factory=list)
    anchors: list[tuple[int | None, int | None]] = field(default_factory=list)

    def anchor(self, start: float | None) -> tuple[int | None, int | None]:
        """The anchor of the segment that begins at (or last before) a stand-in time."""
        if start is None or not self.starts:
            return (None, None)
        i = max(0, bisect_right(self.starts, start + 1e-6) - 1)
        return self.anchors[i]

    def place(self, item: T) -> T:
        """An item with its page or paragraph set from its stand-in start, and no start."""
        start = getattr(item, "start", None)
        page, paragraph = self.anchor(start)
        return item.model_copy(  # type: ignore[attr-defined,no-any-return]
            update={"start": None, "page": page, "paragraph": paragraph}
        )


def is_timeless(transcript: Transcript) -> bool:
    """Whether a transcript is of a source without times (its segments carry anchors)."""
    if transcript.meta.kind in TIMELESS_KINDS:
        return True
    segs = transcript.segments
    return (
        bool(segs)
        and all(s.start is None for s in segs)
        and any(s.page is not None or s.paragraph is not None for s in segs)
    )


def with_stand_in_times(transcript: Transcript) -> tuple[Transcript, AnchorMap]:
    """A copy of a timeless transcript whose segments (and chapters) have stand-in times."""
    amap = AnchorMap()
    segments: list[Segment] = []
    words = 0
    titles = {(c.page, c.paragraph, c.title) for c in transcript.meta.chapters}
    for seg in transcript.segments:
        if (seg.page, seg.paragraph, seg.text) in titles and seg.text[-1:].isalnum():
            # A heading is a line of its own: end it, so it is not read into the next sentence.
            seg = seg.model_copy(update={"text": seg.text + "."})
        start = round(words / WORDS_PER_SECOND, 3)
        words += max(1, len(seg.text.split()))
        end = round(words / WORDS_PER_SECOND, 3)
        amap.starts.append(start)
        amap.anchors.append((seg.page, seg.paragraph))
        segments.append(seg.model_copy(update={"start": start, "end": end}))
    chapters: list[Chapter] = []
    for chapter in transcript.meta.chapters:
        at = _first_start(amap, chapter.page, chapter.paragraph)
        if at is not None:
            chapters.append(
                chapter.model_copy(update={"start": at, "page": None, "paragraph": None})
            )
    meta = transcript.meta.model_copy(update={"chapters": chapters})
    return transcript.model_copy(update={"segments": segments, "meta": meta}), amap


def _first_start(amap: AnchorMap, page: int | None, paragraph: int | None) -> float | None:
    for start, (p, q) in zip(amap.starts, amap.anchors, strict=True):
        if (page is not None and p is not None and p >= page) or (
            paragraph is not None and q is not None and q >= paragraph
        ):
            return start
    return None


def anchored_summary(summary: Summary, amap: AnchorMap) -> Summary:
    """A summary made with stand-in times, its items placed on pages or paragraphs instead."""
    update: dict[str, Any] = {
        "insights": [amap.place(i) for i in summary.insights],
        "qa": [amap.place(q) for q in summary.qa],
        "takeaways": [amap.place(t) for t in summary.takeaways],
        "chapters": [amap.place(c) for c in summary.chapters],
        "source": summary.source.model_copy(update={"duration": None}),
    }
    return summary.model_copy(update=update)


def anchored_answer(answer: Answer, amap: AnchorMap) -> Answer:
    """An answer made with stand-in times, its citations placed on pages or paragraphs."""
    return answer.model_copy(update={"citations": [amap.place(c) for c in answer.citations]})
