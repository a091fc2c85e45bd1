"""The PostgreSQL backend's connections, transactions, migrations and SQL dialect.

The store's logic (``store/sql/``) speaks SQLite's SQL to ``self.db``. Here that is
a ``PostgresConnection``: it rewrites each statement once into PostgreSQL's SQL
(``translate``; cached) and runs it with psycopg 3 on a connection from a
``psycopg_pool.ConnectionPool``:

- ``?`` placeholders become ``%s`` (a literal ``%`` is doubled);
- ``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING``;
- ``INSERT OR REPLACE INTO t (cols)`` becomes an upsert on ``t``'s primary key that sets
  the given columns and puts every other column back to its default, as SQLite's
  REPLACE (a new row) does; the keys and columns are read from the catalog once;
- ``ORDER BY`` puts NULLs first when ascending and last when descending, as SQLite
  does (PostgreSQL's default is the other way round);
- two-argument ``min``/``max`` become ``least``/``greatest``; ``IS NOT ?`` becomes
  ``IS DISTINCT FROM``;
- an ``INSERT`` into a table with an identity column returns it, so that ``lastrowid``
  reads as in ``sqlite3``.

Parameters are bound on the client (``psycopg.ClientCursor``), so that ``? IS NULL`` and
other untyped parameters read as in SQLite; a ``bool`` is stored as 0 or 1, as SQLite
stores it. Rows (``Row``) read by name, by position and as a mapping, as
``sqlite3.Row`` does.

Transactions: each thread has its own connection from the pool while it is inside
``transaction()``; nested calls join the outermost. A statement outside one runs in a
transaction of its own, and ``PostgresStore`` makes every store method one
transaction. The isolation level is PostgreSQL's default, READ COMMITTED: each
statement sees what was committed before it; what must not interleave with another
process takes a lock (the run lease locks ``run_lease``; migrations take an advisory
lock).

Migrations: the numbered ``.pg.sql`` scripts beside SQLite's, one per SQLite
migration (see ``sql.base.migrations``), applied in order, each in its own
transaction, tracked in ``schema_version`` (one row) instead of ``PRAGMA
user_version``, under an advisory lock so that processes opening a new database at
once migrate it once.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from newsdesk.errors import StoreError
from newsdesk.store.sql.base import SQLDatabase, migrations

MIGRATION_LOCK = 0x6E657773  # "news": the advisory lock migrations hold
POOL_MAX = 4


class Row:
    """A row read by column name, by position, or whole (``dict(row)``), like
    ``sqlite3.Row``."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


@dataclass
class Result:
    """An executed statement's rows (all read), row count and new identity."""

    rows: list[Row] = field(default_factory=list)
    rowcount: int = -1
    lastrowid: int | None = None

    def fetchone(self) -> Row | None:
        return self.rows.pop(0) if self.rows else None

    def fetchall(self) -> list[Row]:
        rows, self.rows = self.rows, []
        return rows


@dataclass(frozen=True)
class Table:
    """What the translation needs of a table: its columns, key and identity column."""

    columns: tuple[str, ...]
    key: tuple[str, ...]
    identity: str | None


_PLACEHOLDER = re.compile(r"\?")
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_OR_REPLACE = re.compile(
    r"^\s*INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.IGNORECASE | re.DOTALL
)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_MIN_MAX = re.compile(r"\b(min|max)\(([^(),]+),([^(),]+)\)", re.IGNORECASE)
_IS_NOT = re.compile(r"\bIS\s+NOT\s+\?", re.IGNORECASE)


_ORDER_BY = re.compile(r"\bORDER\s+BY\s", re.IGNORECASE)
_ORDER_END = re.compile(r"\s(LIMIT|OFFSET|FOR|UNION)\b", re.IGNORECASE)


