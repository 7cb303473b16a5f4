"""Rendered pages kept for a minute: served before routing, forgotten when the library changes."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qsl

from distill.web.urls import scope_base

CACHED_PREFIXES = ("/v/", "/embed/", "/c/", "/search", "/api/v1/search")
SEARCH_PREFIXES = ("/search", "/api/v1/search")


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

    def invalidate(self, *, video_id: str | None = None, channel_id: str | None = None) -> int:
        """Forget the pages one changed video shows on: its page and card, its channel's pages,
        the home page and every search; how many were dropped."""
        exact = {"/"}
        if video_id:
            exact |= {f"/v/{video_id}", f"/embed/{video_id}"}
        if channel_id:
            exact.add(f"/c/{channel_id}")
        searches = SEARCH_PREFIXES if video_id or channel_id else ()
        with self._lock:
            stale = [k for k in self._items if k[0] in exact or k[0].startswith(searches)]
            for key in stale:
                del self._items[key]
        return len(stale)


def page_key(scope: dict) -> tuple[Any, ...] | None:
    """The cache key of a GET for a cacheable page (video, embed, channel, search, search API), else None."""
    path: str = scope.get("path", "")
    if scope.get("method") != "GET" or not path.startswith(CACHED_PREFIXES):
        return None
    if path.startswith(("/v/", "/embed/", "/c/")) and path.count("/") != 2:
        return None  # downloads and other sub-resources are not cached
    raw = scope.get("query_string", b"")
    if len(raw) > 400:
        return None
    query = sorted(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
    if path.startswith("/v/"):
        # ?t= only tells the page's script where to start; the page itself is the same.
        query = [(k, v) for k, v in query if k != "t"]
    return (path, tuple(query), scope_base(scope))


class CachedPages:
    """Serve rendered pages from the cache before routing, and remember successful renders."""

    def __init__(self, app: Any, cache: PageCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        key = page_key(scope) if scope["type"] == "http" else None
        if key is None:
            await self.app(scope, receive, send)
            return
        cached = self.cache.get(key)
        if cached is not None:
            headers, body = cached
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def remember(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    headers = [
                        (k, v) for k, v in start.get("headers", []) if k.lower() != b"set-cookie"
                    ]
                    self.cache.put(key, (headers, b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, remember)
