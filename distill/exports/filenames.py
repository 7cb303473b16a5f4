"""File names that are valid on Windows, macOS and Linux, made from untrusted titles; folders
checked before an export writes into them."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from distill.errors import InputError

# Not allowed on Windows (and "/" nowhere; ":" is shown as "/" by macOS Finder).
_ILLEGAL = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Characters Obsidian refuses in a note's name because they mean something inside [[links]].
_LINK_SYNTAX = re.compile(r"[\[\]#^|]")
_CONTROL = re.compile(r"[\x80-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{c}" for c in "0123456789¹²³"),
    *(f"LPT{c}" for c in "0123456789¹²³"),
}
MAX_NAME_BYTES = 120  # of the stem: leaves room for " (id).md" and a folder within Windows' 260


def _cut(text: str, max_bytes: int) -> str:
    """At most `max_bytes` of UTF-8, cut between characters (never inside one)."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


def _tidy(name: str) -> str:
    # Windows drops trailing dots and spaces; a leading dot hides the file on Unix.
    return " ".join(name.split()).strip(" .")


def safe_stem(title: str, fallback: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name stem from a title: illegal and invisible characters replaced, reserved device
    names (CON, NUL, COM1...) changed, no trailing dot or space, at most `max_bytes` bytes; the
    fallback (an id) when nothing of the title is left."""
    name = unicodedata.normalize("NFC", title or "")
    name = _CONTROL.sub("", name)
    name = _LINK_SYNTAX.sub(" ", _ILLEGAL.sub(" ", name))
    name = _tidy(_cut(_tidy(name), max_bytes))
    if not name:
        name = _tidy(_ILLEGAL.sub("-", fallback))[:max_bytes] or "untitled"
    device = name.split(".")[0].rstrip(" ")
    if device.upper() in _RESERVED:
        name = device + "_" + name[len(device) :]
    return name


def check_folder(folder: Path) -> Path:
    """The folder an export writes into, made if missing; one sentence when it cannot be written."""
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file, not a folder; pass a folder to write into.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".distill-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(
            f"cannot write into {folder} ({exc.strerror or exc}); choose a folder you can write to."
        ) from None
    return folder
