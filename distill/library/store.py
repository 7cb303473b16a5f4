"""The Library: videos, transcripts, summaries and search, on top of the database and job queue."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from distill.domain import Segment, Summary, Transcript, VideoMeta
from distill.errors import LibraryError, NotFoundError
from distill.files import sha256_text
from distill.library.collections import Collections
from distill.library.database import HEAD_REVISION, MIGRATIONS_DIR, reason, utcnow
from distill.library.exports import ExportStore
from distill.library.highlights import HighlightStore, video_highlights
from distill.library.ids import ids_with_prefix, pick_one
from distill.library.job_queue import JobQueue
from distill.library.models import (
    Card,
    ChannelInfo,
    SegmentRow,
    VideoView,
)
from distill.library.query import clean_text
from distill.library.schema import (
    channels,
    clippings,
    segments,
    summaries,
    summary_items,
    transcripts,
    videos,
)
from distill.library.search_store import SearchStore
from distill.library.vectors import PassageStore

__all__ = ["HEAD_REVISION", "MIGRATIONS_DIR", "Library"]


def channel_key(meta: VideoMeta) -> str | None:
    """The channel id of a video: its own, else a slug of the channel name, else None."""
    if meta.channel_id:
        return meta.channel_id
    if meta.channel and meta.channel.strip():
        slug = re.sub(r"[^\w]+", "-", meta.channel.strip().lower()).strip("-")
        return slug or sha256_text(meta.channel)[:12]
    return None


def summary_lines(summary: Summary) -> list[tuple[float | None, str]]:
    """The searchable lines of a summary, each with the moment it refers to."""
    lines: list[tuple[float | None, str]] = [(None, summary.tldr)]
    lines += [(i.start, i.text) for i in summary.insights]
    lines += [(q.start, f"{q.question} {q.answer}") for q in summary.qa]
    lines += [(t.start, t.text) for t in summary.takeaways]
    lines += [(c.start, c.title) for c in summary.chapters]
    return [(start, clean_text(text)) for start, text in lines if text and text.strip()]


class Library(JobQueue, HighlightStore, PassageStore, SearchStore, Collections, ExportStore):
    """Everything distill has stored: one object per database URL."""

    # --- videos and transcripts -----------------------------------------------------------

    def save_transcript(self, transcript: Transcript) -> str:
        """Store a video and its transcript in one transaction (replacing an older copy); its id."""
        meta = transcript.meta
        if not meta.id:
            raise LibraryError("cannot save a video without an id; this is a bug in its source.")
        now = utcnow()
        chan_id = channel_key(meta)
        stored_meta = meta.model_copy(update={"channel_id": chan_id})
        language = transcript.language or ""
        rows = [
            {
                "idx": i,
                "start": s.start,
                "end": s.end,
                "text": clean_text(s.text),
                "speaker": s.speaker,
                "page": s.page,
                "paragraph": s.paragraph,
            }
            for i, s in enumerate(transcript.segments)
        ]
        try:
            with self._write() as conn:
                old_channel = conn.execute(
                    sa.select(videos.c.channel_id).where(videos.c.id == meta.id)
                ).scalar()
                if chan_id is not None:
                    ins = self._backend.insert(channels).values(
                        id=chan_id, name=meta.channel or chan_id, created_at=now, updated_at=now
                    )
                    conn.execute(
                        ins.on_conflict_do_update(
                            index_elements=[channels.c.id],
                            set_={"name": ins.excluded.name, "updated_at": now},
                        )
                    )
                values = {
                    "kind": meta.kind,
                    "channel_id": chan_id,
                    "title": clean_text(meta.title),
                    "url": meta.url,
                    "duration": meta.duration,
                    "language": meta.language,
                    "upload_date": meta.upload_date,
                    "meta": stored_meta.model_dump_json(),
                    "updated_at": now,
                }
                ins = self._backend.insert(videos).values(id=meta.id, created_at=now, **values)
                conn.execute(ins.on_conflict_do_update(index_elements=[videos.c.id], set_=values))
                transcript_id = conn.execute(
                    sa.select(transcripts.c.id).where(
                        transcripts.c.video_id == meta.id, transcripts.c.language == language
                    )
                ).scalar()
                counts = {
                    "origin": transcript.origin,
                    "segment_count": len(rows),
                    "word_count": transcript.word_count,
                    "updated_at": now,
                }
                if transcript_id is None:
                    transcript_id = conn.execute(
                        sa.insert(transcripts)
                        .values(video_id=meta.id, language=language, created_at=now, **counts)
                        .returning(transcripts.c.id)
                    ).scalar_one()
                else:
                    conn.execute(
                        sa.delete(segments).where(segments.c.transcript_id == transcript_id)
                    )
                    conn.execute(
                        sa.update(transcripts)
                        .where(transcripts.c.id == transcript_id)
                        .values(**counts)
                    )
                if rows:
                    for row in rows:
                        row["transcript_id"] = transcript_id
                    conn.execute(sa.insert(segments), rows)
                if old_channel is not None and old_channel != chan_id:
                    self._drop_channel_if_empty(conn, old_channel)
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not save video {meta.id!r}: {reason(exc)}; "
                "the library was left unchanged, try again."
            ) from None
        return meta.id

    def has_video(self, video_id: str) -> bool:
        """Whether a video with this id is stored."""
        with self._read() as conn:
            found = conn.execute(sa.select(videos.c.id).where(videos.c.id == video_id)).first()
        return found is not None

    def resolve_video_id(self, ref: str) -> str:
        """The full id of the stored video `ref` names: its id, or a prefix of only its id."""
        with self._read() as conn:
            if conn.execute(sa.select(videos.c.id).where(videos.c.id == ref)).first():
                return ref
            found = pick_one(ref, ids_with_prefix(conn, videos.c.id, ref), "video")
        if found is None:
            raise _video_not_found(ref)
        return found

    def get_video(self, video_id: str) -> VideoMeta:
        """What is stored about one video; NotFoundError if it is not in the library."""
        with self._read() as conn:
            meta = conn.execute(sa.select(videos.c.meta).where(videos.c.id == video_id)).scalar()
        if meta is None:
            raise _video_not_found(video_id)
        return VideoMeta.model_validate_json(meta)

    def get_transcript(self, video_id: str, language: str | None = None) -> Transcript:
        """A stored transcript: the given language, else the video's own (or first) one."""
        with self._read() as conn:
            meta_json = conn.execute(
                sa.select(videos.c.meta).where(videos.c.id == video_id)
            ).scalar()
            if meta_json is None:
                raise _video_not_found(video_id)
            meta = VideoMeta.model_validate_json(meta_json)
            rows = conn.execute(
                sa.select(transcripts.c.id, transcripts.c.language, transcripts.c.origin)
                .where(transcripts.c.video_id == video_id)
                .order_by(transcripts.c.id)
            ).all()
            chosen = _pick_transcript(rows, language, meta.language)
            if chosen is None:
                have = ", ".join(r.language or "unknown" for r in rows) or "none"
                raise NotFoundError(
                    f"video {video_id!r} has no transcript in {language or 'any language'!r} "
                    f"(stored: {have}); add it again with that language."
                )
            segs = conn.execute(
                sa.select(
                    segments.c.start,
                    segments.c.end,
                    segments.c.text,
                    segments.c.speaker,
                    segments.c.page,
                    segments.c.paragraph,
                )
                .where(segments.c.transcript_id == chosen.id)
                .order_by(segments.c.idx)
            ).all()
        return Transcript(
            meta=meta,
            language=chosen.language or None,
            origin=chosen.origin,
            segments=[
                Segment(
                    start=s.start,
                    end=s.end,
                    text=s.text,
                    speaker=s.speaker,
                    page=s.page,
                    paragraph=s.paragraph,
                )
                for s in segs
            ],
        )

    def transcript_languages(self, video_id: str) -> list[str]:
        """The languages of the transcripts stored for a video ("" when unknown)."""
        with self._read() as conn:
            return list(
                conn.execute(
                    sa.select(transcripts.c.language)
                    .where(transcripts.c.video_id == video_id)
                    .order_by(transcripts.c.language)
                ).scalars()
            )

    def list_videos(
        self, *, channel_id: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[VideoMeta]:
        """Stored videos, most recently added first."""
        stmt = sa.select(videos.c.meta).order_by(videos.c.created_at.desc(), videos.c.id)
        if channel_id is not None:
            stmt = stmt.where(videos.c.channel_id == channel_id)
        stmt = stmt.limit(max(limit, 0)).offset(max(offset, 0))
        with self._read() as conn:
            return [VideoMeta.model_validate_json(m) for m in conn.execute(stmt).scalars()]

    def list_cards(
        self,
        *,
        channel_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
        exclude: str | None = None,
    ) -> list[Card]:
        """What lists of videos show of each, most recently added first (one query, no JSON)."""
        with self._read() as conn:
            return self._cards(conn, channel_id, limit, offset, exclude)

    def _cards(
        self,
        conn: Connection,
        channel_id: str | None,
        limit: int,
        offset: int = 0,
        exclude: str | None = None,
    ) -> list[Card]:
        stmt = _CARDS[(channel_id is not None, exclude is not None)]
        params = {"channel": channel_id, "exclude": exclude, "limit": max(limit, 0)}
        params["offset"] = max(offset, 0)
        return [Card(*row) for row in conn.execute(stmt, params)]

    def video_view(self, video_id: str, *, more: int = 6) -> VideoView:
        """A video's page data on one connection: its record, summaries, transcript, channel's
        cards, highlights.

        The statements are built once (module constants): building a select costs more than
        running it here.
        """
        with self._read() as conn:
            meta_json = conn.execute(_VIEW_META, {"vid": video_id}).scalar()
            if meta_json is None:
                raise _video_not_found(video_id)
            meta = VideoMeta.model_validate_json(meta_json)
            stored = [
                Summary.model_validate_json(d)
                for d in conn.execute(_VIEW_SUMMARIES, {"vid": video_id}).scalars()
            ]
            rows = conn.execute(_VIEW_TRANSCRIPTS, {"vid": video_id}).all()
            chosen = _pick_transcript(rows, None, meta.language)
            segs = []
            if chosen is not None:
                make = SegmentRow._make
                segs = [make(r) for r in conn.execute(_VIEW_SEGMENTS, {"tid": chosen.id})]
            cards = []
            if meta.channel_id and more > 0:
                cards = self._cards(conn, meta.channel_id, more, exclude=video_id)
            marked = video_highlights(conn, video_id)
        return VideoView(
            meta=meta,
            summaries=stored,
            has_transcript=chosen is not None,
            transcript_language=(chosen.language or None) if chosen is not None else None,
            segments=segs,
            transcript_languages=sorted(r.language for r in rows),
            more=cards,
            highlights=marked,
        )

    def count_videos(self, *, channel_id: str | None = None) -> int:
        """How many videos are stored (in one channel, if given)."""
        stmt = sa.select(sa.func.count()).select_from(videos)
        if channel_id is not None:
            stmt = stmt.where(videos.c.channel_id == channel_id)
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def list_channels(self) -> list[ChannelInfo]:
        """Every channel with at least one stored video, by name."""
        stmt = (
            sa.select(channels.c.id, channels.c.name, sa.func.count(videos.c.id).label("n"))
            .join(videos, videos.c.channel_id == channels.c.id)
            .group_by(channels.c.id, channels.c.name)
            .order_by(sa.func.lower(channels.c.name), channels.c.id)
        )
        with self._read() as conn:
            return [ChannelInfo(id=r.id, name=r.name, video_count=r.n) for r in conn.execute(stmt)]

    def resolve_channel_id(self, ref: str) -> str:
        """The full id of the stored channel `ref` names: its id, or a prefix of only its id."""
        with self._read() as conn:
            if conn.execute(sa.select(channels.c.id).where(channels.c.id == ref)).first():
                return ref
            found = pick_one(ref, ids_with_prefix(conn, channels.c.id, ref), "channel")
        if found is None:
            raise _channel_not_found(ref)
        return found

    def get_channel(self, channel_id: str) -> ChannelInfo:
        """One channel and its video count; NotFoundError if unknown."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(channels.c.id, channels.c.name).where(channels.c.id == channel_id)
            ).first()
            if row is None:
                raise _channel_not_found(channel_id)
            count = conn.execute(
                sa.select(sa.func.count())
                .select_from(videos)
                .where(videos.c.channel_id == channel_id)
            ).scalar_one()
        return ChannelInfo(id=row.id, name=row.name, video_count=int(count))

    def delete_video(self, video_id: str) -> None:
        """Remove a video with its transcripts, summaries and search entries."""
        try:
            with self._write() as conn:
                row = conn.execute(
                    sa.select(videos.c.channel_id).where(videos.c.id == video_id)
                ).first()
                if row is None:
                    raise _video_not_found(video_id)
                tids = sa.select(transcripts.c.id).where(transcripts.c.video_id == video_id)
                sids = sa.select(summaries.c.id).where(summaries.c.video_id == video_id)
                conn.execute(sa.delete(segments).where(segments.c.transcript_id.in_(tids)))
                conn.execute(sa.delete(transcripts).where(transcripts.c.video_id == video_id))
                conn.execute(sa.delete(summary_items).where(summary_items.c.summary_id.in_(sids)))
                conn.execute(sa.delete(summaries).where(summaries.c.video_id == video_id))
                conn.execute(sa.delete(clippings).where(clippings.c.video_id == video_id))
                conn.execute(sa.delete(videos).where(videos.c.id == video_id))
                self._bump(conn)  # its passages went with it (ON DELETE CASCADE)
                if row.channel_id is not None:
                    self._drop_channel_if_empty(conn, row.channel_id)
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not delete video {video_id!r}: {reason(exc)}; nothing was removed."
            ) from None

    def _drop_channel_if_empty(self, conn: Connection, channel_id: str) -> None:
        still_used = sa.select(videos.c.id).where(videos.c.channel_id == channel_id).exists()
        conn.execute(sa.delete(channels).where(channels.c.id == channel_id, ~still_used))

    # --- summaries ------------------------------------------------------------------------

    def save_summary(self, video_id: str, summary: Summary) -> None:
        """Store a summary, replacing the one of the same video, language and model."""
        now = utcnow()
        lines = summary_lines(summary)
        try:
            with self._write() as conn:
                exists = conn.execute(sa.select(videos.c.id).where(videos.c.id == video_id)).first()
                if exists is None:
                    raise _video_not_found(video_id)
                ins = self._backend.insert(summaries).values(
                    video_id=video_id,
                    language=summary.language,
                    model=summary.model,
                    data=summary.model_dump_json(),
                    created_at=now,
                    updated_at=now,
                )
                conn.execute(
                    ins.on_conflict_do_update(
                        index_elements=[
                            summaries.c.video_id,
                            summaries.c.language,
                            summaries.c.model,
                        ],
                        set_={"data": ins.excluded.data, "updated_at": now},
                    )
                )
                summary_id = conn.execute(
                    sa.select(summaries.c.id).where(
                        summaries.c.video_id == video_id,
                        summaries.c.language == summary.language,
                        summaries.c.model == summary.model,
                    )
                ).scalar_one()
                conn.execute(
                    sa.delete(summary_items).where(summary_items.c.summary_id == summary_id)
                )
                if lines:
                    conn.execute(
                        sa.insert(summary_items),
                        [{"summary_id": summary_id, "start": s, "text": t} for s, t in lines],
                    )
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not save the summary of {video_id!r}: {reason(exc)}; "
                "the library was left unchanged, try again."
            ) from None

    def get_summary(
        self, video_id: str, *, language: str | None = None, model: str | None = None
    ) -> Summary | None:
        """The most recently saved summary matching the language and model given, if any."""
        stmt = sa.select(summaries.c.data).where(summaries.c.video_id == video_id)
        if language is not None:
            stmt = stmt.where(summaries.c.language == language)
        if model is not None:
            stmt = stmt.where(summaries.c.model == model)
        stmt = stmt.order_by(summaries.c.updated_at.desc(), summaries.c.id.desc()).limit(1)
        with self._read() as conn:
            data = conn.execute(stmt).scalar()
        return None if data is None else Summary.model_validate_json(data)

    def summary_languages(self, video_id: str) -> list[str]:
        """The languages a video has summaries in, sorted."""
        stmt = (
            sa.select(summaries.c.language)
            .where(summaries.c.video_id == video_id)
            .distinct()
            .order_by(summaries.c.language)
        )
        with self._read() as conn:
            return list(conn.execute(stmt).scalars())

    def list_summaries(self, video_id: str) -> list[Summary]:
        """Every summary stored for a video, newest first."""
        stmt = (
            sa.select(summaries.c.data)
            .where(summaries.c.video_id == video_id)
            .order_by(summaries.c.updated_at.desc(), summaries.c.id.desc())
        )
        with self._read() as conn:
            return [Summary.model_validate_json(d) for d in conn.execute(stmt).scalars()]


def _cards_statement(by_channel: bool, excluding: bool) -> Any:
    stmt = (
        sa.select(
            videos.c.id,
            videos.c.kind,
            videos.c.title,
            videos.c.duration,
            videos.c.upload_date,
            channels.c.name,
        )
        .outerjoin(channels, channels.c.id == videos.c.channel_id)
        .order_by(videos.c.created_at.desc(), videos.c.id)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
    )
    if by_channel:
        stmt = stmt.where(videos.c.channel_id == sa.bindparam("channel"))
    if excluding:
        stmt = stmt.where(videos.c.id != sa.bindparam("exclude"))
    return stmt


# The page reads' statements, built once: building a select costs more than running it here.
_CARDS = {(c, e): _cards_statement(c, e) for c in (False, True) for e in (False, True)}
_VIEW_META = sa.select(videos.c.meta).where(videos.c.id == sa.bindparam("vid"))
_VIEW_SUMMARIES = (
    sa.select(summaries.c.data)
    .where(summaries.c.video_id == sa.bindparam("vid"))
    .order_by(summaries.c.updated_at.desc(), summaries.c.id.desc())
)
_VIEW_TRANSCRIPTS = (
    sa.select(transcripts.c.id, transcripts.c.language, transcripts.c.origin)
    .where(transcripts.c.video_id == sa.bindparam("vid"))
    .order_by(transcripts.c.id)
)
_VIEW_SEGMENTS = (
    sa.select(
        segments.c.start,
        segments.c.end,
        segments.c.text,
        segments.c.speaker,
        segments.c.page,
        segments.c.paragraph,
    )
    .where(segments.c.transcript_id == sa.bindparam("tid"))
    .order_by(segments.c.idx)
)


def _pick_transcript(rows: Sequence[Any], language: str | None, video_language: str | None) -> Any:
    """The transcript row for a requested language (exact, then same base language)."""
    if not rows:
        return None
    wanted = language or video_language
    if wanted:
        for row in rows:
            if row.language == wanted:
                return row
        base = wanted.split("-")[0].lower()
        for row in rows:
            if row.language.split("-")[0].lower() == base:
                return row
        if language:
            return None
    return rows[0]


def _channel_not_found(channel_id: str) -> NotFoundError:
    return NotFoundError(
        f"no channel with id {channel_id!r} in the library; "
        "see the stored channels with `distill list`."
    )


def _video_not_found(video_id: str) -> NotFoundError:
    return NotFoundError(
        f"no video with id {video_id!r} in the library; see the stored videos with `distill list`."
    )
