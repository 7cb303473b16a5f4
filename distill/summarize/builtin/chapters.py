"""Chapters: topic segmentation (TextTiling-style: where the vocabulary shifts) and their titles."""

from __future__ import annotations

import math
from collections import Counter

from distill.domain import Chapter, Transcript
from distill.summarize.builtin.naming import Said, nameable, said_in
from distill.summarize.text.analysis import Analysis, Keyphrase
from distill.summarize.text.chapters import source_chapters
from distill.summarize.text.roles import symbolic
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


# How two names of a chapter are joined: "Eigenvectors and eigenvalues".
_AND = {
    "en": " and ",
    "es": " y ",
    "fr": " et ",
    "de": " und ",
    "it": " e ",
    "pt": " e ",
    "nl": " en ",
}


def _title(
    a: Analysis, units: list[Unit], spread: Counter[str], n_chapters: int, taken: set[str]
) -> str:
    phrases = a.find_keyphrases(units, limit=8)
    # The talk's own key phrases said here, after the chapter's: a name when it has none.
    inside = set().union(*(set(u.terms) for u in units)) if units else set()
    local = {kp.terms for kp in phrases}
    backup = [kp for kp in a.keyphrases if kp.terms not in local and inside.issuperset(kp.terms)]

    def distinct(kp_terms: tuple[str, ...]) -> float:
        return sum(math.log(1 + n_chapters / max(1, spread[t])) for t in kp_terms) / len(kp_terms)

    def value(k: Keyphrase) -> float:
        return k.weight * (0.5 + distinct(k.terms)) ** 2

    lowered = [u.text.lower() for u in units]
    cache: dict[str, Said] = {}

    def said(kp: Keyphrase) -> Said:
        """How a phrase is said here, worked out the first time it is asked for."""
        if kp.surface not in cache:
            cache[kp.surface] = said_in(a, units, lowered, kp)
        return cache[kp.surface]

    # Names (written with capitals mid-sentence) make the best titles: "Johann Bernoulli".
    capitals = a.capitalised

    def proper(k: Keyphrase) -> bool:
        return all(w in capitals for w in k.surface.split())

    ranked = sorted(phrases, key=lambda k: (-value(k) * (1.5 if proper(k) else 1.0), k.surface))
    first = None
    passes = ((ranked, True, True), (ranked, False, True), (backup, True, True))
    for candidates, strict, fresh in (*passes, (ranked, True, False), (ranked, False, False)):
        for kp in candidates:
            found = said(kp)
            if nameable(kp, found, a, strict) and not (fresh and found.form.lower() in taken):
                first = kp
                break
        if first is not None:
            break
    if first is None:  # no noun among the chapter's phrases: its most frequent words
        plain = [k for k in ranked if not symbolic(k.surface.split())] or ranked
        if not plain:
            best = max(units, key=lambda u: (len(u.terms), -u.index))
            return " ".join(best.text.split()[:6]).rstrip(".,;:!?")
        first = max(plain, key=lambda k: (k.count, k.surface))
    names = [said(first).form]
    for kp in ranked:  # a second name, as strong and as much a thing as the first
        if (
            kp is not first
            and not set(kp.terms) & set(first.terms)
            and kp.count >= 3
            and value(kp) >= 0.6 * value(first)
            and nameable(kp, said(kp), a, True)
        ):
            names.append(said(kp).form)
            break
    title = _AND.get(a.language, " · ").join(names)
    return title[0].upper() + title[1:]


def make_chapters(a: Analysis, starts: list[int]) -> list[Chapter]:
    """Chapters from topic segmentation (the units they start at), each titled by its own keyphrases."""
    n = len(a.units)
    bounds = list(zip(starts, [*starts[1:], n], strict=True))
    spread: Counter[str] = Counter()
    for b, e in bounds:
        spread.update(set().union(*a.term_sets[b:e]))
    chapters = []
    taken: set[str] = set()
    for b, e in bounds:
        title = _title(a, a.units[b:e], spread, len(bounds), taken)
        taken.add(title.split(_AND.get(a.language, " · "))[0].lower())
        chapters.append(Chapter(title=title, start=a.units[b].start))
    return chapters


def meta_chapters(t: Transcript, a: Analysis) -> tuple[list[Chapter], list[int]] | None:
    """The source's own chapters (its metadata's, or its description's chapter lines), snapped to
    the first sentence said at or after each, with the unit each begins at."""
    timed = [u for u in a.units if u.start is not None]
    own = source_chapters(t.meta)
    if not own or not timed:
        return None
    chapters: list[Chapter] = []
    starts: list[int] = []
    for ch in sorted(own, key=lambda c: c.start or 0.0):
        at = ch.start or 0.0
        unit = next((u for u in timed if (u.start or 0.0) >= at - 0.5), None)
        if unit is None or (starts and unit.index <= starts[-1]):
            continue
        chapters.append(Chapter(title=ch.title, start=unit.start))
        starts.append(unit.index)
    if not starts:
        return None
    starts[0] = 0  # what is said before the first chapter is counted with it
    return chapters, starts
