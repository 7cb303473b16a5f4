"""Ask the library, highlights and search fixes through the REST API and the pages (parsed HTML)."""

from __future__ import annotations

import json
import re

from web_helpers import HOSTILE, make_transcript, parse

HONEY = [
    "Worker bees collect nectar from flowers all day long.",
    "Back in the hive they fan the nectar with their wings until it thickens into honey.",
    "Each finished cell is capped with wax to keep the honey safe.",
    "In winter the colony forms a cluster and shivers to stay warm.",
]
CARS = [
    "An electric car stores its energy in a large battery pack.",
    "Regenerative braking turns the motion back into charge when you slow down.",
    "Charging at home overnight is enough for most daily driving.",
]


def seed(app) -> None:  # type: ignore[no-untyped-def]
    service = app.state.distill.service
    for vid, title, lines in (
        ("bees0000001", "How bees make honey", HONEY),
        ("cars0000001", "Electric cars explained", CARS),
    ):
        service.library.save_transcript(make_transcript(vid, title, lines=lines))
        service.index(vid)


def test_ask_api_answers_with_the_documented_shape(client, app):
    seed(app)
    r = client.post("/api/v1/ask", json={"question": "How do bees turn nectar into honey?"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"answer", "citations", "found"} and body["found"]
    first = body["citations"][0]
    assert set(first) == {"video_id", "title", "start", "text"}
    assert (first["video_id"], first["title"]) == ("bees0000001", "How bees make honey")
    assert isinstance(first["start"], float)
    follow = client.post(
        "/api/v1/ask",
        json={
            "question": "And how do they stay warm?",
            "history": [{"question": "How do bees make honey?", "cited": ["bees0000001"]}],
        },
    ).json()
    assert follow["citations"][0]["video_id"] == "bees0000001"
    assert "cluster" in follow["answer"]
    nothing = client.post("/api/v1/ask", json={"question": "Who won the 1954 world cup?"}).json()
    assert not nothing["found"] and nothing["citations"] == []
    too_long = client.post("/api/v1/ask", json={"question": "why " * 2600})
    assert too_long.status_code == 422 and "question" in too_long.json()["error"]["message"]
    unknown = client.post("/api/v1/ask", json={"question": "bees?", "channel": "nope"})
    assert unknown.status_code == 404


def test_ask_page_conversation_without_script(client, app):
    seed(app)
    doc = parse(client.get("/ask").text)
    assert doc.by_id("library-ask").get("action") == "/ask"
    r = client.get("/ask", params={"q": "How do they stay warm?", "h": "How do bees make honey?"})
    doc = parse(r.text)
    turns = doc.by_id("conversation").find_all("li", class_="turn")
    assert [t.find("p", class_="turn-q").text for t in turns] == [
        "How do bees make honey?",
        "How do they stay warm?",
    ]
    cite = turns[-1].find("a", class_="cite-title")
    assert cite.get("href").startswith("/v/bees0000001?t=")
    # The next question carries the whole conversation.
    hidden = [i.get("value") for i in doc.by_id("library-ask").find_all("input", type="hidden")]
    assert hidden == ["How do bees make honey?", "How do they stay warm?"]
    huge = client.get("/ask", params={"q": "why " * 2600})
    assert huge.status_code == 400 and "keep it under 2,000" in huge.text


def test_ask_page_on_an_empty_library(client):
    doc = parse(client.get("/ask", params={"q": "anything?"}).text)
    assert "no videos yet" in doc.find("p", class_="answer-text").text


def test_highlights_rest_flow_with_conflicts(client, app):
    seed(app)
    r = client.post(
        "/api/v1/highlights",
        json={"video_id": "bees0000001", "start": 5.0, "note": "fanning!", "tags": ["Bio", "#x"]},
    )
    assert r.status_code == 201, r.text
    h = r.json()
    assert h["quote"] == HONEY[1] and h["tags"] == ["bio", "x"] and h["version"] == 1
    assert h["page"] == "/v/bees0000001?t=5"
    again = client.post("/api/v1/highlights", json={"video_id": "bees0000001", "start": 5.0})
    assert again.status_code == 409 and "already highlighted" in again.json()["error"]["message"]
    listed = client.get("/api/v1/highlights", params={"tag": "bio"}).json()
    assert [x["id"] for x in listed["items"]] == [h["id"]]
    assert client.get("/api/v1/highlights", params={"query": "fanning"}).json()["items"]
    assert client.get("/api/v1/highlights", params={"query": "fanning"}).json()["items"]
    assert client.get("/api/v1/highlights", params={"q": "fanning"}).json()["items"]  # the old name
    assert (
        client.get("/api/v1/highlights", params={"video_id": "cars0000001"}).json()["items"] == []
    )
    one = client.get(f"/api/v1/highlights/{h['id']}").json()
    assert one["note"] == "fanning!"
    ok = client.patch(f"/api/v1/highlights/{h['id']}", json={"version": 1, "note": "mine"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/api/v1/highlights/{h['id']}", json={"version": 1, "note": "theirs"})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["error"]["message"]
    assert client.get(f"/api/v1/highlights/{h['id']}").json()["note"] == "mine"
    no_version = client.patch(f"/api/v1/highlights/{h['id']}", json={"note": "x"})
    assert no_version.status_code == 422
    assert client.delete(f"/api/v1/highlights/{h['id']}").status_code == 204
    assert client.get(f"/api/v1/highlights/{h['id']}").status_code == 404


def test_bad_highlight_requests(client, app):
    seed(app)
    outside = client.post("/api/v1/highlights", json={"video_id": "bees0000001", "start": 999})
    assert outside.status_code == 400 and "outside the transcript" in outside.text
    gone = client.post("/api/v1/highlights", json={"video_id": "nope", "start": 1})
    assert gone.status_code == 404
    big = client.post(
        "/api/v1/highlights", json={"video_id": "bees0000001", "start": 1, "note": "x" * 10_001}
    )
    assert big.status_code == 422
    backwards = client.post(
        "/api/v1/highlights", json={"video_id": "bees0000001", "start": 10, "end": 2}
    )
    assert backwards.status_code == 400 and "before the start" in backwards.text
    elsewhere = client.post(
        "/api/v1/highlights",
        json={"video_id": "bees0000001", "start": 1},
        headers={"origin": "https://evil.example"},
    )
    assert elsewhere.status_code == 403


def test_hostile_notes_are_escaped_on_pages_markdown_and_json_ld(client, app):
    seed(app)
    note = "note " + HOSTILE + " </script><script>alert(9)</script> [x](javascript:alert(1))"
    r = client.post(
        "/api/v1/highlights",
        json={"video_id": "bees0000001", "start": 5.0, "note": note, "tags": ["evil"]},
    )
    assert r.status_code == 201
    video = client.get("/v/bees0000001").text
    doc = parse(video)
    for s in doc.find_all("script"):
        assert s.get("src", "").startswith("/static/") or s.get("type") == "application/ld+json"
    assert all(i.get("src", "").startswith("/thumb/") for i in doc.find_all("img"))  # ours only
    shown = doc.by_id("video-highlights").find("p", class_="highlight-note")
    assert shown.text == note
    ld = doc.find("script", type="application/ld+json")
    assert "</script" not in ld.text.lower()
    assert json.loads(ld.text)["comment"][0]["text"] == note
    page = parse(client.get("/highlights").text)
    assert page.find("p", class_="highlight-note").text == note
    assert all(i.get("src", "").startswith("/thumb/") for i in page.find_all("img"))
    md = client.get("/v/bees0000001/summary.md").text
    section = md.split("## Highlights", 1)[1]
    assert "alert(9)" in section  # the note is there, as inert text:
    written = section.split(" — ", 1)[1]
    assert not re.search(r"(?<!\\)[<>\[\]]", written), written
    assert "\\#evil" in section


def test_highlights_page_filters_by_tag_and_words(client, app):
    seed(app)
    service = app.state.distill.service
    service.add_highlight("bees0000001", 0.0, note="first note", tags=["bees"])
    service.add_highlight("cars0000001", 5.0, note="about batteries", tags=["cars"])
    app.state.distill.changed()
    doc = parse(client.get("/highlights").text)
    assert len(doc.find_all("li", class_="highlight-item")) == 2
    tags = [a.text.split()[0] for a in doc.find("ul", class_="tag-chips").find_all("a")]
    assert tags == ["All", "#bees", "#cars"]
    doc = parse(client.get("/highlights", params={"tag": "cars"}).text)
    items = doc.find_all("li", class_="highlight-item")
    assert len(items) == 1 and items[0].find("a").get("href") == "/v/cars0000001?t=5"
    doc = parse(client.get("/highlights", params={"q": "first"}).text)
    assert len(doc.find_all("li", class_="highlight-item")) == 1
    empty = parse(client.get("/highlights", params={"q": "zzqx"}).text)
    assert "No highlight matches" in empty.find("div", class_="empty").text


def test_video_page_lists_and_marks_highlights(client, app):
    seed(app)
    app.state.distill.service.add_highlight("bees0000001", 5.0, note="n", tags=["t"])
    doc = parse(client.get("/v/bees0000001").text)
    item = doc.by_id("video-highlights").find("li", class_="highlight-item")
    assert item.get("data-start") == "5.00" and item.get("data-version") == "1"
    assert item.find("blockquote").text == HONEY[1]
    assert doc.by_id("highlight-form") is not None
    srcs = [s.get("src") for s in doc.find_all("script") if s.get("src")]
    assert any(s.startswith("/static/highlights.js") for s in srcs)
    assert all(li.get("data-start") for li in doc.find("section", class_="insights").find_all("li"))


def test_search_page_pages_names_unmatched_words_and_finds_prefixes(client, library):
    lines = [f"topic {i}: eigenvalues of matrix number {i}" for i in range(40)]
    library.save_transcript(make_transcript("math0000001", "Eigen things", lines=lines))
    doc = parse(client.get("/search", params={"q": "eigen*"}).text)
    hits = doc.find_all("li", class_="hit")
    assert len(hits) == 30
    nxt = doc.find("a", rel="next")
    assert nxt is not None and "page=2" in nxt.get("href")
    doc2 = parse(client.get(nxt.get("href")).text)
    assert len(doc2.find_all("li", class_="hit")) == 10 and doc2.find("a", rel="prev")
    assert doc2.find("a", rel="next") is None
    titles = doc.find("div", class_="title-hits")
    assert titles is not None and "Eigen things" in titles.text
    banana = parse(client.get("/search", params={"q": "eigenvalues banana"}).text)
    assert "No match for" in banana.find("p", class_="unmatched").text
    assert banana.find("p", class_="unmatched").find("q").text == "banana"
    api = client.get("/api/v1/search", params={"q": "eigenvalues banana", "limit": 5}).json()
    assert api["unmatched"] == ["banana"] and len(api["hits"]) == 5 and api["has_more"]
    page2 = client.get("/api/v1/search", params={"q": "eigenvalues", "limit": 5, "offset": 5})
    assert page2.json()["offset"] == 5 and page2.json()["titles"] == []
