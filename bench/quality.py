"""Quality of the built-in summarizer on meetings-dev, next to the classic extractive baselines.

Usage: .venv/bin/python bench/quality.py [--limit N] [--no-baselines] [--eval DIR]

Summary text = tldr + takeaways, scored against the human summaries with ROUGE-1/2/L F1
(rouge-score, use_stemmer=True), averaged over meetings, as ../shared/eval/README.md describes.
`ask` answers are scored against the reference answers with ROUGE-L F1 and token F1.
Baselines (sumy LexRank, TextRank, LSA, Luhn, and lead-k) get the same number of words as
builtin's summary text for each meeting; sumy's nltk tokenizer is replaced by a regex one.
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from distill.domain import Segment, Transcript, VideoMeta  # noqa: E402
from distill.sources import resolve  # noqa: E402
from distill.summarize import ask, summarize  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
_SENT = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*")
_SPEAKER = re.compile(r"^[^:]{1,40}:\s*")


def load_meeting(path: Path) -> Transcript:
    """A meetings-dev .txt file (one `Speaker: text` utterance per line) as a Transcript."""
    segments = []
    for line in path.read_text(encoding="utf-8").splitlines():
        speaker, sep, text = line.partition(": ")
        if not sep:
            speaker, text = "", line
        if text.strip():
            segments.append(Segment(text=text.strip(), speaker=speaker.strip() or None))
    meta = VideoMeta(kind="captions", id=path.stem, title=path.stem)
    return Transcript(meta=meta, language="en", origin="file", segments=segments)


class RegexTokenizer:
    """sumy's tokenizer interface without nltk data: sentences and words by regular expression."""

    language = "english"

    def to_sentences(self, paragraph: str) -> list[str]:
        return [s.strip() for s in _SENT.split(paragraph) if s.strip()]

    def to_words(self, sentence: str) -> list[str]:
        return _WORD.findall(sentence)


def plain_text(path: Path) -> str:
    return "\n".join(
        _SPEAKER.sub("", line).strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )


def take_words(budget: int) -> Callable[[list], list]:
    """A sumy 'count' that keeps best-rated sentences until about `budget` words."""

    def count(infos: list) -> list:
        kept, words = [], 0
        for info in infos:
            if words >= budget:
                break
            kept.append(info)
            words += len(str(info.sentence).split())
        return kept

    return count


def baselines() -> dict[str, Callable[[str, int], str]]:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    def make(cls: type) -> Callable[[str, int], str]:
        def run(text: str, budget: int) -> str:
            doc = PlaintextParser.from_string(text, RegexTokenizer()).document
            s = cls(Stemmer("english"))
            s.stop_words = get_stop_words("english")
            try:
                return " ".join(str(x) for x in s(doc, take_words(budget)))
            except ValueError:  # numpy's LinAlgError: LSA's SVD did not converge on this text
                return ""

        return run

    def lead(text: str, budget: int) -> str:
        out, words = [], 0
        for sent in RegexTokenizer().to_sentences(text):
            if words >= budget:
                break
            out.append(sent)
            words += len(sent.split())
        return " ".join(out)

    return {
        "lead": lead,
        "LexRank": make(LexRankSummarizer),
        "TextRank": make(TextRankSummarizer),
        "LSA": make(LsaSummarizer),
        "Luhn": make(LuhnSummarizer),
    }


def _normal_tokens(text: str) -> list[str]:
    text = "".join(ch for ch in text.lower() if ch not in string.punctuation)
    return [w for w in text.split() if w not in {"a", "an", "the"}]


def token_f1(prediction: str, reference: str) -> float:
    pred, ref = _normal_tokens(prediction), _normal_tokens(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not common:
        return 0.0
    p, r = common / len(pred), common / len(ref)
    return 2 * p * r / (p + r)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL, help="the shared eval folder")
    parser.add_argument("--limit", type=int, default=0, help="only the first N meetings")
    parser.add_argument("--no-baselines", action="store_true", help="skip the sumy baselines")
    parser.add_argument("--no-ask", action="store_true", help="skip the ask questions")
    parser.add_argument(
        "--resolve", action="store_true", help="load meetings with distill.sources.resolve"
    )
    args = parser.parse_args()
    from rouge_score import rouge_scorer

    folder = args.eval / "meetings-dev"
    refs = [json.loads(line) for line in (folder / "refs.jsonl").read_text().splitlines() if line]
    if args.limit:
        refs = refs[: args.limit]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    systems = {} if args.no_baselines else baselines()
    totals: dict[str, list[float]] = {name: [0.0, 0.0, 0.0] for name in ["builtin", *systems]}
    seconds: dict[str, float] = dict.fromkeys(totals, 0.0)
    words_out = 0
    qa_rl, qa_f1, qa_n = 0.0, 0.0, 0
    for ref in refs:
        path = folder / ref["file"]
        reference = " ".join(ref["summary"])
        t0 = time.perf_counter()
        transcript = resolve(str(path)) if args.resolve else load_meeting(path)
        summary = summarize(transcript)
        seconds["builtin"] += time.perf_counter() - t0
        text = " ".join([summary.tldr, *(t.text for t in summary.takeaways)])
        budget = len(text.split())
        words_out += budget
        outputs = {"builtin": text}
        raw = plain_text(path) if systems else ""
        for name, run in systems.items():
            t0 = time.perf_counter()
            outputs[name] = run(raw, budget)
            seconds[name] += time.perf_counter() - t0
        for name, out in outputs.items():
            s = scorer.score(reference, out)
            for k, key in enumerate(("rouge1", "rouge2", "rougeL")):
                totals[name][k] += s[key].fmeasure
        for pair in [] if args.no_ask else ref.get("qa", []):
            answer = ask(transcript, pair["question"]).answer
            qa_rl += scorer.score(pair["answer"], answer)["rougeL"].fmeasure
            qa_f1 += token_f1(answer, pair["answer"])
            qa_n += 1
    n = len(refs)
    print(f"meetings-dev: {n} meetings, builtin summary text {words_out / n:.0f} words on average")
    print(f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'s/meeting':>10}")
    for name, (r1, r2, rl) in totals.items():
        print(
            f"{name:<10} {100 * r1 / n:8.1f} {100 * r2 / n:8.1f} {100 * rl / n:8.1f}"
            f" {seconds[name] / n:10.3f}"
        )
    if qa_n:
        print(
            f"ask ({qa_n} questions): ROUGE-L F1 {100 * qa_rl / qa_n:.1f}, "
            f"token F1 {100 * qa_f1 / qa_n:.1f}"
        )


if __name__ == "__main__":
    main()
