"""A background thread that claims queued jobs from the library and runs them one at a time."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from distill.jobs.runner import run_job

if TYPE_CHECKING:
    from distill.jobs.interface import JobService
    from distill.library import Job

log = logging.getLogger(__name__)


class Worker:
    """Runs jobs in a daemon thread; `start()` re-queues jobs interrupted by a previous stop."""

    def __init__(
        self,
        service: JobService,
        *,
        poll_interval: float = 1.0,
        on_done: Callable[[Job], None] | None = None,
        follow_interval: float | None = None,
    ) -> None:
        self.service = service
        self.library = service.library
        self.poll_interval = poll_interval
        self.on_done = on_done
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if follow_interval is None:
            from distill.settings import get_settings

            follow_interval = get_settings().follow_interval_minutes * 60
        # Followed channels and feeds are checked this often (0 turns the check off).
        self.follow_interval = follow_interval
        self._next_follow_check = time.monotonic() + min(follow_interval, 60.0)

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

    def check_follows_when_due(self) -> None:
        """Check followed sources for new entries when the interval has passed."""
        if self.follow_interval <= 0 or time.monotonic() < self._next_follow_check:
            return
        self._next_follow_check = time.monotonic() + self.follow_interval
        try:
            self.service.check_follows()
        except Exception:  # a follow check must never stop the worker
            log.exception("checking follows failed")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.check_follows_when_due()
                self.run_pending()
            except Exception:  # the database may be briefly locked; try again later
                log.exception("worker loop error")
            self._wake.wait(self.poll_interval)
            self._wake.clear()
