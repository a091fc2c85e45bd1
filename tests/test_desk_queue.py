"""The desk's queue: held stories with the gate's reasons, stories with dropped sentences,
new versions, and (with ``approve_before_publish``) new articles; filtered by section and
date, the filter answering htmx with the rows alone."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsdesk.desk
from desk_support import CLEAN, EDITOR, HELD, SCRIPT, UPDATED, RunningDesk, Signed, running
from newsdesk.desk.queue import QueueFilter, build_queue
from newsdesk.errors import InputError


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
