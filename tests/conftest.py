"""Fixtures shared by every test package: an isolated data dir and the real CLI entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from distill.settings import get_settings

EVAL_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def eval_dir_or_skip(*parts: str) -> Path:
    """A folder of the shared eval data: the test skips when it is absent, and fails under CI."""
    path = EVAL_DIR.joinpath(*parts)
    if not path.is_dir():
        where = "/".join(("../shared/eval", *parts))
        if os.environ.get("CI"):
            pytest.fail(f"eval data {where} is absent, and CI is set: CI runs every eval test.")
        pytest.skip(f"eval data {where} is absent")
    return path


@pytest.fixture
def distill_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh DISTILL_HOME (and so a fresh SQLite library) for one test."""
    home = tmp_path / "distill-home"
    home.mkdir()
    monkeypatch.setenv("DISTILL_HOME", str(home))
    monkeypatch.delenv("DISTILL_DATABASE_URL", raising=False)
    monkeypatch.delenv("DISTILL_MODEL", raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@dataclass
class CliResult:
    """What one run of the real `distill` entry point did."""

    returncode: int
    stdout: str
    stderr: str


def run_distill(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> CliResult:
    """Run `python -m distill ARGS` in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("COLUMNS", "120")
    proc = subprocess.run(
        [sys.executable, "-m", "distill", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli(distill_home: Path):
    """Call the real CLI with this test's DISTILL_HOME."""

    def call(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> CliResult:
        return run_distill(
            *args, env={"DISTILL_HOME": str(distill_home), **(env or {})}, timeout=timeout
        )

    return call
