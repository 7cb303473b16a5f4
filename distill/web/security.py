"""What the server checks before any handler runs: the Host, each request body's size, and for
changing requests the origin and the token; plus security headers on every response."""

from __future__ import annotations

import hmac
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # thumbnails are served from here (/thumb/...)
        "media-src 'self'",
        "connect-src 'self'",
        "frame-src 'self' https://www.youtube-nocookie.com https://www.youtube.com",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)
# Swagger UI at /docs is served from this server; its React views set inline styles.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
UPLOAD_PATHS = frozenset({"/submit", "/api/v1/jobs/upload"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# API requests that change nothing although they are POSTs; every other one needs the token.
# /api/v1/documents is the same resource as /api/v1/videos under another name.
ASK_ONE = re.compile(r"^/api/v1/(videos|documents)/[^/]+/ask$")
READ_ONLY_POSTS = (ASK_ONE, re.compile(r"^/api/v1/ask$"))
# The most bytes a JSON body may have, by endpoint (the first pattern that matches), allowing
# for every character written as a \uXXXX escape.
BODY_LIMITS = (
    (ASK_ONE, 32 << 10),  # a question of 1,000 characters
    (re.compile(r"^/api/v1/ask$"), 256 << 10),  # a question and ten earlier turns with their ids
    (re.compile(r"^/api/v1/highlights(/|$)"), 128 << 10),  # a quote, a 10,000-character note, tags
)
SMALL_BODY_LIMIT = 8 << 10  # every other body: a URL, a language code, a form token
# What the browser extension sends: a video's captions (at most 2,000,000 characters of text in
# up to 50,000 cues, each character possibly a \uXXXX escape), or a page's HTML.
BROWSER_PREFIX = "/api/v1/browser/"
BROWSER_CAPTIONS = re.compile(r"^/api/v1/browser/captions$")
BROWSER_PAGES = re.compile(r"^/api/v1/browser/(pages|highlights)$")
CAPTIONS_BODY_LIMIT = 16 << 20
MULTIPART_OVERHEAD = 64 << 10  # the form's boundaries and part headers around an upload
FIRST_PART_LIMIT = 64 << 10  # how much of an upload form is read to find its token field

# (path, status, message) -> (content type, body): the JSON error for /api, else an HTML page.
ErrorPage = Callable[[str, int, str], tuple[str, bytes]]
TOKEN_NEEDED = (
    "This server needs its API token to change anything; send it as "
    "'Authorization: Bearer <token>' (the token is DISTILL_API_TOKEN on the server)."
)
CROSS_SITE = "Cross-site requests cannot change the library; use the page itself."


def host_name(value: str) -> str | None:
    """The host name of a Host header or an entry of DISTILL_ALLOWED_HOSTS, lower-cased, port
    dropped, IPv6 in brackets; None when it is not a host name at all."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0 or (value[end + 1 :] and not re.fullmatch(r":\d{1,5}", value[end + 1 :])):
            return None
        return value[: end + 1]
    if value.count(":") > 1:  # a bare IPv6 address, as written in the setting
        return f"[{value}]"
    name, _, port = value.partition(":")
    if port and not port.isdigit():
        return None
    name = name.rstrip(".")
    if not name or not re.fullmatch(r"[a-z0-9_.-]+", name):
        return None
    return name


def allowed_hosts(setting: str | None, public_url: str | None = None) -> frozenset[str]:
    """The loopback names, the comma-separated names of DISTILL_ALLOWED_HOSTS and the host of
    DISTILL_PUBLIC_URL (the address people reach the server at is one it must answer)."""
    parts = [part for part in (setting or "").split(",") if part.strip()]
    if public_url:
        parts.append(urlsplit(public_url).netloc)
    names = {host_name(part) for part in parts}
    return LOOPBACK_HOSTS | {n for n in names if n}


def public_hosts(hosts: Iterable[str]) -> list[str]:
    """The allowed names that are not loopback names."""
    return sorted(set(hosts) - LOOPBACK_HOSTS)


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _send_error(send: Any, page: ErrorPage, path: str, status: int, message: str) -> None:
    content_type, body = page(path, status, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task overhead) adding CSP and friends."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path.startswith(("/docs", "/redoc")):
            csp = DOCS_CSP
        elif path.startswith("/embed/"):
            csp = CSP + "; frame-ancestors *"
        else:
            csp = CSP + "; frame-ancestors 'self'"
        extra = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AllowedHosts:
    """Answer only requests addressed to an allowed host name, GETs included: a page of another
    site that rebinds its DNS name to this machine sends its own name and is refused (421)."""

    def __init__(self, app: Any, hosts: frozenset[str], page: ErrorPage) -> None:
        self.app = app
        self.hosts = hosts
        self.page = page

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw = _header(scope, b"host")
        name = host_name(raw) if raw else None
        if name in self.hosts:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if not raw:
            status, message = 400, "The request has no Host header; send one naming this server."
        else:
            shown = raw if len(raw) <= 80 else raw[:79] + "…"
            status, message = (
                421,
                f"This server does not answer to the host name {shown!r} (a page of another site "
                "may be reaching it through DNS rebinding); if that is this server's name, add it "
                "to DISTILL_ALLOWED_HOSTS.",
            )
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await _send_error(send, self.page, path, status, message)


def origin_allowed(origin: str | None, host: str | None, hosts: frozenset[str]) -> bool:
    """Whether a changing request may come from `origin`: none (not a browser), this server's own
    page, or a page served under an allowed public name (behind a proxy that rewrites Host)."""
    if origin is None:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # "null" (sandboxed frames, file: pages) and anything else
    name = host_name(parts.netloc)
    if name not in hosts:
        return False
    if name in LOOPBACK_HOSTS:
        # Another web app on this machine is another site: the port must be this server's.
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return False
        return (name, port) == _host_and_port(host, parts.scheme)
    return True


def _host_and_port(host: str | None, scheme: str) -> tuple[str | None, int | None]:
    if not host:
        return None, None
    name = host_name(host)
    tail = host.rsplit("]", 1)[-1] if host.startswith("[") else host
    _, _, port = tail.partition(":")
    default = 443 if scheme == "https" else 80
    return name, int(port) if port.isdigit() else default


def token_given(headers: Any, form_token: str | None = None) -> str:
    """The token a request carries: X-Distill-Token, else a bearer token, else the form field."""
    given = form_token or ""
    auth = headers.get("authorization") or ""
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    return str(headers.get("x-distill-token") or given)


def token_ok(token: str | None, given: str) -> bool:
    """Whether `given` is the server's token (always true when none is set)."""
    return not token or hmac.compare_digest(given.encode(), token.encode())


class BodyTooLarge(HTTPException):
    """A request body over its endpoint's limit (413, with the limit and how to raise it)."""


def body_limit(
    path: str, content_type: str, media: int, captions: int, pages: int = 20 << 20
) -> tuple[int, str]:
    """The most bytes a request body to `path` may have, and the 413 sentence past it."""
    if BROWSER_CAPTIONS.match(path):
        return CAPTIONS_BODY_LIMIT, (
            f"The captions sent are larger than {CAPTIONS_BODY_LIMIT >> 20} MB, more than any "
            "video's; send one video's caption track."
        )
    if BROWSER_PAGES.match(path):
        # The page's HTML as JSON: escaped quotes and control characters, plus the other fields.
        return 2 * pages + MULTIPART_OVERHEAD, (
            f"The page is larger than the limit of {pages >> 20} MB; raise DISTILL_MAX_PAGE_MB "
            "on the server to save it."
        )
    if path in UPLOAD_PATHS and (path != "/submit" or content_type.startswith("multipart/")):
        # The file's own type decides its limit once it is read; the body may hold the larger.
        biggest, setting = max(
            (media, "DISTILL_MAX_UPLOAD_MB"), (captions, "DISTILL_MAX_CAPTION_MB")
        )
        return biggest + MULTIPART_OVERHEAD, (
            f"The upload is larger than the limit of {biggest >> 20} MB; upload a smaller file or "
            f"raise {setting}."
        )
    limit = next((most for rx, most in BODY_LIMITS if rx.match(path)), SMALL_BODY_LIMIT)
    return limit, (
        f"The request body is larger than {limit >> 10} KB, the most this endpoint reads; "
        "send a shorter request."
    )


Receive = Callable[[], Awaitable[dict]]


class RequestGuard:
    """Before any handler reads a body: refuse it when it is over its endpoint's limit (declared
    or counted while it streams), and refuse changes through the API without the right origin
    and token. An upload form without a token header must send its token field first."""

    def __init__(
        self,
        app: Any,
        *,
        media_bytes: int,
        caption_bytes: int,
        hosts: frozenset[str],
        token: str | None,
        page: ErrorPage,
        extension_origins: frozenset[str] = frozenset(),
        page_bytes: int = 20 << 20,
    ) -> None:
        self.app = app
        self.media_bytes = media_bytes
        self.caption_bytes = caption_bytes
        self.hosts = hosts
        self.token = token
        self.page = page
        self.extension_origins = extension_origins
        self.page_bytes = page_bytes

    @staticmethod
    def _changes(method: str, path: str) -> bool:
        """A request that may change the library: not a read, not a read-only POST."""
        if method in SAFE_METHODS:
            return False
        return not any(rx.match(path) for rx in READ_ONLY_POSTS)

    async def __call__(self, scope: dict, receive: Receive, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        raw_type = _header(scope, b"content-type") or ""
        content_type = raw_type.lower()
        limit, too_large = body_limit(
            path, content_type, self.media_bytes, self.caption_bytes, self.page_bytes
        )
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _send_error(send, self.page, path, 400, "The Content-Length is not a number.")
                return
            if int(declared) > limit:
                await _send_error(send, self.page, path, 413, too_large)
                return
        changes = self._changes(method, path)
        origin = _header(scope, b"origin")
        if changes and not origin_allowed(origin, _header(scope, b"host"), self.hosts):
            if not path.startswith(BROWSER_PREFIX):
                await _send_error(send, self.page, path, 403, CROSS_SITE)
                return
            if origin not in self.extension_origins:  # the extension's own routes let it in
                await _send_error(send, self.page, path, 403, not_the_extension(str(origin)))
                return
        headers = {"authorization": _header(scope, b"authorization")}
        headers["x-distill-token"] = _header(scope, b"x-distill-token")
        authorized = token_ok(self.token, token_given(headers))
        # The API takes the token as a header only: refused before a byte of the body is read.
        if changes and path.startswith("/api/") and not authorized:
            await _send_error(send, self.page, path, 401, TOKEN_NEEDED)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(413, too_large)
            return message

        if path == "/submit" and not authorized and content_type.startswith("multipart/"):
            try:
                given, replay = await _first_form_token(counted, raw_type)
            except BodyTooLarge:  # only with an upload limit under the peek's 64 KB
                await _send_error(send, self.page, path, 413, too_large)
                return
            if not token_ok(self.token, given or ""):
                await _send_error(send, self.page, path, 401, TOKEN_NEEDED)
                return
            await self.app(scope, replay, send)
            return
        await self.app(scope, counted, send)


async def _first_form_token(receive: Receive, content_type: str) -> tuple[str | None, Receive]:
    """The value of a multipart form's first field when it is `token` (else None), read from at
    most FIRST_PART_LIMIT bytes, and a receive that gives the app the whole body again."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    taken: list[dict] = []
    value: str | None = None
    if match:
        delimiter = b"--" + match.group(1).encode("latin-1")
        buffer = b""
        while len(buffer) <= FIRST_PART_LIMIT:
            message = await receive()
            taken.append(message)
            if message["type"] != "http.request":
                break
            buffer += message.get("body", b"")
            done, value = _first_field(buffer, delimiter)
            if done or not message.get("more_body"):
                break

    async def replay() -> dict:
        if taken:
            return taken.pop(0)
        return await receive()

    return value, replay


def _first_field(buffer: bytes, delimiter: bytes) -> tuple[bool, str | None]:
    """(whether the first part is read far enough to decide, the token when it is the token)."""
    start = buffer.find(delimiter + b"\r\n")
    if start < 0:
        return len(buffer) > len(delimiter) + 2, None
    head_end = buffer.find(b"\r\n\r\n", start)
    if head_end < 0:
        return False, None
    head = buffer[start:head_end].decode("latin-1")
    name = re.search(r'(?im)^content-disposition:.*?\bname="([^"]*)"', head)
    if name is None or name.group(1) != "token" or "filename=" in head.lower():
        return True, None
    end = buffer.find(b"\r\n" + delimiter, head_end + 4)
    if end < 0:
        return False, None
    return True, buffer[head_end + 4 : end].decode("utf-8", "replace")


class ExtensionCors:
    """CORS for /api/v1/browser only, and only for the allowed extension origins: a preflight
    from one is answered here, an answer to one carries its origin; any other origin gets no
    CORS headers, so a browser keeps the answer from that site's scripts."""

    PREFIX = "/api/v1/browser/"

    def __init__(self, app: Any, origins: frozenset[str]) -> None:
        self.app = app
        self.origins = origins

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(self.PREFIX):
            await self.app(scope, receive, send)
            return
        origin = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"origin"), None)
        allowed = origin is not None and origin in self.origins
        if scope.get("method") == "OPTIONS" and origin is not None:
            await self._preflight(send, origin if allowed else None)
            return
        if not allowed:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + [
                    (b"access-control-allow-origin", str(origin).encode("latin-1")),
                    (b"vary", b"Origin"),
                ]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, send: Any, origin: str | None) -> None:
        headers = [(b"vary", b"Origin"), (b"content-type", b"application/json")]
        if origin is None:
            status = 403
            body = (
                b'{"error": {"status": 403, "message": "Only the distill browser extension may '
                b'call this across origins (DISTILL_EXTENSION_ORIGINS)."}}'
            )
        else:
            status, body = 204, b""
            headers += [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-methods", b"GET, POST"),
                (b"access-control-allow-headers", b"authorization, content-type"),
                (b"access-control-max-age", b"600"),
            ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _same_origin(request: Request) -> bool:
    hosts: frozenset[str] = request.app.state.distill.allowed_hosts
    return origin_allowed(request.headers.get("origin"), request.headers.get("host"), hosts)


def check_origin(request: Request) -> None:
    """Refuse a changing request sent by another site (checked before any body is read)."""
    if not _same_origin(request):
        raise HTTPException(403, CROSS_SITE)


def check_write(request: Request, form_token: str | None = None) -> None:
    """Refuse a changing request from another site, or without the token when DISTILL_API_TOKEN is set."""
    check_origin(request)
    token: str | None = request.app.state.distill.api_token
    if not token_ok(token, token_given(request.headers, form_token)):
        raise HTTPException(401, TOKEN_NEEDED)


def check_extension(request: Request) -> None:
    """Let the browser extension in: its own origin (or this site, or no browser at all) and the
    server's token, which these routes always need."""
    origin = request.headers.get("origin")
    allowed: frozenset[str] = request.app.state.distill.extension_origins
    if origin is not None and origin not in allowed and not _same_origin(request):
        raise HTTPException(403, not_the_extension(origin))
    token: str | None = request.app.state.distill.api_token
    if not token:
        raise HTTPException(
            401,
            "This server has no API token, and the browser extension needs one; set "
            "DISTILL_API_TOKEN on the server and enter the same token in the extension's options.",
        )
    if not token_ok(token, token_given(request.headers)):
        raise HTTPException(401, TOKEN_NEEDED)


def not_the_extension(origin: str) -> str:
    """The refusal of a request to /api/v1/browser from an origin that is not the extension."""
    return (
        f"Requests from {origin[:100]} are not accepted here; only the distill browser "
        "extension may send them (its origin must be in DISTILL_EXTENSION_ORIGINS)."
    )
