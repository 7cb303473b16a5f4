"""Transcription progress moves as Whisper decodes: through the service, and in the CLI's bar."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.whisper


def timed_events(call: Any) -> list[tuple[float, str, float, float | None]]:
    """(seconds since start, stage, done, total) of every progress event a call reports."""
    events: list[tuple[float, str, float, float | None]] = []
    start = time.monotonic()
    call(lambda stage, done, total: events.append((time.monotonic() - start, stage, done, total)))
    return events


def test_the_service_reports_audio_seconds_as_windows_are_decoded(
    whisper: Any, long_speech: Path, distill_home: Path
) -> None:
    from distill.service import Distill

    with Distill() as service:
        events = timed_events(lambda report: service.summarize(str(long_speech), progress=report))
    stages = [stage for _, stage, _, _ in events]
    # A local recording is transcribed, then summarized: there is nothing to download.
    assert "download" not in stages
    assert stages.index("summarize") > max(i for i, s in enumerate(stages) if s == "transcribe")
    heard = [(t, done, total) for t, stage, done, total in events if stage == "transcribe"]
    total = heard[-1][2]
    assert total is not None and 60 < total < 80
    # Audio seconds of one known total (the file's declared length, then the decoded one).
    assert all(e[2] is not None and abs(e[2] - total) < 0.5 for e in heard)
    assert all(b[1] >= a[1] - 0.001 for a, b in zip(heard, heard[1:], strict=False)), heard
    assert heard[0][1] == 0.0 and heard[-1][1] == total
    # The point of it: while decoding, the reported seconds move, not only at the end.
    begin, end = heard[0][0], heard[-1][0]
    by_then = [done for t, done, _ in heard if t <= begin + 0.7 * (end - begin)]
    assert max(by_then) >= 0.25 * total, heard
    steps = {round(done, 1) for _, done, _ in heard if 0 < done < total}
    assert len(steps) >= 2, heard


def run_in_terminal(args: list[str], env: dict[str, str], timeout: float = 180) -> str:
    """Run a command on a pseudo-terminal, as a user would, and return everything it drew."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        args, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True
    )
    os.close(follower)
    out = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the command ended and closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None:
                break
    finally:
        proc.wait(timeout=10)
        os.close(leader)
    return out.decode("utf-8", "replace")


def test_the_cli_bar_shows_intermediate_progress(long_speech: Path, distill_home: Path) -> None:
    out_file = distill_home / "lighthouse.txt"
    env = {**os.environ, "DISTILL_HOME": str(distill_home), "COLUMNS": "110", "TERM": "xterm"}
    drawn = run_in_terminal(
        [sys.executable, "-m", "distill", "transcribe", str(long_speech), "-o", str(out_file)], env
    )
    assert out_file.is_file() and "lighthouse" in out_file.read_text().lower(), drawn[-2000:]
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn)
    percents = {int(p) for p in re.findall(r"(\d{1,3})%", plain)}
    assert any(0 < p < 100 for p in percents), (percents, plain[-1500:])
    # The bar counts audio: "0:31 / 1:09" style, done of total.
    shown = re.findall(r"(\d+):(\d\d) / (\d+):(\d\d)", plain)
    assert shown, plain[-1500:]
    seconds = {int(m) * 60 + int(s) for m, s, _, _ in shown}
    assert any(0 < s < 60 for s in seconds), seconds
