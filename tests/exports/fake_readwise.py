"""A local server speaking Readwise's highlight API (v2) as documented: token auth, the shape and
limits of each highlight field, dedupe on title/author/text/source_url, 429 with Retry-After and
5xx on demand. A request distill sends that the real API would refuse fails the test."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FIELDS = {
    "text": 8191,
    "title": 511,
    "author": 1024,
    "image_url": 2047,
    "source_url": 2047,
    "source_type": 64,
    "category": None,
    "note": 8191,
    "location": None,
    "location_type": None,
    "highlighted_at": None,
    "highlight_url": 4095,
}
CATEGORIES = {"books", "articles", "tweets", "podcasts"}
LOCATION_TYPES = {"page", "order", "time_offset"}


def problems(item: Any) -> list[str]:
    """What the documented API would refuse in one highlight object."""
    if not isinstance(item, dict):
        return ["a highlight must be an object"]
    out = [f"unknown field {k!r}" for k in item if k not in FIELDS]
    text = item.get("text")
    if not isinstance(text, str) or not text:
        out.append("text is required")
    for key, limit in FIELDS.items():
        value = item.get(key)
        if value is None:
            continue
        if key == "location":
            if not isinstance(value, int) or isinstance(value, bool):
                out.append("location must be an integer")
            continue
        if not isinstance(value, str):
            out.append(f"{key} must be a string")
            continue
        if limit is not None and len(value) > limit:
            out.append(f"{key} is longer than {limit}")
    if "source_type" in item and not (
        3 <= len(item["source_type"]) <= 64 and " " not in item["source_type"]
    ):
        out.append("source_type must be 3-64 characters without spaces")
    if "category" in item and item["category"] not in CATEGORIES:
        out.append("category must be one of books, articles, tweets, podcasts")
    if "location_type" in item and item["location_type"] not in LOCATION_TYPES:
        out.append("location_type must be page, order or time_offset")
    if "highlighted_at" in item:
        try:
            datetime.fromisoformat(str(item["highlighted_at"]).replace("Z", "+00:00"))
        except ValueError:
            out.append("highlighted_at must be ISO 8601")
    for key in ("source_url", "image_url", "highlight_url"):
        if key in item and not str(item[key]).startswith(("http://", "https://")):
            out.append(f"{key} must be a URL")
    return out


@dataclass
class FakeReadwise:
    """The server's state: its token, the books it holds, what to fail with next, what it saw."""

    token: str = "rw-test-token"
    books: dict[tuple[Any, Any, Any], dict[str, Any]] = field(default_factory=dict)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    @property
    def highlights(self) -> list[dict[str, Any]]:
        return [h for b in self.books.values() for h in b["highlights"].values()]

    def handle(
        self, method: str, path: str, auth: str | None, body: bytes
    ) -> tuple[int, Any, dict]:
        with self.lock:
            data = json.loads(body) if body else None
            self.requests.append((method, path, data))
            if self.failures:
                status, headers = self.failures.pop(0)
                return status, {"detail": "try later"}, headers
            if auth != f"Token {self.token}":
                return 401, {"detail": "Invalid token."}, {}
            if method == "GET" and path == "/api/v2/auth/":
                return 204, None, {}
            if method == "POST" and path == "/api/v2/highlights/":
                return self._create(data)
            return 404, {"detail": "Not found."}, {}

    def _create(self, data: Any) -> tuple[int, Any, dict]:
        items = data.get("highlights") if isinstance(data, dict) else None
        if not isinstance(items, list) or not items:
            self.refused.append("body must be {'highlights': [...]}")
            return 400, {"highlights": ["required"]}, {}
        found = [p for item in items for p in problems(item)]
        if found:
            self.refused += found
            return 400, {"highlights": found}, {}
        touched: dict[tuple[Any, Any, Any], list[int]] = {}
        for item in items:
            key = (item.get("title"), item.get("author"), item.get("source_url"))
            book = self.books.setdefault(
                key, {"id": 1000 + len(self.books), "title": key[0], "highlights": {}}
            )
            old = book["highlights"].get(item["text"])
            hid = old["id"] if old else 50_000 + len(self.highlights)
            book["highlights"][item["text"]] = {**item, "id": hid}  # dedupe: update in place
            touched.setdefault(key, []).append(hid)
        answer = [
            {
                "id": self.books[k]["id"],
                "title": self.books[k]["title"],
                "num_highlights": len(self.books[k]["highlights"]),
                "modified_highlights": ids,
            }
            for k, ids in touched.items()
        ]
        return 200, answer, {}


def serve(fake: FakeReadwise) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Run the fake on a free local port; `fake.url` is its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            status, answer, headers = fake.handle(
                self.command, self.path, self.headers.get("authorization"), body
            )
            data = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if data:
                self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _any

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server, thread
