"""What is shown keeps every letter, symbol and number the speaker said; only noise goes."""

from __future__ import annotations

import re

import pytest

from distill.summarize.text.cleanup import clean, clean_all, polish, strip_speaker


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("if both b and c are non-zero", "if both b and c are non-zero"),
        ("the matrix with columns 3, 0 and 0, 2", "the matrix with columns 3, 0 and 0, 2"),
        ("b1 has coordinates 2, 1 and 1, 1", "b1 has coordinates 2, 1 and 1, 1"),
        ("negative 1, negative 1", "negative 1, negative 1"),
        ("f of x plus g of x", "f of x plus g of x"),
        ("the x- and y-coordinates", "the x- and y-coordinates"),
        ("e equals 2.718", "e equals 2.718"),
        ("part b b of the question", "part b of the question"),  # a letter said again at once
        ("the point (3, 4) is here", "the point (3, 4) is here"),
        ("vector v (or w) here", "vector v (or w) here"),
        ("press F_ five F_ five", "press F_ five F_ five"),
    ],
)
def test_letters_numbers_and_symbols_are_content(said: str, shown: str) -> None:
    assert clean(strip_speaker(said)) == shown
    assert clean_all([strip_speaker(said)]) == [shown]


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("w we go now", "we go now"),  # a letter before the word it begins
        ("and uh w some of the functions", "and some of the functions"),  # beside a hesitation
        ("as uh s uh as we have seen", "as we have seen"),
        ("pau- you just pause", "you just pause"),
        ("the the cat, you know, sat", "the cat sat"),
        ("the point (you know) is here", "the point is here"),  # an aside with no symbol
        ("I think we should keep the roof", "we should keep the roof"),  # hedges
        ("it's kind of expensive, I guess, for a remote", "it's expensive, for a remote"),
        ("what kind of remote is it? I think so.", "what kind of remote is it? I think so."),
        ("I mean it", "I mean it"),
    ],
)
def test_false_starts_fillers_and_asides_go(said: str, shown: str) -> None:
    assert clean(strip_speaker(said)) == shown


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("But eh, tsk, ehhh In that way I see it", "But In that way I see it"),
        ("to nnn to eh to find the nnn, events", "to find the events"),
        ("Mm-hmm. Right, the budget", "Right, the budget"),
        ("uh-huh, the remote {vocalsound} works", "the remote works"),
        ("ehm the {disfmarker} design uhm is done", "the design is done"),
    ],
)
def test_meeting_vocal_noise_is_cleaned(said: str, shown: str) -> None:
    assert clean(strip_speaker(said)) == shown


def test_a_long_sentence_is_never_cut_inside_a_list_of_numbers_or_letters() -> None:
    from distill.summarize.text.units import _split_long

    said = (
        "To find 5 choose 3 in the triangle we count down to the 0, 1, 2, 3, 4, 5th row and then "
        "we go in 0, 1, 2, 3, and indeed 5 choose 3 equals 10, which is the number of pieces, "
        "and you input some vector x, y, z and get out a number by taking a determinant"
    )
    pieces = [said[b:e].strip() for b, e in _split_long(said, 20)]
    assert len(pieces) > 1
    assert " ".join(pieces) == said
    for before, after in zip(pieces, pieces[1:], strict=False):
        assert not (re.search(r"(?:\d|\b[a-z]),$", before) and re.match(r"(?:\d|[a-z]\b)", after))


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("We had some We had a new idea", "We had a new idea."),  # started again
        ("and we had We had a new idea", "We had a new idea."),
        ("The we got to the point where it works", "We got to the point where it works."),
        (
            "The what we have to get through is the budget",
            "What we have to get through is the budget.",
        ),
        ("The cat saw The Beatles play", "The cat saw The Beatles play."),  # a name
        ("We the people vote", "We the people vote."),
        ("We said, We will go", "We said, We will go."),  # a mark between: no restart
        ("It is what it is", "It is what it is."),
        ("The what-if plan is ready", "The what-if plan is ready."),
    ],
)
def test_a_sentence_started_again_is_shown_from_where_it_starts_again(
    said: str, shown: str
) -> None:
    assert polish(said) == shown
