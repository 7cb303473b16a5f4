"""Which language a text is in, and what a language code is called."""

from __future__ import annotations

import re

from distill.summarize.text.stopwords import STOPWORDS
from distill.summarize.text.words import WORD_RE

# Scripts that identify a language on their own.
_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("ja", r"[\u3040-\u30ff]"),
    ("ko", r"[\uac00-\ud7af]"),
    ("zh", r"[\u4e00-\u9fff]"),
    ("ru", r"[\u0400-\u04ff]"),
    ("ar", r"[\u0600-\u06ff]"),
    ("he", r"[\u0590-\u05ff]"),
    ("el", r"[\u0370-\u03ff]"),
    ("hi", r"[\u0900-\u097f]"),
    ("th", r"[\u0e00-\u0e7f]"),
)


def detect_language(text: str) -> str | None:
    """Guess an ISO 639-1 code from the writing system, then from stop-word hits; None if unsure."""
    sample = text[:20000]
    letters = sum(ch.isalpha() for ch in sample)
    if not letters:
        return None
    for code, pattern in _SCRIPTS:
        if len(re.findall(pattern, sample)) > 0.3 * letters:
            return code
    tokens = WORD_RE.findall(sample.lower())[:3000]
    if not tokens:
        return None
    best, best_hits = None, 0
    for code, stops in STOPWORDS.items():
        hits = sum(1 for t in tokens if t in stops)
        if hits > best_hits:
            best, best_hits = code, hits
    if best is None or best_hits < max(2, 0.15 * len(tokens)):
        return None
    return best


LANGUAGES = {
    "ar": "Arabic", "bn": "Bengali", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish",
    "fr": "French", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian",
    "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish",
    "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


def language_name(code: str) -> str:
    """The English name of a language code ("es" -> "Spanish"); the code itself if unknown."""
    return LANGUAGES.get(code.split("-")[0].lower(), code)
