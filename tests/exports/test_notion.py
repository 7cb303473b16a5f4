"""Notion: a page per document in a database through notion-client, checked by a local server
that speaks the documented API (limits on blocks per request and characters per text, 401,
404 for an unshared database, 429 with Retry-After, 5xx); updates in place on a second push."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from export_helpers import TALK, seed, summary, transcript
from fake_notion import FakeNotion, serve

from distill.errors import InputError
from distill.exports.notion import NotionError
from distill.settings import get_settings


@pytest.fixture
def notion(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNotion]:
    fake = FakeNotion()
    server, thread = serve(fake)
    monkeypatch.setenv("DISTILL_NOTION_URL", fake.url)
    monkeypatch.setenv("DISTILL_NOTION_TOKEN", fake.token)
    monkeypatch.setenv("DISTILL_NOTION_DATABASE", "01234567-89ab-cdef-0123-456789abcdef")
    get_settings.cache_clear()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()
    get_settings.cache_clear()


def page_of(fake: FakeNotion, title_start: str) -> str:
    found = [
        pid
        for pid, p in fake.pages.items()
        if p["properties"]["Name"]["title"][0]["text"]["content"].startswith(title_start)
    ]
    assert len(found) == 1, found
    return found[0]


def test_a_page_per_document_with_the_summary_as_blocks(service, notion):
    seed(service)
    report = service.push_notion()
    assert report.created == 2 and not notion.refused
    talk = page_of(notion, "CON:")
    props = notion.pages[talk]["properties"]
    assert props["URL"] == {"url": f"https://www.youtube.com/watch?v={TALK}"}
    assert props["Channel"]["rich_text"][0]["text"]["content"] == "Science Channel"
    assert props["Date"] == {"date": {"start": "2024-03-05"}}
    assert props["Tags"] == {"multi_select": [{"name": "bees"}, {"name": "to-read"}]}
    text = notion.text_of(talk)
    assert "Bees dance to tell where food is." in text and "How far do bees fly?" in text
    kinds = [b["type"] for b in notion.blocks[talk]]
    assert kinds.count("heading_2") == 6 and "quote" in kinds  # the highlight
    # Times link to the moment.
    links = [
        t["text"]["link"]["url"]
        for b in notion.blocks[talk]
        for t in b[b["type"]]["rich_text"]
        if t["text"].get("link")
    ]
    assert f"https://youtu.be/{TALK}?t=30" in links
    meeting = notion.pages[page_of(notion, "Team meeting")]["properties"]
    assert "URL" not in meeting and "Channel" not in meeting


def test_pushing_again_updates_in_place_and_skips_unchanged(service, notion):
    seed(service)
    service.push_notion()
    talk = page_of(notion, "CON:")
    again = service.push_notion()
    assert again.unchanged == 2 and again.created == again.updated == 0
    t = transcript(TALK, "Bees: the dance")
    service.library.save_transcript(t)
    service.library.save_summary(TALK, summary(t.meta, tldr="Honey bees map food with a dance."))
    third = service.push_notion()
    assert third.updated == 1 and third.unchanged == 1 and len(notion.pages) == 2
    assert page_of(notion, "Bees: the dance") == talk  # the same page
    text = notion.text_of(talk)
    assert "Honey bees map food" in text and "Bees dance to tell" not in text
    # A page deleted in Notion is made again when its document changes (an unchanged one is
    # not looked at: that would cost a request per document).
    del notion.pages[talk], notion.blocks[talk]
    service.add_highlight(TALK, 60.0, note="new")
    assert service.push_notion(channel="Science Channel").created == 1 and not notion.refused


def test_long_summaries_respect_the_limits(service, notion):
    t = transcript("longlonglon", "Long one")
    service.library.save_transcript(t)
    s = summary(t.meta, tldr="word " * 1500)  # 7,500 characters: four text objects
    s.insights = s.insights * 80  # 160 insights: more than 100 blocks
    service.library.save_summary("longlonglon", s)
    assert service.push_notion().created == 1 and not notion.refused
    page = page_of(notion, "Long one")
    assert len(notion.blocks[page]) > 160
    posts = [r for r in notion.requests if r[0] == "PATCH" and r[1].endswith("/children")]
    assert posts  # the blocks past the first 100 were appended
    assert service.push_notion().unchanged == 1


def test_rate_limits_and_server_errors_are_waited_out(service, notion, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("notion_client.client.time.sleep", waits.append)
    seed(service, notes=False)
    notion.failures = [
        (429, "rate_limited", {"Retry-After": "3"}),
        (503, "service_unavailable", {}),
    ]
    assert service.push_notion().created == 2
    assert waits[0] == 3.0 and len(waits) == 2


def test_bad_settings_are_one_sentence(service, notion, monkeypatch, cli):
    seed(service, notes=False)
    monkeypatch.setenv("DISTILL_NOTION_TOKEN", "wrong")
    get_settings.cache_clear()
    with pytest.raises(
        NotionError, match=r"^Notion refused the token \(HTTP 401\); set DISTILL_NOTION_TOKEN"
    ):
        service.push_notion()
    monkeypatch.setenv("DISTILL_NOTION_TOKEN", notion.token)
    monkeypatch.setenv("DISTILL_NOTION_DATABASE", "ffffffffffffffffffffffffffffffff")
    get_settings.cache_clear()
    with pytest.raises(NotionError, match=r"shared with this integration; share it"):
        service.push_notion()
    assert not notion.pages
    result = cli(
        "export", "notion", env={"DISTILL_NOTION_TOKEN": "", "DISTILL_NOTION_URL": notion.url}
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: no Notion token is set; set DISTILL_NOTION_TOKEN")
    monkeypatch.setenv("DISTILL_NOTION_DATABASE", " ")
    get_settings.cache_clear()
    with pytest.raises(
        InputError, match=r"^no Notion database is set; set DISTILL_NOTION_DATABASE"
    ):
        service.push_notion()


def test_a_server_that_stays_down_is_one_sentence(service, notion, monkeypatch):
    monkeypatch.setattr("notion_client.client.time.sleep", lambda s: None)
    seed(service, notes=False)
    notion.failures = [(503, "service_unavailable", {})] * 10
    with pytest.raises(NotionError, match=r"^Notion is busy \(HTTP 503\) after several tries"):
        service.push_notion()
    assert len(notion.requests) == 6 and not notion.pages  # the first try and five more
    notion.failures = [(502, "bad_gateway", {})]  # a proxy's answer, not Notion's
    with pytest.raises(NotionError, match=r"^Notion answered with an error .*; push again later"):
        service.push_notion()
    assert service.push_notion().created == 2


def test_the_cli_pushes_and_reports(cli, distill_home, notion):
    from distill.library import Library
    from distill.service import Distill

    with Distill(Library()) as service:
        seed(service)
    env = {
        "DISTILL_NOTION_URL": notion.url,
        "DISTILL_NOTION_TOKEN": notion.token,
        "DISTILL_NOTION_DATABASE": notion.database,
    }
    result = cli("export", "notion", env=env)
    assert result.returncode == 0, result.stderr
    assert "2 new, 0 updated, 0 unchanged pages in Notion" in result.stdout
