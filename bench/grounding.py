"""The grounding verifier's confusion table on real data: does a passage support an item?

Usage: .venv/bin/python bench/grounding.py [--sweep] [--semantic] [--limit N] [--eval DIR]

Positives: the built-in summary's items of every channel-dev video and meetings-dev meeting with
the passage they come from, and meetings-dev's reference answers, sentence by sentence, with the
passage of their meeting that supports them best. Negatives: the same items with a passage of
another video or meeting (at the same place, and the best one a repair search there finds), and
items whose passage has a number or a name that is changed in the item, or that are joined to a
clause of another source (", and ..."). A passage is what a
citation points at in the pipeline (`Grounder.span`): the cited line with two sentences before
and after (chapter titles: and `CHAPTER_AFTER` lines more), lines grouped as the prompt groups them.
Chapter titles (a few words) are counted in rows of their own.

Targets: at most 1 % of the negatives accepted, at least 95 % of the positives kept.
`--sweep` prints both rates for other word shares, passage sizes and unweighted words;
`--semantic` adds the cosine of the knowledge base's sentence vectors (`distill.embed`,
WordLlama) as an alternative to the word share.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.quality import load_meeting  # noqa: E402
from distill.domain import Summary, Transcript  # noqa: E402
from distill.errors import SummarizeError  # noqa: E402
from distill.sources import resolve  # noqa: E402
from distill.speech.sentences import sentence_spans  # noqa: E402
from distill.summarize.builtin.chapters import segment  # noqa: E402
from distill.summarize.builtin.summary import summary_of  # noqa: E402
from distill.summarize.llm.grounding import (  # noqa: E402
    CHAPTER_AFTER,
    NEIGHBOURS,
    WEIGHTED,
    Grounder,
    Lines,
)
from distill.summarize.llm.support import (  # noqa: E402
    _DIGITS,
    _TENS,
    _UNITS,
    SHARE,
    SIMILAR,
    Item,
    missing_facts,
    names,
    term_share,
)
from distill.summarize.text.analysis import Analysis  # noqa: E402
from distill.summarize.text.words import WORD_RE  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
REFERENCES = "reference answers (meeting)"


def approx_tokens(text: str) -> int:
    """The token estimate of models without a tokenizer (distill.llm.base)."""
    return max(1, (len(text) + 3) // 4) if text else 0


@dataclass
class Source:
    name: str
    kind: str  # "channel" or "meeting"
    analysis: Analysis
    lines: Lines
    summary: Summary
    names: list[str] = field(default_factory=list)  # name words said in it (for swaps)
    grounder: Grounder | None = None

    @property
    def g(self) -> Grounder:
        assert self.grounder is not None
        return self.grounder


@dataclass
class Pair:
    """One judgement. `lex`: the word share where the words are enough to count and the facts
    hold, else -1 (accepted at threshold t when lex >= t); `sem` likewise for the cosine."""

    group: str
    positive: bool
    text: str
    lex: float
    sem: float = -1.0
    why: str = ""


def load(eval_dir: Path, limit: int | None) -> list[Source]:
    todo: list[tuple[str, str, Callable[[], Transcript]]] = []
    todo += [
        (p.stem, "channel", lambda p=p: resolve(str(p)))
        for p in sorted((eval_dir / "channel-dev").glob("*.srt"))[:limit]
    ]
    todo += [
        (p.stem, "meeting", lambda p=p: load_meeting(p))
        for p in sorted((eval_dir / "meetings-dev").glob("*.txt"))[:limit]
    ]
    sources = []
    for name, kind, make in todo:
        try:
            a = Analysis(make())
        except SummarizeError:  # a caption file with no speech in it
            continue
        pool: set[str] = set()
        for u in a.units:
            found = {n.lower() for n in names(u.text)}
            pool.update(m.group() for m in WORD_RE.finditer(u.text) if m.group().lower() in found)
            if u.speaker:
                pool.update(w for w in u.speaker.split() if w[:1].isupper() and w.isalpha())
        lines = Lines.group(a.units, approx_tokens)
        sources.append(Source(name, kind, a, lines, summary_of(a), sorted(pool)))
    return sources


def unit_of(g: Grounder, text: str, start: float | None) -> int:
    """The unit a built-in item was taken from: the longest one it begins with, nearest `start`."""
    best, best_score = 0, (-1, 0.0)
    for u in g.units:
        if not text.startswith(u.text):
            continue
        near = -abs((u.start or 0.0) - start) if start is not None and u.start is not None else 0.0
        score = (len(u.text), near)
        if score > best_score:
            best, best_score = u.index, score
    return best


def builtin_items(s: Source) -> list[tuple[str, str, str, tuple[int, int], int]]:
    """(group, item text, its framing, passage units, lines after) of a source's built-in items."""
    g, summary = s.g, s.summary
    group = f"built-in items ({s.kind})"
    out = []

    def add(text: str, unit: int, after: int = 0, name: str = group) -> None:
        out.append((name, text, "", g.span(g.lines.line_of[unit], after), after))

    for sentence in (summary.tldr[b:e].strip() for b, e in sentence_spans(summary.tldr)):
        add(sentence, unit_of(g, sentence, None))
    for ins in summary.insights:
        add(ins.text, unit_of(g, ins.text, ins.start))
    for tk in summary.takeaways:
        add(tk.text, unit_of(g, tk.text, tk.start))
    for qa in summary.qa:
        # From the question (said, or made of the answer's words) to the answer's first sentence.
        asked, answer = unit_of(g, qa.question, qa.start), unit_of(g, qa.answer, qa.start)
        first = g.span(g.lines.line_of[min(asked, answer)])[0]
        last = g.span(g.lines.line_of[max(asked, answer)])[1]
        out.append((group, qa.answer, qa.question, (first, last), 0))
    # Where each built-in chapter starts (transcripts without times have no start to match).
    starts = segment(s.analysis.units, s.analysis.idf)
    for k, ch in enumerate(summary.chapters):
        titles = f"built-in chapter titles ({s.kind})"
        unit = next(
            (u.index for u in g.units if ch.start is not None and u.start == ch.start), None
        )
        if unit is None and len(starts) == len(summary.chapters):
            unit = starts[k]
        add(ch.title, unit or 0, CHAPTER_AFTER, titles)
    return out


