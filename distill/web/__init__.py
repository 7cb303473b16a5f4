"""The web app: summary pages, channels, search, submit with live progress, and the REST API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """The FastAPI app (see distill.web.app.create_app); imported lazily to keep the CLI fast."""
    from distill.web.app import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["create_app"]
