"""Whether a key phrase names a thing, and how it is written: for chapter titles and questions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from distill.summarize.text.analysis import GENERIC, Analysis, Keyphrase
from distill.summarize.text.roles import ARTICLES, symbolic
from distill.summarize.text.units import Unit

# English endings of adverbs, verb forms and adjectives: no title on their own.
_NOT_NOUNS = ("ly", "ing", "ed", "ous", "ive", "ful", "able", "ible", "ical", "ial", "ural")


@dataclass(slots=True)
class Said:
    """How a phrase is said in some units."""

    form: str  # the form said most mid-sentence (so proper nouns keep their capitals)
    times: int = 0
    hyphened: int = 0  # part of a hyphenated word ("i-hat", "j-hat")
    after_article: int = 0  # "the dot product", "of vectors"
    before_term: int = 0  # followed by a content word: a modifier ("linear" transformation)
    proper: bool = False  # written with capitals mid-sentence ("Johann Bernoulli")


def said_in(a: Analysis, units: list[Unit], lowered: list[str], kp: Keyphrase) -> Said:
    """How a key phrase is said in some units (`lowered`: their texts in lower case)."""
    articles = ARTICLES.get(a.language, frozenset())
    forms: Counter[str] = Counter()
    said = Said(kp.surface)
    term_sets, terms = a.term_sets, set(kp.terms)
    surface, size = kp.surface, len(kp.surface)
    for u, low in zip(units, lowered, strict=True):
        if not terms <= term_sets[u.index]:  # a unit that says it has all its terms
            continue
        at = low.find(surface)
        while at >= 0:
            end = at + size
            before, after = low[at - 1 : at], low[end : end + 1]
            if not (before.isalnum() or before == "'" or after.isalnum() or after == "'"):
                said.times += 1
                if before == "-" or after == "-":
                    said.hyphened += 1
                else:
                    _count(said, forms, u.text, at, end, articles, a)
            at = low.find(surface, at + 1)
    if forms:
        said.form = forms.most_common(1)[0][0]
        said.proper = all(w[:1].isupper() for w in said.form.split())
    return said


def _count(
    said: Said,
    forms: Counter[str],
    text: str,
    at: int,
    end: int,
    articles: frozenset[str],
    a: Analysis,
) -> None:
    """Count what is said around one occurrence of a phrase at text[at:end]."""
    head = text[:at].rstrip()
    previous = head.rsplit(None, 1)[-1].strip('"(').lower() if head else ""
    if previous in articles:
        said.after_article += 1
    tail = text[end:]
    following = tail.split(None, 1)[0].rstrip(".,;:!?") if tail[:1] == " " else ""
    if following and a.lex.term(following.lower()):
        said.before_term += 1
    if head and head[-1] not in ".!?":  # mid-sentence: the capitals are the word's own
        forms[text[at:end]] += 1


def nameable(kp: Keyphrase, said: Said, a: Analysis, strict: bool) -> bool:
    """A phrase that names a thing: not only numbers and arithmetic, nor part of a hyphenated
    word; one word is a noun (said after an article, no modifier, adverb, adjective or verb
    form); strictly, more words are said after an article too (or are a proper name)."""
    words = kp.surface.split()
    if symbolic(words) or any(ch.isdigit() for ch in kp.surface):
        return False
    if not said.times or 2 * said.hyphened >= said.times or said.form.endswith(("'s", "’s")):
        return False  # "i-hat" is no "hat"; "Jennifer's" needs what is hers
    if a.language not in ARTICLES or said.proper:
        return True
    if len(words) == 1:
        if kp.terms[0] in GENERIC or said.after_article < 2:
            return False
        # In English a word said mostly before another is a modifier ("linear" transformation);
        # in the Romance languages adjectives and verbs come after the noun.
        english = a.lex.english
        return not (
            english and (2 * said.before_term > said.times or words[0].endswith(_NOT_NOUNS))
        )
    return not strict or 3 * said.after_article >= said.times - said.hyphened
