"""CLI commands: llm_cmds."""

from distill.cli import app  # noqa: F401
