"""The desk's FastAPI app: routes, static files, templates, refusals and security headers.

Every response carries a strict Content-Security-Policy: scripts and styles only from
the desk's own ``/static/`` (htmx and one stylesheet; no inline script or style, no
eval), no framing, no plugins, forms posting only to the desk. With Jinja's
autoescaping on, text from sources, outlet names and URLs can neither close an
attribute nor run, and a link is only ever http(s) (``publish.text.safe_url``).
Pages are never cached (``no-store``): they show who is signed in and what is held.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsdesk.config import Config
from newsdesk.desk import admin, editing, pages, signin
from newsdesk.desk.auth import Signer, session_key
from newsdesk.desk.web import Desk, Refused, SignInRequired, desk_of
from newsdesk.errors import InputError
from newsdesk.publish.text import human_date

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """Adds ``HEADERS`` to every response (static files and errors too), and
    ``Cache-Control: no-store`` to every response but a static file."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


ROUTERS = (signin.public, signin.private, pages.router, editing.router, admin.router)
"""Every router the app serves: only ``signin.public`` (the sign-in form) works without a
session; the others depend on ``web.signed_in`` (and ``admin.router`` on ``admin_only``)."""


def routes() -> list[tuple[str, frozenset[str]]]:
    """Every route the app serves, as (path template, methods): what the tests refuse."""
    return [
        (route.path, frozenset(route.methods or ()))
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
    ]


def templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("newsdesk.desk", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["human_date"] = human_date
    return environment


def create_app(config: Config, key: bytes | None = None) -> FastAPI:
    """The desk over ``config``'s store. ``key`` signs cookies; by default it is read
    from the variable ``[desk] session_key_env`` names (``ConfigError`` when unset)."""
    app = FastAPI(title="newsdesk desk", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.desk = Desk(config, Signer(key or session_key(config.desk)), templates())
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("newsdesk.desk", "static")]), name="static")
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(SignInRequired, _sign_in_first)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(InputError, _bad_input)
    app.add_exception_handler(HTTPException, _http_error)
    return app


async def _sign_in_first(request: Request, exc: Any) -> Response:
    """A page redirects to the sign-in page (and back after); htmx is told where to go;
    anything else is refused with 401."""
    if request.headers.get("hx-request") == "true":
        return Response("sign in first", status_code=401, headers={"HX-Redirect": "/signin"})
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target, safe='/')}", status_code=303)
    return desk_of(request).page(
        request, "error.html", status=401, message="Sign in first.", signin=True
    )


async def _refused(request: Request, exc: Any) -> Response:
    return desk_of(request).page(request, "error.html", status=exc.status, message=exc.message)


async def _bad_input(request: Request, exc: Any) -> Response:
    return desk_of(request).page(request, "error.html", status=400, message=str(exc))


async def _http_error(request: Request, exc: Any) -> Response:
    messages = {404: "There is no such page.", 405: "This page does not take that method."}
    message = messages.get(exc.status_code, str(exc.detail))
    return desk_of(request).page(request, "error.html", status=exc.status_code, message=message)
