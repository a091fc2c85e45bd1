-- 0019: an editor's edit may move a paragraph (`move`): its before and after are the
-- paragraph's text under its old and new number. SQLite cannot alter a CHECK constraint,
-- so `draft_edits` is rebuilt with its rows, as in 0018.

CREATE TABLE draft_edits_new (
    story_id  TEXT NOT NULL,
    revision  INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('edit', 'remove', 'cite', 'move')),
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
