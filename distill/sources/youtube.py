"""YouTube videos: captions via youtube-transcript-api, metadata via yt-dlp, audio as a fallback."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from distill.domain import (
    Chapter,
    ProgressFn,
    Segment,
    TextOrigin,
    Transcript,
    VideoMeta,
)
from distill.errors import SourceError
from distill.sources.cleanup import Piece, join_sentences, pieces_from_cue
from distill.sources.registry import SourceHandler
from distill.sources.youtube_errors import (
    PrivateVideoError,
    VideoUnavailableError,
    caption_error,
    metadata_error,
    no_captions,
    watch_url,
)

_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_HOSTS = ("youtube.com", "youtu.be", "youtube-nocookie.com")
_PATH_PREFIXES = ("shorts", "embed", "live", "v", "e")


def parse_video_id(source: str) -> str | None:
    """The 11-character video id of a YouTube URL (any form) or bare id, else None."""
    s = source.strip()
    if _ID.match(s):
        return s
    if not s or any(ch.isspace() for ch in s):
        return None
    if "://" not in s:
        s = ("https:" if s.startswith("//") else "https://") + s
    try:
        url = urlparse(s)
    except ValueError:
        return None
    if url.scheme not in ("http", "https"):
        return None
    host = (url.hostname or "").lower()
    for prefix in ("www.", "m.", "music.", "gaming."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    if host not in _HOSTS:
        return None
    parts = [p for p in url.path.split("/") if p]
    candidate: str | None = None
    if host == "youtu.be":
        candidate = parts[0] if parts else None
    elif parts and parts[0] == "watch":
        values = parse_qs(url.query).get("v")
        candidate = values[0] if values else (parts[1] if len(parts) > 1 else None)
    elif len(parts) >= 2 and parts[0] in _PATH_PREFIXES:
        candidate = parts[1]
    elif parts and parts[0] == "attribution_link":
        # /attribution_link?u=/watch%3Fv%3DID%26feature%3Dshare: the video is inside `u`.
        inner = (parse_qs(url.query).get("u") or [""])[0]
        values = parse_qs(urlparse(inner).query).get("v")
        candidate = values[0] if values else None
    elif not parts:
        values = parse_qs(url.query).get("v")
        candidate = values[0] if values else None
    if candidate:
        # Old embed and share links glue parameters on with '&' instead of '?' (/v/ID&hl=en).
        candidate = candidate.split("&", 1)[0]
    if candidate and _ID.match(candidate):
        return candidate
    return None


def _youtube_host(source: str) -> bool:
    """True when `source` is a URL on a YouTube host (with or without a video in it)."""
    s = source.strip()
    if not s or any(ch.isspace() for ch in s):
        return False
    if "://" not in s:
        s = "https://" + s.lstrip("/")
    try:
        host = (urlparse(s).hostname or "").lower()
    except ValueError:
        return False
    return any(host == h or host.endswith("." + h) for h in _HOSTS)


# --- the two network calls (tests replace these) --------------------------------------------


@dataclass
class CaptionTrack:
    """One caption track of a video; `fetcher(translate_to)` downloads its snippets."""

    language_code: str
    language: str
    is_generated: bool
    translation_languages: list[str] = field(default_factory=list)
    fetcher: Callable[[str | None], list[dict[str, Any]]] = field(repr=False, default=lambda _: [])


def fetch_caption_tracks(video_id: str) -> list[CaptionTrack]:
    """The caption tracks YouTube lists for a video (network: youtube-transcript-api)."""
    from distill.sources.youtube_access import transcript_api

    tracks = []
    for track in transcript_api().list(video_id):

        def fetch(translate_to: str | None, track: Any = track) -> list[dict[str, Any]]:
            chosen = track.translate(translate_to) if translate_to else track
            return [
                {"text": s.text, "start": s.start, "duration": s.duration} for s in chosen.fetch()
            ]

        tracks.append(
            CaptionTrack(
                language_code=track.language_code,
                language=track.language,
                is_generated=track.is_generated,
                translation_languages=[t.language_code for t in track.translation_languages],
                fetcher=fetch,
            )
        )
    return tracks


class _QuietLogger:
    """A yt-dlp logger that drops everything."""

    def debug(self, msg: str) -> None:
        """Drop it."""

    info = warning = error = debug


def fetch_metadata(video_id: str) -> dict[str, Any]:
    """yt-dlp's info dict for a video, without downloading it (network)."""
    from yt_dlp import YoutubeDL

    from distill.sources.youtube_access import ytdlp_options

    options = {
        **ytdlp_options(),
        "skip_download": True,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "noplaylist": True,
        "socket_timeout": 20,
        "extractor_retries": 1,
        # yt-dlp prints "ERROR: ..." even when quiet; our caller turns the exception into one line.
        "logger": _QuietLogger(),
    }
    with YoutubeDL(options) as ydl:  # type: ignore[arg-type]
        info = ydl.extract_info(watch_url(video_id), download=False)
        return dict(ydl.sanitize_info(info) or {})


