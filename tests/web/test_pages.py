"""The HTML pages, parsed as HTML, against a real SQLite library."""

from __future__ import annotations

import json

from web_helpers import BEES_DEFINING, HOSTILE, HOSTILE_URL, make_transcript, parse

from distill.domain import QA, Insight, SourceRef, Summary, Takeaway


def seed(library, video_id="bees0000001", title="How bees make honey", **kw):
    t = make_transcript(video_id, title, **kw)
    library.save_transcript(t)
    return t


def test_video_page_sections_in_order_with_time_links(client, library):
    seed(library, lines=BEES_DEFINING)
    r = client.get("/v/bees0000001")
    assert r.status_code == 200
    doc = parse(r.text)
    assert doc.find("h1").text == "How bees make honey"
    headings = [h.text for h in doc.find("article").find_all("h2")]
    order = [
        "TL;DR",
        "Key Insights",
        "Questions & Answers",
        "Summary & Key Takeaways",
        "Chapters",
        "Transcript",
    ]
    positions = [headings.index(h) for h in order]
    assert positions == sorted(positions), headings
    # The player comes before the TL;DR, and it is YouTube's for a YouTube video.
    iframe = doc.by_id("player")
    assert iframe.tag == "iframe" and "youtube-nocookie.com/embed/bees0000001" in iframe.get("src")
    # The channel links to its page; views and the date are shown.
    meta = doc.find("p", class_="video-meta")
    assert meta.find("a", class_="channel").get("href") == "/c/UCtestchannel"
    assert "12,345 views" in meta.text and "2024-05-01" in meta.text
    # Every insight has a clickable time that points into this page at that moment.
    insights = doc.find("section", class_="insights").find_all("li")
    assert insights
    for li in insights:
        link = li.find("a", class_="ts")
        t = float(link.get("data-t"))
        assert link.get("href") == f"/v/bees0000001?t={int(t)}"
        assert li.find("span", class_="emoji").text.strip()
    # Transcript segments carry their start times for highlighting.
    segs = doc.find_all("span", class_="seg")
    assert len(segs) == 12
    assert [float(s.get("data-start")) for s in segs] == [i * 5.0 for i in range(12)]


def test_video_page_summary_made_once_and_stored(client, library):
    seed(library)
    assert library.get_summary("bees0000001") is None
    client.get("/v/bees0000001")
    stored = library.get_summary("bees0000001")
    assert stored is not None and stored.model == "builtin" and stored.tldr


def test_video_page_meta_tags_and_jsonld(client, library):
    seed(library)
    doc = parse(client.get("/v/bees0000001").text)
    metas = {m.get("property") or m.get("name"): m.get("content") for m in doc.find_all("meta")}
    assert metas["og:title"] == "How bees make honey"
    assert metas["og:url"].endswith("/v/bees0000001")
    assert metas["twitter:card"].startswith("summary")
    assert metas["og:description"]
    ld = json.loads(doc.find("script", type="application/ld+json").text)
    assert ld["@type"] == "VideoObject" and ld["name"] == "How bees make honey"
    assert ld["duration"] == "PT1M0S" and ld["uploadDate"] == "2024-05-01"


def test_hostile_text_is_escaped_everywhere(client, library):
    t = make_transcript(
        "evil0000001",
        "Title " + HOSTILE,
        channel="Chan " + HOSTILE,
        lines=["Plain words " + HOSTILE, "More words about honey " + HOSTILE, "Bees " + HOSTILE],
        url=HOSTILE_URL,
    )
    library.save_transcript(t)
    library.save_summary(
        "evil0000001",
        Summary(
            source=SourceRef.of(t.meta),
            tldr="TLDR " + HOSTILE,
            insights=[Insight(emoji="<b>", text="Insight " + HOSTILE, start=0.0)],
            qa=[QA(question="Q " + HOSTILE, answer="A " + HOSTILE, start=5.0)],
            takeaways=[Takeaway(text="T " + HOSTILE, start=5.0)],
        ),
    )
    for url in ["/v/evil0000001", "/embed/evil0000001", "/search?q=honey", "/", "/c/UCtestchannel"]:
        r = client.get(url)
        assert r.status_code == 200, url
        doc = parse(r.text)
        scripts = doc.find_all("script")
        # Only our own script files and the JSON-LD data block: no injected script ran into the page.
        for s in scripts:
            assert (
                s.get("src", "").startswith("/static/") or s.get("type") == "application/ld+json"
            ), url
            assert "alert" not in (s.get("src") or "")
        assert not [n for n in doc.iter() if "onerror" in n.attrs], url
        # Only our own thumbnails: no injected image.
        assert all(i.get("src", "").startswith("/thumb/") for i in doc.find_all("img")), url
        for a in doc.find_all("a"):
            assert not (a.get("href") or "").lower().startswith("javascript:"), url
        assert "<script>alert(1)</script>" in doc.find("body").text, url
    ld = parse(client.get("/v/evil0000001").text).find("script", type="application/ld+json")
    assert "</script" not in ld.text and json.loads(ld.text)["name"].startswith("Title <script>")


