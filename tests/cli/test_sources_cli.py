"""The CLI with the new kinds: a feed summarized entry by entry, follows, Kindle imports; bad input
is one sentence and a non-zero exit."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sources"))

from local_site import Site, serve  # noqa: E402

ALLOW = {"DISTILL_ALLOW_PRIVATE_HOSTS": "127.0.0.1"}


@pytest.fixture
def feed() -> Iterator[Site]:
    with serve() as site:
        base = site.url("")
        for n in (1, 2, 3):
            srt = f"1\n00:00:01,000 --> 00:00:06,000\nEpisode {n} explains how to water tomatoes in a dry summer.\n"
            site.route(f"/t/{n}.srt", srt.encode(), content_type="application/srt")
        items = "".join(
            f"<item><title>Episode {n}</title><guid>e{n}</guid>"
            f"<pubDate>Mon, 0{n} Apr 2024 10:00:00 GMT</pubDate>"
            f"<enclosure url='{base}/{n}.mp3' type='audio/mpeg'/>"
            f"<podcast:transcript url='{base}/t/{n}.srt' type='application/srt'/></item>"
            for n in (3, 2, 1)
        )
        xml = f"<rss xmlns:podcast='https://podcastindex.org/namespace/1.0'><channel><title>Tomato Time</title>{items}</channel></rss>"
        site.route("/feed.xml", xml.encode(), content_type="application/rss+xml")
        yield site


def test_feed_summarized_entry_by_entry(cli, feed: Site) -> None:
    url = feed.url("/feed.xml")
    r = cli("summarize", url, "--limit", "2", "--format", "json", env=ALLOW)
    assert r.returncode == 0, r.stderr
    titles = [json.loads(line)["source"]["title"] for line in r.stdout.splitlines()]
    assert titles == ["Episode 3", "Episode 2"]
    again = cli("summarize", url, "--since", "2024-04-01", "--format", "json", env=ALLOW)
    assert again.returncode == 0, again.stderr
    assert "3 entries, 2 already stored" in again.stderr
    assert [json.loads(line)["source"]["title"] for line in again.stdout.splitlines()] == [
        "Episode 1"
    ]


def test_private_hosts_are_refused_by_default(cli, feed: Site) -> None:
    r = cli("summarize", feed.url("/feed.xml"))
    assert r.returncode != 0
    assert r.stderr.startswith("error: ") and "private, local or reserved" in r.stderr
    assert r.stderr.count("\n") == 1


def test_follow_list_and_unfollow(cli, feed: Site) -> None:
    url = feed.url("/feed.xml")
    r = cli("follow", url, "--limit", "1", env=ALLOW)
    assert r.returncode == 0, r.stderr
    assert "following Tomato Time" in r.stderr and "summarized 1 entries" in r.stderr
    listed = cli("follows")
    assert "Tomato Time" in listed.stdout
    assert cli("unfollow", url).returncode == 0
    gone = cli("unfollow", url)
    assert gone.returncode != 0 and "is not followed" in gone.stderr


def test_import_kindle(cli, tmp_path: Path) -> None:
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_bytes(
        "\ufeffTomatoes (Red, Rosa)\r\n- Your Highlight on page 4 | Location 50-52 | Added on Monday, "
        "3 June 2024 09:15:02\r\n\r\nWater the roots, never the leaves.\r\n==========\r\n".encode()
    )
    r = cli("import", "kindle", str(clippings))
    assert r.returncode == 0, r.stderr
    assert "Tomatoes" in r.stdout and "imported 1 books" in r.stderr
    bad = tmp_path / "notes.txt"
    bad.write_text("shopping: eggs, milk\n")
    r = cli("import", "kindle", str(bad))
    assert r.returncode != 0 and "holds no Kindle clippings" in r.stderr
    missing = cli("import", "kindle", str(tmp_path / "nope.txt"))
    assert missing.returncode != 0 and "File not found" in missing.stderr
