"""Obsidian notes: one Markdown file per document with YAML properties and a block distill owns.

A note is distill's properties (title, url, channel or author, date, duration, source, tags,
aliases, distill_id) and everything between `%% distill:start %%` and `%% distill:end %%`.
Exporting again rewrites only those: the user's own properties, the user's tags and aliases,
and every line outside the block stay as the user left them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distill.exports.documents import ExportDoc
from distill.exports.filenames import check_folder, safe_stem
from distill.exports.markdown import highlight_lines, md, plain_line, safe_url, summary_sections
from distill.files import write_atomic
from distill.timefmt import clock

START = "%% distill:start %%"
END = "%% distill:end %%"
_BLOCK = re.compile(
    r"^%% distill:start %%[ \t]*\r?\n.*?^%% distill:end %%[ \t]*$", re.MULTILINE | re.DOTALL
)
# Properties distill writes and rewrites; tags and aliases are shared with the user (merged).
OWNED = (
    "title",
    "url",
    "channel",
    "author",
    "date",
    "duration",
    "source",
    "language",
    "distill_id",
    "distill_url",
)
MERGED = ("tags", "aliases")
HEAD_BYTES = 16_384  # where a note's distill_id is looked for: its properties come first
_KEY = re.compile(r"^([A-Za-z_][\w-]*|\"[^\"]*\"|'[^']*')\s*:(\s|$)")
_TAG = re.compile(r"[^\w/-]+")


def obsidian_md(text: str | None) -> str:
    """Untrusted text made inert in an Obsidian note: Markdown escaped, and neither math ($) nor
    a comment (%%) can start, so nothing can open or close distill's block."""
    return md(text).replace("$", "\\$").replace("%%", "%&#37;")


# --- properties -----------------------------------------------------------------------------

_YAML_UNSAFE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029]"
)


def yaml_str(value: str) -> str:
    """A YAML double-quoted scalar for any text: quotes, colons, #, leading dashes and
    non-printable characters cannot change what the properties mean."""
    quoted = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def tag_name(text: str) -> str:
    """A tag Obsidian accepts: letters, digits, _, - and / only."""
    return _TAG.sub("-", text.strip()).strip("-/")


def properties(doc: ExportDoc, file_stem: str) -> dict[str, Any]:
    """distill's properties of a note, in the order they are written."""
    meta = doc.meta
    title = plain_line(meta.title)
    props: dict[str, Any] = {"title": title}
    if title != file_stem:
        props["aliases"] = [title]
    url = safe_url(meta.url)
    if url:
        props["url"] = url
    if meta.kind in ("article", "pdf", "book") and doc.author:
        props["author"] = plain_line(doc.author)
    elif meta.channel:
        props["channel"] = plain_line(meta.channel)
    if doc.date:
        props["date"] = doc.date
    if meta.duration:
        props["duration"] = clock(meta.duration)
    props["source"] = doc.source_type
    language = (doc.summary.language if doc.summary else None) or meta.language
    if language:
        props["language"] = plain_line(language)
    tags = ["distill"]
    for h in doc.highlights:
        tags += [t for t in (tag_name(x) for x in h.tags) if t and t not in tags]
    props["tags"] = tags
    props["distill_id"] = meta.id
    if doc.page_url:
        props["distill_url"] = doc.page_url
    return props


def property_lines(key: str, value: Any) -> list[str]:
    """One property as YAML lines (lists one item a line, as Obsidian writes them)."""
    if isinstance(value, list):
        return [f"{key}:", *(f"  - {yaml_str(str(v))}" for v in value)]
    if key == "date":
        return [f"{key}: {value}"]  # a bare ISO date: Obsidian shows it as a date property
    return [f"{key}: {yaml_str(str(value))}"]


# --- the block ------------------------------------------------------------------------------


def _link(url: str | None) -> str | None:
    # "%%" would open an Obsidian comment even inside a link.
    safe = safe_url(url)
    return safe if safe and "%%" not in safe else None


def block(doc: ExportDoc) -> str:
    """distill's part of the note: links, the summary's sections and the highlights."""
    base = doc.place()
    place = lambda m: _link(base(m))  # noqa: E731
    facts = []
    url = _link(doc.meta.url)
    if url:
        facts.append(f"[Original]({url})")
    page = _link(doc.page_url)
    if page:
        facts.append(f"[distill]({page})")
    lines = [START]
    if facts:
        lines += [" · ".join(facts), ""]
    if doc.summary is not None:
        lines += summary_sections(doc.summary, place, obsidian_md)
    else:
        lines += ["*No summary yet.*", ""]
    if doc.highlights:
        lines += ["## Highlights", "", *highlight_lines(doc.highlights, place, obsidian_md), ""]
    lines.append(END)
    return "\n".join(lines)


# --- notes: new and updated -----------------------------------------------------------------


