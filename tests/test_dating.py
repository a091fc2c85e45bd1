"""Publication dates: given, else from the page, the URL or the text, and undated honestly.

An undated article is clustered by what it says and never takes the run's day;
a story no source dates is labelled undated on the site, and no output shows
1970-01-01 or an empty date.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsdesk.api import publish, run
from newsdesk.config import SAMPLE_DUMP, load_config
from newsdesk.dumps import parse_article
from newsdesk.language.dating import Published, date_of, read_published, text_date, url_date
from newsdesk.store import open_store

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://apnews.com/2025/12/03/kremlin-talks", date(2025, 12, 3)),
        ("https://www.foxnews.com/politics/2020-07-14-federal-execution", date(2020, 7, 14)),
        ("https://thehill.com/homenews/507199-federal-prisoner-executed", None),
        ("https://example.com/2019/13/40/not-a-day", None),
        ("https://example.com/1850/01/02/too-early", None),
        ("https://example.com/archive/2020/06/", None),
    ],
)
def test_a_url_gives_the_day_its_path_names(url: str, expected: date | None) -> None:
    assert url_date(url) == expected


def test_the_text_gives_the_latest_day_it_states_firmly_up_to_a_day_after_today() -> None:
    """Firmly: with its weekday, or twice. A date said once is mostly an earlier event."""
    text = (
        "The talks began on Tuesday, Dec. 2, 2025 in Moscow. Officials met again on Monday, "
        "December 15, 2025. A summit is planned for Wednesday, March 3, 2027. The treaty of "
        "May 1, 1997 still stands, and a deal signed on Dec. 20, 2025 was recalled."
    )
    assert text_date(text, TODAY) == date(2025, 12, 15)
    assert text_date("The deal of Dec. 20, 2025 and of Dec. 20, 2025 again.", TODAY) == date(
        2025, 12, 20
    )
    assert text_date("The treaty of May 1, 1997 still stands.", TODAY) is None
    assert text_date("The talks began on Tuesday in Moscow.", TODAY) is None


def test_the_chain_prefers_given_then_page_then_url_then_text() -> None:
    url = "https://ex.com/2025/12/03/story"
    text = "Officials met on Monday, December 15, 2025."
    assert date_of(url, text, TODAY, given="2025-12-01", page="2025-12-02") == (
        "2025-12-01",
        "given",
    )
    assert date_of(url, text, TODAY, page="2025-12-02") == ("2025-12-02", "page")
    assert date_of(url, text, TODAY) == ("2025-12-03", "url")
    assert date_of("https://ex.com/story", text, TODAY) == ("2025-12-15", "text")
    assert date_of("https://ex.com/story", "No day at all.", TODAY) == (None, None)
    assert date_of("https://ex.com/2999/01/01/x", "No day.", TODAY) == (None, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the day the source's clock showed, never moved to UTC
        ("2025-12-02T23:30:00-05:00", Published("2025-12-02", "2025-12-02T23:30:00-05:00")),
        ("2025-12-03T00:30:00+02:00", Published("2025-12-03", "2025-12-03T00:30:00+02:00")),
        ("2025-12-03T04:30:00Z", Published("2025-12-03", "2025-12-03T04:30:00+00:00")),
        ("2025-12-03t04:30:00z", Published("2025-12-03", "2025-12-03T04:30:00+00:00")),
        ("Tue, 02 Dec 2025 23:30:00 -0500", Published("2025-12-02", "2025-12-02T23:30:00-05:00")),
        ("Tue, 02 Dec 2025 23:30:00 PST", Published("2025-12-02", "2025-12-02T23:30:00-08:00")),
        # no offset given, none invented
        ("2025-12-02T23:30:00", Published("2025-12-02", "2025-12-02T23:30:00")),
        ("Tue, 02 Dec 2025 23:30:00 -0000", Published("2025-12-02", "2025-12-02T23:30:00")),
        # a date alone stays a date
        (" 2025-12-02 ", Published("2025-12-02")),
        # nothing a calendar holds
        ("2025-02-30T10:00:00Z", None),
        ("Sun, 31 Feb 2025 10:00:00 GMT", None),
        ("yesterday", None),
        ("", None),
        (None, None),
        (20251202, None),
    ],
)
def test_a_given_date_keeps_its_own_day_and_offset(
    value: object, expected: Published | None
) -> None:
    assert read_published(value) == expected


def record(number: int, url: str, text: str, published: str | None = None) -> dict[str, object]:
    return {
        "id": f"d-{number}",
        "url": url,
        "outlet": f"Outlet {number}",
        "title": f"Title {number}",
        "text": text,
        "published": published,
    }


def test_a_dump_record_without_a_date_is_dated_from_its_url_and_says_so() -> None:
    dated = parse_article(record(1, "https://ex.com/2025/12/03/a", "Words here."), today=TODAY)
    assert (dated.published, dated.date_source) == ("2025-12-03", "url")
    given = parse_article(record(2, "https://ex.com/a", "Words.", "2025-12-01"), today=TODAY)
    assert (given.published, given.date_source) == ("2025-12-01", "given")
    undated = parse_article(record(3, "https://ex.com/a", "Words."), today=TODAY)
    assert (undated.published, undated.date_source) == (None, None)


def test_the_store_keeps_where_each_date_came_from(tmp_path: Path) -> None:
    store = open_store(tmp_path / "news.db")
    try:
        for number, url, text, published in (
            (1, "https://ex.com/2025/12/03/a", "Words here.", None),
            (2, "https://ex.com/b", "They met on Monday, December 15, 2025.", None),
            (3, "https://ex.com/c", "Words.", "2025-12-01"),
            (4, "https://ex.com/d", "Words.", None),
        ):
            store.add_article(parse_article(record(number, url, text, published)), None)
        stored = {a.id: (a.published, a.date_source) for a in store.articles()}
    finally:
        store.close()
    assert stored == {
        "d-1": ("2025-12-03", "url"),
        "d-2": ("2025-12-15", "text"),
        "d-3": ("2025-12-01", "given"),
        "d-4": (None, None),
    }


@pytest.fixture(scope="module")
def undated_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two sample stories, plus each of their first articles again without a date (under
    another id, URL and outlet): the undated copies must join their stories by content."""
    folder = tmp_path_factory.mktemp("undated")
    lines = [json.loads(line) for line in Path(str(SAMPLE_DUMP)).read_text().splitlines()]
    by_cluster: dict[str, list[dict[str, object]]] = {}
    for item in lines:
        by_cluster.setdefault(str(item["cluster_id"]), []).append(item)
    chosen = [group for group in by_cluster.values() if len(group) >= 2][:2]
    records = [item for group in chosen for item in group]
    for number, group in enumerate(chosen):
        twin = dict(group[0])
        twin.update(
            id=f"undated-{number}",
            url=f"https://undated.example/story-{number}",
            outlet="Undated Wire",
            published=None,
        )
        records.append(twin)
    dump = folder / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    database = folder / "news.db"
    config = load_config(database=database, site_dir=folder / "site", dumps=(dump,))
    run(config)
    return database, folder / "site"


