"""Through the service: a feed becomes a batch of jobs (stored episodes skipped), a follow finds new
episodes on its next check, Kindle books are stored, documents are summarized onto pages and
paragraphs with `start` null."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from local_site import Site
from pdf_maker import paper
from test_articles import article_html

from distill.domain import Summary
from distill.errors import InputError
from distill.jobs import Worker
from distill.library import Library
from distill.service import Distill

SRT = "1\n00:00:01,000 --> 00:00:05,000\n{text}\n\n2\n00:00:06,000 --> 00:00:09,000\nThat is all for today.\n"


def episode(n: int, base: str) -> str:
    return f"""<item><title>Episode {n}</title><guid>ep-{n}</guid>
<pubDate>Mon, {n:02d} Apr 2024 10:00:00 GMT</pubDate>
<enclosure url="{base}/a/{n}.mp3" type="audio/mpeg"/>
<podcast:transcript url="{base}/t/{n}.srt" type="application/srt"/></item>"""


def publish(site: Site, numbers: list[int]) -> str:
    base = site.url("")
    for n in numbers:
        text = f"Episode {n} is about growing beans in small gardens."
        site.route(f"/t/{n}.srt", SRT.format(text=text).encode(), content_type="application/srt")
    items = "".join(episode(n, base) for n in sorted(numbers, reverse=True))
    xml = f"""<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Bean Talk</title>{items}</channel></rss>"""
    return site.route("/podcast/feed.xml", xml.encode(), content_type="application/rss+xml")


@pytest.fixture
def service(distill_home: Path) -> Distill:
    svc = Distill(Library())
    yield svc
    svc.close()


def test_feed_batch_runs_and_skips_stored(service: Distill, site: Site, allow_local: None) -> None:
    url = publish(site, [1, 2, 3])
    batch = service.submit_collection(url, limit=2)
    assert batch is not None and batch.title == "Bean Talk" and batch.counts == {"queued": 2}
    assert Worker(service, follow_interval=0).run_pending() == 2
    done = service.library.get_batch(batch.id)
    assert done.counts == {"done": 2} and done.finished == done.total == 2
    assert {i.title for i in done.items} == {"Episode 3", "Episode 2"}
    again = service.submit_collection(url)
    assert again is not None and again.counts == {"stored": 2, "queued": 1}
    assert service.submit_collection(site.route("/a", article_html().encode())) is None


def test_follow_finds_new_episodes(service: Distill, site: Site, allow_local: None) -> None:
    url = publish(site, [1, 2])
    followed, first = service.follow(url, limit=1)
    assert followed.title == "Bean Talk" and first.counts == {"queued": 1, "older": 1}
    Worker(service, follow_interval=0).run_pending()
    assert service.check_follows()[0].counts == {}  # nothing new: episode 1 came before the follow
    publish(site, [1, 2, 3])
    [batch] = service.check_follows()
    assert [i.title for i in batch.items] == ["Episode 3"]
    assert service.library.list_follows()[0].checked_at is not None
    with pytest.raises(InputError, match="nothing to follow"):
        service.follow(site.route("/a", article_html().encode()))
    service.unfollow(url)
    assert service.library.list_follows() == []


def test_failed_follow_check_is_recorded(service: Distill, site: Site, allow_local: None) -> None:
    url = publish(site, [1])
    service.follow(url, limit=1)
    del site.routes["/podcast/feed.xml"]
    assert service.check_follows() == []
    assert "404" in (service.library.list_follows()[0].last_error or "")


def test_article_summary_is_anchored_to_paragraphs(
    service: Distill, site: Site, allow_local: None
) -> None:
    url = site.route("/news/gardens", article_html().encode())
    done = service.summarize(url)
    contract = done.summary.contract()
    items = contract["insights"] + contract["takeaways"]
    assert items and all(i["start"] is None and i["paragraph"] >= 1 for i in items)
    assert "page" not in items[0]
    stored = service.library.get_transcript(done.video_id)
    assert [s.paragraph for s in stored.segments] == list(range(1, len(stored.segments) + 1))
    answer = service.ask(done.video_id, "What did researchers find about the gardens?")
    assert answer.citations and all(c.paragraph and c.start is None for c in answer.citations)
    assert Summary.model_validate_json(done.summary.model_dump_json()) == done.summary


def test_pdf_summary_is_anchored_to_pages(service: Distill, tmp_path: Path) -> None:
    path = tmp_path / "solar.pdf"
    path.write_bytes(paper(4))
    done = service.summarize(str(path))
    data = json.loads(done.summary.model_dump_json())
    pages = [i["page"] for i in data["insights"] + data["takeaways"]]
    assert pages and all(1 <= p <= 4 for p in pages)
    assert all(c.get("page") for c in data["chapters"])
    assert data["source"]["duration"] is None


def test_video_json_is_unchanged_by_anchors(service: Distill) -> None:
    srt = Path(__file__).parents[2] / "examples" / "how-vaccines-work.srt"
    done = service.summarize(str(srt))
    for item in done.summary.contract()["insights"]:
        assert set(item) == {"emoji", "text", "start"}


def test_import_kindle(service: Distill) -> None:
    data = (
        b"Beans (Green, Ana)\n- Your Highlight on page 1 | Location 10-12 | Added on Monday, 3 June 2024 09:15:02\n\n"
        b"Beans climb anything you give them.\n==========\n"
    )
    [(book_id, title, count)] = service.import_kindle(data, "My Clippings.txt")
    assert title == "Beans" and count == 1
    assert service.library.get_video(book_id).kind == "book"
    assert service.library.get_clippings(book_id)[0].location == "10-12"
    service.delete(book_id)
    assert service.library.get_clippings(book_id) == []


def test_progress_stages_of_the_new_kinds(service: Distill, tmp_path: Path) -> None:
    pdf = tmp_path / "solar.pdf"
    pdf.write_bytes(paper(1))
    assert service.stages(str(pdf)) == ["extract", "summarize", "done"]
    article = "https://example.com/news/gardens"
    assert service.stages(article) == ["download", "extract", "summarize", "done"]
    episode = "https://example.com/feed.xml#episode=0123456789ab"
    assert service.stages(episode) == ["download", "transcribe", "summarize", "done"]
    events: list[str] = []
    service.summarize(str(pdf), progress=lambda stage, done, total: events.append(stage))
    assert set(events) <= {"extract", "summarize"} and "extract" in events
