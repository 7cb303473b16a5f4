"""Every provider's "not reachable", "no key", "key rejected" and "no such model" sentence names
the setting that actually applies, in calls and in `distill models`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from distill.errors import LLMError
from distill.llm import Message, get_model
from distill.llm.discovery import available_models
from distill.settings import Settings
from tests.llm.helpers import Replay, free_port

Serve = Callable[[int, dict[str, Any], str], str]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """A local server answering one request at `path` with a recorded status and body."""
    servers: list[Replay] = []

    def start(status: int, body: dict[str, Any], path: str) -> str:
        recording = tmp_path / f"recording-{len(servers)}.json"
        exchange = {"request": {"path": path}, "response": {"status": status, "body": body}}
        recording.write_text(json.dumps([exchange]))
        servers.append(Replay(recording))
        return servers[-1].url

    yield start
    for s in servers:
        s.close()


def failure(model: str) -> str:
    """The sentence one call to `model` fails with."""
    with pytest.raises(LLMError) as caught:
        get_model(model).complete([Message("user", "hi")], max_tokens=4)
    return str(caught.value)


def closed() -> str:
    """The address of a loopback port nothing listens on."""
    return f"127.0.0.1:{free_port()}"


OPENAI_401 = {"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}}
OPENAI_404 = {"error": {"message": "The model `gpt-9` does not exist", "code": "model_not_found"}}
OLLAMA_404 = {"error": {"message": 'model "qwen9" not found, try pulling it first'}}
ANTHROPIC_403 = {"type": "error", "error": {"type": "permission_error", "message": "no access"}}
ANTHROPIC_404 = {"type": "error", "error": {"type": "not_found_error", "message": "model: x"}}


def test_openai_unreachable_names_the_base_url_option() -> None:
    where = closed()
    said = failure(f"openai:m?base_url=http://{where}/v1")
    assert (
        f"cannot reach http://{where}/v1: start the server or fix ?base_url= in the model string"
        in said
    )


def test_openai_unreachable_names_openai_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    where = closed()
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://{where}/v1")
    said = failure("openai:m")
    assert f"cannot reach http://{where}/v1: start the server or fix OPENAI_BASE_URL" in said


def test_ollama_unreachable_names_ollama_host(monkeypatch: pytest.MonkeyPatch) -> None:
    where = closed()
    monkeypatch.setenv("OLLAMA_HOST", where)
    said = failure("ollama:llama3.2")
    assert (
        f"cannot reach Ollama at http://{where}: start it with `ollama serve`, "
        "or point OLLAMA_HOST at the machine it runs on" in said
    )
    assert "OPENAI" not in said


def test_ollama_unreachable_names_the_host_option() -> None:
    where = closed()
    said = failure(f"ollama:llama3.2?host={where}")
    assert "or point ?host= in the model string at the machine it runs on" in said
    assert "OPENAI" not in said and "OLLAMA_HOST" not in said


def test_ollama_missing_model_says_ollama_pull(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = serve(404, OLLAMA_404, "/v1/chat/completions")
    monkeypatch.setenv("OLLAMA_HOST", url)
    said = failure("ollama:qwen9")
    assert said == (
        f"Ollama at {url} has no model 'qwen9'; pull it with `ollama pull qwen9`, "
        "or run `distill models` to see the ones it has."
    )


def test_openai_rejected_key_names_openai_api_key(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = serve(401, OPENAI_401, "/v1/chat/completions")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
    assert failure(f"openai:gpt-4o?base_url={url}/v1") == (
        f"{url}/v1 rejected the API key; check OPENAI_API_KEY."
    )


def test_openai_missing_model_points_to_distill_models(serve: Serve) -> None:
    url = serve(404, OPENAI_404, "/v1/chat/completions")
    assert failure(f"openai:gpt-9?base_url={url}/v1") == (
        f"{url}/v1 has no model 'gpt-9'; run `distill models` to see what it offers."
    )


def test_openai_without_key_names_both_settings() -> None:
    assert failure("openai:gpt-4o-mini") == (
        "openai:gpt-4o-mini needs an API key: set OPENAI_API_KEY, or OPENAI_BASE_URL for a "
        "local OpenAI-compatible server."
    )


def test_anthropic_unreachable_names_anthropic_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    where = closed()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://{where}")
    said = failure("anthropic:claude-haiku-4-5")
    assert (
        f"cannot reach Anthropic at http://{where}: start the proxy or fix ANTHROPIC_BASE_URL"
        in said
    )


def test_anthropic_unreachable_names_the_base_url_option(monkeypatch: pytest.MonkeyPatch) -> None:
    where = closed()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    said = failure(f"anthropic:claude-haiku-4-5?base_url=http://{where}")
    assert "start the proxy or fix ?base_url= in the model string" in said
    assert "ANTHROPIC_BASE_URL" not in said


def test_anthropic_without_key_names_anthropic_api_key() -> None:
    assert failure("anthropic:claude-haiku-4-5") == (
        "anthropic:claude-haiku-4-5 needs an API key: set ANTHROPIC_API_KEY (from "
        "console.anthropic.com) or choose a local model with --model."
    )


def test_anthropic_missing_model_points_to_distill_models(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = serve(404, ANTHROPIC_404, "/v1/messages")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    assert failure(f"anthropic:claude-x?base_url={url}") == (
        "Anthropic has no model 'claude-x'; run `distill models` to list the ones your key can "
        "use (e.g. anthropic:claude-sonnet-4-6)."
    )


def test_anthropic_forbidden_model_names_the_key(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = serve(403, ANTHROPIC_403, "/v1/messages")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    said = failure(f"anthropic:claude-opus-4-1?base_url={url}")
    assert said.startswith(
        "Anthropic does not let this API key use 'claude-opus-4-1'; check ANTHROPIC_API_KEY"
    )


def test_llamacpp_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "none.gguf"
    assert failure(f"llamacpp:{path}") == (
        f"no GGUF model file at {path}; give the path of a .gguf model file as "
        "llamacpp:/path/model.gguf (in --model or DISTILL_MODEL)."
    )


def test_llamacpp_file_that_is_not_gguf_says_so(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_text("<html>404 Not Found</html>")
    assert failure(f"llamacpp:{path}").startswith(
        f"{path} is not a GGUF model file (it does not start with GGUF); give the path"
    )


# `distill models`: each backend reports its own setting.


def rows(model: str = "builtin") -> dict[str, dict[str, str]]:
    return {s.model: s.row() for s in available_models(Settings(model=model))}


def test_models_unreachable_ollama_names_ollama_host(monkeypatch: pytest.MonkeyPatch) -> None:
    where = closed()
    monkeypatch.setenv("OLLAMA_HOST", where)
    row = rows()["ollama:*"]
    assert row["status"] == "Ollama unreachable (ConnectError)"
    assert row["detail"] == f"http://{where}: start it with `ollama serve` or set OLLAMA_HOST"


def test_models_lists_what_ollama_has(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> None:
    tags = {"models": [{"name": "qwen3:4b"}, {"name": "llama3.2:latest"}]}
    url = serve(200, tags, "/api/tags")
    monkeypatch.setenv("OLLAMA_HOST", url)
    found = rows()
    assert found["ollama:qwen3:4b"] == {
        "model": "ollama:qwen3:4b",
        "status": "reachable",
        "detail": url,
    }
    assert "ollama:llama3.2:latest" in found and "ollama:*" not in found


def test_models_rejected_openai_key_names_openai_api_key(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = serve(401, OPENAI_401, "/v1/models")
    monkeypatch.setenv("OPENAI_BASE_URL", f"{url}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
    row = rows()["openai:*"]
    assert row["status"] == "HTTP 401" and row["detail"] == f"{url}/v1: check OPENAI_API_KEY"


def test_models_unreachable_openai_names_openai_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    where = closed()
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://{where}/v1")
    row = rows()["openai:*"]
    assert row["status"].startswith("unreachable")
    assert row["detail"] == f"http://{where}/v1: start the server or fix OPENAI_BASE_URL"


def test_models_without_openai_settings_says_which_to_set() -> None:
    assert rows()["openai:*"] == {
        "model": "openai:*",
        "status": "not configured",
        "detail": "set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for a local server",
    }


def test_models_anthropic_without_key_names_anthropic_api_key() -> None:
    row = rows()["anthropic:*"]
    assert row["status"] == "no key"
    assert row["detail"] == "set ANTHROPIC_API_KEY (from console.anthropic.com)"


def test_models_rejected_anthropic_key_names_anthropic_api_key(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = {"type": "error", "error": {"type": "authentication_error", "message": "bad key"}}
    url = serve(401, error, "/v1/models")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-wrong")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
    row = rows()["anthropic:*"]
    assert row["status"] == "HTTP 401" and row["detail"] == f"{url}: check ANTHROPIC_API_KEY"


def test_models_lists_the_anthropic_models_of_the_key(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = {"data": [{"id": "claude-haiku-4-5", "type": "model"}], "has_more": False}
    url = serve(200, listing, "/v1/models")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
    assert rows()["anthropic:claude-haiku-4-5"]["status"] == "reachable"


def test_models_configured_gguf_path_is_checked(tmp_path: Path, gguf_path: Path) -> None:
    missing = tmp_path / "none.gguf"
    row = rows(f"llamacpp:{missing}")[f"llamacpp:{missing}"]
    assert row["status"] == "missing file"
    assert row["detail"] == f"DISTILL_MODEL: no GGUF model file at {missing}"
    ready = rows(f"llamacpp:{gguf_path}?threads=1")[f"llamacpp:{gguf_path}"]
    assert ready["status"] == "ready" and ready["detail"].endswith("MB GGUF file")
