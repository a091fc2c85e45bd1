"""The desk in a real browser: signing in and out, the htmx filter, and source text that
carries script and event-handler vectors rendering inert in every view.

Playwright drives Debian's ``chromium`` through ``executable_path``, as
``tests/test_browser.py`` does (same skip rule: no browser, a skip with the reason,
except under CI). Every page is watched for dialogs (an ``alert`` that ran) and console
errors (a script error, or the Content-Security-Policy refusing something). The fast
tests use the hand-built store of ``desk_support``; the slow one runs the real pipeline
on eight sample articles first. Screenshots of the queue and the story view go to
``NEWSDESK_SCREENSHOTS`` when set, else to pytest's temporary folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from browsing import Watch, desk_context, desk_sign_in
from desk_support import (
    ADMIN,
    EDITOR,
    EVIL,
    EVIL_TITLE,
    HELD,
    IMG,
    KEY,
    SCRIPT,
    RunningDesk,
    add_user,
    gated_pipeline,
    running,
    serve,
)
from newsdesk.records import Dropped
from newsdesk.store import SQLiteStore

INERT = """() => {
  const handlers = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) handlers.push(`${el.tagName}[${attr.name}]`);
    }
  }
  return {
    handlers,
    scripts: Array.from(document.scripts).map(s => s.getAttribute('src')),
    images: document.images.length,
    svgs: document.querySelectorAll('svg').length,
    javascript: Array.from(document.querySelectorAll('[href],[src],[action]')).filter(el =>
      /^\\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src')
        || el.getAttribute('action') || '')).length,
  };
}"""
"""What a page holds that could run: event-handler attributes, scripts, images, SVG,
javascript: links."""


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDesk]:
    with running(tmp_path_factory.mktemp("desk-browser")) as found:
        yield found


def test_sign_in_with_a_wrong_password_then_the_right_one_then_sign_out(
    browser: Browser, desk: RunningDesk
) -> None:
    watch = Watch()
    with desk_context(browser, "10.7.0.1") as made:
        page = watch.page(made)
        page.goto(desk.base_url + "/queue")
        assert page.url == desk.base_url + "/signin?next=/queue"
        page.fill("input[name=name]", EDITOR[0])
        page.fill("input[name=password]", "not the password at all")
        watch.expect(401, desk.base_url + "/signin")
        page.click("button[type=submit]")
        assert page.locator("p.error").inner_text() == "Wrong name or password."
        page.fill("input[name=name]", EDITOR[0])
        page.fill("input[name=password]", EDITOR[1])
        page.click("button[type=submit]")
        page.wait_for_url(desk.base_url + "/queue")
        assert page.locator("h1").inner_text() == "Queue"
        assert page.locator(".who").inner_text() == f"{EDITOR[0]} (editor)"
        assert page.locator("nav a[href='/users']").count() == 0
        cookies = {c["name"]: c for c in made.cookies()}
        assert cookies["newsdesk_session"]["httpOnly"] and cookies["newsdesk_session"][
            "sameSite"
        ] in ("Lax",)
        assert page.evaluate("() => document.cookie") == ""  # HttpOnly: no script reads it
        page.click("form.signout button")
        page.wait_for_url(desk.base_url + "/signin")
        page.goto(desk.base_url + "/queue")
        assert page.url.startswith(desk.base_url + "/signin")
    watch.assert_quiet("sign-in, sign-out")


def test_the_queue_filter_swaps_the_rows_with_htmx(browser: Browser, desk: RunningDesk) -> None:
    watch = Watch()
    with desk_context(browser, "10.7.0.2") as made:
        page = watch.page(made)
        desk_sign_in(page, desk.base_url, EDITOR)
        assert page.locator("a.headline").count() == 2
        page.evaluate("() => { window.sameDocument = true; }")
        page.select_option("select[name=section]", "Business")
        page.wait_for_url("**/queue?section=Business*")
        page.wait_for_function("() => document.querySelectorAll('a.headline').length === 1")
        assert page.evaluate("() => window.sameDocument") is True  # swapped, not reloaded
        assert page.locator("a.headline").inner_text().startswith("Deutsche Bank")
        page.select_option("select[name=section]", "")
        page.wait_for_function("() => document.querySelectorAll('a.headline').length === 2")
    watch.assert_quiet("the queue filter")


def test_source_text_with_script_and_handlers_renders_inert_in_every_view(
    browser: Browser, desk: RunningDesk, screenshots: Path
) -> None:
    watch = Watch()
    with desk_context(browser, "10.7.0.3") as made:
        page = watch.page(made)
        page.goto(desk.base_url + "/signin")
        page.fill("input[name=name]", IMG)  # lands in the audit log as the name tried
        page.fill("input[name=password]", SCRIPT)
        watch.expect(401, desk.base_url + "/signin")
        page.click("button[type=submit]")
        page.locator("p.error").wait_for()
        desk_sign_in(page, desk.base_url, ADMIN)
        views = [
            "/queue",
            f"/stories/{HELD}",
            "/audit",
            "/users",
            f"/queue?section={SCRIPT}",
            f"/signin?next=/queue%22%3E{SCRIPT}",
        ]
        watch.expect(400, desk.base_url + "/queue?section=%3Cscript%3Ealert(1)%3C/script%3E")
        for view in views:
            page.goto(desk.base_url + view)
            page.wait_for_load_state("load")
            found = page.evaluate(INERT)
            assert found["handlers"] == [], (view, found)
            assert found["scripts"] == ["/static/htmx.min.js"], (view, found)
            assert found["images"] == 0 and found["svgs"] == 0, (view, found)
            assert found["javascript"] == 0, (view, found)
            if view == "/queue":
                page.screenshot(path=screenshots / "queue.png", full_page=True)
                assert SCRIPT in page.inner_text("main")  # the gate's note, as text
            if view.startswith("/stories/"):
                page.screenshot(path=screenshots / "story.png", full_page=True)
                text = page.inner_text("main")
                assert EVIL_TITLE in text and EVIL.outlet in text and SCRIPT in text
                assert page.locator(f"a:has-text('{EVIL_TITLE[:20]}')").count() == 0
            if view == "/audit":
                assert IMG in page.inner_text("main")
        page.wait_for_timeout(300)  # an alert from a late handler would open by now
    watch.assert_quiet("every desk view")
    assert (screenshots / "queue.png").stat().st_size > 10_000
    assert (screenshots / "story.png").stat().st_size > 10_000


def test_an_edit_is_checked_and_swapped_in_and_a_failing_story_cannot_be_approved(
    browser: Browser, desk: RunningDesk, screenshots: Path
) -> None:
    """The edit form posts with htmx: the sentences come back checked again, in place;
    approving while a sentence fails shows why. Screenshots: ``edit-form.png``,
    ``edit.png`` (after the save), ``approve-refused.png``."""
    watch = Watch()
    story = f"{desk.base_url}/stories/{HELD}"
    with desk_context(browser, "10.7.0.4") as made:
        page = watch.page(made)
        desk_sign_in(page, desk.base_url, EDITOR)
        page.goto(story)
        page.click("#sentence-3 details.edit summary")
        page.fill("#text-3", "Officials said 14 transactions were flagged in 2016.")
        page.click("#sentence-3 form.edit button[type=submit]")
        page.locator("#sentences p.notice").wait_for()
        assert page.url == story  # swapped in place, no navigation
        row = page.locator("#sentence-3")
        assert "Officials said 14 transactions" in row.inner_text()
        assert row.get_attribute("class") != "sentence supported"
        assert "14 does not appear in the sources" in row.inner_text()
        assert "Revision 1" not in page.inner_text("section.history")  # not reloaded yet
        page.screenshot(path=screenshots / "edit.png", full_page=True)
        watch.expect(409, story + "/review")
        page.click("form.decide button[value=approve]")
        page.locator("p.notice.error").wait_for()
        assert "cannot approve" in page.inner_text("p.notice.error")
        assert "Revision 1:" in page.inner_text("section.history")
        page.screenshot(path=screenshots / "approve-refused.png", full_page=True)
        page.goto(story + "#sentence-3")
        page.click("#sentence-3 details.edit summary")
        page.locator("#sentence-3").screenshot(path=screenshots / "edit-form.png")
    watch.assert_quiet("editing a story")
    assert (screenshots / "edit.png").stat().st_size > 10_000


# ---------------------------------------------------------------- over the real pipeline


@pytest.fixture(scope="module")
def pipeline_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDesk]:
    """``newsdesk run`` (to the gate) on eight sample articles; then, through the store,
    the planted article joins the first story, whose gate record is saved as held with a
    dropped sentence quoting it. Users are added with ``newsdesk users add``."""
    folder = tmp_path_factory.mktemp("desk-pipeline")
    config = gated_pipeline(folder)
    store = SQLiteStore(config.store.database)
    try:
        first = next(iter(store.drafts()))
        record = store.gate_record(first.story_id)
        assert record is not None
        store.add_article(EVIL, None)
        store.assign(EVIL, first.story_id, None)
        dropped = Dropped(
            "body", f"{EVIL_TITLE} said so.", f"no source says: {SCRIPT}", 1, "support"
        )
        held = replace(
            record, held=True, dropped=(*record.dropped, dropped), note="held for review"
        )
        store.save_gated(first, store.verdicts(first.story_id), held, "pipeline")
    finally:
        store.close()
    add_user(config.store.database, ADMIN[0], "admin", ADMIN[1])
    with serve(config, KEY) as base_url:
        found = RunningDesk(base_url, config)
        try:
            yield found
        finally:
            found.close()


@pytest.mark.slow
def test_the_pipeline_store_in_the_desk(
    browser: Browser, pipeline_desk: RunningDesk, screenshots: Path
) -> None:
    watch = Watch()
    with desk_context(browser, "10.7.1.1") as made:
        page = watch.page(made)
        desk_sign_in(page, pipeline_desk.base_url, ADMIN)
        rows = page.locator("a.headline")
        assert rows.count() >= 1
        page.screenshot(path=screenshots / "pipeline-queue.png", full_page=True)
        rows.first.click()
        page.wait_for_load_state("load")
        assert page.locator(".gate .badge.held").inner_text() == "Held for review"
        quotes = page.locator("blockquote.evidence")
        assert quotes.count() >= 3
        assert page.locator("a.source").count() >= 3
        assert EVIL_TITLE in page.inner_text(".gate")
        assert page.evaluate(INERT)["handlers"] == []
        page.screenshot(path=screenshots / "pipeline-story.png", full_page=True)
    watch.assert_quiet("the desk over the pipeline's store")
