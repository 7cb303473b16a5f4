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
