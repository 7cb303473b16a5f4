"""Kindle "My Clippings.txt": books with their highlights, notes and bookmarks.

Records are separated by a line of `=`; each has a "Title (Author)" line, a status line (type,
page, location, when added, in the Kindle's language) and the text. A highlight revised several
times is kept once (the last); a note is attached to the highlight whose locations hold it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from distill.domain import Segment, Transcript, VideoMeta
from distill.errors import SourceError
from distill.files import sha256_text
from distill.sources.registry import slugify

MAX_BYTES = 50 * 1024 * 1024
_SEPARATOR = re.compile(r"^={8,}\s*$")
_BOOKMARK = re.compile(
    r"bookmark|lesezeichen|signet|marcador|segnalibro|bladwijzer|ブックマーク|书签|закладк", re.I
)
_NOTE = re.compile(r"\bnote\b|notiz|\bnota\b|notitie|メモ|笔记|заметк", re.I)
_HIGHLIGHT = re.compile(
    r"highlight|markierung|surlignement|subrayado|destaque|evidenziazione|ハイライト|标注|выделен",
    re.I,
)
_LOCATION_WORDS = re.compile(
    r"location|loc\.|position|posición|posição|posizione|emplacement|locatie|место|位置", re.I
)
_PAGE_WORDS = re.compile(r"page|seite|página|pagina|страниц|ページ|页", re.I)
_ADDED_WORDS = re.compile(
    r"added|hinzugefügt|ajouté|añadido|aggiunto|adicionado|toegevoegd|добавлено|作成日|添加于", re.I
)
_RANGE = re.compile(r"(\d+)(?:\s*(?:-|–|—|t/m|bis|à|a)\s*(\d+))?")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "january januar janvier enero gennaio janeiro januari января",
            "february februar février febrero febbraio fevereiro februari февраля",
            "march märz mars marzo março maart марта",
            "april avril abril aprile апреля",
            "may mai mayo maggio maio mei мая",
            "june juni juin junio giugno junho июня",
            "july juli juillet julio luglio julho июля",
            "august août agosto augustus августа",
            "september septembre septiembre settembre setembro сентября",
            "october oktober octobre octubre ottobre outubro октября",
            "november novembre noviembre novembro ноября",
            "december dezember décembre diciembre dicembre dezembro декабря",
        ],
        start=1,
    )
    for name in names.split()
}


@dataclass
class Clipping:
    """One record of a clippings file."""

    type: str  # "highlight", "note" or "bookmark"
    title: str
    authors: str | None
    text: str
    page: str | None = None
    location: str | None = None
    added: str | None = None  # ISO 8601 when it could be read, else the status line's words
    note: str | None = None

    def span(self) -> tuple[int, int] | None:
        found = _RANGE.search(self.location or "")
        if not found:
            return None
        first = int(found.group(1))
        last = int(found.group(2)) if found.group(2) else first
        return first, max(first, last)


@dataclass
class Book:
    """A book of the clippings file, with its highlights and notes (bookmarks kept too)."""

    title: str
    authors: str | None
    clippings: list[Clipping] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{slugify(self.title, max_len=40)}-{sha256_text(self.title + '|' + (self.authors or ''))[:8]}"


def _range(text: str) -> str | None:
    found = _RANGE.search(text)
    if not found:
        return None
    first, last = found.group(1), found.group(2)
    if last and len(last) < len(first) and int(last) < int(first):
        last = first[: len(first) - len(last)] + last  # "Loc. 563-64" means 563 to 564
    return f"{first}-{last}" if last and last != first else first


def _added(part: str) -> str:
    """ISO 8601 for the date and time of a status line, in any Kindle language; else its words."""
    text = _ADDED_WORDS.sub("", part).strip(" :|-")
    time_match = re.search(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?", text)
    year = re.search(r"(\d{4})", text)
    cjk = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    day = month = None
    if cjk:
        month, day = int(cjk.group(2)), int(cjk.group(3))
    else:
        for word in re.findall(r"[^\W\d_]+", text.lower()):
            if word in _MONTHS:
                month = _MONTHS[word]
                break
        days = [int(d) for d in re.findall(r"\b(\d{1,2})\b\.?", text.split(":")[0])]
        days = [d for d in days if 1 <= d <= 31]
        if time_match:
            hour_str = time_match.group(1)
            days = [d for d in days if str(d) != hour_str] or days
        day = days[0] if days else None
    if not (year and month and day and time_match):
        return " ".join(text.split())
    hour = int(time_match.group(1))
    meridiem = (time_match.group(4) or "").lower()
    if meridiem == "pm" or "下午" in text or "午後" in text:
        hour = hour % 12 + 12
    elif meridiem == "am" or "上午" in text or "午前" in text:
        hour = hour % 12
    seconds = int(time_match.group(3) or 0)
    return f"{year.group(1)}-{month:02d}-{day:02d}T{hour:02d}:{time_match.group(2)}:{seconds:02d}"


def parse_status(line: str) -> tuple[str, str | None, str | None, str | None]:
    """(type, page, location, added) of a status line in any Kindle language."""
    body = line.lstrip("-–— \t")
    kind = "bookmark" if _BOOKMARK.search(body) else "note" if _NOTE.search(body) else "highlight"
    page = location = added = None
    for part in re.split(r"\s*[|｜]\s*", body):
        if _ADDED_WORDS.search(part):
            added = _added(part)
            continue
        if "页" in part and "位置" in part:  # Chinese: 第 112 页（位置 #1300-1301）
            page = _range(part.split("页")[0])
            location = _range(part.split("位置")[1])
            continue
        loc = _LOCATION_WORDS.search(part)
        if loc:
            location = _range(part[loc.end() :]) or _range(part)
            before = part[: loc.start()]
            if page is None and _PAGE_WORDS.search(before):
                page = _range(before)
        elif _PAGE_WORDS.search(part):
            page = _range(part)
    return kind, page, location, added


def _title_authors(line: str) -> tuple[str, str | None]:
    line = " ".join(line.replace("\ufeff", "").split())
    match = re.match(r"^(.*\S)\s*\(([^()]*)\)$", line)
    if match and match.group(1):
        return match.group(1), match.group(2).strip() or None
    return line or "Untitled", None


def parse_clippings(text: str) -> tuple[list[Clipping], int]:
    """(clippings, records that were cut off or unreadable) of a clippings file's text."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    records: list[list[str]] = [[]]
    for line in text.split("\n"):
        if _SEPARATOR.match(line):
            records.append([])
        else:
            records[-1].append(line)
    clippings: list[Clipping] = []
    broken = 0
    for lines in records:
        while lines and not lines[0].strip():
            lines.pop(0)
        if not lines:
            continue
        if len(lines) < 2 or not lines[1].lstrip().startswith(("-", "–", "—")):
            broken += 1
            continue
        title, authors = _title_authors(lines[0])
        kind, page, location, added = parse_status(lines[1])
        content = "\n".join(lines[2:]).strip()
        if kind != "bookmark" and not content:
            broken += 1
            continue
        clippings.append(Clipping(kind, title, authors, content, page, location, added))
    return clippings, broken


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


