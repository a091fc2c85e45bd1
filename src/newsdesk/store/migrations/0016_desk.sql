-- 0016: the editor's desk (`newsdesk desk`): its users, their server-side sessions, the
-- sign-in attempts the rate limit counts, and the audit log. No stage reads these.
-- A user name is unique whatever its case. A password is kept only as an argon2id hash
-- (PHC string); a session only as the SHA-256 of its cookie's token, so a copy of the
-- database signs no one in. Attempts are kept (not counted in memory) so that a
-- restarted desk still knows who failed to sign in. Times are ISO 8601 UTC.

CREATE TABLE users (
    name           TEXT PRIMARY KEY COLLATE NOCASE,
    role           TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created        TEXT NOT NULL,
    last_signin    TEXT
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user        TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created     TEXT NOT NULL,
    expires     TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    address     TEXT
);
CREATE INDEX sessions_user ON sessions(user);
CREATE INDEX sessions_expires ON sessions(expires);

CREATE TABLE signin_attempts (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    name     TEXT NOT NULL COLLATE NOCASE,
    address  TEXT NOT NULL,
    ok       INTEGER NOT NULL
);
CREATE INDEX signin_attempts_name ON signin_attempts(name, at);
CREATE INDEX signin_attempts_address ON signin_attempts(address, at);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    user     TEXT,
    address  TEXT,
    action   TEXT NOT NULL,
    target   TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_user ON audit_log(user, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
