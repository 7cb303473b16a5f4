"""The snippet of a passage found by meaning: the fast window search against its slow reference."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from distill.knowledge.search import SNIPPET_WORDS, _passage_hit
from distill.library.models import MATCH_END, MATCH_START
from distill.library.query import words
from distill.library.vectors import StoredPassage


def reference_snippet(text: str, terms: set[str]) -> str:
    """The first version: every word tested twice, every window counted from scratch."""

    def matches(word: str) -> bool:
        core = words(word)
        return bool(core) and any(core[0].startswith(t) for t in terms)

    shown = text.split()
    hits = [i for i, w in enumerate(shown) if matches(w)]
    begin = max(hits, key=lambda i: sum(i <= j < i + SNIPPET_WORDS for j in hits)) if hits else 0
    begin = max(0, min(begin - 5, len(shown) - SNIPPET_WORDS))
    window = shown[begin : begin + SNIPPET_WORDS]
    marked = [f"{MATCH_START}{w}{MATCH_END}" if matches(w) else w for w in window]
    snippet = ("… " if begin else "") + " ".join(marked)
    return snippet + (" …" if begin + SNIPPET_WORDS < len(shown) else "")


def passage(text: str) -> StoredPassage:
    return StoredPassage(1, "v1", "T", None, "transcript", 1.0, 2.0, text, None)


VOCAB = ["wing", "Wings,", "span", "spans.", "the", "a", "eigen", "(eigenvalue)", "x", "ß", "—"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(VOCAB), max_size=160),
    st.sets(st.sampled_from(["wing", "span", "eigen", "zzz"]), max_size=3),
)
def test_snippet_equals_the_reference(shown: list[str], terms: set[str]) -> None:
    text = " ".join(shown)
    assert _passage_hit(passage(text), "meaning", terms).snippet == reference_snippet(text, terms)


def test_snippet_centres_on_the_densest_window() -> None:
    text = " ".join(["wing"] + ["x"] * 100 + ["span", "wing", "span"] + ["x"] * 100)
    snippet = _passage_hit(passage(text), "meaning", {"wing", "span"}).snippet
    assert snippet.startswith("… ") and snippet.count(MATCH_START) == 3
