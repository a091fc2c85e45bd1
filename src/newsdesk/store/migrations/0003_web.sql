-- 0003: ingest from the web. Feed subscriptions and their polling state, the
-- entries each feed listed (so a page that failed is retried even when the
-- feed itself is unchanged), every version of a web article with the audit
-- snapshot of the page it came from, the MinHash signatures duplicate
-- detection compares, and the links from syndicated copies to their original.

-- Feeds added with `newsdesk feeds add/import` (those in newsdesk.toml are not stored here).
CREATE TABLE feeds (
    url         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    outlet      TEXT NOT NULL,
    category    TEXT,
    language    TEXT,
    added       TEXT NOT NULL
);

-- Polling state of every feed polled, stored or configured, keyed on its URL.
CREATE TABLE feed_state (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    last_status   INTEGER,
    last_polled   TEXT,
    last_error    TEXT,
    last_error_at TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    next_poll     TEXT
);

-- Entries feeds listed. status: pending (page not fetched yet or to retry),
-- stored, unchanged, duplicate (same text as a stored article of the outlet),
-- failed (gave up after the allowed attempts).
CREATE TABLE feed_entries (
    feed_url    TEXT NOT NULL,
    key         TEXT NOT NULL,
    url         TEXT NOT NULL,
    entry       TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    article_id  TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    first_seen  TEXT NOT NULL,
    last_tried  TEXT,
    PRIMARY KEY (feed_url, key)
);
CREATE INDEX feed_entries_status ON feed_entries(status);

-- Raw pages as fetched, zlib-compressed, keyed on the sha256 of the raw bytes.
CREATE TABLE snapshots (
    sha256        TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    fetched_at    TEXT NOT NULL,
    content_type  TEXT,
    data          BLOB NOT NULL
);

-- Every version of an article read from a page; the highest version is the
-- one in `articles`.
CREATE TABLE article_versions (
    article_id  TEXT NOT NULL REFERENCES articles(id),
    version     INTEGER NOT NULL,
    text_hash   TEXT NOT NULL,
    title       TEXT NOT NULL,
    text        TEXT NOT NULL,
    snapshot    TEXT REFERENCES snapshots(sha256),
    fetched_at  TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- The normalised-text hash and MinHash signature of each article's current text.
CREATE TABLE article_fingerprints (
    article_id  TEXT PRIMARY KEY REFERENCES articles(id),
    text_hash   TEXT NOT NULL,
    signature   BLOB NOT NULL
);
CREATE INDEX article_fingerprints_hash ON article_fingerprints(text_hash);

-- A syndicated copy and the article it copies: later stages count the two as
-- one independent source, and both outlets stay on record.
CREATE TABLE article_links (
    article_id    TEXT PRIMARY KEY REFERENCES articles(id),
    duplicate_of  TEXT NOT NULL REFERENCES articles(id),
    kind          TEXT NOT NULL,
    similarity    REAL NOT NULL
);
CREATE INDEX article_links_original ON article_links(duplicate_of);
