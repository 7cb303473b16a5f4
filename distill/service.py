"""The application service: the one place that wires sources, summarizers and the library.

Every face (CLI, web pages, REST API, MCP, jobs) calls a `Distill`; none wires stages itself.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from distill.checks import (
    base_language,
    check_meta,
    check_question,
    choose_model,
)
from distill.domain import (
    Answer,
    MetaOverride,
    ProgressFn,
    Summarized,
    Summary,
    Transcript,
    no_progress,
)
from distill.errors import DistillError, InputError, NotFoundError, SummarizeError
from distill.exports.service import ExportService
from distill.knowledge.service import KnowledgeService, Reindexed
from distill.llm import BUILTIN, resolve_model_string
from distill.service_batch import BatchService
from distill.service_browser import BrowserService
from distill.service_collections import Collections
from distill.service_jobs import JobsService

if TYPE_CHECKING:
    from distill.library import Library
    from distill.library.models import VideoView


# The progress stages of each kind of source (a handler may declare its own `stages`).
SOURCE_STAGES: dict[str, tuple[str, ...]] = {
    "youtube": ("download", "transcribe"),
    "media": ("transcribe",),
    "captions": (),
}
# What a stored id (or a prefix of one) can look like: local slugs and YouTube ids.
_ID_LIKE = re.compile(r"[A-Za-z0-9_-]+")
# Built-in summaries made for readers (a page of a video added without one) at once, in the whole
# process: each takes memory in proportion to its transcript, and any visitor can ask for many.
_FIRST_SUMMARIES = threading.BoundedSemaphore(2)
# Built-in answers made at once, likewise: each holds its whole transcript, and asking needs no token.
_BUILTIN_ANSWERS = threading.BoundedSemaphore(2)


def _asks_translation(want: str, original: str) -> bool:
    """Whether a summary in `want` of a video in `original` would be a translation (base codes)."""
    return bool(want and original and want != original)


class SummaryPending(Exception):
    """A page's summary has to be made first (`video_view(make=False)`); the caller makes it."""


@dataclass(frozen=True)
class Plan:
    """What summarizing a source would do, worked out without any model call."""

    transcript: Transcript
    model: str
    lines: list[str]


def pick_summary(summaries: list[Summary], want: str, original: str) -> Summary | None:
    """Among a video's summaries (newest first): the newest in `want` (an original before a
    translation), else with no `want` the newest original in the original language, else any."""
    if want:
        matching = [s for s in summaries if base_language(s.language) == want]
        originals = [s for s in matching if s.translated_from is None]
        return next(iter(originals or matching), None)
    originals = [s for s in summaries if s.translated_from is None] or summaries
    same = [s for s in originals if base_language(s.language) == original] if original else []
    return next(iter(same or originals), None)


