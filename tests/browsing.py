"""Driving Debian's chromium with Playwright, for the tests of the site and of the desk:
finding the browser, one browser per module, where screenshots go, what a page's console
reports (and, with ``Watch``, which dialogs opened), serving a folder over HTTP, and a
desk context that signs in. Playwright's own browser download does not work on these
machines, so the browser is found on ``PATH`` (``.ci/run`` installs it) or named by
``NEWSDESK_CHROMIUM``."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    ViewportSize,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def find_chromium() -> str | None:
    """The browser binary: ``NEWSDESK_CHROMIUM``, else Debian's ``chromium`` on ``PATH``."""
    named = os.environ.get("NEWSDESK_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Console:
    """Every console error and uncaught exception of the pages it watches, with where.

    Pages name their own (empty) icon, so chromium asks for no ``/favicon.ico`` and
    any 404 here is a broken link of the site's own."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        page.on("console", self._message)
        page.on("pageerror", self._uncaught)
        return page

    def _message(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            page = message.page.url if message.page else "?"
            where = message.location.get("url") or "?"
            self.errors.append(f"console.error on {page}: {message.text} ({where})")

    def _uncaught(self, error: PlaywrightError) -> None:
        self.errors.append(f"uncaught exception: {error.message}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless chromium for the module, closed (then Playwright stopped) at its end so
    no process or pipe outlives the tests."""
    path = find_chromium()
    if path is None:
        reason = (
            "no chromium browser found: install Debian's package (apt-get install chromium, "
            "as .ci/run does) or set NEWSDESK_CHROMIUM to a chromium binary"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=path, headless=True)
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``NEWSDESK_SCREENSHOTS`` if set, so a person can look at them."""
    named = os.environ.get("NEWSDESK_SCREENSHOTS")
    folder = Path(named) if named else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Watch:
    """Dialogs (each one an ``alert`` that ran) and console errors of the watched pages."""

    console: Console = field(default_factory=Console)
    dialogs: list[str] = field(default_factory=list)
    expected: list[tuple[str, str]] = field(default_factory=list)
    """Refusals a test asks for (a 401 for a wrong password): chromium logs each."""

    def expect(self, status: int, url: str) -> None:
        self.expected.append((f"status of {status} ", f"({url})"))

    def page(self, context: BrowserContext) -> Page:
        page = self.console.watch(context.new_page())
        page.on("dialog", self._dialog)
        return page

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_quiet(self, where: str) -> None:
        assert not self.dialogs, f"{where}: dialogs opened: {self.dialogs}"
        errors = [
            e
            for e in self.console.errors
            if not any(status in e and url in e for status, url in self.expected)
        ]
        assert not errors, f"{where}: console errors:\n" + "\n".join(errors)


@contextmanager
def desk_context(browser: Browser, address: str) -> Iterator[BrowserContext]:
    """A desktop browser context that comes from ``address``: the desk of the tests trusts
    127.0.0.1 to say so (``desk_support``), so each test signs in from an address of its
    own."""
    made = browser.new_context(viewport=DESKTOP, extra_http_headers={"X-Forwarded-For": address})
    try:
        yield made
    finally:
        made.close()


def desk_sign_in(page: Page, base_url: str, user: tuple[str, str]) -> None:
    """Sign in to the desk at ``base_url`` through its form; the queue opens."""
    page.goto(base_url + "/signin")
    page.fill("input[name=name]", user[0])
    page.fill("input[name=password]", user[1])
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/queue")


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files; a test reads the browser's console, not the server's log."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_site(root: Path) -> Iterator[str]:
    """Serve ``root`` over HTTP on 127.0.0.1 (a free port) and yield its base URL: a browser
    treats file:// pages differently (origins, fetches), so the site is tested as served."""
    handler = functools.partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
