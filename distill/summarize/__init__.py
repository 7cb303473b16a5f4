"""Transcript → Summary: the built-in summarizer (no model) or the LLM pipeline, chosen by model string.

Three rooms: `text` (shared analysis of transcript text), `builtin` (the extractive summarizer)
and `llm` (summaries, answers and translations by a language model). Both summarizers use
`text`; `text` uses neither. This module only picks one and imports it when it is called, so
importing it stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distill.domain import Answer, ProgressFn, Summary, Transcript, no_progress
from distill.llm import BUILTIN

if TYPE_CHECKING:
    from distill.summarize.llm.plan import Plan

__all__ = [
    "BUILTIN",
    "ask",
    "detect_language",
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
    from distill.summarize.llm.ask import ask_with_llm

    return ask_with_llm(transcript, question, model)


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
