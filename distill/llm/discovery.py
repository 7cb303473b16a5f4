"""`distill models`: every backend is asked what it can offer here and whether its server answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from distill.errors import LLMError

if TYPE_CHECKING:
    from distill.llm.base import Model, ModelStatus
    from distill.settings import Settings

# Seconds to wait for a server's model list: `distill models` should answer at once.
PROBE_TIMEOUT = 2.0


@dataclass
class Probe:
    """What a server's model-list endpoint answered."""

    names: list[str] = field(default_factory=list)
    problem: str | None = None  # "unreachable (ConnectError)", "HTTP 401", ...
    status: int | None = None  # the HTTP status, None when nothing answered


def probe(url: str, headers: dict[str, str] | None = None) -> Probe:
    """The model ids a server lists at `url`, or the reason it could not be asked."""
    import httpx

    try:
        r = httpx.get(url, headers=headers or {}, timeout=PROBE_TIMEOUT)
    except httpx.HTTPError as exc:
        return Probe(problem=f"unreachable ({type(exc).__name__})")
    if r.status_code != 200:
        return Probe(problem=f"HTTP {r.status_code}", status=r.status_code)
    try:
        data = r.json()
    except ValueError:
        return Probe(problem="not a model list", status=r.status_code)
    items = (data.get("data") or data.get("models") or []) if isinstance(data, dict) else []
    names = [str(m.get("id") or m.get("name")) for m in items if isinstance(m, dict)]
    return Probe(names=names, status=r.status_code)


def _ask(provider: str, cls: type[Model], settings: Settings) -> list[ModelStatus]:
    from distill.llm.base import ModelStatus

    try:
        return list(cls.discover(settings))
    except Exception as exc:  # one backend's failure must not hide what the others offer
        return [ModelStatus(f"{provider}:*", "discovery failed", f"{type(exc).__name__}: {exc}")]


def available_models(settings: Settings | None = None) -> list[ModelStatus]:
    """Every model distill can use here: builtin, DISTILL_MODEL, then what each backend offers."""
    from distill.llm import BUILTIN, parse_model_string
    from distill.llm.base import ModelStatus
    from distill.llm.registry import backend_class, providers
    from distill.settings import get_settings

    settings = settings or get_settings()
    rows = [ModelStatus(BUILTIN, "ready", "extractive, no model needed")]
    configured = (settings.model or "").strip()
    if configured and configured != BUILTIN:
        try:
            parse_model_string(configured)
            rows.append(ModelStatus(configured, "configured", "DISTILL_MODEL"))
        except LLMError as exc:
            rows.append(ModelStatus(configured, "invalid", f"DISTILL_MODEL: {exc}"))
    backends: list[tuple[str, type[Model]]] = []
    for provider in providers():
        try:
            cls = backend_class(provider)
        except LLMError as exc:
            rows.append(ModelStatus(f"{provider}:*", "broken", str(exc)))
            continue
        if cls is not None:
            backends.append((provider, cls))
    # Servers are asked at once, so unreachable ones cost one timeout, not one each.
    with ThreadPoolExecutor(max_workers=max(1, len(backends))) as pool:
        answers = list(pool.map(lambda b: _ask(b[0], b[1], settings), backends))
    for answer in answers:
        rows.extend(answer)
    return rows


def option_rows() -> list[dict[str, str]]:
    """The options each backend takes in its model string (`distill models --options`)."""
    from distill.llm.options import describe
    from distill.llm.registry import backend_class, providers

    rows: list[dict[str, str]] = []
    for provider in providers():
        try:
            cls = backend_class(provider)
        except LLMError:
            continue  # `distill models` reports broken plugins
        if cls is not None:
            rows.extend({"provider": provider} | row for row in describe(cls.Options))
    return rows
