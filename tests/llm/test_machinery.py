"""The LLM machinery without a model: JSON repair, grounding, chunking, plans, prices, errors."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from distill.domain import Transcript
from distill.errors import LLMError
from distill.llm import get_model, parse_model_string, resolve_model_string
from distill.llm.cache import ResultCache
from distill.llm.jsonfix import JSONReplyError, parse_json
from distill.llm.pricing import estimate_cost
from distill.summarize.llm.grounding import MIN_LINE_TOKENS, Grounder, Lines, Located
from distill.summarize.llm.pipeline import summarize_with_llm
from distill.summarize.llm.plan import plan
from distill.summarize.llm.schemas import PAGE
from distill.summarize.text.analysis import Analysis
from tests.llm.helpers import N_CTX, make_transcript, model_for


def test_parse_json_repairs_fences_chatter_and_cut_off_replies() -> None:
    assert parse_json('{"a": 1}') == ({"a": 1}, False)
    assert parse_json('Sure!\n```json\n{"a": [1, 2]}\n```') == ({"a": [1, 2]}, True)
    cut = '{"tldr": "Bees dance.", "insights": [{"text": "Bees dance", "cite": 2}, {"text": "Que'
    data, repaired = parse_json(cut)
    assert repaired and data == {
        "tldr": "Bees dance.",
        "insights": [{"text": "Bees dance", "cite": 2}],
    }
    with pytest.raises(JSONReplyError):
        parse_json("I cannot summarize this video.")


def test_numbered_lines_halve_the_numbering_cost_and_cite_to_the_sentence(
    gguf_path: Path, long_transcript: Transcript
) -> None:
    # The real tokenizer of the test model: numbers cost several tokens each ("[", digits, "]").
    count = get_model(f"llamacpp:{gguf_path}?ctx={N_CTX}&threads=1").count_tokens
    analysis = Analysis(long_transcript)
    units = analysis.units
    lines = Lines.group(units, count)
    assert [i for a, b in lines.spans for i in range(a, b + 1)] == list(range(len(units)))
    assert all(
        sum(count(u.text) for u in units[a : b + 1]) >= MIN_LINE_TOKENS for a, b in lines.spans[:-1]
    )
    plain = count(" ".join(u.text for u in units))
    per_sentence = count(Lines.single(units).numbered(range(len(units))))
    grouped = count(lines.numbered(range(len(lines.spans))))
    assert grouped - plain < (per_sentence - plain) / 2
    # A line is numbered by its first sentence; a citation of the line finds the sentence in it
    # that says the item, so times stay as precise as with one number per sentence.
    first, last = next((a, b) for a, b in lines.spans if b > a)
    assert lines.text(lines.line_of[first]).startswith(f"[{first + 1}] {units[first].text} ")
    g = Grounder(analysis, lines)
    assert g.locate(units[last].text, first + 1) == Located(last, "grounded")
    assert g.locate(units[last].text, last + 1) == Located(last, "grounded")


OCTOPUS = [
    "Octopuses have three hearts and blue blood.",
    "Two hearts pump blood through the gills.",
    "The third heart pumps blood to the rest of the body.",
    "Their blood uses copper instead of iron to carry oxygen.",
]


def test_a_talk_without_real_questions_keeps_its_summary_after_the_last_try(
    distill_home: Path,
) -> None:
    """The built-in summary asks no question a talk does not answer; its insights still stand
    in for a model that wrote nothing usable, and the page has no Q&A rather than no page."""
    from distill.summarize.builtin.summary import summary_of
    from tests.fake_openai import FakeOpenAI

    talk = make_transcript(OCTOPUS, "Octopus hearts")
    assert summary_of(Analysis(talk)).qa == []
    server = FakeOpenAI()  # answers a summary request with an empty object
    try:
        summary = summarize_with_llm(talk, server.model(), fallback=summary_of)
    finally:
        server.close()
    assert summary.insights and summary.qa == []
    assert all(i.provenance == "builtin" for i in summary.insights)


def test_page_lengths_are_enforced() -> None:
    assert PAGE.tldr == (2, 3) and PAGE.insights == (6, 8) and PAGE.qa == (4, 6)
    assert PAGE.takeaways == (3, 5)


def test_plan_splits_long_transcripts_by_context_window(
    distill_home: Path, long_transcript: Transcript, short_transcript: Transcript
) -> None:
    small = plan(long_transcript, "openai:x?base_url=http://127.0.0.1:9/v1&ctx=2048")
    big = plan(long_transcript, "openai:x?base_url=http://127.0.0.1:9/v1&ctx=32000")
    assert small.strategy == "map-reduce" and small.chunks >= 2 and small.calls > small.chunks
    assert big.strategy == "single" and big.calls == 1
    assert small.prompt_tokens <= 1.3 * small.transcript_tokens + 1500
    cloud = plan(short_transcript, "openai:gpt-4o-mini")
    assert cloud.context_window == 128_000 and cloud.cost_usd is not None and cloud.cost_usd > 0
    assert any("calls: 1" in line for line in cloud.lines())


def test_unreachable_server_fails_with_one_clear_sentence(
    distill_home: Path, short_transcript: Transcript
) -> None:
    with pytest.raises(LLMError, match="cannot reach http://127.0.0.1:9/v1"):
        summarize_with_llm(short_transcript, model_for("http://127.0.0.1:9/v1"))


def test_missing_keys_and_bad_model_strings_say_what_to_do(
    distill_home: Path, short_transcript: Transcript, tmp_path: Path
) -> None:
    with pytest.raises(LLMError, match="OPENAI_API_KEY"):
        summarize_with_llm(short_transcript, "openai:gpt-4o-mini")
    with pytest.raises(LLMError, match="ANTHROPIC_API_KEY"):
        summarize_with_llm(short_transcript, "anthropic:claude-sonnet-4-6")
    with pytest.raises(LLMError, match="no GGUF model file"):
        summarize_with_llm(short_transcript, f"llamacpp:{tmp_path / 'none.gguf'}")
    with pytest.raises(LLMError, match="Unknown model"):
        parse_model_string("gpt4")
    assert parse_model_string("ollama:llama3.2?ctx=8192") == ("ollama", "llama3.2", {"ctx": "8192"})
    assert get_model("ollama:llama3.2").context_window == 4096


def test_model_selection_falls_back_to_env_then_builtin(
    distill_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distill.settings import get_settings

    assert resolve_model_string(None) == "builtin"
    monkeypatch.setenv("DISTILL_MODEL", "ollama:qwen3")
    get_settings.cache_clear()
    assert resolve_model_string(None) == "ollama:qwen3"
    assert resolve_model_string("openai:gpt-4o") == "openai:gpt-4o"


def test_prices_are_estimated_and_overridable(distill_home: Path) -> None:
    assert estimate_cost("openai:gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert estimate_cost("anthropic:claude-sonnet-4-5-20250929", 0, 1_000_000) == pytest.approx(15)
    assert estimate_cost("ollama:llama3.2", 5000, 5000) == 0.0
    assert estimate_cost("openai:my-local", 10, 10) is None
    (distill_home / "prices.json").write_text(json.dumps({"openai:my-local": [1.0, 2.0]}))
    assert estimate_cost("openai:my-local", 1_000_000, 1_000_000) == pytest.approx(3.0)
    (distill_home / "prices.json").write_text("[oops")
    with pytest.raises(LLMError, match="price table"):
        estimate_cost("openai:my-local", 1, 1)


def test_cache_writes_are_atomic_under_concurrency(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    doc = {"text": "x" * 50_000}

    def write() -> None:
        for _ in range(20):
            cache.put("calls", "ab" * 32, doc)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(200):
        got = cache.get("calls", "ab" * 32)
        assert got is None or got == doc
    for t in threads:
        t.join()
    assert cache.get("calls", "ab" * 32) == doc
    assert not list((tmp_path / "calls").rglob(".tmp-*"))
