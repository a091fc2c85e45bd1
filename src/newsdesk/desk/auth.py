"""Sign-in, sessions, CSRF tokens and the sign-in limit, over the store (no web framework).

A session is a random token in an HttpOnly cookie, signed with the desk's key
(HMAC-SHA256, so a forged cookie is refused before the database is asked), and kept
on the server as the token's SHA-256: signing out or disabling a user ends it for
good, and a copy of the database holds no usable token. Each session has its own CSRF
token, which every state-changing request must send back. The sign-in form, before
any session, is protected the same way by a nonce cookie and its HMAC.

Failed sign-ins are counted in the store per user name and per address over a
window (``[desk] max_failed_signins`` in ``signin_window_minutes``); past the limit a
sign-in is refused before its password is even checked. A good sign-in clears the
user's count but not the address's, so one account cannot be used to reset the
count of an address that guesses others' passwords.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from newsdesk.config import DeskSettings
from newsdesk.desk import passwords
from newsdesk.desk.accounts import Actor, audit, stamp
from newsdesk.errors import ConfigError
from newsdesk.records import DeskSession, DeskUser, SignInAttempt
from newsdesk.store import DeskStore

MIN_KEY_LENGTH = 32
TOUCH_EVERY = timedelta(minutes=1)
"""A session's last-seen time is written at most this often, not on every request."""


def session_key(settings: DeskSettings, environ: Mapping[str, str] = os.environ) -> bytes:
    """The secret that signs cookies, from the variable ``[desk] session_key_env`` names;
    a one-line ``ConfigError`` when it is unset or too short to be a secret."""
    name = settings.session_key_env
    value = environ.get(name, "")
    if len(value) < MIN_KEY_LENGTH:
        state = "unset" if not value else f"shorter than {MIN_KEY_LENGTH} characters"
        raise ConfigError(
            f"{name} is {state}: set it to a secret of {MIN_KEY_LENGTH} characters or more"
            ' (python -c "import secrets; print(secrets.token_urlsafe(32))");'
            " the desk signs its session cookies with it"
        )
    return value.encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Signer:
    """HMACs with the desk's key, one purpose per label so no signature serves another."""

    key: bytes

    def mac(self, purpose: str, value: str) -> str:
        message = f"{purpose}\x00{value}".encode()
        return _b64(hmac.new(self.key, message, hashlib.sha256).digest())

    def sign(self, purpose: str, value: str) -> str:
        return f"{value}.{self.mac(purpose, value)}"

    def unsign(self, purpose: str, signed: str | None) -> str | None:
        """The value of a signed string, or None when it is missing or its MAC is wrong."""
        if not signed or "." not in signed or len(signed) > 512:
            return None
        value, mac = signed.rsplit(".", 1)
        return value if hmac.compare_digest(mac, self.mac(purpose, value)) else None

    def matches(self, purpose: str, value: str, mac: str | None) -> bool:
        return bool(mac) and hmac.compare_digest(str(mac), self.mac(purpose, value))


def same_token(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


@dataclass(frozen=True)
class SignedIn:
    """A live session and its user, as a request found them."""

    session: DeskSession
    user: DeskUser
    token: str

    @property
    def is_admin(self) -> bool:
        return self.user.role == "admin"

    def actor(self) -> Actor:
        return Actor(self.user.name, self.session.address)


def start_session(
    store: DeskStore, user: DeskUser, address: str, settings: DeskSettings
) -> SignedIn:
    """A new session for ``user``: a fresh token (never one the browser offered)."""
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    session = DeskSession(
        token_hash=token_hash(token),
        user=user.name,
        csrf=secrets.token_urlsafe(32),
        created=stamp(now),
        expires=stamp(now + timedelta(hours=settings.session_hours)),
        last_seen=stamp(now),
        address=address,
    )
    store.add_session(session)
    return SignedIn(session, user, token)


def find_session(store: DeskStore, token: str) -> SignedIn | None:
    """The live session of ``token``: stored, not expired, of a user who may sign in."""
    session = store.session(token_hash(token))
    if session is None:
        return None
    now = datetime.now(UTC)
    if session.expires <= stamp(now):
        store.end_session(session.token_hash)
        return None
    user = store.user(session.user)
    if user is None or user.disabled:
        return None
    if datetime.fromisoformat(session.last_seen) + TOUCH_EVERY <= now:
        store.touch_session(session.token_hash, stamp(now))
    return SignedIn(session, user, token)


@dataclass(frozen=True)
class SignInResult:
    """What a sign-in came to: a session, a refusal for too many failures, or a failure."""

    signed_in: SignedIn | None = None
    limited: bool = False


def limited(store: DeskStore, name: str, address: str, settings: DeskSettings) -> bool:
    """Whether the user name or the address has failed too often in the window."""
    since = stamp(datetime.now(UTC) - timedelta(minutes=settings.signin_window_minutes))
    most = settings.max_failed_signins
    return (
        store.failed_signins(since, name=name) >= most
        or store.failed_signins(since, address=address) >= most
    )


def sign_in(
    store: DeskStore, name: str, password: str, address: str, settings: DeskSettings
) -> SignInResult:
    """Check a sign-in against the limit and the stored hash; record and audit it either
    way. A disabled user, an unknown name and a wrong password fail alike."""
    typed = name[:100]
    visitor = Actor(None, address)
    if limited(store, typed, address, settings):
        audit(store, visitor, "signin.limited", typed, "too many failed sign-ins")
        return SignInResult(limited=True)
    user = store.user(typed)
    ok, rehashed = passwords.verify(user.password_hash if user else None, password)
    ok = ok and user is not None and not user.disabled
    with store.transaction():
        store.record_signin(SignInAttempt(stamp(), typed, address, ok))
        if not ok or user is None:
            audit(store, visitor, "signin.failed", typed)
            return SignInResult()
        if rehashed:
            store.set_password_hash(user.name, rehashed)
        store.end_expired_sessions(stamp())
        store.signed_in(user.name, stamp())
        found = start_session(store, user, address, settings)
        audit(store, found.actor(), "signin", user.name)
    return SignInResult(found)


def sign_out(store: DeskStore, found: SignedIn) -> None:
    with store.transaction():
        store.end_session(found.session.token_hash)
        audit(store, found.actor(), "signout", found.user.name)


def forget_old_attempts(store: DeskStore, settings: DeskSettings) -> None:
    """Drop attempts older than the window: they no longer count against anyone."""
    store.forget_signins(
        stamp(datetime.now(UTC) - timedelta(minutes=settings.signin_window_minutes))
    )
