"""The database underneath the library: URL handling, engine setup, migrations, transactions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from distill.errors import LibraryError
from distill.library.backends import backend_for
from distill.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration; a database already at this revision opens without loading Alembic.
HEAD_REVISION = "0005"


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (the only kind the library stores)."""
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands back naive ones)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def normalize_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs by pointing them at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def reason(exc: sa.exc.SQLAlchemyError) -> str:
    """The database's own one-line reason for a failure, without SQL or parameters."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class Database:
    """One SQLite file or PostgreSQL database, migrated to the newest schema on open."""

    def __init__(self, url: str | None = None) -> None:
        if url is None:
            settings = get_settings()
            settings.home.mkdir(parents=True, exist_ok=True)
            url = settings.db_url
        self.url = normalize_url(url)
        self._together = threading.local()  # the connection of a `together` block, per thread
        try:
            parsed = sa.engine.make_url(self.url)
        except sa.exc.ArgumentError:
            raise LibraryError(
                f"the database URL {url!r} is not valid; set DISTILL_DATABASE_URL to a URL "
                "like sqlite:////path/distill.db or postgresql+psycopg://user@host/db."
            ) from None
        self._shown_url = parsed.render_as_string(hide_password=True)
        self._backend = backend_for(parsed.get_backend_name())
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(
                    f"cannot create the library folder {folder}: {exc.strerror}; "
                    "set DISTILL_HOME or DISTILL_DATABASE_URL to a writable place."
                ) from None
        # A server connection can drop between uses; a SQLite file's cannot, so it is not pinged.
        options: dict[str, Any] = {"pool_pre_ping": parsed.get_backend_name() != "sqlite"}
        if parsed.get_backend_name() == "sqlite":
            # One connection per web request thread (40 at most), kept rather than reopened.
            options.update(pool_size=20, max_overflow=30)
        if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
            # An in-memory database lives in one connection: share it instead of one per thread.
            options = {
                "poolclass": sa.pool.StaticPool,
                "connect_args": {"check_same_thread": False},
            }
        try:
            self.engine = sa.create_engine(parsed, **options)
        except ImportError as exc:
            raise LibraryError(
                f"the database driver for {self._shown_url} is not installed ({exc}); "
                "install it with `pip install 'distill[postgres]'`."
            ) from None
        self._backend.setup(self.engine)
        try:
            self._migrate()
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise LibraryError(
                f"cannot open the library at {self._shown_url}: {reason(exc)}; "
                "check DISTILL_DATABASE_URL and that the database is reachable."
            ) from None
        except Exception as exc:
            from alembic.util.exc import CommandError

            self.engine.dispose()
            if isinstance(exc, CommandError):
                raise LibraryError(
                    f"the library at {self._shown_url} has a schema this version of distill "
                    f"does not know ({exc}); upgrade distill or point DISTILL_DATABASE_URL "
                    "elsewhere."
                ) from None
            raise

    def close(self) -> None:
        """Release every database connection."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._shown_url!r})"

    @property
    def dialect(self) -> str:
        """The database kind: "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    def _migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic `upgrade head`)."""
        if self._revision() == HEAD_REVISION:
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self._write() as conn:
            self._backend.lock_for_migration(conn)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def _revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: committed if the block finishes, rolled back otherwise (or
        a part of this thread's `together` block)."""
        outer: Connection | None = getattr(self._together, "conn", None)
        if outer is not None:
            yield outer
            return
        with self.engine.connect() as conn:
            conn.execution_options(distill_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def together(self) -> Iterator[None]:
        """The writes of this thread inside the block are one transaction: all stored or none.

        Storing a summarized file (transcript, summary, passages) as one commit instead of
        three takes a quarter less of the writer's time (bench/ingest_cost.py).
        """
        if getattr(self._together, "conn", None) is not None:
            yield  # already inside one
            return
        try:
            with self._write() as conn:
                self._together.conn = conn
                try:
                    yield
                finally:
                    self._together.conn = None
        except sa.exc.SQLAlchemyError as exc:  # taking the write lock, or the commit
            raise LibraryError(
                f"could not store in the library at {self._shown_url}: {reason(exc)}; nothing "
                "of it was stored, try again."
            ) from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read-only connection; database failures become one clear LibraryError."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise LibraryError(
                f"cannot read the library at {self._shown_url}: {reason(exc)}; try again."
            ) from None
