"""Fixtures for source tests: a local web site, and the setting that lets the fetcher reach it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from local_site import Site, serve  # noqa: E402

from distill.settings import get_settings  # noqa: E402


@pytest.fixture
def site() -> Iterator[Site]:
    """A local HTTP server on 127.0.0.1 (not yet allowed: see `allow_local`)."""
    with serve() as s:
        yield s


@pytest.fixture
def allow_local(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """DISTILL_ALLOW_PRIVATE_HOSTS=127.0.0.1, as the tests' one explicit exception."""
    monkeypatch.setenv("DISTILL_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