def _nulls_as_sqlite(sql: str) -> str:
    """Every ``ORDER BY`` term of ``sql`` with SQLite's place for NULLs."""
    out, at = [], 0
    for match in _ORDER_BY.finditer(sql):
        if match.start() < at:
            continue
        start = match.end()
        depth, end = 0, len(sql)
        for i in range(start, len(sql)):
            char = sql[i]
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    end = i
                    break
                depth -= 1
            elif depth == 0 and (stop := _ORDER_END.match(sql, i)):
                end = stop.start()
                break
        terms, depth, begin = [], 0, start
        for i in range(start, end):
            if sql[i] == "(":
                depth += 1
            elif sql[i] == ")":
                depth -= 1
            elif sql[i] == "," and depth == 0:
                terms.append(sql[begin:i])
                begin = i + 1
        terms.append(sql[begin:end])
        said = []
        for term in terms:
            bare = term.strip()
            if "NULLS" in bare.upper():
                said.append(bare)
            elif bare.upper().endswith(" DESC"):
                said.append(f"{bare} NULLS LAST")
            else:
                said.append(f"{bare} NULLS FIRST")
        out.append(sql[at:start] + ", ".join(said) + (" " if end < len(sql) else ""))
        at = end
    out.append(sql[at:].lstrip(" ") if out else sql[at:])
    return "".join(out)


def translate(sql: str, tables: dict[str, Table], returning: bool = True) -> tuple[str, bool]:
    """``sql`` (SQLite's) said for PostgreSQL, and whether it returns the new identity."""
    text = _nulls_as_sqlite(sql.replace("%", "%%"))
    text = _IS_NOT.sub("IS DISTINCT FROM ?", text)
    text = _MIN_MAX.sub(
        lambda m: f"{'least' if m[1].lower() == 'min' else 'greatest'}({m[2]},{m[3]})", text
    )
    if _OR_IGNORE.match(text):
        text = _OR_IGNORE.sub("INSERT INTO", text, count=1) + " ON CONFLICT DO NOTHING"
    elif replace := _OR_REPLACE.match(text):
        table = tables[replace[1]]
        given = [c.strip().strip('"') for c in replace[2].split(",")]
        sets = [f'"{c}" = excluded."{c}"' for c in given if c not in table.key]
        sets += [
            f'"{c}" = DEFAULT'
            for c in table.columns
            if c not in given and c not in table.key and c != table.identity
        ]
        keys = ", ".join(f'"{c}"' for c in table.key)
        action = f"DO UPDATE SET {', '.join(sets)}" if sets else "DO NOTHING"
        text = _OR_REPLACE.sub(lambda m: f"INSERT INTO {m[1]} ({m[2]})", text, count=1)
        text += f" ON CONFLICT ({keys}) {action}"
    returns = False
    insert = _INSERT.match(text)
    if returning and insert and "RETURNING" not in text.upper():
        table_of = tables.get(insert[1])
        if table_of is not None and table_of.identity is not None:
            text += f' RETURNING "{table_of.identity}"'
            returns = True
    return _PLACEHOLDER.sub("%s", text), returns


