"""Answer a question about one transcript: BM25 over sentence windows, cited with times."""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from dataclasses import dataclass

from distill.domain import Answer, Citation, Transcript
from distill.summarize.analysis import Analysis
from distill.summarize.stopwords import word_set
from distill.summarize.text import Lexicon
from distill.summarize.units import Unit

WINDOW_WORDS = 60  # a passage is a run of sentences of about this many words
CITATIONS = 3
SAME_QUESTION = 1.5  # boost of a passage that opens with the question asked
ANSWER_PASSAGES = 2  # passages joined into the answer
SECOND = 0.5  # a second passage must score this share of the best to join the answer
K1, B = 1.2, 0.75
# Words of questions about a talk that say nothing about what is asked.
QUESTION_WORDS = word_set(
    "discuss discussed discussion mention mentioned talk talked video speaker speakers "
    "explain explained describe described opinion view views say said think thought"
)


@dataclass(slots=True)
class Passage:
    """A window of consecutive units and its bag of terms."""

    first: int
    last: int
    counts: Counter[str]
    length: int


def passages(units: list[Unit], lex: Lexicon) -> list[Passage]:
    """One window per unit: it and the units after it, up to about WINDOW_WORDS words.

    Speakers' names count as words of what they say, so "What did Ann think of X?" finds Ann.
    """
    names: dict[str, list[str]] = {}
    out = []
    for i in range(len(units)):
        j, words = i, units[i].n_words
        while j + 1 < len(units) and words + units[j + 1].n_words <= WINDOW_WORDS:
            j += 1
            words += units[j].n_words
        counts: Counter[str] = Counter()
        for u in units[i : j + 1]:
            counts.update(u.terms)
            if u.speaker:
                if u.speaker not in names:
                    names[u.speaker] = lex.terms(u.speaker)
                counts.update(names[u.speaker])
        out.append(Passage(i, j, counts, sum(counts.values())))
    return out


class BM25:
    """Okapi BM25 over passages."""

    def __init__(self, docs: list[Passage]) -> None:
        self.docs = docs
        n = len(docs)
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.counts.keys())
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.avg = sum(d.length for d in docs) / max(1, n) or 1.0

    def score(self, query: dict[str, float], d: Passage) -> float:
        total = 0.0
        norm = K1 * (1 - B + B * d.length / self.avg)
        for t, qw in query.items():
            f = d.counts.get(t)
            if f:
                total += qw * self.idf.get(t, 0.0) * f * (K1 + 1) / (f + norm)
        return total


def expand(a: Analysis, terms: list[str]) -> dict[str, float]:
    """Query weights: the question's terms, plus the other words of keyphrases they belong to."""
    query: dict[str, float] = {}
    for t in terms:
        if t not in QUESTION_WORDS:
            query[t] = 1.0
    if not query:
        query = dict.fromkeys(terms, 1.0)
    for kp in a.keyphrases:
        if set(kp.terms) & set(query):
            for t in kp.terms:
                query.setdefault(t, 0.3)
    return query


class _Index:
    """What answering needs of one transcript, kept for the next question about it."""

    def __init__(self, transcript: Transcript, segments: tuple[object, ...]) -> None:
        self.segments = segments
        self.analysis = Analysis(transcript)
        self.docs = passages(self.analysis.units, self.analysis.lex)
        self.bm25 = BM25(self.docs)


_CACHE: OrderedDict[tuple[str, str | None, int], _Index] = OrderedDict()
_CACHE_SIZE = 8


def _index(transcript: Transcript) -> _Index:
    # Same words at other times are another transcript: the key covers every field of every segment.
    segments = tuple((s.start, s.end, s.text, s.speaker) for s in transcript.segments)
    key = (transcript.meta.id, transcript.language, hash(segments))
    found = _CACHE.get(key)
    if found is None or found.segments != segments:
        found = _CACHE[key] = _Index(transcript, segments)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return found


def answer_builtin(transcript: Transcript, question: str) -> Answer:
    """The passages that best answer a question: the best ones as the answer, all as citations."""
    idx = _index(transcript)
    a = idx.analysis
    query = expand(a, a.lex.terms(question))
    asked = {t for t, w in query.items() if w >= 1.0}

    def value(d: Passage) -> float:
        score = idx.bm25.score(query, d)
        first = a.units[d.first]
        # The speaker asks the same question here: what follows is their answer.
        if (
            score
            and first.question
            and asked
            and len(asked & a.term_sets[d.first]) >= max(2, len(asked) / 2)
        ):
            score *= SAME_QUESTION
        return score

    scored = sorted(((value(d), d.first, d) for d in idx.docs), key=lambda s: (-s[0], s[1]))
    chosen: list[Passage] = []
    scores: list[float] = []
    for score, _, d in scored:
        if score <= 0 or len(chosen) >= CITATIONS:
            break
        if any(d.first <= c.last + 1 and c.first <= d.last + 1 for c in chosen):
            continue
        chosen.append(d)
        scores.append(score)
    if not chosen:
        return Answer(
            answer="The transcript does not seem to talk about this; try other words.",
            citations=[],
            found=False,
        )

    focused: list[tuple[Passage, float]] = []
    for d, score in zip(chosen, scores, strict=True):
        f = _focus(a.units, d, query, idx.bm25.idf)
        if not any(f.first <= c.last and c.first <= f.last for c, _ in focused):
            focused.append((f, score))

    def text(d: Passage) -> str:
        return " ".join(u.text for u in a.units[d.first : d.last + 1])

    citations = [Citation(start=a.units[d.first].start, text=text(d)) for d, _ in focused]
    best = focused[0][1]
    # A second passage almost as good joins the answer, after the best one.
    parts = [d for d, score in focused[:ANSWER_PASSAGES] if score >= SECOND * best]
    return Answer(answer=" … ".join(text(d) for d in parts), citations=citations, found=True)


def _focus(
    units: list[Unit], d: Passage, query: dict[str, float], idf: dict[str, float]
) -> Passage:
    """The passage moved to start at its sentence that matches the question best.

    What answers a question is usually said right after its words are: keep what follows.
    """

    def match(i: int) -> float:
        return sum(query[t] * idf.get(t, 0.0) for t in set(units[i].terms) if t in query)

    first = max(range(d.first, d.last + 1), key=lambda i: (match(i), -i))
    last, words = first, units[first].n_words
    while last + 1 < len(units) and words + units[last + 1].n_words <= WINDOW_WORDS:
        last += 1
        words += units[last].n_words
    return Passage(first, max(last, first), d.counts, d.length)
