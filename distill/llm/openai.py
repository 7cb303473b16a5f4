"""OpenAI-compatible chat servers: OpenAI, Ollama, vLLM, llama.cpp's server, LM Studio, OpenRouter."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from distill.errors import LLMError
from distill.llm import options as opts
from distill.llm.base import Completion, Message, Model, ModelStatus, TransientLLMError
from distill.llm.discovery import probe

if TYPE_CHECKING:
    from distill.settings import Settings

OPENAI_URL = "https://api.openai.com/v1"

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


class ChatOptions(opts.Options):
    """Options of every OpenAI-compatible server."""

    json_mode: opts.JSONMode = None
    temperature: opts.Temperature = None


class OpenAIModel(Model):
    """Any OpenAI-compatible server: OPENAI_API_KEY and OPENAI_BASE_URL (or `?base_url=`)."""

    provider = "openai"
    # The structured-output mode that worked last, per server.
    _json_mode: ClassVar[dict[str, str]] = {}

    class Options(ChatOptions):
        base_url: opts.BaseURL = None

    options: Options

    def __init__(self, name: str, *, options: Mapping[str, str] | None = None) -> None:
        super().__init__(name, options=options)
        self.base_url = self._base_url()
        self.api_key = self._api_key()
        self._client: Any = None

    def _base_url(self) -> str | None:
        return self.options.base_url or os.environ.get("OPENAI_BASE_URL") or None

    def _address_setting(self) -> str | None:
        """Where the server's address came from: the model string, the environment or nowhere."""
        if self.options.base_url:
            return "?base_url= in the model string"
        return "OPENAI_BASE_URL" if os.environ.get("OPENAI_BASE_URL") else None

    def unreachable(self) -> str:
        """Why a connection failed and which setting to fix."""
        where = self._address_setting()
        if where is None:
            return (
                f"cannot reach {self._server_key()}: check your network connection, "
                "or set OPENAI_BASE_URL to use another server"
            )
        return f"cannot reach {self._server_key()}: start the server or fix {where}"

    def key_rejected(self) -> str:
        """The sentence for an API key the server refused."""
        return f"{self._server_key()} rejected the API key; check OPENAI_API_KEY."

    def no_such_model(self) -> str:
        """The sentence for a model name the server does not know."""
        return (
            f"{self._server_key()} has no model {self.name!r}; "
            "run `distill models` to see what it offers."
        )

    def _api_key(self) -> str | None:
        key = os.environ.get("OPENAI_API_KEY")
        if not key and self.base_url:
            return "not-needed"  # local servers (llama.cpp, vLLM) accept any key
        return key

    def known_context_window(self) -> int:
        if "api.openai.com" in (self._base_url() or OPENAI_URL):
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
        return self.base_url or OPENAI_URL

    def _modes(self) -> tuple[str, ...]:
        forced = self.options.json_mode
        if forced is not None:
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
        temperature = max(temperature, self.options.temperature or 0.0)
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
                raise TransientLLMError(self.unreachable()) from exc
            except openai.AuthenticationError as exc:
                raise LLMError(self.key_rejected()) from exc
            except openai.NotFoundError as exc:
                raise LLMError(self.no_such_model()) from exc
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

    @classmethod
    def discover(cls, settings: Settings) -> list[ModelStatus]:
        base = os.environ.get("OPENAI_BASE_URL")
        key = os.environ.get("OPENAI_API_KEY")
        if not base and not key:
            return [
                ModelStatus(
                    "openai:*",
                    "not configured",
                    "set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for a local server",
                )
            ]
        url = (base or OPENAI_URL).rstrip("/")
        found = probe(f"{url}/models", {"Authorization": f"Bearer {key or 'not-needed'}"})
        if found.problem is None:
            return [ModelStatus(f"openai:{n}", "reachable", url) for n in found.names] or [
                ModelStatus("openai:*", "reachable", f"{url} lists no models")
            ]
        if found.status in (401, 403):
            fix = "check OPENAI_API_KEY"
        elif found.status is None:
            fix = "start the server or fix OPENAI_BASE_URL" if base else "check your network"
        else:
            fix = "is OPENAI_BASE_URL an OpenAI-compatible /v1 address?"
        return [ModelStatus("openai:*", found.problem, f"{url}: {fix}")]


class OllamaModel(OpenAIModel):
    """A model served by local Ollama (OLLAMA_HOST, default http://localhost:11434)."""

    provider = "ollama"
    default_context_window = 4096

    class Options(ChatOptions):  # type: ignore[assignment]
        host: opts.Host = None

    options: Options  # type: ignore[assignment]

    def host(self) -> str:
        """The Ollama server: `?host=`, else OLLAMA_HOST, else the default."""
        return ollama_host(self.options.host)

    def _base_url(self) -> str | None:
        return self.host().rstrip("/") + "/v1"

    def _api_key(self) -> str | None:
        return "ollama"

    def known_context_window(self) -> int:
        return self.default_context_window

    def _address_setting(self) -> str:
        return "?host= in the model string" if self.options.host else "OLLAMA_HOST"

    def unreachable(self) -> str:
        return (
            f"cannot reach Ollama at {self.host()}: start it with `ollama serve`, "
            f"or point {self._address_setting()} at the machine it runs on"
        )

    def key_rejected(self) -> str:
        return (
            f"{self.host()} refused the request as unauthorized; Ollama itself needs no key, "
            f"so check that {self._address_setting()} points at Ollama and not at another server."
        )

    def no_such_model(self) -> str:
        return (
            f"Ollama at {self.host()} has no model {self.name!r}; pull it with "
            f"`ollama pull {self.name}`, or run `distill models` to see the ones it has."
        )

    @classmethod
    def discover(cls, settings: Settings) -> list[ModelStatus]:
        host = ollama_host()
        found = probe(f"{host.rstrip('/')}/api/tags")
        if found.problem is None:
            return [ModelStatus(f"ollama:{n}", "reachable", host) for n in found.names] or [
                ModelStatus("ollama:*", "reachable", f"{host} has no models; `ollama pull NAME`")
            ]
        fix = "start it with `ollama serve` or set OLLAMA_HOST"
        if found.status is not None:
            fix = "is OLLAMA_HOST the address of an Ollama server?"
        return [ModelStatus("ollama:*", f"Ollama {found.problem}", f"{host}: {fix}")]


def ollama_host(host: str | None = None) -> str:
    """The Ollama server's address: the one given, else OLLAMA_HOST, else the default."""
    host = host or os.environ.get("OLLAMA_HOST") or "http://localhost:11434"
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
