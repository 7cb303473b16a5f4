"""CLI command: `distill serve` runs the web app, the REST API and (unless told not to) a job worker.

How it uses the cores: `--processes N` web processes listen on the port, each with its own
socket where the system allows it (`web/processes.py` says why), each rendering pages on its
own core and one page at a time (`web/deps.py`, the page lane); the job worker runs once,
beside them: a thread of the single process, or of the supervisor when there are several. On PostgreSQL
that worker is a Procrastinate worker; `--no-worker` leaves jobs to `distill worker`s.
"""

from __future__ import annotations

import ipaddress
import os

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


def default_processes() -> int:
    """One web process per core, at most four (pages are CPU-bound; the database is shared)."""
    return max(1, min(4, os.cpu_count() or 1))


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    processes: int = typer.Option(
        0,
        min=0,
        max=64,
        help="Web processes sharing the port (0: one per core, at most 4).",
    ),
    worker: bool = typer.Option(
        True, "--worker/--no-worker", help="Also run queued jobs here (--no-worker: web only)."
    ),
) -> None:
    """Serve the web app and REST API (pages at /, API at /api/v1, OpenAPI at /docs)."""
    from distill.settings import check_public_url, get_settings
    from distill.web.security import allowed_hosts, public_hosts

    settings = get_settings()
    public_url = check_public_url(settings.public_url)  # a bad one is one sentence before serving
    if not is_loopback(host):
        has_token = bool((settings.api_token or "").strip())
        has_hosts = bool(public_hosts(allowed_hosts(settings.allowed_hosts, public_url)))
        if not (has_token and has_hosts):
            raise ServeError(
                f"Refusing to listen on {host} without both DISTILL_API_TOKEN (so only you can "
                "submit and delete) and DISTILL_ALLOWED_HOSTS or DISTILL_PUBLIC_URL (the name or "
                "address browsers use to reach this server, so other sites cannot reach it "
                "through DNS rebinding); "
                "set both, or serve on 127.0.0.1."
            )
    check_port_free(host, port)
    import uvicorn

    count = processes or default_processes()
    shown = f"{count} web process{'es' if count > 1 else ''}"
    if count == 1:
        from distill.web import create_app

        # Opening the library here makes a bad one an error before "serving".
        app = create_app(worker=worker, serving=True)
        typer.echo(f"distill: serving on http://{host}:{port}/ ({shown}; Ctrl-C to stop)", err=True)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    from distill.library import Library
    from distill.web.app import background_worker

    Library().close()  # a bad library is one error here, not one per web process after "serving"
    typer.echo(f"distill: serving on http://{host}:{port}/ ({shown}; Ctrl-C to stop)", err=True)
    from distill.web.processes import can_share_port, run_web_processes

    # The web processes never run jobs; this supervising process runs the one worker.
    with background_worker(enabled=worker):
        if can_share_port():  # a socket per process: the kernel spreads the connections
            status = run_web_processes(host, port, count)
            if status:
                raise typer.Exit(status)
            return
        uvicorn.run(
            "distill.web.app:create_web_only_app",
            factory=True,
            workers=count,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
        )


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another program listens on, before anything is opened."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as exc:
            raise ServeError(
                f"Cannot listen on {host}:{port} ({exc.strerror or exc}); pass another --port "
                "or stop the program using it."
            ) from exc
