"""Admin pages: users (list, add, disable) and the audit log. Editors get 403.

Adding and disabling go through ``accounts.py``, as ``newsdesk users`` does, so the
rules and the audit entry are the same either way. After a change the page redirects
(303) to the users list, so a reload never repeats it.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.desk import accounts
from newsdesk.desk.auth import SignedIn
from newsdesk.desk.web import admin_only, desk_of
from newsdesk.errors import InputError
from newsdesk.records import DESK_ROLES

router = APIRouter(dependencies=[Depends(admin_only)])
Admin = Annotated[SignedIn, Depends(admin_only)]
AUDIT_PAGE = 100


def users_page(request: Request, status: int = 200, message: str = "", done: str = "") -> Response:
    desk = desk_of(request)
    with desk.store() as store:
        users = store.users()
    return desk.page(
        request,
        "users.html",
        status=status,
        users=users,
        roles=DESK_ROLES,
        message=message,
        done=done,
    )


DONE = re.compile(r"(added (editor|admin)|disabled) [A-Za-z0-9._-]{1,64}")
"""What the page may say it did (after a redirect): a crafted link can make it say no more."""


@router.get("/users")
def users(request: Request, done: str = "") -> Response:
    return users_page(request, done=done if DONE.fullmatch(done) else "")


@router.post("/users")
def add_user(
    request: Request,
    admin: Admin,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "editor",
    password: Annotated[str, Form()] = "",
    again: Annotated[str, Form()] = "",
) -> Response:
    desk = desk_of(request)
    try:
        if password != again:
            raise InputError("the two passwords differ")
        with desk.store() as store:
            user = accounts.add_user(store, name.strip(), role, password, admin.actor())
    except InputError as exc:
        return users_page(request, 400, str(exc))
    done = quote(f"added {user.role} {user.name}")
    return RedirectResponse(f"/users?done={done}", status_code=303)


@router.post("/users/{name}/disable")
def disable_user(request: Request, name: str, admin: Admin) -> Response:
    desk = desk_of(request)
    try:
        with desk.store() as store:
            user = accounts.disable_user(store, name, admin.actor())
    except InputError as exc:
        return users_page(request, 400, str(exc))
    return RedirectResponse(f"/users?done={quote(f'disabled {user.name}')}", status_code=303)


@router.get("/audit")
def audit_log(
    request: Request,
    user: str = "",
    action: str = "",
    before: int | None = None,
) -> Response:
    desk = desk_of(request)
    with desk.store() as store:
        entries = store.audit_log(
            AUDIT_PAGE, before=before, user=user or None, action=action or None
        )
    older = entries[-1].id if len(entries) == AUDIT_PAGE else None
    return desk.page(request, "audit.html", entries=entries, user=user, action=action, older=older)
