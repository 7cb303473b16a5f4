"""CLI command: `distill serve` runs the web app, the REST API and the job worker."""

from __future__ import annotations

import ipaddress

import typer

from distill.cli import app
from distill.errors import DistillError


class ServeError(DistillError):
    """The server cannot start as asked."""


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the web app and REST API (pages at /, API at /api/v1, OpenAPI at /docs)."""
    from distill.settings import get_settings

    if not is_loopback(host) and not (get_settings().api_token or "").strip():
        raise ServeError(
            f"Refusing to listen on {host} without a token, because anyone on the network could "
            "submit and delete; set DISTILL_API_TOKEN, or serve on 127.0.0.1."
        )
    import uvicorn

    from distill.web import create_app

    typer.echo(f"distill: serving on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(create_app(), host=host, port=port, log_level="warning", access_log=False)
