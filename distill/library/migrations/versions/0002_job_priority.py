"""Jobs get a priority (a person's submission runs before a batch); indexes for finished jobs
and for a channel's newest videos.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("priority", sa.Integer, nullable=False, server_default="0"))
    # The embedded worker claims the most urgent queued job first, oldest first within a priority.
    op.create_index("ix_jobs_status_priority_seq", "jobs", ["status", "priority", "seq"])
    # Web processes look for jobs finished since they last looked, to forget those pages.
    op.create_index("ix_jobs_status_updated_at", "jobs", ["status", "updated_at"])
    # A channel's newest videos (its page, "more from this channel") without sorting them all.
    op.create_index("ix_videos_channel_created", "videos", ["channel_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_videos_channel_created", table_name="videos")
    op.drop_index("ix_jobs_status_updated_at", table_name="jobs")
    op.drop_index("ix_jobs_status_priority_seq", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("priority")
