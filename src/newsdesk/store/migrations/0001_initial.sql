-- 0001: the first schema. Each stage's output lives in its own tables and is
-- keyed on the content hash of its input, which is what makes stages idempotent.

CREATE TABLE articles (
    id          TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    outlet      TEXT NOT NULL,
    title       TEXT NOT NULL,
    text        TEXT NOT NULL,
    published   TEXT,
    lang        TEXT,
    extra       TEXT NOT NULL DEFAULT '{}',
    hash        TEXT NOT NULL,
    run_id      INTEGER
);

-- Full-text index over article text, kept in step by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

CREATE TABLE stories (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    first_seen  TEXT,
    last_seen   TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    hash        TEXT NOT NULL,
    run_id      INTEGER
);

CREATE TABLE story_articles (
    article_id  TEXT PRIMARY KEY REFERENCES articles(id),
    story_id    TEXT NOT NULL REFERENCES stories(id)
);
CREATE INDEX story_articles_story ON story_articles(story_id);

CREATE TABLE drafts (
    story_id      TEXT PRIMARY KEY REFERENCES stories(id),
    story_hash    TEXT NOT NULL,
    hash          TEXT NOT NULL,
    category      TEXT NOT NULL,
    date          TEXT,
    writer        TEXT NOT NULL,
    sources       TEXT NOT NULL,
    verified_hash TEXT
);

CREATE TABLE sentences (
    story_id    TEXT NOT NULL REFERENCES drafts(story_id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    paragraph   INTEGER NOT NULL,
    speaker     TEXT,
    outlet      TEXT,
    PRIMARY KEY (story_id, position)
);

CREATE TABLE citations (
    story_id    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    ordinal     INTEGER NOT NULL,
    article_id  TEXT NOT NULL REFERENCES articles(id),
    field       TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    PRIMARY KEY (story_id, position, ordinal),
    FOREIGN KEY (story_id, position) REFERENCES sentences(story_id, position) ON DELETE CASCADE
);

CREATE TABLE verdicts (
    story_id    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    label       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (story_id, position),
    FOREIGN KEY (story_id, position) REFERENCES sentences(story_id, position) ON DELETE CASCADE
);

CREATE TABLE publications (
    path          TEXT PRIMARY KEY,
    content_hash  TEXT NOT NULL,
    story_id      TEXT
);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    started     TEXT NOT NULL,
    finished    TEXT,
    status      TEXT NOT NULL
);

CREATE TABLE stage_runs (
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    position    INTEGER NOT NULL,
    stage       TEXT NOT NULL,
    wall_s      REAL NOT NULL,
    items_in    INTEGER NOT NULL,
    items_out   INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    errors      TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
);
