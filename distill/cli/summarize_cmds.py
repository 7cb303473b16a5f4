"""CLI commands: `distill summarize` (many sources, text/json/markdown, --out) and `distill ask`."""

from __future__ import annotations

import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from distill.cli import app
from distill.cli._common import console, err_console, fmt_time, progress_bar
from distill.errors import DistillError

if TYPE_CHECKING:
    from distill.domain import Answer, Summary, Transcript
    from distill.library import Library

BUILTIN = "builtin"
# The keys of the JSON contract in DESIGN.md, in order.
SUMMARY_KEYS = ("source", "model", "language", "tldr", "insights", "qa", "takeaways", "chapters")


class SummaryFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class AskFormat(str, Enum):
    text = "text"
    json = "json"


def pick_model(model: str | None) -> str:
    """--model, else DISTILL_MODEL, else builtin."""
    if model and model.strip():
        return model.strip()
    from distill.settings import get_settings

    return get_settings().model or BUILTIN


def summary_json(summary: Summary) -> dict[str, Any]:
    """The summary as the JSON object of the contract."""
    data = summary.model_dump(mode="json")
    return {key: data[key] for key in SUMMARY_KEYS}


def output_stem(source: str, transcript: Transcript) -> str:
    """File stem for --out: the video id for YouTube, else the file name without extensions."""
    if transcript.meta.kind == "youtube":
        return transcript.meta.id
    name = Path(source).name
    stem = name.split(".", 1)[0] if not name.startswith(".") else name.lstrip(".").split(".", 1)[0]
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")
    return stem or transcript.meta.id


def _link(summary: Summary, start: float | None) -> str | None:
    """A URL opening the video at `start`, for YouTube sources."""
    if start is None or summary.source.kind != "youtube":
        return None
    return f"https://youtu.be/{summary.source.id}?t={int(start)}"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def md(text: str) -> str:
    """Transcript text made inert in Markdown: markup characters escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_time(summary: Summary, start: float | None) -> str:
    if start is None:
        return ""
    link = _link(summary, start)
    return f" ([{fmt_time(start)}]({link}))" if link else f" ({fmt_time(start)})"


def summary_markdown(summary: Summary) -> str:
    """The summary page as Markdown."""
    src = summary.source
    facts = [md(src.channel)] if src.channel else []
    if src.duration is not None:
        facts.append(fmt_time(src.duration))
    facts += [f"language: {md(summary.language)}", f"model: {md(summary.model)}"]
    lines = [f"# {md(src.title)}", "", " · ".join(facts), ""]
    if src.url:
        lines += [f"<{src.url}>", ""]
    lines += ["## TL;DR", "", md(summary.tldr), ""]
    if summary.insights:
        lines += ["## Key insights", ""]
        lines += [f"- {i.emoji} {md(i.text)}{_md_time(summary, i.start)}" for i in summary.insights]
        lines.append("")
    if summary.qa:
        lines += ["## Questions & answers", ""]
        for qa in summary.qa:
            lines += [
                f"**{md(qa.question)}**",
                "",
                f"{md(qa.answer)}{_md_time(summary, qa.start)}",
                "",
            ]
    if summary.takeaways:
        lines += ["## Summary & key takeaways", ""]
        lines += [f"- {md(t.text)}{_md_time(summary, t.start)}" for t in summary.takeaways]
        lines.append("")
    if summary.chapters:
        lines += ["## Chapters", ""]
        lines += [
            f"- {fmt_time(c.start) + ' ' if c.start is not None else ''}{md(c.title)}"
            for c in summary.chapters
        ]
        lines.append("")
    return "\n".join(lines)


def _when(start: float | None) -> str:
    return f"[cyan]\\[{fmt_time(start)}][/cyan] " if start is not None else ""


def print_summary(summary: Summary) -> None:
    """The sections of the summary page in the terminal; transcript text is escaped."""
    from rich.panel import Panel
    from rich.rule import Rule

    src = summary.source
    facts = [escape(src.channel)] if src.channel else []
    if src.duration is not None:
        facts.append(fmt_time(src.duration))
    facts += [f"language {escape(summary.language)}", f"model {escape(summary.model)}"]
    header = f"[bold]{escape(src.title)}[/bold]\n[dim]{' · '.join(facts)}[/dim]"
    if src.url:
        header += f"\n[dim]{escape(src.url)}[/dim]"
    console.print(Panel(header, expand=False))
    console.print(Rule("TL;DR", align="left"))
    console.print(escape(summary.tldr))
    if summary.insights:
        console.print(Rule("Key insights", align="left"))
        for i in summary.insights:
            console.print(f"{escape(i.emoji)} {_when(i.start)}{escape(i.text)}")
    if summary.qa:
        console.print(Rule("Questions & answers", align="left"))
        for qa in summary.qa:
            console.print(f"[bold]Q: {escape(qa.question)}[/bold]")
            console.print(f"   {_when(qa.start)}{escape(qa.answer)}")
    if summary.takeaways:
        console.print(Rule("Summary & key takeaways", align="left"))
        for t in summary.takeaways:
            console.print(f"• {_when(t.start)}{escape(t.text)}")
    if summary.chapters:
        console.print(Rule("Chapters", align="left"))
        for c in summary.chapters:
            console.print(f"{_when(c.start)}{escape(c.title)}")
    console.print()


def print_plan(transcript: Transcript, model: str, language: str | None = None) -> None:
    """What summarizing would cost, without calling any model."""
    words = transcript.word_count
    if model == BUILTIN:
        console.print(
            f"{escape(transcript.meta.title)}: {words} words, {len(transcript.segments)} segments; "
            "model builtin: no model calls are made (extractive, runs locally)."
        )
        return
    from distill.summarize.llm_plan import plan

    result = plan(transcript, model, language=language)
    console.print(f"{escape(transcript.meta.title)}: {words} words; model {escape(model)}")
    for line in result.lines():
        console.print(f"  {escape(line)}")


def _check_language(transcript: Transcript, model: str, lang: str | None) -> None:
    """builtin writes in the transcript's language: another language needs a model."""
    want = (lang or "").split("-")[0].lower()
    if model != BUILTIN or not want:
        return
    from distill.summarize.text import detect_language

    have = (transcript.language or detect_language(transcript.text) or "").split("-")[0].lower()
    if have and have != want:
        raise DistillError(
            f"{transcript.meta.title!r} has no {want} transcript (only {have}), and translating "
            "a summary needs a model: pass --model provider:name or set DISTILL_MODEL."
        )


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _library() -> Library:
    from distill.library import Library

    return Library()


ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model", "-m", help="builtin (no model), or provider:name; default DISTILL_MODEL."
    ),
]
LangOption = Annotated[
    str | None, typer.Option("--lang", "-l", help="Transcript language to prefer, e.g. en.")
]


