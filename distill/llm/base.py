"""The one protocol every text-generation backend implements: messages in, text or JSON out."""

from __future__ import annotations

import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from distill.errors import LLMError
from distill.llm import options as opts

if TYPE_CHECKING:
    from distill.settings import Settings

Role = Literal["system", "user", "assistant"]

# Retries on rate limits, timeouts and server errors: attempts and the first backoff delay.
MAX_ATTEMPTS = 4
RETRY_BASE_DELAY = 0.5


@dataclass(frozen=True)
class Message:
    """One chat message."""

    role: Role
    content: str


@dataclass
class Completion:
    """What a backend returned for one call, with the tokens it reports."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # Parsed JSON when the backend hands structured output back directly (Anthropic tool use).
    data: Any | None = None
    finish_reason: str | None = None
    attempts: int = 1


class TransientLLMError(LLMError):
    """A failure worth retrying: rate limit, timeout, overloaded or failing server."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class CallStats:
    """Calls, tokens and retries a model has spent since it was created."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ModelStatus:
    """One line of `distill models`: a model string, whether it can be used here, and where."""

    model: str
    status: str
    detail: str

    def row(self) -> dict[str, str]:
        """The JSON row of `distill models --format json`."""
        return {"model": self.model, "status": self.status, "detail": self.detail}


class Model(ABC):
    """A text-generation backend selected by a `provider:name?option=value` model string."""

    provider: ClassVar[str] = ""
    default_context_window: ClassVar[int] = 8192
    # The options the model string may carry; a backend declares its own subclass.
    Options = opts.Options

    def __init__(self, name: str, *, options: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.options = opts.validate_options(
            self.Options, options or {}, provider=self.provider, name=name
        )
        self.context_window = self.options.ctx or self.known_context_window()
        self.stats = CallStats()
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """The model string that selects this backend, without options."""
        return f"{self.provider}:{self.name}"

    def known_context_window(self) -> int:
        """The context window in tokens when the user did not give `?ctx=N`."""
        return self.default_context_window

    def count_tokens(self, text: str) -> int:
        """An estimate of the tokens in `text` (about four characters each, rounded up)."""
        return max(1, (len(text) + 3) // 4) if text else 0

    @abstractmethod
    def execute(
        self,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None,
        max_tokens: int,
        temperature: float,
    ) -> Completion:
        """Run one call; raise TransientLLMError for retryable failures, LLMError otherwise."""

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Completion:
        """Run one call, retrying with exponential backoff on rate limits and timeouts."""
        attempt = 0
        while True:
            attempt += 1
            try:
                result = self.execute(
                    messages, schema=schema, max_tokens=max_tokens, temperature=temperature
                )
            except TransientLLMError as exc:
                with self._lock:
                    self.stats.errors.append(str(exc))
                if attempt >= MAX_ATTEMPTS:
                    raise LLMError(
                        f"{self.model_id} kept failing after {attempt} attempts ({exc}); "
                        "try again later or pick another model with --model."
                    ) from exc
                with self._lock:
                    self.stats.retries += 1
                delay = exc.retry_after
                if delay is None:
                    delay = RETRY_BASE_DELAY * 2 ** (attempt - 1) * (1 + random.random() / 4)
                time.sleep(min(delay, 30.0))
                continue
            result.attempts = attempt
            with self._lock:
                self.stats.calls += 1
                self.stats.prompt_tokens += result.prompt_tokens
                self.stats.completion_tokens += result.completion_tokens
            return result

    @classmethod
    def discover(cls, settings: Settings) -> list[ModelStatus]:
        """The models this backend can offer here and whether its server or key answers."""
        lines = (cls.__doc__ or "").strip().splitlines()
        return [ModelStatus(f"{cls.provider}:NAME", "installed", lines[0] if lines else "")]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model_id} ctx={self.context_window}>"
