"""Passages and their vectors stored in the library, and an in-memory index to rank them.

Vectors are float16 bytes in an ordinary column, so the same code runs on SQLite and on
PostgreSQL (pgvector is not packaged everywhere). Ranking is a matrix product in numpy over
every vector of the library, held in memory per process and refreshed when the stored passages
change (a generation number bumped by every write tells).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from distill.errors import LibraryError
from distill.library.database import Database, reason
from distill.library.query import ParsedQuery, clean_text, parse_query
from distill.library.schema import library_info, passages, videos

if TYPE_CHECKING:
    import numpy as np

GENERATION = "passages_generation"
EMBEDDING_MODEL = "embedding_model"
CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class PassageIn:
    """A passage to store: its kind, moment, text (and highlight, for a highlight's passage)."""

    kind: str  # transcript | summary | highlight
    start: float | None
    end: float | None
    text: str
    highlight_id: int | None = None


@dataclass(frozen=True)
class StoredPassage:
    """A stored passage with the title of its video, as retrieval hands it on."""

    id: int
    video_id: str
    title: str
    channel_id: str | None
    kind: str
    start: float | None
    end: float | None
    text: str
    highlight_id: int | None


def _row(video_id: str, p: PassageIn, vector: bytes | None) -> dict[str, Any]:
    """A passage as a row of the passages table."""
    return {
        "video_id": video_id,
        "kind": p.kind,
        "highlight_id": p.highlight_id,
        "start": p.start,
        "end": p.end,
        "text": clean_text(p.text),
        "vector": vector,
    }


class PassageStore(Database):
    """The passages table, the library's facts table, and the vector index over passages."""

    _vector_index: VectorIndex | None = None

    # --- facts ------------------------------------------------------------------------------

    def get_info(self, key: str) -> str | None:
        with self._read() as conn:
            return conn.execute(
                sa.select(library_info.c.value).where(library_info.c.key == key)
            ).scalar()

    def set_info(self, key: str, value: str) -> None:
        with self._write() as conn:
            self._put_info(conn, key, value)

    def _put_info(self, conn: Connection, key: str, value: str) -> None:
        ins = self._backend.insert(library_info).values(key=key, value=value)
        conn.execute(
            ins.on_conflict_do_update(index_elements=[library_info.c.key], set_={"value": value})
        )

    def _bump(self, conn: Connection) -> None:
        """Mark the passages as changed (in the same transaction as the change)."""
        now = conn.execute(
            sa.select(library_info.c.value).where(library_info.c.key == GENERATION)
        ).scalar()
        self._put_info(conn, GENERATION, str(int(now or 0) + 1))

    # --- passages ---------------------------------------------------------------------------

    def replace_passages(
        self,
        video_id: str,
        items: Sequence[PassageIn],
        vectors: Sequence[bytes | None] | None = None,
        *,
        highlight_id: int | None = None,
    ) -> None:
        """Store a video's passages (or only one highlight's), replacing the ones there were."""
        vecs = list(vectors) if vectors is not None else [None] * len(items)
        rows = [_row(video_id, p, v) for p, v in zip(items, vecs, strict=True)]
        try:
            with self._write() as conn:
                if (
                    conn.execute(sa.select(videos.c.id).where(videos.c.id == video_id)).first()
                    is None
                ):
                    return  # deleted meanwhile: nothing to index
                where = passages.c.video_id == video_id
                if highlight_id is not None:
                    where = passages.c.highlight_id == highlight_id
                conn.execute(sa.delete(passages).where(where))
                if rows:
                    conn.execute(sa.insert(passages), rows)
                self._bump(conn)
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not index video {video_id!r}: {reason(exc)}; run `distill reindex`."
            ) from None

    def replace_many_passages(
        self, entries: Sequence[tuple[str, Sequence[PassageIn], Sequence[bytes | None]]]
    ) -> None:
        """Store the passages of many videos in one transaction (what reindexing writes)."""
        rows = [
            _row(video_id, p, v)
            for video_id, items, vecs in entries
            for p, v in zip(items, vecs, strict=True)
        ]
        ids = [video_id for video_id, _, _ in entries]
        try:
            with self._write() as conn:
                existing = set(
                    conn.execute(sa.select(videos.c.id).where(videos.c.id.in_(ids))).scalars()
                )
                conn.execute(sa.delete(passages).where(passages.c.video_id.in_(ids)))
                rows = [r for r in rows if r["video_id"] in existing]  # deleted meanwhile
                if rows:
                    conn.execute(sa.insert(passages), rows)
                self._bump(conn)
        except sa.exc.SQLAlchemyError as exc:
            raise LibraryError(
                f"could not index {len(ids)} videos: {reason(exc)}; run `distill reindex` again."
            ) from None

    def clear_vectors(self) -> None:
        """Forget every stored vector (the embedding model changed)."""
        with self._write() as conn:
            conn.execute(sa.update(passages).values(vector=None))
            self._bump(conn)

    def passages_generation(self) -> int:
        return int(self.get_info(GENERATION) or 0)

    def video_ids(self) -> list[str]:
        """Every stored video's id, oldest first."""
        with self._read() as conn:
            return list(
                conn.execute(
                    sa.select(videos.c.id).order_by(videos.c.created_at, videos.c.id)
                ).scalars()
            )

    def indexed_video_ids(self) -> set[str]:
        """Ids of the videos whose passages have vectors."""
        with self._read() as conn:
            return set(
                conn.execute(
                    sa.select(passages.c.video_id).where(passages.c.vector.is_not(None)).distinct()
                ).scalars()
            )

    def count_passages(self, *, with_vectors: bool = False) -> int:
        stmt = sa.select(sa.func.count()).select_from(passages)
        if with_vectors:
            stmt = stmt.where(passages.c.vector.is_not(None))
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def get_passages(self, ids: Iterable[int]) -> dict[int, StoredPassage]:
        """Stored passages by id, with their video's title."""
        wanted = list(dict.fromkeys(ids))
        out: dict[int, StoredPassage] = {}
        with self._read() as conn:
            for i in range(0, len(wanted), CHUNK):
                stmt = (
                    sa.select(
                        passages.c.id,
                        passages.c.video_id,
                        videos.c.title,
                        videos.c.channel_id,
                        passages.c.kind,
                        passages.c.start,
                        passages.c.end,
                        passages.c.text,
                        passages.c.highlight_id,
                    )
                    .join(videos, videos.c.id == passages.c.video_id)
                    .where(passages.c.id.in_(wanted[i : i + CHUNK]))
                )
                for r in conn.execute(stmt):
                    out[r.id] = StoredPassage(*r)
        return out

    def passage_spans(self, video_ids: Iterable[str]) -> dict[str, list[tuple[float, int]]]:
        """(start, id) of the transcript passages of some videos, in time order."""
        wanted = list(dict.fromkeys(video_ids))
        out: dict[str, list[tuple[float, int]]] = {}
        with self._read() as conn:
            for i in range(0, len(wanted), CHUNK):
                stmt = (
                    sa.select(passages.c.video_id, passages.c.start, passages.c.id)
                    .where(
                        passages.c.video_id.in_(wanted[i : i + CHUNK]),
                        passages.c.kind == "transcript",
                    )
                    .order_by(passages.c.video_id, passages.c.start, passages.c.id)
                )
                for r in conn.execute(stmt):
                    out.setdefault(r.video_id, []).append((r.start or 0.0, r.id))
        return out

    def summary_passages(self, video_ids: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
        """(text, id) of the summary passages of some videos."""
        wanted = list(dict.fromkeys(video_ids))
        out: dict[str, list[tuple[str, int]]] = {}
        with self._read() as conn:
            for i in range(0, len(wanted), CHUNK):
                stmt = sa.select(passages.c.video_id, passages.c.text, passages.c.id).where(
                    passages.c.video_id.in_(wanted[i : i + CHUNK]), passages.c.kind == "summary"
                )
                for r in conn.execute(stmt):
                    out.setdefault(r.video_id, []).append((r.text, r.id))
        return out

    def highlight_passages(self, highlight_ids: Iterable[int]) -> dict[int, int]:
        """Passage id of each highlight that has one."""
        wanted = list(dict.fromkeys(highlight_ids))
        out: dict[int, int] = {}
        with self._read() as conn:
            for i in range(0, len(wanted), CHUNK):
                stmt = sa.select(passages.c.highlight_id, passages.c.id).where(
                    passages.c.highlight_id.in_(wanted[i : i + CHUNK])
                )
                out.update({r.highlight_id: r.id for r in conn.execute(stmt)})
        return out

    def search_passage_words(
        self,
        query: str | ParsedQuery,
        *,
        limit: int = 50,
        any_term: bool = True,
        everywhere: bool = True,
    ) -> list[tuple[int, float]]:
        """(passage id, score) of passages with every (or any) word of the query; best first.

        `everywhere=False`: the caller keeps only some (one channel's), so every match is
        ranked, not only the newest (see backends.POOL).
        """
        parsed = parse_query(query) if isinstance(query, str) else query
        if parsed.empty or limit <= 0:
            return []
        with self._read() as conn:
            return self._backend.search_passages(
                conn, parsed, limit=limit, any_term=any_term, pooled=everywhere
            )

    def channel_video_ids(self, channel_id: str) -> set[str]:
        with self._read() as conn:
            return set(
                conn.execute(
                    sa.select(videos.c.id).where(videos.c.channel_id == channel_id)
                ).scalars()
            )

    # --- the vector index -------------------------------------------------------------------

    @property
    def vectors(self) -> VectorIndex:
        """This library's in-memory vector index (loaded on first use, kept up to date)."""
        if self._vector_index is None:
            self._vector_index = VectorIndex(self)
        return self._vector_index

    def _vector_ids(self) -> list[tuple[int, str]]:
        with self._read() as conn:
            return [
                (int(r.id), r.video_id)
                for r in conn.execute(
                    sa.select(passages.c.id, passages.c.video_id)
                    .where(passages.c.vector.is_not(None))
                    .order_by(passages.c.id)
                )
            ]

    def _vector_blobs(self, ids: Sequence[int]) -> dict[int, bytes]:
        out: dict[int, bytes] = {}
        with self._read() as conn:
            for i in range(0, len(ids), CHUNK):
                stmt = sa.select(passages.c.id, passages.c.vector).where(
                    passages.c.id.in_(ids[i : i + CHUNK])
                )
                out.update({int(r.id): bytes(r.vector) for r in conn.execute(stmt) if r.vector})
        return out


class VectorIndex:
    """Every stored vector as one float32 matrix; cosine ranking by a matrix product."""

    def __init__(self, store: PassageStore) -> None:
        self.store = store
        self.generation = -1
        self.ids: Any = None  # np.ndarray of passage ids, ascending
        self.videos: list[str] = []  # video id of each row
        self.matrix: Any = None
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Load what changed since the last look (new passages read, removed ones dropped)."""
        import numpy as np

        from distill.embed import from_bytes

        generation = self.store.passages_generation()
        with self._lock:
            if generation == self.generation and self.matrix is not None:
                return
            listed = self.store._vector_ids()
            ids = np.fromiter((i for i, _ in listed), dtype=np.int64, count=len(listed))
            old_ids = self.ids if self.ids is not None else np.zeros(0, dtype=np.int64)
            keep = np.isin(old_ids, ids)
            new = ids[~np.isin(ids, old_ids)]
            blobs = self.store._vector_blobs([int(i) for i in new])
            new = np.array([i for i in new if int(i) in blobs], dtype=np.int64)
            fresh = from_bytes([blobs[int(i)] for i in new])
            if self.matrix is not None and len(old_ids):
                base_ids, base = old_ids[keep], self.matrix[keep]
            else:
                base_ids, base = np.zeros(0, dtype=np.int64), fresh[:0]
            all_ids = np.concatenate([base_ids, new])
            matrix = np.vstack([base, fresh]) if len(fresh) else base
            order = np.argsort(all_ids, kind="stable")
            self.ids = all_ids[order]
            self.matrix = np.ascontiguousarray(matrix[order], dtype=np.float32)
            video_of = dict(listed)
            self.videos = [video_of[int(i)] for i in self.ids]
            self.generation = generation

    def __len__(self) -> int:
        return 0 if self.ids is None else len(self.ids)

    def top(
        self, query: np.ndarray, k: int, *, video_ids: set[str] | None = None
    ) -> list[tuple[int, float]]:
        """(passage id, cosine) of the `k` passages nearest the query vector, nearest first
        (as of the last `refresh`)."""
        import numpy as np

        with self._lock:
            ids, matrix, videos_ = self.ids, self.matrix, self.videos
        if ids is None or not len(ids) or k <= 0:
            return []
        # einsum's own loop, not BLAS: a matrix-vector product is memory-bound, and BLAS threads
        # spinning on a busy machine made it up to twenty times slower.
        scores = np.einsum("ij,j->i", matrix, np.asarray(query, dtype=np.float32))
        if video_ids is not None:
            mask = np.fromiter((v in video_ids for v in videos_), dtype=bool, count=len(videos_))
            scores = np.where(mask, scores, -np.inf)
        k = min(k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(ids[i]), float(scores[i])) for i in best if np.isfinite(scores[i])]
