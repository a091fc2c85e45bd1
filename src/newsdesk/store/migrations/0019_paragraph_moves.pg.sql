-- PostgreSQL's 0019: the same migration as 0019_paragraph_moves.sql, said for PostgreSQL.
-- 0019: an editor's edit may move a paragraph (`move`): its before and after are the
-- paragraph's text under its old and new number. SQLite cannot alter a CHECK constraint,
-- so `draft_edits` is rebuilt with its rows, as in 0018.

ALTER TABLE draft_edits DROP CONSTRAINT draft_edits_action,
    ADD CONSTRAINT draft_edits_action CHECK (action IN ('edit', 'remove', 'cite', 'move'));
