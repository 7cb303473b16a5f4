"""Readability of the built-in summary: what a reader sees, on channel-dev and meetings-dev.

Usage: .venv/bin/python bench/readability.py [--eval DIR] [--show N] [--pages SLUG,...] [--no-rouge]

Prints, for channel-dev (titles from videos.jsonl, as a YouTube fetch gives them) and
meetings-dev, the figures of the readability issue:
- template questions: questions of the form "What is said about X?" (in any language we write);
- TL;DRs that open on a dangling word: a word or phrase pointing back at something said before
  (It, They, Those, So, And, But, Or, Of course, For example...), which the TL;DR, read first and
  on its own, never includes (DANGLING below);
- insights and takeaways that open on such a word (a list item is read on its own too);
- TL;DRs that do not name the topic: no word of the title's topic (the title before any "|",
  stop words and words like "part" or "version" left out) is in the TL;DR, compared by Porter
  stems. Meetings have no title: their topic is the words of the reference topics of refs.jsonl;
- items that drop a letter or number the speaker said: a TL;DR sentence, insight, takeaway or
  answer of the summary, found in the source file's own words, leaves out a single letter (other
  than "a" and "I") or a token with a digit that the source says inside the item's stretch of
  speech (or right at its edge, with no punctuation in between). A letter said just before a
  word it begins ("w we") is a false start and may go;
- chapter titles made only of numbers, letters and operator words ("1 plus 3").
Then the ROUGE of bench/quality.py on meetings-dev (summary text = tldr + takeaways), and the
chapters read from the descriptions of youtube-chapters-dev against their expected lists.
--show N prints up to N examples of each fault; --pages prints the summary pages of some
channel-dev slugs (or meeting ids) as a reader sees them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from distill.domain import Summary, Transcript  # noqa: E402
from distill.errors import SummarizeError  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"

# ---- definitions -------------------------------------------------------------------------------

# Words and phrases that point back at something said before, or join on to it: read first, a
# TL;DR that opens on one of them points at nothing.
DANGLING = frozenset(
    [
        "it",
        "it's",
        "its",
        "itself",
        "they",
        "they're",
        "they've",
        "them",
        "their",
        "theirs",
        "themselves",
        "those",
        "these",
        "this",
        "that",
        "that's",
        "he",
        "he's",
        "she",
        "she's",
        "his",
        "her",
        "him",
        "which",
        "whose",
        "such",
        "so",
        "and",
        "but",
        "or",
        "nor",
        "also",
        "then",
        "thus",
        "hence",
        "therefore",
        "because",
        "yet",
        "still",
        "instead",
        "otherwise",
        "again",
        "another",
        "likewise",
        "similarly",
        "plus",
        "both",
    ]
)
DANGLING_PHRASES = (
    "of course",
    "for example",
    "for instance",
    "in other words",
    "in that case",
    "in this case",
    "in fact",
    "on the other hand",
    "as a result",
    "after all",
    "even so",
    "the other",
    "the same",
    "at that point",
)
# "This video ...", "this meeting ...": the words point at the recording itself, not back.
SELF = frozenset(
    [
        "video",
        "talk",
        "lecture",
        "lesson",
        "series",
        "episode",
        "chapter",
        "channel",
        "course",
        "meeting",
        "session",
        "presentation",
        "podcast",
        "project",
        "week",
    ]
)
# Title words that say what kind of video it is, not what it is about.
NOT_TOPIC = frozenset(
    [
        "part",
        "chapter",
        "episode",
        "version",
        "old",
        "new",
        "video",
        "series",
        "essence",
        "proof",
        "take",
        "nontraditional",
        "discussion",
        "discussions",
        "presentation",
        "presentations",
        "meeting",
        "meetings",
        "introduction",
        "announcement",
        "brief",
        "individual",
        "general",
        "various",
        "talking",
    ]
)
OPERATORS = frozenset(
    [
        "plus",
        "minus",
        "times",
        "equals",
        "equal",
        "over",
        "squared",
        "cubed",
        "negative",
        "positive",
        "divided",
        "root",
        "power",
        "sum",
        "product",
        "of",
        "by",
        "to",
        "the",
        "and",
        "is",
        "a",
        "an",
    ]
)
NUMBER_WORDS = frozenset(
    [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "hundred",
        "thousand",
        "million",
        "half",
    ]
)
TEMPLATE = re.compile(
    r"^(?:what (?:is|was|are|were) (?:said|discussed|mentioned) (?:about|on)\b"
    r"|¿qué se dice (?:sobre|de)\b|que dit-on de\b|was wird über\b.*\bgesagt"
    r"|che cosa si dice di\b|o que se diz sobre\b|wat wordt er gezegd over\b)",
    re.IGNORECASE,
)
HESITATION = re.compile(r"u+h*m*h*|e+h+m*|e+r+m*|a+h+|h+m+|m+|mhm|uh-huh|mm-hmm|hmm+")
TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_STEMMER = None


def stem(word: str) -> str:
    """Porter stem of a lower-cased word (nltk's, as rouge-score uses)."""
    global _STEMMER
    if _STEMMER is None:
        from nltk.stem.porter import PorterStemmer

        _STEMMER = PorterStemmer()
    return _STEMMER.stem(word.lower().replace("’", "'"))


def stop_words() -> frozenset[str]:
    from sumy.utils import get_stop_words

    return frozenset(get_stop_words("english"))


def dangling_opening(text: str) -> str | None:
    """The word or phrase a text opens on that points back at something before it, if any."""
    low = text.lower().replace("’", "'").lstrip(" \"'“(")
    for phrase in DANGLING_PHRASES:
        if re.match(re.escape(phrase) + r"\b", low):
            return phrase
    tokens = re.findall(r"[a-z]+(?:'[a-z]+)*", low[:80])
    if not tokens:
        return None
    first = tokens[0]
    if first in ("this", "that", "these", "those") and len(tokens) > 1 and tokens[1] in SELF:
        return None
    return first if first in DANGLING else None


def topic_stems(title: str, stops: frozenset[str]) -> set[str]:
    """The stems of the words of a title that say what it is about."""
    head = title.split("|")[0]
    return {
        stem(w)
        for w in TOKEN.findall(head.lower())
        if len(w) > 1 and not w.isdigit() and w not in stops and w not in NOT_TOPIC
    }


def names_topic(tldr: str, topic: set[str]) -> bool:
    return bool(topic & {stem(w) for w in TOKEN.findall(tldr.lower())})


def only_numbers_or_operators(title: str) -> bool:
    """A chapter title with no word but numbers, single letters and operator words."""
    words = TOKEN.findall(title.lower())
    return bool(words) and all(
        w.isdigit() or len(w) == 1 or w in OPERATORS or w in NUMBER_WORDS or w.isnumeric()
        for w in words
    )


# ---- fidelity: items against the source's own words -------------------------------------------


@dataclass
class Source:
    """The words of a source file in order: tokens, lower-cased forms, what precedes each."""

    tokens: list[str] = field(default_factory=list)
    lower: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)  # text between a token and the one before
    where: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, text: str) -> None:
        end = 0
        for m in TOKEN.finditer(text):
            gap = text[end : m.start()]
            if end == 0:
                gap = ". " + gap  # a new line of the file: a new cue or utterance
            end = m.end()
            word = m.group()
            self.where[word.lower().replace("’", "'")].append(len(self.tokens))
            self.tokens.append(word)
            self.lower.append(word.lower().replace("’", "'"))
            self.gaps.append(gap)

    def counted(self, i: int) -> bool:
        """A token that must not be lost: a single letter (not a, I) or one with a digit."""
        w = self.tokens[i]
        if any(ch.isdigit() for ch in w):
            return True
        if len(w) != 1 or not w.isalpha() or w in "aiI":
            return False
        if w == "A":  # the letter A, unless it is the article opening a sentence
            return not re.search(r"[.!?:]\s*$", self.gaps[i])
        return True

    def joined(self, i: int) -> bool:
        """Token i follows the one before with no punctuation, or a comma between two counted."""
        gap = self.gaps[i].strip()
        return not gap or (gap == "," and self.counted(i) and self.counted(i - 1))

    def false_start(self, i: int) -> bool:
        """A letter said just before a word it begins ("w we", "l l attempting") or said twice
        ("b b"), or in lower case right beside a hesitation ("uh w some", "s uh as")."""
        w, low = self.tokens[i], self.lower
        if len(w) != 1:
            return False
        after = low[i + 1] if i + 1 < len(low) else ""
        if after.startswith(w.lower()) and not self.gaps[i + 1].strip():
            return True
        before = low[i - 1] if i else ""
        if before == low[i] and not self.gaps[i].strip():  # "b b": one of them may go
            return True
        return w.islower() and any(HESITATION.fullmatch(x) for x in (before, after))


