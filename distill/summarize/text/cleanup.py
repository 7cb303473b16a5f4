"""What the summarizer shows of speech: fillers, false starts and repeats removed, sentences polished."""

from __future__ import annotations

import operator
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
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
# badly out of their context (the loaders keep words in parentheses; what is shown drops them).
_NONSPEECH = re.compile(
    "|".join((BRACKETED.pattern, r"\((?:[^()]{0,30})\)", MUSIC_NOTES.pattern, TURN_MARK.pattern))
)
_SPEAKER = re.compile(r"^\s*(?:-\s*)?[A-Z][\w.'-]*(?:\s+[\w.'-]+){0,3}\s*:\s+(?=\S)")
_COMMA_FILLERS = re.compile(
    rf"(?:^|(?<=[,.;!?]))\s*(?:{alternatives(CLAUSE_FILLERS)})\s*(?:,|(?=[.!?]|$))",
    re.IGNORECASE,
)
_MID_FILLERS = re.compile(
    rf",?\s+(?:{alternatives(MID_FILLERS)})\s*(?:,|(?=[.!?]|$))", re.IGNORECASE
)
# Fillers and cut-off words ending in a hyphen ("pau- you"), removed in one pass.
_NOISE = re.compile(
    rf"(?i:(?<![\w'])(?:{HESITATION}|{BACKCHANNEL})(?![\w'])[,.]?\s*)"
    r"|(?<![\w-])[A-Za-z]{1,12}-(?=\s)"
)
# A lone consonant before a small word or the word it starts ("t some", "w we") is cut off;
# before other words it may be a name ("t cells", "plan b") and stays.
_LONE_LETTER = re.compile(r"(?<![\w'-])([b-df-hj-tw])\s+(?=([\w']+))")
# A short fragment that begins the next word ("th the", "ex extract") is a false start.
_PREFIX_START = re.compile(r"(?<![\w'-])([A-Za-z]{1,4})\s+(?=\1[a-z])", re.IGNORECASE)
# "the the", "I think I think": a word or a pair of words said again at once.
# The lookaheads only forbid backtracking into a word (a capture must end where a word ends anyway).
_REPEAT = re.compile(r"\b([\w']+(?![\w'])(?:\s+[\w']+(?![\w']))?)(?:[\s,]+\1\b)+", re.IGNORECASE)
_LEADING = re.compile(rf"^(?:(?:{alternatives(LEADING_MARKERS)})\b[,.]?\s+)+", re.IGNORECASE)
_DUP_PUNCT = re.compile(r"([,;:])(?:\s*[,;:])+")


def strip_speaker(text: str) -> str:
    """Drop a leading `Speaker:` label and non-speech markers like [Music] or >>."""
    return _SPEAKER.sub("", _NONSPEECH.sub(" ", text), count=1)


def _drop_letter(m: re.Match[str]) -> str:
    following = m.group(2).lower()
    if following in STOPWORDS["en"] or following.startswith(m.group(1)):
        return ""
    return m.group(0)


def _drop_fragment(m: re.Match[str]) -> str:
    return m.group(0) if m.group(1).lower() in STOPWORDS["en"] else ""


_RUNS = re.compile(r"[\w']+")
_FILLER_RUN = re.compile(HESITATION)  # _NOISE's fillers, on a whole run
_FILLER_LETTERS = "".join(sorted({c for c in HESITATION if c.isalpha()}))
_LONE = frozenset(c for c in "abcdefghijklmnopqrstuvwxyz" if _LONE_LETTER.match(c + " x"))
_MID_WORDS = MID_FILLERS
_COMMA_WORDS = CLAUSE_FILLERS


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
    quoted = compress(count(), map(operator.contains, runs, repeat("'"))) if "'" in low else ()
    yield from _repeat_rest(runs, quoted)


def _repeat_rest(runs: list[str], quoted: Iterable[int]) -> Iterator[int]:
    """_repeat_starts() but for a run said again at once; `quoted`: the runs with an apostrophe."""
    for i in compress(count(), map(operator.eq, runs, runs[2:])):
        if i + 3 < len(runs) and _said_again(runs[i + 1], runs[i + 3]):
            yield i
    for i in quoted:  # "it it's", and repeats that start inside a word ("don't 't")
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


