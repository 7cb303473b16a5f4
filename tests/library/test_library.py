"""The library against real databases: every test runs on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from distill.domain import (
    QA,
    Chapter,
    Insight,
    Segment,
    SourceRef,
    Summary,
    Takeaway,
    Transcript,
    VideoMeta,
)
from distill.errors import LibraryError, NotFoundError
from distill.library import ChannelInfo, Library, SearchHit, highlight_parts
from distill.library.store import HEAD_REVISION, MIGRATIONS_DIR

SEARCH_PREFIXES = (
    "segment_fts_",
    "summary_item_fts_",
    "title_fts_",
    "highlight_fts_",
    "passage_fts_",
    "ix_highlights_tsv",
    "ix_passages_tsv",
    "ix_segments_tsv",
    "ix_summary_items_tsv",
    "ix_videos_title_tsv",
)
TABLES = ("channels", "videos", "transcripts", "segments", "summaries", "summary_items", "jobs")


def make_transcript(
    video_id: str = "vid00000001",
    *,
    title: str = "Vectors, what even are they?",
    channel: str | None = "Math Channel",
    lines: list[tuple[float | None, str]] | None = None,
    language: str | None = "en",
) -> Transcript:
    meta = VideoMeta(
        kind="youtube",
        id=video_id,
        url=f"https://www.youtube.com/watch?v={video_id}",
        title=title,
        channel=channel,
        duration=600.0,
        language=language,
        upload_date="2016-08-06",
        view_count=12345,
        chapters=[Chapter(title="Intro", start=0.0)],
    )
    lines = (
        lines if lines is not None else [(0.0, "hello and welcome"), (4.5, "a vector is an arrow")]
    )
    segments = [
        Segment(start=start, end=None if start is None else start + 2.0, text=text)
        for start, text in lines
    ]
    return Transcript(meta=meta, language=language, origin="manual", segments=segments)


def make_summary(
    meta: VideoMeta,
    *,
    language: str = "en",
    model: str = "builtin",
    tldr: str = "A short tour of vectors.",
) -> Summary:
    return Summary(
        source=SourceRef.of(meta),
        model=model,
        language=language,
        tldr=tldr,
        insights=[Insight(emoji="🧭", text="Vectors are arrows rooted at the origin", start=42.0)],
        qa=[QA(question="What is a basis?", answer="Two independent vectors", start=99.5)],
        takeaways=[Takeaway(text="Think geometrically", start=None)],
        chapters=[Chapter(title="Coordinates", start=120.0)],
    )


def row_counts(lib: Library) -> dict[str, int]:
    with lib.engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


# --- schema ---------------------------------------------------------------------------------


def test_migrations_create_schema_and_reopen_is_idempotent(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION

    lib = Library(db_url)
    lib.save_transcript(make_transcript())
    with lib.engine.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            == HEAD_REVISION
        )
        names = set(sa.inspect(conn).get_table_names())
        if lib.dialect == "sqlite":
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
            assert {"segment_fts", "title_fts", "summary_item_fts"} <= names
        else:
            cols = {c["name"] for c in sa.inspect(conn).get_columns("segments")}
            assert "tsv" in cols
    assert set(TABLES) <= names
    lib.close()

    # Running the migrations again (directly, and by reopening) changes nothing and keeps data.
    again = Library(db_url)
    with again.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert again.count_videos() == 1
    assert again.search("arrow")[0].video_id == "vid00000001"
    again.close()


def test_schema_from_a_newer_distill_is_refused(db_url: str) -> None:
    with Library(db_url) as lib, lib.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(LibraryError, match="upgrade distill"):
        Library(db_url)


def test_tables_match_the_migrations(lib: Library) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from distill.library.schema import SEARCH_OBJECTS, metadata

    def include(obj: object, name: str | None, type_: str, *_: object) -> bool:
        return not (name in SEARCH_OBJECTS or (name or "").startswith(SEARCH_PREFIXES))

    with lib.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include})
        assert compare_metadata(ctx, metadata) == []


def test_downgrade_and_upgrade_again(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    lib = Library(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with lib.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    with lib.engine.connect() as conn:
        assert "videos" not in sa.inspect(conn).get_table_names()
    lib.close()
    with Library(db_url) as again:
        again.save_transcript(make_transcript())
        assert [h.start for h in again.search("arrow")] == [4.5]


def test_concurrent_first_opens_migrate_once(db_url: str) -> None:
    opened: list[Library] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            opened.append(Library(db_url))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        with opened[0].engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        assert [v[0] for v in versions] == [HEAD_REVISION]
    finally:
        for lib in opened:
            lib.close()


def test_default_url_is_sqlite_in_data_dir(distill_home: Path) -> None:
    with Library() as lib:
        lib.save_transcript(make_transcript())
        assert lib.dialect == "sqlite"
    assert (distill_home / "distill.db").exists()


def test_in_memory_sqlite_is_one_database_for_all_threads() -> None:
    with Library("sqlite://") as lib:
        lib.save_transcript(make_transcript())
        found: list[float | None] = []
        t = threading.Thread(target=lambda: found.extend(h.start for h in lib.search("arrow")))
        t.start()
        t.join()
        assert found == [4.5]


def test_bad_urls_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="not supported"):
        Library("oracle://scott:tiger@localhost/x")
    with pytest.raises(LibraryError, match="not valid"):
        Library("::not a url::")
    with pytest.raises(LibraryError, match="cannot open the library"):
        Library(f"sqlite:///{tmp_path}")  # a directory, not a file
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LibraryError, match="cannot open the library"):
        Library(f"sqlite:///{garbage}")
    port = 1  # nothing listens there
    with pytest.raises(LibraryError, match="cannot open the library") as err:
        Library(f"postgresql://me:s3cret@127.0.0.1:{port}/db")
    assert "s3cret" not in str(err.value)


# --- videos and transcripts ----------------------------------------------------------------


def test_save_and_get_round_trip(lib: Library) -> None:
    tr = make_transcript(
        lines=[
            (0.0, "Grüße aus Köln — naïve café"),
            (None, "日本語のテキスト and emoji 🎉🚀"),
            (3.25, "quotes \"double\" and 'single' -dash col:on"),
        ],
    )
    tr.segments[1].speaker = "Narrator"
    assert lib.save_transcript(tr) == tr.meta.id
    assert lib.has_video(tr.meta.id)
    assert not lib.has_video("nope")

    meta = lib.get_video(tr.meta.id)
    assert meta.title == tr.meta.title
    assert meta.channel == "Math Channel"
    assert meta.channel_id  # derived from the channel name when the source has none
    assert meta.chapters == tr.meta.chapters
    assert meta.view_count == 12345

    back = lib.get_transcript(tr.meta.id)
    assert back.language == "en"
    assert back.origin == "manual"
    assert back.segments == tr.segments
    assert back.segments[1].start is None and back.segments[1].end is None
    assert lib.get_transcript(tr.meta.id, language="en").segments == tr.segments


def test_reingest_updates_and_never_duplicates(lib: Library) -> None:
    first = make_transcript(lines=[(0.0, "alpha one"), (1.0, "beta two"), (2.0, "gamma three")])
    lib.save_transcript(first)
    second = make_transcript(
        title="Renamed video", lines=[(0.0, "delta four"), (5.0, "alpha five")]
    )
    lib.save_transcript(second)
    lib.save_transcript(second)

    counts = row_counts(lib)
    assert counts["videos"] == 1
    assert counts["transcripts"] == 1
    assert counts["segments"] == 2
    assert counts["channels"] == 1
    assert lib.get_video(first.meta.id).title == "Renamed video"
    assert [s.text for s in lib.get_transcript(first.meta.id).segments] == [
        "delta four",
        "alpha five",
    ]
    assert lib.search("gamma") == []
    assert [h.start for h in lib.search("alpha")] == [5.0]
    titles = [h for h in lib.search("renamed") if h.kind == "title"]
    assert len(titles) == 1
    # Moving the video to another channel leaves no empty channel behind.
    lib.save_transcript(make_transcript(title="Renamed video", channel="New Home"))
    assert [(c.name, c.video_count) for c in lib.list_channels()] == [("New Home", 1)]


def test_transcripts_in_several_languages(lib: Library) -> None:
    lib.save_transcript(make_transcript(lines=[(0.0, "hello world")], language="en"))
    de = make_transcript(lines=[(0.0, "hallo welt")], language="de")
    lib.save_transcript(de)
    assert row_counts(lib)["transcripts"] == 2
    assert lib.get_transcript("vid00000001", language="de").segments[0].text == "hallo welt"
    assert sorted(lib.transcript_languages("vid00000001")) == ["de", "en"]
    with pytest.raises(NotFoundError, match="no transcript"):
        lib.get_transcript("vid00000001", language="fr")


def _install_poison_trigger(lib: Library) -> None:
    """A real database rule that rejects one segment text, so a save fails half-way through."""
    with lib.engine.begin() as conn:
        if lib.dialect == "sqlite":
            conn.execute(
                sa.text(
                    "CREATE TRIGGER reject_poison BEFORE INSERT ON segments "
                    "WHEN NEW.text = 'POISON' BEGIN SELECT RAISE(ABORT, 'poisoned segment'); END"
                )
            )
        else:
            conn.execute(
                sa.text(
                    "CREATE FUNCTION reject_poison() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.text = 'POISON' THEN RAISE EXCEPTION 'poisoned segment'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                sa.text(
                    "CREATE TRIGGER reject_poison BEFORE INSERT ON segments "
                    "FOR EACH ROW EXECUTE FUNCTION reject_poison()"
                )
            )


def test_failed_save_leaves_library_exactly_as_it_was(lib: Library) -> None:
    lib.save_transcript(make_transcript(lines=[(0.0, "pristine words"), (1.0, "stay here")]))
    lib.save_summary("vid00000001", make_summary(lib.get_video("vid00000001")))
    _install_poison_trigger(lib)
    before = row_counts(lib)

    # Re-ingest that fails after the channel, video and old segments were already touched.
    bad = make_transcript(
        title="New title",
        channel="Other Channel",
        lines=[(0.0, "replacement words"), (1.0, "POISON"), (2.0, "never stored")],
    )
    with pytest.raises(LibraryError, match="left unchanged"):
        lib.save_transcript(bad)
    # A brand-new video that fails the same way.
    with pytest.raises(LibraryError):
        lib.save_transcript(
            make_transcript("vid00000002", channel="Third", lines=[(0.0, "POISON")])
        )

    assert row_counts(lib) == before
    assert lib.get_video("vid00000001").title == "Vectors, what even are they?"
    assert [s.text for s in lib.get_transcript("vid00000001").segments] == [
        "pristine words",
        "stay here",
    ]
    assert not lib.has_video("vid00000002")
    assert [c.name for c in lib.list_channels()] == ["Math Channel"]
    assert lib.search("replacement") == []
    assert lib.search("pristine")[0].start == 0.0


# --- search -----------------------------------------------------------------------------------


def _seed(lib: Library) -> None:
    lib.save_transcript(
        make_transcript(
            "vid00000001",
            title="Linear transformations",
            channel="Math Channel",
            lines=[
                (0.0, "welcome back"),
                (12.5, "a linear transformation keeps grid lines parallel"),
                (30.0, "the determinant measures how areas scale"),
                (45.0, "matrices describe transformations"),
            ],
        )
    )
    lib.save_transcript(
        make_transcript(
            "vid00000002",
            title="Cooking pasta",
            channel="Kitchen",
            lines=[
                (1.0, "boil the water"),
                (7.75, "add salt then the pasta"),
                (20.0, "linear noodles"),
            ],
        )
    )


def test_search_returns_segment_hits_with_time_and_highlight(lib: Library) -> None:
    _seed(lib)
    hits = lib.search("determinant")
    assert len(hits) == 1
    hit = hits[0]
    assert isinstance(hit, SearchHit)
    assert (hit.video_id, hit.kind, hit.start) == ("vid00000001", "transcript", 30.0)
    assert hit.title == "Linear transformations"
    assert hit.channel == "Math Channel"
    assert "\x02determinant\x03" in hit.snippet
    assert highlight_parts(hit.snippet) == [
        ("the ", False),
        ("determinant", True),
        (" measures how areas scale", False),
    ]
    # Stemming: "transformation" finds "transformations" and the title.
    kinds = {(h.video_id, h.kind, h.start) for h in lib.search("transformation")}
    assert ("vid00000001", "title", None) in kinds
    assert ("vid00000001", "transcript", 12.5) in kinds
    assert ("vid00000001", "transcript", 45.0) in kinds


def test_search_ranking_and_terms(lib: Library) -> None:
    _seed(lib)
    hits = lib.search("linear")
    # The moments rank first and the title match after them; ranks are non-increasing.
    assert [h.kind for h in hits] == ["transcript", "transcript", "title"]
    assert hits[-1].video_id == "vid00000001"
    assert [h.rank for h in hits] == sorted((h.rank for h in hits), reverse=True)
    assert {(h.video_id, h.start) for h in hits if h.kind == "transcript"} == {
        ("vid00000001", 12.5),
        ("vid00000002", 20.0),
    }
    # All words must match in one place...
    both = lib.search("salt pasta")
    assert [(h.video_id, h.start) for h in both if h.kind == "transcript"] == [
        ("vid00000002", 7.75)
    ]
    # ...unless nothing has them all: then any word will do.
    either = lib.search("determinant water")
    assert {h.start for h in either} == {30.0, 1.0}
    # Quoted phrases keep word order.
    assert [h.start for h in lib.search('"grid lines"')] == [12.5]
    assert lib.search('"lines grid"') == []
    assert len(lib.search("transformation", limit=1)) == 1
    only = lib.search("transformation", kinds={"transcript"})
    assert [h.start for h in only] and {h.kind for h in only} == {"transcript"}
    assert [h.kind for h in lib.search("transformation", kinds=["title"])] == ["title"]
    assert lib.search("transformation", kinds=[]) == []


def test_title_hits_never_push_the_moments_down(lib: Library) -> None:
    for i in range(8):
        lib.save_transcript(
            make_transcript(f"vid0000001{i}", title=f"Linear part {i}", lines=[(i, "linear again")])
        )
    hits = lib.search("linear", limit=12)
    assert [h.kind for h in hits] == ["transcript"] * 8 + ["title"] * 4
    assert len(lib.search("linear", limit=12, kinds=["title"])) == 8
    page = lib.search_results("linear", limit=5)
    assert [h.kind for h in page.hits] == ["transcript"] * 5 and page.has_more
    assert len(page.titles) == 5 and {t.kind for t in page.titles} == {"title"}


def test_search_channel_filter(lib: Library) -> None:
    _seed(lib)
    kitchen = lib.get_video("vid00000002").channel_id
    assert kitchen is not None
    hits = lib.search("linear", channel_id=kitchen)
    assert [(h.video_id, h.start) for h in hits] == [("vid00000002", 20.0)]
    assert lib.search("determinant", channel_id=kitchen) == []


HOSTILE_QUERIES = [
    '"', '""', "AND (", "(", ")", "*", "-", "-foo", "col:x", "^", "NEAR(", "OR", "a AND",
    "'; DROP TABLE videos; --", "🎉", "🎉🚀 ✨", "\x00", "\\", "{}[]", "&&||!", ":", "NOT",
    "text:", "   ", "", "foo:bar:baz", "'", "a'b", "!vector", "<->", "vector & | !", "x" * 5000,
]  # fmt: skip
WRAPPED_WORD = ["-determinant", "determinant*", "col:determinant", '"determinant', "(determinant)",
                "DETERMINANT!!", "determinant AND (", "NOT determinant", "determinant:"]  # fmt: skip


def test_hostile_queries_never_crash(lib: Library) -> None:
    _seed(lib)
    for query in HOSTILE_QUERIES:
        hits = lib.search(query)
        assert all(h.video_id in {"vid00000001", "vid00000002"} for h in hits), query
    # Syntax-only queries find nothing; syntax around a word is ignored.
    for query in ['"', "AND (", "*", "-", "col:", "🎉", "&&||!", "   ", ""]:
        assert lib.search(query) == [], query
    for query in WRAPPED_WORD:
        assert [h.start for h in lib.search(query)] == [30.0], query
    assert lib.count_videos() == 2


def test_search_finds_unicode_words(lib: Library) -> None:
    lib.save_transcript(make_transcript(lines=[(2.0, "Grüße aus Köln"), (9.0, "日本語 テキスト")]))
    assert [h.start for h in lib.search("köln")] == [2.0]
    assert [h.start for h in lib.search("日本語")] == [9.0]
    assert lib.search("🎉") == []


# --- summaries ------------------------------------------------------------------------------


def test_summaries_upsert_per_language_and_model(lib: Library) -> None:
    lib.save_transcript(make_transcript())
    meta = lib.get_video("vid00000001")
    lib.save_summary(meta.id, make_summary(meta, tldr="Original overview of spaces."))
    lib.save_summary(meta.id, make_summary(meta, model="openai:gpt-4o-mini", tldr="LLM overview."))
    lib.save_summary(meta.id, make_summary(meta, language="de", tldr="Deutsche Übersicht."))
    lib.save_summary(meta.id, make_summary(meta, tldr="Revised overview of planes."))

    assert row_counts(lib)["summaries"] == 3
    assert lib.summary_languages(meta.id) == ["de", "en"]
    got = lib.get_summary(meta.id, language="en", model="builtin")
    assert got is not None and got.tldr == "Revised overview of planes."
    assert got.insights[0].start == 42.0 and got.qa[0].answer == "Two independent vectors"
    latest = lib.get_summary(meta.id)
    assert latest is not None and latest.tldr == "Revised overview of planes."
    llm = lib.get_summary(meta.id, model="openai:gpt-4o-mini")
    assert llm is not None and llm.tldr == "LLM overview."
    assert lib.get_summary(meta.id, language="fr") is None
    assert lib.get_summary("missing") is None

    # Summary items are searchable with their own timestamps; replaced text is gone.
    hits = [h for h in lib.search("origin") if h.kind == "summary"]
    assert [(h.video_id, h.start) for h in hits] == [(meta.id, 42.0)]
    assert [h.kind for h in lib.search("planes")] == ["summary"]
    assert lib.search("spaces") == []
    with pytest.raises(NotFoundError):
        lib.save_summary("missing", make_summary(meta))


# --- listing and deleting -------------------------------------------------------------------


def test_list_count_and_channels(lib: Library) -> None:
    for i in range(5):
        channel = "Alpha" if i % 2 == 0 else "beta"
        lib.save_transcript(make_transcript(f"vid0000000{i}", title=f"Video {i}", channel=channel))
    lib.save_transcript(make_transcript("vid00000009", title="No channel", channel=None))

    assert lib.count_videos() == 6
    ids = [v.id for v in lib.list_videos()]
    assert ids[0] == "vid00000009" and ids[-1] == "vid00000000"  # newest first
    assert [v.id for v in lib.list_videos(limit=2, offset=1)] == ids[1:3]
    channels = lib.list_channels()
    assert [(c.name, c.video_count) for c in channels] == [("Alpha", 3), ("beta", 2)]
    alpha = channels[0]
    assert lib.get_channel(alpha.id) == ChannelInfo(id=alpha.id, name="Alpha", video_count=3)
    assert lib.count_videos(channel_id=alpha.id) == 3
    assert {v.id for v in lib.list_videos(channel_id=alpha.id)} == {
        "vid00000000",
        "vid00000002",
        "vid00000004",
    }
    with pytest.raises(NotFoundError):
        lib.get_channel("nope")


def test_delete_cascades_everywhere(lib: Library) -> None:
    _seed(lib)
    meta = lib.get_video("vid00000001")
    lib.save_summary(meta.id, make_summary(meta))
    lib.delete_video(meta.id)

    assert not lib.has_video(meta.id)
    with pytest.raises(NotFoundError):
        lib.get_video(meta.id)
    with pytest.raises(NotFoundError):
        lib.get_transcript(meta.id)
    assert lib.get_summary(meta.id) is None
    assert lib.search("determinant") == []
    assert lib.search("origin") == []
    assert all(h.video_id == "vid00000002" for h in lib.search("linear"))
    counts = row_counts(lib)
    assert counts == {
        **counts,
        "videos": 1,
        "transcripts": 1,
        "segments": 3,
        "summaries": 0,
        "summary_items": 0,
    }
    assert [c.name for c in lib.list_channels()] == ["Kitchen"]
    with pytest.raises(NotFoundError):
        lib.delete_video(meta.id)
    # Saving it again afterwards works from scratch.
    lib.save_transcript(make_transcript("vid00000001"))
    assert [h.start for h in lib.search("arrow")] == [4.5]


def test_concurrent_saves_of_one_video_never_duplicate(db_url: str) -> None:
    libs = [Library(db_url) for _ in range(3)]
    errors: list[BaseException] = []

    def save(lib: Library, n: int) -> None:
        try:
            for i in range(4):
                lines = [(float(k), f"take {n} line {k}") for k in range(i + 2)]
                lib.save_transcript(make_transcript("vid00000007", lines=lines))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    try:
        # Two threads per Library: one engine shared by threads, and several engines at once.
        threads = [
            threading.Thread(target=save, args=(lib, n)) for n, lib in enumerate(libs + libs)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        counts = row_counts(libs[0])
        assert (counts["videos"], counts["transcripts"], counts["segments"]) == (1, 1, 5)
        assert len(libs[0].search("line")) == 5
    finally:
        for lib in libs:
            lib.close()


def test_long_segments_get_a_short_snippet_around_the_match(lib: Library) -> None:
    filler = " ".join(f"word{i}" for i in range(150))
    text = f"{filler} the needle is here {filler}"
    lib.save_transcript(make_transcript(lines=[(61.0, text)]))
    (hit,) = lib.search("needle")
    assert hit.start == 61.0
    assert "\x02needle\x03" in hit.snippet
    assert len(hit.snippet.split()) <= 60 < len(text.split())
