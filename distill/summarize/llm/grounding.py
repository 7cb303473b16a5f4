"""Grounding: keep a model's item only where the transcript supports it; repair the citation or drop.

The support test itself is `distill.summarize.llm.support` (re-exported here as `supports`).
This module applies it to a transcript: the passage a citation points at (the cited line and
its neighbours), the search for a passage that supports an item cited wrongly, and the checks
that come before support: text echoed from the prompt, the same sentence reused, an item that
names nothing beyond the video's title.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from distill.summarize.llm.support import (
    SHARE,
    SIMILAR,
    Item,
    Passage,
    Similarity,
    Support,
    Weight,
    check,
    content_terms,
    name_keys,
    normalise,
    numbers,
    supports,
    term_share,
)
from distill.summarize.text.analysis import Analysis
from distill.summarize.text.units import Unit
from distill.summarize.text.words import words

__all__ = ["Grounder", "GroundingStats", "Lines", "Located", "Screen", "passage_text", "supports"]

# Numbering every short caption sentence costs ~5 prompt tokens each; a numbered line holds at
# least this many tokens, so a 1-hour transcript's numbering costs under half as much.
MIN_LINE_TOKENS = 40
# An item is an echo when this share of its words sits in runs of ECHO_RUN words of the prompt.
ECHO_SHARE = 0.5
ECHO_RUN = 4
# A passage: the cited line with this many sentences before and after it (bench/grounding.py).
NEIGHBOURS = 2
# Content terms weigh their idf in the transcript (rare words say what an item is about).
WEIGHTED = True
# A chapter title is looked for in its cited line and this many lines after.
CHAPTER_AFTER = 5

# Part of a model summary's cache key: a summary made by an older verifier is checked again
# (from the cached model replies, so the model is not asked again). Bump it when the test changes.
VERIFIER_VERSION = "support-4"

Verdict = Literal["grounded", "repaired", "dropped"]
# Why an item was dropped: the support test's reasons, and the checks made before it.
Why = Literal["empty", "words", "number", "name", "quote", "echo", "repeat", "title", "cut"]
# Words no English sentence or title ends with ("her", "his" may): a text ending in one was cut
# off mid-phrase.
CUT_ENDINGS = {
    "en": frozenset(
        {"a", "an", "the", "your", "my", "our", "their", "its", "who", "whose", "and", "or", "but"}
    )
}


@dataclass
class GroundingStats:
    """Items proposed by the model: kept as cited, kept with a corrected citation, dropped (and why)."""

    grounded: int = 0
    repaired: int = 0
    dropped: int = 0
    builtin: int = 0  # items of the built-in summary standing in for sections that failed
    why: Counter[str] = field(default_factory=Counter)

    def add(self, verdict: Verdict, why: str | None = None) -> None:
        setattr(self, verdict, getattr(self, verdict) + 1)
        if verdict == "dropped":
            self.why[why or "words"] += 1

    def merge(self, other: GroundingStats) -> None:
        self.grounded += other.grounded
        self.repaired += other.repaired
        self.dropped += other.dropped
        self.builtin += other.builtin
        self.why.update(other.why)

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


@dataclass(frozen=True)
class Located:
    """Where an item is supported: the sentence (unit index) that gives its time, and the verdict."""

    unit: int | None
    verdict: Verdict
    why: Why | None = None  # why it was dropped


def passage_text(unit: Unit) -> str:
    """A sentence as a passage holds it: with its speaker's name, which items may use."""
    return f"{unit.speaker}: {unit.text}" if unit.speaker else unit.text


