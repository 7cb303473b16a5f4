"""Request and response models of /api/v1, separate from the library's tables."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from distill.domain import Chapter, VideoMeta


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
    chapters: list[Chapter] = Field(default_factory=list)
    page: str = Field(description="path of the video's summary page")
    has_media: bool = Field(description="a local media file is stored and playable at /media/{id}")

    @classmethod
    def of(cls, meta: VideoMeta) -> VideoOut:
        data = meta.model_dump(exclude={"path", "thumbnail"})
        return cls(**data, page=f"/v/{meta.id}", has_media=bool(meta.kind == "media" and meta.path))


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
    page: str = Field(description="the video page at the moment of the hit")


class SearchOut(BaseModel):
    query: str
    hits: list[SearchHitOut]


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=1000)


class TranslateIn(BaseModel):
    lang: str = Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class ErrorBody(BaseModel):
    status: int
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
