-- PostgreSQL's 0002: the same migration as 0002_gate.sql, said for PostgreSQL.
-- 0002: the verify gate and article updates.
-- A draft keeps its version and change log across rewrites; a timeline entry
-- carries its date; the gate's record (rounds, dropped sentences, held or not)
-- is stored with the draft; stage runs record LLM tokens and cost.

ALTER TABLE drafts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE drafts ADD COLUMN changes TEXT COLLATE "C" NOT NULL DEFAULT '[]';
ALTER TABLE sentences ADD COLUMN date TEXT COLLATE "C";

CREATE TABLE gate_records (
    story_id    TEXT COLLATE "C" PRIMARY KEY REFERENCES drafts(story_id) ON DELETE CASCADE,
    record      TEXT COLLATE "C" NOT NULL
);

ALTER TABLE stage_runs ADD COLUMN tokens_in BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stage_runs ADD COLUMN tokens_out BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stage_runs ADD COLUMN cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0;
