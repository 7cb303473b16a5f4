"""Thumbnails served from this server, so the pages' Content-Security-Policy allows images from
nowhere else: a YouTube video's is fetched once from YouTube's image host and kept; every other
document (and a video whose image cannot be fetched) gets a card drawn from its kind and title.

A video's image is fetched the first time its card is shown, not while it is summarized, so
adding a video never waits on (or fails for) an image. Only `<host>/vi/<id>/hqdefault.jpg` is
ever asked for, through the guarded web client (public addresses, size and time limits), and
only a JPEG is kept; a failed fetch is not tried again for a day.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
from pathlib import Path

from distill.domain import VideoMeta
from distill.errors import DistillError
from distill.exports.markdown import plain_line
from distill.files import write_atomic

log = logging.getLogger(__name__)

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
MAX_BYTES = 2 * 1024 * 1024
RETRY_AFTER = 24 * 3600.0  # seconds before a failed fetch is tried again
WIDTH, HEIGHT = 640, 360
KIND_NAMES = {
    "youtube": "Video",
    "captions": "Video",
    "media": "Recording",
    "article": "Article",
    "pdf": "PDF",
    "book": "Book",
    "episode": "Podcast",
}


def youtube_thumbnail(video_id: str, folder: Path, host: str) -> bytes | None:
    """The kept JPEG of a YouTube video, fetched once from `host`; None when it cannot be had."""
    if not YOUTUBE_ID.match(video_id):
        return None
    path = folder / "thumbs" / f"{video_id}.jpg"
    if path.is_file():
        return path.read_bytes()
    missing = path.with_suffix(".missing")
    if missing.is_file() and time.time() - missing.stat().st_mtime < RETRY_AFTER:
        return None
    try:
        data = _fetch_jpeg(f"{host.rstrip('/')}/vi/{video_id}/hqdefault.jpg")
    except DistillError as exc:
        log.info("no thumbnail for %s: %s", video_id, exc)
        data = None
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is None:
        missing.touch()
        return None
    write_atomic(path, data)
    missing.unlink(missing_ok=True)
    return data


def _fetch_jpeg(url: str) -> bytes | None:
    from PIL import Image, UnidentifiedImageError

    from distill.sources.http import fetch

    got = fetch(url, limit=MAX_BYTES, timeout=5.0, total_time=15.0, accept="image/jpeg")
    if got.status != 200 or not got.content.startswith(b"\xff\xd8\xff"):
        return None
    try:
        with Image.open(io.BytesIO(got.content)) as img:
            if img.format != "JPEG":
                return None
            img.verify()
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return got.content


def drawn_thumbnail(meta: VideoMeta, folder: Path) -> bytes:
    """A 640×360 PNG of the document's kind and title (kept, redrawn when the title changes)."""
    kind = KIND_NAMES.get(meta.kind, meta.kind.title())
    title = plain_line(meta.title) or meta.id
    key = hashlib.sha256(f"{kind}\0{title}".encode()).hexdigest()[:16]
    path = folder / "drawn" / f"{key}.png"
    if path.is_file():
        return path.read_bytes()
    data = _draw(kind, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return data


def _draw(kind: str, title: str) -> bytes:
    from PIL import Image, ImageDraw

    from distill.exports.cards import ACCENT, PAPER, _font, fit

    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 10), fill=ACCENT)
    draw.text((40, 40), kind.upper(), font=_font(True, 24), fill=ACCENT)
    font, lines = fit(title, True, WIDTH - 80, 240, range(44, 23, -4))
    for n, line in enumerate(lines):
        draw.text((40, 90 + n * font.size * 1.3), line, font=font, fill=(29, 29, 31))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
