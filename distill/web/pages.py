"""Server-rendered pages: home, video, channel, search, job progress, embed card, media playback."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from distill.errors import DistillError
from distill.library import Batch
from distill.web import render, submissions
from distill.web.deps import base_url, check_lang, full_id, get_state, on_page_lane
from distill.web.render import job_error, source_label
from distill.web.security import check_origin, check_write
from distill.web.state import AppState
from distill.web.uploads import UploadError

router = APIRouter(include_in_schema=False)

STAGE_NAMES = {
    "download": "Download",
    "extract": "Read the text",
    "transcribe": "Transcribe",
    "summarize": "Summarize",
    "done": "Done",
}
PAGE_SIZE = 24
SEARCH_LIMIT = 30


def html_page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status)


def moved(request: Request, path: str) -> RedirectResponse:
    """From a short id's address to the full id's, keeping the query (a prefix may not stay unique)."""
    query = request.url.query
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=307)


async def checked_form(request: Request, *, max_files: int = 0, max_fields: int = 5) -> FormData:
    """The form of a changing request, read only after the origin check and kept only if the token is right."""
    check_origin(request)
    form = await request.form(max_files=max_files, max_fields=max_fields)
    token = form.get("token")
    try:
        check_write(request, token if isinstance(token, str) else None)
    except BaseException:
        await form.close()
        raise
    return form


# --- home and submit -------------------------------------------------------------------------


def _home(state: AppState, error: str | None = None) -> str:
    lib = state.library
    jobs = []
    for status in ("running", "queued", "failed"):
        for job in lib.list_jobs(status=status, limit=5):
            jobs.append(
                {"id": job.id, "status": job.status, "source_label": source_label(job.source)}
            )
    from distill.settings import get_settings

    return state.render(
        "home.html",
        batches=lib.list_batches(limit=5),
        videos=lib.list_cards(limit=12),
        channels=lib.list_channels(),
        jobs=jobs,
        error=error,
        token_required=bool(state.api_token),
        max_upload_mb=get_settings().max_upload_mb,
    )


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    state = get_state(request)
    return html_page(await run_in_threadpool(_home, state))


@router.post("/submit")
async def submit(request: Request) -> Response:
    state = get_state(request)
    form = await checked_form(request, max_files=1, max_fields=10)
    try:
        url = form.get("url")
        upload = form.get("file")
        title = form.get("title")
        if isinstance(upload, UploadFile) and upload.filename:
            path = await run_in_threadpool(
                submissions.store_file, state, upload.file, upload.filename
            )
            if path.suffix == ".clippings":
                books = await run_in_threadpool(submissions.import_clippings, state, path)
                state.changed()
                return RedirectResponse(f"/v/{books[0][0]}", status_code=303)
            job = await run_in_threadpool(
                lambda: submissions.submit_file(
                    state, str(path), title=title if isinstance(title, str) else None
                )
            )
        elif isinstance(url, str) and url.strip():
            known = await run_in_threadpool(submissions.summarized_youtube_id, state, url)
            if known is not None:  # already summarized: straight to its page
                return RedirectResponse(f"/v/{known}", status_code=303)
            found = await run_in_threadpool(submissions.submit_link, state, url)
            if isinstance(found, Batch):  # a playlist, channel or feed: one job per entry
                return RedirectResponse(f"/batches/{found.id}", status_code=303)
            job = found
        else:
            raise UploadError("Paste a link or choose a file to upload.")
    except (UploadError, DistillError) as exc:
        status = exc.status if isinstance(exc, UploadError) else 400
        body = await run_in_threadpool(_home, state, str(exc))
        return html_page(body, status=status)
    finally:
        await form.close()
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# --- jobs ------------------------------------------------------------------------------------


@router.get("/batches/{batch_id}", response_class=HTMLResponse)
async def batch_page(request: Request, batch_id: str) -> Response:
    state = get_state(request)

    def build() -> str:
        batch = state.library.get_batch(batch_id)
        return state.render("batch.html", batch=batch, active=batch.finished < batch.total)

    return html_page(await run_in_threadpool(build))


def _job_page(state: AppState, job_id: str) -> str:
    job = state.library.get_job(job_id)
    stages = state.service.stages(job.source)  # an upload has nothing to download
    current = job.stage if job.stage in stages else None
    if job.status == "done":
        current = "done"
    finished = stages[: stages.index(current)] if current else []
    running = f"{STAGE_NAMES.get(job.stage or '', 'Starting')} — {int(job.progress * 100)}%"
    if job.message:
        running += f" · {job.message}"
    status_text = {
        "queued": "Waiting for the worker…",
        "running": running,
        "done": "Done.",
        "failed": "Failed.",
    }[job.status]
    job = job.model_copy(update={"error": job_error(job.source, job.error)})
    return state.render(
        "job.html",
        job=job,
        stages=stages,
        stage_names=STAGE_NAMES,
        current=current,
        finished=finished,
        status_text=status_text,
        source_label=source_label(job.source),
        token_required=bool(state.api_token),
    )


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
async def job_page(request: Request, job_id: str) -> Response:
    state = get_state(request)
    full = await full_id(request, job_id, "job")
    if full != job_id:
        return moved(request, f"/jobs/{full}")
    return html_page(await run_in_threadpool(_job_page, state, job_id))


@router.post("/jobs/{job_id}/retry")
async def job_retry(request: Request, job_id: str) -> Response:
    state = get_state(request)
    await (await checked_form(request)).close()
    job = await run_in_threadpool(state.service.retry, job_id)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# --- the video page --------------------------------------------------------------------------


def video_context(
    state: AppState, video_id: str, lang: str | None, base: str, *, make: bool = True
) -> dict[str, Any]:
    """Everything the video page and its downloads show (see `Distill.video_view` for `make`)."""
    view, s = state.service.video_view(video_id, lang, make=make)
    v = view.meta
    chapters = (s.chapters if s and s.chapters else None) or v.chapters
    # The summary shown may have just been made (and stored): its language counts too.
    languages = sorted({x.language for x in view.summaries} | ({s.language} if s else set()))
    offer: list[str] = []
    if state.service.can_translate():
        offer = [c for c in render.OFFERED_LANGUAGES if c not in languages]
    more = view.more
    player = None
    if v.kind == "youtube":
        player = "youtube"
    elif v.kind in ("media", "episode") and v.path and Path(v.path).is_file():
        player = "audio" if render.is_audio(v.path) else "video"
    elif v.kind == "pdf" and v.path and Path(v.path).is_file():
        player = "pdf"
    page_url = f"{base}/v/{v.id}"
    thumbnail = render.safe_http_url(v.thumbnail)
    if thumbnail is None and v.kind == "youtube":
        thumbnail = f"https://i.ytimg.com/vi/{v.id}/hqdefault.jpg"
    description = (s.tldr if s else "") or (v.description or "") or v.title
    if len(description) > 200:
        description = description[:197].rsplit(" ", 1)[0] + "…"
    media_url = f"{base}/media/{v.id}" if player in ("audio", "video") else None
    highlights = view.highlights
    embed_code = (
        f'<iframe src="{base}/embed/{v.id}" title="{html.escape(v.title, quote=True)}" '
        'width="100%" height="380" style="border:0;max-width:560px" loading="lazy"></iframe>'
    )
    return {
        "v": v,
        "s": s,
        "lang": lang,
        "current_lang": (s.language if s else lang),
        "page_lang": (s.language if s else v.language) or "en",
        "chapters": chapters,
        "paragraphs": []
        if render.is_document(v.kind)
        else render.paragraphs(view.segments, chapters),
        "blocks": render.document_blocks(v, view.segments, chapters)
        if render.is_document(v.kind)
        else [],
        "clippings": state.library.get_clippings(v.id) if v.kind == "book" else [],
        "transcript_lang": view.transcript_language,
        "languages": languages,
        "offer_languages": offer,
        "more": more,
        "player": player,
        "page_url": page_url,
        "source_url": render.safe_http_url(v.url),
        "thumbnail": thumbnail,
        "description": description,
        "jsonld": render.video_jsonld(v, s, page_url, media_url, highlights),
        "highlights": highlights,
        "embed_code": embed_code,
        "noun": {"article": "article", "pdf": "PDF", "book": "book", "episode": "episode"}.get(
            v.kind, "video"
        ),
        "token_required": bool(state.api_token),
    }


def _video_page(
    state: AppState, video_id: str, lang: str | None, base: str, *, make: bool = False
) -> bytes:
    ctx = video_context(state, video_id, lang, base, make=make)
    return state.render("video.html", **ctx).encode()


def _video_page_at(
    state: AppState, ref: str, lang: str | None, base: str
) -> tuple[str, bytes | None]:
    """The video's full id and, when `ref` is that id, its page (one trip to the page lane)."""
    full = state.service.video_id(ref)
    if full != ref:
        return full, None
    return full, _video_page(state, full, check_lang(lang), base)


