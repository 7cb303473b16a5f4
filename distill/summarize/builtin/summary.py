"""The built-in summarizer: every section of the summary page from the transcript alone, no model."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from itertools import repeat
from operator import mul

from distill.domain import (
    Insight,
    ProgressFn,
    SourceRef,
    Summary,
    Takeaway,
    Transcript,
    no_progress,
)
from distill.llm import BUILTIN
from distill.summarize.builtin.chapters import make_chapters, meta_chapters, segment
from distill.summarize.builtin.emoji import pick_emoji
from distill.summarize.builtin.qa import find_qa
from distill.summarize.text.analysis import Analysis, cosine, normalise
from distill.summarize.text.reference import THESIS, points_back, title_terms
from distill.summarize.text.stopwords import word_set
from distill.summarize.text.units import Unit

MAX_TAKEAWAYS = 5
TLDR_WORDS = 60
POOL = 120  # candidates considered by the redundancy-aware selections
NEAR_DUPLICATE = 0.55
SPREAD = 0.12  # insights from a chapter that already has some count this much less
POSITION = 0.25  # weight of being early in the talk, for the TL;DR
LEAD = 0.8  # worth of being early in the talk, for a TL;DR sentence
TOPIC = 0.8  # worth of naming the topic, for a TL;DR sentence
CUE = 0.2  # worth of stating the thesis, or of closing the talk, for a TL;DR sentence
PAIR_WORDS = 45  # a sentence that points back is quoted with the one before it, up to this
# Words an English sentence is not finished on: its speaker broke off ("the battery and.").
_UNFINISHED = word_set("and or but the a an of because than my our your their")
BACK = 0.5  # worth of a sentence that points back (in English), for what is shown alone
# Words that open a clause which needs a main one after its comma ("When X is zero, ...").
_SUBORDINATE = word_set("when whenever if because although though while unless whereas")
_ANAPHORA = word_set("it this that they these those he she them its their there")


class Salience:
    """Scores of every unit from several signals, plus the chapters they fall in."""

    def __init__(self, a: Analysis, starts: list[int]) -> None:
        self.a = a
        units = a.units
        n = len(units)
        self.starts = starts
        self.chapter_of = [bisect_right(starts, i) - 1 for i in range(n)]
        ch_vecs: list[dict[str, float]] = [{} for _ in starts]
        for u, c in zip(units, self.chapter_of, strict=True):
            vec = ch_vecs[c]
            for t, w in u.weights.items():
                vec[t] = vec.get(t, 0.0) + w
        self.chapter_centroids = [normalise(v) for v in ch_vecs]
        kp_weight: dict[str, float] = {}
        top = a.keyphrases[0].weight if a.keyphrases else 1.0
        for kp in a.keyphrases:
            for t in kp.terms:
                kp_weight[t] = max(kp_weight.get(t, 0.0), kp.weight / top)
        self.kp_weight = kp_weight
        raw_cover = [
            sum(map(kp_weight.get, distinct, repeat(0.0))) / math.sqrt(len(distinct) + 1)
            for distinct in a.term_sets
        ]
        max_cover = max(raw_cover) or 1.0
        self.global_score: list[float] = []
        self.local_score: list[float] = []
        self.lead_score: list[float] = []
        centroid = a.centroid
        english = a.lex.english
        for i, u in enumerate(units):
            if not u.terms:
                self.global_score.append(0.0)
                self.local_score.append(0.0)
                self.lead_score.append(0.0)
                continue
            # cosine(), with the unit's vector the smaller one (its chapter's and the talk's
            # centroids hold all its terms, or none when empty): products summed in C
            weights = u.weights
            cen = (
                sum(map(mul, weights.values(), map(centroid.__getitem__, weights)))
                if centroid
                else 0
            )
            local = self.chapter_centroids[self.chapter_of[i]]
            loc = sum(map(mul, weights.values(), map(local.__getitem__, weights))) if local else 0
            cover = raw_cover[i] / max_cover
            density = len(u.terms) / max(1, u.n_words)
            length = min(1.0, u.n_words / 14) * (1.0 if u.n_words <= 40 else (40 / u.n_words))
            shape = length * (0.6 + density) * (0.6 if u.question else 1.0)
            # "It shows...", "For example, ..." need what comes before to be read
            if english and points_back(u.tokens):
                shape *= BACK
            elif u.tokens and u.tokens[0] in _ANAPHORA:
                shape *= 0.75
            # Talks and meetings state their subject early: the opening weighs more in the TL;DR.
            self.lead_score.append(POSITION * max(0.0, 1 - i / max(3, n // 5)))
            self.global_score.append((0.85 * cen + 0.15 * cover) * shape)
            self.local_score.append((0.3 * loc + 0.7 * cen) * shape)

    def ranked(self, indices: list[int], local: bool = False) -> list[int]:
        scores = self.local_score if local else self.global_score
        return sorted(indices, key=lambda i: (-scores[i], i))


def _too_close(u: Unit, chosen: list[Unit], limit: float = NEAR_DUPLICATE) -> bool:
    return any(cosine(u.weights, c.weights) > limit for c in chosen)


def _eligible(units: list[Unit], min_words: int, whole: bool = False) -> list[int]:
    return [
        u.index
        for u in units
        if u.terms and u.n_words >= min_words and not (whole and u.tokens[-1] in _UNFINISHED)
    ]


def _candidates(units: list[Unit], english: bool) -> list[int]:
    """Units worth showing: whole sentences first (in English, none left unfinished on "and",
    "or", "the"...), shorter ones only when a talk is tiny."""
    enough = min(12, sum(1 for u in units if u.terms))
    for whole in (True, False) if english else (False,):
        for min_words in (8, 5, 3, 1):
            pool = _eligible(units, min_words, whole)
            if len(pool) >= enough:
                return pool
    return _eligible(units, 1)


def _tldr_groups(a: Analysis, ranked: list[int]) -> list[tuple[int, ...]]:
    """What a TL;DR may quote: a sentence that stands alone, or one that points back (in English:
    "It ...", "But ...", "For example, ...") with the sentence before it, when that one stands
    alone; never a question, nor in English a clause with no sentence to it ("When the
    solution is a straight line.")."""
    units = a.units
    if not a.lex.english:
        return [(i,) for i in ranked if not units[i].question]
    groups: list[tuple[int, ...]] = []
    for i in ranked:
        u = units[i]
        if u.question or (u.tokens[0] in _SUBORDINATE and "," not in u.text):
            continue
        if not points_back(u.tokens):
            groups.append((i,))
            continue
        if i == 0:
            continue
        before = units[i - 1]
        if (
            before.terms
            and not before.question
            and before.speaker == u.speaker
            and before.n_words + u.n_words <= PAIR_WORDS
            and not points_back(before.tokens)
        ):
            groups.append((i - 1, i))
    return groups


def pick_tldr(a: Analysis, s: Salience, pool: list[int]) -> list[Unit]:
    """Two or three sentences that say what the talk is about and cover its main terms best.

    They name the topic (the words of the title the talk says): the first one picked does, when
    any can. Statements of the thesis, the opening and the close weigh more. None points back
    at something left out.
    """
    units = a.units
    n = len(units)
    ranked = sorted(pool, key=lambda i: (-(s.global_score[i] + s.lead_score[i]), i))[:POOL]
    groups = _tldr_groups(a, ranked) or [(i,) for i in ranked]
    # A title says what the talk is about; its key phrases already count in what a sentence covers.
    topic = title_terms(a)
    centroid = a.centroid
    # The 40 heaviest terms (ties by term): only those at least as heavy as the 40th are sorted.
    heaviest = sorted(centroid.values(), reverse=True)[:40]
    floor = heaviest[-1] if heaviest else 0.0
    top_terms = sorted(
        (t for t, w in centroid.items() if w >= floor), key=lambda t: (-centroid[t], t)
    )
    gain_w = {t: centroid[t] for t in top_terms[:40]}
    peak = heaviest[0] if heaviest else 0.0
    for t, w in s.kp_weight.items():
        gain_w[t] = gain_w.get(t, 0.0) + 0.5 * w * peak
    best_score = max((s.global_score[i] for i in ranked), default=1.0) or 1.0
    english = a.lex.english

    def fixed(group: tuple[int, ...]) -> tuple[set[str], int, float]:
        """Terms, words and the worth that does not change as sentences are picked."""
        terms = set().union(*(a.term_sets[i] for i in group))
        worth = 0.6 * max(s.global_score[i] for i in group) / best_score
        worth += LEAD * s.lead_score[group[0]] / POSITION
        if terms & topic:
            worth += TOPIC
        if english and any(THESIS.search(units[i].text) for i in group):
            worth += CUE
        if group[-1] >= n - max(2, n // 10):  # the close
            worth += CUE
        return terms, sum(units[i].n_words for i in group), worth

    facts = {g: fixed(g) for g in groups}
    chosen: list[tuple[int, ...]] = []
    picked: set[int] = set()
    covered: set[str] = set()
    words = sentences = 0
    target = 3 if len(pool) >= 6 else min(2, len(pool))
    naming = any(facts[g][0] & topic for g in groups)  # the first sentence picked names it
    while sentences < target:
        best, best_gain = None, 0.0
        for g in groups:
            terms, n_words, worth = facts[g]
            if picked.intersection(g) or (
                chosen and (words + n_words > TLDR_WORDS or sentences + len(g) > target)
            ):
                continue
            if not chosen and naming and not terms & topic:
                continue
            if any(_too_close(units[i], [units[j] for c in chosen for j in c], 0.4) for i in g):
                continue
            fresh = sum(gain_w.get(t, 0.0) for t in terms - covered)
            gain = fresh / math.sqrt(max(8, n_words)) + worth
            if gain > best_gain:
                best, best_gain = g, gain
        if best is None:
            break
        chosen.append(best)
        picked.update(best)
        covered.update(facts[best][0])
        words += facts[best][1]
        sentences += len(best)
    if not chosen and ranked:
        chosen.append((ranked[0],))
    return [units[i] for i in sorted({i for g in chosen for i in g})]


def _topic_ranges(a: Analysis, s: Salience) -> list[tuple[int, int]]:
    """Unit ranges of the main topics: the chapters, or thirds of a talk with too few chapters."""
    n = len(a.units)
    starts = s.starts
    if len(starts) < 3 and n >= 20:
        starts = [0, n // 3, 2 * n // 3]
    ranges = [(b, e) for b, e in zip(starts, [*starts[1:], n], strict=True) if e > b]
    if len(ranges) > MAX_TAKEAWAYS:  # keep the biggest topics, in time order
        by_size = sorted(ranges, key=lambda r: (-sum(u.n_words for u in a.units[r[0] : r[1]]), r))
        ranges = sorted(by_size[:MAX_TAKEAWAYS])
    return ranges


def pick_takeaways(a: Analysis, s: Salience, pool: list[int], taken: list[Unit]) -> list[Unit]:
    """One takeaway per main topic: its most representative sentence not already shown."""
    allowed = set(pool)
    shown = {u.index for u in taken}
    chosen: list[Unit] = []
    for b, e in _topic_ranges(a, s):
        local = [i for i in range(b, e) if i in allowed]
        for i in s.ranked(local, local=True):
            u = a.units[i]
            if i not in shown and not _too_close(u, chosen + taken):
                chosen.append(u)
                break
    if not chosen:
        for i in s.ranked(pool):
            if i not in shown:
                chosen.append(a.units[i])
                break
    return chosen


def takeaways_of(a: Analysis, chosen: list[Unit]) -> list[Takeaway]:
    """Takeaways as shown: where several people speak, each says who said it ("Ann: ...")."""
    speakers = {u.speaker for u in a.units if u.speaker}
    return [
        Takeaway(
            text=f"{u.speaker}: {u.text}" if len(speakers) > 1 and u.speaker else u.text,
            start=u.start,
        )
        for u in chosen
    ]


def pick_insights(a: Analysis, s: Salience, pool: list[int], taken: list[Unit]) -> list[Insight]:
    """Six to eight salient, mutually different points, each with a fitting emoji (MMR)."""
    want = 8 if len(pool) >= 40 else 6
    ranked = s.ranked(pool)[:POOL]
    # Each chapter's own best points are candidates too, so insights span the whole talk.
    by_chapter: dict[int, list[int]] = {}
    for i in pool:
        by_chapter.setdefault(s.chapter_of[i], []).append(i)
    extra = {i for members in by_chapter.values() for i in s.ranked(members, local=True)[:5]}
    ranked = sorted(set(ranked) | extra, key=lambda i: (-s.global_score[i], i))
    best = max((s.global_score[i] for i in ranked), default=1.0) or 1.0
    per_chapter: Counter[int] = Counter()
    chosen: list[Unit] = []
    chosen_texts: set[str] = set()
    shown = {u.text for u in taken}
    similarity = dict.fromkeys(ranked, 0.0)  # to the most similar chosen insight so far
    salience = [(i, a.units[i].text, 0.7 * s.global_score[i] / best) for i in ranked]
    chapter_of = s.chapter_of
    for avoid_taken in (True, False):
        while len(chosen) < want:
            pick, pick_value = None, -math.inf
            for i, text, value in salience:
                if text in chosen_texts or (avoid_taken and text in shown):
                    continue
                redundancy = similarity[i]
                if redundancy > NEAR_DUPLICATE:
                    continue
                value = value - 0.3 * redundancy - SPREAD * per_chapter[chapter_of[i]]
                if value > pick_value:
                    pick, pick_value = a.units[i], value
            if pick is None:
                break
            chosen.append(pick)
            chosen_texts.add(pick.text)
            per_chapter[s.chapter_of[pick.index]] += 1
            for i in ranked:
                similarity[i] = max(similarity[i], cosine(a.units[i].weights, pick.weights))
        if len(chosen) >= min(6, want):
            break
    chosen.sort(key=lambda u: u.index)
    used: set[str] = set()
    insights = []
    for u in chosen:
        emoji = pick_emoji(u.terms, avoid=used, language=a.language)
        used.add(emoji)
        insights.append(Insight(emoji=emoji, text=u.text, start=u.start))
    return insights


def summarize_builtin(
    transcript: Transcript, *, language: str | None = None, progress: ProgressFn = no_progress
) -> Summary:
    """Summarize a transcript with no model: TL;DR, insights, Q&A, takeaways and chapters."""
    progress("summarize", 0.0, 1.0)
    a = Analysis(transcript, language)
    progress("summarize", 0.3, 1.0)
    return summary_of(a, progress)


def summary_of(a: Analysis, progress: ProgressFn = no_progress) -> Summary:
    """The built-in summary of an analysed transcript."""
    transcript = a.transcript
    meta = meta_chapters(transcript, a)
    if meta:
        chapters, starts = meta
        s = Salience(a, starts)
    else:
        s = Salience(a, segment(a.units, a.idf))
        chapters = make_chapters(a, s.starts)
    progress("summarize", 0.6, 1.0)
    pool = _candidates(a.units, a.lex.english)
    tldr = pick_tldr(a, s, pool)
    said = pick_takeaways(a, s, pool, tldr)
    insights = pick_insights(a, s, pool, tldr + said)
    qa = find_qa(a, s.global_score, pool)
    progress("summarize", 1.0, 1.0)
    return Summary(
        source=SourceRef.of(transcript.meta),
        model=BUILTIN,
        language=a.language,
        tldr=" ".join(u.text for u in tldr),
        insights=insights,
        qa=qa,
        takeaways=takeaways_of(a, said),
        chapters=chapters,
    )
