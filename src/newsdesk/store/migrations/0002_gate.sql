-- 0002: the verify gate and article updates.
-- A draft keeps its version and change log across rewrites; a timeline entry
-- carries its date; the gate's record (rounds, dropped sentences, held or not)
-- is stored with the draft; stage runs record LLM tokens and cost.

ALTER TABLE drafts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE drafts ADD COLUMN changes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sentences ADD COLUMN date TEXT;

CREATE TABLE gate_records (
    story_id    TEXT PRIMARY KEY REFERENCES drafts(story_id) ON DELETE CASCADE,
    record      TEXT NOT NULL
);

ALTER TABLE stage_runs ADD COLUMN tokens_in INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stage_runs ADD COLUMN tokens_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stage_runs ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0;
