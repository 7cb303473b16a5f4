"""Helpers shared by the CLI command modules: consoles, time formatting, progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from distill.domain import ProgressFn
from distill.timefmt import clock

console = Console()
err_console = Console(stderr=True)


def fmt_time(seconds: float | None) -> str:
    """Seconds as mm:ss or h:mm:ss; '--:--' when unknown."""
    return clock(seconds, pad_minutes=True, unknown="--:--")


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[ProgressFn]:
    """A Rich progress display on stderr; yields a ProgressFn that adds one bar per stage."""
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    if not enabled or not err_console.is_terminal:

        def quiet(stage: str, done: float, total: float | None) -> None:
            return None

        yield quiet
        return
    tasks: dict[str, TaskID] = {}
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:

        def update(stage: str, done: float, total: float | None) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update
