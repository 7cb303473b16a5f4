"""CLI commands for models: `translate` a stored summary, list the `models` you can use."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from distill.cli import app
from distill.cli._common import console, err_console, progress_bar
from distill.errors import DistillError, NotFoundError

BUILTIN = "builtin"


def print_usage(usage: Any, *, what: str = "summary") -> None:
    """One stderr line with the calls, tokens and estimated cost a model run took."""
    if usage is None:
        return
    if usage.cached:
        err_console.print(f"{what}: from cache, no model calls")
        return
    cost = "unknown cost" if usage.cost_usd is None else f"~${usage.cost_usd:.4f}"
    grounding = ""
    if usage.grounded or usage.repaired or usage.dropped:
        grounding = (
            f"; items grounded {usage.grounded}, repaired {usage.repaired}, dropped {usage.dropped}"
        )
    err_console.print(
        f"{what}: {usage.calls} calls, {usage.prompt_tokens} prompt + "
        f"{usage.completion_tokens} completion tokens, {cost}{grounding}"
    )


@app.command()
def translate(
    video_id: Annotated[
        str, typer.Argument(help="The id of a summarized video (see `distill list`).")
    ],
    to: Annotated[str, typer.Option("--to", "-t", help="Target language code, e.g. es, de, ja.")],
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="provider:name of the model; default DISTILL_MODEL."),
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Render a stored summary in another language (times kept) and store it."""
    from distill.cli.summarize_cmds import pick_model, print_summary, summary_json
    from distill.library import Library
    from distill.summarize.translate import language_name, translate_summary

    if format not in ("text", "json"):
        raise DistillError(f"Unknown format {format!r}; use --format text or --format json.")
    chosen = pick_model(model)
    target = to.strip().lower()
    if not target.replace("-", "").isalpha() or len(target) > 8:
        raise DistillError(f"{to!r} is not a language code; pass one like --to es or --to pt-BR.")
    library = Library()
    try:
        library.get_video(video_id)
        existing = library.get_summary(video_id, language=target)
        if existing is None:
            if chosen == BUILTIN:
                raise DistillError(
                    f"Translating into {language_name(target)} needs a model: pass --model "
                    "provider:name (e.g. ollama:llama3.2) or set DISTILL_MODEL."
                )
            source = library.get_summary(video_id)
            if source is None:
                raise NotFoundError(
                    f"{video_id} has no summary yet; run `distill summarize {video_id}` first."
                )
            with progress_bar() as progress:
                existing = translate_summary(source, target, chosen, progress=progress)
            library.save_summary(video_id, existing)
            print_usage(existing.usage, what="translation")
    finally:
        library.close()
    if format == "json":
        sys.stdout.write(json.dumps(summary_json(existing), ensure_ascii=False) + "\n")
    else:
        print_summary(existing)


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
