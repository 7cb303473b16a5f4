"""Jobs on PostgreSQL run by real `distill worker` processes (Procrastinate underneath).

Jobs summarize small caption files with a model served by a local OpenAI-compatible server the
test controls: it holds every request until the test opens its gate, so a worker can be killed
while it is surely in the middle of a job.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from distill.jobs import PERSON_PRIORITY
from distill.library import Library
from distill.service import Distill
from distill.settings import get_settings
from tests.fake_openai import reply_to
from tests.library.conftest import new_postgres_db

pytestmark = pytest.mark.postgres

SENTENCES = [
    "Octopuses have three hearts and blue blood.",
    "Two hearts pump blood through the gills.",
    "The third heart pumps blood to the rest of the body.",
    "Their blood uses copper instead of iron to carry oxygen.",
]


class GatedModel:
    """An OpenAI-compatible server that answers only while its gate is open.

    Requests whose prompt holds `flaky_marker` are refused (HTTP 429, retry at once) the first
    `flaky_refusals` times: a model that is briefly rate limited.
    """

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.lock = threading.Lock()
        self.waiting = 0
        self.answered = 0
        self.flaky_marker = "\0"
        self.flaky_refusals = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                prompt = json.dumps(body.get("messages", []))
                with owner.lock:
                    refuse = owner.flaky_marker in prompt and owner.flaky_refusals > 0
                    if refuse:
                        owner.flaky_refusals -= 1
                if refuse:
                    self._send(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "0"})
                    return
                with owner.lock:
                    owner.waiting += 1
                owner.gate.wait(60)
                with owner.lock:
                    owner.waiting -= 1
                    owner.answered += 1
                content = json.dumps(reply_to(body.get("messages", [])))
                out = json.dumps(
                    {
                        "id": "chatcmpl-1",
                        "object": "chat.completion",
                        "created": 1,
                        "model": body.get("model", "gated"),
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": content},
                            }
                        ],
                        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                    }
                ).encode()
                self._send(200, out, {})

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the worker that asked was killed
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def model(self) -> str:
        return f"openai:gated?base_url={self.url}"

    def close(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


def write_srt(path: Path, marker: str) -> Path:
    """A small caption file whose words (and so whose id) are its own."""
    blocks = []
    for i, text in enumerate(SENTENCES):
        blocks.append(
            f"{i + 1}\n00:00:{i * 4:02d},000 --> 00:00:{i * 4 + 4:02d},000\n{text} Tank {marker}.\n"
        )
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def wait_for(what: str, check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def pg_env(
    postgres_server: str, postgres_template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """A migrated PostgreSQL library, and the environment its workers and this test share."""
    url = new_postgres_db(postgres_server, template=postgres_template)
    env = {
        "DISTILL_HOME": str(tmp_path / "home"),
        "DISTILL_DATABASE_URL": url,
        "DISTILL_WORKER_HEARTBEAT": "0.5",
        "OPENAI_API_KEY": "sk-test",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DISTILL_MODEL", raising=False)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


@pytest.fixture
def workers(pg_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start `distill worker` processes; every one still running is stopped at the end."""
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "distill", "worker", "--concurrency", "1"],
            env={**os.environ, **pg_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in started:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def model() -> Iterator[GatedModel]:
    server = GatedModel()
    yield server
    server.close()


def finished(library: Library, ids: list[str]) -> bool:
    return all(library.get_job(i).status in ("done", "failed") for i in ids)


def test_killed_worker_loses_no_job_and_repeats_none(workers, model, tmp_path: Path):
    service = Distill(Library())
    library = service.library
    files = [write_srt(tmp_path / f"tank-{n:02d}.srt", f"T{n:02d}") for n in range(40)]
    ids = [service.submit(str(f), model=model.model()).id for f in files]
    assert len(set(ids)) == 40

    doomed = workers()
    survivor = workers()
    # Both workers are in the summarize stage of a job, waiting on the model.
    wait_for("both workers to be mid-job", lambda: model.waiting >= 2)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)

    # A restarted worker picks up work (the gate is still closed: it, too, ends up waiting,
    # beside the survivor and the request of the killed worker, which nobody will read).
    restarted = workers()
    wait_for("the restarted worker to take a job", lambda: model.waiting >= 3)
    model.gate.set()
    wait_for("every job to finish", lambda: finished(library, ids), timeout=90)

    jobs = [library.get_job(i) for i in ids]
    assert {j.status for j in jobs} == {"done"}, [j.error for j in jobs if j.error]
    assert len({j.video_id for j in jobs}) == 40
    with library.engine.connect() as conn:
        counts = {
            table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("videos", "transcripts", "segments", "summaries")
        }
        # Each transcript and each summary was stored exactly once: a write repeated by a
        # second run of the same stage would have moved updated_at past created_at.
        rewritten = conn.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM transcripts WHERE updated_at <> created_at)"
                " + (SELECT count(*) FROM summaries WHERE updated_at <> created_at)"
            )
        ).scalar()
        left = conn.execute(
            sa.text("SELECT status, count(*) FROM procrastinate_jobs GROUP BY status")
        ).all()
    per_file = len(service.fetch(str(files[0])).segments)
    assert counts == {"videos": 40, "transcripts": 40, "segments": 40 * per_file, "summaries": 40}
    assert rewritten == 0
    assert all(status not in ("todo", "doing", "failed") for status, _ in left), left
    assert survivor.poll() is None and restarted.poll() is None
    library.close()