def _param(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


class PostgresConnection:
    """The ``Connection`` the store's SQL talks to (``sql.base.Connection``): SQLite's SQL
    run on PostgreSQL, in the calling thread's transaction or one of its own."""

    def __init__(self, pool: ConnectionPool[psycopg.Connection[Any]]) -> None:
        self.pool = pool
        self.tables: dict[str, Table] = {}
        self._local = threading.local()
        self._translate = lru_cache(maxsize=1024)(self._translated)

    def _translated(self, sql: str, returning: bool) -> tuple[str, bool]:
        return translate(sql, self.tables, returning)

    @property
    def current(self) -> psycopg.Connection[Any] | None:
        """This thread's connection while it is inside a transaction."""
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """This thread's transaction: a pooled connection from the outermost call on,
        committed when it ends, rolled back on an exception."""
        conn = self.current
        if conn is not None:
            yield conn
            return
        with self.pool.connection() as conn, conn.transaction():
            self._local.conn = conn
            try:
                yield conn
            finally:
                self._local.conn = None

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Result:
        text, returns = self._translate(sql, True)
        with self.transaction() as conn, conn.cursor() as cursor:
            cursor.execute(text, [_param(p) for p in parameters])
            result = Result(rowcount=cursor.rowcount)
            if cursor.description is not None:
                index = {c.name: i for i, c in enumerate(cursor.description)}
                result.rows = [Row(values, index) for values in cursor.fetchall()]
            if returns:
                identity = result.fetchone()
                result.lastrowid = None if identity is None else int(identity[0])
            return result

    def executemany(self, sql: str, parameters: Sequence[Sequence[Any]], /) -> Result:
        text, _ = self._translate(sql, False)
        rows = [[_param(p) for p in row] for row in parameters]
        if not rows:
            return Result(rowcount=0)
        with self.transaction() as conn, conn.cursor() as cursor:
            cursor.executemany(text, rows)
            return Result(rowcount=cursor.rowcount)


def _describe(conn: psycopg.Connection[Any]) -> dict[str, Table]:
    """The tables of the store's schema, for ``translate``."""
    columns: dict[str, list[str]] = {}
    identity: dict[str, str] = {}
    for table, column, is_identity in conn.execute(
        "SELECT table_name, column_name, is_identity FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ).fetchall():
        columns.setdefault(table, []).append(column)
        if is_identity == "YES":
            identity[table] = column
    keys: dict[str, list[str]] = {}
    for table, column in conn.execute(
        "SELECT c.relname, a.attname FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indrelid"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indisprimary AND c.relnamespace = current_schema()::regnamespace"
        " ORDER BY c.relname, array_position(i.indkey, a.attnum)"
    ).fetchall():
        keys.setdefault(table, []).append(column)
    return {
        t: Table(tuple(cols), tuple(keys.get(t, ())), identity.get(t))
        for t, cols in columns.items()
    }


class PostgresDatabase(SQLDatabase):
    """One PostgreSQL database, opened through a connection pool and migrated: the base
    of every part of ``PostgresStore``."""

    db: PostgresConnection

    def __init__(self, url: str, *, max_connections: int = POOL_MAX) -> None:
        self.url = url
        try:  # one connection first: a server that is not there fails at once, and clearly
            psycopg.connect(url).close()
        except psycopg.Error as exc:
            raise StoreError(f"{_safe(url)}: cannot connect to PostgreSQL ({_line(exc)})") from exc
        pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, max_connections),
            kwargs={"autocommit": True, "cursor_factory": psycopg.ClientCursor},
            open=False,
            name="newsdesk",
        )
        try:
            pool.open(wait=True, timeout=30.0)
        except (PoolTimeout, psycopg.Error) as exc:
            pool.close()
            raise StoreError(f"{_safe(url)}: cannot connect to PostgreSQL ({_line(exc)})") from exc
        self.db = PostgresConnection(pool)
        try:
            self.migrate()
        except BaseException:
            pool.close()
            raise

    def close(self) -> None:
        self.db.pool.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; nested calls join the outermost transaction (per thread)."""
        with self.db.transaction():
            yield

    @property
    def schema_version(self) -> int:
        with self.db.pool.connection() as conn:
            return _version(conn)

    def migrate(self) -> None:
        """Apply every migration newer than the database, each in its own transaction."""
        with self.db.pool.connection() as conn:
            for number, script in migrations("postgresql"):
                try:
                    with conn.transaction():
                        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                        conn.execute(
                            "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"
                        )
                        if number <= _version(conn):
                            continue
                        conn.execute(script)
                        conn.execute("DELETE FROM schema_version")
                        conn.execute("INSERT INTO schema_version VALUES (%s)", (number,))
                except psycopg.Error as exc:
                    raise StoreError(
                        f"{_safe(self.url)}: migration {number:04d} failed: {_line(exc)}"
                    ) from exc
            self.db.tables = _describe(conn)


def _version(conn: psycopg.Connection[Any]) -> int:
    exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _safe(url: str) -> str:
    """``url`` without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def _line(exc: BaseException) -> str:
    """``exc``'s message on one line."""
    return " ".join(str(exc).split())
