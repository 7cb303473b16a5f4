"""Podcasts: a feed (or an OPML file of feeds) expands into episodes; an episode loads its own
transcript and chapters when the feed links them, else its enclosure is downloaded and transcribed.

An episode's source string is the feed URL with `#episode=<key>`, so a job can load it later from
the feed alone. Every fetch goes through the guarded client.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from urllib.parse import urldefrag, urljoin

from distill.domain import Chapter, ProgressFn, Segment, Transcript, VideoMeta
from distill.errors import SourceError
from distill.files import sha256_text
from distill.sources import feeds, http
from distill.sources.registry import Collection, Entry, SourceHandler, file_path, slugify

_FEED_PATH = re.compile(r"(?:\.(?:rss|atom|xml)$|/(?:feed|feeds|rss|atom|podcast)(?:/|\.|$))", re.I)
_EPISODE = re.compile(r"#episode=([0-9a-f]{12})$")
# Transcript formats by preference: times and speakers first, plain text last, HTML never.
_TRANSCRIPT_TYPES = {
    "application/json": "json",
    "text/vtt": "vtt",
    "application/srt": "srt",
    "application/x-subrip": "srt",
    "text/srt": "srt",
    "text/plain": "txt",
}
_PREFERENCE = ("json", "vtt", "srt", "txt")
TRANSCRIPT_LIMIT = 10 * 1024 * 1024


def episode_source(feed_url: str, key: str) -> str:
    """The source string of one episode of a feed."""
    return f"{urldefrag(feed_url)[0]}#episode={key}"


def show_slug(feed: feeds.Feed) -> str:
    return slugify(feed.title, max_len=30)


def episode_id(feed: feeds.Feed, episode: feeds.Episode) -> str:
    """The library id of an episode: a slug of its show plus its key."""
    return f"{show_slug(feed)}-{episode.key[:10]}"


def feed_channel_id(feed_url: str) -> str:
    """The channel id of a show: stable for its feed URL."""
    return f"feed-{sha256_text(urldefrag(feed_url)[0])[:12]}"


def feed_collection(url: str, data: bytes) -> Collection:
    """The episodes of a feed (newest first) as entries for jobs."""
    feed = feeds.parse_feed(data, url)
    entries = [
        Entry(
            source=episode_source(url, e.key),
            id=episode_id(feed, e),
            title=e.title,
            published=e.published,
        )
        for e in feed.episodes
    ]
    return Collection(source=url, title=feed.title, kind="feed", entries=entries)


def fetch_feed(url: str) -> bytes:
    """A feed's bytes through the guarded client."""
    accept = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
    return http.fetch(url, accept=accept).content


def _opml_collection(path: Path, limit: int | None, since: str | None) -> Collection:
    listed = feeds.parse_opml(path.read_bytes(), path.name)
    entries: list[Entry] = []
    for _title, url in listed:
        found = feed_collection(url, fetch_feed(url)).entries
        found = [e for e in found if since is None or not e.published or e.published >= since]
        entries.extend(found[:limit] if limit else found)
    return Collection(source=str(path), title=path.stem, kind="opml", entries=entries)


def _pick_transcript(episode: feeds.Episode) -> tuple[feeds.Transcript, str] | None:
    options = []
    for t in episode.transcripts:
        fmt = _TRANSCRIPT_TYPES.get(t.type) or {
            ".json": "json",
            ".vtt": "vtt",
            ".srt": "srt",
            ".txt": "txt",
        }.get(Path(urldefrag(t.url)[0]).suffix.lower())
        if fmt:
            options.append((_PREFERENCE.index(fmt), t, fmt))
    if not options:
        return None
    _, chosen, fmt = min(options, key=lambda o: o[0])
    return chosen, fmt


def parse_transcript_json(text: str) -> list[Segment]:
    """Segments of a Podcasting 2.0 JSON transcript (word or phrase segments), joined into sentences."""
    from distill.sources.cleanup import Piece, join_sentences

    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # bad syntax, or nested too deeply to read
        raise SourceError(
            "The episode's JSON transcript is not valid JSON; the feed's transcript is broken."
        ) from None
    found = data.get("segments") if isinstance(data, dict) else None
    pieces: list[Piece] = []
    for seg in found if isinstance(found, list) else []:
        if not isinstance(seg, dict):
            continue
        body = " ".join(str(seg.get("body") or "").split())
        try:
            start = float(seg["startTime"])
            end = max(start, float(seg.get("endTime", start)))
        except (KeyError, TypeError, ValueError, OverflowError):
            continue
        if not 0 <= start <= end < math.inf:  # NaN, infinities and negative times say nothing
            continue
        if body:
            speaker = seg.get("speaker")
            new_turn = bool(pieces) and speaker != pieces[-1].speaker
            pieces.append(Piece(start, end, body, str(speaker) if speaker else None, new_turn))
    return join_sentences(pieces)


def transcript_segments(text: str, fmt: str) -> list[Segment]:
    """Segments of a transcript file in the feed's format (json, vtt, srt, txt)."""
    from distill.sources.captions import parse_caption_text

    if fmt == "json":
        return parse_transcript_json(text)
    return parse_caption_text(text, fmt)


def _episode_meta(feed_url: str, feed: feeds.Feed, episode: feeds.Episode) -> VideoMeta:
    return VideoMeta(
        kind="episode",
        id=episode_id(feed, episode),
        url=episode.link or episode.enclosure_url,
        title=episode.title,
        channel=feed.title,
        channel_id=feed_channel_id(feed_url),
        duration=episode.duration,
        language=feed.language,
        upload_date=episode.published,
        thumbnail=episode.image or feed.image,
        description=episode.description,
        author=episode.author or feed.author,
        feed=feed_url,
        chapters=[Chapter(title=t, start=s) for s, t in episode.chapters],
    )


