"""What the jobs package and the application service ask of each other: a runner that makes
queued jobs run, and the service methods a running job calls."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from distill.domain import ProgressFn
    from distill.library import Job, Library

# A video a person submits on the web page runs before the rest of a batch (priority 0).
PERSON_PRIORITY = 10


class JobService(Protocol):
    """What running jobs needs of the application service (`distill.service.Distill` is one):
    the jobs package takes it as a parameter, so it never imports the service."""

    jobs: JobRunner
    on_submit: Callable[[], None] | None

    @property
    def library(self) -> Library: ...

    def stages(self, source: str) -> list[str]: ...

    def job_stage(self, job: Job) -> str: ...

    def run_job_stage(self, job: Job, stage: str, progress: ProgressFn) -> str | None: ...

    def run_job(self, job: Job, progress: ProgressFn) -> str: ...

    def check_follows(self) -> list[Any]: ...


class JobRunner(ABC):
    """Runs the jobs the service queues; `enqueue` is called once per newly queued job."""

    name: str = "jobs"

    @abstractmethod
    def enqueue(self, job: Job) -> None:
        """Make sure a job that was just queued (or queued again) will run."""
