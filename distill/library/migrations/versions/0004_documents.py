"""Documents without times, batches, follows and Kindle clippings.

Segments gain a page (PDF) and paragraph (article, book) anchor; a batch records the entries a
playlist, channel or feed expanded into and the job of each; a follow is a channel or feed checked
for new entries on a schedule; clippings are a Kindle book's highlights, notes and bookmarks.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("segments") as batch:
        batch.add_column(sa.Column("page", sa.Integer))
        batch.add_column(sa.Column("paragraph", sa.Integer))
    op.create_table(
        "batches",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("follow_id", sa.String(32)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_batches_created_at", "batches", ["created_at"])
    op.create_table(
        "batch_items",
        sa.Column(
            "batch_id",
            sa.String(32),
            sa.ForeignKey("batches.id", ondelete="CASCADE", name="fk_batch_items_batch"),
            primary_key=True,
        ),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("entry_id", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("job_id", sa.String(32)),
        sa.Column("skipped", sa.Boolean, nullable=False),
    )
    op.create_table(
        "follows",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("source", sa.Text, nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("checked_at", TS),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "clippings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "video_id",
            sa.Text,
            sa.ForeignKey("videos.id", ondelete="CASCADE", name="fk_clippings_video"),
            nullable=False,
        ),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("page", sa.Text),
        sa.Column("location", sa.Text),
        sa.Column("added", sa.Text),
        sa.UniqueConstraint("video_id", "idx", name="uq_clippings_video_idx"),
    )


def downgrade() -> None:
    op.drop_table("clippings")
    op.drop_table("follows")
    op.drop_table("batch_items")
    op.drop_index("ix_batches_created_at", table_name="batches")
    op.drop_table("batches")
    with op.batch_alter_table("segments") as batch:
        batch.drop_column("paragraph")
        batch.drop_column("page")
