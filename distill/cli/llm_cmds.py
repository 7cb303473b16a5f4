"""CLI command `distill models`: the models you can summarize with here."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from distill.cli import app
from distill.cli.output import console
from distill.errors import DistillError


@app.command()
def models(
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    options: Annotated[
        bool, typer.Option("--options", help="List the options each model string may carry.")
    ] = False,
) -> None:
    """List the models you can summarize with, and whether their servers answer."""
    from distill.llm.discovery import available_models, option_rows

    if format not in ("text", "json"):
        raise DistillError(f"Unknown format {format!r}; use --format text or --format json.")
    columns: tuple[str, ...]
    if options:
        rows = option_rows()
        columns = ("provider", "option", "values", "help")
        footer = "Add options to a model string: openai:gpt-4o-mini?temperature=0.2&ctx=128000"
    else:
        rows = [status.row() for status in available_models()]
        columns = ("model", "status", "detail")
        footer = "Use one with --model MODEL or DISTILL_MODEL=MODEL; `--options` lists the options."
    if format == "json":
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    from rich.table import Table

    table = Table(*columns)
    for row in rows:
        table.add_row(*(escape(row[c]) for c in columns))
    console.print(table)
    console.print(escape(footer))
