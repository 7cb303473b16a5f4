"""Procrastinate worker processes and threads: `distill worker`, and the one inside `distill serve`."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from distill.jobs.queue import (
    QUEUE,
    ProcrastinateJobs,
    WorkerContext,
    build_app,
    conninfo,
    ensure_schema,
    orphaned_jobs,
)

if TYPE_CHECKING:
    from distill.jobs.interface import JobService
    from distill.library import Job, Library

log = logging.getLogger("distill.worker")


def heartbeat_seconds() -> float:
    """How often a worker says it is alive; a worker silent for three of these is stalled."""
    from distill.settings import get_settings

    return max(0.2, float(get_settings().worker_heartbeat))


async def run_worker(
    url: str,
    make_service: Callable[[Library], JobService],
    *,
    concurrency: int = 1,
    on_done: Callable[[Job], None] | None = None,
    started: Callable[[Any], None] | None = None,
    install_signal_handlers: bool = True,
) -> None:
    """Run stage tasks until stopped; also retries stalled tasks and re-queues orphaned jobs.

    `make_service` builds the application service over the library (`distill.service.Distill`).
    """
    from procrastinate import PsycopgConnector
    from procrastinate.worker import Worker

    from distill.library import Library

    ensure_schema(url)
    library = Library(url)
    service = make_service(library)
    jobs = ProcrastinateJobs(url)
    service.jobs = jobs
    context = WorkerContext(service=service, jobs=jobs, finished=[on_done] if on_done else [])
    beat = heartbeat_seconds()
    connector = PsycopgConnector(conninfo=conninfo(url), min_size=1, max_size=concurrency + 3)
    app = build_app(connector, context)
    try:
        async with app.open_async():
            worker = Worker(
                app,
                queues=[QUEUE],
                name=f"distill-{socket.gethostname()}-{os.getpid()}",
                concurrency=concurrency,
                fetch_job_polling_interval=min(5.0, beat),
                update_heartbeat_interval=beat,
                stalled_worker_timeout=3 * beat,
                delete_jobs="successful",
                install_signal_handlers=install_signal_handlers,
            )
            if started is not None:
                started(worker)
            watcher = asyncio.create_task(_watch(app, service, jobs, beat))
            try:
                await worker.run()
            finally:
                watcher.cancel()
    finally:
        jobs.close()
        library.close()


async def _watch(app: Any, service: Any, jobs: ProcrastinateJobs, beat: float) -> None:
    """Every heartbeat: give stalled tasks (their worker went silent) and orphaned jobs to a worker."""
    while True:
        await asyncio.sleep(beat)
        try:
            for task in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=3 * beat):
                try:
                    await app.job_manager.retry_job(task)
                    log.warning("task %s of a stalled worker queued again", task.id)
                except Exception:  # another worker retried it first
                    continue
            for job in await asyncio.to_thread(orphaned_jobs, service):
                await asyncio.to_thread(jobs.enqueue, job)
                log.warning("job %s had no task; queued again", job.id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database may be restarting: try again next beat
            log.warning("could not check for stalled jobs: %s", exc)


class WorkerThread:
    """A Procrastinate worker in a thread of its own, for `distill serve` on PostgreSQL."""

    def __init__(
        self,
        url: str,
        make_service: Callable[[Library], JobService],
        *,
        concurrency: int = 1,
        on_done: Callable[[Job], None] | None = None,
    ) -> None:
        self.url = url
        self.make_service = make_service
        self.concurrency = concurrency
        self.on_done = on_done
        self._worker: Any = None
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start(self) -> None:
        """Start the thread and wait until its worker is running (or failed to start)."""
        self._thread = threading.Thread(target=self._run, name="distill-pg-worker", daemon=True)
        self._thread.start()
        self._ready.wait(30)

    def notify(self) -> None:
        """Nothing to do: PostgreSQL notifies every worker of a new task."""

    def _run(self) -> None:
        def started(worker: Any) -> None:
            self._worker = worker
            self._ready.set()

        try:
            asyncio.run(
                run_worker(
                    self.url,
                    self.make_service,
                    concurrency=self.concurrency,
                    on_done=self.on_done,
                    started=started,
                    install_signal_handlers=False,
                )
            )
        except BaseException as exc:
            self.error = exc
            log.error("the job worker stopped: %s", exc)
        finally:
            self._ready.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the worker to finish its running tasks and stop; wait a little for it."""
        if self._worker is not None:
            self._worker.stop()
        if self._thread is not None:
            self._thread.join(timeout)
