-- 0018: an editor's edit may add a citation (`cite`): the desk's added source cited by a
-- sentence, whose text stays as it was. SQLite cannot alter a CHECK constraint, so
-- `draft_edits` is rebuilt with its rows. The added source itself is an ordinary row of
-- `articles` (who added it is in its `extra`, as `added_by`), assigned to the story.

CREATE TABLE draft_edits_new (
    story_id  TEXT NOT NULL,
    revision  INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('edit', 'remove', 'cite')),
    before    TEXT NOT NULL,
    after     TEXT NOT NULL,
    label     TEXT NOT NULL,
    reason    TEXT NOT NULL,
    editor    TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (story_id, revision)
);
INSERT INTO draft_edits_new SELECT * FROM draft_edits;
DROP TABLE draft_edits;
ALTER TABLE draft_edits_new RENAME TO draft_edits;
