-- PostgreSQL's 0018: the same migration as 0018_added_sources.sql, said for PostgreSQL.
-- 0018: an editor's edit may add a citation (`cite`): the desk's added source cited by a
-- sentence, whose text stays as it was. PostgreSQL replaces the CHECK
-- constraint of `draft_edits` in place (SQLite rebuilds the table). The added source itself is an ordinary row of
-- `articles` (who added it is in its `extra`, as `added_by`), assigned to the story.

ALTER TABLE draft_edits DROP CONSTRAINT draft_edits_action,
    ADD CONSTRAINT draft_edits_action CHECK (action IN ('edit', 'remove', 'cite'));
