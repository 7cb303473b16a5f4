"""Estimated cost of a call: a small price table in US$ per million tokens, overridable."""

from __future__ import annotations

import json

from distill.errors import LLMError

# (input, output) US$ per 1M tokens, by model-string prefix; local providers cost nothing.
PRICES: dict[str, tuple[float, float]] = {
    "openai:gpt-5-nano": (0.05, 0.40),
    "openai:gpt-5-mini": (0.25, 2.00),
    "openai:gpt-5": (1.25, 10.00),
    "openai:gpt-4.1-nano": (0.10, 0.40),
    "openai:gpt-4.1-mini": (0.40, 1.60),
    "openai:gpt-4.1": (2.00, 8.00),
    "openai:gpt-4o-mini": (0.15, 0.60),
    "openai:gpt-4o": (2.50, 10.00),
    "anthropic:claude-opus-4": (15.00, 75.00),
    "anthropic:claude-sonnet-4": (3.00, 15.00),
    "anthropic:claude-haiku-4": (1.00, 5.00),
    "anthropic:claude-3-5-haiku": (0.80, 4.00),
    "ollama:": (0.0, 0.0),
    "llamacpp:": (0.0, 0.0),
}


def price_table() -> dict[str, tuple[float, float]]:
    """The built-in prices updated from `<DISTILL_HOME>/prices.json` ({"prefix": [in, out]})."""
    from distill.settings import get_settings

    table = dict(PRICES)
    path = get_settings().home / "prices.json"
    if path.is_file():
        try:
            extra = json.loads(path.read_text(encoding="utf-8"))
            table.update({str(k): (float(v[0]), float(v[1])) for k, v in extra.items()})
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise LLMError(
                f'{path} is not a price table ({exc}); write {{"provider:model": [in, out]}} '
                "in US$ per million tokens."
            ) from exc
    return table


def estimate_cost(model_id: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """US$ for these tokens, or None when the model's price is unknown."""
    table = price_table()
    best = max((p for p in table if model_id.startswith(p)), key=len, default=None)
    if best is None:
        return None
    price_in, price_out = table[best]
    return round((prompt_tokens * price_in + completion_tokens * price_out) / 1_000_000, 6)
