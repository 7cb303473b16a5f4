"""Request and response models of /api/v1, separate from the library's tables."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from distill.domain import (
    START_DOC,
    Answer,
    Highlight,
    LibraryAnswer,
    Provenance,
    Summary,
    Transcript,
    VideoMeta,
    page_field,
    paragraph_field,
    provenance_field,
)


class ChapterOut(BaseModel):
    """A titled section of the video, starting at `start` seconds (or a page or paragraph)."""

    title: str
    start: float | None = None
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()
    provenance: Provenance | None = provenance_field()


class VideoOut(BaseModel):
    """A video in the library."""

    id: str
    kind: str
    title: str
    url: str | None = None
    channel: str | None = None
    channel_id: str | None = None
    duration: float | None = None
    language: str | None = None
    upload_date: str | None = None
    view_count: int | None = None
    description: str | None = None
    chapters: list[ChapterOut] = Field(default_factory=list)
    page: str = Field(description="path of the video's summary page")
    author: str | None = None
    pages: int | None = Field(default=None, description="a PDF's page count")
    has_media: bool = Field(description="a local media file is stored and playable at /media/{id}")

    @classmethod
    def of(cls, meta: VideoMeta) -> VideoOut:
        data = meta.model_dump(exclude={"path", "thumbnail"})
        data.pop("feed", None)
        has_media = bool(meta.kind in ("media", "episode", "pdf") and meta.path)
        return cls(**data, page=f"/v/{meta.id}", has_media=has_media)


class VideoDetail(VideoOut):
    summary_languages: list[str] = Field(default_factory=list)


class VideoPage(BaseModel):
    items: list[VideoOut]
    total: int
    limit: int
    offset: int


class ChannelOut(BaseModel):
    id: str
    name: str
    video_count: int
    page: str


class SubmitIn(BaseModel):
    """A YouTube URL (or video id) to summarize."""

    source: str = Field(min_length=1, max_length=2000, examples=["https://youtu.be/IHZwWFHWa-w"])
    lang: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class JobOut(BaseModel):
    id: str
    source: str = Field(description="the YouTube URL, or the uploaded file's name")
    status: Literal["queued", "running", "done", "failed"]
    stage: str | None = None
    progress: float
    message: str | None = None
    error: str | None = None
    video_id: str | None = None
    page: str = Field(description="the job's progress page")
    video_page: str | None = None
    created_at: datetime
    updated_at: datetime


class SegmentOut(BaseModel):
    """One timed piece of the transcript; times are seconds, or null where the source has none."""

    start: float | None = None
    end: float | None = None
    text: str
    speaker: str | None = None


class TranscriptOut(BaseModel):
    """A video's transcript: the video, the transcript's language and origin, its segments."""

    meta: VideoOut
    language: str | None = None
    origin: Literal["manual", "auto", "translated", "file", "whisper"]
    segments: list[SegmentOut]

    @classmethod
    def of(cls, transcript: Transcript) -> TranscriptOut:
        return cls(
            meta=VideoOut.of(transcript.meta),
            language=transcript.language,
            origin=transcript.origin,
            segments=[SegmentOut(**s.model_dump()) for s in transcript.segments],
        )


class HighlightPart(BaseModel):
    text: str
    match: bool


class SearchHitOut(BaseModel):
    video_id: str
    title: str
    channel: str | None = None
    kind: Literal["transcript", "title", "summary"]
    start: float | None = None
    snippet: str = Field(description="plain text of the snippet")
    parts: list[HighlightPart] = Field(description="the snippet split into matching and other text")
    rank: float
    match: Literal["words", "meaning", "both"] = "words"
    page: str = Field(description="the video page at the moment of the hit")


class SearchOut(BaseModel):
    query: str
    hits: list[SearchHitOut]
    titles: list[SearchHitOut] = Field(
        default_factory=list, description="videos whose title matches (first page only)"
    )
    unmatched: list[str] = Field(
        default_factory=list, description="words of the query found nowhere"
    )
    offset: int = 0
    limit: int = 20
    has_more: bool = False


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=1000)


class TranslateIn(BaseModel):
    lang: str = Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class SourceOut(BaseModel):
    """The video a summary is of."""

    kind: str
    id: str
    url: str | None = None
    title: str
    channel: str | None = None
    duration: float | None = None
    language: str | None = None


class InsightOut(BaseModel):
    emoji: str
    text: str
    start: float | None = Field(default=None, description=START_DOC)
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()
    provenance: Provenance | None = provenance_field()


class QAOut(BaseModel):
    question: str
    answer: str
    start: float | None = Field(default=None, description=START_DOC)
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()
    provenance: Provenance | None = provenance_field()


class TakeawayOut(BaseModel):
    text: str
    start: float | None = Field(default=None, description=START_DOC)
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()
    provenance: Provenance | None = provenance_field()


class UsageOut(BaseModel):
    """Model calls and tokens a summary took, and how its items were grounded."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    cached: bool = False
    grounded: int = 0
    repaired: int = 0
    dropped: int = 0
    retries: int = 0
    builtin: int = Field(default=0, description="items the built-in summary stood in for")


