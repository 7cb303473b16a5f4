"""Query parsing and snippet splitting: pure functions, plus random queries against a real SQLite file."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distill.domain import Segment, Transcript, VideoMeta
from distill.library import Library, highlight_parts
from distill.library.query import clean_text, parse_query


def test_parse_query_keeps_words_and_phrases_only() -> None:
    q = parse_query('  "Linear  map" -foo col:x AND ( * bar* 🎉 "unclosed ')
    assert q.terms == (
        ("linear", "map"),
        ("foo",),
        ("col",),
        ("x",),
        ("bar",),
        ("unclosed",),
    )
    # A star right after a word makes it a prefix; anywhere else it is ignored. Function words
    # ("AND") go when there are other words.
    assert q.fts5() == '"linear map" AND "foo" AND "col" AND "x" AND "bar"* AND "unclosed"'
    assert q.fts5(any_term=True).count(" OR ") == 5
    assert parse_query("what is an eigenvector").terms == (("eigenvector",),)
    assert parse_query("to be or not").terms == (("to",), ("be",), ("or",), ("not",))
    assert parse_query('" ( ) * : - 🎉').empty
    assert parse_query("").empty
    assert parse_query("a a A").terms == (("a",),)  # duplicates collapse
    assert len(parse_query(" ".join(f"w{i}" for i in range(100))).terms) == 16


def test_highlight_parts() -> None:
    assert highlight_parts("the \x02cat\x03 sat on the \x02mat\x03") == [
        ("the ", False),
        ("cat", True),
        (" sat on the ", False),
        ("mat", True),
    ]
    assert highlight_parts("") == []
    assert highlight_parts("plain <b>text</b>") == [("plain <b>text</b>", False)]
    # Markers next to each other or unbalanced never lose text.
    assert highlight_parts("\x02a\x03\x02b\x03 c") == [("ab", True), (" c", False)]
    assert highlight_parts("x \x02open") == [("x ", False), ("open", True)]
    assert highlight_parts("stray\x03 end") == [("stray end", False)]


def _highlight_parts_by_character(snippet: str) -> list[tuple[str, bool]]:
    """The first version, one character at a time: the reference of the split by markers."""
    parts: list[tuple[str, bool]] = []
    in_match = False
    buf: list[str] = []
    for ch in snippet:
        if ch in ("\x02", "\x03"):
            if buf:
                parts.append(("".join(buf), in_match))
                buf = []
            in_match = ch == "\x02"
        else:
            buf.append(ch)
    if buf:
        parts.append(("".join(buf), in_match))
    merged: list[tuple[str, bool]] = []
    for text, flag in parts:
        if merged and merged[-1][1] == flag:
            merged[-1] = (merged[-1][0] + text, flag)
        else:
            merged.append((text, flag))
    return merged


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "<", "é", "\x02", "\x03"]), max_size=40))
def test_highlight_parts_equals_the_character_loop(snippet: str) -> None:
    assert highlight_parts(snippet) == _highlight_parts_by_character(snippet)


def test_clean_text_drops_control_characters() -> None:
    assert clean_text("a\x00b\x02c\x03d\te\nf\x7f") == "abcd\te\nf"


@pytest.fixture(scope="module")
def small_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """One tiny library shared by every generated example."""
    lib = Library(f"sqlite:///{tmp_path_factory.mktemp('random') / 'random.db'}")
    meta = VideoMeta(kind="captions", id="vid-random", title="Random")
    lines = ["alpha beta gamma", "the quick brown fox"]
    lib.save_transcript(
        Transcript(
            meta=meta, segments=[Segment(start=float(i), text=t) for i, t in enumerate(lines)]
        )
    )
    yield lib
    lib.close()


@settings(max_examples=150, deadline=None)
@given(query=st.text(max_size=40))
def test_random_queries_never_crash(small_library: Library, query: str) -> None:
    hits = small_library.search(query)
    assert all(h.video_id == "vid-random" for h in hits)
    for hit in hits:
        plain = re.sub("[\x02\x03]", "", hit.snippet)
        assert plain in {"alpha beta gamma", "the quick brown fox", "Random"}
