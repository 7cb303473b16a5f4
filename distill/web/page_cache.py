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
    """Rendered pages for a minute, at most `max_bytes` of them (oldest dropped first, expired ones
    as soon as another page is kept), cleared whenever the app changes the library.

    Values are (headers, body); a page's size is its body's. `generation` counts the clears and
    invalidations: a render that began before one is not kept (`put(..., generation=...)`)."""

    def __init__(self, ttl: float = 60.0, max_items: int = 1000, max_bytes: int = 32 << 20) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.nbytes = 0
        self.generation = 0
        self._items: OrderedDict[Any, tuple[float, Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Any) -> Any | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] < time.monotonic():
            with self._lock:
                if self._items.get(key) is item:
                    self._drop(key)
            return None
        return item[1]

    def put(self, key: Any, value: Any, *, generation: int | None = None) -> None:
        """Keep a page, unless it is too big or the cache was cleared since `generation`."""
        size = _size(value)
        with self._lock:
            if generation is not None and generation != self.generation:
                return  # rendered from the library as it was before a change
            if key in self._items:
                self._drop(key)
            if size > self.max_bytes // 4:
                return
            now = time.monotonic()
            for old in [k for k, item in self._items.items() if item[0] < now]:
                self._drop(old)
            while self._items and (
                len(self._items) >= self.max_items or self.nbytes + size > self.max_bytes
            ):
                self._drop(next(iter(self._items)))
            self._items[key] = (now + self.ttl, value, size)
            self.nbytes += size

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._items.clear()
            self.nbytes = 0

    def invalidate(self, *, video_id: str | None = None, channel_id: str | None = None) -> int:
        """Forget the pages one changed video shows on: its page and card, its channel's pages,
        the home page and every search; how many were dropped. Renders begun before it are
        not kept either (they may show the video as it was)."""
        exact = {"/"}
        if video_id:
            exact |= {f"/v/{video_id}", f"/embed/{video_id}"}
        if channel_id:
            exact.add(f"/c/{channel_id}")
        searches = SEARCH_PREFIXES if video_id or channel_id else ()
        with self._lock:
            self.generation += 1
            stale = [k for k in self._items if k[0] in exact or k[0].startswith(searches)]
            for key in stale:
                self._drop(key)
        return len(stale)

    def _drop(self, key: Any) -> None:
        _, _, size = self._items.pop(key)
        self.nbytes -= size


def _size(value: Any) -> int:
    """The bytes a cached value holds: the body of a (headers, body) pair."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes | bytearray):
        return len(value[1])
    return len(value) if isinstance(value, bytes | bytearray | str) else 0


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
        generation = self.cache.generation  # before routing: a delete after this wins
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
                    self.cache.put(key, (headers, b"".join(chunks)), generation=generation)
            await send(message)

        await self.app(scope, receive, remember)
