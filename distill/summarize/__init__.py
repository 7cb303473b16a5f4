"""Transcript → Summary: the built-in summarizer (no model) or the LLM pipeline, chosen by model string.

Three rooms: `text` (shared analysis of transcript text), `builtin` (the extractive summarizer)
and `llm` (summaries, answers and translations by a language model). Both summarizers use
`text`; `text` uses neither. This module only picks one and imports it when it is called, so
importing it stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from distill.domain import Answer, ProgressFn, Summary, Transcript, no_progress
from distill.llm import BUILTIN

if TYPE_CHECKING:
    from distill.summarize.llm.plan import Plan

__all__ = [
    "BUILTIN",
    "ask",
    "detect_language",
    "ground",
    "language_name",
    "plan",
    "summarize",
    "translate",
]


def summarize(
    transcript: Transcript,
    *,
    model: str = BUILTIN,
    language: str | None = None,
    progress: ProgressFn = no_progress,
) -> Summary:
    """Summarize a transcript with `model` ("builtin" needs no model at all)."""
    from distill.summarize.builtin.summary import summarize_builtin, summary_of

    if model == BUILTIN:
        return summarize_builtin(transcript, language=language, progress=progress)
    from distill.summarize.llm.pipeline import summarize_with_llm

    return summarize_with_llm(
        transcript, model, language=language, progress=progress, fallback=summary_of
    )


def ask(transcript: Transcript, question: str, *, model: str = BUILTIN) -> Answer:
    """Answer a question about a transcript, citing the passages (with times) it rests on."""
    if model == BUILTIN:
        from distill.summarize.builtin.ask import answer_builtin

        return answer_builtin(transcript, question)
    from distill.summarize.builtin.ask import answer_builtin
    from distill.summarize.llm.ask import ask_with_llm

    return ask_with_llm(transcript, question, model, fallback=answer_builtin)


def translate(
    summary: Summary, language: str, model: str, *, progress: ProgressFn = no_progress
) -> Summary:
    """The summary with every text in `language` (written by `model`), times and emoji kept."""
    from distill.summarize.llm.translate import translate_summary

    return translate_summary(summary, language, model, progress=progress)


def plan(transcript: Transcript, model: str, language: str | None = None) -> Plan:
    """The calls and tokens summarizing with `model` would take, worked out without calling it."""
    from distill.summarize.llm.plan import plan as plan_summary

    return plan_summary(transcript, model, language=language)


def language_name(code: str) -> str:
    """The English name of a language code ("es" -> "Spanish"); the code itself if unknown."""
    from distill.summarize.text.language import language_name as name_of

    return name_of(code)


def detect_language(text: str) -> str | None:
    """Guess an ISO 639-1 code from a text's writing system and stop words; None if unsure."""
    from distill.summarize.text.language import detect_language as detect

    return detect(text)


def ground(
    passages: Sequence[str],
    claims: Sequence[tuple[str, int | None]],
    *,
    titles: Sequence[str] | None = None,
) -> list[tuple[int | None, str]]:
    """For each (claim, index of the passage it cites): the passage that supports it and how.

    The verdict is "grounded" (the cited passage says it), "repaired" (another passage does) or
    "dropped" (none does), by the test summary items get (`llm.grounding.supports`): most of the
    claim's content words, weighted by how rare they are among the passages, and every number,
    name and quoted term of it are in the passage. `titles` (one per passage: what it was shown
    with, e.g. its video's title) may be named by a claim citing that passage.
    """
    from distill.domain import Segment, VideoMeta
    from distill.summarize.llm.grounding import Grounder, Lines
    from distill.summarize.llm.support import content_terms, name_keys
    from distill.summarize.text.analysis import Analysis

    # Each passage is its own speaker's turn, so no sentence runs from one into the next.
    segments = [Segment(text=p, speaker=f"passage {i}") for i, p in enumerate(passages)]
    meta = VideoMeta(kind="captions", id="passages", title="passages")
    analysis = Analysis(Transcript(meta=meta, segments=segments))
    units = analysis.units
    if not units:
        return [(None, "dropped") for _ in claims]
    spans: list[tuple[int, int]] = []
    first_unit: dict[int, int] = {}
    for i, u in enumerate(units):
        if spans and units[spans[-1][0]].seg == u.seg:
            spans[-1] = (spans[-1][0], i)
        else:
            spans.append((i, i))
            first_unit[u.seg] = i
    # A passage is exactly one of those given: no neighbours, no speaker labels.
    grounder = Grounder(analysis, Lines(spans, units), neighbours=0, speakers=False)
    if titles is not None:
        named = [name_keys(t, analysis.language) for t in titles]
        grounder.unit_names = [named[u.seg] if u.seg < len(named) else frozenset() for u in units]
        grounder.title_terms = frozenset().union(
            *(content_terms(t, analysis.language) for t in titles)
        )
    out: list[tuple[int | None, str]] = []
    for text, cite in claims:
        at = first_unit.get(cite) if cite is not None else None
        found = grounder.locate(text, None if at is None else at + 1)
        passage = units[found.unit].seg if found.unit is not None else None
        verdict = "grounded" if passage is not None and passage == cite else found.verdict
        out.append((passage, verdict))
    return out
