"""CLI commands: transcribe_cmds."""

from distill.cli import app  # noqa: F401
