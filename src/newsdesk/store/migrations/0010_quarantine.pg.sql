-- PostgreSQL's 0010: the same migration as 0010_quarantine.sql, said for PostgreSQL.
-- 0010: items a stage could not process. When one story (or draft) makes a stage raise
-- an error that is not the store's or the machine's, the stage records it here with the
-- reason and goes on with the rest, so a stored value can never wedge later runs. `input`
-- is the hash of what failed (a story's article set, a draft and its checker): a later
-- run skips the item while its input is unchanged and tries it again once it changes.
-- See engine.Quarantine.

CREATE TABLE quarantine (
    stage       TEXT COLLATE "C" NOT NULL,
    item        TEXT COLLATE "C" NOT NULL,
    input       TEXT COLLATE "C" NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL,
    run_id      BIGINT REFERENCES runs(id),
    at          TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (stage, item)
);
