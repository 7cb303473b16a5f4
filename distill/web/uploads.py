"""Accept what a user submits: YouTube URLs only (no other fetches), uploads checked by content."""

from __future__ import annotations

import re
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO

from distill.errors import SourceError

TEXT_EXTS = {".srt", ".vtt", ".json3", ".txt"}


class UploadError(SourceError):
    """An uploaded file or submitted URL was refused; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def youtube_video_id(text: str) -> str | None:
    """The 11-character id of a YouTube URL (any form, YouTube hosts only) or bare id; else None."""
    from distill.sources.youtube import parse_video_id

    return parse_video_id(text)


def canonical_url(text: str) -> str:
    """The canonical watch URL of a YouTube video, else the http(s) URL itself (fetched later only
    through the guarded client); anything else is refused."""
    vid = youtube_video_id(text)
    if vid is not None:
        return f"https://www.youtube.com/watch?v={vid}"
    from distill.sources.http import checked_address

    url = text.strip()
    if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        raise UploadError(
            "Paste a link that starts with http:// or https:// (a video, playlist, channel, "
            "feed, article or PDF), or upload a file."
        )
    checked_address(url)  # bad schemes, credentials and private hosts: refused before queueing
    return url


def sniff_media(head: bytes) -> str | None:
    """The file extension for an audio/video container recognized by its magic bytes, or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return ".wav"
    if head[:4] == b"RIFF" and head[8:11] == b"AVI":
        return ".avi"
    if head[:4] == b"fLaC":
        return ".flac"
    if head[:4] == b"OggS":
        return ".opus" if b"OpusHead" in head[:64] else ".ogg"
    if head[:3] == b"ID3" or (
        len(head) > 1 and head[0] == 0xFF and head[1] in (0xFB, 0xF3, 0xF2, 0xFA)
    ):
        return ".mp3"
    if len(head) > 1 and head[0] == 0xFF and head[1] in (0xF1, 0xF9):
        return ".aac"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith(b"M4A"):
            return ".m4a"
        if brand == b"qt  ":
            return ".mov"
        return ".mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return ".webm" if b"webm" in head[:64] else ".mkv"
    return None


def _decode_head(data: bytes) -> str | None:
    """The start of an upload as text, decoded as the CLI decodes caption files, or None."""
    from distill.sources.captions import decode_caption_bytes

    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # the head cut a character in two
            return body[: exc.start].decode("utf-8")
    try:
        return decode_caption_bytes(data, "upload")
    except SourceError:
        return None


_CLIPPING = re.compile(r"^\s*[-\u2013] .*\|.*$\n?(?:.*\n)*?={8,}\s*$", re.M)


def sniff_text(data: bytes) -> str | None:
    """The extension for caption/transcript text recognized by its content, or None if not text.

    A Kindle clippings file is `.clippings`; a PDF is `.pdf`.
    """
    if b"%PDF-" in data[:1024]:
        return ".pdf"
    text = _decode_head(data)
    if text is None:
        return None
    stripped = text.lstrip().replace("\ufeff", "").replace("\r\n", "\n")
    if not stripped:
        return None
    if re.search(r"^={8,}\s*$", stripped[:20000], re.M) and _CLIPPING.search(stripped[:20000]):
        return ".clippings"
    if stripped.startswith("WEBVTT"):
        return ".vtt"
    if stripped.startswith("{") and '"events"' in stripped[:2000]:
        return ".json3"
    if re.search(r"^\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", stripped[:2000], re.M):
        return ".srt"
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text[:10000])
    if printable / max(1, len(text[:10000])) < 0.98:
        return None
    return ".txt"


def safe_stem(filename: str | None) -> str:
    """A harmless file stem from the user's file name (letters, digits, - and _ only)."""
    name = Path(filename or "upload").name
    for ext in (".en.srt", ".en.vtt"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    stem = Path(name).stem
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:60]
    return stem or "upload"


def store_upload(
    stream: BinaryIO, filename: str | None, media_dir: Path, *, max_media: int, max_text: int
) -> Path:
    """Copy an upload under a random directory name, check its type by content and its size."""
    head = stream.read(65536)
    ext = sniff_media(head)
    limit, setting = max_media, "DISTILL_MAX_UPLOAD_MB"
    if ext is None:
        ext = sniff_text(head)
        if ext != ".pdf":  # a PDF may be as large as any upload; text files are smaller
            limit, setting = max_text, "DISTILL_MAX_CAPTION_MB"
    if ext is None:
        raise UploadError(
            "That file is neither audio/video (wav, mp3, m4a, flac, ogg, mp4, webm, mkv), a PDF, "
            "Kindle clippings nor caption or transcript text (srt, vtt, json3, txt); upload one "
            "of those.",
            status=415,
        )
    folder = media_dir / "uploads" / secrets.token_hex(16)
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / (safe_stem(filename) + ext)
    size = len(head)
    try:
        with dest.open("wb") as out:
            out.write(head)
            while size <= limit:
                chunk = stream.read(1 << 20)
                if not chunk:
                    break
                size += len(chunk)
                out.write(chunk)
        if size > limit:
            raise UploadError(
                f"The file is larger than the upload limit of {limit // (1 << 20)} MB; "
                f"upload a smaller file or raise {setting}.",
                status=413,
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return dest
