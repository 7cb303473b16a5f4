"""The shared evaluation data: skipped when absent, a failure when CI is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def eval_dir(name: str) -> Path:
    """`../shared/eval/<name>`, or skip (fail under CI) when it is not there."""
    path = EVAL_DIR / name
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the eval data {path} is missing; CI must have ../shared/eval.")
        pytest.skip(f"eval data {name} absent")
    return path
