"""The source registry: each handler scores a source string; the highest non-zero score loads it."""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from distill.domain import ProgressFn, Transcript, no_progress
from distill.errors import SourceError
from distill.files import sha256_file

# Every extension some handler claims, for the "file not found" vs "unknown source" message.
KNOWN_EXTENSIONS: set[str] = set()


@dataclass(frozen=True)
class Entry:
    """One source a collection contains: a source string a job can load, and what is known of it."""

    source: str
    id: str | None = None  # the library id it will be stored under, when known in advance
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD


@dataclass
class Collection:
    """A playlist, channel, feed or OPML file: its title and the sources it contains, newest first."""

    source: str
    title: str
    kind: str  # "playlist", "channel", "feed", "opml"
    entries: list[Entry] = field(default_factory=list)


class SourceHandler(ABC):
    """One kind of source: says how well it matches a source string, and loads it."""

    name: str = "source"
    extensions: frozenset[str] = frozenset()

    def expand(self, source: str, *, limit: int | None, since: str | None) -> Collection | None:
        """The sources a collection contains (newest first), or None when `source` is one document."""
        return None

    @abstractmethod
    def score(self, source: str) -> float:
        """0.0 when this handler cannot load `source`, up to 1.0 when it surely can."""

    @abstractmethod
    def load(self, source: str, *, lang: str | None, progress: ProgressFn) -> Transcript:
        """Turn `source` into a Transcript, or raise a SourceError saying why not."""


_HANDLERS: list[SourceHandler] = []


def register(handler: SourceHandler) -> SourceHandler:
    """Add a handler to the registry (replacing one with the same name)."""
    _HANDLERS[:] = [h for h in _HANDLERS if h.name != handler.name]
    _HANDLERS.append(handler)
    KNOWN_EXTENSIONS.update(handler.extensions)
    return handler


def handlers() -> list[SourceHandler]:
    """The registered handlers, in registration order."""
    return list(_HANDLERS)


def pick(source: str) -> SourceHandler:
    """The handler with the highest non-zero score for `source`, or a SourceError saying why none fits."""
    best: SourceHandler | None = None
    best_score = 0.0
    for handler in _HANDLERS:
        score = handler.score(source)
        if score > best_score:
            best, best_score = handler, score
    if best is None:
        raise unknown_source_error(source)
    return best


def resolve(
    source: str, *, lang: str | None = None, progress: ProgressFn = no_progress
) -> Transcript:
    """Turn a source string (YouTube URL or ID, caption/transcript/media file) into a Transcript."""
    source = (source or "").strip()
    if source.startswith("file://"):
        from urllib.parse import unquote, urlparse

        source = unquote(urlparse(source).path)
    if not source:
        raise SourceError(
            "No source was given; pass a YouTube URL or video ID, or the path of a caption, "
            "transcript, audio or video file."
        )
    return pick(source).load(source, lang=lang, progress=progress)


def expand(source: str, *, limit: int | None = None, since: str | None = None) -> Collection | None:
    """The entries of a playlist, channel, feed or OPML file; None when `source` is one document.

    `limit` keeps the newest entries only; `since` (YYYY-MM-DD) drops entries published before it.
    """
    source = (source or "").strip()
    if not source:
        return None
    if limit is not None and limit < 1:
        raise SourceError(f"--limit must be 1 or more, not {limit}; pass a positive number.")
    if since is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        raise SourceError(f"--since must be a date like 2024-01-31, not {since!r}.")
    try:
        handler = pick(source)
    except SourceError:
        return None
    found = handler.expand(source, limit=limit, since=since)
    if found is None:
        return None
    entries = [e for e in found.entries if since is None or not e.published or e.published >= since]
    # An OPML file's limit is per feed, applied while it expanded.
    found.entries = entries[:limit] if limit is not None and found.kind != "opml" else entries
    return found


def unknown_source_error(source: str) -> SourceError:
    """The clearest error for a source no handler accepts: missing file, directory, or unknown."""
    shown = _shorten(source)
    path = Path(source).expanduser()
    try:
        is_dir = path.is_dir()
        exists = path.exists()
    except (OSError, ValueError):
        is_dir = exists = False
    if is_dir:
        return SourceError(
            f"{shown} is a directory, not a file; pass one caption, transcript, audio or video "
            "file, or a YouTube URL."
        )
    if exists:
        known = ", ".join(sorted(KNOWN_EXTENSIONS)) or ".srt, .vtt, .json3, .txt"
        suffix = path.suffix.lower()
        what = (
            f"has an extension distill does not read ({suffix})" if suffix else "has no extension"
        )
        return SourceError(
            f"{shown} {what}; pass a file ending in one of {known}, or a YouTube URL."
        )
    if _looks_like_path(source):
        return SourceError(f"File not found: {shown}; check the path and try again.")
    return SourceError(
        f"{shown} is not a YouTube URL/ID or a caption, transcript, audio or video file; pass a "
        "YouTube URL or 11-character video ID, or the path of an existing .srt, .vtt, .json3, .sbv, "
        ".txt, audio or video file."
    )


def _looks_like_path(source: str) -> bool:
    if "://" in source:
        return False
    return "/" in source or "\\" in source or Path(source).suffix.lower() in KNOWN_EXTENSIONS


def _shorten(source: str, limit: int = 120) -> str:
    text = source if len(source) <= limit else source[: limit - 1] + "\u2026"
    return repr(text) if any(ch.isspace() and ch != " " for ch in text) else f"'{text}'"


def file_path(source: str, *, kind: str) -> Path:
    """The existing regular file named by `source`, or a SourceError (missing, directory, unreadable)."""
    path = Path(source).expanduser()
    shown = _shorten(source)
    if path.is_dir():
        raise SourceError(
            f"{shown} is a directory, not a {kind} file; pass the path of one file inside it."
        )
    if not path.exists():
        raise SourceError(f"File not found: {shown}; check the path and try again.")
    if not path.is_file():
        raise SourceError(f"{shown} is not a regular file; pass the path of a {kind} file.")
    return path


def slugify(text: str, *, max_len: int = 60) -> str:
    """A lowercase ASCII slug of `text` (letters, digits and dashes), never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_len].rstrip("-")
    return slug or "file"


_LANG_SUFFIX = re.compile(r"^[a-z]{2}(?:[-_][A-Za-z]{2,4})?$")


def split_stem(path: Path, extensions: frozenset[str] | set[str]) -> tuple[str, str | None]:
    """(stem, language) of a file name: `talk.en.srt` gives ("talk", "en"); extensions stripped."""
    name = path.name
    lower = name.lower()
    for ext in sorted(extensions, key=len, reverse=True):
        if lower.endswith(ext):
            name = name[: -len(ext)]
            break
    else:
        name = path.stem
    language = None
    if "." in name:
        base, _, tail = name.rpartition(".")
        if base and _LANG_SUFFIX.match(tail):
            name, language = base, tail.replace("_", "-")
    return name, language


def prettify(stem: str) -> str:
    """A readable title from a file stem: separators to spaces, first letter capitalised."""
    title = re.sub(r"[\s_.\-]+", " ", stem).strip()
    if not title:
        return stem or "Untitled"
    return title[0].upper() + title[1:]


def local_file_id(path: Path, stem: str | None = None, *, digest: str | None = None) -> str:
    """`<slug-of-stem>-<first 8 hex of sha256(file bytes)>`, the id of a local file."""
    if digest is None:
        digest = sha256_file(path)
    return f"{slugify(stem if stem is not None else path.stem)}-{digest[:8]}"
