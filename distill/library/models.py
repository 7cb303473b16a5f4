"""What the library hands back besides the domain models: search hits, channels, jobs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, Field

# Markers around the matched words in SearchHit.snippet; control characters never stored as text.
MATCH_START = "\x02"
MATCH_END = "\x03"
_MARKERS = re.compile(f"([{MATCH_START}{MATCH_END}])")

JobStatus = Literal["queued", "running", "done", "failed"]
JOB_STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")
ACTIVE_JOB_STATUSES: tuple[str, ...] = ("queued", "running")


class SearchHit(BaseModel):
    """One place where a query matches: a transcript segment, a title or a summary item."""

    video_id: str
    title: str
    channel: str | None = None
    kind: Literal["transcript", "title", "summary"]
    start: float | None = None
    snippet: str = Field(description='plain text; matches wrapped in "\\x02" ... "\\x03"')
    rank: float = Field(description="higher is better")
    match: Literal["words", "meaning", "both"] = Field(
        default="words", description="found by its words, by its meaning, or by both"
    )


class SearchResults(BaseModel):
    """One page of search results: the moments, the videos whose title matches, and the words
    of the query that matched nothing at all."""

    query: str
    hits: list[SearchHit] = Field(default_factory=list)
    titles: list[SearchHit] = Field(default_factory=list)
    unmatched: list[str] = Field(default_factory=list)
    partial: bool = Field(default=False, description="no one place has every word")
    offset: int = 0
    limit: int = 20
    has_more: bool = False


class ChannelInfo(BaseModel):
    """A channel in the library and how many of its videos are stored."""

    id: str
    name: str
    video_count: int = 0


@dataclass(frozen=True, slots=True)
class Card:
    """What a list of videos shows of each (read without decoding the whole stored record)."""

    id: str
    kind: str
    title: str
    duration: float | None
    upload_date: str | None
    channel: str | None


class SegmentRow(NamedTuple):
    """A stored transcript segment as a page reads it (a plain tuple: fast to make and read)."""

    start: float | None
    end: float | None
    text: str
    speaker: str | None
    page: int | None = None  # a PDF's page, for sources without times
    paragraph: int | None = None  # an article's paragraph or a book's highlight


@dataclass(frozen=True)
class VideoView:
    """Everything stored that a video's page shows, read in one go."""

    meta: Any  # VideoMeta
    summaries: list[Any]  # Summary, newest first
    has_transcript: bool
    transcript_language: str | None  # of the transcript shown: the video's own (or first) one
    segments: list[SegmentRow]
    transcript_languages: list[str]
    more: list[Card]  # other videos of its channel, newest first
    highlights: list[Any] = field(default_factory=list)  # Highlight, in time (page) order


class Job(BaseModel):
    """A durable piece of long work (download, transcribe, summarize) and its progress."""

    id: str
    source: str
    params: dict[str, Any] = Field(default_factory=dict)
    status: JobStatus = "queued"
    stage: str | None = None
    progress: float = 0.0
    message: str | None = None
    error: str | None = None
    video_id: str | None = None
    priority: int = 0
    created_at: datetime
    updated_at: datetime


def highlight_parts(snippet: str) -> list[tuple[str, bool]]:
    """Split a snippet into (text, is_match) pieces so callers can escape each piece.

    Adjacent pieces of the same kind (e.g. from nested or repeated markers) read as one.
    """
    parts: list[tuple[str, bool]] = []
    in_match = False
    for piece in _MARKERS.split(snippet):
        if piece in (MATCH_START, MATCH_END):
            in_match = piece == MATCH_START
        elif piece:
            if parts and parts[-1][1] == in_match:
                parts[-1] = (parts[-1][0] + piece, in_match)
            else:
                parts.append((piece, in_match))
    return parts
