"""Where an item of a summary or a highlight is (a second, a page, a paragraph) and its link.

Any kind of source fits: media have seconds, PDFs pages, articles and books paragraphs; an item
without a place has none and is shown without one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from distill.timefmt import clock


@dataclass(frozen=True)
class Moment:
    """The place an item refers to: seconds from the start, else a page, else a paragraph."""

    start: float | None = None
    page: int | None = None
    paragraph: int | None = None

    @classmethod
    def of(cls, item: Any) -> Moment:
        """The moment of a summary item, chapter, highlight or citation (any of its anchors)."""
        return cls(
            start=getattr(item, "start", None),
            page=getattr(item, "page", None),
            paragraph=getattr(item, "paragraph", None),
        )

    @property
    def empty(self) -> bool:
        return self.start is None and self.page is None and self.paragraph is None

    def label(self) -> str:
        """12:03, p. 4 or ¶ 7; '' when the item has no place."""
        if self.start is not None:
            return clock(self.start, pad_minutes=True)
        if self.page is not None:
            return f"p. {self.page}"
        if self.paragraph is not None:
            return f"¶ {self.paragraph}"
        return ""

    def seconds(self) -> int | None:
        """Whole seconds from the start, when the item has a time."""
        return None if self.start is None else int(self.start)


PlaceLink = Callable[[Moment], str | None]


def time_links(link: Callable[[float], str | None]) -> PlaceLink:
    """A link for each moment with a time (none for pages and paragraphs)."""
    return lambda m: None if m.start is None else link(m.start)


def page_links(page_url: str) -> PlaceLink:
    """Links into a distill page: ?t= seeks the player, #page-N and #p-N scroll to the text."""

    def link(m: Moment) -> str | None:
        if m.start is not None:
            return f"{page_url}?t={int(m.start)}"
        if m.page is not None:
            return f"{page_url}#page-{m.page}"
        if m.paragraph is not None:
            return f"{page_url}#p-{m.paragraph}"
        return None

    return link


def source_links(kind: str, video_id: str, page_url: str | None) -> PlaceLink:
    """The best link for a moment of a stored document: a YouTube video's time opens YouTube,
    anything else opens its distill page (when there is a public address), else nothing."""
    on_page = page_links(page_url) if page_url else None

    def link(m: Moment) -> str | None:
        if m.start is not None and kind == "youtube":
            return f"https://youtu.be/{video_id}?t={int(m.start)}"
        return on_page(m) if on_page is not None else None

    return link
