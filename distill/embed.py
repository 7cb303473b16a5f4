"""Sentence embeddings on the CPU: WordLlama, whose weights ship inside its PyPI wheel.

Imported lazily (numpy and the model load only when something is embedded), so `distill --help`
stays fast. Vectors are unit length, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distill.errors import DistillError

if TYPE_CHECKING:
    import numpy as np

MODEL_CONFIG = "l2_supercat"
WEIGHTS_DIM = 256  # the size the wheel ships
# All of it: the model is trained so its first dimensions carry the most, but 128 of them lost
# the hybrid's edge over full-text alone on meetings-dev (answers' ROUGE-L).
DIM = 256
# The name stored with the vectors: a library built by another model (or size) is re-indexed.
MODEL_NAME = f"wordllama-{MODEL_CONFIG}-{DIM}"
BATCH = 512


class EmbeddingError(DistillError):
    """The embedding model could not be loaded."""


class Embedder:
    """One loaded embedding model: texts in, unit-length float32 vectors out."""

    name = MODEL_NAME
    dim = DIM

    def __init__(self, model: Any) -> None:
        self._model = model
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text (a zero row for a text with no known words)."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = []
        with self._lock:  # the tokenizer is not documented as thread-safe
            for i in range(0, len(texts), BATCH):
                batch = [t if t.strip() else "." for t in texts[i : i + BATCH]]
                vecs = self._model.embed(batch, norm=False, batch_size=BATCH)
                rows.append(np.asarray(vecs, dtype=np.float32)[:, : self.dim])
        out = np.vstack(rows)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


_LOCK = threading.Lock()
_EMBEDDER: Embedder | None = None


def cache_dir() -> Path:
    """Where the model's bundled tokenizer config is copied so the loader finds it offline."""
    from distill.settings import get_settings

    return get_settings().home / "models" / "wordllama"


def get_embedder() -> Embedder:
    """The embedding model, loaded once per process from the installed wheel (no download)."""
    global _EMBEDDER
    with _LOCK:
        if _EMBEDDER is None:
            _EMBEDDER = Embedder(_load())
        return _EMBEDDER


def _load() -> Any:
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        raise EmbeddingError(
            "semantic search needs the wordllama package, which is not installed; "
            "reinstall distill (`uv sync` or `pip install wordllama`)."
        ) from None
    finally:
        # wordllama calls logging.basicConfig(level=INFO) on import: every INFO record of every
        # library (Alembic's migrations, httpx's requests) then printed on stderr.
        root.handlers[:] = handlers
        root.setLevel(level)
    package = Path(wordllama.__file__).parent
    bundled = package / "tokenizers" / f"{MODEL_CONFIG}_tokenizer_config.json"
    # The loader looks in <package>/tokenizer/ (the wheel ships tokenizers/), then in
    # <cache>/tokenizers/, then downloads: a copy in the cache keeps it offline.
    folder = cache_dir()
    target = folder / "tokenizers" / bundled.name
    try:
        if not target.exists() and bundled.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            shutil.copyfile(bundled, tmp)
            tmp.replace(target)
        return WordLlama.load(
            config=MODEL_CONFIG,
            dim=WEIGHTS_DIM,
            trunc_dim=DIM,
            cache_dir=folder,
            disable_download=True,
        )
    except (OSError, ValueError, FileNotFoundError) as exc:
        raise EmbeddingError(
            f"the embedding model {MODEL_NAME} could not be loaded ({exc}); reinstall the "
            "wordllama package, or set DISTILL_HOME to a writable folder."
        ) from None


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored: float16 bytes (half the space, the same ranking)."""
    import numpy as np

    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(blobs: Sequence[bytes], dim: int = DIM) -> np.ndarray:
    """Stored vectors back as a float32 matrix, one row per blob."""
    import numpy as np

    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    joined = np.frombuffer(b"".join(blobs), dtype=np.float16)
    return joined.reshape(len(blobs), -1).astype(np.float32)
