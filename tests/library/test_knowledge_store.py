"""The knowledge tables on SQLite and PostgreSQL: highlights, passages and vectors, search fixes."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from distill.domain import Insight, Segment, SourceRef, Summary, Transcript, VideoMeta
from distill.errors import ConflictError, NotFoundError
from distill.library import Library
from distill.library.vectors import PassageIn


def transcript(video_id: str, lines: list[tuple[float, str]], title: str = "A talk") -> Transcript:
    meta = VideoMeta(kind="youtube", id=video_id, title=title, channel="Math Channel")
    segs = [Segment(start=s, end=s + 4.0, text=t) for s, t in lines]
    return Transcript(meta=meta, language="en", segments=segs)


def seed(lib: Library) -> None:
    lib.save_transcript(
        transcript(
            "vid00000001",
            [
                (0.0, "welcome to linear algebra"),
                (5.0, "an eigenvector keeps its direction under the transformation"),
                (10.0, "its eigenvalue says how much it is stretched"),
                (15.0, "bananas are not part of this lesson"),
            ],
            title="Eigenvectors and eigenvalues",
        )
    )


# --- highlights -------------------------------------------------------------------------------


def test_highlights_add_list_filter_search_edit_delete(lib: Library) -> None:
    seed(lib)
    a = lib.add_highlight(
        "vid00000001", start=5.0, end=9.0, quote="an eigenvector keeps its direction",
        before="welcome", after="under", note="The key idea <b>here</b>", tags=["core", "to-read"],
    )  # fmt: skip
    b = lib.add_highlight(
        "vid00000001", start=10.0, end=14.0, quote="its eigenvalue", tags=["core"]
    )
    assert (a.id, a.version, a.tags) != (b.id, 1, [])
    assert [h.id for h in lib.list_highlights(video_id="vid00000001")] == [a.id, b.id]
    assert [h.id for h in lib.list_highlights(tag="to-read")] == [a.id]
    assert {h.id for h in lib.list_highlights(tag="core")} == {a.id, b.id}
    assert lib.list_highlights(tag="cor") == []  # a whole tag, not a part of one
    assert [h.id for h in lib.list_highlights(q="key idea")] == [a.id]  # the note is searchable
    assert [h.id for h in lib.list_highlights(q="eigenvalue")] == [b.id]  # and the quote
    assert lib.get_highlight(a.id).note == "The key idea <b>here</b>"  # stored as given
    assert lib.highlight_tags() == [("core", 2), ("to-read", 1)]

    edited = lib.update_highlight(a.id, 1, note="changed")
    assert (edited.version, edited.note) == (2, "changed")
    assert [h.id for h in lib.list_highlights(q="changed")] == [a.id]
    assert lib.list_highlights(q="key idea") == []  # the search index followed the edit
    with pytest.raises(ConflictError, match="version 1, it is now at version 2"):
        lib.update_highlight(a.id, 1, note="a stale edit")
    assert lib.get_highlight(a.id).note == "changed"

    assert lib.delete_highlight(b.id).id == b.id
    with pytest.raises(NotFoundError):
        lib.get_highlight(b.id)
    with pytest.raises(NotFoundError):
        lib.update_highlight(b.id, 1, note="gone")
    assert lib.list_highlights(q="eigenvalue") == []


def test_same_passage_twice_is_a_conflict_and_a_deleted_video_takes_its_highlights(lib: Library):
    seed(lib)
    lib.add_highlight("vid00000001", start=5.0, end=9.0, quote="an eigenvector")
    with pytest.raises(ConflictError, match="already highlighted"):
        lib.add_highlight("vid00000001", start=5.0, end=9.0, quote="an eigenvector")
    overlapping = lib.add_highlight("vid00000001", start=6.0, end=12.0, quote="keeps its direction")
    assert overlapping.id
    lib.replace_passages("vid00000001", [PassageIn("transcript", 0.0, 4.0, "welcome")])
    lib.delete_video("vid00000001")
    assert lib.count_highlights() == 0 and lib.count_passages() == 0
    assert lib.list_highlights(q="eigenvector") == []
    with pytest.raises(NotFoundError, match="deleted"):
        lib.add_highlight("vid00000001", start=1.0, end=2.0, quote="x")


def test_concurrent_edits_of_one_note_lose_nothing(lib: Library) -> None:
    seed(lib)
    h = lib.add_highlight("vid00000001", start=5.0, end=9.0, quote="an eigenvector")
    results: list[str] = []

    def edit(text: str) -> None:
        try:
            lib.update_highlight(h.id, 1, note=text)
            results.append("ok")
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=edit, args=(f"note {i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 5 + ["ok"]
    final = lib.get_highlight(h.id)
    assert final.version == 2 and final.note.startswith("note ")


# --- passages and vectors -----------------------------------------------------------------------


def unit(*values: float) -> bytes:
    v = np.zeros(256, dtype=np.float32)
    v[: len(values)] = values
    return (v / np.linalg.norm(v)).astype(np.float16).tobytes()


def test_passages_are_searched_by_words_and_by_vectors(lib: Library) -> None:
    seed(lib)
    lib.replace_passages(
        "vid00000001",
        [
            PassageIn("transcript", 0.0, 9.0, "welcome to linear algebra, an eigenvector"),
            PassageIn("transcript", 10.0, 19.0, "its eigenvalue says how much it is stretched"),
            PassageIn("summary", 5.0, 5.0, "Eigenvectors keep their direction"),
        ],
        [unit(1, 0), unit(0, 1), None],
    )
    words = lib.search_passage_words("stretched eigenvalue")
    stored = lib.get_passages([pid for pid, _ in words])
    assert [stored[pid].start for pid, _ in words] == [10.0]
    assert stored[words[0][0]].title == "Eigenvectors and eigenvalues"
    lib.vectors.refresh()
    top = lib.vectors.top(np.frombuffer(unit(0.1, 1), dtype=np.float16).astype(np.float32), 5)
    assert [lib.get_passages([p])[p].start for p, _ in top] == [10.0, 0.0]  # the summary has none
    assert top[0][1] > 0.99

    # Replacing a video's passages is seen by the next ranking after a refresh.
    lib.replace_passages(
        "vid00000001", [PassageIn("transcript", 30.0, 40.0, "new words")], [unit(0, 1)]
    )
    lib.vectors.refresh()
    top = lib.vectors.top(np.frombuffer(unit(0, 1), dtype=np.float16).astype(np.float32), 5)
    assert [lib.get_passages([p])[p].text for p, _ in top] == ["new words"]
    lib.delete_video("vid00000001")
    lib.vectors.refresh()
    assert lib.vectors.top(np.ones(256, dtype=np.float32), 5) == []


def test_index_knows_its_model_and_what_is_indexed(lib: Library) -> None:
    seed(lib)
    assert lib.get_info("embedding_model") is None
    lib.set_info("embedding_model", "model-a")
    lib.set_info("embedding_model", "model-b")
    assert lib.get_info("embedding_model") == "model-b"
    lib.replace_passages("vid00000001", [PassageIn("transcript", 0.0, 1.0, "x")], [unit(1)])
    assert lib.indexed_video_ids() == {"vid00000001"}
    lib.clear_vectors()
    assert lib.indexed_video_ids() == set() and lib.count_passages() == 1


# --- search fixes ---------------------------------------------------------------------------------


def test_prefix_search_finds_words_that_start_with_it(lib: Library) -> None:
    seed(lib)
    assert lib.search("eigen") == []
    found = lib.search("eigen*", kinds=["transcript"])
    assert [h.start for h in found] == [5.0, 10.0] or [h.start for h in found] == [10.0, 5.0]
    assert lib.search("e*", kinds=["transcript"]) == []  # one letter is not a prefix
    assert [h.start for h in lib.search("banan* lesson")] == [15.0]


def test_words_that_match_nothing_are_named(lib: Library) -> None:
    seed(lib)
    page = lib.search_results("eigenvalue zzyzx")
    assert [h.start for h in page.hits] == [10.0]
    assert page.unmatched == ["zzyzx"]
    assert lib.search_results("eigenvalue stretched").unmatched == []
    none = lib.search_results("zzyzx qqxq")
    assert none.hits == [] and none.unmatched == ["zzyzx", "qqxq"]


def test_search_pages_with_offset(lib: Library) -> None:
    lines = [(float(i), f"topic number {i} about vectors") for i in range(25)]
    lib.save_transcript(transcript("vid00000009", lines, title="Many moments"))
    first = lib.search_results("vectors", limit=10)
    second = lib.search_results("vectors", limit=10, offset=10)
    third = lib.search_results("vectors", limit=10, offset=20)
    starts = [h.start for p in (first, second, third) for h in p.hits]
    assert len(starts) == 25 and len(set(starts)) == 25
    assert first.has_more and second.has_more and not third.has_more
    assert [h.start for h in lib.search("vectors", limit=5, offset=5)] == [
        h.start for h in first.hits[5:10]
    ]


def test_a_summary_line_and_the_transcript_line_it_quotes_are_one_hit(lib: Library) -> None:
    seed(lib)
    meta = lib.get_video("vid00000001")
    said = "an eigenvector keeps its direction under the transformation"
    summary = Summary(
        source=SourceRef.of(meta),
        tldr="About eigenvectors.",
        insights=[Insight(emoji="🧭", text=said.capitalize() + ".", start=5.0)],
    )
    lib.save_summary("vid00000001", summary)
    hits = lib.search("direction transformation")
    assert [(h.kind, h.start) for h in hits] == [("summary", 5.0)]
    assert [h.kind for h in lib.search("direction", kinds=["transcript"])] == ["transcript"]


# --- hybrid retrieval and asking the library, on both databases ------------------------------


TALKS = {
    "bees0000001": (
        "How bees make honey",
        [
            "Worker bees collect nectar from flowers all day long.",
            "Back in the hive they fan the nectar with their wings until it thickens into honey.",
            "Each finished cell is capped with wax to keep the honey safe.",
        ],
    ),
    "cars0000001": (
        "Electric cars explained",
        [
            "An electric car stores its energy in a large lithium battery pack.",
            "Regenerative braking turns the motion back into charge when you slow down.",
            "Charging at home overnight is enough for most daily driving.",
        ],
    ),
    "bread000001": (
        "Baking sourdough",
        [
            "A sourdough starter is a culture of wild yeast and bacteria.",
            "Feed the starter with flour and water every day to keep it lively.",
            "A long cold proof in the fridge gives the loaf its sour taste.",
        ],
    ),
}


def seed_talks(lib: Library):  # type: ignore[no-untyped-def]
    from distill.service import Distill

    service = Distill(lib)
    for vid, (title, lines) in TALKS.items():
        segs = [Segment(start=i * 8.0, end=i * 8.0 + 7.5, text=t) for i, t in enumerate(lines)]
        meta = VideoMeta(kind="youtube", id=vid, title=title, channel="Explainers")
        lib.save_transcript(Transcript(meta=meta, language="en", segments=segs))
        service.index(vid)
    return service


def test_ask_the_library_cites_the_right_video_on_each_database(lib: Library) -> None:
    service = seed_talks(lib)
    answer = service.ask_library("How do bees turn nectar into honey?")
    assert answer.found
    assert answer.citations[0].video_id == "bees0000001"
    assert answer.citations[0].title == "How bees make honey"
    assert answer.citations[0].start in {0.0, 8.0, 16.0}
    assert "nectar" in answer.answer.lower()
    # Meaning, not words: no word of this question is in the battery passage.
    by_meaning = service.ask_library("What powers an automobile that needs no petrol?")
    assert by_meaning.found and by_meaning.citations[0].video_id == "cars0000001"
    words_only = service.ask_library(
        "What powers an automobile that needs no petrol?", mode="fulltext"
    )
    assert not words_only.found
    nothing = service.ask_library("Who won the football world cup in 1954?")
    assert not nothing.found and nothing.citations == [] and "Nothing stored" in nothing.answer


def test_highlights_and_notes_are_asked_too(lib: Library) -> None:
    service = seed_talks(lib)
    service.add_highlight(
        "bread000001", 8.0, note="Grandma says rye flour makes the starter bubble faster"
    )
    answer = service.ask_library("What did grandma say about rye flour?")
    assert answer.found and answer.citations[0].video_id == "bread000001"
    hits = service.search("grandma rye")
    assert hits.hits == [] or all(h.video_id == "bread000001" for h in hits.hits)
