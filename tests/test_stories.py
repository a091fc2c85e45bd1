"""Story clustering on real multi-outlet reporting from the bundled sample."""

from __future__ import annotations

from dataclasses import replace

from newsdesk.config import Config
from newsdesk.engine import Engine
from newsdesk.ingest import IngestStage
from newsdesk.records import Article
from newsdesk.store import open_store
from newsdesk.stories import StoriesStage, bcubed, cluster


def gold(articles: list[Article]) -> dict[str, str]:
    return {a.id: str(a.extra["cluster_id"]) for a in articles}


def test_sample_clusters_match_the_labelled_events(sample_articles: list[Article]) -> None:
    predicted = cluster(sample_articles, threshold=0.15, window_days=1)
    scores = bcubed(predicted, gold(sample_articles))
    assert scores["precision"] >= 0.95
    assert scores["f1"] >= 0.9


def test_one_event_lands_in_one_story(sample_articles: list[Article]) -> None:
    event = [a for a in sample_articles if a.extra["cluster_id"] == "allsides-train-1746"]
    assert len(event) == 3
    predicted = cluster(sample_articles, threshold=0.15, window_days=1)
    assert len({predicted[a.id] for a in event}) == 1


def test_same_day_events_with_shared_names_stay_apart(sample_articles: list[Article]) -> None:
    # Both are about the Senate impeachment trial on 2020-01-22: the rules vote, and the
    # Chief Justice's rebuke of both sides. Same day, same names, different events.
    rules = {"allsides-test-0192"}
    rebuke = {"allsides-train-2165"}
    chosen = [a for a in sample_articles if a.extra["cluster_id"] in rules | rebuke]
    predicted = cluster(chosen, threshold=0.15, window_days=1)
    rules_stories = {predicted[a.id] for a in chosen if a.extra["cluster_id"] in rules}
    rebuke_stories = {predicted[a.id] for a in chosen if a.extra["cluster_id"] in rebuke}
    assert not rules_stories & rebuke_stories


def test_time_window_keeps_distant_articles_apart(sample_articles: list[Article]) -> None:
    first, second = [a for a in sample_articles if a.extra["cluster_id"] == "allsides-train-1746"][
        :2
    ]
    later = replace(second, id="later", published="2020-03-01")
    predicted = cluster([first, later], threshold=0.15, window_days=1)
    assert predicted["later"] != predicted[first.id]
    together = cluster([first, second], threshold=0.15, window_days=1)
    assert together[first.id] == together[second.id]


def test_article_without_date_is_still_clustered(sample_articles: list[Article]) -> None:
    event = [a for a in sample_articles if a.extra["cluster_id"] == "allsides-train-1746"]
    undated = replace(event[2], published=None)
    predicted = cluster([*event[:2], undated], threshold=0.15, window_days=1)
    assert predicted[undated.id] == predicted[event[0].id]


def test_story_ids_are_stable_and_incremental(config: Config, sample_path: object) -> None:
    store = open_store(config.store.database)
    Engine(store, config).run([IngestStage(config.dumps), StoriesStage()])
    first = {s.id: s.article_ids for s in store.stories()}
    again = Engine(store, config).run([StoriesStage()])
    assert again.stages[0].items_in == 0
    assert {s.id: s.article_ids for s in store.stories()} == first
    store.close()
    fresh = open_store(config.store.database.with_name("other.db"))
    Engine(fresh, config).run([IngestStage(config.dumps), StoriesStage()])
    assert {s.id: s.article_ids for s in fresh.stories()} == first
    fresh.close()


def test_story_records_outlets_dates_and_version(config: Config) -> None:
    store = open_store(config.store.database)
    Engine(store, config).run([IngestStage(config.dumps), StoriesStage()])
    stories = store.stories()
    assert sum(len(s.article_ids) for s in stories) == 84
    for story in stories:
        articles = store.articles(story.article_ids)
        dates = sorted(a.published for a in articles if a.published)
        assert (story.first_seen, story.last_seen) == (dates[0], dates[-1])
        assert set(story.outlets) == {a.outlet for a in articles}
        assert story.version == 1
    store.close()


def test_new_reporting_bumps_the_story_version(config: Config, tmp_path: object) -> None:
    import json
    from pathlib import Path

    records = [json.loads(x) for x in Path(str(config.dumps[0])).read_text().splitlines()]
    event = [r for r in records if r["cluster_id"] == "allsides-train-1746"]
    first_dump = Path(str(tmp_path)) / "first.jsonl"
    first_dump.write_text("\n".join(json.dumps(r) for r in event[:2]) + "\n")
    later_dump = Path(str(tmp_path)) / "later.jsonl"
    later_dump.write_text(json.dumps(event[2]) + "\n")
    store = open_store(config.store.database)
    Engine(store, config).run([IngestStage([first_dump]), StoriesStage()])
    (story,) = store.stories()
    assert story.version == 1
    Engine(store, config).run([IngestStage([later_dump]), StoriesStage()])
    (updated,) = store.stories()
    assert updated.id == story.id
    assert updated.version == 2
    assert len(updated.article_ids) == 3
    store.close()
