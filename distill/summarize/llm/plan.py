"""`--dry-run`: the calls and tokens an LLM summary would take, worked out without calling."""

from __future__ import annotations

from pydantic import BaseModel

from distill.domain import Transcript, no_progress
from distill.llm.pricing import estimate_cost
from distill.summarize.llm.pipeline import (
    chunk_lines,
    chunk_tokens,
    final_overhead,
    map_overhead,
    notes_bounds,
    setup_run,
)
from distill.summarize.llm.schemas import PAGE, Shape


class Plan(BaseModel):
    """What summarizing would cost, worked out without calling the model (`--dry-run`)."""

    model: str
    context_window: int
    transcript_tokens: int
    strategy: str  # "single" or "map-reduce"
    chunks: int
    calls: int
    prompt_tokens: int
    max_completion_tokens: int
    cost_usd: float | None = None
    cached: bool = False

    def lines(self) -> list[str]:
        """The plan as short lines for the terminal."""
        cost = "unknown" if self.cost_usd is None else f"${self.cost_usd:.4f} at most"
        return [
            f"model: {self.model} (context {self.context_window} tokens)",
            f"transcript: {self.transcript_tokens} tokens, {self.strategy}, {self.chunks} chunk(s)",
            "cached: no calls needed" if self.cached else f"calls: {self.calls}",
            f"prompt tokens: ~{self.prompt_tokens}; completion tokens: at most {self.max_completion_tokens}",
            f"estimated cost: {cost}",
        ]


def plan(
    transcript: Transcript, model: str, *, language: str | None = None, shape: Shape = PAGE
) -> Plan:
    """The calls and tokens summarizing would take, without calling the model."""
    run, budget, key = setup_run(transcript, model, language, shape, no_progress)
    numbered = run.lines.numbered(range(len(run.lines.spans)))
    tokens = run.model.count_tokens(numbered)
    overhead = final_overhead(run.model, run, "summary")
    if overhead + tokens + budget.final_out <= budget.usable:
        chunks, calls, prompt_tokens, out = 1, 1, overhead + tokens, budget.final_out
        strategy = "single"
    else:
        map_over = map_overhead(run.model, run.title)
        chunk_list = chunk_lines(run, max(200, budget.usable - map_over - budget.map_out))
        chunks = len(chunk_list)
        notes_tokens = sum(notes_bounds(chunk_tokens(run, c), shape)[1] for c in chunk_list) * (
            shape.text_chars // 4
        )
        reduce_over = final_overhead(run.model, run, "reduce")
        room = max(200, budget.usable - reduce_over - budget.final_out)
        collapse = (
            0
            if notes_tokens <= room
            else max(1, notes_tokens // max(1, budget.usable - map_over - budget.map_out))
        )
        calls = chunks + collapse + 1
        prompt_tokens = (
            tokens
            + chunks * map_over
            + min(notes_tokens, room)
            + reduce_over
            + (notes_tokens if collapse else 0)
        )
        out = chunks * budget.map_out + collapse * budget.map_out + budget.final_out
        strategy = "map-reduce"
    return Plan(
        model=model,
        context_window=budget.context,
        transcript_tokens=tokens,
        strategy=strategy,
        chunks=chunks,
        calls=calls,
        prompt_tokens=prompt_tokens,
        max_completion_tokens=out,
        cost_usd=estimate_cost(run.model.model_id, prompt_tokens, out),
        cached=run.ledger.cache.get("summaries", key) is not None,
    )