def load_episode(source: str, *, lang: str | None, progress: ProgressFn) -> Transcript:
    """One episode of a feed: its own transcript and chapters, else its transcribed audio."""
    match = _EPISODE.search(source)
    if match is None:
        raise SourceError(f"'{source}' names no episode; pass a feed URL to list its episodes.")
    feed_url = source[: match.start()]
    progress("download", 0.0, None)
    feed = feeds.parse_feed(fetch_feed(feed_url), feed_url)
    episode = next((e for e in feed.episodes if e.key == match.group(1)), None)
    if episode is None:
        raise SourceError(
            f"The episode is no longer in the feed {feed_url} (removed, or the feed keeps only "
            "its newest items); pick another episode."
        )
    meta = _episode_meta(feed_url, feed, episode)
    if episode.chapters_url:
        meta = meta.model_copy(
            update={"chapters": _fetch_chapters(feed_url, episode) or meta.chapters}
        )
    picked = _pick_transcript(episode)
    if picked is not None:
        item, fmt = picked
        data = http.fetch(urljoin(feed_url, item.url), limit=TRANSCRIPT_LIMIT)
        from distill.sources.captions import decode_caption_bytes

        segments = transcript_segments(decode_caption_bytes(data.content, "transcript"), fmt)
        if segments:
            progress("download", 1.0, 1.0)
            language = item.language or feed.language
            return Transcript(meta=meta, language=language, origin="file", segments=segments)
    return _transcribe_enclosure(feed_url, meta, episode, lang=lang, progress=progress)


def _fetch_chapters(feed_url: str, episode: feeds.Episode) -> list[Chapter]:
    try:
        data = http.fetch(urljoin(feed_url, episode.chapters_url or ""), limit=TRANSCRIPT_LIMIT)
    except SourceError:
        return []  # chapters are a nicety: the episode reads without them
    text = data.content.decode("utf-8", errors="replace")
    return [Chapter(title=t, start=s) for s, t in feeds.parse_chapters_json(text)]


def _transcribe_enclosure(
    feed_url: str,
    meta: VideoMeta,
    episode: feeds.Episode,
    *,
    lang: str | None,
    progress: ProgressFn,
) -> Transcript:
    """Download the episode's audio through the guard (size-limited) and transcribe it."""
    from distill.settings import get_settings
    from distill.sources.media import sniff

    if not episode.enclosure_url:
        raise SourceError(
            f"Episode {episode.title!r} has neither a transcript nor an audio file in its feed; "
            "there is nothing to summarize."
        )
    kind = (episode.enclosure_type or "").lower()
    if kind and not kind.startswith(("audio/", "video/")) and kind != "application/octet-stream":
        raise SourceError(
            f"Episode {episode.title!r} links a {kind} file, not audio; distill can only "
            "transcribe audio or video."
        )
    settings = get_settings()
    folder = settings.media_dir / "episodes"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(urldefrag(episode.enclosure_url)[0].split("?")[0]).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", suffix):
        suffix = ".audio"
    dest = folder / f"{meta.id}{suffix}"
    if not dest.is_file():
        progress("download", 0.0, None)
        http.download(
            urljoin(feed_url, episode.enclosure_url),
            dest,
            limit=max(1, settings.max_enclosure_mb) * 1024 * 1024,
        )
    if not sniff(dest):
        dest.unlink(missing_ok=True)
        raise SourceError(
            f"The file episode {episode.title!r} links is not audio or video; the feed is "
            "broken, so there is nothing to transcribe."
        )
    progress("download", 1.0, 1.0)
    from distill.transcribe.cache import transcribe_cached

    result = transcribe_cached(dest, language=lang, progress=progress)
    meta = meta.model_copy(
        update={
            "path": str(dest),
            "duration": result.duration or meta.duration,
            "language": result.language or meta.language,
        }
    )
    return Transcript(
        meta=meta, language=result.language, origin="whisper", segments=result.segments
    )


class FeedSource(SourceHandler):
    """Feed URLs that look like feeds, local feed files and OPML files: collections of episodes."""

    name = "feed"
    extensions = frozenset({".opml", ".rss"})

    def score(self, source: str) -> float:
        if _EPISODE.search(source):
            return 0.0
        if http.is_web_url(source):
            from distill.sources.youtube import _youtube_host

            if _youtube_host(source):
                return 0.0
            return 0.6 if _FEED_PATH.search(urldefrag(source)[0].split("?")[0]) else 0.0
        return 0.9 if Path(source).suffix.lower() in self.extensions else 0.0

    def expand(self, source: str, *, limit: int | None, since: str | None) -> Collection | None:
        if http.is_web_url(source):
            return feed_collection(source, fetch_feed(source))
        path = file_path(source, kind="OPML or feed")
        if path.suffix.lower() == ".opml":
            return _opml_collection(path, limit, since)
        raise SourceError(
            f"{path.name} is a feed file; pass the feed's URL instead, so its episodes can be "
            "fetched later."
        )

    def load(self, source: str, *, lang: str | None, progress: ProgressFn) -> Transcript:
        raise SourceError(
            f"'{source}' is a feed, not one episode; summarize its episodes with `distill "
            f"summarize {source} --limit N`, or follow it with `distill follow {source}`."
        )


class EpisodeSource(SourceHandler):
    """One episode of a feed: `<feed URL>#episode=<key>` (what a feed expands into)."""

    name = "episode"
    stages = ("download", "transcribe")

    def score(self, source: str) -> float:
        return 1.0 if http.is_web_url(source) and _EPISODE.search(source) else 0.0

    def load(self, source: str, *, lang: str | None, progress: ProgressFn) -> Transcript:
        return load_episode(source, lang=lang, progress=progress)