class SummaryOut(BaseModel):
    """A video's summary page in one language by one model."""

    model_config = ConfigDict(protected_namespaces=())

    source: SourceOut
    model: str
    language: str
    translated_from: str | None = None
    tldr: str
    tldr_provenance: Provenance | None = None
    insights: list[InsightOut]
    qa: list[QAOut]
    takeaways: list[TakeawayOut]
    chapters: list[ChapterOut]
    usage: UsageOut | None = None

    @classmethod
    def of(cls, summary: Summary) -> SummaryOut:
        return cls.model_validate(summary.model_dump(exclude={"prompt_version"}))


class CitationOut(BaseModel):
    start: float | None = None
    text: str
    page: int | None = page_field()
    paragraph: int | None = paragraph_field()


class AnswerOut(BaseModel):
    """An answer from one video's transcript, with the moments it rests on."""

    answer: str
    citations: list[CitationOut]
    found: bool = Field(description="false when the transcript does not seem to answer")
    provenance: Provenance | None = Field(
        default=None,
        description="a model's answer only: model (as cited), model-repaired (moved to the "
        "passage that says it) or builtin (the built-in summary stood in)",
    )

    @classmethod
    def of(cls, answer: Answer) -> AnswerOut:
        return cls.model_validate(answer.model_dump())


class ErrorBody(BaseModel):
    status: int
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


# --- the knowledge base: asking the library, highlights ----------------------------------------


class TurnIn(BaseModel):
    """An earlier question of the conversation, and the videos its answer cited."""

    question: str = Field(max_length=2000)
    cited: list[str] = Field(default_factory=list, max_length=20)


class AskLibraryIn(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    channel: str | None = Field(
        default=None, max_length=200, description="only this channel: its id, name or id prefix"
    )
    history: list[TurnIn] = Field(
        default_factory=list, max_length=10, description="earlier turns, oldest first"
    )


class LibraryCitationOut(BaseModel):
    video_id: str
    title: str
    start: float | None = Field(default=None, description="seconds; null where there are none")
    text: str


class LibraryAnswerOut(BaseModel):
    """An answer from the whole library, citing videos and moments."""

    answer: str
    citations: list[LibraryCitationOut]
    found: bool = Field(description="false when nothing stored answers the question")

    @classmethod
    def of(cls, answer: LibraryAnswer) -> LibraryAnswerOut:
        return cls.model_validate(answer.model_dump(include={"answer", "citations", "found"}))


MOST_ID = 2**63 - 1  # the largest integer the databases store: ids and versions past it are none


class HighlightIn(BaseModel):
    """A passage to highlight: a stored video, a time range, and optionally the exact words."""

    video_id: str = Field(min_length=1, max_length=200, description="its id or a unique prefix")
    start: float = Field(ge=0, allow_inf_nan=False, examples=[5.0], description="seconds")
    end: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="seconds (default: the line's end)"
    )
    quote: str | None = Field(
        default=None, max_length=2000, description="the selected words (default: what is said)"
    )
    note: str | None = Field(default=None, max_length=10_000)
    tags: list[str] = Field(default_factory=list, max_length=20)


class HighlightPatch(BaseModel):
    """A change to a highlight's note or tags; `version` is the one you read (no lost update)."""

    version: int = Field(ge=1, le=MOST_ID)
    note: str | None = Field(default=None, max_length=10_000)
    tags: list[str] | None = Field(default=None, max_length=20)


class HighlightOut(BaseModel):
    id: int
    video_id: str
    title: str
    start: float | None = Field(description="seconds; null on a page or document without times")
    end: float | None
    quote: str
    before: str
    after: str
    note: str
    tags: list[str]
    url: str | None = Field(default=None, description="the web page it was made on, if any")
    page_number: int | None = Field(default=None, description="the PDF page it is on, if any")
    paragraph: int | None = Field(default=None, description="the article paragraph, if known")
    version: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
    page: str = Field(description="the video page at the highlight's moment")

    @classmethod
    def of(cls, h: Highlight, title: str) -> HighlightOut:
        at = f"?t={int(h.start)}" if h.start is not None else ""
        data = h.model_dump(exclude={"page"})
        return cls(**data, page_number=h.page, title=title, page=f"/v/{h.video_id}{at}")


class HighlightPage(BaseModel):
    items: list[HighlightOut]
    limit: int
    offset: int


class BatchIn(BaseModel):
    """A YouTube playlist or channel URL, or a feed URL, to summarize entry by entry."""

    source: str = Field(
        min_length=1, max_length=2000, examples=["https://podcasts.example.org/feed.xml"]
    )
    limit: int | None = Field(default=None, ge=1, le=1000, description="newest N entries only")
    since: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    lang: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class BatchItemOut(BaseModel):
    source: str
    title: str | None = None
    status: str = Field(
        description="queued, running, done, failed, or stored (already in the library)"
    )
    job_id: str | None = None
    video_id: str | None = None


