"""The shortcuts taken for speed give the same results as the slow paths they skip."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from distill.summarize.analysis import Analysis
from distill.summarize.text import _clean_any, _clean_ascii, clean
from tests.summarize.conftest import transcript_of

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
    cold._unit_phrases.clear()
    cold._key_of.clear()
    cold._surfaces_of.clear()
    for part in (slice(0, 6), slice(6, 8), slice(3, 20)):
        fresh = cold.find_keyphrases(cold.units[part], limit=8)
        assert [(k.surface, k.count) for k in warm.find_keyphrases(warm.units[part], limit=8)] == [
            (k.surface, k.count) for k in fresh
        ]
    assert any(k.surface == "solar panels" for k in warm.find_keyphrases(warm.units[6:8], 8))


def test_clean_still_removes_repeats_and_fillers_its_pre_checks_look_for() -> None:
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
    "well basically actually dogs' 's x plan b 1 22"
)
SEPARATORS = [" ", " ", " ", "  ", ", ", ". ", "? ", "; ", "\n", "", ",", " - "]


@given(
    st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=16),
)
@settings(max_examples=1500, deadline=None)
def test_clean_pre_checks_never_skip_a_substitution(parts: list[tuple[str, str]]) -> None:
    text = "".join(piece + sep for piece, sep in parts)
    assert _clean_ascii(text) == _clean_any(text)
