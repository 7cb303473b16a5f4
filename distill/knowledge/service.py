"""The service's knowledge methods: the vector index, hybrid search, asking the whole library,
highlights and notes. `distill.service.Distill` has them; they wire `distill.knowledge`, the
embedding model and the library together like the rest of the service does for the stages."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from distill.domain import Highlight, LibraryAnswer, ProgressFn, Summary, Transcript, no_progress
from distill.errors import ConflictError, InputError, NotFoundError

if TYPE_CHECKING:
    from distill.embed import Embedder
    from distill.knowledge.retrieve import Context
    from distill.library import Library, SearchResults
    from distill.library.vectors import PassageIn

EMBEDDING_MODEL = "embedding_model"  # the library fact naming the model that built the vectors
REINDEX_BATCH = 50  # videos per embedding call and per transaction when reindexing


@dataclass(frozen=True)
class Reindexed:
    """What `reindex` did: videos indexed, passages stored, the model (and the one replaced)."""

    videos: int
    passages: int
    model: str
    previous_model: str | None = None


class KnowledgeService:
    """Search, ask the library, highlights; mixed into `Distill`, which gives the rest."""

    if TYPE_CHECKING:

        @property
        def library(self) -> Library: ...

        def summary(
            self, video_id: str, lang: str | None = None, *, make: bool = True
        ) -> Summary | None: ...

        def video_id(self, ref: str) -> str: ...

    def ask_library(
        self,
        question: str,
        *,
        model: str | None = None,
        channel_id: str | None = None,
        mode: str = "hybrid",
        context: Context | None = None,
    ) -> LibraryAnswer:
        """Answer a question from every stored video, highlight and note (or one channel's)."""
        from distill.checks import check_question, choose_model
        from distill.knowledge import MODES, ask_library

        question = check_question(question)
        chosen = choose_model(model)
        if mode not in MODES:
            raise InputError(f"{mode!r} is not a search mode; use one of {', '.join(MODES)}.")
        if channel_id is not None:
            self.library.get_channel(channel_id)  # NotFoundError names the fix
        embedder = self.embedder() if mode != "fulltext" else None
        if mode == "semantic" and embedder is None:
            raise InputError(
                "semantic search needs vectors built by the current model; run `distill reindex`."
            )
        return ask_library(
            self.library,
            question,
            model=chosen,
            embedder=embedder,
            channel_id=channel_id,
            mode=mode,  # type: ignore[arg-type]
            context=context,
        )

    # --- search, the vector index and highlights ------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        channel_id: str | None = None,
        semantic: bool = True,
    ) -> SearchResults:
        """One page of hybrid search results: moments found by words and by meaning, fused."""
        from distill.knowledge import hybrid_search

        embedder = self.embedder() if semantic else None
        return hybrid_search(
            self.library,
            query,
            embedder=embedder,
            limit=max(1, min(limit, 100)),
            offset=max(0, offset),
            channel_id=channel_id,
        )

    def embedder(self) -> Embedder | None:
        """The embedding model, when it can load and the stored vectors are its own; else None."""
        from distill.embed import EmbeddingError, get_embedder

        try:
            embedder = get_embedder()
        except EmbeddingError:
            return None
        recorded = self.library.get_info(EMBEDDING_MODEL)
        if recorded is None:
            self.library.set_info(EMBEDDING_MODEL, embedder.name)
        elif recorded != embedder.name:
            return None  # vectors of another model: `distill reindex` rebuilds them
        return embedder

    def index(self, video_id: str) -> int:
        """(Re)build a video's passages and their vectors; how many passages it has."""
        from distill.knowledge.passages import passage_vectors

        items = self._passages_of(video_id, reanchor=True)
        embedder = self.embedder()
        vectors = None
        if embedder is not None and items:
            vectors = passage_vectors(embedder, items)
        self.library.replace_passages(video_id, items, vectors)
        return len(items)

    def _passages_of(self, video_id: str, *, reanchor: bool = False) -> list[PassageIn]:
        """What a video is retrieved by: its transcript's passages, its original summary's items,
        its highlights (moved to where their quotes are now, with `reanchor`)."""
        from distill.knowledge.passages import document_passages

        try:
            transcript: Transcript | None = self.library.get_transcript(video_id)
        except NotFoundError:
            if not self.library.has_video(video_id):
                return []
            transcript = None
        if transcript is not None and reanchor:
            self._reanchor(transcript)
        summary = self.summary(video_id, make=False)
        marked = self.library.list_highlights(video_id=video_id, limit=10_000)
        return document_passages(transcript.segments if transcript else [], summary, marked)

    def reindex(self, *, everything: bool = False, progress: ProgressFn = no_progress) -> Reindexed:
        """Build passages and vectors for videos that lack them (all, with `everything`, or when
        the embedding model changed), many videos per model call and per transaction."""
        from distill.embed import EmbeddingError, get_embedder
        from distill.knowledge.passages import passage_vectors

        try:
            embedder = get_embedder()
        except EmbeddingError as exc:
            raise InputError(str(exc)) from None
        recorded = self.library.get_info(EMBEDDING_MODEL)
        changed = recorded is not None and recorded != embedder.name
        if changed:
            self.library.clear_vectors()
        self.library.set_info(EMBEDDING_MODEL, embedder.name)
        videos = self.library.video_ids()
        done = set() if everything or changed else self.library.indexed_video_ids()
        todo = [v for v in videos if v not in done]
        progress("index", 0.0, float(len(todo)))
        count = 0
        for first in range(0, len(todo), REINDEX_BATCH):
            batch = [(v, self._passages_of(v)) for v in todo[first : first + REINDEX_BATCH]]
            blobs = passage_vectors(embedder, [p for _, items in batch for p in items])
            entries = []
            for video_id, items in batch:
                entries.append((video_id, items, blobs[: len(items)]))
                blobs = blobs[len(items) :]
                count += len(items)
            self.library.replace_many_passages(entries)
            progress("index", float(first + len(batch)), float(len(todo)))
        return Reindexed(
            videos=len(todo),
            passages=count,
            model=embedder.name,
            previous_model=recorded if changed else None,
        )

    def _reanchor(self, transcript: Transcript) -> None:
        """Move a video's highlights to where their quotes are said in its (new) transcript."""
        from distill.knowledge.highlights import reanchor

        for h in self.library.list_highlights(video_id=transcript.meta.id, limit=10_000):
            moved = reanchor(transcript, h)
            if moved is not None:
                with contextlib.suppress(ConflictError):  # edited meanwhile: that edit stands
                    self.library.update_highlight(h.id, h.version, start=moved[0], end=moved[1])

    def add_highlight(
        self,
        video_id: str,
        start: float,
        end: float | None = None,
        *,
        quote: str | None = None,
        note: str | None = None,
        tags: list[str] | str | None = None,
    ) -> Highlight:
        """Highlight a passage of a stored video (by time, or a quote at a time), with a note."""
        from distill.knowledge.highlights import anchor, check_note, check_tags

        clean_note, clean_tags = check_note(note), check_tags(tags)
        video_id = self.video_id(video_id)  # an id prefix is enough; NotFoundError if deleted
        transcript = self.library.get_transcript(video_id)
        where = anchor(transcript, float(start), None if end is None else float(end), quote)
        h = self.library.add_highlight(
            video_id,
            start=where.start,
            end=where.end,
            quote=where.quote,
            before=where.before,
            after=where.after,
            note=clean_note,
            tags=clean_tags,
        )
        self._index_highlight(h)
        return h

    def edit_highlight(
        self,
        highlight_id: int,
        version: int,
        *,
        note: str | None = None,
        tags: list[str] | str | None = None,
    ) -> Highlight:
        """Change a highlight's note or tags, if nobody changed it since `version` was read."""
        from distill.knowledge.highlights import check_note, check_tags

        changes: dict[str, Any] = {}
        if note is not None:
            changes["note"] = check_note(note)
        if tags is not None:
            changes["tags"] = check_tags(tags)
        h = self.library.update_highlight(highlight_id, version, **changes)
        self._index_highlight(h)
        return h

    def delete_highlight(self, highlight_id: int) -> Highlight:
        """Remove a highlight (its passage goes with it)."""
        return self.library.delete_highlight(highlight_id)

    def _index_highlight(self, h: Highlight) -> None:
        from distill.embed import to_bytes
        from distill.knowledge.passages import highlight_passage
        from distill.knowledge.retrieve import meaning_text

        item = highlight_passage(h)
        embedder = self.embedder()
        vectors = None
        if embedder is not None:
            vectors = [to_bytes(embedder.embed([meaning_text(item.text)])[0])]
        self.library.replace_passages(h.video_id, [item], vectors, highlight_id=h.id)
