"""SQLite search ranks among the newest POOL matches: the same hits as ranking every match below it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from distill.library import Library, backends
from tests.library.test_library import make_summary, make_transcript

WORDS = ["vector", "matrix", "basis", "span", "rotation", "area", "circle", "space", "scalar"]


@pytest.fixture
def sqlite_lib(tmp_path: Path) -> Library:
    lib = Library(f"sqlite:///{tmp_path / 'distill.db'}")
    rng = random.Random(5)
    for n in range(30):
        lines = [(i * 3.0, " ".join(rng.choices(WORDS, k=6))) for i in range(12)]
        t = make_transcript(f"vid{n:08d}", title=f"{rng.choice(WORDS)} talk {n}", lines=lines,
                            channel=["One", "Two"][n % 2])  # fmt: skip
        lib.save_transcript(t)
        lib.save_summary(t.meta.id, make_summary(t.meta, tldr=" ".join(rng.choices(WORDS, k=5))))
    return lib


def searches(lib: Library, pooled: bool) -> list[list[tuple[str, str, float | None, str]]]:
    backend = lib._backend
    assert isinstance(backend, backends.SqliteBackend)
    backend.pooled = pooled
    queries = [*WORDS, "vector matrix", "span circle area", '"basis span"', "nothing here"]
    found = []
    for q in queries:
        for channel in (None, "one"):
            hits = lib.search(q, limit=20, channel_id=channel)
            found.append([(h.video_id, h.kind, h.start, h.snippet) for h in hits])
    return found


def test_pooled_search_equals_the_full_ranking_below_the_pool(sqlite_lib: Library):
    assert searches(sqlite_lib, pooled=True) == searches(sqlite_lib, pooled=False)
    assert any(searches(sqlite_lib, pooled=True))


def test_above_the_pool_only_the_newest_matches_compete(sqlite_lib, monkeypatch):
    monkeypatch.setattr(backends, "POOL", 5)
    hits = sqlite_lib.search("vector", limit=50, kinds=["transcript"])
    with sqlite_lib.engine.connect() as conn:
        newest = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT s.start, t.video_id FROM segment_fts JOIN segments s ON s.id = segment_fts.rowid "
                "JOIN transcripts t ON t.id = s.transcript_id "
                "WHERE segment_fts MATCH '\"vector\"' ORDER BY segment_fts.rowid DESC LIMIT 5"
            )
        ]
    assert len(hits) == 5 and sorted(h.start for h in hits) == sorted(newest)


def _passage_searches(lib: Library, pooled: bool) -> list[list[tuple[int, float]]]:
    backend = lib._backend
    assert isinstance(backend, backends.SqliteBackend)
    backend.pooled = pooled
    queries = [*WORDS, "vector matrix", "span circle area", '"basis span"', "nothing here"]
    return [lib.search_passage_words(q, limit=40, any_term=False) for q in queries]


def test_pooled_passage_search_equals_the_full_ranking_below_the_pool(sqlite_lib: Library):
    from distill.library.vectors import PassageIn

    rng = random.Random(9)
    for video_id in sqlite_lib.video_ids():
        items = [
            PassageIn("transcript", i * 10.0, i * 10.0 + 9, " ".join(rng.choices(WORDS, k=12)))
            for i in range(6)
        ]
        sqlite_lib.replace_passages(video_id, items)
    assert _passage_searches(sqlite_lib, pooled=True) == _passage_searches(sqlite_lib, pooled=False)
    assert any(_passage_searches(sqlite_lib, pooled=True))


def test_above_the_pool_only_the_newest_passages_compete(sqlite_lib, monkeypatch):
    from distill.library.vectors import PassageIn

    for video_id in sqlite_lib.video_ids():
        sqlite_lib.replace_passages(video_id, [PassageIn("transcript", 0.0, 5.0, "vector talk")])
    monkeypatch.setattr(backends, "POOL", 5)
    found = sqlite_lib.search_passage_words("vector", limit=50, any_term=False)
    with sqlite_lib.engine.connect() as conn:
        newest = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT rowid FROM passage_fts WHERE passage_fts MATCH '\"vector\"' "
                "ORDER BY rowid DESC LIMIT 5"
            )
        ]
    assert sorted(pid for pid, _ in found) == sorted(newest)


def test_a_search_filtered_afterwards_ranks_every_passage(sqlite_lib, monkeypatch):
    from distill.library.vectors import PassageIn

    for video_id in sqlite_lib.video_ids():
        sqlite_lib.replace_passages(video_id, [PassageIn("transcript", 0.0, 5.0, "vector talk")])
    monkeypatch.setattr(backends, "POOL", 5)
    everything = sqlite_lib.search_passage_words("vector", limit=50, everywhere=False)
    assert len(everything) == len(sqlite_lib.video_ids())  # the oldest too, for one channel's
