"""Desk users: adding, listing and disabling them, and the audit log every action goes to.

The ``newsdesk users`` commands and the desk's users page both call these, so a user
added either way is checked by the same rules and leaves the same audit entry. A
password reaches ``add_user`` and leaves it only as an argon2id hash; no message names
it. Disabling a user ends their sessions at once, and the last admin cannot be
disabled: the desk would have no one left to manage it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from newsdesk.desk import passwords
from newsdesk.errors import InputError, one_line, shown
from newsdesk.records import DESK_ROLES, AuditEntry, DeskRole, DeskUser
from newsdesk.store import DeskStore

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""A user name: what a login form and a log line can carry without escaping surprises."""
COMMAND_LINE = "command line"
"""The address audit entries give actions taken with ``newsdesk users``."""


def stamp(moment: datetime | None = None) -> str:
    """``moment`` (default: now) as the desk stores times: ISO 8601 UTC, to the second."""
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Actor:
    """Who does something: a signed-in user from an address, or the command line."""

    user: str | None
    address: str | None

    @classmethod
    def command_line(cls) -> Actor:
        return cls(None, COMMAND_LINE)


def audit(store: DeskStore, actor: Actor, action: str, target: str = "", detail: str = "") -> None:
    """Add one entry to the audit log; what a visitor typed is cut to one short line."""
    store.audit(
        AuditEntry(
            at=stamp(),
            user=actor.user,
            address=actor.address,
            action=action,
            target=one_line(target, 100),
            detail=one_line(detail, 300),
        )
    )


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise InputError(
            f"user name {shown(name)}: use 1 to 64 letters, digits, '.', '_' or '-',"
            " starting with a letter or digit"
        )
    return name


def check_role(role: str) -> DeskRole:
    for known in DESK_ROLES:
        if role == known:
            return known
    raise InputError(f"role {shown(role)}: give one of {', '.join(DESK_ROLES)}")


def add_user(store: DeskStore, name: str, role: str, password: str, actor: Actor) -> DeskUser:
    """Store a new user with the argon2id hash of ``password``; ``InputError`` when the
    name, role or password breaks the rules or the name is taken (whatever its case)."""
    user = DeskUser(
        name=check_name(name),
        role=check_role(role),
        password_hash=passwords.hash_password(password),
        created=stamp(),
    )
    with store.transaction():
        if not store.add_user(user):
            raise InputError(f"a user named {shown(name)} exists already")
        audit(store, actor, "user.add", user.name, f"role {user.role}")
    return user


def disable_user(store: DeskStore, name: str, actor: Actor) -> DeskUser:
    """Disable a user and end their sessions; ``InputError`` when there is no such user
    or they are the last admin who can sign in."""
    with store.transaction():
        user = store.user(name)
        if user is None:
            raise InputError(f"no user named {shown(name)}; `newsdesk users list` lists them")
        if user.disabled:
            raise InputError(f"{user.name} is disabled already")
        admins = [u for u in store.users() if u.role == "admin" and not u.disabled]
        if user.role == "admin" and len(admins) <= 1:
            raise InputError(f"{user.name} is the last admin: add another admin first")
        store.set_user_disabled(user.name, True)
        ended = store.end_sessions_of(user.name)
        audit(store, actor, "user.disable", user.name, f"{ended} session(s) ended")
    return user
