"""The stories part of the SQL store (``StoryStore``).

The store writes what the stories stage decided (see ``Placement``): which
story an article joins, merges and moves, sections and versions; it only
recomputes what follows from the rows, a story's dates and hash.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.records import (
    Article,
    FurtherCoverage,
    Placement,
    StoredFeatures,
    Story,
    StoryVersion,
    Thread,
    WordCounts,
    content_hash,
)
from newsdesk.store.sql.base import Row, SQLDatabase


class SQLStoryStore(SQLDatabase):
    """Stories, placements, redirects, skips, clustering features and word counts."""

    def unassigned_articles(self) -> list[Article]:
        """Articles in no story, except those skipped or set aside as further coverage
        for their current content."""
        rows = self._all(
            "SELECT a.* FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id"
            " LEFT JOIN story_skips k ON k.article_id = a.id AND k.hash = a.hash"
            " LEFT JOIN further_coverage f ON f.article_id = a.id AND f.article_hash = a.hash"
            " WHERE s.article_id IS NULL AND k.article_id IS NULL AND f.article_id IS NULL"
            " ORDER BY coalesce(a.published, ''), a.id"
        )
        return self._articles(rows)

    def assign(self, article: Article, story_id: str, run_id: int | None) -> None:
        """Put ``article`` in ``story_id``, creating the story when it is new.

        The story keeps its version: the stories stage decides versions and
        ``place``s them with the article.
        """
        self.place(Placement(article, story_id, article.published), run_id)

    def place(self, placement: Placement, run_id: int | None) -> None:
        """Store one clustering step in one transaction (see ``Placement``).

        The article's story is created when it is new (named after the
        article's title). A merged story's articles move to the story it
        joined, its draft is dropped (the merged story is rewritten) and its
        id redirects, as do the ids that redirected to it. Every story that
        changed gets its dates, hash and section recomputed; a story that
        gained reporting (``Placement.grown``) gets the version the placement
        gives it and is marked as grown in ``run_id``.
        """
        article = placement.article
        grown = placement.grown
        with self.transaction():
            changed = {placement.story_id}
            self._ensure_story(placement.story_id, article.title, run_id)
            for old, new in placement.merged:
                self.db.execute(
                    "UPDATE story_articles SET story_id = ? WHERE story_id = ?", (new, old)
                )
                self._retire(old, new, run_id)
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
            versions = dict(placement.versions)
            for story_id in sorted(changed):
                self._refresh(
                    story_id,
                    run_id,
                    story_id in grown,
                    categories.get(story_id),
                    versions.get(story_id),
                )

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
        self.db.execute("DELETE FROM thread_stories WHERE story_id = ?", (old,))
        self.db.execute("DELETE FROM stories WHERE id = ?", (old,))
        self.db.execute("UPDATE story_redirects SET story_id = ? WHERE story_id = ?", (new, old))
        self.db.execute(
            "INSERT OR REPLACE INTO story_redirects (old_id, story_id, title, run_id)"
            " VALUES (?, ?, ?, ?)",
            (old, new, row["title"] if row is not None else "", run_id),
        )

    def _refresh(
        self,
        story_id: str,
        run_id: int | None,
        grew: bool,
        category: str | None,
        version: int | None,
    ) -> None:
        """Recompute a changed story's dates and hash; store its section and version
        when given, and ``run_id`` as the run that grew it when it ``grew``."""
        members = self._all(
            "SELECT article_id, day FROM story_articles WHERE story_id = ?",
            (story_id,),
        )
        if not members:  # nothing is deleted where no such story is stored
            self.db.execute("DELETE FROM drafts WHERE story_id = ?", (story_id,))
            self.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            return
        days = [m["day"] for m in members if m["day"]]
        # the stored version and owning run stay unless given: said in the statement, so
        # that the story's row need not be read first (a round trip on PostgreSQL)
        self.db.execute(
            "UPDATE stories SET first_seen = ?, last_seen = ?, version = coalesce(?, version),"
            " run_id = CASE WHEN ? != 0 THEN ? ELSE run_id END, hash = ?,"
            " category = coalesce(?, category), status = 'developing' WHERE id = ?",
            (
                min(days, default=None),
                max(days, default=None),
                version,
                grew,
                run_id,
                content_hash(story_id, sorted(m["article_id"] for m in members)),
                category,
                story_id,
            ),
        )

    def story_versions(self, story_ids: Sequence[str]) -> dict[str, StoryVersion]:
        """The stored version of each of these stories and the run that last grew it."""
        sql = "SELECT id, version, run_id FROM stories WHERE id IN ({ids})"
        return {
            row["id"]: StoryVersion(row["id"], row["version"], row["run_id"])
            for row in self._rows_for(sql, story_ids)
        }

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

    def stories(self) -> list[Story]:
        rows = self._all("SELECT * FROM stories ORDER BY coalesce(last_seen, '') DESC, id")
        return self._stories(rows)

    def story(self, story_id: str) -> Story | None:
        """The story ``story_id`` names, following the redirect of a merged id."""
        resolved = self.resolve_story(story_id)
        if resolved is None:
            return None
        row = self._one("SELECT * FROM stories WHERE id = ?", (resolved,))
        return None if row is None else self._story(row)

    def stories_by_id(self, story_ids: Sequence[str]) -> dict[str, Story]:
        """The stored stories of these ids, read at once (a few statements per 500
        stories, where ``story`` for each would take several per story). An id that names
        no stored story (one merged away: ``story`` follows its redirect) is left out."""
        rows = list(self._rows_for("SELECT * FROM stories WHERE id IN ({ids})", story_ids))
        return {story.id: story for story in self._stories(rows)}

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
        return self._stories(rows)

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

    def threads(self) -> list[Thread]:
        rows = self._all("SELECT * FROM threads ORDER BY coalesce(last_seen, '') DESC, id")
        return self._thread_rows(rows)

    def thread(self, thread_id: str) -> Thread | None:
        row = self._one("SELECT * FROM threads WHERE id = ?", (thread_id,))
        return None if row is None else self._thread_row(row)

    def thread_of(self, story_id: str) -> Thread | None:
        row = self._one(
            "SELECT t.* FROM threads t JOIN thread_stories s ON s.thread_id = t.id"
            " WHERE s.story_id = ?",
            (story_id,),
        )
        return None if row is None else self._thread_row(row)

    def open_threads(self, since: str) -> list[Thread]:
        rows = self._all("SELECT * FROM threads WHERE last_seen >= ? ORDER BY id", (since,))
        return self._thread_rows(rows)

    def add_to_thread(self, thread_id: str, name: str, story_id: str, day: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO threads (id, name, first_seen, last_seen) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                " first_seen = min(threads.first_seen, excluded.first_seen),"
                " last_seen = max(threads.last_seen, excluded.last_seen)",
                (thread_id, name, day, day),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO thread_stories (story_id, thread_id, day) VALUES (?, ?, ?)",
                (story_id, thread_id, day),
            )

    def _thread_row(self, row: Row) -> Thread:
        return self._thread_rows([row])[0]

    def _thread_rows(self, rows: Sequence[Row]) -> list[Thread]:
        """The threads of ``rows`` (of ``threads``), in order, with their stories read for
        all of them at once."""
        members: dict[str, list[str]] = {row["id"]: [] for row in rows}
        for m in self._rows_for(
            "SELECT s.thread_id, s.story_id FROM thread_stories s"
            " JOIN stories ON stories.id = s.story_id"
            " WHERE s.thread_id IN ({ids}) ORDER BY s.thread_id, s.day, s.story_id",
            list(members),
        ):
            members[m["thread_id"]].append(m["story_id"])
        return [
            Thread(
                id=row["id"],
                name=row["name"],
                first_seen=row["first_seen"],
                last_seen=row["last_seen"],
                story_ids=tuple(members[row["id"]]),
            )
            for row in rows
        ]

    def threads_of(self, story_ids: Sequence[str]) -> dict[str, str]:
        """The id of the thread each of these stories belongs to (those in none are left
        out), read at once: ``thread_of`` for many stories."""
        sql = (
            "SELECT s.story_id, s.thread_id FROM thread_stories s"
            " JOIN threads t ON t.id = s.thread_id WHERE s.story_id IN ({ids})"
        )
        return {r["story_id"]: r["thread_id"] for r in self._rows_for(sql, story_ids)}

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        sql = "SELECT article_id, story_id FROM story_articles WHERE article_id IN ({ids})"
        return {r["article_id"]: r["story_id"] for r in self._rows_for(sql, article_ids)}

    def story_days(self, story_id: str) -> dict[str, str | None]:
        """The day each article of a story was clustered on."""
        rows = self._all(
            "SELECT article_id, day FROM story_articles WHERE story_id = ?", (story_id,)
        )
        return {r["article_id"]: r["day"] for r in rows}

    def article_days(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        """The day each of these articles was clustered on (those in no story are left
        out), read at once: ``story_days`` for the articles of many stories."""
        sql = "SELECT article_id, day FROM story_articles WHERE article_id IN ({ids})"
        return {r["article_id"]: r["day"] for r in self._rows_for(sql, article_ids)}

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

    def set_aside(self, coverage: FurtherCoverage) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO further_coverage (article_id, story_id, language,"
            " article_hash) VALUES (?, ?, ?, ?)",
            (coverage.article_id, coverage.story_id, coverage.language, coverage.article_hash),
        )

    def further_coverage(self, story_id: str) -> list[FurtherCoverage]:
        """Rows of ``story_id`` and of the ids that redirect to it, whose article still has
        the content it was judged on and has joined no story since."""
        rows = self._all(
            "SELECT f.* FROM further_coverage f JOIN articles a"
            " ON a.id = f.article_id AND a.hash = f.article_hash"
            " LEFT JOIN story_articles s ON s.article_id = f.article_id"
            " WHERE s.article_id IS NULL AND (f.story_id = ? OR f.story_id IN"
            " (SELECT old_id FROM story_redirects WHERE story_id = ?))"
            " ORDER BY f.article_id",
            (story_id, story_id),
        )
        return [
            FurtherCoverage(r["article_id"], story_id, r["language"], r["article_hash"])
            for r in rows
        ]