def _filler_runs(runs: list[str]) -> Iterator[int]:
    """Runs that are fillers _NOISE removes ("um", "uhh", "hmm"); runs are lower-cased."""
    # Only runs spelt with the letters of fillers are tried (C-level filters, few remain).
    spelt = map(operator.not_, map(str.strip, runs, repeat(_FILLER_LETTERS)))
    return (i for i in compress(count(), spelt) if _FILLER_RUN.fullmatch(runs[i]))


def _lone_letters(runs: list[str]) -> Iterator[int]:
    """Runs _LONE_LETTER may drop: a letter before a stop word or the word it starts."""
    for i in compress(range(len(runs) - 1), map(_LONE.__contains__, runs)):
        following = runs[i + 1]
        if following in STOPWORDS["en"] or following.startswith(runs[i]):
            yield i


def _fragments(runs: list[str]) -> Iterator[int]:
    """Runs _PREFIX_START may drop: 1-4 letters, no stop word, starting the next run."""
    for i in compress(range(len(runs) - 1), map(str.startswith, runs[1:], runs)):
        fragment = runs[i]
        if (
            len(fragment) <= 4
            and len(runs[i + 1]) > len(fragment)
            and fragment.isalpha()
            and fragment not in STOPWORDS["en"]
        ):
            yield i


def _any(indices: Iterator[int]) -> bool:
    return next(indices, None) is not None


def _clean_any(text: str) -> str:
    """clean()'s substitutions, every one tried (for non-ASCII text, where case folding is wider)."""
    text = _NOISE.sub(" ", text)
    lower = text.lower()
    if any(map(lower.__contains__, _MID_WORDS)):
        text = _MID_FILLERS.sub(" ", text)
    if any(map(lower.__contains__, _COMMA_WORDS)):
        text = _COMMA_FILLERS.sub(",", text)
    text = _LONE_LETTER.sub(_drop_letter, text)
    text = _PREFIX_START.sub(_drop_fragment, text)
    return _REPEAT.sub(r"\1", text)


def _clean_foreign(text: str, keep: frozenset[str]) -> str:
    """clean() for another language: no English fillers; its short words are no false starts
    ("la red de defensa")."""

    def fragment(m: re.Match[str]) -> str:
        return m.group(0) if m.group(1).lower() in keep else ""

    text = _NOISE.sub(" ", text)
    text = _LONE_LETTER.sub(_drop_letter, text)
    text = _PREFIX_START.sub(fragment, text)
    return _REPEAT.sub(r"\1", text)


def _clean_ascii(text: str, first: int = 0) -> str:
    """clean()'s substitutions, each tried only where the word runs show it can change something.

    `first`: the first of the _STEPS to try (the ones before were tried already).
    """
    if first >= len(_STEPS):
        return text
    low = text.lower()
    runs = _RUNS.findall(low)
    if first <= 0 and ("-" in text or _any(_filler_runs(runs))):
        text, low, runs = _redo(text, _NOISE.sub(" ", text), low, runs)
    if first <= 1 and any(map(low.__contains__, _MID_WORDS)):
        text, low, runs = _redo(text, _MID_FILLERS.sub(" ", text), low, runs)
    if first <= 2 and any(map(low.__contains__, _COMMA_WORDS)):
        text, low, runs = _redo(text, _COMMA_FILLERS.sub(",", text), low, runs)
    if first <= 3 and _any(_lone_letters(runs)):
        text, low, runs = _redo(text, _LONE_LETTER.sub(_drop_letter, text), low, runs)
    if first <= 4 and _any(_fragments(runs)):
        text, low, runs = _redo(text, _PREFIX_START.sub(_drop_fragment, text), low, runs)
    return _REPEAT.sub(r"\1", text) if _any(_repeat_starts(low, runs)) else text


