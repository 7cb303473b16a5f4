"""Answer a question about one transcript: BM25 over sentence windows, cited with times."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from distill.domain import Answer, Citation, Transcript
from distill.summarize.analysis import Analysis
from distill.summarize.stopwords import word_set
from distill.summarize.units import Unit

WINDOW_WORDS = 45  # a passage is a run of sentences of about this many words
CITATIONS = 3
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


def passages(units: list[Unit]) -> list[Passage]:
    """One window per unit: it and the units after it, up to about WINDOW_WORDS words."""
    out = []
    for i in range(len(units)):
        j, words = i, units[i].n_words
        while j + 1 < len(units) and words + units[j + 1].n_words <= WINDOW_WORDS:
            j += 1
            words += units[j].n_words
        counts: Counter[str] = Counter()
        for u in units[i : j + 1]:
            counts.update(u.terms)
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


def answer_builtin(transcript: Transcript, question: str) -> Answer:
    """The passages that best answer a question, the best one as the answer, all as citations."""
    a = Analysis(transcript)
    query = expand(a, a.lex.terms(question))
    docs = passages(a.units)
    index = BM25(docs)
    scored = sorted(
        ((index.score(query, d), d.first, d) for d in docs), key=lambda s: (-s[0], s[1])
    )
    chosen: list[Passage] = []
    for value, _, d in scored:
        if value <= 0 or len(chosen) >= CITATIONS:
            break
        if any(d.first <= c.last and c.first <= d.last for c in chosen):
            continue
        chosen.append(d)
    if not chosen:
        return Answer(
            answer="The transcript does not seem to talk about this; try other words.",
            citations=[],
            found=False,
        )

    def text(d: Passage) -> str:
        return " ".join(u.text for u in a.units[d.first : d.last + 1])

    citations = [Citation(start=a.units[d.first].start, text=text(d)) for d in chosen]
    return Answer(answer=text(chosen[0]), citations=citations, found=True)
