"""CLI commands for collections and imports: `distill follow`, `follows`, `unfollow`, `import kindle`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from distill.cli import app
from distill.cli.output import console, err_console, progress_bar, term

import_app = typer.Typer(
    help="Import highlights from other tools, or a library from a JSON backup.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")


@app.command()
def follow(
    source: Annotated[
        str, typer.Argument(help="A YouTube channel or playlist URL, a feed URL, or an OPML file.")
    ],
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Summarize the newest N entries now.")
    ] = 5,
) -> None:
    """Follow a channel, playlist or feed: its newest entries now, new ones on every check."""
    from distill.service import Distill

    with Distill() as service:
        followed, batch = service.follow(source, limit=limit)
        err_console.print(f"following {term(followed.title)} ({followed.kind})")
        _run_new([batch], service)


@app.command()
def follows(
    check: Annotated[
        bool,
        typer.Option("--check", help="Check every followed source now and summarize new entries."),
    ] = False,
) -> None:
    """List what is followed; with --check, look for new entries now and summarize them."""
    from distill.service import Distill

    with Distill() as service:
        if check:
            _run_new(service.check_follows(), service)
            return
        found = service.library.list_follows()
        if not found:
            typer.echo(
                "Nothing is followed; follow a channel or feed with `distill follow URL`.", err=True
            )
        for f in found:
            checked = f.checked_at.strftime("%Y-%m-%d %H:%M") if f.checked_at else "never"
            line = f"{f.id[:8]}  {term(f.title)}  {term(f.source)}  checked {checked}"
            console.print(line + (f"  [red]{term(f.last_error)}[/red]" if f.last_error else ""))


def _run_new(batches: list, service: object) -> None:
    """Say what the batches queued, and summarize it in this process."""
    from distill.jobs import Worker
    from distill.service import Distill

    assert isinstance(service, Distill)
    queued = sum(b.counts.get("queued", 0) for b in batches)
    stored = sum(b.counts.get("stored", 0) for b in batches)
    err_console.print(f"{queued} new entries to summarize, {stored} already stored")
    if queued:
        with progress_bar():
            ran = Worker(service, follow_interval=0).run_pending()
        err_console.print(f"summarized {ran} entries")


@app.command()
def unfollow(
    source: Annotated[
        str, typer.Argument(help="A followed source, or its id (see `distill follows`).")
    ],
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
