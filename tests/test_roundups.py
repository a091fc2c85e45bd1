"""Roundups: a week of a thread written up as one article, gated and published."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.api import run
from newsdesk.cli import cli
from newsdesk.config import SAMPLE_DUMP, Config, load_config
from newsdesk.publish.model import RoundupRef, ThreadRef
from newsdesk.records import (
    Article,
    Citation,
    Draft,
    GateRecord,
    Roundup,
    Sentence,
    SourceRef,
    Story,
    Thread,
    Verdict,
)
from newsdesk.store import open_store
from newsdesk.write.base import Flag
from newsdesk.write.roundups import (
    RoundupWriter,
    compose_roundup,
    iso_week,
    lead_sentences,
    reads_the_same,
    weekly_roundups,
)

IMPEACHMENT = ("allsides-test-0192", "allsides-train-2165")
"""The Senate trial's rules (21-22 January 2020) and the Chief Justice's rebuke (22 January):
two stories of one thread in one ISO week."""
OTHER = "allsides-train-1251"
"""Twitter fact-checks Trump (26 May 2020): another topic, a thread of its own."""


def draft(story_id: str, day: str | None, body: tuple[str, ...], sources: int = 2) -> Draft:
    """A hand-made story draft: a headline, one body paragraph, ``sources`` sources."""
    refs = tuple(
        SourceRef(f"{story_id}-a{n}", f"Outlet {n}", "Title", f"https://e.com/{n}", day)
        for n in range(sources)
    )
    cite = (Citation(refs[0].article_id, 0, 10),)
    sentences = (
        Sentence("headline", f"Headline of {story_id}", cite),
        *(Sentence("body", text, cite, paragraph=0) for text in body),
    )
    return Draft(story_id, f"h-{story_id}", "Politics", day, sentences, refs)


def story(story_id: str) -> Story:
    return Story(story_id, "t", (f"{story_id}-a0", f"{story_id}-a1"), ("A", "B"), None, None)


def test_a_week_is_named_by_its_iso_week_and_an_undated_day_has_none() -> None:
    assert iso_week("2025-12-01") == "2025-W49"
    assert iso_week("2025-12-07T23:00:00-05:00") == "2025-W49"
    assert iso_week("2024-12-30") == "2025-W01"  # ISO years start on a Monday
    assert iso_week(None) is None and iso_week("soon") is None


def test_a_thread_gets_a_roundup_for_each_week_with_two_drafted_stories() -> None:
    drafts = {
        "s-1": draft("s-1", "2025-12-01", ("One.",)),
        "s-2": draft("s-2", "2025-12-03", ("Two.",)),
        "s-3": draft("s-3", "2025-12-09", ("Three.",)),  # alone in the next week
        "s-4": draft("s-4", None, ("Undated.",)),  # a roundup is a week's news
    }
    stories = {key: story(key) for key in drafts}
    thread = Thread("t-1", "Ukraine", "2025-12-01", "2025-12-09", ("s-3", "s-2", "s-1", "s-4"))
    (roundup,) = weekly_roundups(thread, drafts, stories, 2)
    assert roundup.id == "t-1-2025-w49" and roundup.week == "2025-W49"
    assert roundup.story_ids == ("s-1", "s-2")  # oldest first
    assert roundup.days == ("2025-12-01", "2025-12-07")
    assert weekly_roundups(thread, drafts, stories, 3) == []
    grown = {**stories, "s-2": replace(stories["s-2"], article_ids=("x", "y", "z"))}
    (again,) = weekly_roundups(thread, drafts, grown, 2)
    assert again.id == roundup.id and again.key != roundup.key  # new reporting: rewrite


def test_a_roundup_retells_each_story_in_a_paragraph_under_the_widest_storys_headline() -> None:
    first = draft("s-1", "2025-12-01", ("The EU agreed a loan to Ukraine on Monday.",), 2)
    second = draft(
        "s-2",
        "2025-12-02",
        (
            "Putin met Witkoff and Kushner at the Kremlin for five hours on Tuesday.",
            "The talks ended without a deal.",  # leans on the sentence before
        ),
        3,
    )
    roundup = Roundup("t-1-2025-w49", "t-1", "Ukraine", "2025-W49", ("s-1", "s-2"), "k")
    composed = compose_roundup(roundup, [second, first])
    assert composed is not None
    assert composed.headline == "Headline of s-2"  # three sources against two
    body = [s for s in composed.sentences if s.kind == "body"]
    assert [(s.paragraph, s.date) for s in body] == [(0, "2025-12-01"), (1, "2025-12-02")]
    assert body[1].text.startswith("Putin met")
    assert [s.article_id for s in composed.sources] == [
        "s-1-a0",
        "s-1-a1",
        "s-2-a0",
        "s-2-a1",
        "s-2-a2",
    ]
    assert (composed.story_id, composed.story_hash, composed.date) == (
        "t-1-2025-w49",
        "k",
        "2025-12-02",
    )
    assert composed.writer == "roundup"
    standalone = draft("s-3", "2025-12-03", ("Zelensky flew to London.", "Starmer hosted him."))
    assert [s.text for s in lead_sentences(standalone)] == [
        "Zelensky flew to London.",
        "Starmer hosted him.",
    ]
    assert (
        compose_roundup(roundup, [replace(first, sentences=()), replace(second, sentences=())])
        is None
    )


def test_an_event_split_across_two_stories_is_told_once_and_one_event_is_no_roundup() -> None:
    kremlin = "Putin met Witkoff and Kushner at the Kremlin for five hours on Tuesday."
    first = draft("s-1", "2025-12-02", (kremlin,), 3)
    again = draft(
        "s-2", "2025-12-03", ("Witkoff and Kushner met Putin at the Kremlin on Tuesday.",)
    )
    london = draft("s-3", "2025-12-04", ("Zelensky flew to London to meet European leaders.",))
    roundup = Roundup("r", "t", "T", "2025-W49", ("s-1", "s-2", "s-3"), "k")
    composed = compose_roundup(roundup, [first, again, london])
    assert composed is not None
    assert [s.text for s in composed.sentences if s.kind == "body"] == [
        kremlin,
        "Zelensky flew to London to meet European leaders.",
    ]
    assert compose_roundup(replace(roundup, story_ids=("s-1", "s-2")), [first, again]) is None


def test_a_roundup_retells_only_stories_with_enough_outlets_to_publish() -> None:
    drafts = {
        "s-1": draft("s-1", "2025-12-01", ("One.",)),
        "s-2": draft("s-2", "2025-12-03", ("Two.",)),
    }
    stories = {"s-1": story("s-1"), "s-2": replace(story("s-2"), outlets=("A", "A"))}
    thread = Thread("t-1", "Ukraine", "2025-12-01", "2025-12-03", ("s-1", "s-2"))
    assert len(weekly_roundups(thread, drafts, stories, 2, min_outlets=1)) == 1
    assert weekly_roundups(thread, drafts, stories, 2, min_outlets=2) == []


def test_a_sentence_whose_weekday_would_mean_another_day_on_the_roundups_date_is_left_out() -> None:
    assert reads_the_same("The House voted on Wednesday.", "2019-12-04", "2019-12-04")
    assert not reads_the_same("The House voted on Wednesday.", "2019-12-04", "2019-12-11")
    assert reads_the_same("The House voted on Dec. 4, 2019.", "2019-12-04", "2019-12-11")
    assert reads_the_same("The House voted.", "2019-12-04", "2019-12-11")
    early = draft("s-1", "2019-12-09", ("The House voted to proceed on Sunday.",), 3)
    early = replace(
        early,
        sentences=(
            replace(early.sentences[0], text="House votes Sunday to proceed"),
            *early.sentences[1:],
        ),
    )
    late = draft("s-2", "2019-12-15", ("Senators set the trial rules in a 53-47 vote.",), 2)
    roundup = Roundup("r", "t", "T", "2019-W50", ("s-1", "s-2"), "k")
    composed = compose_roundup(roundup, [early, late])
    assert composed is not None
    assert composed.headline == "Headline of s-2"  # the widest story's would mean 15 December
    assert [s.text for s in composed.sentences if s.kind == "body"] == [
        "Senators set the trial rules in a 53-47 vote."
    ]


def test_the_roundup_writer_credits_a_one_source_claim_and_drops_other_flagged_ones() -> None:
    composed = compose_roundup(
        Roundup("r", "t", "T", "2025-W49", ("s-1", "s-2"), "k"),
        [
            draft("s-1", "2025-12-01", ("The EU agreed a loan.",)),
            draft("s-2", "2025-12-02", ("Talks ran five hours.",)),
        ],
    )
    assert composed is not None
    flags = [
        Flag(1, composed.sentences[1].text, "unsupported", "one source", "attribution"),
        Flag(2, composed.sentences[2].text, "unsupported", "no span says so", "support"),
    ]
    articles = [Article("s-1-a0", "https://e.com/0", "Reuters", "Title", "The EU agreed a loan.")]
    revised = RoundupWriter().revise(composed, flags, articles)
    texts = [s.text for s in revised.sentences]
    assert len(texts) == 2 and "Reuters" in texts[1] and "five hours" not in " ".join(texts)
    with pytest.raises(Exception, match="composed from its stories"):
        RoundupWriter().write(story("s-1"), articles)


def test_the_store_keeps_a_roundup_as_written_and_as_gated(tmp_path: Path) -> None:
    store = open_store(tmp_path / "news.db")
    try:
        roundup = Roundup("t-1-2025-w49", "t-1", "Ukraine", "2025-W49", ("s-1", "s-2"), "k1")
        written = draft("t-1-2025-w49", "2025-12-02", ("One.", "Two."))
        store.save_roundup(roundup, written, "roundup/1+extractive/9")
        assert store.roundup_keys() == {roundup.id: ("k1", "roundup/1+extractive/9")}
        ((found, as_written),) = store.roundups_to_gate("c1")
        assert found == roundup and as_written == written
        gated = replace(written, sentences=written.sentences[:2])
        verdicts = (Verdict(0, "supported", checks=("support",)), Verdict(1, "supported"))
        record = GateRecord(roundup.id, "roundup", 1, 3, 2)
        store.save_gated_roundup(roundup.id, gated, verdicts, record, "c1")
        assert store.roundups_to_gate("c1") == [] and len(store.roundups_to_gate("c2")) == 1
        (kept,) = store.gated_roundups()
        assert (kept.roundup, kept.draft, kept.verdicts, kept.record) == (
            roundup,
            gated,
            verdicts,
            record,
        )
        store.save_roundup(replace(roundup, key="k2"), written, "roundup/1+extractive/9")
        assert store.gated_roundups() == []  # written again: judged again
        store.remove_roundup(roundup.id)
        assert store.roundup_keys() == {}
    finally:
        store.close()


def test_a_week_reads_as_people_say_it() -> None:
    thread = ThreadRef("t-1", "Ukraine", 2)
    assert RoundupRef("r", thread, "2025-W49", "2025-12-01", "2025-12-07").label == (
        "1 to 7 December 2025"
    )
    assert RoundupRef("r", thread, "2025-W48", "2025-11-24", "2025-11-30").label == (
        "24 to 30 November 2025"
    )
    assert RoundupRef("r", thread, "2025-W44", "2025-10-27", "2025-11-02").label == (
        "27 October to 2 November 2025"
    )
    assert RoundupRef("r", thread, "2026-W01", "2025-12-29", "2026-01-04").label == (
        "29 December 2025 to 4 January 2026"
    )


def with_roundups(config: Config, on: bool = True) -> Config:
    return replace(config, write=replace(config.write, roundups=on))


@pytest.fixture(scope="module")
def rounded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, Path]:
    """Two impeachment stories of one week and another topic, run with roundups on."""
    folder = tmp_path_factory.mktemp("roundups")
    records = [json.loads(line) for line in Path(str(SAMPLE_DUMP)).read_text().splitlines()]
    chosen = [r for r in records if r["cluster_id"] in (*IMPEACHMENT, OTHER)]
    dump = folder / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    config = load_config(database=folder / "news.db", site_dir=folder / "site", dumps=(dump,))
    config = with_roundups(config)
    run(config)
    return config, dump


def test_a_run_writes_gates_and_publishes_the_weeks_roundup(
    rounded: tuple[Config, Path],
) -> None:
    config, dump = rounded
    store = open_store(config.store.database)
    try:
        (thread,) = [t for t in store.threads() if len(t.story_ids) > 1]
        (gated,) = store.gated_roundups()
        stories = {s: store.story(s) for s in thread.story_ids}
    finally:
        store.close()
    assert gated.roundup.id == f"{thread.id}-2020-w04"
    assert set(gated.roundup.story_ids) == set(thread.story_ids)
    assert not gated.record.held and gated.record.writer == "roundup"
    cited = {c.article_id for s in gated.draft.sentences for c in s.citations}
    own = {a for s in stories.values() if s for a in s.article_ids}
    assert cited and cited <= own  # every sentence rests on the thread's own reporting
    assert len(gated.verdicts) == len(gated.draft.sentences)
    site = Path(config.publish.site_dir)
    page = (site / "roundups" / f"{gated.roundup.id}.html").read_text(encoding="utf-8")
    assert "Week in review" in page and "20 to 26 January 2020" in page
    assert page.count('class="dateline"') >= 1 and 'class="more"' in page
    assert f'href="../threads/{thread.id}.html"' in page
    body = [s for s in gated.draft.sentences if s.kind == "body"]
    assert body and page.count('<sup class="cite">') >= len(body)
    thread_page = (site / "threads" / f"{thread.id}.html").read_text(encoding="utf-8")
    assert f'href="../roundups/{gated.roundup.id}.html"' in thread_page
    feed = (site / "feed.atom").read_text(encoding="utf-8")
    assert f"roundups/{gated.roundup.id}.html" in feed
    listed = CliRunner().invoke(
        cli, ["stories", "--threads", thread.id, "--database", str(config.store.database)]
    )
    assert listed.exit_code == 0, listed.output
    assert f"roundup 2020-W04  {gated.roundup.id}  2 stories" in listed.output
    assert "sentences passed: cleared" in listed.output
    checked = CliRunner().invoke(
        cli, ["check", str(site / "roundups" / f"{gated.roundup.id}.html"), "--sources", str(dump)]
    )
    assert checked.exit_code == 0, checked.output


def test_the_gate_drops_a_sentence_of_a_roundup_that_its_sources_do_not_support(
    rounded: tuple[Config, Path],
) -> None:
    config, _ = rounded
    store = open_store(config.store.database)
    try:
        ((roundup, written),) = store.roundups_to_gate("another checker")
        (version,) = {v for _, v in store.roundup_keys().values()}
        cite = written.sentences[-1].citations
        planted = Sentence("body", "The Senate voted 99-1 to convict the president.", cite, 9)
        store.save_roundup(
            roundup, replace(written, sentences=(*written.sentences, planted)), version
        )
    finally:
        store.close()
    gated_run = run(config, stages=("verify",))
    verify = gated_run.stage("verify")
    assert verify is not None and verify.items_in == 1
    store = open_store(config.store.database)
    try:
        (gated,) = store.gated_roundups()
        assert planted.text not in [s.text for s in gated.draft.sentences]
        assert planted.text in [d.text for d in gated.record.dropped]
        store.save_roundup(roundup, written, version)  # as the writer left it
    finally:
        store.close()
    run(config, stages=("verify",))


def test_an_unchanged_week_is_not_written_again_and_turning_roundups_off_removes_them(
    rounded: tuple[Config, Path],
) -> None:
    config, _ = rounded
    store = open_store(config.store.database)
    try:
        before = store.roundup_keys()
    finally:
        store.close()
    again = run(config)
    assert again.status == "finished"
    verify, publish = again.stage("verify"), again.stage("publish")
    assert verify is not None and verify.items_in == 0  # nothing to gate again
    assert publish is not None and publish.items_out == 0  # no file changed
    store = open_store(config.store.database)
    try:
        assert store.roundup_keys() == before
    finally:
        store.close()
    run(with_roundups(config, on=False))
    store = open_store(config.store.database)
    try:
        assert store.roundup_keys() == {} and store.gated_roundups() == []
    finally:
        store.close()
