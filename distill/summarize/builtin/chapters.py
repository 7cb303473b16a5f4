"""Chapters: topic segmentation (TextTiling-style: where the vocabulary shifts) and their titles."""

from __future__ import annotations

import math
from collections import Counter

from distill.domain import Chapter, Transcript
from distill.summarize.text.analysis import Analysis, Keyphrase
from distill.summarize.text.units import Unit


def _block_similarities(units: list[Unit], idf: dict[str, float], w: int) -> list[float]:
    """TF-IDF cosine of the w units before and after each gap (sims[g-1]: before unit g).

    Both blocks slide one unit per gap; their term counts, squared norms and dot product are
    updated per term that enters or leaves, so the cost is linear in the words of the talk.
    """
    ids: dict[str, int] = {}
    seqs = [[ids.setdefault(t, len(ids)) for t in u.terms] for u in units]
    weight2 = [0.0] * len(ids)
    for t, i in ids.items():
        weight2[i] = idf[t] * idf[t]
    left, right = [0] * len(ids), [0] * len(ids)
    n = len(units)
    # Squared norms of the blocks and their dot product; a term entering or leaving a block
    # changes them by what it adds against the current counts.
    left2 = right2 = dot = 0.0
    for seq in seqs[1 : w + 1]:
        for i in seq:
            old = right[i]
            right[i] = old + 1
            right2 += (2 * old + 1) * weight2[i]
    for i in seqs[0]:
        old = left[i]
        left[i] = old + 1
        left2 += (2 * old + 1) * weight2[i]
        dot += right[i] * weight2[i]
    sims: list[float] = []
    for g in range(1, n):
        sims.append(
            dot / math.sqrt(left2 * right2) if dot > 1e-9 and left2 > 0 and right2 > 0 else 0.0
        )
        # Slide: unit g moves from right to left, unit g+w enters, unit g-w leaves.
        for i in seqs[g]:
            w2 = weight2[i]
            old = left[i]
            left[i] = old + 1
            left2 += (2 * old + 1) * w2
            dot += right[i] * w2
            old = right[i]
            right[i] = old - 1
            right2 += (1 - 2 * old) * w2
            dot -= left[i] * w2
        if g + w < n:
            for i in seqs[g + w]:
                w2 = weight2[i]
                old = right[i]
                right[i] = old + 1
                right2 += (2 * old + 1) * w2
                dot += left[i] * w2
        if g - w >= 0:
            for i in seqs[g - w]:
                w2 = weight2[i]
                old = left[i]
                left[i] = old - 1
                left2 += (1 - 2 * old) * w2
                dot -= right[i] * w2
    return sims


def chapter_count(units: list[Unit]) -> int:
    """How many chapters a talk of this length deserves."""
    n_words = sum(u.n_words for u in units)
    if len(units) < 12:
        return 1
    return max(2, min(10, round(n_words / 300)))


def segment(units: list[Unit], idf: dict[str, float], k: int | None = None) -> list[int]:
    """Indices of the units that start each topic segment (always begins with 0); linear cost."""
    n = len(units)
    k = chapter_count(units) if k is None else k
    if k <= 1 or n < 4:
        return [0]
    w = max(3, min(12, n // (3 * k)))
    sims = _block_similarities(units, idf, w)
    # Peak reached by climbing left/right from each gap, in linear time.
    m = len(sims)
    lpeak = sims[:]
    for i in range(1, m):
        if sims[i - 1] >= sims[i]:
            lpeak[i] = lpeak[i - 1]
    rpeak = sims[:]
    for i in range(m - 2, -1, -1):
        if sims[i + 1] >= sims[i]:
            rpeak[i] = rpeak[i + 1]
    depths = [(lpeak[i] - s + rpeak[i] - s, i + 1) for i, s in enumerate(sims)]
    min_gap = max(3, n // (2 * k))
    chosen: list[int] = []
    for depth, g in sorted(depths, key=lambda d: (-d[0], d[1])):
        if depth <= 0 or len(chosen) >= k - 1:
            break
        if g < min_gap or n - g < min_gap:
            continue
        if all(abs(g - c) >= min_gap for c in chosen):
            chosen.append(g)
    if len(chosen) < k - 1:  # flat vocabulary: fall back to even cuts
        for j in range(1, k):
            g = round(j * n / k)
            if len(chosen) >= k - 1:
                break
            if all(abs(g - c) >= min_gap for c in chosen) and min_gap <= g <= n - min_gap:
                chosen.append(g)
    return [0, *sorted(chosen)]


def _title(a: Analysis, units: list[Unit], spread: Counter[str], n_chapters: int) -> str:
    phrases = a.find_keyphrases(units, limit=8)
    if not phrases:
        best = max(units, key=lambda u: (len(u.terms), -u.index))
        return " ".join(best.text.split()[:6]).rstrip(".,;:!?")

    def distinct(kp_terms: tuple[str, ...]) -> float:
        return sum(math.log(1 + n_chapters / max(1, spread[t])) for t in kp_terms) / len(kp_terms)

    def value(k: Keyphrase) -> float:
        return k.weight * (0.5 + distinct(k.terms))

    ranked = sorted(phrases, key=lambda k: (-value(k), k.surface))
    names = [ranked[0].surface]
    second = ranked[1] if len(ranked) > 1 else None
    if (
        second
        and not set(second.terms) & set(ranked[0].terms)
        and second.count >= 2
        and value(second) >= 0.4 * value(ranked[0])
    ):
        names.append(second.surface)
    title = " and ".join(names)
    return title[0].upper() + title[1:]


def make_chapters(a: Analysis, starts: list[int]) -> list[Chapter]:
    """Chapters from topic segmentation (the units they start at), each titled by its own keyphrases."""
    n = len(a.units)
    bounds = list(zip(starts, [*starts[1:], n], strict=True))
    spread: Counter[str] = Counter()
    for b, e in bounds:
        spread.update(set().union(*a.term_sets[b:e]))
    chapters = []
    for b, e in bounds:
        title = _title(a, a.units[b:e], spread, len(bounds))
        chapters.append(Chapter(title=title, start=a.units[b].start))
    return chapters


def meta_chapters(t: Transcript, a: Analysis) -> tuple[list[Chapter], list[int]] | None:
    """The video's own chapters, snapped to segment starts, with the unit each begins at."""
    timed = [u for u in a.units if u.start is not None]
    if not t.meta.chapters or not timed:
        return None
    chapters: list[Chapter] = []
    starts: list[int] = []
    for ch in sorted(t.meta.chapters, key=lambda c: c.start or 0.0):
        at = ch.start or 0.0
        unit = next((u for u in timed if (u.start or 0.0) >= at - 0.5), None)
        if unit is None or (starts and unit.index <= starts[-1]):
            continue
        chapters.append(Chapter(title=ch.title, start=unit.start))
        starts.append(unit.index)
    if not starts:
        return None
    starts[0] = 0
    chapters[0] = Chapter(title=chapters[0].title, start=a.units[0].start)
    return chapters, starts
