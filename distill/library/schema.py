"""The library's tables as SQLAlchemy Core objects (the migrations in migrations/ create them)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Every timestamp is stored as UTC.
channels = sa.Table(
    "channels",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

videos = sa.Table(
    "videos",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("channel_id", sa.Text, sa.ForeignKey("channels.id", ondelete="SET NULL"), index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("duration", sa.Float),
    sa.Column("language", sa.Text),
    sa.Column("upload_date", sa.Text),
    sa.Column("meta", sa.Text, nullable=False),  # the VideoMeta as JSON
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# A channel's newest videos (its page, "more from this channel") without sorting them all.
sa.Index("ix_videos_channel_created", videos.c.channel_id, videos.c.created_at)

transcripts = sa.Table(
    "transcripts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("video_id", sa.Text, sa.ForeignKey("videos.id", ondelete="CASCADE"), nullable=False),
    sa.Column("language", sa.Text, nullable=False),  # "" when unknown
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("segment_count", sa.Integer, nullable=False),
    sa.Column("word_count", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("video_id", "language", name="uq_transcripts_video_language"),
)

segments = sa.Table(
    "segments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "transcript_id",
        sa.Integer,
        sa.ForeignKey("transcripts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("start", sa.Float),
    sa.Column("end", sa.Float),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("speaker", sa.Text),
    sa.Column("page", sa.Integer),
    sa.Column("paragraph", sa.Integer),
    sa.UniqueConstraint("transcript_id", "idx", name="uq_segments_transcript_idx"),
)

summaries = sa.Table(
    "summaries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("video_id", sa.Text, sa.ForeignKey("videos.id", ondelete="CASCADE"), nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # the Summary as JSON
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("video_id", "language", "model", name="uq_summaries_video_language_model"),
)

# One searchable line of a summary (TL;DR, insight, question and answer, takeaway, chapter).
summary_items = sa.Table(
    "summary_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "summary_id",
        sa.Integer,
        sa.ForeignKey("summaries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("start", sa.Float),
    sa.Column("text", sa.Text, nullable=False),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(32), nullable=False, unique=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("params", sa.Text, nullable=False),  # JSON object
    sa.Column("dedupe_key", sa.String(64), nullable=False),  # sha256 of source + params
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("stage", sa.Text),
    sa.Column("progress", sa.Float, nullable=False),
    sa.Column("message", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("video_id", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # Higher runs first (a person's submission before a batch); the same priority, oldest first.
    sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
)

sa.Index("ix_jobs_status_seq", jobs.c.status, jobs.c.seq)
sa.Index("ix_jobs_status_priority_seq", jobs.c.status, jobs.c.priority, jobs.c.seq)
sa.Index("ix_jobs_status_updated_at", jobs.c.status, jobs.c.updated_at)
_active = sa.text("status IN ('queued', 'running')")
# At most one queued-or-running job per source and parameters, even under concurrent creates.
sa.Index(
    "uq_jobs_active",
    jobs.c.dedupe_key,
    unique=True,
    sqlite_where=_active,
    postgresql_where=_active,
)

# A highlight of a video: anchored by time and by its quote with a little context either side,
# so it can be found again after a re-transcription. `version` grows by one on every edit: an
# update names the version it read, and a stale one is refused instead of overwriting.
highlights = sa.Table(
    "highlights",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "video_id",
        sa.Text,
        sa.ForeignKey("videos.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("start", sa.Float),  # NULL for a page or document without times
    sa.Column("end", sa.Float),
    sa.Column("quote", sa.Text, nullable=False),
    sa.Column("before", sa.Text, nullable=False),
    sa.Column("after", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("tags", sa.Text, nullable=False),  # space-separated, lower-case
    sa.Column("version", sa.Integer, nullable=False),
    # Where the quote sits when there is no time: the web page it was made on, a PDF's page,
    # an article's paragraph.
    sa.Column("url", sa.Text, index=True),
    sa.Column("page", sa.Integer),
    sa.Column("paragraph", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# What "ask the library" and semantic search retrieve: a few sentences of a transcript, a
# summary item or a highlight, with its moment and its embedding (float16 bytes; NULL until
# built). Rebuilt whole per video by the service whenever what it is made from changes.
passages = sa.Table(
    "passages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "video_id",
        sa.Text,
        sa.ForeignKey("videos.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("kind", sa.Text, nullable=False),  # transcript | summary | highlight
    sa.Column(
        "highlight_id", sa.Integer, sa.ForeignKey("highlights.id", ondelete="CASCADE"), index=True
    ),
    sa.Column("start", sa.Float),
    sa.Column("end", sa.Float),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("vector", sa.LargeBinary),
)

# Facts about the library as a whole, e.g. which embedding model built the stored vectors.
library_info = sa.Table(
    "library_info",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# A playlist, channel or feed expanded into jobs: one row per entry, skipped when already stored.
batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("follow_id", sa.String(32)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

batch_items = sa.Table(
    "batch_items",
    metadata,
    sa.Column(
        "batch_id",
        sa.String(32),
        sa.ForeignKey("batches.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("entry_id", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("job_id", sa.String(32)),
    sa.Column("skipped", sa.Boolean, nullable=False),
)

# A channel, playlist or feed checked on a schedule for new entries.
follows = sa.Table(
    "follows",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("source", sa.Text, nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("params", sa.Text, nullable=False),  # JSON: limit, lang, model
    sa.Column("checked_at", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# A Kindle book's highlights, notes and bookmarks (the book is a document of kind "book").
clippings = sa.Table(
    "clippings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("video_id", sa.Text, sa.ForeignKey("videos.id", ondelete="CASCADE"), nullable=False),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("type", sa.String(10), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("page", sa.Text),
    sa.Column("location", sa.Text),
    sa.Column("added", sa.Text),
    sa.UniqueConstraint("video_id", "idx", name="uq_clippings_video_idx"),
)

# Full-text objects the migrations add per database, which the tables above do not describe.
SEARCH_OBJECTS = frozenset(
    {
        "segment_fts",
        "summary_item_fts",
        "title_fts",
        "highlight_fts",
        "passage_fts",
        "tsv",
        "title_tsv",
    }
)
