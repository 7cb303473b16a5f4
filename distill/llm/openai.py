"""OpenAI-compatible chat servers: OpenAI, Ollama, vLLM, llama.cpp's server, LM Studio, OpenRouter."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from typing import Any, ClassVar

from distill.errors import LLMError
from distill.llm.base import Completion, Message, Model, TransientLLMError

# Structured-output modes, best first; a server that rejects one is asked with the next.
JSON_MODES = ("json_schema", "json_object", "text")

# Context windows of hosted models by name prefix (longest prefix wins).
CONTEXT_WINDOWS = {
    "gpt-5": 400_000,
    "gpt-4.1": 1_047_576,
    "gpt-4o": 128_000,
    "gpt-4-turbo": 128_000,
    "gpt-4": 8_192,
    "gpt-3.5-turbo": 16_385,
    "o1": 200_000,
    "o3": 200_000,
    "o4": 200_000,
}

_modes_lock = threading.Lock()


class OpenAIModel(Model):
    """Any OpenAI-compatible server: OPENAI_API_KEY and OPENAI_BASE_URL (or `?base_url=`)."""

    provider = "openai"
    # The structured-output mode that worked last, per server.
    _json_mode: ClassVar[dict[str, str]] = {}

    def __init__(self, name: str, *, options: dict[str, str] | None = None) -> None:
        super().__init__(name, options=options)
        self.base_url = self._base_url()
        self.api_key = self._api_key()
        self._client: Any = None

    def _base_url(self) -> str | None:
        return self.options.get("base_url") or os.environ.get("OPENAI_BASE_URL") or None

    def _api_key(self) -> str | None:
        key = os.environ.get("OPENAI_API_KEY")
        if not key and self.base_url:
            return "not-needed"  # local servers (llama.cpp, vLLM) accept any key
        return key

    def known_context_window(self) -> int:
        if self._base_url() is None or "api.openai.com" in (self._base_url() or ""):
            best = max((p for p in CONTEXT_WINDOWS if self.name.startswith(p)), key=len, default="")
            if best:
                return CONTEXT_WINDOWS[best]
        return self.default_context_window

    def client(self) -> Any:
        """The SDK client, made on first use."""
        if self._client is None:
            if not self.api_key:
                raise LLMError(
                    f"{self.model_id} needs an API key: set OPENAI_API_KEY, or OPENAI_BASE_URL "
                    "for a local OpenAI-compatible server."
                )
            import openai

            from distill.settings import get_settings

            self._client = openai.OpenAI(
                api_key=self.api_key,
                base_url=self.base_url,
                timeout=get_settings().llm_timeout,
                max_retries=0,  # Model.complete retries, with backoff we can count
            )
        return self._client

    def _server_key(self) -> str:
        return self.base_url or "https://api.openai.com/v1"

    def _modes(self) -> tuple[str, ...]:
        forced = self.options.get("json")
        if forced in JSON_MODES:
            return (forced,)
        with _modes_lock:
            start = self._json_mode.get(self._server_key(), JSON_MODES[0])
        return JSON_MODES[JSON_MODES.index(start) :]

    def execute(
        self,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None,
        max_tokens: int,
        temperature: float,
    ) -> Completion:
        import openai

        payload = [{"role": m.role, "content": m.content} for m in messages]
        modes = self._modes() if schema is not None else ("text",)
        last: Exception | None = None
        for mode in modes:
            kwargs: dict[str, Any] = {}
            if mode == "json_schema" and schema is not None:
                kwargs["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "reply", "schema": schema, "strict": False},
                }
            elif mode == "json_object" and schema is not None:
                # llama.cpp's server turns `schema` into a grammar; others ignore it.
                kwargs["response_format"] = {"type": "json_object", "schema": schema}
            try:
                resp = self.client().chat.completions.create(
                    model=self.name,
                    messages=payload,  # type: ignore[arg-type]
                    max_tokens=max_tokens,
                    temperature=temperature,
                    **kwargs,
                )
            except openai.RateLimitError as exc:
                raise TransientLLMError(
                    f"{self.model_id} is rate limited", retry_after=_retry_after(exc)
                ) from exc
            except openai.APITimeoutError as exc:
                raise TransientLLMError(f"{self.model_id} timed out") from exc
            except openai.APIConnectionError as exc:
                raise TransientLLMError(
                    f"cannot reach {self._server_key()}: start the server or fix OPENAI_BASE_URL"
                ) from exc
            except openai.AuthenticationError as exc:
                raise LLMError(
                    f"{self._server_key()} rejected the API key; check OPENAI_API_KEY."
                ) from exc
            except openai.NotFoundError as exc:
                raise LLMError(
                    f"{self._server_key()} has no model {self.name!r}; "
                    "run `distill models` to see what it offers."
                ) from exc
            except openai.BadRequestError as exc:
                if mode != "text" and _about_format(exc):
                    last = exc
                    continue
                if "context" in str(exc).lower():
                    raise LLMError(
                        f"the prompt does not fit {self.model_id}'s context window: {_brief(exc)}; "
                        "give the real window as ?ctx=N in the model string."
                    ) from exc
                raise LLMError(f"{self.model_id} refused the request: {_brief(exc)}.") from exc
            except openai.UnprocessableEntityError as exc:
                if mode != "text":
                    last = exc
                    continue
                raise LLMError(f"{self.model_id} refused the request: {_brief(exc)}.") from exc
            except openai.APIStatusError as exc:
                # llama-cpp-python answers an unknown response_format with HTTP 500.
                if mode != "text" and exc.status_code == 500 and _about_format(exc):
                    last = exc
                    continue
                if exc.status_code >= 500 or exc.status_code in (408, 409, 429):
                    raise TransientLLMError(
                        f"{self._server_key()} answered HTTP {exc.status_code}",
                        retry_after=_retry_after(exc),
                    ) from exc
                raise LLMError(f"{self.model_id} failed: {_brief(exc)}.") from exc
            with _modes_lock:
                self._json_mode[self._server_key()] = mode
            return _completion(resp)
        raise LLMError(f"{self.model_id} refused every structured-output mode: {last}.")

    def list_models(self) -> list[str]:
        import openai

        try:
            return sorted(m.id for m in self.client().models.list())
        except openai.OpenAIError as exc:
            raise LLMError(f"cannot list models at {self._server_key()}: {_brief(exc)}") from exc


class OllamaModel(OpenAIModel):
    """A model served by local Ollama (OLLAMA_HOST, default http://localhost:11434)."""

    provider = "ollama"
    default_context_window = 4096

    def _base_url(self) -> str | None:
        return self.options.get("base_url") or ollama_host().rstrip("/") + "/v1"

    def _api_key(self) -> str | None:
        return "ollama"

    def known_context_window(self) -> int:
        return self.default_context_window


def ollama_host() -> str:
    """The Ollama server's address."""
    host = os.environ.get("OLLAMA_HOST") or "http://localhost:11434"
    return host if "://" in host else f"http://{host}"


def _completion(resp: Any) -> Completion:
    if not getattr(resp, "choices", None):
        raise TransientLLMError("the server sent a reply with no choices")
    choice = resp.choices[0]
    usage = getattr(resp, "usage", None)
    return Completion(
        text=choice.message.content or "",
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        finish_reason=choice.finish_reason,
    )


def _about_format(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("response_format", "json_schema", "json_object", "schema"))


def _retry_after(exc: Any) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _brief(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if message:
            return str(message)[:200]
    text = str(exc)
    try:
        return json.dumps(json.loads(text))[:200]
    except ValueError:
        return text[:200]
