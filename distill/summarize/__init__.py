"""Transcript → Summary: `builtin` (extractive, no model) or an LLM pipeline, chosen by model string."""

from __future__ import annotations

from typing import TYPE_CHECKING

from distill.domain import Answer, ProgressFn, Summary, Transcript, no_progress
from distill.llm import BUILTIN

# Imported first on purpose: importing the submodule `ask` binds `distill.summarize.ask` to the
# module, and the function defined below must be what that name means. Both are pure Python.
from distill.summarize.ask import answer_builtin
from distill.summarize.extractive import summarize_builtin

if TYPE_CHECKING:
    from distill.summarize.llm_plan import Plan

__all__ = [
    "BUILTIN",
    "answer_builtin",
    "ask",
    "detect_language",
    "language_name",
    "plan",
    "summarize",
    "summarize_builtin",
    "translate_summary",
]


def summarize(
    transcript: Transcript,
    *,
    model: str = BUILTIN,
    language: str | None = None,
    progress: ProgressFn = no_progress,
) -> Summary:
    """Summarize a transcript with `model` ("builtin" needs no model at all)."""
    if model == BUILTIN:
        return summarize_builtin(transcript, language=language, progress=progress)
    from distill.summarize.pipeline import summarize_with_llm

    return summarize_with_llm(transcript, model, language=language, progress=progress)


def ask(transcript: Transcript, question: str, *, model: str = BUILTIN) -> Answer:
    """Answer a question about a transcript, citing the passages (with times) it rests on."""
    if model == BUILTIN:
        return answer_builtin(transcript, question)
    from distill.summarize.llm_ask import ask_with_llm

    return ask_with_llm(transcript, question, model)


def translate_summary(
    summary: Summary, language: str, model: str, *, progress: ProgressFn = no_progress
) -> Summary:
    """The summary with every text in `language` (times, emoji and structure kept), by `model`."""
    # Not named `translate`: importing the submodule of that name would rebind the attribute.
    from distill.summarize.translate import translate_summary as run

    return run(summary, language, model, progress=progress)


def plan(transcript: Transcript, model: str, language: str | None = None) -> Plan:
    """The calls and tokens an LLM summary would take, worked out without calling the model."""
    from distill.summarize.llm_plan import plan as make_plan

    return make_plan(transcript, model, language=language)


def language_name(code: str) -> str:
    """The English name of a language code ("es" -> "Spanish"); the code itself if unknown."""
    from distill.summarize.translate import language_name as name

    return name(code)


def detect_language(text: str) -> str | None:
    """A guess of the language of `text` from its stop words; None when unsure."""
    from distill.summarize.text import detect_language as detect

    return detect(text)