def split_front(text: str) -> tuple[list[str] | None, str]:
    """(the property lines, the rest) of a note; None when it has no properties."""
    if not text.startswith("---"):
        return None, text
    lines = text.split("\n")
    if lines[0].rstrip("\r") != "---":
        return None, text
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r") in ("---", "..."):
            return [x.rstrip("\r") for x in lines[1:i]], "\n".join(lines[i + 1 :])
    return None, text


def _key_of(line: str) -> str | None:
    found = _KEY.match(line)
    return found.group(1).strip("\"'") if found else None


def _blocks(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """Property lines grouped by top-level key (a key's list items and indented lines with it)."""
    out: list[tuple[str | None, list[str]]] = []
    for line in lines:
        key = _key_of(line)
        if key is not None or not out:
            out.append((key, [line]))
        else:
            out[-1][1].append(line)
    return out


def _merged(lines: list[str], ours: list[str]) -> list[str]:
    """The user's entries of a list property, then ours that are missing."""
    import yaml

    try:
        loaded = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError:
        return []
    value = next(iter(loaded.values()), None) if isinstance(loaded, dict) else None
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    theirs = [str(v) for v in value or [] if v is not None]
    return theirs + [v for v in ours if v not in theirs]


def new_note(props: dict[str, Any], body: str) -> str:
    lines = ["---"]
    for key, value in props.items():
        lines += property_lines(key, value)
    return "\n".join([*lines, "---", body, ""])


def update_note(text: str, props: dict[str, Any], body: str) -> tuple[str, bool]:
    """The note with distill's properties and block replaced and the rest kept; whether its
    block was found (a note whose markers the user removed keeps its text as it is)."""
    front, rest = split_front(text)
    written: set[str] = set()
    lines: list[str] = []
    for key, chunk in _blocks(front or []):
        if key in OWNED:
            if key in props and key not in written:
                lines += property_lines(key, props[key])
                written.add(key)
        elif key in MERGED and key in props and key not in written:
            values = _merged(chunk, props[key])
            lines += property_lines(key, values) if values else chunk
            written.add(key)
        else:
            lines += chunk
    for key, value in props.items():
        if key not in written:
            lines += property_lines(key, value)
    found = _BLOCK.search(rest)
    if found and len(_BLOCK.findall(rest)) == 1:
        rest = rest[: found.start()] + body + rest[found.end() :]
    head = "\n".join(["---", *lines, "---"])
    return head + "\n" + rest, bool(found)


# --- the vault ------------------------------------------------------------------------------


@dataclass
class ObsidianReport:
    """What an export into a vault did."""

    folder: Path
    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: int = 0
    kept: list[Path] = field(default_factory=list)  # notes whose block the user removed
    without_summary: int = 0
    is_vault: bool = False


def _walk_notes(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".md"):
                yield Path(root) / name


def note_id(path: Path) -> str | None:
    """The distill_id property of a note, read from its first bytes only."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return None
    front, _ = split_front(head)
    for line in front or []:
        if _key_of(line) == "distill_id":
            import yaml

            try:
                loaded = yaml.safe_load(line)
            except yaml.YAMLError:
                return None
            value = loaded.get("distill_id") if isinstance(loaded, dict) else None
            return str(value) if value else None
    return None


class Vault:
    """A folder of notes: finds distill's notes (wherever the user moved or renamed them) and
    writes each document's note once, in place."""

    def __init__(self, folder: Path) -> None:
        self.folder = check_folder(folder)
        self.report = ObsidianReport(
            folder=self.folder,
            is_vault=any((p / ".obsidian").is_dir() for p in (self.folder, *self.folder.parents)),
        )
        self.notes: dict[str, Path] = {}
        self.taken: set[str] = set()
        for path in _walk_notes(self.folder):
            if path.parent == self.folder:
                self.taken.add(path.name.casefold())
            found = note_id(path)
            if found and found not in self.notes:
                self.notes[found] = path

    def _new_path(self, doc: ExportDoc) -> Path:
        stem = safe_stem(doc.meta.title, doc.meta.id)
        for candidate in (stem, f"{safe_stem(doc.meta.title, doc.meta.id, 100)} ({doc.meta.id})"):
            name = f"{candidate}.md"
            if name.casefold() not in self.taken:
                self.taken.add(name.casefold())
                return self.folder / name
        name = f"{safe_stem(doc.meta.id, 'note')}-{len(self.taken)}.md"
        self.taken.add(name.casefold())
        return self.folder / name

    def write(self, doc: ExportDoc) -> Path:
        """Write (or update) the note of one document; its path."""
        if doc.summary is None:
            self.report.without_summary += 1
        body = block(doc)
        path = self.notes.get(doc.meta.id)
        if path is None:
            path = self._new_path(doc)
            write_atomic(path, new_note(properties(doc, path.stem), body))
            self.notes[doc.meta.id] = path
            self.report.created.append(path)
            return path
        old = path.read_text(encoding="utf-8", errors="replace")
        text, had_block = update_note(old, properties(doc, path.stem), body)
        if not had_block:
            self.report.kept.append(path)
        if text == old:
            self.report.unchanged += 1
        else:
            write_atomic(path, text)
            self.report.updated.append(path)
        return path
