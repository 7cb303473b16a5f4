"""What a yt-dlp `.info.json` lying next to a caption or media file says about it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from distill.domain import Chapter, VideoMeta
from distill.errors import SourceError

# A real .info.json with every format listed is a few hundred KB; anything far larger is not one.
MAX_INFO_BYTES = 20 * 1024 * 1024
_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")


def info_json_path(stem: str, folder: Path) -> Path | None:
    """`<stem>.info.json` in `folder` when it exists (yt-dlp's name for a download's metadata)."""
    path = folder / f"{stem}.info.json"
    return path if path.is_file() else None


def read_info_json(path: Path) -> dict[str, Any]:
    """The object in a .info.json file, or a SourceError saying why it cannot be used."""
    size = path.stat().st_size
    if size > MAX_INFO_BYTES:
        raise SourceError(
            f"{path.name} is {size >> 20} MB, too large for a yt-dlp .info.json; remove it or "
            "move it away from the file."
        )
    try:
        info = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(
            f"{path.name} next to the file is not a readable yt-dlp .info.json ({exc}); fix it "
            "or remove it."
        ) from exc
    if not isinstance(info, dict):
        raise SourceError(
            f"{path.name} next to the file holds no JSON object, so it is not a yt-dlp "
            ".info.json; fix it or remove it."
        )
    return info


def _text(value: Any, limit: int = 500) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(value.split())[:limit]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return float(value)


def _url(value: Any) -> str | None:
    text = _text(value, 2000)
    return text if text and text.lower().startswith(("https://", "http://")) else None


def _date(value: Any) -> str | None:
    match = _DATE.match(str(value or ""))
    return "-".join(match.groups()) if match else None


def _chapters(value: Any) -> list[Chapter]:
    chapters = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and _text(item.get("title")):
            start = _number(item.get("start_time"))
            chapters.append(Chapter(title=_text(item.get("title")) or "", start=start))
    return chapters


def apply_info(meta: VideoMeta, info: dict[str, Any]) -> VideoMeta:
    """`meta` with what the info says: title, channel, URL, date, duration, chapters and more.

    Every value is checked for its type and shape; what does not fit is left out, never trusted.
    """
    found: dict[str, Any] = {
        "title": _text(info.get("title")) or _text(info.get("fulltitle")),
        "channel": _text(info.get("channel"), 200) or _text(info.get("uploader"), 200),
        "channel_id": _text(info.get("channel_id"), 200) or _text(info.get("uploader_id"), 200),
        "url": _url(info.get("webpage_url")) or _url(info.get("original_url")),
        "upload_date": _date(info.get("upload_date")),
        "duration": _number(info.get("duration")),
        "view_count": int(v) if (v := _number(info.get("view_count"))) is not None else None,
        "description": info["description"].strip()[:5000] or None
        if isinstance(info.get("description"), str)
        else None,
        "chapters": _chapters(info.get("chapters")) or None,
    }
    if meta.language is None and (lang := _text(info.get("language"), 20)):
        found["language"] = lang
    return meta.model_copy(update={k: v for k, v in found.items() if v is not None})


def with_sidecar(meta: VideoMeta, stem: str, folder: Path) -> VideoMeta:
    """`meta` completed from `<stem>.info.json` in `folder`, or unchanged when there is none."""
    path = info_json_path(stem, folder)
    return meta if path is None else apply_info(meta, read_info_json(path))
