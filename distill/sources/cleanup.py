"""Caption text cleanup, and joining caption lines into sentence-sized segments."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from distill.domain import Segment
from distill.speech.noise import (
    BRACKETED,
    MUSIC_NOTES,
    SOUND_IN_DASHES,
    SOUND_IN_PARENS,
    TURN_MARK,
)
from distill.speech.sentences import PAUSE, ends_with_mark, is_punctuated, sentence_ends

# The segments stored are lines of the transcript as read with its times, longer than the
# sentences a summary shows (distill.summarize.text.units cuts those again, at 22 and 45 words).
# Unpunctuated text (auto captions) is cut into segments of about this many words.
MAX_UNPUNCTUATED_WORDS = 30
# Even punctuated text gets cut when one "sentence" runs on this long.
MAX_SENTENCE_WORDS = 80

_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>|<\d[\d:.,]{3,20}>")
_ASS_TAG = re.compile(r"\{\\[^}]*\}")
_DIALOGUE_DASH = re.compile(r"^\s*[-\u2013\u2014]\s+")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:])")
# An all-caps speaker label at the start of a caption line: "JOHN: ...", "DR. LEE: ...".
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^<>]{1,60})>")
_CAPS_SPEAKER = re.compile(r"^([A-Z][A-Z0-9 .'\-]{0,30}[A-Z0-9]):\s+(?=\S)")

# Where a substitution of _clean_text() can begin: markup, entities, labels, dashes, characters
# it drops, whitespace other than one space, a space before punctuation.
_NEEDS_WORK = re.compile(
    r"[<>&\[\]({}\\\u266a\u266b\u266c\u2669\u2014\u2013\u200b\ufeff-]|[^\S ]| [ ,.!?;:]"
)


def unescape(text: str) -> str:
    """Decode HTML entities, twice at most, since YouTube captions are often double-escaped."""
    for _ in range(2):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def clean_text(text: str) -> str:
    """One caption line or cue as plain speech: no entities, tags, sound labels or turn marks."""
    if not _NEEDS_WORK.search(text):
        # Most caption lines are plain words: the substitutions would change nothing.
        text = text.strip()
        return text if any(ch.isalnum() for ch in text) else ""
    return _clean_text(text)


def _clean_text(text: str) -> str:
    """clean_text() with every substitution tried."""
    # Markup first, then entities: an escaped "&lt;one>" is text, not a tag.
    text = _TAG.sub("", text)
    text = _ASS_TAG.sub("", text)
    text = unescape(text)
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\xa0", " ")
    text = BRACKETED.sub(" ", text)
    text = SOUND_IN_PARENS.sub(" ", text)
    text = SOUND_IN_DASHES.sub(" ", text)
    text = MUSIC_NOTES.sub(" ", text)
    text = TURN_MARK.sub(" ", text)
    lines = [_DIALOGUE_DASH.sub("", line) for line in text.splitlines()]
    text = _SPACE.sub(" ", " ".join(lines)).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    # A cue that was only a dash or a stray symbol after removing the tags carries no speech.
    if not any(ch.isalnum() for ch in text):
        return ""
    return text


@dataclass(slots=True)
class Piece:
    """A cleaned piece of caption text with its times, before joining into sentences."""

    start: float | None
    end: float | None
    text: str
    speaker: str | None = None
    new_turn: bool = False


def split_turns(raw: str) -> list[tuple[str, bool, str | None]]:
    """Split raw cue text at speaker changes (`>>`, dialogue dashes): (raw text, new turn, speaker)."""
    raw = re.sub(r"&(?:gt|#62|#x3[eE]);&(?:gt|#62|#x3[eE]);", ">>", raw)
    turns: list[tuple[str, bool, str | None]] = []
    for line in raw.splitlines() or [raw]:
        dashed = bool(_DIALOGUE_DASH.match(line))
        parts = line.split(">>")
        for i, part in enumerate(parts):
            new_turn = i > 0 or (i == 0 and dashed)
            if not part.strip():
                if new_turn and i < len(parts) - 1:
                    continue
                if new_turn:
                    # A trailing ">>": the next line starts the new turn.
                    turns.append(("", True, None))
                continue
            speaker = None
            voice = _VOICE.search(part)
            if voice:
                speaker = voice.group(1).strip()
                new_turn = True
            stripped = _TAG.sub("", part).strip()
            stripped = _DIALOGUE_DASH.sub("", stripped)
            match = _CAPS_SPEAKER.match(stripped)
            if match and not stripped.isupper() and speaker is None:
                speaker = match.group(1).strip().title()
                stripped = stripped[match.end() :]
                new_turn = True
            turns.append((part if voice or not speaker else stripped, new_turn, speaker))
    # Fold an empty turn marker into the following piece.
    merged: list[tuple[str, bool, str | None]] = []
    pending = False
    for text, new_turn, speaker in turns:
        if not text.strip():
            pending = pending or new_turn
            continue
        merged.append((text, new_turn or pending, speaker))
        pending = False
    return merged


def pieces_from_cue(start: float | None, end: float | None, raw: str) -> list[Piece]:
    """Clean one cue into pieces, one per speaker turn, with interpolated times."""
    turns = split_turns(raw)
    cleaned = [(clean_text(text), new_turn, speaker) for text, new_turn, speaker in turns]
    cleaned = [c for c in cleaned if c[0]]
    if not cleaned:
        return []
    if len(cleaned) == 1:
        text, new_turn, speaker = cleaned[0]
        return [Piece(start, end, text, speaker, new_turn)]
    total = sum(len(c[0]) for c in cleaned)
    pieces: list[Piece] = []
    offset = 0
    for text, new_turn, speaker in cleaned:
        s = _interpolate(start, end, offset / total)
        offset += len(text)
        e = _interpolate(start, end, offset / total)
        pieces.append(Piece(s, e, text, speaker, new_turn))
    return pieces


def _interpolate(start: float | None, end: float | None, fraction: float) -> float | None:
    if start is None:
        return None
    if end is None or end <= start:
        return start
    return round(start + (end - start) * fraction, 3)


def _sentence_cuts(text: str) -> list[int]:
    """Character offsets in `text` where a new sentence starts."""
    cuts = []
    for end in sentence_ends(text, as_written=True):
        rest = text[end:].lstrip()
        if rest:
            cuts.append(len(text) - len(rest))
    return cuts


def join_sentences(pieces: list[Piece]) -> list[Segment]:
    """Join caption pieces into sentence units that keep the start time of their first word."""
    if not pieces:
        return []
    if is_punctuated(p.text for p in pieces):
        return _join_punctuated(pieces)
    return _join_by_pauses(pieces)


class _Builder:
    """Accumulates text into the current unit and emits finished segments."""

    def __init__(self) -> None:
        self.out: list[Segment] = []
        self.parts: list[str] = []
        self.start: float | None = None
        self.end: float | None = None
        self.speaker: str | None = None
        self.words = 0

    def add(self, text: str, start: float | None, end: float | None, speaker: str | None) -> None:
        text = text.strip()
        if not text:
            return
        if not self.parts:
            self.start = start
            self.speaker = speaker
        self.parts.append(text)
        self.words += len(text.split())
        if end is not None:
            self.end = end if self.end is None else max(self.end, end)

    def flush(self) -> None:
        if self.parts:
            text = _SPACE.sub(" ", " ".join(self.parts)).strip()
            end = self.end
            if end is not None and self.start is not None and end < self.start:
                end = self.start
            self.out.append(Segment(start=self.start, end=end, text=text, speaker=self.speaker))
        self.parts, self.start, self.end, self.speaker, self.words = [], None, None, None, 0


def _join_punctuated(pieces: list[Piece]) -> list[Segment]:
    b = _Builder()
    for piece in pieces:
        if piece.new_turn or (piece.speaker is not None and piece.speaker != b.speaker):
            b.flush()
        text = piece.text
        cuts = _sentence_cuts(text)
        bounds = [0, *cuts, len(text)]
        n = len(text) or 1
        for i in range(len(bounds) - 1):
            a, z = bounds[i], bounds[i + 1]
            chunk = text[a:z]
            if i > 0:
                b.flush()
            if b.words >= MAX_SENTENCE_WORDS:
                b.flush()
            b.add(
                chunk,
                _interpolate(piece.start, piece.end, a / n),
                _interpolate(piece.start, piece.end, z / n),
                piece.speaker,
            )
        if ends_with_mark(text):
            b.flush()
    b.flush()
    return b.out


def _join_by_pauses(pieces: list[Piece]) -> list[Segment]:
    b = _Builder()
    prev_end: float | None = None
    for piece in pieces:
        gap = piece.start - prev_end if piece.start is not None and prev_end is not None else 0.0
        # A long unit ends at a shorter pause rather than mid-phrase at the word limit.
        soft_cut = b.words >= MAX_UNPUNCTUATED_WORDS * 2 // 3 and gap > PAUSE / 3
        if (
            piece.new_turn
            or gap > PAUSE
            or soft_cut
            or (piece.speaker is not None and piece.speaker != b.speaker)
        ):
            b.flush()
        words = piece.text.split()
        if b.words + len(words) <= MAX_UNPUNCTUATED_WORDS:
            b.add(piece.text, piece.start, piece.end, piece.speaker)
        else:
            # Cut inside the piece, placing the cut time proportionally to the words before it.
            n = len(words)
            i = 0
            while i < n:
                room = MAX_UNPUNCTUATED_WORDS - b.words
                if room <= 0:
                    b.flush()
                    room = MAX_UNPUNCTUATED_WORDS
                chunk = words[i : i + room]
                b.add(
                    " ".join(chunk),
                    _interpolate(piece.start, piece.end, i / n),
                    _interpolate(piece.start, piece.end, (i + len(chunk)) / n),
                    piece.speaker,
                )
                i += len(chunk)
        if b.words >= MAX_UNPUNCTUATED_WORDS:
            b.flush()
        prev_end = piece.end if piece.end is not None else piece.start
    b.flush()
    return b.out
