"""Running the desk: uvicorn over the app, as ``newsdesk desk`` and the tests start it.

uvicorn believes ``X-Forwarded-For`` and ``X-Forwarded-Proto`` only from the proxies
``[desk] trusted_proxies`` lists (none by default): otherwise any client could claim
another address and dodge the sign-in limit, or claim HTTPS. Its access log names the
method, path and query of each request, never a form body, so no password reaches it.
"""

from __future__ import annotations

import uvicorn

from newsdesk.config import Config
from newsdesk.desk.app import create_app


def uvicorn_config(
    config: Config,
    host: str | None = None,
    port: int | None = None,
    key: bytes | None = None,
    log_level: str = "info",
) -> uvicorn.Config:
    """uvicorn's settings for the desk over ``config`` (``ConfigError`` without a key)."""
    settings = config.desk
    proxies = list(settings.trusted_proxies)
    return uvicorn.Config(
        create_app(config, key),
        host=host or settings.host,
        port=settings.port if port is None else port,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        server_header=False,
        log_level=log_level,
    )


def serve(config: Config, host: str | None = None, port: int | None = None) -> None:
    """Serve the desk until interrupted (Ctrl-C stops it cleanly)."""
    uvicorn.Server(uvicorn_config(config, host, port)).run()
