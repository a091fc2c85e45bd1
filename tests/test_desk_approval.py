"""``[desk] approve_before_publish``: publishing waits for an editor's approval of each
story's current version; approving on the desk publishes it. Off, nothing changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from desk_support import CLEAN, EDITOR, HELD, UPDATED, cite, draft, running, sample
from newsdesk import api
from newsdesk.config import Config
from newsdesk.publish.model import page_slugs
from newsdesk.records import Citation, GateRecord, Sentence, Verdict
from newsdesk.store import SQLiteStore
from slices import THREE_EVENTS

PASSED = "s-a99400000a1"
McHUGH = (
    "Kerrie McHugh, a Deutsche Bank spokeswoman, said the company had intensified its"
    " efforts to combat financial crime."
)


def passed_story(store: SQLiteStore) -> None:
    """A draft the gate passed whose every sentence the real checker passes (attributed)."""
    articles = sample()
    nyt, usa, townhall = (
        replace(articles[i], id=f"{i}-{PASSED}", url=f"{articles[i].url}?{PASSED}")
        for i in THREE_EVENTS[:3]
    )
    for article in (nyt, usa, townhall):
        store.add_article(article, None)
        store.assign(article, PASSED, None)
    made = draft(
        PASSED,
        "Business",
        "2019-05-20",
        (
            Sentence(
                "headline", f"{nyt.title}, The New York Times reports", (Citation.title_of(nyt),)
            ),
            Sentence("body", f"According to The New York Times, {McHUGH}", (cite(nyt, McHUGH),)),
        ),
        [nyt, usa, townhall],
    )
    verdicts = [
        Verdict(0, "supported", "", ("support",)),
        Verdict(1, "supported", "", ("support",)),
    ]
    record = GateRecord(PASSED, "extractive", rounds=1, drafted=2, kept=2)
    store.save_gated(made, verdicts, record, "test-checker")


def listed(config: Config) -> set[str]:
    """The stories the published site lists (the JSON API's ids, linked from the front page)."""
    site = Path(config.publish.site_dir)
    index = site.joinpath("index.html").read_text(encoding="utf-8")
    stories = site.joinpath("api", "stories.json").read_text(encoding="utf-8")
    found = set()
    with api.opened(config) as store:
        for story_id in (HELD, UPDATED, CLEAN, PASSED):
            slug, _ = page_slugs(store, story_id)
            linked = f'href="stories/{slug}.html"' in index
            assert linked == (f'"id": "{story_id}"' in stories), story_id
            if linked:
                found.add(story_id)
    return found


def test_with_approval_required_a_run_publishes_nothing_until_an_editor_approves(
    tmp_path: Path,
) -> None:
    with running(tmp_path, **{"desk.approve_before_publish": True}) as desk:
        store = desk.store()
        try:
            passed_story(store)
        finally:
            store.close()
        api.publish(desk.config)
        assert listed(desk.config) == set()
        with api.opened(desk.config) as store:
            why = api.withheld_because(desk.config, store, PASSED)
        assert why == "waiting for an editor's approval ([desk] approve_before_publish)"
        editor = desk.signed_in("10.9.0.1", EDITOR)
        page = editor.client.get(f"/stories/{PASSED}").text
        assert "waiting for an editor&#39;s approval" in page
        approved = editor.post(f"/stories/{PASSED}/review", {"decision": "approve"})
        assert approved.status_code == 303, approved.text[:500]
        assert listed(desk.config) == {PASSED}
        api.publish(desk.config)
        assert listed(desk.config) == {PASSED}


def test_without_it_publishing_is_unchanged(tmp_path: Path) -> None:
    with running(tmp_path) as desk:
        api.publish(desk.config)
        assert listed(desk.config) == {CLEAN, UPDATED}
