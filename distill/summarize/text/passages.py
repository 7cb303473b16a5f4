"""The passages of a transcript that match a question: BM25 over sentence windows, kept per transcript."""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from dataclasses import dataclass

from distill.domain import Transcript
from distill.summarize.text.analysis import Analysis
from distill.summarize.text.stopwords import word_set
from distill.summarize.text.units import Unit
from distill.summarize.text.words import Lexicon

WINDOW_WORDS = 60  # a passage is a run of sentences of about this many words
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


class PassageIndex:
    """What answering needs of one transcript, kept for the next question about it."""

    def __init__(self, transcript: Transcript, segments: tuple[object, ...]) -> None:
        self.segments = segments
        self.analysis = Analysis(transcript)
        self.docs = passages(self.analysis.units, self.analysis.lex)
        self.bm25 = BM25(self.docs)


_CACHE: OrderedDict[tuple[str, str | None, int], PassageIndex] = OrderedDict()
_CACHE_SIZE = 8


def index_of(transcript: Transcript) -> PassageIndex:
    """The passage index of a transcript, kept for the next question about it."""
    # Same words at other times are another transcript: the key covers every field of every segment.
    segments = tuple((s.start, s.end, s.text, s.speaker) for s in transcript.segments)
    key = (transcript.meta.id, transcript.language, hash(segments))
    found = _CACHE.get(key)
    if found is None or found.segments != segments:
        found = _CACHE[key] = PassageIndex(transcript, segments)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return found
