"""Readwise: highlights pushed through the documented v2 API (checked by a local server that
speaks it), idempotent re-push, 429 with Retry-After, 5xx retried, a bad token named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from export_helpers import RECORDING, TALK, seed
from fake_readwise import FakeReadwise, serve

from distill.errors import InputError
from distill.exports.readwise import ReadwiseError
from distill.settings import get_settings


@pytest.fixture
def readwise(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeReadwise]:
    fake = FakeReadwise()
    server, thread = serve(fake)
    monkeypatch.setenv("DISTILL_READWISE_URL", fake.url)
    monkeypatch.setenv("DISTILL_READWISE_TOKEN", fake.token)
    get_settings.cache_clear()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()
    get_settings.cache_clear()


def test_highlights_arrive_in_the_documented_shape(service, readwise):
    seed(service)
    service.add_highlight(RECORDING, 20.0, note="", tags=["meeting"])
    report = service.push_readwise()
    assert report.sent == 2 and report.unchanged == 0 and not readwise.refused
    assert readwise.requests[0][:2] == ("GET", "/api/v2/auth/")
    by_title = {h["title"]: h for h in readwise.highlights}
    talk = next(h for t, h in by_title.items() if t.startswith("CON:"))
    assert talk["text"].startswith("Sentence number 3 about bees")
    assert talk["author"] == "Science Channel"
    assert talk["source_url"] == f"https://www.youtube.com/watch?v={TALK}"
    assert talk["source_type"] == "distill" and talk["category"] == "podcasts"
    assert talk["location"] == 30 and talk["location_type"] == "time_offset"
    assert talk["highlight_url"] == f"https://youtu.be/{TALK}?t=30"
    assert talk["note"].endswith("\n.bees .to-read")  # tags as Readwise inline tags
    assert talk["highlighted_at"].endswith("+00:00")
    meeting = by_title["Team meeting"]
    assert meeting["note"] == ".meeting" and "source_url" not in meeting


def test_pushing_again_sends_only_what_changed(service, readwise):
    seed(service)
    service.push_readwise()
    posts = sum(1 for m, p, _ in readwise.requests if m == "POST")
    again = service.push_readwise()
    assert again.sent == 0 and again.unchanged == 1
    assert sum(1 for m, p, _ in readwise.requests if m == "POST") == posts  # nothing sent
    h = service.library.list_highlights(video_id=TALK)[0]
    service.edit_highlight(h.id, h.version, note="a better note")
    third = service.push_readwise()
    assert third.sent == 1
    assert len(readwise.highlights) == 1  # Readwise updated its one copy
    assert readwise.highlights[0]["note"].startswith("a better note")


def test_summary_items_as_highlights_when_asked(service, readwise):
    seed(service, notes=False)
    report = service.push_readwise(summaries=True)
    # Two documents, each 2 insights + 1 answer + 1 takeaway.
    assert report.sent == 8 and report.documents == 2 and not readwise.refused
    notes = sorted(h["note"] for h in readwise.highlights)
    assert notes[0].startswith("Key insight (distill summary")
    assert any(h["note"].startswith("Q: How far do bees fly?") for h in readwise.highlights)
    timeless = [h for h in readwise.highlights if "location" not in h]
    assert [h["text"] for h in timeless] == ["Dances carry distance and direction"] * 2
    assert service.push_readwise(summaries=True).sent == 0


def test_rate_limits_and_server_errors_are_waited_out(service, readwise, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("distill.exports.readwise.pause", waits.append)
    seed(service)
    readwise.failures = [(429, {"Retry-After": "7"}), (503, {}), (500, {})]
    report = service.push_readwise()
    assert report.sent == 1 and len(readwise.highlights) == 1
    assert waits[0] == 7.0 and waits[1:] == [1.0, 2.0]  # the header, then growing pauses


def test_a_server_that_stays_down_is_one_sentence_and_nothing_is_recorded(
    service, readwise, monkeypatch
):
    monkeypatch.setattr("distill.exports.readwise.pause", lambda s: None)
    seed(service)
    readwise.failures = [(502, {})] * 20
    with pytest.raises(ReadwiseError, match=r"^Readwise is busy \(HTTP 502\) after 6 tries"):
        service.push_readwise()
    readwise.failures = []
    assert service.push_readwise().sent == 1  # what failed was not recorded as sent


def test_a_wrong_or_missing_token_names_the_setting(service, readwise, monkeypatch, cli):
    seed(service)
    monkeypatch.setenv("DISTILL_READWISE_TOKEN", "wrong")
    get_settings.cache_clear()
    with pytest.raises(ReadwiseError, match="set DISTILL_READWISE_TOKEN"):
        service.push_readwise()
    assert [m for m, _, _ in readwise.requests] == ["GET"]  # nothing sent with a bad token
    result = cli(
        "export",
        "readwise",
        env={"DISTILL_READWISE_TOKEN": "", "DISTILL_READWISE_URL": readwise.url},
    )
    assert result.returncode == 1
    assert result.stderr == (
        "error: no Readwise token is set; set DISTILL_READWISE_TOKEN to the token from "
        "readwise.io/access_token.\n"
    )
    with pytest.raises(InputError):
        monkeypatch.setenv("DISTILL_READWISE_TOKEN", " ")
        get_settings.cache_clear()
        service.push_readwise()


def test_the_cli_pushes_and_reports(cli, distill_home, readwise):
    from distill.library import Library
    from distill.service import Distill

    with Distill(Library()) as service:
        seed(service)
    env = {"DISTILL_READWISE_URL": readwise.url, "DISTILL_READWISE_TOKEN": readwise.token}
    result = cli("export", "readwise", "--summaries", env=env)
    assert result.returncode == 0, result.stderr
    assert "sent 9 highlights from 2 documents to Readwise (0 already there" in result.stdout
    again = cli("export", "readwise", "--summaries", env=env)
    assert "sent 0 highlights from 0 documents to Readwise (9 already there" in again.stdout


def test_long_texts_are_cut_to_readwise_limits(service, readwise):
    from export_helpers import summary, transcript

    long_title = "T" * 900
    t = transcript("longlonglon", long_title)
    service.library.save_transcript(t)
    service.library.save_summary("longlonglon", summary(t.meta))
    service.add_highlight("longlonglon", 0.0, note="n" * 9000)
    assert service.push_readwise().sent == 1 and not readwise.refused
    h = readwise.highlights[0]
    assert len(h["title"]) == 511 and h["title"].endswith("…") and len(h["note"]) == 8191
