"""Which runner makes queued jobs run, chosen by the library's database: the embedded worker
thread on SQLite, Procrastinate on PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from distill.jobs.interface import PERSON_PRIORITY, JobRunner, JobService

if TYPE_CHECKING:
    from distill.library import Job

__all__ = ["PERSON_PRIORITY", "EmbeddedJobs", "JobRunner", "JobService", "runner_for"]


class EmbeddedJobs(JobRunner):
    """SQLite, one process: the jobs table is the queue and the in-process worker thread polls it.

    Nothing more is needed to enqueue: the row is the queue entry, and the service's
    `on_submit` hook wakes the worker at once instead of at its next poll.
    """

    name = "embedded"

    def enqueue(self, job: Job) -> None:
        return None


def runner_for(service: JobService) -> JobRunner:
    """Procrastinate on PostgreSQL, the embedded worker thread on SQLite."""
    if service.library.dialect == "postgresql":
        from distill.jobs.queue import ProcrastinateJobs

        return ProcrastinateJobs(service.library.url)
    return EmbeddedJobs()
