"""A summary as a Markdown page: every text from a video or a model made inert, times as links.

The pieces (`summary_sections`, `highlights_markdown`) are shared by the page download and the
Obsidian note, so there is one rendering of a summary in Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from distill.domain import Highlight, Summary
from distill.exports.moments import Moment, PlaceLink, time_links
from distill.timefmt import clock

# Characters that start Markdown or HTML constructs; escaped so no transcript text becomes markup
# (`<script>`, `<img onerror>`, `<javascript:...>` autolinks, links, emphasis, headings, tables).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!~&])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

LinkFn = Callable[[float], str | None]
EscapeFn = Callable[[str | None], str]


def md(text: str | None) -> str:
    """Untrusted text made inert in Markdown: one line, control characters dropped, markup escaped."""
    flat = " ".join(_CONTROL.sub("", text or "").split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def plain_line(text: str | None) -> str:
    """Untrusted text as one plain line: control and bidi-override characters dropped."""
    return " ".join(_CONTROL.sub("", text or "").split())


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) URL that can sit inside <...>, else None."""
    if not url or not url.lower().startswith(("https://", "http://")):
        return None
    if any(c in url for c in "<> \t\r\n\"'`") or _CONTROL.search(url):
        return None
    return url


def youtube_link(summary: Summary) -> LinkFn:
    """Times as links that open the YouTube video at that second (none for other sources)."""

    def link(start: float) -> str | None:
        if summary.source.kind != "youtube":
            return None
        return f"https://youtu.be/{summary.source.id}?t={int(start)}"

    return link


def page_link(page_url: str) -> LinkFn:
    """Times as links to a distill page that seeks to that second."""
    return lambda start: f"{page_url}?t={int(start)}"


def stamp(moment: Moment, place: PlaceLink) -> str:
    """Where an item is (12:03, p. 4, ¶ 7), as a link when `place` gives it one."""
    shown = moment.label()
    url = safe_url(place(moment))
    return f"[{shown}]({url})" if url and shown else shown


def summary_sections(summary: Summary, place: PlaceLink, esc: EscapeFn = md) -> list[str]:
    """The TL;DR, insights, questions, takeaways and chapters as Markdown lines."""

    def at(item: object) -> str:
        shown = stamp(Moment.of(item), place)
        return f" ({shown})" if shown else ""

    note = summary.fallback_note()  # a model's summary mostly replaced by the built-in one
    lines = [f"*{esc(note)}*", ""] if note else []
    lines += ["## TL;DR", "", esc(summary.tldr), ""]
    if summary.insights:
        lines += ["## Key Insights", ""]
        lines += [f"- {esc(i.emoji)} {esc(i.text)}{at(i)}" for i in summary.insights]
        lines.append("")
    if summary.qa:
        lines += ["## Questions & Answers", ""]
        for qa in summary.qa:
            lines += [f"**{esc(qa.question)}**", "", f"{esc(qa.answer)}{at(qa)}", ""]
    if summary.takeaways:
        lines += ["## Summary & Key Takeaways", ""]
        lines += [f"- {esc(t.text)}{at(t)}" for t in summary.takeaways]
        lines.append("")
    if summary.chapters:
        lines += ["## Chapters", ""]
        for c in summary.chapters:
            when = stamp(Moment.of(c), place)
            lines.append(f"- {when + ' ' if when else ''}{esc(c.title)}")
        lines.append("")
    return lines


def summary_markdown(
    summary: Summary, link: LinkFn | None = None, *, place: PlaceLink | None = None
) -> str:
    """The summary page as Markdown; `link` turns a time into a URL (default: the YouTube moment),
    `place` any moment (time, page, paragraph)."""
    place = place or time_links(link or youtube_link(summary))
    src = summary.source
    facts = [md(src.channel)] if src.channel else []
    if src.duration is not None:
        facts.append(clock(src.duration, pad_minutes=True))
    facts += [f"language: {md(summary.language)}", f"model: {md(summary.model)}"]
    lines = [f"# {md(src.title)}", "", " · ".join(facts), ""]
    source_url = safe_url(src.url)
    if source_url:
        lines += [f"<{source_url}>", ""]
    lines += summary_sections(summary, place)
    return "\n".join(lines)


def highlight_lines(
    highlights: Sequence[Highlight], place: PlaceLink, esc: EscapeFn = md
) -> list[str]:
    """The reader's highlights and notes as Markdown list items (every text made inert)."""
    lines = []
    for h in highlights:
        where = stamp(Moment.of(h), place)
        line = f"- {where + ' ' if where else ''}“{esc(h.quote)}”"
        if h.note:
            line += f" — {esc(h.note)}"
        if h.tags:
            line += " " + " ".join(f"\\#{esc(t)}" for t in h.tags)
        lines.append(line)
    return lines


def highlights_markdown(
    highlights: Sequence[Highlight],
    link: LinkFn | None = None,
    *,
    place: PlaceLink | None = None,
) -> str:
    """The reader's highlights and notes as a Markdown section ('' when there are none)."""
    if not highlights:
        return ""
    place = place or time_links(link or (lambda start: None))
    return "\n".join(["", "## Highlights", "", *highlight_lines(highlights, place)]) + "\n"
