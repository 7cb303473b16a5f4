"""CLI command `distill models`: the models you can summarize with here."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated

import typer
from rich.markup import escape

from distill.cli import app
from distill.cli.output import console
from distill.llm import BUILTIN


def _probe(url: str, headers: dict[str, str] | None = None) -> tuple[list[str], str | None]:
    """Model ids a server lists at `url`, or the reason it could not be asked."""
    import httpx

    try:
        r = httpx.get(url, headers=headers or {}, timeout=2.0)
    except httpx.HTTPError as exc:
        return [], f"unreachable ({type(exc).__name__})"
    if r.status_code != 200:
        return [], f"HTTP {r.status_code}"
    try:
        data = r.json()
    except ValueError:
        return [], "not a model list"
    items = data.get("data") or data.get("models") or []
    return [str(m.get("id") or m.get("name")) for m in items if isinstance(m, dict)], None


def available_models() -> list[dict[str, str]]:
    """Every model distill can use here: builtin, DISTILL_MODEL, OpenAI/Ollama/Anthropic servers."""
    from distill.llm.openai import ollama_host
    from distill.settings import get_settings

    rows = [{"model": BUILTIN, "status": "ready", "detail": "extractive, no model needed"}]
    configured = get_settings().model
    if configured and configured != BUILTIN:
        rows.append({"model": configured, "status": "configured", "detail": "DISTILL_MODEL"})
    base = os.environ.get("OPENAI_BASE_URL")
    if base or os.environ.get("OPENAI_API_KEY"):
        url = (base or "https://api.openai.com/v1").rstrip("/")
        key = os.environ.get("OPENAI_API_KEY") or "not-needed"
        names, problem = _probe(f"{url}/models", {"Authorization": f"Bearer {key}"})
        for name in names:
            rows.append({"model": f"openai:{name}", "status": "reachable", "detail": url})
        if problem:
            rows.append({"model": "openai:*", "status": problem, "detail": url})
    names, problem = _probe(f"{ollama_host().rstrip('/')}/api/tags")
    for name in names:
        rows.append({"model": f"ollama:{name}", "status": "reachable", "detail": ollama_host()})
    if problem:
        rows.append({"model": "ollama:*", "status": f"Ollama {problem}", "detail": ollama_host()})
    if os.environ.get("ANTHROPIC_API_KEY"):
        url = (os.environ.get("ANTHROPIC_BASE_URL") or "https://api.anthropic.com").rstrip("/")
        headers = {
            "x-api-key": os.environ["ANTHROPIC_API_KEY"],
            "anthropic-version": "2023-06-01",
        }
        names, problem = _probe(f"{url}/v1/models", headers)
        for name in names:
            rows.append({"model": f"anthropic:{name}", "status": "reachable", "detail": url})
        if problem:
            rows.append({"model": "anthropic:*", "status": problem, "detail": url})
    return rows


@app.command()
def models(
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """List the models you can summarize with, and whether their servers answer."""
    rows = available_models()
    if format == "json":
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    from rich.table import Table

    table = Table("model", "status", "where")
    for row in rows:
        table.add_row(escape(row["model"]), escape(row["status"]), escape(row["detail"]))
    console.print(table)
    console.print(
        "Use one with --model MODEL or DISTILL_MODEL=MODEL; llamacpp:/path/model.gguf runs a local file."
    )
