"""Read in other languages: a stored summary rendered in another language by a model, times kept."""

from __future__ import annotations

import json

from distill.domain import ProgressFn, Summary, no_progress
from distill.errors import SummarizeError
from distill.llm import Message, get_model
from distill.llm.cache import ResultCache, cache_key
from distill.summarize.text.language import language_name


def _texts(summary: Summary) -> list[str]:
    """Every text of a summary, in a fixed order (the ids of the translation request)."""
    out = [summary.tldr]
    out += [i.text for i in summary.insights]
    for qa in summary.qa:
        out += [qa.question, qa.answer]
    out += [t.text for t in summary.takeaways]
    out += [c.title for c in summary.chapters]
    return out


def _rebuild(summary: Summary, texts: list[str], target: str, model: str) -> Summary:
    it = iter(texts)
    new = summary.model_copy(deep=True)
    new.tldr = next(it)
    for ins in new.insights:
        ins.text = next(it)
    for qa in new.qa:
        qa.question, qa.answer = next(it), next(it)
    for tk in new.takeaways:
        tk.text = next(it)
    for ch in new.chapters:
        ch.title = next(it)
    new.language = target
    new.model = model
    return new


def translate_summary(
    summary: Summary, target: str, model: str, *, progress: ProgressFn = no_progress
) -> Summary:
    """The summary with every text in `target`; starts, emoji and structure unchanged."""
    from distill.summarize.llm.calls import Ledger, prompt_id, template
    from distill.summarize.llm.schemas import TranslationReply, translation_schema

    target = target.split("-")[0].lower()
    if target == summary.language:
        return summary
    llm = get_model(model)
    ledger = Ledger(model=llm, model_string=model, cache=ResultCache())
    key = cache_key(
        "translation",
        summary.model_dump(mode="json", exclude={"usage"}),
        model,
        prompt_id(),
        target,
    )
    cached = ledger.cache.get("translations", key)
    if cached is not None:
        done = Summary.model_validate(cached)
        if done.usage:
            done.usage = done.usage.from_cache()
        return done
    texts = _texts(summary)
    # Batches that fit the model's context with room for the translation (about as long again).
    room = max(200, int(llm.context_window * 0.9) // 3)
    batches: list[list[int]] = [[]]
    used = 0
    for i, text in enumerate(texts):
        cost = llm.count_tokens(text) + 8
        if batches[-1] and used + cost > room:
            batches.append([])
            used = 0
        batches[-1].append(i)
        used += cost
    out = list(texts)
    for b, batch in enumerate(batches):
        items = [{"id": i + 1, "text": texts[i]} for i in batch]
        prompt = template("translate").substitute(
            language=language_name(target), items=json.dumps(items, ensure_ascii=False)
        )
        wanted = {i + 1 for i in batch}

        def accept(reply: TranslationReply, final: bool, wanted: set[int] = wanted) -> str | None:
            got = {item.id for item in reply.items if item.text.strip()}
            missing = wanted - got
            return f"left out ids {sorted(missing)[:5]}" if missing else None

        reply = ledger.call(
            [Message("system", template("translate_system").substitute()), Message("user", prompt)],
            TranslationReply,
            schema=translation_schema(len(batch)),
            max_tokens=min(
                4000, 2 * sum(llm.count_tokens(texts[i]) for i in batch) + 32 * len(batch)
            ),
            accept=accept,
        )
        for item in reply.items:
            if item.id in wanted:
                out[item.id - 1] = item.text.strip()
        progress("translate", b + 1, len(batches))
    if len(out) != len(texts):
        raise SummarizeError("the translation lost items; try again or use a larger model.")
    result = _rebuild(summary, out, target, model)
    result.usage = ledger.usage()
    ledger.cache.put("translations", key, result.model_dump(mode="json"))
    return result
