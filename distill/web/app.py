"""The FastAPI application: pages, /api/v1, static files, error pages, the job worker's lifetime."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from distill.errors import ConflictError, DistillError, NotFoundError
from distill.library.database import utcnow
from distill.web.page_cache import CachedPages
from distill.web.security import (
    AllowedHosts,
    ErrorPage,
    ExtensionCors,
    RequestGuard,
    SecurityHeaders,
    allowed_hosts,
)
from distill.web.state import HERE, AppState, make_templates
from distill.web.uploads import UploadError

if TYPE_CHECKING:
    from distill.library import Job, Library
    from distill.service import Distill

log = logging.getLogger(__name__)
ASSET_VERSION = "7"

HEADINGS = {
    400: "That request could not be used",
    401: "A token is needed",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Changed meanwhile",
    413: "Too large",
    415: "Unsupported file type",
    421: "Not this server",
    422: "That request could not be used",
    500: "Something went wrong",
}


def error_page(state: AppState) -> ErrorPage:
    """(path, status, message) -> (content type, body): JSON for the API, an HTML page otherwise."""

    def page(path: str, status: int, message: str) -> tuple[str, bytes]:
        if path.startswith("/api/"):
            body = {"error": {"status": status, "message": message}}
            return "application/json", json.dumps(body).encode()
        html = state.render(
            "error.html",
            status=status,
            heading=HEADINGS.get(status, "Something went wrong"),
            message=message,
            asset_version=ASSET_VERSION,
        )
        return "text/html; charset=utf-8", html.encode()

    return page


def error_response(request: Request, status: int, message: str) -> Response:
    """A JSON error for the API, an HTML page for everything else."""
    state: AppState = request.app.state.distill
    content_type, body = error_page(state)(request.url.path, status, message)
    return Response(body, status_code=status, media_type=content_type)


def mount_docs(app: FastAPI, state: AppState) -> None:
    """/docs: Swagger UI's files from the swagger-ui-py package, so the API docs render offline too."""
    import importlib.util

    # Only the package's static folder is used; importing it would pull its framework handlers.
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return
    static = Path(list(spec.submodule_search_locations)[0]) / "static"
    app.mount("/docs-assets", StaticFiles(directory=str(static)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(state.render("docs.html", asset_version=ASSET_VERSION))


def start_worker(service: Distill, on_done: Callable[[Job], None] | None = None) -> Any:
    """Run queued jobs in this process: the embedded worker thread on SQLite, a Procrastinate
    worker thread on PostgreSQL. Returns the worker (its `stop()` ends it)."""
    library = service.library
    if library.dialect == "postgresql":
        from distill.jobs.workers import WorkerThread

        pg = WorkerThread(library.url, type(service), on_done=on_done)
        pg.start()
        return pg
    from distill.jobs import Worker

    embedded = Worker(service, on_done=on_done)
    service.on_submit = embedded.notify
    requeued = embedded.start()
    if requeued:
        print(f"distill: resuming {requeued} interrupted job(s)", file=sys.stderr)
    return embedded


@contextmanager
def background_worker(*, enabled: bool = True) -> Iterator[None]:
    """The job worker of a `distill serve` whose web processes are separate (see serve_cmd)."""
    if not enabled:
        yield
        return
    from distill.service import Distill

    with Distill() as service:
        running = start_worker(service)
        try:
            yield
        finally:
            running.stop()


async def watch_finished_jobs(state: AppState, every: float = 1.0) -> None:
    """Forget the pages of videos whose jobs another process finished (workers, other servers),
    and every page when another web process changed the library (a delete, a translation)."""
    from fastapi.concurrency import run_in_threadpool

    since = utcnow()
    state.others_changed()  # what was marked before this process started is in no cache here
    while True:
        await asyncio.sleep(every)
        if await run_in_threadpool(state.others_changed):
            state.cache.clear()
        try:
            finished = await run_in_threadpool(state.library.finished_jobs, since)
        except Exception:  # the database may be busy or restarting: look again next time
            continue
        for job in finished:
            since = max(since, job.updated_at)
            await run_in_threadpool(state.job_finished, job)


def create_web_only_app() -> FastAPI:
    """The app of one of several web processes: jobs run elsewhere (`distill serve --processes`)."""
    return create_app(worker=False, serving=True)


def warm_up(state: AppState) -> None:
    """Ready a serving process before its first request: templates compiled, startup objects frozen.

    Compiling the templates made the first page 140 ms. What is alive once the app is built
    (modules, templates, the library's engine) stays alive: frozen, a full collection no longer
    walks it, which paused every request in flight for 50-110 ms a few times a minute under
    load (bench/scale.py's cold-page p99). Not for test apps: frozen objects are never freed.
    """
    for name in state.templates.list_templates(extensions=["html"]):
        state.templates.get_template(name)
    gc.collect()
    gc.freeze()


def create_app(
    library: Library | None = None, *, worker: bool = True, serving: bool = False
) -> FastAPI:
    """The distill web app over `library` (the default library if None); `worker` runs jobs
    in-process; `serving` readies it for a long-lived server (`warm_up`)."""
    from distill.settings import get_settings

    settings = get_settings()
    from distill.service import Distill

    if library is None:
        from distill.library import Library

        library = Library()
    service = Distill(library)
    state = AppState(
        library=library,
        service=service,
        templates=make_templates(),
        media_dir=settings.media_dir,
        api_token=(settings.api_token or "").strip() or None,
        max_upload_bytes=settings.max_upload_mb * (1 << 20),
        max_caption_bytes=settings.max_caption_mb * (1 << 20),
        public_url=settings.public_base,
        extension_origins=settings.extension_origin_set,
        max_page_bytes=settings.max_page_mb * (1 << 20),
        changes_file=settings.home / "web-changes",
        allowed_hosts=allowed_hosts(settings.allowed_hosts, settings.public_base),
    )
    state.templates.globals["asset_version"] = ASSET_VERSION

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if serving:
            warm_up(state)
        if worker:
            state.worker = start_worker(service, on_done=state.job_finished)
        watcher = asyncio.create_task(watch_finished_jobs(state))
        try:
            yield
        finally:
            watcher.cancel()
            if state.worker is not None:
                service.on_submit = None
                state.worker.stop()
                state.worker = None

    app = FastAPI(
        title="distill",
        summary="Summaries of videos and recordings, with timestamps: the REST API.",
        version="1",
        lifespan=lifespan,
        docs_url=None,  # our own /docs below: Swagger UI served from this server, not a CDN
        redoc_url=None,
    )
    app.state.distill = state

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return error_response(request, 404, str(exc))

    @app.exception_handler(ConflictError)
    async def conflict(request: Request, exc: ConflictError) -> Response:
        return error_response(request, 409, str(exc))

    @app.exception_handler(UploadError)
    async def bad_upload(request: Request, exc: UploadError) -> Response:
        return error_response(request, exc.status, str(exc))

    @app.exception_handler(DistillError)
    async def distill_error(request: Request, exc: DistillError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no page at this address."
        response = error_response(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors()[:3]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query"))
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        return error_response(request, 422, "Invalid request (" + "; ".join(parts) + ").")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return error_response(
            request, 500, "Something went wrong on the server; the error is in its log. Try again."
        )

    from distill.web.api import router as api_router
    from distill.web.knowledge_pages import router as knowledge_router
    from distill.web.pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    app.include_router(knowledge_router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    mount_docs(app, state)
    page = error_page(state)
    app.add_middleware(CachedPages, cache=state.cache)
    app.add_middleware(
        RequestGuard,
        media_bytes=state.max_upload_bytes,
        caption_bytes=state.max_caption_bytes,
        hosts=state.allowed_hosts,
        token=state.api_token,
        page=page,
        extension_origins=state.extension_origins,
        page_bytes=state.max_page_bytes,
    )
    # Outside the guard, so its refusals reach the extension with the CORS headers it can read.
    app.add_middleware(ExtensionCors, origins=state.extension_origins)
    app.add_middleware(AllowedHosts, hosts=state.allowed_hosts, page=page)
    app.add_middleware(SecurityHeaders)
    return app
