"""One structured model call: cached, validated, repaired or retried (bounded), usage counted."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from distill.domain import Usage
from distill.errors import LLMError, SummarizeError
from distill.llm import Message, Model
from distill.llm.cache import ResultCache, cache_key
from distill.llm.jsonfix import JSONReplyError, parse_json
from distill.llm.pricing import estimate_cost

PROMPT_VERSION = "v1"
PROMPTS_DIR = Path(__file__).parent / "prompts" / PROMPT_VERSION
MAX_FIXES = 2  # extra calls after a reply that is not valid JSON for the schema

R = TypeVar("R", bound=BaseModel)


@lru_cache(maxsize=32)
def template(name: str) -> Template:
    """A prompt template of the current version (`$name` placeholders)."""
    return Template((PROMPTS_DIR / f"{name}.txt").read_text(encoding="utf-8").strip())


@lru_cache(maxsize=1)
def prompt_id() -> str:
    """The prompt version plus a hash of its templates: part of every cache key."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(PROMPTS_DIR.glob("*.txt"))]
    return f"{PROMPT_VERSION}-{cache_key(texts)[:10]}"


@dataclass
class Ledger:
    """Calls, tokens, retries and grounding counts of one summary, safe across threads."""

    model: Model
    model_string: str
    cache: ResultCache
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0
    repaired_json: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def usage(self, *, cached: bool = False) -> Usage:
        cost = estimate_cost(self.model.model_id, self.prompt_tokens, self.completion_tokens)
        return Usage(
            calls=self.calls,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            cost_usd=cost,
            cached=cached,
            retries=self.retries,
        )

    def call(
        self,
        messages: list[Message],
        reply_model: type[R],
        *,
        schema: dict[str, Any],
        max_tokens: int,
        accept: Any = None,
        rejections: int = MAX_FIXES,
    ) -> R:
        """Ask for JSON matching `schema`; repair it, or retry (bounded), until it validates.

        `accept(reply, final) -> str | None` may reject a valid reply with a reason (then it is
        asked again, at most `rejections` times); `final` says no retry is left.
        """
        key = cache_key(
            "call",
            self.model_string,
            prompt_id(),
            [(m.role, m.content) for m in messages],
            schema,
            max_tokens,
        )
        hit = self.cache.get("calls", key)
        if hit is not None:
            # `accept` also sees a cached reply: it may build its result from it, and the same
            # prompt can come from a transcript whose times differ.
            try:
                cached = reply_model.model_validate(hit)
            except ValidationError:
                pass
            else:
                if accept is None or accept(cached, True) is None:
                    return cached
        problem = ""
        sent = messages
        rejected = tries = 0
        for attempt in range(MAX_FIXES + 1):
            tries = attempt + 1
            # A spoiled reply is often a glitch: ask the same again first, then sample warmer.
            try:
                done = self.model.complete(
                    sent, schema=schema, max_tokens=max_tokens, temperature=0.4 * (attempt // 2)
                )
            except LLMError:
                raise
            with self._lock:
                self.calls += 1
                self.prompt_tokens += done.prompt_tokens
                self.completion_tokens += done.completion_tokens
                self.retries += done.attempts - 1
            try:
                data, repaired = (
                    (done.data, False) if done.data is not None else parse_json(done.text)
                )
                reply = reply_model.model_validate(data)
            except (JSONReplyError, ValidationError) as exc:
                problem = (
                    "was not valid JSON for the schema"
                    if isinstance(exc, ValidationError)
                    else str(exc)
                )
                with self._lock:
                    self.retries += 1
                continue
            final = attempt == MAX_FIXES or rejected >= rejections
            reason = accept(reply, final) if accept is not None else None
            if reason:
                problem = reason
                rejected += 1
                if final:
                    break
                # A valid reply the transcript does not support would come back the same if
                # asked the same: the retry says what was wrong (a few tokens, not the reply).
                note = template("retry").substitute(problem=reason)
                last = messages[-1]
                sent = [*messages[:-1], Message(last.role, f"{last.content}\n{note}")]
                with self._lock:
                    self.retries += 1
                continue
            if repaired:
                with self._lock:
                    self.repaired_json += 1
            self.cache.put("calls", key, reply.model_dump(mode="json"))
            return reply
        raise SummarizeError(
            f"{self.model_string} did not return usable JSON after {tries} tries "
            f"(its last reply {problem}); try again or use a larger model with --model."
        )
