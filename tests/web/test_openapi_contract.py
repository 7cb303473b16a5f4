"""The API's contract: /openapi.json is a valid OpenAPI document, and a client built from it
alone (no knowledge of this code) can call every operation and get the responses it declares."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import make_transcript

from distill.settings import get_settings

TOKEN = "contract-test-token"
SRT = b"1\n00:00:00,000 --> 00:00:04,000\nOctopuses have three hearts.\n"
# The media types the transcript's formats are served as (SubRip has no IANA registration;
# application/x-subrip is the type of the shared MIME database; WebVTT's text/vtt is registered).
TRANSCRIPT_TYPES = {"application/json", "application/x-subrip", "text/vtt", "text/plain"}


@pytest.fixture
def served(distill_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_API_TOKEN", TOKEN)
    get_settings.cache_clear()
    library = Library()
    library.save_transcript(
        make_transcript("bees0000001", "Bees", channel="Bugs", channel_id="UCbugs")
    )
    library.save_transcript(make_transcript("ants0000001", "Ants"))
    job = library.create_job("https://www.youtube.com/watch?v=bees0000001")
    library.update_job(job.id, status="failed", error="It failed.")
    entry = {"source": "https://example.org/feed.xml#episode=0123456789ab", "skipped": True}
    library.create_batch("https://example.org/feed.xml", "A feed", "feed", [entry])
    with TestClient(create_app(library, worker=False), base_url="http://127.0.0.1:8000") as c:
        yield c
    library.close()


class SchemaClient:
    """Calls operations knowing only the OpenAPI document: its paths, parameters, bodies,
    security and the responses it declares."""

    def __init__(self, http: Any, spec: dict[str, Any]) -> None:
        self.http = http
        self.spec = spec
        self.seen: set[tuple[str, str, str]] = set()

    def schema(self, node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        return (
            self.schema(self.spec["components"]["schemas"][ref.rsplit("/", 1)[1]]) if ref else node
        )

    def example(self, name: str, node: dict[str, Any]) -> Any:
        """A value for a parameter or field, from the document alone."""
        node = self.schema(node)
        for option in node.get("anyOf", []):
            if option.get("type") != "null":
                return self.example(name, option)
        if node.get("examples"):
            return node["examples"][0]
        if "example" in node:
            return node["example"]
        if node.get("enum"):
            return node["enum"][0]
        if node.get("default") is not None:
            return node["default"]
        kind = node.get("type")
        if kind == "integer":
            return max(1, int(node.get("minimum", 1)))
        if kind == "object":
            return self.body(node)
        if node.get("pattern"):
            # Language codes are the only patterned strings of this API.
            assert re.match(node["pattern"], "en"), (name, node["pattern"])
            return "en"
        return "bees"

    def body(self, node: dict[str, Any]) -> dict[str, Any]:
        node = self.schema(node)
        return {
            field: self.example(field, prop)
            for field, prop in node.get("properties", {}).items()
            if field in node.get("required", [])
        }

    def call(
        self,
        method: str,
        path: str,
        ids: dict[str, str],
        *,
        token: bool = True,
        query: dict[str, Any] | None = None,
    ) -> Any:
        op = self.spec["paths"][path][method]
        url = path.format(**{p: ids[p] for p in re.findall(r"{(\w+)}", path)})
        params = dict(query or {})
        for p in op.get("parameters", []):
            if p["in"] == "query" and p.get("required") and p["name"] not in params:
                params[p["name"]] = self.example(p["name"], p["schema"])
        headers = {}
        if token and op.get("security"):
            (scheme_name,) = op["security"][0]
            scheme = self.spec["components"]["securitySchemes"][scheme_name]
            assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
            headers["Authorization"] = f"Bearer {TOKEN}"
        kwargs: dict[str, Any] = {"params": params, "headers": headers}
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            kwargs["json"] = self.body(content["application/json"]["schema"])
        elif "multipart/form-data" in content:
            form = self.schema(content["multipart/form-data"]["schema"])
            files = {}
            for field, prop in form["properties"].items():
                if prop.get("format") == "binary":
                    files[field] = ("talk.srt", SRT, "application/x-subrip")
            kwargs["files"] = files
        response = self.http.request(method.upper(), url, **kwargs)
        self.check(method, path, response)
        return response

    def check(self, method: str, path: str, response: Any) -> None:
        """The response's status and media type are declared, and its body fits the schema."""
        from jsonschema import Draft202012Validator

        declared = self.spec["paths"][path][method]["responses"]
        status = str(response.status_code)
        assert status in declared, f"{method} {path} answered {status}, not declared"
        content = declared[status].get("content")
        if response.status_code == 204:
            assert not content and not response.content
            self.seen.add((method, path, status))
            return
        media = response.headers["content-type"].split(";")[0].strip()
        assert content and media in content, f"{method} {path} {status}: {media} not declared"
        schema = content[media].get("schema")
        assert schema, f"{method} {path} {status} {media} has no schema"
        if media == "application/json":
            document = {**schema, "components": self.spec["components"]}
            Draft202012Validator(document).validate(response.json())
        else:
            assert schema.get("type") == "string"
        self.seen.add((method, path, status))


