"""Editing and reviewing on the desk, over a real server: every save runs the gate's
checker again (a wrong figure is flagged, a faithful paraphrase passes), an edit that
fails cannot be approved, a held story fixed and approved is published by a publish run,
a rejected story stays off the site, a hold keeps a story queued, the edit history shows
who changed what, before and after, and a correction reaches the article, the
corrections page and its feed.

Besides the three stories of ``desk_support``, two held stories are stored here whose
sentences the real checker passes but one (an unattributed claim only one outlet made):
``EDITED`` is edited, ``FIXED`` is fixed and approved. The checker's first call loads the
support model (a few seconds); every later one takes milliseconds.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desk_support import (
    CLEAN,
    EDITOR,
    HELD,
    PARAPHRASE,
    SCRIPT,
    UPDATED,
    McHUGH,
    RunningDesk,
    Signed,
    cite,
    draft,
    held_story,
    running,
    sample,
)
from newsdesk import api
from newsdesk.config import Config
from newsdesk.publish.model import page_slugs, reviewed_off
from newsdesk.records import Decision, GateRecord, Review
from slices import THREE_EVENTS

EDITED = "s-ed1700000001"
FIXED = "s-ed1700000002"
WRONG_FIGURE = PARAPHRASE.replace("financial crime.", "financial crime 14 times.")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDesk]:
    with running(tmp_path_factory.mktemp("desk-edit")) as found:
        store = found.store()
        try:
            held_story(store, EDITED)
            held_story(store, FIXED)
        finally:
            store.close()
        yield found


@pytest.fixture(scope="module")
def editor(desk: RunningDesk) -> Signed:
    return desk.signed_in("10.8.0.1", EDITOR)


def edit(editor: Signed, story_id: str, position: int, text: str) -> str:
    """Save ``text`` as htmx does (the token in a header): the swapped-in sentences."""
    response = editor.client.post(
        f"/stories/{story_id}/sentences/{position}",
        data={"text": text},
        headers={"HX-Request": "true", "X-CSRF-Token": editor.csrf},
    )
    assert response.status_code == 200, response.text[:500]
    assert response.text.startswith('<div id="sentences"'), response.text[:200]
    return response.text


def row(page: str, position: int) -> str:
    return page.split(f'id="sentence-{position}"', 1)[1].split("</li>", 1)[0]


def label(page: str, position: int) -> str:
    found = re.search(rf'<li class="sentence (\w+)" id="sentence-{position}">', page)
    assert found, f"no sentence {position}"
    return found.group(1)


def on_site(config: Config, story_id: str) -> bool:
    """Whether the site lists the story: its page linked from the front page and its id in
    the JSON API. (A page published before a story was withdrawn stays, unlinked.)"""
    with api.opened(config) as store:
        slug, _ = page_slugs(store, story_id)
    site = Path(config.publish.site_dir)
    page = f"stories/{slug}.html"
    if not site.joinpath("index.html").exists():
        return False
    linked = f'href="{page}"' in site.joinpath("index.html").read_text(encoding="utf-8")
    listed = story_id in site.joinpath("api", "stories.json").read_text(encoding="utf-8")
    assert linked == listed, (story_id, linked, listed)
    return linked and site.joinpath(page).exists()


def test_an_edit_that_adds_a_wrong_figure_is_flagged_and_cannot_be_approved(
    desk: RunningDesk, editor: Signed
) -> None:
    page = edit(editor, EDITED, 1, WRONG_FIGURE)
    assert label(page, 1) == "unsupported"
    assert "14 does not appear in the sources" in row(page, 1)
    assert "Saved as revision" in page
    refused = editor.post(f"/stories/{EDITED}/review", {"decision": "approve"})
    assert refused.status_code == 409
    assert "cannot approve: sentences 2, 3 did not pass the checker" in refused.text
    store = desk.store()
    try:
        assert store.reviews(EDITED) == []
        assert [v.label for v in store.verdicts(EDITED)][1] == "unsupported"
        assert store.draft(EDITED).sentences[1].text == WRONG_FIGURE  # type: ignore[union-attr]
        refusal = store.audit_log(action="refused", user=EDITOR[0])[0]
        assert refusal.target == EDITED and "cannot approve" in refusal.detail
    finally:
        store.close()
    assert not on_site(desk.config, EDITED)


def test_a_correct_paraphrase_passes_and_keeps_its_citation(
    desk: RunningDesk, editor: Signed
) -> None:
    text = (
        "According to The New York Times, Deutsche Bank spokeswoman Kerrie McHugh said the"
        " company had intensified its efforts to combat financial crime."
    )
    page = edit(editor, EDITED, 1, text)
    assert label(page, 1) == "supported"
    assert "Kerrie McHugh, a Deutsche Bank spokeswoman" in row(page, 1)  # the cited span
    store = desk.store()
    try:
        stored = store.draft(EDITED)
        assert stored is not None and stored.sentences[1].text == text
        nyt = sample()[THREE_EVENTS[0]]
        cited = replace(nyt, id=f"{nyt.id}-{EDITED}")
        assert stored.sentences[1].citations == (cite(cited, McHUGH),)
    finally:
        store.close()


def test_the_edit_history_shows_before_after_and_who(desk: RunningDesk, editor: Signed) -> None:
    edit(
        editor, EDITED, 0, "Deutsche Bank staff flagged Trump accounts, The New York Times reports"
    )
    page = editor.client.get(f"/stories/{EDITED}").text
    history = page.split('<section class="history">', 1)[1].split("</section>", 1)[0]
    revisions = re.findall(r'<li id="revision-(\d+)">', history)
    assert len(revisions) >= 3 and revisions == sorted(revisions, key=int, reverse=True)
    assert f"{EDITOR[0]} edited body 2 on" in history
    assert f"<del>{PARAPHRASE}</del>" in history and f"<ins>{WRONG_FIGURE}</ins>" in history
    assert "14 does not appear in the sources" in history
    store = desk.store()
    try:
        edits = store.edits(EDITED)
        assert [e.revision for e in edits] == list(range(1, len(edits) + 1))
        assert edits[0].before == PARAPHRASE and edits[0].after == WRONG_FIGURE
        assert edits[0].editor == EDITOR[0] and edits[0].label == "unsupported"
        assert {e.action for e in store.audit_log(user=EDITOR[0])} >= {"story.edit"}
    finally:
        store.close()


def test_a_held_story_fixed_and_approved_is_published(desk: RunningDesk, editor: Signed) -> None:
    assert f"/stories/{FIXED}" in editor.client.get("/queue").text
    first = editor.post(f"/stories/{FIXED}/review", {"decision": "approve"})
    assert first.status_code == 409 and "sentence 3 did not pass the checker" in first.text
    stale = editor.post(f"/stories/{FIXED}/sentences/2/remove", {"expected": "something else"})
    assert stale.status_code == 409 and "changed since this page was loaded" in stale.text
    with api.opened(desk.config) as store:
        expected = store.draft(FIXED).sentences[2].text  # type: ignore[union-attr]
    removed = editor.post(f"/stories/{FIXED}/sentences/2/remove", {"expected": expected})
    assert removed.status_code == 303 and removed.headers["location"].endswith("#sentences")
    approved = editor.post(f"/stories/{FIXED}/review", {"decision": "approve"})
    assert approved.status_code == 303, approved.text[:500]
    assert on_site(desk.config, FIXED)
    page = editor.client.get(f"/stories/{FIXED}").text
    assert "On the site" in page and f"by {EDITOR[0]} on" in page and ">Approved<" in page
    assert f"/stories/{FIXED}" not in editor.client.get("/queue").text
    store = desk.store()
    try:
        assert store.review(FIXED).decision == "approved"  # type: ignore[union-attr]
        assert store.edits(FIXED)[0].action == "remove"
        assert [s.stage for s in store.runs(1)[0].stages] == ["publish"]
        actions = [e.action for e in store.audit_log(user=EDITOR[0])]
        assert "story.approve" in actions and "story.remove" in actions
    finally:
        store.close()


def test_a_rejected_story_is_not_on_the_site(desk: RunningDesk, editor: Signed) -> None:
    with api.opened(desk.config) as store:
        assert api.withheld_because(desk.config, store, CLEAN) is None
    needs_reason = editor.post(f"/stories/{CLEAN}/review", {"decision": "reject"})
    assert needs_reason.status_code == 409 and "say why the story is rejected" in needs_reason.text
    rejected = editor.post(
        f"/stories/{CLEAN}/review", {"decision": "reject", "reason": "the cartoon is not news"}
    )
    assert rejected.status_code == 303
    assert not on_site(desk.config, CLEAN)
    assert Path(desk.config.publish.site_dir).joinpath("index.html").exists()
    page = editor.client.get(f"/stories/{CLEAN}").text
    assert "Not on the site: rejected by eve on the desk: the cartoon is not news" in page


def test_a_hold_keeps_the_story_queued_and_off_the_site(desk: RunningDesk, editor: Signed) -> None:
    held = editor.post(f"/stories/{UPDATED}/review", {"decision": "hold", "reason": "ask legal"})
    assert held.status_code == 303
    queue = editor.client.get("/queue").text
    assert f"/stories/{UPDATED}" in queue and "held on the desk by eve: ask legal" in queue
    assert not on_site(desk.config, UPDATED)
    unknown = editor.post(f"/stories/{UPDATED}/review", {"decision": "publish"})
    assert unknown.status_code == 400


def test_an_edit_the_library_refuses_changes_nothing(desk: RunningDesk, editor: Signed) -> None:
    with api.opened(desk.config) as store:
        before = store.draft(HELD)
    assert editor.post(f"/stories/{HELD}/sentences/99", {"text": "x"}).status_code == 409
    assert editor.post(f"/stories/{HELD}/sentences/1", {"text": "   "}).status_code == 409
    assert editor.post("/stories/s-nothing/sentences/0", {"text": "x"}).status_code == 404
    with api.opened(desk.config) as store:
        assert store.draft(HELD) == before and store.edits(HELD) == []


def test_an_edit_keeps_the_draft_gated_and_shows_markup_as_text(
    desk: RunningDesk, editor: Signed
) -> None:
    """An edit is not a new draft for the gate (its checker is kept, so the verify stage
    does not judge and prune it again), and what an editor types is escaped."""
    page = edit(editor, EDITED, 2, f"{SCRIPT} USA TODAY reported the tweets.")
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    store = desk.store()
    try:
        assert EDITED not in {d.story_id for d in store.drafts_to_gate("test-checker")}
        assert store.gate_record(EDITED).held  # type: ignore[union-attr]
    finally:
        store.close()


def test_the_latest_review_decides_and_an_approval_lasts_one_version() -> None:
    story = draft(HELD, "Business", "2019-05-20", (), [])
    held = GateRecord(HELD, "extractive", rounds=1, drafted=3, kept=1, held=True, note="n")
    passed = replace(held, held=False)

    def review(decision: Decision, version: int = 1) -> Review:
        return Review(HELD, version, decision, "why", "eve", "2026-01-01T00:00:00+00:00")

    assert reviewed_off(story, held, None) == "the verify gate held it: n"
    assert reviewed_off(story, held, review("approved")) is None
    assert reviewed_off(replace(story, version=2), held, review("approved")) is not None
    assert reviewed_off(story, passed, None) is None
    assert reviewed_off(story, passed, review("rejected")) == "rejected by eve on the desk: why"
    assert reviewed_off(replace(story, version=2), passed, review("held")) is not None


def test_a_correction_appears_on_the_article_the_corrections_page_and_the_feed(
    desk: RunningDesk, editor: Signed
) -> None:
    nyt = sample()[THREE_EVENTS[0]]
    fields = {"wrong": "It said 12 accounts.", "right": "Two accounts were flagged."}
    elsewhere = editor.post(f"/stories/{EDITED}/corrections", {**fields, "source": nyt.url})
    assert elsewhere.status_code == 409
    assert "only a story on the site takes a correction" in elsewhere.text
    unknown = editor.post(
        f"/stories/{FIXED}/corrections", {**fields, "source": "https://example.com/other"}
    )
    assert unknown.status_code == 409 and "is not one of the story&#39;s articles" in unknown.text
    filed = editor.post(f"/stories/{FIXED}/corrections", {**fields, "source": f"{nyt.url}?{FIXED}"})
    assert filed.status_code == 303 and filed.headers["location"].endswith("#corrections")
    site = Path(desk.config.publish.site_dir)
    with api.opened(desk.config) as store:
        slug, _ = page_slugs(store, FIXED)
        (correction,) = store.corrections(FIXED)
    assert correction.source == f"{nyt.id}-{FIXED}" and correction.editor == EDITOR[0]
    article = site.joinpath("stories", f"{slug}.html").read_text(encoding="utf-8")
    note = article.split('<aside class="corrections"', 1)[1].split("</aside>", 1)[0]
    day = correction.at[:10]
    assert f'<time datetime="{day}">' in note and "It said 12 accounts." in note
    assert "Two accounts were flagged." in note and "The New York Times</a>" in note
    listing = site.joinpath("corrections.html").read_text(encoding="utf-8")
    assert f'href="stories/{slug}.html#correction-{correction.id}"' in listing
    assert "Two accounts were flagged." in listing
    feed = ET.parse(site / "corrections.atom").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = feed.findall(f"{atom}entry")
    assert entry.findtext(f"{atom}title", "").startswith("Correction: ")
    assert "Two accounts were flagged." in entry.findtext(f"{atom}summary", "")
    assert feed.findtext(f"{atom}updated") == correction.at
    view = editor.client.get(f"/stories/{FIXED}").text
    assert "Right: Two accounts were flagged." in view
    store = desk.store()
    try:
        assert "story.correct" in {e.action for e in store.audit_log(user=EDITOR[0])}
    finally:
        store.close()
