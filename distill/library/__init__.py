"""Persistence and full-text search: SQLite by default, PostgreSQL by URL (SQLAlchemy + Alembic)."""

from distill.library.collections import Batch, BatchItem, ClippingRow, Follow
from distill.library.models import ChannelInfo, Job, SearchHit, SearchResults, highlight_parts
from distill.library.store import Library

__all__ = [
    "Batch",
    "BatchItem",
    "ChannelInfo",
    "ClippingRow",
    "Follow",
    "Job",
    "Library",
    "SearchHit",
    "SearchResults",
    "highlight_parts",
]
