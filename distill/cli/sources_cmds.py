"""CLI commands for collections and imports: `distill follow`, `distill unfollow`, `distill import kindle`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from distill.cli import app
from distill.cli.output import console, err_console, progress_bar, term
from distill.errors import DistillError

import_app = typer.Typer(help="Import highlights from other tools.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@app.command()
def follow(
    source: Annotated[
        str | None,
        typer.Argument(help="A YouTube channel or playlist URL, a feed URL, or an OPML file."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Summarize the newest N entries now.")
    ] = 5,
    list_: Annotated[bool, typer.Option("--list", help="List what is followed.")] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="Check every followed source now and summarize new entries."),
    ] = False,
) -> None:
    """Follow a channel, playlist or feed: its newest entries now, new ones on every check."""
    from distill.jobs import Worker
    from distill.service import Distill

    with Distill() as service:
        if list_:
            follows = service.library.list_follows()
            if not follows:
                typer.echo(
                    "Nothing is followed; follow a channel or feed with `distill follow URL`.",
                    err=True,
                )
            for f in follows:
                checked = f.checked_at.strftime("%Y-%m-%d %H:%M") if f.checked_at else "never"
                line = f"{f.id[:8]}  {term(f.title)}  {term(f.source)}  checked {checked}"
                console.print(line + (f"  [red]{term(f.last_error)}[/red]" if f.last_error else ""))
            return
        if check:
            batches = service.check_follows()
        elif source:
            followed, batch = service.follow(source, limit=limit)
            err_console.print(f"following {term(followed.title)} ({followed.kind})")
            batches = [batch]
        else:
            raise DistillError(
                "Pass a channel, playlist or feed URL to follow, or --list or --check."
            )
        queued = sum(b.counts.get("queued", 0) for b in batches)
        stored = sum(b.counts.get("stored", 0) for b in batches)
        err_console.print(f"{queued} new entries to summarize, {stored} already stored")
        if queued:
            worker = Worker(service, follow_interval=0)
            with progress_bar():
                ran = worker.run_pending()
            err_console.print(f"summarized {ran} entries")


@app.command()
def unfollow(
    source: Annotated[str, typer.Argument(help="A followed source, or its id (see --list).")],
) -> None:
    """Stop following a channel, playlist or feed (what was summarized stays)."""
    from distill.service import Distill

    with Distill() as service:
        service.unfollow(source)
    err_console.print(f"stopped following {term(source)}")


@import_app.command("kindle")
def import_kindle(
    file: Annotated[Path, typer.Argument(help="The Kindle's documents/My Clippings.txt.")],
) -> None:
    """Import a Kindle clippings file: each book with its highlights and notes."""
    from distill.service import Distill
    from distill.sources.registry import file_path

    path = file_path(str(file), kind="Kindle clippings")
    with Distill() as service:
        books = service.import_kindle(path.read_bytes(), path.name)
    for book_id, title, count in books:
        console.print(f"{book_id}  {term(title)}  ({count} highlights and notes)", highlight=False)
    err_console.print(f"imported {len(books)} books")
