"""Highlights and notes stored in the library: add, list, search, edit with compare-and-set, delete."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from distill.domain import Highlight
from distill.errors import ConflictError, LibraryError, NotFoundError
from distill.library.database import Database, aware, reason, utcnow
from distill.library.query import clean_text, parse_query
from distill.library.schema import highlights, videos

HIGHLIGHT_FIELDS = frozenset({"start", "end", "quote", "before", "after", "note", "tags"})
# One video's highlights in the order its page and `list_highlights` show them.
_VIDEO_ORDER = (highlights.c.start, highlights.c.page, highlights.c.paragraph, highlights.c.id)
_OF_VIDEO = (  # built once (see `video_highlights`)
    sa.select(highlights)
    .where(highlights.c.video_id == sa.bindparam("vid"))
    .order_by(*_VIDEO_ORDER)
)


def video_highlights(conn: sa.Connection, video_id: str) -> list[Highlight]:
    """A video's highlights, read on a connection its page already holds (`video_view`)."""
    return [_row_to_highlight(r) for r in conn.execute(_OF_VIDEO, {"vid": video_id})]


def _row_to_highlight(row: Any) -> Highlight:
    return Highlight(
        id=row.id,
        video_id=row.video_id,
        start=row.start,
        end=row.end,
        quote=row.quote,
        before=row.before,
        after=row.after,
        note=row.note,
        tags=row.tags.split() if row.tags else [],
        url=row.url,
        page=row.page,
        paragraph=row.paragraph,
        version=row.version,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
    )


def _not_found(highlight_id: int) -> NotFoundError:
    return NotFoundError(
        f"no highlight with id {highlight_id} in the library; see them with `distill highlights`."
    )


