"""YouTube fallback: fetch a video's audio with yt-dlp and transcribe it with Whisper."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from distill.domain import Chapter, ProgressFn, Transcript, VideoMeta, no_progress
from distill.errors import NetworkError, SourceError, TranscribeError
from distill.files import write_atomic
from distill.transcribe.cache import cache_dir
from distill.transcribe.engine import transcribe
from distill.transcribe.models import DEFAULT_MODEL, model_label

# Smallest audio-only stream still good enough for speech (Whisper hears 16 kHz mono anyway).
AUDIO_FORMAT = "worstaudio[abr>=32]/worstaudio/bestaudio/worst"


def download_audio(
    video_id: str, dest_dir: Path, *, progress: ProgressFn = no_progress
) -> tuple[Path, dict[str, Any]]:
    """Download one video's smallest adequate audio stream into dest_dir; return (file, yt-dlp info)."""
    import yt_dlp

    def hook(d: dict[str, Any]) -> None:
        if d.get("status") == "downloading":
            total = d.get("total_bytes") or d.get("total_bytes_estimate")
            progress(
                "download", float(d.get("downloaded_bytes") or 0), float(total) if total else None
            )

    from distill.sources.youtube_access import ytdlp_options

    opts = {
        **ytdlp_options(),
        "format": AUDIO_FORMAT,
        "outtmpl": str(dest_dir / "%(id)s.%(ext)s"),
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "noplaylist": True,
        "progress_hooks": [hook],
    }
    url = f"https://www.youtube.com/watch?v={video_id}"
    try:
        with yt_dlp.YoutubeDL(opts) as ydl:  # type: ignore[arg-type]
            info = ydl.extract_info(url, download=True)
            path = Path(ydl.prepare_filename(info))
    except yt_dlp.utils.DownloadError as exc:
        raise NetworkError(
            f"The audio of YouTube video {video_id} could not be downloaded ({_short(exc)}); "
            "check your connection and that the video is public, then try again."
        ) from exc
    if not path.exists():
        found = sorted(dest_dir.glob(f"{video_id}.*"))
        if not found:
            raise SourceError(
                f"yt-dlp reported success but no audio file for {video_id} appeared; try again."
            )
        path = found[0]
    return path, dict(info or {})


def meta_from_info(video_id: str, info: dict[str, Any]) -> VideoMeta:
    """VideoMeta from yt-dlp's info dict (every field optional)."""
    upload = info.get("upload_date")
    if isinstance(upload, str) and len(upload) == 8 and upload.isdigit():
        upload = f"{upload[:4]}-{upload[4:6]}-{upload[6:]}"
    else:
        upload = None
    chapters = [
        Chapter(title=str(c.get("title") or ""), start=float(c.get("start_time") or 0.0))
        for c in info.get("chapters") or []
        if c.get("title")
    ]
    duration = info.get("duration")
    views = info.get("view_count")
    return VideoMeta(
        kind="youtube",
        id=video_id,
        url=info.get("webpage_url") or f"https://www.youtube.com/watch?v={video_id}",
        title=str(info.get("title") or video_id),
        channel=info.get("channel") or info.get("uploader"),
        channel_id=info.get("channel_id"),
        duration=float(duration) if duration else None,
        language=info.get("language"),
        upload_date=upload,
        view_count=int(views) if isinstance(views, int | float) else None,
        thumbnail=info.get("thumbnail"),
        description=info.get("description"),
        chapters=chapters,
    )


def _cache_file(video_id: str, model: str, language: str | None) -> Path:
    label = model_label(model).replace("/", "_")[-60:]
    lang = f"-{language}" if language else ""
    return cache_dir() / f"youtube-{video_id}-{label}{lang}.json"


def transcribe_youtube_audio(
    video_id: str, *, progress: ProgressFn = no_progress, language: str | None = None
) -> Transcript:
    """A YouTube video without usable captions: download its audio, transcribe it (origin whisper)."""
    from distill.settings import get_settings

    model = get_settings().whisper_model or DEFAULT_MODEL
    cached = _cache_file(video_id, model, language)
    try:
        return Transcript.model_validate_json(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    with tempfile.TemporaryDirectory(prefix="distill-audio-") as tmp:
        path, info = download_audio(video_id, Path(tmp), progress=progress)
        try:
            result = transcribe(path, model=model, language=language, progress=progress)
        except TranscribeError as exc:
            # The temp file's name means nothing to the user: name the video instead.
            message = str(exc).replace(path.name, f"the audio of YouTube video {video_id}", 1)
            raise TranscribeError(message[0].upper() + message[1:]) from exc
    meta = meta_from_info(video_id, info)
    if meta.duration is None:
        meta.duration = result.duration
    meta.language = meta.language or result.language
    transcript = Transcript(
        meta=meta, language=result.language, origin="whisper", segments=result.segments
    )
    write_atomic(cached, transcript.model_dump_json())
    return transcript


def _short(exc: BaseException) -> str:
    text = str(exc).replace("ERROR: ", "").strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]
