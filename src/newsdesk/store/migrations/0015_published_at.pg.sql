-- PostgreSQL's 0015: the same migration as 0015_published_at.sql, said for PostgreSQL.
-- 0015: the time of an article's publication date as its source gave it (ISO 8601, with
-- the UTC offset the source gave, `2025-12-02T23:30:00-05:00`; `Article.published_at`).
-- NULL for a date given alone, an undated article, and every article stored before: their
-- time was not kept, and their `published` day stays as it was stored.

ALTER TABLE articles ADD COLUMN published_at TEXT COLLATE "C";