class HighlightStore(Database):
    """The highlights table (the service checks what goes in: sizes, times, tags)."""

    def add_highlight(
        self,
        video_id: str,
        *,
        start: float | None,
        end: float | None,
        quote: str,
        before: str = "",
        after: str = "",
        note: str = "",
        tags: list[str] | None = None,
        url: str | None = None,
        page: int | None = None,
        paragraph: int | None = None,
    ) -> Highlight:
        """Store a new highlight of a stored video or document (by time, or by its quote on a
        page or in a paragraph); an identical one already there is a conflict."""
        now = utcnow()
        values = {
            "video_id": video_id,
            "start": None if start is None else float(start),
            "end": None if end is None else float(end),
            "url": url,
            "page": page,
            "paragraph": paragraph,
            "quote": clean_text(quote),
            "before": clean_text(before),
            "after": clean_text(after),
            "note": clean_text(note),
            "tags": " ".join(tags or []),
        }
        try:
            with self._write() as conn:
                if (
                    conn.execute(sa.select(videos.c.id).where(videos.c.id == video_id)).first()
                    is None
                ):
                    raise NotFoundError(
                        f"no video with id {video_id!r} in the library (it may have been "
                        "deleted); see the stored videos with `distill list`."
                    )
                same = conn.execute(
                    sa.select(highlights.c.id).where(
                        highlights.c.video_id == video_id,
                        highlights.c.start.is_not_distinct_from(values["start"]),
                        highlights.c.end.is_not_distinct_from(values["end"]),
                        highlights.c.quote == values["quote"],
                        highlights.c.before == values["before"],
                    )
                ).scalar()
                if same is not None:
                    raise ConflictError(
                        f"this passage is already highlighted (highlight {same}); edit that one "
                        "to change its note or tags."
                    )
                new_id = conn.execute(
                    sa.insert(highlights)
                    .values(**values, version=1, created_at=now, updated_at=now)
                    .returning(highlights.c.id)
                ).scalar_one()
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not save the highlight: {reason(exc)}; nothing was stored, try again."
            ) from None
        return self.get_highlight(int(new_id))

    def get_highlight(self, highlight_id: int) -> Highlight:
        """One highlight; NotFoundError if there is none with this id."""
        with self._read() as conn:
            row = conn.execute(sa.select(highlights).where(highlights.c.id == highlight_id)).first()
        if row is None:
            raise _not_found(highlight_id)
        return _row_to_highlight(row)

    def list_highlights(
        self,
        *,
        video_id: str | None = None,
        tag: str | None = None,
        q: str | None = None,
        url: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Highlight]:
        """Highlights, newest first (in time, page and paragraph order for one video, in the
        order they were made for one web page); by tag, by words and by the page's URL."""
        stmt = sa.select(highlights)
        if url is not None:
            stmt = stmt.where(highlights.c.url == url)
        if video_id is not None:
            stmt = stmt.where(highlights.c.video_id == video_id).order_by(*_VIDEO_ORDER)
        elif url is not None:
            stmt = stmt.order_by(highlights.c.id)
        else:
            stmt = stmt.order_by(highlights.c.created_at.desc(), highlights.c.id.desc())
        if tag:
            padded = sa.literal(" ") + highlights.c.tags + sa.literal(" ")
            stmt = stmt.where(padded.contains(f" {tag.strip().lower()} ", autoescape=True))
        if q and q.strip():
            ids = self._highlight_matches(q)
            if not ids:
                return []
            stmt = stmt.where(highlights.c.id.in_(ids))
        stmt = stmt.limit(max(0, limit)).offset(max(0, offset))
        with self._read() as conn:
            return [_row_to_highlight(r) for r in conn.execute(stmt)]

    def count_highlights(self, *, video_id: str | None = None) -> int:
        stmt = sa.select(sa.func.count()).select_from(highlights)
        if video_id is not None:
            stmt = stmt.where(highlights.c.video_id == video_id)
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def highlight_tags(self) -> list[tuple[str, int]]:
        """Every tag in use and how many highlights carry it, most used first."""
        with self._read() as conn:
            rows = conn.execute(sa.select(highlights.c.tags)).scalars().all()
        counts: dict[str, int] = {}
        for tags in rows:
            for t in tags.split():
                counts[t] = counts.get(t, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def search_highlights(
        self, query: str, *, limit: int = 50, any_term: bool = False
    ) -> list[tuple[int, float]]:
        """(highlight id, score) of highlights whose quote, note or tags have every word (or
        any word); best first."""
        parsed = parse_query(query)
        if parsed.empty:
            return []
        with self._read() as conn:
            return self._backend.search_highlights(conn, parsed, limit=limit, any_term=any_term)

    def _highlight_matches(self, q: str) -> list[int]:
        return [i for i, _ in self.search_highlights(q, limit=10_000)]

    def update_highlight(self, highlight_id: int, version: int, **changes: Any) -> Highlight:
        """Change a highlight if it is still at `version` (compare-and-set): no lost update."""
        unknown = set(changes) - HIGHLIGHT_FIELDS
        if unknown:
            raise LibraryError(f"highlights have no field {sorted(unknown)[0]!r}.")
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "tags":
                values["tags"] = " ".join(value or [])
            elif key in ("start", "end"):
                values[key] = None if value is None else float(value)
            else:
                values[key] = clean_text(value or "")
        now = utcnow()
        try:
            with self._write() as conn:
                done = conn.execute(
                    sa.update(highlights)
                    .where(highlights.c.id == highlight_id, highlights.c.version == version)
                    .values(**values, version=highlights.c.version + 1, updated_at=now)
                )
                if done.rowcount == 0:
                    current = conn.execute(
                        sa.select(highlights.c.version).where(highlights.c.id == highlight_id)
                    ).scalar()
                    if current is None:
                        raise _not_found(highlight_id)
                    raise ConflictError(
                        f"highlight {highlight_id} was changed by someone else since you read it "
                        f"(you sent version {version}, it is now at version {current}); reload "
                        "it and make your change again."
                    )
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not change highlight {highlight_id}: {reason(exc)}; nothing was changed."
            ) from None
        return self.get_highlight(highlight_id)

    def delete_highlight(self, highlight_id: int) -> Highlight:
        """Remove a highlight; what it was."""
        try:
            with self._write() as conn:
                row = conn.execute(
                    sa.select(highlights).where(highlights.c.id == highlight_id)
                ).first()
                if row is None:
                    raise _not_found(highlight_id)
                conn.execute(sa.delete(highlights).where(highlights.c.id == highlight_id))
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not delete highlight {highlight_id}: {reason(exc)}; nothing was removed."
            ) from None
        return _row_to_highlight(row)
