"""Absolute URLs of this server, as the request that reached it names it."""

from __future__ import annotations

from typing import Any


def scope_base(scope: Any) -> str:
    """scheme://host[:port] of a request, from its ASGI scope (also used by the page cache)."""
    host = ""
    for name, value in scope.get("headers") or ():
        if name == b"host":
            host = value.decode("latin-1")
            break
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = f"{server[0]}:{server[1]}" if server[1] else str(server[0])
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}".rstrip("/")
