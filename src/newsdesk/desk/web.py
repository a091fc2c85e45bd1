"""Request plumbing every route shares: the desk's state, a store per request, who is
signed in, the CSRF and origin checks, refusals, cookies and rendering.

Every route but the sign-in page and the static files sits on a router whose
dependency is ``signed_in``: a request without a live session never reaches a handler,
and one that changes state (any method but GET, HEAD, OPTIONS) must also come from the
desk's own origin and carry the session's CSRF token (form field ``csrf_token`` or
header ``X-CSRF-Token``), or it is refused with 403. Admin routes add ``admin_only``.

SQLite connections belong to the thread that opened them, and FastAPI runs handlers
and dependencies on a pool of threads: so each piece of work opens the store, does its
reads and writes, and closes it (``Desk.store``), in one thread. Opening a SQLite file
costs well under a millisecond; the pipeline can write meanwhile (WAL).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from newsdesk import api
from newsdesk.config import Config, DeskSettings
from newsdesk.desk import auth
from newsdesk.desk.accounts import Actor, audit
from newsdesk.desk.auth import SignedIn, Signer
from newsdesk.store import Store

SESSION_COOKIE = "newsdesk_session"
SIGNIN_COOKIE = "newsdesk_signin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(Exception):
    """No live session: pages redirect to the sign-in page, other requests get 401."""


class Refused(Exception):
    """A request the desk will not serve, with its status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Desk:
    """What every request needs: the settings, the key's signer and the templates."""

    config: Config
    signer: Signer
    templates: jinja2.Environment

    @property
    def settings(self) -> DeskSettings:
        return self.config.desk

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The store, opened for one piece of work in the calling thread."""
        with api.opened(self.config) as store:
            yield store

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        """A rendered template; ``me`` (who is signed in) and ``csrf`` are always there."""
        me: SignedIn | None = getattr(request.state, "signed_in", None)
        html = self.templates.get_template(template).render(
            me=me, csrf=me.session.csrf if me else "", path=request.url.path, **context
        )
        return HTMLResponse(html, status_code=status)

    def audit(self, actor: Actor, action: str, target: str = "", detail: str = "") -> None:
        with self.store() as store:
            audit(store, actor, action, target, detail)


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def client_address(request: Request) -> str:
    """The client's address (a trusted proxy's ``X-Forwarded-For``, else the peer's)."""
    return request.client.host if request.client else "unknown"


def set_cookie(
    response: Response, request: Request, name: str, value: str, max_age: int, path: str = "/"
) -> None:
    """HttpOnly, SameSite=Lax, and Secure whenever the desk is reached over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_cookie(response: Response, request: Request, name: str, path: str = "/") -> None:
    response.delete_cookie(
        name, path=path, httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )


def same_origin(request: Request) -> bool:
    """Whether a state-changing request comes from the desk's own pages. Browsers send
    ``Origin`` (and ``Sec-Fetch-Site``) with every POST; a request that sends neither
    (a script) still needs its CSRF token."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.scheme == request.url.scheme and parts.netloc == request.headers.get("host")


def _find(desk: Desk, token: str) -> SignedIn | None:
    with desk.store() as store:
        return auth.find_session(store, token)


async def session_of(request: Request) -> SignedIn | None:
    """The request's live session, if its cookie names one (None for a forged cookie)."""
    desk = desk_of(request)
    token = desk.signer.unsign("session", request.cookies.get(SESSION_COOKIE))
    return await run_in_threadpool(_find, desk, token) if token else None


async def submitted(request: Request, field: str = "csrf_token") -> str | None:
    """The CSRF token a request carries: the ``X-CSRF-Token`` header, else the form field."""
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(field)
        given = value if isinstance(value, str) else None
    return given


async def signed_in(request: Request) -> SignedIn:
    """The dependency of every page: a live session, and for a state-changing request
    the desk's origin and the session's CSRF token."""
    found = await session_of(request)
    if found is None:
        raise SignInRequired()
    request.state.signed_in = found
    if request.method not in SAFE_METHODS:
        desk = desk_of(request)
        if not same_origin(request):
            detail = "cross-origin request"
        elif not auth.same_token(found.session.csrf, await submitted(request)):
            detail = "no valid CSRF token"
        else:
            return found
        await run_in_threadpool(desk.audit, found.actor(), "refused", request.url.path, detail)
        raise Refused(
            403,
            "This form has expired or did not come from the desk: reload the page and try again.",
        )
    return found


async def admin_only(request: Request, found: Annotated[SignedIn, Depends(signed_in)]) -> SignedIn:
    """Admins only: an editor is refused with 403, and the refusal is audited."""
    if not found.is_admin:
        desk = desk_of(request)
        await run_in_threadpool(
            desk.audit, found.actor(), "refused", request.url.path, "admin only"
        )
        raise Refused(403, "Only admins can see or do this.")
    return found
