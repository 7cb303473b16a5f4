"""Durable jobs stored in the library: `process` does the work, `Worker` runs queued jobs."""

from distill.jobs.runner import JobProgress, process, run_job
from distill.jobs.worker import Worker

__all__ = ["JobProgress", "Worker", "process", "run_job"]
