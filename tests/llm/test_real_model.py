"""The LLM pipeline against a real model: llama.cpp's OpenAI-compatible server and in-process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from distill.domain import Summary, Transcript
from distill.errors import SummarizeError
from distill.summarize.builtin.summary import summary_of
from distill.summarize.llm.ask import NOT_SAID, ask_with_llm
from distill.summarize.llm.pipeline import summarize_with_llm
from distill.summarize.llm.plan import plan
from distill.summarize.text.analysis import Analysis
from tests.llm.helpers import (
    N_CTX,
    SMALL,
    MangleProxy,
    assert_grounded,
    assert_page_shape,
    assert_supported,
    model_for,
    render_page,
    shared_runs,
)
from tests.web.web_helpers import Node, parse

pytestmark = pytest.mark.llm

_CITE = re.compile(r"^\[(\d+)\] ", re.MULTILINE)
_LINE = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)


def _user_prompts(proxy: MangleProxy) -> list[str]:
    return [r["messages"][-1]["content"] for r in proxy.requests]


def _item_texts(page: Node) -> list[str]:
    """The texts of the summary's items as the page shows them."""
    texts: list[str] = []
    for name, tag in (("tldr", "p"), ("insights", "li"), ("qa", "details"), ("takeaways", "li")):
        section = page.find("section", class_=name)
        texts += [n.text for n in section.find_all(tag)] if section is not None else []
    return texts


def _instructions(request: dict[str, object], transcript: Transcript) -> list[str]:
    """The texts of a request to the model, without the transcript's sentences and its title."""
    texts = [str(m["content"]) for m in request["messages"]]  # type: ignore[attr-defined]
    for u in Analysis(transcript).units:
        texts = [t.replace(u.text, " ") for t in texts]
    return [t.replace(transcript.meta.title, " ") for t in texts]


def _shown_sentences(prompt: str, transcript: Transcript) -> list[int]:
    """The 1-based sentence numbers a prompt's numbered lines hold, checking each line's number."""
    texts = [u.text for u in Analysis(transcript).units]
    held: list[int] = []
    for number, line in _LINE.findall(prompt):
        n = int(number)
        while line:
            assert line.startswith(texts[n - 1]), f"line [{number}] does not hold sentence {n}"
            held.append(n)
            line = line[len(texts[n - 1]) :].lstrip()
            n += 1
    return held


def test_single_call_summary_is_grounded_and_cached(
    distill_home: Path, proxy: MangleProxy, short_transcript: Transcript
) -> None:
    model = model_for(proxy.url)
    summary = summarize_with_llm(short_transcript, model, shape=SMALL, fallback=summary_of)

    Summary.model_validate_json(summary.model_dump_json())
    assert_page_shape(summary, SMALL)
    assert_grounded(summary, short_transcript)
    assert summary.prompt_version == "v1" and summary.model == model
    assert summary.usage is not None and not summary.usage.cached
    assert summary.usage.calls == len(proxy.requests) >= 1
    assert summary.usage.prompt_tokens > 0 and summary.usage.completion_tokens > 0
    # One call saw the whole transcript as lines numbered by their first sentence (short
    # sentences share a line), and a JSON schema to decode with.
    prompt = _user_prompts(proxy)[0]
    assert _shown_sentences(prompt, short_transcript) == list(range(1, 11))
    assert len(_CITE.findall(prompt)) < 10
    assert proxy.requests[-1]["response_format"]["type"] == "json_object"
    assert "schema" in proxy.requests[-1]["response_format"]

    sent = len(proxy.requests)
    again = summarize_with_llm(short_transcript, model, shape=SMALL, fallback=summary_of)
    assert len(proxy.requests) == sent, "the same transcript x model x prompt was sent twice"
    assert again.usage is not None and again.usage.cached and again.usage.calls == 0
    assert again.model_dump(exclude={"usage"}) == summary.model_dump(exclude={"usage"})

    # What a reader sees: every item the model wrote is supported where it is placed, nothing
    # on the page comes from the prompt, and the sections the built-in summary stood in for are
    # marked, with one quiet line saying so.
    assert_supported(summary, short_transcript)
    page = parse(render_page(summary, short_transcript))
    shown = _item_texts(page)
    told = " ".join(p for r in proxy.requests for p in _instructions(r, short_transcript))
    echoed = [run for text in shown for run in shared_runs(text, told, 4)]
    assert not echoed, f"the page shows text from the prompt: {echoed}"
    builtin = summary.builtin_sections()
    for name in ("tldr", "insights", "qa", "takeaways"):
        section = page.find("section", class_=name)
        assert section is not None
        marked = section.find("small", class_="provenance") is not None
        assert marked == (name in builtin), f"{name}: marked {marked}, built-in {builtin}"
    note = page.find("p", class_="provenance-note")
    assert (note is not None) == bool(builtin)
    if note is not None:
        assert "could not be verified against the transcript" in note.text


