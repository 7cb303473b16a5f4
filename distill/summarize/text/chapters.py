"""The source's own chapters: from its metadata, or from the chapter lines of its description."""

from __future__ import annotations

import html
import re

from distill.domain import Chapter, VideoMeta

# "1:02:03", "12:08", "0:00": a time on a line of its own words, not part of a longer number.
_TIME = re.compile(r"(?<![\d:.])(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?![\d:])")
_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</p>|</div>|</li>", re.IGNORECASE)
# What separates a time from its title: dashes, colons, bars, dots and brackets around it.
_SEPARATORS = " \t-–—:|·•"
MAX_TITLE = 100


def _plain(description: str) -> str:
    """The description as plain lines (descriptions saved as HTML have <br> and links)."""
    if "<" in description and ">" in description:
        description = _TAG.sub("", _BREAK.sub("\n", description))
    return html.unescape(description)


def _seconds(m: re.Match[str]) -> int:
    hours = int(m.group(1) or 0)
    return hours * 3600 + int(m.group(2)) * 60 + int(m.group(3))


def _title(line: str, m: re.Match[str]) -> str:
    """The line without its time and the separators next to it; spaces collapsed."""
    before = line[: m.start()].rstrip(_SEPARATORS)
    after = line[m.end() :].lstrip(_SEPARATORS)
    return " ".join(f"{before} {after}".split())


def description_chapters(description: str | None, duration: float | None = None) -> list[Chapter]:
    """Chapters from the lines of a description that hold one time each ("00:36 - Intro").

    They count only as a list: at least two such lines, times rising, within the duration when
    it is known; otherwise the times are something else ("from 13:30 outside the venue").
    """
    if not description:
        return []
    found: list[Chapter] = []
    for line in _plain(description).splitlines():
        times = list(_TIME.finditer(line))
        if len(times) != 1:
            continue
        at = _seconds(times[0])
        title = _title(line, times[0])
        if not title or len(title) > MAX_TITLE or (duration is not None and at > duration):
            continue
        if found and at <= (found[-1].start or 0.0):
            return []  # times that do not rise are no table of contents
        found.append(Chapter(title=title, start=float(at)))
    return found if len(found) >= 2 else []


def source_chapters(meta: VideoMeta) -> list[Chapter]:
    """The chapters the source gives: its metadata's, else its description's chapter lines."""
    if meta.chapters:
        return list(meta.chapters)
    return description_chapters(meta.description, meta.duration)
