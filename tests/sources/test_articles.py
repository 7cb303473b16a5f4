"""Web articles served by a local server: main text as paragraphs, metadata, bad pages refused."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from local_site import Site

from distill.errors import SourceError
from distill.settings import get_settings
from distill.sources import expand, resolve
from distill.sources.article import extract_article
from distill.sources.http import FetchRefused
from tests.conftest import eval_dir_or_skip

PARAGRAPHS = [
    "Community gardens have spread through the city over the last ten years, turning empty lots "
    "into places where neighbours grow food together and share what they harvest.",
    "The first garden opened on a corner that had been fenced off for decades. Volunteers "
    "cleared the rubble, tested the soil and built raised beds from salvaged timber.",
    "Today there are more than forty gardens. Each one is run by a committee of members who "
    "decide what to plant, how to share the water and when to hold their open days.",
    "Researchers who studied the gardens found that members eat more vegetables, know more of "
    "their neighbours and feel safer on their streets than people who live nearby.",
]


def article_html(
    title: str = "How community gardens changed the city", charset: str = "utf-8"
) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!doctype html><html lang="en"><head><meta charset="{charset}">
<title>{title} | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta name="author" content="Ada Fernández">
<meta property="article:published_time" content="2024-05-14T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>
<p class="byline">By Ada Fernández</p>
{body}
<h2>What comes next</h2>
<p>The council plans to open ten more gardens next year and to give each one a water tap.</p>
</article>
<footer>Copyright The Daily Example. All rights reserved. Subscribe to our newsletter.</footer>
</body></html>"""


def test_article_paragraphs_and_metadata(site: Site, allow_local: None) -> None:
    url = site.route("/news/gardens", article_html().encode())
    t = resolve(url)
    m = t.meta
    assert m.kind == "article" and m.url == url
    assert m.title == "How community gardens changed the city"
    assert m.author == "Ada Fernández" and m.upload_date == "2024-05-14"
    assert m.channel == "The Daily Example"
    texts = [s.text for s in t.segments]
    assert PARAGRAPHS[0] in texts and PARAGRAPHS[3] in texts
    assert [s.paragraph for s in t.segments] == list(range(1, len(t.segments) + 1))
    assert all(s.start is None for s in t.segments)
    assert not any("Subscribe" in x or x == "Home" for x in texts)
    heading = next(c for c in m.chapters if c.title == "What comes next")
    assert t.segments[heading.paragraph - 1].text.startswith("The council plans")  # type: ignore[operator]
    assert re.fullmatch(r"127-0-0-1-[0-9a-f]{10}", m.id)


def test_non_utf8_page_is_decoded(site: Site, allow_local: None) -> None:
    page = article_html("Les jardins partagés de la ville", charset="iso-8859-1")
    url = site.route("/fr", page.encode("iso-8859-1"), content_type="text/html; charset=iso-8859-1")
    t = resolve(url)
    assert t.meta.title == "Les jardins partagés de la ville"
    assert "Fernández" in (t.meta.author or "")


def test_page_without_main_text(site: Site, allow_local: None) -> None:
    url = site.route("/empty", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(SourceError, match="has no article text") as err:
        resolve(url)
    assert "\n" not in str(err.value)


def test_huge_page_is_refused(
    site: Site, allow_local: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTILL_MAX_PAGE_MB", "1")
    get_settings.cache_clear()

    def fifty_megabytes():
        yield b"<html><body><p>"
        for _ in range(800):
            yield b"words " * 10_922
        yield b"</p></body></html>"

    url = site.route("/huge", fifty_megabytes)
    with pytest.raises(FetchRefused, match="larger than the 1 MB"):
        resolve(url)


def test_other_content_types_are_refused(site: Site, allow_local: None) -> None:
    url = site.route("/photo", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png")
    with pytest.raises(SourceError, match="is image/png, not a web page, PDF or feed"):
        resolve(url)


def test_a_feed_behind_a_plain_url_expands(site: Site, allow_local: None) -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Garden notes</title>
    <item><title>Spring</title><guid>g1</guid><pubDate>Tue, 14 May 2024 08:00:00 GMT</pubDate>
    <link>https://example.org/spring</link></item></channel></rss>"""
    url = site.route("/latest", feed, content_type="text/xml")
    found = expand(url)
    assert found is not None and found.title == "Garden notes"
    assert [e.title for e in found.entries] == ["Spring"]
    with pytest.raises(SourceError, match="is a feed, not one document"):
        resolve(url)
    assert expand(site.route("/article", article_html().encode())) is None


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(0, len(tokens) - 3)))


def test_eval_articles_main_text_f1() -> None:
    folder = eval_dir_or_skip("web-articles-dev")
    precision, recall = [], []
    for line in (folder / "refs.jsonl").read_text().splitlines():
        ref = json.loads(line)
        if not ref.get("expected_text"):
            continue
        found = extract_article((folder / ref["source"]).read_bytes())
        got = _shingles("\n".join(text for _, text in found["paragraphs"]))
        want = _shingles((folder / ref["expected_text"]).read_text())
        common = sum((got & want).values())
        precision.append(common / max(1, sum(got.values())))
        recall.append(common / max(1, sum(want.values())))
    p, r = sum(precision) / len(precision), sum(recall) / len(recall)
    assert 2 * p * r / (p + r) > 0.93  # the all-visible-text baseline scores 0.80


def test_article_ids_are_stable(tmp_path: Path) -> None:
    from distill.sources.web import url_id

    assert url_id("https://www.Example.com/a?b=1#frag") == url_id("https://www.example.com/a?b=1")
    assert url_id("https://example.com/a") != url_id("https://example.com/b")
