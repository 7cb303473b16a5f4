"""Where the CPU of `distill summarize` goes, per video and per stage, on caption files.

Usage: .venv/bin/python bench/ingest_cost.py [--videos 200]

Runs the stages `Distill.summarize` runs for a caption file (find a stored id, parse, store the
transcript, built-in summary, store the summary, index for search), one after another in one
process on a fresh SQLite library, and prints the CPU time (not wall time, so a busy machine
changes it less) each stage takes per video. The files are bench/scale.py's copies of the
channel-dev captions.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=200)
    args = parser.parse_args()
    import scale

    with tempfile.TemporaryDirectory(prefix="distill-bench-") as tmp:
        os.environ["DISTILL_HOME"] = str(Path(tmp) / "home")
        from distill.service import Distill

        files = [str(p) for p in scale.caption_files(Path(tmp) / "captions", args.videos + 3)]
        spent: dict[str, float] = {}
        with Distill() as service:
            for f in files[:3]:  # warm: the library, the embedding model, lazy imports
                service.summarize(f)
            for f in files[3:]:
                t = time.process_time()

                def tick(stage: str) -> None:
                    nonlocal t
                    now = time.process_time()
                    spent[stage] = spent.get(stage, 0.0) + now - t
                    t = now

                service.stored_video_id(f)
                tick("is it stored? (id lookup)")
                transcript = service.fetch(f)
                tick("parse the caption file")
                video_id = service.library.save_transcript(transcript)
                tick("store the transcript")
                summary = service.summarize_transcript(transcript)
                tick("built-in summary")
                service.library.save_summary(video_id, summary)
                tick("store the summary")
                service.index(video_id)
                tick("index (passages, vectors)")
    n = args.videos
    print(f"CPU per video over {n} caption files (one process):")
    for stage, secs in spent.items():
        print(f"  {stage:28s} {1000 * secs / n:6.1f} ms")
    total = sum(spent.values()) / n
    print(f"  {'total':28s} {1000 * total:6.1f} ms  = {1 / total:.0f} videos per CPU-second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
