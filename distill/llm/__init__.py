"""Text-generation backends behind one protocol, chosen by a `provider:name` model string."""

from __future__ import annotations

import importlib
import threading

from distill.errors import LLMError
from distill.llm.base import Completion, Message, Model, TransientLLMError

__all__ = [
    "BACKENDS",
    "BUILTIN",
    "Completion",
    "Message",
    "Model",
    "TransientLLMError",
    "clear_models",
    "get_model",
    "parse_model_string",
    "register",
    "resolve_model_string",
]

# The model string of the built-in summarizer: no language model at all.
BUILTIN = "builtin"

# provider -> "module:Class"; modules are imported only when their provider is used.
BACKENDS: dict[str, str] = {
    "openai": "distill.llm.openai:OpenAIModel",
    "ollama": "distill.llm.openai:OllamaModel",
    "anthropic": "distill.llm.anthropic:AnthropicModel",
    "llamacpp": "distill.llm.llamacpp:LlamaCppModel",
}

_instances: dict[str, Model] = {}
_instances_lock = threading.Lock()


def register(provider: str, target: str) -> None:
    """Add a backend: `target` is "package.module:ClassName" of a Model subclass."""
    BACKENDS[provider] = target


def resolve_model_string(model: str | None) -> str:
    """The model to use: the given one, else DISTILL_MODEL, else `builtin`."""
    from distill.settings import get_settings

    chosen = (model or "").strip() or (get_settings().model or "").strip()
    return chosen or BUILTIN


def parse_model_string(model: str) -> tuple[str, str, dict[str, str]]:
    """Split `provider:name?key=value&...` into its parts."""
    provider, sep, rest = model.partition(":")
    if not sep or not rest or provider not in BACKENDS:
        known = ", ".join(f"{p}:NAME" for p in BACKENDS)
        raise LLMError(
            f"Unknown model {model!r}: a model string is `builtin` or one of {known} "
            "(e.g. ollama:llama3.2 or openai:gpt-4o-mini)."
        )
    name, _, query = rest.partition("?")
    options: dict[str, str] = {}
    for part in filter(None, query.split("&")):
        key, _, value = part.partition("=")
        options[key.strip()] = value.strip()
    if not name:
        raise LLMError(f"Model string {model!r} names no model; write {provider}:NAME.")
    return provider, name, options


def get_model(model: str) -> Model:
    """The backend for a model string; one instance per string (so local models load once)."""
    with _instances_lock:
        if model in _instances:
            return _instances[model]
    provider, name, options = parse_model_string(model)
    module_name, _, class_name = BACKENDS[provider].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    instance: Model = cls(name, options=options)
    with _instances_lock:
        return _instances.setdefault(model, instance)


def clear_models() -> None:
    """Forget the backends made so far (for tests and after the environment changes)."""
    with _instances_lock:
        _instances.clear()
