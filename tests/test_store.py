"""The store, on both backends: the tests taking ``database`` or ``store`` run against
SQLite and against a real PostgreSQL (``tests/postgres.py`` starts a throwaway one, or
skips those with the reason where none can be started); the rest are SQLite's own."""

import gzip
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk.errors import StoreBusy, StoreError
from newsdesk.records import Article
from newsdesk.store import SQLiteStore, Store, open_store
from newsdesk.store.runs import lease_held, this_host

SCHEMA4 = Path(__file__).parent / "fixtures" / "schema4"


@pytest.fixture
def store(database: str) -> Iterator[Store]:
    opened = open_store(database)
    yield opened
    opened.close()


def integrity_error(database: str) -> type[Exception]:
    """What the backend of ``database`` raises for a broken constraint."""
    if database.startswith("postgresql:"):
        import psycopg

        return psycopg.IntegrityError
    return sqlite3.IntegrityError


def article(n: int, text: str = "Lawmakers voted on the budget.") -> Article:
    return Article(f"a{n}", f"https://example.org/{n}", "Example", f"Title {n}", text, "2020-01-01")


def test_new_database_is_migrated_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    version = store.schema_version
    assert version >= 1
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()
    again = SQLiteStore(tmp_path / "db.sqlite")
    assert again.schema_version == version
    again.close()


def test_an_article_keeps_the_time_and_offset_its_source_gave(database: str) -> None:
    timed = replace(article(1), published="2025-12-02", published_at="2025-12-02T23:30:00-05:00")
    naive = replace(article(2), published="2025-12-02", published_at="2025-12-02T23:30:00")
    dated = replace(article(3), published="2025-12-02")
    store = open_store(database)
    for one in (timed, naive, dated):
        assert store.add_article(one, None)
    assert store.articles() == [timed, naive, dated]
    assert store.article("a1") == timed
    assert {a.id: a.published_at for a in store.search("budget")} == {
        "a1": timed.published_at,
        "a2": naive.published_at,
        "a3": None,
    }
    store.close()
    again = open_store(database)
    assert [a.published_at for a in again.articles()] == [
        "2025-12-02T23:30:00-05:00",
        "2025-12-02T23:30:00",
        None,
    ]
    again.close()


def test_an_old_database_is_migrated_and_keeps_its_days(tmp_path: Path) -> None:
    """A schema-4 store (``tests/fixtures/schema4``): its articles keep the days stored, with
    no time (none was kept), and it stores the times of new ones."""
    database = tmp_path / "old.db"
    database.write_bytes(gzip.decompress((SCHEMA4 / "newsdesk.db.gz").read_bytes()))
    with closing(sqlite3.connect(database)) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 4
        days = dict(old.execute("SELECT id, published FROM articles").fetchall())
    assert days and all(days.values())
    latest = SQLiteStore(tmp_path / "latest.db")
    store = SQLiteStore(database)
    try:
        assert store.schema_version == latest.schema_version
        stored = store.articles()
        assert {a.id: a.published for a in stored} == days
        assert {a.published_at for a in stored} == {None}
        timed = replace(article(1), published_at="2020-01-01T21:00:00+09:00")
        assert store.add_article(timed, None)
        assert store.article("a1") == timed
    finally:
        store.close()
        latest.close()


def test_foreign_keys_refuse_story_of_unknown_article(database: str, store: Store) -> None:
    with pytest.raises(integrity_error(database)):
        store.assign(article(1), "s-1", None)
    assert store.counts()["stories"] == 0


def test_transaction_rolls_back_everything_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_article(article(1), None)
        raise RuntimeError("boom")
    assert store.counts()["articles"] == 0


def test_full_text_search(store: Store) -> None:
    store.add_article(article(1, "The Senate passed the infrastructure bill."), None)
    store.add_article(article(2, "A storm hit the coast."), None)
    store.add_article(article(3, "The storm passed; the Senate met."), None)
    assert [a.id for a in store.search("infrastructure")] == ["a1"]
    assert [a.id for a in store.search("INFRASTRUCTURE")] == ["a1"]  # case folded
    assert [a.id for a in store.search("Title 2")] == ["a2"]  # titles are searched too
    assert sorted(a.id for a in store.search('"senate" OR "coast"')) == ["a1", "a2", "a3"]
    assert [a.id for a in store.search("storm senate")] == ["a3"]  # every word
    assert [a.id for a in store.search('"the storm passed"')] == ["a3"]  # a phrase
    assert [a.id for a in store.search("storm NOT senate")] == ["a2"]
    assert len(store.search('"senate" OR "coast"', limit=2)) == 2
    assert store.search("nowhere") == []
    with pytest.raises(StoreError, match="bad search query"):
        store.search('"unbalanced')


