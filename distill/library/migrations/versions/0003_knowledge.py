"""Knowledge base: highlights and notes (with full-text search), passages with their vectors.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

# Highlights are searched by their quote, note and tags, like transcripts and summaries.
SQLITE_SEARCH = [
    # Its own copy of the text (highlights have no one column to point at), kept by triggers.
    """CREATE VIRTUAL TABLE highlight_fts USING fts5(text,
       tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER highlights_fts_ai AFTER INSERT ON highlights BEGIN
       INSERT INTO highlight_fts(rowid, text)
       VALUES (new.id, new.quote || ' ' || new.note || ' ' || new.tags); END""",
    """CREATE TRIGGER highlights_fts_ad AFTER DELETE ON highlights BEGIN
       DELETE FROM highlight_fts WHERE rowid = old.id; END""",
    """CREATE TRIGGER highlights_fts_au AFTER UPDATE ON highlights BEGIN
       DELETE FROM highlight_fts WHERE rowid = old.id;
       INSERT INTO highlight_fts(rowid, text)
       VALUES (new.id, new.quote || ' ' || new.note || ' ' || new.tags); END""",
    # Passages: what "ask the library" ranks by words (and by vectors, in Python).
    """CREATE VIRTUAL TABLE passage_fts USING fts5(text, content='passages', content_rowid='id',
       tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER passages_fts_ai AFTER INSERT ON passages BEGIN
       INSERT INTO passage_fts(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE TRIGGER passages_fts_ad AFTER DELETE ON passages BEGIN
       INSERT INTO passage_fts(passage_fts, rowid, text) VALUES ('delete', old.id, old.text); END""",
    """CREATE TRIGGER passages_fts_au AFTER UPDATE OF text ON passages BEGIN
       INSERT INTO passage_fts(passage_fts, rowid, text) VALUES ('delete', old.id, old.text);
       INSERT INTO passage_fts(rowid, text) VALUES (new.id, new.text); END""",
]
POSTGRES_SEARCH = [
    "ALTER TABLE highlights ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english', quote || ' ' || note || ' ' || tags)) STORED",
    "CREATE INDEX ix_highlights_tsv ON highlights USING GIN (tsv)",
    "ALTER TABLE passages ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED",
    "CREATE INDEX ix_passages_tsv ON passages USING GIN (tsv)",
]
SEARCH_DDL = {"sqlite": SQLITE_SEARCH, "postgresql": POSTGRES_SEARCH}


def upgrade() -> None:
    op.create_table(
        "highlights",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "video_id",
            sa.Text,
            sa.ForeignKey("videos.id", ondelete="CASCADE", name="fk_highlights_video"),
            nullable=False,
        ),
        sa.Column("start", sa.Float, nullable=False),
        sa.Column("end", sa.Float, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("after", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("tags", sa.Text, nullable=False),  # space-separated, lower-case
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_highlights_video_id", "highlights", ["video_id"])
    op.create_index("ix_highlights_created_at", "highlights", ["created_at"])
    op.create_table(
        "passages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "video_id",
            sa.Text,
            sa.ForeignKey("videos.id", ondelete="CASCADE", name="fk_passages_video"),
            nullable=False,
        ),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column(
            "highlight_id",
            sa.Integer,
            sa.ForeignKey("highlights.id", ondelete="CASCADE", name="fk_passages_highlight"),
        ),
        sa.Column("start", sa.Float),
        sa.Column("end", sa.Float),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("vector", sa.LargeBinary),
    )
    op.create_index("ix_passages_video_id", "passages", ["video_id"])
    op.create_index("ix_passages_highlight_id", "passages", ["highlight_id"])
    op.create_table(
        "library_info",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    for statement in SEARCH_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("highlight_fts", "passage_fts"):
            op.execute(f"DROP TABLE IF EXISTS {name}")
    op.drop_table("library_info")
    op.drop_table("passages")
    op.drop_table("highlights")
