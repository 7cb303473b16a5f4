"""One stored document as every export sees it: what it is, its summary, the reader's highlights."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from distill.domain import Highlight, Summary, VideoMeta
from distill.exports.moments import PlaceLink, source_links

# What each kind of source is called in other apps; a kind not listed is called by its name.
SOURCE_TYPES = {
    "youtube": "video",
    "media": "recording",
    "captions": "video",
    "article": "article",
    "pdf": "pdf",
    "episode": "podcast",
    "book": "book",
}
_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")


@dataclass(frozen=True)
class ExportDoc:
    """A document to export: its record, its summary in its own language (if any), highlights."""

    meta: VideoMeta
    summary: Summary | None
    highlights: list[Highlight] = field(default_factory=list)
    public_url: str | None = None  # this server's public address, for links to its pages

    @property
    def page_url(self) -> str | None:
        """The document's distill page, when the server has a public address."""
        return f"{self.public_url}/v/{self.meta.id}" if self.public_url else None

    @property
    def source_type(self) -> str:
        return SOURCE_TYPES.get(self.meta.kind, self.meta.kind)

    @property
    def author(self) -> str | None:
        """Who made it: an article's or book's author, else the channel."""
        return self.meta.author or self.meta.channel

    @property
    def date(self) -> str | None:
        """The publication date as ISO 8601 (YYYY-MM-DD), when known and valid."""
        found = _DATE.match((self.meta.upload_date or "").strip())
        if not found:
            return None
        year, month, day = found.groups()
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            return None
        return f"{year}-{month}-{day}"

    def place(self) -> PlaceLink:
        """Links for the moments of this document (YouTube times, else its distill page)."""
        return source_links(self.meta.kind, self.meta.id, self.page_url)
