"""Submitting work from the web: uploads stored and checked, YouTube URLs, both queued as jobs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from distill.domain import MetaOverride
from distill.errors import InputError
from distill.files import sha256_file
from distill.jobs.dispatch import PERSON_PRIORITY
from distill.service import check_meta
from distill.web.uploads import UploadError, canonical_url, store_upload, youtube_video_id

if TYPE_CHECKING:
    from distill.library import Batch, Job
    from distill.web.state import AppState


def store_file(state: AppState, stream: BinaryIO, filename: str) -> Path:
    """Store an uploaded file under a random name after checking its type and size."""
    return store_upload(
        stream,
        filename,
        state.media_dir,
        max_media=state.max_upload_bytes,
        max_text=state.max_caption_bytes,
    )


def submit_file(
    state: AppState, path: str, *, lang: str | None = None, title: str | None = None
) -> Job:
    """A job for a stored upload; the same content already queued or running gives that job."""
    if path.endswith(".clippings"):  # books made at once by the form's import, never a job
        _drop_upload(state, path)
        raise UploadError(
            "Kindle clippings are imported as books, not summarized as a job: upload them with "
            "the home page's form, or run `distill import kindle FILE`.",
            status=415,
        )
    try:
        meta = check_meta(MetaOverride(title=title)) if title and title.strip() else None
    except InputError:
        _drop_upload(state, path)  # nothing is kept of a refused submission
        raise
    digest = sha256_file(path)
    extra = {"sha256": digest}
    # Keyed by content (and the asked title and language) in the jobs table's unique index, so
    # concurrent uploads of one file make one job.
    key = {**extra, **({"lang": lang} if lang else {}), **({"title": meta.title} if meta else {})}
    same_as = "upload:" + json.dumps(key, sort_keys=True)
    try:
        job = state.service.submit(
            path, lang=lang, same_as=same_as, extra=extra, meta=meta, priority=PERSON_PRIORITY
        )
    except BaseException:
        _drop_upload(state, path)  # no job will ever read it
        raise
    if job.source != path:
        _drop_upload(state, path)  # each upload has its own folder: keep the active job's
    return job


def _drop_upload(state: AppState, path: str) -> None:
    folder = state.service.upload_folder(path)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def submit_url(state: AppState, url: str, *, lang: str | None = None) -> Job:
    """A job for one video, article or PDF URL (the same URL already queued gives that job)."""
    return state.service.submit(canonical_url(url), lang=lang, priority=PERSON_PRIORITY)


def submit_link(
    state: AppState,
    url: str,
    *,
    lang: str | None = None,
    limit: int | None = None,
    since: str | None = None,
) -> Job | Batch:
    """A batch for a playlist, channel or feed URL (one job per entry), else one job."""
    source = canonical_url(url)
    if youtube_video_id(source) is None:
        batch = state.service.submit_collection(source, limit=limit or 50, since=since, lang=lang)
        if batch is not None:
            return batch
    return state.service.submit(source, lang=lang, priority=PERSON_PRIORITY)


def import_clippings(state: AppState, path: Path) -> list[tuple[str, str, int]]:
    """Import an uploaded Kindle clippings file, then drop the upload."""
    try:
        return state.service.import_kindle(path.read_bytes(), "The uploaded file")
    finally:
        folder = state.service.upload_folder(str(path))
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def summarized_youtube_id(state: AppState, url: str) -> str | None:
    """The id of a submitted YouTube video that is already in the library with a summary."""
    vid = youtube_video_id(url)
    if vid is None or not state.library.has_video(vid):
        return None
    return vid if state.service.summary(vid, make=False) is not None else None