def reference_items(eval_dir: Path, by_name: dict[str, Source]) -> list[tuple[Source, str]]:
    """meetings-dev's reference answers, one sentence each, with their meeting."""
    out = []
    for line in (eval_dir / "meetings-dev" / "refs.jsonl").read_text().splitlines():
        ref = json.loads(line)
        source = by_name.get(Path(ref["file"]).stem)
        if source is None:
            continue
        for qa in ref["qa"]:
            answer = " ".join(qa["answer"].split())
            for b, e in sentence_spans(answer):
                sentence = answer[b:e].strip()
                if len(sentence.split()) >= 4:
                    out.append((source, sentence))
    return out


class Judge:
    """Scores pairs the way the pipeline's Grounder decides them."""

    def __init__(self, embed: Callable[[Sequence[str]], object] | None) -> None:
        self.embed = embed
        self._vectors: dict[tuple[str, int, int], object] = {}
        self._items: dict[str, object] = {}

    def lex(self, g: Grounder, item: Item, first: int, last: int) -> tuple[float, str]:
        """The word share if the passage could support the item at some threshold, else -1."""
        if not item.subject:
            return -1.0, "empty"
        passage = g.passage(first, last)
        share, count = term_share(item, passage.terms, g.weight)
        if count < min(2, len(item.subject)):
            return -1.0, "too few words"
        lacking = missing_facts(item, passage)
        if lacking is not None:
            return -1.0, lacking[0]
        # Every clause must hold on its own too (at the same threshold).
        for clause in item.clauses:
            got, found = term_share(clause, passage.terms, g.weight)
            if found < min(2, len(clause.subject)):
                return -1.0, "a clause"
            share = min(share, got)
        return share, "too few words"

    def sem(self, g: Grounder, item: Item, first: int, last: int) -> float:
        """The cosine of item and passage where the words are enough to count and the facts hold."""
        if self.embed is None or not item.subject:
            return -1.0
        passage = g.passage(first, last)
        _, count = term_share(item, passage.terms, g.weight)
        if count < min(2, len(item.subject)) or missing_facts(item, passage) is not None:
            return -1.0
        return self.cosine(g, item.text, first, last)

    def cosine(self, g: Grounder, text: str, first: int, last: int) -> float:
        import numpy as np

        assert self.embed is not None
        key = (g.analysis.transcript.meta.id, first, last)
        if key not in self._vectors:
            self._vectors[key] = self.embed([g.passage(first, last).text])[0]  # type: ignore[index]
        if text not in self._items:
            self._items[text] = self.embed([text])[0]  # type: ignore[index]
        return float(np.dot(self._items[text], self._vectors[key]))  # type: ignore[call-overload]

    def best_span(self, g: Grounder, item: Item) -> tuple[int, int]:
        """The passage that supports an item best: the largest word share where the facts hold."""
        scored = [
            (self.lex(g, item, first, last)[0], share, first, last)
            for share, _, first, last in g.candidates(item, 0, len(g.units), 0)
        ]
        return max(scored)[2:] if scored else (0, 0)

    def best(self, g: Grounder, item: Item, after: int) -> tuple[float, float]:
        """Over every passage of a transcript (a repair search): the best lex and sem scores."""
        best_lex, best_sem = -1.0, -1.0
        for _, _, first, last in g.candidates(item, 0, len(g.units), 0, after):
            best_lex = max(best_lex, self.lex(g, item, first, last)[0])
            best_sem = max(best_sem, self.sem(g, item, first, last))
        return best_lex, best_sem