def test_priority_queueing_lock_and_failures(workers, model, tmp_path: Path):
    service = Distill(Library())
    library = service.library
    model.gate.set()
    batch = [
        service.submit(str(write_srt(tmp_path / f"batch-{n}.srt", f"B{n}"))).id for n in range(6)
    ]
    person_file = str(write_srt(tmp_path / "mine.srt", "MINE"))
    person = service.submit(person_file, priority=PERSON_PRIORITY)
    # The same source again while it is queued is the same job, with one task.
    assert service.submit(person_file, priority=PERSON_PRIORITY).id == person.id
    missing = tmp_path / "later.srt"
    broken = service.submit(str(missing)).id
    model.flaky_marker, model.flaky_refusals = "FLAKY", 4  # the model's own 4 tries all refused
    flaky = service.submit(str(write_srt(tmp_path / "flaky.srt", "FLAKY")), model=model.model()).id
    with library.engine.connect() as conn:
        tasks = conn.execute(
            sa.text("SELECT count(*) FROM procrastinate_jobs WHERE lock = :lock"),
            {"lock": f"distill-job:{person.id}"},
        ).scalar()
    assert tasks == 1

    workers()
    every = [*batch, person.id, broken, flaky]
    wait_for("the jobs to finish", lambda: finished(library, every), timeout=90)

    done_at = {i: library.get_job(i).updated_at for i in [*batch, person.id]}
    assert all(done_at[person.id] < done_at[b] for b in batch)

    # A permanent failure fails once, with its reason, and can be retried once fixed.
    failed = library.get_job(broken)
    assert failed.status == "failed" and "later.srt" in (failed.error or "")
    with library.engine.connect() as conn:
        attempts = conn.execute(
            sa.text("SELECT attempts, status FROM procrastinate_jobs WHERE lock = :lock"),
            {"lock": f"distill-job:{broken}"},
        ).one()
    assert tuple(attempts) == (1, "failed")  # run once, never retried
    write_srt(missing, "LATER")
    assert service.retry(broken).status == "queued"
    wait_for("the retried job", lambda: library.get_job(broken).status == "done", timeout=60)

    # A transient failure (the model rate limited through all its own retries) was retried
    # by the queue after a pause, and then went through.
    assert library.get_job(flaky).status == "done"
    assert model.flaky_refusals == 0
    library.close()


def test_the_follow_hook_is_periodic_and_calls_the_service_when_it_can():
    from procrastinate.testing import InMemoryConnector

    from distill.jobs.queue import FOLLOW_TASK, WorkerContext, build_app

    class Following:
        checked = 0

        def check_follows(self) -> None:
            Following.checked += 1

    app = build_app(InMemoryConnector(), WorkerContext(service=Following()))  # type: ignore[arg-type]
    assert (FOLLOW_TASK, "") in app.periodic_registry.periodic_tasks
    app.tasks[FOLLOW_TASK](timestamp=0)
    assert Following.checked == 1
    # A service without the method (following not built yet) is left alone.
    plain = build_app(InMemoryConnector(), WorkerContext(service=object()))  # type: ignore[arg-type]
    plain.tasks[FOLLOW_TASK](timestamp=0)


def test_serve_on_postgresql_runs_jobs_in_its_worker_thread(pg_env, tmp_path: Path):
    import httpx

    from tests.library.conftest import _free_port

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "distill", "serve", "--port", str(port), "--processes", "1"],
        env={**os.environ, **pg_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for("the server", lambda: _answers(base), timeout=60)
        srt = write_srt(tmp_path / "served.srt", "SERVED").read_bytes()
        job = httpx.post(
            base + "/api/v1/jobs/upload",
            files={"file": ("served.srt", srt, "application/x-subrip")},
        ).json()
        library = Library()
        wait_for("the job", lambda: library.get_job(job["id"]).status == "done", timeout=60)
        assert library.get_job(job["id"]).priority == PERSON_PRIORITY
        page = httpx.get(base + f"/v/{library.get_job(job['id']).video_id}")
        assert page.status_code == 200 and "SERVED" in page.text
        library.close()
    finally:
        server.terminate()
        server.wait(20)


def _answers(base: str) -> bool:
    import httpx

    try:
        return httpx.get(base + "/api/v1/videos", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
