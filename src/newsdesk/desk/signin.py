"""Signing in and out: the one page without a session, and the end of a session.

The sign-in form is a state-changing request made before any session exists, so it
carries its own CSRF token: a nonce in a short-lived cookie scoped to ``/signin`` and
the nonce's HMAC in the form. A good sign-in gets a new session (never one the browser
offered) and goes where it was headed (``next``, a path of the desk only); a failed
one says so in one line, with 401, and too many failures get 429. Signing out ends the
session on the server, so the old cookie is worthless even if it was copied.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.desk import auth
from newsdesk.desk.auth import SignedIn
from newsdesk.desk.web import (
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    Refused,
    clear_cookie,
    client_address,
    desk_of,
    same_origin,
    session_of,
    set_cookie,
    signed_in,
)

HOME = "/queue"
FORM_LIFETIME = 3600
"""Seconds a sign-in form stays usable."""

public = APIRouter()
"""The routes that need no session."""
private = APIRouter(dependencies=[Depends(signed_in)])


NEXT = re.compile(r"/(?![/\\])[A-Za-z0-9/._~%?&=+-]*")
"""A path (and query) of the desk: no scheme, no host (``//``), nothing to escape."""


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of the desk, never another site."""
    if not target or not NEXT.fullmatch(target) or target.startswith("/signin"):
        return HOME
    return target


def form(request: Request, status: int = 200, message: str = "", target: str = HOME) -> Response:
    """The sign-in page with a fresh form token (and its nonce cookie)."""
    desk = desk_of(request)
    nonce = secrets.token_urlsafe(16)
    response = desk.page(
        request,
        "signin.html",
        status=status,
        message=message,
        next=target,
        token=desk.signer.mac("signin", nonce),
    )
    set_cookie(response, request, SIGNIN_COOKIE, nonce, FORM_LIFETIME, path="/signin")
    return response


@public.get("/signin")
async def signin_page(request: Request, next: str | None = None) -> Response:
    if await session_of(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return form(request, target=safe_next(next))


@public.post("/signin")
def signin(
    request: Request,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    desk = desk_of(request)
    nonce = request.cookies.get(SIGNIN_COOKIE, "")
    if not same_origin(request) or not (nonce and desk.signer.matches("signin", nonce, csrf_token)):
        raise Refused(403, "This sign-in form has expired: reload the page and sign in again.")
    target = safe_next(next)
    address = client_address(request)
    earlier = desk.signer.unsign("session", request.cookies.get(SESSION_COOKIE))
    with desk.store() as store:
        auth.forget_old_attempts(store, desk.settings)
        result = auth.sign_in(store, name.strip(), password, address, desk.settings)
        if result.signed_in is not None and earlier:  # a browser keeps one session
            store.end_session(auth.token_hash(earlier))
    if result.limited:
        minutes = desk.settings.signin_window_minutes
        message = f"Too many failed sign-ins: wait up to {minutes} minutes and try again."
        return form(request, 429, message, target)
    if result.signed_in is None:
        return form(request, 401, "Wrong name or password.", target)
    response = RedirectResponse(target, status_code=303)
    cookie = desk.signer.sign("session", result.signed_in.token)
    set_cookie(response, request, SESSION_COOKIE, cookie, desk.settings.session_hours * 3600)
    clear_cookie(response, request, SIGNIN_COOKIE, path="/signin")
    return response


@private.post("/signout")
def signout(request: Request, found: Annotated[SignedIn, Depends(signed_in)]) -> Response:
    desk = desk_of(request)
    with desk.store() as store:
        auth.sign_out(store, found)
    response = RedirectResponse("/signin", status_code=303)
    clear_cookie(response, request, SESSION_COOKIE)
    return response
