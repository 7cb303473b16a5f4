"""Jobs on PostgreSQL: each stage of a job is a Procrastinate task, run by `distill worker`s.

The library's jobs table stays the source of truth for what a person sees (status, stage,
progress, error); Procrastinate is the engine underneath: LISTEN/NOTIFY wake-ups, priorities,
one stage of a job at a time (a lock per job), retries with backoff for transient errors,
and stalled-job detection through worker heartbeats. A stage task reads the job row to decide
what to run, so a repeated or retried task never redoes finished work.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from distill.errors import LibraryError
from distill.jobs.interface import JobRunner
from distill.jobs.runner import failure_reason, is_transient, record_failure, run_stage

if TYPE_CHECKING:
    from procrastinate import App, JobContext

    from distill.jobs.interface import JobService
    from distill.library import Job

log = logging.getLogger("distill.worker")

QUEUE = "distill"
STAGE_TASK = "distill.stage"
FOLLOW_TASK = "distill.check_follows"
FOLLOW_CRON = "*/15 * * * *"  # every quarter hour
MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 2  # then 8, 32, 128: a network blip, a rate limit, a restarting server
SWEEP_GRACE_SECONDS = 10  # a job row younger than this may still be getting its task
_SCHEMA_LOCK = 4242424202


def conninfo(url: str) -> str:
    """A libpq connection string for a SQLAlchemy PostgreSQL URL."""
    parsed = sa.engine.make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def job_lock(job_id: str) -> str:
    """The Procrastinate lock of a job's stage tasks: one stage of a job runs at a time."""
    return f"distill-job:{job_id}"


def task_priority(job: Job, stage: str) -> int:
    """A stage task's priority: the job's first, and within it, jobs already started first.

    Without the second part a worker would fetch every queued job before summarizing any.
    """
    return job.priority * 10 + (1 if stage == "summarize" else 0)


def retry_delay(attempts: int) -> int:
    """Seconds to wait before attempt `attempts + 1` of a stage that failed transiently."""
    return RETRY_BASE_SECONDS * 4**attempts


class RetryLater(Exception):
    """A stage failed transiently: Procrastinate runs it again after `seconds`."""

    def __init__(self, seconds: int, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class StageFailed(Exception):
    """A stage failed for good; the job row holds the reason."""


# --- the schema -----------------------------------------------------------------------------

_applied: set[str] = set()
_applied_lock = threading.Lock()


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def ensure_schema(url: str) -> None:
    """Create or upgrade Procrastinate's tables, once per database and process, under a lock.

    A new database gets Procrastinate's schema; one made by an older Procrastinate gets the
    migration files between the version recorded and the one installed.
    """
    import procrastinate
    import psycopg
    from procrastinate.schema import SchemaManager

    info = conninfo(url)
    with _applied_lock:
        if info in _applied:
            return
        installed = procrastinate.__version__
        try:
            with psycopg.connect(info, autocommit=True) as conn:
                conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
                conn.execute("CREATE TABLE IF NOT EXISTS distill_queue_schema (version text)")
                recorded = conn.execute("SELECT version FROM distill_queue_schema").fetchone()
                exists = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
                if exists is None or exists[0] is None:
                    with conn.transaction():
                        conn.execute(SchemaManager.get_schema())  # type: ignore[arg-type]
                        _record(conn, installed)
                elif recorded is None or _version(recorded[0]) < _version(installed):
                    since = _version(recorded[0]) if recorded else (0,)
                    folder = Path(SchemaManager.get_migrations_path())
                    steps = sorted(
                        (p for p in folder.glob("*.sql") if since < _version(p.name)),
                        key=lambda p: p.name,
                    )
                    with conn.transaction():
                        for step in steps:
                            if _version(step.name) <= _version(installed):
                                conn.execute(step.read_text(encoding="utf-8"))  # type: ignore[call-overload]
                        _record(conn, installed)
                conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))
        except psycopg.Error as exc:
            raise LibraryError(
                f"cannot set up the job queue in the database: {exc}; check "
                "DISTILL_DATABASE_URL and that the user may create tables."
            ) from None
        _applied.add(info)


def _record(conn: Any, version: str) -> None:
    conn.execute("DELETE FROM distill_queue_schema")
    conn.execute("INSERT INTO distill_queue_schema (version) VALUES (%s)", (version,))


# --- the tasks ------------------------------------------------------------------------------


