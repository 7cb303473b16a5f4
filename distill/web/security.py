"""Security headers on every response, and the token/origin check for changing endpoints."""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https://i.ytimg.com",
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


class BodyLimit:
    """Stop reading a request body once it passes the upload limit, even without Content-Length."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        seen = 0

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    from distill.web.uploads import UploadError

                    raise UploadError(
                        f"The upload is larger than the limit of {self.limit >> 20} MB; "
                        "upload a smaller file or raise DISTILL_MAX_UPLOAD_MB.",
                        status=413,
                    )
            return message

        await self.app(scope, limited, send)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc.lower() == host.lower()


def check_origin(request: Request) -> None:
    """Refuse a changing request sent by another site (checked before any body is read)."""
    if not _same_origin(request):
        raise HTTPException(
            403, "Cross-site requests cannot change the library; use the page itself."
        )


def check_write(request: Request, form_token: str | None = None) -> None:
    """Refuse a changing request from another site, or without the token when DISTILL_API_TOKEN is set."""
    check_origin(request)
    token: str | None = request.app.state.distill.api_token
    if not token:
        return
    given = form_token or ""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    given = request.headers.get("x-distill-token", given)
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(
            401,
            "This server needs its API token to change anything; send it as "
            "'Authorization: Bearer <token>' (the token is DISTILL_API_TOKEN on the server).",
        )


def require_write(request: Request) -> None:
    """FastAPI dependency form of check_write for API endpoints (header token only)."""
    check_write(request)
