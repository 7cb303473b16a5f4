"""A file cache of model results under `<cache_dir>/llm`, keyed by a hash, written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from distill.files import sha256_text, write_atomic


def cache_key(*parts: Any) -> str:
    """A stable hash of JSON-serialisable parts."""
    raw = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return sha256_text(raw)


class ResultCache:
    """JSON documents by key; a corrupt or missing entry is a miss, never an error."""

    def __init__(self, root: Path | None = None) -> None:
        if root is None:
            from distill.settings import get_settings

            root = get_settings().cache_dir / "llm"
        self.root = root

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.json"

    def get(self, kind: str, key: str) -> Any | None:
        """The stored document, or None."""
        try:
            return json.loads(self._path(kind, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store a document; readers see the old file or the new one, never half of one."""
        write_atomic(self._path(kind, key), json.dumps(value, ensure_ascii=False))
