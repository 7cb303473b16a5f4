"""Caption and transcript files (.srt, .vtt, .json3, .txt) to a Transcript."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from distill.domain import ProgressFn, Segment, Transcript, VideoMeta
from distill.errors import SourceError
from distill.settings import get_settings
from distill.sources.cleanup import Piece, clean_text, join_sentences, pieces_from_cue
from distill.sources.registry import (
    SourceHandler,
    file_path,
    local_file_id,
    prettify,
    split_stem,
)
from distill.sources.sidecar import with_sidecar

CAPTION_EXTENSIONS = frozenset({".srt", ".vtt", ".json3", ".sbv", ".txt"})

_TIME = r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,:]\d{1,3})?"
_TIMING = re.compile(rf"^\s*({_TIME})\s*-+>\s*({_TIME})(?:\s+.*)?$")
_SBV_TIMING = re.compile(r"^\s*(\d+:\d{1,2}:\d{2}\.\d{1,3}),(\d+:\d{1,2}:\d{2}\.\d{1,3})\s*$", re.M)
_TIME_PARTS = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,:](\d{1,3}))?$")
_INLINE_TIME = re.compile(r"<(\d{1,2}(?::\d{2}){1,2}[.,]\d{1,3})>")
_BLOCK_KEYWORDS = ("NOTE", "STYLE", "REGION")
_TXT_SPEAKER = re.compile(r"^([^\s:][^:]{0,100}?):\s+(\S.*)$")
_PARENS = re.compile(r"\([^()]*\)")


def parse_time(text: str) -> float:
    """Seconds from `HH:MM:SS,mmm`, `MM:SS.mmm` (hours optional) and similar; minutes and
    seconds go up to 59 (a ValueError otherwise)."""
    match = _TIME_PARTS.match(text.strip())
    if not match:
        raise ValueError(f"not a caption time: {text!r}")
    hours, minutes, seconds, frac = match.groups()
    if int(minutes) > 59 or int(seconds) > 59:
        raise ValueError(f"{text.strip()} is not a time (minutes and seconds go up to 59)")
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if frac:
        value += int(frac) / (10 ** len(frac))
    return round(value, 3)


def _valid_time(text: str) -> bool:
    try:
        parse_time(text)
    except ValueError:
        return False
    return True


# --- reading ---------------------------------------------------------------------------------


def read_caption_text(path: Path) -> tuple[str, bytes]:
    """The decoded text and raw bytes of a caption file, refusing huge, binary or empty files."""
    settings = get_settings()
    limit = settings.max_caption_mb * 1024 * 1024
    size = path.stat().st_size
    if size > limit:
        raise SourceError(
            f"{path.name} is {size / (1024 * 1024):.0f} MB, over the {settings.max_caption_mb} MB "
            "limit for caption files; set DISTILL_MAX_CAPTION_MB to a larger number to read it."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(
            f"Could not read {path.name} ({exc.strerror or exc}); check its permissions."
        ) from exc
    text = decode_caption_bytes(data, path.name)
    if not text.strip():
        raise SourceError(
            f"{path.name} is empty; pass a caption or transcript file that contains text."
        )
    return text, data


def decode_caption_bytes(data: bytes, name: str) -> str:
    """Decode caption bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else plausible cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_or_fail(data, "utf-8-sig", name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_or_fail(data, "utf-16", name)
    if b"\x00" in data:
        utf16 = _bomless_utf16(data)
        if utf16 is not None:
            return utf16
        raise SourceError(
            f"{name} is not a text file (it contains binary data); pass a caption file saved as text."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Older subtitle files are often Windows-1252; accept that only when it reads as text.
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible_text(text):
            return text
    raise SourceError(
        f"{name} is not readable text (neither UTF-8, UTF-16 nor Windows-1252); "
        "re-save it as UTF-8 and try again."
    )


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: NULs in every other byte of mostly-ASCII text."""
    head = data[:4000]
    if len(head) < 4 or len(head) % 2:
        return None
    pairs = len(head) // 2
    for encoding, nul_at in (("utf-16-le", 1), ("utf-16-be", 0)):
        nuls = sum(1 for i in range(nul_at, len(head), 2) if head[i] == 0)
        if nuls >= 0.9 * pairs:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return text if _plausible_text(text) else None
    return None


def _decode_or_fail(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{name} starts with a {encoding.upper()} byte-order mark but is not valid "
            f"{encoding.upper()}; re-save it as UTF-8 and try again."
        ) from exc


def _plausible_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(
        1 for ch in text if (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\t\n\r")
    )
    return bad / len(text) < 0.005


# --- parsing ---------------------------------------------------------------------------------


class _Cue:
    __slots__ = ("start", "end", "lines")

    def __init__(self, start: float, end: float, lines: list[str]) -> None:
        self.start, self.end, self.lines = start, end, lines


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> Iterator[str]:
    """The lines of a text one by one (a big file is never held twice as a list of lines)."""
    start = 0
    for match in _NEWLINE.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


def _split_cues(text: str) -> list[_Cue]:
    """Cues of SRT/VTT text, tolerant of missing blank lines, ids, NOTE/STYLE blocks and settings.

    A timing line with an impossible time (99:99:99) is a ValueError naming its line."""
    cues: list[_Cue] = []
    body: list[str] = []
    current: _Cue | None = None
    for number, line in enumerate(_lines(text.lstrip("\ufeff")), 1):
        match = _TIMING.match(line)
        if match is None:
            if current is not None:
                body.append(line)
            continue
        try:
            start, end = parse_time(match.group(1)), parse_time(match.group(2))
        except ValueError:
            bad = next(t for t in match.group(1, 2) if not _valid_time(t))
            raise ValueError(
                f"line {number} has the time {bad}, but minutes and seconds go up to 59"
            ) from None
        if current is not None:
            current.lines = _cue_lines(body, more=True)
            cues.append(current)
        current, body = _Cue(start, max(start, end), []), []
    if current is not None:
        current.lines = _cue_lines(body, more=False)
        cues.append(current)
    return cues


def _cue_lines(body: list[str], *, more: bool) -> list[str]:
    """The text lines of one cue's body: no id of the next cue, leading blanks or NOTE blocks."""
    # The line just before the next timing line is that cue's id when it is a number, or
    # when it stands alone after a blank line (VTT ids may be any text).
    if more and body:
        last = body[-1].strip()
        before_blank = len(body) < 2 or not body[-2].strip()
        if last and (last.isdigit() or (before_blank and len(body) >= 2)):
            body = body[:-1]
    first = 0
    while first < len(body) and not body[first].strip():
        first += 1
    kept: list[str] = []
    in_block = False
    after_blank = False
    for line in body[first:]:
        if not line.strip():
            after_blank = True
            in_block = False
            continue
        if after_blank and line.strip().split(" ", 1)[0] in _BLOCK_KEYWORDS:
            in_block = True
        if in_block:
            continue
        kept.append(line)
    return kept


def parse_srt(text: str) -> list[Piece]:
    """Pieces of SubRip (or any cue-based) caption text."""
    return _cues_to_pieces(_split_cues(text))


def parse_vtt(text: str) -> list[Piece]:
    """Pieces of WebVTT text, including YouTube's rolling auto-captions with inline word times."""
    return _cues_to_pieces(_split_cues(text))


def parse_sbv(text: str) -> list[Piece]:
    """Pieces of YouTube's SubViewer format (`0:00:01.000,0:00:04.000` timing lines)."""
    return _cues_to_pieces(_split_cues(_SBV_TIMING.sub(r"\1 --> \2", text)))


def _cues_to_pieces(cues: list[_Cue]) -> list[Piece]:
    if _is_rolling(cues):
        return _rolling_pieces(cues)
    pieces: list[Piece] = []
    for cue in cues:
        pieces.extend(pieces_from_cue(cue.start, cue.end, "\n".join(cue.lines)))
        cue.lines = []  # a big file's cues are let go as its pieces are made
    return tidy_pieces(pieces)


def _is_rolling(cues: list[_Cue]) -> bool:
    """True for auto-caption style: inline word timings, or cues repeating the previous line."""
    if any(_INLINE_TIME.search(line) for cue in cues for line in cue.lines):
        return True
    if len(cues) < 3:
        return False
    # Whitespace-normalised raw lines are enough to spot a cue repeating the previous line.
    firsts = [" ".join(c.lines[0].split()) if c.lines else "" for c in cues]
    lasts = [" ".join(c.lines[-1].split()) if c.lines else "" for c in cues]
    repeats = sum(
        1
        for i in range(1, len(cues))
        if firsts[i] and len(cues[i].lines) > 1 and firsts[i] == lasts[i - 1]
    )
    return repeats >= 0.3 * (len(cues) - 1)


def _rolling_pieces(cues: list[_Cue]) -> list[Piece]:
    """De-duplicate rolling captions: keep each line once, each word with the time it appears."""
    pieces: list[Piece] = []
    emitted: list[str] = []  # cleaned text of lines already emitted, most recent last
    for cue in cues:
        for line in cue.lines:
            cleaned = clean_text(line)
            if not cleaned:
                continue
            timed = _INLINE_TIME.search(line) is not None
            if not timed and cleaned in emitted[-2:]:
                continue
            # A line that grows the previous one ("hello" then "hello world") adds only its tail.
            if not timed and emitted and cleaned.startswith(emitted[-1] + " "):
                tail = cleaned[len(emitted[-1]) :].strip()
                emitted[-1] = cleaned
                pieces.extend(pieces_from_cue(cue.start, cue.end, tail))
                continue
            pieces.extend(_timed_words(line, cue.start, cue.end))
            emitted.append(cleaned)
    return tidy_pieces(pieces)


def _timed_words(line: str, start: float, end: float) -> list[Piece]:
    """Pieces of one caption line with inline `<00:00:01.000>` word times (or one piece without)."""
    parts = _INLINE_TIME.split(line)
    chunks: list[tuple[float, str]] = [(start, parts[0])]
    for i in range(1, len(parts) - 1, 2):
        try:
            t = parse_time(parts[i])
        except ValueError:
            t = chunks[-1][0]
        chunks.append((max(t, start), parts[i + 1]))
    pieces: list[Piece] = []
    for n, (t, raw) in enumerate(chunks):
        nxt = chunks[n + 1][0] if n + 1 < len(chunks) else end
        pieces.extend(pieces_from_cue(t, max(nxt, t), raw))
    return pieces


def tidy_pieces(pieces: list[Piece]) -> list[Piece]:
    """Order pieces by time, drop exact overlapping duplicates, and clip ends at the next start."""
    pieces = sorted(pieces, key=lambda p: p.start if p.start is not None else 0.0)
    out: list[Piece] = []
    for piece in pieces:
        if out:
            prev = out[-1]
            same_time = (
                prev.start is not None
                and piece.start is not None
                and prev.end is not None
                and piece.start < prev.end
            )
            if same_time and piece.text == prev.text:
                prev.end = max(prev.end or 0.0, piece.end or 0.0)
                continue
        out.append(piece)
    for prev, nxt in zip(out, out[1:], strict=False):
        if prev.end is not None and nxt.start is not None and prev.end > nxt.start:
            prev.end = max(nxt.start, prev.start or 0.0)
    return out


def parse_json3(text: str) -> list[Piece]:
    """Pieces of YouTube's timed-text JSON (`events` with tStartMs/dDurationMs/segs)."""
    doc = _load_json(text)
    events = doc.get("events") if isinstance(doc, dict) else None
    if not isinstance(events, list):
        raise ValueError("no 'events' list")
    pieces: list[Piece] = []
    for event in events:
        if not isinstance(event, dict):
            continue
        segs = event.get("segs")
        if not isinstance(segs, list):
            continue
        raw = "".join(s["utf8"] for s in segs if isinstance(s, dict) and _is_text(s.get("utf8")))
        start = _milliseconds(event.get("tStartMs", 0))
        if not raw.strip() or start is None:
            continue  # no words, or no time they were said
        end = start + (_milliseconds(event.get("dDurationMs", 0) or 0) or 0.0)
        pieces.extend(pieces_from_cue(round(start, 3), round(end, 3), raw.replace("\n", " ")))
    return tidy_pieces(pieces)


def _load_json(text: str) -> object:
    """Parsed JSON, or a ValueError saying why not (bad syntax, or nesting too deep to read)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError:
        raise ValueError("its JSON is nested too deeply to read") from None


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _milliseconds(value: object) -> float | None:
    """Seconds from a time in milliseconds, or None unless it is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value) / 1000
    except (ValueError, OverflowError):
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _short_label(label: str) -> bool:
    """A speaker label is a few words, not counting parentheses ("Mr. Lee (Chair, Lib.)")."""
    for _ in range(3):
        label = _PARENS.sub(" ", label)
    return 0 < len(label.split()) <= 4 and "(" not in label and ")" not in label


def parse_txt(text: str) -> list[Segment]:
    """Segments of a plain transcript: one utterance per line, optional `Speaker: text`, no times."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").lstrip("\ufeff").split("\n")]
    lines = [line for line in lines if line]
    labelled = [_TXT_SPEAKER.match(line) for line in lines]
    labelled = [m if m and _short_label(m.group(1)) else None for m in labelled]
    # Treat "X: ..." as a speaker only when most lines have one; otherwise it is just a colon.
    use_speakers = 2 * sum(1 for m in labelled if m) > len(lines)
    segments: list[Segment] = []
    for line, match in zip(lines, labelled, strict=True):
        speaker = None
        body = line
        if use_speakers and match:
            speaker, body = match.group(1).strip(), match.group(2)
        cleaned = clean_text(body)
        if cleaned:
            segments.append(Segment(start=None, end=None, text=cleaned, speaker=speaker))
    return segments


def parse_caption_text(text: str, fmt: str) -> list[Segment]:
    """Segments of caption text in format `fmt` (srt, vtt, json3, txt), joined into sentences."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "txt":
        return parse_txt(text)
    if fmt == "json3":
        pieces = parse_json3(text)
    elif fmt == "vtt":
        pieces = parse_vtt(text)
    elif fmt == "sbv":
        pieces = parse_sbv(text)
    else:
        pieces = parse_srt(text)
    return join_sentences(pieces)


# --- the handler -----------------------------------------------------------------------------


def _count_cues(text: str, fmt: str) -> int:
    if fmt == "json3":
        try:
            doc = _load_json(text)
        except ValueError:
            return 0
        events = doc.get("events") if isinstance(doc, dict) else None
        return sum(1 for e in events or [] if isinstance(e, dict) and e.get("segs"))
    return len(_split_cues(_SBV_TIMING.sub(r"\1 --> \2", text) if fmt == "sbv" else text))


def load_caption_file(path: Path, *, lang: str | None = None) -> Transcript:
    """A Transcript from a caption or transcript file, with a content-hash id."""
    fmt = path.suffix.lower().lstrip(".")
    text, data = read_caption_text(path)
    digest = hashlib.sha256(data).hexdigest()
    del data  # only its hash is kept: parsing a big file holds its text once
    try:
        segments = parse_caption_text(text, fmt)
    except ValueError as exc:
        raise SourceError(
            f"{path.name} is not a valid .{fmt} file ({exc}); check the file or export it again."
        ) from exc
    if not segments:
        if fmt != "txt" and _count_cues(text, fmt) > 0:
            raise SourceError(
                f"{path.name} has captions but no speech text (only sound labels such as "
                "[Music]); pass a file with spoken words."
            )
        expected = {
            "srt": "'00:00:01,000 --> 00:00:04,000' cue timings",
            "vtt": "'00:01.000 --> 00:04.000' cue timings",
            "json3": "timed-text events with 'segs'",
            "sbv": "'0:00:01.000,0:00:04.000' cue timings",
            "txt": "lines of text",
        }[fmt]
        raise SourceError(
            f"No captions could be read from {path.name} (expected {expected}); check that it is a "
            f"valid .{fmt} file."
        )
    stem, file_lang = split_stem(path, CAPTION_EXTENSIONS)
    ends = [s.end for s in segments if s.end is not None]
    meta = VideoMeta(
        kind="captions",
        id=local_file_id(path, stem, digest=digest),
        url=None,
        title=prettify(stem),
        duration=max(ends) if ends else None,
        language=file_lang,
    )
    meta = with_sidecar(meta, stem, path.parent)
    return Transcript(meta=meta, language=file_lang, origin="file", segments=segments)


class CaptionFileSource(SourceHandler):
    """Caption files (.srt, .vtt, .json3, .sbv) and plain transcripts (.txt)."""

    name = "captions"
    extensions = CAPTION_EXTENSIONS

    def score(self, source: str) -> float:
        if "://" in source:
            return 0.0
        return 1.0 if Path(source).suffix.lower() in CAPTION_EXTENSIONS else 0.0

    def load(self, source: str, *, lang: str | None, progress: ProgressFn) -> Transcript:
        path = file_path(source, kind="caption")
        return load_caption_file(path, lang=lang)
