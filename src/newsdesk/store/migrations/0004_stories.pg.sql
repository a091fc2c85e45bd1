-- PostgreSQL's 0004: the same migration as 0004_stories.sql, said for PostgreSQL.
-- 0004: stories that merge, move articles and count their independent sources.
-- A story keeps its section and whether it is still developing; each article
-- keeps the day it was clustered on (its date, or its import day when it has
-- none). A merged story's id redirects to the story it joined. Syndicated
-- copies found while clustering are linked to the article they copy, like the
-- copies ingest links in article_links. Each article's clustering features
-- (MiniLM vectors, hashed TF-IDF weights, names, section hits) are stored with
-- the article hash they were computed from, and the word counts the TF-IDF
-- weights use are kept in one row.

ALTER TABLE stories ADD COLUMN category TEXT COLLATE "C";
ALTER TABLE stories ADD COLUMN status TEXT COLLATE "C" NOT NULL DEFAULT 'developing';
CREATE INDEX stories_last_seen ON stories(last_seen);

ALTER TABLE story_articles ADD COLUMN day TEXT COLLATE "C";

-- A story that turned out to be part of another: old_id now reads as story_id.
-- title is the merged story's founding title, which named its page: the page
-- becomes a redirect to the story it joined.
CREATE TABLE story_redirects (
    old_id      TEXT COLLATE "C" PRIMARY KEY,
    story_id    TEXT COLLATE "C" NOT NULL,
    title       TEXT COLLATE "C" NOT NULL DEFAULT '',
    run_id      BIGINT
);
CREATE INDEX story_redirects_story ON story_redirects(story_id);

-- Near copies found by clustering (word 5-gram containment, as in ingest).
CREATE TABLE story_copies (
    article_id  TEXT COLLATE "C" PRIMARY KEY REFERENCES articles(id),
    copy_of     TEXT COLLATE "C" NOT NULL REFERENCES articles(id),
    similarity  DOUBLE PRECISION NOT NULL
);

-- Articles clustering cannot compare (no title, no text), with the reason;
-- offered again only when their content (hash) changes.
CREATE TABLE story_skips (
    article_id  TEXT COLLATE "C" PRIMARY KEY REFERENCES articles(id),
    hash        TEXT COLLATE "C" NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL
);

CREATE TABLE article_features (
    article_id    TEXT COLLATE "C" PRIMARY KEY REFERENCES articles(id),
    article_hash  TEXT COLLATE "C" NOT NULL,
    model         TEXT COLLATE "C" NOT NULL,
    lead          BYTEA NOT NULL,
    title         BYTEA NOT NULL,
    term_indices  BYTEA NOT NULL,
    term_weights  BYTEA NOT NULL,
    names         TEXT COLLATE "C",
    sections      TEXT COLLATE "C" NOT NULL
);

CREATE TABLE word_counts (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    documents   BIGINT NOT NULL,
    counts      BYTEA NOT NULL
);
