"""Properties of the built-in summary that must hold on any transcript (hypothesis-generated)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from distill.domain import Segment, Summary, Transcript, VideoMeta
from distill.errors import SummarizeError
from distill.summarize import summarize

CONTENT = str.split(
    "river glacier sediment valley erosion ice rock canyon delta flood climate winter mountain "
    "ocean current salt tide storm wave coast harbor engine pressure steam turbine energy heat "
    "signal circuit voltage sensor memory battery garden soil seed root water sunlight leaf"
)
GLUE = str.split("the a of and to in is it that this we so because which was can will")
FILLERS = ["um", "uh", "you know,", "I mean,", "like,", "uh, uh"]

sentence = st.lists(
    st.one_of(st.sampled_from(CONTENT), st.sampled_from(GLUE), st.sampled_from(FILLERS)),
    min_size=3,
    max_size=18,
)


@st.composite
def transcripts(draw: st.DrawFn, min_sentences: int = 1) -> Transcript:
    """Random talks: punctuated or caption-like, timed or not, with fillers and speakers."""
    words_lists = draw(st.lists(sentence, min_size=min_sentences, max_size=45))
    punctuated = draw(st.booleans())
    timed = draw(st.booleans())
    speakers = draw(st.booleans())
    filler_lines = draw(st.lists(st.integers(0, len(words_lists)), max_size=4))
    segments: list[Segment] = []
    t = draw(st.floats(0, 30))
    for i, words in enumerate(words_lists):
        text = " ".join(words)
        if punctuated:
            text = text[0].upper() + text[1:] + draw(st.sampled_from([".", "?", "!", "."]))
        if speakers:
            text = f"{draw(st.sampled_from(['Ann', 'Bob']))}: {text}"
        duration = draw(st.floats(0.5, 8))
        segments.append(
            Segment(start=t if timed else None, end=t + duration if timed else None, text=text)
        )
        t += duration + draw(st.sampled_from([0.0, 0.1, 2.0]))
        if i in filler_lines:
            segments.append(
                Segment(
                    start=t if timed else None, end=t + 1 if timed else None, text="Um, uh, yeah."
                )
            )
            t += 1
    meta = VideoMeta(kind="captions", id="gen-1234", title="Generated")
    return Transcript(meta=meta, language="en", segments=segments)


def _has_content(t: Transcript) -> bool:
    return any(w.strip(".,?!:").lower() in CONTENT for s in t.segments for w in s.text.split())


FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


Check = Callable[[Transcript, Summary], None]


@FAST
@given(t=transcripts())
def test_invariants_hold_on_any_transcript(t: Transcript, check_summary: Check) -> None:
    if not _has_content(t):
        with pytest.raises(SummarizeError):
            summarize(t)
    else:
        summary = summarize(t)
        check_summary(t, summary)
        assert summary.model == "builtin"
        assert summary.source.id == "gen-1234"


@FAST
@given(t=transcripts(min_sentences=20))
def test_every_section_is_filled_from_twenty_sentences(t: Transcript, check_summary: Check) -> None:
    sentences_with_content = sum(
        1
        for s in t.segments
        if sum(w.strip(".,?!:").lower() in CONTENT for w in s.text.split()) >= 2
    )
    assume(sentences_with_content >= 20)
    summary = summarize(t)
    check_summary(t, summary)
    assert summary.tldr and summary.insights  # questions only where the talk has real ones
    assert summary.takeaways and summary.chapters


@settings(max_examples=15, deadline=None, derandomize=True)
@given(transcripts(min_sentences=5))
def test_same_input_same_summary(t: Transcript) -> None:
    assume(_has_content(t))
    assert summarize(t).model_dump() == summarize(t).model_dump()


def test_three_sentences_still_give_a_short_valid_summary(make_transcript, check_summary) -> None:
    t = make_transcript(
        [
            "Glaciers carve deep valleys as the ice slowly grinds the rock beneath them.",
            "Um, uh, you know.",
            "Meltwater from the glacier carries sediment down to the river delta.",
            "That sediment makes the delta soil rich for farming.",
        ]
    )
    summary = summarize(t)
    check_summary(t, summary)
    assert 1 <= len(summary.tldr.split(". ")) <= 3
    assert summary.takeaways and summary.chapters and summary.insights
    assert "Um" not in summary.tldr and "you know" not in summary.tldr


@pytest.mark.parametrize(
    "segments",
    [[], [Segment(start=0.0, end=1.0, text="   ")], [Segment(start=0, end=1, text="Um, uh, hmm.")]],
)
def test_empty_or_filler_only_transcript_is_a_clear_error(segments: list[Segment]) -> None:
    t = Transcript(meta=VideoMeta(kind="captions", id="e", title="Empty"), segments=segments)
    with pytest.raises(SummarizeError) as info:
        summarize(t)
    message = str(info.value)
    assert "transcript" in message and message.endswith(".") and "\n" not in message