@router.get("/v/{video_id}", response_class=HTMLResponse)
async def video_page(request: Request, video_id: str, lang: str | None = None) -> Response:
    from distill.service import SummaryPending

    state = get_state(request)
    base = base_url(request)
    try:
        full, body = await on_page_lane(request, _video_page_at, state, video_id, lang, base)
    except SummaryPending:  # the first visit makes the summary: slow work, off the page lane
        full = video_id
        body = await run_in_threadpool(
            _video_page, state, video_id, check_lang(lang), base, make=True
        )
    if body is None:
        return moved(request, f"/v/{full}")
    return Response(body, media_type="text/html; charset=utf-8")


@router.get("/v/{video_id}/summary.md")
async def summary_markdown(request: Request, video_id: str, lang: str | None = None) -> Response:
    state = get_state(request)
    full = await full_id(request, video_id)
    if full != video_id:
        return moved(request, f"/v/{full}/summary.md")
    ctx = await run_in_threadpool(
        video_context, state, video_id, check_lang(lang), base_url(request)
    )
    if ctx["s"] is None:
        raise HTTPException(404, "This video has no summary in that language yet.")
    from distill.exports.markdown import highlights_markdown, summary_markdown
    from distill.exports.moments import page_links

    place = page_links(ctx["page_url"])
    text = summary_markdown(ctx["s"], place=place)
    text += highlights_markdown(ctx["highlights"], place=place)
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{video_id}.md"'},
    )


