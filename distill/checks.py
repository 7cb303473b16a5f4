"""Checks of what a face hands the service: the model to use, a question, a title, channel or
URL given by the user, a language code. Every face and every part of the service uses these."""

from __future__ import annotations

from distill.domain import MetaOverride
from distill.errors import InputError
from distill.llm import BUILTIN, resolve_model_string

MAX_QUESTION_CHARS = 2000
MAX_TITLE_CHARS = 500


def choose_model(model: str | None) -> str:
    """The model to use: the argument, else DISTILL_MODEL, else builtin; a bad string is refused."""
    chosen = resolve_model_string(model)
    if chosen != BUILTIN:
        from distill.llm import parse_model_string

        parse_model_string(chosen)  # one clear sentence for an unknown provider or option
    return chosen


def base_language(code: str | None) -> str:
    """The base of a language code, lower-cased: 'pt-BR' -> 'pt'; '' when unknown."""
    return (code or "").split("-")[0].strip().lower()


def check_question(question: str) -> str:
    """The question stripped, or an InputError when it is empty or too long."""
    question = (question or "").strip()
    if not question:
        raise InputError('The question is empty; ask it in words, e.g. "What is X?".')
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(
            f"The question is {len(question):,} characters long; keep it under "
            f"{MAX_QUESTION_CHARS:,}."
        )
    return question


def check_meta(meta: MetaOverride | None) -> MetaOverride | None:
    """The user's title, channel and URL tidied, or an InputError saying what is wrong."""
    if meta is None or meta.is_empty():
        return None
    fields: dict[str, str | None] = {}
    for name in ("title", "channel"):
        value = getattr(meta, name)
        if value is None:
            continue
        value = " ".join(value.split())
        if not value:
            raise InputError(f"The {name} is empty; give it in words or leave --{name} out.")
        if len(value) > MAX_TITLE_CHARS:
            raise InputError(
                f"The {name} is {len(value):,} characters long; keep it under {MAX_TITLE_CHARS}."
            )
        fields[name] = value
    if meta.url is not None:
        url = meta.url.strip()
        if not url.lower().startswith(("https://", "http://")) or len(url) > 2000 or " " in url:
            raise InputError(
                f"{meta.url[:100]!r} is not a web address; pass one that starts with https://."
            )
        fields["url"] = url
    return MetaOverride(**fields)
