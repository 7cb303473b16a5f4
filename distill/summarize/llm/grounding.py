"""Grounding: check that a cited transcript sentence supports an item; repair the citation or drop."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from distill.summarize.text.analysis import Analysis
from distill.summarize.text.units import Unit

# Numbering every short caption sentence costs ~5 prompt tokens each; a numbered line holds at
# least this many tokens, so a 1-hour transcript's numbering costs under half as much.
MIN_LINE_TOKENS = 40

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


class Lines:
    """The transcript as the model sees it: numbered lines of one or more consecutive sentences.

    A line is numbered by its first sentence (1-based), so numbers are sentence numbers with gaps
    and any sentence number a model cites still resolves to the line holding it.
    """

    def __init__(self, spans: Sequence[tuple[int, int]], units: Sequence[Unit]) -> None:
        self.spans = list(spans)  # (first, last) unit index of each line, inclusive
        self.units = units
        self.line_of = [0] * len(units)
        for n, (first, last) in enumerate(self.spans):
            for i in range(first, last + 1):
                self.line_of[i] = n

    @classmethod
    def group(
        cls, units: Sequence[Unit], count: Callable[[str], int], min_tokens: int = MIN_LINE_TOKENS
    ) -> Lines:
        """Consecutive sentences joined until each line holds at least `min_tokens` tokens."""
        spans: list[tuple[int, int]] = []
        first, used = 0, 0
        for i, u in enumerate(units):
            used += count(u.text)
            if used >= min_tokens:
                spans.append((first, i))
                first, used = i + 1, 0
        if first < len(units):
            if spans and used < min_tokens // 2:
                spans[-1] = (spans[-1][0], len(units) - 1)  # a short tail joins the line before
            else:
                spans.append((first, len(units) - 1))
        return cls(spans, units)

    @classmethod
    def single(cls, units: Sequence[Unit]) -> Lines:
        """One sentence per line."""
        return cls([(i, i) for i in range(len(units))], units)

    def text(self, n: int) -> str:
        """Line `n` (0-based) as the prompt shows it: `[number] sentences`."""
        first, last = self.spans[n]
        return f"[{first + 1}] " + " ".join(u.text for u in self.units[first : last + 1])

    def numbered(self, lines: Sequence[int]) -> str:
        return "\n".join(self.text(n) for n in lines)


class Grounder:
    """Finds the transcript sentence (unit) that supports a piece of model text."""

    def __init__(self, analysis: Analysis, lines: Lines | None = None) -> None:
        self.analysis = analysis
        self.units = analysis.units
        self.lines = lines or Lines.single(analysis.units)
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
        """The unit index supporting `text`, cited as sentence number `cite`; search [lo, hi) to repair.

        Supported means sharing content words (two, or all of a shorter text) with a sentence of
        the cited line, else of its neighbours (one line before, `after` after). Otherwise the
        citation is repaired to the sentence sharing the most (idf-weighted) content words, at
        least two, or the item is dropped.
        """
        hi = len(self.units) if hi is None else hi
        item = self.terms(text)
        if not item:
            return None, "dropped"
        need = min(2, len(item))
        sets = self.term_sets
        if cite is not None and 1 <= cite <= len(self.units):
            line = self.lines.line_of[cite - 1]
            spans = self.lines.spans
            first, last = spans[line]
            best = max(range(first, last + 1), key=lambda j: (len(item & sets[j]), -j))
            if len(item & sets[best]) >= need:
                return best, "grounded"
            near_first = spans[max(0, line - 1)][0]
            near_last = spans[min(len(spans) - 1, line + after)][1]
            best = max(
                range(near_first, near_last + 1),
                key=lambda j: (len(item & sets[j]), -abs(j - first)),
            )
            if len(item & sets[best]) >= need:
                return (best, "grounded") if after > 1 else (best, "repaired")
        idf = self.analysis.idf
        scores: dict[int, float] = defaultdict(float)
        counts: dict[int, int] = defaultdict(int)
        for t in item:
            for j in self.index.get(t, ()):
                if lo <= j < hi:
                    scores[j] += idf.get(t, 1.0)
                    counts[j] += 1
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