# --- the real work: choosing a track, mapping metadata -------------------------------------


def _lang_matches(code: str, lang: str) -> bool:
    code, lang = code.lower().replace("_", "-"), lang.lower().replace("_", "-")
    return code == lang or code.split("-")[0] == lang.split("-")[0]


def choose_track(
    tracks: list[CaptionTrack], lang: str | None, *, original: str | None = None
) -> tuple[CaptionTrack, str | None, TextOrigin] | None:
    """Pick (track, translate_to, origin): manual over auto, `lang` if asked, else the original."""
    manual = [t for t in tracks if not t.is_generated]
    auto = [t for t in tracks if t.is_generated]
    if lang:
        for group, origin in ((manual, "manual"), (auto, "auto")):
            exact = [t for t in group if t.language_code.lower() == lang.lower()]
            close = [t for t in group if _lang_matches(t.language_code, lang)]
            if exact or close:
                return (exact or close)[0], None, origin  # type: ignore[return-value]
        # Only reachable by YouTube's machine translation: translate the best original track.
        source_order = _original_order(manual, auto, original)
        for track in source_order:
            targets = [c for c in track.translation_languages if _lang_matches(c, lang)]
            exact_targets = [c for c in targets if c.lower() == lang.lower()]
            if targets:
                return track, (exact_targets or targets)[0], "translated"
    order = _original_order(manual, auto, original)
    if not order:
        return None
    best = order[0]
    return best, None, ("auto" if best.is_generated else "manual")


def _original_order(
    manual: list[CaptionTrack], auto: list[CaptionTrack], original: str | None
) -> list[CaptionTrack]:
    """Tracks most likely in the spoken language first: auto tracks reveal it."""
    spoken = original or (auto[0].language_code if auto else None)
    if spoken:
        same = [t for t in manual if _lang_matches(t.language_code, spoken)]
        rest = [t for t in manual if t not in same]
        return [*same, *rest, *auto]
    return [*manual, *auto]


def snippets_to_segments(snippets: list[dict[str, Any]]) -> list[Segment]:
    """Caption snippets ({text, start, duration}) cleaned and joined into sentence units."""
    from distill.sources.captions import tidy_pieces

    pieces: list[Piece] = []
    for snippet in snippets:
        try:
            start = float(snippet.get("start", 0.0))
            duration = float(snippet.get("duration", 0.0) or 0.0)
        except (TypeError, ValueError):
            continue
        text = str(snippet.get("text", ""))
        pieces.extend(pieces_from_cue(round(start, 3), round(start + duration, 3), text))
    return join_sentences(tidy_pieces(pieces))


def _date(value: Any) -> str | None:
    text = str(value or "")
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    return None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def meta_from_info(video_id: str, info: dict[str, Any]) -> VideoMeta:
    """VideoMeta from a yt-dlp info dict: title, channel, date, duration, views, chapters."""
    chapters = []
    for chapter in info.get("chapters") or []:
        if not isinstance(chapter, dict):
            continue
        title = str(chapter.get("title") or "").strip()
        if title:
            chapters.append(Chapter(title=title, start=_float(chapter.get("start_time"))))
    thumbnail = info.get("thumbnail")
    if not thumbnail and info.get("thumbnails"):
        last = info["thumbnails"][-1]
        thumbnail = last.get("url") if isinstance(last, dict) else None
    language = info.get("language")
    return VideoMeta(
        kind="youtube",
        id=video_id,
        url=watch_url(video_id),
        title=str(info.get("title") or video_id),
        channel=info.get("channel") or info.get("uploader"),
        channel_id=info.get("channel_id") or info.get("uploader_id"),
        duration=_float(info.get("duration")),
        language=str(language) if language else None,
        upload_date=_date(info.get("upload_date")),
        view_count=_int(info.get("view_count")),
        thumbnail=str(thumbnail) if thumbnail else None,
        description=info.get("description"),
        chapters=chapters,
    )


def minimal_meta(video_id: str) -> VideoMeta:
    """What we know of a video whose details could not be fetched: its id and URL."""
    return VideoMeta(kind="youtube", id=video_id, url=watch_url(video_id), title=video_id)