def test_sections_the_builtin_summary_stood_in_for_are_marked(client, library):
    t = make_transcript("mixed000001", "Bees", lines=["Bees dance.", "Bees make honey."])
    library.save_transcript(t)
    library.save_summary(
        "mixed000001",
        Summary(
            source=SourceRef.of(t.meta),
            model="openai:gpt-4o-mini",
            tldr="Bees dance and make honey.",
            tldr_provenance="model",
            insights=[Insight(emoji="🐝", text="Bees dance.", start=0.0, provenance="model")],
            qa=[QA(question="What?", answer="Honey.", start=5.0, provenance="builtin")],
            takeaways=[Takeaway(text="Honey.", start=5.0, provenance="model-repaired")],
        ),
    )
    r = client.get("/v/mixed000001")
    doc = parse(r.text)
    note = doc.find("p", class_="provenance-note")
    assert note is not None and note.text == (
        "Part of the model's summary could not be verified against the transcript; these "
        "sections are the built-in summary: Questions & answers."
    )
    marked = [
        s.get("class") for s in doc.find_all("section") if s.find("small", class_="provenance")
    ]
    assert marked == ["qa"]
    assert doc.find("details", class_="qa-item").get("data-provenance") == "builtin"
    assert [
        li.get("data-provenance") for li in doc.find_all("li") if li.get("data-provenance")
    ] == [
        "model",
        "model-repaired",
    ]
    markdown = client.get("/v/mixed000001/summary.md").text
    assert "*Part of the model's summary could not be verified" in markdown
    # A built-in summary, and any summary whose items all verified, carries no marker.
    seed(library)
    plain = parse(client.get("/v/bees0000001").text)
    assert plain.find("p", class_="provenance-note") is None
    assert plain.find("small", class_="provenance") is None


def test_csp_and_security_headers(client, library):
    seed(library)
    r = client.get("/v/bees0000001")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert (
        "frame-ancestors *" in client.get("/embed/bees0000001").headers["content-security-policy"]
    )


def test_unknown_ids_give_real_404_pages(client, library):
    for url in ["/v/nope", "/c/nope", "/embed/nope", "/jobs/nope", "/media/nope", "/no/such/page"]:
        r = client.get(url)
        assert r.status_code == 404, url
        assert r.headers["content-type"].startswith("text/html")
        assert parse(r.text).find("h1").text == "Not found"


def test_home_lists_recent_and_channels(client, library):
    seed(library, "bees0000001", "How bees make honey")
    seed(library, "ants0000001", "Ant colonies", channel="Bugs", channel_id="UCbugs")
    doc = parse(client.get("/").text)
    form = doc.by_id("submit-form")
    assert form.get("method") == "post" and form.get("enctype") == "multipart/form-data"
    assert doc.by_id("url") is not None and doc.by_id("file").get("type") == "file"
    titles = {a.text.strip() for a in doc.find_all("span", class_="card-title")}
    assert {"How bees make honey", "Ant colonies"} <= titles
    chips = {a.get("href") for a in doc.find_all("a") if (a.get("href") or "").startswith("/c/")}
    assert {"/c/UCtestchannel", "/c/UCbugs"} <= chips


def test_channel_page_lists_its_videos_only(client, library):
    seed(library, "bees0000001", "How bees make honey")
    seed(library, "bees0000002", "Bee dances")
    seed(library, "ants0000001", "Ant colonies", channel="Bugs", channel_id="UCbugs")
    doc = parse(client.get("/c/UCtestchannel").text)
    assert doc.find("h1").text == "Test Channel"
    links = {a.get("href") for a in doc.find_all("a", class_="card-link")}
    assert links == {"/v/bees0000001", "/v/bees0000002"}
    # The video page offers the channel's other videos.
    more = parse(client.get("/v/bees0000001").text).find("section", class_="more")
    assert {a.get("href") for a in more.find_all("a", class_="card-link")} == {"/v/bees0000002"}


