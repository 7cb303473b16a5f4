"""Answer a question about one transcript with its own sentences: the best passages, cited with times."""

from __future__ import annotations

from distill.domain import Answer, Citation, Transcript
from distill.summarize.text.passages import WINDOW_WORDS, Passage, expand, index_of
from distill.summarize.text.units import Unit

CITATIONS = 3
SAME_QUESTION = 1.5  # boost of a passage that opens with the question asked
ANSWER_PASSAGES = 2  # passages joined into the answer
SECOND = 0.5  # a second passage must score this share of the best to join the answer


def answer_builtin(transcript: Transcript, question: str) -> Answer:
    """The passages that best answer a question: the best ones as the answer, all as citations."""
    idx = index_of(transcript)
    a = idx.analysis
    query = expand(a, a.lex.terms(question))
    asked = {t for t, w in query.items() if w >= 1.0}

    def value(d: Passage) -> float:
        score = idx.bm25.score(query, d)
        first = a.units[d.first]
        # The speaker asks the same question here: what follows is their answer.
        if (
            score
            and first.question
            and asked
            and len(asked & a.term_sets[d.first]) >= max(2, len(asked) / 2)
        ):
            score *= SAME_QUESTION
        return score

    scored = sorted(((value(d), d.first, d) for d in idx.docs), key=lambda s: (-s[0], s[1]))
    chosen: list[Passage] = []
    scores: list[float] = []
    for score, _, d in scored:
        if score <= 0 or len(chosen) >= CITATIONS:
            break
        if any(d.first <= c.last + 1 and c.first <= d.last + 1 for c in chosen):
            continue
        chosen.append(d)
        scores.append(score)
    if not chosen:
        return Answer(
            answer="The transcript does not seem to talk about this; try other words.",
            citations=[],
            found=False,
        )

    focused: list[tuple[Passage, float]] = []
    for d, score in zip(chosen, scores, strict=True):
        f = _focus(a.units, d, query, idx.bm25.idf)
        if not any(f.first <= c.last and c.first <= f.last for c, _ in focused):
            focused.append((f, score))

    def text(d: Passage) -> str:
        return " ".join(u.text for u in a.units[d.first : d.last + 1])

    citations = [Citation(start=a.units[d.first].start, text=text(d)) for d, _ in focused]
    best = focused[0][1]
    # A second passage almost as good joins the answer, after the best one.
    parts = [d for d, score in focused[:ANSWER_PASSAGES] if score >= SECOND * best]
    return Answer(answer=" … ".join(text(d) for d in parts), citations=citations, found=True)


def _focus(
    units: list[Unit], d: Passage, query: dict[str, float], idf: dict[str, float]
) -> Passage:
    """The passage moved to start at its sentence that matches the question best.

    What answers a question is usually said right after its words are: keep what follows.
    """

    def match(i: int) -> float:
        return sum(query[t] * idf.get(t, 0.0) for t in set(units[i].terms) if t in query)

    first = max(range(d.first, d.last + 1), key=lambda i: (match(i), -i))
    last, words = first, units[first].n_words
    while last + 1 < len(units) and words + units[last + 1].n_words <= WINDOW_WORDS:
        last += 1
        words += units[last].n_words
    return Passage(first, max(last, first), d.counts, d.length)
