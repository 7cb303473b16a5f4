"""Caption text cleanup and sentence joining."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distill.sources.captions import parse_caption_text
from distill.sources.cleanup import Piece, _clean_text, clean_text, join_sentences, pieces_from_cue


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("it&#39;s &quot;fine&quot;", 'it\'s "fine"'),
        ("it&amp;#39;s double-escaped", "it's double-escaped"),
        ("&gt;&gt; Next speaker", "Next speaker"),
        (">> Next speaker", "Next speaker"),
        ("<i>slanted</i> and <b>bold</b>", "slanted and bold"),
        ('<font color="#E5E5E5">grey</font> text', "grey text"),
        ("<c.colorE5E5E5>coloured</c> word", "coloured word"),
        ("word<00:00:01.000><c> by</c><00:00:01.500><c> word</c>", "word by word"),
        ("[Music] la la [Applause]", "la la"),
        ("(laughter) That was funny (APPLAUSE)", "That was funny"),
        ("keep (these words) in", "keep (these words) in"),
        ("\u266a singing a song \u266a", "singing a song"),
        ("- Are you there?\n- Yes.", "Are you there? Yes."),
        ("  lots   of\t\tspace \n here ", "lots of space here"),
        ("{\\an8}positioned text", "positioned text"),
        ("[Music]", ""),
        ("\u2014Music\u2014", ""),
        ("- ", ""),
        ("x < y and y > z", "x < y and y > z"),
        ("word , spaced .", "word, spaced."),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


# Characters that start a substitution of clean_text(), and ones that are plain text.
CAPTION_CHARS = list("ab Z1,.?!;:-<>&[](){}\\/#;ix") + [
    *("\u266a", "\u266c", "\u2014", "\u2013", "\u200b", "\ufeff", "\xa0", "\u3000", "\t"),
    *("\n", "\r", "\x0b", "\x1c", "\x85", "\u2028", "&gt;", "&amp;", "<i>", "[Music]"),
    *("(applause)", "\u2014music\u2014", ">>", "  "),
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(CAPTION_CHARS), max_size=30).map("".join))
def test_plain_lines_skip_only_substitutions_that_change_nothing(text: str) -> None:
    assert clean_text(text) == _clean_text(text)


def test_speaker_turns_split_a_cue_and_keep_times() -> None:
    pieces = pieces_from_cue(10.0, 20.0, "so that's it >> thank you")
    assert [p.text for p in pieces] == ["so that's it", "thank you"]
    assert pieces[0].start == 10.0 and pieces[1].new_turn
    assert 10.0 < pieces[1].start < 20.0  # type: ignore[operator]
    named = pieces_from_cue(0.0, 2.0, "JOHN SMITH: Hello there.")
    assert (named[0].speaker, named[0].text) == ("John Smith", "Hello there.")


def test_punctuated_join_keeps_first_start_and_last_end() -> None:
    pieces = [
        Piece(1.0, 2.0, "This sentence runs"),
        Piece(2.0, 3.0, "over three"),
        Piece(3.0, 4.0, "caption lines."),
        Piece(5.0, 6.0, "Short one."),
    ]
    segs = join_sentences(pieces)
    assert [(s.start, s.end, s.text) for s in segs] == [
        (1.0, 4.0, "This sentence runs over three caption lines."),
        (5.0, 6.0, "Short one."),
    ]


def test_unpunctuated_join_cuts_at_pauses() -> None:
    pieces = [
        Piece(0.0, 1.0, "hello there"),
        Piece(1.1, 2.0, "my friend"),
        Piece(3.5, 4.0, "again"),
    ]
    segs = join_sentences(pieces)
    assert [s.text for s in segs] == ["hello there my friend", "again"]


def test_run_on_punctuated_sentence_is_capped() -> None:
    pieces = [
        Piece(float(i), float(i) + 1, "and then another ten words went by like this")
        for i in range(20)
    ]
    pieces.append(Piece(20.0, 21.0, "The end."))
    segs = join_sentences(pieces)
    assert len(segs) >= 3
    assert all(len(s.text.split()) <= 90 for s in segs)


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789:,.->\n <>[]()&#;abcXYZ\r\t\ufeff-")),
        max_size=300,
    ),
    st.sampled_from(["srt", "vtt", "json3", "txt"]),
)
def test_parsers_never_crash_on_junk(text: str, fmt: str) -> None:
    try:
        segments = parse_caption_text(text, fmt)
    except ValueError as exc:  # reported to the user as "not a valid .srt file (<why>)"
        assert str(exc)
        segments = []
    for seg in segments:
        assert seg.text.strip()
        if seg.start is not None and seg.end is not None:
            assert seg.end >= seg.start


def test_import_stays_light() -> None:
    code = (
        "import sys, distill.sources, distill.sources.export\n"
        "heavy = [m for m in ('yt_dlp', 'youtube_transcript_api', 'faster_whisper', 'requests')"
        " if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


CUE_LINES = [
    "WEBVTT",
    "1",
    "",
    " ",
    "00:00:01,000 --> 00:00:02,000",
    "00:00:05.000 --> 00:00:03.000 align:start position:0%",
    "1:00:00.000 --> 1:00:01.000",
    "00:02.500 --> 00:04.000",
    "hello world",
    "Hello world.",
    "so<00:00:01.500><c> we</c><00:00:01.900><c> go</c>",
    ">> next",
    "- dash",
    "[Music]",
    "NOTE a comment",
    "<v Ann>hi</v>",
    "&amp; &lt;",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(CUE_LINES), max_size=40), st.sampled_from(["srt", "vtt"]))
def test_cue_parsers_give_ordered_clean_segments(lines: list[str], fmt: str) -> None:
    segments = parse_caption_text("\n".join(lines), fmt)
    starts = [s.start for s in segments]
    assert None not in starts
    assert starts == sorted(starts)  # type: ignore[type-var]
    for seg in segments:
        assert seg.text.strip() == seg.text and seg.text
        assert "-->" not in seg.text and "<" not in seg.text.replace("&lt;", "")
        assert seg.end is not None and seg.end >= seg.start  # type: ignore[operator]


def test_long_unpunctuated_unit_prefers_a_short_pause() -> None:
    # 25 words without a long pause, then a 0.6 s breath, then more words.
    pieces = [Piece(i * 0.3, i * 0.3 + 0.3, f"w{i}") for i in range(25)]
    pieces += [Piece(8.1 + i * 0.3, 8.4 + i * 0.3, f"v{i}") for i in range(10)]
    segs = join_sentences(pieces)
    assert segs[0].text.split()[-1] == "w24"
    assert segs[1].start == 8.1
