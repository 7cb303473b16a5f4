"""Transcripts of media cached by file content hash and model, so no file is transcribed twice."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from distill.domain import ProgressFn, no_progress
from distill.files import sha256_file, sha256_text, write_atomic
from distill.transcribe.engine import Transcription, transcribe
from distill.transcribe.models import DEFAULT_MODEL, model_label


def cache_dir() -> Path:
    """Where transcripts of media files are kept."""
    from distill.settings import get_settings

    return get_settings().cache_dir / "transcripts"


def cache_path(digest: str, model: str, language: str | None = None) -> Path:
    """The cache file for one file content, model and requested language."""
    label = re.sub(r"[^A-Za-z0-9._-]+", "_", model_label(model)).strip("_")[-60:]
    if len(model_label(model)) > 60 or "/" in model_label(model):
        label += "-" + sha256_text(model_label(model))[:8]
    lang = f"-{language}" if language else ""
    return cache_dir() / f"{digest}-{label}{lang}.json"


def load_cached(digest: str, model: str, language: str | None = None) -> Transcription | None:
    """The cached transcription, or None (a damaged cache file is ignored)."""
    path = cache_path(digest, model, language)
    try:
        return Transcription.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None


def store(digest: str, model: str, language: str | None, result: Transcription) -> Path:
    """Write a transcription atomically (temp file + rename): never a half-written cache file."""
    path = cache_path(digest, model, language)
    write_atomic(path, result.model_dump_json())
    return path


def transcribe_cached(
    path: str | Path,
    *,
    model: str | None = None,
    language: str | None = None,
    progress: ProgressFn = no_progress,
    digest: str | None = None,
) -> Transcription:
    """transcribe(), but a file already transcribed with this model comes from the cache."""
    if model is None:
        from distill.settings import get_settings

        model = get_settings().whisper_model or DEFAULT_MODEL
    digest = digest or sha256_file(path)
    cached = load_cached(digest, model, language)
    if cached is not None:
        progress("transcribe", cached.duration, cached.duration)
        return cached
    result = transcribe(path, model=model, language=language, progress=progress)
    store(digest, model, language, result)
    return result
