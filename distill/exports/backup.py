"""A whole library as a folder of JSON Lines files, and back: a lossless backup, and a way from
SQLite to PostgreSQL (or back) through files.

Every table is walked as `distill migrate` walks it (library/copy.py: key order, values
normalised), one row a line, so memory stays bounded for any size. `manifest.json` is written
last, with the row counts and the checksum of every row; a restore verifies both.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from distill.errors import InputError, LibraryError
from distill.library.copy import (
    BATCH,
    add_to_digest,
    checksum,
    count_rows,
    ensure_empty,
    reset_sequences,
    table_rows,
    tables,
)
from distill.library.database import HEAD_REVISION, reason
from distill.library.store import Library

FORMAT = "distill-backup"
VERSION = 1
MANIFEST = "manifest.json"
ProgressFn = Callable[[str, int, int], None]  # (table, rows so far, rows in all)


@dataclass(frozen=True)
class BackupReport:
    """Rows per table written or restored, and the checksum of every row."""

    folder: Path
    rows: dict[str, int]
    checksum: str

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _encode(column: sa.Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decoder(column: sa.Column[Any]) -> Callable[[Any], Any]:
    if isinstance(column.type, sa.DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(column.type, sa.LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v)
    if isinstance(column.type, sa.Float):
        return lambda v: None if v is None else float(v)
    return lambda v: v


def _check_target(folder: Path) -> Path:
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file; pass a folder for the backup.")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MANIFEST).is_file():
        raise InputError(
            f"{folder} holds other files; back up into an empty folder (or an earlier backup's)."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".distill-write-test").write_bytes(b"")
        (folder / ".distill-write-test").unlink()
    except OSError as exc:
        raise InputError(
            f"cannot write into {folder} ({exc.strerror or exc}); choose a folder you can write to."
        ) from None
    return folder


def _snapshot(conn: sa.Connection) -> None:
    """Every table read as of one moment, even while others write."""
    if conn.dialect.name == "postgresql":
        conn.execution_options(isolation_level="REPEATABLE READ")


def export_library(
    library: Library,
    folder: Path,
    *,
    progress: ProgressFn | None = None,
) -> BackupReport:
    """Write every table of the library into `folder` (one `<table>.jsonl` each), then the manifest."""
    folder = _check_target(folder)
    (folder / MANIFEST).unlink(missing_ok=True)  # a backup without its manifest is incomplete
    total = sum(count_rows(library).values())
    digest = hashlib.sha256()
    rows: dict[str, int] = {}
    done = 0
    try:
        with library.engine.connect() as conn:
            _snapshot(conn)
            with conn.begin():
                for table in tables():
                    names = [c.name for c in table.columns]
                    counted = _write_table(folder, table, names, table_rows(conn, table), digest)
                    rows[table.name] = counted
                    done += counted
                    if progress is not None:
                        progress(table.name, done, total)
    except sa.exc.SQLAlchemyError as exc:
        raise LibraryError(f"reading the library failed: {reason(exc)}; try again.") from None
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "schema": HEAD_REVISION,
        "created_at": datetime.now().astimezone().isoformat(),
        "tables": {
            t.name: {"rows": rows[t.name], "columns": [c.name for c in t.columns]} for t in tables()
        },
        "checksum": digest.hexdigest(),
    }
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)
    return BackupReport(folder=folder, rows=rows, checksum=digest.hexdigest())


def _write_table(
    folder: Path,
    table: sa.Table,
    names: list[str],
    stream: Iterator[tuple[Any, ...]],
    digest: Any,
) -> int:
    """One table as JSON Lines (written whole, then renamed into place); its row count."""
    count = 0
    path = folder / f"{table.name}.jsonl"
    tmp = path.with_suffix(".jsonl.tmp")
    columns = list(table.columns)

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal count
        with open(tmp, "w", encoding="utf-8") as out:
            for row in stream:
                data = {n: _encode(c, v) for n, c, v in zip(names, columns, row, strict=True)}
                out.write(json.dumps(data, ensure_ascii=False) + "\n")
                count += 1
                yield row

    add_to_digest(digest, table, rows())
    os.replace(tmp, path)
    return count


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a backup folder; one sentence when the folder is not a complete backup."""
    path = folder.expanduser() / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{folder} is not a complete distill backup (no {MANIFEST}); pass the folder "
            "`distill export json` wrote."
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path} ({exc}); pass an intact backup folder.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"{path} is not a distill backup's manifest; pass the backup's folder.")
    if str(manifest.get("schema", "")) > HEAD_REVISION:
        raise InputError(
            f"the backup is of a newer library (schema {manifest.get('schema')}, this distill "
            f"knows {HEAD_REVISION}); upgrade distill, then import it."
        )
    return manifest


def _backup_rows(folder: Path, table: sa.Table, known: list[str]) -> Iterator[dict[str, Any]]:
    decode = {c.name: _decoder(c) for c in table.columns if c.name in known}
    path = folder / f"{table.name}.jsonl"
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            try:
                data = json.loads(line)
            except ValueError:
                raise InputError(
                    f"line {number} of {path} is not JSON; the backup is damaged, restore it "
                    "from another copy."
                ) from None
            yield {name: fn(data.get(name)) for name, fn in decode.items()}


def import_library(
    target: Library,
    folder: Path,
    *,
    progress: ProgressFn | None = None,
) -> BackupReport:
    """Restore a backup into an empty library, in one transaction; verified by counts and checksum."""
    folder = folder.expanduser()
    manifest = read_manifest(folder)
    ensure_empty(target, "import")
    listed: dict[str, Any] = manifest.get("tables", {})
    ours = {t.name for t in tables()}
    unknown = sorted(set(listed) - ours)
    if unknown:
        raise InputError(
            f"the backup has tables this distill does not know ({', '.join(unknown)}); "
            "upgrade distill, then import it."
        )
    total = sum(int(v.get("rows", 0)) for v in listed.values())
    done = 0
    try:
        with target.engine.begin() as conn:
            for table in tables():
                if table.name not in listed:
                    continue
                known = list(listed[table.name].get("columns", []))
                batch: list[dict[str, Any]] = []
                for row in _backup_rows(folder, table, known):
                    batch.append(row)
                    if len(batch) >= BATCH:
                        conn.execute(sa.insert(table), batch)
                        done += len(batch)
                        batch = []
                        if progress is not None:
                            progress(table.name, done, total)
                if batch:
                    conn.execute(sa.insert(table), batch)
                    done += len(batch)
                if progress is not None:
                    progress(table.name, done, total)
            reset_sequences(target, conn)
    except FileNotFoundError as exc:
        raise InputError(
            f"{exc.filename} is missing from the backup; nothing was imported, restore the "
            "whole folder."
        ) from None
    except sa.exc.SQLAlchemyError as exc:
        raise LibraryError(
            f"importing the backup failed: {reason(exc)}; nothing was kept, fix the cause and "
            "import again."
        ) from None
    rows = count_rows(target)
    expected = {name: int(v.get("rows", 0)) for name, v in listed.items()}
    if any(rows.get(name, 0) != n for name, n in expected.items()):
        raise LibraryError(
            "the imported library does not have the backup's rows; empty it and import again."
        )
    mine = checksum(target)
    if manifest.get("schema") == HEAD_REVISION and mine != manifest.get("checksum"):
        raise LibraryError(
            "the imported rows differ from the backup's checksum (the files were changed); "
            "empty the library and import an intact backup."
        )
    return BackupReport(folder=folder, rows=rows, checksum=mine)
