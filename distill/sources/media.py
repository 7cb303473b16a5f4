"""Audio and video files: transcribed locally with Whisper, cached by content hash."""

from __future__ import annotations

from pathlib import Path

from distill.domain import ProgressFn, Transcript, VideoMeta, no_progress
from distill.sources.registry import SourceHandler, file_path, local_file_id, prettify, register
from distill.transcribe.audio import MEDIA_EXTENSIONS

# File signatures of common media containers, for files with a missing or odd extension.
_MAGIC: tuple[tuple[int, bytes], ...] = (
    (0, b"RIFF"),  # wav, avi
    (0, b"ID3"),  # mp3 with tags
    (0, b"fLaC"),
    (0, b"OggS"),
    (0, b"\x1a\x45\xdf\xa3"),  # matroska / webm
    (4, b"ftyp"),  # mp4, m4a, mov
    (0, b"FORM"),  # aiff
)


def sniff(path: Path) -> bool:
    """Whether the first bytes of a file look like a media container (cheap)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    if head[:2] == b"\xff\xfb" or head[:2] == b"\xff\xf3" or head[:2] == b"\xff\xf1":
        return True  # mp3 / adts frames without tags
    return any(head[off : off + len(sig)] == sig for off, sig in _MAGIC)


def media_score(source: str) -> float:
    """How sure we are that `source` is a local audio/video file (0 = not at all)."""
    if "://" in source:
        return 0.0
    path = Path(source).expanduser()
    suffix = path.suffix.lower()
    if suffix in MEDIA_EXTENSIONS:
        return 0.9 if path.is_file() else 0.5
    if path.is_file() and sniff(path):
        return 0.6
    return 0.0


def load_media(
    source: str | Path, *, lang: str | None = None, progress: ProgressFn = no_progress
) -> Transcript:
    """Transcribe a local audio/video file (or reuse its cached transcript) into a Transcript."""
    from distill.files import sha256_file
    from distill.sources.sidecar import info_json_path, read_info_json
    from distill.transcribe.cache import transcribe_cached

    path = file_path(str(source), kind="audio or video").resolve()
    sidecar = info_json_path(path.stem, path.parent)
    info = read_info_json(sidecar) if sidecar is not None else None  # a bad one fails first
    digest = sha256_file(path)
    result = transcribe_cached(path, language=lang, progress=progress, digest=digest)
    meta = VideoMeta(
        kind="media",
        id=local_file_id(path, digest=digest),
        title=prettify(path.stem),
        duration=result.duration,
        path=str(path),
        language=result.language,
    )
    if info is not None:
        from distill.sources.sidecar import apply_info

        meta = apply_info(meta, info)
    return Transcript(
        meta=meta, language=result.language, origin="whisper", segments=result.timed_segments()
    )


def transcribe_source(
    source: str, *, lang: str | None = None, progress: ProgressFn = no_progress
) -> Transcript:
    """Speech to text for a local media file, or a YouTube video's audio (always Whisper)."""
    from distill.errors import SourceError
    from distill.sources.youtube import parse_video_id

    if source.startswith("file://"):
        from urllib.parse import unquote, urlparse

        source = unquote(urlparse(source).path)
    path = Path(source).expanduser()
    video_id = None if path.exists() else parse_video_id(source)
    if video_id is not None:
        from distill.transcribe.youtube_audio import transcribe_youtube_audio

        return transcribe_youtube_audio(video_id, progress=progress, language=lang)
    if "://" in source:
        raise SourceError(
            f"{source!r} is not a YouTube URL or a local file; pass the path of an audio or "
            "video file, or a YouTube video URL."
        )
    return load_media(path, lang=lang, progress=progress)


class MediaSource(SourceHandler):
    """Audio and video files (wav, mp3, m4a, flac, ogg, opus, webm, mp4, mkv, mov, ...)."""

    name = "media"
    extensions = MEDIA_EXTENSIONS

    def score(self, source: str) -> float:
        return media_score(source)

    def load(self, source: str, *, lang: str | None, progress: ProgressFn) -> Transcript:
        return load_media(source, lang=lang, progress=progress)


register(MediaSource())
