"""What a sentence needs from before it, and what a talk is about: so a TL;DR stands alone.

English rules only: other languages get no dangling-word check.
"""

from __future__ import annotations

import re

from distill.summarize.text.analysis import GENERIC, Analysis
from distill.summarize.text.stopwords import word_set
from distill.summarize.text.words import words

# Words that point back at something said before, or join on to it: a sentence that opens on
# one reads right only after what it points to.
_POINTERS = word_set(
    """
it it's its itself they they're they've them their theirs themselves those these this that
that's he he's she she's his her him which whose such so and but or nor also then thus hence
therefore because yet still instead otherwise again another likewise similarly plus both
"""
)
_POINTER_PHRASES = re.compile(
    r"(?:of course|for example|for instance|in other words|in that case|in this case|in fact"
    r"|on the other hand|as a result|after all|even so|the other|the same|at that point"
    r"|at this point|in the same way)\b"
)
# "This video ...", "this meeting ...": the words point at the recording itself, not back.
_SELF = word_set(
    "video talk lecture lesson series episode chapter channel course meeting session "
    "presentation podcast project week"
)
# Where a speaker says what the whole talk is about, sums it up, or says what is to be done.
THESIS = re.compile(
    r"\b(?:this (?:video|talk|lecture|lesson|series|meeting|chapter)|today|we're going to|"
    r"we are going to|i want to|i'd like to|let's talk about|the (?:goal|key|main|point|idea|"
    r"question|heart|essence|whole point|big picture)|is (?:all )?about|in summary|to sum up|"
    r"in short|overall|what this means|we should|we need to|we have to|we(?:'ve| have)? decided|"
    r"we agreed|let's go with)\b",
    re.IGNORECASE,
)


# Pronouns that point back from anywhere in a sentence's opening words ("Whenever this
# happens, ...", "In that case, ...", "Like them, ...").
_BACK = word_set("this these those it they them he she him that's it's they're")


def points_back(tokens: list[str]) -> bool:
    """Whether a sentence (its lower-cased word tokens) opens on a word pointing back, in English:
    its first word, a phrase ("For example"), or a pronoun among its first three words."""
    if not tokens:
        return False
    first = tokens[0]
    if first in _POINTERS and not (len(tokens) > 1 and tokens[1] in _SELF):
        return True
    if _POINTER_PHRASES.match(" ".join(tokens[:5])) is not None:
        return True
    return any(
        t in _BACK and not (k + 1 < len(tokens) and tokens[k + 1] in _SELF)
        for k, t in enumerate(tokens[1:3], start=1)
    )


# Words of a title that say what kind of video it is, not what it is about.
_KIND = word_set(
    "part chapter episode version old new video series essence lesson lecture official full "
    "introduction intro review explained"
)
# Where a title's series or channel part begins: "Eigenvectors | Chapter 14, Essence of ...".
_SERIES = re.compile(r"\s+[|–—]\s+|\s+-\s+|\|")


def title_terms(a: Analysis) -> set[str]:
    """The terms of a talk's title that it says: what it is about (none for a title like a file
    name, "Val 000")."""
    head = _SERIES.split(a.transcript.meta.title or "")[0]
    said = {
        term
        for token in words(head)
        if token not in _KIND
        and (term := a.lex.term(token))
        and term in a.tf
        and term not in GENERIC
    }
    return said


def topic_terms(a: Analysis) -> set[str]:
    """The terms that name what a talk is about: its title's that it says, else those of its two
    top key phrases."""
    return title_terms(a) or {t for kp in a.keyphrases[:2] for t in kp.terms}
