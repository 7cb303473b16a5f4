"""Highlights of any page: the time becomes optional, and a quote anchor gains its URL, page and
paragraph (a web page's highlight has a URL and a quote with context, a document's also its page
or paragraph; a video's keeps its times).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# SQLite rebuilds the table to change a column's NULL rule, which drops its triggers: the
# full-text copy of highlights (0003) is kept by these, so they are made again afterwards.
TRIGGERS = ("highlights_fts_ai", "highlights_fts_ad", "highlights_fts_au")
SQLITE_TRIGGERS = [
    """CREATE TRIGGER highlights_fts_ai AFTER INSERT ON highlights BEGIN
       INSERT INTO highlight_fts(rowid, text)
       VALUES (new.id, new.quote || ' ' || new.note || ' ' || new.tags); END""",
    """CREATE TRIGGER highlights_fts_ad AFTER DELETE ON highlights BEGIN
       DELETE FROM highlight_fts WHERE rowid = old.id; END""",
    """CREATE TRIGGER highlights_fts_au AFTER UPDATE ON highlights BEGIN
       DELETE FROM highlight_fts WHERE rowid = old.id;
       INSERT INTO highlight_fts(rowid, text)
       VALUES (new.id, new.quote || ' ' || new.note || ' ' || new.tags); END""",
]


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _make_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("highlights") as batch:
        batch.alter_column("start", existing_type=sa.Float, nullable=True)
        batch.alter_column("end", existing_type=sa.Float, nullable=True)
        batch.add_column(sa.Column("url", sa.Text))
        batch.add_column(sa.Column("page", sa.Integer))
        batch.add_column(sa.Column("paragraph", sa.Integer))
        batch.create_index("ix_highlights_url", ["url"])
    _make_triggers()


def downgrade() -> None:
    _drop_triggers()
    # Highlights without a time cannot live in the older table.
    op.execute('DELETE FROM highlights WHERE start IS NULL OR "end" IS NULL')
    with op.batch_alter_table("highlights") as batch:
        batch.drop_index("ix_highlights_url")
        batch.drop_column("paragraph")
        batch.drop_column("page")
        batch.drop_column("url")
        batch.alter_column("end", existing_type=sa.Float, nullable=False)
        batch.alter_column("start", existing_type=sa.Float, nullable=False)
    _make_triggers()
