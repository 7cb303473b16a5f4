"""Every command's usage errors are the usage line and one sentence, never a traceback."""

from __future__ import annotations

import pytest
import typer

from distill.cli import app


def _commands() -> dict[str, list[str]]:
    """Each command name with the names of its required arguments."""
    group = typer.main.get_command(app)
    out: dict[str, list[str]] = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        out[name] = [p.name for p in command.params if p.required and not p.name.startswith("-")]
    return out


COMMANDS = _commands()


def test_the_app_has_commands():
    assert {"summarize", "ask", "list", "show", "serve", "mcp"} <= set(COMMANDS)


def _assert_usage_error(result, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert "Usage: distill" in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1, result.stderr
    for word in words:
        assert word in error_lines[0], result.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_unknown_option(cli, command):
    _assert_usage_error(cli(command, "--no-such-option"), "--no-such-option")


@pytest.mark.parametrize("command", sorted(c for c, required in COMMANDS.items() if required))
def test_missing_argument(cli, command):
    _assert_usage_error(cli(command), "Missing")


def test_unknown_command(cli):
    _assert_usage_error(cli("summarise"), "summarise")


def test_bad_choice(cli):
    _assert_usage_error(cli("summarize", "x.srt", "--format", "bogus"), "bogus")
