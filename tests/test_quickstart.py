"""The README's quick start, run as written: the demo, then its offline next steps, in a fresh
library; the README says where the library lives and how to start a fresh one."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from platformdirs import user_data_dir

ROOT = Path(__file__).resolve().parents[1]


def quick_start() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Quick start")
    return text[start : text.index("\n## ", start + 1)]


def code_blocks(section: str) -> list[list[str]]:
    """The command lines of each ```sh block, comments dropped."""
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [
        [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
        for block in blocks
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A README command line, with .venv/bin/distill as this test's interpreter's distill."""
    args = shlex.split(command)
    extra = {}
    while args and re.fullmatch(r"[A-Z_]+=\S+", args[0]):
        key, _, value = args.pop(0).partition("=")
        extra[key] = value
    assert args[0] == ".venv/bin/distill", command
    return subprocess.run(
        [sys.executable, "-m", "distill", *args[1:]],
        cwd=ROOT,
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_readme_says_where_the_library_lives_and_how_to_start_afresh():
    section = quick_start()
    home = user_data_dir("distill", appauthor=False).replace(str(Path.home()), "~")
    assert home in section, home
    assert "DISTILL_HOME=" in section


def test_the_offline_next_steps_work_as_written(tmp_path: Path):
    blocks = code_blocks(quick_start())
    assert blocks[0][0].startswith("make demo")
    makefile = (ROOT / "Makefile").read_text()
    example = re.search(r"EXAMPLE \?= (\S+)", makefile)
    assert example is not None and "distill summarize $(EXAMPLE)" in makefile
    offline = next(b for b in blocks[1:] if any("distill serve" in line for line in b))
    assert all("youtu" not in line and "://" not in line for line in offline)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISTILL_")}
    env.update({"DISTILL_HOME": str(tmp_path / "home"), "COLUMNS": "120"})
    # make demo's own step, then each offline command exactly as the README writes it.
    first = run(f".venv/bin/distill summarize {example.group(1)}", env)
    assert first.returncode == 0, first.stderr
    page = None
    for line in offline:
        if line.startswith(".venv/bin/distill serve"):
            page = re.search(r"http://127\.0\.0\.1:8000(/\S*)", quick_start())
            continue
        done = run(line, env)
        assert done.returncode == 0, (line, done.stderr)
        assert done.stdout.strip(), line
        assert "How vaccines work" in done.stdout or "vaccine" in done.stdout.lower(), line
    assert page is not None, "the offline steps open the demo's page"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "distill", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}{page.group(1)}", follow_redirects=True)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert r.status_code == 200 and "How vaccines work" in r.text
        assert "/v/how-vaccines-work-" in str(r.url)
    finally:
        server.terminate()
        server.wait(10)
    # A fresh library is one variable away, as the README shows.
    fresh = next(line for b in blocks for line in b if line.startswith("DISTILL_HOME="))
    fresh = fresh.replace(fresh.split()[0], f"DISTILL_HOME={tmp_path / 'fresh'}", 1)
    assert run(fresh, env).returncode == 0
    assert (tmp_path / "fresh" / "distill.db").is_file()
