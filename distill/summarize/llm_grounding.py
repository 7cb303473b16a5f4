"""Grounding: check that a cited transcript sentence supports an item; repair the citation or drop."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from distill.summarize.analysis import Analysis

Verdict = Literal["grounded", "repaired", "dropped"]


@dataclass
class GroundingStats:
    """Items proposed by the model: kept as cited, kept with a corrected citation, dropped."""

    grounded: int = 0
    repaired: int = 0
    dropped: int = 0

    def add(self, verdict: Verdict) -> None:
        setattr(self, verdict, getattr(self, verdict) + 1)

    def merge(self, other: GroundingStats) -> None:
        self.grounded += other.grounded
        self.repaired += other.repaired
        self.dropped += other.dropped

    @property
    def share_grounded(self) -> float:
        """Share of proposed items kept as the model cited them."""
        total = self.grounded + self.repaired + self.dropped
        return self.grounded / total if total else 1.0


class Grounder:
    """Finds the transcript sentence (unit) that supports a piece of model text."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.units = analysis.units
        self.term_sets = [set(u.terms) for u in self.units]
        self.index: dict[str, list[int]] = defaultdict(list)
        for i, terms in enumerate(self.term_sets):
            for t in terms:
                self.index[t].append(i)

    def terms(self, text: str) -> set[str]:
        """The content terms of a text (stemmed, no stop words)."""
        return set(self.analysis.lex.terms(text))

    def locate(
        self,
        text: str,
        cite: int | None,
        *,
        after: int = 1,
        lo: int = 0,
        hi: int | None = None,
    ) -> tuple[int | None, Verdict]:
        """The unit index supporting `text`, cited as 1-based `cite`; search [lo, hi) to repair.

        Supported means sharing a content word with the cited sentence or its neighbours (one
        before, `after` after). Otherwise the citation is repaired to the sentence sharing the
        most (idf-weighted) content words, at least two, or the item is dropped.
        """
        hi = len(self.units) if hi is None else hi
        item = self.terms(text)
        if not item:
            return None, "dropped"
        if cite is not None and 1 <= cite <= len(self.units):
            idx = cite - 1
            if item & self.term_sets[idx]:
                return idx, "grounded"
            window = range(max(0, idx - 1), min(len(self.units), idx + after + 1))
            best = max(window, key=lambda j: (len(item & self.term_sets[j]), -abs(j - idx)))
            if item & self.term_sets[best]:
                return (best, "grounded") if after > 1 else (best, "repaired")
        idf = self.analysis.idf
        scores: dict[int, float] = defaultdict(float)
        counts: dict[int, int] = defaultdict(int)
        for t in item:
            for j in self.index.get(t, ()):
                if lo <= j < hi:
                    scores[j] += idf.get(t, 1.0)
                    counts[j] += 1
        need = min(2, len(item))
        candidates = [j for j in scores if counts[j] >= need]
        if not candidates:
            return None, "dropped"
        anchor = (cite - 1) if cite is not None else lo
        best = max(candidates, key=lambda j: (scores[j], -abs(j - anchor)))
        return best, "repaired"

    def similar(self, a: set[str], b: set[str]) -> bool:
        """Two items say the same thing (most content words shared)."""
        if not a or not b:
            return False
        return len(a & b) / len(a | b) >= 0.7
