"""Speed and peak memory of the built-in summarizer on 1k, 10k and 100k words, next to LexRank.

Usage: .venv/bin/python bench/speed.py [--eval DIR] [--lexrank-100k] [--repeat N] [--sizes N,...] [--no-lexrank]

The long transcripts are built by joining channel-dev captions (times shifted so they stay in
order). Seconds are the best of --repeat runs (and builtin's median CPU seconds, with the
speed-up it gives); peak memory is measured in a separate run with tracemalloc (Python allocations). sumy's LexRank gets the same text with a regex tokenizer and is
asked for as many words as builtin's TL;DR + takeaways; on 100k words it is quadratic and slow,
so it runs there only with --lexrank-100k.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from distill.domain import Segment, Transcript, VideoMeta  # noqa: E402
from distill.sources import resolve  # noqa: E402
from distill.summarize import summarize  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
SIZES = (1_000, 10_000, 100_000)


def joined_captions(folder: Path, words: int) -> Transcript:
    """A transcript of about `words` words made of the channel's captions, one after another."""
    files = sorted(folder.glob("*.srt"))
    if not files:
        raise SystemExit(f"no .srt files in {folder}")
    loaded = [resolve(str(f)) for f in files]
    segments: list[Segment] = []
    count, offset = 0, 0.0
    while count < words:
        for t in loaded:
            for s in t.segments:
                start = (s.start or 0.0) + offset
                end = (s.end or s.start or 0.0) + offset
                segments.append(Segment(start=start, end=end, text=s.text))
                count += len(s.text.split())
                if count >= words:
                    break
            offset = segments[-1].end or offset
            if count >= words:
                break
    meta = VideoMeta(kind="captions", id=f"joined-{words}", title=f"{words} words of captions")
    return Transcript(meta=meta, language="en", segments=segments)


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Best wall-clock, best CPU and median CPU seconds of `repeat` runs.

    CPU time is robust on a busy machine; the median shows how typical the best run is.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), statistics.median(cpus)


def peak_mib(run: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def lexrank(text: str, budget: int) -> Callable[[], object]:
    from quality import RegexTokenizer, take_words
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    def run() -> object:
        doc = PlaintextParser.from_string(text, RegexTokenizer()).document
        s = LexRankSummarizer(Stemmer("english"))
        s.stop_words = get_stop_words("english")
        return s(doc, take_words(budget))

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL, help="the shared eval folder")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per size (best kept)")
    parser.add_argument("--lexrank-100k", action="store_true", help="also run LexRank on 100k")
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        default=list(SIZES),
        help="comma-separated transcript sizes in words (default 1000,10000,100000)",
    )
    parser.add_argument("--no-lexrank", action="store_true", help="time builtin only")
    args = parser.parse_args()
    folder = args.eval / "channel-dev"
    summarize(joined_captions(folder, 500))  # warm up imports and caches
    print(
        f"{'words':>8} {'builtin s':>10} {'cpu s':>7} {'cpu med':>8} {'peak MiB':>9}"
        f" {'LexRank s':>10} {'cpu s':>7} {'peak MiB':>9} {'speed-up':>9} {'by med':>7}"
    )
    for size in args.sizes:
        t = joined_captions(folder, size)
        summary = summarize(t)
        budget = len(" ".join([summary.tldr, *(x.text for x in summary.takeaways)]).split())
        ours, ours_cpu, ours_med = timed(
            lambda t=t: summarize(t), args.repeat if size < 100_000 else 1
        )
        ours_mem = peak_mib(lambda t=t: summarize(t))
        row = f"{t.word_count:>8} {ours:>10.3f} {ours_cpu:>7.3f} {ours_med:>8.3f} {ours_mem:>9.1f}"
        if not args.no_lexrank and (size < 100_000 or args.lexrank_100k):
            run = lexrank("\n".join(s.text for s in t.segments), budget)
            theirs, theirs_cpu, _ = timed(run, 1)
            theirs_mem = peak_mib(run)
            speedup = theirs_cpu / max(ours_cpu, 1e-9)
            by_median = theirs_cpu / max(ours_med, 1e-9)
            row += f" {theirs:>10.3f} {theirs_cpu:>7.3f} {theirs_mem:>9.1f} {speedup:>8.0f}x"
            row += f" {by_median:>6.0f}x"
        else:
            row += f" {'skipped':>10} {'':>7} {'':>9} {'':>9} {'':>7}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
