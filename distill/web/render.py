"""Turn domain objects into what the templates show: times, paragraphs, Markdown, JSON-LD."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from distill.domain import Chapter, Highlight, Segment, Summary, VideoMeta
from distill.library.models import SegmentRow
from distill.timefmt import clock, iso_duration

AUDIO_EXTS = {".wav", ".mp3", ".m4a", ".flac", ".ogg", ".opus", ".aac", ".oga"}
MEDIA_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".avi": "video/x-msvideo",
    ".pdf": "application/pdf",
}
DOCUMENT_KINDS = ("article", "pdf", "book")
SCHEMA_TYPES = {
    "article": "Article",
    "pdf": "DigitalDocument",
    "book": "Book",
    "episode": "PodcastEpisode",
}

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
    "it": "Italiano",
    "pt": "Português",
    "nl": "Nederlands",
    "ru": "Русский",
    "ja": "日本語",
    "zh": "中文",
    "ko": "한국어",
    "ar": "العربية",
    "hi": "हिन्दी",
    "pl": "Polski",
    "tr": "Türkçe",
    "uk": "Українська",
}
OFFERED_LANGUAGES = ["en", "es", "fr", "de", "pt", "it", "ja", "zh"]


def fmt_time(seconds: float | None) -> str:
    """Seconds as m:ss or h:mm:ss; empty when unknown."""
    return clock(seconds)


def fmt_views(count: int | None) -> str:
    if count is None:
        return ""
    return f"{count:,} view" + ("" if count == 1 else "s")


def language_name(code: str | None) -> str:
    if not code:
        return ""
    return LANGUAGE_NAMES.get(code.split("-")[0].lower(), code)


def media_type(path: str | None) -> str:
    if not path:
        return "application/octet-stream"
    return MEDIA_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def is_audio(path: str | None) -> bool:
    return bool(path) and Path(str(path)).suffix.lower() in AUDIO_EXTS


@dataclass
class Paragraph:
    """A run of transcript segments shown together under one time."""

    start: float | None
    segments: list[Segment | SegmentRow] = field(default_factory=list)
    chapter: str | None = None


def paragraphs(
    segments: Sequence[Segment | SegmentRow],
    chapters: list[Chapter] | None = None,
    *,
    span: float = 45.0,
) -> list[Paragraph]:
    """Group segments into readable paragraphs: break at chapters, or after ~span seconds at a sentence end."""
    starts = sorted(
        ((c.start, c.title) for c in chapters or [] if c.start is not None), key=lambda x: x[0]
    )
    out: list[Paragraph] = []
    current: Paragraph | None = None
    chapter_i = 0
    words = 0
    for seg in segments:
        title = None
        while (
            chapter_i < len(starts) and seg.start is not None and seg.start >= starts[chapter_i][0]
        ):
            title = starts[chapter_i][1]
            chapter_i += 1
        long_enough = current is not None and (
            (
                seg.start is not None
                and current.start is not None
                and seg.start - current.start >= span
                and current.segments[-1].text.rstrip().endswith((".", "?", "!", "…"))
            )
            or words >= 140
            or (current.start is None and len(current.segments) >= 6)
        )
        if current is None or title is not None or long_enough:
            current = Paragraph(start=seg.start, chapter=title)
            out.append(current)
            words = 0
        current.segments.append(seg)
        words += len(seg.text.split())
    return out


def _ts(video_id: str, start: float | None, lang: str | None) -> str:
    if start is None:
        return ""
    shown = escape(fmt_time(start))
    query = f"&amp;lang={escape(lang)}" if lang else ""
    return (
        f'<a class="ts" href="/v/{escape(video_id)}?t={int(start)}{query}" '
        f'data-t="{start:.2f}" aria-label="Play from {shown}">{shown}</a>'
    )


def paragraphs_html(paras: Sequence[Paragraph], video_id: str, lang: str | None) -> Markup:
    """The transcript's paragraphs as the `para` macro of _macros.html writes them, in Python.

    A long transcript is most of a video page: writing it here takes about a third of the time
    the macro takes (tests/web/test_render.py checks both write the same).
    """
    out: list[str] = []
    for p in paras:
        out.append('<div class="para">')
        if p.chapter:
            out.append(f'<h3 class="para-chapter">{escape(p.chapter)}</h3>')
        out.append(f"<p>{_ts(video_id, p.start, lang)} ")
        for seg in p.segments:
            start = "" if seg.start is None else f' data-start="{seg.start:.2f}"'
            if seg.end is not None:  # where a highlight of this line ends
                start += f' data-end="{seg.end:.2f}"'
            speaker = f'<b class="speaker">{escape(seg.speaker)}:</b> ' if seg.speaker else ""
            out.append(f'<span class="seg"{start}>{speaker}{escape(seg.text)}</span> ')
        out.append("</p></div>")
    return Markup("".join(out))


def is_document(kind: str) -> bool:
    """Whether a kind is read (pages, paragraphs) rather than played (seconds)."""
    return kind in DOCUMENT_KINDS


@dataclass
class Block:
    """A paragraph of an article, a page of a PDF or a highlight of a book, as shown."""

    number: int
    text: str
    heading: str | None = None
    fragment: str | None = None  # the original's URL with a text fragment, for articles
    # A PDF page in order: (is a heading, text); headings inside the page stay where they are.
    parts: list[tuple[bool, str]] = field(default_factory=list)


def text_fragment_url(url: str | None, text: str) -> str | None:
    """The original's URL scrolled to a passage: `#:~:text=<first words>,<last words>`."""
    from urllib.parse import quote

    safe = safe_http_url(url)
    if not safe:
        return None
    words = text.split()
    if not words:
        return safe
    start = quote(" ".join(words[:5]), safe="")
    if len(words) <= 10:
        return f"{safe.split('#')[0]}#:~:text={start}"
    end = quote(" ".join(words[-4:]), safe="")
    return f"{safe.split('#')[0]}#:~:text={start},{end}"