def test_long_transcript_runs_map_reduce_within_the_context(
    distill_home: Path, proxy: MangleProxy, long_transcript: Transcript
) -> None:
    model = model_for(proxy.url)
    p = plan(long_transcript, model, shape=SMALL)
    assert p.strategy == "map-reduce" and p.chunks >= 2
    assert p.transcript_tokens > 0.8 * N_CTX  # with the prompt and the reply, it does not fit
    assert len(proxy.requests) == 0, "planning called the model"

    summary = summarize_with_llm(long_transcript, model, shape=SMALL, fallback=summary_of)

    prompts = _user_prompts(proxy)
    map_prompts = [t for t in prompts if t.startswith("Part ")]
    assert len(map_prompts) == p.chunks
    # Chunks are consecutive runs of sentences that together cover the whole transcript.
    held = [_shown_sentences(t, long_transcript) for t in map_prompts]
    assert sorted(n for h in held for n in h) == list(range(1, len(long_transcript.segments) + 1))
    for h in held:
        assert h == list(range(h[0], h[-1] + 1))
    assert prompts[-1].startswith("Video: ") and "Notes on the whole video" in prompts[-1]
    assert summary.usage is not None and summary.usage.calls == len(prompts) >= 3
    assert summary.usage.prompt_tokens > p.transcript_tokens * 0.8
    assert_page_shape(summary, SMALL)
    assert_grounded(summary, long_transcript)
    assert_supported(summary, long_transcript)
    starts = [c.start for c in summary.chapters]
    assert starts == sorted(starts)  # type: ignore[type-var]


def test_mangled_replies_are_retried_or_repaired(
    distill_home: Path, proxy: MangleProxy, short_transcript: Transcript
) -> None:
    proxy.actions = ["429", "wrong_schema", "500", "cut_tail"]
    summary = summarize_with_llm(
        short_transcript, model_for(proxy.url), shape=SMALL, fallback=summary_of
    )

    assert proxy.seen[:4] == ["429", "wrong_schema", "500", "cut_tail"]
    assert_page_shape(summary, SMALL)
    assert_grounded(summary, short_transcript)
    usage = summary.usage
    assert usage is not None
    # Two transport retries (429, 500), one retry for the wrong-schema reply; the cut-off reply
    # was repaired, not asked again for its JSON. Asked again at most once more, with the reason,
    # when its items are not what the transcript says.
    assert usage.calls == len([a for a in proxy.seen if a not in ("429", "500")])
    assert usage.calls in (2, 3) and usage.retries == 3 + (usage.calls - 2)
    assert_supported(summary, short_transcript)


def test_a_model_that_never_returns_json_fails_clearly(
    distill_home: Path, proxy: MangleProxy, short_transcript: Transcript
) -> None:
    proxy.actions = ["garbage"] * 3
    with pytest.raises(SummarizeError, match="did not return usable JSON"):
        summarize_with_llm(short_transcript, model_for(proxy.url), shape=SMALL, fallback=summary_of)
    assert proxy.seen == ["garbage"] * 3


def test_ask_answers_from_retrieved_passages_only(
    distill_home: Path, proxy: MangleProxy, short_transcript: Transcript
) -> None:
    model = model_for(proxy.url)
    answer = ask_with_llm(short_transcript, "How long do memory cells remain in the blood?", model)
    prompt = _user_prompts(proxy)[0]
    shown = [int(n) for n in _CITE.findall(prompt)]
    assert 5 in shown and len(shown) < len(short_transcript.segments)
    if answer.found:
        starts = {s.start for s in short_transcript.segments}
        assert answer.citations and all(c.start in starts for c in answer.citations)
        texts = [s.text for s in short_transcript.segments]
        assert all(c.text in texts for c in answer.citations)
    else:
        assert answer.answer == NOT_SAID and not answer.citations

    before = len(proxy.requests)
    off_topic = ask_with_llm(short_transcript, "Who won the football cup?", model)
    assert off_topic.answer == NOT_SAID and not off_topic.found
    assert len(proxy.requests) == before  # no passage matched, so the model was not asked


def test_llamacpp_in_process_decodes_with_the_schema_grammar(
    distill_home: Path, gguf_path: Path, short_transcript: Transcript
) -> None:
    from distill.llm import Message, get_model
    from distill.llm.jsonfix import parse_json
    from distill.summarize.llm.schemas import NotesReply, notes_schema

    llm = get_model(f"llamacpp:{gguf_path}?ctx={N_CTX}&threads=1")
    assert llm.context_window == N_CTX
    assert 5 < llm.count_tokens("Vaccines train the immune system.") < 15
    numbered = "\n".join(f"[{i + 1}] {s.text}" for i, s in enumerate(short_transcript.segments))
    done = llm.complete(
        [Message("user", f"{numbered}\n\nWrite JSON: one note citing a sentence number n.")],
        schema=notes_schema(SMALL, (1, 1)),
        max_tokens=120,
    )
    data, repaired = parse_json(done.text)
    reply = NotesReply.model_validate(data)
    assert not repaired and len(reply.notes) == 1 and reply.chapter is not None
    assert isinstance(reply.notes[0].cite, int)
    assert done.prompt_tokens > 100 and 0 < done.completion_tokens <= 120
