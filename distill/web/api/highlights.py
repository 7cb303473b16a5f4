"""/api/v1/highlights: list, search, add, read, edit (compare-and-set on `version`), delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from distill.domain import Highlight
from distill.web.api.auth import WRITE
from distill.web.api.models import (
    MOST_ID,
    ErrorOut,
    HighlightIn,
    HighlightOut,
    HighlightPage,
    HighlightPatch,
)
from distill.web.deps import get_state

router = APIRouter(prefix="/highlights", tags=["highlights"])


def _out(request: Request, items: list[Highlight]) -> list[HighlightOut]:
    lib = get_state(request).library
    titles: dict[str, str] = {}
    for h in items:
        if h.video_id not in titles:
            titles[h.video_id] = lib.get_video(h.video_id).title
    return [HighlightOut.of(h, titles[h.video_id]) for h in items]


@router.get("", response_model=HighlightPage)
async def list_highlights(
    request: Request,
    video_id: str | None = None,
    tag: str | None = Query(None, max_length=40),
    query: str | None = Query(None, max_length=200, description="words of the quote, note or tags"),
    q: str | None = Query(None, max_length=200, deprecated=True, description="same as `query`"),
    url: str | None = Query(None, max_length=2_000, description="only those made on this web page"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000_000),  # SQLite integers stop at 2**63
) -> HighlightPage:
    """Highlights and notes, newest first (in time order for one video); filter by tag and words."""
    state = get_state(request)
    lib = state.library
    words = query or q

    def build() -> HighlightPage:
        video = state.service.video_id(video_id) if video_id is not None else None
        page = None
        if url is not None:
            from distill.service_browser import check_page_url

            page = check_page_url(url)
        items = lib.list_highlights(
            video_id=video, tag=tag, q=words, url=page, limit=limit, offset=offset
        )
        return HighlightPage(items=_out(request, items), limit=limit, offset=offset)

    return await run_in_threadpool(build)


# A write that another one got in before: the same passage highlighted, a stale version.
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Changed meanwhile, or already there."}
}


@router.post(
    "",
    response_model=HighlightOut,
    status_code=201,
    dependencies=WRITE["dependencies"],
    responses={**WRITE["responses"], **CONFLICT},
)
async def add_highlight(request: Request, body: HighlightIn) -> HighlightOut:
    """Highlight a passage of a stored video (409 when that exact passage is highlighted already)."""
    state = get_state(request)

    def build() -> HighlightOut:
        h = state.service.add_highlight(
            body.video_id, body.start, body.end, quote=body.quote, note=body.note, tags=body.tags
        )
        return _out(request, [h])[0]

    out = await run_in_threadpool(build)
    state.changed(out.video_id)
    return out


# A highlight's number as the database stores it (a 64-bit integer).
HighlightId = Annotated[int, Path(ge=1, le=MOST_ID)]


@router.get("/{highlight_id}", response_model=HighlightOut)
async def get_highlight(request: Request, highlight_id: HighlightId) -> HighlightOut:
    lib = get_state(request).library
    return await run_in_threadpool(lambda: _out(request, [lib.get_highlight(highlight_id)])[0])


@router.patch(
    "/{highlight_id}",
    response_model=HighlightOut,
    dependencies=WRITE["dependencies"],
    responses={**WRITE["responses"], **CONFLICT},
)
async def edit_highlight(
    request: Request, highlight_id: HighlightId, body: HighlightPatch
) -> HighlightOut:
    """Change the note or tags; 409 when someone changed it after the `version` you read."""
    state = get_state(request)

    def build() -> HighlightOut:
        h = state.service.edit_highlight(highlight_id, body.version, note=body.note, tags=body.tags)
        return _out(request, [h])[0]

    out = await run_in_threadpool(build)
    state.changed(out.video_id)
    return out


@router.delete("/{highlight_id}", status_code=204, **WRITE)
async def delete_highlight(request: Request, highlight_id: HighlightId) -> Response:
    state = get_state(request)
    gone = await run_in_threadpool(state.service.delete_highlight, highlight_id)
    state.changed(gone.video_id)
    return Response(status_code=204)
