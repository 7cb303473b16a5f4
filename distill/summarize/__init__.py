"""Transcript → Summary: `builtin` (extractive, no model) or an LLM pipeline, chosen by model string."""

from __future__ import annotations

from distill.domain import Answer, ProgressFn, Summary, Transcript, no_progress

# Imported first on purpose: importing the submodule `ask` binds `distill.summarize.ask` to the
# module, and the function defined below must be what that name means. Both are pure Python.
from distill.summarize.ask import answer_builtin
from distill.summarize.extractive import summarize_builtin

BUILTIN = "builtin"
__all__ = ["BUILTIN", "answer_builtin", "ask", "summarize", "summarize_builtin"]


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
