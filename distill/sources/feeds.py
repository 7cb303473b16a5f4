"""Reading podcast feeds (RSS 2.0, Atom, the Podcasting 2.0 and Podlove tags) and OPML, safely.

No network here. A document that declares XML entities is refused (defusedxml finds them); HTML
entity names that sloppy feeds use (`&nbsp;`) become character references; the tree is then
built by lxml in recover mode with entities and the network off, so a feed that is not quite
well-formed (an undeclared `podcast:` prefix, a stray `&`) still reads.
"""

from __future__ import annotations

import html.entities
import math
import re
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from distill.errors import SourceError

MAX_ITEMS = 5000  # a feed with more items keeps its first (newest) ones

NAMESPACES = {
    "https://podcastindex.org/namespace/1.0": "podcast",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": "podcast",
    "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": "podcast",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://podlove.org/simple-chapters": "psc",
    "http://podlove.org/simple-chapters/": "psc",
    "http://www.w3.org/2005/Atom": "atom",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://search.yahoo.com/mrss/": "media",
    "http://purl.org/dc/elements/1.1/": "dc",
}
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_ENTITY_REF = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[[^\]]*\])?\s*>", re.I)


class FeedError(SourceError):
    """A feed that cannot be read: not XML, not a feed, or dangerous."""


@dataclass
class Transcript:
    """A `<podcast:transcript>`: where it is and in which format."""

    url: str
    type: str = ""
    language: str | None = None
    rel: str | None = None


@dataclass
class Episode:
    """One item of a feed."""

    key: str
    guid: str | None
    title: str
    published: str | None = None  # YYYY-MM-DD
    link: str | None = None
    description: str | None = None
    enclosure_url: str | None = None
    enclosure_type: str | None = None
    duration: float | None = None
    transcripts: list[Transcript] = field(default_factory=list)
    chapters_url: str | None = None
    chapters: list[tuple[float, str]] = field(default_factory=list)  # Podlove simple chapters
    author: str | None = None
    image: str | None = None


@dataclass
class Feed:
    """A podcast or blog feed: the show and its episodes, newest first."""

    url: str
    title: str
    link: str | None = None
    language: str | None = None
    author: str | None = None
    image: str | None = None
    copyright: str | None = None
    episodes: list[Episode] = field(default_factory=list)
    live_items: int = 0


def _name(tag: Any) -> tuple[str, str]:
    """(namespace family, local name) of an element tag, for bound and unbound prefixes alike."""
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return NAMESPACES.get(uri, NAMESPACES.get(uri.rstrip("/"), uri)), local
    if ":" in tag:
        prefix, _, local = tag.partition(":")
        return prefix.lower(), local
    return "", tag


def _children(element: Any, family: str, local: str) -> list[Any]:
    return [c for c in element if _name(c.tag) == (family, local)]


def _child(element: Any, family: str, local: str) -> Any:
    found = _children(element, family, local)
    return found[0] if found else None


def _text(element: Any) -> str | None:
    if element is None:
        return None
    text = " ".join("".join(element.itertext()).split())
    return text or None


