"""The shortcuts kept for speed give the same results as the reference paths they skip.

Each is kept because bench/speed.py shows it saves at least 5% of a 10k-word summary.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from distill.errors import SummarizeError
from distill.sources import resolve
from distill.summarize.builtin.chapters import _block_similarities
from distill.summarize.builtin.qa import QUESTION_PHRASES, _the
from distill.summarize.builtin.summary import Salience
from distill.summarize.text.analysis import Analysis, _Phrases
from distill.summarize.text.cleanup import _changeable, clean, clean_all
from distill.summarize.text.units import Unit
from tests.conftest import eval_dir_or_skip
from tests.summarize.conftest import transcript_of
from tests.summarize.test_golden import _write_talks

SENTENCES = [
    "Honey bees collect nectar from flowers and turn the nectar into honey.",
    "The queen bee lays eggs while worker bees build the wax comb.",
    "Worker bees also guard the hive against wasps and other insects.",
    "In winter the colony forms a tight cluster to keep the queen bee warm.",
    "Beekeepers check the wax comb for signs of disease every few weeks.",
    "A healthy colony can make more honey than the bees need for winter.",
    "Solar panels turn sunlight into electricity on the roof of the barn.",
    "The solar panels feed a battery that powers the barn lights at night.",
]


def test_chapter_keyphrases_do_not_depend_on_what_was_counted_before() -> None:
    transcript = transcript_of(SENTENCES * 3)
    warm = Analysis(transcript)  # its whole-talk keyphrases filled the per-unit cache
    cold = Analysis(transcript)
    cold._talk_phrases = None
    cold._key_of.clear()
    cold._surfaces_of.clear()
    for part in (slice(0, 6), slice(6, 8), slice(3, 20)):
        fresh = cold.find_keyphrases(cold.units[part], limit=8)
        assert [(k.surface, k.count) for k in warm.find_keyphrases(warm.units[part], limit=8)] == [
            (k.surface, k.count) for k in fresh
        ]
    assert any(k.surface == "solar panels" for k in warm.find_keyphrases(warm.units[6:8], 8))


def test_clean_removes_repeats_and_fillers() -> None:
    assert clean("the the cat sat") == "the cat sat"
    assert clean("I think I think so") == "I think so"
    assert clean("It is , you know, fine .") == "It is fine."
    assert clean("Ünïcode Ünïcode here") == "Ünïcode here"
    assert clean("so basically it works") == "so basically it works"
    assert clean("one two three") == "one two three"


# Pieces that exercise every substitution of clean(): fillers, cut-off words, lone letters,
# false starts, repeats (also with apostrophes), mixed case and punctuation.
PIECES = str.split(
    "the The a I i it it's don't 't t w we um Um UMM uuumm uh uhh erm Ahh hmm Mm mhm uh-huh "
    "um-hum pau- ex- a- th the this ex extract o so s cell cells her here you know mean like "
    "well basically actually dogs' 's x plan b 1 22 think guess kind sort of is it's so"
)
SEPARATORS = [" ", " ", " ", "  ", ", ", ". ", "? ", "; ", "\n", "", ",", " - "]


@given(
    st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=16),
)
@settings(max_examples=1500, deadline=None)
def test_the_pre_pass_never_skips_a_text_a_substitution_changes(
    parts: list[tuple[str, str]],
) -> None:
    text = "".join(piece + sep for piece, sep in parts)
    assert clean_all([text]) == [clean(text)]


def test_the_pre_pass_skips_most_plain_speech() -> None:
    plain = [s.lower().rstrip(".") for s in SENTENCES]
    assert _changeable(plain) == set()
    assert _changeable([*plain, "the the end", "um so", "it is, you know, fine"]) == {8, 9, 10}


# Texts cleaned together are checked in one pass over all of them: what each text begins or ends
# with, separators of its own ("_", NUL) and other whitespace must not mislead the checks.
EDGES = [*PIECES, "_", "a_b", "\0", "-", ",", ";", ":", ".", "?", "Ünï", "You", "Know", "WELL"]
GLUES = [*SEPARATORS, "\t", "\0", " _ ", ",,", " ;", ": ", " , ", "  ", "\u00a0", "-\n"]


@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(EDGES), st.sampled_from(GLUES)), max_size=8),
        max_size=8,
    ),
    st.booleans(),
)
@settings(max_examples=1500, deadline=None)
def test_texts_cleaned_together_are_cleaned_as_one(
    parts: list[list[tuple[str, str]]], lead: bool
) -> None:
    texts = ["".join((sep + piece) if lead else (piece + sep) for piece, sep in p) for p in parts]
    assert clean_all(texts) == [clean(t) for t in texts]


def test_filler_phrases_cleaned_together_wherever_they_stand() -> None:
    phrases = ["you know", "I mean", "you see", "basically", "actually", "like", "Well", "um"]
    texts = [
        f"{before}{phrase}{after}"
        for phrase in phrases
        for before in ["", "x ", "x, ", "x. ", "x , ", "x-", "x\t"]
        for after in ["", ",", " y", ". y", "!", " , y", "-", "'s"]
    ]
    assert clean_all(texts) == [clean(t) for t in texts]
    for t in texts:  # alone, a text also starts and ends the joined ones
        assert clean_all([t]) == [clean(t)]


def test_salience_may_read_every_unit_term_from_both_centroids() -> None:
    a = Analysis(transcript_of(SENTENCES * 3))
    s = Salience(a, [0, 8, 16])
    for u in a.units:
        local = s.chapter_centroids[s.chapter_of[u.index]]
        assert set(u.weights) <= set(a.centroid) and set(u.weights) <= set(local)


def _direct_similarities(term_lists: list[list[str]], idf: dict[str, float], w: int) -> list[float]:
    """The TextTiling block cosines computed from scratch at every gap."""
    sims = []
    for g in range(1, len(term_lists)):
        left = Counter(t for terms in term_lists[max(0, g - w) : g] for t in terms)
        right = Counter(t for terms in term_lists[g : g + w] for t in terms)
        dot = sum(c * right[t] * idf[t] ** 2 for t, c in left.items())
        n_left = math.sqrt(sum((c * idf[t]) ** 2 for t, c in left.items()))
        n_right = math.sqrt(sum((c * idf[t]) ** 2 for t, c in right.items()))
        sims.append(dot / (n_left * n_right) if dot > 0 else 0.0)
    return sims


@given(
    st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=6), min_size=2, max_size=40),
    st.integers(1, 6),
)
@settings(max_examples=300, deadline=None)
def test_sliding_block_similarities_match_direct_ones(terms: list[list[str]], w: int) -> None:
    idf = {t: 0.1 + i * 0.7 for i, t in enumerate("abcdefgh")}
    units = [
        Unit(index=i, text="x", start=None, seg=i, terms=ts, n_words=1)
        for i, ts in enumerate(terms)
    ]
    got = _block_similarities(units, idf, w)
    assert got == pytest.approx(_direct_similarities(terms, idf, w), abs=1e-9)


def test_phrases_of_scattered_units_are_those_of_their_runs() -> None:
    a = Analysis(transcript_of(SENTENCES * 3))
    scattered = a.units[0:3] + a.units[10:12]
    listed = a._phrases(scattered)  # not a run of the talk: listed afresh
    runs = [a._phrases(a.units[0:3]), a._phrases(a.units[10:12])]  # slices of the talk's list
    assert Counter(listed.surfaces()) == sum((Counter(r.surfaces()) for r in runs), Counter())
    assert Counter(listed.keys()) == sum((Counter(r.keys()) for r in runs), Counter())
    assert "solar panels" in Counter(a._phrases(a.units[6:8]).surfaces())


TALK = Analysis(transcript_of([*SENTENCES, "Honey bees, honey bees and solar panels again."] * 3))


@given(st.integers(0, len(TALK.units)), st.integers(0, len(TALK.units)))
@settings(max_examples=300, deadline=None)
def test_a_run_of_the_talk_has_the_phrases_listed_afresh(first: int, last: int) -> None:
    assume(first < last)
    units = TALK.units[first:last]
    sliced = TALK._phrases(units)  # a slice of the talk's own list
    fresh = _Phrases.of(units)
    assert list(sliced.surfaces()) == list(fresh.surfaces())
    assert list(sliced.keys()) == list(fresh.keys())


def _the_by_pattern(a: Analysis, surface: str, holders: list[int]) -> str:
    """The reference: a pattern compiled for the phrase, found case-blind."""
    words = r"\s+".join(re.escape(w) for w in surface.split())
    pattern = re.compile(r"\b(the\s+)?" + words + r"\b", re.I)
    said = [m.group(1) is not None for i in holders[:50] for m in pattern.finditer(a.units[i].text)]
    return "the " if said and sum(said) * 2 > len(said) else ""


def _same_article_as_the_pattern(paths: list[Path]) -> int:
    """Compare "the X" found by str.find with the pattern for every key phrase questions may
    be about, in every talk; the number of phrases compared."""
    compared = 0
    for path in paths:
        try:
            a = Analysis(resolve(str(path)))
        except SummarizeError:  # a caption file with no speech
            continue
        for kp in a.find_keyphrases(a.units, limit=QUESTION_PHRASES):
            holders = [u.index for u in a.units if set(kp.terms) <= a.term_sets[u.index]]
            assert _the(a, kp, holders) == _the_by_pattern(a, kp.surface, holders), kp.surface
            compared += 1
    return compared


def test_the_article_of_a_phrase_is_found_as_the_pattern_found_it(tmp_path: Path) -> None:
    assert _same_article_as_the_pattern(_write_talks(tmp_path)) > 100


def test_the_article_of_a_phrase_is_found_as_the_pattern_found_it_on_the_eval_sets() -> None:
    channel = eval_dir_or_skip("channel-dev")
    meetings = eval_dir_or_skip("meetings-dev")
    paths = [*sorted(channel.glob("*.srt")), *sorted(meetings.glob("*.txt"))]
    assert _same_article_as_the_pattern(paths) > 1000
