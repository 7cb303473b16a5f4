"""Summarizing many local files with the built-in summarizer: the work on every core, one writer.

Reading a caption file, summarizing it and computing its passages' vectors need no library, so
worker processes do them; this process only stores what they hand back, in the order given. On
2 cores this doubles `distill summarize` of a folder of caption files (bench/scale.py).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distill.checks import check_meta, choose_model
from distill.domain import MetaOverride, Summarized, Summary, Transcript
from distill.errors import DistillError
from distill.llm import BUILTIN

if TYPE_CHECKING:
    from distill.embed import Embedder
    from distill.library import Library
    from distill.library.vectors import PassageIn

# Handlers of local text files: CPU-bound, no network and no model of their own (a recording's
# Whisper already uses every core; a download should not be multiplied).
PARALLEL_HANDLERS = frozenset({"captions", "pdf"})
# Below this many files, starting the worker processes costs more than it saves.
MIN_PARALLEL = 8
CHUNK = 4  # files per hand-over to a worker: fewer round trips, still an even spread


class WorkersStopped(DistillError):
    """A worker process died (out of memory, killed): the batch ends here."""


@dataclass(frozen=True)
class Prepared:
    """What a worker made of one file: everything to store, nothing stored."""

    transcript: Transcript
    summary: Summary
    passages: list[PassageIn]
    vectors: list[bytes] | None
    embedder: str | None  # the name of the model that made `vectors`


class BatchService:
    """The batch methods of `Distill` (a mixin: `self` is the service, `type(self)` what each
    worker process makes its own of)."""

    if TYPE_CHECKING:

        @property
        def library(self) -> Library: ...

        def embedder(self) -> Embedder | None: ...

        def index(self, video_id: str) -> int: ...

        def summarize(
            self, source: str, *, model: str | None = None, lang: str | None = None,
            meta: MetaOverride | None = None,
        ) -> Summarized: ...  # fmt: skip

    def batch_workers(self, sources: Sequence[str], model: str | None = None) -> int:
        """How many worker processes `summarize_many` would use for these sources (0: none)."""
        from distill.sources import pick

        if choose_model(model) != BUILTIN or len(sources) < MIN_PARALLEL:
            return 0
        from distill.transcribe.engine import cpu_threads  # every core this process may use

        cores = cpu_threads()
        if cores < 2:
            return 0
        for source in sources:
            try:
                if not Path(source).is_file() or pick(source).name not in PARALLEL_HANDLERS:
                    return 0
            except DistillError:
                return 0
        return min(cores, len(sources) // CHUNK or 1)

    def summarize_many(
        self,
        sources: Sequence[str],
        *,
        lang: str | None = None,
        meta: MetaOverride | None = None,
        workers: int,
        on_each: Callable[[], None] | None = None,
    ) -> Iterator[tuple[str, Summarized | DistillError]]:
        """Summarize local files with the built-in summarizer in `workers` processes and store
        each; (source, what was stored or the error that stopped it) in the order given.

        What is stored is what summarizing one file at a time stores (tests/test_batch.py holds
        it to that); a file named twice is made by a worker once, then here. A worker that dies
        ends the batch with `WorkersStopped` (what was yielded before is stored).
        """
        meta = check_meta(meta)
        embedder = self.embedder()  # the library's own model, if it can load
        vectors_of = embedder.name if embedder is not None else None
        done: set[str] = set()
        unique = list(dict.fromkeys(sources))
        made = _prepared_in_order(unique, lang, meta, workers, type(self))
        try:
            for source in sources:
                try:
                    if source in done:  # named again: once more, as one at a time would
                        yield source, self.summarize(source, model=BUILTIN, lang=lang, meta=meta)
                    else:
                        done.add(source)
                        item = next(made)
                        if isinstance(item, DistillError):
                            yield source, item
                        else:
                            yield source, self._store_prepared(item, vectors_of)
                except WorkersStopped:
                    raise
                except DistillError as exc:
                    yield source, exc
                if on_each is not None:
                    on_each()
            next(made, None)  # every file was handed back: the workers end normally
        finally:
            made.close()  # when the batch ends early (Ctrl-C), the workers are stopped at once

    def _store_prepared(self, item: Prepared, vectors_of: str | None) -> Summarized:
        """Store what a worker made in one transaction; its vectors only if they are of the
        library's model (`vectors_of`), else `distill reindex` makes them. A video stored
        before is indexed here as one at a time would (its highlights moved, their passages)."""
        stored_before = self.library.has_video(item.transcript.meta.id)
        same = vectors_of is not None and vectors_of == item.embedder
        with self.library.together():  # one commit: the file is stored whole or not at all
            video_id = self.library.save_transcript(item.transcript)
            self.library.save_summary(video_id, item.summary)
            if not stored_before:
                self.library.replace_passages(
                    video_id, item.passages, item.vectors if same else None
                )
        if stored_before:
            self.index(video_id)
        return Summarized(video_id=video_id, transcript=item.transcript, summary=item.summary)


def _prepared_in_order(
    sources: list[str],
    lang: str | None,
    meta: MetaOverride | None,
    workers: int,
    make_service: Callable[[], Any],
) -> Generator[Prepared | DistillError, None, None]:
    """What the workers make of each source, in order; at most two chunks per worker ahead of
    the writer, so a slow disk never piles up summaries in memory."""
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    chunks = iter([sources[i : i + CHUNK] for i in range(0, len(sources), CHUNK)])
    # spawn, not fork: this process may hold threads (the progress display) and connections.
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_quiet)
    ahead: deque[Future[list[Prepared | DistillError]]] = deque()
    finished = False
    try:
        while True:
            while len(ahead) < 2 * workers:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                ahead.append(pool.submit(prepare_all, chunk, lang, meta, make_service))
            if not ahead:
                finished = True
                return
            try:
                yield from ahead.popleft().result()
            except BrokenProcessPool:
                raise WorkersStopped(
                    "A worker process summarizing the files stopped (out of memory?); the files "
                    "shown before this were stored: run the command again for the rest."
                ) from None
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # stopped early: the chunks under way are not waited for
            # The pool has no public way to stop a running worker (terminate_workers is 3.14's).
            running = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in running:
                process.terminate()


def _quiet() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (no traceback per worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def prepare_all(
    sources: list[str],
    lang: str | None,
    meta: MetaOverride | None,
    make_service: Callable[[], Any],
) -> list[Prepared | DistillError]:
    """In a worker process: `prepare` each of a chunk of sources."""
    return [prepare(s, lang, meta, make_service) for s in sources]


_WORKER: Any = None


def prepare(
    source: str, lang: str | None, meta: MetaOverride | None, make_service: Callable[[], Any]
) -> Prepared | DistillError:
    """In a worker process: read one file, summarize it, make its passages and their vectors."""
    global _WORKER
    from distill.embed import EmbeddingError, get_embedder
    from distill.knowledge.passages import document_passages, passage_vectors

    if _WORKER is None:
        _WORKER = make_service()  # its library is never opened here
    try:
        transcript = _WORKER.fetch(source, lang=lang)
        if meta is not None:
            transcript = transcript.model_copy(update={"meta": meta.apply(transcript.meta)})
        _WORKER.check_language(transcript, BUILTIN, lang)
        summary = _WORKER.summarize_transcript(transcript, model=BUILTIN, lang=lang)
    except DistillError as exc:
        return exc
    items = document_passages(transcript.segments, summary, [])  # highlights: `_store_prepared`
    try:
        embedder = get_embedder()
    except EmbeddingError:
        return Prepared(transcript, summary, items, None, None)
    vectors = passage_vectors(embedder, items) if items else None
    return Prepared(transcript, summary, items, vectors, embedder.name)
