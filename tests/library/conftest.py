"""Library fixtures: a real SQLite file and a real PostgreSQL server started for the session."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from distill.library import Library


def _pg_bindir() -> Path:
    """The directory holding initdb and pg_ctl; fails the run with the fix if there is none."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for found in reversed(candidates):
        if Path(found, "initdb").exists() and Path(found, "pg_ctl").exists():
            return Path(found)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    pytest.fail(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; install the Debian package "
        "`postgresql` or set DISTILL_TEST_POSTGRES_URL to a server to test against.",
        pytrace=False,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A server URL without database name: DISTILL_TEST_POSTGRES_URL, or a throwaway local server."""
    given = os.environ.get("DISTILL_TEST_POSTGRES_URL")
    if given:
        yield given.rsplit("/", 1)[0]
        return
    bindir = _pg_bindir()
    # In memory when possible: a throwaway server has no use for durable disk writes.
    shm = Path("/dev/shm")
    use_shm = shm.is_dir() and os.access(shm, os.W_OK)
    root = Path(tempfile.mkdtemp(prefix="distill-pg-", dir=shm if use_shm else None))
    data, sock, log = root / "data", root / "sock", root / "server.log"
    sock.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(sock, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    run = dict(check=True, capture_output=True, text=True)
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
         "-E", "UTF8", "--no-locale", "--no-sync"],
        **run,
    )  # fmt: skip
    port = _free_port()
    opts = (
        f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(log), "-w",
         "-t", "60", "start"],
        **run,
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


_db_numbers = itertools.count()


def new_postgres_db(server: str, *, template: str = "template0") -> str:
    """Create a database on the server (a copy of `template`); its URL."""
    import psycopg

    name = f"distill_test_{os.getpid()}_{next(_db_numbers)}"
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return f"{server}/{name}"


def drop_postgres_db(url: str) -> None:
    """Drop a database made by new_postgres_db (on a server the tests did not start)."""
    import psycopg

    server, name = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


EXTERNAL_SERVER = bool(os.environ.get("DISTILL_TEST_POSTGRES_URL"))
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each test runs once per database kind."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database (no schema yet) of each kind."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'library' / 'distill.db'}"
        return
    url = new_postgres_db(request.getfixturevalue("postgres_server"))
    yield url
    if EXTERNAL_SERVER:  # a throwaway server is removed whole
        drop_postgres_db(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite library file to copy (migrating once per session is enough)."""
    path = tmp_path_factory.mktemp("template") / "distill.db"
    Library(f"sqlite:///{path}").close()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> Iterator[str]:
    """The name of a migrated, empty PostgreSQL database to clone."""
    url = new_postgres_db(postgres_server)
    Library(url).close()
    yield url.rsplit("/", 1)[1]
    if EXTERNAL_SERVER:
        drop_postgres_db(url)


@pytest.fixture
def lib(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Library]:
    """An open Library on a fresh database with the current schema."""
    url: str
    if backend == "sqlite":
        path = tmp_path / "library" / "distill.db"
        path.parent.mkdir()
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        template = request.getfixturevalue("postgres_template")
        url = new_postgres_db(request.getfixturevalue("postgres_server"), template=template)
    library = Library(url)
    yield library
    library.close()
    if backend == "postgres" and EXTERNAL_SERVER:
        drop_postgres_db(url)