def srt_words(path: Path) -> Source:
    src = Source()
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8-sig")):
        lines = [ln for ln in block.strip().splitlines() if ln.strip()]
        text = [ln for ln in lines if "-->" not in ln and not ln.strip().isdigit()]
        if text:
            src.add(re.sub(r"<[^>]+>", "", " ".join(text)))
    return src


def meeting_words(path: Path) -> Source:
    src = Source()
    for line in path.read_text(encoding="utf-8").splitlines():
        src.add(line.partition(": ")[2] if ": " in line else line)
    return src


WINDOW = 12  # source tokens searched for the next word of an item
_END = re.compile(r"[.!?]")
_LABEL = re.compile(r"^[A-Z][^:]{0,80}:\s+")
_SENTENCES = re.compile(r"(?<=[.!?])(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bMrs\.)\s+(?=\S)")


def _match(src: Source, tokens: list[str], pos: int, step: int) -> list[int]:
    """Source positions of some words matched one by one from `pos`, forwards (step 1) or
    backwards (-1), each within WINDOW of the last one found (-1: not found)."""
    out = []
    for tok in tokens:
        found = -1
        stop = min(len(src.lower), pos + WINDOW) if step > 0 else max(-1, pos - WINDOW)
        for q in range(pos, stop, step):
            if src.lower[q] == tok:
                found = q
                break
        out.append(found)
        if found >= 0:
            pos = found + step
    return out