def _date(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return text[:10]
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def parse_clock(text: str | None) -> float | None:
    """Seconds from `1:02:03.4`, `62:03`, `3723` or `3723.4`; None when it is none of those."""
    if not text:
        return None
    parts = text.strip().split(":")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    if not values or len(values) > 3 or any(v < 0 for v in values):
        return None
    seconds = 0.0
    for value in values:
        seconds = seconds * 60 + value
    return seconds


def _defuse(data: bytes, shown: str) -> bytes:
    """The bytes made safe to parse: entity declarations refused, HTML entity names converted."""
    import defusedxml.ElementTree as safe_tree
    from defusedxml import DefusedXmlException

    data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    head = data[:4096].lower()
    if b"<!entity" in data.lower():
        raise FeedError(
            f"{shown} declares XML entities, which distill refuses to expand (they are used to "
            "attack XML readers); ask the publisher for a plain feed."
        )
    try:
        safe_tree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FeedError(
            f"{shown} uses XML entities or external references, which distill refuses to "
            "follow; ask the publisher for a plain feed."
        ) from None
    except Exception:
        pass  # not well-formed: the lenient reader below deals with it
    if b"<!doctype" in head:
        data = _DOCTYPE.sub(b"", data, count=1)

    def replace(match: re.Match[bytes]) -> bytes:
        name = match.group(1).decode("ascii")
        if name in _XML_ENTITIES:
            return match.group(0)
        point = html.entities.name2codepoint.get(name)
        return f"&#{point};".encode() if point is not None else b"&amp;" + match.group(0)[1:]

    return _ENTITY_REF.sub(replace, data)


def parse_xml(data: bytes, shown: str) -> Any:
    """The root element of an XML document read safely and leniently, or a FeedError."""
    from lxml import etree

    if not data.strip():
        raise FeedError(f"{shown} is empty; check the address of the feed.")
    cleaned = _defuse(data, shown)
    parser = etree.XMLParser(
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(cleaned, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise FeedError(f"{shown} is not XML, so it is not a feed; check the address.")
    return root


def feed_kind(root: Any) -> str | None:
    """ "rss", "atom", "rdf" or "opml" for the root element of a document, else None."""
    _, local = _name(root.tag)
    local = local.lower()
    if local in ("rss", "feed", "opml"):
        return {"rss": "rss", "feed": "atom", "opml": "opml"}[local]
    if local == "rdf":
        return "rdf"
    return None


def episode_key(guid: str | None, enclosure: str | None, title: str, link: str | None) -> str:
    """A short stable key of an item: the hash of its GUID, else its enclosure, link or title."""
    from distill.files import sha256_text

    basis = (guid or "").strip() or (enclosure or "").strip() or (link or "").strip() or title
    return sha256_text(basis)[:12]


def _rss_item(item: Any) -> Episode:
    title = _text(_child(item, "", "title")) or _text(_child(item, "itunes", "title")) or "Untitled"
    guid = _text(_child(item, "", "guid"))
    link = _text(_child(item, "", "link"))
    enclosure = _child(item, "", "enclosure")
    enc_url = enc_type = None
    if enclosure is not None and enclosure.get("url"):
        enc_url = enclosure.get("url").strip()
        enc_type = (enclosure.get("type") or "").strip().lower() or None
    description = _text(_child(item, "itunes", "summary")) or _text(_child(item, "", "description"))
    transcripts = [
        Transcript(
            url=t.get("url").strip(),
            type=(t.get("type") or "").strip().lower(),
            language=t.get("language"),
            rel=t.get("rel"),
        )
        for t in _children(item, "podcast", "transcript")
        if t.get("url")
    ]
    chapters_el = _child(item, "podcast", "chapters")
    psc: list[tuple[float, str]] = []
    for group in _children(item, "psc", "chapters"):
        for chapter in _children(group, "psc", "chapter"):
            start = parse_clock(chapter.get("start"))
            title_attr = " ".join((chapter.get("title") or "").split())
            if start is not None and title_attr:
                psc.append((start, title_attr))
    image = _child(item, "itunes", "image")
    return Episode(
        key=episode_key(guid, enc_url, title, link),
        guid=guid,
        title=title,
        published=_date(_text(_child(item, "", "pubDate")) or _text(_child(item, "dc", "date"))),
        link=link,
        description=description,
        enclosure_url=enc_url,
        enclosure_type=enc_type,
        duration=parse_clock(_text(_child(item, "itunes", "duration"))),
        transcripts=transcripts,
        chapters_url=(chapters_el.get("url") or "").strip() or None
        if chapters_el is not None
        else None,
        chapters=psc,
        author=_text(_child(item, "itunes", "author")),
        image=image.get("href") if image is not None else None,
    )


def _atom_entry(entry: Any) -> Episode:
    title = _text(_child(entry, "atom", "title")) or "Untitled"
    guid = _text(_child(entry, "atom", "id"))
    link = enc_url = enc_type = None
    for el in _children(entry, "atom", "link"):
        rel = (el.get("rel") or "alternate").lower()
        if rel == "enclosure" and el.get("href") and enc_url is None:
            enc_url, enc_type = el.get("href").strip(), (el.get("type") or "").lower() or None
        elif rel == "alternate" and el.get("href") and link is None:
            link = el.get("href").strip()
    published = _text(_child(entry, "atom", "published")) or _text(_child(entry, "atom", "updated"))
    return Episode(
        key=episode_key(guid, enc_url, title, link),
        guid=guid,
        title=title,
        published=_date(published),
        link=link,
        description=_text(_child(entry, "atom", "summary"))
        or _text(_child(entry, "atom", "content")),
        enclosure_url=enc_url,
        enclosure_type=enc_type,
    )


def parse_feed(data: bytes, url: str, *, shown: str | None = None) -> Feed:
    """A Feed from the bytes of an RSS, Atom or RSS 1.0 document; a FeedError when it is none."""
    shown = shown or f"'{url}'"
    root = parse_xml(data, shown)
    kind = feed_kind(root)
    if kind not in ("rss", "atom", "rdf"):
        raise FeedError(
            f"{shown} is XML but not an RSS or Atom feed; pass the address of the podcast's feed."
        )
    if kind == "atom":
        channel = root
        items = _children(root, "atom", "entry")
        title = _text(_child(root, "atom", "title"))
        episodes = [_atom_entry(e) for e in items[:MAX_ITEMS]]
        link = next(
            (
                el.get("href")
                for el in _children(root, "atom", "link")
                if (el.get("rel") or "alternate") == "alternate"
            ),
            None,
        )
        feed = Feed(url=url, title=title or url, link=link, language=root.get("lang"))
    else:
        channel = _child(root, "", "channel") if kind == "rss" else root
        if channel is None:
            raise FeedError(f"{shown} is an RSS document without a channel; it has no episodes.")
        items = _children(channel, "", "item") or _children(root, "", "item")
        episodes = [_rss_item(i) for i in items[:MAX_ITEMS]]
        image = _child(channel, "itunes", "image")
        feed = Feed(
            url=url,
            title=_text(_child(channel, "", "title")) or url,
            link=_text(_child(channel, "", "link")),
            language=_text(_child(channel, "", "language")),
            author=_text(_child(channel, "itunes", "author")),
            image=image.get("href") if image is not None else None,
            copyright=_text(_child(channel, "", "copyright")),
        )
        feed.live_items = len(_children(channel, "podcast", "liveItem"))
    del channel
    for e in episodes:  # relative addresses are relative to the feed
        e.enclosure_url = urljoin(url, e.enclosure_url) if e.enclosure_url else None
        e.link = urljoin(url, e.link) if e.link else None
        e.chapters_url = urljoin(url, e.chapters_url) if e.chapters_url else None
        for t in e.transcripts:
            t.url = urljoin(url, t.url)
    # Newest first (feeds are usually in that order already; a serial show keeps its order).
    if any(e.published for e in episodes):
        episodes.sort(key=lambda e: e.published or "", reverse=True)
    feed.episodes = episodes
    return feed


def parse_opml(data: bytes, shown: str) -> list[tuple[str, str]]:
    """(title, feed URL) of every feed an OPML file lists."""
    root = parse_xml(data, shown)
    if feed_kind(root) != "opml":
        raise FeedError(
            f"{shown} is not an OPML file (its root is not <opml>); pass an OPML export."
        )
    feeds: list[tuple[str, str]] = []
    for outline in root.iter():
        if _name(outline.tag)[1].lower() != "outline":
            continue
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url.startswith(("http://", "https://")) and url not in [u for _, u in feeds]:
            feeds.append(
                (" ".join((outline.get("title") or outline.get("text") or url).split()), url)
            )
    if not feeds:
        raise FeedError(f"{shown} lists no feeds (no outline with an xmlUrl); export it again.")
    return feeds


def parse_chapters_json(text: str) -> list[tuple[float, str]]:
    """(start, title) of a Podcasting 2.0 JSON chapters file, in order; toc=false ones skipped."""
    import json

    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # bad syntax, or nested too deeply to read
        return []
    found = data.get("chapters") if isinstance(data, dict) else None
    chapters: list[tuple[float, str]] = []
    for chapter in found if isinstance(found, list) else []:
        if not isinstance(chapter, dict) or chapter.get("toc") is False:
            continue
        title = " ".join(str(chapter.get("title") or "").split())
        try:
            start = float(chapter.get("startTime"))  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            continue
        if title and 0 <= start < math.inf:
            chapters.append((start, title))
    return sorted(chapters)
