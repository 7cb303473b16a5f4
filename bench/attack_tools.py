"""What bench/attacks.py needs around its attacks: big caption files, a measured `distill serve`
subprocess in a fresh DISTILL_HOME, storing files in it, and memory sampling."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

WORDS = [
    "bees", "honey", "colony", "nectar", "flower", "hive", "queen", "worker", "drone", "pollen",
    "wax", "comb", "swarm", "dance", "scout", "forager", "season", "winter", "summer", "farmer",
    "orchard", "almond", "apple", "clover", "field", "meadow", "river", "valley", "temperature",
    "humidity", "enzyme", "sugar", "water", "evaporate", "cell", "cap", "larva", "brood",
    "nurse", "guard", "sting", "predator", "wasp", "mite", "virus", "disease", "treatment",
    "research", "study", "experiment", "result", "data", "model",
]  # fmt: skip


def say(line: str) -> None:
    print(line, flush=True)


def big_srt(path: Path, megabytes: float, seed: int = 7) -> Path:
    """A caption file of about `megabytes` MB: cues of random sentences, one every 3 seconds."""
    rng = random.Random(seed)
    target = int(megabytes * (1 << 20))
    size, n = 0, 1
    with path.open("w") as out:
        while size < target:
            s = n * 3
            words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
            text = " ".join(words).capitalize() + "."
            cue = f"{n}\n{clock(s)},000 --> {clock(s + 3)},000\n{text}\n\n"
            out.write(cue)
            size += len(cue)
            n += 1
    return path


def clock(s: int) -> str:
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISTILL_")}
    env["DISTILL_HOME"] = str(home)
    env.update(extra)
    return env


@contextmanager
def serve(home: Path, **extra: str) -> Iterator[tuple[str, int, int]]:
    """A `distill serve` subprocess with one web process, whose memory is measured: (base URL,
    port, pid)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "distill", "serve", "--port", str(port), "--processes", "1"],
        env=env_for(home, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/v1/channels", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(
                        "distill serve did not start: " + proc.stderr.read().decode()  # type: ignore[union-attr]
                    ) from None
                time.sleep(0.2)
        yield base, port, proc.pid
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def store(home: Path, path: Path, *, summarize: bool = False) -> str:
    """Add a file to the library in a subprocess (as `distill add` would); its video id."""
    cmd = "summarize" if summarize else "add"
    r = subprocess.run(
        [sys.executable, "-m", "distill", cmd, str(path), "--format", "json"]
        if summarize
        else [sys.executable, "-m", "distill", "add", str(path)],
        env=env_for(home, DISTILL_MAX_CAPTION_MB="200"),
        capture_output=True,
        text=True,
    )
    if r.returncode:
        raise SystemExit(f"could not store {path}: {r.stderr}")
    listed = subprocess.run(
        [sys.executable, "-m", "distill", "list", "--format", "json"],
        env=env_for(home),
        capture_output=True,
        text=True,
    )
    stem = path.stem.replace("_", "-")
    return next(v["id"] for v in json.loads(listed.stdout) if v["id"].startswith(stem))


class Peak:
    """Sample a process's resident memory every 50 ms while a block runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before, _ = memory(pid)
        self.peak = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            try:
                self.peak = max(self.peak, memory(self.pid)[0])
            except OSError:
                return

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.after = memory(self.pid)[0]

    def line(self) -> str:
        return (
            f"RSS {self.before:.0f} MB before, {self.peak:.0f} MB peak, {self.after:.0f} MB after"
        )
