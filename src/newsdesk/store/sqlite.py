"""SQLite implementation of the ``Store`` interface (the default backend).

WAL journaling and ``synchronous=NORMAL`` make every committed transaction
survive a killed process; foreign keys are on so that a draft can never cite
an article that is not stored. The schema is a list of numbered SQL files in
``migrations/`` applied in order and tracked with ``PRAGMA user_version``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, cast

from newsdesk.errors import StoreError
from newsdesk.records import (
    Article,
    Citation,
    Draft,
    Dropped,
    Feed,
    GateRecord,
    Publication,
    Run,
    Sentence,
    SourceRef,
    StageRun,
    Story,
    Verdict,
    content_hash,
)
from newsdesk.store.base import (
    ArticleVersion,
    DuplicateLink,
    EntryStatus,
    FeedEntry,
    FeedState,
    Fingerprint,
    PendingEntry,
    Snapshot,
)

COUNTED_TABLES = (
    "articles",
    "stories",
    "story_articles",
    "drafts",
    "sentences",
    "citations",
    "verdicts",
    "publications",
    "gate_records",
)


def _migrations() -> list[tuple[int, str]]:
    """The numbered migration scripts shipped in the package, in order."""
    folder = resources.files("newsdesk.store") / "migrations"
    scripts = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            scripts.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(scripts)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLiteStore:
    """A ``Store`` in one SQLite file (or ``:memory:``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA busy_timeout = 5000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a newsdesk database ({exc})") from exc
        self._depth = 0
        self.migrate()

    # -- plumbing ---------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; nested calls join the outermost transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._depth = 0

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply every migration newer than the database, each in its own transaction."""
        current = self.schema_version
        for number, script in _migrations():
            if number <= current:
                continue
            try:
                self.db.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            except sqlite3.DatabaseError as exc:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {number:04d} failed: {exc}") from exc

    def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        return cast(sqlite3.Row | None, self.db.execute(sql, params).fetchone())

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self.db.execute(sql, params).fetchall()

    # -- articles ---------------------------------------------------------

    def article_hash(self, article_id: str) -> str | None:
        row = self._one("SELECT hash FROM articles WHERE id = ?", (article_id,))
        return None if row is None else str(row["hash"])

    def add_article(self, article: Article, run_id: int | None) -> None:
        self.db.execute(
            "INSERT INTO articles"
            " (id, url, outlet, title, text, published, lang, extra, hash, run_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.url,
                article.outlet,
                article.title,
                article.text,
                article.published,
                article.lang,
                json.dumps(article.extra, ensure_ascii=False, sort_keys=True),
                article.hash,
                run_id,
            ),
        )

    @staticmethod
    def _article(row: sqlite3.Row) -> Article:
        return Article(
            id=row["id"],
            url=row["url"],
            outlet=row["outlet"],
            title=row["title"],
            text=row["text"],
            published=row["published"],
            lang=row["lang"],
            extra=json.loads(row["extra"]),
        )

    def article(self, article_id: str) -> Article | None:
        row = self._one("SELECT * FROM articles WHERE id = ?", (article_id,))
        return None if row is None else self._article(row)

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self._all("SELECT * FROM articles ORDER BY published, id")
            return [self._article(r) for r in rows]
        by_id = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self._all(f"SELECT * FROM articles WHERE id IN ({marks})", chunk):
                by_id[row["id"]] = self._article(row)
        return [by_id[i] for i in ids if i in by_id]

    def search(self, query: str, limit: int = 20) -> list[Article]:
        """Full-text search over titles and texts (SQLite FTS5 query syntax)."""
        try:
            rows = self._all(
                "SELECT articles.* FROM articles_fts"
                " JOIN articles ON articles.rowid = articles_fts.rowid"
                " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (query, limit),
            )
        except sqlite3.OperationalError as exc:
            raise StoreError(f"bad search query {query!r}: {exc}") from exc
        return [self._article(r) for r in rows]

    # -- stories ----------------------------------------------------------

    def unassigned_articles(self) -> list[Article]:
        rows = self._all(
            "SELECT a.* FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id"
            " WHERE s.article_id IS NULL ORDER BY coalesce(a.published, ''), a.id"
        )
        return [self._article(r) for r in rows]

    def assign(self, article: Article, story_id: str, run_id: int | None) -> None:
        """Put ``article`` in ``story_id``, creating the story or bumping its version."""
        with self.transaction():
            row = self._one("SELECT * FROM stories WHERE id = ?", (story_id,))
            date = article.published
            if row is None:
                self.db.execute(
                    "INSERT INTO stories (id, title, first_seen, last_seen, version, hash, run_id)"
                    " VALUES (?, ?, ?, ?, 1, '', ?)",
                    (story_id, article.title, date, date, run_id),
                )
            else:
                dates = [d for d in (row["first_seen"], row["last_seen"], date) if d]
                new_version = row["version"] + (1 if row["run_id"] != run_id else 0)
                self.db.execute(
                    "UPDATE stories SET first_seen = ?, last_seen = ?, version = ?, run_id = ?"
                    " WHERE id = ?",
                    (
                        min(dates, default=None),
                        max(dates, default=None),
                        new_version,
                        run_id,
                        story_id,
                    ),
                )
            self.db.execute(
                "INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)",
                (article.id, story_id),
            )
            members = [
                r[0]
                for r in self._all(
                    "SELECT article_id FROM story_articles WHERE story_id = ?", (story_id,)
                )
            ]
            self.db.execute(
                "UPDATE stories SET hash = ? WHERE id = ?",
                (content_hash(story_id, sorted(members)), story_id),
            )

    def _story(self, row: sqlite3.Row) -> Story:
        members = self._all(
            "SELECT a.id, a.outlet FROM story_articles s JOIN articles a ON a.id = s.article_id"
            " WHERE s.story_id = ? ORDER BY coalesce(a.published, ''), a.id",
            (row["id"],),
        )
        outlets = tuple(dict.fromkeys(m["outlet"] for m in members))
        return Story(
            id=row["id"],
            title=row["title"],
            article_ids=tuple(m["id"] for m in members),
            outlets=outlets,
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
            version=row["version"],
        )

    def stories(self) -> list[Story]:
        rows = self._all("SELECT * FROM stories ORDER BY coalesce(last_seen, '') DESC, id")
        return [self._story(r) for r in rows]

    def story(self, story_id: str) -> Story | None:
        row = self._one("SELECT * FROM stories WHERE id = ?", (story_id,))
        return None if row is None else self._story(row)

    # -- drafts -----------------------------------------------------------

    def stories_to_write(self) -> list[Story]:
        rows = self._all(
            "SELECT s.* FROM stories s LEFT JOIN drafts d ON d.story_id = s.id"
            " WHERE d.story_id IS NULL OR d.story_hash != s.hash ORDER BY s.id"
        )
        return [self._story(r) for r in rows]

    def save_draft(self, draft: Draft) -> None:
        """Replace the story's draft (and its verdicts) in one transaction."""
        sources = json.dumps([s.__dict__ for s in draft.sources], ensure_ascii=False)
        with self.transaction():
            self.db.execute("DELETE FROM drafts WHERE story_id = ?", (draft.story_id,))
            self.db.execute(
                "INSERT INTO drafts (story_id, story_hash, hash, category, date, writer, sources,"
                " version, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.story_id,
                    draft.story_hash,
                    draft.hash,
                    draft.category,
                    draft.date,
                    draft.writer,
                    sources,
                    draft.version,
                    json.dumps(list(draft.changes), ensure_ascii=False),
                ),
            )
            for position, sentence in enumerate(draft.sentences):
                self.db.execute(
                    "INSERT INTO sentences"
                    " (story_id, position, kind, text, paragraph, speaker, outlet, date)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        draft.story_id,
                        position,
                        sentence.kind,
                        sentence.text,
                        sentence.paragraph,
                        sentence.speaker,
                        sentence.outlet,
                        sentence.date,
                    ),
                )
                self.db.executemany(
                    "INSERT INTO citations"
                    ' (story_id, position, ordinal, article_id, field, start, "end")'
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (draft.story_id, position, n, c.article_id, c.field, c.start, c.end)
                        for n, c in enumerate(sentence.citations)
                    ],
                )

    def _draft(self, row: sqlite3.Row) -> Draft:
        story_id = row["story_id"]
        citations: dict[int, list[Citation]] = {}
        for c in self._all(
            "SELECT * FROM citations WHERE story_id = ? ORDER BY position, ordinal", (story_id,)
        ):
            citations.setdefault(c["position"], []).append(
                Citation(c["article_id"], c["start"], c["end"], c["field"])
            )
        sentences = tuple(
            Sentence(
                kind=s["kind"],
                text=s["text"],
                citations=tuple(citations.get(s["position"], ())),
                paragraph=s["paragraph"],
                speaker=s["speaker"],
                outlet=s["outlet"],
                date=s["date"],
            )
            for s in self._all(
                "SELECT * FROM sentences WHERE story_id = ? ORDER BY position", (story_id,)
            )
        )
        return Draft(
            story_id=story_id,
            story_hash=row["story_hash"],
            category=row["category"],
            date=row["date"],
            sentences=sentences,
            sources=tuple(SourceRef(**s) for s in json.loads(row["sources"])),
            writer=row["writer"],
            version=row["version"],
            changes=tuple(json.loads(row["changes"])),
        )

    def draft(self, story_id: str) -> Draft | None:
        row = self._one("SELECT * FROM drafts WHERE story_id = ?", (story_id,))
        return None if row is None else self._draft(row)

    def drafts(self) -> Iterator[Draft]:
        for row in self._all("SELECT * FROM drafts ORDER BY coalesce(date, '') DESC, story_id"):
            yield self._draft(row)

    def drafts_to_verify(self) -> list[Draft]:
        rows = self._all(
            "SELECT * FROM drafts WHERE verified_hash IS NULL OR verified_hash != hash"
            " ORDER BY story_id"
        )
        return [self._draft(r) for r in rows]

    def save_verdicts(self, draft: Draft, verdicts: Sequence[Verdict]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM verdicts WHERE story_id = ?", (draft.story_id,))
            self.db.executemany(
                "INSERT INTO verdicts (story_id, position, label, reason) VALUES (?, ?, ?, ?)",
                [(draft.story_id, v.position, v.label, v.reason) for v in verdicts],
            )
            self.db.execute(
                "UPDATE drafts SET verified_hash = ? WHERE story_id = ?",
                (draft.hash, draft.story_id),
            )

    def save_gated(self, draft: Draft, verdicts: Sequence[Verdict], record: GateRecord) -> None:
        """Store a draft that went through the verify gate, its verdicts and the gate's record.

        One transaction: a killed run leaves either the old draft or the whole
        new one, never a draft without the verdicts that decide what is published.
        """
        with self.transaction():
            self.save_draft(draft)
            self.save_verdicts(draft, verdicts)
            self.db.execute(
                "INSERT INTO gate_records (story_id, record) VALUES (?, ?)",
                (draft.story_id, json.dumps(asdict(record), ensure_ascii=False)),
            )

    def gate_record(self, story_id: str) -> GateRecord | None:
        row = self._one("SELECT record FROM gate_records WHERE story_id = ?", (story_id,))
        if row is None:
            return None
        data = json.loads(row["record"])
        data["dropped"] = tuple(Dropped(**d) for d in data["dropped"])
        return GateRecord(**data)

    def verdicts(self, story_id: str) -> list[Verdict]:
        return [
            Verdict(r["position"], r["label"], r["reason"])
            for r in self._all(
                "SELECT * FROM verdicts WHERE story_id = ? ORDER BY position", (story_id,)
            )
        ]

    # -- publications -----------------------------------------------------

    def publication(self, path: str) -> Publication | None:
        row = self._one("SELECT * FROM publications WHERE path = ?", (path,))
        return (
            None if row is None else Publication(row["path"], row["content_hash"], row["story_id"])
        )

    def save_publication(self, publication: Publication) -> None:
        self.db.execute(
            "INSERT INTO publications (path, content_hash, story_id) VALUES (?, ?, ?)"
            " ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash,"
            " story_id = excluded.story_id",
            (publication.path, publication.content_hash, publication.story_id),
        )

    # -- runs -------------------------------------------------------------

    def start_run(self) -> Run:
        started = _now()
        cursor = self.db.execute(
            "INSERT INTO runs (started, status) VALUES (?, 'running')", (started,)
        )
        return Run(id=int(cast(int, cursor.lastrowid)), started=started)

    def save_stage_run(self, run: Run, position: int, stage: StageRun) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO stage_runs"
            " (run_id, position, stage, wall_s, items_in, items_out, skipped, errors,"
            " tokens_in, tokens_out, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run.id,
                position,
                stage.stage,
                stage.wall_s,
                stage.items_in,
                stage.items_out,
                stage.skipped,
                json.dumps(stage.errors, ensure_ascii=False),
                stage.tokens_in,
                stage.tokens_out,
                stage.cost_usd,
            ),
        )

    def finish_run(self, run: Run) -> None:
        self.db.execute(
            "UPDATE runs SET finished = ?, status = ? WHERE id = ?", (_now(), run.status, run.id)
        )

    def runs(self, limit: int = 10) -> list[Run]:
        result = []
        for row in self._all("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)):
            run = Run(id=row["id"], started=row["started"], status=row["status"])
            for s in self._all(
                "SELECT * FROM stage_runs WHERE run_id = ? ORDER BY position", (row["id"],)
            ):
                run.stages.append(
                    StageRun(
                        stage=s["stage"],
                        items_in=s["items_in"],
                        items_out=s["items_out"],
                        errors=json.loads(s["errors"]),
                        wall_s=s["wall_s"],
                        skipped=s["skipped"],
                        tokens_in=s["tokens_in"],
                        tokens_out=s["tokens_out"],
                        cost_usd=s["cost_usd"],
                    )
                )
            result.append(run)
        return result

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in COUNTED_TABLES
        }

    # -- feeds ------------------------------------------------------------

    def add_feed(self, feed: Feed) -> bool:
        """Subscribe to ``feed``; ``False`` when its URL is already stored (left as it is)."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO feeds (url, name, outlet, category, language, added)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (feed.url, feed.name, feed.outlet, feed.category, feed.language, _now()),
        )
        return cursor.rowcount > 0

    def stored_feeds(self) -> list[Feed]:
        return [
            Feed(r["name"], r["url"], r["outlet"], r["category"], r["language"])
            for r in self._all("SELECT * FROM feeds ORDER BY name, url")
        ]

    def feed_state(self, url: str) -> FeedState | None:
        row = self._one("SELECT * FROM feed_state WHERE url = ?", (url,))
        return None if row is None else FeedState(**dict(row))

    def save_feed_state(self, state: FeedState) -> None:
        values = asdict(state)
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        self.db.execute(
            f"INSERT OR REPLACE INTO feed_state ({columns}) VALUES ({marks})", list(values.values())
        )

    def add_feed_entries(self, feed_url: str, entries: Sequence[FeedEntry], seen: str) -> int:
        """Record entries not seen before, and entries the feed changed since, as pending
        (their page is fetched again); returns how many there were."""
        added = 0
        with self.transaction():
            for entry in entries:
                cursor = self.db.execute(
                    "INSERT INTO feed_entries (feed_url, key, url, entry, first_seen)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (feed_url, key) DO UPDATE SET"
                    " url = excluded.url, entry = excluded.entry, status = 'pending',"
                    " attempts = 0, error = NULL WHERE feed_entries.entry != excluded.entry",
                    (
                        feed_url,
                        entry.key,
                        entry.url,
                        json.dumps(asdict(entry), ensure_ascii=False),
                        seen,
                    ),
                )
                added += cursor.rowcount
        return added

    def pending_entries(self) -> list[PendingEntry]:
        rows = self._all(
            "SELECT feed_url, entry, attempts FROM feed_entries WHERE status = 'pending'"
            " ORDER BY first_seen, feed_url, key"
        )
        pending = []
        for row in rows:
            data = json.loads(row["entry"])
            data["authors"] = tuple(data["authors"])
            pending.append(PendingEntry(row["feed_url"], FeedEntry(**data), row["attempts"]))
        return pending

    def finish_entry(
        self,
        feed_url: str,
        key: str,
        status: EntryStatus,
        tried: str,
        article_id: str | None = None,
    ) -> None:
        self.db.execute(
            "UPDATE feed_entries SET status = ?, article_id = ?, error = NULL, last_tried = ?,"
            " attempts = attempts + 1 WHERE feed_url = ? AND key = ?",
            (status, article_id, tried, feed_url, key),
        )

    def fail_entry(
        self, feed_url: str, key: str, error: str, tried: str, max_attempts: int
    ) -> None:
        """Record a failed attempt; after ``max_attempts`` the entry is given up (``failed``)."""
        self.db.execute(
            "UPDATE feed_entries SET attempts = attempts + 1, error = ?, last_tried = ?,"
            " status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END"
            " WHERE feed_url = ? AND key = ?",
            (error, tried, max_attempts, feed_url, key),
        )

    def entry_counts(self) -> dict[str, int]:
        rows = self._all("SELECT status, count(*) AS n FROM feed_entries GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}

    # -- web articles -----------------------------------------------------

    @staticmethod
    def _version(row: sqlite3.Row) -> ArticleVersion:
        return ArticleVersion(
            article_id=row["article_id"],
            version=row["version"],
            text_hash=row["text_hash"],
            title=row["title"],
            text=row["text"],
            fetched_at=row["fetched_at"],
            snapshot=row["snapshot"],
        )

    def latest_version(self, article_id: str) -> ArticleVersion | None:
        row = self._one(
            "SELECT * FROM article_versions WHERE article_id = ? ORDER BY version DESC LIMIT 1",
            (article_id,),
        )
        return None if row is None else self._version(row)

    def article_versions(self, article_id: str) -> list[ArticleVersion]:
        rows = self._all(
            "SELECT * FROM article_versions WHERE article_id = ? ORDER BY version", (article_id,)
        )
        return [self._version(r) for r in rows]

    def save_page_article(
        self,
        article: Article,
        version: ArticleVersion,
        snapshot: Snapshot | None,
        signature: bytes,
        link: DuplicateLink | None,
        run_id: int | None,
    ) -> None:
        """Store an article read from a page, or its next version, in one transaction.

        A new version replaces the text in ``articles`` (earlier versions stay in
        ``article_versions``) and marks the draft of the article's story as
        written from other sources, because its citations point into the old
        text: the next write stage rewrites it as the draft's next version.
        """
        with self.transaction():
            if snapshot is not None:
                self.db.execute(
                    "INSERT OR IGNORE INTO snapshots (sha256, url, fetched_at, content_type, data)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        snapshot.sha256,
                        snapshot.url,
                        snapshot.fetched_at,
                        snapshot.content_type,
                        snapshot.data,
                    ),
                )
            if self.article_hash(article.id) is None:
                self.add_article(article, run_id)
            else:
                self._replace_article(article, run_id)
            self.db.execute(
                "INSERT INTO article_versions"
                " (article_id, version, text_hash, title, text, snapshot, fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    version.article_id,
                    version.version,
                    version.text_hash,
                    version.title,
                    version.text,
                    version.snapshot,
                    version.fetched_at,
                ),
            )
            self.save_fingerprint(article.id, version.text_hash, signature)
            if link is not None:
                self.db.execute(
                    "INSERT OR REPLACE INTO article_links"
                    " (article_id, duplicate_of, kind, similarity) VALUES (?, ?, ?, ?)",
                    (link.article_id, link.duplicate_of, link.kind, link.similarity),
                )

    def _replace_article(self, article: Article, run_id: int | None) -> None:
        self.db.execute(
            "UPDATE articles SET url = ?, outlet = ?, title = ?, text = ?, published = ?,"
            " lang = ?, extra = ?, hash = ?, run_id = ? WHERE id = ?",
            (
                article.url,
                article.outlet,
                article.title,
                article.text,
                article.published,
                article.lang,
                json.dumps(article.extra, ensure_ascii=False, sort_keys=True),
                article.hash,
                run_id,
                article.id,
            ),
        )
        self.db.execute(
            "UPDATE drafts SET story_hash = 'sources changed' WHERE story_id IN"
            " (SELECT story_id FROM story_articles WHERE article_id = ?)",
            (article.id,),
        )

    def snapshot(self, sha256: str) -> Snapshot | None:
        row = self._one("SELECT * FROM snapshots WHERE sha256 = ?", (sha256,))
        return None if row is None else Snapshot(**dict(row))

    def fingerprints(self) -> list[Fingerprint]:
        rows = self._all(
            "SELECT f.article_id, a.outlet, f.text_hash, f.signature FROM article_fingerprints f"
            " JOIN articles a ON a.id = f.article_id ORDER BY a.rowid"
        )
        return [
            Fingerprint(r["article_id"], r["outlet"], r["text_hash"], bytes(r["signature"]))
            for r in rows
        ]

    def articles_without_fingerprint(self) -> list[Article]:
        rows = self._all(
            "SELECT a.* FROM articles a LEFT JOIN article_fingerprints f ON f.article_id = a.id"
            " WHERE f.article_id IS NULL ORDER BY a.rowid"
        )
        return [self._article(r) for r in rows]

    def save_fingerprint(self, article_id: str, text_hash: str, signature: bytes) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO article_fingerprints (article_id, text_hash, signature)"
            " VALUES (?, ?, ?)",
            (article_id, text_hash, signature),
        )

    def duplicate_links(self) -> list[DuplicateLink]:
        return [
            DuplicateLink(r["article_id"], r["duplicate_of"], r["kind"], r["similarity"])
            for r in self._all("SELECT * FROM article_links ORDER BY duplicate_of, article_id")
        ]
