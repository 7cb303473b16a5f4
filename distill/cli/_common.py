"""Helpers shared by the CLI command modules: consoles, time formatting, progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from distill.domain import ProgressFn

console = Console()
err_console = Console(stderr=True)


def fmt_time(seconds: float | None) -> str:
    """Seconds as m:ss or h:mm:ss; '--:--' when unknown."""
    if seconds is None:
        return "--:--"
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


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
