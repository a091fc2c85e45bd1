"""The feeds part of the SQL store (``FeedStore``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from newsdesk.records import EntryStatus, Feed, FeedEntry, FeedState, PendingEntry
from newsdesk.store.sql.base import SQLDatabase, utc_now


class SQLFeedStore(SQLDatabase):
    """Feeds, feed state, feed entries."""

    def add_feed(self, feed: Feed) -> bool:
        """Subscribe to ``feed``; ``False`` when its URL is already stored (left as it is)."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO feeds (url, name, outlet, category, language, added)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (feed.url, feed.name, feed.outlet, feed.category, feed.language, utc_now()),
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
        (their page is fetched again); returns how many there were.

        A time the feed gives (``published_at``) is no change on its own: entries stored
        before times were kept are not fetched again for it."""
        added = 0
        with self.transaction():
            for entry in entries:
                if self._same_entry(feed_url, entry):
                    continue
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

    def _same_entry(self, feed_url: str, entry: FeedEntry) -> bool:
        """Whether the stored entry under ``entry``'s key says the same but for its time."""
        row = self._one(
            "SELECT entry FROM feed_entries WHERE feed_url = ? AND key = ?", (feed_url, entry.key)
        )
        if row is None:
            return False
        stored = json.loads(row["entry"])
        given = json.loads(json.dumps(asdict(entry), ensure_ascii=False))
        return bool(
            {k: v for k, v in stored.items() if k != "published_at"}
            == {k: v for k, v in given.items() if k != "published_at"}
        )

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
