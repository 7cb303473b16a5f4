"""/api/v1/batches: a playlist, channel or feed submitted at once, one job per entry, and its progress."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from distill.web import submissions
from distill.web.api.auth import WRITE
from distill.web.api.models import BatchIn, BatchOut
from distill.web.deps import get_state

router = APIRouter(prefix="/batches", tags=["batches"])


@router.post("", response_model=BatchOut, status_code=202, **WRITE)
async def submit(request: Request, body: BatchIn) -> BatchOut:
    """Summarize every entry of a YouTube playlist or channel, a podcast feed or a blog feed
    (newest `limit`, published on or after `since`; stored entries are skipped)."""
    state = get_state(request)
    found = await run_in_threadpool(
        lambda: submissions.submit_link(
            state, body.source, lang=body.lang, limit=body.limit, since=body.since
        )
    )
    if hasattr(found, "status"):
        raise HTTPException(
            400,
            f"{body.source} is one document, not a playlist, channel or feed; POST it to "
            "/api/v1/jobs instead.",
        )
    return BatchOut.of(found)


@router.get("", response_model=list[BatchOut])
async def list_batches(request: Request, limit: int = Query(20, ge=1, le=100)) -> list[BatchOut]:
    """The newest batches, each with its entries and progress."""
    lib = get_state(request).library
    return [BatchOut.of(b) for b in await run_in_threadpool(lambda: lib.list_batches(limit=limit))]


@router.get("/{batch_id}", response_model=BatchOut)
async def get_batch(request: Request, batch_id: str) -> BatchOut:
    """A batch's entries, each with its job's status, and the counts by status."""
    lib = get_state(request).library
    return BatchOut.of(await run_in_threadpool(lib.get_batch, batch_id))
