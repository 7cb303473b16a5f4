"""Third-party backends found through the `distill.llm_backends` entry-point group.

The plugin is installed the way pip installs one: a `*.dist-info` folder with `entry_points.txt`
on a `sys.path` entry, which is where importlib.metadata looks for distributions.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from distill.errors import LLMError
from distill.llm import (
    ENTRY_POINT_GROUP,
    Message,
    get_model,
    parse_model_string,
    providers,
)
from distill.llm.discovery import available_models
from distill.llm.openai import OpenAIModel
from tests.llm.helpers import VACCINES
from tests.llm.plugin_backend import RelayModel

ROOT = Path(__file__).resolve().parents[2]


def install(site: Path, dist: str, entries: dict[str, str]) -> None:
    """Write the metadata pip would leave for a package declaring these backends."""
    info = site / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entries.items())
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{lines}")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A site-packages folder on sys.path holding the relay plugin."""
    folder = tmp_path / "site-packages"
    install(
        folder,
        "distill-relay",
        {
            "relay": "tests.llm.plugin_backend:RelayModel",
            "echo": "tests.llm.plugin_backend:EchoModel",
        },
    )
    monkeypatch.syspath_prepend(str(folder))
    yield folder


def test_a_plugin_backend_is_found_and_answers_through_the_real_server(
    site: Path, llama_server: str
) -> None:
    assert "relay" in providers()
    model = f"relay:smollm2?url={llama_server}&stop=."
    assert parse_model_string(model) == ("relay", "smollm2", {"url": llama_server, "stop": "."})
    llm = get_model(model)
    assert type(llm) is RelayModel and llm.model_id == "relay:smollm2"
    reply = llm.complete([Message("user", "Name one colour.")], max_tokens=12)
    assert reply.text.strip() and reply.completion_tokens > 0
    assert llm.stats.calls == 1
    # The plugin's own options are checked like the built-in backends' ones.
    with pytest.raises(LLMError, match=r"relay models take ctx, url, stop, e\.g\. relay:"):
        parse_model_string(f"relay:smollm2?url={llama_server}&temp=1")
    with pytest.raises(LLMError, match="needs the option url .the server's /v1 address"):
        parse_model_string("relay:smollm2")


def test_a_plugin_without_discover_is_listed_and_used(site: Path) -> None:
    rows = {s.model: s for s in available_models()}
    assert rows["echo:NAME"].status == "installed"
    assert rows["echo:NAME"].detail == "Answers with the last message it was sent; needs no server."
    llm = get_model("echo:parrot?ctx=1024")
    assert llm.context_window == 1024
    assert llm.complete([Message("user", "polly")]).text == "polly"


def test_distill_models_and_dry_run_use_the_installed_plugin(
    site: Path, llama_server: str, cli: Any, tmp_path: Path
) -> None:
    env = {"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "RELAY_URL": llama_server}
    listed = cli("models", "--format", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = {r["model"]: r for r in json.loads(listed.stdout)}
    assert rows[f"relay:smollm2?url={llama_server}"]["status"] == "reachable"
    assert rows["builtin"]["status"] == "ready"  # the built-in backends are still asked
    assert "openai:*" in rows and "llamacpp:/path/model.gguf" in rows

    options = cli("models", "--options", "--format", "json", env=env)
    relay = [r for r in json.loads(options.stdout) if r["provider"] == "relay"]
    assert [r["option"] for r in relay] == ["ctx", "url", "stop"]
    assert relay[1]["help"] == "the server's /v1 address"

    srt = tmp_path / "vaccines.srt"
    srt.write_text(
        "\n".join(
            f"{i + 1}\n00:00:{i * 5:02d},000 --> 00:00:{i * 5 + 4:02d},500\n{text}\n"
            for i, text in enumerate(VACCINES)
        )
    )
    model = f"relay:smollm2?url={llama_server}&ctx=2048"
    plan = cli("summarize", str(srt), "--model", model, "--dry-run", env=env)
    assert plan.returncode == 0, plan.stderr
    assert "model: relay:smollm2" in plan.stdout and "context 2048 tokens" in plan.stdout
    assert "calls: 1" in plan.stdout


def test_broken_plugins_are_one_clear_sentence_and_do_not_hide_the_others(
    site: Path, llama_server: str
) -> None:
    install(
        site,
        "broken-plugins",
        {
            "missing": "tests.llm.no_such_module:Model",
            "notmodel": "tests.llm.plugin_backend:NotAModel",
            "alias": "tests.llm.plugin_backend:RelayModel",
            "openai": "tests.llm.plugin_backend:RelayModel",
        },
    )
    with pytest.raises(
        LLMError,
        match=r"The 'missing' model backend tests.llm.no_such_module:Model \(from broken-plugins\) "
        r"could not be loaded \(ModuleNotFoundError: .*\); reinstall or remove broken-plugins\.",
    ):
        parse_model_string("missing:x")
    with pytest.raises(LLMError, match="is not a distill.llm.Model subclass"):
        parse_model_string("notmodel:x")
    with pytest.raises(LLMError, match="registered as 'alias' but says provider = 'relay'"):
        parse_model_string(f"alias:x?url={llama_server}")
    # A plugin cannot take over a built-in provider's name.
    assert type(get_model("openai:x?base_url=http://127.0.0.1:9/v1")) is OpenAIModel

    rows = {s.model: s for s in available_models()}
    assert rows["missing:*"].status == "broken"
    assert "reinstall or remove broken-plugins" in rows["missing:*"].detail
    assert rows["notmodel:*"].status == "broken" and rows["alias:*"].status == "broken"
    assert rows["relay:*"].detail == "set RELAY_URL"  # the working plugin is still asked
    assert rows["builtin"].status == "ready"
