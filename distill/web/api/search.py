"""/api/v1/search: hybrid search (words and meaning) over transcripts, titles and summaries."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from distill.library import SearchHit
from distill.web.api.models import HighlightPart, SearchHitOut, SearchOut
from distill.web.api.videos import channel_filter, channel_param, old_channel_param
from distill.web.deps import get_state

router = APIRouter(tags=["search"])


def hit_out(h: SearchHit) -> SearchHitOut:
    from distill.library import highlight_parts

    parts = highlight_parts(h.snippet)
    page = f"/v/{h.video_id}" + (f"?t={int(h.start)}" if h.start is not None else "")
    return SearchHitOut(
        video_id=h.video_id,
        title=h.title,
        channel=h.channel,
        kind=h.kind,
        start=h.start,
        snippet="".join(text for text, _ in parts),
        parts=[HighlightPart(text=text, match=m) for text, m in parts],
        rank=h.rank,
        match=h.match,
        page=page,
    )


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
    offset: int = Query(0, ge=0, le=1000),
    words_only: bool = Query(False, description="only exact words, no passages found by meaning"),
) -> SearchOut:
    """Search everything said, by words (`eigen*` for prefixes) and by meaning; each hit links
    to the moment in its video. Page with `offset`; `unmatched` lists words found nowhere."""
    service = get_state(request).service
    q = query or q
    if not q:
        raise HTTPException(422, "Pass the words to find as the query parameter, e.g. ?query=bees.")
    channel_id = await channel_filter(request, channel, channel_id)
    found = await run_in_threadpool(
        lambda: service.search(
            q, limit=limit, offset=offset, channel_id=channel_id, semantic=not words_only
        )
    )
    return SearchOut(
        query=q,
        hits=[hit_out(h) for h in found.hits],
        titles=[hit_out(h) for h in found.titles] if offset == 0 else [],
        unmatched=found.unmatched,
        offset=offset,
        limit=limit,
        has_more=found.has_more,
    )
