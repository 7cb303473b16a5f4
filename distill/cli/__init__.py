"""The `distill` command line: one Typer app, commands registered from one module per area."""

from __future__ import annotations

import sys

import typer

from distill.errors import DistillError

INTERRUPTED = 130  # the shell's exit code for Ctrl-C
app = typer.Typer(
    name="distill",
    help="Read a video instead of watching it: summaries with timestamps, local-first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module adds its commands to `app` on import; they import heavy libraries lazily.
from distill.cli import (  # noqa: E402,F401
    export_cmds,
    knowledge_cmds,
    library_cmds,
    llm_cmds,
    mcp_cmd,
    serve_cmd,
    sources_cmds,
    summarize_cmds,
    transcribe_cmds,
    worker_cmds,
)


def main() -> None:
    """Run the CLI; a DistillError becomes one sentence on stderr and a non-zero exit."""
    from distill.cli.output import plain

    try:
        # Without standalone mode, click returns the exit code of `typer.Exit` instead of exiting.
        code = app(prog_name="distill", standalone_mode=False)
        if code == INTERRUPTED:  # typer turns Ctrl-C into this exit code, silently
            raise KeyboardInterrupt
        if isinstance(code, int) and code:
            sys.exit(code)
    except DistillError as exc:
        # Messages quote file names and titles: no terminal control codes get through.
        print(f"error: {plain(str(exc))}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("error: interrupted; what was not finished was not saved.", file=sys.stderr)
        sys.exit(INTERRUPTED)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("error: aborted.", file=sys.stderr)
        sys.exit(1)
    except typer.TyperException as exc:
        # Usage errors (unknown option, missing argument, bad choice) of the click that typer
        # runs on (typer 0.29 bundles its own): the usage line and one sentence, no traceback.
        show = getattr(exc, "show", None)
        if not callable(show):
            raise
        show()
        sys.exit(getattr(exc, "exit_code", 2))
