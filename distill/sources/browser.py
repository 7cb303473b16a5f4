"""Text the user's own browser sent (the extension): a YouTube video's captions read on its watch
page, or a web page's HTML. Nothing here contacts YouTube or the page's site; the caller has
already checked sizes and formats, these only turn the pieces into a Transcript."""

from __future__ import annotations

from dataclasses import dataclass, field

from distill.domain import Chapter, Transcript, VideoMeta
from distill.errors import SourceError
from distill.sources.youtube import snippets_to_segments
from distill.sources.youtube_errors import watch_url

VIA_BROWSER = "browser"  # VideoMeta.via of a text the extension sent


@dataclass(frozen=True)
class Cue:
    """One caption cue as the watch page has it: start and duration in seconds, its text."""

    start: float
    duration: float
    text: str


@dataclass(frozen=True)
class BrowserCaptions:
    """A YouTube video's captions and metadata as read on its watch page."""

    video_id: str
    title: str
    cues: list[Cue]
    language: str | None = None
    generated: bool = False  # YouTube's speech recognition ("auto") rather than written captions
    channel: str | None = None
    channel_id: str | None = None
    duration: float | None = None
    chapters: list[tuple[str, float]] = field(default_factory=list)


def captions_transcript(captions: BrowserCaptions) -> Transcript:
    """A Transcript of captions sent by the browser, recorded as coming from it."""
    snippets = [{"start": c.start, "duration": c.duration, "text": c.text} for c in captions.cues]
    segments = snippets_to_segments(snippets)
    if not segments:
        raise SourceError(
            f"the captions sent for {captions.video_id} have no words; pick a caption track "
            "with text in the player and try again."
        )
    meta = VideoMeta(
        kind="youtube",
        id=captions.video_id,
        url=watch_url(captions.video_id),
        title=captions.title.strip() or captions.video_id,
        channel=captions.channel,
        channel_id=captions.channel_id,
        duration=captions.duration,
        language=captions.language,
        chapters=[Chapter(title=t, start=s) for t, s in captions.chapters],
        via=VIA_BROWSER,
    )
    return Transcript(
        meta=meta,
        language=captions.language,
        origin="auto" if captions.generated else "manual",
        segments=segments,
    )


def page_transcript(html: str, *, url: str, title: str | None = None) -> Transcript:
    """A Transcript of a web page's HTML as the browser shows it (behind a login too), stored
    under the same id the page would get if distill fetched it."""
    from urllib.parse import urlsplit

    from distill.sources.article import article_transcript
    from distill.sources.web import url_id

    host = urlsplit(url).hostname or "web page"
    found = article_transcript(html, url=url, doc_id=url_id(url), fallback_title=title or host)
    meta = found.meta.model_copy(update={"url": url, "via": VIA_BROWSER})
    if title and title.strip() and found.meta.title == host:
        meta = meta.model_copy(update={"title": title.strip()})
    return found.model_copy(update={"meta": meta})