def change_number(text: str, taken: frozenset[float], rng: random.Random) -> str | None:
    """The text with one of its numbers changed to one the passage does not have."""
    for m in _DIGITS.finditer(text):
        value = float(m.group().replace(",", ""))
        for new in (value + 1, value * 2, value + 10, value + 3):
            if new not in taken:
                shown = f"{new:g}" if "." in m.group() else str(int(new))
                return text[: m.start()] + shown + text[m.end() :]
    for m in WORD_RE.finditer(text):
        tok = m.group().lower()
        pool = _UNITS if tok in _UNITS and tok != "one" else _TENS if tok in _TENS else None
        if pool is None:
            continue
        options = [w for w in pool if w not in (tok, "one", "zero")]
        rng.shuffle(options)
        for w in options:
            changed = text[: m.start()] + w + text[m.end() :]
            if not Item.of(changed).numbers <= taken:
                return changed
    return None


def swap_name(
    text: str, item: Item, s: Source, taken: frozenset[str], rng: random.Random
) -> str | None:
    """The text with one of its names replaced by another name said in the same source."""
    as_name = {n: names(f"Then {n} spoke") for n in s.names}
    options = [n for n, key in as_name.items() if key and not key & taken]
    if not options:
        return None
    new = rng.choice(options)
    for m in WORD_RE.finditer(text):
        old = names(f"Then {m.group()} spoke")
        if not old or not old <= item.names:
            continue
        swapped = text[: m.start()] + new + text[m.end() :]
        if as_name[new] <= Item.of(swapped).names:
            return swapped  # a name of the item, replaced by one read as a name where it stands
    return None


def join_clause(text: str, other: Grounder, rng: random.Random) -> str | None:
    """The text with a short clause of another source joined to it (", and ..."): up to eight
    words of one of its sentences, with three content words or more (a claim, not "and so on")."""
    clauses = []
    for u in other.units:
        head = " ".join(u.text.split()[:8]).rstrip(".!?,;: ")
        if not any(c in head for c in ".!?;") and len(Item.of(head).subject) >= 3:
            clauses.append(head)
    if not clauses:
        return None
    clause = rng.choice(clauses)
    return f"{text.rstrip('.!? ')}, and {clause[:1].lower()}{clause[1:]}."


