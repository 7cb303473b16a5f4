"""The service's knowledge features on a real SQLite library: highlights rules, re-anchoring,
asking the library with and without a model, reindexing, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distill.domain import Segment, Transcript, VideoMeta
from distill.errors import ConflictError, InputError, NotFoundError
from distill.library import highlight_parts

LINES = [
    "Welcome to this talk about honey bees and how a colony works.",
    "Worker bees collect nectar from flowers all day long.",
    "Back in the hive they fan the nectar with their wings until it thickens into honey.",
    "Each finished cell is capped with wax to keep the honey safe for years.",
    "In winter the colony forms a cluster and shivers to stay warm.",
]


def talk(video_id: str = "bees0000001", lines: list[str] = LINES, step: float = 6.0) -> Transcript:
    segs = [Segment(start=i * step, end=i * step + step - 0.5, text=t) for i, t in enumerate(lines)]
    meta = VideoMeta(kind="youtube", id=video_id, title="How bees make honey", channel="Nature")
    return Transcript(meta=meta, language="en", origin="manual", segments=segs)


@pytest.fixture
def service(distill_home: Path):  # type: ignore[no-untyped-def]
    from distill.library import Library
    from distill.service import Distill

    lib = Library()
    svc = Distill(lib)
    lib.save_transcript(talk())
    svc.index("bees0000001")
    yield svc
    lib.close()


def test_a_highlight_by_time_quotes_what_is_said_with_context(service) -> None:  # type: ignore[no-untyped-def]
    h = service.add_highlight("bees0000001", 6.0, note="  nectar!  ", tags="Biology, #to-read")
    assert h.quote == LINES[1]
    assert h.before.endswith("colony works.") and h.after.startswith("Back in the hive")
    assert (h.start, h.end) == (6.0, 11.5)
    assert h.note == "nectar!" and h.tags == ["biology", "to-read"]
    two = service.add_highlight("bees0000001", 6.0, 17.0)
    assert two.quote == f"{LINES[1]} {LINES[2]}"
    selected = service.add_highlight(
        "bees0000001", 12.0, 17.5, quote="fan the nectar with their wings"
    )
    assert selected.quote == "fan the nectar with their wings"
    assert selected.before.endswith("Back in the hive they")


def test_bad_highlights_are_refused_with_one_sentence(service) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=r"outside the transcript, which runs from 0:00 to 0:29"):
        service.add_highlight("bees0000001", 500.0)
    with pytest.raises(InputError, match="outside the transcript"):
        service.add_highlight("bees0000001", -3.0)
    with pytest.raises(InputError, match="before the start"):
        service.add_highlight("bees0000001", 12.0, 6.0)
    with pytest.raises(InputError, match=r"10,001 characters long; keep it under 10,000"):
        service.add_highlight("bees0000001", 6.0, note="x" * 10_001)
    with pytest.raises(InputError, match="is not a tag"):
        service.add_highlight("bees0000001", 6.0, tags=["two words"])
    with pytest.raises(InputError, match="at most 20 tags"):
        service.add_highlight("bees0000001", 6.0, tags=[f"t{i}" for i in range(21)])
    with pytest.raises(NotFoundError, match="no video with id 'gone'"):
        service.add_highlight("gone", 1.0)
    service.add_highlight("bees0000001", 6.0)
    with pytest.raises(ConflictError, match="already highlighted"):
        service.add_highlight("bees0000001", 6.0)
    service.delete("bees0000001")
    with pytest.raises(NotFoundError):
        service.add_highlight("bees0000001", 6.0)
    assert service.library.count_highlights() == 0


def test_a_highlight_survives_a_re_transcription(service) -> None:  # type: ignore[no-untyped-def]
    h = service.add_highlight("bees0000001", 12.0, note="the fanning")
    # Transcribed again: an intro line more, other times; the quote is now said later.
    again = talk(lines=["A new opening line was added here.", *LINES], step=7.0)
    service.library.save_transcript(again)
    service.index("bees0000001")
    moved = service.library.get_highlight(h.id)
    assert (moved.start, moved.end) == (21.0, 27.5)
    assert moved.note == "the fanning" and moved.quote == LINES[2]


def test_edits_need_the_version_read(service) -> None:  # type: ignore[no-untyped-def]
    h = service.add_highlight("bees0000001", 6.0, note="first")
    mine = service.edit_highlight(h.id, h.version, note="mine", tags=["a"])
    with pytest.raises(ConflictError, match="changed by someone else"):
        service.edit_highlight(h.id, h.version, note="theirs")
    assert service.library.get_highlight(h.id).note == "mine" and mine.version == 2
    with pytest.raises(InputError):
        service.edit_highlight(h.id, mine.version, note="y" * 20_000)


def test_library_questions_empty_huge_and_an_empty_library(distill_home: Path) -> None:
    from distill.library import Library
    from distill.service import Distill

    with Distill(Library()) as service:
        empty = service.ask_library("What is a bee?")
        assert not empty.found and "no videos yet" in empty.answer
        with pytest.raises(InputError, match="empty"):
            service.ask_library("   ")
        with pytest.raises(InputError, match="10,239 characters long; keep it under 2,000"):
            service.ask_library("why " * 2560)
        with pytest.raises(InputError, match="not a search mode"):
            service.ask_library("bees?", mode="magic")


def test_follow_up_questions_keep_their_context(service) -> None:  # type: ignore[no-untyped-def]
    from distill.knowledge import Context

    service.library.save_transcript(
        talk(
            "cars0000001",
            [
                "An electric car stores its energy in a battery.",
                "Regenerative braking turns motion back into charge.",
                "Most of them keep their warmth with a heat pump in winter.",
            ],
        )
    )
    service.index("cars0000001")
    first = service.ask_library("How do bees make honey?")
    assert first.citations[0].video_id == "bees0000001"
    # Each cited moment is the time its first sentence is said, not its passage's start.
    for c in first.citations:
        if c.video_id == "bees0000001" and c.start is not None:
            said = next(i for i, line in enumerate(LINES) if c.text.startswith(line))
            assert c.start == said * 6.0, (c.start, c.text)
    alone = service.ask_library("How do they stay warm in winter?")
    follow = service.ask_library(
        "How do they stay warm in winter?",
        context=Context(questions=["How do bees make honey?"], cited_videos=["bees0000001"]),
    )
    assert follow.citations[0].video_id == "bees0000001"
    assert "cluster" in follow.answer
    assert alone.citations  # without the context either talk may come first


def test_reindex_builds_missing_vectors_and_rebuilds_for_a_new_model(service) -> None:  # type: ignore[no-untyped-def]
    lib = service.library
    lib.save_transcript(talk("other000001"))  # stored without the service: no passages yet
    assert "other000001" not in lib.indexed_video_ids()
    done = service.reindex()
    assert done.videos == 1 and "other000001" in lib.indexed_video_ids()
    assert service.reindex().videos == 0
    lib.set_info("embedding_model", "some-older-model-128")
    assert service.embedder() is None  # vectors of another model are never mixed in
    seen: list[tuple[float, float | None]] = []
    done = service.reindex(progress=lambda stage, d, t: seen.append((d, t)))
    assert done.previous_model == "some-older-model-128" and done.videos == 2
    assert seen[-1] == (2.0, 2.0)
    assert lib.get_info("embedding_model") == done.model
    assert service.embedder() is not None


def test_a_model_answer_may_only_cite_what_it_was_shown(service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests import fake_openai

    def reply(messages):  # type: ignore[no-untyped-def]
        prompt = messages[-1]["content"]
        first = prompt.split("[1]", 1)[1].split("\n", 1)[0]
        assert "Never use outside knowledge" in messages[0]["content"]
        return {
            "found": True,
            "sentences": [
                {"text": "Bees fan the nectar with their wings until it thickens.", "cite": 1},
                {"text": "Cells are capped with wax to keep honey safe.", "cite": 99},
                {"text": "The queen was crowned in 1853 by Napoleon.", "cite": 1},
            ],
            "_first": first,
        }

    monkeypatch.setattr(fake_openai, "reply_to", reply)
    server = fake_openai.FakeOpenAI()
    try:
        answer = service.ask_library("How do bees make honey?", model=server.model())
    finally:
        server.close()
    assert answer.found
    assert "Napoleon" not in answer.answer and "fan the nectar" in answer.answer
    assert (answer.grounded + answer.repaired, answer.dropped) == (2, 1)
    assert answer.repaired >= 1  # the citation of passage 99 was moved to the passage saying it
    assert all(c.video_id == "bees0000001" for c in answer.citations)
    assert set(json.loads(json.dumps(answer.contract()))) == {"answer", "citations"}


def test_a_model_answer_may_name_the_video_it_was_shown(service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import re

    from tests import fake_openai

    farm = talk("hive0000001")
    farm.meta = farm.meta.model_copy(update={"title": "Bees at Hive Farm"})
    service.library.save_transcript(farm)
    service.index("hive0000001")

    def reply(messages):  # type: ignore[no-untyped-def]
        shown = re.search(r"\[(\d+)\] \(Bees at Hive Farm", messages[-1]["content"])
        assert shown is not None
        n = int(shown.group(1))
        return {
            "found": True,
            "sentences": [
                {"text": "At Hive Farm, bees fan the nectar with their wings.", "cite": n},
                {"text": "At Hive Farm, Dr Okafor fans the nectar with wings.", "cite": n},
            ],
        }

    monkeypatch.setattr(fake_openai, "reply_to", reply)
    server = fake_openai.FakeOpenAI()
    try:
        answer = service.ask_library("How do bees fan the nectar?", model=server.model())
    finally:
        server.close()
    # The title it was shown with is no invention; a name no passage or title has is.
    assert answer.found and answer.answer == "At Hive Farm, bees fan the nectar with their wings."
    assert (answer.grounded, answer.dropped) == (1, 1)
    assert answer.citations[0].video_id == "hive0000001"


def test_a_model_saying_nothing_answers_is_believed(service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests import fake_openai

    monkeypatch.setattr(fake_openai, "reply_to", lambda m: {"found": False, "sentences": []})
    server = fake_openai.FakeOpenAI()
    try:
        answer = service.ask_library("How do bees make honey?", model=server.model())
    finally:
        server.close()
    assert not answer.found and "do not answer" in answer.answer


def test_search_words_spread_over_lines_find_their_passage(service) -> None:  # type: ignore[no-untyped-def]
    # No one line has both words; the passage of a few sentences does, and stands for them.
    found = service.search("nectar wax")
    assert found.partial and found.unmatched == []
    first = found.hits[0]
    assert first.video_id == "bees0000001" and first.match in ("words", "both")
    marked = {text.lower() for text, match in highlight_parts(first.snippet) if match}
    assert {"nectar", "wax"} <= marked
    # Every word in one line: the exact line, at its own time.
    exact = service.search("fan nectar wings")
    assert (exact.hits[0].kind, exact.hits[0].start) == ("transcript", 12.0)
    assert exact.hits[0].match in ("words", "both")
