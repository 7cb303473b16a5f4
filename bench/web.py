"""Benchmark the web app under load: video page, channel page and search, 200 videos in the library.

Usage: .venv/bin/python bench/web.py [--duration 10] [--connections 16] [--videos 200]

Fills a fresh library with the channel-dev captions of ../shared/eval (repeated under new ids
until there are --videos videos), starts `distill serve` in its own process, and drives it with
wrk (Debian package) from another process. Prints requests/s and p50/p95/p99 latency per page.
Targets on a 2-core machine: video page >= 500 req/s with p99 <= 50 ms at 16 connections;
search p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CHANNEL_DIR = ROOT.parent / "shared" / "eval" / "channel-dev"
QUERIES = [
    "vector", "matrix", "linear transformation", "determinant", "eigenvalue", "basis",
    "dot product", "cross product", "span", "inverse", "rotation", "graph", "circle",
    "derivative", "area", "dimension", "column space", "projection", "coordinates", "space",
]  # fmt: skip

LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT %%d %%d %%.1f %%.3f %%.3f %%.3f %%.3f\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fill_library(home: Path, count: int) -> tuple[list[str], list[str]]:
    """Store `count` videos (the channel's captions, repeated under new ids) with builtin summaries."""
    from distill.errors import DistillError
    from distill.library import Library
    from distill.sources import resolve
    from distill.summarize import summarize

    infos = [
        json.loads(line) for line in (CHANNEL_DIR / "videos.jsonl").read_text().splitlines() if line
    ]
    lib = Library(f"sqlite:///{home / 'distill.db'}")
    base = []
    for info in infos:
        t = resolve(str(CHANNEL_DIR / info["file"]))
        t.meta.title = info["title"]
        t.meta.channel = info["channel"]
        t.meta.channel_id = "channel-dev"
        t.meta.upload_date = f"{info['year']}-01-01"
        try:
            summary = summarize(t)
        except DistillError:  # a caption file with no content words has no builtin summary
            summary = None
        base.append((t, summary))
    ids: list[str] = []
    n = 0
    while len(ids) < count:
        t, s = base[n % len(base)]
        copy = t.model_copy(deep=True)
        round_ = n // len(base)
        if round_:
            copy.meta.id = f"{t.meta.id}-r{round_}"
            copy.meta.title = f"{t.meta.title} (part {round_ + 1})"
        vid = lib.save_transcript(copy)
        if s is not None:
            summary = s.model_copy(deep=True)
            summary.source.id = vid
            lib.save_summary(vid, summary)
        ids.append(vid)
        n += 1
    lib.close()
    return ids, ["channel-dev"]


def wrk(
    base: str, paths: list[str], seconds: int, connections: int, workdir: Path
) -> dict[str, float]:
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    script = workdir / "rotate.lua"
    script.write_text(LUA % {"paths": paths_file})
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    _, reqs, errors, rps, p50, p95, p99, worst = line.split()
    return {
        "requests": int(reqs),
        "errors": int(errors),
        "rps": float(rps),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "p99_ms": float(p99),
        "max_ms": float(worst),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--videos", type=int, default=200)
    args = parser.parse_args()
    if not CHANNEL_DIR.is_dir():
        print(
            f"error: {CHANNEL_DIR} not found; the benchmark needs ../shared/eval.", file=sys.stderr
        )
        return 1
    if shutil.which("wrk") is None:
        print("error: wrk is not installed; install the Debian package wrk.", file=sys.stderr)
        return 1

    tmp = Path(tempfile.mkdtemp(prefix="distill-bench-web-"))
    home = tmp / "home"
    home.mkdir()
    t0 = time.perf_counter()
    ids, channels = fill_library(home, args.videos)
    print(f"library: {len(ids)} videos stored in {time.perf_counter() - t0:.1f} s")

    port = free_port()
    env = {**os.environ, "DISTILL_HOME": str(home)}
    for name in ("DISTILL_DATABASE_URL", "DISTILL_API_TOKEN", "DISTILL_MODEL"):
        env.pop(name, None)
    server = subprocess.Popen(
        [sys.executable, "-m", "distill", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/v1/videos", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("error: distill serve did not start.", file=sys.stderr)
                    return 1
                time.sleep(0.2)

        video_paths = [f"/v/{vid}" for vid in ids]
        cold = []
        for path in random.Random(1).sample(video_paths, 20):
            start = time.perf_counter()
            httpx.get(base + path, timeout=30).raise_for_status()
            cold.append((time.perf_counter() - start) * 1000)
        cold.sort()
        print(
            f"video page, first render (not cached): median {cold[len(cold) // 2]:.1f} ms, max {cold[-1]:.1f} ms"
        )
        for path in video_paths:  # render every page once, as a visited site would have
            httpx.get(base + path, timeout=30)

        suites = [
            ("video page /v/{id}", video_paths),
            ("channel page /c/{id}", [f"/c/{c}?page={p}" for c in channels for p in range(1, 9)]),
            ("search /search?q= (20 q)", [f"/search?q={q.replace(' ', '+')}" for q in QUERIES]),
            ("search API (20 q)", [f"/api/v1/search?q={q.replace(' ', '+')}" for q in QUERIES]),
        ]
        # Searches the server has not seen (each query once, one at a time): no cache helps.
        words = sorted({w for q in QUERIES for w in q.split()})
        fresh = [f"{a} {b}" for i, a in enumerate(words) for b in words[i + 1 :]]
        random.Random(2).shuffle(fresh)
        lat = []
        with httpx.Client(base_url=base, timeout=30) as client:
            for q in fresh[:100]:
                start = time.perf_counter()
                client.get("/search", params={"q": q}).raise_for_status()
                lat.append((time.perf_counter() - start) * 1000)
        lat.sort()
        print(
            f"search page, {len(lat)} queries never seen before, one at a time: "
            f"p50 {lat[len(lat) // 2]:.1f} ms, p95 {lat[int(len(lat) * 0.95)]:.1f} ms, "
            f"p99 {lat[int(len(lat) * 0.99)]:.1f} ms"
        )
        print(
            f"load: wrk, {args.connections} connections, {args.duration} s each, one server process\n"
        )
        print(
            f"{'page':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}"
        )
        for name, paths in suites:
            r = wrk(base, paths, args.duration, args.connections, tmp)
            print(
                f"{name:28} {r['rps']:8.0f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['p99_ms']:8.1f} "
                f"{r['max_ms']:8.1f} {r['errors']:7d}"
            )
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
