-- PostgreSQL's 0009: the same migration as 0009_run_lease.sql, said for PostgreSQL.
-- 0009: one run at a time per store. The run that writes the store holds its lease: the
-- single row of `run_lease` (id 1) names the run, its process (pid on host), when it took
-- the lease, its last heartbeat and when the lease lapses unless renewed (`heartbeat` and
-- `expires` are Unix times). The row goes when the run ends; a killed run's row stays
-- until it lapses or, on the same host, until its process is found gone. See store/runs.py.

CREATE TABLE run_lease (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    run_id      BIGINT NOT NULL REFERENCES runs(id),
    pid         BIGINT NOT NULL,
    host        TEXT COLLATE "C" NOT NULL,
    started     TEXT COLLATE "C" NOT NULL,
    heartbeat   DOUBLE PRECISION NOT NULL,
    expires     DOUBLE PRECISION NOT NULL
);
