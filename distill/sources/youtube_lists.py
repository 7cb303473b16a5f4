"""YouTube playlists and channels: expanded into their videos with yt-dlp's flat extraction."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from distill.domain import ProgressFn, Transcript
from distill.errors import SourceError
from distill.sources.registry import Collection, Entry, SourceHandler
from distill.sources.youtube import _youtube_host, parse_video_id, watch_url
from distill.sources.youtube_errors import metadata_error

_CHANNEL_PATH = re.compile(r"^/(@[\w.\-%]+|channel/UC[\w-]{22}|c/[^/]+|user/[^/]+)(/.*)?$")
_PLAYLIST_ID = re.compile(r"^[A-Za-z0-9_-]{10,64}$")


def list_url(source: str) -> tuple[str, str] | None:
    """(canonical URL, "playlist" or "channel") of a YouTube playlist or channel URL, else None.

    A watch URL with a `list=` parameter is a video, not a playlist. A channel URL means its
    uploads (the /videos tab).
    """
    s = source.strip()
    if not _youtube_host(s) or parse_video_id(s) is not None:
        return None
    if "://" not in s:
        s = "https://" + s.lstrip("/")
    url = urlparse(s)
    if url.path.rstrip("/") == "/playlist":
        values = parse_qs(url.query).get("list") or []
        if values and _PLAYLIST_ID.match(values[0]):
            return f"https://www.youtube.com/playlist?list={values[0]}", "playlist"
        return None
    match = _CHANNEL_PATH.match(url.path)
    if match is None:
        return None
    tab = (match.group(2) or "").strip("/")
    tab = tab if tab in ("videos", "shorts", "streams") else "videos"
    return f"https://www.youtube.com/{match.group(1)}/{tab}", "channel"


def fetch_flat(url: str, limit: int | None) -> dict[str, Any]:
    """yt-dlp's flat listing of a playlist or channel tab (network; tests replace this)."""
    from yt_dlp import YoutubeDL

    from distill.sources.youtube import _QuietLogger
    from distill.sources.youtube_access import ytdlp_options

    options: dict[str, Any] = {
        **ytdlp_options(),
        "extract_flat": "in_playlist",
        "skip_download": True,
        "quiet": True,
        "no_warnings": True,
        "socket_timeout": 20,
        "logger": _QuietLogger(),
    }
    if limit:
        options["playlistend"] = limit
    with YoutubeDL(options) as ydl:  # type: ignore[arg-type]
        info = ydl.extract_info(url, download=False)
        return dict(ydl.sanitize_info(info) or {})


def _date(entry: dict[str, Any]) -> str | None:
    text = str(entry.get("upload_date") or "")
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    stamp = entry.get("timestamp") or entry.get("release_timestamp")
    if isinstance(stamp, int | float):
        from datetime import UTC, datetime

        return datetime.fromtimestamp(stamp, UTC).date().isoformat()
    return None


def collection_from_info(url: str, kind: str, info: dict[str, Any]) -> Collection:
    """The videos of a flat listing, in the order YouTube gives them (newest first for channels)."""
    entries: list[Entry] = []
    seen: set[str] = set()

    def walk(items: Any) -> None:
        for item in items or []:
            if not isinstance(item, dict):
                continue
            if item.get("_type") == "playlist" and item.get("entries"):
                walk(item["entries"])  # a channel's tabs nest their own listings
                continue
            video_id = str(item.get("id") or "")
            if parse_video_id(video_id) != video_id or video_id in seen:
                continue
            seen.add(video_id)
            entries.append(
                Entry(
                    source=watch_url(video_id),
                    id=video_id,
                    title=str(item.get("title") or video_id),
                    published=_date(item),
                )
            )

    walk(info.get("entries"))
    title = str(info.get("title") or info.get("channel") or info.get("uploader") or url)
    return Collection(source=url, title=title, kind=kind, entries=entries)


def list_error(url: str, kind: str, exc: BaseException) -> SourceError:
    """One sentence for a playlist or channel yt-dlp could not list."""
    from distill.errors import NetworkError
    from distill.sources.youtube_errors import YouTubeBlockedError

    error = metadata_error(kind, exc)
    if isinstance(error, NetworkError) and not isinstance(error, YouTubeBlockedError):
        return NetworkError(
            f"Could not reach YouTube to list the {kind} {url} (no network connection); check "
            "your internet connection and try again."
        )
    if isinstance(error, YouTubeBlockedError):
        return YouTubeBlockedError(
            f"YouTube refused to list the {kind} {url} to this IP address (too many requests); "
            "wait a while, or try from another network."
        )
    first = (str(exc).replace("ERROR:", "").strip().splitlines() or [type(exc).__name__])[0]
    return SourceError(
        f"Could not list the YouTube {kind} {url} ({first[:120]}); check the address in a "
        "browser and try again."
    )


class YouTubeListSource(SourceHandler):
    """YouTube playlists and channels (`/@handle`, `/channel/UC…`, `/c/…`, `/user/…`, their tabs)."""

    name = "youtube-list"

    def score(self, source: str) -> float:
        return 0.95 if list_url(source) is not None else 0.0

    def expand(self, source: str, *, limit: int | None, since: str | None) -> Collection | None:
        found = list_url(source)
        if found is None:
            return None
        url, kind = found
        try:
            info = fetch_flat(url, limit)
        except Exception as exc:
            raise list_error(url, kind, exc) from exc
        collection = collection_from_info(url, kind, info)
        if not collection.entries:
            raise SourceError(
                f"The YouTube {kind} {url} lists no videos (it is empty, private or the "
                "address is wrong); check it in a browser."
            )
        return collection

    def load(self, source: str, *, lang: str | None, progress: ProgressFn) -> Transcript:
        raise SourceError(
            f"'{source}' is a YouTube playlist or channel, not one video; summarize its videos "
            f"with `distill summarize {source} --limit N`, or follow it with `distill follow`."
        )
