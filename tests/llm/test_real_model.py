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
    model_for,
)

pytestmark = pytest.mark.llm

_CITE = re.compile(r"^\[(\d+)\] ", re.MULTILINE)
_LINE = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)


def _user_prompts(proxy: MangleProxy) -> list[str]:
    return [r["messages"][-1]["content"] for r in proxy.requests]


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
    # Two transport retries (429, 500), one retry for the wrong-schema reply; the cut-off
    # reply was repaired, not asked again.
    assert usage.retries == 3
    assert usage.calls == 2 == len([a for a in proxy.seen if a not in ("429", "500")])
    assert usage.repaired >= 1


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
