"""Words for the summarizer: tokenizer, light stemmer, and the index terms of a language."""

from __future__ import annotations

import re
from functools import lru_cache

from distill.speech.noise import is_hesitation
from distill.summarize.text.stopwords import SPOKEN_STOPWORDS, STOPWORDS

# Letters/digits runs, keeping inner apostrophes (don't, l'homme).
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

# Ordered suffix rules: (suffix, replacement, minimum stem length left).
_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("ational", "ate", 3),
    ("ization", "ize", 3),
    ("fulness", "ful", 3),
    ("iveness", "ive", 3),
    ("ousness", "ous", 3),
    ("ations", "ate", 3),
    ("ation", "ate", 3),
    ("ments", "", 4),
    ("ment", "", 4),
    ("nesses", "", 3),
    ("ness", "", 3),
    ("ingly", "", 3),
    ("edly", "", 3),
    ("ities", "", 3),
    ("ity", "", 3),
    ("ies", "y", 2),
    ("ied", "y", 2),
    ("ings", "", 3),
    ("ing", "", 3),
    ("ers", "", 3),
    ("er", "", 3),
    ("ed", "", 3),
    ("ly", "", 3),
)
_ES_AFTER = ("sses", "shes", "ches", "xes", "zes")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A small English suffix stemmer: cheap, deterministic, good enough to merge word forms."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(_ES_AFTER):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    for suffix, repl, minimum in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= minimum:
            w = w[: -len(suffix)] + repl
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def words(text: str) -> list[str]:
    """Lower-cased word tokens; runs of CJK characters become overlapping character pairs."""
    tokens = WORD_RE.findall(text.lower().replace("’", "'"))
    if _CJK_RE.search(text):
        pairs: list[str] = []
        for tok in tokens:
            if len(tok) > 2 and _CJK_RE.search(tok):
                pairs.extend(tok[i : i + 2] for i in range(len(tok) - 1))
            else:
                pairs.append(tok)
        return pairs
    return tokens


class Lexicon:
    """The tokenizer, stemmer and stop words of one language, shared by summarizing and asking."""

    def __init__(self, language: str | None) -> None:
        self.language = (language or "en").split("-")[0].lower()
        self.english = self.language == "en"
        base = STOPWORDS.get(self.language, frozenset())
        extra = SPOKEN_STOPWORDS if self.english else frozenset()
        self.stopwords: frozenset[str] = base | extra
        self._cache: dict[str, str | None] = {}

    def term(self, token: str) -> str | None:
        """The index term of one token, or None for stop words, fillers and one-letter tokens."""
        cached = self._cache.get(token, "")
        if cached != "":
            return cached
        result: str | None
        if (
            token in self.stopwords
            or is_hesitation(token)
            or (len(token) < 2 and not token.isdigit())
        ):
            result = None
        elif self.english:
            result = stem(token)
            if result in self.stopwords:
                result = None
        else:
            result = token
        self._cache[token] = result
        return result

    def terms(self, text: str) -> list[str]:
        """The content terms of a text, in order."""
        return [t for t in (self.term(tok) for tok in words(text)) if t]