def collect(sources: list[Source], judge: Judge, eval_dir: Path) -> list[Pair]:
    rng = random.Random(19)
    pairs: list[Pair] = []
    items: list[tuple[Source, str, str, str, tuple[int, int], int]] = []
    for s in sources:
        items += [(s, *found) for found in builtin_items(s)]
    meetings = {s.name: s for s in sources if s.kind == "meeting"}
    for s, text in reference_items(eval_dir, meetings):
        items.append((s, REFERENCES, text, "", judge.best_span(s.g, Item.of(text)), 0))

    for s, group, text, framing, (first, last), after in items:
        g = s.g
        item = Item.of(text, framing=framing)
        lex, why = judge.lex(g, item, first, last)
        pairs.append(Pair(group, True, text, lex, judge.sem(g, item, first, last), why))
        titles = "chapter titles, " if "chapter" in group else ""
        # Another video or meeting, any of them: at the same place, and its best passage.
        o = rng.choice([x for x in sources if x is not s])
        og = o.g
        at = round(g.lines.line_of[first] / len(g.lines.spans) * len(og.lines.spans))
        of, ol = og.span(min(at, len(og.lines.spans) - 1), after)
        olex, owhy = judge.lex(og, item, of, ol)
        osem = judge.sem(og, item, of, ol)
        pairs.append(Pair(f"{titles}other source, same place", False, text, olex, osem, owhy))
        blex, bsem = judge.best(og, item, after)
        pairs.append(Pair(f"{titles}other source, best passage", False, text, blex, bsem))
        passage = g.passage(first, last)
        if item.numbers and item.numbers <= passage.numbers:
            changed = change_number(text, passage.numbers, rng)
            if changed is not None:
                c = Item.of(changed, framing=framing)
                clex, cwhy = judge.lex(g, c, first, last)
                csem = judge.sem(g, c, first, last)
                pairs.append(Pair("changed number", False, changed, clex, csem, cwhy))
        if "chapter" not in group:
            joined = join_clause(text, og, rng)
            if joined is not None:
                c = Item.of(joined, framing=framing)
                jlex, jwhy = judge.lex(g, c, first, last)
                jsem = judge.sem(g, c, first, last)
                pairs.append(
                    Pair("joined clause of another source", False, joined, jlex, jsem, jwhy)
                )
        if item.names and item.names <= passage.names:
            swapped = swap_name(text, item, s, passage.names, rng)
            if swapped is not None:
                c = Item.of(swapped, framing=framing)
                slex, swhy = judge.lex(g, c, first, last)
                ssem = judge.sem(g, c, first, last)
                pairs.append(Pair("swapped name", False, swapped, slex, ssem, swhy))
    return pairs


def accepted(p: Pair, share: float, similar: float | None) -> bool:
    return p.lex >= share or (similar is not None and p.sem >= similar)


def table(pairs: list[Pair], share: float, similar: float | None) -> None:
    groups: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        groups[p.group].append(p)
    print(f"{'':42}{'n':>6}{'accepted':>10}{'rejected':>10}{'accepted %':>12}")
    for positive in (True, False):
        print("positives (should be accepted)" if positive else "negatives (should be rejected)")
        for titles in (False, True):
            total = hit = 0
            for name, ps in groups.items():
                if ps[0].positive != positive or ("chapter" in name) != titles:
                    continue
                a = sum(accepted(p, share, similar) for p in ps)
                total, hit = total + len(ps), hit + a
                print(f"  {name:40}{len(ps):>6}{a:>10}{len(ps) - a:>10}{100 * a / len(ps):>11.1f}%")
            if total and not titles:
                label = "all items" + (" (target >= 95 %)" if positive else " (target <= 1 %)")
                print(
                    f"  {label:40}{total:>6}{hit:>10}{total - hit:>10}{100 * hit / total:>11.1f}%"
                )


