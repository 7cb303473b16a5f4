"""What request handlers depend on: the app state and service, checked parameters, the base URL."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import HTTPException, Request

from distill.web.urls import scope_base

if TYPE_CHECKING:
    from distill.service import Distill
    from distill.web.state import AppState

T = TypeVar("T")
LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def get_state(request: Request) -> AppState:
    """The web app's state (library, service, templates, cache, limits)."""
    state: AppState = request.app.state.distill
    return state


def get_service(request: Request) -> Distill:
    """The application service every handler calls."""
    return get_state(request).service


async def on_page_lane(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run quick page work (a few database reads and a template: milliseconds) in this process's
    page lane, one at a time and in arrival order.

    Threads of one process share the GIL: eight cold renders at once took 1.6 times the CPU
    each and their p99 was five times the median; in turn, a process serves 1.5 times as many
    pages with a p99 near the median (bench/scale.py). Slow work (making a summary, asking,
    uploads) stays in the shared thread pool, so it never holds the lane.
    """
    import anyio.to_thread

    return await anyio.to_thread.run_sync(
        functools.partial(fn, *args, **kwargs), limiter=get_state(request).page_lane()
    )


async def full_id(request: Request, ref: str, kind: str = "video") -> str:
    """The full id of a stored video, channel or job from its id or a unique prefix of it."""
    service = get_service(request)
    resolve = {"video": service.video_id, "channel": service.channel_id, "job": service.job_id}
    return await on_page_lane(request, resolve[kind], ref)


def check_lang(lang: str | None) -> str | None:
    """A language code from a query or form, or a 400 saying what one looks like."""
    if lang is None or lang == "":
        return None
    if not LANG_RE.match(lang):
        raise HTTPException(
            400, "The lang parameter must be a language code such as 'en' or 'pt-BR'."
        )
    return lang


def base_url(request: Request) -> str:
    """The public address (DISTILL_PUBLIC_URL) if set, else scheme://host[:port] of the request,
    for absolute links on pages: share links, og:url, canonical links, the embed snippet."""
    return get_state(request).public_url or scope_base(request.scope)
