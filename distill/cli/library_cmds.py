"""CLI commands: library_cmds."""

from distill.cli import app  # noqa: F401
