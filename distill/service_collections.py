"""The service's part for collections: playlists, channels, feeds and OPML files expanded into
batches of jobs, follows checked on a schedule, Kindle clippings imported."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from distill.errors import DistillError, InputError

if TYPE_CHECKING:
    from distill.library import Batch, Follow, Job, Library
    from distill.sources import Collection

# How many of a followed source's newest entries each check looks at.
FOLLOW_WINDOW = 100


class Collections:
    """What `Distill` does with sources that contain other sources, and with Kindle imports."""

    @property
    def library(self) -> Library:
        """The library: `Distill` provides it."""
        raise NotImplementedError

    if TYPE_CHECKING:

        def submit(self, source: str, *, lang: str | None = None, model: str | None = None) -> Job:
            """Queue one source as a job: `Distill` provides it."""

    def expand(
        self, source: str, *, limit: int | None = None, since: str | None = None
    ) -> Collection | None:
        """The sources a playlist, channel, feed or OPML file contains; None for one document."""
        from distill.sources import expand

        return expand(source, limit=limit, since=since)

    def submit_collection(
        self,
        source: str,
        *,
        limit: int | None = None,
        since: str | None = None,
        lang: str | None = None,
        model: str | None = None,
        follow_id: str | None = None,
        skip: set[str] | None = None,
        queue: int | None = None,
    ) -> Batch | None:
        """Queue one job per entry of a collection (stored ones skipped) as a batch; None when
        `source` is one document. With `queue`, only the newest `queue` entries get jobs; the rest
        are recorded as older (a follow's starting point)."""
        if model is not None:
            from distill.checks import choose_model

            choose_model(model)
        found = self.expand(source, limit=limit, since=since)
        if found is None:
            return None
        items: list[dict[str, Any]] = []
        for entry in found.entries:
            if skip and entry.source in skip:
                continue
            item: dict[str, Any] = {
                "source": entry.source,
                "entry_id": entry.id,
                "title": entry.title,
            }
            if entry.id and self.library.has_video(entry.id):
                item["skipped"] = True
            elif queue is not None and len(items) >= queue:
                pass  # older than the follow: recorded, never queued
            else:
                item["job_id"] = self.submit(entry.source, lang=lang, model=model).id
            items.append(item)
        batch_id = self.library.create_batch(
            found.source, found.title, found.kind, items, follow_id=follow_id
        )
        return self.library.get_batch(batch_id)

    def follow(
        self,
        source: str,
        *,
        limit: int = 5,
        lang: str | None = None,
        model: str | None = None,
    ) -> tuple[Follow, Batch]:
        """Follow a channel, playlist or feed: its newest `limit` entries now, new ones later."""
        if model is not None:
            from distill.checks import choose_model

            choose_model(model)
        found = self.expand(source, limit=1)
        if found is None:
            raise InputError(
                f"{source!r} is one document, not a channel, playlist or feed, so there is "
                "nothing to follow; summarize it instead."
            )
        params = {
            "limit": limit,
            **({"lang": lang} if lang else {}),
            **({"model": model} if model else {}),
        }
        followed = self.library.add_follow(source.strip(), found.title, found.kind, params)
        batch = self.check_follow(followed)
        return followed, batch

    def check_follow(self, followed: Follow) -> Batch:
        """Queue the entries of one follow that no earlier check has seen (stored ones skipped)."""
        params = followed.params or {}
        seen = self.library.follow_sources(followed.id)
        first = int(params.get("limit") or 5)
        try:
            batch = self.submit_collection(
                followed.source,
                limit=max(first, FOLLOW_WINDOW),
                lang=params.get("lang"),
                model=params.get("model"),
                follow_id=followed.id,
                skip=seen,
                queue=None if seen else first,
            )
        except DistillError as exc:
            self.library.mark_follow_checked(followed.id, str(exc))
            raise
        self.library.mark_follow_checked(followed.id, None)
        assert batch is not None
        return batch

    def check_follows(self) -> list[Batch]:
        """Check every follow for new entries and queue them (the periodic task of every worker);
        a follow that fails is recorded with its reason and the others still run."""
        batches: list[Batch] = []
        for followed in self.library.list_follows():
            try:
                batches.append(self.check_follow(followed))
            except DistillError:
                continue
        return batches

    def unfollow(self, follow: str) -> None:
        """Stop following a source (by its id or source string)."""
        self.library.remove_follow(follow.strip())

    def import_kindle(self, data: bytes, name: str) -> list[tuple[str, str, int]]:
        """Store the books of a Kindle clippings file: (id, title, highlights and notes) each.

        The whole file is read and checked before anything is stored.
        """
        from distill.library import ClippingRow
        from distill.sources.kindle import book_transcript, read_clippings

        books = read_clippings(data, name)
        done: list[tuple[str, str, int]] = []
        for book in books:
            transcript = book_transcript(book)
            rows = [
                ClippingRow(
                    type=c.type,
                    text=c.text,
                    note=c.note,
                    page=c.page,
                    location=c.location,
                    added=c.added,
                )
                for c in book.clippings
            ]
            video_id = self.library.save_transcript(transcript)
            self.library.save_clippings(video_id, rows)
            done.append((video_id, book.title, len([r for r in rows if r.type != "bookmark"])))
        return done
