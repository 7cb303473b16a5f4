"""Run durable jobs through the service, their progress and outcome written to the job row."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import sqlalchemy as sa

from distill.domain import ProgressFn
from distill.errors import DistillError, LibraryError, NetworkError, NotFoundError
from distill.library.models import ACTIVE_JOB_STATUSES
from distill.timefmt import clock

if TYPE_CHECKING:
    from distill.jobs.interface import JobService
    from distill.library import Job, Library

log = logging.getLogger(__name__)

STAGES = ("download", "extract", "transcribe", "summarize", "done")  # every stage a job can report


class JobProgress:
    """A ProgressFn that writes the stage and its fraction to the job row, at most a few times a
    second (a big step is written at once); transcription also says how much audio is done."""

    def __init__(self, library: Library, job_id: str, min_interval: float = 0.25) -> None:
        self.library = library
        self.job_id = job_id
        self.min_interval = min_interval
        self._stage: str | None = None
        self._last = 0.0
        self._fraction = 0.0

    def __call__(self, stage: str, done: float, total: float | None) -> None:
        now = time.monotonic()
        fraction = 0.0
        if total:
            fraction = max(0.0, min(1.0, done / total))
        new_stage = stage != self._stage
        big_step = fraction - self._fraction >= 0.1
        if (
            not new_stage
            and not big_step
            and fraction < 1.0
            and now - self._last < self.min_interval
        ):
            return
        self._stage, self._last, self._fraction = stage, now, fraction
        message = None
        if stage == "transcribe" and total:
            message = f"{clock(min(done, total))} of {clock(total)} of audio"
        self.library.update_job(self.job_id, stage=stage, progress=fraction, message=message)


def is_transient(exc: BaseException) -> bool:
    """Whether trying the same work again later may succeed (network, rate limit, busy database).

    An error caused by a transient one is transient too: a model that kept being rate limited
    through its own retries may well answer in a few minutes.
    """
    from distill.llm.base import TransientLLMError

    seen: BaseException | None = exc
    for _ in range(8):  # the cause chain, bounded
        if seen is None:
            return False
        if isinstance(seen, NetworkError | TransientLLMError | ConnectionError | TimeoutError):
            return True
        if isinstance(seen, sa.exc.OperationalError | sa.exc.InterfaceError):
            return True
        # The library's sentence for a failed write ends in "try again"; a missing row does not.
        if isinstance(seen, LibraryError) and not isinstance(seen, NotFoundError):
            return True
        seen = seen.__cause__
    return False


def failure_reason(exc: BaseException) -> str:
    """The sentence a failed job shows: our own error's, or a plain one for a bug."""
    if isinstance(exc, DistillError):
        return str(exc)
    return f"Processing failed unexpectedly ({type(exc).__name__}: {exc}); retry, or report a bug."


def process(service: JobService, job: Job, progress: ProgressFn | None = None) -> str:
    """Do a job's work through the service, reporting progress on the job; the stored video's id."""
    report = progress or JobProgress(service.library, job.id)
    report(service.stages(job.source)[0], 0.0, None)
    return service.run_job(job, report)


def run_job(service: JobService, job: Job) -> None:
    """Process a claimed job and record how it ended: done with its video, or failed with a clear error."""
    library = service.library
    try:
        video_id = process(service, job)
    except Exception as exc:  # a bug, not bad input, still keeps the worker alive
        if not isinstance(exc, DistillError):
            log.exception("job %s crashed", job.id)
        library.update_job(job.id, status="failed", error=failure_reason(exc), message=None)
        return
    library.update_job(
        job.id, status="done", stage="done", progress=1.0, video_id=video_id, error=None
    )


def run_stage(service: JobService, job_id: str) -> tuple[Job | None, str | None]:
    """Run the stage a job stands at; (the job, its next stage), or (None, None) if it is over.

    The job row decides the stage, not the caller: a stage run again after a crash, or a
    second ticket for the same job, starts from what is stored and never repeats finished work.
    Errors propagate; the caller decides between retrying and failing (`record_failure`).
    """
    library = service.library
    job = library.get_job(job_id)
    if job.status not in ACTIVE_JOB_STATUSES:
        return None, None
    stage = service.job_stage(job)
    library.update_job(job.id, status="running", message=None)
    report = JobProgress(library, job.id)
    if stage == "fetch":
        report("download", 0.0, None)
    following = service.run_job_stage(job, stage, report)
    job = library.get_job(job.id)
    if following is None:
        library.update_job(job.id, status="done", stage="done", progress=1.0, error=None)
    return job, following


def record_failure(
    library: Library, job_id: str, exc: BaseException, *, retry_in: int | None
) -> None:
    """Write a failed stage to the job row: waiting to retry (transient) or failed with its reason."""
    reason = failure_reason(exc)
    if retry_in is not None:
        library.update_job(
            job_id, status="queued", message=f"Retrying in {retry_in} s after: {reason}"
        )
        return
    if not isinstance(exc, DistillError):
        log.error("job %s crashed: %s", job_id, reason)
    library.update_job(job_id, status="failed", error=reason, message=None)