def reasons(pairs: list[Pair], share: float) -> None:
    print("why positives were rejected:")
    by: dict[str, Counter[str]] = defaultdict(Counter)
    for p in pairs:
        if p.positive and p.lex < share:
            by[p.group][p.why] += 1
    for group, counts in by.items():
        print(f"  {group}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))


def rates(pairs: list[Pair], share: float, similar: float | None) -> tuple[float, float, float]:
    """Kept % of the item positives, of the reference answers, accepted % of item negatives."""
    pos = [p for p in pairs if p.positive and "chapter" not in p.group]
    ref = [p for p in pos if p.group == REFERENCES]
    neg = [p for p in pairs if not p.positive and "chapter" not in p.group]

    def pct(ps: list[Pair]) -> float:
        return 100 * sum(accepted(p, share, similar) for p in ps) / max(1, len(ps))

    return pct(pos), pct(ref), pct(neg)


def semantic_embedder() -> Callable[[Sequence[str]], object]:
    """The knowledge base's sentence vectors (distill.embed: WordLlama, loaded from its wheel)."""
    from distill.embed import get_embedder

    return get_embedder().embed


def configure(sources: list[Source], neighbours: int, weighted: bool) -> None:
    for s in sources:
        s.grounder = Grounder(s.analysis, s.lines, neighbours=neighbours, weighted=weighted)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sweep", action="store_true", help="rates at other settings")
    ap.add_argument("--semantic", action="store_true", help="measure the WordLlama check too")
    ap.add_argument("--limit", type=int, default=None, help="sources of each kind")
    ap.add_argument("--eval", type=Path, default=EVAL)
    args = ap.parse_args()
    eval_dir: Path = args.eval
    if not (eval_dir / "meetings-dev").is_dir():
        sys.exit(f"no evaluation data at {eval_dir}; pass --eval DIR")
    t0 = time.perf_counter()
    sources = load(eval_dir, args.limit)
    judge = Judge(semantic_embedder() if args.semantic else None)
    configure(sources, NEIGHBOURS, WEIGHTED)
    pairs = collect(sources, judge, eval_dir)
    print(f"{len(sources)} sources, {len(pairs)} pairs, {time.perf_counter() - t0:.1f} s")
    weighting = "idf-weighted" if WEIGHTED else "unweighted"
    print(
        f"\nthe shipped test: {weighting} word share >= {SHARE} over the cited line and "
        f"{NEIGHBOURS} sentence(s) on each side; every number, name and quoted term"
    )
    table(pairs, SHARE, None)
    reasons(pairs, SHARE)
    if args.sweep:
        print("\nsweep: items kept % (all positives / reference answers), negatives accepted %")
        for neighbours in (0, 1, 2):
            for weighted in (True, False):
                configure(sources, neighbours, weighted)
                swept = collect(sources, Judge(None), eval_dir)
                cells = []
                for share in (0.5, 0.55, 0.6, 0.67, 0.75):
                    pos, ref, neg = rates(swept, share, None)
                    cells.append(f"{share:.2f}: {pos:5.1f} / {ref:5.1f}, {neg:4.1f}")
                label = f"neighbours {neighbours}, {'idf' if weighted else 'flat'}"
                print(f"  {label:18} " + " | ".join(cells))
        configure(sources, NEIGHBOURS, WEIGHTED)
    if args.semantic:
        print(f"\nwith the semantic check (word share >= {SHARE} or cosine >= c):")
        for similar in (0.5, 0.6, 0.7, SIMILAR, 0.9):
            pos, ref, neg = rates(pairs, SHARE, similar)
            print(
                f"  c = {similar:.2f}: kept {pos:5.1f} % (reference answers {ref:5.1f} %), "
                f"negatives accepted {neg:4.1f} %"
            )


if __name__ == "__main__":
    main()
