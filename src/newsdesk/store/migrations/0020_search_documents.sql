-- 0020: PostgreSQL keeps each article's search document (its title and text as a
-- tsvector) in a table of its own, so that a search reads stored documents instead of
-- parsing every article's text again. SQLite's FTS5 table (`articles_fts`, 0001) has
-- always stored them: nothing changes here.
SELECT 1;
