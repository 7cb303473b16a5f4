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
    from distill.service import Distill

    Library(url).close()  # migrate the library first: one clear error if it cannot be opened
    logging.basicConfig(level=logging.WARNING, format="distill worker: %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.CRITICAL)  # failures: our one line each
    typer.echo(f"distill: worker running {concurrency} job(s) at a time (Ctrl-C to stop)", err=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_worker(url, Distill, concurrency=concurrency))
    print("distill: worker stopped", file=sys.stderr)


@app.command()
def migrate(
    target: Annotated[
        str,
        typer.Option(
            "--target",
            "--to",
            help="The empty database to copy into, e.g. postgresql+psycopg://user@host/db.",
        ),
    ],
    source: Annotated[
        str | None,
        typer.Option(
            "--source", "--from", help="The library to copy (default: the configured one)."
        ),
    ] = None,
) -> None:
    """Copy the whole library (videos, summaries, jobs, everything) into another database, verified."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from distill.cli.output import err_console, term
    from distill.library import Library
    from distill.library.copy import copy_library, ensure_empty
    from distill.library.database import normalize_url
    from distill.settings import get_settings

    origin = normalize_url(source or get_settings().db_url)
    destination = normalize_url(target)
    if origin == destination:
        raise WorkerError("--to names the library being copied; pass another, empty database.")
    with Library(origin) as src, Library(destination) as dst:
        ensure_empty(dst)  # refused before any progress is drawn
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=err_console, transient=True) as bar:
            task = bar.add_task("copying", total=None)

            def progress(table: str, done: int, total: int) -> None:
                label = "verifying" if table == "verify" else f"copying {table}"
                bar.update(task, description=label, completed=done, total=total)

            report = copy_library(src, dst, progress)
    shown = ", ".join(f"{n} {t}" for t, n in report.rows.items() if n) or "nothing"
    typer.echo(f"copied and verified {report.total} rows ({term(shown)}) into {dst!r}", err=True)
    typer.echo(f"checksum {report.checksum}", err=True)
    typer.echo(
        "Point DISTILL_DATABASE_URL at it to use it; queued jobs continue there once a "
        "`distill worker` runs.",
        err=True,
    )
