"""/api/v1/videos: list, get, delete, summary, transcript, ask, translate."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from distill.errors import NotFoundError
from distill.web.api.auth import WRITE
from distill.web.api.models import (
    AnswerOut,
    AskIn,
    SummaryOut,
    TranscriptOut,
    TranslateIn,
    VideoDetail,
    VideoOut,
    VideoPage,
)
from distill.web.deps import check_lang, full_id, get_state

router = APIRouter()  # mounted at /videos and at /documents (the same resource)


def channel_param() -> Any:
    return Query(
        None, max_length=200, description="a channel: its id, its name or a unique start of its id"
    )


def old_channel_param() -> Any:
    return Query(None, max_length=200, deprecated=True, description="the old name of `channel`")


async def channel_filter(request: Request, channel: str | None, old: str | None) -> str | None:
    """The channel a filter names (id, name or unique prefix); an unknown one lists nothing."""
    ref = channel or old
    if not ref:
        return None
    try:
        return await full_id(request, ref, "channel")
    except NotFoundError:
        return ref


@router.get("", response_model=VideoPage)
async def list_videos(
    request: Request,
    channel: str | None = channel_param(),
    channel_id: str | None = old_channel_param(),
    limit: int = Query(20, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000_000),  # SQLite integers stop at 2**63
) -> VideoPage:
    """Videos in the library, newest first; filter by channel."""
    lib = get_state(request).library
    channel_id = await channel_filter(request, channel, channel_id)

    def build() -> VideoPage:
        items = lib.list_videos(channel_id=channel_id, limit=limit, offset=offset)
        total = lib.count_videos(channel_id=channel_id)
        return VideoPage(
            items=[VideoOut.of(v) for v in items], total=total, limit=limit, offset=offset
        )

    return await run_in_threadpool(build)


@router.get("/{video_id}", response_model=VideoDetail)
async def get_video(request: Request, video_id: str) -> VideoDetail:
    """One video (by its id or any unique prefix of it) and its summaries' languages."""
    lib = get_state(request).library
    video_id = await full_id(request, video_id)

    def build() -> VideoDetail:
        v = lib.get_video(video_id)
        return VideoDetail(
            **VideoOut.of(v).model_dump(), summary_languages=lib.summary_languages(video_id)
        )

    return await run_in_threadpool(build)


@router.delete("/{video_id}", status_code=204, **WRITE)
async def delete_video(request: Request, video_id: str) -> Response:
    """Delete a video with its transcripts and summaries (needs the token when one is set)."""
    state = get_state(request)
    await run_in_threadpool(state.service.delete, video_id)
    state.changed()
    return Response(status_code=204)


@router.get("/{video_id}/summary", response_model=SummaryOut)
async def get_summary(request: Request, video_id: str, lang: str | None = None) -> SummaryOut:
    """The video's summary: in its own language, or in `lang` (the built-in one is made if none is stored)."""
    state = get_state(request)
    lang = check_lang(lang)
    video_id = await full_id(request, video_id)

    def build() -> SummaryOut:
        s = state.service.summary(video_id, lang)
        if s is None:
            raise HTTPException(
                404, f"Video {video_id} has no summary{' in ' + lang if lang else ''} yet."
            )
        return SummaryOut.of(s)

    return await run_in_threadpool(build)


TEXT = {"schema": {"type": "string"}}


@router.get(
    "/{video_id}/transcript",
    response_model=None,
    responses={
        200: {
            "model": TranscriptOut,
            "description": "The transcript in the format asked for (SubRip has no registered "
            "media type; application/x-subrip is the shared MIME database's).",
            "content": {"application/x-subrip": TEXT, "text/vtt": TEXT, "text/plain": TEXT},
        }
    },
)
async def get_transcript(
    request: Request,
    video_id: str,
    format: Literal["json", "srt", "vtt", "text", "txt"] = Query(
        "json", description="json, srt, vtt or text (txt is the old name of text)"
    ),
    lang: str | None = None,
) -> Response:
    """The transcript as JSON, SubRip, WebVTT or plain text."""
    state = get_state(request)
    lang = check_lang(lang)
    video_id = await full_id(request, video_id)

    def build() -> Response:
        from distill.sources import export

        t = state.library.get_transcript(video_id, language=lang)
        if format == "json":
            return Response(
                TranscriptOut.of(t).model_dump_json(indent=2), media_type="application/json"
            )
        if format == "srt":
            return Response(export.to_srt(t), media_type="application/x-subrip; charset=utf-8")
        if format == "vtt":
            return Response(export.to_vtt(t), media_type="text/vtt; charset=utf-8")
        return Response(export.to_text(t), media_type="text/plain; charset=utf-8")

    return await run_in_threadpool(build)


@router.post("/{video_id}/ask", response_model=AnswerOut)
async def ask(request: Request, video_id: str, body: AskIn) -> AnswerOut:
    """Answer a question about the video (with the configured model), citing the moments that support it."""
    service = get_state(request).service
    answer = await run_in_threadpool(lambda: service.ask(video_id, body.question, fetch=False))
    return AnswerOut.of(answer)


@router.post("/{video_id}/translate", response_model=SummaryOut, **WRITE)
async def translate(request: Request, video_id: str, body: TranslateIn) -> SummaryOut:
    """Translate the summary with the configured model (needs the token when one is set)."""
    state = get_state(request)
    summary = await run_in_threadpool(state.service.translate, video_id, body.lang)
    await run_in_threadpool(state.changed, video_id)
    return SummaryOut.of(summary)
