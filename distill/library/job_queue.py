"""Durable jobs stored in the library: queue, claim atomically, report progress, requeue."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from distill.errors import LibraryError, NotFoundError
from distill.files import sha256_text
from distill.library.database import Database, aware, utcnow
from distill.library.ids import ids_with_prefix, pick_one
from distill.library.models import ACTIVE_JOB_STATUSES, JOB_STATUSES, Job
from distill.library.query import clean_text
from distill.library.schema import jobs

JOB_FIELDS = frozenset({"status", "stage", "progress", "message", "error", "video_id"})


class JobQueue(Database):
    """The jobs table: used by the web worker to run long work and show its progress."""

    def create_job(
        self,
        source: str,
        *,
        params: dict[str, Any] | None = None,
        same_as: str | None = None,
        priority: int = 0,
    ) -> Job:
        """Queue a job; the same work already queued or running is returned instead.

        The same work is the same source and params, or the same `same_as` text when given (an
        upload's content hash: each copy has its own path). Higher `priority` runs first.
        """
        return self.create_job_row(source, params=params, same_as=same_as, priority=priority)[0]

    def create_job_row(
        self,
        source: str,
        *,
        params: dict[str, Any] | None = None,
        same_as: str | None = None,
        priority: int = 0,
    ) -> tuple[Job, bool]:
        """(the job, whether it is new): the same work already queued or running is that job."""
        params = dict(params or {})
        try:
            params_json = json.dumps(params, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise LibraryError(
                f"job parameters must be plain JSON values ({exc}); pass strings and numbers."
            ) from None
        basis = json.dumps([source, params_json]) if same_as is None else same_as
        key = sha256_text(basis)
        for _attempt in range(3):
            try:
                with self._write() as conn:
                    row = self._active_job(conn, key)
                    if row is not None:
                        return _job(row), False
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
                            priority=int(priority),
                            created_at=now,
                            updated_at=now,
                        )
                        .returning(*jobs.c)
                    ).one()
                    return _job(row), True
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

    def resolve_job_id(self, ref: str) -> str:
        """The full id of the job `ref` names: its id, or a prefix of only its id."""
        with self._read() as conn:
            if conn.execute(sa.select(jobs.c.id).where(jobs.c.id == ref)).first():
                return ref
            found = pick_one(ref, ids_with_prefix(conn, jobs.c.id, ref), "job")
        if found is None:
            raise _job_not_found(ref)
        return found

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

    def requeue_failed_job(self, job_id: str) -> Job:
        """Queue a failed job again; if the same work is already queued or running, that job."""
        return self.requeue_failed_job_row(job_id)[0]

    def requeue_failed_job_row(self, job_id: str) -> tuple[Job, bool]:
        """(the job, whether it was queued again now) for a retry of a failed job."""
        with self._write() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
            if row is None:
                raise _job_not_found(job_id)
            if row.status != "failed":
                return _job(row), False
            active = self._active_job(conn, row.dedupe_key)
            if active is not None:
                return _job(active), False
            row = conn.execute(
                sa.update(jobs)
                .where(jobs.c.id == job_id)
                .values(
                    status="queued",
                    stage=None,
                    progress=0.0,
                    error=None,
                    message=None,
                    updated_at=utcnow(),
                )
                .returning(*jobs.c)
            ).one()
            return _job(row), True

    def claim_next_job(self) -> Job | None:
        """Atomically move the most urgent queued job (oldest first) to running; None if none waits."""
        oldest = (
            sa.select(jobs.c.seq)
            .where(jobs.c.status == "queued")
            .order_by(jobs.c.priority.desc(), jobs.c.seq)
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

    def finished_jobs(self, since: datetime, *, limit: int = 500) -> list[Job]:
        """Jobs that finished (done or failed) after `since`, oldest first."""
        stmt = (
            sa.select(jobs)
            .where(jobs.c.status.in_(("done", "failed")), jobs.c.updated_at > since)
            .order_by(jobs.c.updated_at)
            .limit(limit)
        )
        with self._read() as conn:
            return [_job(r) for r in conn.execute(stmt)]

    def list_jobs(self, *, status: str | None = None, limit: int = 50) -> list[Job]:
        """Jobs, newest first (only those with the given status, if any)."""
        stmt = sa.select(jobs).order_by(jobs.c.seq.desc()).limit(max(limit, 0))
        if status is not None:
            stmt = stmt.where(jobs.c.status == status)
        with self._read() as conn:
            return [_job(r) for r in conn.execute(stmt)]


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
        priority=row.priority,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
    )


def _job_not_found(job_id: str) -> NotFoundError:
    return NotFoundError(
        f"no job with id {job_id!r}; check the id (finished jobs may have been removed)."
    )
