"""Answering a question with a model: the passages that match it in, a cited answer out."""

from __future__ import annotations

from distill.domain import Answer, Citation, Transcript
from distill.llm import Message, get_model
from distill.llm.cache import ResultCache
from distill.summarize.llm.calls import Ledger, template
from distill.summarize.llm.grounding import Grounder
from distill.summarize.llm.pipeline import Budget, system_message
from distill.summarize.llm.schemas import AnswerReply, answer_schema
from distill.summarize.text.analysis import Analysis
from distill.summarize.text.passages import expand, index_of
from distill.summarize.text.units import Unit

NOT_SAID = "Not said in this video."


def _numbered(units: list[Unit]) -> str:
    return "\n".join(f"[{u.index + 1}] {u.text}" for u in units)


def _passages(transcript: Transcript, question: str, limit: int) -> tuple[Analysis, list[Unit]]:
    """The BM25 passages for a question (best `limit`), as units in transcript order."""
    idx = index_of(transcript)
    a = idx.analysis
    query = expand(a, a.lex.terms(question))
    scored = sorted(
        ((idx.bm25.score(query, d), d.first, d) for d in idx.docs), key=lambda s: (-s[0], s[1])
    )
    chosen: list[tuple[int, int]] = []
    for score, _, d in scored:
        if score <= 0 or len(chosen) >= limit:
            break
        if not any(d.first <= last + 1 and first <= d.last + 1 for first, last in chosen):
            chosen.append((d.first, d.last))
    keep = sorted({i for first, last in chosen for i in range(first, last + 1)})
    return a, [a.units[i] for i in keep]


def ask_with_llm(transcript: Transcript, question: str, model: str) -> Answer:
    """Answer a question from the passages that match it, citing sentence numbers as times."""
    llm = get_model(model)
    analysis, passages = _passages(transcript, question, limit=3)
    if not passages:
        return Answer(answer=NOT_SAID, citations=[], found=False)
    budget = Budget.of(llm)
    while len(passages) > 3 and llm.count_tokens(_numbered(passages)) > budget.usable // 2:
        passages = passages[: len(passages) * 3 // 4]
    ledger = Ledger(model=llm, model_string=model, cache=ResultCache())
    prompt = template("ask").substitute(
        title=transcript.meta.title, numbered=_numbered(passages), question=question
    )
    reply = ledger.call(
        [system_message(), Message("user", prompt)],
        AnswerReply,
        schema=answer_schema(),
        max_tokens=min(400, budget.final_out),
    )
    shown = {u.index + 1 for u in passages}
    g = Grounder(analysis)
    answer_terms = g.terms(reply.answer)
    citations: list[Citation] = []
    for n in dict.fromkeys(reply.cites):
        if n in shown and answer_terms & g.term_sets[n - 1]:
            unit = analysis.units[n - 1]
            citations.append(Citation(start=unit.start, text=unit.text))
    if not reply.found or not reply.answer.strip() or not citations:
        return Answer(answer=NOT_SAID, citations=[], found=False)
    return Answer(answer=reply.answer.strip(), citations=citations, found=True)
