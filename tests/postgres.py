"""A throwaway PostgreSQL server for the store's tests, and a database per test.

``postgres_server`` (session) gives the URL of a server with a superuser:

- ``NEWSDESK_TEST_POSTGRES=postgresql://...`` names an existing server to use instead
  (its user must be allowed to create databases);
- otherwise a cluster is made with PostgreSQL's own binaries (``initdb`` and ``pg_ctl``,
  found on ``PATH`` or in ``/usr/lib/postgresql/*/bin``, as Debian installs them):
  ``initdb -D DIR/data -U postgres -A trust -E UTF8 --no-locale`` into a fresh temporary
  folder, then ``pg_ctl -D DIR/data -w start`` with ``listen_addresses=''`` (no TCP at
  all) and its unix socket in that folder (``unix_socket_directories=DIR``). PostgreSQL
  refuses to run as root, so when the tests run as root the folder is handed to
  ``nobody`` and both commands run as that user (``runuser -u nobody --``). The cluster is
  stopped (``pg_ctl stop -m immediate``) and its folder removed at the end of the session.

Where no server can be had the tests that need one are skipped, with the reason
(``PostgreSQL not available: ...``). ``postgres_url`` creates an empty database for one
test and drops it afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ENV = "NEWSDESK_TEST_POSTGRES"


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class Cluster:
    """A cluster in a temporary folder, listening on a unix socket there only."""

    def __init__(self) -> None:
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
        if initdb is None or pg_ctl is None:
            raise RuntimeError("initdb not found (install Debian's postgresql)")
        self.pg_ctl = pg_ctl
        self.folder = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
        self.data = self.folder / "data"
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse root: run them as nobody
            runuser = shutil.which("runuser")
            if runuser is None:
                shutil.rmtree(self.folder, ignore_errors=True)
                raise RuntimeError("cannot run initdb as a non-root user (no runuser)")
            shutil.chown(self.folder, "nobody")
            self.prefix = [runuser, "-u", "nobody", "--"]
        self._run(
            initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' -c fsync=off"
        self._run(
            pg_ctl, "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w",
            "start",
        )  # fmt: skip
        self.url = f"postgresql://postgres@/postgres?host={self.folder}"

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self.prefix, *command], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            shutil.rmtree(self.folder, ignore_errors=True)
            raise RuntimeError(
                f"{Path(command[0]).name} failed: {(done.stderr or done.stdout).strip()} {tail}"
            )

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def database_url(server: str, name: str) -> str:
    """``server``'s URL with its database replaced by ``name``."""
    return urlsplit(server)._replace(path=f"/{name}").geturl()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server the tests may create databases on (see above)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL not available: psycopg is not installed")
    given = os.environ.get(ENV)
    if given:
        yield given
        return
    try:
        cluster = Cluster()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """An empty database of its own for one test, dropped after it."""
    import psycopg

    name = f"newsdesk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(postgres_server, name)
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store is, once per backend: a SQLite file, or an empty PostgreSQL database of
    its own (the store tests run on both)."""
    if request.param == "sqlite":
        return str(tmp_path / "db.sqlite")
    url: str = request.getfixturevalue("postgres_url")
    return url
