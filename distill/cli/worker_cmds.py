"""CLI commands for scale: `distill worker` runs jobs from PostgreSQL, `distill migrate` moves a library."""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Annotated

import typer

from distill.cli import app
from distill.errors import DistillError


class WorkerError(DistillError):
    """A worker cannot start as asked."""


@app.command()
def worker(
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency", "-c", min=1, max=64, help="Jobs this process runs at the same time."
        ),
    ] = 1,
) -> None:
    """Run queued jobs from the PostgreSQL library (any machine that reaches the database)."""
    import asyncio

    from distill.library.database import normalize_url
    from distill.settings import get_settings

    url = normalize_url(get_settings().db_url)
    if not url.startswith("postgresql"):
        raise WorkerError(
            "distill worker needs a PostgreSQL library, and this one is SQLite (jobs run inside "
            "`distill serve`); set DISTILL_DATABASE_URL to postgresql+psycopg://user@host/db."
        )
    from distill.jobs.workers import run_worker
    from distill.library import Library

    Library(url).close()  # migrate the library first: one clear error if it cannot be opened
    logging.basicConfig(level=logging.WARNING, format="distill worker: %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.CRITICAL)  # failures: our one line each
    typer.echo(f"distill: worker running {concurrency} job(s) at a time (Ctrl-C to stop)", err=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_worker(url, concurrency=concurrency))
    print("distill: worker stopped", file=sys.stderr)
