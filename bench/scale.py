"""Benchmark distill at scale: ingest rate, cold and hot pages, unseen searches, jobs on PostgreSQL.

Usage: .venv/bin/python bench/scale.py [--videos 2000] [--growth 10000] [--duration 10]
           [--connections 16] [--processes 0] [--jobs 120] [--skip-jobs] [--skip-growth]

Fills a fresh SQLite library with `distill summarize` of --videos caption files (the channel-dev
captions of ../shared/eval under new ids), serves it with `distill serve` and drives it with wrk
(the Debian package) at --connections: cold video pages (every page in turn, so no cache can
serve them), one hot page, and 100 searches the server has not seen, one at a time. The server
CPU per request (user + system time of every server process, over the requests served) is the
number that does not depend on what else runs on the machine.

Then jobs throughput on a throwaway PostgreSQL server with 1, 2 and 4 `distill worker`
processes: jobs whose model answers after 100 ms (work that waits on I/O), and built-in
summaries of real captions (CPU-bound). Finally the library grows to --growth videos (stored
through the library, like the first ones) and the pages, searches and ingest are measured again.
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
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CHANNEL_DIR = ROOT.parent / "shared" / "eval" / "channel-dev"
WORDS = [
    "vector", "matrix", "linear", "determinant", "eigenvalue", "basis", "product", "cross",
    "span", "inverse", "rotation", "graph", "circle", "derivative", "area", "dimension",
    "column", "projection", "coordinates", "space", "transformation", "scalar", "number",
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
  io.write(string.format("RESULT %%d %%d %%.1f %%.3f %%.3f %%.3f\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def infos() -> list[dict[str, str]]:
    lines = (CHANNEL_DIR / "videos.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def caption_files(folder: Path, count: int, start: int = 0) -> list[Path]:
    """`count` caption files: the channel's captions, each copy with one caption of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    base = infos()
    texts = [(CHANNEL_DIR / i["file"]).read_text(encoding="utf-8").rstrip() for i in base]
    out = []
    for n in range(start, start + count):
        k = n % len(base)
        stem = Path(base[k]["file"]).name.split(".")[0]
        path = folder / f"{stem}-copy{n}.en.srt"
        extra = f"\n\n99999\n09:59:58,000 --> 09:59:59,000\nCopy number {n}.\n"
        path.write_text(texts[k] + extra, encoding="utf-8")
        out.append(path)
    return out


def env_for(home: Path, url: str | None = None) -> dict[str, str]:
    env = {**os.environ, "DISTILL_HOME": str(home), "OPENAI_API_KEY": "sk-bench"}
    for name in ("DISTILL_DATABASE_URL", "DISTILL_API_TOKEN", "DISTILL_MODEL"):
        env.pop(name, None)
    if url:
        env["DISTILL_DATABASE_URL"] = url
    return env


