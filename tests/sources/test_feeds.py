"""Podcast feeds: parsed safely and leniently, episodes loaded from the feed's own transcript and
chapters (served locally), or from their transcribed audio; bad feeds are one sentence each."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from local_site import Site

from distill.errors import SourceError
from distill.sources import expand, pick, resolve
from distill.sources.feeds import FeedError, parse_feed, parse_opml
from tests.conftest import eval_dir_or_skip

SRT = """1
00:00:01,000 --> 00:00:04,000
Welcome back to the garden hour.

2
00:00:04,500 --> 00:00:09,000
Today we talk about tomatoes and how to keep them healthy.
"""
VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Maria>Welcome back to the garden hour.

00:00:04.500 --> 00:00:09.000
<v Tom>Today we talk about tomatoes.
"""
TRANSCRIPT_JSON = {
    "version": "1.0.0",
    "segments": [
        {"speaker": "Maria", "startTime": 1.0, "endTime": 1.4, "body": "Welcome"},
        {"speaker": "Maria", "startTime": 1.4, "endTime": 2.0, "body": "back."},
        {"speaker": "Tom", "startTime": 4.5, "endTime": 5.0, "body": "Thanks,"},
        {"speaker": "Tom", "startTime": 5.0, "endTime": 6.0, "body": "Maria."},
    ],
}
CHAPTERS = {
    "version": "1.2.0",
    "chapters": [{"startTime": 0, "title": "Hello"}, {"startTime": 4.5, "title": "Tomatoes"}],
}


def feed_xml(
    items: str,
    *,
    title: str = "The Garden Hour",
    ns: str = "https://podcastindex.org/namespace/1.0",
) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="{ns}" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>{title}</title><language>en</language><itunes:author>Green Radio</itunes:author>
{items}
</channel></rss>""".encode()


def item(
    n: int, extra: str = "", *, enclosure: str = "/audio/{n}.mp3", kind: str = "audio/mpeg"
) -> str:
    return f"""<item><title>Episode {n}</title><guid>ep-{n}</guid>
