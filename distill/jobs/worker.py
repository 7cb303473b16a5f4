"""A background thread that claims queued jobs from the library and runs them one at a time."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from distill.jobs.runner import run_job

if TYPE_CHECKING:
    from distill.library import Job
    from distill.service import Distill

log = logging.getLogger(__name__)


class Worker:
    """Runs jobs in a daemon thread; `start()` re-queues jobs interrupted by a previous stop."""

    def __init__(
        self,
        service: Distill,
        *,
        poll_interval: float = 1.0,
        on_done: Callable[[Job], None] | None = None,
    ) -> None:
        self.service = service
        self.library = service.library
        self.poll_interval = poll_interval
        self.on_done = on_done
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        """Re-queue interrupted jobs and start the thread; returns how many jobs were re-queued."""
        requeued = self.library.requeue_interrupted()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="distill-worker", daemon=True)
        self._thread.start()
        return requeued

    def notify(self) -> None:
        """Wake the worker now (a job was just submitted)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop after its current job and wait a little for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_pending(self) -> int:
        """Run queued jobs in this thread until none is left; returns how many ran."""
        count = 0
        while not self._stop.is_set():
            job = self.library.claim_next_job()
            if job is None:
                break
            run_job(self.service, job)
            count += 1
            if self.on_done is not None:
                try:
                    self.on_done(self.library.get_job(job.id))
                except Exception:
                    log.exception("job callback failed")
        return count

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_pending()
            except Exception:  # the database may be briefly locked; try again later
                log.exception("worker loop error")
            self._wake.wait(self.poll_interval)
            self._wake.clear()
