"""CLI commands over the library: transcript, add, list, show, search, rm, schema."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from distill.cli import app
from distill.cli.output import console, fmt_time, plain, progress_bar, term
from distill.cli.summarize_cmds import (
    ChannelOption,
    SummaryFormat,
    TitleOption,
    UrlOption,
    emit_summary,
    meta_override,
    resolve_channel_id,
)
from distill.errors import DistillError

if TYPE_CHECKING:
    pass


class TranscriptFormat(str, Enum):
    text = "text"
    srt = "srt"
    vtt = "vtt"
    json = "json"


class ListFormat(str, Enum):
    text = "text"
    json = "json"


LangOption = Annotated[
    str | None, typer.Option("--lang", "-l", help="Preferred language, e.g. en, de.")
]


@app.command()
def transcript(
    source: Annotated[
        str, typer.Argument(help="YouTube URL or ID, caption/transcript/media file, or library id.")
    ],
    format: Annotated[
        TranscriptFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TranscriptFormat.text,
    lang: LangOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the transcript of SOURCE (text, srt, vtt or json)."""
    from distill.files import write_atomic
    from distill.service import Distill
    from distill.sources.export import export

    if output is not None and output.is_dir():  # fail before the work, not after
        raise DistillError(f"{output} is a folder; pass a file path to -o, e.g. {output}/talk.srt.")
    with Distill() as service, progress_bar() as progress:
        t = service.transcript(source, lang=lang, progress=progress)
    rendered = export(t, format.value)
    if output is not None:
        write_atomic(output, rendered)
        typer.echo(f"wrote {len(t.segments)} segments to {output}", err=True)
    else:
        typer.echo(plain(rendered).rstrip("\n"))


@app.command()
def add(
    sources: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE...", help="YouTube URLs or IDs, caption/transcript/media files."
        ),
    ],
    lang: LangOption = None,
    title: TitleOption = None,
    channel: ChannelOption = None,
    url: UrlOption = None,
) -> None:
    """Store the transcripts of SOURCES in the library without summarizing them."""
    from distill.service import Distill

    meta = meta_override(sources, title, channel, url)
    failed = 0
    with Distill() as service:
        for source in sources:
            try:
                with progress_bar() as progress:
                    t = service.add(source, lang=lang, progress=progress, meta=meta)
            except DistillError as exc:
                failed += 1
                # typer.echo, not Rich: a long sentence must stay one line on any terminal width.
                typer.echo(f"error: {plain(source)}: {plain(str(exc))}", err=True)
                continue
            console.print(
                f"added {t.meta.id}  {plain(t.meta.title)}  ({len(t.segments)} segments)",
                markup=False,
                highlight=False,
            )
    if failed:
        raise typer.Exit(1)


@app.command("list")
def list_videos(
    channel: Annotated[
        str | None, typer.Option(help="Only videos of this channel (id or name).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many videos.")] = 50,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.text,
) -> None:
    """List the videos in the library, newest first."""
    from rich.table import Table

    from distill.service import Distill

    with Distill() as service:
        videos = service.library.list_videos(
            channel_id=resolve_channel_id(service, channel), limit=limit
        )
    if format is ListFormat.json:
        typer.echo(
            json.dumps([v.model_dump(exclude={"description"}) for v in videos], ensure_ascii=False)
        )
        return
    if not videos:
        typer.echo("The library is empty; add something with `distill add SOURCE`.", err=True)
        return
    table = Table("id", "title", "channel", "duration", "date", box=None, pad_edge=False)
    for v in videos:
        table.add_row(
            v.id, plain(v.title), plain(v.channel), fmt_time(v.duration), plain(v.upload_date)
        )
    console.print(table, markup=False)


class ShowFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def show(
    video_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A library id, or any unique start of one (see `distill list`)."
        ),
    ],
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Summary language (default: the original).")
    ] = None,
    format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
) -> None:
    """Show a stored video: its details and its summary (or the start of its transcript)."""
    from distill.service import Distill

    with Distill() as service:
        video_id = service.video_id(video_id)
        meta = service.library.get_video(video_id)
        summary = service.summary(video_id, lang, make=False)
        t = service.library.get_transcript(video_id) if summary is None else None
    if format is ShowFormat.json:
        out = {"video": meta.model_dump(), "summary": summary.model_dump() if summary else None}
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    if summary is not None:
        emit_summary(summary, SummaryFormat(format.value))
        return
    if format is ShowFormat.markdown:
        raise DistillError(
            f"{video_id} has no summary{' in ' + lang if lang else ''} yet; run "
            f"`distill summarize {video_id}` first."
        )
    assert t is not None
    console.print(f"[bold]{term(meta.title)}[/bold]")
    details = [
        meta.channel or "",
        fmt_time(meta.duration),
        meta.upload_date or "",
        meta.url or meta.path or "",
    ]
    console.print(term("  ·  ".join(d for d in details if d)))
    console.print("[dim]No summary yet: run `distill summarize ID`.[/dim]")
    for seg in t.segments[:20]:
        console.print(f"[cyan]{fmt_time(seg.start)}[/cyan]  {term(seg.text)}")
    if len(t.segments) > 20:
        console.print(
            f"[dim]… {len(t.segments) - 20} more segments (`distill transcript {term(video_id)}`)[/dim]"
        )


@app.command()
def search(
    query: Annotated[
        str,
        typer.Argument(
            help="Words to find in titles, transcripts and summaries (eigen* for prefixes)."
        ),
    ],
    limit: Annotated[int, typer.Option(min=1, max=100, help="At most this many hits.")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many hits (the next page).")] = 0,
    channel: Annotated[str | None, typer.Option(help="Only this channel (id or name).")] = None,
    words_only: Annotated[
        bool, typer.Option("--words-only", help="Only exact words, no passages found by meaning.")
    ] = False,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.text,
) -> None:
    """Search everything said in every stored video, by words and by meaning."""
    from rich.text import Text

    from distill.library import highlight_parts
    from distill.service import Distill

    with Distill() as service:
        found = service.search(
            query,
            limit=limit,
            offset=offset,
            channel_id=resolve_channel_id(service, channel),
            semantic=not words_only,
        )
    hits = found.hits
    if format is ListFormat.json:
        rows = [
            h.model_dump() | {"snippet": "".join(p for p, _ in highlight_parts(h.snippet))}
            for h in hits
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    if found.unmatched:
        typer.echo(
            f"No match for {', '.join(repr(plain(w)) for w in found.unmatched)}; "
            "showing what the other words found.",
            err=True,
        )
    if not hits and not found.titles:
        typer.echo(f"No matches for {plain(query)!r}.", err=True)
        raise typer.Exit(1)
    for t in found.titles if offset == 0 else []:
        console.print(Text(f"   title  {t.video_id}  {plain(t.title)}", style="bold"))
    for hit in hits:
        line = Text()
        line.append(f"{fmt_time(hit.start):>8}  ", style="cyan")
        line.append(hit.video_id, style="bold")
        line.append(f"  {plain(hit.title)}", style="bold")
        if hit.channel:
            line.append(f"  · {plain(hit.channel)}", style="dim")
        if hit.match == "meaning":
            line.append("  · related", style="dim")
        console.print(line)
        snippet = Text("          ")
        for part, is_match in highlight_parts(hit.snippet):
            snippet.append(plain(part), style="bold yellow" if is_match else None)
        console.print(snippet)
    if found.has_more:
        typer.echo(f"More: --offset {offset + limit}", err=True)


@app.command()
def rm(
    video_ids: Annotated[
        list[str], typer.Argument(metavar="ID...", help="Library ids (or unique starts) to delete.")
    ],
) -> None:
    """Delete videos (transcripts, summaries and search entries) from the library."""
    from distill.service import Distill

    with Distill() as service:
        for video_id in video_ids:
            removed = service.delete(video_id)
            console.print(f"removed {removed}", markup=False, highlight=False)


@app.command()
def schema() -> None:
    """Print the JSON schema of a summary (the object `summarize --format json` prints)."""
    from distill.domain import Summary

    typer.echo(json.dumps(Summary.model_json_schema(), indent=2, ensure_ascii=False))
