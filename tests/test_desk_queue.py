"""The desk's queue: held stories with the gate's reasons, stories with dropped sentences,
new versions, and (with ``approve_before_publish``) new articles; filtered by section and
date, the filter answering htmx with the rows alone; paged (``?page=N``), the pager's
links keeping the filters."""

from __future__ import annotations

import hashlib
import html as markup
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

import newsdesk.desk
from browsing import Watch, desk_context, desk_sign_in
from desk_support import (
    CLEAN,
    EDITOR,
    HELD,
    SCRIPT,
    UPDATED,
    RunningDesk,
    Signed,
    held_story,
    running,
)
from newsdesk.config import load_config
from newsdesk.desk.queue import QueueEntry, QueueFilter, QueuePage, build_queue, read_page
from newsdesk.errors import ConfigError, InputError


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDesk]:
    with running(tmp_path_factory.mktemp("desk-queue")) as found:
        yield found


@pytest.fixture(scope="module")
def editor(desk: RunningDesk) -> Signed:
    return desk.signed_in("10.5.0.1", EDITOR)


def listed(html: str) -> list[str]:
    """The story ids the queue's rows link to, in order."""
    return re.findall(r'<a class="headline" href="/stories/([^"]+)"', html)


def test_the_queue_lists_held_dropped_and_updated_stories_with_why(editor: Signed) -> None:
    html = editor.client.get("/queue").text
    assert listed(html) == [UPDATED, HELD]  # newest first; the clean story is not queued
    row = html.split(f"/stories/{HELD}", 1)[1].split("</tr>", 1)[0]
    assert 'class="badge held"' in row and "held by the gate: lost too much to publish" in row
    assert "&lt;script&gt;" in row and SCRIPT not in row  # the note is text
    assert 'class="badge dropped">2 sentences dropped (number, support)' in row
    assert "6 of 8" in row
    updated = html.split(f"/stories/{UPDATED}", 1)[1].split("</tr>", 1)[0]
    assert "version 2: rewritten after new reporting" in updated


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"section": "Business"}, [HELD]),
        ({"section": "Health"}, [UPDATED]),
        ({"section": "World"}, []),
        ({"since": "2020-01-01"}, [UPDATED]),
        ({"until": "2019-12-31"}, [HELD]),
        ({"since": "2019-05-20", "until": "2019-05-20"}, [HELD]),
        ({"section": "Health", "until": "2019-12-31"}, []),
    ],
)
def test_the_queue_filters_by_section_and_date(
    editor: Signed, params: dict[str, str], expected: list[str]
) -> None:
    response = editor.client.get("/queue", params=params)
    assert response.status_code == 200
    assert listed(response.text) == expected
    if not expected:
        assert "Nothing waits for an editor with these filters." in response.text
    for value in params.values():  # the form shows the filters it applied
        assert f'value="{value}"' in response.text or f"<option selected>{value}" in response.text


def test_an_htmx_filter_gets_the_rows_alone(editor: Signed) -> None:
    response = editor.client.get(
        "/queue", params={"section": "Business"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="queue"')
    assert "<html" not in response.text and listed(response.text) == [HELD]
    assert response.headers["vary"] == "HX-Request"
    page = editor.client.get("/queue")
    assert 'hx-get="/queue"' in page.text and 'hx-target="#queue"' in page.text
    assert 'hx-push-url="true"' in page.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"section": "Gossip"}, "section &#39;Gossip&#39;: give one of World"),
        ({"since": "May 2019"}, "since &#39;May 2019&#39;: give a day as YYYY-MM-DD"),
        ({"until": "<script>"}, "until &#39;&lt;script&gt;&#39;"),
    ],
)
def test_a_bad_filter_is_a_400_that_says_why(
    editor: Signed, params: dict[str, str], message: str
) -> None:
    response = editor.client.get("/queue", params=params)
    assert response.status_code == 400 and message in response.text


def test_approve_before_publish_queues_every_new_article(tmp_path: Path) -> None:
    with running(tmp_path, **{"desk.approve_before_publish": True}) as desk:
        html = desk.signed_in("10.5.0.2", EDITOR).client.get("/queue").text
    assert listed(html) == [UPDATED, HELD, CLEAN]
    row = html.split(f"/stories/{CLEAN}", 1)[1].split("</tr>", 1)[0]
    assert 'class="badge new">new article: awaiting approval' in row
    assert "every new article awaiting approval" in html


