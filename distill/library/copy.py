"""Copy a whole library into another database (SQLite to PostgreSQL), then prove nothing was lost."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from distill.errors import LibraryError
from distill.library.database import aware, reason
from distill.library.schema import metadata
from distill.library.store import Library

BATCH = 2000
ProgressFn = Callable[[str, int, int], None]  # (table, rows copied so far, rows in all)


@dataclass(frozen=True)
class CopyReport:
    """Rows copied per table, and the checksum both libraries agree on."""

    rows: dict[str, int]
    checksum: str

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[sa.Table]:
    """Every table of a library, parents before children: foreign keys hold as rows go in."""
    return list(metadata.sorted_tables)


def _key(table: sa.Table) -> list[sa.Column[Any]]:
    return list(table.primary_key.columns)


def _normal(value: Any) -> Any:
    """A value as both databases must hand it back: times as aware UTC, everything else as is."""
    if isinstance(value, datetime):
        return aware(value)
    return value


def table_rows(conn: sa.Connection, table: sa.Table) -> Iterator[tuple[Any, ...]]:
    """A table's rows in key order, values normalised, streamed (the walk every copy makes)."""
    result = conn.execution_options(stream_results=True).execute(
        sa.select(*table.columns).order_by(*_key(table))
    )
    while batch := result.fetchmany(BATCH):
        for row in batch:
            yield tuple(_normal(v) for v in row)


def add_to_digest(digest: Any, table: sa.Table, rows: Iterable[tuple[Any, ...]]) -> None:
    """Fold one table's rows (in key order, normalised) into a checksum."""
    digest.update(f"\0{table.name}\0".encode())
    for row in rows:
        digest.update(repr(row).encode())


def count_rows(library: Library) -> dict[str, int]:
    """Rows per table of the library."""
    with library.engine.connect() as conn:
        return {
            t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
            for t in tables()
        }


def checksum(library: Library) -> str:
    """A hash of every row of every table, in key order, with values normalised."""
    digest = hashlib.sha256()
    with library.engine.connect() as conn:
        for table in tables():
            add_to_digest(digest, table, table_rows(conn, table))
    return digest.hexdigest()


def ensure_empty(target: Library, doing: str = "migrate") -> None:
    """A LibraryError unless the target holds no rows at all."""
    have = count_rows(target)
    if any(have.values()):
        filled = ", ".join(f"{n} {t}" for t, n in have.items() if n)
        raise LibraryError(
            f"the target library already holds data ({filled}); {doing} into an empty database."
        )


def copy_library(
    source: Library, target: Library, progress: ProgressFn | None = None
) -> CopyReport:
    """Copy every row of `source` into the empty, migrated `target`, ids kept; verified by checksum."""
    ensure_empty(target)
    rows = count_rows(source)
    total = sum(rows.values())
    done = 0
    try:
        with source.engine.connect() as src, target.engine.begin() as dst:
            for table in tables():
                result = src.execution_options(stream_results=True).execute(
                    sa.select(*table.columns).order_by(*_key(table))
                )
                names = [c.name for c in table.columns]
                while batch := result.fetchmany(BATCH):
                    values = [dict(zip(names, (_normal(v) for v in r), strict=True)) for r in batch]
                    dst.execute(sa.insert(table), values)
                    done += len(values)
                    if progress is not None:
                        progress(table.name, done, total)
            reset_sequences(target, dst)
    except sa.exc.SQLAlchemyError as exc:
        raise LibraryError(
            f"copying the library failed: {reason(exc)}; nothing was kept in the target, "
            "fix the cause and run the migration again."
        ) from None
    if progress is not None:
        progress("verify", done, total)
    copied = count_rows(target)
    mine, theirs = checksum(source), checksum(target)
    if copied != rows or mine != theirs:
        raise LibraryError(
            "the copy does not match the original (rows or contents differ); the original is "
            "unchanged: empty the target database and run the migration again."
        )
    return CopyReport(rows=copied, checksum=mine)


def reset_sequences(target: Library, conn: sa.Connection) -> None:
    """PostgreSQL's id counters continue after the copied ids (SQLite needs nothing)."""
    if target.dialect != "postgresql":
        return
    for table in tables():
        for column in _key(table):
            if column.autoincrement is True or (
                column.autoincrement == "auto" and isinstance(column.type, sa.Integer)
            ):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)"
                    )
                )
