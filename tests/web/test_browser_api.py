"""/api/v1/browser: captions and pages sent by the extension, page highlights; the token, the
extension's origin and every size and format checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import parse

from distill.settings import get_settings
from tests.extension.pages import (
    ARTICLE,
    ARTICLE_TITLE,
    VIDEO_ID,
    article_html,
    captions_body,
)

TOKEN = "extension-test-token"
EXTENSION = "chrome-extension://mphgeibnmfiogbcmmoooambanmclenkm"
ARTICLE_URL = "https://bees.example.org/posts/why-bees-dance"
SENT = {"Origin": EXTENSION, "Authorization": f"Bearer {TOKEN}"}


def make_client(monkeypatch: pytest.MonkeyPatch, token: str | None) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    if token:
        monkeypatch.setenv("DISTILL_API_TOKEN", token)
    else:
        monkeypatch.delenv("DISTILL_API_TOKEN", raising=False)
    get_settings.cache_clear()
    library = Library()
    with TestClient(create_app(library, worker=False), base_url="http://127.0.0.1:8000") as c:
        yield c
    library.close()


@pytest.fixture
def api(distill_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # YouTube is the edge these routes must never reach: any call to it fails the test.
    import distill.sources.youtube as youtube

    def no_youtube(*_: object, **__: object) -> None:
        raise AssertionError("YouTube was contacted")

    monkeypatch.setattr(youtube, "fetch_caption_tracks", no_youtube)
    monkeypatch.setattr(youtube, "fetch_metadata", no_youtube)
    yield from make_client(monkeypatch, TOKEN)


def test_captions_from_the_extension_are_summarized_and_recorded_as_from_the_browser(api) -> None:
    r = api.post("/api/v1/browser/captions", json=captions_body(), headers=SENT)
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == EXTENSION
    out = r.json()
    assert (out["video_id"], out["page"], out["via"]) == (VIDEO_ID, f"/v/{VIDEO_ID}", "browser")
    summary = out["summary"]
    assert summary["tldr"]
    timed = [i["start"] for i in summary["insights"] if i["start"] is not None]
    assert timed and all(0 <= t <= 21 * 6 for t in timed)
    video = api.get(f"/api/v1/videos/{VIDEO_ID}").json()
    assert video["title"] == "How a honey bee colony works"
    assert api.get(f"/api/v1/videos/{VIDEO_ID}/transcript").json()["origin"] == "manual"
    app_state = api.app.state.distill
    assert app_state.library.get_video(VIDEO_ID).via == "browser"
    # Sent again: the stored summary comes back (the panel on a revisit), unless asked again.
    again = api.post("/api/v1/browser/captions", json=captions_body(), headers=SENT)
    assert again.json()["summary"] == summary
    redo = captions_body(again=True, generated=True)
    assert api.post("/api/v1/browser/captions", json=redo, headers=SENT).status_code == 200
    assert api.get(f"/api/v1/videos/{VIDEO_ID}/transcript").json()["origin"] == "auto"


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "chrome-extension://abcdefghijklmnopabcdefghijklmnop"]
)
def test_another_origin_is_refused_and_gets_no_cors_headers(api, origin: str) -> None:
    pre = api.options(
        "/api/v1/browser/captions",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    assert pre.status_code == 403
    assert "access-control-allow-origin" not in pre.headers
    headers = {"Origin": origin, "Authorization": f"Bearer {TOKEN}"}
    r = api.post("/api/v1/browser/captions", json=captions_body(), headers=headers)
    assert r.status_code == 403
    assert "access-control-allow-origin" not in r.headers
    assert "only the distill browser extension" in r.json()["error"]["message"]
    assert api.get(f"/api/v1/videos/{VIDEO_ID}").status_code == 404


def test_the_extensions_preflight_is_answered(api) -> None:
    pre = api.options(
        "/api/v1/browser/captions",
        headers={
            "Origin": EXTENSION,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == EXTENSION
    assert "authorization" in pre.headers["access-control-allow-headers"]
    # Other API routes keep refusing other sites: the extension's origin is no master key.
    other = api.post("/api/v1/highlights", json={"video_id": VIDEO_ID, "start": 1.0}, headers=SENT)
    assert other.status_code == 403


def test_the_token_is_required_and_named(api) -> None:
    for headers in ({"Origin": EXTENSION}, {"Origin": EXTENSION, "Authorization": "Bearer nope"}):
        r = api.get("/api/v1/browser/check", headers=headers)
        assert r.status_code == 401
        assert "DISTILL_API_TOKEN" in r.json()["error"]["message"]
        assert r.headers["access-control-allow-origin"] == EXTENSION  # so the options page reads it
    ok = api.get("/api/v1/browser/check", headers=SENT)
    assert ok.json() == {"ok": True, "videos": 0}


def test_a_server_without_a_token_refuses_the_extension(
    distill_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for client in make_client(monkeypatch, None):
        r = client.get("/api/v1/browser/check", headers={"Origin": EXTENSION})
        assert r.status_code == 401
        assert "has no API token" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"video_id": "../../etc/pa"}, "video_id"),
        ({"video_id": "short"}, "video_id"),
        ({"cues": []}, "cues"),
        ({"cues": [{"start": -1, "duration": 1, "text": "x"}]}, "start"),
        ({"cues": [{"start": 1, "duration": 1, "text": "x" * 5001}]}, "text"),
        ({"cues": [{"start": 0, "duration": 1, "text": "x" * 5000}] * 401}, "characters"),
        ({"lang": "en; drop table"}, "lang"),
        ({"title": ""}, "title"),
        ({"player": "extra fields are refused"}, "player"),
    ],
)
def test_captions_are_checked_as_untrusted_input(api, change: dict[str, Any], word: str) -> None:
    r = api.post("/api/v1/browser/captions", json=captions_body(**change), headers=SENT)
    assert r.status_code == 422, r.text
    message = r.json()["error"]["message"]
    assert message.startswith("Invalid request") and word in message


def test_captions_without_words_get_one_sentence(api) -> None:
    body = captions_body(cues=[{"start": 0, "duration": 2, "text": "[Music]"}])
    r = api.post("/api/v1/browser/captions", json=body, headers=SENT)
    assert r.status_code == 400
    assert "have no words" in r.json()["error"]["message"]


def test_a_page_is_saved_as_an_article_and_highlighted(api) -> None:
    body = {"url": ARTICLE_URL + "#comments", "title": ARTICLE_TITLE, "html": article_html()}
    r = api.post("/api/v1/browser/pages", json=body, headers=SENT)
    assert r.status_code == 201, r.text
    saved = r.json()
    doc = saved["video_id"]
    assert saved["via"] == "browser" and saved["summary"]["tldr"]
    detail = api.get(f"/api/v1/documents/{doc}").json()
    assert (detail["kind"], detail["title"], detail["url"]) == (
        "article",
        ARTICLE_TITLE,
        ARTICLE_URL,
    )

    quote = "waggle dance"
    mark = {
        "url": ARTICLE_URL,
        "quote": quote,
        "before": "Back in the hive she performs the",
        "after": "on the vertical comb",
        "note": "how they share a place",
        "tags": ["bees"],
    }
    made = api.post("/api/v1/browser/highlights", json=mark, headers=SENT)
    assert made.status_code == 201, made.text
    h = made.json()
    assert (h["start"], h["url"], h["paragraph"], h["video_id"]) == (None, ARTICLE_URL, 2, doc)
    assert api.post("/api/v1/browser/highlights", json=mark, headers=SENT).status_code == 409
    listed = api.get("/api/v1/browser/highlights", params={"url": ARTICLE_URL}, headers=SENT)
    assert [x["quote"] for x in listed.json()["items"]] == [quote]
    assert (
        api.get("/api/v1/highlights", params={"url": ARTICLE_URL}).json()["items"][0]["id"]
        == h["id"]
    )
    # The library's highlights page lists it, with a link back to the page it was made on.
    page = parse(api.get("/highlights").text)
    item = page.find_all("li", id=f"h{h['id']}")[0]
    assert ARTICLE_URL in [a.attrs.get("href") for a in item.find_all("a")]
    assert "how they share a place" in item.text
    # The document's own page lists it too, by paragraph, with the page it was made on.
    doc_page = parse(api.get(f"/v/{doc}").text)
    (listed_here,) = doc_page.find_all("ol", id="document-highlights")
    assert "waggle dance" in listed_here.text and "paragraph 2" in listed_here.text


def test_highlighting_an_unsaved_page_stores_it_first_or_says_to_save_it(api) -> None:
    mark = {"url": ARTICLE_URL, "quote": ARTICLE[4][:40]}
    missing = api.post("/api/v1/browser/highlights", json=mark, headers=SENT)
    assert missing.status_code == 404
    assert "save the page first" in missing.json()["error"]["message"]
    made = api.post(
        "/api/v1/browser/highlights", json={**mark, "html": article_html()}, headers=SENT
    )
    assert made.status_code == 201
    assert made.json()["paragraph"] == 5
    assert api.get(f"/api/v1/documents/{made.json()['video_id']}").json()["kind"] == "article"


def test_pages_and_highlights_are_checked(api, monkeypatch: pytest.MonkeyPatch) -> None:
    bad_url = api.post(
        "/api/v1/browser/pages",
        json={"url": "file:///etc/passwd", "html": "<p>x</p>"},
        headers=SENT,
    )
    assert bad_url.status_code == 422
    api.app.state.distill.max_page_bytes = 100
    big = api.post(
        "/api/v1/browser/pages", json={"url": ARTICLE_URL, "html": article_html()}, headers=SENT
    )
    assert big.status_code == 413
    assert "DISTILL_MAX_PAGE_MB" in big.json()["error"]["message"]
    empty = api.post(
        "/api/v1/browser/highlights", json={"url": ARTICLE_URL, "quote": "   "}, headers=SENT
    )
    assert empty.status_code == 400


def test_the_extensions_bodies_have_their_own_limits() -> None:
    from distill.web.security import SMALL_BODY_LIMIT, body_limit

    captions, _ = body_limit("/api/v1/browser/captions", "application/json", 1, 1)
    page, says = body_limit("/api/v1/browser/pages", "application/json", 1, 1, pages=20 << 20)
    marks, _ = body_limit("/api/v1/browser/highlights", "application/json", 1, 1, pages=1 << 20)
    assert captions == 16 << 20 and page > 40 << 20 and (1 << 20) < marks < page
    assert "DISTILL_MAX_PAGE_MB" in says
    assert body_limit("/api/v1/browser/check", "", 1, 1)[0] == SMALL_BODY_LIMIT


def test_a_captions_body_over_its_limit_is_refused_before_it_is_read(api) -> None:
    huge = b'{"video_id": "' + b"x" * (16 << 20) + b'"}'
    r = api.post(
        "/api/v1/browser/captions",
        content=huge,
        headers={**SENT, "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.headers["access-control-allow-origin"] == EXTENSION
    assert "one video's caption track" in r.json()["error"]["message"]


def test_a_highlights_offset_past_sqlites_integers_is_a_422(api) -> None:
    r = api.get("/api/v1/highlights", params={"offset": 2**63, "url": ARTICLE_URL})
    assert r.status_code == 422 and "offset" in r.json()["error"]["message"]
