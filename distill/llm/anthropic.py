"""Anthropic's Claude models through the official SDK; structured output via forced tool use."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from distill.errors import LLMError
from distill.llm import options as opts
from distill.llm.base import Completion, Message, Model, ModelStatus, TransientLLMError
from distill.llm.discovery import probe

if TYPE_CHECKING:
    from distill.settings import Settings

ANTHROPIC_URL = "https://api.anthropic.com"
NO_KEY = "set ANTHROPIC_API_KEY (from console.anthropic.com)"


class AnthropicModel(Model):
    """Claude via ANTHROPIC_API_KEY (ANTHROPIC_BASE_URL or `?base_url=` for a proxy)."""

    provider = "anthropic"
    default_context_window = 200_000

    class Options(opts.Options):
        base_url: opts.BaseURL = None

    options: Options

    def __init__(self, name: str, *, options: Mapping[str, str] | None = None) -> None:
        super().__init__(name, options=options)
        self.base_url = self.options.base_url or os.environ.get("ANTHROPIC_BASE_URL")
        self._client: Any = None

    def unreachable(self) -> str:
        """Why a connection failed and which setting to fix."""
        if self.options.base_url:
            fix = "start the proxy or fix ?base_url= in the model string"
        elif os.environ.get("ANTHROPIC_BASE_URL"):
            fix = "start the proxy or fix ANTHROPIC_BASE_URL"
        else:
            fix = "check your network connection (or set ANTHROPIC_BASE_URL for a proxy)"
        return f"cannot reach Anthropic at {self.base_url or ANTHROPIC_URL}: {fix}"

    def client(self) -> Any:
        """The SDK client, made on first use."""
        if self._client is None:
            key = os.environ.get("ANTHROPIC_API_KEY")
            if not key:
                raise LLMError(
                    f"{self.model_id} needs an API key: {NO_KEY} "
                    "or choose a local model with --model."
                )
            import anthropic

            from distill.settings import get_settings

            self._client = anthropic.Anthropic(
                api_key=key,
                base_url=self.base_url,
                timeout=get_settings().llm_timeout,
                max_retries=0,  # Model.complete retries, with backoff we can count
            )
        return self._client

    def execute(
        self,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None,
        max_tokens: int,
        temperature: float,
    ) -> Completion:
        import anthropic

        system = "\n\n".join(m.content for m in messages if m.role == "system")
        chat = [{"role": m.role, "content": m.content} for m in messages if m.role != "system"]
        # Current SDKs take no temperature; sampling is the model's default.
        kwargs: dict[str, Any] = {}
        if system:
            kwargs["system"] = system
        if schema is not None:
            kwargs["tools"] = [
                {
                    "name": "reply",
                    "description": "Give the answer as structured data.",
                    "input_schema": schema,
                }
            ]
            kwargs["tool_choice"] = {"type": "tool", "name": "reply"}
        try:
            resp = self.client().messages.create(
                model=self.name,
                max_tokens=max_tokens,
                messages=chat,
                **kwargs,
            )
        except anthropic.RateLimitError as exc:
            raise TransientLLMError(f"{self.model_id} is rate limited") from exc
        except anthropic.APITimeoutError as exc:
            raise TransientLLMError(f"{self.model_id} timed out") from exc
        except anthropic.APIConnectionError as exc:
            raise TransientLLMError(self.unreachable()) from exc
        except anthropic.AuthenticationError as exc:
            raise LLMError("Anthropic rejected the API key; check ANTHROPIC_API_KEY.") from exc
        except anthropic.PermissionDeniedError as exc:
            raise LLMError(
                f"Anthropic does not let this API key use {self.name!r}; check ANTHROPIC_API_KEY "
                "and the key's workspace at console.anthropic.com."
            ) from exc
        except anthropic.NotFoundError as exc:
            raise LLMError(
                f"Anthropic has no model {self.name!r}; run `distill models` to list the ones "
                "your key can use (e.g. anthropic:claude-sonnet-4-6)."
            ) from exc
        except anthropic.APIStatusError as exc:
            if exc.status_code >= 500 or exc.status_code in (408, 409, 429):
                raise TransientLLMError(f"Anthropic answered HTTP {exc.status_code}") from exc
            raise LLMError(f"{self.model_id} refused the request: {exc.message}.") from exc
        text_parts: list[str] = []
        data: Any = None
        for block in resp.content:
            if block.type == "tool_use":
                data = block.input
            elif block.type == "text":
                text_parts.append(block.text)
        text = json.dumps(data) if data is not None else "".join(text_parts)
        return Completion(
            text=text,
            data=data,
            prompt_tokens=int(resp.usage.input_tokens or 0),
            completion_tokens=int(resp.usage.output_tokens or 0),
            finish_reason=resp.stop_reason,
        )

    @classmethod
    def discover(cls, settings: Settings) -> list[ModelStatus]:
        key = os.environ.get("ANTHROPIC_API_KEY")
        if not key:
            return [ModelStatus("anthropic:*", "no key", NO_KEY)]
        base = os.environ.get("ANTHROPIC_BASE_URL")
        url = (base or ANTHROPIC_URL).rstrip("/")
        headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
        found = probe(f"{url}/v1/models", headers)
        if found.problem is None:
            return [ModelStatus(f"anthropic:{n}", "reachable", url) for n in found.names]
        if found.status in (401, 403):
            fix = "check ANTHROPIC_API_KEY"
        elif found.status is None:
            fix = "start the proxy or fix ANTHROPIC_BASE_URL" if base else "check your network"
        else:
            fix = "is ANTHROPIC_BASE_URL the address of the Anthropic API?"
        return [ModelStatus("anthropic:*", found.problem, f"{url}: {fix}")]