@router.get("/v/{video_id}/card/{item}.png")
async def quote_card(
    request: Request, video_id: str, item: str, lang: str | None = None
) -> Response:
    """A PNG quote card of one item (summary, insight-N, qa-N, takeaway-N, highlight-ID)."""
    full = await full_id(request, video_id)
    if full != video_id:
        return moved(request, f"/v/{full}/card/{item}.png")
    png = await run_in_threadpool(
        get_state(request).service.quote_card, video_id, item, check_lang(lang)
    )
    return Response(png, media_type="image/png", headers={"cache-control": "no-cache"})


@router.get("/thumb/{video_id}")
async def thumbnail(request: Request, video_id: str) -> Response:
    """A document's thumbnail, served from here (YouTube's kept, others drawn)."""
    full = await full_id(request, video_id)
    if full != video_id:
        return moved(request, f"/thumb/{full}")
    image, media_type = await run_in_threadpool(get_state(request).service.thumbnail, video_id)
    return Response(image, media_type=media_type, headers={"cache-control": "max-age=86400"})


@router.get("/v/{video_id}/summary.json")
async def summary_json(request: Request, video_id: str, lang: str | None = None) -> Response:
    state = get_state(request)
    full = await full_id(request, video_id)
    if full != video_id:
        return moved(request, f"/v/{full}/summary.json")
    s = await run_in_threadpool(state.service.summary, video_id, check_lang(lang))
    if s is None:
        state.library.get_video(video_id)
        raise HTTPException(404, "This video has no summary in that language yet.")
    return Response(
        s.model_dump_json(indent=2),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{video_id}.json"'},
    )


@router.post("/v/{video_id}/translate")
async def translate_page(request: Request, video_id: str) -> Response:
    state = get_state(request)
    form = await checked_form(request)
    lang = form.get("lang")
    lang = check_lang(lang if isinstance(lang, str) else None)
    if not lang:
        raise HTTPException(400, "Choose a language to translate into.")
    video_id = await full_id(request, video_id)
    await run_in_threadpool(state.service.translate, video_id, lang)
    await run_in_threadpool(state.changed, video_id)
    return RedirectResponse(f"/v/{video_id}?lang={lang}", status_code=303)