def ingest(home: Path, files: list[Path]) -> float:
    """`distill summarize` of the files into the library at `home`; videos per second."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "distill", "summarize", "--format", "json", *map(str, files)],
        env=env_for(home),
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return len(files) / (time.perf_counter() - start)


def grow(home: Path, total: int) -> None:
    """Store copies of the stored videos (new ids, same transcripts and summaries) up to `total`."""
    sys.path.insert(0, str(ROOT))
    from distill.library import Library

    lib = Library(f"sqlite:///{home / 'distill.db'}")
    have = lib.count_videos()
    base = lib.list_videos(limit=56)
    pairs = [(lib.get_transcript(m.id), lib.list_summaries(m.id)) for m in base]
    n = have
    while n < total:
        transcript, summaries = pairs[n % len(pairs)]
        copy = transcript.model_copy(deep=True)
        copy.meta.id = f"{transcript.meta.id}-g{n}"
        vid = lib.save_transcript(copy)
        for s in summaries:
            lib.save_summary(vid, s)
        n += 1
    lib.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children (the web processes)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wrk(
    base: str, paths: list[str], seconds: int, connections: int, workdir: Path
) -> dict[str, Any]:
    (workdir / "paths.txt").write_text("\n".join(paths) + "\n")
    script = workdir / "rotate.lua"
    script.write_text(LUA % {"paths": workdir / "paths.txt"})
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    _, reqs, errors, rps, p50, p99, worst = line.split()
    return {"requests": int(reqs), "errors": int(errors), "rps": float(rps), "p50": float(p50),
            "p99": float(p99), "max": float(worst)}  # fmt: skip


class Server:
    """`distill serve` on a free port, stopped on exit."""

    def __init__(self, home: Path, processes: int) -> None:
        self.port = free_port()
        args = [sys.executable, "-m", "distill", "serve", "--port", str(self.port)]
        if processes:
            args += ["--processes", str(processes)]
        self.proc = subprocess.Popen(args, env=env_for(home), stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(self.base + "/api/v1/videos", timeout=5)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise SystemExit("error: distill serve did not start.") from None
                time.sleep(0.3)
        time.sleep(2)  # every web process up

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def pages(home: Path, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Cold pages, a hot page and unseen searches against one running server."""
    server = Server(home, args.processes)
    try:
        sys.path.insert(0, str(ROOT))
        from distill.library import Library

        lib = Library(f"sqlite:///{home / 'distill.db'}")
        every = [m.id for m in lib.list_videos(limit=1_000_000)]
        lib.close()
        paths = [f"/v/{vid}" for vid in every]
        random.Random(3).shuffle(paths)
        cpu0 = cpu_seconds(server.proc.pid)
        cold = wrk(server.base, paths, args.duration, args.connections, workdir)
        cold["cpu_ms"] = (cpu_seconds(server.proc.pid) - cpu0) * 1000 / max(cold["requests"], 1)
        cpu0 = cpu_seconds(server.proc.pid)
        hot = wrk(server.base, [f"/v/{every[0]}"], args.duration, args.connections, workdir)
        hot["cpu_ms"] = (cpu_seconds(server.proc.pid) - cpu0) * 1000 / max(hot["requests"], 1)
        rng = random.Random(len(every))
        lat = []
        with httpx.Client(base_url=server.base, timeout=30) as client:
            for n in range(100):
                q = f"{rng.choice(WORDS)} {rng.choice(WORDS)} x{n}"  # never asked before
                start = time.perf_counter()
                client.get("/search", params={"q": q}).raise_for_status()
                lat.append((time.perf_counter() - start) * 1000)
        lat.sort()
        return {"videos": len(every), "cold": cold, "hot": hot,
                "search_p50": lat[50], "search_p95": lat[95]}  # fmt: skip
    finally:
        server.close()


# --- jobs on PostgreSQL -------------------------------------------------------------------


class SlowModel:
    """An OpenAI-compatible server that answers every request after `delay` seconds."""

    def __init__(self, delay: float) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                return None

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                time.sleep(delay)
                out = json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
                                  "choices": [{"index": 0, "finish_reason": "stop",
                                               "message": {"role": "assistant", "content": "{}"}}],
                                  "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                            "total_tokens": 2}}).encode()  # fmt: skip
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.model = f"openai:slow?base_url=http://127.0.0.1:{self.server.server_address[1]}/v1"


