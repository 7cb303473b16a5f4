"""Model-string options: declared per backend, checked when the string is parsed, used in calls."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from distill.errors import LLMError
from distill.llm import BACKENDS, Message, backend_class, get_model, parse_model_string
from distill.llm.options import Options, describe
from tests.llm.helpers import N_CTX, VACCINES, Replay

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize(
    ("model", "sentence"),
    [
        (
            "openai:x?ctx=abc",
            "Option ctx='abc' in 'openai:x?ctx=abc' is not valid: ctx must be a whole number "
            "from 512 to 10000000 (the model's context window in tokens, when distill's guess "
            "is wrong), e.g. openai:x?ctx=8192.",
        ),
        (
            "openai:x?tempreature=0.2",
            "Unknown option 'tempreature' in 'openai:x?tempreature=0.2' (did you mean "
            "temperature?): openai models take ctx, json, temperature, base_url, "
            "e.g. openai:x?temperature=0.2.",
        ),
        (
            "anthropic:claude-haiku-4-5?temperature=0.2",
            "Unknown option 'temperature' in 'anthropic:claude-haiku-4-5?temperature=0.2': "
            "anthropic models take ctx, base_url, e.g. anthropic:claude-haiku-4-5?ctx=8192.",
        ),
        (
            "ollama:qwen3?base_url=http://gpu:11434/v1",
            "Unknown option 'base_url' in 'ollama:qwen3?base_url=http://gpu:11434/v1': ollama "
            "models take ctx, json, temperature, host, e.g. ollama:qwen3?ctx=8192.",
        ),
        (
            "openai:x?json=xml",
            "Option json='xml' in 'openai:x?json=xml' is not valid: json must be one of "
            "json_schema, json_object, text (the structured-output mode, instead of the best "
            "one the server accepts), e.g. openai:x?json=json_object.",
        ),
        (
            "openai:x?base_url=localhost:8080",
            "Option base_url='localhost:8080' in 'openai:x?base_url=localhost:8080' is not "
            "valid: base_url must be an http:// or https:// address (the server's API address, "
            "instead of the environment's), e.g. openai:x?base_url=http://localhost:8080/v1.",
        ),
        (
            "llamacpp:/m.gguf?threads=0",
            "Option threads='0' in 'llamacpp:/m.gguf?threads=0' is not valid: threads must be "
            "a whole number from 1 to 512 (CPU threads to generate with, by default the cores "
            "up to 4), e.g. llamacpp:/m.gguf?threads=2.",
        ),
        (
            "openai:x?temperature=3",
            "Option temperature='3' in 'openai:x?temperature=3' is not valid: temperature must "
            "be a number from 0 to 2 (sampling temperature of each call; retries after a bad "
            "reply may use more), e.g. openai:x?temperature=0.2.",
        ),
        (
            "openai:x?ctx",
            "Option 'ctx' in 'openai:x?ctx' is not key=value; write options as "
            "openai:x?ctx=8192&OPTION=VALUE (`distill models --options` lists them).",
        ),
        ("openai:x?ctx=4096&ctx=8192", "Option ctx is given twice in 'openai:x?ctx=4096&ctx=8192'"),
        ("olama:llama3.2", "Unknown model 'olama:llama3.2' (did you mean ollama:llama3.2?)"),
        ("openai:?ctx=4096", "Model string 'openai:?ctx=4096' names no model; write openai:NAME."),
    ],
)
def test_bad_options_are_one_sentence_naming_the_option(model: str, sentence: str) -> None:
    with pytest.raises(LLMError) as caught:
        parse_model_string(model)
    assert str(caught.value).startswith(sentence)


def test_good_options_are_parsed_typed_and_reach_the_backend(tmp_path: Path) -> None:
    model = "ollama:qwen3 ?host=127.0.0.1:9 & json=json_object&temperature=0.7&ctx=32768"
    assert parse_model_string(model) == (
        "ollama",
        "qwen3",
        {"host": "127.0.0.1:9", "json": "json_object", "temperature": "0.7", "ctx": "32768"},
    )
    llm = get_model(model)
    assert llm.context_window == 32768
    assert llm.options.model_dump(by_alias=True) == {
        "ctx": 32768,
        "json": "json_object",
        "temperature": 0.7,
        "host": "127.0.0.1:9",
    }
    assert get_model("ollama:qwen3?host=127.0.0.1:9").base_url == "http://127.0.0.1:9/v1"
    # The string is checked once the backend is built directly too.
    with pytest.raises(LLMError, match="Option ctx='abc'"):
        backend_class("openai")("gpt-4o", options={"ctx": "abc"})  # type: ignore[misc]


def test_temperature_and_json_options_are_sent_to_the_server(tmp_path: Path) -> None:
    reply = {
        "id": "c", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": '{"ok": true}'}}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }  # fmt: skip
    recording = tmp_path / "calls.json"
    ok = {"request": {"path": "/v1/chat/completions"}, "response": {"status": 200, "body": reply}}
    recording.write_text(json.dumps([ok, ok]))
    server = Replay(recording)
    try:
        llm = get_model(f"openai:m?base_url={server.url}/v1&temperature=0.7&json=json_object")
        llm.complete([Message("user", "hi")], schema={"type": "object"})
        llm.complete([Message("user", "hi")], schema={"type": "object"}, temperature=1.0)
    finally:
        server.close()
    first, second = (r["json"] for r in server.requests)
    assert first["temperature"] == 0.7 and second["temperature"] == 1.0
    assert first["response_format"]["type"] == "json_object"  # not json_schema first


def test_llamacpp_options_load_the_model_with_them(gguf_path: Path) -> None:
    llm = get_model(f"llamacpp:{gguf_path}?ctx={N_CTX}&threads=1&gpu_layers=0&temperature=0.1")
    loaded = llm.llama()  # type: ignore[attr-defined]
    assert loaded.n_ctx() == N_CTX and loaded.context_params.n_ctx == N_CTX
    assert loaded.model_params.n_gpu_layers == 0
    assert loaded.context_params.n_threads == 1


def test_a_bad_option_fails_a_dry_run_and_shows_in_distill_models(cli: Any, tmp_path: Path) -> None:
    srt = tmp_path / "vaccines.srt"
    srt.write_text(
        "\n".join(
            f"{i + 1}\n00:00:{i * 5:02d},000 --> 00:00:{i * 5 + 4:02d},500\n{text}\n"
            for i, text in enumerate(VACCINES)
        )
    )
    for model, option in [("openai:x?ctx=abc", "ctx"), ("openai:x?tempreature=0.2", "tempreature")]:
        result = cli("summarize", str(srt), "--model", model, "--dry-run")
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and option in lines[0]
    bad = cli("models", "--format", "json", env={"DISTILL_MODEL": "openai:x?ctx=abc"})
    rows = {r["model"]: r for r in json.loads(bad.stdout)}
    assert rows["openai:x?ctx=abc"]["status"] == "invalid"
    assert rows["openai:x?ctx=abc"]["detail"].startswith("DISTILL_MODEL: Option ctx='abc'")


def test_readme_lists_every_option_of_every_built_in_backend() -> None:
    text = README.read_text()
    table = {
        (m.group(1), m.group(2))
        for m in re.finditer(r"^\| `(\w+)` \| `(\w+)` \|", text, flags=re.MULTILINE)
    }
    for provider in BACKENDS:
        cls = backend_class(provider)
        assert cls is not None
        for row in describe(cls.Options):
            common = row["option"] in Options.model_fields and ("all", row["option"]) in table
            assert common or (provider, row["option"]) in table, f"README misses {row['option']}"
