"""What the web app keeps between requests: the library and service, the job worker, templates, a page cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from distill.web import render
from distill.web.page_cache import PageCache

if TYPE_CHECKING:
    from distill.jobs import Worker
    from distill.library import Library
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
    worker: Worker | None = None
    cache: PageCache = field(default_factory=PageCache)

    def render(self, name: str, **context: Any) -> str:
        return self.templates.get_template(name).render(**context)

    def changed(self) -> None:
        """The library changed: forget rendered pages."""
        self.cache.clear()
