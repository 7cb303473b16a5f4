"""Initial schema: channels, videos, transcripts, segments, summaries, jobs and full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

# SQLite: FTS5 tables kept in step by triggers, so every write path (and ON DELETE CASCADE) updates
# them inside the same transaction. Porter stemming so "vectors" finds "vector".
SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE segment_fts USING fts5(text, content='segments', content_rowid='id',
       tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER segments_fts_ai AFTER INSERT ON segments BEGIN
       INSERT INTO segment_fts(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE TRIGGER segments_fts_ad AFTER DELETE ON segments BEGIN
       INSERT INTO segment_fts(segment_fts, rowid, text) VALUES ('delete', old.id, old.text); END""",
    """CREATE TRIGGER segments_fts_au AFTER UPDATE OF text ON segments BEGIN
       INSERT INTO segment_fts(segment_fts, rowid, text) VALUES ('delete', old.id, old.text);
       INSERT INTO segment_fts(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE VIRTUAL TABLE summary_item_fts USING fts5(text, content='summary_items',
       content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER summary_items_fts_ai AFTER INSERT ON summary_items BEGIN
       INSERT INTO summary_item_fts(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE TRIGGER summary_items_fts_ad AFTER DELETE ON summary_items BEGIN
       INSERT INTO summary_item_fts(summary_item_fts, rowid, text)
       VALUES ('delete', old.id, old.text); END""",
    """CREATE TRIGGER summary_items_fts_au AFTER UPDATE OF text ON summary_items BEGIN
       INSERT INTO summary_item_fts(summary_item_fts, rowid, text)
       VALUES ('delete', old.id, old.text);
       INSERT INTO summary_item_fts(rowid, text) VALUES (new.id, new.text); END""",
    # Videos have a text key, so their titles live in an FTS table of their own.
    """CREATE VIRTUAL TABLE title_fts USING fts5(title, video_id UNINDEXED,
       tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER videos_fts_ai AFTER INSERT ON videos BEGIN
       INSERT INTO title_fts(title, video_id) VALUES (new.title, new.id); END""",
    """CREATE TRIGGER videos_fts_ad AFTER DELETE ON videos BEGIN
       DELETE FROM title_fts WHERE video_id = old.id; END""",
    """CREATE TRIGGER videos_fts_au AFTER UPDATE OF title ON videos BEGIN
       DELETE FROM title_fts WHERE video_id = old.id;
       INSERT INTO title_fts(title, video_id) VALUES (new.title, new.id); END""",
]

# PostgreSQL: generated tsvector columns with GIN indexes; nothing to keep in step by hand.
POSTGRES_SEARCH = [
    "ALTER TABLE segments ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED",
    "CREATE INDEX ix_segments_tsv ON segments USING GIN (tsv)",
    "ALTER TABLE summary_items ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED",
    "CREATE INDEX ix_summary_items_tsv ON summary_items USING GIN (tsv)",
    "ALTER TABLE videos ADD COLUMN title_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', title)) STORED",
    "CREATE INDEX ix_videos_title_tsv ON videos USING GIN (title_tsv)",
]

SEARCH_DDL = {"sqlite": SQLITE_SEARCH, "postgresql": POSTGRES_SEARCH}


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "videos",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column(
            "channel_id",
            sa.Text,
            sa.ForeignKey("channels.id", ondelete="SET NULL", name="fk_videos_channel"),
        ),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("duration", sa.Float),
        sa.Column("language", sa.Text),
        sa.Column("upload_date", sa.Text),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_videos_channel_id", "videos", ["channel_id"])
    op.create_index("ix_videos_created_at", "videos", ["created_at"])
    op.create_table(
        "transcripts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "video_id",
            sa.Text,
            sa.ForeignKey("videos.id", ondelete="CASCADE", name="fk_transcripts_video"),
            nullable=False,
        ),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("segment_count", sa.Integer, nullable=False),
        sa.Column("word_count", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("video_id", "language", name="uq_transcripts_video_language"),
    )
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "transcript_id",
            sa.Integer,
            sa.ForeignKey("transcripts.id", ondelete="CASCADE", name="fk_segments_transcript"),
            nullable=False,
        ),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("start", sa.Float),
        sa.Column("end", sa.Float),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("speaker", sa.Text),
        sa.UniqueConstraint("transcript_id", "idx", name="uq_segments_transcript_idx"),
    )
    op.create_table(
        "summaries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "video_id",
            sa.Text,
            sa.ForeignKey("videos.id", ondelete="CASCADE", name="fk_summaries_video"),
            nullable=False,
        ),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint(
            "video_id", "language", "model", name="uq_summaries_video_language_model"
        ),
    )
    op.create_table(
        "summary_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "summary_id",
            sa.Integer,
            sa.ForeignKey("summaries.id", ondelete="CASCADE", name="fk_summary_items_summary"),
            nullable=False,
        ),
        sa.Column("start", sa.Float),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_summary_items_summary_id", "summary_items", ["summary_id"])
    op.create_table(
        "jobs",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("dedupe_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("stage", sa.Text),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("video_id", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("id", name="uq_jobs_id"),
    )
    op.create_index("ix_jobs_status_seq", "jobs", ["status", "seq"])
    active = sa.text("status IN ('queued', 'running')")
    # At most one queued-or-running job per source and parameters, even under concurrent creates.
    op.create_index(
        "uq_jobs_active",
        "jobs",
        ["dedupe_key"],
        unique=True,
        sqlite_where=active,
        postgresql_where=active,
    )
    for statement in SEARCH_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("segment_fts", "summary_item_fts", "title_fts"):
            op.execute(f"DROP TABLE IF EXISTS {name}")
    for table in ("jobs", "summary_items", "summaries", "segments", "transcripts", "videos"):
        op.drop_table(table)
    op.drop_table("channels")
