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
    Placement,
    Snapshot,
    StoredFeatures,
    WordCounts,
    independent_sources,
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
        by_id = {
            row["id"]: self._article(row)
            for row in self._rows_for("SELECT * FROM articles WHERE id IN ({ids})", ids)
        }
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
        """Articles in no story, except those skipped for their current content."""
        rows = self._all(
            "SELECT a.* FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id"
            " LEFT JOIN story_skips k ON k.article_id = a.id AND k.hash = a.hash"
            " WHERE s.article_id IS NULL AND k.article_id IS NULL"
            " ORDER BY coalesce(a.published, ''), a.id"
        )
        return [self._article(r) for r in rows]

    def assign(self, article: Article, story_id: str, run_id: int | None) -> None:
        """Put ``article`` in ``story_id``, creating the story or bumping its version."""
        self.place(Placement(article, story_id, article.published), run_id)

    def place(self, placement: Placement, run_id: int | None) -> None:
        """Store one clustering step in one transaction (see ``Placement``).

        The article's story is created when it is new (named after the
        article's title). A merged story's articles move to the story it
        joined, its draft is dropped (the merged story is rewritten) and its
        id redirects, as do the ids that redirected to it. Every story that
        changed gets its dates, hash and section recomputed; a story that
        gained reporting in a later run than its last gets the next version.
        """
        article = placement.article
        with self.transaction():
            grown = {placement.story_id}
            changed = {placement.story_id}
            self._ensure_story(placement.story_id, article.title, run_id)
            for old, new in placement.merged:
                self.db.execute(
                    "UPDATE story_articles SET story_id = ? WHERE story_id = ?", (new, old)
                )
                self._retire(old, new, run_id)
                grown.add(new)
                changed.add(new)
                changed.discard(old)
            for article_id, to in placement.moved:
                row = self._one(
                    "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
                )
                if row is not None:
                    changed.add(row["story_id"])
                self.db.execute(
                    "UPDATE story_articles SET story_id = ? WHERE article_id = ?", (to, article_id)
                )
                grown.add(to)
                changed.add(to)
            self.db.execute(
                "INSERT INTO story_articles (article_id, story_id, day) VALUES (?, ?, ?)",
                (article.id, placement.story_id, placement.day),
            )
            link = placement.copy_of
            if link is not None:
                self.db.execute(
                    "INSERT OR REPLACE INTO story_copies (article_id, copy_of, similarity)"
                    " VALUES (?, ?, ?)",
                    (link.article_id, link.duplicate_of, link.similarity),
                )
            categories = dict(placement.categories)
            for story_id in sorted(changed):
                self._refresh(story_id, run_id, story_id in grown, categories.get(story_id))

    def _ensure_story(self, story_id: str, title: str, run_id: int | None) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO stories (id, title, first_seen, last_seen, version, hash,"
            " run_id) VALUES (?, ?, NULL, NULL, 1, '', ?)",
            (story_id, title, run_id),
        )

    def _retire(self, old: str, new: str, run_id: int | None) -> None:
        """Drop a merged story (and its draft); its id and those pointing at it redirect.

        The story's founding title is kept with the redirect: it named the
        story's page, which publishing turns into a redirect.
        """
        row = self._one("SELECT title FROM stories WHERE id = ?", (old,))
        self.db.execute("DELETE FROM drafts WHERE story_id = ?", (old,))
        self.db.execute("DELETE FROM stories WHERE id = ?", (old,))
        self.db.execute("UPDATE story_redirects SET story_id = ? WHERE story_id = ?", (new, old))
        self.db.execute(
            "INSERT OR REPLACE INTO story_redirects (old_id, story_id, title, run_id)"
            " VALUES (?, ?, ?, ?)",
            (old, new, row["title"] if row is not None else "", run_id),
        )

    def _refresh(self, story_id: str, run_id: int | None, grew: bool, category: str | None) -> None:
        """Recompute a changed story's dates and hash (and version, when it grew)."""
        row = self._one("SELECT * FROM stories WHERE id = ?", (story_id,))
        if row is None:
            return
        members = self._all(
            "SELECT s.article_id, coalesce(s.day, a.published) AS day FROM story_articles s"
            " JOIN articles a ON a.id = s.article_id WHERE s.story_id = ?",
            (story_id,),
        )
        if not members:
            self.db.execute("DELETE FROM drafts WHERE story_id = ?", (story_id,))
            self.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            return
        days = [m["day"] for m in members if m["day"]]
        version, owner = row["version"], row["run_id"]
        if grew and row["hash"] and owner != run_id:
            version += 1
        self.db.execute(
            "UPDATE stories SET first_seen = ?, last_seen = ?, version = ?, run_id = ?, hash = ?,"
            " category = coalesce(?, category), status = 'developing' WHERE id = ?",
            (
                min(days, default=None),
                max(days, default=None),
                version,
                run_id if grew else owner,
                content_hash(story_id, sorted(m["article_id"] for m in members)),
                category,
                story_id,
            ),
        )

    def skip_article(self, article: Article, reason: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO story_skips (article_id, hash, reason) VALUES (?, ?, ?)",
            (article.id, article.hash, reason),
        )

    def skipped_articles(self) -> dict[str, str]:
        rows = self._all(
            "SELECT k.article_id, k.reason FROM story_skips k JOIN articles a"
            " ON a.id = k.article_id AND a.hash = k.hash ORDER BY k.article_id"
        )
        return {r["article_id"]: r["reason"] for r in rows}

    def _story(self, row: sqlite3.Row) -> Story:
        story_id = row["id"]
        members = self._all(
            "SELECT a.id, a.outlet, a.lang FROM story_articles s"
            " JOIN articles a ON a.id = s.article_id WHERE s.story_id = ?"
            " ORDER BY coalesce(a.published, s.day, ''), a.id",
            (story_id,),
        )
        links = self._all(
            "SELECT l.article_id, l.duplicate_of FROM article_links l"
            " JOIN story_articles s ON s.article_id = l.article_id WHERE s.story_id = ?"
            " UNION SELECT c.article_id, c.copy_of FROM story_copies c"
            " JOIN story_articles s ON s.article_id = c.article_id WHERE s.story_id = ?",
            (story_id, story_id),
        )
        merged = self._all(
            "SELECT old_id, title FROM story_redirects WHERE story_id = ? ORDER BY old_id",
            (story_id,),
        )
        outlets = tuple(dict.fromkeys(m["outlet"] for m in members))
        return Story(
            id=story_id,
            title=row["title"],
            article_ids=tuple(m["id"] for m in members),
            outlets=outlets,
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
            version=row["version"],
            independent_sources=independent_sources(
                {m["id"]: m["outlet"] for m in members}, [(r[0], r[1]) for r in links]
            ),
            languages=tuple(dict.fromkeys(m["lang"] for m in members if m["lang"])),
            category=row["category"],
            status="settled" if row["status"] == "settled" else "developing",
            merged=tuple((r["old_id"], r["title"]) for r in merged),
        )

    def stories(self) -> list[Story]:
        rows = self._all("SELECT * FROM stories ORDER BY coalesce(last_seen, '') DESC, id")
        return [self._story(r) for r in rows]

    def story(self, story_id: str) -> Story | None:
        """The story ``story_id`` names, following the redirect of a merged id."""
        resolved = self.resolve_story(story_id)
        if resolved is None:
            return None
        row = self._one("SELECT * FROM stories WHERE id = ?", (resolved,))
        return None if row is None else self._story(row)

    def resolve_story(self, story_id: str) -> str | None:
        """The id ``story_id`` is stored under now (itself, or where it was merged), if any."""
        seen = set()
        while story_id not in seen:
            seen.add(story_id)
            if self._one("SELECT 1 FROM stories WHERE id = ?", (story_id,)) is not None:
                return story_id
            row = self._one("SELECT story_id FROM story_redirects WHERE old_id = ?", (story_id,))
            if row is None:
                return None
            story_id = row["story_id"]
        return None

    def open_stories(self, since: str | None) -> list[Story]:
        """Stories whose newest article is on or after ``since`` (all when ``None``)."""
        rows = self._all(
            "SELECT * FROM stories WHERE ? IS NULL OR last_seen IS NULL OR last_seen >= ?"
            " ORDER BY coalesce(first_seen, ''), id",
            (since, since),
        )
        return [self._story(r) for r in rows]

    def newest_story_day(self) -> str | None:
        row = self._one("SELECT max(last_seen) AS day FROM stories")
        return None if row is None else row["day"]

    def settle_stories(self, before: str) -> int:
        """Mark settled the stories whose newest article is older than ``before``."""
        cursor = self.db.execute(
            "UPDATE stories SET status = 'settled' WHERE status != 'settled' AND last_seen < ?",
            (before,),
        )
        return cursor.rowcount

    def story_days(self, story_id: str) -> dict[str, str | None]:
        """The day each article of a story was clustered on."""
        rows = self._all(
            "SELECT article_id, day FROM story_articles WHERE story_id = ?", (story_id,)
        )
        return {r["article_id"]: r["day"] for r in rows}

    def _rows_for(self, sql: str, ids: Sequence[str]) -> Iterator[sqlite3.Row]:
        """Rows of ``sql`` with ``{ids}`` standing for ``ids``, 500 at a time (SQLite caps
        the number of parameters of one statement)."""
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            yield from self._all(sql.format(ids=",".join("?" * len(chunk))), chunk)

    def import_days(self, article_ids: Sequence[str]) -> dict[str, str]:
        """When each article was imported (the start of the run that stored it)."""
        sql = (
            "SELECT a.id, r.started FROM articles a JOIN runs r ON r.id = a.run_id"
            " WHERE a.id IN ({ids})"
        )
        return {row["id"]: row["started"] for row in self._rows_for(sql, article_ids)}

    def originals(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The original each of these articles is a syndicated copy of (ingest's links)."""
        sql = "SELECT article_id, duplicate_of FROM article_links WHERE article_id IN ({ids})"
        return {row["article_id"]: row["duplicate_of"] for row in self._rows_for(sql, article_ids)}

    def features(self, article_ids: Sequence[str]) -> dict[str, StoredFeatures]:
        sql = "SELECT * FROM article_features WHERE article_id IN ({ids})"
        return {
            row["article_id"]: StoredFeatures(
                article_id=row["article_id"],
                article_hash=row["article_hash"],
                model=row["model"],
                lead=bytes(row["lead"]),
                title=bytes(row["title"]),
                term_indices=bytes(row["term_indices"]),
                term_weights=bytes(row["term_weights"]),
                names=row["names"],
                sections=row["sections"],
            )
            for row in self._rows_for(sql, article_ids)
        }

    def save_features(self, features: Sequence[StoredFeatures], counts: WordCounts) -> None:
        """Store a chunk's features with the word counts as of that chunk, in one transaction."""
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO article_features (article_id, article_hash, model, lead,"
                " title, term_indices, term_weights, names, sections)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        f.article_id,
                        f.article_hash,
                        f.model,
                        f.lead,
                        f.title,
                        f.term_indices,
                        f.term_weights,
                        f.names,
                        f.sections,
                    )
                    for f in features
                ],
            )
            self.db.execute(
                "INSERT OR REPLACE INTO word_counts (id, documents, counts) VALUES (1, ?, ?)",
                (counts.documents, counts.counts),
            )

    def word_counts(self) -> WordCounts | None:
        row = self._one("SELECT documents, counts FROM word_counts WHERE id = 1")
        return None if row is None else WordCounts(row["documents"], bytes(row["counts"]))

    # -- drafts -----------------------------------------------------------

    def stories_to_write(self) -> list[Story]:
        rows = self._all(
            "SELECT s.* FROM stories s LEFT JOIN drafts d ON d.story_id = s.id"
            " WHERE d.story_id IS NULL OR d.story_hash != s.hash OR d.sources_changed"
            " ORDER BY s.id"
        )
        return [self._story(r) for r in rows]

    def save_draft(self, draft: Draft) -> None:
        """Replace the story's draft (and its verdicts) in one transaction."""
        sources = json.dumps([s.__dict__ for s in draft.sources], ensure_ascii=False)
        with self.transaction():
            self.db.execute("DELETE FROM drafts WHERE story_id = ?", (draft.story_id,))
            self.db.execute(
                "INSERT INTO drafts (story_id, story_hash, hash, category, date, writer, sources,"
                " version, changes, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    draft.note,
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
            note=row["note"],
            sources_changed=bool(row["sources_changed"]),
        )

    def draft(self, story_id: str) -> Draft | None:
        row = self._one("SELECT * FROM drafts WHERE story_id = ?", (story_id,))
        return None if row is None else self._draft(row)

    def drafts(self) -> Iterator[Draft]:
        for row in self._all("SELECT * FROM drafts ORDER BY coalesce(date, '') DESC, story_id"):
            yield self._draft(row)

    def drafts_to_gate(self, checker: str) -> list[Draft]:
        rows = self._all(
            "SELECT * FROM drafts WHERE checker IS NULL OR checker != ? ORDER BY story_id",
            (checker,),
        )
        return [self._draft(r) for r in rows]

    def save_verdicts(self, draft: Draft, verdicts: Sequence[Verdict]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM verdicts WHERE story_id = ?", (draft.story_id,))
            self.db.executemany(
                "INSERT INTO verdicts (story_id, position, label, reason) VALUES (?, ?, ?, ?)",
                [(draft.story_id, v.position, v.label, v.reason) for v in verdicts],
            )

    def save_gated(
        self,
        draft: Draft,
        verdicts: Sequence[Verdict],
        record: GateRecord,
        checker: str | None = None,
    ) -> None:
        """Store a draft that went through the verify gate, its verdicts and the gate's record.

        One transaction: a killed run leaves either the old draft or the whole
        new one, never a draft without the verdicts that decide what is published.
        ``checker`` names the checker that gated it (see ``drafts_to_gate``).
        """
        with self.transaction():
            self.save_draft(draft)
            self.save_verdicts(draft, verdicts)
            self.db.execute(
                "INSERT INTO gate_records (story_id, record) VALUES (?, ?)",
                (draft.story_id, json.dumps(asdict(record), ensure_ascii=False)),
            )
            self.db.execute(
                "UPDATE drafts SET checker = ? WHERE story_id = ?", (checker, draft.story_id)
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
            "UPDATE drafts SET sources_changed = 1 WHERE story_id IN"
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