class Grounder:
    """The support test over one transcript: passages by citation, citations checked or repaired.

    A passage is a run of sentences (units): the cited line with `neighbours` sentences on each
    side (a chapter: and the `after` lines that follow), with the speakers' names unless
    `speakers` is False. Content terms weigh their idf in the transcript when `weighted`, so the
    words that say what an item is about count most.
    """

    def __init__(
        self,
        analysis: Analysis,
        lines: Lines | None = None,
        *,
        semantic: Similarity | None = None,
        share: float = SHARE,
        similar: float = SIMILAR,
        neighbours: int = NEIGHBOURS,
        weighted: bool = WEIGHTED,
        speakers: bool = True,
    ) -> None:
        self.analysis = analysis
        self.language = analysis.language
        self.units = analysis.units
        self.lines = lines or Lines.single(analysis.units)
        self.semantic = semantic
        self.share = share
        self.similar_at = similar
        self.neighbours = neighbours
        idf = analysis.idf
        rare = max(idf.values(), default=1.0)
        self.weight: Weight = (lambda t: idf.get(t, rare)) if weighted else None
        lang = self.language
        self.speakers = speakers
        self._unit_terms = [
            (content_terms(normalise(u.text), lang) if "_" in u.text else frozenset(u.terms))
            | (content_terms(u.speaker, lang) if u.speaker and speakers else frozenset())
            for u in self.units
        ]
        self.term_sets = self._unit_terms
        # Words that may be named where a unit is cited though it does not say them: the title
        # the model was shown (of the whole transcript, or of one passage's video). They count as
        # names only, never as words.
        self.title_names = name_keys(analysis.transcript.meta.title, lang)
        self.unit_names: list[frozenset[str]] = []
        # The content terms of those titles: an item's count only where the passage has them.
        self.title_terms = content_terms(analysis.transcript.meta.title, lang)
        self._passages: dict[tuple[int, int], Passage] = {}
        self._range_terms: dict[tuple[int, int], frozenset[str]] = {}
        self._scores: dict[tuple[str, int, int], float] = {}

    def terms(self, text: str) -> set[str]:
        """The content terms of a text (stemmed, no stop words), as the test compares them."""
        return set(content_terms(text, self.language))

    def item(self, text: str, framing: str = "") -> Item:
        return Item.of(text, self.language, framing)

    def span(
        self, line: int, after: int = 0, lo: int = 0, hi: int | None = None
    ) -> tuple[int, int]:
        """The units (first, last) of the passage a citation of `line` points at, within [lo, hi)."""
        spans = self.lines.spans
        hi = len(self.units) if hi is None else hi
        first = spans[line][0] - self.neighbours
        last = spans[min(len(spans) - 1, line + after)][1] + self.neighbours
        return max(lo, first), min(hi - 1, last)

    def passage(self, first: int, last: int) -> Passage:
        """Units first..last (inclusive) as a passage, speakers' names included."""
        key = (first, last)
        found = self._passages.get(key)
        if found is None:
            said = self.units[first : last + 1]
            texts = [passage_text(u) if self.speakers else u.text for u in said]
            text = normalise(" ".join(texts))
            lent = frozenset().union(*self.unit_names[first : last + 1])
            found = Passage(
                terms=self.range_terms(first, last),
                numbers=numbers(text),
                names=name_keys(text, self.language) | self.title_names | lent,
                words=tuple(words(text)),
                text=text,
            )
            self._passages[key] = found
        return found

    def range_terms(self, first: int, last: int) -> frozenset[str]:
        key = (first, last)
        found = self._range_terms.get(key)
        if found is None:
            found = frozenset().union(*self._unit_terms[first : last + 1])
            self._range_terms[key] = found
        return found

    def _similarity(self, item: Item, first: int, last: int) -> float:
        assert self.semantic is not None
        key = (item.text, first, last)
        if key not in self._scores:
            text = self.passage(first, last).text
            self._scores[key] = float(self.semantic([(item.text, text)])[0])
        return self._scores[key]

    def test(self, item: Item, first: int, last: int) -> Support:
        """The support test of an item on units first..last."""
        passage = self.passage(first, last)
        verdict = check(
            item, passage, share=self.share, weight=self.weight, similar=self.similar_at
        )
        if verdict.reason == "words" and self.semantic is not None:
            score = self._similarity(item, first, last)
            verdict = check(
                item,
                passage,
                share=self.share,
                weight=self.weight,
                similarity=score,
                similar=self.similar_at,
            )
        return verdict

    def _best_unit(self, item: Item, first: int, last: int, anchor: int) -> int:
        """The sentence of units first..last that shares most with the item (nearest the anchor)."""
        sets = self._unit_terms
        return max(
            range(first, last + 1), key=lambda j: (len(item.terms & sets[j]), -abs(j - anchor), -j)
        )

    def locate(
        self,
        text: str,
        cite: int | None,
        *,
        framing: str = "",
        after: int = 0,
        at_cite: bool = False,
        lo: int = 0,
        hi: int | None = None,
    ) -> Located:
        """The unit supporting `text`, cited as sentence number `cite`; search [lo, hi) to repair.

        `framing` (a question) frames the item: its words count only where found. The item is
        placed at the sentence of the passage that shares most with it, or, `at_cite` (a chapter,
        which starts where it is cited), at the cited sentence when that passage supports it.
        Kept as cited when the passage of the cited line (and `after` lines more) supports it;
        else repaired to the passage that supports it best (the largest share of its content
        words, then the nearest), by the same test; else dropped, saying why.
        """
        hi = len(self.units) if hi is None else hi
        item = self.item(text, framing)
        if not item.subject:
            return Located(None, "dropped", "empty")
        # A name from the title ("Dr Alvarez on Vaccines") is neither an invention nor support;
        # the title's other words say what it is about and count as any other.
        titled = item.terms & self.title_terms & item.names
        if titled:
            item = replace(item, optional=item.optional | titled)
            if not item.subject:
                return Located(None, "dropped", "title")
        why: Why = "words"
        anchor = lo
        if cite is not None and lo <= cite - 1 < hi:
            anchor = cite - 1
            first, last = self.span(self.lines.line_of[anchor], after, lo, hi)
            verdict = self.test(item, first, last)
            if verdict:
                unit = anchor if at_cite else self._best_unit(item, first, last, anchor)
                return Located(unit, "grounded")
            why = verdict.reason or "words"
        found = self.search(item, lo, hi, anchor, after)
        if found is not None:
            first, last = found
            return Located(self._best_unit(item, first, last, anchor), "repaired")
        return Located(None, "dropped", why)

    def locate_anywhere(self, text: str) -> Located:
        """Where the transcript supports `text` (a TL;DR sentence, which cites nothing): one
        passage, or, for a sentence joining clauses, a passage for each clause."""
        found = self.locate(text, None)
        clauses = self.item(text).clauses
        if found.unit is not None or not clauses:
            return found
        units = []
        for clause in clauses:
            part = self.locate(clause.text, None)
            if part.unit is None:
                return Located(None, "dropped", part.why)
            units.append(part.unit)
        return Located(units[0], "repaired")

    def candidates(
        self, item: Item, lo: int, hi: int, anchor: int, after: int = 0
    ) -> list[tuple[float, int, int, int]]:
        """Passages within units [lo, hi) holding enough of the item's words: (share, -distance,
        first, last), best first."""
        if hi <= lo:
            return []
        line_lo, line_hi = self.lines.line_of[lo], self.lines.line_of[hi - 1]
        anchor_line = self.lines.line_of[min(max(anchor, lo), hi - 1)]
        need = min(2, len(item.subject))
        scored: list[tuple[float, int, int, int]] = []
        for n in range(line_lo, line_hi + 1):
            first, last = self.span(n, after, lo, hi)
            share, count = term_share(item, self.range_terms(first, last), self.weight)
            if count >= need:
                scored.append((share, -abs(n - anchor_line), first, last))
        scored.sort(reverse=True)
        return scored

    def search(
        self, item: Item, lo: int, hi: int, anchor: int, after: int = 0
    ) -> tuple[int, int] | None:
        """The passage (units) within [lo, hi) that supports the item best, if any."""
        scored = self.candidates(item, lo, hi, anchor, after)
        for share, _, first, last in scored:
            if share < self.share:
                break
            if self.test(item, first, last):
                return first, last
        if self.semantic is not None:
            # Close in meaning though worded otherwise: the candidates that share words, best first.
            best = sorted(scored, key=lambda s: -self._similarity(item, s[2], s[3]))[:5]
            for _, _, first, last in best:
                if self.test(item, first, last):
                    return first, last
        return None

    def similar(self, a: set[str], b: set[str]) -> bool:
        """Two items say the same thing (most content words shared)."""
        if not a or not b:
            return False
        return len(a & b) / len(a | b) >= 0.7


