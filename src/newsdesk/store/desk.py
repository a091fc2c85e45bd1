"""The editor's desk part of the store: users, sessions, sign-in attempts, the audit log.

No stage reads or writes these: only the desk (``newsdesk desk``) and the ``newsdesk
users`` commands do. They live in the store all the same, beside what the desk shows,
so that one database file is the whole newsroom: a restarted desk keeps its sessions
and still counts the failed sign-ins before the restart. Times are ISO 8601 UTC strings
given by the caller, so the store keeps no clock of its own.
"""

from __future__ import annotations

from typing import Protocol

from newsdesk.records import AuditEntry, DeskSession, DeskUser, SignInAttempt
from newsdesk.store.base import Transactional


class DeskStore(Transactional, Protocol):
    """The desk's users and their sessions, sign-in attempts and the audit log."""

    # users: a name is unique whatever its case
    def add_user(self, user: DeskUser) -> bool:
        """Store a new user; False, storing nothing, when the name is taken."""
        ...

    def user(self, name: str) -> DeskUser | None: ...

    def users(self) -> list[DeskUser]:
        """Every user, by name."""
        ...

    def set_user_disabled(self, name: str, disabled: bool) -> bool:
        """Disable (or enable) a user; False when there is no such user."""
        ...

    def set_password_hash(self, name: str, password_hash: str) -> None: ...

    def signed_in(self, name: str, at: str) -> None:
        """Record when the user last signed in."""
        ...

    # sessions
    def add_session(self, session: DeskSession) -> None: ...

    def session(self, token_hash: str) -> DeskSession | None: ...

    def touch_session(self, token_hash: str, last_seen: str) -> None: ...

    def end_session(self, token_hash: str) -> bool:
        """Delete a session; False when it was not stored."""
        ...

    def end_sessions_of(self, name: str) -> int:
        """Delete every session of a user (disabled, or told to sign out everywhere)."""
        ...

    def end_expired_sessions(self, now: str) -> int: ...

    # sign-in attempts
    def record_signin(self, attempt: SignInAttempt) -> None: ...

    def failed_signins(
        self, since: str, *, name: str | None = None, address: str | None = None
    ) -> int:
        """Failed sign-ins since ``since``: for ``name`` (any address), only those after
        that name's last good sign-in; for ``address`` (any name), all of them."""
        ...

    def forget_signins(self, before: str) -> int:
        """Delete the attempts before ``before``: they no longer count against anyone."""
        ...

    # the audit log
    def audit(self, entry: AuditEntry) -> None: ...

    def audit_log(
        self,
        limit: int = 100,
        *,
        before: int | None = None,
        user: str | None = None,
        action: str | None = None,
    ) -> list[AuditEntry]:
        """The newest ``limit`` entries (older than the entry id ``before``), newest first,
        of ``user`` and of ``action`` when given."""
        ...