def lost_tokens(src: Source, text: str) -> list[str] | None:
    """Letters and numbers of the source inside an item's stretch that the item leaves out.

    The item is found around each place the source says its rarest word; its other words are
    matched from there, forwards and backwards. None when too few of its words are found.
    """
    item = [t.lower().replace("’", "'") for t in TOKEN.findall(text)]
    if not item:
        return []
    counts = {t: len(src.where.get(t, ())) for t in item}
    anchors = [j for j, t in enumerate(item) if counts[t]]
    if not anchors:
        return None
    j = min(anchors, key=lambda k: (counts[item[k]] if len(item[k]) > 2 else 10**9, k))
    best: list[int] = []
    best_key = (-1, 0, 0)
    for p in src.where[item[j]][:400]:
        before = _match(src, item[:j][::-1], p - 1, -1)[::-1]
        matched = [*before, p, *_match(src, item[j + 1 :], p + 1, 1)]
        hits = [q for q in matched if q >= 0]
        # Most words found, then the fewest sentence ends crossed, then the tightest stretch.
        ends = sum(1 for q in range(hits[0] + 1, hits[-1] + 1) if _END.search(src.gaps[q]))
        key = (len(hits), -ends, -(hits[-1] - hits[0]))
        if key > best_key:
            best, best_key = matched, key
            if len(hits) == len(item) and not ends:
                break
    if best_key[0] < max(2, 0.8 * len(item)):
        return None
    kept = {q for q in best if q >= 0}
    first, last = min(kept), max(kept)
    # Letters and numbers right at the edge of the stretch, joined on to it ("the vector 1, 1").
    while first > 0 and src.counted(first - 1) and src.joined(first):
        first -= 1
    while last + 1 < len(src.tokens) and src.counted(last + 1) and src.joined(last + 1):
        last += 1
    return [
        src.tokens[q]
        for q in range(first, last + 1)
        if q not in kept and src.counted(q) and not src.false_start(q)
    ]


def items_of(summary: Summary) -> list[tuple[str, str]]:
    """(kind, text) of every item a reader reads: TL;DR sentences, insights, takeaways, answers."""
    out = [("tldr", sentence) for sentence in _SENTENCES.split(summary.tldr) if sentence]
    out += [("insight", i.text) for i in summary.insights]
    # A takeaway may say who said it ("Marketing: ..."): the words said follow the label.
    out += [("takeaway", _LABEL.sub("", t.text, count=1)) for t in summary.takeaways]
    out += [("answer", q.answer) for q in summary.qa]
    return out


# ---- one data set ------------------------------------------------------------------------------