class Postgres:
    """A throwaway PostgreSQL cluster (as the tests start one)."""

    def __init__(self) -> None:
        import glob

        bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        self.root = Path(tempfile.mkdtemp(prefix="distill-bench-pg-", dir="/dev/shm"))
        self.data, sock = self.root / "data", self.root / "sock"
        sock.mkdir()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(sock, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.pg_ctl = str(bindir / "pg_ctl")
        subprocess.run([*self.prefix, str(bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                        "-A", "trust", "--no-sync"], check=True, capture_output=True)  # fmt: skip
        port = free_port()
        opts = (f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c max_connections=200")  # fmt: skip
        subprocess.run([*self.prefix, self.pg_ctl, "-D", str(self.data), "-o", opts, "-l",
                        str(self.root / "log"), "-w", "start"], check=True, capture_output=True)  # fmt: skip
        self.server = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
        self.count = 0

    def new_db(self) -> str:
        import psycopg

        self.count += 1
        name = f"bench{self.count}"
        with psycopg.connect(
            self.server.replace("+psycopg", "") + "/postgres", autocommit=True
        ) as c:
            c.execute(f"CREATE DATABASE {name}")
        return f"{self.server}/{name}"

    def close(self) -> None:
        subprocess.run([*self.prefix, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def jobs_rate(
    pg: Postgres, workers: int, files: list[Path], model: str | None, home: Path
) -> float:
    """Jobs per second of `workers` worker processes (10% to 90% of the jobs done: steady state)."""
    sys.path.insert(0, str(ROOT))
    from distill.library import Library
    from distill.service import Distill

    url = pg.new_db()
    os.environ["DISTILL_HOME"] = str(home)
    service = Distill(Library(url))
    ids = [service.submit(str(f), model=model).id for f in files]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "distill", "worker"],
            env=env_for(home, url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(workers)
    ]
    marks: dict[float, float] = {}
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            with service.library.engine.connect() as conn:
                import sqlalchemy as sa

                done = conn.execute(
                    sa.text("SELECT count(*) FROM jobs WHERE status IN ('done', 'failed')")
                ).scalar_one()
            for frac in (0.1, 0.9):
                if done >= frac * len(ids) and frac not in marks:
                    marks[frac] = time.perf_counter()
            if done >= len(ids):
                break
            time.sleep(0.05)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
        service.library.close()
    return 0.8 * len(ids) / max(marks[0.9] - marks[0.1], 1e-6)


def jobs(args: argparse.Namespace, tmp: Path) -> dict[str, dict[int, float]]:
    pg = Postgres()
    model = SlowModel(0.1)
    out: dict[str, dict[int, float]] = {"io": {}, "cpu": {}}
    try:
        for n in (1, 2, 4):
            files = caption_files(tmp / f"io{n}", args.jobs)
            out["io"][n] = jobs_rate(pg, n, files, model.model, tmp / f"home-io{n}")
            print(f"  jobs waiting on a model (100 ms a call), {n} worker(s): {out['io'][n]:.1f}/s")
        for n in (1, 2, 4):
            files = caption_files(tmp / f"cpu{n}", args.jobs, start=10_000)
            out["cpu"][n] = jobs_rate(pg, n, files, None, tmp / f"home-cpu{n}")
            print(f"  built-in summaries of captions, {n} worker(s): {out['cpu'][n]:.1f}/s")
    finally:
        pg.close()
    return out


def show(label: str, r: dict[str, Any]) -> None:
    c, h = r["cold"], r["hot"]
    print(f"{label}: {r['videos']} videos")
    print(f"  cold video pages   {c['rps']:7.0f} req/s  p99 {c['p99']:7.1f} ms  "
          f"server CPU {c['cpu_ms']:.2f} ms/request  errors {c['errors']}")  # fmt: skip
    print(f"  hot video page     {h['rps']:7.0f} req/s  p99 {h['p99']:7.1f} ms  "
          f"server CPU {h['cpu_ms']:.2f} ms/request  errors {h['errors']}")  # fmt: skip
    print(f"  unseen searches    p50 {r['search_p50']:.1f} ms  p95 {r['search_p95']:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=2000)
    parser.add_argument("--growth", type=int, default=10000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--processes", type=int, default=0, help="web processes (0: default)")
    parser.add_argument("--jobs", type=int, default=120, help="jobs per throughput run")
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    args = parser.parse_args()
    if not CHANNEL_DIR.is_dir():
        print(
            f"error: {CHANNEL_DIR} not found; the benchmark needs ../shared/eval.", file=sys.stderr
        )
        return 1
    if shutil.which("wrk") is None:
        print("error: wrk is not installed; install the Debian package wrk.", file=sys.stderr)
        return 1
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    tmp = Path(tempfile.mkdtemp(prefix="distill-bench-scale-"))
    try:
        home = tmp / "home"
        files = caption_files(tmp / "captions", args.videos)
        rate = ingest(home, files)
        print(f"ingest: `distill summarize` of {len(files)} caption files: {rate:.1f} videos/s")
        first = pages(home, args, tmp)
        show("pages", first)
        if not args.skip_jobs:
            print("jobs on PostgreSQL (distill worker processes, concurrency 1 each):")
            jobs(args, tmp)
        if not args.skip_growth and args.growth > args.videos:
            start = time.perf_counter()
            grow(home, args.growth - 200)
            print(
                f"growth: stored up to {args.growth - 200} videos in {time.perf_counter() - start:.0f} s"
            )
            more = caption_files(tmp / "captions-more", 200, start=args.videos)
            late = ingest(home, more)
            print(f"ingest at {args.growth - 200} videos: {late:.1f} videos/s (was {rate:.1f})")
            second = pages(home, args, tmp)
            show("pages", second)
            for key, name in (("cold", "cold page"), ("hot", "hot page")):
                a, b = first[key]["cpu_ms"], second[key]["cpu_ms"]
                print(
                    f"  {name} CPU {args.videos} -> {second['videos']} videos: {a:.2f} -> {b:.2f} ms"
                )
            print(
                f"  unseen search p95: {first['search_p95']:.1f} -> {second['search_p95']:.1f} ms"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
