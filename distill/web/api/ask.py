"""/api/v1/ask: ask the whole library; the answer cites videos and moments."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from distill.web.api.models import AskLibraryIn, LibraryAnswerOut
from distill.web.api.videos import channel_filter
from distill.web.deps import get_state

router = APIRouter(tags=["ask"])


@router.post("/ask", response_model=LibraryAnswerOut)
async def ask_library(request: Request, body: AskLibraryIn) -> LibraryAnswerOut:
    """Answer from every stored video, highlight and note (with the configured model), citing
    each video and second it rests on. `history` (earlier questions of the conversation and
    the videos they cited) makes follow-up questions work."""
    from distill.knowledge import Context

    service = get_state(request).service
    channel_id = await channel_filter(request, body.channel, None)
    context = Context(
        questions=[t.question for t in body.history],
        cited_videos=[v for t in body.history for v in t.cited],
    )
    answer = await run_in_threadpool(
        lambda: service.ask_library(body.question, channel_id=channel_id, context=context)
    )
    return LibraryAnswerOut.of(answer)
