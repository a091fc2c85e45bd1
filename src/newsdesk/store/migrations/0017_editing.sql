-- 0017: the desk's edits, reviews and corrections. Every change an editor makes to a
-- stored draft is a row of `draft_edits` (a new revision of the draft: who, when, the text before and
-- after, and the checker's verdict on the new text with its reason); `reviews` keeps
-- each approval, rejection and hold. Publishing reads a story's latest review
-- (`publish/model.py publishable`): a rejection or hold keeps it off the site, an
-- approval of the current version clears a draft the gate held. Rows are never updated
-- or deleted: they are the story's history. Times are ISO 8601 UTC.

CREATE TABLE draft_edits (
    story_id  TEXT NOT NULL,
    revision  INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('edit', 'remove')),
    before    TEXT NOT NULL,
    after     TEXT NOT NULL,
    label     TEXT NOT NULL,
    reason    TEXT NOT NULL,
    editor    TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (story_id, revision)
);

CREATE TABLE reviews (
    id        INTEGER PRIMARY KEY,
    story_id  TEXT NOT NULL,
    version   INTEGER NOT NULL,
    decision  TEXT NOT NULL CHECK (decision IN ('approved', 'rejected', 'held')),
    reason    TEXT NOT NULL,
    editor    TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX reviews_story ON reviews(story_id, id);

-- A correction filed on a published story: what was wrong, what is right, the article
-- it rests on (one of the story's), who and when. Published with the story, on
-- corrections.html and in corrections.atom; never updated or deleted.
CREATE TABLE corrections (
    id        INTEGER PRIMARY KEY,
    story_id  TEXT NOT NULL,
    wrong     TEXT NOT NULL,
    right     TEXT NOT NULL,
    source    TEXT NOT NULL,
    editor    TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX corrections_story ON corrections(story_id, id);
