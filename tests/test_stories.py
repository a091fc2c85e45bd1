"""Story clustering on real multi-outlet reporting from the bundled sample, with real
MiniLM embeddings: events, time, ids across runs and crashes, merges, copies."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from newsdesk.config import Config
from newsdesk.engine import Context, Engine, Stage
from newsdesk.ingest import IngestStage
from newsdesk.records import CATEGORIES, Article, Placement, Run, StageRun, StoryVersion
from newsdesk.store import SQLiteStore, Store, open_store
from newsdesk.stories import (
    Clusterer,
    Params,
    StoriesStage,
    bcubed,
    cluster,
    cluster_stream,
    story_id_for,
)
from newsdesk.stories.clusterer import OpenStory, day_number
from newsdesk.stories.embeddings import shared_embedder
from newsdesk.stories.features import Features
from newsdesk.stories.stream import stream_features, stream_order
from newsdesk.stories.versions import next_version, step_versions

EVENT = "allsides-train-1746"
"""Three outlets on one event of the sample."""


def gold(articles: Sequence[Article]) -> dict[str, str]:
    return {a.id: str(a.extra["cluster_id"]) for a in articles}


def of_event(articles: Sequence[Article], *events: str) -> list[Article]:
    return [a for a in articles if a.extra["cluster_id"] in events]


@pytest.fixture(scope="module")
def features(sample_articles: list[Article]) -> dict[str, Features]:
    """Features of the whole sample, computed once as one stream."""
    return stream_features(stream_order(sample_articles), shared_embedder())


def write_dump(path: Path, records: Sequence[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def memberships(store: Store) -> dict[str, tuple[str, ...]]:
    return {s.id: tuple(sorted(s.article_ids)) for s in store.stories()}


# --------------------------------------------------------------------------- the algorithm


@pytest.mark.slow
def test_sample_clusters_match_the_labelled_events(sample_articles: list[Article]) -> None:
    result = cluster_stream(sample_articles, Params(), shared_embedder())
    scores = bcubed(result.assignment, gold(sample_articles))
    assert scores["precision"] >= 0.97
    assert scores["f1"] >= 0.97
    previous = bcubed(
        cluster(sample_articles, threshold=0.15, window_days=1), gold(sample_articles)
    )
    assert scores["f1"] >= previous["f1"]


def test_one_event_lands_in_one_story(sample_articles: list[Article]) -> None:
    event = of_event(sample_articles, EVENT)
    assert len(event) == 3 and len({a.outlet for a in event}) == 3
    result = cluster_stream(sample_articles, Params(), shared_embedder())
    assert len({result.assignment[a.id] for a in event}) == 1


def test_same_day_events_with_shared_names_stay_apart(sample_articles: list[Article]) -> None:
    # Both are about the Senate impeachment trial on 2020-01-21/22: the rules vote, and
    # the Chief Justice's rebuke of both sides. Same days, same names, different events.
    rules, rebuke = "allsides-test-0192", "allsides-train-2165"
    chosen = of_event(sample_articles, rules, rebuke)
    assert {a.published for a in chosen} <= {"2020-01-21", "2020-01-22"}
    result = cluster_stream(chosen, Params(), shared_embedder())
    rules_stories = {result.assignment[a.id] for a in of_event(chosen, rules)}
    rebuke_stories = {result.assignment[a.id] for a in of_event(chosen, rebuke)}
    assert not rules_stories & rebuke_stories
    assert len(rules_stories) == len(rebuke_stories) == 1


def test_time_window_keeps_distant_articles_apart(sample_articles: list[Article]) -> None:
    first, second, _ = of_event(sample_articles, EVENT)
    later = replace(second, id="later", published="2020-03-01")
    apart = cluster_stream([first, later], Params(), shared_embedder())
    assert apart.assignment["later"] != apart.assignment[first.id]
    together = cluster_stream([first, second], Params(), shared_embedder())
    assert together.assignment[first.id] == together.assignment[second.id]


def test_article_without_date_is_still_clustered(sample_articles: list[Article]) -> None:
    event = of_event(sample_articles, EVENT)
    undated = replace(event[2], published=None)
    others = [a for a in sample_articles if a.id not in {e.id for e in event}]
    result = cluster_stream([*others, *event[:2], undated], Params(), shared_embedder())
    assert result.assignment[undated.id] == result.assignment[event[0].id]


def test_an_article_with_no_text_is_skipped_with_a_reason(sample_articles: list[Article]) -> None:
    empty = Article("blank", "https://example.org/blank", "Example", "  ", "\n", "2020-01-22")
    result = cluster_stream([*sample_articles[:5], empty], Params(), shared_embedder())
    assert result.skipped == {"blank": "no title or text to compare; not clustered"}
    assert "blank" not in result.assignment
    assert len(result.assignment) == 5


def test_settled_stories_leave_memory(
    sample_articles: list[Article], features: dict[str, Features]
) -> None:
    """The sample replayed ten times a year apart: open stories do not grow with history."""
    clusterer = Clusterer(Params())
    ordered = stream_order(sample_articles)
    created = 0
    for replica in range(10):
        for article in ordered:
            found = replace(features[article.id], article_id=f"{article.id}~{replica}")
            day = day_number(article.published)
            assert day is not None
            created += clusterer.assign(found, day + 400 * replica).created
    once = len({story_id_for(a) for a in ordered})
    assert created >= 10 * 25
    assert clusterer.peak_open < once
    assert len(clusterer.stories) < 10
    assert clusterer.settled == created - len(clusterer.stories)


def test_approximate_index_finds_the_same_stories(
    sample_articles: list[Article], features: dict[str, Features]
) -> None:
    ordered = stream_order(sample_articles)

    def run(params: Params) -> dict[str, str]:
        clusterer = Clusterer(params)
        found = {}
        for article in ordered:
            found[article.id] = clusterer.assign(
                features[article.id], day_number(article.published)
            ).story_id
        assert clusterer.index.approximate == (params.ann_min_stories == 1)
        return found

    exact = run(Params())
    graph = run(replace(Params(), ann_min_stories=1, window_days=4000))
    wide = run(replace(Params(), window_days=4000))
    assert graph == wide
    assert bcubed(exact, gold(sample_articles))["f1"] >= 0.97


def test_graph_entries_follow_stories_that_move() -> None:
    """A story that drifts a little keeps its graph entry; one that moves far is re-entered,
    so a search for where it is now finds it; removed stories are never returned."""
    from newsdesk.stories.index import StoryIndex

    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((300, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = StoryIndex(32, ann_min=100)
    for n, vector in enumerate(vectors):
        index.put(f"s{n}", vector)
    assert index.approximate and len(index) == 300
    nudged = vectors[7] + 0.01 * vectors[8]
    index.put("s7", nudged / np.linalg.norm(nudged))
    assert index.search(vectors[7], 3)[0][0] == "s7"
    index.put("s9", vectors[200] * 0.5 + vectors[201] * 0.5)
    assert "s9" in [key for key, _ in index.search(vectors[201], 5)]
    for n in range(0, 300, 2):
        index.remove(f"s{n}")
    found = [key for key, _ in index.search(vectors[10], 10)]
    assert found and all(int(key[1:]) % 2 for key in found)
    exact = StoryIndex(32, ann_min=10**6)
    for n in range(1, 300, 2):
        exact.put(f"s{n}", vectors[n])
    assert exact.search(vectors[11], 1)[0][0] == index.search(vectors[11], 1)[0][0] == "s11"


def pair_score(clusterer: Clusterer, a: Features, b: Features) -> float:
    story = OpenStory("s")
    from newsdesk.stories.clusterer import Member

    story.add(Member(b, None))
    return clusterer.score(a, story)


def merging_params(
    features: Sequence[Features], base: Params | None = None
) -> tuple[list[int], Params]:
    """An order of three articles of one event, and thresholds under which the first two
    start separate stories that merge once the third joins the second."""
    base = base or Params()
    probe = Clusterer(base)
    pairs = {
        (i, j): pair_score(probe, features[i], features[j])
        for i in range(3)
        for j in range(3)
        if i < j
    }
    low, middle, high = sorted(pairs, key=pairs.__getitem__)
    second = (set(low) & set(high)).pop()
    first = (set(low) - {second}).pop()
    third = (set(high) - {second}).pop()
    lowest, mid = pairs[low], pairs[middle]
    params = replace(
        base,
        threshold=(lowest + pairs[high]) / 2 if lowest < mid else lowest + 1e-6,
        merge_threshold=(lowest + (lowest + mid) / 2) / 2,
        move_margin=float("inf"),
    )
    assert params.threshold > lowest and params.threshold <= pairs[high]
    return [first, second, third], params


def test_stories_merge_when_they_turn_out_to_be_one_event(
    sample_articles: list[Article], features: dict[str, Features]
) -> None:
    event = of_event(sample_articles, EVENT)
    order, params = merging_params([features[a.id] for a in event])
    clusterer = Clusterer(params)
    decisions = [clusterer.assign(features[event[i].id], 1) for i in order]
    assert decisions[0].created and decisions[1].created
    assert decisions[0].story_id != decisions[1].story_id
    merged = decisions[2].merged
    assert len(merged) == 1
    old, new = merged[0]
    assert {old, new} == {decisions[0].story_id, decisions[1].story_id}
    assert decisions[2].story_id == new
    assert len(clusterer.stories) == 1 and clusterer.stories[new].size == 3


# --------------------------------------------------------------------------- the stage


def run_stories(store: Store, config: Config, stage: StoriesStage | None = None) -> StageRun:
    run = Engine(store, config).run([stage or StoriesStage()])
    return run.stages[0]


def test_story_ids_are_stable_and_incremental(config: Config) -> None:
    store = open_store(config.store.database)
    Engine(store, config).run([IngestStage(config.dumps), StoriesStage()])
    first = memberships(store)
    assert run_stories(store, config).items_in == 0
    assert memberships(store) == first
    store.close()
    fresh = open_store(config.store.database.with_name("other.db"))
    Engine(fresh, config).run([IngestStage(config.dumps), StoriesStage()])
    assert memberships(fresh) == first
    fresh.close()


def test_sample_stories_match_the_events(config: Config, sample_articles: list[Article]) -> None:
    store = open_store(config.store.database)
    Engine(store, config).run([IngestStage(config.dumps), StoriesStage()])
    predicted = {a: s.id for s in store.stories() for a in s.article_ids}
    assert bcubed(predicted, gold(sample_articles))["f1"] >= 0.97
    assert 30 <= len(store.stories()) <= 33
    store.close()


class Crash(Exception):
    pass


class CrashingStore:
    """A store that dies after ``limit`` clustering steps, as a killed process would."""

    def __init__(self, store: Store, limit: int) -> None:
        self.store = store
        self.limit = limit

    def place(self, placement: Placement, run_id: int | None) -> None:
        if self.limit == 0:
            raise Crash
        self.limit -= 1
        self.store.place(placement, run_id)

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)


def test_a_crash_mid_run_resumes_to_the_same_result(
    config: Config, sample_path: Path, tmp_path: Path
) -> None:
    records = [json.loads(x) for x in sample_path.read_text(encoding="utf-8").splitlines()]
    # Every article twice (a second outlet re-running it word for word): copies join
    # their originals, and stories are open when the run dies.
    shifted = [
        {**r, "id": f"{r['id']}-b", "url": f"{r['url']}?b", "outlet": "Reruns"} for r in records
    ]
    dump = write_dump(tmp_path / "two.jsonl", records + shifted)
    reference = open_store(tmp_path / "reference.db")
    Engine(reference, config).run([IngestStage([dump]), StoriesStage()])
    crashed = open_store(tmp_path / "crashed.db")
    Engine(crashed, config).run([IngestStage([dump])])
    with pytest.raises(Crash):
        run = crashed.start_run()
        StoriesStage().run(Context(CrashingStore(crashed, 100), config, run))  # type: ignore[arg-type]
    assert 0 < sum(len(s.article_ids) for s in crashed.stories()) < 168
    run_stories(crashed, config)
    assert memberships(crashed) == memberships(reference)
    assert [s.hash for s in crashed.stories()] == [s.hash for s in reference.stories()]
    reference.close()
    crashed.close()


def test_article_with_empty_text_is_skipped_not_crashed_on(config: Config) -> None:
    store = open_store(config.store.database)
    Engine(store, config).run([IngestStage(config.dumps)])
    blank = Article("blank", "https://example.org/blank", "Example", "", "   ", "2020-01-22")
    store.add_article(blank, None)
    stage = run_stories(store, config)
    assert stage.skipped == 1
    assert any("'blank'" in e and "no title or text" in e for e in stage.errors)
    assert store.skipped_articles() == {"blank": "no title or text to compare; not clustered"}
    assert sum(len(s.article_ids) for s in store.stories()) == 84
    assert run_stories(store, config).items_in == 0
    store.close()


def test_an_article_without_a_date_never_takes_its_import_day(
    config: Config, sample_records: list[dict[str, object]], tmp_path: Path
) -> None:
    """Dated from its URL or its text where they give a day, else undated: clustered by
    what it says, and giving its story no dates."""
    event = [r for r in sample_records if r["cluster_id"] == EVENT]
    undated = [{**r, "published": None} for r in event]
    bare = [
        {**r, "id": f"bare-{n}", "url": f"https://ex.com/bare-{n}", "text": r["title"]}
        for n, r in enumerate(undated)
    ]
    dump = write_dump(tmp_path / "undated.jsonl", undated)
    store = open_store(config.store.database)
    run = Engine(store, config).run([IngestStage([dump]), StoriesStage()])
    (story,) = store.stories()
    assert len(story.article_ids) == 3
    sources = {a.id: (a.published, a.date_source) for a in store.articles()}
    assert {source for _, source in sources.values()} == {"url", None}  # AP's URL has no day
    assert all((day is None) == (source is None) for day, source in sources.values())
    assert story.first_seen == story.last_seen == "2020-01-21"
    assert run.started[:10] not in store.story_days(story.id).values()
    write_dump(tmp_path / "bare.jsonl", bare)
    Engine(store, config).run([IngestStage([tmp_path / "bare.jsonl"]), StoriesStage()])
    for article in store.articles([r["id"] for r in bare]):  # type: ignore[misc]
        assert (article.published, article.date_source) == (None, None)
    days = {a: d for s in store.stories() for a, d in store.story_days(s.id).items()}
    assert all(days[f"bare-{n}"] is None for n in range(len(bare)))
    assert run.started[:10] not in days.values()
    store.close()


def test_story_records_outlets_dates_sources_and_status(config: Config) -> None:
    store = open_store(config.store.database)
    Engine(store, config).run([IngestStage(config.dumps), StoriesStage()])
    stories = store.stories()
    assert sum(len(s.article_ids) for s in stories) == 84
    newest = day_number(max(s.last_seen or "" for s in stories))
    assert newest is not None
    for story in stories:
        articles = store.articles(story.article_ids)
        dates = sorted(a.published for a in articles if a.published)
        assert (story.first_seen, story.last_seen) == (dates[0], dates[-1])
        assert set(story.outlets) == {a.outlet for a in articles}
        assert story.sources == len(story.outlets)
        assert story.single_source == (len(story.outlets) == 1)
        assert story.languages == ("en",)
        assert story.category in CATEGORIES
        assert story.version == 1
        last = day_number(story.last_seen)
        assert last is not None
        recent = last >= newest - config.stories.window_days
        assert story.status == ("developing" if recent else "settled")
    store.close()


def test_new_reporting_bumps_the_story_version(
    config: Config, sample_records: list[dict[str, object]], tmp_path: Path
) -> None:
    event = [r for r in sample_records if r["cluster_id"] == EVENT]
    first_dump = write_dump(tmp_path / "first.jsonl", event[:2])
    later_dump = write_dump(tmp_path / "later.jsonl", event[2:])
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


def merging_dumps(
    records: Sequence[dict[str, object]],
    articles: Sequence[Article],
    features: dict[str, Features],
    folder: Path,
) -> tuple[list[Path], Params]:
    """Three one-article dumps of one event, on one day, and settings under which the first
    two start separate stories that merge when the third arrives (one dump per run)."""
    event = of_event(articles, EVENT)
    # Embeddings only: the stage's word weights depend on the counts of its own runs.
    vectors = replace(Params(), lead_weight=0.5, title_weight=0.5, words_weight=0.0)
    order, params = merging_params([features[a.id] for a in event], vectors)
    by_id = {str(r["id"]): r for r in records}
    dumps = [
        write_dump(folder / f"{step}.jsonl", [{**by_id[event[i].id], "published": "2020-02-01"}])
        for step, i in enumerate(order)
    ]
    return dumps, params


def test_a_merged_story_id_still_resolves(
    config: Config,
    sample_records: list[dict[str, object]],
    sample_articles: list[Article],
    features: dict[str, Features],
    tmp_path: Path,
) -> None:
    dumps, params = merging_dumps(sample_records, sample_articles, features, tmp_path)
    store = open_store(config.store.database)
    ids = []
    for dump in dumps:
        Engine(store, config).run([IngestStage([dump]), StoriesStage(params=params)])
        ids.append({s.id for s in store.stories()})
    assert len(ids[1]) == 2
    (survivor,) = ids[2]
    (gone,) = ids[1] - {survivor}
    merged = store.story(gone)
    assert merged is not None and merged.id == survivor
    assert store.resolve_story(gone) == survivor
    assert merged.merged_ids == (gone,)
    assert len(merged.article_ids) == 3
    assert merged.version == 2
    store.close()


def test_a_merged_story_page_redirects_and_its_post_is_retired(
    config: Config,
    sample_records: list[dict[str, object]],
    sample_articles: list[Article],
    features: dict[str, Features],
    tmp_path: Path,
) -> None:
    """Two published stories turn out to be one event: readers of the old page and post
    land on the surviving story, and Jekyll no longer lists the old post."""
    from newsdesk.api import stages_for
    from newsdesk.publish import build_jekyll

    dumps, params = merging_dumps(sample_records, sample_articles, features, tmp_path)
    settings = replace(config, publish=replace(config.publish, min_outlets=1))
    store = open_store(config.store.database)
    posts = tmp_path / "blog"

    def step(dump: Path) -> set[str]:
        later = stages_for(settings, ("write", "verify", "publish"))
        stages: list[Stage] = [IngestStage([dump]), StoriesStage(params=params), *later]
        Engine(store, settings).run(stages)
        build_jekyll(store, settings.publish, posts)
        return {s.id for s in store.stories()}

    step(dumps[0])
    before = step(dumps[1])
    assert len(before) == 2
    old_posts = {p.name for p in (posts / "_posts").iterdir()}
    assert len(old_posts) == 2
    (survivor,) = step(dumps[2])
    (gone,) = before - {survivor}
    merged = store.story(survivor)
    assert merged is not None and merged.merged_ids == (gone,)

    from newsdesk.publish.text import story_slug

    old_slug = story_slug(next(t for i, t in merged.merged if i == gone), gone)
    new_slug = story_slug(merged.title, survivor)
    page = (Path(config.publish.site_dir) / "stories" / f"{old_slug}.html").read_text()
    assert f'url={new_slug}.html"' in page
    assert f'href="{new_slug}.html"' in page
    index = (Path(config.publish.site_dir) / "index.html").read_text()
    assert old_slug not in index and new_slug in index
    (post,) = (posts / "_posts").iterdir()
    assert post.name in old_posts and old_slug not in post.name
    text = post.read_text()
    assert f"redirect_from:\n- /stories/{old_slug}.html\n" in text
    store.close()


def test_merge_moves_articles_drops_the_old_draft_and_redirects(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    articles = [
        Article(f"a{n}", f"https://example.org/{n}", f"Outlet {n}", f"Title {n}", "Text.", None)
        for n in range(4)
    ]
    for article in articles:
        store.add_article(article, None)
    store.place(Placement(articles[0], "s-1", "2020-01-01"), 1)
    store.place(Placement(articles[1], "s-2", "2020-01-02"), 1)
    store.place(Placement(articles[2], "s-3", "2020-01-02"), 1)
    store.place(Placement(articles[3], "s-2", "2020-01-03", merged=(("s-3", "s-2"),)), 2)
    assert store.resolve_story("s-3") == "s-2"
    later = Article("a9", "https://example.org/9", "Outlet 9", "Title 9", "Text.", None)
    store.add_article(later, None)
    store.place(Placement(later, "s-1", "2020-01-03", merged=(("s-2", "s-1"),)), 3)
    for old in ("s-2", "s-3"):
        story = store.story(old)
        assert story is not None and story.id == "s-1"
    story = store.story("s-1")
    assert story is not None
    assert sorted(story.article_ids) == ["a0", "a1", "a2", "a3", "a9"]
    assert story.merged_ids == ("s-2", "s-3")
    assert (story.first_seen, story.last_seen) == ("2020-01-01", "2020-01-03")
    assert store.story("s-nope") is None
    assert store.counts()["stories"] == 1
    store.close()


def test_a_story_gets_one_new_version_per_later_run() -> None:
    assert next_version(None, 7) == 1
    assert next_version(StoryVersion("s-1", 2, 5), 5) == 2
    assert next_version(StoryVersion("s-1", 2, 5), 7) == 3
    assert next_version(StoryVersion("s-1", 1, None), None) == 1
    article = Article("a1", "https://example.org/1", "Outlet", "Title", "Text.", None)
    step = Placement(article, "s-1", None, merged=(("s-3", "s-2"),), moved=(("a0", "s-4"),))
    assert step.grown == {"s-1", "s-2", "s-4"}
    stored = {"s-1": StoryVersion("s-1", 1, 7), "s-2": StoryVersion("s-2", 4, 6)}
    assert step_versions(step, stored, 7) == (("s-1", 1), ("s-2", 5), ("s-4", 1))


def test_the_store_writes_the_versions_it_is_given(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    articles = [
        Article(f"a{n}", f"https://example.org/{n}", f"Outlet {n}", f"Title {n}", "Text.", None)
        for n in range(3)
    ]
    for article in articles:
        store.add_article(article, None)
    store.place(Placement(articles[0], "s-1", "2020-01-01", versions=(("s-1", 1),)), 1)
    assert store.story_versions(["s-1", "s-9"]) == {"s-1": StoryVersion("s-1", 1, 1)}
    store.place(Placement(articles[1], "s-1", "2020-01-02", versions=(("s-1", 2),)), 2)
    assert store.story_versions(["s-1"]) == {"s-1": StoryVersion("s-1", 2, 2)}
    store.place(Placement(articles[2], "s-1", "2020-01-03"), 3)  # no version given: kept
    assert store.story_versions(["s-1"]) == {"s-1": StoryVersion("s-1", 2, 3)}
    story = store.story("s-1")
    assert story is not None and story.version == 2
    store.close()


def test_syndicated_copies_count_once(
    config: Config, sample_records: list[dict[str, object]], tmp_path: Path
) -> None:
    event = [r for r in sample_records if r["cluster_id"] == EVENT]
    original = event[0]
    paragraphs = str(original["text"]).split("\n\n")
    copy = {
        **original,
        "id": "wire-copy",
        "url": "https://copies.example.com/story",
        "outlet": "Copies Daily",
        "title": "Copied: " + str(original["title"]),
        "text": "\n\n".join(paragraphs[: max(2, len(paragraphs) * 2 // 3)]),
    }
    dump = write_dump(tmp_path / "copies.jsonl", [*event, copy])
    store = open_store(config.store.database)
    Engine(store, config).run([IngestStage([dump]), StoriesStage()])
    (story,) = store.stories()
    assert len(story.outlets) == 4
    assert story.sources == 3
    assert not story.single_source
    store.close()


def test_ingest_links_count_once_too(config: Config, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    articles = [
        Article(f"a{n}", f"https://example.org/{n}", outlet, "Title", "Text.", "2020-01-01")
        for n, outlet in enumerate(("AP", "Paper One", "Paper Two"))
    ]
    for article in articles:
        store.add_article(article, None)
    for copy in ("a1", "a2"):
        store.db.execute(
            "INSERT INTO article_links (article_id, duplicate_of, kind, similarity)"
            " VALUES (?, 'a0', 'exact', 1.0)",
            (copy,),
        )
    for article in articles:
        store.place(Placement(article, "s-1", article.published), None)
    story = store.story("s-1")
    assert story is not None
    assert story.outlets == ("AP", "Paper One", "Paper Two")
    assert story.sources == 1 and story.single_source
    store.close()


def test_stories_command_lists_and_shows(config: Config) -> None:
    from click.testing import CliRunner

    from newsdesk.cli import cli

    database = str(config.store.database)
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["import", str(config.dumps[0]), "--database", database]).exit_code == 0
    )
    updated = runner.invoke(cli, ["stories", "--update", "--database", database])
    assert updated.exit_code == 0, updated.output
    assert "sources" in updated.stdout and "developing" in updated.stdout
    store = open_store(config.store.database)
    story = next(s for s in store.stories() if len(s.outlets) == 3)
    store.close()
    listed = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["stories", "--database", database])
    rows = [row for row in listed.stdout.splitlines() if row.strip().startswith("s-")]
    store = open_store(config.store.database)
    assert len(rows) == len(store.stories())  # one line per story, titles cut, never wrapped
    store.close()
    assert all(len(row) <= 80 for row in listed.stdout.splitlines())
    shown = runner.invoke(cli, ["stories", story.id, "--database", database])
    assert shown.exit_code == 0
    assert "3 independent sources" in shown.stdout
    assert all(outlet in shown.stdout for outlet in story.outlets)
    missing = runner.invoke(cli, ["stories", "s-nope", "--database", database])
    assert missing.exit_code == 2
    assert missing.stderr.strip() == "error: no story 's-nope'"


def test_a_gpu_that_is_not_there_is_one_clear_error(config: Config, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsdesk.cli import cli

    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    database = str(config.store.database)
    result = CliRunner().invoke(
        cli, ["stories", "--update", "--device", "cuda", "--database", database]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: device 'cuda': no CUDA GPU is available here; use --device cpu"
    )
    settings = tmp_path / "gpu.toml"
    settings.write_text('[stories]\ndevice = "tpu"\n', encoding="utf-8")
    bad = CliRunner().invoke(cli, ["stories", "--config", str(settings), "--database", database])
    assert bad.exit_code == 2
    assert "[stories] 'device' must be one of cpu, cuda, not 'tpu'" in bad.stderr


@pytest.mark.slow
def test_stories_eval_prints_bcubed(sample_path: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsdesk.cli import cli

    runner = CliRunner()
    database = str(tmp_path / "unused.db")
    result = runner.invoke(cli, ["stories", "--eval", str(sample_path), "--database", database])
    assert result.exit_code == 0, result.output
    assert "84 articles, 30 events" in result.stdout
    f1 = float(result.stdout.split("F1 ")[1].split(";")[0])
    assert f1 >= 0.97
    missing = runner.invoke(cli, ["stories", "--eval", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2
    assert missing.stderr.strip() == f"error: {tmp_path / 'none.jsonl'}: file not found"
    unlabelled = write_dump(
        tmp_path / "plain.jsonl",
        [{"id": "x", "url": "https://e.org/x", "title": "T", "text": "Words here."}],
    )
    bad = runner.invoke(cli, ["stories", "--eval", str(unlabelled)])
    assert bad.exit_code == 2
    assert "no labelled articles" in bad.stderr


def test_run_record_is_unchanged_by_an_idle_second_run(config: Config) -> None:
    store = open_store(config.store.database)
    Engine(store, config).run([IngestStage(config.dumps), StoriesStage()])
    before = store.counts()
    stage = run_stories(store, config)
    assert (stage.items_in, stage.items_out, stage.skipped) == (0, 0, 0)
    assert store.counts() == before
    assert isinstance(store.runs(1)[0], Run)
    store.close()
