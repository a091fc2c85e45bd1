-- PostgreSQL's 0003: the same migration as 0003_web.sql, said for PostgreSQL.
-- 0003: ingest from the web. Feed subscriptions and their polling state, the
-- entries each feed listed (so a page that failed is retried even when the
-- feed itself is unchanged), every version of a web article with the audit
-- snapshot of the page it came from, the MinHash signatures duplicate
-- detection compares, and the links from syndicated copies to their original.

-- Feeds added with `newsdesk feeds add/import` (those in newsdesk.toml are not stored here).
CREATE TABLE feeds (
    url         TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    outlet      TEXT COLLATE "C" NOT NULL,
    category    TEXT COLLATE "C",
    language    TEXT COLLATE "C",
    added       TEXT COLLATE "C" NOT NULL
);

-- Polling state of every feed polled, stored or configured, keyed on its URL.
CREATE TABLE feed_state (
    url           TEXT COLLATE "C" PRIMARY KEY,
    etag          TEXT COLLATE "C",
    last_modified TEXT COLLATE "C",
    last_status   BIGINT,
    last_polled   TEXT COLLATE "C",
    last_error    TEXT COLLATE "C",
    last_error_at TEXT COLLATE "C",
    failures      BIGINT NOT NULL DEFAULT 0,
    next_poll     TEXT COLLATE "C"
);

-- Entries feeds listed. status: pending (page not fetched yet or to retry),
-- stored, unchanged, duplicate (same text as a stored article of the outlet),
-- failed (gave up after the allowed attempts).
CREATE TABLE feed_entries (
    feed_url    TEXT COLLATE "C" NOT NULL,
    key         TEXT COLLATE "C" NOT NULL,
    url         TEXT COLLATE "C" NOT NULL,
    entry       TEXT COLLATE "C" NOT NULL,
    status      TEXT COLLATE "C" NOT NULL DEFAULT 'pending',
    article_id  TEXT COLLATE "C",
    attempts    BIGINT NOT NULL DEFAULT 0,
    error       TEXT COLLATE "C",
    first_seen  TEXT COLLATE "C" NOT NULL,
    last_tried  TEXT COLLATE "C",
    PRIMARY KEY (feed_url, key)
);
CREATE INDEX feed_entries_status ON feed_entries(status);

-- Raw pages as fetched, zlib-compressed, keyed on the sha256 of the raw bytes.
CREATE TABLE snapshots (
    sha256        TEXT COLLATE "C" PRIMARY KEY,
    url           TEXT COLLATE "C" NOT NULL,
    fetched_at    TEXT COLLATE "C" NOT NULL,
    content_type  TEXT COLLATE "C",
    data          BYTEA NOT NULL
);

-- Every version of an article read from a page; the highest version is the
-- one in `articles`.
CREATE TABLE article_versions (
    article_id  TEXT COLLATE "C" NOT NULL REFERENCES articles(id),
    version     BIGINT NOT NULL,
    text_hash   TEXT COLLATE "C" NOT NULL,
    title       TEXT COLLATE "C" NOT NULL,
    text        TEXT COLLATE "C" NOT NULL,
    snapshot    TEXT COLLATE "C" REFERENCES snapshots(sha256),
    fetched_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- The normalised-text hash and MinHash signature of each article's current text.
CREATE TABLE article_fingerprints (
    article_id  TEXT COLLATE "C" PRIMARY KEY REFERENCES articles(id),
    text_hash   TEXT COLLATE "C" NOT NULL,
    signature   BYTEA NOT NULL
);
CREATE INDEX article_fingerprints_hash ON article_fingerprints(text_hash);

-- A syndicated copy and the article it copies: later stages count the two as
-- one independent source, and both outlets stay on record.
CREATE TABLE article_links (
    article_id    TEXT COLLATE "C" PRIMARY KEY REFERENCES articles(id),
    duplicate_of  TEXT COLLATE "C" NOT NULL REFERENCES articles(id),
    kind          TEXT COLLATE "C" NOT NULL,
    similarity    DOUBLE PRECISION NOT NULL
);
CREATE INDEX article_links_original ON article_links(duplicate_of);
