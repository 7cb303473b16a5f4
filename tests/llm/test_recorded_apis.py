"""OpenAI (cloud) and Anthropic through their real SDKs, over real HTTP, against exchanges the
tests record themselves and replay from a local server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from distill.domain import Transcript
from distill.errors import LLMError
from distill.summarize.builtin.summary import summary_of
from distill.summarize.llm.pipeline import summarize_with_llm
from distill.summarize.llm.translate import translate_summary
from tests.llm.helpers import Replay, assert_grounded, assert_supported


@pytest.fixture
def replay(tmp_path: Path) -> Iterator[Any]:
    servers: list[Replay] = []

    def start(exchanges: list[dict[str, Any]]) -> Replay:
        path = tmp_path / f"recording-{len(servers)}.json"
        path.write_text(json.dumps(exchanges, ensure_ascii=False, indent=1))
        servers.append(Replay(path))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


# A good model's reply for the vaccines talk, citing sentence numbers; two items need fixing.
SUMMARY_REPLY = {
    "tldr": "Vaccines train the immune system with a harmless form of a germ. Memory cells then "
    "respond fast, and herd immunity protects those who cannot be vaccinated.",
    "insights": [
        {
            "emoji": "🛡️",
            "text": "Vaccines train the immune system before disease strikes.",
            "cite": 1,
        },
        {"emoji": "🧪", "text": "A vaccine holds a weakened or partial germ.", "cite": 2},
        {"emoji": "🔑", "text": "Antibodies fit the antigen like a key in a lock.", "cite": 4},
        {"emoji": "🧠", "text": "Memory cells remain in the blood for years.", "cite": 5},
        {"emoji": "⚡", "text": "Memory cells respond within hours to the real virus.", "cite": 1},
        {"emoji": "👶", "text": "Herd immunity protects newborns.", "cite": 7},
        {"emoji": "🚀", "text": "Rockets need liquid oxygen to reach orbit.", "cite": 3},
    ],
    "qa": [
        {"question": "What is in a vaccine?", "answer": "A weakened or partial germ.", "cite": 2},
        {"question": "How fast do memory cells act?", "answer": "Within hours.", "cite": 6},
        {
            "question": "What coverage does measles need?",
            "answer": "About ninety five percent.",
            "cite": 8,
        },
        {
            "question": "What do mRNA vaccines do?",
            "answer": "They make a harmless spike protein.",
            "cite": 10,
        },
    ],
    "takeaways": [
        {"text": "Vaccines train the immune system to recognize germs.", "cite": 5},
        {"text": "Herd immunity needs high coverage.", "cite": 8},
        {"text": "Mild side effects show the immune system works.", "cite": 9},
    ],
    "chapters": [
        {"title": "How vaccines train immunity", "cite": 1},
        {"title": "Herd immunity", "cite": 7},
    ],
}


def _openai_ok(content: dict[str, Any], prompt: int, completion: int) -> dict[str, Any]:
    return {
        "request": {"path": "/v1/chat/completions"},
        "response": {
            "status": 200,
            "body": {
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
                "choices": [{"index": 0, "finish_reason": "stop", "message": {
                    "role": "assistant", "content": json.dumps(content)}}],
                "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                          "total_tokens": prompt + completion},
            },
        },
    }  # fmt: skip


def test_openai_cloud_structured_output_with_fallback_and_cost(
    distill_home: Path,
    replay: Any,
    short_transcript: Transcript,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-recorded")
    server = replay(
        [
            {
                "request": {"path": "/v1/chat/completions"},
                "response": {
                    "status": 400,
                    "body": {
                        "error": {
                            "message": "Invalid parameter: 'response_format' of type "
                            "'json_schema' is not supported with this model."
                        }
                    },
                },
            },  # fmt: skip
            _openai_ok(SUMMARY_REPLY, 1200, 600),
        ]
    )
    summary = summarize_with_llm(
        short_transcript, f"openai:gpt-4o-mini?base_url={server.url}/v1", fallback=summary_of
    )

    first, second = server.requests
    assert first["headers"]["authorization"] == "Bearer sk-test-recorded"
    assert first["json"]["response_format"]["type"] == "json_schema"
    schema = first["json"]["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["insights"]["minItems"] == 6
    assert second["json"]["response_format"]["type"] == "json_object"  # fell back
    assert second["json"]["model"] == "gpt-4o-mini"

    starts = [s.start for s in short_transcript.segments]
    assert [i.start for i in summary.insights] == [
        starts[0],
        starts[1],
        starts[3],
        starts[4],
        starts[5],
        starts[6],
    ]
    assert len(summary.qa) == 4 and summary.qa[3].start == starts[9]
    assert [c.start for c in summary.chapters] == [starts[0], starts[6]]
    assert_grounded(summary, short_transcript)
    usage = summary.usage
    assert usage is not None
    assert (usage.calls, usage.prompt_tokens, usage.completion_tokens) == (1, 1200, 600)
    # Dropped: the rocket. Repaired: the fast-response cite, and the takeaway on training the
    # immune system citing the memory-cells sentence, moved to the sentence that says it.
    assert usage.dropped == 1 and usage.repaired == 2 and usage.builtin == 0
    assert summary.takeaways[0].start == starts[0]
    assert usage.cost_usd == pytest.approx((1200 * 0.15 + 600 * 0.60) / 1e6)


def test_a_cached_reply_is_grounded_again_for_a_retimed_transcript(
    distill_home: Path,
    replay: Any,
    short_transcript: Transcript,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-recorded")
    server = replay([_openai_ok(SUMMARY_REPLY, 1200, 600)])
    model = f"openai:gpt-4o-mini?base_url={server.url}/v1&json=json_object"
    first = summarize_with_llm(short_transcript, model, fallback=summary_of)
    # The same words at other times (captions re-timed): the prompt is the same, so the model is
    # not asked again, but the cached reply is grounded again with the new times.
    later = short_transcript.model_copy(deep=True)
    for seg in later.segments:
        seg.start = (seg.start or 0.0) + 100.0
        seg.end = (seg.end or 0.0) + 100.0
    again = summarize_with_llm(later, model, fallback=summary_of)
    assert len(server.requests) == 1
    assert again.usage is not None and again.usage.calls == 0
    assert [i.start for i in again.insights] == [(i.start or 0.0) + 100.0 for i in first.insights]
    assert_grounded(again, later)


def test_a_stored_summary_is_verified_again_when_the_verifier_changes(
    distill_home: Path,
    replay: Any,
    short_transcript: Transcript,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from distill.summarize.llm import grounding

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-recorded")
    server = replay([_openai_ok(SUMMARY_REPLY, 1200, 600)])
    model = f"openai:gpt-4o-mini?base_url={server.url}/v1&json=json_object"
    first = summarize_with_llm(short_transcript, model, fallback=summary_of)
    assert "👶" in [i.emoji for i in first.insights]
    # A stricter verifier (here: one that reads "newborns" as a cut-off ending) is a new
    # version: the model is not asked again, but its cached reply is checked again.
    monkeypatch.setattr(grounding, "CUT_ENDINGS", {"en": frozenset({"newborns"})})
    monkeypatch.setattr(grounding, "VERIFIER_VERSION", grounding.VERIFIER_VERSION + "-stricter")
    again = summarize_with_llm(short_transcript, model, fallback=summary_of)
    assert len(server.requests) == 1
    assert again.usage is not None and again.usage.calls == 0
    assert "👶" not in [i.emoji for i in again.insights]


# A capable model's quieter failures: good paraphrases next to a changed number, an invented
# name or detail, and a right sentence cited at the wrong line.
CAREFUL_REPLY = {
    "tldr": "A vaccine teaches the immune system to recognize a germ before it causes disease. "
    "Memory cells then answer a real infection within 12 hours.",
    "insights": [
        {"emoji": "🛡️", "text": "Vaccines teach the immune system to recognize a germ before it "
         "causes disease.", "cite": 1},
        {"emoji": "🧠", "text": "After the first exposure, memory cells stay in the blood for "
         "years.", "cite": 5},
        {"emoji": "🔑", "text": "Antibodies lock onto the antigen like a key in a lock.", "cite": 4},
        {"emoji": "⏱️", "text": "Memory cells respond within 12 hours when the real virus "
         "returns.", "cite": 6},
        {"emoji": "🧑‍🔬", "text": "Dr Jenner found that memory cells remain in the blood for "
         "years.", "cite": 5},
        {"emoji": "👶", "text": "Herd immunity protects newborns and people with weak immune "
         "systems.", "cite": 2},
        {"emoji": "📊", "text": "Measles needs about 95 percent coverage, the highest of any "
         "disease.", "cite": 8},
    ],
    "qa": [
        {"question": "How long do memory cells stay in the blood?",
         "answer": "For years after the first exposure.", "cite": 5},
        {"question": "What coverage does measles need for herd immunity?",
         "answer": "About 95 percent.", "cite": 8},
        {"question": "What coverage does measles need?", "answer": "About 80 percent.", "cite": 8},
        {"question": "Who made the first mRNA vaccine?",
         "answer": "Katalin Kariko made it in 2005.", "cite": 10},
    ],
    "takeaways": [
        {"text": "Side effects such as a sore arm or a mild fever mean the immune system is "
         "working.", "cite": 9},
        {"text": "mRNA vaccines instruct cells to make a harmless spike protein.", "cite": 10},
        {"text": "Vaccines cause autism in 1 of 100 children.", "cite": 1},
    ],
    "chapters": [
        {"title": "How vaccines train immunity", "cite": 1},
        {"title": "Herd immunity and coverage", "cite": 7},
    ],
}  # fmt: skip


def test_a_capable_models_paraphrases_are_kept_and_its_inventions_dropped(
    distill_home: Path, replay: Any, short_transcript: Transcript, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-recorded")
    server = replay([_openai_ok(CAREFUL_REPLY, 1100, 650)])
    model = f"openai:gpt-4o-mini?base_url={server.url}/v1&json=json_object"
    summary = summarize_with_llm(short_transcript, model, fallback=summary_of)
    starts = [s.start for s in short_transcript.segments]

    # The invented second sentence of the TL;DR (a number the talk never says) is gone.
    assert summary.tldr == CAREFUL_REPLY["tldr"].split(". Memory")[0] + "."
    assert summary.tldr_provenance == "model"
    # Paraphrases stay at the sentence that says them; the cite to the wrong line is moved. The
    # changed number, the invented doctor and the invented "highest of any disease" are dropped.
    assert [(i.emoji, i.start, i.provenance) for i in summary.insights] == [
        ("🛡️", starts[0], "model"),
        ("🧠", starts[4], "model"),
        ("🔑", starts[3], "model"),
        ("👶", starts[6], "model-repaired"),
    ]
    # "About 95 percent" is "about ninety five percent"; 80 percent and the invented inventor
    # are not said.
    assert [(q.answer, q.start) for q in summary.qa] == [
        ("For years after the first exposure.", starts[4]),
        ("About 95 percent.", starts[7]),
    ]
    assert [t.start for t in summary.takeaways] == [starts[8], starts[9]]
    assert [c.start for c in summary.chapters] == [starts[0], starts[6]]
    assert_supported(summary, short_transcript)
    usage = summary.usage
    assert usage is not None
    assert (usage.dropped, usage.repaired, usage.builtin) == (7, 1, 0)
    assert summary.fallback_note() is None  # every section is the model's


def test_an_answer_is_kept_only_where_its_citations_say_it(
    distill_home: Path, replay: Any, short_transcript: Transcript, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distill.summarize import ask

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-recorded")
    said = {"found": True, "answer": "They stay in the blood for years.", "cites": [5]}
    misplaced = {"found": True, "answer": "They stay in the blood for years.", "cites": [1]}
    invented = {"found": True, "answer": "They stay in the blood for 40 years.", "cites": [5]}
    server = replay([_openai_ok(r, 300, 30) for r in (said, misplaced, invented)])
    model = f"openai:gpt-4o-mini?base_url={server.url}/v1&json=json_object"
    starts = [s.start for s in short_transcript.segments]

    answer = ask(short_transcript, "How long do memory cells stay in the blood?", model=model)
    assert answer.found and answer.provenance == "model"
    assert [c.start for c in answer.citations] == [starts[4]]
    # Cited at the wrong sentence: cited where the passages shown say it.
    answer = ask(short_transcript, "How long do memory cells remain in the blood?", model=model)
    assert answer.provenance == "model-repaired" and [c.start for c in answer.citations] == [
        starts[4]
    ]
    # A number the transcript does not say: the built-in answer (the speaker's words) instead.
    answer = ask(short_transcript, "For how long do memory cells stay in blood?", model=model)
    assert answer.provenance == "builtin" and "40" not in answer.answer
    assert answer.citations and answer.citations[0].start == starts[4]
    assert answer.contract()["provenance"] == "builtin"


def test_an_answer_may_name_the_video_and_its_speakers(
    distill_home: Path, replay: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distill.domain import Segment
    from distill.summarize import ask
    from tests.llm.helpers import VACCINES, make_transcript

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-recorded")
    talk = make_transcript(VACCINES, "Dr Alvarez on Vaccines")
    talk.segments = [
        Segment(**{**s.model_dump(), "speaker": "Nurse Okafor"}) for s in talk.segments
    ]
    titled = {"found": True, "answer": "According to Dr Alvarez, they stay in the blood for years.",
              "cites": [5]}  # fmt: skip
    spoken = {"found": True, "answer": "Okafor says they stay in the blood for years.",
              "cites": [5]}  # fmt: skip
    invented = {"found": True, "answer": "Dr Chen says they stay in the blood for years.",
                "cites": [5]}  # fmt: skip
    server = replay([_openai_ok(r, 300, 30) for r in (titled, spoken, invented)])
    model = f"openai:gpt-4o-mini?base_url={server.url}/v1&json=json_object"
    # The title and the speakers were shown to the model with the passages: naming them is fine.
    answer = ask(talk, "How long do memory cells stay in the blood?", model=model)
    assert answer.provenance == "model" and "Dr Alvarez" in answer.answer
    answer = ask(talk, "How long do memory cells remain in the blood?", model=model)
    assert answer.provenance == "model" and answer.answer.startswith("Okafor")
    answer = ask(talk, "For how long do memory cells stay in blood?", model=model)
    assert answer.provenance == "builtin" and "Chen" not in answer.answer


def _anthropic(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "request": {"path": "/v1/messages"},
        "response": {"status": status, "body": body, "headers": headers or {}},
    }


def _tool_use(data: dict[str, Any], prompt: int, completion: int) -> dict[str, Any]:
    return {
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-6",
        "content": [{"type": "tool_use", "id": "toolu_1", "name": "reply", "input": data}],
        "stop_reason": "tool_use", "stop_sequence": None,
        "usage": {"input_tokens": prompt, "output_tokens": completion},
    }  # fmt: skip


def test_anthropic_tool_use_retry_and_translation(
    distill_home: Path,
    replay: Any,
    short_transcript: Transcript,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-recorded")
    overloaded = {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
    server = replay(
        [
            _anthropic(429, overloaded, {"retry-after": "0"}),
            _anthropic(200, _tool_use(SUMMARY_REPLY, 1500, 700)),
        ]
    )
    model = f"anthropic:claude-sonnet-4-6?base_url={server.url}"
    summary = summarize_with_llm(short_transcript, model, fallback=summary_of)

    req = server.requests[1]
    headers = req["headers"]
    assert "sk-ant-recorded" in headers.get("x-api-key", headers.get("authorization", ""))
    assert req["json"]["tool_choice"] == {"type": "tool", "name": "reply"}
    assert req["json"]["tools"][0]["input_schema"]["properties"]["qa"]["minItems"] == 4
    assert "list of numbered lines" in req["json"]["system"]
    assert all(m["role"] != "system" for m in req["json"]["messages"])
    assert_grounded(summary, short_transcript)
    assert summary.usage is not None and summary.usage.retries == 1
    assert summary.usage.cost_usd == pytest.approx((1500 * 3 + 700 * 15) / 1e6)

    # Translation keeps every time and emoji; the reply covers every text by id.
    texts = (
        1
        + len(summary.insights)
        + 2 * len(summary.qa)
        + len(summary.takeaways)
        + len(summary.chapters)
    )
    items = [{"id": i, "text": f"texto {i}"} for i in range(1, texts + 1)]
    server.exchanges.append(_anthropic(200, _tool_use({"items": items}, 400, 300)))
    spanish = translate_summary(summary, "es", model)
    sent = json.loads(server.requests[-1]["json"]["messages"][0]["content"].split("\n")[1])
    assert [s["id"] for s in sent] == list(range(1, texts + 1)) and sent[0]["text"] == summary.tldr
    assert spanish.language == "es" and spanish.tldr == "texto 1"
    assert [i.start for i in spanish.insights] == [i.start for i in summary.insights]
    assert [i.emoji for i in spanish.insights] == [i.emoji for i in summary.insights]
    assert spanish.chapters[-1].title == f"texto {texts}"
    again = translate_summary(summary, "es", model)
    assert again.tldr == "texto 1" and len(server.requests) == 3  # cached: not sent twice


def test_anthropic_bad_key_is_one_clear_sentence(
    distill_home: Path, replay: Any, short_transcript: Transcript, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-wrong")
    error = {
        "type": "error",
        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
    }
    server = replay([_anthropic(401, error)])
    with pytest.raises(LLMError, match="rejected the API key; check ANTHROPIC_API_KEY"):
        summarize_with_llm(
            short_transcript,
            f"anthropic:claude-sonnet-4-6?base_url={server.url}",
            fallback=summary_of,
        )
