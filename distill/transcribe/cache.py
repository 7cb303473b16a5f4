"""Transcripts of media cached by file content hash and model, so no file is transcribed twice."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

from pydantic import ValidationError

from distill.domain import ProgressFn, no_progress
from distill.transcribe.engine import Transcription, transcribe
from distill.transcribe.models import DEFAULT_MODEL, model_label

_BLOCK = 1 << 20


def file_sha256(path: str | Path) -> str:
    """The hex sha256 of a file's content, read in 1 MiB blocks (bounded memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def cache_dir() -> Path:
    """Where transcripts of media files are kept."""
    from distill.settings import get_settings

    return get_settings().cache_dir / "transcripts"


def cache_path(digest: str, model: str, language: str | None = None) -> Path:
    """The cache file for one file content, model and requested language."""
    label = re.sub(r"[^A-Za-z0-9._-]+", "_", model_label(model)).strip("_")[-60:]
    if len(model_label(model)) > 60 or "/" in model_label(model):
        label += "-" + hashlib.sha256(model_label(model).encode()).hexdigest()[:8]
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


def write_atomic(path: Path, text: str) -> None:
    """Write text to path via a temp file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
    digest = digest or file_sha256(path)
    cached = load_cached(digest, model, language)
    if cached is not None:
        progress("transcribe", cached.duration, cached.duration)
        return cached
    result = transcribe(path, model=model, language=language, progress=progress)
    store(digest, model, language, result)
    return result
