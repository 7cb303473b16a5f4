"""Ids by unique prefix, as git does: the full id, or the one stored id a prefix begins."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from distill.errors import AmbiguousIdError

# How many matching ids an ambiguity error names before "and N more".
SHOWN_MATCHES = 5


def ids_with_prefix(conn: Connection, column: sa.Column, prefix: str) -> list[str]:
    """Every stored id in `column` that starts with `prefix`, case-sensitively, sorted."""
    if not prefix:
        return []
    # LIKE narrows the rows with the index (autoescape makes % and _ literal); SQLite's LIKE
    # ignores ASCII case, so the exact test in Python makes both databases agree.
    rows = conn.execute(sa.select(column).where(column.startswith(prefix, autoescape=True)))
    return sorted(value for (value,) in rows if value.startswith(prefix))


def pick_one(prefix: str, matches: list[str], noun: str) -> str | None:
    """The only match, None when there is none, or an AmbiguousIdError naming the first few."""
    if not matches:
        return None
    if len(matches) == 1:
        return matches[0]
    shown = ", ".join(matches[:SHOWN_MATCHES])
    more = len(matches) - SHOWN_MATCHES
    if more > 0:
        shown += f" and {more} more"
    raise AmbiguousIdError(
        f"{prefix!r} matches {len(matches)} {noun}s ({shown}); give more of the id."
    )
