"""Speech-to-text benchmark: word error rate and real-time factor, distill vs a plain faster-whisper call.

    .venv/bin/python bench/asr.py [--minutes 10] [--variants]

- WER on ../shared/eval/asr (lower-cased, punctuation removed), summed over the set.
- Real-time factor (audio seconds / wall seconds) on about 10 minutes of real speech, built in a
  temp dir by joining the eval clips with short pauses (the eval text never enters the project).
- The same default model for both: distill's `transcribe()` with its default settings, and
  `faster_whisper.WhisperModel(path).transcribe(audio)` with default arguments.
- `--variants` also measures decoding variants (beam size, batching, timestamps) to justify the
  defaults. Model loading is timed separately and excluded from the real-time factor.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from distill.transcribe import Decoding, transcribe  # noqa: E402
from distill.transcribe.models import default_model_dir  # noqa: E402
from distill.transcribe.wer import word_errors  # noqa: E402

EVAL_ASR = ROOT.parent / "shared" / "eval" / "asr"
PAUSE_SECONDS = 0.4


def load_refs() -> list[dict[str, str]]:
    lines = (EVAL_ASR / "refs.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def build_long_speech(refs: list[dict[str, str]], minutes: float, out: Path) -> tuple[float, str]:
    """Join the eval clips (with pauses) until `minutes` of audio; return (seconds, reference)."""
    import numpy as np
    from faster_whisper import decode_audio

    clips = [(decode_audio(str(EVAL_ASR / r["file"])), r["text"]) for r in refs]
    pause = np.zeros(int(PAUSE_SECONDS * 16000), dtype=np.float32)
    parts: list[Any] = []
    texts: list[str] = []
    total = 0
    while total < minutes * 60 * 16000:
        for audio, text in clips:
            parts += [audio, pause]
            texts.append(text)
            total += audio.shape[0] + pause.shape[0]
    samples = np.concatenate(parts)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.tobytes())
    return samples.shape[0] / 16000, " ".join(texts)


def run_distill(path: Path, decoding: Decoding) -> tuple[str, float]:
    result = transcribe(path, decoding=decoding)
    return " ".join(s.text for s in result.segments), result.duration


def run_plain(model: Any, path: Path) -> tuple[str, float]:
    segments, info = model.transcribe(str(path))
    return " ".join(s.text.strip() for s in segments), float(info.duration)


def measure(
    name: str, run: Any, refs: list[dict[str, str]], long_file: Path, long_ref: str
) -> dict:
    errors = words = 0
    for ref in refs:
        hyp, _ = run(EVAL_ASR / ref["file"])
        e, n = word_errors(ref["text"], hyp)
        errors += e
        words += n
    start = time.perf_counter()
    cpu_start = time.process_time()
    hyp, seconds = run(long_file)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    long_errors, long_words = word_errors(long_ref, hyp)
    row = {
        "name": name,
        "wer_eval": round(errors / words, 4),
        "wer_long": round(long_errors / long_words, 4),
        "audio_s": round(seconds, 1),
        "wall_s": round(wall, 2),
        "rtf": round(seconds / wall, 1),
        "cpu_s": round(cpu, 2),
    }
    print(
        f"{name:<34} WER(eval) {row['wer_eval']:6.1%}  WER(long) {row['wer_long']:6.1%}  "
        f"{row['audio_s']:7.1f} s audio in {row['wall_s']:6.2f} s  = {row['rtf']:5.1f}x real time  "
        f"(CPU {row['cpu_s']:6.1f} s)",
        flush=True,
    )
    return row


def progress_timeline(path: Path) -> None:
    """When the reported audio seconds move while one file is transcribed (model already loaded)."""
    moves: list[tuple[float, float]] = []
    start = time.perf_counter()

    def record(stage: str, done: float, total: float | None) -> None:
        if not moves or done > moves[-1][1]:
            moves.append((time.perf_counter() - start, done))

    result = transcribe(path, progress=record)
    wall = time.perf_counter() - start
    times = [t for t, done in moves if done > 0]
    gaps = [b - a for a, b in zip([0.0, *times], times, strict=False)]
    print(
        f"progress: {result.duration:.0f} s of audio in {wall:.1f} s; first move after "
        f"{times[0]:.1f} s, {len({round(t, 1) for t in times})} distinct moments, longest wait "
        f"{max(gaps):.1f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--minutes", type=float, default=10.0, help="length of the speed test audio"
    )
    parser.add_argument("--variants", action="store_true", help="also measure decoding variants")
    parser.add_argument("--only", default="", help="semicolon-separated variant names to run")
    args = parser.parse_args()
    if not EVAL_ASR.is_dir():
        print(f"eval data not found at {EVAL_ASR}", file=sys.stderr)
        return 1
    from faster_whisper import WhisperModel

    from distill.transcribe.engine import cpu_threads
    from distill.transcribe.models import load_model

    refs = load_refs()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (shared machine)")
    with tempfile.TemporaryDirectory(prefix="distill-bench-asr-") as tmp:
        long_file = Path(tmp) / "speech.wav"
        seconds, long_ref = build_long_speech(refs, args.minutes, long_file)
        print(f"speed test: {seconds:.0f} s of real speech ({len(refs)} eval clips, repeated)")

        t = time.perf_counter()
        load_model("default", cpu_threads=cpu_threads())
        print(f"distill model load {time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        plain = WhisperModel(str(default_model_dir()))
        print(f"plain model load   {time.perf_counter() - t:.2f} s")

        progress_timeline(long_file)
        rows = [
            measure(
                "distill default", lambda p: run_distill(p, Decoding()), refs, long_file, long_ref
            ),
            measure(
                "plain WhisperModel().transcribe()",
                lambda p: run_plain(plain, p),
                refs,
                long_file,
                long_ref,
            ),
        ]
        if args.variants:
            variants = {
                "beam 1": Decoding(beam_size=1),
                "beam 3": Decoding(beam_size=3),
                "batch 1": Decoding(batch_size=1),
                "batch 2": Decoding(batch_size=2),
                "batch 4": Decoding(batch_size=4),
                "batch 8, one progress step per batch": Decoding(progress_steps=0),
                "batch 16": Decoding(batch_size=16, progress_steps=0),
                "no word timestamps": Decoding(word_timestamps=False),
                "with timestamp tokens, beam 1": Decoding(
                    without_timestamps=False, word_timestamps=False, beam_size=1
                ),
                "sequential, beam 1": Decoding(
                    batched=False, without_timestamps=False, word_timestamps=False, beam_size=1
                ),
            }
            wanted = {v.strip() for v in args.only.split(";") if v.strip()}
            for name, decoding in variants.items():
                if wanted and name not in wanted:
                    continue
                rows.append(
                    measure(
                        name, lambda p, d=decoding: run_distill(p, d), refs, long_file, long_ref
                    )
                )
    mine, base = rows[0], rows[1]
    print(
        f"distill vs plain: {mine['rtf'] / base['rtf']:.2f}x faster, "
        f"WER {mine['wer_eval']:.1%} vs {base['wer_eval']:.1%} (eval), "
        f"{mine['wer_long']:.1%} vs {base['wer_long']:.1%} (long)"
    )
    cores = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
    for row in rows[:2]:
        # On a busy machine wall time is mostly waiting; CPU seconds spread over free cores is
        # what the same run would take alone (an estimate, labelled as such).
        print(
            f"{row['name']}: {row['audio_s'] / (row['cpu_s'] / cores):.1f}x real time if its "
            f"{cores} cores were free (estimate from {row['cpu_s']:.1f} CPU s)"
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
