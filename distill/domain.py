"""The vocabulary of distill: plain data, no I/O. These models are also the JSON schema."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SourceKind = Literal["youtube", "captions", "media", "article", "pdf", "episode", "book"]
# Kinds whose text has no times: their segments and summary items carry a page or paragraph.
TIMELESS_KINDS = frozenset({"article", "pdf", "book"})
START_DOC = (
    "seconds from the beginning; null where the source has no times (then page or paragraph)"
)
TextOrigin = Literal["manual", "auto", "translated", "file", "whisper"]

# The keys of the summary JSON contract (DESIGN.md), in order.
SUMMARY_KEYS = ("source", "model", "language", "tldr", "insights", "qa", "takeaways", "chapters")

# Where an item of a model's summary comes from: the model's text kept as cited, kept with its
# citation moved to the passage that supports it, or the built-in summary standing in for a
# section the model's text could not be verified in. None: not a model's item (a built-in summary).
Provenance = Literal["model", "model-repaired", "builtin"]

# Said (on the page, in the CLI) when sections of a model's summary are the built-in summary.
FALLBACK_NOTE = (
    "{most} of the model's summary could not be verified against the {what}; "
    "these sections are the built-in summary"
)
SECTION_NAMES = {
    "tldr": "TL;DR",
    "insights": "Key insights",
    "qa": "Questions & answers",
    "takeaways": "Key takeaways",
    "chapters": "Chapters",
}

# Progress callback: (stage, done, total). total is None when unknown.
ProgressFn = Callable[[str, float, float | None], None]


def no_progress(stage: str, done: float, total: float | None) -> None:
    """Progress callback that ignores every event."""


def _unset(value: object) -> bool:
    return value is None


def page_field() -> Any:
    """A 1-based PDF page: where an item is in a source without times; left out of JSON when unset."""
    return Field(default=None, exclude_if=_unset, description="1-based PDF page; only for PDFs")


def provenance_field() -> Any:
    """Where a model's summary item comes from; left out of JSON when unset (built-in summaries)."""
    return Field(
        default=None,
        exclude_if=_unset,
        description="a model's summary only: model (as cited), model-repaired (moved to the "
        "passage that says it) or builtin (the built-in summary stood in)",
    )


def paragraph_field() -> Any:
    """A 1-based paragraph (article) or highlight (book); left out of JSON when unset."""
    return Field(
        default=None,
        exclude_if=_unset,
        description="1-based paragraph of an article, or highlight of a book",
    )


class Chapter(BaseModel):
    """A titled section of the video, starting at `start` seconds (or at a page or paragraph)."""

    title: str
    start: float | None = None
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()
    provenance: Provenance | None = provenance_field()


class VideoMeta(BaseModel):
    """What is known about a video or recording, independent of its transcript."""

    kind: SourceKind
    id: str = Field(description="YouTube video id, or a slug plus content hash for local files")
    url: str | None = None
    title: str
    channel: str | None = None
    channel_id: str | None = None
    duration: float | None = None
    language: str | None = None
    upload_date: str | None = Field(default=None, description="YYYY-MM-DD")
    view_count: int | None = None
    thumbnail: str | None = None
    description: str | None = None
    chapters: list[Chapter] = Field(default_factory=list)
    path: str | None = Field(default=None, description="local media file, for playback")
    author: str | None = Field(default=None, description="an article's or book's author")
    pages: int | None = Field(default=None, description="a PDF's page count")
    feed: str | None = Field(default=None, description="the feed an episode was found in")
    via: str | None = Field(
        default=None,
        description="how the text reached distill when not fetched by it: 'browser' when the "
        "browser extension sent it",
    )


class MetaOverride(BaseModel):
    """What the user says about a source (title, channel, URL); None keeps what the source says."""

    title: str | None = None
    channel: str | None = None
    url: str | None = None

    def is_empty(self) -> bool:
        return self.title is None and self.channel is None and self.url is None

    def apply(self, meta: VideoMeta) -> VideoMeta:
        """`meta` with these fields in place of its own (a new channel drops the old channel id)."""
        update: dict[str, Any] = {}
        if self.title is not None:
            update["title"] = self.title
        if self.channel is not None:
            update["channel"], update["channel_id"] = self.channel, None
        if self.url is not None:
            update["url"] = self.url
        return meta.model_copy(update=update)


class Word(BaseModel):
    """One recognised word and when it is said (seconds)."""

    start: float
    end: float
    text: str


class Segment(BaseModel):
    """One timed piece of speech or text. Times are seconds, or None where the source has none
    (an article's paragraph or a PDF's page is then its anchor)."""

    start: float | None = None
    end: float | None = None
    text: str
    speaker: str | None = None
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()
    # Known only right after speech recognition; kept in memory (subtitle timing), never stored.
    words: list[Word] | None = Field(default=None, exclude=True)


class Transcript(BaseModel):
    """The words of a video with their times, plus where they came from."""

    meta: VideoMeta
    language: str | None = None
    origin: TextOrigin = "file"
    segments: list[Segment] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    @property
    def word_count(self) -> int:
        return sum(len(s.text.split()) for s in self.segments)


class SourceRef(BaseModel):
    """The short description of a video embedded in a summary."""

    kind: SourceKind
    id: str
    url: str | None = None
    title: str
    channel: str | None = None
    duration: float | None = None
    language: str | None = None

    @classmethod
    def of(cls, meta: VideoMeta) -> SourceRef:
        return cls(**meta.model_dump(include=set(cls.model_fields)))


class Insight(BaseModel):
    """A key insight: one emoji, one sentence, the moment it is said."""

    emoji: str
    text: str
    start: float | None = Field(default=None, description=START_DOC)
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()
    provenance: Provenance | None = provenance_field()


