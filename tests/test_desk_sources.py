"""Adding a source on the desk (served for real): an editor pastes an outlet, a URL or
none, a date, a title and the text; it is stored as one of the story's articles (cleaned
at the door, with who added it), audited, and the draft is checked again, so a sentence
that cites a passage of it can pass where it failed. Bad input stores nothing, and the
pasted text shows as text, never as markup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk_support import EDITOR, IMG, SCRIPT, RunningDesk, Signed, held_story, running, sample
from newsdesk.store import SQLiteStore
from slices import THREE_EVENTS
from web_server import Response, serve

STORY = "s-50c700000001"
TWEETS = sample()[THREE_EVENTS[1]].text.split(".")[0] + "."
TEXT = (
    "Lawmakers returned to the question on Monday.\n\n"
    f"{TWEETS}\n\n"
    f"The bank declined to comment {SCRIPT} when reached by phone."
)
OUTLET = f"Wire {IMG} Service"
TITLE = f"Bank \u202eunder scrutiny {SCRIPT}"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDesk]:
    with running(tmp_path_factory.mktemp("desk-sources")) as found:
        store = found.store()
        try:
            held_story(store, STORY)
        finally:
            store.close()
        yield found


@pytest.fixture(scope="module")
def editor(desk: RunningDesk) -> Signed:
    return desk.signed_in("10.11.0.1", EDITOR)


def label(page: str, position: int) -> str:
    found = re.search(rf'<li class="sentence (\w+)" id="sentence-{position}">', page)
    assert found, f"no sentence {position}"
    return found.group(1)


def form(**changes: str) -> dict[str, str]:
    base = {
        "outlet": OUTLET,
        "url": "https://wire.example/bank",
        "date": "2019-05-20",
        "title": TITLE,
        "text": TEXT,
        "sentence": "3",
        "passage": TWEETS,
    }
    return {**base, **changes}


def articles(store: SQLiteStore) -> list[str]:
    story = store.story(STORY)
    assert story is not None
    return list(story.article_ids)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "  "}, "give the source&#39;s outlet, title and text"),
        ({"date": "20 May 2019"}, "the date &#39;20 May 2019&#39; is not a day written YYYY-MM-DD"),
        ({"date": "2019-13-40"}, "the date &#39;2019-13-40&#39; is not an ISO date"),
        ({"url": "javascript:alert(5)"}, "a source&#39;s URL must start with http:// or https://"),
        ({"passage": "words the text lacks"}, "the passage is not in the source&#39;s text"),
        ({"sentence": "9"}, "the draft has no sentence 9"),
    ],
)
def test_bad_input_is_refused_in_one_line_and_stores_nothing(
    desk: RunningDesk, editor: Signed, changes: dict[str, str], message: str
) -> None:
    store = desk.store()
    try:
        before = (articles(store), len(store.articles()), store.edits(STORY))
    finally:
        store.close()
    response = editor.post(f"/stories/{STORY}/sources", form(**changes))
    assert response.status_code == 409 and message in response.text
    store = desk.store()
    try:
        assert (articles(store), len(store.articles()), store.edits(STORY)) == before
        refused = store.audit_log(user=EDITOR[0])[0]
        assert refused.action == "refused" and "story.add_source" in refused.detail
    finally:
        store.close()


def test_a_pasted_source_makes_an_unsupported_sentence_supported(
    desk: RunningDesk, editor: Signed
) -> None:
    page = editor.client.get(f"/stories/{STORY}").text
    assert label(page, 2) == "unsupported"
    response = editor.post(f"/stories/{STORY}/sources", form())
    assert response.status_code == 303, response.text[:500]
    page = editor.client.get(f"/stories/{STORY}").text
    assert label(page, 2) == "supported"
    assert "added on the desk by eve" in page
    assert "added a citation of an added source to body 3" in page
    for raw in (SCRIPT, IMG):
        assert raw not in page
    assert "Wire &lt;img src=x onerror=alert(2)&gt; Service" in page
    assert "Bank under scrutiny &lt;script&gt;alert(1)&lt;/script&gt;" in page
    store = desk.store()
    try:
        added = [a for a in store.articles(articles(store)) if a.id.startswith("desk-")]
        assert len(added) == 1
        article = added[0]
        assert article.extra["added_by"] == EDITOR[0] and "\u202e" not in article.title
        assert (article.outlet, article.published) == (OUTLET, "2019-05-20")
        draft = store.draft(STORY)
        assert draft is not None
        assert draft.sentences[2].citations[-1].article_id == article.id
        assert store.verdicts(STORY)[2].label == "supported"
        audited = store.audit_log(user=EDITOR[0])[0]
        assert audited.action == "story.add_source" and article.id in audited.detail
    finally:
        store.close()
    again = editor.post(f"/stories/{STORY}/sources", form())
    assert again.status_code == 409 and "this source is stored already" in again.text


PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Bank under scrutiny</title>
<meta property="og:site_name" content="Loopback Wire">
<meta property="article:published_time" content="2019-05-20T10:00:00Z">
</head><body><article><h1>Bank under scrutiny</h1>
<p>Lawmakers returned to the question of the bank's reporting on Monday, asking how the
flagged transactions had been handled and who inside the bank had seen the reports.</p>
<p>{TWEETS}</p>
<p>The bank declined to comment further when reached by phone on Monday afternoon, and a
spokesman for the committee said hearings would continue later in the week.</p>
</article></body></html>""".encode()