def document_blocks(
    meta: VideoMeta, segments: Sequence[Any], chapters: list[Chapter] | None
) -> list[Block]:
    """The text of an article (paragraphs), PDF (pages) or book (highlights), with headings."""
    blocks: dict[int, Block] = {}
    titles = {(c.page, c.title) for c in meta.chapters}
    for seg in segments:
        number = seg.page if meta.kind == "pdf" else seg.paragraph
        if number is None:
            continue
        block = blocks.setdefault(number, Block(number=number, text=""))
        is_heading = meta.kind == "pdf" and (seg.page, seg.text) in titles
        if is_heading or not block.parts or block.parts[-1][0]:
            block.parts.append((is_heading, seg.text))
        else:
            block.parts[-1] = (False, block.parts[-1][1] + " " + seg.text)
        block.text = (block.text + " " + seg.text).strip()
    if meta.kind == "pdf":
        return [blocks[n] for n in sorted(blocks)]
    for chapter in chapters or []:
        number = chapter.page if meta.kind == "pdf" else chapter.paragraph
        if number in blocks and blocks[number].heading is None:
            blocks[number].heading = chapter.title
    if meta.kind == "article":
        for block in blocks.values():
            block.fragment = text_fragment_url(meta.url, block.text)
    return [blocks[n] for n in sorted(blocks)]


def source_label(source: str) -> str:
    """What to call a job's source on a page: the URL, or only the uploaded file's name."""
    if source.startswith(("http://", "https://")):
        return source
    return Path(source).name


def job_error(source: str, error: str | None) -> str | None:
    """The job's error without the server's storage path of the upload in it."""
    if error and not source.startswith(("http://", "https://")):
        return error.replace(source, source_label(source))
    return error


def json_for_script(data: Any) -> str:
    """JSON safe to place inside a <script> element (no '</script>', no HTML comment openers)."""
    text = json.dumps(data, ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def video_jsonld(
    meta: VideoMeta,
    summary: Summary | None,
    page_url: str,
    media_url: str | None,
    highlights: list[Highlight] | None = None,
) -> str:
    """schema.org VideoObject for the page, serialized for a JSON-LD script element."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(meta.kind, "VideoObject"),
        "name": meta.title,
        "url": page_url,
        "description": (summary.tldr if summary else None) or meta.description or meta.title,
    }
    thumbnail = safe_http_url(meta.thumbnail)
    if thumbnail:
        data["thumbnailUrl"] = [thumbnail]
    if meta.upload_date:
        data["uploadDate"] = meta.upload_date
    if meta.duration:
        data["duration"] = iso_duration(meta.duration)
    if meta.kind == "youtube":
        data["embedUrl"] = f"https://www.youtube.com/embed/{meta.id}"
        if safe_http_url(meta.url):
            data["contentUrl"] = meta.url
    elif media_url:
        data["contentUrl"] = media_url
    if meta.channel:
        data["author"] = {"@type": "Person", "name": meta.channel}
    if meta.view_count is not None:
        data["interactionStatistic"] = {
            "@type": "InteractionCounter",
            "interactionType": {"@type": "WatchAction"},
            "userInteractionCount": meta.view_count,
        }
    notes = [h for h in highlights or [] if h.note]
    if notes:
        # A reader's notes as comments on the moments they are about (escaped like all text here).
        data["comment"] = [
            {
                "@type": "Comment",
                "text": h.note,
                "url": page_url if h.start is None else f"{page_url}?t={int(h.start)}",
            }
            for h in notes[:50]
        ]
    return json_for_script(data)


def safe_http_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: stored URLs never become javascript: links."""
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return None
