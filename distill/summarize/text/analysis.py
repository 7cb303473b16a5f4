"""One pass over a transcript shared by summarizing and asking: units, weights, keyphrases."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, compress, count, groupby, repeat
from operator import attrgetter, itemgetter, mul, truediv
from typing import cast

from distill.domain import Transcript
from distill.errors import SummarizeError
from distill.summarize.text.language import detect_language
from distill.summarize.text.stopwords import word_set
from distill.summarize.text.units import Unit, build_units
from distill.summarize.text.words import Lexicon, stem, words

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


# A phrase as said (its tokens) or as terms (their stems), joined by spaces: strings hash once
# and are no work for the garbage collector, unlike tuples.
Phrase = str


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


@dataclass(slots=True)
class _Phrases:
    """The 1-, 2- and 3-word runs of content words of some units, as said and as terms.

    Lists per length, in unit order; `ends[n][k]` is where unit k's runs of n+1 words end.
    Terms are "" where a term repeats inside the run (such a run is no phrase).
    """

    said: tuple[list[Phrase], list[Phrase], list[Phrase]]
    terms: tuple[list[Phrase], list[Phrase], list[Phrase]]
    ends: tuple[list[int], list[int], list[int]]

    @staticmethod
    def of(units: list[Unit]) -> _Phrases:
        toks: list[str] = []
        tt: list[str | None] = []
        unit_ends: list[int] = []
        for u in units:  # one token list; a None between units keeps runs inside a unit
            toks += u.tokens
            tt += u.token_terms
            toks.append("")
            tt.append(None)
            unit_ends.append(len(toks))
        t = cast(list[str], tt)  # read only where a term is (not None)
        one = list(compress(count(), tt))
        two = [i for i, j in zip(one, one[1:], strict=False) if j == i + 1]
        three = [i for i, j in zip(two, two[1:], strict=False) if j == i + 1]
        pairs = [(t[i], t[i + 1]) for i in two]
        triples = [(t[i], t[i + 1], t[i + 2]) for i in three]
        return _Phrases(
            said=(
                [toks[i] for i in one],
                [f"{toks[i]} {toks[i + 1]}" for i in two],
                [f"{toks[i]} {toks[i + 1]} {toks[i + 2]}" for i in three],
            ),
            terms=(
                [t[i] for i in one],
                [f"{x} {y}" if x != y else "" for x, y in pairs],
                [f"{x} {y} {z}" if x != y != z != x else "" for x, y, z in triples],
            ),
            ends=(_cuts(one, unit_ends), _cuts(two, unit_ends), _cuts(three, unit_ends)),
        )

    def part(self, first: int, last: int) -> _Phrases:
        """The runs of units first..last-1."""
        (a1, a2, a3) = (e[first - 1] if first else 0 for e in self.ends)
        (b1, b2, b3) = (e[last - 1] for e in self.ends)
        (s1, s2, s3), (k1, k2, k3) = self.said, self.terms
        return _Phrases(
            said=(s1[a1:b1], s2[a2:b2], s3[a3:b3]),
            terms=(k1[a1:b1], k2[a2:b2], k3[a3:b3]),
            ends=([], [], []),
        )

    def surfaces(self) -> Iterator[Phrase]:
        return chain.from_iterable(self.said)

    def keys(self) -> Iterator[Phrase]:
        return chain.from_iterable(self.terms)


def _cuts(starts: list[int], unit_ends: list[int]) -> list[int]:
    """How many runs (by their sorted start tokens) begin before each unit's end."""
    return [bisect_left(starts, end) for end in unit_ends]


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
        for u in self.units:
            counts = Counter(u.terms)
            u.weights = normalise({t: (1.0 + math.log(c)) * idf[t] for t, c in counts.items()})
        # Topic weight of a term: frequent across the talk, not a general word.
        self.term_weight = {
            t: math.log1p(c) * (0.3 if t in GENERIC else 1.0) for t, c in self.tf.items()
        }
        self.centroid = normalise(
            {t: self.term_weight[t] * math.sqrt(self.idf[t]) for t in self.tf}
        )
        self._talk_phrases: _Phrases | None = None
        self._key_of: dict[Phrase, Phrase] = {}  # terms of each form of a phrase
        self._surfaces_of: dict[Phrase, list[Phrase]] = {}  # forms of the phrase with these terms
        self.keyphrases: list[Keyphrase] = self.find_keyphrases(self.units, limit=15)

    @cached_property
    def capitalised(self) -> frozenset[str]:
        """Words written with a capital mid-sentence somewhere (names: "Bernoulli"), lower-cased."""
        found: set[str] = set()
        for u in self.units:
            found.update(w for w in u.text.split()[1:] if w[:1].isupper())
        return frozenset(w.strip(".,;:!?\"'()").lower() for w in found)

    @property
    def word_count(self) -> int:
        return sum(u.n_words for u in self.units)

    def token_terms(self, text: str) -> list[str | None]:
        """Every token's term (None where it is a stop word), keeping phrase boundaries."""
        return [self.lex.term(tok) for tok in words(text)]

    def _phrases(self, units: list[Unit]) -> _Phrases:
        """Every 1–3 token run of content words in some units, with its terms, unit by unit.

        The talk's own list is made once; a run of its units is a slice of it.
        """
        talk = self.units
        first = units[0].index if units else 0
        if (
            units
            and first + len(units) <= len(talk)
            and all(u is v for u, v in zip(units, talk[first:], strict=False))
        ):
            if self._talk_phrases is None:
                self._talk_phrases = _Phrases.of(talk)
                self._file(self._talk_phrases)
            return self._talk_phrases.part(first, first + len(units))
        listed = _Phrases.of(units)
        self._file(listed)
        return listed

    def _file(self, listed: _Phrases) -> None:
        """Remember the terms of each new form of a phrase, and the forms of each phrase."""
        key_of, surfaces_of = self._key_of, self._surfaces_of
        new = dict(zip(listed.surfaces(), listed.keys(), strict=True))  # a form has one key
        for surface, key in new.items():
            if key and surface not in key_of:
                surfaces_of.setdefault(key, []).append(surface)
        key_of.update(new)

    def find_keyphrases(self, units: list[Unit], limit: int) -> list[Keyphrase]:
        """The most frequent 1–3 word phrases of content words in some units, best first."""
        listed = self._phrases(units)
        surface_counts: Counter[Phrase] = Counter(listed.surfaces())
        counts: Counter[Phrase] = Counter(listed.keys())
        min_count = 2 if len(units) > 6 else 1
        weighed: list[tuple[float, Phrase, int]] = []
        for joined, c in counts.most_common():  # sorted in C: the rare phrases are never visited
            if c < min_count:
                break
            if " " not in joined:  # one word: no number; a general word counts less
                if not joined or joined.isdigit() or joined in NUMBERS:
                    continue
                weighed.append((c * (0.3 if joined in GENERIC else 1.0), joined, c))
                continue
            key = joined.split(" ")
            if all(k.isdigit() or k in NUMBERS for k in key) or all(k in GENERIC for k in key):
                continue
            # A phrase must hold together: seen often relative to its rarest word.
            if c < 0.2 * min(self.tf[k] for k in key):
                continue
            weighed.append((c * (1.0 + 0.6 * (len(key) - 1)) * 1.2, joined, c))
        weighed.sort(key=itemgetter(0), reverse=True)
        chosen: list[Keyphrase] = []
        # Best first, ties by how they are shown: a run of equal weights is shown (and ordered)
        # only when the selection reaches it.
        for _, group in groupby(weighed, key=itemgetter(0)):
            ties = [
                Keyphrase(tuple(key.split(" ")), self._shown(key, surface_counts), c, w)
                for w, key, c in group
            ]
            ties.sort(key=attrgetter("surface"))
            for kp in ties:
                if self._subsumed(kp, chosen):
                    continue
                chosen.append(kp)
                if len(chosen) >= limit:
                    return chosen
        return chosen

    def _shown(self, key: Phrase, surface_counts: Counter[Phrase]) -> str:
        """The form of a phrase said most often in the units counted (ties: the greatest)."""
        return max((surface_counts[t], t) for t in self._surfaces_of[key])[1]

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
