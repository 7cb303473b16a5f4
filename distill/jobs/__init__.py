"""Durable jobs stored in the library: `process` does the work, `Worker` runs queued jobs."""

from distill.jobs.runner import JobProgress, process, retry_job, run_job
from distill.jobs.worker import Worker

__all__ = ["JobProgress", "Worker", "process", "retry_job", "run_job"]
