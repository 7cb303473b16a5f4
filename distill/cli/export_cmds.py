"""CLI commands that take the library elsewhere: `distill export obsidian|anki|json|readwise|notion`
and `distill import json`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from distill.cli import app
from distill.cli.output import console, err_console, progress_bar, term
from distill.cli.sources_cmds import import_app  # `distill import kindle` lives there too

export_app = typer.Typer(
    name="export",
    help="Take the library elsewhere: Obsidian, Anki, a JSON backup, Readwise, Notion.",
    no_args_is_help=True,
)
app.add_typer(export_app)

ChannelOption = Annotated[
    str | None, typer.Option("--channel", help="Only this channel's documents (id or name).")
]
TagOption = Annotated[
    str | None, typer.Option("--tag", help="Only documents with a highlight carrying this tag.")
]


def _shown(path: Path) -> str:
    return term(str(path))


@export_app.command("obsidian")
def export_obsidian(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The vault folder (or one in it).")],
    channel: ChannelOption = None,
    tag: TagOption = None,
) -> None:
    """Write a note per document into an Obsidian vault; again updates them, keeping your edits."""
    from distill.service import Distill

    with Distill() as service, progress_bar() as progress:
        report = service.export_obsidian(folder, channel=channel, tag=tag, progress=progress)
    console.print(
        f"{len(report.created)} new, {len(report.updated)} updated, {report.unchanged} unchanged "
        f"notes in {_shown(report.folder)}",
        highlight=False,
    )
    if report.without_summary:
        err_console.print(
            f"{report.without_summary} document(s) have no summary yet (their notes show the "
            "highlights only); `distill summarize ID` makes one."
        )
    for path in report.kept:
        err_console.print(
            f"kept {_shown(path)} as it is: its %% distill:start %% … %% distill:end %% block is "
            "gone, so only its properties were updated."
        )
    if not report.is_vault:
        err_console.print(
            f"{_shown(report.folder)} is not inside an Obsidian vault yet (no .obsidian folder); "
            "open it in Obsidian with “Open folder as vault”."
        )


@export_app.command("anki")
def export_anki(
    path: Annotated[Path, typer.Argument(metavar="FILE.apkg", help="The deck file to write.")],
    channel: ChannelOption = None,
    tag: TagOption = None,
) -> None:
    """Write an Anki deck of the questions and insights; importing it again updates the cards."""
    from distill.service import Distill

    with Distill() as service, progress_bar() as progress:
        report = service.export_anki(path, channel=channel, tag=tag, progress=progress)
    console.print(
        f"{report.notes} cards from {report.documents - report.without_summary} summaries in "
        f"{_shown(report.path)}",
        highlight=False,
    )
    if report.without_summary:
        err_console.print(
            f"{report.without_summary} document(s) have no summary yet, so no cards; "
            "`distill summarize ID` makes one."
        )


@contextmanager
def _table_progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar of rows per table, drawn from the first row on (an early refusal draws none)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    bar = Progress(*columns, console=err_console, transient=True)
    task = bar.add_task("rows", total=None)

    def progress(table: str, done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, description=table, completed=done, total=total)

    try:
        yield progress
    finally:
        if bar.live.is_started:  # stopping a bar never drawn would still print a blank line
            bar.stop()


@export_app.command("json")
def export_json(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="An empty folder for the backup.")],
) -> None:
    """Back up the whole library as JSON Lines files (lossless; `distill import json` restores)."""
    from distill.service import Distill

    with Distill() as service, _table_progress() as progress:
        report = service.export_json(folder, progress=progress)
    console.print(
        f"backed up {report.total} rows into "
        f"{_shown(report.folder)} (checksum {report.checksum[:16]})",
        highlight=False,
    )


@import_app.command("json")
def import_json(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A folder `export json` wrote.")],
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="The empty database to restore into (default: the configured library).",
        ),
    ] = None,
) -> None:
    """Restore a JSON backup into an empty library (SQLite or PostgreSQL), verified."""
    from distill.library import Library
    from distill.service import Distill

    with Distill(Library(target) if target else None) as service, _table_progress() as progress:
        report = service.import_json(folder, progress=progress)
        where = repr(service.library)
        if target:
            service.library.close()
    console.print(
        f"restored and verified {report.total} rows into {term(where)}",
        highlight=False,
    )


@export_app.command("readwise")
def export_readwise(
    summaries: Annotated[
        bool,
        typer.Option("--summaries", help="Also send each summary's insights, answers, takeaways."),
    ] = False,
    channel: ChannelOption = None,
    tag: TagOption = None,
) -> None:
    """Send your highlights and notes to Readwise (DISTILL_READWISE_TOKEN); again sends only changes."""
    from distill.service import Distill

    with Distill() as service, progress_bar() as progress:
        report = service.push_readwise(
            channel=channel, tag=tag, summaries=summaries, progress=progress
        )
    console.print(
        f"sent {report.sent} highlights from {report.documents} documents to Readwise "
        f"({report.unchanged} already there unchanged)",
        highlight=False,
    )


@export_app.command("notion")
def export_notion(channel: ChannelOption = None, tag: TagOption = None) -> None:
    """Put a page per document in your Notion database (DISTILL_NOTION_*); again updates them."""
    from distill.service import Distill

    with Distill() as service, progress_bar() as progress:
        report = service.push_notion(channel=channel, tag=tag, progress=progress)
    console.print(
        f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged pages "
        "in Notion",
        highlight=False,
    )
