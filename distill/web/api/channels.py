"""/api/v1/channels."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from distill.web.api.models import ChannelOut
from distill.web.deps import full_id, get_state

router = APIRouter(prefix="/channels", tags=["channels"])


@router.get("", response_model=list[ChannelOut])
async def list_channels(request: Request) -> list[ChannelOut]:
    lib = get_state(request).library
    channels = await run_in_threadpool(lib.list_channels)
    return [ChannelOut(**c.model_dump(), page=f"/c/{c.id}") for c in channels]


@router.get("/{channel_id}", response_model=ChannelOut)
async def get_channel(request: Request, channel_id: str) -> ChannelOut:
    """One channel (by its id or any unique prefix of it) and how many videos it has."""
    lib = get_state(request).library
    c = await run_in_threadpool(lib.get_channel, await full_id(request, channel_id, "channel"))
    return ChannelOut(**c.model_dump(), page=f"/c/{c.id}")
