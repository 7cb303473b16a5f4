"""/api/v1/search: full-text search over transcripts, titles and summaries."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from distill.web.api.models import HighlightPart, SearchHitOut, SearchOut
from distill.web.api.videos import known_channel
from distill.web.deps import get_state

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchOut)
async def search(
    request: Request,
    q: str = Query(min_length=1, max_length=200),
    channel_id: str | None = None,
    limit: int = Query(20, ge=1, le=100),
) -> SearchOut:
    """Search everything said; each hit links to the moment in its video."""
    from distill.library import highlight_parts

    lib = get_state(request).library
    if channel_id:
        channel_id = await known_channel(request, channel_id)
    hits = await run_in_threadpool(lambda: lib.search(q, limit=limit, channel_id=channel_id))
    out = []
    for h in hits:
        parts = highlight_parts(h.snippet)
        page = f"/v/{h.video_id}" + (f"?t={int(h.start)}" if h.start is not None else "")
        out.append(
            SearchHitOut(
                video_id=h.video_id,
                title=h.title,
                channel=h.channel,
                kind=h.kind,
                start=h.start,
                snippet="".join(text for text, _ in parts),
                parts=[HighlightPart(text=text, match=m) for text, m in parts],
                rank=h.rank,
                page=page,
            )
        )
    return SearchOut(query=q, hits=out)
