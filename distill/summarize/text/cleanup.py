"""What the summarizer shows of speech: fillers, false starts and repeats removed, sentences polished."""

from __future__ import annotations

import operator
import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate, compress, count, repeat

from distill.speech.noise import (
    BACKCHANNEL,
    BRACKETED,
    CLAUSE_FILLERS,
    HESITATION,
    LEADING_MARKERS,
    MID_FILLERS,
    MUSIC_NOTES,
    TURN_MARK,
    alternatives,
)
from distill.summarize.text.stopwords import STOPWORDS

# Not speech: bracketed labels, music, turn marks, and short asides in parentheses, which read
# badly out of their context (the loaders keep words in parentheses; what is shown drops them,
# unless they hold a number or a letter: "the point (3, 4)" keeps its coordinates).
_NONSPEECH = re.compile(
    "|".join((BRACKETED.pattern, r"\((?:[^()]{0,30})\)", MUSIC_NOTES.pattern, TURN_MARK.pattern))
)
# A number, or a letter on its own other than "a" and "I": what a speaker says that is content.
# ("F_" is how some transcripts spell a letter said on its own.)
_SYMBOLIC = re.compile(r"\d|(?<![^\W_]|')(?![aAI](?![^\W_]|'))[^\W\d_](?![^\W_]|')")
_SPEAKER = re.compile(r"^\s*(?:-\s*)?[A-Z][\w.'-]*(?:\s+[\w.'-]+){0,3}\s*:\s+(?=\S)")
_COMMA_FILLERS = re.compile(
    rf"(?:^|(?<=[,.;!?]))\s*(?:{alternatives(CLAUSE_FILLERS)})\s*(?:,|(?=[.!?]|$))",
    re.IGNORECASE,
)
_MID_FILLERS = re.compile(
    rf",?\s+(?:{alternatives(MID_FILLERS)})\s*(?:,|(?=[.!?]|$))", re.IGNORECASE
)
# Fillers, with a lower-case letter cut off next to one ("uh w some", "s uh as": a letter said
# beside a hesitation is a false start), and cut-off words ending in a hyphen ("pau- you"; one
# letter only before the word it begins: "w- we", never "x- and y-axes"), in one pass.
_NOISE = re.compile(
    rf"(?:(?<![\w'-])[b-hj-z]\s+)?(?i:(?<![\w'])(?:{BACKCHANNEL}|{HESITATION})(?![\w'])[,.]?\s*)"
    r"(?:[b-hj-z]\s+(?=[\w']))?"
    r"|(?<![\w-])(?:[A-Za-z]{2,12}|([A-Za-z])(?=-\s+(?i:\1)))-(?=\s)"
)
# A lone consonant said just before the word it starts ("w we", "t the") is cut off; anywhere
# else a letter is content ("if both b and c are non-zero", "plan b").
_LONE_LETTER = re.compile(r"(?<![\w'-])([b-df-hj-tw])\s+(?=([\w']+))")
# A short fragment that begins the next word ("th the", "ex extract") is a false start; a single
# letter is not ("e equals", "v very": a variable), unless _LONE_LETTER says so.
_PREFIX_START = re.compile(r"(?<![\w'-])([A-Za-z]{2,4})\s+(?=\1[a-z])", re.IGNORECASE)
# "the the", "I think I think": a word or a pair of words said again at once; never one with a
# number or a letter, which speakers say again as content ("the vector 1, 1", "b times b").
# The lookaheads only forbid backtracking into a word (a capture must end where a word ends anyway).
_REPEAT = re.compile(r"\b([\w']+(?![\w'])(?:\s+[\w']+(?![\w']))?)(?:[\s,]+\1\b)+", re.IGNORECASE)
# Hedges of speech that say nothing of the matter ("I think it costs ..." says "it costs ..."):
# "I think", "I guess", "I mean", "I suppose" before what they hedge (not "I think so", "I think
# of", "I mean it"), and "sort of", "kind of" after a verb or a pronoun ("it's kind of big", not
# "what kind of remote").
_HEDGES = re.compile(
    r"\bI (?:think|guess|mean|suppose)(?: that)?,?\s+(?!so\b|about\b|of\b|it\b(?:[.?!,]|$)|[.?!,]|$)"
    r"|\b(?P<keep>(?:is|was|are|were|it's|that's|be|been|just|we|you|they|really|pretty|it|get|"
    r"got|looks|seems|feels)\s)(?:sort|kind) of\s+(?=\w)",
    re.IGNORECASE,
)
_LEADING = re.compile(rf"^(?:(?:{alternatives(LEADING_MARKERS)})\b[,.]?\s+)+", re.IGNORECASE)
_DUP_PUNCT = re.compile(r"([,;:])(?:\s*[,;:])+")


def _nonspeech(m: re.Match[str]) -> str:
    found = m.group()
    return found if found[0] == "(" and _SYMBOLIC.search(found) else " "


def strip_speaker(text: str) -> str:
    """Drop a leading `Speaker:` label and non-speech markers like [Music] or >>."""
    return _SPEAKER.sub("", _NONSPEECH.sub(_nonspeech, text), count=1)