def test_build_queue_reads_the_store(desk: RunningDesk) -> None:
    store = desk.store()
    try:
        entries = build_queue(store, QueueFilter())
        assert [e.story_id for e in entries] == [UPDATED, HELD]
        held = entries[1]
        assert [r.kind for r in held.reasons] == ["held", "dropped"]
        assert (held.kept, held.drafted, held.outlets, held.category) == (6, 8, 4, "Business")
        assert [e.story_id for e in build_queue(store, QueueFilter(), True)][-1] == CLEAN
    finally:
        store.close()
    with pytest.raises(InputError):
        QueueFilter.read("Business", "2019-5-1", None)


def test_the_vendored_htmx_is_the_file_its_licence_note_names(editor: Signed) -> None:
    """htmx ships in the package (nothing is fetched at run time) and is served as is."""
    static = Path(newsdesk.desk.__file__).parent / "static"
    data = (static / "htmx.min.js").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    note = (static / "htmx.LICENSE").read_text(encoding="utf-8")
    assert f"sha256 {digest}" in note and "Zero-Clause BSD" in note
    served = editor.client.get("/static/htmx.min.js")
    assert served.status_code == 200 and served.content == data
    assert 'src="/static/htmx.min.js"' in editor.client.get("/queue").text


PAGE_SIZE = 4
MORE = [f"s-d0e5c00001{n:02d}" for n in range(9)]
"""Nine more held Business stories, all of the held story's day (2019-05-20): the queue
orders them by story id, so a page boundary falls among equal days."""


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDesk]:
    """A desk of 11 queued stories (``UPDATED``, then ten Business ones of one day),
    ``PAGE_SIZE`` a page."""
    with running(
        tmp_path_factory.mktemp("desk-queue-pages"), **{"desk.queue_page_size": PAGE_SIZE}
    ) as found:
        store = found.store()
        try:
            for story_id in MORE:
                held_story(store, story_id)
        finally:
            store.close()
        yield found


@pytest.fixture(scope="module")
def reader(paged: RunningDesk) -> Signed:
    return paged.signed_in("10.5.0.3", EDITOR)


def pager_links(html: str) -> dict[str, str]:
    """The pager's links by rel (prev, next), as the browser would follow them; each
    must also ``hx-get`` the same URL into ``#queue`` and push it into the history."""
    found = {}
    for rel, href, rest in re.findall(r'<a rel="(prev|next)" href="([^"]+)"([^>]*)>', html):
        url = markup.unescape(href)
        assert f'hx-get="{href}"' in rest, rest
        assert 'hx-target="#queue"' in rest and 'hx-push-url="true"' in rest, rest
        found[rel] = url
    return found


def test_the_queue_pages_through_every_story_once(paged: RunningDesk, reader: Signed) -> None:
    store = paged.store()
    try:
        everything = [e.story_id for e in build_queue(store, QueueFilter())]
    finally:
        store.close()
    assert len(everything) == 11 and everything[0] == UPDATED
    assert set(everything) == {UPDATED, HELD, *MORE}

    seen: list[list[str]] = []
    url: str | None = "/queue"
    while url is not None:  # follow the next links from the first page
        response = reader.client.get(url)
        assert response.status_code == 200
        seen.append(listed(response.text))
        links = pager_links(response.text)
        number = len(seen)
        assert f"Page {number} of 3" in response.text
        assert ("prev" in links) == (number > 1)
        if number > 1:
            assert links["prev"] == ("/queue" if number == 2 else f"/queue?page={number - 1}")
        url = links.get("next")
        assert url is None or url == f"/queue?page={number + 1}"
    assert [len(rows) for rows in seen] == [PAGE_SIZE, PAGE_SIZE, 3]
    assert [story for rows in seen for story in rows] == everything  # no overlap, no gap
    first = reader.client.get("/queue", params={"page": "1"}).text
    assert "11 stories: 1–4 on page 1 of 3" in first
    last = reader.client.get("/queue", params={"page": "3"}).text
    assert "11 stories: 9–11 on page 3 of 3" in last


def test_a_queue_of_one_page_has_no_pager(editor: Signed) -> None:
    html = editor.client.get("/queue").text
    assert 'class="pager"' not in html and "Page 1 of" not in html
    assert "2 stories</p>" in html


