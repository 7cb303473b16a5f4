"""Answering a question with a model: the passages that match it in, a cited answer out."""

from __future__ import annotations

from collections.abc import Callable

from distill.domain import Answer, Citation, Provenance, Transcript
from distill.llm import Message, get_model
from distill.llm.cache import ResultCache
from distill.summarize.llm.calls import Ledger, template
from distill.summarize.llm.grounding import Grounder, passage_text, supports
from distill.summarize.llm.pipeline import Budget, system_message
from distill.summarize.llm.schemas import AnswerReply, answer_schema
from distill.summarize.llm.verify import clean, sentences
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


def ask_with_llm(
    transcript: Transcript,
    question: str,
    model: str,
    *,
    fallback: Callable[[Transcript, str], Answer] | None = None,
) -> Answer:
    """Answer a question from the passages that match it, citing sentence numbers as times.

    The answer is kept when the sentences it cites (with their neighbours) support each of its
    sentences, by the test summaries use; else when the passages shown do, cited where they
    say it; else `fallback` (the built-in answer) stands in, or the answer is "not said".
    """
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
    answer = clean(reply.answer)
    if reply.found and answer:
        found = _verified(analysis, passages, answer, reply.cites)
        if found is not None:
            return found
    if fallback is not None:
        stand_in = fallback(transcript, question)
        return stand_in.model_copy(update={"provenance": "builtin"}) if stand_in.found else stand_in
    return Answer(answer=NOT_SAID, citations=[], found=False)


def _verified(
    analysis: Analysis, passages: list[Unit], answer: str, cites: list[int]
) -> Answer | None:
    """The answer with the sentences that say it as citations, if the passages support it."""
    g = Grounder(analysis)
    shown = {u.index for u in passages}
    cited = [n - 1 for n in dict.fromkeys(cites) if n - 1 in shown]
    near = sorted({j for i in cited for j in (i - 1, i, i + 1) if j in shown})
    parts = sentences(answer)
    language = analysis.language

    title = (analysis.transcript.meta.title,)

    def supported(units: list[int]) -> bool:
        # As the summary's passages: with the speakers' names, and the title may be named.
        texts = [passage_text(analysis.units[j]) for j in units]
        return bool(units) and all(
            supports(part, texts, language=language, weight=g.weight, named=title) for part in parts
        )

    if supported(near):
        provenance: Provenance = "model"
    elif supported(sorted(shown)):
        provenance = "model-repaired"
        # Cited where it is said: for each sentence of the answer, the shown one sharing most.
        cited = []
        for part in parts:
            terms = g.item(part).terms
            best = max(sorted(shown), key=lambda j: len(terms & g.term_sets[j]))
            cited.append(best)
    else:
        return None
    terms = g.item(answer).terms
    citations = [
        Citation(start=analysis.units[i].start, text=analysis.units[i].text)
        for i in dict.fromkeys(cited)
        if terms & g.term_sets[i]
    ]
    if not citations:
        return None
    return Answer(answer=answer, citations=citations, found=True, provenance=provenance)
