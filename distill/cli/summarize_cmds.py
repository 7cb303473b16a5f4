"""CLI commands: `distill summarize` (many sources, text/json/markdown, --out) and `distill ask`."""

from __future__ import annotations

import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from distill.cli import app
from distill.cli.output import (
    console,
    err_console,
    plain,
    print_answer,
    print_fallback_note,
    print_summary,
    print_usage,
    progress_bar,
    term,
)
from distill.errors import DistillError, NotFoundError, SourceError

if TYPE_CHECKING:
    from distill.domain import MetaOverride, Summary, Transcript
    from distill.service import Distill


class SummaryFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class AskFormat(str, Enum):
    text = "text"
    json = "json"


def output_stem(source: str, transcript: Transcript) -> str:
    """File stem for --out: the video id for YouTube, else the file name without extensions."""
    if transcript.meta.kind == "youtube":
        return transcript.meta.id
    name = Path(source).name
    stem = name.split(".", 1)[0] if not name.startswith(".") else name.lstrip(".").split(".", 1)[0]
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")
    return stem or transcript.meta.id


def render_summary(summary: Summary, format: SummaryFormat) -> str:
    """The summary as JSON (the documented contract) or Markdown text."""
    if format == SummaryFormat.markdown:
        from distill.exports.markdown import summary_markdown

        return summary_markdown(summary)
    return json.dumps(summary.contract(), ensure_ascii=False, indent=2) + "\n"


def emit_summary(summary: Summary, format: SummaryFormat) -> None:
    """Print a summary to stdout in the chosen format."""
    if format == SummaryFormat.json:
        sys.stdout.write(json.dumps(summary.contract(), ensure_ascii=False) + "\n")
    elif format == SummaryFormat.markdown:
        sys.stdout.write(render_summary(summary, format) + "\n")
    else:
        print_summary(summary)


ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model", "-m", help="builtin (no model), or provider:name; default DISTILL_MODEL."
    ),
]
LangOption = Annotated[
    str | None, typer.Option("--lang", "-l", help="Transcript language to prefer, e.g. en.")
]
TitleOption = Annotated[
    str | None, typer.Option("--title", help="The title to store instead of the source's own.")
]
ChannelOption = Annotated[
    str | None,
    typer.Option("--channel", help="The channel (or speaker, show) to store it under."),
]
UrlOption = Annotated[
    str | None, typer.Option("--url", help="Where it can be watched or read (https://...).")
]


def meta_override(
    sources: list[str], title: str | None, channel: str | None, url: str | None
) -> MetaOverride | None:
    """The user's --title/--channel/--url as a checked override; --title and --url name one source."""
    from distill.domain import MetaOverride
    from distill.service import check_meta

    if len(sources) > 1 and (title is not None or url is not None):
        raise DistillError(
            f"--title and --url describe one source, but {len(sources)} were given; run the "
            "command once per source (--channel may apply to all)."
        )
    return check_meta(MetaOverride(title=title, channel=channel, url=url))


def resolve_channel_id(service: Distill, channel: str | None) -> str | None:
    """Accept a channel id, (case-insensitively) its name, or a unique prefix of its id."""
    if channel is None:
        return None
    try:
        return service.channel_id(channel)
    except NotFoundError:
        raise SourceError(
            f"No channel {channel!r} in the library; run `distill list` to see the channels stored."
        ) from None


