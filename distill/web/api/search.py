"""/api/v1/search: full-text search over transcripts, titles and summaries."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from distill.web.api.models import HighlightPart, SearchHitOut, SearchOut
from distill.web.api.videos import channel_filter, channel_param, old_channel_param
from distill.web.deps import get_state

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchOut)
async def search(
    request: Request,
    query: str | None = Query(None, min_length=1, max_length=200, description="words to find"),
    q: str | None = Query(
        None, min_length=1, max_length=200, deprecated=True, description="the old name of `query`"
    ),
    channel: str | None = channel_param(),
    channel_id: str | None = old_channel_param(),
    limit: int = Query(20, ge=1, le=100),
) -> SearchOut:
    """Search everything said; each hit links to the moment in its video."""
    from distill.library import highlight_parts

    lib = get_state(request).library
    q = query or q
    if not q:
        raise HTTPException(422, "Pass the words to find as the query parameter, e.g. ?query=bees.")
    channel_id = await channel_filter(request, channel, channel_id)
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
