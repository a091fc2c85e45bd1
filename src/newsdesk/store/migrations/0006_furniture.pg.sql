-- PostgreSQL's 0006: the same migration as 0006_furniture.sql, said for PostgreSQL.
-- 0006: page furniture, marked at ingest. The text is never cut: each mark is a span
-- of `articles.text` (captions, datelines, bylines, ...) with its kind and the reader
-- that found it ('rule' or 'model'), so that citations keep their offsets.
-- `furniture_marks` says an article was marked and by which marker (rules version and
-- classifier weights): an article without a row, or marked by another marker, is
-- marked again by the next ingest run. A new version of an article's text deletes its
-- row, since its marks point into the old text.

CREATE TABLE furniture_marks (
    article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    marker TEXT COLLATE "C" NOT NULL
);

CREATE TABLE article_furniture (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start BIGINT NOT NULL,
    "end" BIGINT NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    found_by TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (article_id, start, "end")
);