def test_search_page_shows_hits_with_times_and_highlights(client, library):
    seed(library)
    doc = parse(client.get("/search", params={"q": "pollination"}).text)
    hits = doc.find_all("li", class_="hit")
    assert hits
    transcript_hits = [h for h in hits if "transcript" in h.find("span", class_="hit-meta").text]
    assert transcript_hits
    hit = transcript_hits[0]
    assert hit.find("a", class_="hit-title").get("href") == "/v/bees0000001?t=45"
    assert [m.text.lower() for m in hit.find_all("mark")] == ["pollination"]


def test_embed_card_has_tldr_insights_and_link(client, library):
    seed(library)
    doc = parse(client.get("/embed/bees0000001").text)
    assert doc.find("p", class_="tldr-text").text.startswith("TL;DR")
    assert doc.find("ul", class_="insight-list").find_all("li")
    assert any(a.get("href", "").endswith("/v/bees0000001") for a in doc.find_all("a"))


def test_markdown_and_json_downloads(client, library):
    seed(library)
    md = client.get("/v/bees0000001/summary.md")
    assert md.status_code == 200 and "attachment" in md.headers["content-disposition"]
    assert md.text.startswith("# How bees make honey") and "## TL;DR" in md.text
    js = client.get("/v/bees0000001/summary.json")
    data = js.json()
    assert data["source"]["id"] == "bees0000001" and data["tldr"]


def test_languages_listed_and_selected(client, library):
    t = seed(library)
    client.get("/v/bees0000001")
    library.save_summary(
        "bees0000001",
        Summary(source=SourceRef.of(t.meta), language="es", tldr="Las abejas hacen miel."),
    )
    doc = parse(client.get("/v/bees0000001", params={"lang": "es"}).text)
    assert doc.find("section", class_="tldr").find("p").text == "Las abejas hacen miel."
    nav = doc.find("nav", class_="languages")
    links = {a.get("href"): a for a in nav.find_all("a")}
    assert set(links) == {"/v/bees0000001?lang=en", "/v/bees0000001?lang=es"}
    assert links["/v/bees0000001?lang=es"].get("aria-current") == "true"
    assert client.get("/v/bees0000001", params={"lang": "<x>"}).status_code == 400


def test_cached_page_is_the_same_page_and_forgotten_on_delete(client, library):
    seed(library)
    first = client.get("/v/bees0000001")
    again = client.get("/v/bees0000001", params={"t": "30"})
    assert again.status_code == 200 and again.content == first.content
    assert "script-src 'self'" in again.headers["content-security-policy"]
    assert again.headers["content-type"] == "text/html; charset=utf-8"
    assert client.delete("/api/v1/videos/bees0000001").status_code == 204
    assert client.get("/v/bees0000001").status_code == 404


def test_cached_search_and_channel_pages_follow_changes(client, library):
    seed(library, "bees0000001", "How bees make honey")
    seed(library, "bees0000002", "Bee dances")
    hits = parse(client.get("/search", params={"q": "pollination"}).text).find_all(
        "li", class_="hit"
    )
    assert {h.find("a", class_="hit-title").get("href").split("?")[0] for h in hits} == {
        "/v/bees0000001",
        "/v/bees0000002",
    }
    assert len(parse(client.get("/c/UCtestchannel").text).find_all("li", class_="card")) == 2
    api = client.get("/api/v1/search", params={"q": "pollination"}).json()["hits"]
    assert {h["video_id"] for h in api} == {"bees0000001", "bees0000002"}
    assert client.delete("/api/v1/videos/bees0000002").status_code == 204
    api = client.get("/api/v1/search", params={"q": "pollination"}).json()["hits"]
    assert {h["video_id"] for h in api} == {"bees0000001"}
    hits = parse(client.get("/search", params={"q": "pollination"}).text).find_all(
        "li", class_="hit"
    )
    assert {h.find("a", class_="hit-title").get("href").split("?")[0] for h in hits} == {
        "/v/bees0000001"
    }
    assert len(parse(client.get("/c/UCtestchannel").text).find_all("li", class_="card")) == 1


def test_page_cache_drops_oldest_and_expires():
    from distill.web.page_cache import PageCache

    cache = PageCache(ttl=60, max_items=2)
    cache.put("a", b"1")
    cache.put("b", b"2")
    cache.put("c", b"3")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, b"2", b"3")
    stale = PageCache(ttl=-1)
    stale.put("a", b"1")
    assert stale.get("a") is None
