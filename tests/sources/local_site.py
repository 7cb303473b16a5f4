"""A local HTTP server for tests: routes set per test, every request recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Body = bytes | Callable[[], Iterator[bytes]]


@dataclass
class Route:
    status: int = 200
    body: Body = b""
    headers: dict[str, str] = field(default_factory=dict)


class Site:
    """Routes by path; `url(path)` is the address on 127.0.0.1; `requests` holds (path, headers)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                return None

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                site.requests.append((self.path, dict(self.headers)))
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                if route is None:
                    route = Route(404, b"not here", {"Content-Type": "text/plain"})
                body = route.body
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if callable(body):
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        for chunk in body():
                            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                        self.wfile.write(b"0\r\n\r\n")
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.host = host

    def route(
        self,
        path: str,
        body: Body = b"",
        *,
        status: int = 200,
        content_type: str = "text/html",
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve `body` at `path`; returns its URL."""
        self.routes[path] = Route(status, body, {"Content-Type": content_type, **(headers or {})})
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = Route(status, b"", {"Location": location})
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"


@contextmanager
def serve(host: str = "127.0.0.1") -> Iterator[Site]:
    site = Site(host)
    thread = threading.Thread(target=site.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()
        thread.join(5)
