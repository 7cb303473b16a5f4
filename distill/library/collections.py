"""Batches (a playlist, channel or feed expanded into jobs), follows, and Kindle clippings."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field

from distill.errors import LibraryError, NotFoundError
from distill.library.database import Database, aware, reason, utcnow
from distill.library.query import clean_text
from distill.library.schema import batch_items, batches, clippings, follows, jobs


class BatchItem(BaseModel):
    """One entry of a batch: its source, its job (None when it was already stored) and status."""

    source: str
    entry_id: str | None = None
    title: str | None = None
    job_id: str | None = None
    status: str = Field(
        description="queued, running, done, failed, stored (skipped), or older (a follow's "
        "entries from before it started, never queued)"
    )
    video_id: str | None = None


class Batch(BaseModel):
    """A playlist, channel or feed submitted at once, and how far its jobs got."""

    id: str
    source: str
    title: str
    kind: str
    follow_id: str | None = None
    created_at: datetime
    counts: dict[str, int] = Field(default_factory=dict)
    items: list[BatchItem] = Field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def finished(self) -> int:
        return sum(self.counts.get(k, 0) for k in ("done", "failed", "stored", "older"))


class Follow(BaseModel):
    """A channel, playlist or feed checked on a schedule for new entries."""

    id: str
    source: str
    title: str
    kind: str
    params: dict[str, Any] = Field(default_factory=dict)
    checked_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime


class ClippingRow(BaseModel):
    """A Kindle highlight, note or bookmark of a stored book."""

    type: str
    text: str
    note: str | None = None
    page: str | None = None
    location: str | None = None
    added: str | None = None


class Collections(Database):
    """Batches, follows and clippings: the library's tables for collections of sources."""

    # --- batches ---------------------------------------------------------------------------

    def create_batch(
        self,
        source: str,
        title: str,
        kind: str,
        items: list[dict[str, Any]],
        *,
        follow_id: str | None = None,
    ) -> str:
        """Record a batch and its entries ({source, entry_id, title, job_id, skipped}); its id."""
        batch_id = uuid.uuid4().hex
        try:
            with self._write() as conn:
                conn.execute(
                    sa.insert(batches).values(
                        id=batch_id,
                        source=source,
                        title=clean_text(title)[:500] or source,
                        kind=kind,
                        follow_id=follow_id,
                        created_at=utcnow(),
                    )
                )
                if items:
                    conn.execute(
                        sa.insert(batch_items),
                        [
                            {
                                "batch_id": batch_id,
                                "idx": i,
                                "source": item["source"],
                                "entry_id": item.get("entry_id"),
                                "title": clean_text(item.get("title") or "")[:500] or None,
                                "job_id": item.get("job_id"),
                                "skipped": bool(item.get("skipped")),
                            }
                            for i, item in enumerate(items)
                        ],
                    )
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not record the batch of {source!r}: {reason(exc)}."
            ) from None
        return batch_id

    def get_batch(self, batch_id: str) -> Batch:
        """A batch with each entry's job status; NotFoundError if unknown."""
        with self._read() as conn:
            row = conn.execute(sa.select(batches).where(batches.c.id == batch_id)).first()
            if row is None:
                raise NotFoundError(
                    f"no batch with id {batch_id!r}; check the id on the home page."
                )
            rows = conn.execute(
                sa.select(batch_items, jobs.c.status, jobs.c.video_id)
                .select_from(batch_items.outerjoin(jobs, jobs.c.id == batch_items.c.job_id))
                .where(batch_items.c.batch_id == batch_id)
                .order_by(batch_items.c.idx)
            ).all()
        items = [
            BatchItem(
                source=r.source,
                entry_id=r.entry_id,
                title=r.title,
                job_id=r.job_id,
                status="stored" if r.skipped else (r.status or ("queued" if r.job_id else "older")),
                video_id=r.video_id if not r.skipped else r.entry_id,
            )
            for r in rows
        ]
        counts: dict[str, int] = {}
        for item in items:
            counts[item.status] = counts.get(item.status, 0) + 1
        return Batch(
            id=row.id,
            source=row.source,
            title=row.title,
            kind=row.kind,
            follow_id=row.follow_id,
            created_at=aware(row.created_at),
            counts=counts,
            items=items,
        )

    def list_batches(self, *, limit: int = 10) -> list[Batch]:
        """The newest batches with their progress."""
        with self._read() as conn:
            ids = list(
                conn.execute(
                    sa.select(batches.c.id)
                    .order_by(batches.c.created_at.desc())
                    .limit(max(limit, 0))
                ).scalars()
            )
        return [self.get_batch(i) for i in ids]

    # --- follows ---------------------------------------------------------------------------

    def add_follow(self, source: str, title: str, kind: str, params: dict[str, Any]) -> Follow:
        """Follow a channel, playlist or feed (the same source again updates its settings)."""
        now = utcnow()
        with self._write() as conn:
            row = conn.execute(sa.select(follows).where(follows.c.source == source)).first()
            if row is None:
                conn.execute(
                    sa.insert(follows).values(
                        id=uuid.uuid4().hex,
                        source=source,
                        title=clean_text(title)[:500] or source,
                        kind=kind,
                        params=json.dumps(params, sort_keys=True),
                        created_at=now,
                    )
                )
            else:
                conn.execute(
                    sa.update(follows)
                    .where(follows.c.id == row.id)
                    .values(title=clean_text(title)[:500] or source, params=json.dumps(params))
                )
            row = conn.execute(sa.select(follows).where(follows.c.source == source)).one()
        return _follow(row)

    def list_follows(self) -> list[Follow]:
        """Every followed source, oldest first."""
        with self._read() as conn:
            return [
                _follow(r) for r in conn.execute(sa.select(follows).order_by(follows.c.created_at))
            ]

    def remove_follow(self, follow: str) -> None:
        """Stop following (by id or source); NotFoundError if it is not followed."""
        with self._write() as conn:
            result = conn.execute(
                sa.delete(follows).where(sa.or_(follows.c.id == follow, follows.c.source == follow))
            )
        if result.rowcount == 0:
            raise NotFoundError(f"{follow!r} is not followed; see `distill follows`.")

    def follow_sources(self, follow_id: str) -> set[str]:
        """Every source a follow's checks have already queued or skipped."""
        with self._read() as conn:
            return _batch_sources_of_follow(conn, follow_id)

    def mark_follow_checked(self, follow_id: str, error: str | None) -> None:
        """Record when a follow was checked and how that went."""
        with self._write() as conn:
            conn.execute(
                sa.update(follows)
                .where(follows.c.id == follow_id)
                .values(checked_at=utcnow(), last_error=error)
            )

    # --- clippings -------------------------------------------------------------------------

    def save_clippings(self, video_id: str, rows: list[ClippingRow]) -> None:
        """Replace a stored book's highlights, notes and bookmarks."""
        try:
            with self._write() as conn:
                conn.execute(sa.delete(clippings).where(clippings.c.video_id == video_id))
                if rows:
                    conn.execute(
                        sa.insert(clippings),
                        [
                            {"video_id": video_id, "idx": i, **r.model_dump()}
                            for i, r in enumerate(rows)
                        ],
                    )
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not save the highlights of {video_id!r}: {reason(exc)}; try again."
            ) from None

    def get_clippings(self, video_id: str) -> list[ClippingRow]:
        """A book's highlights, notes and bookmarks in file order."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(clippings)
                .where(clippings.c.video_id == video_id)
                .order_by(clippings.c.idx)
            ).all()
        return [
            ClippingRow(
                type=r.type,
                text=r.text,
                note=r.note,
                page=r.page,
                location=r.location,
                added=r.added,
            )
            for r in rows
        ]


def _follow(row: Any) -> Follow:
    return Follow(
        id=row.id,
        source=row.source,
        title=row.title,
        kind=row.kind,
        params=json.loads(row.params or "{}"),
        checked_at=aware(row.checked_at) if row.checked_at else None,
        last_error=row.last_error,
        created_at=aware(row.created_at),
    )


def _batch_sources_of_follow(conn: Any, follow_id: str) -> set[str]:
    rows = conn.execute(
        sa.select(batch_items.c.source)
        .select_from(batch_items.join(batches, batches.c.id == batch_items.c.batch_id))
        .where(batches.c.follow_id == follow_id)
    ).scalars()
    return set(rows)
