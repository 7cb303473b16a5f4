"""Turn whatever a user types into a safe full-text query: words and quoted phrases only."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Anything that is not a letter or digit separates words; FTS syntax never reaches the database.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
MAX_TERMS = 16


@dataclass(frozen=True)
class ParsedQuery:
    """A user query as a list of terms; each term is a tuple of words matched as a phrase."""

    terms: tuple[tuple[str, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.terms

    def fts5(self, *, any_term: bool = False) -> str:
        """The query in SQLite FTS5 syntax: every word double-quoted, so none is an operator."""
        joiner = " OR " if any_term else " AND "
        return joiner.join('"' + " ".join(words) + '"' for words in self.terms)


def words(text: str) -> list[str]:
    """The lower-cased words of a text, as the full-text tokenizers see them."""
    return [w.lower() for w in _WORD.findall(text)]


def parse_query(text: str) -> ParsedQuery:
    """Parse a user query: "quoted phrases" stay together, every other word is its own term."""
    terms: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()

    def add(term: tuple[str, ...]) -> None:
        if term and term not in seen and len(terms) < MAX_TERMS:
            seen.add(term)
            terms.append(term)

    rest = []
    last = 0
    for m in _PHRASE.finditer(text):
        rest.append(text[last : m.start()])
        add(tuple(words(m.group(1))))
        last = m.end()
    rest.append(text[last:])
    for w in words(" ".join(rest)):
        add((w,))
    return ParsedQuery(tuple(terms))


def clean_text(text: str) -> str:
    """Text safe to store and index: no NUL or other control characters (tabs and newlines stay)."""
    return _CONTROL.sub("", text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
