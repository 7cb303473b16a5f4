"""Answer a question about one transcript with its own sentences: the answering sentence first.

Passages are found by BM25 and ranked by how well they answer the kind of question asked (a
definition for "what is", a cause for "why", a name for "who", a date for "when"); the answer
starts at the sentence that answers. When the transcript does not answer, the answer says so
and cites the closest passage, rather than passing off unrelated ones as an answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from distill.domain import Answer, Citation, Transcript
from distill.summarize.text.analysis import Analysis
from distill.summarize.text.passages import QUESTION_WORDS, WINDOW_WORDS, Passage, expand, index_of
from distill.summarize.text.stopwords import word_set
from distill.summarize.text.units import Unit

CITATIONS = 3
SAME_QUESTION = 1.5  # boost of a passage that opens with the question asked
ANSWER_PASSAGES = 2  # passages joined into the answer
SECOND = 0.5  # a second passage must score this share of the best to join the answer
EVIDENCE = 1.0  # boost of a passage with a sentence of the kind the question asks for
COVERED = 0.5  # share of the question's weight (by idf) a passage of the kind asked must hold
RELATED = 0.15  # share of it the best passage must hold for any other question
CANDIDATES = 12  # passages looked at for the kind of answer

# What kind of answer an English question asks for.
_KINDS = (
    ("quantity", re.compile(r"^(?:how\s+(?:many|much|long|often|far|big|old))\b", re.I)),
    ("define", re.compile(
        r"^(?:what(?:\s+(?:is|are|was|were)|'s)\s+(?:an?\s+|the\s+)?\S+(?:\s+\S+)?\s*\?$"
        r"|what\s+does\s+.+\s+mean\b|define\b)", re.I)),
    ("cause", re.compile(r"^(?:why|how\s+come)\b", re.I)),
    ("person", re.compile(r"^(?:who|whom|whose)\b", re.I)),
    ("time", re.compile(r"^(?:when|what\s+(?:year|time|date|day|century))\b", re.I)),
    ("place", re.compile(r"^where\b", re.I)),
    ("method", re.compile(r"^how\b", re.I)),
)  # fmt: skip
# Kinds of question that only a sentence of their kind answers: a definition, a name, a date, a
# number, a place.
_NEEDS_EVIDENCE = frozenset(("define", "person", "time", "quantity", "place"))
_CAUSE = re.compile(
    r"\b(?:because|since|so that|the reason|due to|that's why|this is why|which is why|"
    r"in order to|which means|so the)\b",
    re.I,
)
_TIME = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2}|[0-9]{2,4}s|centur(?:y|ies)|ago|yesterday|tomorrow|today|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month|year|years|"
    r"minutes?|hours?|o'clock|morning|evening|afternoon)\b",
    re.I,
)
_QUANTITY = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|half|dozen|several|many|few|none|no|only|"
    r"single|enough|every|all)\b",
    re.I,
)
_METHOD = re.compile(
    r"\b(?:by|first|then|step|steps|you can|we can|to do this|to find|start by|using|"
    r"the way to|the trick)\b",
    re.I,
)
_HOW_TO = re.compile(
    r"^(?:(?:so|now|and|well),?\s+)?(?:in order\s+)?to\s+[a-z]+\b[^,]{0,80},", re.I
)
_PLACE = re.compile(r"\b(?:in|at|from|near|to)\s+(?:the\s+)?[A-Z][\w'-]+")
_NAME = re.compile(r"(?<=[\w,;:] )[A-Z][a-z][\w'-]+")


@dataclass(slots=True)
class _Asked:
    """A question: its kind, its terms with weights, and the words that name what it is about."""

    kind: str
    query: dict[str, float]
    focus: set[str]  # its own content terms
    words: set[str]  # its own words, lower-cased
    naming: set[str]  # its own content words, lower-cased: what it is about, as said


def _kind(question: str, english: bool) -> str:
    if not english:
        return "other"
    text = question.strip()
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return "other"


def _evidence(kind: str, u: Unit, asked: _Asked, a: Analysis) -> float:
    """How much a sentence is the kind of answer the question asks for, from 0 to 1."""
    text = u.text
    if kind == "define":
        defined = asked.focus & set(u.terms)
        if not defined:
            return 0.0
        low = text.lower()
        first = " ".join(u.tokens[:6])
        if any(w in first.split() for w in asked.naming) and re.search(
            r"\b(?:is|are)\s+(?:just\s+|simply\s+|basically\s+)?(?:a|an|the|one|what|when|how)\b",
            low,
        ):
            return 1.0
        if re.search(r"\b(?:called|known as|means|refers to|we call|is defined as)\b", low):
            return 0.8
        return 0.0
    if kind == "cause":
        return 1.0 if _CAUSE.search(text) else 0.0
    if kind == "time":
        return 1.0 if _TIME.search(text) else 0.0
    if kind == "quantity":
        return 1.0 if _QUANTITY.search(text) else 0.0
    if kind == "place":
        return 1.0 if _PLACE.search(text) else 0.0
    if kind == "person":
        names = [m.group() for m in _NAME.finditer(text)]
        return 1.0 if any(n.lower() not in asked.words for n in names) else 0.0
    if kind == "method":
        # "To find if X ..., subtract ...": the sentence says how, of what is asked about
        if _HOW_TO.match(text) and asked.focus & set(u.terms):
            return 1.0
        return 0.5 if _METHOD.search(text) else 0.0
    return 0.0


# Words of questions about a talk rather than in it ("Summarize the decision of ...").
_ABOUT = word_set(
    "summarize summarise summary decision decide decided conclude conclusion recommend "
    "recommendation suggest suggestion propose proposal debate elaborate evaluate evaluation "
    "consider opinion pros cons agree disagree reason group team member members meeting"
)


def _asked(a: Analysis, question: str) -> _Asked:
    terms = a.lex.terms(question)
    query = expand(a, terms)
    about = {a.lex.term(w) for w in _ABOUT}
    focus = {t for t in terms if t not in QUESTION_WORDS and t not in about} or set(terms)
    words = {w.lower() for w in re.findall(r"[\w'-]+", question)}
    naming = {w for w in words if a.lex.term(w) and w not in QUESTION_WORDS}
    return _Asked(_kind(question, a.lex.english), query, focus, words, naming)


def _not_said(question: str) -> str:
    """What the transcript does not say, in the words of the question."""
    q = " ".join(question.strip().rstrip("?？").split())
    if re.search(r"(?i)\b(?:do|does|did|can|could|will|would|should|has|have|had)\b", q):
        return f"The video does not seem to answer “{question.strip()}”"
    m = re.match(r"(?i)^(what|who|where|when|why|how|which)\s+(is|are|was|were)\s+(.+)$", q)
    if m:  # "what is X" -> "what X is"; "when was X invented" -> "when X was invented"
        wh, aux, rest = m.group(1).lower(), m.group(2).lower(), m.group(3).split()
        if len(rest) > 1 and re.search(r"(?:ed|en|wn|lt|ght)$", rest[-1]):
            return f"The video does not seem to say {wh} {' '.join(rest[:-1])} {aux} {rest[-1]}"
        return f"The video does not seem to say {wh} {' '.join(rest)} {aux}"
    if re.match(r"(?i)^(?:who|what|which|how many|how much)\b", q):
        return f"The video does not seem to say {q[0].lower()}{q[1:]}"
    return f"The video does not seem to answer “{question.strip()}”"


def _at(start: float | None) -> str:
    if start is None:
        return ""
    m, s = divmod(int(start), 60)
    return f" (the closest it comes is at {m}:{s:02d})"


def answer_builtin(transcript: Transcript, question: str) -> Answer:
    """The passages that best answer a question, starting at their answering sentence; or, when
    the transcript does not answer it, a plain "does not seem to say" with the closest passage."""
    idx = index_of(transcript)
    a = idx.analysis
    asked = _asked(a, question)
    query = asked.query
    important = {t for t, w in query.items() if w >= 1.0}
    idf = idx.bm25.idf

    def match(i: int) -> float:
        return sum(query[t] * idf.get(t, 0.0) for t in set(a.units[i].terms) if t in query)

    def base(d: Passage) -> float:
        score = idx.bm25.score(query, d)
        first = a.units[d.first]
        # The speaker asks the same question here: what follows is their answer.
        if (
            score
            and first.question
            and important
            and len(important & a.term_sets[d.first]) >= max(2, len(important) / 2)
        ):
            score *= SAME_QUESTION
        return score

    scored = sorted(((base(d), d.first, d) for d in idx.docs), key=lambda s: (-s[0], s[1]))
    scored = [s for s in scored[:CANDIDATES] if s[0] > 0]
    if not scored:
        return Answer(answer=_not_said(question) + ".", citations=[], found=False)

    # Each candidate passage, moved to start at its answering sentence, and rescored by the kind
    # of answer it holds.
    kind = asked.kind
    ranked: list[tuple[float, Passage, float]] = []
    for score, _, d in scored:
        best_i, best_v, best_e = d.first, -1.0, 0.0
        top = max(match(i) for i in range(d.first, d.last + 1)) or 1.0
        for i in range(d.first, d.last + 1):
            e = _evidence(kind, a.units[i], asked, a) if kind != "other" else 0.0
            v = match(i) / top + EVIDENCE * e
            if v > best_v:
                best_i, best_v, best_e = i, v, e
        ranked.append((score * (1.0 + EVIDENCE * best_e), _from(a.units, best_i), best_e))
    ranked.sort(key=lambda r: (-r[0], r[1].first))

    chosen: list[tuple[Passage, float, float]] = []
    for score, d, e in ranked:
        if len(chosen) >= CITATIONS:
            break
        if any(d.first <= c.last and c.first <= d.last for c, _, _ in chosen):
            continue
        chosen.append((d, score, e))

    def text(d: Passage) -> str:
        return " ".join(u.text for u in a.units[d.first : d.last + 1])

    best, best_score, _ = chosen[0]
    top_idf = max(idf.values(), default=1.0)
    weight = {t: idf.get(t, top_idf) for t in asked.focus}  # a word never said weighs most

    def covered(d: Passage) -> float:
        """The share of what the question is about (by weight) that a passage says."""
        held = set().union(*(a.term_sets[i] for i in range(d.first, d.last + 1)))
        return sum(w for t, w in weight.items() if t in held) / (sum(weight.values()) or 1.0)

    # Answered: for a question that asks for a definition, a name, a date, a number or a place,
    # a passage that gives one and says most of what is asked about; for any other, a passage
    # that says some of it.
    if kind in _NEEDS_EVIDENCE:
        answered = any(e and covered(d) >= COVERED for d, _, e in chosen)
    else:
        answered = covered(best) >= RELATED
    if not answered:
        closest = Citation(start=a.units[best.first].start, text=text(best))
        said = _not_said(question) + _at(closest.start) + "."
        return Answer(answer=said, citations=[closest], found=False)
    citations = [Citation(start=a.units[d.first].start, text=text(d)) for d, _, _ in chosen]
    # A second passage almost as good joins the answer, after the best one.
    parts = [d for d, score, _ in chosen[:ANSWER_PASSAGES] if score >= SECOND * best_score]
    return Answer(answer=" … ".join(text(d) for d in parts), citations=citations, found=True)


def _from(units: list[Unit], first: int) -> Passage:
    """The passage that starts at a sentence and runs on to about WINDOW_WORDS words."""
    last, words = first, units[first].n_words
    while last + 1 < len(units) and words + units[last + 1].n_words <= WINDOW_WORDS:
        last += 1
        words += units[last].n_words
    return Passage(first, last, Counter(), 0)
