"""CLI commands: summarize_cmds."""

from distill.cli import app  # noqa: F401