# The most locations one highlight is taken to cover when looking for the ones it overlaps (a
# Kindle lets a highlight cover a few pages at most); longer spans are cut to it, so each
# highlight is compared with its neighbours only, however many the book has.
_MOST_SPAN = 100


class _Spans:
    """The location spans of a book's highlights by their start, to find those overlapping a
    span without looking at every highlight (a clippings file may hold hundreds of thousands)."""

    def __init__(self) -> None:
        self.keys: list[tuple[int, int]] = []  # (start, position in the book), sorted
        self.spans: dict[int, tuple[int, int]] = {}
        self.words: dict[int, str] = {}  # each highlight's text, spaces made single

    def add(self, position: int, span: tuple[int, int] | None, words: str = "") -> None:
        if span is not None:
            span = (span[0], min(span[1], span[0] + _MOST_SPAN))
            bisect.insort(self.keys, (span[0], position))
            self.spans[position] = span
            self.words[position] = words

    def remove(self, position: int) -> None:
        span = self.spans.pop(position, None)
        self.words.pop(position, None)
        if span is not None:
            del self.keys[bisect.bisect_left(self.keys, (span[0], position))]

    def overlapping(self, span: tuple[int, int] | None) -> list[int]:
        """The positions of the spans overlapping `span`, first to last."""
        if span is None:
            return []
        span = (span[0], min(span[1], span[0] + _MOST_SPAN))
        found = []
        at = bisect.bisect_left(self.keys, (span[0] - _MOST_SPAN, -1))
        while at < len(self.keys) and self.keys[at][0] <= span[1]:
            position = self.keys[at][1]
            if _overlaps(self.spans[position], span):
                found.append(position)
            at += 1
        return sorted(found)


