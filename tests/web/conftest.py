"""Fixtures for the web tests: a real SQLite library seeded with real domain objects, an HTTP client."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The helpers module sits next to this file; importlib mode does not put it on sys.path.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def library(distill_home: Path) -> Iterator[object]:
    from distill.library import Library

    lib = Library()
    yield lib
    lib.close()


@pytest.fixture
def app(library: object):
    from distill.web import create_app

    return create_app(library, worker=False)  # type: ignore[arg-type]


@pytest.fixture
def client(app) -> Iterator[object]:
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c
