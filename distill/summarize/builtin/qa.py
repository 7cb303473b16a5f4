"""Questions and answers grounded in the transcript: only real ones.

The speakers' own questions that they then answer, "What is X?" answered by the sentence that
defines X, and, in English, "How does X work?", "How do you compute X?" and "Who posed X?"
answered by the sentence that says so. No question is asked from a template alone: where a
talk has fewer real questions, it gets fewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from distill.domain import QA
from distill.summarize.builtin.naming import nameable, said_in
from distill.summarize.text.analysis import GENERIC, Analysis, Keyphrase, cosine
from distill.summarize.text.reference import points_back, title_terms
from distill.summarize.text.stopwords import word_set
from distill.summarize.text.units import Unit
from distill.summarize.text.words import words

# (what is X, how does X work) per language; English is the fallback.
_TEMPLATES: dict[str, tuple[str, str]] = {
    "en": ("What {be} {x}?", "How {do} {x} work?"),
    "es": ("¿Qué es {x}?", "¿Cómo funciona {x}?"),
    "fr": ("Qu'est-ce que {x} ?", "Comment fonctionne {x} ?"),
    "de": ("Was ist {x}?", "Wie funktioniert {x}?"),
    "it": ("Che cos'è {x}?", "Come funziona {x}?"),
    "pt": ("O que é {x}?", "Como funciona {x}?"),
    "nl": ("Wat is {x}?", "Hoe werkt {x}?"),
}
# How a definition starts in other languages: (articles before X, "is/are", words after it).
_DEFINES: dict[str, tuple[str, str, str]] = {
    "es": ("el|la|los|las|un|una", "es|son", "un|una|el|la|lo|los|las|cuando|como|básicamente"),
    "fr": ("le|la|les|l'|un|une", "est|sont|c'est", "un|une|le|la|les|ce|quand|comme"),
    "de": ("der|die|das|ein|eine", "ist|sind", "ein|eine|der|die|das|wenn|wie|im"),
    "it": ("il|lo|la|i|gli|le|l'|un|uno|una", "è|sono", "un|uno|una|il|la|quando|come"),
    "pt": ("o|a|os|as|um|uma", "é|são", "um|uma|o|a|quando|como|basicamente"),
    "nl": ("de|het|een", "is|zijn", "een|de|het|wanneer|als|hoe"),
}
MAX_QA = 6
QUESTION_PHRASES = 40  # key phrases a question may be about
MAX_CONDITIONS = 2  # "What happens if ...?" questions, at most
OWN_QA = 3  # the speakers' own questions taken first
# A noun phrase ends here: a mark, the end, or a word that cannot continue it ("called vector
# spaces" names no "vector").
_PHRASE_END = (
    r"(?=\s*(?:[,.;:!?)]|$)|\s+(?:and|or|in|on|for|that|which|who|is|are|was|were|to|by|"
    r"with|as|because|when|where|if|but|so|we|you|it|this)\b)"
)
# What X is of, said after it: "the span of i-hat", "the inverse of A".
_OF = r"(?P<of>\s+of\s+[^,.;:?!]{1,30}?)?"
# Words that point at something said before: no question is made of them.
_POINTING = re.compile(r"\b(?:this|that|these|those|it|its|they|them|their|he|she|him|her)\b", re.I)
# What a person is: a definition of a name that says so asks "Who is X?".
_PERSON = re.compile(
    r"\b(?:guy|man|woman|person|friend|mathematician|physicist|scientist|professor|author|"
    r"writer|engineer|student|teacher|artist|who)\b"
)
# An English question: it asks with a question word or an inverted verb.
_ASKS = re.compile(
    r"^(?:what|why|how|when|where|who|whom|whose|which|is|are|was|were|do|does|did|can|could|"
    r"should|would|will|has|have|had)\b",
    re.IGNORECASE,
)
# A request, not a question: "Can I welcome members...?", "Could I ask you...?", "Shall we
# move on to...?" ask leave to do something, and nothing after them answers them.
_REQUEST = re.compile(
    r"^(?:(?:can|could|may|might|shall)\s+i|(?:can|could|shall)\s+we\s+(?:just\s+)?"
    r"(?:move|go|start|begin|turn|come|now|finish|stop|wrap|close))\b",
    re.IGNORECASE,
)
# A question asked after a preface: "If you haven't seen it, how do you compute it?", "Can I
# ask a question: what are the reserves like?"
_LATE_ASK = re.compile(r"[,:]\s+((?:what|why|how|when|where|who|which)\b[^,]*\?)$", re.IGNORECASE)
# A tag asks for agreement, not for an answer: "Newton shows him up, right?"
_TAG = re.compile(
    r",\s*(?:right|no|yeah|yes|ok|okay|huh|eh|isn't it|wasn't it|wouldn't it|don't you|doesn't "
    r"it|aren't they|didn't he|didn't she|did it|is it|would it|can't you)\s*\?$",
    re.IGNORECASE,
)
# "How do you compute X?": a sentence that says how X is found.
_HOW_VERBS = "compute|calculate|find|get|solve|measure|derive|construct|draw|build|make|represent"
# "What does X measure?": a sentence whose subject X does one of these.
_DOES_VERBS = "measure|represent|describe|tell|encode|capture|count|mean|show|give|say|do|map|store"
# "Who posed X?": a sentence where a name (capitalised, mid-sentence) did something to X.
_WHO_VERBS = (
    "posed|proposed|invented|discovered|proved|solved|introduced|found|wrote|described|coined|"
    "defined|named|founded|created|developed|built|designed|conjectured"
)
_WHO_WORDS = re.compile(rf"\b(?:{_WHO_VERBS})\b")
SAID_UNITS = 60  # sentences looked at to tell whether a phrase names a thing
SUBJECT_WORDS = 6  # where a sentence's subject is looked for


@dataclass(slots=True)
class _Found:
    value: float
    qa: QA
    at: int  # the unit that answers


def _answer_units(a: Analysis, start: int, min_words: int = 14) -> list[Unit]:
    """The unit at `start`, extended by the next ones of the same speaker while it is short."""
    units = a.units
    out = [units[start]]
    words = units[start].n_words
    j = start + 1
    while words < min_words and j < len(units) and len(out) < 3:
        nxt = units[j]
        if nxt.question or nxt.speaker != out[-1].speaker or not nxt.terms:
            break
        out.append(nxt)
        words += nxt.n_words
        j += 1
    return out


def _own_question(a: Analysis, q: Unit, key: set[str]) -> str | None:
    """The question a speaker asks, as shown; None when it is no real question about the talk.

    It is about the talk's key terms, not too short or long; in English it asks with a question
    word or an inverted verb (after a preface, from there on), is no tag ("..., right?") nor a
    request ("Can I thank...?", though a question may follow one) and opens on no word pointing back ("Or are both...?").
    """
    text = q.text
    if not q.question or not 3 <= q.n_words <= 30 or not key.intersection(q.terms):
        return None
    if not a.lex.english:
        return text if q.n_words <= 25 else None
    if _TAG.search(text) or points_back(q.tokens):
        return None
    if _REQUEST.match(text) or not _ASKS.match(text):
        late = _LATE_ASK.search(text)
        if late is None:
            return None
        text = late.group(1)
        text = text[0].upper() + text[1:]
        if len(text.split()) < 4 or not key.intersection(a.lex.terms(text)):
            return None
        if _POINTING.search(text):  # "..., how effective are they?": the preface said who
            return None
    return text if len(text.split()) <= 25 else None


def _speaker_questions(
    a: Analysis, scores: list[float], allowed: set[int], key: set[str]
) -> list[_Found]:
    """Questions the speakers ask and then answer: the answer shares a word with the question."""
    units = a.units
    found: list[_Found] = []
    for q in units:
        if not q.question:
            continue
        question = _own_question(a, q, key)
        if question is None:
            continue
        asked = set(a.lex.terms(question))
        for j in range(q.index + 1, min(len(units), q.index + 4)):
            cand = units[j]
            if cand.question:
                break
            if j in allowed and len(cand.terms) >= 3 and cand.n_words >= 8:
                answer = _answer_units(a, j)
                said = set().union(*(set(u.terms) for u in answer))
                if not asked & said:
                    break  # what follows does not answer it
                overlap = cosine(q.weights, cand.weights)
                value = scores[j] + 0.5 * max((scores[u.index] for u in answer), default=0.0)
                value *= 1.0 + overlap
                qa = QA(question=question, answer=" ".join(u.text for u in answer), start=q.start)
                found.append(_Found(value, qa, j))
                break
    found.sort(key=lambda f: (-f.value, f.at))
    return found


def _edge(low: str, k: int) -> bool:
    """Whether a word may end or begin beside low[k] (a regular expression's \\b there)."""
    return not (0 <= k < len(low) and (low[k].isalnum() or low[k] == "_"))


def _the(a: Analysis, kp: Keyphrase, holders: list[int]) -> str:
    """'the ' when the talk mostly says 'the X' (the immune system), else ''.

    The phrase is found as whole words with str.find, not a pattern compiled for each phrase
    (which cost a summary more than all its other questions).
    """
    surface, size = kp.surface, len(kp.surface)
    with_the = times = 0
    for i in holders[:50]:
        low = " ".join(a.units[i].text.split()).lower()
        at = low.find(surface)
        while at >= 0:
            end = at + size
            if not (_edge(low, at - 1) and _edge(low, end)):
                at = low.find(surface, at + 1)
                continue
            times += 1
            with_the += low[at - 4 : at] == "the " and _edge(low, at - 5)
            at = low.find(surface, end)
    return "the " if times and with_the * 2 > times else ""


def _plural(surface: str) -> bool:
    return surface.endswith("s") and not surface.endswith(("ss", "us", "is"))


# A noun phrase of one to three words, as short as the rest of a pattern allows.
_X = r"(?P<x>[^\W\d_][\w'-]*(?:\s+[\w'-]+){0,2}?)"
_SUBJECT = (
    r"^(?:(?:so|and|now|well|basically|okay|remember|first)[\s,]+){0,2}(?:(?P<art>the|a|an)\s+)?"
    + _X
)
_I = re.IGNORECASE
# English sentences that answer a question about X, by the kind of question: (kind, pattern,
# whether it must match at the start, worth, words one of which the sentence must hold, for a
# quick look before the pattern is tried). A definition opens the sentence ("X is a ...",
# "the X of a matrix is the ...") or names X after a description ("... is called X", "...,
# commonly called X", "known as X"; "this thing called X" names it without saying what it is).
_ANSWERS: tuple[tuple[str, re.Pattern[str], bool, float, tuple[str, ...]], ...] = (
    ("what", re.compile(
        _SUBJECT + _OF + r"\s+(?:is|are)\s+(?:just\s+|simply\s+|basically\s+|really\s+"
        r"|essentially\s+|defined\s+as\s+)?(?:a|an|the|one|what|when|where|how|like)\b"
        r"(?!\s+(?:bit|little|lot|few)\b)", _I), True, 2.0, (" is ", " are ")),
    ("what", re.compile(
        r"(?:(?:\b(?:is|are|was|were|be|been|it's|that's|what's)|,)\s+(?:\w+\s+)?called"
        r"|\bknown\s+as|\bwhat\s+(?:we|you|people|mathematicians)\s+call)\s+"
        r"(?:(?P<art>the|a|an)\s+)?" + _X + _OF + _PHRASE_END, _I), False, 2.0, ("call", "known as")),
    ("what", re.compile(_SUBJECT + r"\s+(?:means|refers? to|stands? for)\b", _I), True, 2.0, ("mean", "refer", "stand")),
    # "X is zero because ...", "X can't be undone, because ...": "Why is X zero?"
    ("why", re.compile(
        _SUBJECT + r"\s+(?P<aux>is|are|was|were|can|can't|cannot|must|will|won't|would|"
        r"wouldn't|should|doesn't|don't|does|do|has|have|isn't|aren't)\s+"
        r"(?P<rest>[^,.;:?!]{2,50}?),?\s+because\b", _I), True, 1.8, ("because",)),
    # "To find the number of edges, note that ...": "How do you find the number of edges?"
    ("compute", re.compile(
        rf"^(?:(?:so|now|and)\s+)?to\s+(?P<verb>{_HOW_VERBS})\s+(?:(?P<art>the|a|an)\s+)?"
        + _X + r"(?P<rest>[^,.;:?!]{0,50}),", _I), True, 1.7, ("to ",)),
    # "Johann Bernoulli posed the problem": "Who posed the problem?"
    ("who", re.compile(
        r"(?:^|\s)(?P<name>(?:[A-Z][\w'-]+\s+){0,2}[A-Z][\w'-]+)\s+(?:first\s+)?"
        rf"(?P<verb>{_WHO_VERBS})\s+(?:(?P<art>the|a|an)\s+)?"
        r"(?P<x>(?i:[^\W\d_][\w'-]*(?:\s+[\w'-]+){0,2}?))" + _PHRASE_END), False, 1.7,
        tuple(_WHO_VERBS.split("|"))),
    ("who", re.compile(
        r"^(?:(?P<art>the|a|an)\s+)?" + _X + rf"\s+(?:was|were)\s+(?:first\s+)?"
        rf"(?P<verb>{_WHO_VERBS})\s+by\s+[A-Z]"), True, 1.7, (" by ",)),
    # "The determinant measures ...": "What does the determinant measure?"
    ("does", re.compile(
        _SUBJECT + rf"\s+(?P<verb>(?:{_DOES_VERBS})(?:e?s)?)\b(?!\s+(?:to|that|is|are)\b)", _I),
        True, 1.6, ()),
    ("lets", re.compile(_SUBJECT + r"\s+(?P<verb>lets|allows|helps|enables)\s+(?:you|us)\b", _I),
        True, 1.6, ("lets", "allows", "helps", "enables")),
    ("depends", re.compile(_SUBJECT + r"\s+(?:only\s+)?depends?\s+on\b", _I), True, 1.6, ("depend",)),
    ("used", re.compile(
        # "used to making that decision", "used to it": what people are used to, not a use
        _SUBJECT + r"\s+(?:is|are)\s+(?:often\s+|mostly\s+|also\s+)?used\s+"
        r"(?:for|to(?!\s+(?:the|a|an|it|this|that|\w+ing)\b))\b", _I),
        True, 1.6, ("used",)),
    ("works", re.compile(_SUBJECT + r"\s+(?:works?|worked)\s+(?:by|like|as|because)\b", _I), True, 1.5,
        ("work",)),
)  # fmt: skip
_DOES = frozenset(_DOES_VERBS.split("|"))
# What X is of, in other languages: "la inmunidad de grupo" is asked about as a whole.
_OF_WORDS = frozenset(["de", "del", "des", "du", "di", "da", "do", "dos", "das", "van", "von"])
_NEEDLES = {n: re.compile("|".join(map(re.escape, n))) for *_, n in _ANSWERS if n}


def _english_question(
    kind: str, m: re.Match[str], kp: Keyphrase, shown: str, proper: bool, text: str
) -> str | None:
    """The question a sentence answers, from how it matched; None when it would not stand alone.

    `shown` is X as the talk says it (with "the" when it mostly does, a name with its capitals).
    """
    plural = _plural(kp.surface)
    be, do = ("are", "do") if plural else ("is", "does")
    if kind in _SUBJECT_KINDS and not proper and not shown.startswith("the "):
        art = (m.group("art") or "").lower()  # "a housing register is used to ...", as said
        shown = f"{art} {shown}" if art else shown
    if kind == "what":
        if proper:
            who_is = _PERSON.search(text[m.end() : m.end() + 80].lower())
            return f"{'Who' if who_is else 'What'} {be} {shown}?"
        art = (m.group("art") or "").lower()
        x = f"{art} {kp.surface}" if art and not plural else shown
        of = " ".join((m.groupdict().get("of") or "").split())
        if of and not _POINTING.search(of):  # "of a matrix", not "of that transformation"
            x = f"the {kp.surface} {of}" if not x.startswith(("a ", "an ")) else f"{x} {of}"
        return f"What {be} {x}?"
    if kind == "why":
        rest = " ".join(m.group("rest").split())
        return None if _POINTING.search(rest) else f"Why {m.group('aux').lower()} {shown} {rest}?"
    if kind == "compute":
        art = (m.group("art") or "").lower()
        span = " ".join(f"{m.group('x')}{m.group('rest')}".split())
        if _POINTING.search(span):
            return None
        return f"How do you {m.group('verb').lower()} {art + ' ' if art else ''}{span}?"
    if kind == "who":
        if m.groupdict().get("name") and m.group("name").split()[0] in _NOT_NAMES:
            return None
        art = (m.group("art") or "").lower()
        x = (
            shown
            if m.groupdict().get("name") is None
            else f"{art + ' ' if art else ''}{kp.surface}"
        )
        return f"Who {m.group('verb')} {x}?"
    if kind == "does":
        verb = m.group("verb").lower()
        for end in ("es", "s"):
            if verb.endswith(end) and verb[: -len(end)] in _DOES:
                verb = verb[: -len(end)]
                break
        return f"What {do} {shown} {verb}?"
    if kind == "lets":
        return f"What {do} {shown} {m.group('verb').lower().removesuffix('s')} you do?"
    if kind == "depends":
        return f"What {do} {shown} depend on?"
    if kind == "used":
        return f"What {be} {shown} used for?"
    return f"How {do} {shown} work?"


# The kinds of answer that say X as their subject, with its article.
_SUBJECT_KINDS = frozenset(("why", "does", "lets", "depends", "used", "works"))
_NOT_NAMES = frozenset(("The", "A", "An", "I", "We", "You", "It", "This", "That", "So", "And"))


# "When the determinant is zero, space is squished onto a line": asked "What happens when the
# determinant is zero?", answered by the sentence.
_CONDITION = re.compile(
    r"^(?P<if>if|when|whenever)\s+(?P<cond>[^,;:?!]{8,70}),\s+"
    # what happens, not more of the condition ("When light passes into glass, and you ...")
    r"(?!(?:and|or|but|nor)\b)(?P<then>\S.{15,})$",
    re.I,
)


# Words a condition cannot end on: it goes on after the comma.
_UNFINISHED = word_set("or and but nor the a an of to with for in on at by from than")


def _conditions(a: Analysis, scores: list[float], allowed: set[int], key: set[str]) -> list[_Found]:
    """What happens when (or if) something is the case, in English: the speaker says it."""
    found = []
    for i in allowed:
        u = a.units[i]
        m = _CONDITION.match(u.text)
        if m is None or u.question:
            continue
        cond = " ".join(m.group("cond").split())
        if _POINTING.search(cond) or re.search(r"\b(?:you|we|i|you're|we're)\b", cond, re.I):
            continue  # "if you do that": no question on its own
        if cond.rsplit(None, 1)[-1].lower() in _UNFINISHED:
            continue  # "if they wish to collaborate or, indeed, ...": the condition goes on
        if len(key.intersection(a.lex.terms(cond))) < 1:
            continue
        question = f"What happens {m.group('if').lower()} {cond}?"
        answer = _answer_units(a, i)
        qa = QA(question=question, answer=" ".join(x.text for x in answer), start=u.start)
        found.append(_Found(1.4 + scores[i], qa, i))
    found.sort(key=lambda f: (-f.value, f.at))
    return found[:MAX_CONDITIONS]


def _answers(
    a: Analysis, allowed: list[int], phrases: list[Keyphrase]
) -> dict[tuple[str, str], list[tuple[int, re.Match[str]]]]:
    """The sentences that answer a question about a key phrase, by (kind, phrase): one pass of
    each pattern over the sentences, the phrase read from what it matched."""
    by_surface = {kp.surface: kp for kp in phrases}
    firsts = {surface.split(" ", 1)[0] for surface in by_surface}
    found: dict[tuple[str, str], list[tuple[int, re.Match[str]]]] = {}
    english = a.lex.english
    if english:
        answers = _ANSWERS
    elif a.language in _DEFINES:
        answers = (("what", _foreign_definition(a.language), True, 2.0, ()),)
    else:
        return found
    for i in allowed:
        u = a.units[i]
        if u.question:
            continue
        text = u.text
        low = text.lower()
        # A phrase may begin among the sentence's first words, where a subject X would be.
        subject = not firsts.isdisjoint(u.tokens[:SUBJECT_WORDS])
        for kind, pattern, anchored, _, needles in answers:
            if needles and not _NEEDLES[needles].search(low):
                continue
            if anchored and kind not in ("compute", "who") and not subject:
                continue
            m = pattern.match(text) if anchored else pattern.search(text)
            if m is None:
                continue
            said = words(m.group("x"))
            # "To find the number of edges", "la inmunidad de grupo": the phrase begins X
            for n in (3, 2, 1) if kind == "compute" or not english else (len(said),):
                surface = " ".join(said[:n])
                if surface in by_surface and (
                    n >= len(said) or kind == "compute" or said[n] in _OF_WORDS
                ):
                    found.setdefault((kind, surface), []).append((i, m))
                    break
    return found


_FOREIGN: dict[str, re.Pattern[str]] = {}


def _foreign_definition(language: str) -> re.Pattern[str]:
    """ "X es un ...": how a definition starts in another language, asked "¿Qué es X?"."""
    if language not in _FOREIGN:
        articles, copula, after = _DEFINES[language]
        _FOREIGN[language] = re.compile(
            rf"^(?:(?P<art>{articles})(?:\s+|(?<=')))?{_X}\s*,?\s+(?:{copula})\s+(?:{after})\b",
            re.I,
        )
    return _FOREIGN[language]


def _term_questions(
    a: Analysis, scores: list[float], allowed: list[int], phrases: list[Keyphrase]
) -> list[_Found]:
    """The real questions about the talk's key phrases, each answered by the sentence that says so."""
    worth = {kind: w for kind, _, _, w, _ in _ANSWERS}
    by_surface = {kp.surface: kp for kp in phrases}
    out = []
    judged: dict[str, tuple[bool, str, bool]] = {}  # phrase -> (a thing, shown, a name)
    for (kind, surface), hits in sorted(_answers(a, allowed, phrases).items()):
        kp = by_surface[surface]
        if all(t in GENERIC for t in kp.terms):
            continue
        if surface not in judged:
            holders = [u.index for u in a.units if set(kp.terms) <= a.term_sets[u.index]]
            units = [a.units[i] for i in holders[:SAID_UNITS]]
            said = said_in(a, units, [u.text.lower() for u in units], kp)
            shown = said.form if said.proper else _the(a, kp, holders) + kp.surface
            judged[surface] = (nameable(kp, said, a, strict=False), shown, said.proper)
        thing, shown, proper = judged[surface]
        if not thing:
            continue  # a question about X needs X to be a thing
        asked = []
        for i, m in hits:
            if a.lex.english:
                question = _english_question(kind, m, kp, shown, proper, a.units[i].text)
            else:
                question = _foreign_question(a.language, m, kp)
            if question:
                asked.append((i, question))
        if asked:
            best, question = max(asked, key=lambda iq: (scores[iq[0]], -iq[0]))
            answer = _answer_units(a, best)
            qa = QA(
                question=question, answer=" ".join(u.text for u in answer), start=answer[0].start
            )
            out.append(_Found(worth.get(kind, 2.0) + scores[best], qa, best))
    return out


def _foreign_question(language: str, m: re.Match[str], kp: Keyphrase) -> str:
    """ "¿Qué es la inmunidad de grupo?": X as said, with its article."""
    art = (m.group("art") or "").lower()
    x = " ".join(m.group("x").split()).lower()
    x = (art + ("" if not art or art.endswith("'") else " ") + x).strip()
    return _TEMPLATES[language][0].format(x=x)


def find_qa(a: Analysis, scores: list[float], pool: list[int]) -> list[QA]:
    """Up to six real question–answer pairs, each answered by transcript sentences with their time."""
    allowed = set(pool)
    picked: list[tuple[QA, int]] = []
    used_answers: set[int] = set()

    def take(f: _Found) -> None:
        qa = f.qa
        if f.at in used_answers or any(
            p.question.lower() == qa.question.lower() or p.answer == qa.answer for p, _ in picked
        ):
            return
        picked.append((qa, f.at))
        used_answers.add(f.at)

    key_terms = {t for kp in a.keyphrases for t in kp.terms} | title_terms(a)
    own = _speaker_questions(a, scores, allowed, key_terms)
    for f in own[:OWN_QA]:
        take(f)
    phrases = a.find_keyphrases(a.units, limit=QUESTION_PHRASES)
    term_qas = _term_questions(a, scores, sorted(allowed), phrases)
    if a.lex.english:
        asked = {t for kp in phrases for t in kp.terms}
        term_qas += _conditions(a, scores, allowed, key_terms | asked)
    term_qas.sort(key=lambda f: (-f.value, f.at))
    for f in [*term_qas, *own[OWN_QA:]]:
        if len(picked) >= MAX_QA:
            break
        take(f)
    picked.sort(key=lambda p: p[1])
    return [qa for qa, _ in picked]