def test_an_undated_article_joins_its_event_and_never_takes_the_runs_day(
    undated_run: tuple[Path, Path],
) -> None:
    database, _ = undated_run
    store = open_store(database)
    try:
        stories = store.stories()
        placed = {a: s for s in stories for a in s.article_ids}
        for number in range(2):
            story = placed[f"undated-{number}"]
            assert len(story.article_ids) >= 3
            days = store.story_days(story.id)
            assert days.get(f"undated-{number}") is None
            assert story.first_seen is not None and story.first_seen < "2021-01-01"
        undated = store.article("undated-0")
        assert undated is not None and (undated.published, undated.date_source) == (None, None)
    finally:
        store.close()


def test_no_output_shows_the_epoch_or_an_empty_date(
    undated_run: tuple[Path, Path], tmp_path: Path
) -> None:
    database, site = undated_run
    texts = [p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file()]
    assert texts and not any("1970-01-01" in t for t in texts)
    assert "<updated></updated>" not in (site / "feed.atom").read_text(encoding="utf-8")
    config = load_config(database=database, site_dir=site)
    publish(config, format="jekyll", target=tmp_path / "blog")
    posts = list((tmp_path / "blog" / "_posts").glob("*.md"))
    assert posts and not any(p.name.startswith("1970") for p in posts)


def test_a_date_read_from_the_text_gives_no_story_its_days(tmp_path: Path) -> None:
    """It is an estimate: stored and shown with its source, but clustered by content."""
    dump = tmp_path / "dated.jsonl"
    words = " ".join(f"word{n}" for n in range(40))
    dump.write_text(
        json.dumps(record(1, "https://ex.com/2025/12/03/a", f"Council {words}."))
        + "\n"
        + json.dumps(record(2, "https://ex.com/b", f"On Monday, December 15, 2025, {words}."))
        + "\n",
        encoding="utf-8",
    )
    config = load_config(database=tmp_path / "news.db", dumps=(dump,))
    run(config, stages=("ingest", "stories"))
    store = open_store(config.store.database)
    try:
        days = {a: d for s in store.stories() for a, d in store.story_days(s.id).items()}
        texted = store.article("d-2")
    finally:
        store.close()
    assert days == {"d-1": "2025-12-03", "d-2": None}
    assert texted is not None and (texted.published, texted.date_source) == ("2025-12-15", "text")


def test_an_undated_article_read_later_finds_its_settled_story(tmp_path: Path) -> None:
    """Runs a day apart, as a newsroom reads the news: by the time the undated report
    arrives, its event's story has settled and months of other news came in between.
    The store's full-text search brings the story back to be matched by content."""
    lines = [json.loads(line) for line in Path(str(SAMPLE_DUMP)).read_text().splitlines()]
    by_cluster: dict[str, list[dict[str, object]]] = {}
    for item in lines:
        by_cluster.setdefault(str(item["cluster_id"]), []).append(item)
    groups = sorted(
        (g for g in by_cluster.values() if len(g) >= 3), key=lambda g: str(g[0]["published"])
    )
    early, late = groups[0], groups[-1]
    twin = {**early[2], "id": "undated-twin", "url": "https://undated.example/a"}
    twin.update(outlet="Undated Wire", published=None)
    config = load_config(database=tmp_path / "news.db")
    for number, batch in enumerate((early[:2], late, [twin])):
        dump = tmp_path / f"batch-{number}.jsonl"
        dump.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
        run(
            load_config(database=config.store.database, dumps=(dump,)), stages=("ingest", "stories")
        )
    store = open_store(config.store.database)
    try:
        placed = store.stories_of(["undated-twin", str(early[0]["id"])])
        story = store.story(placed["undated-twin"])
    finally:
        store.close()
    assert placed["undated-twin"] == placed[str(early[0]["id"])]
    assert story is not None and story.last_seen == str(early[1]["published"])
