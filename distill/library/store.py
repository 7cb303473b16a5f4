"""The Library: videos, transcripts, summaries and jobs in SQLite or PostgreSQL, with search."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from distill.domain import Segment, Summary, Transcript, VideoMeta
from distill.errors import LibraryError, NotFoundError
from distill.library.backends import backend_for
from distill.library.models import (
    ACTIVE_JOB_STATUSES,
    JOB_STATUSES,
    ChannelInfo,
    Job,
    SearchHit,
)
from distill.library.query import clean_text, parse_query
from distill.library.schema import (
    channels,
    jobs,
    segments,
    summaries,
    summary_items,
    transcripts,
    videos,
)
from distill.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration; a database already at this revision opens without loading Alembic.
HEAD_REVISION = "0001"
JOB_FIELDS = frozenset({"status", "stage", "progress", "message", "error", "video_id"})


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands back naive ones)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def normalize_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs by pointing them at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def channel_key(meta: VideoMeta) -> str | None:
    """The channel id of a video: its own, else a slug of the channel name, else None."""
    if meta.channel_id:
        return meta.channel_id
    if meta.channel and meta.channel.strip():
        slug = re.sub(r"[^\w]+", "-", meta.channel.strip().lower()).strip("-")
        return slug or hashlib.sha256(meta.channel.encode()).hexdigest()[:12]
    return None


def summary_lines(summary: Summary) -> list[tuple[float | None, str]]:
    """The searchable lines of a summary, each with the moment it refers to."""
    lines: list[tuple[float | None, str]] = [(None, summary.tldr)]
    lines += [(i.start, i.text) for i in summary.insights]
    lines += [(q.start, f"{q.question} {q.answer}") for q in summary.qa]
    lines += [(t.start, t.text) for t in summary.takeaways]
    lines += [(c.start, c.title) for c in summary.chapters]
    return [(start, clean_text(text)) for start, text in lines if text and text.strip()]


class Library:
    """Everything distill has stored: one object per database URL."""

    def __init__(self, url: str | None = None) -> None:
        if url is None:
            settings = get_settings()
            settings.home.mkdir(parents=True, exist_ok=True)
            url = settings.db_url
        self.url = normalize_url(url)
        try:
            parsed = sa.engine.make_url(self.url)
        except sa.exc.ArgumentError:
            raise LibraryError(
                f"the database URL {url!r} is not valid; set DISTILL_DATABASE_URL to a URL "
                "like sqlite:////path/distill.db or postgresql+psycopg://user@host/db."
            ) from None
        self._shown_url = parsed.render_as_string(hide_password=True)
        self._backend = backend_for(parsed.get_backend_name())
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine = sa.create_engine(parsed, pool_pre_ping=True)
        except ImportError as exc:
            raise LibraryError(
                f"the database driver for {self._shown_url} is not installed ({exc}); "
                "install it with `pip install 'distill[postgres]'`."
            ) from None
        self._backend.setup(self.engine)
        try:
            self._migrate()
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise LibraryError(
                f"cannot open the library at {self._shown_url}: {_reason(exc)}; "
                "check DISTILL_DATABASE_URL and that the database is reachable."
            ) from None
        except Exception as exc:
            from alembic.util.exc import CommandError

            self.engine.dispose()
            if isinstance(exc, CommandError):
                raise LibraryError(
                    f"the library at {self._shown_url} has a schema this version of distill "
                    f"does not know ({exc}); upgrade distill or point DISTILL_DATABASE_URL "
                    "elsewhere."
                ) from None
            raise

    # --- plumbing -------------------------------------------------------------------------

    def close(self) -> None:
        """Release every database connection."""
        self.engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Library({self._shown_url!r})"

    @property
    def dialect(self) -> str:
        """The database kind: "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    def _migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic `upgrade head`)."""
        if self._revision() == HEAD_REVISION:
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self._write() as conn:
            self._backend.lock_for_migration(conn)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def _revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: committed if the block finishes, rolled back otherwise."""
        with self.engine.connect() as conn:
            conn.execution_options(distill_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read-only connection; database failures become one clear LibraryError."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise LibraryError(
                f"cannot read the library at {self._shown_url}: {_reason(exc)}; try again."
            ) from None

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
                f"could not save video {meta.id!r}: {_reason(exc)}; "
                "the library was left unchanged, try again."
            ) from None
        return meta.id

    def has_video(self, video_id: str) -> bool:
        """Whether a video with this id is stored."""
        with self._read() as conn:
            found = conn.execute(sa.select(videos.c.id).where(videos.c.id == video_id)).first()
        return found is not None

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
                sa.select(segments.c.start, segments.c.end, segments.c.text, segments.c.speaker)
                .where(segments.c.transcript_id == chosen.id)
                .order_by(segments.c.idx)
            ).all()
        return Transcript(
            meta=meta,
            language=chosen.language or None,
            origin=chosen.origin,
            segments=[
                Segment(start=s.start, end=s.end, text=s.text, speaker=s.speaker) for s in segs
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

    def get_channel(self, channel_id: str) -> ChannelInfo:
        """One channel and its video count; NotFoundError if unknown."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(channels.c.id, channels.c.name).where(channels.c.id == channel_id)
            ).first()
            if row is None:
                raise NotFoundError(
                    f"no channel with id {channel_id!r} in the library; "
                    "see the stored channels with `distill list`."
                )
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
                conn.execute(sa.delete(videos).where(videos.c.id == video_id))
                if row.channel_id is not None:
                    self._drop_channel_if_empty(conn, row.channel_id)
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not delete video {video_id!r}: {_reason(exc)}; nothing was removed."
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
                f"could not save the summary of {video_id!r}: {_reason(exc)}; "
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

    # --- search ---------------------------------------------------------------------------

    def search(
        self, query: str, *, limit: int = 20, channel_id: str | None = None
    ) -> list[SearchHit]:
        """Full-text search over titles, summaries and transcript segments; best first.

        Any text is accepted: only its words (and "quoted phrases") are searched, so search
        syntax in the query can never cause an error. No words means no hits.
        """
        parsed = parse_query(query)
        if parsed.empty or limit <= 0:
            return []
        with self._read() as conn:
            return self._backend.search(conn, parsed, limit=limit, channel_id=channel_id)

    # --- jobs -----------------------------------------------------------------------------

    def create_job(self, source: str, *, params: dict[str, Any] | None = None) -> Job:
        """Queue a job; the same source and params already queued or running is returned instead."""
        params = dict(params or {})
        try:
            params_json = json.dumps(params, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise LibraryError(
                f"job parameters must be plain JSON values ({exc}); pass strings and numbers."
            ) from None
        key = hashlib.sha256(json.dumps([source, params_json]).encode()).hexdigest()
        for _attempt in range(3):
            try:
                with self._write() as conn:
                    row = self._active_job(conn, key)
                    if row is not None:
                        return _job(row)
                    now = utcnow()
                    row = conn.execute(
                        sa.insert(jobs)
                        .values(
                            id=uuid.uuid4().hex,
                            source=source,
                            params=params_json,
                            dedupe_key=key,
                            status="queued",
                            progress=0.0,
                            created_at=now,
                            updated_at=now,
                        )
                        .returning(*jobs.c)
                    ).one()
                    return _job(row)
            except sa.exc.IntegrityError:
                continue  # another process queued the same job just now: return that one
        raise LibraryError(f"could not queue a job for {source!r}; try again.")

    def _active_job(self, conn: Connection, key: str) -> Row[Any] | None:
        return conn.execute(
            sa.select(jobs)
            .where(jobs.c.dedupe_key == key, jobs.c.status.in_(ACTIVE_JOB_STATUSES))
            .order_by(jobs.c.seq)
            .limit(1)
        ).first()

    def get_job(self, job_id: str) -> Job:
        """One job; NotFoundError if unknown."""
        with self._read() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
        if row is None:
            raise _job_not_found(job_id)
        return _job(row)

    def update_job(self, job_id: str, **fields: Any) -> None:
        """Change a job's status, stage, progress (0..1), message, error or video_id."""
        unknown = set(fields) - JOB_FIELDS
        if unknown:
            raise TypeError(f"update_job() got unknown fields: {', '.join(sorted(unknown))}")
        if "status" in fields and fields["status"] not in JOB_STATUSES:
            raise ValueError(f"job status must be one of {JOB_STATUSES}, not {fields['status']!r}")
        if "progress" in fields:
            fields["progress"] = min(1.0, max(0.0, float(fields["progress"] or 0.0)))
        for name in ("stage", "message", "error"):
            if fields.get(name) is not None:
                fields[name] = clean_text(str(fields[name]))
        with self._write() as conn:
            result = conn.execute(
                sa.update(jobs).where(jobs.c.id == job_id).values(updated_at=utcnow(), **fields)
            )
            if result.rowcount == 0:
                raise _job_not_found(job_id)

    def claim_next_job(self) -> Job | None:
        """Atomically move the oldest queued job to running and return it; None if none waits."""
        oldest = (
            sa.select(jobs.c.seq)
            .where(jobs.c.status == "queued")
            .order_by(jobs.c.seq)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        stmt = (
            sa.update(jobs)
            .where(jobs.c.seq == oldest, jobs.c.status == "queued")
            .values(status="running", updated_at=utcnow())
            .returning(*jobs.c)
        )
        with self._write() as conn:
            row = conn.execute(stmt).first()
        return None if row is None else _job(row)

    def requeue_interrupted(self) -> int:
        """Put jobs left running by a stopped server back in the queue; how many."""
        with self._write() as conn:
            result = conn.execute(
                sa.update(jobs)
                .where(jobs.c.status == "running")
                .values(status="queued", updated_at=utcnow())
            )
            return int(result.rowcount)

    def list_jobs(self, *, status: str | None = None, limit: int = 50) -> list[Job]:
        """Jobs, newest first (only those with the given status, if any)."""
        stmt = sa.select(jobs).order_by(jobs.c.seq.desc()).limit(max(limit, 0))
        if status is not None:
            stmt = stmt.where(jobs.c.status == status)
        with self._read() as conn:
            return [_job(r) for r in conn.execute(stmt)]


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


def _job(row: Any) -> Job:
    return Job(
        id=row.id,
        source=row.source,
        params=json.loads(row.params),
        status=row.status,
        stage=row.stage,
        progress=row.progress,
        message=row.message,
        error=row.error,
        video_id=row.video_id,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
    )


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    """The database's own one-line reason for a failure, without SQL or parameters."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _video_not_found(video_id: str) -> NotFoundError:
    return NotFoundError(
        f"no video with id {video_id!r} in the library; see the stored videos with `distill list`."
    )


def _job_not_found(job_id: str) -> NotFoundError:
    return NotFoundError(
        f"no job with id {job_id!r}; check the id (finished jobs may have been removed)."
    )
