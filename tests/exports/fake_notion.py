"""A local server speaking the part of Notion's API (version 2022-06-28) the export uses, as
documented: Bearer token and Notion-Version headers, a database's properties, pages created in
a database, page properties updated, block children listed (paginated), appended and deleted;
at most 100 children a request, 2,000 characters a text object, 100 text objects a block; 429
with Retry-After and 5xx on demand. A request the real API would refuse fails the test."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

VERSION = "2022-06-28"
TEXT_BLOCKS = {"paragraph", "heading_1", "heading_2", "heading_3", "bulleted_list_item", "quote"}


def error(status: int, code: str, message: str) -> tuple[int, Any, dict]:
    return status, {"object": "error", "status": status, "code": code, "message": message}, {}


def rich_problems(texts: Any, where: str) -> list[str]:
    if not isinstance(texts, list):
        return [f"{where} must be a list"]
    out = [f"{where} has more than 100 items"] if len(texts) > 100 else []
    for t in texts:
        content = (t.get("text") or {}).get("content") if isinstance(t, dict) else None
        if not isinstance(content, str):
            out.append(f"{where}: text.content is required")
        elif len(content) > 2000:
            out.append(f"{where}: text.content is longer than 2000")
        link = (t.get("text") or {}).get("link")
        if link is not None and not str(link.get("url", "")).startswith(("http://", "https://")):
            out.append(f"{where}: link.url must be a URL")
    return out


def block_problems(children: Any) -> list[str]:
    if not isinstance(children, list):
        return ["children must be a list"]
    out = ["children has more than 100 blocks"] if len(children) > 100 else []
    for b in children:
        kind = b.get("type") if isinstance(b, dict) else None
        if kind not in TEXT_BLOCKS or not isinstance(b.get(kind), dict):
            out.append(f"unknown block {kind!r}")
            continue
        out += rich_problems(b[kind].get("rich_text"), f"{kind}.rich_text")
    return out


@dataclass
class FakeNotion:
    """The workspace: one database, its pages and their blocks; what to fail with next."""

    token: str = "secret_test"
    database: str = "0123456789abcdef0123456789abcdef"
    schema: dict[str, str] = field(
        default_factory=lambda: {
            "Name": "title",
            "URL": "url",
            "Channel": "rich_text",
            "Date": "date",
            "Tags": "multi_select",
        }
    )
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    blocks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # page id → blocks
    failures: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def text_of(self, page_id: str) -> str:
        out = []
        for b in self.blocks[page_id]:
            out.append("".join(t["text"]["content"] for t in b[b["type"]]["rich_text"]))
        return "\n".join(out)

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> tuple[int, Any, dict]:
        with self.lock:
            parts = urlsplit(target)
            path, query = parts.path, parse_qs(parts.query)
            self.requests.append((method, path))
            if self.failures:
                status, code, extra = self.failures.pop(0)
                return (
                    status,
                    {"object": "error", "status": status, "code": code, "message": code},
                    extra,
                )
            if headers.get("authorization") != f"Bearer {self.token}":
                return error(401, "unauthorized", "API token is invalid.")
            if headers.get("notion-version") != VERSION:
                self.refused.append(f"Notion-Version {headers.get('notion-version')}")
                return error(400, "missing_version", "Notion-Version header failed validation.")
            data = json.loads(body) if body else {}
            return self._route(method, path.removeprefix("/v1/").strip("/").split("/"), query, data)

    def _bad(self, problems: list[str]) -> tuple[int, Any, dict]:
        self.refused += problems
        return error(400, "validation_error", "; ".join(problems))

    def _route(self, method: str, p: list[str], query: dict, data: Any) -> tuple[int, Any, dict]:
        if method == "GET" and p[0] == "databases" and len(p) == 2:
            if p[1].replace("-", "") != self.database:
                return error(404, "object_not_found", f"Could not find database with ID: {p[1]}.")
            props = {n: {"id": n[:4], "name": n, "type": t, t: {}} for n, t in self.schema.items()}
            return 200, {"object": "database", "id": self.database, "properties": props}, {}
        if method == "POST" and p == ["pages"]:
            if data.get("parent") != {"database_id": self.database}:
                return error(404, "object_not_found", "Could not find database.")
            problems = self._property_problems(data.get("properties"))
            problems += block_problems(data.get("children", []))
            if problems:
                return self._bad(problems)
            page_id = str(uuid.uuid4())
            self.pages[page_id] = {"properties": data["properties"]}
            self.blocks[page_id] = [
                {**b, "id": str(uuid.uuid4())} for b in data.get("children", [])
            ]
            return 200, {"object": "page", "id": page_id}, {}
        if method == "PATCH" and p[0] == "pages" and len(p) == 2:
            if p[1] not in self.pages:
                return error(404, "object_not_found", f"Could not find page with ID: {p[1]}.")
            problems = self._property_problems(data.get("properties"))
            if problems:
                return self._bad(problems)
            self.pages[p[1]]["properties"] = data["properties"]
            return 200, {"object": "page", "id": p[1]}, {}
        if p[0] == "blocks" and len(p) == 3 and p[2] == "children":
            if p[1] not in self.blocks:
                return error(404, "object_not_found", "Could not find block.")
            if method == "GET":
                size = int(query.get("page_size", ["100"])[0])
                start = int(query.get("start_cursor", ["0"])[0])
                items = self.blocks[p[1]][start : start + size]
                more = start + size < len(self.blocks[p[1]])
                answer = {
                    "results": items,
                    "has_more": more,
                    "next_cursor": str(start + size) if more else None,
                }
                return 200, answer, {}
            if method == "PATCH":
                problems = block_problems(data.get("children"))
                if problems:
                    return self._bad(problems)
                self.blocks[p[1]] += [{**b, "id": str(uuid.uuid4())} for b in data["children"]]
                return 200, {"object": "list", "results": []}, {}
        if method == "DELETE" and p[0] == "blocks" and len(p) == 2:
            for page_blocks in self.blocks.values():
                for b in page_blocks:
                    if b["id"] == p[1]:
                        page_blocks.remove(b)
                        return 200, {"object": "block", "id": p[1], "archived": True}, {}
            return error(404, "object_not_found", "Could not find block.")
        return error(400, "invalid_request_url", "Invalid request URL.")

    def _property_problems(self, props: Any) -> list[str]:
        if not isinstance(props, dict):
            return ["properties must be an object"]
        out = []
        for name, value in props.items():
            kind = self.schema.get(name)
            if kind is None or not isinstance(value, dict) or set(value) != {kind}:
                out.append(f"property {name!r} is not a {kind} property of the database")
            elif kind in ("title", "rich_text"):
                out += rich_problems(value[kind], name)
        return out


def serve(fake: FakeNotion) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Run the fake on a free local port; `fake.url` is its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            status, answer, extra = fake.handle(self.command, self.path, self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _any

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server, thread