class BatchOut(BaseModel):
    """A batch and how far its jobs got."""

    id: str
    source: str
    title: str
    kind: str
    total: int
    finished: int
    counts: dict[str, int]
    items: list[BatchItemOut]
    page: str
    created_at: datetime

    @classmethod
    def of(cls, batch: object) -> BatchOut:
        b = batch  # a distill.library.Batch
        return cls(
            id=b.id,  # type: ignore[attr-defined]
            source=b.source,  # type: ignore[attr-defined]
            title=b.title,  # type: ignore[attr-defined]
            kind=b.kind,  # type: ignore[attr-defined]
            total=b.total,  # type: ignore[attr-defined]
            finished=b.finished,  # type: ignore[attr-defined]
            counts=b.counts,  # type: ignore[attr-defined]
            items=[BatchItemOut(**i.model_dump()) for i in b.items],  # type: ignore[attr-defined]
            page=f"/batches/{b.id}",  # type: ignore[attr-defined]
            created_at=b.created_at,  # type: ignore[attr-defined]
        )


# --- what the browser extension sends (untrusted: every size and format is checked) ----------

YOUTUBE_ID = r"^[A-Za-z0-9_-]{11}$"
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$"
MAX_CAPTION_CHARS = 2_000_000  # every cue's text together: far more than a day of speech


class CueIn(BaseModel):
    """One caption cue as the watch page has it."""

    model_config = ConfigDict(extra="forbid")

    start: float = Field(ge=0, le=172_800, description="seconds")
    duration: float = Field(ge=0, le=3_600, description="seconds")
    text: str = Field(max_length=5_000)


class ChapterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    start: float = Field(ge=0, le=172_800)


class CaptionsIn(BaseModel):
    """A YouTube video's captions and metadata read on its watch page by the extension."""

    model_config = ConfigDict(extra="forbid")

    video_id: str = Field(
        pattern=YOUTUBE_ID,
        description="the 11-character YouTube video id",
        examples=["dQw4w9WgXcQ"],
    )
    title: str = Field(min_length=1, max_length=500)
    channel: str | None = Field(default=None, max_length=200)
    duration: float | None = Field(default=None, ge=0, le=172_800)
    lang: str | None = Field(
        default=None, pattern=LANGUAGE_TAG, description="the caption track's language"
    )
    generated: bool = Field(default=False, description="YouTube's speech recognition captions")
    cues: list[CueIn] = Field(
        min_length=1,
        max_length=50_000,
        examples=[
            [
                {"start": 0.0, "duration": 4.0, "text": "Octopuses have three hearts."},
                {"start": 4.0, "duration": 4.0, "text": "Two of them pump blood to the gills."},
            ]
        ],
    )
    chapters: list[ChapterIn] = Field(default_factory=list, max_length=500)
    again: bool = Field(default=False, description="summarize again though a summary is stored")

    @model_validator(mode="after")
    def _not_too_much_text(self) -> CaptionsIn:
        total = sum(len(c.text) for c in self.cues)
        if total > MAX_CAPTION_CHARS:
            raise ValueError(
                f"the captions hold {total:,} characters; at most {MAX_CAPTION_CHARS:,} are taken"
            )
        return self


class PageIn(BaseModel):
    """A web page as the browser shows it (its HTML), to store as an article and summarize."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=8,
        max_length=2_000,
        pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://",
        examples=["https://example.org/posts/bees"],
    )
    title: str | None = Field(default=None, max_length=500)
    html: str = Field(min_length=1, description="the page's HTML (DISTILL_MAX_PAGE_MB at most)")


class PageHighlightIn(BaseModel):
    """A selection on a web page: its words, a little text either side, an optional note."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=8,
        max_length=2_000,
        pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://",
        examples=["https://example.org/posts/bees"],
    )
    quote: str = Field(min_length=1, max_length=2_000)
    before: str = Field(default="", max_length=500)
    after: str = Field(default="", max_length=500)
    note: str | None = Field(default=None, max_length=10_000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    title: str | None = Field(default=None, max_length=500)
    html: str | None = Field(
        default=None, description="the page's HTML, to store it first when it is not yet saved"
    )


class BrowserSummaryOut(BaseModel):
    """What the extension shows: the summary, and where its full page is on this server."""

    video_id: str
    page: str = Field(description="the document's page on this server (a path)")
    via: str | None = Field(description="'browser' when the extension sent the text")
    summary: SummaryOut


class PageHighlightsOut(BaseModel):
    url: str
    items: list[HighlightOut]


class BrowserCheckOut(BaseModel):
    """The extension's token check: the token works and the origin is allowed."""

    ok: bool
    videos: int = Field(description="how many documents the library holds")
