"""A GGUF model run in-process by llama-cpp-python; structured output via a JSON-schema grammar."""

from __future__ import annotations

import atexit
import importlib.util
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from distill.errors import LLMError
from distill.llm import options as opts
from distill.llm.base import Completion, Message, Model, ModelStatus

if TYPE_CHECKING:
    from distill.settings import Settings

INSTALL = "install llama-cpp-python with `pip install 'distill[llamacpp]'`"
GGUF_MAGIC = b"GGUF"

# Loaded models by (path, n_ctx, threads, gpu layers): loading is slow, so once per process.
_loaded: dict[tuple[str, int, int, int], Any] = {}
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

    class Options(opts.Options):
        threads: int | None = Field(
            default=None,
            ge=1,
            le=512,
            description="CPU threads to generate with, by default the cores up to 4",
            examples=[2],
        )
        gpu_layers: int = Field(
            default=0,
            ge=-1,
            le=10_000,
            description="layers to offload to a GPU, -1 for all, with a GPU build of llama.cpp",
            examples=[-1],
        )
        temperature: opts.Temperature = None

    options: Options

    def __init__(self, name: str, *, options: Mapping[str, str] | None = None) -> None:
        super().__init__(name, options=options)
        self.path = Path(name).expanduser()

    def llama(self) -> Any:
        """The loaded model (loaded on first use)."""
        problem = gguf_problem(self.path)
        if problem:
            raise LLMError(
                f"{problem}; give the path of a .gguf model file as llamacpp:/path/model.gguf "
                "(in --model or DISTILL_MODEL)."
            )
        threads = self.options.threads or max(1, min(4, os.cpu_count() or 1))
        key = (str(self.path.resolve()), self.context_window, threads, self.options.gpu_layers)
        with _load_lock:
            if key not in _loaded:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:
                    raise LLMError(f"llamacpp models need llama-cpp-python: {INSTALL}.") from exc
                try:
                    _loaded[key] = Llama(
                        model_path=key[0],
                        n_ctx=self.context_window,
                        n_threads=threads,
                        n_gpu_layers=self.options.gpu_layers,
                        verbose=False,
                    )
                except (ValueError, RuntimeError) as exc:
                    raise LLMError(
                        f"llama.cpp could not load {self.path} ({exc}); is it a complete GGUF "
                        "file of a model this llama-cpp-python version supports?"
                    ) from exc
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
        temperature = max(temperature, self.options.temperature or 0.0)
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

    @classmethod
    def discover(cls, settings: Settings) -> list[ModelStatus]:
        installed = importlib.util.find_spec("llama_cpp") is not None
        configured = (settings.model or "").strip()
        if not configured.startswith(f"{cls.provider}:"):
            if installed:
                return [
                    ModelStatus("llamacpp:/path/model.gguf", "installed", "any local GGUF file")
                ]
            return [ModelStatus("llamacpp:/path/model.gguf", "not installed", INSTALL)]
        path = Path(configured.partition(":")[2].partition("?")[0].strip()).expanduser()
        model = f"{cls.provider}:{path}"
        problem = gguf_problem(path)
        if problem:
            return [ModelStatus(model, "missing file", f"DISTILL_MODEL: {problem}")]
        if not installed:
            return [ModelStatus(model, "not installed", INSTALL)]
        return [ModelStatus(model, "ready", f"{path.stat().st_size / 1e6:.0f} MB GGUF file")]


def gguf_problem(path: Path) -> str | None:
    """Why `path` is not a GGUF model file, or None when it starts like one."""
    if not path.is_file():
        return f"no GGUF model file at {path}"
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as exc:
        return f"cannot read {path} ({exc.strerror})"
    if magic != GGUF_MAGIC:
        return f"{path} is not a GGUF model file (it does not start with GGUF)"
    return None
