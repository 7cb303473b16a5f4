"""CLI commands over the knowledge base: reindex (vectors), highlights and highlight."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from distill.cli import app
from distill.cli.output import console, err_console, fmt_time, plain, progress_bar, term


class HighlightFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def reindex(
    everything: Annotated[
        bool,
        typer.Option("--everything", "--all", help="Rebuild every video's passages and vectors."),
    ] = False,
) -> None:
    """Build the passages and vectors semantic search and `ask --library` use (new videos, or
    all of them when the embedding model changed)."""
    from distill.service import Distill

    with Distill() as service, progress_bar() as progress:
        done = service.reindex(everything=everything, progress=progress)
    if done.previous_model:
        err_console.print(
            f"the vectors were built by {term(done.previous_model)}; rebuilt with {term(done.model)}"
        )
    console.print(
        f"indexed {done.videos} video{'s' if done.videos != 1 else ''} "
        f"({done.passages} passages) with {term(done.model)}"
    )


@app.command("highlights")
def list_highlights(
    video: Annotated[
        str | None, typer.Option("--video", help="Only this video's (its id).")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only highlights with this tag.")] = None,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Only highlights with these words.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 100,
    format: Annotated[HighlightFormat, typer.Option("--format", "-f")] = HighlightFormat.text,
) -> None:
    """List highlights and notes, newest first (in time order for one video)."""
    from distill.service import Distill

    with Distill() as service:
        if video is not None:
            service.library.get_video(video)  # one clear sentence for an unknown id
        found = service.library.list_highlights(video_id=video, tag=tag, q=query, limit=limit)
        titles = {h.video_id: service.library.get_video(h.video_id).title for h in found}
    if format is HighlightFormat.json:
        rows = [h.model_dump(mode="json") | {"title": titles[h.video_id]} for h in found]
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not found:
        typer.echo("No highlights yet; add one with `distill highlight ID START`.", err=True)
        return
    for h in found:
        if h.start is not None:
            where = f"{fmt_time(h.start)}–{fmt_time(h.end)}"
        else:  # made on a web page: its paragraph (or a PDF's page) instead of a time
            where = f"page {h.page}" if h.page else f"¶{h.paragraph}" if h.paragraph else "page"
        console.print(
            f"[bold]#{h.id}[/bold] [cyan]{where}[/cyan] "
            f"{term(titles[h.video_id])} [dim]{term(h.video_id)}[/dim]"
        )
        if h.url:
            console.print(f"  [dim]{term(h.url)}[/dim]")
        console.print(f"  “{term(h.quote)}”")
        if h.note:
            console.print(f"  [italic]{term(h.note)}[/italic]")
        if h.tags:
            console.print("  " + " ".join(f"[magenta]#{term(t)}[/magenta]" for t in h.tags))


def parse_time(text: str) -> float:
    """Seconds from `73.5`, `1:13` or `1:02:03`; a clear error otherwise."""
    from distill.errors import InputError

    parts = text.strip().split(":")
    try:
        if len(parts) > 3 or any(p.strip() == "" for p in parts):
            raise ValueError
        seconds = 0.0
        for p in parts:
            seconds = seconds * 60 + float(p)
    except ValueError:
        raise InputError(
            f"{plain(text)!r} is not a time; give seconds (73.5) or m:ss / h:mm:ss (1:13)."
        ) from None
    if seconds != seconds or seconds < 0 or seconds == float("inf"):
        raise InputError(f"{plain(text)!r} is not a time; give a number of seconds from 0.")
    return seconds


@app.command()
def highlight(
    video_id: Annotated[str, typer.Argument(metavar="ID", help="A stored video's id.")],
    start: Annotated[str, typer.Argument(metavar="START", help="Seconds, or m:ss.")],
    end: Annotated[
        str | None, typer.Argument(metavar="[END]", help="Seconds, or m:ss (default: the line).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="Your note.")] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="A tag (repeat for more).")
    ] = None,
    format: Annotated[HighlightFormat, typer.Option("--format", "-f")] = HighlightFormat.text,
) -> None:
    """Highlight a passage of a stored video from START to END, with an optional note and tags."""
    from distill.service import Distill

    begin = parse_time(start)
    finish = parse_time(end) if end is not None else None
    with Distill() as service:
        h = service.add_highlight(video_id, begin, finish, note=note, tags=tag)
    if format is HighlightFormat.json:
        typer.echo(json.dumps(h.model_dump(mode="json"), ensure_ascii=False))
        return
    console.print(
        f"highlight #{h.id} at [cyan]{fmt_time(h.start)}–{fmt_time(h.end)}[/cyan]: “{term(h.quote)}”"
    )
