"""What the exports read: the documents to export (all, a channel's, those with a tagged highlight)."""

from __future__ import annotations

import sqlalchemy as sa

from distill.library.database import Database
from distill.library.schema import highlights, videos


class ExportStore(Database):
    """Documents to export (by channel, by highlight tag)."""

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
