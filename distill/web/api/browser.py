"""/api/v1/browser: what the browser extension sends (captions read on a watch page, a page's
HTML, a selection to highlight). Every route needs the token; across origins only the
extension's own origin is let in (CORS for it alone is `distill.web.security.ExtensionCors`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials

from distill.web.api.auth import bearer
from distill.web.api.highlights import CONFLICT, _out
from distill.web.api.models import (
    BrowserCheckOut,
    BrowserSummaryOut,
    CaptionsIn,
    ErrorOut,
    HighlightOut,
    PageHighlightIn,
    PageHighlightsOut,
    PageIn,
    SummaryOut,
)
from distill.web.deps import get_state
from distill.web.security import check_extension


def extension_access(
    request: Request, _: HTTPAuthorizationCredentials | None = Security(bearer)
) -> None:
    """The origin and token check of every route here (the document shows it as HTTP bearer)."""
    check_extension(request)


ACCESS: dict[str, Any] = {
    "dependencies": [Depends(extension_access)],
    "responses": {
        401: {"model": ErrorOut, "description": "The token is missing or wrong."},
        403: {"model": ErrorOut, "description": "Sent from an origin that is not the extension."},
    },
}
router = APIRouter(prefix="/browser", tags=["browser"])


def _summary_out(summarized: Any) -> BrowserSummaryOut:
    return BrowserSummaryOut(
        video_id=summarized.video_id,
        page=f"/v/{summarized.video_id}",
        via=summarized.transcript.meta.via,
        summary=SummaryOut.of(summarized.summary),
    )


def _check_html_size(request: Request, html: str | None) -> None:
    limit = get_state(request).max_page_bytes
    if html is not None and len(html.encode("utf-8", errors="replace")) > limit:
        raise HTTPException(
            413,
            f"The page is larger than the limit of {limit >> 20} MB; raise DISTILL_MAX_PAGE_MB "
            "on the server to save it.",
        )


@router.get("/check", response_model=BrowserCheckOut, **ACCESS)
async def check(request: Request) -> BrowserCheckOut:
    """Whether the extension's server URL and token work (the options page asks on save)."""
    lib = get_state(request).library
    return BrowserCheckOut(ok=True, videos=await run_in_threadpool(lib.count_videos))


@router.post("/captions", response_model=BrowserSummaryOut, **ACCESS)
async def captions(request: Request, body: CaptionsIn) -> BrowserSummaryOut:
    """Summarize a YouTube video from the captions its watch page has (YouTube is not contacted);
    the stored summary comes back when there is one, unless `again`."""
    from distill.sources.browser import BrowserCaptions, Cue

    state = get_state(request)
    sent = BrowserCaptions(
        video_id=body.video_id,
        title=body.title,
        cues=[Cue(c.start, c.duration, c.text) for c in body.cues],
        language=body.lang,
        generated=body.generated,
        channel=body.channel,
        duration=body.duration,
        chapters=[(c.title, c.start) for c in body.chapters],
    )
    done = await run_in_threadpool(state.service.summarize_captions, sent, again=body.again)
    state.changed(done.video_id)
    return _summary_out(done)


@router.post("/pages", response_model=BrowserSummaryOut, status_code=201, **ACCESS)
async def save_page(request: Request, body: PageIn) -> BrowserSummaryOut:
    """Save a web page as the browser shows it (behind a login too) as an article; summarize it."""
    _check_html_size(request, body.html)
    state = get_state(request)
    done = await run_in_threadpool(
        lambda: state.service.save_page(body.html, url=body.url, title=body.title)
    )
    state.changed(done.video_id)
    return _summary_out(done)


@router.get("/highlights", response_model=PageHighlightsOut, **ACCESS)
async def page_highlights(
    request: Request,
    url: str = Query(min_length=8, max_length=2_000, examples=["https://example.org/posts/bees"]),
) -> PageHighlightsOut:
    """The highlights made on one web page (to draw them again when it is revisited)."""
    from distill.service_browser import check_page_url

    state = get_state(request)

    def build() -> PageHighlightsOut:
        items = state.service.page_highlights(url)
        return PageHighlightsOut(url=check_page_url(url), items=_out(request, items))

    return await run_in_threadpool(build)


@router.post(
    "/highlights",
    response_model=HighlightOut,
    status_code=201,
    dependencies=ACCESS["dependencies"],
    responses={**ACCESS["responses"], **CONFLICT},
)
async def add_page_highlight(request: Request, body: PageHighlightIn) -> HighlightOut:
    """Highlight a selection on a web page (the page is saved first when it is not yet)."""
    _check_html_size(request, body.html)
    state = get_state(request)

    def build() -> HighlightOut:
        h = state.service.highlight_page(
            body.url,
            body.quote,
            before=body.before,
            after=body.after,
            note=body.note,
            tags=body.tags,
            html=body.html,
            title=body.title,
        )
        return _out(request, [h])[0]

    out = await run_in_threadpool(build)
    state.changed(out.video_id)
    return out
