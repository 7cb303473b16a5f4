"""How YouTube videos fail, one error per way, and the mapping of library errors to ours."""

from __future__ import annotations

from distill.errors import DistillError, NetworkError, SourceError

# --- errors, one per way a video can fail --------------------------------------------------


class VideoUnavailableError(SourceError):
    """The video does not exist, was removed, or the id is wrong."""


class PrivateVideoError(SourceError):
    """The video is private."""


class AgeRestrictedError(SourceError):
    """The video needs a signed-in, age-verified account."""


class RegionBlockedError(SourceError):
    """The video is not available in this country."""


class NoCaptionsError(SourceError):
    """The video has no usable captions and could not be transcribed."""


class YouTubeBlockedError(NetworkError):
    """YouTube refuses requests from this IP address."""


def watch_url(video_id: str) -> str:
    """The canonical watch URL of a video id."""
    return f"https://www.youtube.com/watch?v={video_id}"


def _unavailable(video_id: str) -> VideoUnavailableError:
    return VideoUnavailableError(
        f"YouTube video {video_id} is unavailable (removed, or the ID is wrong); check the URL "
        "and try again."
    )


def _private(video_id: str) -> PrivateVideoError:
    return PrivateVideoError(
        f"YouTube video {video_id} is private, so distill cannot read it; ask its owner to make "
        "it public or unlisted, or pass its captions or audio as a file."
    )


def _age_restricted(video_id: str) -> AgeRestrictedError:
    return AgeRestrictedError(
        f"YouTube video {video_id} is age-restricted and cannot be read without signing in; "
        "download its captions or audio yourself and pass the file instead."
    )


def _region_blocked(video_id: str) -> RegionBlockedError:
    return RegionBlockedError(
        f"YouTube video {video_id} is not available in this country; pass its captions or audio "
        "as a file instead."
    )


def _blocked(video_id: str) -> YouTubeBlockedError:
    return YouTubeBlockedError(
        f"YouTube refused to serve video {video_id} to this IP address (too many requests, or a "
        "cloud server's address); set DISTILL_YOUTUBE_PROXY or DISTILL_YOUTUBE_COOKIES, or "
        "summarize it from the watch page with the distill browser extension."
    )


def _offline(video_id: str) -> NetworkError:
    return NetworkError(
        f"Could not reach YouTube to fetch video {video_id} (no network connection); check your "
        "internet connection and try again."
    )


def no_captions(video_id: str, why: str) -> NoCaptionsError:
    return NoCaptionsError(
        f"YouTube video {video_id} has no captions and its audio could not be transcribed "
        f"({why}); pass a caption, transcript or audio file of it instead."
    )


# --- URL parsing -----------------------------------------------------------------------------


# --- mapping library errors to ours ----------------------------------------------------------


def _is_offline(exc: BaseException) -> bool:
    """True for connection-level failures: DNS, refused, unreachable, timeouts."""
    try:
        import requests

        if isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.Timeout):
            return True
    except ImportError:  # pragma: no cover - requests comes with youtube-transcript-api
        pass
    return isinstance(exc, ConnectionError | TimeoutError) or (
        isinstance(exc, OSError) and exc.errno is not None
    )


def caption_error(video_id: str, exc: BaseException) -> DistillError | None:
    """Our error for a youtube-transcript-api failure; None means "no captions" (try audio)."""
    if isinstance(exc, DistillError):
        return exc
    name = type(exc).__name__
    names = {cls.__name__ for cls in type(exc).__mro__}
    if _is_offline(exc):
        return _offline(video_id)
    if name in ("VideoUnavailable", "InvalidVideoId"):
        return _unavailable(video_id)
    if name == "AgeRestricted":
        return _age_restricted(video_id)
    if "RequestBlocked" in names or name == "TooManyRequests":
        return _blocked(video_id)
    if name == "VideoUnplayable":
        reason = " ".join(
            [str(getattr(exc, "reason", "") or ""), *(getattr(exc, "sub_reasons", None) or [])]
        )
        return _unplayable(video_id, reason)
    if name in ("TranscriptsDisabled", "NoTranscriptFound", "NoTranscriptAvailable"):
        return None
    if name in ("PoTokenRequired", "NotTranslatable", "TranslationLanguageNotAvailable"):
        return None
    if name == "YouTubeRequestFailed":
        reason = str(getattr(exc, "reason", "") or "")
        short = reason.split(" for url")[0][:80] or "an HTTP error"
        return NetworkError(
            f"YouTube answered with an error while fetching video {video_id} ({short}); "
            "try again later."
        )
    if name == "YouTubeDataUnparsable":
        return SourceError(
            f"YouTube sent a page for video {video_id} that could not be understood; upgrade "
            "youtube-transcript-api (pip install -U youtube-transcript-api) and try again."
        )
    return SourceError(
        f"Could not get captions for YouTube video {video_id} ({name}); try again later, or pass "
        "its captions or audio as a file."
    )


def _unplayable(video_id: str, reason: str) -> DistillError:
    lowered = reason.lower()
    if "private" in lowered:
        return _private(video_id)
    if "country" in lowered or "region" in lowered or "geo" in lowered:
        return _region_blocked(video_id)
    if "age" in lowered or "inappropriate" in lowered:
        return _age_restricted(video_id)
    if "bot" in lowered:
        return _blocked(video_id)
    if "unavailable" in lowered or "removed" in lowered or "terminated" in lowered:
        return _unavailable(video_id)
    shown = " ".join(reason.split())[:100] or "no reason given"
    return SourceError(
        f"YouTube will not play video {video_id} ({shown}); pass its captions or audio as a file "
        "instead."
    )


def metadata_error(video_id: str, exc: BaseException) -> DistillError:
    """Our error for a yt-dlp failure, recognised by its message text."""
    if isinstance(exc, DistillError):
        return exc
    text = str(exc)
    lowered = text.lower()
    if "private video" in lowered or "video is private" in lowered:
        return _private(video_id)
    if "confirm your age" in lowered or "age-restricted" in lowered or "inappropriate" in lowered:
        return _age_restricted(video_id)
    if "not a bot" in lowered or "http error 429" in lowered or "too many requests" in lowered:
        return _blocked(video_id)
    if "country" in lowered or "geo restrict" in lowered or "geo-restrict" in lowered:
        return _region_blocked(video_id)
    offline_marks = (
        "name or service not known",
        "temporary failure in name resolution",
        "network is unreachable",
        "connection refused",
        "timed out",
        "nodename nor servname",
        "no route to host",
        "failed to resolve",
        "errno -",
        "connection reset",
    )
    if any(mark in lowered for mark in offline_marks) or (
        "unable to download" in lowered and "urlopen error" in lowered
    ):
        return _offline(video_id)
    if _is_offline(exc):
        return _offline(video_id)
    if (
        "video unavailable" in lowered
        or "has been removed" in lowered
        or "does not exist" in lowered
        or "incomplete youtube id" in lowered
        or "this video is not available" in lowered
    ):
        return _unavailable(video_id)
    first = text.replace("ERROR:", "").strip().splitlines()[0][:120] if text.strip() else ""
    return SourceError(
        f"Could not read YouTube video {video_id}'s details ({first or type(exc).__name__}); "
        "try again later."
    )
