-- 0014: roundups, one week of a thread written up as one article ([write] roundups).
-- A roundup is not a story: it has no articles of its own, so it keeps its drafts here
-- (as JSON) rather than in drafts, which belong to stories. ``written`` is the draft as
-- composed; the gate's result (``gated``, its ``verdicts`` and ``record``) is cleared
-- whenever it is written again, and ``checker`` names the checker that judged it.

CREATE TABLE roundups (
    id              TEXT PRIMARY KEY,
    thread_id       TEXT NOT NULL,
    thread_name     TEXT NOT NULL,
    week            TEXT NOT NULL,
    story_ids       TEXT NOT NULL,
    key             TEXT NOT NULL,
    writer_version  TEXT,
    written         TEXT NOT NULL,
    gated           TEXT,
    verdicts        TEXT,
    record          TEXT,
    checker         TEXT
);
CREATE INDEX roundups_thread ON roundups(thread_id);
