"""One pass over a transcript shared by summarizing and asking: units, weights, keyphrases."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import chain, groupby, repeat
from operator import attrgetter, itemgetter, mul, truediv
from typing import cast

from distill.domain import Transcript
from distill.errors import SummarizeError
from distill.summarize.stopwords import word_set
from distill.summarize.text import Lexicon, detect_language, stem, words
from distill.summarize.units import Unit, build_units

# Words too general to name a topic, though they are not stop words.
GENERIC = word_set(
    """
people person time year day week month part point idea question answer problem case example fact
place world number something anything everything someone lot end start side reason word words
minute second hour moment bit piece kind type form level area issue thing course sense work
stuff today guy guys topic topics video talk
"""
)


NUMBERS = word_set(
    """
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
thousand million billion percent half quarter
"""
)
NUMBERS = frozenset(NUMBERS | {stem(w) for w in NUMBERS})


Phrase = tuple[str, ...]


@dataclass(slots=True)
class Keyphrase:
    """A frequent phrase of content words: its terms (stems), how it is shown, its weight."""

    terms: tuple[str, ...]
    surface: str
    count: int
    weight: float


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two unit-normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum([w * b[t] for t, w in a.items() if t in b])


def normalise(vec: dict[str, float]) -> dict[str, float]:
    weights = vec.values()
    norm = math.sqrt(sum(map(mul, weights, weights)))
    return dict(zip(vec, map(truediv, weights, repeat(norm)), strict=True)) if norm else {}


class Analysis:
    """Units of a transcript with TF-IDF vectors, document frequencies and keyphrases."""

    def __init__(self, transcript: Transcript, language: str | None = None) -> None:
        if not transcript.segments or not transcript.text.strip():
            raise SummarizeError(
                "The transcript is empty, so there is nothing to summarize; "
                "check that the source has speech or captions."
            )
        detected = None if transcript.language else detect_language(transcript.text)
        self.language: str = (transcript.language or detected or language or "en").split("-")[0]
        self.detected_language = detected
        self.lex = Lexicon(self.language)
        self.transcript = transcript
        self.units: list[Unit] = build_units(transcript, self.lex)
        if not any(u.terms for u in self.units):
            raise SummarizeError(
                "The transcript has only fillers and no content words, so there is nothing to "
                "summarize; check that the source is the right one."
            )
        n = len(self.units)
        self.term_sets: list[set[str]] = [set(u.terms) for u in self.units]
        self.df: Counter[str] = Counter(chain.from_iterable(self.term_sets))
        self.tf: Counter[str] = Counter(chain.from_iterable(u.terms for u in self.units))
        idf = self.idf = {t: math.log((n + 1) / (d + 0.5)) + 0.1 for t, d in self.df.items()}
        for u, distinct in zip(self.units, self.term_sets, strict=True):
            if len(distinct) == len(u.terms):  # each term once (most units): tf weight 1
                u.weights = normalise({t: idf[t] for t in u.terms})
            else:
                counts = Counter(u.terms)
                u.weights = normalise({t: (1.0 + math.log(c)) * idf[t] for t, c in counts.items()})
        # Topic weight of a term: frequent across the talk, not a general word.
        self.term_weight = {
            t: math.log1p(c) * (0.3 if t in GENERIC else 1.0) for t, c in self.tf.items()
        }
        self.centroid = normalise(
            {t: self.term_weight[t] * math.sqrt(self.idf[t]) for t in self.tf}
        )
        self._unit_phrases: dict[int, tuple[Unit, list[Phrase], list[Phrase]]] = {}
        self._key_of: dict[Phrase, Phrase] = {}  # terms of each form of a phrase
        self._surfaces_of: dict[Phrase, list[Phrase]] = {}  # forms of the phrase with these terms
        self._unkeyed = False
        self.keyphrases: list[Keyphrase] = self.find_keyphrases(self.units, limit=15)

    @property
    def word_count(self) -> int:
        return sum(u.n_words for u in self.units)

    def token_terms(self, text: str) -> list[str | None]:
        """Every token's term (None where it is a stop word), keeping phrase boundaries."""
        return [self.lex.term(tok) for tok in words(text)]

    def _phrases_of(self, u: Unit) -> tuple[list[Phrase], list[Phrase]]:
        """Every 1–3 token run of content words in a unit, and its terms (cached per unit).

        The terms are () where a term repeats inside the run; the two lists are parallel.
        """
        cached = self._unit_phrases.get(u.index)
        if cached is not None and cached[0] is u:
            return cached[1], cached[2]
        toks = u.tokens
        tt = cast(list[str], u.token_terms)  # read only where a term is (not None)
        # Order inside the lists does not matter (only counts are used), as long as they match.
        one = [i for i, x in enumerate(tt) if x]  # where content words are, then runs of 2 and 3
        two = [i for i, j in zip(one, one[1:], strict=False) if j == i + 1]
        three = [i for i, j in zip(two, two[1:], strict=False) if j == i + 1]
        surfaces: list[Phrase] = [(toks[i],) for i in one]
        surfaces += [(toks[i], toks[i + 1]) for i in two]
        surfaces += [(toks[i], toks[i + 1], toks[i + 2]) for i in three]
        keys: list[Phrase] = [(tt[i],) for i in one]
        pairs = [(tt[i], tt[i + 1]) for i in two]
        keys += [(x, y) if x != y else () for x, y in pairs]
        triples = [(tt[i], tt[i + 1], tt[i + 2]) for i in three]
        keys += [(x, y, z) if x != y != z != x else () for x, y, z in triples]
        self._unit_phrases[u.index] = (u, surfaces, keys)
        self._unkeyed = True
        return surfaces, keys

    def find_keyphrases(self, units: list[Unit], limit: int) -> list[Keyphrase]:
        """The most frequent 1–3 word phrases of content words in some units, best first."""
        # Each unit's phrases are listed once and cached, so a chapter's count is one C-level pass.
        listed = [self._phrases_of(u) for u in units]
        surface_counts: Counter[Phrase] = Counter(chain.from_iterable(s for s, _ in listed))
        counts: Counter[Phrase] = Counter(chain.from_iterable(k for _, k in listed))
        if self._unkeyed:  # phrases listed since the last call: file their new forms by terms
            key_of, surfaces_of = self._key_of, self._surfaces_of
            forms = chain.from_iterable(s for s, _ in listed)
            pairs = zip(forms, chain.from_iterable(k for _, k in listed), strict=True)
            for surface, key in set(pairs):
                if surface not in key_of:
                    key_of[surface] = key
                    if key:
                        surfaces_of.setdefault(key, []).append(surface)
            self._unkeyed = False
        min_count = 2 if len(units) > 6 else 1
        weighed: list[tuple[float, Phrase, int]] = []
        for key, c in counts.most_common():  # sorted in C: the rare phrases are never visited
            if c < min_count:
                break
            if not key or all(k.isdigit() or k in NUMBERS for k in key):
                continue
            if len(key) > 1:
                # A phrase must hold together: seen often relative to its rarest word.
                if c < 0.2 * min(self.tf[k] for k in key) or all(k in GENERIC for k in key):
                    continue
                weight = c * (1.0 + 0.6 * (len(key) - 1)) * 1.2
            else:
                weight = c * (0.3 if key[0] in GENERIC else 1.0)
            weighed.append((weight, key, c))
        weighed.sort(key=itemgetter(0), reverse=True)
        chosen: list[Keyphrase] = []
        # Best first, ties by how they are shown: a run of equal weights is shown (and ordered)
        # only when the selection reaches it.
        for _, group in groupby(weighed, key=itemgetter(0)):
            ties = [Keyphrase(key, self._shown(key, surface_counts), c, w) for w, key, c in group]
            ties.sort(key=attrgetter("surface"))
            for kp in ties:
                if self._subsumed(kp, chosen):
                    continue
                chosen.append(kp)
                if len(chosen) >= limit:
                    return chosen
        return chosen

    def _shown(self, key: Phrase, surface_counts: Counter[Phrase]) -> str:
        """The form of a phrase said most often in the units counted."""
        # Tuples of tokens order like the space-joined strings (a space sorts before them).
        return " ".join(max((surface_counts[t], t) for t in self._surfaces_of[key])[1])

    @staticmethod
    def _subsumed(kp: Keyphrase, chosen: list[Keyphrase]) -> bool:
        """A word or phrase mostly said as part of a longer chosen phrase, or vice versa."""
        if any(_contains(big.terms, kp.terms) and big.count >= 0.6 * kp.count for big in chosen):
            return True
        inside = [small.count for small in chosen if _contains(kp.terms, small.terms)]
        return bool(inside) and kp.count < 0.6 * max(inside)


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    if len(small) >= len(big):
        return False
    return any(big[i : i + len(small)] == small for i in range(len(big) - len(small) + 1))