# clean()'s substitutions in order, each with its bit in _changeable()'s masks.
_NOISE_STEP, _MID_STEP, _COMMA_STEP, _LONE_STEP, _FRAGMENT_STEP, _REPEAT_STEP = (1, 2, 4, 8, 16, 32)
_STEPS: tuple[tuple[int, Callable[[str], str]], ...] = (
    (_NOISE_STEP, lambda t: _NOISE.sub(" ", t)),
    (_MID_STEP, lambda t: _MID_FILLERS.sub(" ", t)),
    (_COMMA_STEP, lambda t: _COMMA_FILLERS.sub(",", t)),
    (_LONE_STEP, lambda t: _LONE_LETTER.sub(_drop_letter, t)),
    (_FRAGMENT_STEP, lambda t: _PREFIX_START.sub(_drop_fragment, t)),
    (_REPEAT_STEP, lambda t: _REPEAT.sub(r"\1", t)),
)


def _clean_flagged(text: str, may: int) -> str:
    """_clean_ascii() of a text whose unchanged form only the steps in the mask `may` can change.

    Until one of them changes it, the others are known to be no-ops; after, all are checked.
    """
    for step, (flag, substitute) in enumerate(_STEPS):
        if may & flag:
            new = substitute(text)
            if new != text:
                return _clean_ascii(new, step + 1)
    return text


def _redo(text: str, new: str, low: str, runs: list[str]) -> tuple[str, str, list[str]]:
    """The text after a substitution, lower-cased and in runs (recomputed only if it changed)."""
    if new == text:
        return text, low, runs
    low = new.lower()
    return new, low, _RUNS.findall(low)


_SPACED_PUNCT = tuple((" " + p, p) for p in ",.;:!?")
_PUNCT_PAIRS = tuple(a + b for a in ",;:" for b in ",;:")


def _tidy(text: str) -> str:
    """Spaces and punctuation put right after words were removed."""
    text = " ".join(text.split())
    for spaced, p in _SPACED_PUNCT:
        text = text.replace(spaced, p)
    # With no space before punctuation left, _DUP_PUNCT can only match two marks side by side.
    if any(map(text.__contains__, _PUNCT_PAIRS)):
        text = _DUP_PUNCT.sub(r"\1", text)
    return text.lstrip(" ,;:-").rstrip()


def clean(text: str) -> str:
    """Remove fillers, false starts and repeated words from one piece of speech; keep its meaning."""
    # Most texts have nothing to remove: cheap necessary conditions skip the regexes.
    return _tidy(_clean_ascii(text) if text.isascii() else _clean_any(text))


def clean_all(texts: list[str], language: str = "en") -> list[str]:
    """clean() of every text; the ASCII ones are checked all at once, in a few C passes."""
    if language != "en":
        keep = STOPWORDS["en"] | STOPWORDS.get(language, frozenset())
        return [_tidy(_clean_foreign(t, keep)) for t in texts]
    out = texts[:]
    at = list(compress(count(), map(str.isascii, texts)))
    ascii_texts = [texts[i] for i in at]
    changeable = _changeable(ascii_texts)
    if changeable is None:
        changeable = dict.fromkeys(range(len(at)), -1)  # every step may change every text
    # Texts no substitution changes need _tidy() only where it changes them (seldom).
    same = [k for k in range(len(at)) if k not in changeable]
    for k in _untidy([ascii_texts[k] for k in same]):
        out[at[same[k]]] = _tidy(ascii_texts[same[k]])
    for k, may in changeable.items():
        out[at[k]] = _tidy(_clean_flagged(ascii_texts[k], may))
    for i in set(range(len(texts))).difference(at):
        out[i] = _tidy(_clean_any(texts[i]))
    return out


# Between texts checked together: a run ("_") of its own, with whitespace either side.
_SEP = "\n_\n"
_NOT_RUN = bytes(
    c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789_'" else 32 for c in range(256)
)
_CUT_END = re.compile(r"-\s")  # where _NOISE's cut-off words can end
_MID_SET = frozenset(_MID_WORDS)
_COMMA_SET = frozenset(_COMMA_WORDS)


