"""SQLite and PostgreSQL are one store: the same schema, the same answers to every part's
reads after the same writes, and safe writers in several processes at once.

The PostgreSQL side runs on the throwaway server of ``tests/postgres.py`` (skipped with
the reason where none can be started); the translation of SQLite's SQL into
PostgreSQL's is checked without one.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import desk_support
import published_store
from newsdesk.errors import StoreBusy
from newsdesk.records import (
    Article,
    ArticleVersion,
    AuditEntry,
    Correction,
    DeskSession,
    DeskUser,
    DraftEdit,
    DuplicateLink,
    Feed,
    FeedEntry,
    FeedState,
    Furniture,
    FurtherCoverage,
    Placement,
    Publication,
    Quarantined,
    Review,
    Roundup,
    SignInAttempt,
    Snapshot,
    StageRun,
    StoredFeatures,
    WordCounts,
)
from newsdesk.store import Store, open_store, postgres_url

SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture
def pair(tmp_path: Path, postgres_url: str) -> Iterator[tuple[Store, Store]]:
    """A SQLite store and a PostgreSQL store, both new."""
    lite, pg = open_store(tmp_path / "db.sqlite"), open_store(postgres_url)
    yield lite, pg
    lite.close()
    pg.close()


def article(n: int, text: str = "Lawmakers voted on the budget.") -> Article:
    return Article(f"a{n}", f"https://example.org/{n}", "Example", f"Title {n}", text, "2020-01-01")


# -- one schema ------------------------------------------------------------------------------


def sqlite_columns(path: Path) -> dict[str, list[str]]:
    with closing(sqlite3.connect(path)) as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'articles_fts%'"
            )
        ]
        return {t: [r[1] for r in db.execute(f'PRAGMA table_info("{t}")')] for t in tables}


def postgres_columns(url: str) -> dict[str, list[str]]:
    import psycopg

    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def test_both_backends_end_with_the_same_tables_and_columns(
    tmp_path: Path, postgres_url: str
) -> None:
    """Every migration is said for both (``NNNN_name.sql`` and ``NNNN_name.pg.sql``): after
    them both have the same tables with the same columns in the same order, but for what
    stands in for SQLite's own machinery (its FTS5 tables; PostgreSQL's ``rowid``,
    ``schema_version`` and its own ``articles_fts``)."""
    lite, pg = open_store(tmp_path / "db.sqlite"), open_store(postgres_url)
    assert lite.schema_version == pg.schema_version == 20  # type: ignore[attr-defined]
    lite.close()
    pg.close()
    expected = sqlite_columns(tmp_path / "db.sqlite")
    found = postgres_columns(postgres_url)
    assert found.pop("schema_version") == ["version"]
    found["articles"].remove("rowid")
    assert found.pop("articles_fts") == ["rowid", "document"]
    assert found == expected


def test_a_postgres_database_is_migrated_once_by_processes_opening_it_at_once(
    postgres_url: str,
) -> None:
    with SPAWN.Pool(3) as pool:
        versions = pool.map(_open_and_version, [postgres_url] * 3)
    assert versions == [20, 20, 20]


def _open_and_version(url: str) -> int:
    store = open_store(url)
    try:
        return int(store.schema_version)  # type: ignore[attr-defined]
    finally:
        store.close()


# -- the same answers ------------------------------------------------------------------------


def write_everything(store: Store) -> None:
    """One of every write of every part, in an order the stages could make them."""
    desk_support.fill(store)  # type: ignore[arg-type]
    published_store.fill(store)  # type: ignore[arg-type]
    # articles: pages, versions, snapshots, fingerprints, links, furniture
    page = Article("p1", "https://example.net/p", "Net", "Page one", "First text here.", None)
    snapshot = Snapshot("f" * 64, page.url, "2024-01-01T00:00:00+00:00", "text/html", b"\x00\xff")
    store.save_page_article(
        page,
        ArticleVersion("p1", 1, "h1", page.title, page.text, "2024-01-01", snapshot.sha256),
        snapshot,
        b"\x01\x02",
        None,
        None,
    )
    copy = replace(page, id="p2", outlet="Copycat")
    store.save_page_article(
        copy,
        ArticleVersion("p2", 1, "h1", copy.title, copy.text, "2024-01-02"),
        None,
        b"\x01\x02",
        DuplicateLink("p2", "p1", "exact", 1.0),
        None,
    )
    newer = replace(page, text="Second text, longer than the first.")
    store.save_page_article(
        newer,
        ArticleVersion("p1", 2, "h2", newer.title, newer.text, "2024-01-03"),
        None,
        b"\x03",
        None,
        None,
    )
    store.save_furniture("p1", [Furniture(0, 6, "dateline"), Furniture(8, 12, "byline")], "m1")
    store.save_fingerprint("a1", "ha1", b"\x09" * 8)
    # stories: placements, merges, skips, features, further coverage, threads
    store.place(Placement(page, "s-page", "2024-01-03", categories=(("s-page", "Tech"),)), 7)
    store.place(
        Placement(
            copy,
            "s-page",
            "2024-01-02",
            copy_of=DuplicateLink("p2", "p1", "near", 0.9),
            versions=(("s-page", 2),),
        ),
        7,
    )
    store.add_article(article(9, ""), None)
    store.skip_article(article(9, ""), "no text")
    store.save_features(
        [StoredFeatures("p1", "h", "m", b"\x00\x01", b"\x02", b"\x03", b"\x04", "Ada", "{}")],
        WordCounts(3, b"\x05\x06"),
    )
    store.add_article(replace(article(10), lang="fr"), None)
    store.set_aside(FurtherCoverage("a10", "s-page", "fr", article(10).hash))
    store.add_to_thread("t-page", "Pages", "s-page", "2024-01-03")
    store.settle_stories("2019-05-01")
    # drafts: the desk's edits, reviews, corrections; publications
    story = desk_support.CLEAN
    draft = store.draft(story)
    assert draft is not None
    edit = DraftEdit(story, 0, 1, 1, "body", "edit", "a", "b", "supported", "", "ada", "2024")
    store.save_edit(draft, store.verdicts(story), edit)
    store.save_edit(draft, store.verdicts(story), replace(edit, action="move"))
    store.save_review(Review(story, 1, "approved", "fine", "ada", "2024-01-01"))
    store.save_review(Review(story, 1, "held", "wait", "eve", "2024-01-02"))
    store.save_correction(Correction(story, "wrong", "right", "a1", "ada", "2024-01-03"))
    store.save_publication(Publication("index.html", "abc", None))
    store.save_publication(Publication("index.html", "abd", story))
    # roundups
    roundup = Roundup("r1", "t-page", "Pages", "2024-W01", ("s-page",), "k1")
    store.save_roundup(roundup, draft, "w1")
    store.save_gated_roundup("r1", draft, store.verdicts(story), store.gate_record(story), "c1")  # type: ignore[arg-type]
    store.save_roundup(replace(roundup, id="r2"), draft, "w1")
    # feeds
    assert store.add_feed(Feed("Net", "https://example.net/feed", "Net", "Tech", "en"))
    assert not store.add_feed(Feed("Net again", "https://example.net/feed", "Net"))
    store.save_feed_state(FeedState("https://example.net/feed", etag='"x"', failures=2))
    store.save_feed_state(FeedState("https://example.net/feed", etag='"y"', last_status=304))
    entries = [FeedEntry(f"https://example.net/{n}", f"k{n}", f"T{n}") for n in range(4)]
    assert store.add_feed_entries("https://example.net/feed", entries, "2024-01-01") == 4
    changed = [replace(entries[0], title="T0 changed"), entries[1]]
    assert store.add_feed_entries("https://example.net/feed", changed, "2024-01-02") == 1
    store.finish_entry("https://example.net/feed", "k1", "stored", "2024-01-02", "p1")
    store.fail_entry("https://example.net/feed", "k2", "timeout", "2024-01-02", 1)
    store.fail_entry("https://example.net/feed", "k3", "timeout", "2024-01-02", 3)
    # runs
    run = store.start_run(lease_s=60)
    store.save_stage_run(run, 0, StageRun("ingest", 3, 2, ["one error"], 1.5, 1, 10, 20, 0.25))
    store.quarantine(Quarantined("write", "s-1", "in1", "boom", run.id, "2024-01-01"))
    store.quarantine(Quarantined("write", "s-2", "in2", "bang", run.id, "2024-01-02"))
    store.release("write", "s-1")
    run.status = "done"
    store.finish_run(run)
    store.start_run()
    # desk
    assert store.add_user(DeskUser("Ada", "admin", "hash", "2024-01-01"))
    assert not store.add_user(DeskUser("ADA", "editor", "other", "2024-01-01"))
    assert store.add_user(DeskUser("eve", "editor", "hash2", "2024-01-01", disabled=True))
    assert store.set_user_disabled("EVE", False)
    store.set_password_hash("ada", "hash3")
    store.signed_in("Ada", "2024-01-05")
    for n, expires in enumerate(("2024-01-02", "2030-01-01", "2030-01-02")):
        user = "Ada" if n < 2 else "eve"
        store.add_session(DeskSession(f"tok{n}", user, "csrf", "2024", expires, "2024", "::1"))
    store.touch_session("tok1", "2024-06-01")
    assert store.end_expired_sessions("2025-01-01") == 1
    assert store.end_session("tok2")
    for n, ok in enumerate((False, False, True, False)):
        store.record_signin(SignInAttempt(f"2024-01-0{n + 1}", "ada", "10.0.0.1", ok))
    store.forget_signins("2024-01-02")
    for n, who in enumerate(("Ada", "ada", "eve", None)):
        store.audit(AuditEntry(f"2024-01-0{n + 1}", who, "::1", "sign-in", f"t{n}", ""))  # type: ignore[arg-type]


def read_everything(store: Store) -> dict[str, Any]:
    """What every read of every part answers."""
    ids = [a.id for a in store.articles()]
    stories = [s.id for s in store.stories()]
    drafts = list(store.drafts())
    return {
        "articles": store.articles(),
        "some articles": store.articles(["p2", "nope", "a1"]),
        "hashes": [store.article_hash(i) for i in ids],
        "search": sorted(a.id for a in store.search('"budget" OR "bank" OR "text"')),
        "originals": store.originals(ids),
        "versions": [store.article_versions(i) for i in ids],
        "latest": [store.latest_version(i) for i in ids],
        "snapshot": store.snapshot("f" * 64),
        "fingerprints": store.fingerprints(),
        "without fingerprint": [a.id for a in store.articles_without_fingerprint()],
        "duplicates": store.duplicate_links(),
        "unmarked": [a.id for a in store.unmarked_articles("m1", 100)],
        "unassigned": [a.id for a in store.unassigned_articles()],
        "stories": store.stories(),
        "story": [store.story(s) for s in [*stories, "nope"]],
        "stories by id": store.stories_by_id([*stories, "nope"]),
        "resolve": [store.resolve_story(s) for s in stories],
        "story versions": store.story_versions(stories),
        "skipped": store.skipped_articles(),
        "open stories": [store.open_stories(None), store.open_stories("2019-05-01")],
        "newest day": store.newest_story_day(),
        "threads": store.threads(),
        "thread": [store.thread("t-page"), store.thread_of("s-page")],
        "threads of": store.threads_of([*stories, "nope"]),
        "open threads": store.open_threads("2019-05-01"),
        "stories of": store.stories_of(ids),
        "days": [store.story_days(s) for s in stories],
        "article days": store.article_days([*ids, "nope"]),
        "features": store.features(ids),
        "word counts": store.word_counts(),
        "further": [store.further_coverage(s) for s in stories],
        "to write": [s.id for s in store.stories_to_write("w2")],
        "to write any": [s.id for s in store.stories_to_write()],
        "drafts": drafts,
        "draft": [store.draft(s) for s in stories],
        "to gate": [d.story_id for d in store.drafts_to_gate("test-checker")],
        "gate records": [store.gate_record(s) for s in stories],
        "verdicts": [store.verdicts(s) for s in stories],
        "edits": [store.edits(s) for s in stories],
        "reviews": [(store.reviews(s), store.review(s)) for s in stories],
        "corrections": [store.corrections(), store.corrections(desk_support.CLEAN)],
        "publication": [store.publication("index.html"), store.publication("nope")],
        "roundup keys": store.roundup_keys(),
        "roundups to gate": store.roundups_to_gate("c1"),
        "gated roundups": store.gated_roundups(),
        "feeds": store.stored_feeds(),
        "feed state": store.feed_state("https://example.net/feed"),
        "pending": store.pending_entries(),
        "entry counts": store.entry_counts(),
        "runs": [(r.status, r.stages, r.lease is not None) for r in store.runs()],
        "counts": store.counts(),
        "quarantined": [store.quarantined(), store.quarantined("ingest")],
        "lease": store.lease() is not None,
        "users": store.users(),
        "user": [store.user("ADA"), store.user("nobody")],
        "sessions": [store.session(f"tok{n}") for n in range(3)],
        "failed signins": [
            store.failed_signins("2024-01-01", name="ADA"),
            store.failed_signins("2024-01-01", address="10.0.0.1"),
        ],
        "audit": [
            [replace(e, id=None) for e in store.audit_log()],
            [e.target for e in store.audit_log(user="ADA")],
            [e.target for e in store.audit_log(action="sign-in", limit=2)],
        ],
    }


def test_every_part_answers_the_same_on_both_backends(pair: tuple[Store, Store]) -> None:
    lite, pg = pair
    write_everything(lite)
    write_everything(pg)
    expected, found = read_everything(lite), read_everything(pg)
    assert found.keys() == expected.keys()
    for key in expected:
        assert found[key] == expected[key], key
    assert expected["user"][0] is not None  # NOCASE names: ADA finds Ada on both
    assert len(expected["audit"][1]) == 2
    # the desk's own deletions cascade the same way
    assert lite.end_sessions_of("Ada") == pg.end_sessions_of("Ada") == 1


def test_reads_of_many_answer_as_reads_of_one(database: str) -> None:
    """What the stories stage reads for many stories or articles at once (one statement
    per table, not per item) answers what reading them one at a time does, merged ids,
    furniture and copies included, on both backends."""
    store = open_store(database)
    try:
        write_everything(store)
        for n in (11, 12):
            store.add_article(article(n), None)
        store.save_furniture("a11", [Furniture(4, 9, "byline"), Furniture(0, 3, "dateline")], "m")
        store.place(Placement(article(11), "s-new", "2024-01-04"), 8)
        merge = Placement(article(12), "s-page", "2024-01-05", merged=(("s-new", "s-page"),))
        store.place(merge, 8)
        stories = [s.id for s in store.stories()]
        ids = [a.id for a in store.articles()]
        assert store.stories_by_id([*stories, "s-new", "nope"]) == {
            s: store.story(s) for s in stories
        }
        assert store.story("s-new") == store.stories_by_id(["s-page"])["s-page"]
        assert store.threads_of([*stories, "nope"]) == {
            s: thread.id for s in stories if (thread := store.thread_of(s)) is not None
        }
        assert store.article_days([*ids, "nope"]) == {
            a: day for s in stories for a, day in store.story_days(s).items()
        }
        assert store.articles(ids) == [store.article(i) for i in ids]
        assert store.article("a11").furniture == (  # type: ignore[union-attr]
            Furniture(0, 3, "dateline"),
            Furniture(4, 9, "byline"),
        )
    finally:
        store.close()


def test_search_follows_a_new_version_of_an_article(database: str) -> None:
    """The search index is kept in step with the articles (FTS5's triggers in SQLite,
    ``articles_fts``'s in PostgreSQL): a new version's words are found, the old ones no
    longer."""
    store = open_store(database)
    try:
        page = Article("p1", "https://example.net/p", "Net", "Page", "Walrus habits.", None)
        store.save_page_article(
            page, ArticleVersion("p1", 1, "h1", "Page", page.text, "2024"), None, b"", None, None
        )
        assert [a.id for a in store.search('"walrus"')] == ["p1"]
        newer = replace(page, text="Penguin habits.")
        store.save_page_article(
            newer, ArticleVersion("p1", 2, "h2", "Page", newer.text, "2024"), None, b"", None, None
        )
        assert store.search('"walrus"') == []
        assert [a.text for a in store.search('"penguin"')] == ["Penguin habits."]
    finally:
        store.close()


# -- writers in several processes ------------------------------------------------------------


def _add_articles(url: str, start: Any, count: int) -> int:
    start.wait()
    store = open_store(url)
    try:
        added = 0
        for n in range(count):
            added += store.add_article(article(n), None)
            with store.transaction():
                if store.article_hash(f"b{n}") is None:
                    store.add_article(replace(article(n), id=f"b{n}"), None)
        return added
    finally:
        store.close()


def _in_processes(target: Callable[..., Any], url: str, *args: Any, n: int = 3) -> list[Any]:
    """``target(url, barrier, *args)`` in ``n`` processes at once, on a store created (and
    migrated) before they start."""
    open_store(url).close()
    with SPAWN.Manager() as manager:
        start = manager.Barrier(n)
        with SPAWN.Pool(n) as pool:
            return pool.starmap(target, [(url, start, *args)] * n)


def test_processes_adding_the_same_articles_at_once_store_each_once(database: str) -> None:
    added = _in_processes(_add_articles, database, 40)
    assert sum(added) == 40  # each article added by exactly one of them
    store = open_store(database)
    try:
        ids = [a.id for a in store.articles()]
        assert sorted(ids) == sorted({*(f"a{n}" for n in range(40)), *(f"b{n}" for n in range(40))})
        assert store.counts()["articles"] == 80
        assert [a.id for a in store.search('"budget"', limit=200)].count("a1") == 1
    finally:
        store.close()


def _take_lease(url: str, start: Any) -> int | None:
    store = open_store(url)
    try:
        start.wait()
        try:
            return store.start_run(lease_s=60).id
        except StoreBusy:
            return None
    finally:
        store.close()


def test_of_processes_starting_runs_at_once_one_takes_the_lease(database: str) -> None:
    taken = [run for run in _in_processes(_take_lease, database, n=4) if run is not None]
    assert len(taken) == 1
    store = open_store(database)
    try:
        assert [r.id for r in store.runs()] == taken  # the refused runs recorded nothing
    finally:
        store.close()


def test_workers_claiming_at_once_never_take_the_same_item(postgres_url: str) -> None:
    """``PostgresStore.claim`` (``FOR UPDATE SKIP LOCKED``): while one worker's
    transaction holds its items, another claiming the same query gets the others."""
    from newsdesk.store.postgres import PostgresStore

    first, second = PostgresStore(postgres_url), PostgresStore(postgres_url)
    feed = "https://example.net/feed"
    entries = [FeedEntry(f"https://example.net/{n}", f"k{n}") for n in range(5)]
    first.add_feed_entries(feed, entries, "2024-01-01")
    sql = "SELECT key FROM feed_entries WHERE status = 'pending' ORDER BY key LIMIT ?"
    done: list[str] = []
    with first.transaction():
        mine = [r["key"] for r in first.claim(sql, (2,))]
        with second.transaction():
            theirs = [r["key"] for r in second.claim(sql, (2,))]
            for key in theirs:
                second.finish_entry(feed, key, "stored", "2024-01-02")
        for key in mine:
            first.finish_entry(feed, key, "stored", "2024-01-02")
        done = mine + theirs
    assert mine == ["k0", "k1"] and theirs == ["k2", "k3"]
    assert sorted(done) == ["k0", "k1", "k2", "k3"]
    assert [p.entry.key for p in first.pending_entries()] == ["k4"]
    first.close()
    second.close()


# -- opening a PostgreSQL store --------------------------------------------------------------


def test_a_postgres_url_opens_a_postgres_store_even_through_a_path(postgres_url: str) -> None:
    """``[store] database`` is read as a path, which folds ``//``: the URL still opens."""
    from newsdesk.store.postgres import PostgresStore

    assert postgres_url.startswith("postgresql://")
    for given in (postgres_url, Path(postgres_url)):
        store = open_store(given)
        assert isinstance(store, PostgresStore)
        store.close()


def test_postgres_urls_are_told_from_sqlite_paths() -> None:
    assert postgres_url("news.db") is None
    assert postgres_url(Path("data/postgresql.db")) is None
    assert (
        postgres_url("postgresql://u@db.example:5432/news") == "postgresql://u@db.example:5432/news"
    )
    assert postgres_url(Path("postgresql://u@db.example/news")) == "postgresql://u@db.example/news"
    assert postgres_url("postgres://db/news") == "postgres://db/news"
    assert postgres_url("postgresql:///news?host=/tmp") == "postgresql:///news?host=/tmp"


def test_sqlite_sql_is_said_for_postgres() -> None:
    pytest.importorskip("psycopg")
    from newsdesk.store.postgres.base import Table, translate

    tables = {
        "roundups": Table(("id", "key", "written", "gated", "checker"), ("id",), None),
        "runs": Table(("id", "started", "status"), ("id",), "id"),
        "articles": Table(("id", "text", "rowid"), ("id",), "rowid"),
    }
    assert translate("SELECT * FROM t WHERE a = ? AND b LIKE '5%'", tables) == (
        "SELECT * FROM t WHERE a = %s AND b LIKE '5%%'",
        False,
    )
    assert translate("INSERT OR IGNORE INTO feeds (url) VALUES (?)", tables)[0] == (
        "INSERT INTO feeds (url) VALUES (%s) ON CONFLICT DO NOTHING"
    )
    assert translate("INSERT OR REPLACE INTO roundups (id, key, written) VALUES (?, ?, ?)", tables)[
        0
    ] == (
        'INSERT INTO roundups (id, key, written) VALUES (%s, %s, %s) ON CONFLICT ("id")'
        ' DO UPDATE SET "key" = excluded."key", "written" = excluded."written",'
        ' "gated" = DEFAULT, "checker" = DEFAULT'
    )
    assert translate("INSERT INTO runs (started, status) VALUES (?, 'running')", tables) == (
        "INSERT INTO runs (started, status) VALUES (%s, 'running') RETURNING \"id\"",
        True,
    )
    assert translate("INSERT INTO runs (started) VALUES (?)", tables, returning=False) == (
        "INSERT INTO runs (started) VALUES (%s)",
        False,
    )
    assert translate("SET a = min(a, excluded.a), b = max(b, excluded.b)", tables)[0] == (
        "SET a = least(a, excluded.a), b = greatest(b, excluded.b)"
    )
    assert translate("WHERE x IS NOT ? AND y IS NOT NULL", tables)[0] == (
        "WHERE x IS DISTINCT FROM %s AND y IS NOT NULL"
    )