def test_the_pager_keeps_the_filters(reader: Signed) -> None:
    params = {"section": "Business", "until": "2019-12-31"}
    first = reader.client.get("/queue", params=params)
    assert first.status_code == 200 and len(listed(first.text)) == PAGE_SIZE
    assert "10 stories with these filters: 1–4 on page 1 of 3" in first.text
    assert 'href="/queue?section=Business&amp;until=2019-12-31&amp;page=2"' in first.text
    rows = listed(first.text)
    url: str | None = pager_links(first.text)["next"]
    while url is not None:
        response = reader.client.get(url)
        assert 'value="2019-12-31"' in response.text  # the form still shows the filters
        assert "<option selected>Business" in response.text
        links = pager_links(response.text)
        assert links["prev"].startswith("/queue?section=Business&until=2019-12-31")
        rows += listed(response.text)
        url = links.get("next")
    assert len(rows) == len(set(rows)) == 10 and UPDATED not in rows
    assert set(rows) == {HELD, *MORE}
    # the filter form sends no page: a new filter starts again at the first page
    form = first.text.split('<form class="filters"', 1)[1].split("</form>", 1)[0]
    assert 'name="page"' not in form


def test_a_page_past_the_end_says_so(reader: Signed) -> None:
    response = reader.client.get("/queue", params={"page": "4"})
    assert response.status_code == 200 and listed(response.text) == []
    assert "Page 4 is past the end of the queue: it has 3 pages." in response.text
    assert pager_links(response.text) == {"prev": "/queue?page=3"}
    huge = reader.client.get("/queue", params={"page": "9" * 30, "section": "World"})
    assert huge.status_code == 200 and listed(huge.text) == []
    assert "past the end of the queue with these filters: nothing waits for an editor" in (
        huge.text
    )
    assert pager_links(huge.text) == {"prev": "/queue?section=World"}


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("0", "page &#39;0&#39;: give a page number, 1 or more"),
        ("-1", "page &#39;-1&#39;: give a page number, 1 or more"),
        ("two", "page &#39;two&#39;: give a page number"),
        ("1.5", "page &#39;1.5&#39;: give a page number"),
        ("+2", "page &#39;+2&#39;: give a page number"),
        ("\u0663", "page &#39;\u0663&#39;: give a page number"),  # an Arabic-Indic 3
        ("<script>", "page &#39;&lt;script&gt;&#39;: give a page number"),
        ("9" * 5000, "give a page number, 1 or more"),  # past what int() reads
    ],
)
def test_a_bad_page_is_a_400_that_says_why(reader: Signed, page: str, message: str) -> None:
    for headers in ({}, {"HX-Request": "true"}):
        response = reader.client.get("/queue", params={"page": page}, headers=headers)
        assert response.status_code == 400
        [line] = re.findall(r'<p class="error" role="alert">([^<]*)</p>', response.text)
        assert message in line and len(line) < 200
        assert "<script>" not in line


def test_an_empty_page_is_the_first(reader: Signed) -> None:
    response = reader.client.get("/queue", params={"page": "", "section": "Health"})
    assert response.status_code == 200 and listed(response.text) == [UPDATED]


def test_an_htmx_pager_link_gets_the_rows_alone(reader: Signed) -> None:
    params = {"section": "Business", "page": "2"}
    response = reader.client.get("/queue", params=params, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="queue"')
    assert "<html" not in response.text and "<form" not in response.text
    assert len(listed(response.text)) == PAGE_SIZE
    assert response.headers["vary"] == "HX-Request"
    assert 'hx-swap="outerHTML show:window:top"' in response.text
    assert pager_links(response.text) == {
        "prev": "/queue?section=Business",
        "next": "/queue?section=Business&page=3",
    }
    full = reader.client.get("/queue", params=params)
    assert listed(full.text) == listed(response.text)  # a reload shows the same page
    restored = reader.client.get(
        "/queue",
        params=params,
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restored.text and listed(restored.text) == listed(response.text)


def test_queue_pages_and_page_numbers() -> None:
    store_order = [f"s-{n}" for n in range(7)]
    entries = [build_entry(story_id) for story_id in store_order]
    pages = [QueuePage.of(entries, number, 3) for number in (1, 2, 3, 4)]
    assert [[e.story_id for e in p.entries] for p in pages] == [
        store_order[:3],
        store_order[3:6],
        store_order[6:],
        [],
    ]
    assert [(p.first, p.last, p.previous, p.next, p.past_end) for p in pages] == [
        (1, 3, None, 2, False),
        (4, 6, 1, 3, False),
        (7, 7, 2, None, False),
        (10, 9, 3, None, True),
    ]
    assert {p.pages for p in pages} == {3} and {p.total for p in pages} == {7}
    empty = QueuePage.of([], 1, 50)
    assert (empty.pages, empty.past_end, empty.previous, empty.next) == (1, False, None, None)
    with pytest.raises(ValueError):
        QueuePage.of(entries, 0, 3)
    assert [read_page(v) for v in (None, "", " 2 ", "007")] == [1, 1, 2, 7]
    for bad in ("0", "-3", "x", "2.0", "1e3", "\u0663"):
        with pytest.raises(InputError, match="give a page number, 1 or more"):
            read_page(bad)
    assert QueueFilter().url() == "/queue" and QueueFilter().url(2) == "/queue?page=2"
    assert QueueFilter("Business", "", "2019-12-31").url(1) == (
        "/queue?section=Business&until=2019-12-31"
    )


def build_entry(story_id: str) -> QueueEntry:
    return QueueEntry(story_id, story_id, "World", "2019-01-01", 1, (), None, None, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, r"setting \[desk\] 'queue_page_size' must be > 0, not 0"),
        (-5, "'queue_page_size' must be > 0, not -5"),
        ("50", "'queue_page_size' must be an integer, not the string \"50\""),
    ],
)
def test_a_bad_page_size_is_refused(value: object, message: str) -> None:
    assert load_config().desk.queue_page_size == 50
    with pytest.raises(ConfigError, match=message):
        load_config(overrides={"desk.queue_page_size": value})


