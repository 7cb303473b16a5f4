"""What the exports read and record: the documents to export, and what was sent to other apps.

What was sent is kept in the library's facts table (`library_info`), one row per target and
document (`pushed:<target>:<document>`, a JSON object of item key → [digest, remote id]), so a
second push sends only what is new or changed without a table of its own; a backup carries it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from distill.errors import LibraryError
from distill.library.database import Database, reason
from distill.library.schema import highlights, library_info, videos


@dataclass(frozen=True)
class Push:
    """One item sent to another app: its key, its document, a digest of what was sent, its id there."""

    item: str
    video_id: str
    digest: str
    remote_id: str | None = None


def _key(target: str, video_id: str) -> str:
    return f"pushed:{target}:{video_id}"


class ExportStore(Database):
    """Documents to export (by channel, by highlight tag) and the record of what was pushed."""

    def export_video_ids(
        self, *, channel_id: str | None = None, tag: str | None = None
    ) -> list[str]:
        """Ids of the stored documents, oldest first: one channel's, or those with a highlight
        carrying `tag`."""
        stmt = sa.select(videos.c.id).order_by(videos.c.created_at, videos.c.id)
        if channel_id is not None:
            stmt = stmt.where(videos.c.channel_id == channel_id)
        if tag:
            padded = sa.literal(" ") + highlights.c.tags + sa.literal(" ")
            tagged = sa.select(highlights.c.video_id).where(
                padded.contains(f" {tag.strip().lower()} ", autoescape=True)
            )
            stmt = stmt.where(videos.c.id.in_(tagged))
        with self._read() as conn:
            return list(conn.execute(stmt).scalars())

    def pushed(self, target: str, video_id: str) -> dict[str, Push]:
        """What was pushed of one document to `target`, by item key."""
        with self._read() as conn:
            raw = conn.execute(
                sa.select(library_info.c.value).where(library_info.c.key == _key(target, video_id))
            ).scalar()
        try:
            loaded = json.loads(raw) if raw else {}
        except ValueError:
            loaded = {}  # a damaged record only means sending again; Readwise keeps one copy
        return {
            item: Push(item, video_id, str(v[0]), v[1])
            for item, v in (loaded.items() if isinstance(loaded, dict) else [])
            if isinstance(v, list) and len(v) == 2
        }

    def record_pushes(self, target: str, done: Iterable[Push]) -> None:
        """Remember items as pushed to `target` (replacing what was recorded of them)."""
        by_video: dict[str, list[Push]] = {}
        for p in done:
            by_video.setdefault(p.video_id, []).append(p)
        try:
            for video_id, items in by_video.items():
                known = self.pushed(target, video_id)
                known.update({p.item: p for p in items})
                value = json.dumps(
                    {k: [p.digest, p.remote_id] for k, p in sorted(known.items())},
                    separators=(",", ":"),
                )
                with self._write() as conn:
                    ins = self._backend.insert(library_info).values(
                        key=_key(target, video_id), value=value
                    )
                    conn.execute(
                        ins.on_conflict_do_update(
                            index_elements=[library_info.c.key], set_={"value": value}
                        )
                    )
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not record what was sent to {target}: {reason(exc)}; the next push sends "
                "those items again (the other app keeps one copy of each)."
            ) from None
