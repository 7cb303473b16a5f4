"""Any bytes as Kindle clippings, a feed, an OPML file, a podcast's JSON transcript or chapters, a
PDF or a web page: a result or one clear DistillError, never another exception (Hypothesis)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from distill.domain import Transcript
from distill.errors import DistillError
from distill.sources.article import article_transcript
from distill.sources.feeds import parse_chapters_json, parse_feed, parse_opml
from distill.sources.kindle import read_clippings
from distill.sources.pdf import load_pdf_file
from distill.sources.podcast import parse_transcript_json

sys.path.insert(0, str(Path(__file__).parent))
from pdf_maker import paper  # noqa: E402

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=30
)


def one_clear_error(exc: DistillError) -> None:
    message = str(exc)
    assert message.strip() and "\n" not in message and "Traceback" not in message


@st.composite
def clippings_text(draw: st.DrawFn) -> bytes:
    """My Clippings.txt records with odd titles, status lines, dates and bodies."""
    status = st.sampled_from(
        ["- Your Highlight on page 3 | Location 10-12 | Added on Monday, 3 June 2024 09:15:02",
         "- Your Note on Location 12 | Added on Monday, 3 June 2024 09:16:00",
         "- Your Bookmark on page 9 | Added on 99 Foo 99999 99:99:99", "- La subrayado en la página 1",
         "- Your Highlight on Location 12-3 |", "- | | |", "-", ""]
    )  # fmt: skip
    records = []
    for _ in range(draw(st.integers(0, 6))):
        title = draw(st.sampled_from(["Beans (Green, Ana)", "\ufeffX ()", "(", ""])) + draw(WORDS)
        body = "\n".join(draw(st.lists(WORDS, max_size=3)))
        records.append(f"{title}\n{draw(status)}{draw(WORDS)}\n\n{body}\n")
    separator = draw(st.sampled_from(["==========\n", "==========\r\n", "=====\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return separator.join(records).encode(encoding, "replace") + separator.encode()


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), clippings_text()))
def test_any_clippings_file_gives_books_or_one_clear_error(data: bytes) -> None:
    try:
        books = read_clippings(data, "My Clippings.txt")
    except DistillError as exc:
        one_clear_error(exc)
        return
    assert books and all(book.title.strip() and book.clippings for book in books)


@st.composite
def xml_text(draw: st.DrawFn) -> bytes:
    """Feed- and OPML-shaped XML, sometimes broken, with entities, odd dates and nesting."""
    tag = st.sampled_from(
        ["item", "entry", "title", "guid", "link", "pubDate", "updated", "enclosure", "outline",
         "itunes:duration", "podcast:transcript", "podcast:chapters", "body", "channel"]
    )  # fmt: skip
    attr = st.sampled_from(
        ["", ' url="http://x/a.mp3"', ' xmlUrl="https://e.org/f.xml"', ' href="&amp;"',
         ' type="application/srt"', ' length="-1"', " rel='alternate'"]
    )  # fmt: skip
    inner = []
    for _ in range(draw(st.integers(0, 6))):
        name = draw(tag)
        text = draw(st.sampled_from(["", "&amp;", "&nbsp;", "&bogus;", "<![CDATA[x]]>", "99:99"]))
        inner.append(f"<{name}{draw(attr)}>{text}{draw(WORDS).replace('<', '')}</{name}>")
    depth = draw(st.integers(0, 3000))
    body = "<item>" * depth + "".join(inner) + "</item>" * draw(st.integers(0, depth))
    root = draw(st.sampled_from(["rss", "feed", "rdf:RDF", "opml", "html"]))
    head = draw(st.sampled_from(["", '<?xml version="1.0"?>', "<!DOCTYPE rss>", "\ufeff"]))
    xml = f"{head}<{root}><channel><title>{draw(WORDS)}</title>{body}</channel></{root}>"
    return xml.encode("utf-8", "surrogatepass")


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), xml_text()))
def test_any_feed_or_opml_file_gives_entries_or_one_clear_error(data: bytes) -> None:
    try:
        feed = parse_feed(data, "https://example.org/feed.xml")
    except DistillError as exc:
        one_clear_error(exc)
    else:
        assert all(e.title is not None for e in feed.episodes)
    try:
        listed = parse_opml(data, "feeds.opml")
    except DistillError as exc:
        one_clear_error(exc)
    else:
        assert listed and all(url.startswith(("http://", "https://")) for _, url in listed)


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | WORDS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(WORDS, inner, max_size=3),
    max_leaves=10,
)
SEGMENT = st.fixed_dictionaries(
    {}, optional={"body": JSON_VALUE, "startTime": JSON_VALUE, "endTime": JSON_VALUE,
                  "speaker": JSON_VALUE, "title": JSON_VALUE, "toc": JSON_VALUE}
)  # fmt: skip


@FUZZ
@given(
    doc=st.one_of(
        JSON_VALUE,
        st.fixed_dictionaries({"segments": st.one_of(JSON_VALUE, st.lists(SEGMENT, max_size=5))}),
        st.fixed_dictionaries({"chapters": st.one_of(JSON_VALUE, st.lists(SEGMENT, max_size=5))}),
    ),
    junk=st.sampled_from(["", "]", '{"segments":' + "[" * 5000]),
)
@example(doc={"segments": True, "chapters": 1}, junk="")  # not lists where lists belong
@example(doc={"segments": [{"body": "x", "startTime": "nan"}]}, junk="")
def test_any_podcast_json_gives_segments_or_one_clear_error(doc: object, junk: str) -> None:
    import json

    text = json.dumps(doc, allow_nan=True) + junk if not junk.startswith("{") else junk
    try:
        segments = parse_transcript_json(text)
    except DistillError as exc:
        one_clear_error(exc)
    else:
        assert all(s.text.strip() for s in segments)
        assert all(0 <= s.start <= s.end < float("inf") for s in segments if s.start is not None)
    chapters = parse_chapters_json(text)
    assert all(0 <= start < float("inf") and title for start, title in chapters)


REAL_PDF = paper(1)


@settings(FUZZ, max_examples=60)
@given(
    cuts=st.lists(st.tuples(st.integers(0, len(REAL_PDF)), st.binary(max_size=40)), max_size=4),
    tail=st.binary(max_size=200),
    truncate=st.integers(0, len(REAL_PDF)),
)
# The page tree points at an object that is no page: that page cannot be loaded.
@example(cuts=[(REAL_PDF.index(b"/Kids [") + 7, b"0")], tail=b"", truncate=len(REAL_PDF))
def test_any_damaged_pdf_gives_pages_or_one_clear_error(cuts, tail, truncate) -> None:
    data = bytearray(REAL_PDF[: max(truncate, 8)])
    for at, junk in cuts:
        data[at : at + len(junk)] = junk
    folder = Path(tempfile.mkdtemp(prefix="distill-fuzz-"))
    path = folder / "damaged.pdf"
    path.write_bytes(bytes(data) + tail)
    try:
        transcript = load_pdf_file(str(path))
    except DistillError as exc:
        one_clear_error(exc)
    else:
        assert isinstance(transcript, Transcript) and transcript.segments
    finally:
        path.unlink()
        folder.rmdir()


@st.composite
def html_text(draw: st.DrawFn) -> bytes:
    tag = st.sampled_from(["p", "h1", "h2", "article", "main", "li", "script", "title", "div"])
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        name = draw(tag)
        parts.append(f"<{name}>{draw(WORDS).replace('<', '')} bees and honey</{name}>")
    head = draw(st.sampled_from(["", '<meta charset="bogus">', "<html lang='xx'>", "\ufeff"]))
    return (head + "<body>" + "<div>" * draw(st.integers(0, 2000)) + "".join(parts)).encode(
        draw(st.sampled_from(["utf-8", "utf-16", "latin-1"])), "replace"
    )


@settings(FUZZ, max_examples=60)
@given(data=st.one_of(st.binary(max_size=2000), html_text()))
def test_any_web_page_gives_an_article_or_one_clear_error(data: bytes) -> None:
    try:
        transcript = article_transcript(
            data, url="https://example.org/a", doc_id="a", fallback_title="A"
        )
    except DistillError as exc:
        one_clear_error(exc)
    else:
        assert transcript.segments and all(s.text.strip() for s in transcript.segments)
