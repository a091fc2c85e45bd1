import sqlite3
from pathlib import Path

import pytest

from newsdesk.errors import StoreError
from newsdesk.records import Article
from newsdesk.store import SQLiteStore, open_store


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


def test_foreign_keys_refuse_story_of_unknown_article(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    with pytest.raises(sqlite3.IntegrityError):
        store.assign(article(1), "s-1", None)
    assert store.counts()["stories"] == 0
    store.close()


def test_transaction_rolls_back_everything_on_error(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_article(article(1), None)
        raise RuntimeError("boom")
    assert store.counts()["articles"] == 0
    store.close()


def test_full_text_search(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    store.add_article(article(1, "The Senate passed the infrastructure bill."), None)
    store.add_article(article(2, "A storm hit the coast."), None)
    assert [a.id for a in store.search("infrastructure")] == ["a1"]
    with pytest.raises(StoreError, match="bad search query"):
        store.search('"unbalanced')
    store.close()


def test_not_a_database_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.db") as info:
        open_store(path)
    assert "\n" not in str(info.value)


def test_postgres_urls_are_refused_clearly() -> None:
    with pytest.raises(Exception, match=r"PostgreSQL is not supported yet"):
        open_store("postgresql://localhost/news")
