"""Ask the library: retrieval quality on meetings-dev, and speed at 2,000 videos.

Usage: .venv/bin/python bench/ask_library.py [--videos 2000] [--queries 200] [--skip-speed]
       [--eval DIR]

1. All 35 meetings of meetings-dev go into one library; each of their questions is asked of the
   whole library (`distill ask --library`, built-in) with full-text retrieval alone and with the
   hybrid (full-text + vectors, rank fusion). Printed: how often the top citation, and any of
   the top five, is from the right meeting; the answer's ROUGE-L F1 against the reference
   answer (rouge-score, use_stemmer=True).
2. channel-dev's 28 videos are stored again and again under new ids up to --videos; printed:
   the index build rate (`distill reindex`: passages and vectors, videos per second), and the
   p50/p95 latency of hybrid search and of the built-in library ask over many queries.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from distill.domain import Segment, Transcript, VideoMeta  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def load_meeting(path: Path) -> Transcript:
    """A meetings-dev .txt file (one `Speaker: text` utterance per line) as a Transcript."""
    segments = []
    for line in path.read_text(encoding="utf-8").splitlines():
        speaker, sep, text = line.partition(": ")
        if not sep:
            speaker, text = "", line
        if text.strip():
            segments.append(Segment(text=text.strip(), speaker=speaker.strip() or None))
    meta = VideoMeta(kind="captions", id=path.stem, title=f"Meeting {path.stem}")
    return Transcript(meta=meta, language="en", origin="file", segments=segments)


def quality(eval_dir: Path, workdir: Path) -> None:
    from rouge_score import rouge_scorer

    from distill.library import Library
    from distill.service import Distill

    refs = [json.loads(line) for line in (eval_dir / "meetings-dev" / "refs.jsonl").open()]
    lib = Library(f"sqlite:///{workdir / 'meetings.db'}")
    service = Distill(lib)
    t0 = time.perf_counter()
    for ref in refs:
        lib.save_transcript(load_meeting(eval_dir / "meetings-dev" / ref["file"]))
    done = service.reindex()
    print(
        f"meetings-dev: {len(refs)} meetings, {done.passages} passages indexed in "
        f"{time.perf_counter() - t0:.1f} s ({done.model})"
    )
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    rows = []
    for mode in ("fulltext", "hybrid"):
        top1 = top5 = n = 0
        rouge = 0.0
        times = []
        for ref in refs:
            for pair in ref["qa"]:
                start = time.perf_counter()
                answer = service.ask_library(pair["question"], mode=mode)
                times.append(time.perf_counter() - start)
                cited = [c.video_id for c in answer.citations]
                n += 1
                top1 += bool(cited) and cited[0] == ref["id"]
                top5 += ref["id"] in cited[:5]
                text = answer.answer if answer.found else ""
                rouge += scorer.score(pair["answer"], text)["rougeL"].fmeasure
        rows.append((mode, n, top1 / n, top5 / n, rouge / n, statistics.median(times)))
    print()
    print(
        "| retrieval | questions | top-1 right meeting | top-5 right meeting | ROUGE-L F1 | median ask |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for mode, n, t1, t5, rl, med in rows:
        name = "full-text only" if mode == "fulltext" else "hybrid (full-text + vectors, RRF)"
        print(f"| {name} | {n} | {t1:.3f} | {t5:.3f} | {rl * 100:.2f} | {med * 1000:.0f} ms |")
    lib.close()


def speed(eval_dir: Path, workdir: Path, videos: int, queries: int) -> None:
    from distill.library import Library
    from distill.service import Distill
    from distill.sources import resolve

    channel = eval_dir / "channel-dev"
    files = sorted(channel.glob("*.en.srt"))
    originals = [resolve(str(f)) for f in files]
    lib = Library(f"sqlite:///{workdir / 'channel.db'}")
    service = Distill(lib)
    t0 = time.perf_counter()
    for n in range(videos):
        t = originals[n % len(originals)]
        meta = t.meta.model_copy(
            update={
                "id": f"{t.meta.id}-{n:05d}",
                "title": f"{t.meta.title} (copy {n // len(originals) + 1})",
                "channel": "3Blue1Brown",
            }
        )
        lib.save_transcript(t.model_copy(update={"meta": meta}))
    stored = time.perf_counter() - t0
    print(f"\nchannel-dev x {videos}: stored {videos} videos in {stored:.1f} s")

    t0, c0 = time.perf_counter(), time.process_time()
    done = service.reindex()
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"index build (`distill reindex`): {done.videos} videos, {done.passages} passages in "
        f"{took:.1f} s = {done.videos / took:.0f} videos/s "
        f"({cpu:.1f} s of CPU = {done.videos / cpu:.0f} videos per CPU-second)"
    )
    t0 = time.perf_counter()
    lib.vectors.refresh()
    print(
        f"vector index loaded into memory: {len(lib.vectors)} vectors in {time.perf_counter() - t0:.2f} s"
    )

    words = [w for t in originals for s in t.segments[::40] for w in s.text.split() if len(w) > 5]
    rng = random.Random(7)
    questions = [
        rng.choice(
            [
                "what is an eigenvector",
                "how does the determinant scale area",
                "why is the derivative the slope of a tangent line",
                "explain the dot product and its duality",
                "what is a linear transformation",
                "how do you compute a cross product",
                "what does the chain rule say",
                "what is the area under a curve",
            ]
        )
        + " "
        + rng.choice(words).strip(".,?!").lower()
        for _ in range(queries)
    ]
    service.search(questions[0])  # warm: load the model and the index
    service.ask_library(questions[0])

    def timed(fn) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
        wall, cpu = [], []
        for q in questions:
            start, c0 = time.perf_counter(), time.process_time()
            fn(q)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - c0)
        return sorted(wall), sorted(cpu)

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(len(values) * p))] * 1000

    for name, fn, budget in (
        ("hybrid search (one page of 20)", lambda q: service.search(q, limit=20), 30),
        ("built-in library ask", lambda q: service.ask_library(q), 300),
    ):
        wall, cpu = timed(fn)
        p95 = pct(wall, 0.95)
        verdict = "ok" if p95 <= budget else "OVER"
        print(
            f"{name}: p50 {pct(wall, 0.5):.1f} ms, p95 {p95:.1f} ms over {len(wall)} queries "
            f"(budget {budget} ms: {verdict}); CPU time per query p50 {pct(cpu, 0.5):.1f} ms, "
            f"p95 {pct(cpu, 0.95):.1f} ms"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(load average at the end: {load:.1f} on {os.cpu_count()} cores)")
    lib.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--videos", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    if not (args.eval / "meetings-dev").is_dir():
        sys.exit(f"no evaluation data at {args.eval}; pass --eval DIR")
    with tempfile.TemporaryDirectory(prefix="distill-ask-bench-") as tmp:
        os.environ.setdefault("DISTILL_HOME", tmp)
        if not args.skip_quality:
            quality(args.eval, Path(tmp))
        if not args.skip_speed:
            speed(args.eval, Path(tmp), args.videos, args.queries)


if __name__ == "__main__":
    main()