@router.get("/embed/{video_id}", response_class=HTMLResponse)
async def embed(request: Request, video_id: str, lang: str | None = None) -> Response:
    state = get_state(request)
    full = await full_id(request, video_id)
    if full != video_id:
        return moved(request, f"/embed/{full}")
    lang = check_lang(lang)
    base = base_url(request)

    def build() -> bytes:
        v = state.library.get_video(video_id)
        s = state.service.summary(video_id, lang)
        return state.render("embed.html", v=v, s=s, page_url=f"{base}/v/{v.id}").encode()

    return Response(await run_in_threadpool(build), media_type="text/html; charset=utf-8")


@router.get("/media/{video_id}")
async def media(request: Request, video_id: str) -> Response:
    """The stored media of a local video, found by id (never by a path from the request); Range works."""
    state = get_state(request)
    full = await full_id(request, video_id)
    if full != video_id:
        return moved(request, f"/media/{full}")
    v = await run_in_threadpool(state.library.get_video, video_id)
    if v.kind not in ("media", "episode", "pdf") or not v.path or not Path(v.path).is_file():
        raise HTTPException(404, "This video has no playable media stored.")
    return FileResponse(v.path, media_type=render.media_type(v.path))


# --- channels and search ---------------------------------------------------------------------


@router.get("/c/{channel_id}", response_class=HTMLResponse)
async def channel_page(request: Request, channel_id: str, page: int = 1) -> Response:
    state = get_state(request)
    full = await full_id(request, channel_id, "channel")
    if full != channel_id:
        return moved(request, f"/c/{full}")
    page = max(1, min(page, 10_000))

    def build() -> bytes:
        lib = state.library
        channel = lib.get_channel(channel_id)
        videos = lib.list_cards(
            channel_id=channel_id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
        )
        return state.render(
            "channel.html",
            channel=channel,
            videos=videos[:PAGE_SIZE],
            page=page,
            has_next=len(videos) > PAGE_SIZE,
        ).encode()

    return Response(await run_in_threadpool(build), media_type="text/html; charset=utf-8")


def _search_page(state: AppState, q: str, channel_id: str | None, page: int) -> str:
    from distill.library import highlight_parts

    lib = state.library
    channel = lib.get_channel(state.service.channel_id(channel_id)) if channel_id else None
    channel_id = channel.id if channel else None
    hits: list[dict[str, Any]] = []
    titles: list[Any] = []
    unmatched: list[str] = []
    has_more = False
    error = None
    if q:
        try:
            found = state.service.search(
                q, limit=SEARCH_LIMIT, offset=(page - 1) * SEARCH_LIMIT, channel_id=channel_id
            )
            titles = found.titles if page == 1 else []
            unmatched, has_more = found.unmatched, found.has_more
            # One video's moments together, videos in the order of their best hit.
            rank = {h.video_id: i for i, h in reversed(list(enumerate(found.hits)))}
            previous = None
            for h in sorted(found.hits, key=lambda h: rank[h.video_id]):
                first = h.video_id != previous
                previous = h.video_id
                hits.append({**h.model_dump(), "parts": highlight_parts(h.snippet), "first": first})
        except DistillError as exc:
            error = str(exc)
    return state.render(
        "search.html",
        q=q,
        hits=hits,
        titles=titles,
        unmatched=unmatched,
        channel=channel,
        error=error,
        limit=SEARCH_LIMIT,
        page=page,
        has_more=has_more,
    )


@router.get("/search", response_class=HTMLResponse)
async def search_page(
    request: Request, q: str = "", channel: str | None = None, page: int = 1
) -> Response:
    state = get_state(request)
    q = q.strip()[:200]
    page = max(1, min(page, 1000 // SEARCH_LIMIT))
    body = await run_in_threadpool(_search_page, state, q, channel or None, page)
    return Response(body, media_type="text/html; charset=utf-8")
