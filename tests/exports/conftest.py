"""Fixtures for the export tests: a library with hostile titles, notes and several kinds."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The helpers modules sit next to this file; importlib mode does not put it on sys.path.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def library(distill_home: Path) -> Iterator[object]:
    from distill.library import Library

    lib = Library()
    yield lib
    lib.close()


@pytest.fixture
def service(library: object) -> Iterator[object]:
    from distill.service import Distill

    with Distill(library) as s:  # type: ignore[arg-type]
        yield s


# The backup's PostgreSQL test uses the library tests' server (started once per session).
from tests.library.conftest import postgres_server, postgres_template  # noqa: E402,F401
