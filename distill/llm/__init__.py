"""Text-generation backends behind one protocol, chosen by a `provider:name` model string."""

from __future__ import annotations

import difflib
import threading

from distill.errors import LLMError
from distill.llm.base import Completion, Message, Model, ModelStatus, TransientLLMError
from distill.llm.options import Options, validate_options
from distill.llm.registry import (
    BACKENDS,
    ENTRY_POINT_GROUP,
    backend_class,
    providers,
    register,
)

__all__ = [
    "BACKENDS",
    "BUILTIN",
    "ENTRY_POINT_GROUP",
    "Completion",
    "Message",
    "Model",
    "ModelStatus",
    "Options",
    "TransientLLMError",
    "backend_class",
    "clear_models",
    "get_model",
    "parse_model_string",
    "providers",
    "register",
    "resolve_model_string",
]

# The model string of the built-in summarizer: no language model at all.
BUILTIN = "builtin"

_instances: dict[str, Model] = {}
_instances_lock = threading.Lock()


def resolve_model_string(model: str | None) -> str:
    """The model to use: the given one, else DISTILL_MODEL, else `builtin`."""
    from distill.settings import get_settings

    chosen = (model or "").strip() or (get_settings().model or "").strip()
    return chosen or BUILTIN


def parse_model_string(model: str) -> tuple[str, str, dict[str, str]]:
    """Split `provider:name?key=value&...` into its parts, its options checked by the backend."""
    _, provider, name, options = _parse(model)
    return provider, name, options


def _parse(model: str) -> tuple[type[Model], str, str, dict[str, str]]:
    provider, sep, rest = model.strip().partition(":")
    cls = backend_class(provider.strip()) if sep and rest.strip() else None
    if cls is None:
        known = providers()
        close = difflib.get_close_matches(provider.strip(), known, n=1) if rest.strip() else []
        hint = f" (did you mean {close[0]}:{rest.partition('?')[0].strip()}?)" if close else ""
        listed = ", ".join(f"{p}:NAME" for p in known)
        raise LLMError(
            f"Unknown model {model!r}{hint}: a model string is `builtin` or one of {listed} "
            "(e.g. ollama:llama3.2 or openai:gpt-4o-mini)."
        )
    provider = provider.strip()
    name, _, query = rest.partition("?")
    name = name.strip()
    if not name:
        raise LLMError(f"Model string {model!r} names no model; write {provider}:NAME.")
    options: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in query.split("&"))):
        key, eq, value = (x.strip() for x in part.partition("="))
        if not key or not eq or not value:
            raise LLMError(
                f"Option {part!r} in {model!r} is not key=value; write options as "
                f"{provider}:{name}?ctx=8192&OPTION=VALUE (`distill models --options` lists them)."
            )
        if key in options:
            raise LLMError(f"Option {key} is given twice in {model!r}; give it once.")
        options[key] = value
    validate_options(cls.Options, options, provider=provider, name=name)
    return cls, provider, name, options


def get_model(model: str) -> Model:
    """The backend for a model string; one instance per string (so local models load once)."""
    with _instances_lock:
        if model in _instances:
            return _instances[model]
    cls, _, name, options = _parse(model)
    instance = cls(name, options=options)
    with _instances_lock:
        return _instances.setdefault(model, instance)


def clear_models() -> None:
    """Forget the backends made so far (for tests and after the environment changes)."""
    with _instances_lock:
        _instances.clear()
