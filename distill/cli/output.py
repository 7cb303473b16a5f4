"""How the CLI shows things: consoles, progress bars, and summaries, answers and usage in the terminal.

Every text that comes from a video, a file name or a model goes through `term()`: Rich markup is
escaped and control characters (ESC, OSC, bidi overrides) are dropped, so nothing can restyle or
take over the terminal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from distill.domain import ProgressFn
from distill.timefmt import clock

if TYPE_CHECKING:
    from distill.domain import Answer, LibraryAnswer, Summary, Usage

console = Console()
err_console = Console(stderr=True)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str | None) -> str:
    """Untrusted text without control characters (for output that is not Rich markup)."""
    return _CONTROL.sub("", text or "")


def term(text: str | None) -> str:
    """Untrusted text made safe for Rich markup: control characters dropped, markup escaped."""
    return escape(plain(text))


def fmt_time(seconds: float | None) -> str:
    """Seconds as mm:ss or h:mm:ss; '--:--' when unknown."""
    return clock(seconds, pad_minutes=True, unknown="--:--")


STAGE_NAMES = {"download": "Download", "transcribe": "Transcribe", "summarize": "Summarize"}


@contextmanager
def progress_bar(enabled: bool = True, console: Console | None = None) -> Iterator[ProgressFn]:
    """A Rich progress display on stderr; yields a ProgressFn that adds one bar per stage.

    Transcription counts audio seconds, so its bar also shows how much of the audio is done.
    """
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        Task,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    console = console or err_console
    if not enabled or not console.is_terminal:

        def quiet(stage: str, done: float, total: float | None) -> None:
            return None

        yield quiet
        return

    class AudioColumn(ProgressColumn):
        """`1:05 / 4:27` for a stage counted in audio seconds."""

        def render(self, task: Task) -> Text:
            if not task.fields.get("audio") or task.total is None:
                return Text("")
            return Text(f"{clock(task.completed)} / {clock(task.total)}", style="dim")

    tasks: dict[str, TaskID] = {}
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        AudioColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        # Printing above the bar is for a terminal: piped or redirected, stdout stays stdout
        # (a batch's summaries are printed while its bar runs).
        redirect_stdout=sys.stdout.isatty(),
    ) as progress:

        def update(stage: str, done: float, total: float | None) -> None:
            if stage not in tasks:
                name = STAGE_NAMES.get(stage, stage.capitalize())
                tasks[stage] = progress.add_task(name, total=total, audio=stage == "transcribe")
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def _when(start: float | None) -> str:
    return f"[cyan]\\[{fmt_time(start)}][/cyan] " if start is not None else ""


def print_summary(summary: Summary) -> None:
    """The sections of the summary page in the terminal."""
    from rich.panel import Panel
    from rich.rule import Rule

    src = summary.source
    facts = [term(src.channel)] if src.channel else []
    if src.duration is not None:
        facts.append(fmt_time(src.duration))
    facts += [f"language {term(summary.language)}", f"model {term(summary.model)}"]
    if summary.translated_from:
        facts.append(f"translated from {term(summary.translated_from)}")
    header = f"[bold]{term(src.title)}[/bold]\n[dim]{' · '.join(facts)}[/dim]"
    if src.url:
        header += f"\n[dim]{term(src.url)}[/dim]"
    console.print(Panel(header, expand=False))
    console.print(Rule("TL;DR", align="left"))
    console.print(term(summary.tldr))
    if summary.insights:
        console.print(Rule("Key insights", align="left"))
        for i in summary.insights:
            console.print(f"{term(i.emoji)} {_when(i.start)}{term(i.text)}")
    if summary.qa:
        console.print(Rule("Questions & answers", align="left"))
        for qa in summary.qa:
            console.print(f"[bold]Q: {term(qa.question)}[/bold]")
            console.print(f"   {_when(qa.start)}{term(qa.answer)}")
    if summary.takeaways:
        console.print(Rule("Summary & key takeaways", align="left"))
        for t in summary.takeaways:
            console.print(f"• {_when(t.start)}{term(t.text)}")
    if summary.chapters:
        console.print(Rule("Chapters", align="left"))
        for c in summary.chapters:
            console.print(f"{_when(c.start)}{term(c.title)}")
    console.print()


def print_answer(question: str, answer: Answer) -> None:
    """An answer and the cited moments it rests on."""
    console.print(f"[bold]{term(question.strip())}[/bold]")
    console.print(term(answer.answer))
    if answer.citations:
        console.print("[dim]Sources:[/dim]")
        for c in answer.citations:
            console.print(f"  {_when(c.start)}{term(c.text)}")


def print_library_answer(question: str, answer: LibraryAnswer) -> None:
    """An answer from the whole library and the videos and moments it rests on."""
    console.print(f"[bold]{term(question.strip())}[/bold]")
    console.print(term(answer.answer))
    if answer.citations:
        console.print("[dim]Sources:[/dim]")
        for c in answer.citations:
            console.print(
                f"  [bold]{term(c.title)}[/bold] {_when(c.start)}[dim]{term(c.video_id)}[/dim]"
            )
            console.print(f"    {term(c.text)}")
    if answer.grounded or answer.repaired or answer.dropped:
        err_console.print(
            f"claims grounded {answer.grounded}, repaired {answer.repaired}, "
            f"dropped {answer.dropped}"
        )


def print_usage(usage: Usage | None, *, what: str = "summary") -> None:
    """One stderr line with the calls, tokens and estimated cost a model run took."""
    if usage is None:
        return
    if usage.cached:
        err_console.print(f"{what}: from cache, no model calls")
        return
    cost = "unknown cost" if usage.cost_usd is None else f"~${usage.cost_usd:.4f}"
    grounding = ""
    if usage.grounded or usage.repaired or usage.dropped or usage.builtin:
        grounding = (
            f"; items grounded {usage.grounded}, repaired {usage.repaired}, dropped {usage.dropped}"
        )
        if usage.builtin:
            grounding += f", built-in {usage.builtin}"
    err_console.print(
        f"{what}: {usage.calls} calls, {usage.prompt_tokens} prompt + "
        f"{usage.completion_tokens} completion tokens, {cost}{grounding}"
    )


def print_fallback_note(summary: Summary) -> None:
    """One quiet stderr line when sections of a model's summary are the built-in summary."""
    note = summary.fallback_note()
    if note:
        err_console.print(f"[dim]{term(note)}[/dim]")