@app.command()
def summarize(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="YouTube URLs or IDs, caption files (.srt .vtt .json3), transcripts (.txt), "
            "or audio/video files."
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
) -> None:
    """Summarize videos, recordings or transcripts and save them in the library."""
    from distill.summarize import summarize as run_summary

    chosen = pick_model(model)
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DistillError(
                f"Cannot create the output folder {out} ({exc.strerror}); pass a writable --out DIR."
            ) from exc
    library: Library | None = None
    failed = 0
    stems: set[str] = set()
    try:
        for source in sources:
            try:
                with progress_bar() as progress:
                    from distill.sources import resolve

                    transcript = resolve(source, lang=lang, progress=progress)
                    _check_language(transcript, chosen, lang)
                    if dry_run:
                        print_plan(transcript, chosen, lang)
                        continue
                    summary = run_summary(
                        transcript, model=chosen, language=lang, progress=progress
                    )
                if summary.usage is not None:
                    from distill.cli.llm_cmds import print_usage

                    print_usage(summary.usage)
                if library is None:
                    library = _library()
                video_id = library.save_transcript(transcript)
                library.save_summary(video_id, summary)
            except DistillError as exc:
                if len(sources) == 1:
                    raise
                failed += 1
                print(f"error: {source}: {exc}", file=sys.stderr)
                continue
            if out is not None:
                stem = output_stem(source, transcript)
                n = 2
                base = stem
                while stem in stems:
                    stem, n = f"{base}-{n}", n + 1
                stems.add(stem)
                if format == SummaryFormat.markdown:
                    path = out / f"{stem}.md"
                    _write(path, summary_markdown(summary))
                else:
                    path = out / f"{stem}.json"
                    _write(
                        path, json.dumps(summary_json(summary), ensure_ascii=False, indent=2) + "\n"
                    )
                err_console.print(f"wrote {escape(str(path))}")
            elif format == SummaryFormat.json:
                sys.stdout.write(json.dumps(summary_json(summary), ensure_ascii=False) + "\n")
            elif format == SummaryFormat.markdown:
                sys.stdout.write(summary_markdown(summary) + "\n")
            else:
                print_summary(summary)
    finally:
        if library is not None:
            library.close()
    if failed:
        print(
            f"error: {failed} of {len(sources)} sources failed; see the messages above.",
            file=sys.stderr,
        )
        raise typer.Exit(1)


def answer_json(answer: Answer) -> dict[str, Any]:
    data = answer.model_dump(mode="json")
    return {"answer": data["answer"], "citations": data["citations"]}


@app.command()
def ask(
    source: Annotated[
        str,
        typer.Argument(help="Library video id, YouTube URL or ID, caption/transcript/media file."),
    ],
    question: Annotated[str, typer.Argument(help="What you want to know, in a sentence.")],
    model: ModelOption = None,
    lang: LangOption = None,
    format: Annotated[
        AskFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AskFormat.text,
) -> None:
    """Ask a question about one video; the answer cites the moments it comes from."""
    from distill.summarize import ask as run_ask

    if not question.strip():
        raise DistillError(
            'The question is empty; pass it in quotes, e.g. distill ask SOURCE "What is X?".'
        )
    chosen = pick_model(model)
    library = _library()
    try:
        if library.has_video(source):
            transcript = library.get_transcript(source, language=lang)
        else:
            from distill.sources import resolve

            with progress_bar() as progress:
                transcript = resolve(source, lang=lang, progress=progress)
            library.save_transcript(transcript)
    finally:
        library.close()
    answer = run_ask(transcript, question, model=chosen)
    if format == AskFormat.json:
        sys.stdout.write(json.dumps(answer_json(answer), ensure_ascii=False) + "\n")
        return
    console.print(f"[bold]{escape(question.strip())}[/bold]")
    console.print(escape(answer.answer))
    if answer.citations:
        console.print("[dim]Sources:[/dim]")
        for c in answer.citations:
            console.print(f"  {_when(c.start)}{escape(c.text)}")