@dataclass
class Figures:
    name: str
    summaries: int = 0
    questions: int = 0
    template: list[str] = field(default_factory=list)
    dangling: list[str] = field(default_factory=list)
    shown: int = 0  # insights and takeaways
    shown_dangling: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)
    items: int = 0
    dropping: list[str] = field(default_factory=list)
    unfound: list[str] = field(default_factory=list)
    titles: int = 0
    bad_titles: list[str] = field(default_factory=list)
    answers: int = 0
    answers_dropping: list[str] = field(default_factory=list)
    seconds: float = 0.0
    refused: int = 0

    def add(self, key: str, summary: Summary, src: Source, topic: set[str]) -> None:
        self.summaries += 1
        for q in summary.qa:
            self.questions += 1
            if TEMPLATE.match(q.question):
                self.template.append(f"{key}: {q.question}")
        opening = dangling_opening(summary.tldr)
        if opening:
            self.dangling.append(f"{key}: [{opening}] {summary.tldr}")
        for kind, text in items_of(summary):
            if kind in ("insight", "takeaway"):
                self.shown += 1
                if opening := dangling_opening(text):
                    self.shown_dangling.append(f"{key} {kind}: [{opening}] {text}")
        if topic and not names_topic(summary.tldr, topic):
            self.unnamed.append(f"{key}: ({' '.join(sorted(topic))}) {summary.tldr}")
        for kind, text in items_of(summary):
            self.items += 1
            lost = lost_tokens(src, text)
            if lost is None:
                self.unfound.append(f"{key} {kind}: {text}")
            elif lost:
                self.dropping.append(f"{key} {kind}: lost {' '.join(lost)} | {text}")
        for c in summary.chapters:
            self.titles += 1
            if only_numbers_or_operators(c.title):
                self.bad_titles.append(f"{key}: {c.title}")

    def add_answer(self, key: str, texts: Iterable[str], src: Source) -> None:
        for text in texts:
            self.answers += 1
            for part in text.split(" … "):
                lost = lost_tokens(src, part)
                if lost:
                    self.answers_dropping.append(f"{key}: lost {' '.join(lost)} | {part}")
                    break


def _pct(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100 * part / max(1, whole):.1f}%)"