def test_a_source_added_by_url_is_fetched_through_ingest_and_backs_a_sentence(
    tmp_path: Path,
) -> None:
    loopback = {
        "fetch.allow_networks": ["127.0.0.1/32"],
        "fetch.per_host_delay_s": 0.0,
        "fetch.max_retries": 0,
    }
    page_route = {"/news/bank.html": Response(200, PAGE, {"content-type": "text/html"})}
    with serve(page_route) as web, running(tmp_path, **loopback) as desk:
        store = desk.store()
        try:
            held_story(store, STORY)
        finally:
            store.close()
        editor = desk.signed_in("10.11.0.2", EDITOR)
        missing = editor.post(
            f"/stories/{STORY}/sources/fetch", {"url": web.url("/news/none.html")}
        )
        assert missing.status_code == 409 and "cannot add" in missing.text
        added = editor.post(
            f"/stories/{STORY}/sources/fetch",
            {"url": web.url("/news/bank.html"), "sentence": "3", "passage": TWEETS},
        )
        assert added.status_code == 303, added.text[:800]
        page = editor.client.get(f"/stories/{STORY}").text
        assert label(page, 2) == "supported" and "added on the desk by eve" in page
        store = desk.store()
        try:
            (article,) = [a for a in store.articles() if a.url.endswith("/news/bank.html")]
            assert article.id in articles(store)
            assert (article.outlet, article.published) == ("Loopback Wire", "2019-05-20")
            assert article.extra["added_by"] == EDITOR[0]
        finally:
            store.close()


def test_fetching_a_source_keeps_ingest_s_guards(desk: RunningDesk, editor: Signed) -> None:
    """The desk's own settings do not open loopback: the SSRF guard refuses before any
    request is made, and nothing is stored."""
    with serve({"/news/bank.html": Response(200, PAGE, {"content-type": "text/html"})}) as web:
        store = desk.store()
        try:
            before = len(store.articles())
        finally:
            store.close()
        response = editor.post(
            f"/stories/{STORY}/sources/fetch", {"url": web.url("/news/bank.html")}
        )
        assert response.status_code == 409 and "cannot add" in response.text
        assert "a loopback address" in response.text
        assert web.hits("/news/bank.html") == 0
        store = desk.store()
        try:
            assert len(store.articles()) == before
        finally:
            store.close()