<pubDate>Mon, {n:02d} Apr 2024 10:00:00 GMT</pubDate><itunes:duration>12:30</itunes:duration>
<enclosure url="{enclosure.format(n=n)}" type="{kind}" length="1000"/>{extra}</item>"""


@pytest.fixture
def show(site: Site, allow_local: None) -> Site:
    site.route("/t/1.srt", SRT.encode(), content_type="application/srt")
    site.route("/t/2.vtt", VTT.encode(), content_type="text/vtt")
    site.route("/t/3.json", json.dumps(TRANSCRIPT_JSON).encode(), content_type="application/json")
    site.route("/c/1.json", json.dumps(CHAPTERS).encode(), content_type="application/json")
    base = site.url("")
    items = "\n".join(
        [
            item(
                3,
                f'<podcast:transcript url="{base}/t/3.json" type="application/json"/>'
                f'<podcast:transcript url="{base}/t/3.html" type="text/html"/>',
            ),
            item(2, f'<podcast:transcript url="{base}/t/2.vtt" type="text/vtt"/>'),
            item(
                1,
                f'<podcast:transcript url="{base}/t/1.srt" type="application/srt"/>'
                f'<podcast:chapters url="{base}/c/1.json" type="application/json+chapters"/>',
            ),
        ]
    )
    site.route("/feed.xml", feed_xml(items), content_type="application/rss+xml")
    return site


def test_feed_expands_to_episodes_newest_first(show: Site) -> None:
    found = expand(show.url("/feed.xml"), limit=2)
    assert found is not None and found.kind == "feed" and found.title == "The Garden Hour"
    assert [e.title for e in found.entries] == ["Episode 3", "Episode 2"]
    assert [e.published for e in found.entries] == ["2024-04-03", "2024-04-02"]
    assert all(re.fullmatch(r".*/feed\.xml#episode=[0-9a-f]{12}", e.source) for e in found.entries)
    assert all(re.fullmatch(r"the-garden-hour-[0-9a-f]{10}", e.id or "") for e in found.entries)
    since = expand(show.url("/feed.xml"), since="2024-04-02")
    assert since is not None and [e.title for e in since.entries] == ["Episode 3", "Episode 2"]


def test_episode_with_srt_transcript_and_json_chapters(show: Site) -> None:
    found = expand(show.url("/feed.xml"))
    assert found is not None
    t = resolve(found.entries[2].source)
    assert t.meta.kind == "episode" and t.meta.title == "Episode 1"
    assert t.meta.channel == "The Garden Hour" and t.meta.duration == 750.0
    assert t.meta.id == found.entries[2].id and t.meta.feed == show.url("/feed.xml")
    assert [s.text for s in t.segments][0] == "Welcome back to the garden hour."
    assert t.segments[1].start == 4.5
    assert [(c.title, c.start) for c in t.meta.chapters] == [("Hello", 0.0), ("Tomatoes", 4.5)]


def test_vtt_and_json_transcripts_keep_speakers(show: Site) -> None:
    found = expand(show.url("/feed.xml"))
    assert found is not None
    vtt = resolve(found.entries[1].source)
    assert [s.speaker for s in vtt.segments] == ["Maria", "Tom"]
    js = resolve(found.entries[0].source)  # JSON is preferred over the HTML one
    assert [(s.speaker, s.text, s.start) for s in js.segments] == [
        ("Maria", "Welcome back.", 1.0),
        ("Tom", "Thanks, Maria.", 4.5),
    ]
    assert not any(path.endswith(".html") for path, _ in show.requests)


def test_enclosure_that_is_not_audio(site: Site, allow_local: None, distill_home: Path) -> None:
    site.route("/doc.pdf", b"%PDF-1.4", content_type="application/pdf")
    site.route("/fake.mp3", b"<html>not audio</html>", content_type="audio/mpeg")
    items = item(1, enclosure=site.url("/doc.pdf"), kind="application/pdf") + item(
        2, enclosure=site.url("/fake.mp3")
    )
    url = site.route("/f.rss", feed_xml(items), content_type="application/rss+xml")
    found = expand(url)
    assert found is not None
    with pytest.raises(SourceError, match="links a application/pdf file, not audio"):
        resolve(found.entries[1].source)
    with pytest.raises(SourceError, match="is not audio or video"):
        resolve(found.entries[0].source)
    assert not any((distill_home / "media" / "episodes").iterdir())


def test_feed_that_404s_or_is_not_xml(site: Site, allow_local: None) -> None:
    with pytest.raises(SourceError, match="answered 404 Not Found"):
        expand(site.url("/gone/feed.xml"))
    site.route("/feed", b"<html><body>hello</body></html>", content_type="text/html")
    assert pick(site.url("/feed")).name == "feed"
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        expand(site.url("/feed"))
    site.route("/rss", b"\x00\x01binary", content_type="application/octet-stream")
    with pytest.raises(FeedError, match="is not XML"):
        expand(site.url("/rss"))


def test_entities_are_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>"""
    with pytest.raises(FeedError, match="declares XML entities") as err:
        parse_feed(bomb, "https://example.com/feed")
    assert "\n" not in str(err.value)
    external = b"""<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://example.com/x.dtd">
    <rss><channel><title>x</title></channel></rss>"""
    assert parse_feed(external, "https://example.com/feed").title == "x"


def test_sloppy_feeds_still_parse() -> None:
    sloppy = b"""  <rss><channel><title>Caf&eacute; &amp; Co&nbsp;Radio</title>
    <item><title>One &mdash; two</title><itunes:episodeType>full</itunes:episodeType>
    <enclosure url="https://example.com/1.mp3"/>
    <podcast:transcript type="text/vtt" url="https://example.com/1.vtt"/></item></channel></rss>"""
    feed = parse_feed(sloppy, "https://example.com/feed")
    assert feed.title == "Café & Co\u00a0Radio".replace("\u00a0", " ")
    assert feed.episodes[0].title == "One — two"
    assert feed.episodes[0].transcripts[0].url == "https://example.com/1.vtt"