def channel_dev(folder: Path, stops: frozenset[str], pages: set[str]) -> Figures:
    from distill.sources import resolve
    from distill.summarize import summarize

    fig = Figures("channel-dev")
    videos = {}
    for line in (folder / "videos.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            v = json.loads(line)
            videos[v["file"]] = v
    for path in sorted(folder.glob("*.srt")):
        t = resolve(str(path))
        v = videos.get(path.name, {})
        if v:  # as a fetch from YouTube would give it
            t.meta.title = v["title"]
            t.meta.channel = v.get("channel")
        t0 = time.perf_counter()
        try:
            s = summarize(t)
        except SummarizeError:  # captions with no speech (one caption says "you")
            fig.refused += 1
            continue
        fig.seconds += time.perf_counter() - t0
        fig.add(path.name, s, srt_words(path), topic_stems(t.meta.title, stops))
        if path.name.split(".")[0] in pages:
            print_page(t, s)
    return fig


def _load_meeting(path: Path) -> Transcript:
    """A meetings-dev file as bench/quality.py loads it."""
    if str(ROOT / "bench") not in sys.path:
        sys.path.insert(0, str(ROOT / "bench"))
    from quality import load_meeting

    return load_meeting(path)


def meetings_dev(folder: Path, stops: frozenset[str], pages: set[str]) -> Figures:
    from distill.summarize import ask, summarize

    fig = Figures("meetings-dev")
    for line in (folder / "refs.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        ref = json.loads(line)
        path = folder / ref["file"]
        t = _load_meeting(path)
        src = meeting_words(path)
        t0 = time.perf_counter()
        s = summarize(t)
        fig.seconds += time.perf_counter() - t0
        fig.add(ref["id"], s, src, topic_stems(" ".join(ref["topics"]), stops))
        for qa in ref.get("qa", []):
            a = ask(t, qa["question"])
            fig.add_answer(ref["id"], [a.answer, *(c.text for c in a.citations)], src)
        if ref["id"] in pages:
            print_page(t, s)
    return fig


def print_page(t: Transcript, s: Summary) -> None:
    """The summary as a reader sees it: TL;DR, insights, Q&A, takeaways, chapters."""

    def at(start: float | None) -> str:
        if start is None:
            return ""
        m, sec = divmod(int(start), 60)
        return f" [{m}:{sec:02d}]"

    print(f"\n=== {t.meta.title}")
    print(f"TL;DR: {s.tldr}")
    for i in s.insights:
        print(f"  {i.emoji} {i.text}{at(i.start)}")
    for q in s.qa:
        print(f"  Q: {q.question}\n  A: {q.answer}{at(q.start)}")
    for k in s.takeaways:
        print(f"  - {k.text}{at(k.start)}")
    print("  chapters: " + "; ".join(f"{c.title}{at(c.start)}" for c in s.chapters))


def description_cases(folder: Path) -> tuple[int, int, list[str]]:
    """Chapters read from the descriptions of youtube-chapters-dev, against the expected lists."""
    try:
        from distill.summarize.text.chapters import description_chapters
    except ImportError:
        return 0, 0, ["no description_chapters() yet"]

    cases = [
        json.loads(line)
        for line in (folder / "description-chapters.jsonl").read_text().splitlines()
        if line.strip()
    ]
    right, wrong = 0, []
    for case in cases:
        got = description_chapters(case["description_html"], case["duration"])
        want = [(round(c["start_time"]), c["title"]) for c in case["expected_chapters"]]
        have = [(round(c.start or 0.0), c.title) for c in got]
        if have == want:
            right += 1
        else:
            wrong.append(f"{case['video_id']}: got {have[:4]} want {want[:4]}")
    return right, len(cases), wrong


def rouge(folder: Path) -> tuple[float, float, float]:
    """ROUGE-1/2/L F1 of the summary text (tldr + takeaways) on meetings-dev, as bench/quality.py."""
    from rouge_score import rouge_scorer

    from distill.summarize import summarize

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    refs = [json.loads(line) for line in (folder / "refs.jsonl").read_text().splitlines() if line]
    totals = [0.0, 0.0, 0.0]
    for ref in refs:
        s = summarize(_load_meeting(folder / ref["file"]))
        text = " ".join([s.tldr, *(t.text for t in s.takeaways)])
        score = scorer.score(" ".join(ref["summary"]), text)
        for k, key in enumerate(("rouge1", "rouge2", "rougeL")):
            totals[k] += score[key].fmeasure
    n = max(1, len(refs))
    return tuple(100 * x / n for x in totals)  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL, help="the shared eval folder")
    parser.add_argument("--show", type=int, default=0, help="print up to N examples of each fault")
    parser.add_argument("--pages", default="", help="comma-separated slugs or meeting ids to print")
    parser.add_argument("--no-rouge", action="store_true", help="skip the ROUGE of meetings-dev")
    args = parser.parse_args()
    stops = stop_words()
    pages = {p for p in args.pages.split(",") if p}
    sets = [
        channel_dev(args.eval / "channel-dev", stops, pages),
        meetings_dev(args.eval / "meetings-dev", stops, pages),
    ]
    rows = [
        ("template questions", lambda f: _pct(len(f.template), f.questions), "template"),
        ("TL;DRs opening on a dangling word", lambda f: _pct(len(f.dangling), f.summaries), "dangling"),
        ("insights/takeaways opening on one", lambda f: _pct(len(f.shown_dangling), f.shown), "shown_dangling"),
        ("TL;DRs not naming the topic", lambda f: _pct(len(f.unnamed), f.summaries), "unnamed"),
        ("items dropping a letter or number", lambda f: _pct(len(f.dropping), f.items), "dropping"),
        ("chapter titles only numbers/operators", lambda f: _pct(len(f.bad_titles), f.titles), "bad_titles"),
        ("ask answers/citations dropping one", lambda f: _pct(len(f.answers_dropping), f.answers), "answers_dropping"),
        ("items not found in the source", lambda f: _pct(len(f.unfound), f.items), "unfound"),
    ]  # fmt: skip
    print(f"{'what a reader sees':<40}" + "".join(f"{f.name:>24}" for f in sets))
    for label, figure, _ in rows:
        print(f"{label:<40}" + "".join(f"{figure(f):>24}" for f in sets))
    print(
        f"{'questions per summary':<40}"
        + "".join(f"{f.questions / max(1, f.summaries):>24.1f}" for f in sets)
    )
    print(f"{'files refused (no speech)':<40}" + "".join(f"{f.refused:>24}" for f in sets))
    print(
        f"{'summarize seconds per file':<40}"
        + "".join(f"{f.seconds / max(1, f.summaries):>24.3f}" for f in sets)
    )
    if not args.no_rouge:
        r1, r2, rl = rouge(args.eval / "meetings-dev")
        print(f"ROUGE-1/2/L F1, meetings-dev summary text: {r1:.1f} / {r2:.1f} / {rl:.1f}")
    right, total, wrong = description_cases(args.eval / "youtube-chapters-dev")
    print(f"description chapters equal to the expected list: {right} of {total}")
    if args.show:
        for f in sets:
            for label, _, attr in rows:
                examples = getattr(f, attr)
                if examples:
                    print(f"\n--- {f.name}: {label}")
                    for e in examples[: args.show]:
                        print("  " + e)
        for w in wrong[: args.show]:
            print("  description: " + w)


if __name__ == "__main__":
    main()
