"""The editor's desk part of the SQL store (``DeskStore``): users, sessions, sign-in
attempts and the audit log (migration 0016)."""

from __future__ import annotations

from newsdesk.records import AuditEntry, DeskSession, DeskUser, SignInAttempt
from newsdesk.store.sql.base import Row, SQLDatabase


class SQLDeskStore(SQLDatabase):
    """The desk's tables, one row per user, session, attempt and audit entry."""

    # -- users ------------------------------------------------------------

    def add_user(self, user: DeskUser) -> bool:
        cursor = self.db.execute(
            "INSERT INTO users (name, role, password_hash, disabled, created, last_signin)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
            (
                user.name,
                user.role,
                user.password_hash,
                int(user.disabled),
                user.created,
                user.last_signin,
            ),
        )
        return cursor.rowcount == 1

    def user(self, name: str) -> DeskUser | None:
        row = self._one("SELECT * FROM users WHERE name = ?", (name,))
        return None if row is None else _user(row)

    def users(self) -> list[DeskUser]:
        return [_user(r) for r in self._all("SELECT * FROM users ORDER BY name")]

    def set_user_disabled(self, name: str, disabled: bool) -> bool:
        cursor = self.db.execute(
            "UPDATE users SET disabled = ? WHERE name = ?", (int(disabled), name)
        )
        return cursor.rowcount == 1

    def set_password_hash(self, name: str, password_hash: str) -> None:
        self.db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name))

    def signed_in(self, name: str, at: str) -> None:
        self.db.execute("UPDATE users SET last_signin = ? WHERE name = ?", (at, name))

    # -- sessions ---------------------------------------------------------

    def add_session(self, session: DeskSession) -> None:
        self.db.execute(
            'INSERT INTO sessions (token_hash, "user", csrf, created, expires, last_seen, address)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                session.token_hash,
                session.user,
                session.csrf,
                session.created,
                session.expires,
                session.last_seen,
                session.address,
            ),
        )

    def session(self, token_hash: str) -> DeskSession | None:
        row = self._one("SELECT * FROM sessions WHERE token_hash = ?", (token_hash,))
        if row is None:
            return None
        return DeskSession(
            token_hash=row["token_hash"],
            user=row["user"],
            csrf=row["csrf"],
            created=row["created"],
            expires=row["expires"],
            last_seen=row["last_seen"],
            address=row["address"],
        )

    def touch_session(self, token_hash: str, last_seen: str) -> None:
        self.db.execute(
            "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (last_seen, token_hash)
        )

    def end_session(self, token_hash: str) -> bool:
        cursor = self.db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))
        return cursor.rowcount == 1

    def end_sessions_of(self, name: str) -> int:
        return self.db.execute('DELETE FROM sessions WHERE "user" = ?', (name,)).rowcount

    def end_expired_sessions(self, now: str) -> int:
        return self.db.execute("DELETE FROM sessions WHERE expires <= ?", (now,)).rowcount

    # -- sign-in attempts -------------------------------------------------

    def record_signin(self, attempt: SignInAttempt) -> None:
        self.db.execute(
            "INSERT INTO signin_attempts (at, name, address, ok) VALUES (?, ?, ?, ?)",
            (attempt.at, attempt.name, attempt.address, int(attempt.ok)),
        )

    def failed_signins(
        self, since: str, *, name: str | None = None, address: str | None = None
    ) -> int:
        if name is not None:
            row = self._one(
                "SELECT count(*) FROM signin_attempts WHERE name = ? AND ok = 0 AND at >= ?"
                " AND id > coalesce((SELECT max(id) FROM signin_attempts"
                " WHERE name = ? AND ok = 1), 0)",
                (name, since, name),
            )
        elif address is not None:
            row = self._one(
                "SELECT count(*) FROM signin_attempts WHERE address = ? AND ok = 0 AND at >= ?",
                (address, since),
            )
        else:
            raise ValueError("failed_signins needs a name or an address")
        return int(row[0]) if row is not None else 0

    def forget_signins(self, before: str) -> int:
        return self.db.execute("DELETE FROM signin_attempts WHERE at < ?", (before,)).rowcount

    # -- the audit log ----------------------------------------------------

    def audit(self, entry: AuditEntry) -> None:
        self.db.execute(
            'INSERT INTO audit_log (at, "user", address, action, target, detail)'
            " VALUES (?, ?, ?, ?, ?, ?)",
            (entry.at, entry.user, entry.address, entry.action, entry.target, entry.detail),
        )

    def audit_log(
        self,
        limit: int = 100,
        *,
        before: int | None = None,
        user: str | None = None,
        action: str | None = None,
    ) -> list[AuditEntry]:
        rows = self._all(
            "SELECT * FROM audit_log WHERE (? IS NULL OR id < ?)"
            ' AND (? IS NULL OR "user" = ? COLLATE NOCASE) AND (? IS NULL OR action = ?)'
            " ORDER BY id DESC LIMIT ?",
            (before, before, user, user, action, action, limit),
        )
        return [
            AuditEntry(
                at=r["at"],
                user=r["user"],
                address=r["address"],
                action=r["action"],
                target=r["target"],
                detail=r["detail"],
                id=r["id"],
            )
            for r in rows
        ]


def _user(row: Row) -> DeskUser:
    return DeskUser(
        name=row["name"],
        role=row["role"],
        password_hash=row["password_hash"],
        created=row["created"],
        disabled=bool(row["disabled"]),
        last_signin=row["last_signin"],
    )