def books_of(clippings: list[Clipping]) -> list[Book]:
    """Clippings grouped by book: revised highlights kept once, notes attached to their highlight."""
    books: dict[tuple[str, str | None], Book] = {}
    spans: dict[tuple[str, str | None], _Spans] = {}
    for clip in clippings:
        key = (clip.title, clip.authors)
        book = books.setdefault(key, Book(clip.title, clip.authors))
        if clip.type != "highlight":
            book.clippings.append(clip)
            continue
        index = spans.setdefault(key, _Spans())
        span, words = clip.span(), " ".join(clip.text.split())
        for i in index.overlapping(span):
            old_words = index.words[i]
            same_start = span is not None and index.spans[i][0] == span[0]
            if same_start or old_words in words or words in old_words:
                book.clippings[i] = clip  # the later revision replaces the earlier one
                index.remove(i)
                index.add(i, span, words)
                break
        else:
            index.add(len(book.clippings), span, words)
            book.clippings.append(clip)
    for book in books.values():
        kept: list[Clipping] = []
        highlights = _Spans()
        for clip in book.clippings:
            at = clip.span()
            if clip.type == "note" and at is not None:
                # The latest highlight holding the note's last location owns it.
                owners = highlights.overlapping((at[1], at[1]))
                owner = kept[owners[-1]] if owners else None
                if owner is not None and owner.note is None:
                    owner.note = clip.text
                    continue
            if clip.type == "highlight":
                highlights.add(len(kept), at)
            kept.append(clip)
        book.clippings = kept
    return list(books.values())


def read_clippings(data: bytes, shown: str) -> list[Book]:
    """The books of a clippings file's bytes; a SourceError when it holds none."""
    if len(data) > MAX_BYTES:
        raise SourceError(
            f"{shown} is larger than {MAX_BYTES // (1024 * 1024)} MB; a Kindle clippings file is "
            "far smaller, so check that this is the right file."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    clippings, _broken = parse_clippings(text)
    if not clippings:
        raise SourceError(
            f"{shown} holds no Kindle clippings (no record with a title, a status line and text "
            "between lines of ====); pass the My Clippings.txt file from the Kindle's documents "
            "folder."
        )
    return books_of(clippings)


def book_transcript(book: Book) -> Transcript:
    """A book as a document: its highlights (and loose notes) as paragraphs."""
    segments = [
        Segment(text=c.text, paragraph=i)
        for i, c in enumerate((c for c in book.clippings if c.type != "bookmark"), start=1)
    ]
    meta = VideoMeta(
        kind="book",
        id=book.id,
        title=book.title,
        channel=book.authors,
        author=book.authors,
    )
    return Transcript(meta=meta, origin="file", segments=segments)


def read_clippings_file(path: Path) -> list[Book]:
    """The books of a clippings file on disk."""
    from distill.sources.registry import file_path

    path = file_path(str(path), kind="Kindle clippings")
    return read_clippings(path.read_bytes(), path.name)
