-- PostgreSQL's 0014: the same migration as 0014_roundups.sql, said for PostgreSQL.
-- 0014: roundups, one week of a thread written up as one article ([write] roundups).
-- A roundup is not a story: it has no articles of its own, so it keeps its drafts here
-- (as JSON) rather than in drafts, which belong to stories. ``written`` is the draft as
-- composed; the gate's result (``gated``, its ``verdicts`` and ``record``) is cleared
-- whenever it is written again, and ``checker`` names the checker that judged it.

CREATE TABLE roundups (
    id              TEXT COLLATE "C" PRIMARY KEY,
    thread_id       TEXT COLLATE "C" NOT NULL,
    thread_name     TEXT COLLATE "C" NOT NULL,
    week            TEXT COLLATE "C" NOT NULL,
    story_ids       TEXT COLLATE "C" NOT NULL,
    key             TEXT COLLATE "C" NOT NULL,
    writer_version  TEXT COLLATE "C",
    written         TEXT COLLATE "C" NOT NULL,
    gated           TEXT COLLATE "C",
    verdicts        TEXT COLLATE "C",
    record          TEXT COLLATE "C",
    checker         TEXT COLLATE "C"
);
CREATE INDEX roundups_thread ON roundups(thread_id);
