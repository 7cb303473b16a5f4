"""Topic segmentation (TextTiling-style): where the vocabulary of a talk shifts, a chapter starts."""

from __future__ import annotations

import math

from distill.summarize.units import Unit


class _Bag:
    """Term counts of a sliding block of units, with its squared TF-IDF norm kept up to date."""

    def __init__(self, idf2: dict[str, float]) -> None:
        self.counts: dict[str, int] = {}
        self.norm2 = 0.0
        self.idf2 = idf2

    def add(self, terms: list[str], sign: int) -> None:
        counts, idf2 = self.counts, self.idf2
        for t in terms:
            old = counts.get(t, 0)
            new = old + sign
            self.norm2 += (new * new - old * old) * idf2[t]
            if new:
                counts[t] = new
            else:
                del counts[t]


def _cos(a: _Bag, b: _Bag) -> float:
    x, y = (a.counts, b.counts) if len(a.counts) <= len(b.counts) else (b.counts, a.counts)
    idf2 = a.idf2
    dot = sum(c * y[t] * idf2[t] for t, c in x.items() if t in y)
    if dot <= 0 or a.norm2 <= 0 or b.norm2 <= 0:
        return 0.0
    return dot / math.sqrt(a.norm2 * b.norm2)


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
    idf2 = {t: v * v for t, v in idf.items()}
    left, right = _Bag(idf2), _Bag(idf2)
    for u in units[1 : w + 1]:
        right.add(u.terms, 1)
    left.add(units[0].terms, 1)
    sims: list[float] = []  # sims[g-1] is the similarity across the gap before unit g
    for g in range(1, n):
        sims.append(_cos(left, right))
        # Slide: unit g moves from right to left, unit g+w enters, unit g-w leaves.
        left.add(units[g].terms, 1)
        right.add(units[g].terms, -1)
        if g + w < n:
            right.add(units[g + w].terms, 1)
        if g - w >= 0:
            left.add(units[g - w].terms, -1)
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
