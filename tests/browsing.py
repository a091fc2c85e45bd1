"""Driving Debian's chromium with Playwright, for the tests of the site and of the desk:
finding the browser, one browser per module, where screenshots go, and what a page's
console reports. Playwright's own browser download does not work on these machines, so the
browser is found on ``PATH`` (``.ci/run`` installs it) or named by ``NEWSDESK_CHROMIUM``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError


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
