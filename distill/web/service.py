"""What pages and the API both do: find a video's summary (making the builtin one if missing), submit jobs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from distill.domain import Answer, Summary, Transcript
from distill.errors import DistillError
from distill.web.uploads import UploadError, canonical_youtube_url, store_upload

if TYPE_CHECKING:
    from distill.library import Job
    from distill.web.state import AppState

log = logging.getLogger(__name__)


def page_summary(state: AppState, video_id: str, lang: str | None) -> Summary | None:
    """The stored summary in `lang` (any language if None); the builtin one is made and stored if none exists."""
    lib = state.library
    summary = lib.get_summary(video_id, language=lang) if lang else None
    if summary is None and not lang:
        summary = lib.get_summary(video_id)
    if summary is not None or (lang and lib.summary_languages(video_id)):
        return summary
    try:
        from distill.summarize import summarize

        transcript = lib.get_transcript(video_id)
        if not transcript.segments:
            return None
        summary = summarize(transcript, model="builtin")
        lib.save_summary(video_id, summary)
    except DistillError as exc:
        log.warning("could not summarize %s: %s", video_id, exc)
        return None
    except ImportError:
        return None
    if lang and summary.language != lang:
        return None
    return summary


def transcript_or_none(
    state: AppState, video_id: str, lang: str | None = None
) -> Transcript | None:
    from distill.errors import NotFoundError

    try:
        return state.library.get_transcript(video_id, language=lang)
    except NotFoundError:
        if lang:
            try:
                return state.library.get_transcript(video_id)
            except NotFoundError:
                return None
        return None


def ask(state: AppState, video_id: str, question: str, model: str | None = None) -> Answer:
    """Answer a question about one video from its stored transcript."""
    from distill.summarize import ask as ask_transcript

    question = question.strip()
    if not question:
        raise UploadError("Type a question about the video first.")
    if len(question) > 1000:
        raise UploadError("The question is too long; keep it under 1000 characters.")
    transcript = state.library.get_transcript(video_id)
    return ask_transcript(transcript, question, model=model or "builtin")


def summarized_youtube_id(state: AppState, url: str) -> str | None:
    """The id of a submitted YouTube video that is already in the library with a summary."""
    from distill.web.uploads import youtube_video_id

    vid = youtube_video_id(url)
    if vid is None or not state.library.has_video(vid):
        return None
    return vid if state.library.get_summary(vid) is not None else None


def submit_url(state: AppState, url: str, params: dict | None = None) -> Job:
    """A job for a YouTube URL (the same URL already queued or running gives that job)."""
    source = canonical_youtube_url(url)
    job = state.library.create_job(source, params=params or {})
    if state.worker is not None:
        state.worker.notify()
    return job


def refuse_oversized(state: AppState, content_length: str | None) -> None:
    """Refuse an upload whose declared size is over the limit before reading any of it."""
    try:
        length = int(content_length or 0)
    except ValueError:
        raise UploadError("The Content-Length header is not a number.") from None
    if length > state.max_upload_bytes + (1 << 20):
        raise UploadError(
            f"The upload is larger than the limit of {state.max_upload_bytes >> 20} MB; "
            "upload a smaller file or raise DISTILL_MAX_UPLOAD_MB.",
            status=413,
        )


def store_file(state: AppState, stream: BinaryIO, filename: str) -> Path:
    """Store an uploaded file under a random name after checking its type and size."""
    return store_upload(
        stream,
        filename,
        state.media_dir,
        max_media=state.max_upload_bytes,
        max_text=state.max_caption_bytes,
    )


def file_digest(path: str) -> str:
    """sha256 of a stored upload, read in 1 MB blocks."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def submit_file(state: AppState, path: str, params: dict | None = None) -> Job:
    """A job for a stored upload; the same content already queued or running gives that job."""
    import json
    import shutil

    digest = file_digest(path)
    params = {**(params or {}), "sha256": digest}
    # Keyed by content in the jobs table's unique index, so concurrent uploads of one file
    # make one job.
    same_as = "upload:" + json.dumps(params, sort_keys=True)
    job = state.library.create_job(path, params=params, same_as=same_as)
    if job.source != path:
        # Each upload has its own random folder: drop this copy, keep the active job.
        uploads = (state.media_dir / "uploads").resolve()
        folder = Path(path).resolve().parent
        if folder.parent == uploads:
            shutil.rmtree(folder, ignore_errors=True)
        return job
    if state.worker is not None:
        state.worker.notify()
    return job


def delete_video(state: AppState, video_id: str) -> None:
    """Delete a video from the library, and its uploaded media file if the web app stored it."""
    import shutil

    meta = state.library.get_video(video_id)
    paths = [meta.path] if meta.path else []
    paths += [j.source for j in state.library.list_jobs(limit=1000) if j.video_id == video_id]
    state.library.delete_video(video_id)
    uploads = (state.media_dir / "uploads").resolve()
    for path in paths:
        folder = Path(path).resolve().parent
        if folder.parent == uploads:
            shutil.rmtree(folder, ignore_errors=True)


def translation_model() -> str | None:
    """The configured model that can translate summaries, or None when only the builtin one is set."""
    from distill.settings import get_settings

    model = get_settings().model
    if not model or model == "builtin":
        return None
    try:
        from distill.summarize import translate  # noqa: F401
    except ImportError:
        return None
    return model


def translate(state: AppState, video_id: str, lang: str) -> Summary:
    """Translate the video's summary into `lang` with the configured model and store it."""
    model = translation_model()
    if model is None:
        raise UploadError(
            "Translating a summary needs a language model; start the server with "
            "DISTILL_MODEL set to one (for example ollama:llama3.2)."
        )
    import importlib

    module = importlib.import_module("distill.summarize.translate")
    fn = getattr(module, "translate_summary", None) or getattr(module, "translate", None)
    if fn is None:
        raise UploadError("This version of distill cannot translate summaries yet.")
    source = state.library.get_summary(video_id)
    if source is None:
        raise UploadError("This video has no summary to translate yet.")
    translated: Summary = fn(source, lang, model=model)
    state.library.save_summary(video_id, translated)
    return translated
