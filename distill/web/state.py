"""What the web app keeps between requests: the library, the job worker, templates, a page cache."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from distill.web import render

if TYPE_CHECKING:
    from distill.jobs import Worker
    from distill.library import Library

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


class PageCache:
    """Rendered pages for a minute, oldest dropped first, cleared whenever the app changes the library."""

    def __init__(self, ttl: float = 60.0, max_items: int = 1000) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self._items: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        item = self._items.get(key)
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items.pop(key, None)
            while len(self._items) >= self.max_items:
                self._items.popitem(last=False)
            self._items[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass
class AppState:
    """Everything a request handler needs, stored on `app.state.distill`."""

    library: Library
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
