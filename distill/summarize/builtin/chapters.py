"""Chapters: topic segmentation (TextTiling-style: where the vocabulary shifts) and their titles."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from distill.domain import Chapter, Transcript
from distill.summarize.text.analysis import GENERIC, Analysis, Keyphrase
from distill.summarize.text.chapters import source_chapters
from distill.summarize.text.roles import ARTICLES, symbolic
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


# English endings of adverbs, verb forms and adjectives: no title on their own.
_NOT_NOUNS = ("ly", "ing", "ed", "ous", "ive", "ful", "able", "ible", "ical", "ial", "ural")


@dataclass(slots=True)
class _Said:
    """How a phrase is said in some units."""

    form: str  # the form said most mid-sentence (so proper nouns keep their capitals)
    times: int = 0
    hyphened: int = 0  # part of a hyphenated word ("i-hat", "j-hat")
    after_article: int = 0  # "the dot product", "of vectors"
    before_term: int = 0  # followed by a content word: a modifier ("linear" transformation)
    proper: bool = False  # written with capitals mid-sentence ("Johann Bernoulli")


def _said(a: Analysis, units: list[Unit], lowered: list[str], kp: Keyphrase) -> _Said:
    """How a key phrase is said in some units (`lowered`: their texts in lower case)."""
    articles = ARTICLES.get(a.language, frozenset())
    forms: Counter[str] = Counter()
    said = _Said(kp.surface)
    term_sets, terms = a.term_sets, set(kp.terms)
    surface, size = kp.surface, len(kp.surface)
    for u, low in zip(units, lowered, strict=True):
        if not terms <= term_sets[u.index]:  # a unit that says it has all its terms
            continue
        at = low.find(surface)
        while at >= 0:
            end = at + size
            before, after = low[at - 1 : at], low[end : end + 1]
            if not (before.isalnum() or before == "'" or after.isalnum() or after == "'"):
                said.times += 1
                if before == "-" or after == "-":
                    said.hyphened += 1
                else:
                    _count(said, forms, u.text, at, end, articles, a)
            at = low.find(surface, at + 1)
    if forms:
        said.form = forms.most_common(1)[0][0]
        said.proper = all(w[:1].isupper() for w in said.form.split())
    return said


def _count(
    said: _Said,
    forms: Counter[str],
    text: str,
    at: int,
    end: int,
    articles: frozenset[str],
    a: Analysis,
) -> None:
    """Count what is said around one occurrence of a phrase at text[at:end]."""
    head = text[:at].rstrip()
    previous = head.rsplit(None, 1)[-1].strip('"(').lower() if head else ""
    if previous in articles:
        said.after_article += 1
    tail = text[end:]
    following = tail.split(None, 1)[0].rstrip(".,;:!?") if tail[:1] == " " else ""
    if following and a.lex.term(following.lower()):
        said.before_term += 1
    if head and head[-1] not in ".!?":  # mid-sentence: the capitals are the word's own
        forms[text[at:end]] += 1


def _nameable(kp: Keyphrase, said: _Said, a: Analysis, strict: bool) -> bool:
    """A phrase that names a thing: not only numbers and arithmetic, nor part of a hyphenated
    word; one word is a noun (said after an article, no modifier, adverb, adjective or verb
    form); strictly, more words are said after an article too (or are a proper name)."""
    words = kp.surface.split()
    if symbolic(words) or any(ch.isdigit() for ch in kp.surface):
        return False
    if not said.times or 2 * said.hyphened >= said.times or said.form.endswith(("'s", "’s")):
        return False  # "i-hat" is no "hat"; "Jennifer's" needs what is hers
    if a.language not in ARTICLES or said.proper:
        return True
    if len(words) == 1:
        if kp.terms[0] in GENERIC or said.after_article < 2 or 2 * said.before_term > said.times:
            return False
        return not (a.lex.english and words[0].endswith(_NOT_NOUNS))
    return not strict or 3 * said.after_article >= said.times - said.hyphened


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
    said = {kp.surface: _said(a, units, lowered, kp) for kp in phrases + backup}
    # Names (written with capitals mid-sentence) make the best titles: "Johann Bernoulli".
    ranked = sorted(
        phrases, key=lambda k: (-value(k) * (1.5 if said[k.surface].proper else 1.0), k.surface)
    )
    first = None
    passes = ((ranked, True, True), (ranked, False, True), (backup, True, True))
    for candidates, strict, fresh in (*passes, (ranked, True, False), (ranked, False, False)):
        for kp in candidates:
            found = said[kp.surface]
            if _nameable(kp, found, a, strict) and not (fresh and found.form.lower() in taken):
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
    names = [said[first.surface].form]
    for kp in ranked:  # a second name, as strong and as much a thing as the first
        if (
            kp is not first
            and not set(kp.terms) & set(first.terms)
            and kp.count >= 3
            and value(kp) >= 0.6 * value(first)
            and _nameable(kp, said[kp.surface], a, True)
        ):
            names.append(said[kp.surface].form)
            break
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
    taken: set[str] = set()
    for b, e in bounds:
        title = _title(a, a.units[b:e], spread, len(bounds), taken)
        taken.add(title.split(" and ")[0].lower())
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
