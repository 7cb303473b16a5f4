"""One vocabulary: the parameter names of every CLI command, API route and MCP tool agree.

The test lists every name each face takes, then checks that no face spells a shared idea
differently (an old spelling may stay only as a deprecated alias next to the new one), and that
the faces doing the same thing take the same names and the same values.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

# Each idea has one name; the other spellings seen in the wild must not be used for it.
SYNONYMS: dict[str, set[str]] = {
    "lang": {"language", "to", "locale", "target_lang", "target_language", "lang_code"},
    "format": {"fmt", "output_format", "type", "as"},
    "model": {"llm", "model_name", "model_id"},
    "query": {"q", "search", "terms", "text"},
    "channel": {"channel_id", "channel_name"},
    "limit": {"max", "count", "n", "size", "per_page"},
    "url": {"link", "webpage_url"},
}
OTHER_SPELLINGS = {old: new for new, olds in SYNONYMS.items() for old in olds}

# The same operation on each face, and the names all of its faces must take.
OPERATIONS: dict[str, dict[str, Any]] = {
    "summarize": {
        "cli": "summarize",
        "api": ("post", "/api/v1/jobs"),
        "mcp": "summarize",
        "names": {"lang"},
    },
    "ask": {
        "cli": "ask",
        "api": ("post", "/api/v1/videos/{video_id}/ask"),
        "mcp": "ask",
        "names": {"question"},
    },
    "summary": {
        "cli": "show",
        "api": ("get", "/api/v1/videos/{video_id}/summary"),
        "mcp": "get_summary",
        "names": {"lang"},
    },
    "transcript": {
        "cli": "transcript",
        "api": ("get", "/api/v1/videos/{video_id}/transcript"),
        "mcp": "get_transcript",
        "names": {"lang"},
    },
    "list": {
        "cli": "list",
        "api": ("get", "/api/v1/videos"),
        "mcp": "list_videos",
        "names": {"channel", "limit"},
    },
    "search": {
        "cli": "search",
        "api": ("get", "/api/v1/search"),
        "mcp": "search",
        "names": {"query", "limit", "channel"},
    },
    "translate": {
        "cli": "translate",
        "api": ("post", "/api/v1/videos/{video_id}/translate"),
        "names": {"lang"},
    },
}


def cli_names() -> dict[str, dict[str, bool]]:
    """{command: {parameter name: deprecated}}; a second spelling of one option is an alias."""
    import typer.main

    from distill.cli import app

    group = typer.main.get_command(app)
    out: dict[str, dict[str, bool]] = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        names: dict[str, bool] = {}
        for param in command.params:
            assert param.name is not None
            longs = [o for o in param.opts if o.startswith("--")]
            if longs:  # the first long spelling is the option's name
                assert longs[0][2:].replace("-", "_") == param.name, (name, param.opts)
            names[param.name] = bool(getattr(param, "hidden", False))
        out[name] = names
    return out


def api_names(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, bool]]:
    """{(method, path): {name: deprecated}} for query parameters and body fields (not path ids)."""

    def schema_of(ref_or_schema: dict[str, Any]) -> dict[str, Any]:
        ref = ref_or_schema.get("$ref")
        if ref:
            return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
        return ref_or_schema

    out: dict[tuple[str, str], dict[str, bool]] = {}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            names: dict[str, bool] = {}
            for param in op.get("parameters", []):
                if param["in"] == "query":
                    names[param["name"]] = bool(param.get("deprecated"))
            for media in op.get("requestBody", {}).get("content", {}).values():
                body = schema_of(media.get("schema", {}))
                for field, prop in body.get("properties", {}).items():
                    names[field] = bool(prop.get("deprecated"))
            out[(method, path)] = names
    return out


def mcp_names(distill_home: Path) -> dict[str, dict[str, bool]]:
    from mcp import Client

    from distill.library import Library
    from distill.mcp import build_server
    from distill.service import Distill

    library = Library()

    async def run() -> dict[str, dict[str, bool]]:
        async with Client(build_server(Distill(library))) as client:
            tools = (await client.list_tools()).tools
        return {
            t.name: {
                name: bool(prop.get("deprecated"))
                for name, prop in t.input_schema.get("properties", {}).items()
            }
            for t in tools
        }

    try:
        return asyncio.run(run())
    finally:
        library.close()


@pytest.fixture
def faces(distill_home: Path) -> dict[str, Any]:
    from distill.library import Library
    from distill.web import create_app

    library = Library()
    spec = create_app(library, worker=False).openapi()
    library.close()
    return {"cli": cli_names(), "api": api_names(spec), "mcp": mcp_names(distill_home)}


def test_no_face_spells_a_shared_idea_differently(faces: dict[str, Any]):
    wrong = []
    for face, table in faces.items():
        for where, names in table.items():
            for name, deprecated in names.items():
                new = OTHER_SPELLINGS.get(name)
                if new is None:
                    continue
                if not deprecated:
                    wrong.append(f"{face} {where}: {name!r} should be {new!r}")
                elif new not in names:
                    wrong.append(f"{face} {where}: deprecated {name!r} has no {new!r} beside it")
    assert wrong == []


def test_the_same_operation_takes_the_same_names_on_every_face(faces: dict[str, Any]):
    missing = []
    for op, where in OPERATIONS.items():
        for face in ("cli", "api", "mcp"):
            if face not in where:
                continue
            names = faces[face][where[face]]
            current = {n for n, deprecated in names.items() if not deprecated}
            for name in where["names"] - current:
                missing.append(f"{op}: {face} {where[face]} has no {name!r}")
    assert missing == []


def test_transcript_formats_are_the_same_words_everywhere(distill_home: Path):
    import typer.main

    from distill.cli import app
    from distill.library import Library
    from distill.web import create_app

    group = typer.main.get_command(app)

    def choices(command: str) -> set[str]:
        param = next(p for p in group.commands[command].params if p.name == "format")  # type: ignore[attr-defined]
        return {m.value for m in param.type_descriptor.annotation}  # type: ignore[attr-defined]

    library = Library()
    spec = create_app(library, worker=False).openapi()
    library.close()
    op = spec["paths"]["/api/v1/videos/{video_id}/transcript"]["get"]
    param = next(p for p in op["parameters"] if p["name"] == "format")
    api = set(param["schema"]["enum"])
    wanted = {"text", "srt", "vtt", "json"}
    assert wanted <= choices("transcript") and wanted <= choices("transcribe") and wanted <= api
    assert {"text", "json", "markdown"} <= choices("show") and choices("show") == choices(
        "summarize"
    )


def test_new_names_work_and_old_ones_still_do(distill_home: Path):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.service import Distill
    from distill.web import create_app
    from tests.test_id_prefix_faces import caption_talk
    from tests.test_service import mcp_call, mcp_data

    library = Library()
    library.save_transcript(caption_talk("glacier-talk-0000abcd", "Glaciers"))
    with TestClient(create_app(library, worker=False), base_url="http://127.0.0.1:8000") as c:
        for params in ({"query": "moraines"}, {"q": "moraines"}):
            hits = c.get("/api/v1/search", params=params).json()["hits"]
            assert hits and hits[0]["video_id"] == "glacier-talk-0000abcd", params
        # A channel by its name, its id, a prefix of its id, or under its old parameter name.
        for params in (
            {"channel": "poetry corner"},
            {"channel": "poetry-corner"},
            {"channel": "poe"},
            {"channel_id": "poetry-corner"},
        ):
            assert c.get("/api/v1/videos", params=params).json()["total"] == 1, params
        assert c.get("/api/v1/videos", params={"channel": "nobody"}).json()["total"] == 0
        missing = c.get("/api/v1/search")
        assert missing.status_code == 422 and "query" in missing.json()["error"]["message"]
        text = c.get("/api/v1/videos/glacier/transcript", params={"format": "text"})
        old = c.get("/api/v1/videos/glacier/transcript", params={"format": "txt"})
        assert text.status_code == 200 and text.text == old.text
        assert text.headers["content-type"].startswith("text/plain")
    service = Distill(library)
    by_lang = mcp_data(mcp_call(service, "get_summary", {"video_id": "glacier", "lang": "en"}))
    by_old = mcp_data(mcp_call(service, "get_summary", {"video_id": "glacier", "language": "en"}))
    assert by_lang["tldr"] == by_old["tldr"]
    listed = mcp_data(mcp_call(service, "list_videos", {"channel": "Poetry Corner"}))
    assert [v["id"] for v in listed] == ["glacier-talk-0000abcd"]
    library.close()
