-- PostgreSQL's 0008: the same migration as 0008_verdict_checks.sql, said for PostgreSQL.
-- 0008: the checks each published sentence passed, space-separated in the order they ran
-- ("support number quote"), so the site and its JSON can say how a sentence was checked.
-- NULL for verdicts stored before the checks were recorded.

ALTER TABLE verdicts ADD COLUMN checks TEXT COLLATE "C";
