-- PostgreSQL's 0007: the same migration as 0007_writer_version.sql, said for PostgreSQL.
-- 0007: the writer version that wrote each draft. A draft written by another version of
-- the configured writer (its rules changed: own headlines, furniture left out) is
-- written again by the next write stage, as a draft judged by another checker is
-- gated again. NULL for drafts written before versions were recorded.

ALTER TABLE drafts ADD COLUMN writer_version TEXT COLLATE "C";
