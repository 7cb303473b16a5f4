"""CLI commands: serve_cmd."""

from distill.cli import app  # noqa: F401