def _changeable(texts: list[str]) -> dict[int, int] | None:
    """The ASCII texts _clean_ascii() may change, each with a mask of the _STEPS that may change
    it as it is (a superset); None when it cannot tell.

    Every pre-check of _clean_ascii() is made once over the texts joined by _SEP: a hit inside
    a text is found there too, and one across texts only costs that text the full check.
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
    found: list[tuple[int, int]] = []  # (index of a run, step)
    distinct = set(runs)
    fillers = {r for r in distinct if not r.strip(_FILLER_LETTERS) and _FILLER_RUN.fullmatch(r)}
    if fillers:
        found += zip(compress(count(), map(fillers.__contains__, runs)), repeat(_NOISE_STEP))
    if not _LONE.isdisjoint(distinct):
        found += zip(_lone_letters(runs), repeat(_LONE_STEP))
    # A run the next one starts with: a repeat (the same run) or maybe a false start.
    for i in compress(count(), map(str.startswith, runs[1:], runs)):
        fragment = runs[i]
        if runs[i + 1] == fragment:
            found.append((i, _REPEAT_STEP))
        elif len(fragment) <= 4 and fragment.isalpha() and fragment not in STOPWORDS["en"]:
            found.append((i, _FRAGMENT_STEP))
    quoted = {r for r in distinct if "'" in r}
    quoted_at = compress(count(), map(quoted.__contains__, runs)) if quoted else ()
    found += zip(_repeat_rest(runs, quoted_at), repeat(_REPEAT_STEP))
    may: dict[int, int] = {}
    for i, step in found:
        k = bisect_right(seps, i)
        may[k] = may.get(k, 0) | step
    # Character positions, by the end of each text with the separator after it.
    ends = list(accumulate(len(t) + len(_SEP) for t in texts))
    spots = [(m.start(), _NOISE_STEP) for m in _CUT_END.finditer(low)]
    for phrase in _MID_SET | _COMMA_SET:
        at = low.find(phrase)
        while at >= 0:
            step = _filler_phrase_steps(low, at, phrase)
            if step:
                spots.append((at, step))
            at = low.find(phrase, at + 1)
    for p, step in spots:
        k = bisect_right(ends, p)
        may[k] = may.get(k, 0) | step
    return may


def _filler_phrase_steps(low: str, at: int, phrase: str) -> int:
    """Which of _MID_FILLERS and _COMMA_FILLERS may match `phrase` at `at` (or a text ends)."""
    after = at + len(phrase)
    while after < len(low) and low[after].isspace():
        after += 1
    if after < len(low) and low[after] not in ",.!?_":
        return 0
    steps = _MID_STEP if phrase in _MID_SET and at and low[at - 1].isspace() else 0
    before = at - 1
    while before >= 0 and low[before].isspace():
        before -= 1
    if phrase in _COMMA_SET and (before < 0 or low[before] in ",.;!?_"):
        steps |= _COMMA_STEP
    return steps


# ASCII punctuation that _tidy() moves or drops, as the kind it is, for finding it in C.
_PUNCT_KINDS = bytes.maketrans(b",;:.!?", b",,,...")
_UNTIDY = (b"  ", b" ,", b" .", b",,", b"\0 ", b" \0", b"\0,", b"\0-")


def _untidy(texts: list[str]) -> Iterable[int]:
    """The ASCII texts _tidy() may change (a superset): found all at once, joined by NULs."""
    if not all(map(str.isprintable, texts)):  # whitespace other than spaces: try every one
        return range(len(texts))
    joined = ("\0" + "\0".join(texts) + "\0").encode().translate(_PUNCT_KINDS)
    spots = []
    for pattern in _UNTIDY:
        at = joined.find(pattern)
        while at >= 0:
            spots.append(at)
            at = joined.find(pattern, at + 1)
    # Text k lies between the NULs at starts[k] and starts[k + 1].
    starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
    found = set()
    for p in spots:  # a pattern touches the texts its characters are in
        found.add(bisect_right(starts, p) - 1)
        found.add(bisect_right(starts, p + 1) - 1)
    return found.intersection(range(len(texts)))


def polish(sentence: str) -> str:
    """A sentence as shown: leading discourse markers off, capitalised, ending in punctuation."""
    if sentence.count('"') % 2:  # a quote cut by the sentence split: drop the marks
        sentence = sentence.replace('"', "")
    s = _LEADING.sub("", sentence.strip()).strip(" ,;:-")
    if not s:
        return s
    if not any(ch.isupper() for ch in s.split(" ", 1)[0][1:]):  # not mRNA, iPhone
        s = s[0].upper() + s[1:]
    if s[-1] not in ".!?…。！？":
        s += "."
    return s
