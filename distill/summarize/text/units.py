"""Sentence units with times, from transcripts with or without punctuation."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from distill.domain import Transcript
from distill.speech.sentences import PAUSE, is_punctuated, sentence_spans
from distill.summarize.text.cleanup import clean_all, polish, strip_speaker
from distill.summarize.text.stopwords import word_set
from distill.summarize.text.words import Lexicon, words

# Clause boundaries: after [,;:] and its spaces, or the spaces before and/but/so/...; written to
# begin with one character class, which the regex engine then finds fast.
_SPLIT_AT = re.compile(
    r"[,;:\s](?:(?<=[,;:])\s+|(?<=\s)\s*(?=(?:and|but|so|because|which|then)\s))", re.IGNORECASE
)
# A list of numbers or letters ("x, y, z", "0, 1, 2, 3") is never cut between its members.
_ENDS_IN_SYMBOL = re.compile(r"(?<![\w'])(?:\d[\d.]*|[^\W\d_])\Z")
_SYMBOL = re.compile(r"(?:\d|[^\W\d_](?![\w']))")
_SPEAKER_NAME = re.compile(r"^\s*([A-Z][\w.'-]*(?:\s+[\w.'-]+){0,3})\s*:\s+\S")

# Words that often open a new sentence in speech: a place to cut unpunctuated captions.
_OPENERS = word_set("so now but and then okay ok if because when which well first next remember")
# A summary shows sentences on their own: shorter than the transcript's lines (see
# distill.sources.cleanup), so every item stays readable.
MAX_WORDS = 45  # longer sentences are split at commas
UNPUNCTUATED_WORDS = 22  # unit length where captions carry no punctuation


@dataclass(slots=True)
class Unit:
    """One sentence (or caption run) as shown, with the start of the segment it begins in."""

    index: int
    text: str
    start: float | None
    seg: int
    terms: list[str]
    n_words: int
    speaker: str | None = None
    question: bool = False
    weights: dict[str, float] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    token_terms: list[str | None] = field(default_factory=list)


@dataclass(slots=True)
class _Piece:
    text: str
    seg: int
    speaker: str | None


def _split_long(text: str, limit: int = MAX_WORDS) -> list[tuple[int, int]]:
    """Spans of a long sentence cut at clause boundaries into pieces of at most ~limit words."""
    if len(text.split()) <= limit:
        return [(0, len(text))]
    cuts = [
        m.end()
        for m in _SPLIT_AT.finditer(text)
        if not (
            _ENDS_IN_SYMBOL.search(text, max(0, m.start() - 12), m.start())
            and _SYMBOL.match(text, m.end())
        )
    ]
    spans: list[tuple[int, int]] = []
    begin = 0
    target = max(12, limit // 2)
    for cut in cuts:
        if len(text[begin:cut].split()) >= target:
            spans.append((begin, cut))
            begin = cut
    spans.append((begin, len(text)))
    out: list[tuple[int, int]] = []
    for b, e in spans:  # no clause boundary: cut by word count
        if len(text[b:e].split()) <= limit + 10:  # \S+ runs are what split() returns
            out.append((b, e))
            continue
        piece_words = list(re.finditer(r"\S+", text[b:e]))
        for i in range(0, len(piece_words), limit):
            chunk = piece_words[i : i + limit]
            out.append((b + chunk[0].start(), b + chunk[-1].end()))
    return out


def _pieces(transcript: Transcript, language: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    segs = transcript.segments
    cleaned = clean_all([strip_speaker(seg.text) for seg in segs], language)
    for i, (seg, text) in enumerate(zip(segs, cleaned, strict=True)):
        if not text:
            continue
        speaker = seg.speaker
        if speaker is None and ":" in seg.text:
            m = _SPEAKER_NAME.match(seg.text)
            if m and len(m.group(1)) <= 30:
                speaker = m.group(1)
        pieces.append(_Piece(text, i, speaker))
    return pieces


def _groups(transcript: Transcript, pieces: list[_Piece], punctuated: bool) -> list[list[_Piece]]:
    """Runs of pieces that may share a sentence: one speaker, continuous captions."""
    groups: list[list[_Piece]] = []
    segs = transcript.segments
    for p in pieces:
        if groups:
            prev = groups[-1][-1]
            s_prev, s_cur = segs[prev.seg], segs[p.seg]
            same = p.speaker == prev.speaker and not (s_prev.start is None and s_cur.start is None)
            if not punctuated and same:
                n = sum(len(x.text.split()) for x in groups[-1])
                gap = (
                    s_cur.start - s_prev.end
                    if s_cur.start is not None and s_prev.end is not None
                    else 0.0
                )
                first = p.text.split(None, 1)[0].lower() if p.text.strip() else ""
                same = (
                    n < UNPUNCTUATED_WORDS
                    and not (gap >= PAUSE and n >= 8)
                    and not (n >= 12 and first in _OPENERS)
                )
            if same:
                groups[-1].append(p)
                continue
        groups.append([p])
    return groups


def build_units(transcript: Transcript, lex: Lexicon) -> list[Unit]:
    """Split a transcript into sentence units, each starting at a real segment start."""
    pieces = _pieces(transcript, lex.language)
    punctuated = is_punctuated(p.text for p in pieces)
    # (text, segment, speaker, question) of every unit; the Units are made once all are cut.
    rows: list[tuple[str, int, str | None, bool]] = []
    isalnum = str.isalnum
    for group in _groups(transcript, pieces, punctuated):
        joined = ""
        offsets: list[int] = []
        for p in group:
            if joined:
                joined += " "
            offsets.append(len(joined))
            joined += p.text
        spans = sentence_spans(joined) if punctuated else [(0, len(joined))]
        for b, e in spans:
            sentence = joined[b:e]
            stripped = sentence.strip()
            lead = len(sentence) - len(sentence.lstrip())
            for sb, se in _split_long(stripped):
                raw = stripped[sb:se].strip()
                text = polish(raw)
                if not text or not any(map(isalnum, text)):
                    continue
                piece = group[max(0, bisect_right(offsets, b + lead + sb) - 1)]
                question = raw.rstrip("\"'”’)").endswith(("?", "？"))
                rows.append((text, piece.seg, piece.speaker, question))
    texts = [row[0] for row in rows]
    token_lists = [words(text) for text in texts]
    term_lists = [[lex.term(token) for token in tokens] for tokens in token_lists]
    segs = transcript.segments
    return [
        Unit(
            i,
            text,
            segs[seg].start,
            seg,
            list(filter(None, token_terms)),
            len(text.split()),
            speaker,
            question,
            {},
            tokens,
            token_terms,
        )
        for i, ((text, seg, speaker, question), tokens, token_terms) in enumerate(
            zip(rows, token_lists, term_lists, strict=True)
        )
    ]