def test_not_a_database_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.db") as info:
        open_store(path)
    assert "\n" not in str(info.value)


def test_an_unreachable_postgres_is_a_one_line_error() -> None:
    pytest.importorskip("psycopg")
    url = "postgresql://newsdesk:secret@127.0.0.1:1/news?connect_timeout=1"
    with pytest.raises(StoreError, match=r"cannot connect to PostgreSQL") as info:
        open_store(url)
    assert "secret" not in str(info.value)


# -- the run lease: one run at a time per store ---------------------------------------------


def dead_pid() -> int:
    """The pid of a process of this host that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_one_connection_can_take_the_lease(database: str) -> None:
    first, second = open_store(database), open_store(database)
    run = first.start_run(lease_s=60)
    with pytest.raises(StoreBusy, match=r"^another run \(pid \d+, started .+\) holds this store$"):
        second.start_run(lease_s=60)
    holder = second.lease()
    assert holder is not None
    assert (holder.run_id, holder.pid, holder.host) == (run.id, os.getpid(), this_host())
    assert [r.id for r in second.runs()] == [run.id]  # the refused run recorded nothing
    first.finish_run(run)
    assert second.lease() is None
    taken = second.start_run(lease_s=60)
    now = first.lease()
    assert now is not None and now.run_id == taken.id
    second.finish_run(taken)
    first.close()
    second.close()


def test_an_expired_lease_is_taken_over_and_its_run_reads_as_interrupted(
    database: str,
) -> None:
    store = open_store(database)
    killed = store.start_run(lease_s=60)
    (running,) = store.runs()
    assert running.status == "running" and running.lease is not None
    assert running.lease.pid == os.getpid()
    past = time.time() - 120
    store.db.execute("UPDATE run_lease SET heartbeat = ?, expires = ?", (past, past + 60))
    assert store.lease() is None
    (interrupted,) = store.runs()
    assert (interrupted.status, interrupted.lease) == ("interrupted", None)
    other = open_store(database)
    taker = other.start_run(lease_s=60)
    assert [(r.id, r.status) for r in other.runs()] == [
        (taker.id, "running"),
        (killed.id, "interrupted"),
    ]
    assert store.db.execute("SELECT status FROM runs WHERE id = ?", (killed.id,)).fetchone()[0] == (
        "interrupted"
    )
    assert not store.renew_lease(killed.id, 60)  # the old run lost it for good
    other.finish_run(taker)
    store.close()
    other.close()


def test_a_lease_whose_process_is_gone_is_free_at_once_on_its_host(store: Store) -> None:
    """A ``kill -9``ed run on this machine does not make the next run wait out the lease;
    one on another machine does, because its process cannot be checked from here."""
    run = store.start_run(lease_s=60)
    store.db.execute("UPDATE run_lease SET pid = ?", (dead_pid(),))
    assert store.lease() is None
    gone = store._lease_row()
    assert gone is not None
    elsewhere = replace(gone, host="elsewhere.example")
    assert lease_held(elsewhere)
    assert not lease_held(elsewhere, now=elsewhere.expires + 1)
    taken = store.start_run(lease_s=60)
    assert taken.id != run.id and store.lease() is not None


def test_the_heartbeat_renews_from_another_thread(store: Store) -> None:
    run = store.start_run(lease_s=1)
    before = store.lease()
    assert before is not None
    renewed: list[bool] = []
    worker = threading.Thread(target=lambda: renewed.append(store.renew_lease(run.id, 600)))
    worker.start()
    worker.join()
    after = store.lease()
    assert renewed == [True] and after is not None
    assert after.expires > before.expires + 500
    store.finish_run(run)
    assert not store.renew_lease(run.id, 600)


def test_two_connections_storing_one_article_never_collide(database: str) -> None:
    first, second = open_store(database), open_store(database)
    assert first.add_article(article(1), None) is True
    assert second.add_article(article(1), None) is False  # insert-or-ignore, no IntegrityError
    assert second.add_article(article(1, "Other text under the same id."), None) is False
    stored = first.article("a1")
    assert stored is not None and stored.text == article(1).text
    assert first.counts()["articles"] == 1
    assert [a.id for a in first.search("budget")] == ["a1"]  # the text index has it once
    first.close()
    second.close()
