"""Questions and answers grounded in the transcript: the speakers' own, then key-term questions."""

from __future__ import annotations

import re

from distill.domain import QA
from distill.summarize.analysis import Analysis, Keyphrase, cosine
from distill.summarize.units import Unit

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
_DEFINES = r"\s*,?\s+(?:is|are|was|were|means|mean|refers? to|describes?|represents?|stands? for|is called|are called)\b"
_HOW = re.compile(
    r"\b(?:works?|working|by|through|because|uses?|using|so that|in order to)\b", re.I
)
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
        if not q.question or len(q.terms) < 2 or q.n_words < 4:
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


def _term_question(
    a: Analysis, kp: Keyphrase, scores: list[float], allowed: set[int]
) -> tuple[float, QA, int] | None:
    """A 'What is X?' question answered by the sentence that defines X, if there is one."""
    lang = a.language if a.language in _TEMPLATES else "en"
    what, how, about = _TEMPLATES[lang]
    needed = set(kp.terms)
    holders = [i for i in allowed if needed <= set(a.units[i].terms)]
    if not holders:
        return None
    surface = _surface_pattern(kp)
    plural = kp.surface.endswith("s") and not kp.surface.endswith("ss")
    fill = {"x": kp.surface, "be": "are" if plural else "is", "do": "do" if plural else "does"}
    if a.lex.english:
        defining = re.compile(surface + _DEFINES, re.I)
        defs = [i for i in holders if defining.search(a.units[i].text)]
        if defs:
            best = max(defs, key=lambda i: (scores[i], -i))
            text = a.units[best].text
            template = (
                how
                if _HOW.search(text)
                and not re.search(surface + r"\s+is\s+(?:a|an|the)\b", text, re.I)
                else what
            )
            answer = _answer_units(a, best)
            return (
                2.0 + scores[best],
                QA(
                    question=template.format(**fill),
                    answer=" ".join(u.text for u in answer),
                    start=answer[0].start,
                ),
                best,
            )
    best = max(holders, key=lambda i: (scores[i], -i))
    answer = _answer_units(a, best)
    return (
        1.0 + scores[best],
        QA(
            question=about.format(**fill),
            answer=" ".join(u.text for u in answer),
            start=answer[0].start,
        ),
        best,
    )


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
    term_qas = [tq for kp in a.keyphrases if (tq := _term_question(a, kp, scores, allowed))]
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
