"""Where sentences end, and whether a text marks its sentence ends at all."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A sentence ends at [.!?…] (with more of them and closing quotes or brackets) before a space or
# the end of the text, or at [。！？] anywhere. Written to begin with one character class, which
# the regex engine then finds fast.
SENTENCE_END = re.compile(
    r"[.!?…。！？](?:(?<=[.!?…])[.!?…]*[\"'”’)\]]*(?=\s|$)|(?<=[。！？])[。！？]*)"
)
_LAST_END = re.compile(SENTENCE_END.pattern + r"\Z")
# Words whose period ends no sentence.
ABBREVIATIONS = frozenset(
    str.split("mr mrs ms dr prof st vs etc e.g i.e a.m p.m no fig approx jr sr inc ltd co u.s")
)
# A text with fewer sentence ends than one per this many words carries no sentence punctuation
# (auto-captions, some speech recognisers): it is cut at pauses and by length instead.
WORDS_PER_END = 40
# Seconds of silence that end a sentence in speech without sentence punctuation.
PAUSE = 1.2


def sentence_ends(text: str, *, as_written: bool = False) -> list[int]:
    """Offsets just after the end of each sentence of a text, its last one's excepted if unmarked.

    A period after an abbreviation ("Dr.") or a single letter ("J. Smith") ends no sentence.
    `as_written`: the text is as the captions wrote it, so a mark before a word in lower case
    ("so on... and", "v. 2. then") ends no sentence either. Not for text with its fillers
    removed, where a sentence may begin in lower case ("Um, so" becomes "so").
    """
    ends: list[int] = []
    begin = 0
    for m in SENTENCE_END.finditer(text):
        end = m.end()
        if m.group().startswith("."):
            before = text[begin : m.start()].rsplit(None, 1)
            last = before[-1].lower() if before else ""
            if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
        if as_written and text[end:].lstrip()[:1].islower():
            continue
        ends.append(end)
        begin = end
    return ends


def ends_with_mark(text: str) -> bool:
    """Whether a text ends with a sentence-end mark, whatever word is before it ("f plus g.")."""
    return _LAST_END.search(text.rstrip()) is not None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text (each with the spaces before it)."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for end in sentence_ends(text):
        if text[begin:end].strip():
            spans.append((begin, end))
        begin = end
    if text[begin:].strip():
        spans.append((begin, len(text)))
    return spans


def is_punctuated(texts: Iterable[str]) -> bool:
    """Whether texts mark their sentence ends often enough to be split at them."""
    words = ends = 0
    for text in texts:
        words += len(text.split())
        ends += len(SENTENCE_END.findall(text))
    return words > 0 and ends * WORDS_PER_END >= words
