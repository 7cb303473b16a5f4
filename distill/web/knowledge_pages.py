"""Pages of the knowledge base: /ask (a conversation with the library) and /highlights."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from distill.errors import DistillError
from distill.web.deps import get_state
from distill.web.state import AppState

router = APIRouter(include_in_schema=False)
HIGHLIGHTS_PAGE = 30
MAX_TURNS = 6


def html(body: str, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type="text/html; charset=utf-8")


def _ask_page(
    state: AppState, q: str, history: list[str], channel_id: str | None
) -> tuple[str, int]:
    from distill.knowledge import Context

    lib = state.library
    answer = None
    error = None
    status = 200
    if q:
        try:
            answer = state.service.ask_library(
                q, channel_id=channel_id, context=Context(questions=history)
            )
        except DistillError as exc:
            error, status = str(exc), 400
    return (
        state.render(
            "ask.html",
            q=q,
            history=history,
            answer=answer,
            error=error,
            channels=lib.list_channels(),
            channel_id=channel_id,
            empty=lib.count_videos() == 0,
        ),
        status,
    )


@router.get("/ask")
async def ask_page(
    request: Request,
    q: str = Query("", max_length=20_000),
    h: list[str] = Query(default_factory=list),
    channel: str | None = None,
) -> Response:
    """Ask the library; `h` holds the conversation's earlier questions (follow-ups keep them)."""
    state = get_state(request)
    history = [x.strip()[:2000] for x in h if x.strip()][-MAX_TURNS:]
    body, status = await run_in_threadpool(_ask_page, state, q.strip(), history, channel or None)
    return html(body, status)


def _highlights_page(state: AppState, tag: str | None, q: str, video: str | None, page: int) -> str:
    lib = state.library
    error = None
    items: list[Any] = []
    try:
        found = lib.list_highlights(
            video_id=video,
            tag=tag,
            q=q or None,
            limit=HIGHLIGHTS_PAGE + 1,
            offset=(page - 1) * HIGHLIGHTS_PAGE,
        )
        titles: dict[str, str] = {}
        for hl in found[:HIGHLIGHTS_PAGE]:
            if hl.video_id not in titles:
                titles[hl.video_id] = lib.get_video(hl.video_id).title
            items.append({"h": hl, "title": titles[hl.video_id]})
        more = len(found) > HIGHLIGHTS_PAGE
    except DistillError as exc:
        error, more = str(exc), False
    return state.render(
        "highlights.html",
        items=items,
        tags=lib.highlight_tags()[:40],
        tag=tag,
        q=q,
        video=video,
        page=page,
        has_next=more,
        error=error,
        total=lib.count_highlights(),
    )


@router.get("/highlights")
async def highlights_page(
    request: Request,
    tag: str | None = Query(None, max_length=40),
    q: str = Query("", max_length=200),
    video: str | None = Query(None, max_length=200),
    page: int = Query(1, ge=1, le=10_000),
) -> Response:
    state = get_state(request)
    body = await run_in_threadpool(
        _highlights_page, state, (tag or "").strip().lower() or None, q.strip(), video, page
    )
    return html(body)