def load_youtube(video_id: str, *, lang: str | None = None, progress: ProgressFn) -> Transcript:
    """A Transcript of a YouTube video: its best caption track, else its transcribed audio."""
    progress("download", 0.0, None)
    try:
        meta = meta_from_info(video_id, fetch_metadata(video_id))
    except Exception as exc:
        meta_err = metadata_error(video_id, exc)
        if isinstance(meta_err, VideoUnavailableError | PrivateVideoError):
            raise meta_err from exc
        # Details are a nicety; captions may still be readable, so carry on with the id only.
        meta = minimal_meta(video_id)

    why = "it has no caption tracks"
    try:
        tracks = fetch_caption_tracks(video_id)
    except Exception as exc:
        error = caption_error(video_id, exc)
        if error is not None:
            raise error from exc
        tracks = []
        why = "captions are turned off for it"
    choice = choose_track(tracks, lang, original=meta.language)
    if choice is not None:
        track, translate_to, origin = choice
        try:
            snippets = track.fetcher(translate_to)
        except Exception as exc:
            error = caption_error(video_id, exc)
            if error is not None:
                raise error from exc
            snippets = []
            why = "its caption track could not be downloaded"
        segments = snippets_to_segments(snippets)
        if segments:
            progress("download", 1.0, 1.0)
            language = translate_to or track.language_code
            if meta.language is None and not translate_to:
                meta = meta.model_copy(update={"language": language})
            if meta.duration is None:
                ends = [s.end for s in segments if s.end is not None]
                meta = meta.model_copy(update={"duration": max(ends) if ends else None})
            return Transcript(meta=meta, language=language, origin=origin, segments=segments)
        why = "its caption track is empty"
    return _transcribe_audio(video_id, meta, why=why, progress=progress)


def _transcribe_audio(
    video_id: str, meta: VideoMeta, *, why: str, progress: ProgressFn
) -> Transcript:
    """Fall back to downloading the audio and transcribing it with Whisper."""
    try:
        from distill.transcribe.youtube_audio import (  # type: ignore[import-not-found]
            transcribe_youtube_audio,
        )
    except ImportError as exc:
        raise no_captions(video_id, f"{why}, and audio transcription is not installed") from exc
    result = transcribe_youtube_audio(video_id, progress=progress)
    raw_segments = getattr(result, "segments", None) or []
    segments: list[Segment] = []
    for seg in raw_segments:
        if isinstance(seg, Segment):
            segments.append(seg)
        elif isinstance(seg, dict):
            segments.append(Segment(**seg))
        else:
            segments.append(
                Segment(
                    start=getattr(seg, "start", None),
                    end=getattr(seg, "end", None),
                    text=str(getattr(seg, "text", "")).strip(),
                )
            )
    segments = [s for s in segments if s.text.strip()]
    if not segments:
        raise no_captions(video_id, f"{why}, and no speech was heard in its audio")
    language = getattr(result, "language", None)
    their_meta = getattr(result, "meta", None)
    if isinstance(their_meta, VideoMeta) and meta.title == video_id and their_meta.title:
        # Our details fetch failed, but the audio download brought the video's details along.
        meta = their_meta.model_copy(update={"kind": "youtube", "id": video_id})
    updates: dict[str, Any] = {}
    if meta.language is None and language:
        updates["language"] = language
    if meta.duration is None:
        duration = getattr(result, "duration", None)
        if duration is None:
            duration = getattr(getattr(result, "meta", None), "duration", None)
        updates["duration"] = duration
    return Transcript(
        meta=meta.model_copy(update=updates),
        language=language,
        origin="whisper",
        segments=segments,
    )


class YouTubeSource(SourceHandler):
    """YouTube videos by URL (every form) or bare 11-character id."""

    name = "youtube"

    def score(self, source: str) -> float:
        video_id = parse_video_id(source)
        if video_id is None:
            # A YouTube link without a video in it: claim it, to explain in load().
            return 0.5 if _youtube_host(source) else 0.0
        if source.strip() == video_id:
            # A bare id could also be a file name; an existing file wins.
            try:
                if Path(source).exists():
                    return 0.0
            except OSError:
                pass
            return 0.9
        return 1.0

    def load(self, source: str, *, lang: str | None, progress: ProgressFn) -> Transcript:
        video_id = parse_video_id(source)
        if video_id is None:
            shown = source if len(source) <= 120 else source[:119] + "\u2026"
            raise SourceError(
                f"'{shown}' is a YouTube link but not to one video (a channel, playlist or "
                "malformed URL); pass the URL of a single video, such as "
                "https://www.youtube.com/watch?v=VIDEO_ID."
            )
        return load_youtube(video_id, lang=lang, progress=progress)
