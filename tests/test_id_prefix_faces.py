"""A unique id prefix works on every face that takes an id: CLI, pages, REST API and MCP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from distill.domain import Segment, Transcript, VideoMeta
from tests.test_service import TALK, mcp_call, mcp_data

EULER = "eulers-formula-poem-9c0ffee1"
DET_A = "determinant-b2e4e426"
DET_B = "determinant-3fa01b22"


def caption_talk(video_id: str, title: str) -> Transcript:
    segments = [Segment(start=i * 5.0, end=i * 5.0 + 4, text=t) for i, t in enumerate(TALK)]
    meta = VideoMeta(
        kind="captions", id=video_id, title=title, channel="Poetry Corner", language="en"
    )
    return Transcript(meta=meta, language="en", origin="file", segments=segments)


@pytest.fixture
def library(distill_home: Path) -> Iterator[Any]:
    from distill.library import Library

    lib = Library()
    for vid, title in ((EULER, "Eulers formula poem"), (DET_A, "Determinant"), (DET_B, "Det 2")):
        lib.save_transcript(caption_talk(vid, title))
    yield lib
    lib.close()


def test_cli_commands_take_a_unique_prefix(cli, library):
    shown = cli("show", "eul", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["video"]["id"] == EULER
    transcript = cli("transcript", "eul", "--format", "json")
    assert json.loads(transcript.stdout)["meta"]["id"] == EULER
    summary = cli("summarize", "eul", "--format", "json")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["source"]["id"] == EULER
    asked = cli("ask", "determinant-b", "What colour are glacial lakes?", "--format", "json")
    assert asked.returncode == 0, asked.stderr
    shown = cli("show", "eul", "--format", "markdown")
    assert shown.returncode == 0 and "Eulers formula poem" in shown.stdout
    removed = cli("rm", "determinant-3")
    assert removed.returncode == 0 and f"removed {DET_B}" in removed.stdout
    assert not library.has_video(DET_B)


def test_cli_ambiguous_prefix_is_one_sentence_naming_the_ids(cli, library):
    for args in (("show", "det"), ("rm", "det"), ("transcript", "det"), ("summarize", "det")):
        result = cli(*args)
        assert result.returncode != 0, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert DET_A in lines[0] and DET_B in lines[0] and "matches 2 videos" in lines[0]
    assert library.has_video(DET_A) and library.has_video(DET_B)  # nothing deleted


def test_pages_redirect_a_prefix_to_the_full_id(library):
    from fastapi.testclient import TestClient

    from distill.web import create_app

    job = library.create_job("https://www.youtube.com/watch?v=AbCdEfGhIjK")
    with TestClient(create_app(library, worker=False), base_url="http://127.0.0.1:8000") as c:
        r = c.get("/v/eul", params={"t": "5"}, follow_redirects=False)
        assert r.status_code in (302, 307) and r.headers["location"] == f"/v/{EULER}?t=5"
        assert "Eulers formula poem" in c.get("/v/eul").text
        r = c.get("/v/eul/summary.md", follow_redirects=False)
        assert r.headers["location"] == f"/v/{EULER}/summary.md"
        r = c.get("/embed/eul", follow_redirects=False)
        assert r.headers["location"] == f"/embed/{EULER}"
        r = c.get("/c/poet", follow_redirects=False)
        assert r.headers["location"] == "/c/poetry-corner"
        r = c.get(f"/jobs/{job.id[:7]}", follow_redirects=False)
        assert r.headers["location"] == f"/jobs/{job.id}"
        ambiguous = c.get("/v/det")
        assert ambiguous.status_code == 400
        assert DET_A in ambiguous.text and DET_B in ambiguous.text


def test_api_routes_take_a_prefix(library):
    from fastapi.testclient import TestClient

    from distill.web import create_app

    job = library.create_job("https://www.youtube.com/watch?v=AbCdEfGhIjK")
    with TestClient(create_app(library, worker=False), base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/v1/videos/eul").json()["id"] == EULER
        assert c.get("/api/v1/videos/eul/summary").json()["source"]["id"] == EULER
        assert c.get("/api/v1/videos/eul/transcript").json()["meta"]["id"] == EULER
        asked = c.post("/api/v1/videos/eul/ask", json={"question": "What is rock flour?"})
        assert asked.status_code == 200, asked.text
        assert c.get("/api/v1/channels/poet").json()["id"] == "poetry-corner"
        assert c.get("/api/v1/videos", params={"channel_id": "poet"}).json()["total"] == 3
        assert c.get(f"/api/v1/jobs/{job.id[:6]}").json()["id"] == job.id
        ambiguous = c.get("/api/v1/videos/det")
        assert ambiguous.status_code == 400
        message = ambiguous.json()["error"]["message"]
        assert DET_A in message and DET_B in message
        assert c.delete("/api/v1/videos/determinant-3").status_code == 204
    assert not library.has_video(DET_B)


def test_mcp_tools_take_a_prefix(library):
    from distill.service import Distill

    service = Distill(library)
    assert mcp_data(mcp_call(service, "get_summary", {"video_id": "eul"}))["source"]["id"] == EULER
    segments = mcp_data(mcp_call(service, "get_transcript", {"video_id": "eul"}))
    assert segments and segments[0]["text"] == TALK[0]
    answer = mcp_data(
        mcp_call(service, "ask", {"video_id": "eul", "question": "What is rock flour?"})
    )
    assert answer["answer"]
    listed = mcp_data(mcp_call(service, "list_videos", {"channel_id": "poet"}))
    assert len(listed) == 3
    ambiguous = mcp_call(service, "get_summary", {"video_id": "det"})
    assert ambiguous.is_error and DET_A in ambiguous.content[0].text
