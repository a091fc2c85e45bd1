-- PostgreSQL's 0005: the same migration as 0005_verify_stage.sql, said for PostgreSQL.
-- 0005: the verify gate runs as its own stage, keyed on the checker's version.
-- `checker` names the checker (rules, support model and [verify] settings) that
-- gated the draft: NULL until the verify stage has gated it, and a draft gated
-- by another checker is judged again. `note` keeps what the write stage has to
-- say about the draft (a writer that failed and was replaced). A draft whose
-- source articles changed after it was written is marked in `sources_changed`
-- instead of by overwriting its story hash with a marker string.

ALTER TABLE drafts ADD COLUMN checker TEXT COLLATE "C";
ALTER TABLE drafts ADD COLUMN note TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN sources_changed BIGINT NOT NULL DEFAULT 0;
UPDATE drafts SET sources_changed = 1 WHERE story_hash = 'sources changed';
ALTER TABLE drafts DROP COLUMN verified_hash;
