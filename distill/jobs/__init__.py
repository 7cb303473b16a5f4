"""Durable jobs stored in the library: `process` does the work, `Worker` runs queued jobs.

On SQLite the `Worker` thread inside `distill serve` runs them; on PostgreSQL, Procrastinate
workers (`distill worker`) run each stage as a task (`distill.jobs.queue`).
"""

from distill.jobs.dispatch import PERSON_PRIORITY, EmbeddedJobs, JobRunner, runner_for
from distill.jobs.runner import JobProgress, process, run_job, run_stage
from distill.jobs.worker import Worker

__all__ = [
    "EmbeddedJobs",
    "JobProgress",
    "JobRunner",
    "PERSON_PRIORITY",
    "Worker",
    "process",
    "run_job",
    "run_stage",
    "runner_for",
]
