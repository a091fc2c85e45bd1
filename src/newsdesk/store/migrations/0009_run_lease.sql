-- 0009: one run at a time per store. The run that writes the store holds its lease: the
-- single row of `run_lease` (id 1) names the run, its process (pid on host), when it took
-- the lease, its last heartbeat and when the lease lapses unless renewed (`heartbeat` and
-- `expires` are Unix times). The row goes when the run ends; a killed run's row stays
-- until it lapses or, on the same host, until its process is found gone. See store/runs.py.

CREATE TABLE run_lease (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    pid         INTEGER NOT NULL,
    host        TEXT NOT NULL,
    started     TEXT NOT NULL,
    heartbeat   REAL NOT NULL,
    expires     REAL NOT NULL
);
