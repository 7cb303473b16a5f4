"""What the web app keeps between requests: the library and service, the job worker, templates, a page cache."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from distill.errors import DistillError
from distill.files import write_atomic
from distill.web import render
from distill.web.page_cache import PageCache

if TYPE_CHECKING:
    from distill.library import Job, Library
    from distill.service import Distill

HERE = Path(__file__).parent


def make_templates() -> jinja2.Environment:
    """The Jinja2 environment: autoescaping on for every template, helpers as filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["time"] = render.fmt_time
    env.filters["views"] = render.fmt_views
    env.filters["langname"] = render.language_name
    env.filters["safe_url"] = render.safe_http_url
    env.filters["int_or_zero"] = lambda s: int(s) if s is not None else 0
    env.globals["paragraphs_html"] = render.paragraphs_html
    return env


@dataclass
class AppState:
    """Everything a request handler needs, stored on `app.state.distill`."""

    library: Library
    service: Distill
    templates: jinja2.Environment
    media_dir: Path
    api_token: str | None
    max_upload_bytes: int
    max_caption_bytes: int
    allowed_hosts: frozenset[str] = frozenset({"127.0.0.1", "localhost", "[::1]"})
    public_url: str | None = None  # the address people reach the server at, for absolute links
    extension_origins: frozenset[str] = frozenset()  # may call /api/v1/browser across origins
    max_page_bytes: int = 20 << 20
    worker: Any = None  # the job worker run in this process (embedded or Procrastinate), if any
    cache: PageCache = field(default_factory=PageCache)
    _page_lane: Any = None

    def page_lane(self) -> Any:
        """The limiter of this process's page lane (made on first use, inside the event loop)."""
        if self._page_lane is None:
            import anyio

            self._page_lane = anyio.CapacityLimiter(1)
        return self._page_lane

    changes_file: Path | None = None  # where web processes tell each other the library changed
    _seen_change: str = ""

    def render(self, name: str, **context: Any) -> str:
        return self.templates.get_template(name).render(**context)

    def changed(self, video_id: str | None = None) -> None:
        """The library changed: forget the pages one video shows on, or every page when None.

        Other web processes (`distill serve --processes`) hear of it through a file they look
        at every second, and forget every page.
        """
        self.tell_others()
        if video_id is None:
            self.cache.clear()
            return
        try:
            channel_id = self.library.get_video(video_id).channel_id
        except DistillError:  # gone already: nothing of it can be shown, but its channel may be
            self.cache.clear()
            return
        self.cache.invalidate(video_id=video_id, channel_id=channel_id)

    def tell_others(self) -> None:
        """Mark the library changed by this process, for the other web processes."""
        if self.changes_file is None:
            return
        # A read-only home: the other processes' pages live out their minute.
        with contextlib.suppress(OSError, DistillError):
            write_atomic(self.changes_file, f"{os.getpid()} {time.time_ns()}\n")

    def others_changed(self) -> bool:
        """Whether another process marked the library changed since this one last looked."""
        if self.changes_file is None:
            return False
        try:
            pid, stamp = self.changes_file.read_text().split()
        except (OSError, ValueError):
            return False
        if int(pid) == os.getpid() or stamp == self._seen_change:
            return False
        self._seen_change = stamp
        return True

    def job_finished(self, job: Job) -> None:
        """A job finished: its video's pages change (a failed job changes none but the home page)."""
        if job.status == "done" and job.video_id:
            self.changed(job.video_id)
        else:
            self.cache.invalidate()