@app.command()
def summarize(
    sources: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE...",
            help="YouTube URLs or IDs, caption files (.srt .vtt .json3), transcripts (.txt), "
            "audio/video files, or ids of stored videos.",
        ),
    ],
    model: ModelOption = None,
    lang: LangOption = None,
    format: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = SummaryFormat.text,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write DIR/<stem>.json (or .md) per source instead of printing."
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be done and what it costs; save nothing."),
    ] = False,
    title: TitleOption = None,
    channel: ChannelOption = None,
    url: UrlOption = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", min=1, help="Playlists, channels and feeds: only the newest N entries."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Playlists, channels and feeds: entries published on or after YYYY-MM-DD.",
        ),
    ] = None,
) -> None:
    """Summarize videos, recordings, articles, PDFs, episodes or transcripts and save them.

    A playlist, channel, feed or OPML file is summarized entry by entry (stored ones skipped).
    """
    from distill.files import write_atomic
    from distill.service import Distill, Summarized, choose_model

    choose_model(model)  # a bad model string is refused before any work
    meta = meta_override(sources, title, channel, url)
    if out is not None and not dry_run:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DistillError(
                f"Cannot create the output folder {out} ({exc.strerror}); pass a writable --out DIR."
            ) from exc
    failed = 0
    stems: set[str] = set()

    def deliver(source: str, done: Summarized) -> None:
        print_usage(done.summary.usage)
        print_fallback_note(done.summary)
        if out is not None:
            stem = base = output_stem(source, done.transcript)
            n = 2
            while stem in stems:
                stem, n = f"{base}-{n}", n + 1
            stems.add(stem)
            suffix = ".md" if format == SummaryFormat.markdown else ".json"
            path = out / f"{stem}{suffix}"
            write_atomic(path, render_summary(done.summary, format))
            err_console.print(f"wrote {term(str(path))}")
        else:
            emit_summary(done.summary, format)

    def failure(source: str, exc: DistillError) -> None:
        nonlocal failed
        if len(sources) == 1:
            raise exc
        failed += 1
        print(f"error: {plain(source)}: {plain(str(exc))}", file=sys.stderr)

    with Distill() as service:
        work = _expanded(service, sources, limit=limit, since=since)
        sources = work
        workers = 0 if dry_run else service.batch_workers(sources, model)
        if workers:  # many local files, built-in summaries: every core works, one stores
            with progress_bar() as progress:
                count = 0

                def tick() -> None:
                    nonlocal count
                    count += 1
                    progress("summarize", float(count), float(len(sources)))

                progress("summarize", 0.0, float(len(sources)))
                for source, result in service.summarize_many(
                    sources, lang=lang, meta=meta, workers=workers, on_each=tick
                ):
                    try:
                        if isinstance(result, DistillError):
                            raise result
                        deliver(source, result)
                    except DistillError as exc:
                        failure(source, exc)
        for source in [] if workers else sources:
            try:
                with progress_bar() as progress:
                    if dry_run:
                        plan = service.plan(
                            source, model=model, lang=lang, progress=progress, meta=meta
                        )
                        console.print(f"{term(plan.transcript.meta.title)}:")
                        for line in plan.lines:
                            console.print(f"  {term(line)}")
                        continue
                    done = service.summarize(
                        source, model=model, lang=lang, progress=progress, meta=meta
                    )
                deliver(source, done)
            except DistillError as exc:
                failure(source, exc)
    if failed:
        print(
            f"error: {failed} of {len(sources)} sources failed; see the messages above.",
            file=sys.stderr,
        )
        raise typer.Exit(1)


def _expanded(
    service: object, sources: list[str], *, limit: int | None, since: str | None
) -> list[str]:
    """The sources with every playlist, channel or feed replaced by its entries not yet stored."""
    from distill.service import Distill

    assert isinstance(service, Distill)
    work: list[str] = []
    for source in sources:
        found = service.expand(source, limit=limit, since=since)
        if found is None:
            work.append(source)
            continue
        new = [e for e in found.entries if not (e.id and service.library.has_video(e.id))]
        err_console.print(
            f"{term(found.title)}: {len(found.entries)} entries, "
            f"{len(found.entries) - len(new)} already stored"
        )
        work.extend(e.source for e in new)
    return work


@app.command()
def ask(
    source: Annotated[
        str,
        typer.Argument(
            help="Library video id, YouTube URL or ID, caption/transcript/media file "
            "(with --library: the question)."
        ),
    ],
    question: Annotated[
        str | None, typer.Argument(help="What you want to know, in a sentence.")
    ] = None,
    library: Annotated[
        bool,
        typer.Option(
            "--library", help="Ask every stored video, highlight and note instead of one source."
        ),
    ] = False,
    channel: Annotated[
        str | None, typer.Option(help="With --library: only this channel (id or name).")
    ] = None,
    model: ModelOption = None,
    lang: LangOption = None,
    format: Annotated[
        AskFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AskFormat.text,
) -> None:
    """Ask a question about one video, or with --library about everything stored; the answer
    cites the moments it comes from."""
    from distill.service import Distill

    if library:
        if question is not None:
            raise DistillError(
                'With --library give only the question, e.g. distill ask --library "What is X?".'
            )
        from distill.cli.output import print_library_answer

        with Distill() as service:
            found = service.ask_library(
                source,
                model=model,
                channel_id=resolve_channel_id(service, channel),
            )
        if format == AskFormat.json:
            sys.stdout.write(json.dumps(found.contract(), ensure_ascii=False) + "\n")
            return
        print_library_answer(source, found)
        return
    if channel is not None:
        raise DistillError("--channel only applies with --library; add --library to ask it.")
    if question is None:
        raise DistillError(
            'Give a source and a question, e.g. distill ask VIDEO_ID "What is X?", or ask the '
            'whole library with distill ask --library "What is X?".'
        )
    with Distill() as service, progress_bar() as progress:
        answer = service.ask(source, question, model=model, lang=lang, progress=progress)
    if format == AskFormat.json:
        sys.stdout.write(json.dumps(answer.contract(), ensure_ascii=False) + "\n")
        return
    print_answer(question, answer)


@app.command()
def translate(
    video_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A stored video's id, or any unique start of it (see `distill list`).",
        ),
    ],
    lang: Annotated[
        str,
        typer.Option(
            "--lang", "--to", "-l", "-t", help="Language to translate into, e.g. es, de, pt-BR."
        ),
    ],
    model: ModelOption = None,
    format: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = SummaryFormat.text,
) -> None:
    """Show a stored summary in another language (translated by a model once, times kept)."""
    from distill.service import Distill

    with Distill() as service, progress_bar() as progress:
        summary = service.translate(video_id, lang, model=model, progress=progress)
    print_usage(summary.usage, what="translation")
    emit_summary(summary, format)
