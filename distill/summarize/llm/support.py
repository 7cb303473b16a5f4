"""Does a passage support a piece of model text? Content words, numbers, names and quoted terms.

The test: most of the item's content words, stemmed, occur in the passage (optionally weighted,
e.g. by their idf in the transcript; words that only describe a summary, like "the speaker
explains", and the words of a question framing an answer count only where the passage has them
too), and of each of its clauses when it joins several; and every number, name and quoted term
of the item occurs in the passage, whatever the share of words. A passage is the text a citation
points at: the cited sentence with its neighbours. A semantic check (an embedding model's
cosine) may plug in as an alternative to the word share; `bench/grounding.py --semantic`
measured WordLlama adding about as many false accepts as kept positives (whole passages or their
best sentence alike; its word vectors as synonyms did no better), so the pipeline runs without
one. Thresholds: `bench/grounding.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from distill.speech.sentences import sentence_spans
from distill.summarize.text.analysis import NUMBERS
from distill.summarize.text.words import WORD_RE, Lexicon, stem, words

# The share of an item's content terms a supporting passage must hold (bench/grounding.py).
SHARE = 0.6
# Cosine similarity at or above which a semantic check counts as support (when one is plugged in).
SIMILAR = 0.8

Reason = Literal["empty", "words", "number", "name", "quote"]

# Words that describe a summary or a talk rather than say what it says: an item's "the speaker
# explains that X" is about X, so these count only where the passage has them too.
_META = """
speaker speakers video videos talk talks lecture lecturer presenter presenters host hosts author
narrator transcript meeting group team participant participants members discussion discussions
discuss discussed discusses explain explains explained explanation describe describes described
mention mentions mentioned say says said note notes noted point points argue argues argued suggest
suggests suggested suggestion propose proposes proposed proposal agree agrees agreed conclude
concludes concluded conclusion think thinks thought believe believes believed state states stated
claim claims claimed highlight highlights highlighted emphasize emphasizes emphasized emphasise
stress stresses stressed recommend recommends recommended present presents presented presentation
summary summarize summarizes summarise overview introduce introduces introduced introduction cover
covers covered address addresses addressed focus focuses focused outline outlines outlined
overall key main important importance insight insights takeaway takeaways topic topics chapter
chapters section sections part parts also explore explores explored examine examines examined
share shares shared illustrate illustrates illustrated demonstrate demonstrates demonstrated
clarify clarifies clarified report reports reported express expresses expressed raise raises
raised question questions answer answers answered decide decides decided decision ask asks
asked wonder wonders wondered concern concerns concerned confirm confirms confirmed inform
informs informed consider considers considered respond responds responded reply replies replied
indicate indicates indicated according
"""

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_DIGITS = re.compile(r"(?<![^\W\d_])\d{1,3}(?:,\d{3})+(?![\d])|(?<![^\W\d_])\d+(?:\.\d+)?")
_QUOTED = re.compile(r"[\"“„«]([^\"“”„«»\n]{1,80})[\"”“»]|(?<!\w)[‘']([^‘’'\n]{2,60})[’'](?!\w)")
# Where a sentence joins clauses: a semicolon, or a comma before "and", "but", "while",
# "whereas", "so" or "yet". Each clause of two or more content words is judged on its own.
_CLAUSE = re.compile(r";\s*|,\s+(?=(?:and|but|while|whereas|so|yet)\s)", re.IGNORECASE)
# Acronyms spelled letter by letter in some transcripts ("L_C_D_"): read as the word ("LCD").
_SPELLED = re.compile(r"(?<![^\W_])(?:[A-Za-z]_){2,}")
# Languages whose capital letters mark names only (German capitalizes every noun).
_CASED_NAMES = frozenset({"en", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "ro"})


def normalise(text: str) -> str:
    """Text as the test reads it: acronyms spelled letter by letter joined into one word."""
    if "_" not in text:
        return text
    return _SPELLED.sub(lambda m: m.group().replace("_", "") + " ", text)


@lru_cache(maxsize=16)
def lexicon(language: str) -> Lexicon:
    """The shared lexicon of a language (stop words, stemmer)."""
    return Lexicon(language)


def _is_number(term: str) -> bool:
    return term.isdigit() or term in NUMBERS


def content_terms(text: str, language: str) -> frozenset[str]:
    """The content terms of a text: stemmed, without stop words."""
    return frozenset(lexicon(language).terms(text))


@lru_cache(maxsize=16)
def meta_terms(language: str) -> frozenset[str]:
    """The terms of the words that describe a summary rather than its subject."""
    lex = lexicon(language)
    return frozenset(t for w in _META.split() if (t := lex.term(w)))


def numbers(text: str) -> frozenset[float]:
    """The numbers a text states, in digits ("95", "2,000", "3.5") or in English words.

    A lone "one" is not counted: speech says "one of", "the one" far more often than the number.
    """
    found: set[float] = set()
    for m in _DIGITS.finditer(text):
        found.add(float(m.group().replace(",", "")))
    run: list[str] = []
    end = 0
    tokens = [(m.group().lower(), m.start(), m.end()) for m in WORD_RE.finditer(text)]
    for tok, begin, stop in [*tokens, ("", -1, -1)]:
        # A run of number words is broken by punctuation ("twelve; one") as by any other word.
        joined = begin >= 0 and not text[end:begin].strip(" -")
        end = stop
        if run and not joined:
            _add_spelled(run, found)
            run = []
        if tok in _UNITS or tok in _TENS or tok in _SCALES or (run and tok == "and"):
            run.append(tok)
        elif tok == "a":
            if run:
                _add_spelled(run, found)
            run = ["a"]  # "a hundred"
        elif run:
            _add_spelled(run, found)
            run = []
    return frozenset(found)


def _add_spelled(run: list[str], found: set[float]) -> None:
    value = _spelled(run)
    if value is not None:
        found.add(value)


def _spelled(run: list[str]) -> float | None:
    """The value of a run of number words, or None when it is no number ("a", "one", "and")."""
    while run and run[-1] in ("and", "a"):
        run = run[:-1]
    if run and run[0] == "a" and not (len(run) > 1 and run[1] in _SCALES):
        run = run[1:]
    if not run or run == ["one"]:
        return None
    total, current = 0, 0
    for tok in run:
        if tok == "a":
            current = 1
        elif tok in _UNITS:
            current += _UNITS[tok]
        elif tok in _TENS:
            current += _TENS[tok]
        elif tok in _SCALES:
            scale = _SCALES[tok]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
    return float(total + current)


def _name_key(token: str, language: str) -> str:
    token = token.lower().replace("’", "'")
    if token.endswith("'s"):
        token = token[:-2]
    return stem(token) if language == "en" else token


def names(text: str, language: str = "en") -> frozenset[str]:
    """The names a text uses (normalised): capitalised words inside a sentence, acronyms, codes.

    A sentence's first word is no name by its capital; a title-cased text (most words capitalised)
    keeps only its acronyms and codes.
    """
    lex = lexicon(language)
    starts = {b for b, _ in sentence_spans(text)}
    cased = language in _CASED_NAMES
    tokens = list(WORD_RE.finditer(text))
    content = [m for m in tokens if m.group().lower() not in lex.stopwords]
    title_case = len(content) >= 3 and sum(m.group()[0].isupper() for m in content) >= 0.6 * len(
        content
    )
    found: set[str] = set()
    for m in tokens:
        tok = m.group()
        letters = sum(c.isalpha() for c in tok)
        upper = sum(c.isupper() for c in tok)
        if (letters and any(c.isdigit() for c in tok)) or upper >= 2:
            found.add(_name_key(tok, language))  # acronyms (LCD, mRNA) and codes (mn005, B12)
            continue
        if not cased or title_case or not tok[0].isupper() or tok.lower() in lex.stopwords:
            continue
        before = text[: m.start()].rstrip(" \t\"'“‘([«—–-")
        if m.start() in starts or not before or before.endswith((".", "!", "?", ":", ";", "\n")):
            continue
        found.add(_name_key(tok, language))
    return frozenset(found)


def name_keys(text: str, language: str = "en") -> frozenset[str]:
    """Every word of a passage as a name would be looked up in it, whatever its case."""
    return frozenset(_name_key(m.group(), language) for m in WORD_RE.finditer(text))


def quoted(text: str) -> tuple[tuple[str, ...], ...]:
    """The quoted terms of a text, each as its lower-cased words."""
    out = []
    for m in _QUOTED.finditer(text):
        ws = tuple(words(m.group(1) or m.group(2) or ""))
        if ws:
            out.append(ws)
    return tuple(out)


def _contains(seq: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return any(tuple(seq[i : i + n]) == tuple(part) for i in range(len(seq) - n + 1))


@dataclass(frozen=True)
class Item:
    """What the test needs of an item: its content terms, numbers, names and quoted terms."""

    text: str
    terms: frozenset[str]
    optional: frozenset[str]  # terms that count only where the passage has them
    numbers: frozenset[float]
    names: frozenset[str]
    quotes: tuple[tuple[str, ...], ...]
    # The item's clauses, each of which must be supported too (empty for a single clause).
    clauses: tuple[Item, ...] = ()

    @classmethod
    def of(cls, text: str, language: str = "en", framing: str = "") -> Item:
        """The item `text`; `framing` (a question) adds terms that count only where found.

        Words that only describe a summary ("the speaker explains") are optional too. Numbers,
        names and quoted terms of the framing must be in the passage like the item's own.
        """
        text, framing = normalise(text), normalise(framing)
        # Numbers are checked as numbers ("95" is "ninety five"), not as words.
        own = frozenset(t for t in content_terms(text, language) if not _is_number(t))
        framed = frozenset(t for t in content_terms(framing, language) if not _is_number(t)) - own
        meta = meta_terms(language)
        if not own - meta:
            framed, own = frozenset(), own | framed  # "About 95 percent.": the question says what
        both = f"{framing} {text}" if framing else text
        return cls(
            text=both,
            terms=own | framed,
            optional=framed | (own & meta),
            numbers=numbers(text) | numbers(framing),
            names=names(text, language) | names(framing, language),
            quotes=quoted(text) + quoted(framing),
            clauses=_clauses(text, language),
        )

    @property
    def subject(self) -> frozenset[str]:
        """The terms that say what the item is about, all of which count."""
        return self.terms - self.optional


def _clauses(text: str, language: str) -> tuple[Item, ...]:
    """The clauses of a sentence with two or more content words each; a shorter part (a list's
    last item, "so it works") stays with the clause before it."""
    parts: list[str] = []
    for part in _CLAUSE.split(text):
        terms = content_terms(part, language) - meta_terms(language)
        if parts and len(terms) < 2:
            parts[-1] = f"{parts[-1]}, {part}"
        else:
            parts.append(part)
    if len(parts) > 1 and len(content_terms(parts[0], language) - meta_terms(language)) < 2:
        lead = parts.pop(0)
        parts[0] = f"{lead}, {parts[0]}"
    if len(parts) < 2:
        return ()
    return tuple(Item.of(p, language) for p in parts)


@dataclass(frozen=True)
class Passage:
    """What the test needs of a passage: its terms, numbers, words (as names) and word sequence."""

    terms: frozenset[str]
    numbers: frozenset[float]
    names: frozenset[str]
    words: tuple[str, ...]
    text: str = ""

    @classmethod
    def of(cls, texts: Iterable[str], language: str = "en") -> Passage:
        text = normalise(" ".join(texts))
        return cls(
            terms=content_terms(text, language),
            numbers=numbers(text),
            names=name_keys(text, language),
            words=tuple(words(text)),
            text=text,
        )


@dataclass(frozen=True)
class Support:
    """The verdict on an item and a passage, and why."""

    ok: bool
    share: float  # of the item's content terms found in the passage
    reason: Reason | None = None  # why it is not supported
    missing: tuple[str, ...] = ()  # the numbers, names or quoted terms the passage lacks
    similarity: float | None = None  # by the semantic check, when one was asked

    def __bool__(self) -> bool:
        return self.ok


# A semantic check: the similarity (cosine, -1..1) of each (item, passage) pair of texts.
Similarity = Callable[[Sequence[tuple[str, str]]], Sequence[float]]


# How much each content term weighs in the share (e.g. its idf in the transcript); None: equally.
Weight = Callable[[str], float] | None


def term_share(item: Item, terms: frozenset[str], weight: Weight = None) -> tuple[float, int]:
    """The (weighted) share of the item's content terms among `terms`, and how many are there.

    Optional terms (a question's, words that only describe a summary) count when the passage
    has them, and are left out of the count when it does not.
    """
    found = item.terms & terms
    counted = item.subject | (item.optional & found)
    if not counted:
        return 0.0, len(found)
    if weight is None:
        return len(found) / len(counted), len(found)
    total = sum(map(weight, counted))
    return (sum(map(weight, found)) / total if total else 0.0), len(found)


def missing_facts(item: Item, passage: Passage) -> tuple[Reason, tuple[str, ...]] | None:
    """The first kind of fact (number, name, quoted term) of the item the passage lacks, if any."""
    missing_numbers = item.numbers - passage.numbers
    if missing_numbers:
        return "number", tuple(f"{n:g}" for n in sorted(missing_numbers))
    missing_names = item.names - passage.names
    if missing_names:
        return "name", tuple(sorted(missing_names))
    for q in item.quotes:
        if not _contains(passage.words, q):
            return "quote", (" ".join(q),)
    return None


def words_support(
    item: Item, terms: frozenset[str], share: float = SHARE, weight: Weight = None
) -> tuple[bool, float]:
    """Whether `terms` hold `share` of the item's content terms (at least two), and the share."""
    got, count = term_share(item, terms, weight)
    return got >= share and count >= min(2, len(item.subject)), got


def check(
    item: Item,
    passage: Passage,
    *,
    share: float = SHARE,
    weight: Weight = None,
    similarity: float | None = None,
    similar: float = SIMILAR,
) -> Support:
    """The support test on prepared texts; `similarity` is the semantic check's score, if any."""
    if not item.subject:
        return Support(False, 0.0, "empty")
    words_ok, got = words_support(item, passage.terms, share, weight)
    if not words_ok and not (similarity is not None and similarity >= similar):
        return Support(False, got, "words", similarity=similarity)
    # Every clause holds on its own: a true clause does not carry an invented one.
    if not all(words_support(c, passage.terms, share, weight)[0] for c in item.clauses):
        return Support(False, got, "words", similarity=similarity)
    lacking = missing_facts(item, passage)
    if lacking is not None:
        return Support(False, got, lacking[0], lacking[1], similarity)
    return Support(True, got, None, (), similarity)


def supports(
    item_text: str,
    passage_texts: Sequence[str],
    *,
    framing: str = "",
    language: str = "en",
    share: float = SHARE,
    weight: Weight = None,
    semantic: Similarity | None = None,
    similar: float = SIMILAR,
    named: Sequence[str] = (),
) -> Support:
    """Whether the passage (the cited sentence and its neighbours, as texts) supports the item.

    Supported: most of the item's content words are in the passage (`share` of them, at least
    two), or `semantic` scores the pair at least `similar`; and every number, name and quoted
    term of the item is in the passage. Include speaker names in the passage texts when an item
    may name who said what ("Marketing: ..."). `framing` is text that frames the item rather than
    asserts it (the question of an answer): its words count only where the passage has them.
    `weight` weighs terms (e.g. by idf; default: equally). `named`: texts shown with the passage
    (a title) whose names the item may use; they count neither for nor against its words.
    The result is truthy when supported and says why not otherwise (`reason`, `missing`).
    """
    lang = (language or "en").split("-")[0].lower()
    item = Item.of(item_text, lang, framing)
    passage = Passage.of(passage_texts, lang)
    if named:
        # A name from the title is neither an invention nor support; its other words count.
        lent = frozenset().union(*(name_keys(t, lang) for t in named))
        passage = replace(passage, names=passage.names | lent)
        titled = item.terms & content_terms(" ".join(named), lang) & item.names
        item = replace(item, optional=item.optional | (titled - passage.terms))
    verdict = check(item, passage, share=share, weight=weight, similar=similar)
    if verdict.reason == "words" and semantic is not None:
        score = float(semantic([(item.text, passage.text)])[0])
        verdict = check(
            item, passage, share=share, weight=weight, similarity=score, similar=similar
        )
    return verdict
