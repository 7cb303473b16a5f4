"""A summary as a Markdown page: every text from a video or a model made inert, times as links."""

from __future__ import annotations

import re
from collections.abc import Callable

from distill.domain import Summary
from distill.timefmt import clock

# Characters that start Markdown or HTML constructs; escaped so no transcript text becomes markup
# (`<script>`, `<img onerror>`, `<javascript:...>` autolinks, links, emphasis, headings, tables).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!~&])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

LinkFn = Callable[[float], str | None]


def md(text: str | None) -> str:
    """Untrusted text made inert in Markdown: one line, control characters dropped, markup escaped."""
    flat = " ".join(_CONTROL.sub("", text or "").split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


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


def summary_markdown(summary: Summary, link: LinkFn | None = None) -> str:
    """The summary page as Markdown; `link` turns a time into a URL (default: the YouTube moment)."""
    link = link or youtube_link(summary)

    def stamp(start: float) -> str:
        shown = clock(start, pad_minutes=True)
        url = safe_url(link(start))
        return f"[{shown}]({url})" if url else shown

    def at(start: float | None) -> str:
        return "" if start is None else f" ({stamp(start)})"

    src = summary.source
    facts = [md(src.channel)] if src.channel else []
    if src.duration is not None:
        facts.append(clock(src.duration, pad_minutes=True))
    facts += [f"language: {md(summary.language)}", f"model: {md(summary.model)}"]
    lines = [f"# {md(src.title)}", "", " · ".join(facts), ""]
    source_url = safe_url(src.url)
    if source_url:
        lines += [f"<{source_url}>", ""]
    note = summary.fallback_note()
    if note:
        lines += [f"*{md(note)}*", ""]
    lines += ["## TL;DR", "", md(summary.tldr), ""]
    if summary.insights:
        lines += ["## Key Insights", ""]
        lines += [f"- {md(i.emoji)} {md(i.text)}{at(i.start)}" for i in summary.insights]
        lines.append("")
    if summary.qa:
        lines += ["## Questions & Answers", ""]
        for qa in summary.qa:
            lines += [f"**{md(qa.question)}**", "", f"{md(qa.answer)}{at(qa.start)}", ""]
    if summary.takeaways:
        lines += ["## Summary & Key Takeaways", ""]
        lines += [f"- {md(t.text)}{at(t.start)}" for t in summary.takeaways]
        lines.append("")
    if summary.chapters:
        lines += ["## Chapters", ""]
        for c in summary.chapters:
            when = "" if c.start is None else stamp(c.start) + " "
            lines.append(f"- {when}{md(c.title)}")
        lines.append("")
    return "\n".join(lines)
