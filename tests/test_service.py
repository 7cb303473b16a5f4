"""One service behind every face: the same request through the CLI, the API, a job and MCP
gives the same result, and the drift the faces once had is gone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from distill.domain import Segment, Transcript, VideoMeta
from distill.settings import get_settings
from tests.fake_openai import FakeOpenAI

TALK = [
    "Glaciers are rivers of ice that move slowly down mountain valleys.",
    "As they move, glaciers grind the rock beneath them into fine powder.",
    "This rock flour gives glacial lakes their milky turquoise colour.",
    "A glacier carves a U-shaped valley, unlike the V-shaped valleys of rivers.",
    "When glaciers retreat, they leave behind piles of rock called moraines.",
    "Scientists measure glacier retreat to track how the climate is warming.",
    "Most glaciers in the Alps have lost half of their ice since 1900.",
    "Meltwater from glaciers feeds rivers that millions of people depend on.",
]


def write_srt(path: Path, lines: list[str]) -> Path:
    cues = []
    for i, text in enumerate(lines):
        start, end = i * 5, i * 5 + 4
        cues.append(f"{i + 1}\n00:00:{start:02d},000 --> 00:00:{end:02d},000\n{text}\n")
    path.write_text("\n".join(cues), encoding="utf-8")
    return path


def stored_talk() -> Transcript:
    segments = [Segment(start=i * 5.0, end=i * 5.0 + 4, text=t) for i, t in enumerate(TALK)]
    meta = VideoMeta(
        kind="youtube",
        id="glacier0001",
        url="https://www.youtube.com/watch?v=glacier0001",
        title="How glaciers shape mountains",
        channel="Earth Talks",
        language="en",
    )
    return Transcript(meta=meta, language="en", origin="manual", segments=segments)


@pytest.fixture
def fake_model(distill_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """DISTILL_MODEL set to an OpenAI-compatible server that answers as a model would."""
    from distill.llm import clear_models

    server = FakeOpenAI()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("DISTILL_MODEL", server.model())
    get_settings.cache_clear()
    clear_models()
    yield server
    server.close()
    clear_models()
    get_settings.cache_clear()


def mcp_call(service: Any, tool: str, args: dict[str, Any]) -> Any:
    from mcp import Client

    from distill.mcp import build_server

    # The folder of a local source is shared with the server, as an MCP client's root would be.
    roots = [Path(args["source"]).parent] if tool == "summarize" else None

    async def run() -> Any:
        async with Client(build_server(service, roots=roots)) as client:
            return await client.call_tool(tool, args)

    return asyncio.run(run())


def mcp_data(result: Any) -> Any:
    assert not result.is_error, result.content
    data = result.structured_content
    if data is not None:
        return data.get("result", data) if set(data) == {"result"} else data
    return json.loads(result.content[0].text)


def test_lang_refusal_is_the_same_sentence_on_every_face(cli, distill_home: Path, tmp_path: Path):
    from distill.jobs import Worker
    from distill.library import Library
    from distill.service import Distill

    srt = write_srt(tmp_path / "glaciers.srt", TALK)
    by_cli = cli("summarize", str(srt), "--lang", "es")
    assert by_cli.returncode == 1
    sentence = by_cli.stderr.strip().removeprefix("error: ")
    assert "needs a model" in sentence

    library = Library()
    service = Distill(library)
    job = service.submit(str(srt), lang="es")
    Worker(service).run_pending()
    failed = library.get_job(job.id)
    assert failed.status == "failed" and failed.error == sentence
    assert library.list_videos() == []  # nothing half-stored

    by_mcp = mcp_call(service, "summarize", {"source": str(srt), "lang": "es"})
    assert by_mcp.is_error and by_mcp.content[0].text.endswith(": " + sentence)
    assert library.list_videos() == []
    library.close()


def test_every_face_summarizes_with_the_configured_model(
    cli, fake_model: FakeOpenAI, tmp_path: Path
):
    from distill.library import Library
    from distill.service import Distill

    srt = write_srt(tmp_path / "glaciers.srt", TALK)
    by_cli = cli("summarize", str(srt), "--format", "json")
    assert by_cli.returncode == 0, by_cli.stderr
    data = json.loads(by_cli.stdout)
    assert data["model"] == fake_model.model()
    asked = len(fake_model.requests)
    assert asked >= 1
    # The stand-in model writes nothing the transcript says: the page is the built-in summary,
    # and every face says so.
    assert data["tldr_provenance"] == "builtin"
    assert {i["provenance"] for i in data["insights"] + data["qa"]} == {"builtin"}
    assert (
        "Most of the model's summary could not be verified against the transcript; these "
        "sections are the built-in summary: TL;DR, Key insights, Questions & answers"
    ) in " ".join(by_cli.stderr.split())

    library = Library()
    by_mcp = mcp_data(mcp_call(Distill(library), "summarize", {"source": str(srt)}))
    assert by_mcp["model"] == fake_model.model()
    library.close()


def test_web_and_mcp_ask_use_the_configured_model(fake_model: FakeOpenAI):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.service import Distill
    from distill.web import create_app

    library = Library()
    library.save_transcript(stored_talk())
    question = "What colour are glacial lakes?"
    with TestClient(create_app(library, worker=False), base_url="http://127.0.0.1:8000") as c:
        by_api = c.post("/api/v1/videos/glacier0001/ask", json={"question": question}).json()
    sent = len(fake_model.requests)
    assert sent >= 1 and "Question: " + question in json.dumps(fake_model.requests[-1])
    by_mcp = mcp_data(
        mcp_call(Distill(library), "ask", {"video_id": "glacier0001", "question": question})
    )
    assert len(fake_model.requests) == sent  # the same question is never sent twice
    assert by_api["answer"] == by_mcp["answer"] and by_api["found"] is True
    assert by_api["citations"] == by_mcp["citations"]
    other = "What do moraines consist of?"
    mcp_data(mcp_call(Distill(library), "ask", {"video_id": "glacier0001", "question": other}))
    assert len(fake_model.requests) == sent + 1
    assert "Question: " + other in json.dumps(fake_model.requests[-1])
    library.close()


def test_a_translation_never_replaces_the_original(cli, fake_model: FakeOpenAI):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.service import Distill
    from distill.web import create_app

    library = Library()
    library.save_transcript(stored_talk())
    original = Distill(library).summarize("glacier0001", model="builtin").summary
    assert original.language == "en"

    spanish = cli("translate", "glacier0001", "--lang", "es", "--format", "json")
    assert spanish.returncode == 0, spanish.stderr
    assert json.loads(spanish.stdout)["tldr"].startswith("[Spanish] ")

    shown = cli("show", "glacier0001", "--format", "json")
    assert json.loads(shown.stdout)["summary"]["tldr"] == original.tldr
    with TestClient(create_app(library, worker=False), base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/v1/videos/glacier0001/summary").json()["tldr"] == original.tldr
        page = c.get("/v/glacier0001").text
        assert original.tldr in page
        # Translating into French from the page starts from the English original.
        r = c.post("/v/glacier0001/translate", data={"lang": "fr"}, follow_redirects=False)
        assert r.status_code == 303
        french = c.get("/api/v1/videos/glacier0001/summary", params={"lang": "fr"}).json()
    assert french["tldr"] == "[French] " + original.tldr
    assert french["translated_from"] == "en"
    mcp = mcp_data(mcp_call(Distill(library), "get_summary", {"video_id": "glacier0001"}))
    assert mcp["tldr"] == original.tldr
    library.close()


def test_out_dir_where_the_file_is_a_folder(cli, tmp_path: Path):
    srt = write_srt(tmp_path / "glaciers.srt", TALK)
    out = tmp_path / "out"
    (out / "glaciers.json").mkdir(parents=True)
    result = cli("summarize", str(srt), "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "is a folder" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["glaciers.json"]  # no temp file left


def test_a_bad_model_string_is_one_sentence_on_every_face(cli, tmp_path: Path):
    srt = write_srt(tmp_path / "glaciers.srt", TALK)
    result = cli("summarize", str(srt), "--model", "nosuch:thing")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Unknown model 'nosuch:thing'" in result.stderr
