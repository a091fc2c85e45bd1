"""Passwords: argon2id hashes, the rules a new password must meet, and verification.

argon2-cffi's defaults are RFC 9106's low-memory argon2id profile (64 MiB, three
passes, four lanes): a stolen database costs an attacker that much per guess. A hash
is a PHC string that names its own parameters, so a stored hash keeps verifying after
the parameters change, and ``verify`` hands back a new hash to store when they did.
A name that does not exist is checked against a dummy hash, so that a wrong name
takes as long to refuse as a wrong password and a sign-in reveals no names.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from newsdesk.errors import InputError

HASHER = PasswordHasher()
MIN_LENGTH = 12
MAX_LENGTH = 1024
"""A longer password is refused before hashing: argon2 would take it, but nobody types
one, and it costs memory per request."""


def check_rules(password: str) -> None:
    """Raise ``InputError`` (never naming the password) when it is too short or too long."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"a password needs {MIN_LENGTH} characters or more")
    if len(password) > MAX_LENGTH:
        raise InputError(f"a password has at most {MAX_LENGTH} characters")
    if password != password.strip():
        raise InputError("a password cannot start or end with a space")


def hash_password(password: str) -> str:
    """The argon2id hash of a password that meets the rules."""
    check_rules(password)
    return HASHER.hash(password)


@cache
def _dummy() -> str:
    return HASHER.hash("not a password of anyone's")


def verify(stored: str | None, password: str) -> tuple[bool, str | None]:
    """Whether ``password`` matches the ``stored`` hash (None: no such user, checked
    against a dummy all the same), and a new hash to store when the parameters changed."""
    if len(password) > MAX_LENGTH:
        return False, None
    try:
        HASHER.verify(stored or _dummy(), password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    rehashed = HASHER.hash(password) if HASHER.check_needs_rehash(stored) else None
    return True, rehashed