def test_the_document_is_valid_openapi(served):
    from openapi_spec_validator import validate

    spec = served.get("/openapi.json").json()
    validate(spec)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_changing_routes_declare_the_token_and_reading_routes_do_not(served):
    spec = served.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            changes = method in ("post", "delete", "put", "patch") and not path.endswith("/ask")
            # What the browser extension calls always needs the token, reading included.
            changes = changes or path.startswith("/api/v1/browser/")
            assert bool(op.get("security")) == changes, (method, path)
            if changes:
                assert op["security"] == [{"bearerAuth": []}]
                assert {"401", "403"} <= set(op["responses"]), (method, path)


def test_the_transcript_declares_each_format(served):
    spec = served.get("/openapi.json").json()
    ok = spec["paths"]["/api/v1/videos/{video_id}/transcript"]["get"]["responses"]["200"]
    assert set(ok["content"]) == TRANSCRIPT_TYPES
    assert ok["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TranscriptOut"
    }
    client = SchemaClient(served, spec)
    path = "/api/v1/videos/{video_id}/transcript"
    params = next(p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "format")
    types = set()
    for fmt in params["schema"]["enum"]:
        r = client.call("get", path, {"video_id": "bees0000001"}, query={"format": fmt})
        assert r.status_code == 200
        types.add(r.headers["content-type"].split(";")[0])
    assert types == TRANSCRIPT_TYPES


def test_every_response_has_a_schema(served):
    spec = served.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                if status == "204":
                    continue
                assert response.get("content"), (method, path, status)
                for media, body in response["content"].items():
                    assert body.get("schema"), (method, path, status, media)


def test_a_client_from_the_document_alone_calls_every_operation(served):
    spec = json.loads(served.get("/openapi.json").text)
    client = SchemaClient(served, spec)
    # Ids come from the list operations, as a generated client would find them.
    videos = client.call("get", "/api/v1/videos", {}).json()["items"]
    channels = client.call("get", "/api/v1/channels", {}).json()
    jobs = client.call("get", "/api/v1/jobs", {}).json()
    marked = served.app.state.distill.service.add_highlight("bees0000001", 0.0, note="first")
    batches = client.call("get", "/api/v1/batches", {}).json()
    ids = {
        "video_id": videos[-1]["id"],
        "channel_id": channels[0]["id"],
        "job_id": jobs[0]["id"],
        "highlight_id": str(marked.id),
        "batch_id": batches[0]["id"],
    }
    operations = [(m, p) for p, ops in spec["paths"].items() for m in ops]
    # Deleting last, so every other operation finds the video.
    for method, path in sorted(operations, key=lambda op: op[0] == "delete"):
        client.call(method, path, ids)
        if spec["paths"][path][method].get("security"):
            refused = client.call(method, path, ids, token=False)
            assert refused.status_code == 401
    # Errors fit their declared schema too.
    client.call("get", "/api/v1/videos/{video_id}", {"video_id": "nope"})
    client.call("get", "/api/v1/videos", {}, query={"limit": 0})
    client.call("get", "/api/v1/videos/{video_id}/summary", ids, query={"lang": "not a code"})
    assert {status for _, _, status in client.seen} >= {
        "200",
        "202",
        "204",
        "400",
        "401",
        "404",
        "422",
    }
    assert {(m, p) for m, p, _ in client.seen} == set(operations)
