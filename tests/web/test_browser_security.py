"""A real Chromium against a real `distill serve` with a token: a page of another site that rebinds
its name to this machine reads and changes nothing, and the upload form sends its token first."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser

TOKEN = "browser-s3cret"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # attacker.example resolves to this machine, as after a DNS rebinding.
    "--host-resolver-rules=MAP attacker.example 127.0.0.1",
]
SRT = "1\n00:00:01,000 --> 00:00:04,000\nOctopuses have three hearts and blue blood.\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    """`distill serve` with a token and a stored video."""
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISTILL_")}
    env.update({"DISTILL_HOME": str(home), "DISTILL_API_TOKEN": TOKEN})
    talk = home / "octopus.srt"
    talk.write_text(SRT)
    subprocess.run([sys.executable, "-m", "distill", "add", str(talk)], env=env, check=True)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "distill", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/api/v1/videos", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("distill serve did not start")
        time.sleep(0.2)
    yield base, port, home
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_a_rebound_page_reads_and_changes_nothing(server, browser):
    base, port, _ = server
    video = httpx.get(base + "/api/v1/videos").json()["items"][0]["id"]
    page = browser.new_page()
    # The attacker's page at attacker.example:PORT, whose name now points at this machine.
    response = page.goto(f"http://attacker.example:{port}/")
    assert response is not None and response.status == 421
    assert "DISTILL_ALLOWED_HOSTS" in page.locator("main").inner_text()
    # Its script reaches the server as same-origin requests, and gets nothing.
    results = page.evaluate(
        """async (id) => {
            const list = await fetch('/api/v1/videos');
            const del = await fetch('/api/v1/videos/' + id, {method: 'DELETE'});
            return [list.status, await list.text(), del.status];
        }""",
        video,
    )
    assert results[0] == 421 and video not in results[1] and results[2] == 421
    page.close()
    assert httpx.get(base + f"/api/v1/videos/{video}").status_code == 200


def test_the_upload_form_works_with_the_token(server, browser, tmp_path):
    base, _, _ = server
    talk = tmp_path / "squid.srt"
    talk.write_text(SRT.replace("Octopuses", "Squids"))
    page = browser.new_page()
    page.goto(base + "/")
    page.fill("#token", "a wrong guess")
    page.set_input_files("#file", str(talk))
    with page.expect_navigation():
        page.click("button.primary")
    assert "A token is needed" in page.locator("h1").inner_text()
    page.goto(base + "/")
    page.fill("#token", TOKEN)
    page.set_input_files("#file", str(talk))
    page.click("button.primary")
    page.wait_for_url("**/jobs/*")
    job = page.url.rsplit("/", 1)[-1]
    assert httpx.get(base + f"/api/v1/jobs/{job}").json()["source"] == "squid.srt"
    page.close()
