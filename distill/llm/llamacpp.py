"""A GGUF model run in-process by llama-cpp-python; structured output via a JSON-schema grammar."""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from distill.errors import LLMError
from distill.llm.base import Completion, Message, Model

# Loaded models by (path, n_ctx): loading is slow, so each file is loaded once per process.
_loaded: dict[tuple[str, int], Any] = {}
_load_lock = threading.Lock()
_run_lock = threading.Lock()  # one generation at a time in this process


@atexit.register
def _close_all() -> None:
    """Free loaded models before the interpreter tears down what their destructors need."""
    with _load_lock:
        for llama in _loaded.values():
            llama.close()
        _loaded.clear()


class LlamaCppModel(Model):
    """`llamacpp:/path/model.gguf[?ctx=N]`; needs the `llamacpp` extra (llama-cpp-python)."""

    provider = "llamacpp"
    default_context_window = 4096

    def __init__(self, name: str, *, options: dict[str, str] | None = None) -> None:
        super().__init__(name, options=options)
        self.path = Path(name).expanduser()

    def llama(self) -> Any:
        """The loaded model (loaded on first use)."""
        if not self.path.is_file():
            raise LLMError(
                f"no GGUF model file at {self.path}; give the path of a .gguf file "
                "as llamacpp:/path/model.gguf."
            )
        key = (str(self.path.resolve()), self.context_window)
        with _load_lock:
            if key not in _loaded:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:
                    raise LLMError(
                        "llamacpp models need llama-cpp-python; install it with "
                        "`pip install 'distill[llamacpp]'`."
                    ) from exc
                threads = int(self.options.get("threads") or max(1, min(4, os.cpu_count() or 1)))
                try:
                    _loaded[key] = Llama(
                        model_path=key[0],
                        n_ctx=self.context_window,
                        n_threads=threads,
                        verbose=False,
                    )
                except (ValueError, RuntimeError) as exc:
                    raise LLMError(f"llama.cpp could not load {self.path}: {exc}.") from exc
            return _loaded[key]

    def count_tokens(self, text: str) -> int:
        if not text:
            return 0
        return len(self.llama().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def execute(
        self,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None,
        max_tokens: int,
        temperature: float,
    ) -> Completion:
        kwargs: dict[str, Any] = {}
        if schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        llama = self.llama()
        with _run_lock:
            try:
                resp = llama.create_chat_completion(
                    messages=[{"role": m.role, "content": m.content} for m in messages],
                    max_tokens=max_tokens,
                    temperature=temperature,
                    **kwargs,
                )
            except ValueError as exc:  # e.g. the prompt does not fit the context window
                raise LLMError(f"{self.model_id} failed: {exc}.") from exc
        choice = resp["choices"][0]
        usage = resp.get("usage") or {}
        return Completion(
            text=choice["message"].get("content") or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            finish_reason=choice.get("finish_reason"),
        )

    def list_models(self) -> list[str]:
        return [str(self.path)] if self.path.is_file() else []
