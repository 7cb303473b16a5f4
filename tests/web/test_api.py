"""/api/v1 against a real SQLite library: listing, paging, summaries, transcripts, search, ask, errors."""

from __future__ import annotations

import pytest
from web_helpers import make_transcript


@pytest.fixture
def seeded(library):
    for i in range(5):
        library.save_transcript(make_transcript(f"bees000000{i}", f"Bees part {i}"))
    library.save_transcript(
        make_transcript("ants0000001", "Ant colonies", channel="Bugs", channel_id="UCbugs")
    )
    return library


def test_list_videos_pages_and_filters(client, seeded):
    r = client.get("/api/v1/videos", params={"limit": 2})
    body = r.json()
    assert r.status_code == 200 and body["total"] == 6 and len(body["items"]) == 2
    page2 = client.get("/api/v1/videos", params={"limit": 2, "offset": 2}).json()["items"]
    ids = {v["id"] for v in body["items"]} | {v["id"] for v in page2}
    assert len(ids) == 4
    bugs = client.get("/api/v1/videos", params={"channel_id": "UCbugs"}).json()
    assert bugs["total"] == 1 and bugs["items"][0]["id"] == "ants0000001"
    assert bugs["items"][0]["page"] == "/v/ants0000001"
    assert "path" not in bugs["items"][0]
    assert client.get("/api/v1/videos", params={"limit": 0}).status_code == 422


def test_get_and_delete_video(client, seeded):
    v = client.get("/api/v1/videos/ants0000001").json()
    assert v["title"] == "Ant colonies" and v["channel"] == "Bugs"
    assert client.delete("/api/v1/videos/ants0000001").status_code == 204
    missing = client.get("/api/v1/videos/ants0000001")
    assert missing.status_code == 404
    assert "ants0000001" in missing.json()["error"]["message"]
    assert client.get("/v/ants0000001").status_code == 404
    assert client.delete("/api/v1/videos/ants0000001").status_code == 404


def test_summary_made_and_language_filter(client, seeded):
    s = client.get("/api/v1/videos/bees0000001/summary").json()
    assert s["source"]["id"] == "bees0000001" and s["model"] == "builtin" and s["tldr"]
    assert all(i["start"] is not None for i in s["insights"])
    r = client.get("/api/v1/videos/bees0000001/summary", params={"lang": "de"})
    assert r.status_code == 404 and r.json()["error"]["message"]
    assert client.get("/api/v1/videos/nope/summary").status_code == 404


@pytest.mark.parametrize(
    ("fmt", "ctype", "marker"),
    [
        ("srt", "application/x-subrip", "00:00:05,000 --> 00:00:10,000"),
        ("vtt", "text/vtt", "WEBVTT"),
        ("txt", "text/plain", "Bees collect nectar"),
        ("json", "application/json", '"segments"'),
    ],
)
def test_transcript_formats(client, seeded, fmt, ctype, marker):
    r = client.get("/api/v1/videos/bees0000001/transcript", params={"format": fmt})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)
    assert marker in r.text


def test_transcript_unknown_format_is_a_json_422(client, seeded):
    r = client.get("/api/v1/videos/bees0000001/transcript", params={"format": "doc"})
    assert r.status_code == 422 and "format" in r.json()["error"]["message"]


def test_search_api(client, seeded):
    r = client.get("/api/v1/search", params={"q": "pollination", "channel_id": "UCtestchannel"})
    hits = r.json()["hits"]
    assert hits and all(h["video_id"].startswith("bees") for h in hits)
    t = [h for h in hits if h["kind"] == "transcript"][0]
    assert t["start"] == 45.0 and t["page"].endswith("?t=45")
    assert any(p["match"] and p["text"].lower() == "pollination" for p in t["parts"])
    assert "\x02" not in t["snippet"]
    assert client.get("/api/v1/search", params={"q": ""}).status_code == 422


def test_ask_cites_times(client, seeded):
    r = client.post(
        "/api/v1/videos/bees0000001/ask", json={"question": "How much honey does a hive produce?"}
    )
    body = r.json()
    assert r.status_code == 200 and body["answer"]
    starts = [c["start"] for c in body["citations"]]
    # Citations point at real moments of this transcript (one segment every 5 s).
    assert starts and all(s in {i * 5.0 for i in range(12)} for s in starts)
    assert client.post("/api/v1/videos/nope/ask", json={"question": "x"}).status_code == 404
    assert client.post("/api/v1/videos/bees0000001/ask", json={}).status_code == 422


def test_channels_api(client, seeded):
    chans = {c["id"]: c for c in client.get("/api/v1/channels").json()}
    assert chans["UCbugs"]["video_count"] == 1 and chans["UCtestchannel"]["video_count"] == 5
    assert client.get("/api/v1/channels/nope").status_code == 404


def test_openapi_lists_the_api(client):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/v1/videos",
        "/api/v1/videos/{video_id}",
        "/api/v1/videos/{video_id}/summary",
        "/api/v1/videos/{video_id}/transcript",
        "/api/v1/videos/{video_id}/ask",
        "/api/v1/jobs",
        "/api/v1/jobs/{job_id}",
        "/api/v1/search",
    } <= paths
    assert not any(p.startswith("/v/") for p in paths)
    assert client.get("/docs").status_code == 200