class Distill(
    JobsService, KnowledgeService, Collections, ExportService, BrowserService, BatchService
):
    """Add, summarize, ask and translate sources over one library (opened when first needed);
    search it, ask it as a whole and keep highlights (the knowledge methods); expand playlists,
    channels and feeds, follow them, import Kindle clippings (the collection methods); queue
    and run jobs, delete videos (the job methods); export it (the export methods); take
    captions, pages and page highlights from the browser extension (the browser methods)."""

    def __init__(
        self,
        library: Library | None = None,
        *,
        on_submit: Callable[[], None] | None = None,
    ) -> None:
        self._library = library
        self._owns_library = library is None
        self.on_submit = on_submit
        self._jobs = None
        self._flights: dict[str, threading.Lock] = {}
        self._flights_lock = threading.Lock()

    # --- lifetime ---------------------------------------------------------------------------

    @property
    def library(self) -> Library:
        """The library: the one given, else the configured one, opened on first use."""
        if self._library is None:
            from distill.library import Library

            self._library = Library()
        return self._library

    def close(self) -> None:
        """Close the job runner's connections, and the library if this service opened it."""
        closing = getattr(self._jobs, "close", None)
        if callable(closing):
            closing()
        if self._owns_library and self._library is not None:
            self._library.close()
            self._library = None

    def __enter__(self) -> Distill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- ids --------------------------------------------------------------------------------

    def video_id(self, ref: str) -> str:
        """The full id of a stored video from its id or any unique prefix of it (as git does)."""
        return self.library.resolve_video_id((ref or "").strip())

    def channel_id(self, ref: str) -> str:
        """The id of a stored channel from its id, its name (any case) or a unique id prefix."""
        ref = (ref or "").strip()
        channels = self.library.list_channels()
        for info in channels:
            if info.id == ref:
                return ref
        for info in channels:
            if info.name.casefold() == ref.casefold():
                return info.id
        return self.library.resolve_channel_id(ref)

    def job_id(self, ref: str) -> str:
        """The full id of a job from its id or any unique prefix of it."""
        return self.library.resolve_job_id((ref or "").strip())

    def stored_video_id(self, source: str) -> str | None:
        """The stored video a source string names (its id or a unique prefix), else None.

        An existing file or anything that is not id-shaped (a URL, a path) is a source to fetch;
        a prefix matching several videos is an error naming them.
        """
        source = (source or "").strip()
        if self.library.has_video(source):
            return source
        if not _ID_LIKE.fullmatch(source) or Path(source).exists():
            return None
        try:
            return self.library.resolve_video_id(source)
        except NotFoundError:
            return None

    # --- sources ----------------------------------------------------------------------------

    def fetch(
        self, source: str, *, lang: str | None = None, progress: ProgressFn = no_progress
    ) -> Transcript:
        """Resolve a source string into a transcript (nothing is stored)."""
        from distill.sources import resolve

        return resolve(source, lang=lang, progress=progress)

    def transcribe(
        self, source: str, *, lang: str | None = None, progress: ProgressFn = no_progress
    ) -> Transcript:
        """Speech to text with Whisper for a local media file or a YouTube video's audio."""
        from distill.sources.media import transcribe_source

        return transcribe_source(source, lang=lang, progress=progress)

    def transcript(
        self, ref: str, *, lang: str | None = None, progress: ProgressFn = no_progress
    ) -> Transcript:
        """The stored transcript when `ref` names a library video, else the one resolved from it."""
        video_id = self.stored_video_id(ref)
        if video_id is not None:
            return self.library.get_transcript(video_id, language=lang)
        return self.fetch(ref, lang=lang, progress=progress)

    def add(
        self,
        source: str,
        *,
        lang: str | None = None,
        progress: ProgressFn = no_progress,
        meta: MetaOverride | None = None,
    ) -> Transcript:
        """Resolve a source and store its transcript (with the user's title, channel, URL)."""
        meta = check_meta(meta)
        transcript = self.fetch(source, lang=lang, progress=progress)
        if meta is not None:
            transcript = transcript.model_copy(update={"meta": meta.apply(transcript.meta)})
        self.library.save_transcript(transcript)
        self.index(transcript.meta.id)
        return transcript

    def stages(self, source: str) -> list[str]:
        """The progress stages summarizing `source` goes through, ending with "done".

        A download only for what comes over the network, a transcription only for speech: an
        uploaded recording is transcribed and summarized, an uploaded caption file summarized.
        """
        from distill.sources import pick

        video_id = self.stored_video_id(source) if "://" not in source else None
        if video_id is not None:
            return ["summarize", "done"]
        try:
            handler = pick(source)
        except DistillError:
            return ["download", "transcribe", "summarize", "done"]
        remote = ("download",) if "://" in source else ()
        own = getattr(handler, "stages", None)
        before = own if own is not None else SOURCE_STAGES.get(handler.name, remote)
        return [*before, "summarize", "done"]

    # --- summaries --------------------------------------------------------------------------

    def check_language(self, transcript: Transcript, model: str, lang: str | None) -> None:
        """builtin writes in the transcript's language: a summary in another one needs a model."""
        want = base_language(lang)
        if model != BUILTIN or not want:
            return
        from distill.summarize import detect_language

        have = base_language(transcript.language or detect_language(transcript.text))
        if have and have != want:
            raise InputError(
                f"{transcript.meta.title!r} has no {want} transcript (only {have}), and "
                "translating a summary needs a model: pass --model provider:name or set "
                "DISTILL_MODEL."
            )

    def _source_transcript(
        self,
        source: str,
        lang: str | None,
        progress: ProgressFn,
        meta: MetaOverride | None = None,
    ) -> tuple[Transcript, bool]:
        """(transcript, already stored): a library id is read back, anything else resolved.

        The user's title, channel and URL (already checked) replace the source's own.
        """
        video_id = self.stored_video_id(source)
        if video_id is not None:
            transcript, stored = self.library.get_transcript(video_id, language=lang), True
        else:
            transcript, stored = self.fetch(source, lang=lang, progress=progress), False
        if meta is not None:
            transcript = transcript.model_copy(update={"meta": meta.apply(transcript.meta)})
        return transcript, stored

    def plan(
        self,
        source: str,
        *,
        model: str | None = None,
        lang: str | None = None,
        progress: ProgressFn = no_progress,
        meta: MetaOverride | None = None,
    ) -> Plan:
        """What `summarize` would do and cost, without calling a model or storing anything."""
        chosen = choose_model(model)
        transcript, _ = self._source_transcript(source, lang, progress, check_meta(meta))
        self.check_language(transcript, chosen, lang)
        words = transcript.word_count
        if chosen == BUILTIN:
            lines = [
                f"{words} words, {len(transcript.segments)} segments; model builtin: no model "
                "calls are made (extractive, runs locally)."
            ]
        else:
            from distill.summarize import plan

            lines = [f"{words} words; model {chosen}", *plan(transcript, chosen, lang).lines()]
        return Plan(transcript=transcript, model=chosen, lines=lines)

    def summarize(
        self,
        source: str,
        *,
        model: str | None = None,
        lang: str | None = None,
        progress: ProgressFn = no_progress,
        on_stored: Callable[[str], None] | None = None,
        meta: MetaOverride | None = None,
    ) -> Summarized:
        """Resolve a source (or read a stored one), summarize it and store both.

        The language is checked before anything is stored; `on_stored` hears the video id as
        soon as the transcript is saved (a job records it for its progress page). `meta` is
        the user's title, channel or URL, stored in place of the source's own.
        """
        chosen = choose_model(model)
        # The built-in summary follows in milliseconds and indexing comes after it anyway; a
        # model's summary takes minutes, so the transcript is made searchable first.
        video_id, transcript = self.store_source(
            source, model=chosen, lang=lang, progress=progress, meta=meta, index=chosen != BUILTIN
        )
        if on_stored is not None:
            on_stored(video_id)
        summary = self.summarize_stored(
            video_id, model=chosen, lang=lang, progress=progress, transcript=transcript
        )
        return Summarized(video_id=video_id, transcript=transcript, summary=summary)

    def store_source(
        self,
        source: str,
        *,
        model: str | None = None,
        lang: str | None = None,
        progress: ProgressFn = no_progress,
        meta: MetaOverride | None = None,
        index: bool = True,
    ) -> tuple[str, Transcript]:
        """The first stage of summarizing: resolve (download, transcribe) and store the transcript.

        The language is checked against the model before anything is stored; a library id is
        read back, not stored again unless `meta` (the user's title, channel or URL) changes
        it. Returns the video id and the transcript.
        """
        chosen = choose_model(model)
        meta = check_meta(meta)
        transcript, stored = self._source_transcript(source, lang, progress, meta)
        self.check_language(transcript, chosen, lang)
        if stored and meta is None:
            video_id = transcript.meta.id
        else:
            video_id = self.library.save_transcript(transcript)
            if index:  # searchable (and highlights moved) before it is summarized
                self.index(video_id)
        return video_id, transcript

    def summarize_stored(
        self,
        video_id: str,
        *,
        model: str | None = None,
        lang: str | None = None,
        progress: ProgressFn = no_progress,
        transcript: Transcript | None = None,
    ) -> Summary:
        """The last stage: summarize a stored video's transcript (or the one given) and store it."""
        if transcript is None:
            transcript = self.library.get_transcript(video_id, language=lang)
        summary = self.summarize_transcript(transcript, model=model, lang=lang, progress=progress)
        self.library.save_summary(video_id, summary)
        self.index(video_id)
        return summary

    def summarize_transcript(
        self,
        transcript: Transcript,
        *,
        model: str | None = None,
        lang: str | None = None,
        progress: ProgressFn = no_progress,
    ) -> Summary:
        """A summary of a transcript in hand (nothing is stored)."""
        from distill.summarize import summarize

        chosen = choose_model(model)
        progress("summarize", 0.0, 1.0)
        from distill.anchors import anchored_summary, is_timeless, with_stand_in_times

        if is_timeless(transcript):  # pages and paragraphs: summarized with stand-in times
            timed, amap = with_stand_in_times(transcript)
            summary = summarize(timed, model=chosen, language=lang, progress=progress)
            summary = anchored_summary(summary, amap)
        else:
            summary = summarize(transcript, model=chosen, language=lang, progress=progress)
        progress("summarize", 1.0, 1.0)
        return summary

    def original_language(self, video_id: str) -> str:
        """The base language the video is spoken or written in ('' when unknown)."""
        meta = self.library.get_video(video_id)
        if meta.language:
            return base_language(meta.language)
        for code in self.library.transcript_languages(video_id):
            if code:
                return base_language(code)
        return ""

    def summary(
        self, video_id: str, lang: str | None = None, *, make: bool = True
    ) -> Summary | None:
        """The stored summary of a video in `lang`, or in its original language when None.

        Never "the newest in any language": a translation is shown only when asked for. When the
        video has no summary in its own language yet, the built-in one is made once (concurrent
        callers wait for it rather than each making their own) and stored.
        """
        original = self.original_language(video_id)  # NotFoundError for an unknown id
        want = base_language(lang)
        found = self._stored_summary(video_id, want, original)
        if found is not None or not make:
            return found
        if _asks_translation(want, original):
            return None  # another language is a translation: made on request, never here
        with self._flight(video_id):
            found = self._stored_summary(video_id, want, original)
            if found is not None:
                return found
            try:
                transcript = self.library.get_transcript(video_id)
            except NotFoundError:
                return None
            if not transcript.segments:
                return None
            try:
                with _FIRST_SUMMARIES:
                    summary = self.summarize_transcript(transcript, model=BUILTIN)
            except SummarizeError:  # nothing to summarize (only fillers): the page shows none
                return None
            if want and base_language(summary.language) != want:
                return None
            self.library.save_summary(video_id, summary)
            self.index(video_id)
            return summary

    def _stored_summary(self, video_id: str, want: str, original: str) -> Summary | None:
        """The summary `pick_summary` chooses among a video's stored ones."""
        return pick_summary(self.library.list_summaries(video_id), want, original)

    def video_view(
        self, video_id: str, lang: str | None = None, *, make: bool = True
    ) -> tuple[VideoView, Summary | None]:
        """A video's page data (read at once) and the summary it shows, chosen as `summary` does.

        Without `make`, a summary that would have to be made first raises `SummaryPending`.
        """
        view = self.library.video_view(video_id)
        original = base_language(view.meta.language)
        if not original:
            original = next((base_language(c) for c in view.transcript_languages if c), "")
        want = base_language(lang)
        found = pick_summary(view.summaries, want, original)
        if found is None and view.has_transcript:
            if not make and not _asks_translation(want, original):
                raise SummaryPending(video_id)
            found = self.summary(video_id, lang)  # the built-in one, made once and stored
        return view, found

    def _flight(self, key: str) -> threading.Lock:
        with self._flights_lock:
            return self._flights.setdefault(key, threading.Lock())

    # --- ask and translate ------------------------------------------------------------------

    def ask(
        self,
        ref: str,
        question: str,
        *,
        model: str | None = None,
        lang: str | None = None,
        progress: ProgressFn = no_progress,
        fetch: bool = True,
    ) -> Answer:
        """Answer a question about one video: a library id, or (with `fetch`) any source, stored."""
        from distill.summarize import ask

        question = check_question(question)
        chosen = choose_model(model)
        if not fetch:
            ref = self.video_id(ref)  # NotFoundError: faces with untrusted ids never fetch
        transcript, stored = self._source_transcript(ref, lang, progress)
        if not stored:
            self.library.save_transcript(transcript)
            self.index(transcript.meta.id)
        from distill.anchors import anchored_answer, is_timeless, with_stand_in_times

        with _BUILTIN_ANSWERS if chosen == BUILTIN else contextlib.nullcontext():
            if is_timeless(transcript):
                timed, amap = with_stand_in_times(transcript)
                return anchored_answer(ask(timed, question, model=chosen), amap)
            return ask(transcript, question, model=chosen)

    def translate(
        self,
        video_id: str,
        to: str,
        *,
        model: str | None = None,
        progress: ProgressFn = no_progress,
    ) -> Summary:
        """The summary in language `to`: stored already, or translated from the original and stored."""
        target = (to or "").strip()
        if not target.replace("-", "").isalpha() or not 2 <= len(target) <= 8:
            raise InputError(f"{to!r} is not a language code; pass one like es or pt-BR.")
        video_id = self.video_id(video_id)
        original = self.summary(video_id)
        if original is None:
            raise NotFoundError(
                f"{video_id} has no summary to translate yet; run `distill summarize "
                f"{video_id}` first."
            )
        if base_language(target) == base_language(original.language):
            return original
        existing = self._stored_summary(video_id, base_language(target), "")
        if existing is not None:
            return existing
        chosen = choose_model(model)
        if chosen == BUILTIN:
            from distill.summarize import language_name

            raise InputError(
                f"Translating into {language_name(target)} needs a model: pass --model "
                "provider:name (e.g. ollama:llama3.2) or set DISTILL_MODEL."
            )
        from distill.summarize import translate as translate_summary

        translated = translate_summary(original, target, chosen, progress=progress)
        translated = translated.model_copy(update={"translated_from": original.language})
        self.library.save_summary(video_id, translated)
        return translated

    def can_translate(self) -> bool:
        """Whether a model is configured, so summaries can be translated."""
        return resolve_model_string(None) != BUILTIN


__all__ = [
    "Distill",
    "DistillError",
    "Plan",
    "Reindexed",
    "Summarized",
    "base_language",
    "check_meta",
    "check_question",
    "choose_model",
]