def test_ten_thousand_items_are_capped() -> None:
    items = "".join(
        f"<item><title>E{i}</title><guid>g{i}</guid><enclosure url='https://e.com/{i}.mp3'/></item>"
        for i in range(10_000)
    )
    feed = parse_feed(f"<rss><channel><title>Big</title>{items}</channel></rss>".encode(), "u")
    assert len(feed.episodes) == 5000 and feed.episodes[0].title == "E0"


def test_opml_lists_feeds(show: Site, tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        f"""<?xml version="1.0"?><opml version="2.0"><body>
        <outline text="Gardening"><outline type="rss" text="The Garden Hour" xmlUrl="{show.url("/feed.xml")}"/></outline>
        <outline text="no feed"/></body></opml>"""
    )
    assert parse_opml(opml.read_bytes(), "subs.opml") == [
        ("The Garden Hour", show.url("/feed.xml"))
    ]
    found = expand(str(opml), limit=1)
    assert found is not None and found.kind == "opml"
    assert [e.title for e in found.entries] == ["Episode 3"]


def test_eval_feeds_match_their_references() -> None:
    folder = eval_dir_or_skip("podcasts-dev")
    for line in (folder / "refs.jsonl").read_text().splitlines():
        ref = json.loads(line)
        if "items" not in ref:
            continue
        feed = parse_feed((folder / ref["file"]).read_bytes(), "https://example.com/feed")
        eps = feed.episodes
        assert feed.title == ref["title"], ref["file"]
        assert len(eps) == ref["items"], ref["file"]
        assert sum(1 for e in eps if e.enclosure_url) == ref["items_with_enclosure"]
        assert sum(1 for e in eps if e.guid) == ref["items_with_guid"]
        assert sum(1 for e in eps if e.transcripts) == ref["items_with_transcript"]
        assert sum(1 for e in eps if e.chapters_url or e.chapters) == ref["items_with_chapters"]
        assert feed.live_items == ref["live_items"]
        example = ref.get("example_with_transcript")
        if example:
            first = next(e for e in eps if e.title == example["item_title"])
            assert [t.url for t in first.transcripts] == [t["url"] for t in example["transcripts"]]
            assert [t.type for t in first.transcripts] == [
                t["type"] for t in example["transcripts"]
            ]
            assert first.chapters_url == example["chapters"][0]["url"]


def test_eval_podcastparser_fixtures() -> None:
    folder = eval_dir_or_skip("podcasts-dev") / "podcastparser"
    for rss in sorted(folder.glob("*.rss")):
        want = json.loads(rss.with_suffix(".json").read_text())
        feed = parse_feed(rss.read_bytes(), "file://tests/data/" + rss.stem)
        channel_part = rss.read_bytes().split(b"<item")[0]
        if "title" in want and b"<title>" in channel_part:  # else each parser names it its way
            assert feed.title == want["title"], rss.name
        # podcastparser drops items without audio; distill keeps them (a blog feed has none).
        by_title = {e.title: e for e in feed.episodes}
        for exp in want.get("episodes", []):
            got = by_title[exp["title"]]
            urls = [e["url"] for e in exp.get("enclosures", [])]
            if urls:
                assert got.enclosure_url == urls[0], rss.name
            if "transcript_url" in exp:
                assert got.transcripts[0].url == exp["transcript_url"], rss.name
            if "chapters_json_url" in exp:
                assert got.chapters_url == exp["chapters_json_url"], rss.name
            if "chapters" in exp:
                assert [(int(s), t) for s, t in got.chapters] == [
                    (c["start"], c["title"]) for c in exp["chapters"]
                ], rss.name
            if exp.get("total_time"):
                assert got.duration == exp["total_time"], rss.name