@dataclass
class WorkerContext:
    """What a worker process's tasks use: its service and the runner that defers next stages."""

    service: JobService | None = None
    jobs: ProcrastinateJobs | None = None
    finished: list[Any] = field(default_factory=list)


def build_app(connector: Any, context: WorkerContext | None = None) -> App:
    """A Procrastinate app with distill's tasks; `context` is set in worker processes."""
    from procrastinate import App, BaseRetryStrategy, RetryDecision

    app = App(connector=connector)
    ctx = context or WorkerContext()

    class StageRetry(BaseRetryStrategy):
        """Retry only what the stage itself asked to retry, after the delay it chose."""

        def get_retry_decision(self, *, exception: BaseException, job: Any) -> Any:
            if isinstance(exception, RetryLater):
                return RetryDecision(retry_in={"seconds": exception.seconds})
            return None

    @app.task(name=STAGE_TASK, queue=QUEUE, pass_context=True, retry=StageRetry())
    def stage(job_context: JobContext, job_id: str, stage: str = "") -> None:
        """Run the stage job `job_id` stands at (`stage` is what the deferrer expected)."""
        service, runner = ctx.service, ctx.jobs
        if service is None or runner is None:
            raise RuntimeError("distill's stage task runs only in a distill worker")
        try:
            job, following = run_stage(service, job_id)
        except Exception as exc:
            attempts = job_context.job.attempts
            retry_in = None
            if is_transient(exc) and attempts + 1 < MAX_ATTEMPTS:
                retry_in = retry_delay(attempts)
            record_failure(service.library, job_id, exc, retry_in=retry_in)
            if retry_in is not None:
                log.warning("job %s: retrying in %d s: %s", job_id, retry_in, exc)
                raise RetryLater(retry_in, failure_reason(exc)) from exc
            log.warning("job %s failed: %s", job_id, failure_reason(exc))
            raise StageFailed(failure_reason(exc)) from exc
        if job is not None and following is not None:
            runner.defer(job, following)
        elif job is not None:
            for hook in ctx.finished:
                hook(job)

    @app.periodic(cron=FOLLOW_CRON)
    @app.task(name=FOLLOW_TASK, queue=QUEUE, queueing_lock=FOLLOW_TASK)
    def check_follows(timestamp: int) -> None:
        """Check the channels and feeds the library follows, when the service can."""
        service = ctx.service
        check = getattr(service, "check_follows", None)
        if callable(check):
            check()

    return app


class ProcrastinateJobs(JobRunner):
    """Queues each job's stages as Procrastinate tasks (a synchronous connection pool)."""

    name = "procrastinate"

    def __init__(self, url: str) -> None:
        self.url = url
        self._app: App | None = None
        self._lock = threading.Lock()

    def app(self) -> App:
        """The deferring app, opened on first use (after the schema is in place)."""
        with self._lock:
            if self._app is None:
                from procrastinate import SyncPsycopgConnector

                ensure_schema(self.url)
                connector = SyncPsycopgConnector(
                    conninfo=conninfo(self.url), min_size=1, max_size=4
                )
                app = build_app(connector)
                app.open()
                self._app = app
            return self._app

    def enqueue(self, job: Job) -> None:
        self.defer(job, "summarize" if job.video_id else "fetch")

    def defer(self, job: Job, stage: str) -> None:
        """Queue the task that runs a job's next stage, at the job's priority."""
        self.app().configure_task(
            STAGE_TASK, lock=job_lock(job.id), priority=task_priority(job, stage), queue=QUEUE
        ).defer(job_id=job.id, stage=stage)

    def close(self) -> None:
        with self._lock:
            if self._app is not None:
                self._app.close()
                self._app = None


def orphaned_jobs(service: JobService, grace: float = SWEEP_GRACE_SECONDS) -> list[Job]:
    """Queued or running jobs with no task waiting or running for them (a crash between the two)."""
    from distill.library.database import utcnow
    from distill.library.store import Library

    library: Library = service.library
    before = utcnow().timestamp() - grace
    sql = sa.text(
        """SELECT j.id FROM jobs j
           WHERE j.status IN ('queued', 'running')
             AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs p
                             WHERE p.lock = 'distill-job:' || j.id
                               AND p.status IN ('todo', 'doing'))
           ORDER BY j.seq"""
    )
    with library.engine.connect() as conn:
        ids = list(conn.execute(sql).scalars())
    jobs = [library.get_job(i) for i in ids]
    return [j for j in jobs if j.updated_at.timestamp() < before]
