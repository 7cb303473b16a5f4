"""Turn whatever a user types into a safe full-text query: words and quoted phrases only."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Anything that is not a letter or digit separates words; FTS syntax never reaches the database.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
# A word typed with a star right after it (`eigen*`) matches every word that starts with it.
_PREFIX = re.compile(r"([^\W_]+)\*")
MAX_TERMS = 16
# English function words: dropped from a query that has other words (FTS5 has no stop words,
# so "what is an eigenvector" would rank nearly every line for "is"; PostgreSQL drops them too).
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)
MIN_PREFIX = 2  # a one-letter prefix would match most of the library


@dataclass(frozen=True)
class ParsedQuery:
    """A user query as a list of terms; each term is a tuple of words matched as a phrase."""

    terms: tuple[tuple[str, ...], ...]
    # Single words typed with a trailing star: matched as prefixes.
    prefixes: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.terms

    def is_prefix(self, term: tuple[str, ...]) -> bool:
        return len(term) == 1 and term[0] in self.prefixes

    def fts5_term(self, term: tuple[str, ...]) -> str:
        """One term in FTS5 syntax: double-quoted (never an operator), starred for a prefix."""
        return '"' + " ".join(term) + '"' + ("*" if self.is_prefix(term) else "")

    def fts5(self, *, any_term: bool = False) -> str:
        """The query in SQLite FTS5 syntax: every word double-quoted, so none is an operator."""
        joiner = " OR " if any_term else " AND "
        return joiner.join(self.fts5_term(words) for words in self.terms)

    def shown(self, term: tuple[str, ...]) -> str:
        """A term as the user typed it, for messages."""
        text = " ".join(term)
        return text + "*" if self.is_prefix(term) else text

    def without(self, shown: Iterable[str]) -> ParsedQuery:
        """The query less the terms shown as `shown` (the words found nowhere, say)."""
        drop = set(shown)
        return ParsedQuery(tuple(t for t in self.terms if self.shown(t) not in drop), self.prefixes)

    def only(self, term: tuple[str, ...]) -> ParsedQuery:
        """The query made of one of its terms."""
        return ParsedQuery((term,), self.prefixes if self.is_prefix(term) else frozenset())


def words(text: str) -> list[str]:
    """The lower-cased words of a text, as the full-text tokenizers see them."""
    return [w.lower() for w in _WORD.findall(text)]


def first_word(text: str) -> str | None:
    """The first word of a text as `words` finds it (not lower-cased), or None."""
    m = _WORD.search(text)
    return m.group() if m else None


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
    outside = " ".join(rest)
    prefixes = {w.lower() for w in _PREFIX.findall(outside) if len(w) >= MIN_PREFIX}
    for w in words(outside):
        add((w,))
    content = [t for t in terms if len(t) > 1 or t[0] not in STOP_WORDS or t[0] in prefixes]
    return ParsedQuery(tuple(content or terms), frozenset(p for p in prefixes if (p,) in seen))


def clean_text(text: str) -> str:
    """Text safe to store and index: no NUL or other control characters (tabs and newlines stay)."""
    return _CONTROL.sub("", text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
