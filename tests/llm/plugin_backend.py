"""A third-party model backend as a plugin package would write one: the plugin the tests install."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import Field

from distill.errors import LLMError
from distill.llm import Completion, Message, Model, ModelStatus, TransientLLMError
from distill.llm import options as opts
from distill.llm.discovery import probe
from distill.settings import Settings


class RelayModel(Model):
    """Chat calls relayed to an OpenAI-compatible server with plain HTTP (RELAY_URL)."""

    provider = "relay"

    class Options(opts.Options):
        url: str = Field(
            description="the server's /v1 address", examples=["http://127.0.0.1:8080/v1"]
        )
        stop: str | None = Field(default=None, description="a stop sequence", examples=["\n"])

    options: Options

    def execute(
        self,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None,
        max_tokens: int,
        temperature: float,
    ) -> Completion:
        body: dict[str, Any] = {
            "model": self.name,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if self.options.stop:
            body["stop"] = [self.options.stop]
        if schema is not None:
            body["response_format"] = {"type": "json_object", "schema": schema}
        try:
            r = httpx.post(f"{self.options.url}/chat/completions", json=body, timeout=600)
        except httpx.HTTPError as exc:
            raise TransientLLMError(f"cannot reach {self.options.url}") from exc
        if r.status_code != 200:
            raise LLMError(f"{self.options.url} answered HTTP {r.status_code}.")
        data = r.json()
        usage = data.get("usage") or {}
        return Completion(
            text=data["choices"][0]["message"]["content"] or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            finish_reason=data["choices"][0].get("finish_reason"),
        )

    @classmethod
    def discover(cls, settings: Settings) -> list[ModelStatus]:
        url = os.environ.get("RELAY_URL")
        if not url:
            return [ModelStatus("relay:*", "not configured", "set RELAY_URL")]
        found = probe(f"{url}/models")
        if found.problem:
            return [ModelStatus("relay:*", found.problem, url)]
        return [ModelStatus(f"relay:{name}?url={url}", "reachable", url) for name in found.names]


class EchoModel(Model):
    """Answers with the last message it was sent; needs no server."""

    provider = "echo"

    def execute(
        self,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None,
        max_tokens: int,
        temperature: float,
    ) -> Completion:
        text = messages[-1].content[: max_tokens * 4]
        return Completion(text=text, prompt_tokens=self.count_tokens(text), completion_tokens=1)


class NotAModel:
    """An entry point that names something else than a Model subclass."""
