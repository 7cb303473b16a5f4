"""Questions and answers grounded in the transcript: the speakers' own, then key-term questions."""

from __future__ import annotations

import re
from collections.abc import Callable

from distill.domain import QA
from distill.summarize.text.analysis import GENERIC, Analysis, Keyphrase, cosine
from distill.summarize.text.units import Unit

# (what is X, how does X work, what is said about X) per language; English is the fallback.
_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "en": ("What {be} {x}?", "How {do} {x} work?", "What is said about {x}?"),
    "es": ("¿Qué es {x}?", "¿Cómo funciona {x}?", "¿Qué se dice sobre {x}?"),
    "fr": ("Qu'est-ce que {x} ?", "Comment fonctionne {x} ?", "Que dit-on de {x} ?"),
    "de": ("Was ist {x}?", "Wie funktioniert {x}?", "Was wird über {x} gesagt?"),
    "it": ("Che cos'è {x}?", "Come funziona {x}?", "Che cosa si dice di {x}?"),
    "pt": ("O que é {x}?", "Como funciona {x}?", "O que se diz sobre {x}?"),
    "nl": ("Wat is {x}?", "Hoe werkt {x}?", "Wat wordt er gezegd over {x}?"),
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
MIN_QA = 4


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


def _speaker_questions(
    a: Analysis, scores: list[float], allowed: set[int]
) -> list[tuple[float, QA, int]]:
    units = a.units
    found: list[tuple[float, QA, int]] = []
    for q in units:
        if not q.question or len(q.terms) < 2 or not 4 <= q.n_words <= 25:
            continue
        for j in range(q.index + 1, min(len(units), q.index + 4)):
            cand = units[j]
            if cand.question:
                break
            if j in allowed and len(cand.terms) >= 3 and cand.n_words >= 8:
                answer = _answer_units(a, j)
                overlap = cosine(q.weights, cand.weights)
                value = scores[j] + 0.5 * max((scores[u.index] for u in answer), default=0.0)
                value *= 1.0 + overlap
                qa = QA(
                    question=q.text,
                    answer=" ".join(u.text for u in answer),
                    start=q.start,
                )
                found.append((value, qa, j))
                break
    found.sort(key=lambda f: (-f[0], f[2]))
    return found


def _surface_pattern(kp: Keyphrase) -> str:
    return r"\b" + r"\s+".join(re.escape(w) for w in kp.surface.split()) + r"\b"


def _the(a: Analysis, kp: Keyphrase, holders: list[int]) -> str:
    """'the ' when the talk mostly says 'the X' (the immune system), else ''."""
    pattern = re.compile(r"\b(the\s+)?" + _surface_pattern(kp)[2:], re.I)
    said = [m.group(1) is not None for i in holders[:50] for m in pattern.finditer(a.units[i].text)]
    return "the " if said and sum(said) * 2 > len(said) else ""


