"""Run one durable job through the service, its progress written to the job row."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from distill.domain import ProgressFn
from distill.errors import DistillError
from distill.timefmt import clock

if TYPE_CHECKING:
    from distill.library import Job, Library
    from distill.service import Distill

log = logging.getLogger(__name__)

STAGES = ("download", "transcribe", "summarize", "done")  # every stage a job can report


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


def process(service: Distill, job: Job, progress: ProgressFn | None = None) -> str:
    """Do a job's work through the service, reporting progress on the job; the stored video's id."""
    report = progress or JobProgress(service.library, job.id)
    report(service.stages(job.source)[0], 0.0, None)
    return service.run_job(job, report)


def run_job(service: Distill, job: Job) -> None:
    """Process a claimed job and record how it ended: done with its video, or failed with a clear error."""
    library = service.library
    try:
        video_id = process(service, job)
    except DistillError as exc:
        library.update_job(job.id, status="failed", error=str(exc), message=None)
        return
    except Exception as exc:  # a bug, not bad input: keep the worker alive, say what happened
        log.exception("job %s crashed", job.id)
        library.update_job(
            job.id,
            status="failed",
            error=f"Processing failed unexpectedly ({type(exc).__name__}: {exc}); retry, or report a bug.",
        )
        return
    library.update_job(
        job.id, status="done", stage="done", progress=1.0, video_id=video_id, error=None
    )
