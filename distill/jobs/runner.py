"""Run one durable job: resolve the source, store the transcript, summarize, store the summary."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from distill.domain import ProgressFn
from distill.errors import DistillError

if TYPE_CHECKING:
    from distill.library import Job, Library

log = logging.getLogger(__name__)

STAGES = ("download", "transcribe", "summarize", "done")


class JobProgress:
    """A ProgressFn that writes the stage and its fraction to the job row, at most a few times a second."""

    def __init__(self, library: Library, job_id: str, min_interval: float = 0.25) -> None:
        self.library = library
        self.job_id = job_id
        self.min_interval = min_interval
        self._stage: str | None = None
        self._last = 0.0

    def __call__(self, stage: str, done: float, total: float | None) -> None:
        now = time.monotonic()
        fraction = 0.0
        if total:
            fraction = max(0.0, min(1.0, done / total))
        new_stage = stage != self._stage
        if not new_stage and fraction < 1.0 and now - self._last < self.min_interval:
            return
        self._stage = stage
        self._last = now
        self.library.update_job(self.job_id, stage=stage, progress=fraction)


def _summarize_model(params: dict[str, Any]) -> str:
    from distill.settings import get_settings

    return str(params.get("model") or get_settings().model or "builtin")


def process(library: Library, job: Job, progress: ProgressFn | None = None) -> str:
    """Resolve the job's source into a transcript and a summary stored in the library; returns the video id."""
    from distill.sources import resolve
    from distill.summarize import summarize

    report = progress or JobProgress(library, job.id)
    params = job.params or {}
    lang = params.get("lang") or None
    report("download", 0.0, None)
    transcript = resolve(job.source, lang=lang, progress=report)
    video_id = library.save_transcript(transcript)
    library.update_job(job.id, video_id=video_id)
    report("summarize", 0.0, 1.0)
    summary = summarize(transcript, model=_summarize_model(params), language=lang, progress=report)
    library.save_summary(video_id, summary)
    report("summarize", 1.0, 1.0)
    return video_id


def run_job(library: Library, job: Job) -> None:
    """Process a claimed job and record how it ended: done with its video, or failed with a clear error."""
    try:
        video_id = process(library, job)
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


def retry_job(library: Library, job_id: str) -> Job:
    """Put a failed job back in the queue (or give the job already doing the same work)."""
    return library.requeue_failed_job(job_id)