def key_of(text: str) -> str:
    """A text as its lower-cased words: the same sentence, however punctuated or cased."""
    return " ".join(words(text))


class Screen:
    """The checks made before support: prompt echo, text cut off, titles of nothing, reuse."""

    def __init__(self, instructions: str, title: str, language: str) -> None:
        self.cut_endings = CUT_ENDINGS.get(language.split("-")[0].lower(), frozenset())
        toks = words(instructions)
        self.runs = {tuple(toks[i : i + ECHO_RUN]) for i in range(len(toks) - ECHO_RUN + 1)}
        self.instructions = key_of(instructions)
        self.title_terms = Item.of(title, language).subject
        self.uses: Counter[str] = Counter()
        self.seen: set[str] = set()

    def echo(self, text: str) -> bool:
        """Most of the text is copied from the prompt's instructions."""
        toks = words(text)
        if not toks:
            return False
        if len(toks) < ECHO_RUN:
            return f" {key_of(text)} " in f" {self.instructions} " and len(toks) >= 2
        covered = [False] * len(toks)
        for i in range(len(toks) - ECHO_RUN + 1):
            if tuple(toks[i : i + ECHO_RUN]) in self.runs:
                covered[i : i + ECHO_RUN] = [True] * ECHO_RUN
        return sum(covered) >= ECHO_SHARE * len(toks)

    def title_only(self, item: Item) -> bool:
        """The item names nothing beyond the video's title ("How vaccines work.")."""
        return bool(item.subject) and item.subject <= self.title_terms

    def count(self, texts: Sequence[str]) -> None:
        """Count every text of a reply first, so a sentence used three times is caught each time."""
        self.uses.update(k for k in map(key_of, texts) if k)

    def repeat(self, text: str) -> bool:
        """The sentence was used already in this reply, or is used three times or more."""
        key = key_of(text)
        if not key:
            return False
        if self.uses[key] >= 3 or key in self.seen:
            return True
        self.seen.add(key)
        return False

    def cut(self, text: str) -> bool:
        """The text stops mid-phrase ("... a good team of people who"): no sentence, no title."""
        toks = words(text)
        return bool(toks) and toks[-1] in self.cut_endings

    def screen_text(self, text: str) -> Why | None:
        """Why a text of an item is rejected before the support test: echo, cut off, or reuse."""
        if self.echo(text):
            return "echo"
        if self.cut(text):
            return "cut"
        if self.repeat(text):
            return "repeat"
        return None

    def screen_item(self, item: Item) -> Why | None:
        """Why an item is rejected before the support test: it names nothing but the title."""
        return "title" if self.title_only(item) else None
