"""One pass over a transcript shared by summarizing and asking: units, weights, keyphrases."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import chain

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
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {t: w / norm for t, w in vec.items()} if norm else {}


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
        self.df: Counter[str] = Counter()
        self.tf: Counter[str] = Counter()
        for u, distinct in zip(self.units, self.term_sets, strict=True):
            self.df.update(distinct)
            self.tf.update(u.terms)
        self.idf = {t: math.log((n + 1) / (d + 0.5)) + 0.1 for t, d in self.df.items()}
        for u in self.units:
            counts = Counter(u.terms)
            u.weights = normalise({t: (1.0 + math.log(c)) * self.idf[t] for t, c in counts.items()})
        # Topic weight of a term: frequent across the talk, not a general word.
        self.term_weight = {
            t: math.log1p(c) * (0.3 if t in GENERIC else 1.0) for t, c in self.tf.items()
        }
        self.centroid = normalise(
            {t: self.term_weight[t] * math.sqrt(self.idf[t]) for t in self.tf}
        )
        self._unit_phrases: dict[int, tuple[Unit, list[tuple[str, ...]]]] = {}
        self._key_of: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.keyphrases: list[Keyphrase] = self.find_keyphrases(self.units, limit=15)

    @property
    def word_count(self) -> int:
        return sum(u.n_words for u in self.units)

    def token_terms(self, text: str) -> list[str | None]:
        """Every token's term (None where it is a stop word), keeping phrase boundaries."""
        return [self.lex.term(tok) for tok in words(text)]

    def _phrase_key(self, toks_key: tuple[str, ...]) -> tuple[str, ...]:
        """The terms of a phrase of tokens; empty when a term repeats inside it."""
        term = self.lex.term
        key = tuple([term(w) or w for w in toks_key])
        if len(key) > 1 and len(set(key)) < len(key):
            return ()
        return key

    def _phrases_of(self, u: Unit) -> list[tuple[str, ...]]:
        """Every 1–3 token run of content words in a unit (cached per unit)."""
        cached = self._unit_phrases.get(u.index)
        if cached is not None and cached[0] is u:
            return cached[1]
        toks = u.tokens
        ok = [t is not None for t in u.token_terms]
        # Order inside the list does not matter: only the counts are used.
        out: list[tuple[str, ...]] = [(a,) for a, x in zip(toks, ok, strict=True) if x]
        out += [(a, b) for a, b, x, y in zip(toks, toks[1:], ok, ok[1:], strict=False) if x and y]
        out += [
            (a, b, c)
            for a, b, c, x, y, z in zip(toks, toks[1:], toks[2:], ok, ok[1:], ok[2:], strict=False)
            if x and y and z
        ]
        self._unit_phrases[u.index] = (u, out)
        return out

    def find_keyphrases(self, units: list[Unit], limit: int) -> list[Keyphrase]:
        """The most frequent 1–3 word phrases of content words in some units, best first."""
        # Each unit's phrases are listed once and cached, so a chapter's count is one C-level pass.
        surface_counts: Counter[tuple[str, ...]] = Counter(
            chain.from_iterable([self._phrases_of(u) for u in units])
        )
        counts: Counter[tuple[str, ...]] = Counter()
        best_of: dict[tuple[str, ...], tuple[int, tuple[str, ...]]] = {}
        key_of = self._key_of
        for toks_key, c in surface_counts.items():
            key = key_of.get(toks_key)
            if key is None:
                key = key_of[toks_key] = self._phrase_key(toks_key)
            if not key:
                continue
            counts[key] += c
            best = best_of.get(key)
            # Tuples of tokens order like the space-joined strings (a space sorts before them).
            if best is None or (c, toks_key) > best:
                best_of[key] = (c, toks_key)
        surfaces = {key: (c, " ".join(t)) for key, (c, t) in best_of.items()}
        min_count = 2 if len(units) > 6 else 1
        scored: list[Keyphrase] = []
        for key, c in counts.items():
            if c < min_count or all(k.isdigit() or k in NUMBERS for k in key):
                continue
            if len(key) > 1:
                # A phrase must hold together: seen often relative to its rarest word.
                if c < 0.2 * min(self.tf[k] for k in key) or all(k in GENERIC for k in key):
                    continue
                weight = c * (1.0 + 0.6 * (len(key) - 1)) * 1.2
            else:
                weight = c * (0.3 if key[0] in GENERIC else 1.0)
            surface = surfaces[key][1]
            scored.append(Keyphrase(key, surface, c, weight))
        scored.sort(key=lambda k: (-k.weight, k.surface))
        chosen: list[Keyphrase] = []
        for kp in scored:
            # Drop a word or phrase mostly said as part of a longer chosen phrase, and vice versa.
            if any(
                _contains(big.terms, kp.terms) and big.count >= 0.6 * kp.count for big in chosen
            ):
                continue
            if any(_contains(kp.terms, small.terms) for small in chosen) and kp.count < 0.6 * max(
                small.count for small in chosen if _contains(kp.terms, small.terms)
            ):
                continue
            chosen.append(kp)
            if len(chosen) >= limit:
                break
        return chosen


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    if len(small) >= len(big):
        return False
    return any(big[i : i + len(small)] == small for i in range(len(big) - len(small) + 1))
