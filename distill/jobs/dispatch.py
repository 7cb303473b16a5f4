"""The small jobs interface: what makes a queued job run, chosen by the library's database."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distill.library import Job
    from distill.service import Distill


# A video a person submits on the web page runs before the rest of a batch (priority 0).
PERSON_PRIORITY = 10


class JobRunner(ABC):
    """Runs the jobs the service queues; `enqueue` is called once per newly queued job."""

    name: str = "jobs"

    @abstractmethod
    def enqueue(self, job: Job) -> None:
        """Make sure a job that was just queued (or queued again) will run."""


class EmbeddedJobs(JobRunner):
    """SQLite, one process: the jobs table is the queue and the in-process worker thread polls it.

    Nothing more is needed to enqueue: the row is the queue entry, and the service's
    `on_submit` hook wakes the worker at once instead of at its next poll.
    """

    name = "embedded"

    def enqueue(self, job: Job) -> None:
        return None


def runner_for(service: Distill) -> JobRunner:
    """Procrastinate on PostgreSQL, the embedded worker thread on SQLite."""
    if service.library.dialect == "postgresql":
        from distill.jobs.queue import ProcrastinateJobs

        return ProcrastinateJobs(service.library.url)
    return EmbeddedJobs()