class QA(BaseModel):
    """A question the video answers, its answer, and where."""

    question: str
    answer: str
    start: float | None = Field(default=None, description=START_DOC)
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()
    provenance: Provenance | None = provenance_field()


class Takeaway(BaseModel):
    """One key takeaway of the summary."""

    text: str
    start: float | None = Field(default=None, description=START_DOC)
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()
    provenance: Provenance | None = provenance_field()


class Usage(BaseModel):
    """Model calls and tokens spent on one summary."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    cached: bool = False
    # Items the model proposed: kept as cited, kept with a repaired citation, dropped.
    grounded: int = 0
    repaired: int = 0
    dropped: int = 0
    retries: int = 0
    # Items of sections the built-in summary stood in for (their model text could not be verified).
    builtin: int = 0

    def from_cache(self) -> Usage:
        """This usage for a result served from the cache: no calls, tokens, cost or retries."""
        return self.model_copy(
            update={
                "calls": 0,
                "prompt_tokens": 0,
                "completion_tokens": 0,
                "cost_usd": 0.0,
                "cached": True,
                "retries": 0,
            }
        )


class Summary(BaseModel):
    """The summary page of one video in one language by one model."""

    model_config = ConfigDict(protected_namespaces=())

    source: SourceRef
    model: str = "builtin"
    language: str = "en"
    tldr: str
    insights: list[Insight] = Field(default_factory=list)
    qa: list[QA] = Field(default_factory=list)
    takeaways: list[Takeaway] = Field(default_factory=list)
    chapters: list[Chapter] = Field(default_factory=list)
    prompt_version: str | None = None
    usage: Usage | None = None
    translated_from: str | None = Field(
        default=None, description="the language of the summary this one was translated from"
    )
    tldr_provenance: Provenance | None = Field(
        default=None, description="where a model's summary's TL;DR comes from (see items)"
    )

    def contract(self) -> dict[str, Any]:
        """The summary as the JSON object of the documented contract (`summarize --format json`)."""
        data = self.model_dump(mode="json")
        out = {key: data[key] for key in SUMMARY_KEYS}
        if self.tldr_provenance is not None:
            out["tldr_provenance"] = self.tldr_provenance
        return out

    def builtin_sections(self) -> list[str]:
        """The sections of a model's summary that are the built-in summary (keys of SECTION_NAMES)."""
        sections: dict[str, list[Insight | QA | Takeaway | Chapter]] = {
            "insights": list(self.insights),
            "qa": list(self.qa),
            "takeaways": list(self.takeaways),
            "chapters": list(self.chapters),
        }
        out = ["tldr"] if self.tldr_provenance == "builtin" else []
        out += [
            name
            for name, items in sections.items()
            if items and all(i.provenance == "builtin" for i in items)
        ]
        return out

    def fallback_note(self) -> str | None:
        """One quiet sentence naming the sections the built-in summary stood in for, if any."""
        builtin = self.builtin_sections()
        if not builtin:
            return None
        model_made = ["tldr"] if self.tldr_provenance in ("model", "model-repaired") else []
        for name in ("insights", "qa", "takeaways", "chapters"):
            items: list[Insight | QA | Takeaway | Chapter] = list(getattr(self, name))
            if any(i.provenance in ("model", "model-repaired") for i in items):
                model_made.append(name)
        most = "Most" if len(builtin) >= len(model_made) else "Part"
        names = ", ".join(SECTION_NAMES[n] for n in builtin)
        what = "text" if self.source.kind in TIMELESS_KINDS else "transcript"
        return FALLBACK_NOTE.format(most=most, what=what) + f": {names}."


class Citation(BaseModel):
    """A passage of the transcript that supports an answer."""

    start: float | None = None
    text: str
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()


class Answer(BaseModel):
    """The answer to a question about one video, with its citations."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    found: bool = True
    provenance: Provenance | None = Field(
        default=None,
        exclude_if=_unset,
        description="for a model's answer: model, model-repaired or builtin",
    )

    def contract(self) -> dict[str, Any]:
        """The answer as the JSON object of the documented contract (`ask --format json`)."""
        data = self.model_dump(mode="json")
        out = {"answer": data["answer"], "citations": data["citations"]}
        if self.provenance is not None:
            out["provenance"] = self.provenance
        return out


class Highlight(BaseModel):
    """A passage of a video, document or web page marked by a reader, with a note and tags.

    Anchored by the quoted text with a little context before and after it (found again when a
    video is transcribed anew, or a page is revisited), and by time where the source has times,
    else by the page or paragraph of a document and the URL of a web page.
    """

    id: int
    video_id: str
    start: float | None = Field(default=None, description=START_DOC)
    end: float | None = None
    quote: str
    before: str = ""
    after: str = ""
    note: str = ""
    tags: list[str] = Field(default_factory=list)
    url: str | None = Field(default=None, description="the web page it was made on, if any")
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None


class LibraryCitation(BaseModel):
    """A passage of a stored video that supports an answer about the whole library."""

    video_id: str
    title: str
    start: float | None = None
    text: str


class LibraryAnswer(BaseModel):
    """The answer to a question asked of the whole library, citing videos and moments."""

    answer: str
    citations: list[LibraryCitation] = Field(default_factory=list)
    found: bool = True
    # Claims a model wrote: kept as cited, kept with a corrected citation, dropped.
    grounded: int = 0
    repaired: int = 0
    dropped: int = 0

    def contract(self) -> dict[str, Any]:
        """The answer as the documented JSON object (`ask --library --format json`)."""
        data = self.model_dump(mode="json")
        return {"answer": data["answer"], "citations": data["citations"]}


@dataclass(frozen=True)
class Summarized:
    """What summarizing a source produced: the stored video's id, its transcript and summary."""

    video_id: str
    transcript: Transcript
    summary: Summary
