"""Benchmark the library: parse and store the channel-dev captions, then time 100 searches.

Usage: .venv/bin/python bench/ingest.py [--url DATABASE_URL] [--searches N]
Default database: a fresh SQLite file in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"
CHANNEL_DIR = EVAL_DIR / "channel-dev"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--searches", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    if not CHANNEL_DIR.is_dir():
        print(
            f"error: {CHANNEL_DIR} not found; the benchmark needs ../shared/eval.", file=sys.stderr
        )
        return 1

    from distill.domain import Transcript
    from distill.library import Library
    from distill.library.query import words
    from distill.sources import resolve

    tmp = tempfile.TemporaryDirectory(prefix="distill-bench-")
    url = args.url or f"sqlite:///{Path(tmp.name) / 'distill.db'}"
    infos = [
        json.loads(line)
        for line in (CHANNEL_DIR / "videos.jsonl").read_text().splitlines()
        if line.strip()
    ]

    def load(info: dict[str, str]) -> Transcript:
        """The caption file parsed by distill.sources, with the title and channel of the video."""
        transcript = resolve(str(CHANNEL_DIR / info["file"]))
        meta = transcript.meta.model_copy(
            update={"title": info["title"], "channel": info["channel"], "url": info["url"]}
        )
        return transcript.model_copy(update={"meta": meta})

    with Library(url) as lib:
        # Parse and store, timed separately and together.
        t_parse = t_store = 0.0
        n_segments = 0
        vocabulary: list[str] = []
        cpu0 = time.process_time()
        for info in infos:
            t0 = time.perf_counter()
            transcript = load(info)
            t1 = time.perf_counter()
            lib.save_transcript(transcript)
            t2 = time.perf_counter()
            t_parse += t1 - t0
            t_store += t2 - t1
            n_segments += len(transcript.segments)
            vocabulary.extend(w for s in transcript.segments for w in words(s.text) if len(w) > 3)
        total = t_parse + t_store
        cpu = time.process_time() - cpu0
        n = len(infos)
        print(
            f"database        {lib.dialect} ({'temporary file' if not args.url else 'given URL'})"
        )
        print(f"ingested        {n} videos, {n_segments} segments in {total:.3f} s "
              f"(parse {t_parse:.3f} s, store {t_store:.3f} s; CPU {cpu:.3f} s)")  # fmt: skip
        print(f"throughput      {n / total:.1f} videos/s, {n_segments / total:.0f} segments/s "
              f"(store only: {n / t_store:.1f} videos/s, {n_segments / t_store:.0f} segments/s)")  # fmt: skip

        # Re-ingesting must update in place, never add videos.
        t0 = time.perf_counter()
        for info in infos[:5]:
            lib.save_transcript(load(info))
        print(f"re-ingest       5 videos in {time.perf_counter() - t0:.3f} s; videos stored: "
              f"{lib.count_videos()}")  # fmt: skip

        # Queries drawn from the corpus itself: single words, word pairs, words wrapped in syntax.
        rng = random.Random(args.seed)
        queries: list[str] = []
        for i in range(args.searches):
            a, b = rng.choice(vocabulary), rng.choice(vocabulary)
            queries.append([a, f"{a} {b}", f'"{a}" -{b}*', f"{a}:({b}"][i % 4])
        lib.search("warm up")
        times: list[float] = []
        hits = 0
        for q in queries:
            t0 = time.perf_counter()
            found = lib.search(q, limit=20)
            times.append((time.perf_counter() - t0) * 1000)
            hits += len(found)
        print(f"search          {len(queries)} queries, {hits / len(queries):.1f} hits/query; "
              f"p50 {statistics.median(times):.2f} ms, p95 {percentile(times, 95):.2f} ms, "
              f"max {max(times):.2f} ms")  # fmt: skip
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
