"""Web articles: the main text and its metadata (trafilatura), one segment per paragraph."""

from __future__ import annotations

import re
from typing import Any, cast

from distill.domain import Chapter, Segment, Transcript, VideoMeta
from distill.errors import SourceError

_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_LIST_ITEM = re.compile(r"^\s*[-*]\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1")


def decode_html(data: bytes, charset: str | None) -> str:
    """A page's text: the HTTP charset when it names a real codec, else trafilatura's own detection."""
    if charset:
        try:
            return data.decode(charset, errors="replace")
        except LookupError:
            pass
    from trafilatura.utils import decode_file

    text = decode_file(data)
    return text if isinstance(text, str) else data.decode("utf-8", errors="replace")


def _clean_line(line: str) -> str:
    line = _LIST_ITEM.sub("", line)
    line = _EMPHASIS.sub(r"\2", line)
    return " ".join(line.split())


def extract_article(html: str | bytes, *, url: str | None = None) -> dict[str, Any]:
    """{title, author, date, site, language, paragraphs: [(heading or None, text)]} of a page."""
    import trafilatura

    if isinstance(html, bytes):
        html = decode_html(html, None)
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        favor_precision=False,
    )
    if doc is None:
        return {"paragraphs": []}
    doc = cast(Any, doc)
    paragraphs: list[tuple[str | None, str]] = []
    heading: str | None = None
    for raw in (doc.text or "").splitlines():
        match = _HEADING.match(raw)
        if match:
            heading = _clean_line(match.group(2)) or heading
            continue
        text = _clean_line(raw)
        if text:
            paragraphs.append((heading, text))
            heading = None
    return {
        "title": (doc.title or "").strip() or None,
        "author": (doc.author or "").strip() or None,
        "date": doc.date if doc.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.date) else None,
        "site": (doc.sitename or "").strip() or None,
        "language": (doc.language or "").strip() or None,
        "description": (doc.description or "").strip() or None,
        "image": doc.image if doc.image and doc.image.startswith(("http://", "https://")) else None,
        "paragraphs": paragraphs,
    }


def article_transcript(
    html: str | bytes, *, url: str, doc_id: str, fallback_title: str
) -> Transcript:
    """A Transcript of an article: one segment per paragraph (anchor `paragraph`), headings as
    chapters; a SourceError when the page has no main text."""
    found = extract_article(html, url=url)
    paragraphs = found["paragraphs"]
    if not paragraphs or sum(len(t.split()) for _, t in paragraphs) < 20:
        raise SourceError(
            f"'{url}' has no article text distill could find (it may be a home page, a login "
            "wall or built by JavaScript); pass the URL of one article, or save the page as a "
            "PDF and pass that."
        )
    segments: list[Segment] = []
    chapters: list[Chapter] = []
    for number, (heading, text) in enumerate(paragraphs, start=1):
        if heading:
            chapters.append(Chapter(title=heading, paragraph=number))
        segments.append(Segment(text=text, paragraph=number))
    language = found.get("language")
    meta = VideoMeta(
        kind="article",
        id=doc_id,
        url=url,
        title=found.get("title") or fallback_title,
        channel=found.get("site"),
        author=found.get("author"),
        upload_date=found.get("date"),
        language=language,
        description=found.get("description"),
        thumbnail=found.get("image"),
        chapters=chapters,
    )
    return Transcript(meta=meta, language=language, origin="file", segments=segments)