def _term_question(
    a: Analysis, kp: Keyphrase, scores: list[float], postings: dict[str, set[int]]
) -> tuple[float, QA, int] | None:
    """'What is X?' answered by the sentence that defines X, or what the talk says about X."""
    if all(t in GENERIC for t in kp.terms):
        return None
    lang = a.language if a.language in _TEMPLATES else "en"
    what, how, about = _TEMPLATES[lang]
    holders = sorted(set.intersection(*[postings[t] for t in kp.terms]))
    if not holders:
        return None
    surface = _surface_pattern(kp)
    plural = kp.surface.endswith("s") and not kp.surface.endswith("ss")
    x = (_the(a, kp, holders) if a.lex.english else "") + kp.surface
    fill = {"x": x, "be": "are" if plural else "is", "do": "do" if plural else "does"}
    foreign: re.Pattern[str] | None = None
    if a.lex.english:
        subject = (
            r"^(?:(?:so|and|now|well|basically|okay|remember|first)[\s,]+){0,2}(?:(?:the|a|an)\s+)?"
            + surface
        )
        # A definition opens the sentence ("X is a ...") or names X anywhere ("called X").
        defined = re.compile(
            subject + r"\s+(?:is|are)\s+(?:a|an|the|one|what|when|how|like|basically|simply)\b",
            re.I,
        )
        named = re.compile(
            surface + r"\s+(?:means|refers? to|stands? for)\b"
            r"|\bcalled\s+(?:(?:the|a|an)\s+)?" + surface,
            re.I,
        )
        working = re.compile(subject + r"\b.*\b(?:works?|working)\b", re.I)

        def defining(text: str) -> bool:
            return bool(defined.match(text) or named.search(text))

        def works(text: str) -> bool:
            return bool(working.match(text))

        tests: tuple[tuple[Callable[[str], bool], str, float], ...] = (
            (defining, what, 2.0),
            (works, how, 1.5),
        )
    elif a.language in _DEFINES:
        articles, copula, after = _DEFINES[a.language]
        foreign = re.compile(
            rf"^(?:({articles})\s*)?{surface}\s*,?\s+(?:{copula})\s+(?:{after})\b", re.I
        )

        def defines(text: str) -> bool:
            return foreign is not None and foreign.match(text) is not None

        tests = ((defines, what, 2.0),)
    else:
        tests = ()  # no definition patterns for this language: what the talk says about X
    for test, template, bonus in tests:
        found = [i for i in holders if test(a.units[i].text)]
        if found:
            best = max(found, key=lambda i: (scores[i], -i))
            answer = _answer_units(a, best)
            # Ask the way the speaker says it: "What is a vaccine?", "¿Qué es una vacuna?"
            if a.lex.english:
                said = re.search(r"\b(the|an?)\s+" + surface, a.units[best].text, re.I)
                if said and not plural:
                    fill["x"] = f"{said.group(1).lower()} {kp.surface}"
            elif foreign and (m := foreign.match(a.units[best].text)) and m.group(1):
                art = m.group(1).lower()
                fill["x"] = art + ("" if art.endswith("'") else " ") + kp.surface
            qa = QA(
                question=template.format(**fill),
                answer=" ".join(u.text for u in answer),
                start=answer[0].start,
            )
            return bonus + scores[best], qa, best
    if a.lex.english and len(kp.terms) == 1 and kp.surface.endswith(("ed", "ing", "ly")):
        return None  # most likely a verb or an adverb: not something to ask about
    best = max(holders, key=lambda i: (scores[i], -i))
    answer = _answer_units(a, best)
    qa = QA(
        question=about.format(**fill),
        answer=" ".join(u.text for u in answer),
        start=answer[0].start,
    )
    return 1.0 + scores[best], qa, best


def find_qa(a: Analysis, scores: list[float], pool: list[int]) -> list[QA]:
    """Four to six question–answer pairs, each answered by transcript sentences with their time."""
    allowed = set(pool)
    picked: list[tuple[QA, int]] = []
    used_answers: set[int] = set()

    def take(qa: QA, at: int) -> bool:
        if at in used_answers or any(p.question.lower() == qa.question.lower() for p, _ in picked):
            return False
        if any(p.answer == qa.answer for p, _ in picked):
            return False
        picked.append((qa, at))
        used_answers.add(at)
        return True

    own = _speaker_questions(a, scores, allowed)
    for _, qa, at in own:
        if len(picked) >= 3:
            break
        take(qa, at)
    # Where each key term is said, among the allowed answers.
    key_terms = {t for kp in a.keyphrases for t in kp.terms}
    postings: dict[str, set[int]] = {t: set() for t in key_terms}
    for i in allowed:
        for t in a.term_sets[i] & key_terms:
            postings[t].add(i)
    term_qas = [tq for kp in a.keyphrases if (tq := _term_question(a, kp, scores, postings))]
    term_qas.sort(key=lambda f: (-f[0], f[2]))
    for _, qa, at in term_qas:
        if len(picked) >= MAX_QA:
            break
        take(qa, at)
    for _, qa, at in own[3:]:  # too few key terms: more of the speakers' own questions
        if len(picked) >= MIN_QA:
            break
        take(qa, at)
    picked.sort(key=lambda p: p[1])
    return [qa for qa, _ in picked]
