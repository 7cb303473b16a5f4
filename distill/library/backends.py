"""Per-database behaviour (connection setup, upserts, full-text search), one registered class each."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from distill.errors import LibraryError
from distill.library.models import MATCH_END, MATCH_START, SearchHit
from distill.library.query import ParsedQuery, words

HitKind = Literal["transcript", "title", "summary"]
KINDS: tuple[HitKind, ...] = ("title", "summary", "transcript")
# Scores of different tables are not comparable, so hits are tiered: summary lines, then
# transcript moments, each tier ordered by its own bm25 / ts_rank score; titles come last, so
# a word in many titles never pushes the moments it is said at off the page.
KIND_TIER: dict[str, float] = {"summary": 2.0, "transcript": 1.0, "title": 0.0}
# A summary line and a transcript moment of one video this close in time, sharing most words,
# are the same moment (the summary quotes the transcript): it is listed once.
SAME_MOMENT_SECONDS = 20.0
SAME_MOMENT_WORDS = 0.6

BACKENDS: dict[str, type[Backend]] = {}


def register(cls: type[Backend]) -> type[Backend]:
    """Class decorator: make a backend available for its SQLAlchemy dialect name."""
    BACKENDS[cls.dialect] = cls
    return cls


def backend_for(dialect: str) -> Backend:
    """The backend for a dialect name, or a LibraryError naming the supported databases."""
    try:
        return BACKENDS[dialect]()
    except KeyError:
        supported = ", ".join(sorted(BACKENDS))
        raise LibraryError(
            f"the database type {dialect!r} is not supported; "
            f"set DISTILL_DATABASE_URL to a {supported} URL."
        ) from None


class Backend(ABC):
    """What differs between databases; everything else in the library is plain SQLAlchemy Core."""

    dialect: ClassVar[str]

    def setup(self, engine: Engine) -> None:
        """Hook connection events (pragmas, transaction mode) onto a new engine."""
        return None

    def lock_for_migration(self, conn: Connection) -> None:
        """Serialize concurrent migrations of the same database."""
        return None

    @abstractmethod
    def insert(self, table: sa.Table) -> Any:
        """An INSERT construct that supports on_conflict_do_update/on_conflict_do_nothing."""

    @abstractmethod
    def execute(
        self,
        conn: Connection,
        kind: HitKind,
        query: ParsedQuery,
        *,
        any_term: bool,
        limit: int,
        channel_id: str | None,
    ) -> list[SearchHit]:
        """Run one full-text search over one kind of text; best hits first."""

    @abstractmethod
    def search_highlights(
        self, conn: Connection, query: ParsedQuery, *, limit: int, any_term: bool = False
    ) -> list[tuple[int, float]]:
        """(highlight id, score) of highlights matching every (or any) word; best first."""

    @abstractmethod
    def search_passages(
        self,
        conn: Connection,
        query: ParsedQuery,
        *,
        limit: int,
        any_term: bool,
        pooled: bool = True,
    ) -> list[tuple[int, float]]:
        """(passage id, score) of passages matching every (or any) word; best first (`pooled`:
        among the newest matches where the backend pools, see POOL)."""

    def search(
        self,
        conn: Connection,
        query: ParsedQuery,
        *,
        limit: int,
        channel_id: str | None,
        kinds: Sequence[HitKind] = KINDS,
        offset: int = 0,
    ) -> list[SearchHit]:
        """Search titles, summaries and transcripts; all words first, any word if that finds none."""
        hits, _ = self.search_all_or_any(
            conn, query, limit=limit + offset, channel_id=channel_id, kinds=kinds
        )
        return hits[offset : offset + limit]

    def search_all_or_any(
        self,
        conn: Connection,
        query: ParsedQuery,
        *,
        limit: int,
        channel_id: str | None,
        kinds: Sequence[HitKind] = KINDS,
        any_word: bool = True,
    ) -> tuple[list[SearchHit], bool]:
        """The best `limit` hits, and whether only some words matched (any word, not all).

        Without `any_word` nothing is searched when no one place has every word (the caller
        looks elsewhere); the flag still says so."""
        hits: list[SearchHit] = []
        for any_term in (False, True):
            if any_term and (hits or len(query.terms) < 2):
                break
            if any_term and not any_word:
                return [], True
            hits = self._search_all(
                conn, query, any_term=any_term, limit=limit, channel_id=channel_id, kinds=kinds
            )
            if any_term:
                return hits, True
        return hits, False

    @abstractmethod
    def found_anywhere(self, conn: Connection, query: ParsedQuery) -> bool:
        """Whether every word of the query is in some one title, summary line or transcript line."""

    def unmatched(self, conn: Connection, query: ParsedQuery) -> list[str]:
        """The terms of the query found nowhere in the library (no title, summary or transcript)."""
        return [
            query.shown(term)
            for term in query.terms
            if not self.found_anywhere(conn, query.only(term))
        ]

    def _search_all(
        self,
        conn: Connection,
        query: ParsedQuery,
        *,
        any_term: bool,
        limit: int,
        channel_id: str | None,
        kinds: Sequence[HitKind],
    ) -> list[SearchHit]:
        hits: list[SearchHit] = []
        for kind in [k for k in KINDS if k in kinds]:
            found = self.execute(
                conn, kind, query, any_term=any_term, limit=limit, channel_id=channel_id
            )
            if kind == "summary":
                found = _best_per_video(found)
            hits.extend(h.model_copy(update={"rank": _tiered(kind, h.rank)}) for h in found)
        hits.sort(key=lambda h: h.rank, reverse=True)
        return _one_per_moment(hits)[:limit]


def _plain_words(snippet: str) -> set[str]:
    return set(words(snippet.replace(MATCH_START, "").replace(MATCH_END, "")))


def _one_per_moment(hits: list[SearchHit]) -> list[SearchHit]:
    """Drop a transcript moment that a better-ranked summary line of its video already quotes."""
    summaries = [h for h in hits if h.kind == "summary" and h.start is not None]
    if not summaries:
        return hits
    said = [(h, _plain_words(h.snippet)) for h in summaries]
    out = []
    for h in hits:
        if h.kind == "transcript" and h.start is not None:
            mine = _plain_words(h.snippet)
            if mine and any(
                s.video_id == h.video_id
                and abs((s.start or 0.0) - h.start) <= SAME_MOMENT_SECONDS
                and len(mine & ws) >= SAME_MOMENT_WORDS * len(mine)
                for s, ws in said
            ):
                continue
        out.append(h)
    return out


def _tiered(kind: HitKind, score: float) -> float:
    """A rank that orders by tier first and by score within it: tier + score/(1+score)."""
    score = max(score, 0.0)
    return KIND_TIER[kind] + score / (1.0 + score)


def _best_per_video(hits: list[SearchHit]) -> list[SearchHit]:
    """Keep one summary hit per video (summaries in several languages say the same thing)."""
    seen: set[str] = set()
    out = []
    for h in hits:
        if h.video_id not in seen:
            seen.add(h.video_id)
            out.append(h)
    return out


def _hit(kind: HitKind, row: Any, rank: float) -> SearchHit:
    return SearchHit(
        video_id=row.video_id,
        title=row.title,
        channel=row.channel,
        kind=kind,
        start=row.start,
        snippet=row.snippet or "",
        rank=rank,
    )


# --- SQLite -------------------------------------------------------------------------------

_SQLITE_SEARCH = {
    "transcript": """
        SELECT t.video_id AS video_id, v.title AS title, c.name AS channel, s.start AS start,
               snippet(segment_fts, 0, char(2), char(3), '…', 48) AS snippet,
               bm25(segment_fts) AS score
        FROM segment_fts
        JOIN segments s ON s.id = segment_fts.rowid
        JOIN transcripts t ON t.id = s.transcript_id
        JOIN videos v ON v.id = t.video_id
        LEFT JOIN channels c ON c.id = v.channel_id
        WHERE segment_fts MATCH :q {channel}
        ORDER BY score, s.id LIMIT :limit""",
    "summary": """
        SELECT sm.video_id AS video_id, v.title AS title, c.name AS channel, si.start AS start,
               snippet(summary_item_fts, 0, char(2), char(3), '…', 48) AS snippet,
               bm25(summary_item_fts) AS score
        FROM summary_item_fts
        JOIN summary_items si ON si.id = summary_item_fts.rowid
        JOIN summaries sm ON sm.id = si.summary_id
        JOIN videos v ON v.id = sm.video_id
        LEFT JOIN channels c ON c.id = v.channel_id
        WHERE summary_item_fts MATCH :q {channel}
        ORDER BY score, si.id LIMIT :limit""",
    "title": """
        SELECT v.id AS video_id, v.title AS title, c.name AS channel, NULL AS start,
               highlight(title_fts, 0, char(2), char(3)) AS snippet,
               bm25(title_fts) AS score
        FROM title_fts
        JOIN videos v ON v.id = title_fts.video_id
        LEFT JOIN channels c ON c.id = v.channel_id
        WHERE title_fts MATCH :q {channel}
        ORDER BY score, v.id LIMIT :limit""",
}


# Without a channel filter, transcript and summary hits are ranked among the newest POOL rows
# that match: bm25 for every one of 30,000 segments saying "vector" (2,000 videos) took
# 180-500 ms; for the newest 2,000 it takes a tenth of that. Below POOL matches the hits are
# exactly the full ranking's (tests/library/test_search_pool.py checks it).
POOL = 2000
_SQLITE_POOLED = {
    "transcript": ("segment_fts", "segments s ON s.id = top.id "
                   "JOIN transcripts t ON t.id = s.transcript_id JOIN videos v ON v.id = t.video_id",
                   "t.video_id", "s.start"),
    "summary": ("summary_item_fts", "summary_items si ON si.id = top.id "
                "JOIN summaries sm ON sm.id = si.summary_id JOIN videos v ON v.id = sm.video_id",
                "sm.video_id", "si.start"),
}  # fmt: skip
_POOLED_SQL = """
    WITH pool AS (SELECT rowid AS id, bm25({fts}) AS score FROM {fts}
                  WHERE {fts} MATCH :q ORDER BY rowid DESC LIMIT :pool),
    top AS (SELECT id, score FROM pool ORDER BY score, id LIMIT :limit)
    SELECT {video} AS video_id, v.title AS title, c.name AS channel, {start} AS start,
           snippet({fts}, 0, char(2), char(3), '…', 48) AS snippet, top.score AS score
    FROM top JOIN {fts} ON {fts}.rowid = top.id
    JOIN {join}
    LEFT JOIN channels c ON c.id = v.channel_id
    WHERE {fts} MATCH :q
    ORDER BY top.score, top.id"""


_ALL_PASSAGES = """
    SELECT rowid AS id, bm25(passage_fts) AS score FROM passage_fts
    WHERE passage_fts MATCH :q ORDER BY score, rowid LIMIT :limit"""
_POOLED_PASSAGES = """
    WITH pool AS (SELECT rowid AS id, bm25(passage_fts) AS score FROM passage_fts
                  WHERE passage_fts MATCH :q ORDER BY rowid DESC LIMIT :pool)
    SELECT id, score FROM pool ORDER BY score, id LIMIT :limit"""


def sqlite_search_sql(kind: HitKind, *, channel: bool, pooled: bool) -> str:
    """The SQL of one SQLite search: pooled (see POOL) or the full ranking (the reference)."""
    if pooled and not channel and kind in _SQLITE_POOLED:
        fts, join, video, start = _SQLITE_POOLED[kind]
        return _POOLED_SQL.format(fts=fts, join=join, video=video, start=start)
    return _SQLITE_SEARCH[kind].format(channel="AND v.channel_id = :channel_id" if channel else "")


@register
class SqliteBackend(Backend):
    """SQLite file: WAL, foreign keys, write transactions that take the lock up front; FTS5."""

    dialect = "sqlite"
    pooled = True  # False: every match ranked (the reference the pooled search is tested against)

    def setup(self, engine: Engine) -> None:
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event below decide how each transaction starts.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL may need to wait
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # A writer takes the write lock at BEGIN, so it never fails half-way on a busy database.
            write = conn.get_execution_options().get("distill_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    def insert(self, table: sa.Table) -> Any:
        from sqlalchemy.dialects.sqlite import insert

        return insert(table)

    def execute(
        self,
        conn: Connection,
        kind: HitKind,
        query: ParsedQuery,
        *,
        any_term: bool,
        limit: int,
        channel_id: str | None,
    ) -> list[SearchHit]:
        sql = sqlite_search_sql(kind, channel=channel_id is not None, pooled=self.pooled)
        params = {"q": query.fts5(any_term=any_term), "limit": limit, "channel_id": channel_id}
        params["pool"] = POOL
        rows = conn.execute(sa.text(sql), params).all()
        # bm25() is lower-is-better; flip it so every backend ranks higher-is-better.
        return [_hit(kind, row, -float(row.score)) for row in rows]

    def search_highlights(
        self, conn: Connection, query: ParsedQuery, *, limit: int, any_term: bool = False
    ) -> list[tuple[int, float]]:
        sql = (
            "SELECT rowid AS id, bm25(highlight_fts) AS score FROM highlight_fts "
            "WHERE highlight_fts MATCH :q ORDER BY score, rowid LIMIT :limit"
        )
        rows = conn.execute(sa.text(sql), {"q": query.fts5(any_term=any_term), "limit": limit})
        return [(int(r.id), -float(r.score)) for r in rows]

    def found_anywhere(self, conn: Connection, query: ParsedQuery) -> bool:
        sql = " OR ".join(
            f"EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH :q)"
            for table in ("segment_fts", "summary_item_fts", "title_fts")
        )
        return bool(conn.execute(sa.text(f"SELECT {sql}"), {"q": query.fts5()}).scalar())

    def search_passages(
        self,
        conn: Connection,
        query: ParsedQuery,
        *,
        limit: int,
        any_term: bool,
        pooled: bool = True,
    ) -> list[tuple[int, float]]:
        # Pooled like the moments (see POOL): bm25 of all 14,000 passages saying "matrix" (2,000
        # videos) took 13 ms, of the newest 2,000 a seventh of that.
        sql = _POOLED_PASSAGES if self.pooled and pooled else _ALL_PASSAGES
        params = {"q": query.fts5(any_term=any_term), "limit": limit, "pool": POOL}
        return [(int(r.id), -float(r.score)) for r in conn.execute(sa.text(sql), params)]


# --- PostgreSQL -----------------------------------------------------------------------------

_PG_SEARCH = {
    "transcript": """
        SELECT t.video_id AS video_id, v.title AS title, c.name AS channel, top.start AS start,
               ts_headline('english', top.text, q.query, :opts) AS snippet, top.score AS score
        FROM (
            SELECT s.id, s.transcript_id, s.start, s.text, ts_rank(s.tsv, q.query) AS score
            FROM segments s CROSS JOIN ({tsq}) q {channel_join}
            WHERE s.tsv @@ q.query {channel}
            ORDER BY score DESC, s.id LIMIT :limit
        ) top
        CROSS JOIN ({tsq}) q
        JOIN transcripts t ON t.id = top.transcript_id
        JOIN videos v ON v.id = t.video_id
        LEFT JOIN channels c ON c.id = v.channel_id
        ORDER BY top.score DESC, top.id""",
    "summary": """
        SELECT sm.video_id AS video_id, v.title AS title, c.name AS channel, si.start AS start,
               ts_headline('english', si.text, q.query, :opts) AS snippet,
               ts_rank(si.tsv, q.query) AS score
        FROM summary_items si CROSS JOIN ({tsq}) q
        JOIN summaries sm ON sm.id = si.summary_id
        JOIN videos v ON v.id = sm.video_id
        LEFT JOIN channels c ON c.id = v.channel_id
        WHERE si.tsv @@ q.query {channel}
        ORDER BY score DESC, si.id LIMIT :limit""",
    "title": """
        SELECT v.id AS video_id, v.title AS title, c.name AS channel, NULL AS start,
               ts_headline('english', v.title, q.query, :opts) AS snippet,
               ts_rank(v.title_tsv, q.query) AS score
        FROM videos v CROSS JOIN ({tsq}) q
        LEFT JOIN channels c ON c.id = v.channel_id
        WHERE v.title_tsv @@ q.query {channel}
        ORDER BY score DESC, v.id LIMIT :limit""",
}

_PG_HEADLINE = f'StartSel="{MATCH_START}", StopSel="{MATCH_END}", MaxWords=48, MinWords=16'


@register
class PostgresBackend(Backend):
    """PostgreSQL (psycopg 3): tsvector columns with GIN indexes, ranked by ts_rank."""

    dialect = "postgresql"

    def lock_for_migration(self, conn: Connection) -> None:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(4242424201)"))

    def insert(self, table: sa.Table) -> Any:
        from sqlalchemy.dialects.postgresql import insert

        return insert(table)

    def execute(
        self,
        conn: Connection,
        kind: HitKind,
        query: ParsedQuery,
        *,
        any_term: bool,
        limit: int,
        channel_id: str | None,
    ) -> list[SearchHit]:
        joiner = " || " if any_term else " && "
        tsq = "SELECT " + _pg_tsquery(query, joiner) + " AS query"
        channel = "AND v.channel_id = :channel_id" if channel_id is not None else ""
        channel_join = ""
        if kind == "transcript" and channel_id is not None:
            channel_join = (
                "JOIN transcripts t ON t.id = s.transcript_id JOIN videos v ON v.id = t.video_id"
            )
        sql = _PG_SEARCH[kind].format(tsq=tsq, channel=channel, channel_join=channel_join)
        params = _pg_params(query)
        params.update(limit=limit, channel_id=channel_id, opts=_PG_HEADLINE)
        rows = conn.execute(sa.text(sql), params).all()
        return [_hit(kind, row, float(row.score)) for row in rows]

    def search_highlights(
        self, conn: Connection, query: ParsedQuery, *, limit: int, any_term: bool = False
    ) -> list[tuple[int, float]]:
        joiner = " || " if any_term else " && "
        sql = (
            f"SELECT h.id AS id, ts_rank(h.tsv, q.query) AS score FROM highlights h "
            f"CROSS JOIN (SELECT {_pg_tsquery(query, joiner)} AS query) q "
            "WHERE h.tsv @@ q.query ORDER BY score DESC, h.id LIMIT :limit"
        )
        params = _pg_params(query)
        params["limit"] = limit
        return [(int(r.id), float(r.score)) for r in conn.execute(sa.text(sql), params)]

    def found_anywhere(self, conn: Connection, query: ParsedQuery) -> bool:
        tsq = _pg_tsquery(query, " && ")
        sql = " OR ".join(
            f"EXISTS (SELECT 1 FROM {table} WHERE {column} @@ {tsq})"
            for table, column in (
                ("segments", "tsv"),
                ("summary_items", "tsv"),
                ("videos", "title_tsv"),
            )
        )
        return bool(conn.execute(sa.text(f"SELECT {sql}"), _pg_params(query)).scalar())

    def search_passages(
        self,
        conn: Connection,
        query: ParsedQuery,
        *,
        limit: int,
        any_term: bool,
        pooled: bool = True,
    ) -> list[tuple[int, float]]:
        joiner = " || " if any_term else " && "
        # ts_rank_cd with length normalisation 1 (divide by 1 + log length), like bm25's.
        sql = (
            "SELECT p.id AS id, ts_rank_cd(p.tsv, q.query, 1) AS score FROM passages p "
            f"CROSS JOIN (SELECT {_pg_tsquery(query, joiner)} AS query) q "
            "WHERE p.tsv @@ q.query ORDER BY score DESC, p.id LIMIT :limit"
        )
        params = _pg_params(query)
        params["limit"] = limit
        return [(int(r.id), float(r.score)) for r in conn.execute(sa.text(sql), params)]


def _pg_tsquery(query: ParsedQuery, joiner: str) -> str:
    """The tsquery of a parsed query: every word a bound parameter, so there is nothing to escape.

    A prefix term is `word:*` for to_tsquery; its word has only letters and digits (the parser
    keeps nothing else), so it can hold no tsquery operator.
    """
    parts = []
    for i, term in enumerate(query.terms):
        fn = "to_tsquery" if query.is_prefix(term) else "phraseto_tsquery"
        parts.append(f"{fn}('english', :t{i})")
    return joiner.join(parts)


def _pg_params(query: ParsedQuery) -> dict[str, Any]:
    return {
        f"t{i}": (term[0] + ":*") if query.is_prefix(term) else " ".join(term)
        for i, term in enumerate(query.terms)
    }