def _keep(language: str) -> frozenset[str]:
    """Short words that are no false start of the word after them ("la lava", "the theory")."""
    return STOPWORDS["en"] | STOPWORDS.get(language, frozenset())


def _drop_letter(m: re.Match[str]) -> str:
    return "" if m.group(2).lower().startswith(m.group(1)) else m.group(0)


def _once(m: re.Match[str]) -> str:
    """A repeat said once, unless it holds a number or a letter."""
    return m.group(0) if _SYMBOLIC.search(m.group(1)) else m.group(1)


def _substitute(text: str, language: str) -> str:
    """clean()'s substitutions, in order: the reference every shortcut must agree with."""
    keep = _keep(language)
    text = _NOISE.sub(" ", text)
    if language == "en":  # the filler phrases are English ones
        text = _MID_FILLERS.sub(" ", text)
        text = _COMMA_FILLERS.sub(",", text)
    text = _LONE_LETTER.sub(_drop_letter, text)
    text = _PREFIX_START.sub(lambda m: m.group(0) if m.group(1).lower() in keep else "", text)
    text = _REPEAT.sub(_once, text)
    return _HEDGES.sub(r"\g<keep>", text) if language == "en" else text  # after "I I think"


# ---- the shortcut: most pieces of speech have nothing to remove ----------------------------

_FILLER_RUN = re.compile(HESITATION)  # _NOISE's fillers, on a whole run
_FILLER_LETTERS = "".join(sorted({c for c in HESITATION if c.isalpha()}))
_LONE = frozenset(c for c in "abcdefghijklmnopqrstuvwxyz" if _LONE_LETTER.match(c + " x"))
# Between texts checked together: a run ("_") of its own, with whitespace either side.
_SEP = "\n_\n"
_NOT_RUN = bytes(
    c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789_'" else 32 for c in range(256)
)
_CUT_OFF = re.compile(r"-\s")  # where _NOISE's cut-off words end
# A filler phrase where _MID_FILLERS or _COMMA_FILLERS may remove it: before a comma, a mark,
# or the end of its text (a separator).
_HEDGE_WORDS = re.compile(r"\bi (?:think|guess|mean|suppose)\b|\b(?:sort|kind) of\b")  # _HEDGES'
_FILLER_BEFORE_MARK = re.compile(
    rf"(?:{alternatives(tuple(dict.fromkeys(MID_FILLERS + CLAUSE_FILLERS)))})\s*(?:[,.!?_]|$)"
)


def _changeable(texts: list[str]) -> set[int] | None:
    """The ASCII English texts _substitute() may change (a superset of those it does); None when
    it cannot tell.

    Each substitution needs something cheap to see in a text, mostly in its lower-cased runs of
    [\\w']: a cut-off word or a filler, a filler phrase before a mark, a lone letter, a
    fragment or a word said again. All texts are looked at at once, joined by _SEP: a hit inside
    a text is found there too, and one across two texts only costs them the full substitutions.
    """
    low = _SEP.join(texts).lower()
    # The runs of [\w'] (in ASCII, [a-z0-9_'] once lower-cased), split in C.
    runs = low.encode().translate(_NOT_RUN).decode().split()
    seps: list[int] = []
    if texts:
        at, find = -1, runs.index
        for _ in range(len(texts) - 1):
            at = find("_", at + 1)
            seps.append(at)
        if runs.count("_") != len(seps):  # a text has a "_" of its own
            return None
    distinct = set(runs)
    fillers = {r for r in distinct if not r.strip(_FILLER_LETTERS) and _FILLER_RUN.fullmatch(r)}
    hits: list[int] = []  # runs where a substitution may start
    if fillers:
        hits += compress(count(), map(fillers.__contains__, runs))
    if not _LONE.isdisjoint(distinct):
        hits += _lone_letters(runs)
    hits += _fragments(runs)
    hits += _repeat_starts(low, runs)
    found = {bisect_right(seps, i) for i in hits}
    # Character positions, by the end of each text with the separator after it.
    ends = list(accumulate(len(t) + len(_SEP) for t in texts))
    for pattern in (_CUT_OFF, _FILLER_BEFORE_MARK, _HEDGE_WORDS):
        found.update(bisect_right(ends, m.start()) for m in pattern.finditer(low))
    return found


def _said_again(a: str, b: str) -> bool:
    """Whether a run of [\\w'] can begin with `a` said again (as _REPEAT's `\\1\\b` needs)."""
    return b.startswith(a) and (len(b) == len(a) or a[-1] == "'" or b[len(a)] == "'")


