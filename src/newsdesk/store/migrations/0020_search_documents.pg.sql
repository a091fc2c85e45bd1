-- PostgreSQL's 0020: the same migration as 0020_search_documents.sql, said for PostgreSQL.
-- Until now `PostgresStore.search` matched and ranked `to_tsvector(title || ' ' || text)`,
-- which PostgreSQL computed again for every article of every search (the planner chose a
-- sequential scan, and `ts_rank` parses the text again in any case): one search cost a
-- parse of the whole archive. `articles_fts` stands for SQLite's FTS5 table of that name:
-- one stored document per article (the same expression, so the same matches and ranks),
-- kept in step by triggers as FTS5's table is, with a GIN index over the documents.

DROP INDEX articles_fts;

CREATE TABLE articles_fts (
    rowid     BIGINT PRIMARY KEY REFERENCES articles(rowid) ON DELETE CASCADE,
    document  TSVECTOR NOT NULL
);
CREATE INDEX articles_fts_document ON articles_fts USING gin (document);

INSERT INTO articles_fts (rowid, document)
    SELECT rowid, to_tsvector('simple', title || ' ' || text) FROM articles;

CREATE FUNCTION articles_fts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles_fts (rowid, document)
    VALUES (NEW.rowid, to_tsvector('simple', NEW.title || ' ' || NEW.text))
    ON CONFLICT (rowid) DO UPDATE SET document = excluded.document;
    RETURN NULL;
END;
$$;

CREATE TRIGGER articles_ai AFTER INSERT ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_fts_update();
CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_fts_update();
