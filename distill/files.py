"""Small file helpers every package uses: content hashes and whole-or-nothing writes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from distill.errors import DistillError

BLOCK = 1 << 20  # read files in 1 MiB blocks: bounded memory for any size


def sha256_file(path: str | Path) -> str:
    """The hex sha256 of a file's content."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    """The hex sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a whole file or nothing: a temp file in the same folder, synced, then renamed.

    A path that is a folder, or a folder that cannot be written, is one DistillError naming
    the path; no temp file is left behind either way.
    """
    path = Path(path)
    if path.is_dir():
        raise DistillError(f"{path} is a folder, not a file; pass a file path to write to.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise DistillError(
            f"Cannot write {path} ({exc.strerror or exc}); pass a path in a writable folder."
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise DistillError(
                f"Cannot write {path} ({exc.strerror or exc}); pass a path in a writable folder."
            ) from None
        raise