def _repeat_starts(low: str, runs: list[str]) -> Iterator[int]:
    """Runs where _REPEAT may match: all of them where it does (a superset of the real ones).

    `low` is ASCII text lower-cased, `runs` its runs of [\\w']. A repeat starts at a run (or
    inside one, at or after an apostrophe) and is said again at the start of the next run (one
    word), or as the next two runs (two words).
    """
    # C-level conditions first: most runs stop at them.
    yield from compress(count(), map(operator.eq, runs, runs[1:]))
    for i in compress(count(), map(operator.eq, runs, runs[2:])):
        if i + 3 < len(runs) and _said_again(runs[i + 1], runs[i + 3]):
            yield i
    if "'" not in low:
        return
    for i in compress(count(), map(operator.contains, runs, repeat("'"))):
        # "it it's", and repeats that start inside a word ("don't 't")
        run = runs[i]
        if i and _said_again(runs[i - 1], run):
            yield i
            continue
        if i + 1 == len(runs):
            continue
        # Said again, a tail's part before any apostrophe begins the next run or the one
        # after: a part of this run ("" for a tail that starts with the apostrophe).
        parts = run.split("'")
        nxt = runs[i + 1]
        after = runs[i + 2] if i + 2 < len(runs) else "\0"
        heads = (nxt.partition("'")[0], after.partition("'")[0])
        if all(head and head not in parts for head in heads):
            continue
        pair = runs[i + 3] if i + 3 < len(runs) else None
        tails = [run[k + j :] for k, ch in enumerate(run) if ch == "'" for j in (0, 1)]
        for tail in [run, *tails]:
            if tail and (
                _said_again(tail, nxt)
                or (pair is not None and tail == runs[i + 2] and _said_again(nxt, pair))
            ):
                yield i
                break


def _lone_letters(runs: list[str]) -> Iterator[int]:
    """Runs _LONE_LETTER may drop: a letter before the word it starts."""
    for i in compress(range(len(runs) - 1), map(_LONE.__contains__, runs)):
        if runs[i + 1].startswith(runs[i]):
            yield i


def _fragments(runs: list[str]) -> Iterator[int]:
    """Runs _PREFIX_START may drop: 2-4 letters, no stop word, starting the next run."""
    for i in compress(range(len(runs) - 1), map(str.startswith, runs[1:], runs)):
        fragment = runs[i]
        if (
            2 <= len(fragment) <= 4
            and len(runs[i + 1]) > len(fragment)
            and fragment.isalpha()
            and fragment not in STOPWORDS["en"]
        ):
            yield i


def _tidy(text: str) -> str:
    """Spaces and punctuation put right after words were removed."""
    text = " ".join(text.split())
    for p in ",.;:!?":
        text = text.replace(" " + p, p)
    return _DUP_PUNCT.sub(r"\1", text).lstrip(" ,;:-").rstrip()


def clean(text: str, language: str = "en") -> str:
    """Remove fillers, false starts and repeated words from one piece of speech; keep its meaning."""
    return _tidy(_substitute(text, language))


def clean_all(texts: list[str], language: str = "en") -> list[str]:
    """clean() of every text; in English, only the texts _changeable() finds are substituted."""
    changeable: set[int] | None = None
    if language == "en":
        at = [i for i, text in enumerate(texts) if text.isascii()]
        found = _changeable([texts[i] for i in at])
        if found is not None:  # the non-ASCII ones and the ones found
            changeable = set(range(len(texts))).difference(at).union(at[k] for k in found)
    return [
        _tidy(_substitute(text, language) if changeable is None or i in changeable else text)
        for i, text in enumerate(texts)
    ]


# Words a sentence starts again on ("We had some We had a new idea"): said again capitalised
# mid-sentence, as transcripts write a new start, within a few words and with no mark between.
_RESTARTS = frozenset(
    [
        "we",
        "you",
        "they",
        "it",
        "it's",
        "there",
        "there's",
        "so",
        "and",
        "but",
        "he",
        "she",
        "what",
        "this",
        "that",
        "our",
        "your",
        "my",
        "we're",
        "you're",
        "they're",
        "we've",
    ]
)
_ARTICLES = frozenset(("the", "a", "an"))
_LOST_ARTICLE = frozenset(("we", "you", "they", "what", "he", "she"))  # "The we got to..."


def _started_again(s: str) -> str:
    """A sentence from where its speaker started it again, in English: "We had some We had a
    new idea" is "We had a new idea", "The what we need is..." is "What we need is..."."""
    words = s.split(" ", 6)
    if len(words) < 3:
        return s
    first = words[0].lower()
    if first in _ARTICLES and words[1] in _LOST_ARTICLE:
        return s.split(" ", 1)[1]
    if first not in _RESTARTS:
        return s
    again = first[0].upper() + first[1:]
    for k in range(1, min(5, len(words) - 1)):
        if words[k] == again:
            return " ".join(words[k:])
        if not words[k].replace("'", "").isalnum():  # a mark: what follows is no new start
            break
    return s


def polish(sentence: str) -> str:
    """A sentence as shown: leading discourse markers off, started again where its speaker
    started it again, capitalised, ending in punctuation."""
    if sentence.count('"') % 2:  # a quote cut by the sentence split: drop the marks
        sentence = sentence.replace('"', "")
    s = _started_again(_LEADING.sub("", sentence.strip()).strip(" ,;:-"))
    if not s:
        return s
    if not any(ch.isupper() for ch in s.split(" ", 1)[0][1:]):  # not mRNA, iPhone
        s = s[0].upper() + s[1:]
    if s[-1] not in ".!?…。！？":
        s += "."
    return s
