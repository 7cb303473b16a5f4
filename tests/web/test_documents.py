"""The web app with the new kinds: an article link, a PDF and Kindle clippings uploaded, a feed as a
batch; each gets the page a video gets, with its own anchors and viewer; the API lists documents."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sources"))

from local_site import Site, serve  # noqa: E402
from pdf_maker import paper  # noqa: E402
from test_articles import article_html  # noqa: E402
from web_helpers import parse  # noqa: E402

from distill.jobs import Worker  # noqa: E402
from distill.service import Distill  # noqa: E402
from distill.settings import get_settings  # noqa: E402

CLIPPINGS = (
    "\ufeffBeans (Green, Ana)\r\n- Your Highlight on page 1 | Location 10-12 | Added on Monday, 3 June 2024 "
    "09:15:02\r\n\r\nBeans climb anything you give them, so give them something tall.\r\n==========\r\n"
    "Beans (Green, Ana)\r\n- Your Note on page 1 | Location 12 | Added on Monday, 3 June 2024 09:16:00"
    "\r\n\r\nUse the old ladder.\r\n==========\r\n"
)


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch, distill_home: Path) -> Iterator[Site]:
    monkeypatch.setenv("DISTILL_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    with serve() as s:
        yield s
    get_settings.cache_clear()


def run_jobs(library) -> None:
    Worker(Distill(library), follow_interval=0).run_pending()


def test_article_link_gets_a_page_with_paragraph_anchors(client, library, site: Site) -> None:
    url = site.route("/news/gardens", article_html().encode())
    r = client.post("/submit", data={"url": url}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    run_jobs(library)
    [video] = library.list_videos()
    page = parse(client.get(f"/v/{video.id}").text)
    assert page.find("h1").text == "How community gardens changed the city"
    assert page.by_id("player-slot") is None  # nothing to play
    assert page.find("h2", id="transcript-h").text == "Article"
    first = page.by_id("p-1")
    assert first is not None and "Community gardens" in first.text
    original = first.find("a", **{"class": "original"})
    assert original is not None and original.get("href", "").startswith(
        url + "#:~:text=Community%20gardens"
    )
    links = page.by_id("insights-h").parent.find_all("a")  # type: ignore[union-attr]
    anchors = [a.get("href") for a in links if a.get("class") != "quote-card-link"]
    assert anchors and all(h and h.startswith("#p-") for h in anchors)
    assert page.find("h2", id="ask-h").text == "Ask about this article"
    assert '"@type": "Article"' in page.find("script", type="application/ld+json").text
    api = client.get(f"/api/v1/documents/{video.id}").json()
    assert api["kind"] == "article" and api["author"] == "Ada Fernández"
    assert client.get("/api/v1/documents").json()["total"] == 1
    summary = client.get(f"/api/v1/documents/{video.id}/summary").json()
    assert all(i["start"] is None and i["paragraph"] for i in summary["insights"])


def test_pdf_upload_has_a_viewer_opened_at_pages(client, library, tmp_path: Path) -> None:
    r = client.post(
        "/submit",
        files={"file": ("solar.pdf", paper(3), "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    run_jobs(library)
    [video] = library.list_videos()
    assert video.kind == "pdf" and video.pages == 3
    page = parse(client.get(f"/v/{video.id}").text)
    viewer = page.by_id("pdf-viewer")
    assert viewer is not None and viewer.get("src") == f"/media/{video.id}#page=1"
    assert viewer.get("name") == "pdf-viewer"
    page_links = [
        a
        for a in page.find_all("a")
        if (a.get("href") or "").startswith(f"/media/{video.id}#page=")
    ]
    assert page_links and all(a.get("target") == "pdf-viewer" for a in page_links)
    assert page.by_id("page-2") is not None
    pdf = client.get(f"/media/{video.id}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content[:5] == b"%PDF-"
    assert "frame-src 'self'" in pdf.headers["content-security-policy"]


def test_kindle_upload_makes_book_pages(client, library) -> None:
    r = client.post(
        "/submit",
        files={"file": ("My Clippings.txt", CLIPPINGS.encode(), "text/plain")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    book_id = r.headers["location"].removeprefix("/v/")
    page = parse(client.get(f"/v/{book_id}").text)
    assert page.find("h2", id="transcript-h").text == "Highlights"
    clip = page.by_id("p-1")
    assert clip is not None and "Beans climb anything" in clip.text
    assert "Use the old ladder." in clip.text
    assert not list((get_settings().media_dir / "uploads").glob("*"))  # the upload is not kept


def test_feed_link_makes_a_batch(client, library, site: Site) -> None:
    base = site.url("")
    srt = b"1\n00:00:01,000 --> 00:00:05,000\nBeans grow fast in warm weather.\n"
    site.route("/t/1.srt", srt, content_type="application/srt")
    items = "".join(
        f"<item><title>Episode {n}</title><guid>e{n}</guid><enclosure url='{base}/{n}.mp3' type='audio/mpeg'/>"
        f"<podcast:transcript url='{base}/t/1.srt' type='application/srt'/></item>"
        for n in (2, 1)
    )
    url = site.route(
        "/feed.xml",
        f"<rss xmlns:podcast='https://podcastindex.org/namespace/1.0'><channel><title>Bean Talk</title>{items}</channel></rss>".encode(),
        content_type="application/rss+xml",
    )
    r = client.post("/submit", data={"url": url}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/batches/")
    batch_page = parse(client.get(r.headers["location"]).text)
    assert batch_page.find("h1").text == "Bean Talk"
    assert "0 of 2 finished" in batch_page.by_id("batch-progress").text  # type: ignore[union-attr]
    run_jobs(library)
    home = parse(client.get("/").text)
    assert "2 of 2" in home.by_id("batches-h").parent.text  # type: ignore[union-attr]
    api = client.post("/api/v1/batches", json={"source": url})
    assert api.status_code == 202 and api.json()["counts"] == {"stored": 2}
    one = client.post("/api/v1/batches", json={"source": site.route("/a", article_html().encode())})
    assert one.status_code == 400 and "/api/v1/jobs" in one.json()["error"]["message"]


def test_kindle_clippings_sent_to_the_jobs_api_are_refused_with_the_way_to_import_them(
    client, library
) -> None:
    r = client.post(
        "/api/v1/jobs/upload",
        files={"file": ("My Clippings.txt", CLIPPINGS.encode(), "text/plain")},
    )
    assert r.status_code == 415
    assert "distill import kindle" in r.json()["error"]["message"]
    assert library.list_jobs() == []
    uploads = get_settings().media_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
