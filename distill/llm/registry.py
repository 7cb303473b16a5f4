"""Which class serves a provider: the built-in table, then packages' `distill.llm_backends` entry points."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from distill.errors import LLMError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from distill.llm.base import Model

# The entry-point group a package declares its backends in:
#   [project.entry-points."distill.llm_backends"]
#   myprov = "my_package.module:MyModel"
ENTRY_POINT_GROUP = "distill.llm_backends"

# provider -> "module:Class"; modules are imported only when their provider is used.
BACKENDS: dict[str, str] = {
    "openai": "distill.llm.openai:OpenAIModel",
    "ollama": "distill.llm.openai:OllamaModel",
    "anthropic": "distill.llm.anthropic:AnthropicModel",
    "llamacpp": "distill.llm.llamacpp:LlamaCppModel",
}


def register(provider: str, target: str) -> None:
    """Add a backend: `target` is "package.module:ClassName" of a Model subclass."""
    BACKENDS[provider] = target


def plugins() -> dict[str, EntryPoint]:
    """Backends installed packages declare; a name the built-in table has stays built in."""
    from importlib.metadata import entry_points

    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in BACKENDS:
            found.setdefault(ep.name, ep)
    return found


def providers() -> list[str]:
    """Every provider a model string may name: built-in ones first, then plugins by name."""
    return list(BACKENDS) + sorted(plugins())


def backend_class(provider: str) -> type[Model] | None:
    """The backend class of a provider (its module imported now), or None when none is installed."""
    from distill.llm.base import Model

    target = BACKENDS.get(provider)
    if target is not None:
        module_name, _, class_name = target.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        where = target
    else:
        ep = plugins().get(provider)
        if ep is None:
            return None
        package = ep.dist.name if ep.dist is not None else "its package"
        where = f"{ep.value} (from {package})"
        try:
            cls = ep.load()
        except Exception as exc:  # a broken plugin is reported, whatever it raises on import
            raise LLMError(
                f"The {provider!r} model backend {where} could not be loaded "
                f"({type(exc).__name__}: {exc}); reinstall or remove {package}."
            ) from exc
    if not (isinstance(cls, type) and issubclass(cls, Model)):
        raise LLMError(
            f"The {provider!r} model backend {where} is not a distill.llm.Model subclass; "
            "fix the entry point of the package that declares it."
        )
    if cls.provider != provider:
        raise LLMError(
            f"The model backend {where} is registered as {provider!r} but says "
            f"provider = {cls.provider!r}; set provider = {provider!r} on the class."
        )
    return cls
