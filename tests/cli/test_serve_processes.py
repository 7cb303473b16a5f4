"""`distill serve --processes 2`: two web processes share the port; the supervisor runs the jobs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_web_processes_serve_and_one_worker_runs_jobs(distill_home, tmp_path):
    port = _port()
    server = subprocess.Popen(
        [sys.executable, "-m", "distill", "serve", "--port", str(port), "--processes", "2"],
        env={**os.environ, "DISTILL_HOME": str(distill_home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
            time.sleep(0.2)
        srt = "1\n00:00:00,000 --> 00:00:04,000\nHoneybees dance to point at flowers.\n\n"
        srt += "2\n00:00:04,000 --> 00:00:08,000\nThe angle of the dance gives the direction.\n"
        job = httpx.post(
            base + "/api/v1/jobs/upload", files={"file": ("bees.srt", srt.encode(), "text/plain")}
        ).json()
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            status = httpx.get(base + f"/api/v1/jobs/{job['id']}").json()["status"]
            if status in ("done", "failed"):
                break
            time.sleep(0.2)
        assert status == "done"
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert "2 web processes" in err