def headlines(page: Page) -> list[str]:
    """The story ids the queue's rows link to, in order."""
    return [
        href.rsplit("/", 1)[1]
        for href in page.eval_on_selector_all("a.headline", "els => els.map(e => e.href)")
    ]


def test_the_queue_pager_swaps_the_rows_keeps_the_filters_and_the_history(
    browser: Browser, tmp_path: Path
) -> None:
    """One story a page (three with ``approve_before_publish``): the pager's links swap
    the rows with htmx and push their URL, back and forward work, and without
    JavaScript they are plain links."""
    watch = Watch()
    settings = {"desk.queue_page_size": 1, "desk.approve_before_publish": True}
    with running(tmp_path, **settings) as desk, desk_context(browser, "10.5.0.5") as made:
        page = watch.page(made)
        desk_sign_in(page, desk.base_url, EDITOR)
        assert headlines(page) == [UPDATED]
        assert page.locator("nav.pager").inner_text().startswith("Page 1 of 3")
        page.evaluate("() => { window.sameDocument = true; }")
        page.click("a[rel=next]")
        page.wait_for_url(desk.base_url + "/queue?page=2")
        page.wait_for_function(
            f"() => document.querySelector('a.headline').href.endsWith('{HELD}')"
        )
        assert page.evaluate("() => window.sameDocument") is True  # swapped, not reloaded
        page.fill("input[name=until]", "2019-12-31")  # HELD and CLEAN, from the first page
        page.wait_for_url("**/queue?*until=2019-12-31")
        page.wait_for_function(
            "() => document.querySelector('nav.pager .page').innerText === 'Page 1 of 2'"
        )
        assert headlines(page) == [HELD]
        page.click("a[rel=next]")
        page.wait_for_url(desk.base_url + "/queue?until=2019-12-31&page=2")
        page.wait_for_function(
            f"() => document.querySelector('a.headline').href.endsWith('{CLEAN}')"
        )
        assert page.evaluate("() => window.sameDocument") is True
        page.go_back()
        page.wait_for_url("**/queue?*until=2019-12-31")
        page.wait_for_function(
            f"() => document.querySelector('a.headline').href.endsWith('{HELD}')"
        )
        page.go_forward()
        page.wait_for_url(desk.base_url + "/queue?until=2019-12-31&page=2")
        page.wait_for_function(
            f"() => document.querySelector('a.headline').href.endsWith('{CLEAN}')"
        )
        assert page.input_value("input[name=until]") == "2019-12-31"
        page.reload()
        assert headlines(page) == [CLEAN]
        watch.assert_quiet("the queue pager")

        plain = browser.new_context(
            java_script_enabled=False, extra_http_headers={"X-Forwarded-For": "10.5.0.6"}
        )
        try:
            page = plain.new_page()
            desk_sign_in(page, desk.base_url, EDITOR)
            page.goto(desk.base_url + "/queue?section=World&since=2019-01-01")
            assert headlines(page) == [CLEAN] and page.locator("nav.pager").count() == 0
            page.goto(desk.base_url + "/queue?until=2019-12-31")
            page.click("a[rel=next]")
            page.wait_for_url(desk.base_url + "/queue?until=2019-12-31&page=2")
            assert headlines(page) == [CLEAN]
            page.click("a[rel=prev]")
            page.wait_for_url(desk.base_url + "/queue?until=2019-12-31")
            assert headlines(page) == [HELD]
        finally:
            plain.close()
