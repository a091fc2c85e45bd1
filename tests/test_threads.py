"""Threads: stories of one developing topic, linked across days, listed and published."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from newsdesk.api import run
from newsdesk.cli import cli
from newsdesk.config import SAMPLE_DUMP, load_config
from newsdesk.engine import Engine
from newsdesk.ingest import IngestStage
from newsdesk.records import Article, Placement
from newsdesk.store import open_store
from newsdesk.stories import StoriesStage
from newsdesk.stories.embeddings import shared_embedder
from newsdesk.stories.languages import Reader
from newsdesk.stories.threads import (
    Threader,
    ThreadParams,
    headline_names,
    story_vector,
    thread_id,
    thread_name,
)

IMPEACHMENT = ("allsides-test-0192", "allsides-train-2165")
"""The Senate trial's rules (21-22 January 2020) and the Chief Justice's rebuke (22 January)."""
OTHER = "allsides-train-1251"
"""Twitter fact-checks Trump (26 May 2020): four months later, another topic."""
EXECUTION = "allsides-train-2401"
"""The first federal execution in 17 years (14 July 2020)."""


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_headline_names_are_capitalised_words_headline_style_does_not_explain() -> None:
    names = headline_names(
        ["Senate Adopts Rules For Impeachment Trial On Tuesday", "NATO and Kyiv"]
    )
    assert names == {"senate", "adopts", "rules", "impeachment", "trial", "nato", "kyiv"}


def test_a_story_joins_the_thread_of_a_similar_story_of_the_days_before() -> None:
    params = ThreadParams(threshold=0.5, strong=0.99, window_days=3)
    threader = Threader(params)
    talks = frozenset({"ukraine", "kremlin"})
    first = threader.assign("s-1", 100, unit(1, 0, 0), talks)
    assert first == thread_id("s-1")
    assert threader.assign("s-2", 102, unit(1, 0.5, 0), talks) == first  # close, a name shared
    assert threader.assign("s-3", 104, unit(1, 1.5, 0), frozenset({"kyiv"})) != first  # no name
    assert threader.assign("s-4", 110, unit(1, 0.4, 0), talks) != first  # a week after the last
    assert threader.assign("s-5", 104, unit(0, 0, 1), talks) != first  # another topic
    assert threader.assign("s-2", 200, unit(0, 1, 0), frozenset()) == first  # keeps its thread


def test_a_thread_is_named_by_the_names_its_stories_share_or_its_first_headline() -> None:
    names = [frozenset({"ukraine", "kremlin", "nato"}), frozenset({"ukraine", "kremlin"})]
    titles = ["Ukraine Talks At The Kremlin", "Kremlin Says Ukraine Deal Near"]
    assert thread_name(names, titles) == "Ukraine, Kremlin"
    assert thread_name([frozenset({"trump"}), frozenset({"trump"})], titles) == titles[0]
    assert story_vector([unit(1, 0), unit(0, 1)]).tolist() == pytest.approx([0.7071, 0.7071], 1e-3)


@pytest.fixture(scope="module")
def threaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Three sample events, run through the whole pipeline and published."""
    folder = tmp_path_factory.mktemp("threads")
    records = [json.loads(line) for line in Path(str(SAMPLE_DUMP)).read_text().splitlines()]
    chosen = [r for r in records if r["cluster_id"] in (*IMPEACHMENT, OTHER)]
    dump = folder / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    config = load_config(database=folder / "news.db", site_dir=folder / "site", dumps=(dump,))
    run(config)
    return folder / "news.db", folder / "site"


def test_the_impeachment_stories_share_a_thread_and_the_other_stands_alone(
    threaded: tuple[Path, Path],
) -> None:
    database, _ = threaded
    store = open_store(database)
    try:
        placed = store.stories_of(
            ["baly-kinSaGWzUJcZ72GD", "baly-6PXYeRYcwY28Jbe1", "baly-3HrBQUB3MJUGOkCf"]
        )
        trial, rebuke, other = (
            store.thread_of(placed[a])
            for a in ("baly-kinSaGWzUJcZ72GD", "baly-6PXYeRYcwY28Jbe1", "baly-3HrBQUB3MJUGOkCf")
        )
        assert trial is not None and rebuke is not None and other is not None
        assert trial.id == rebuke.id != other.id
        assert trial.story_ids == (placed["baly-kinSaGWzUJcZ72GD"], placed["baly-6PXYeRYcwY28Jbe1"])
        assert (trial.first_seen, trial.last_seen) == ("2020-01-21", "2020-01-22")
        assert trial.id == thread_id(placed["baly-kinSaGWzUJcZ72GD"])  # its first story's
    finally:
        store.close()
    listed = CliRunner().invoke(cli, ["stories", "--threads", "--database", str(database)])
    assert listed.exit_code == 0, listed.output
    assert trial.id in listed.output and other.id not in listed.output
    shown = CliRunner().invoke(cli, ["stories", "--threads", trial.id, "--database", str(database)])
    assert shown.exit_code == 0 and "2020-01-21" in shown.output and "2020-01-22" in shown.output
    missing = CliRunner().invoke(cli, ["stories", "--threads", "t-0", "--database", str(database)])
    assert missing.exit_code == 2 and "no thread 't-0'" in missing.output


def test_the_site_shows_a_thread_page_and_links_each_story_to_it(
    threaded: tuple[Path, Path],
) -> None:
    database, site = threaded
    store = open_store(database)
    try:
        (thread,) = [t for t in store.threads() if len(t.story_ids) > 1]
    finally:
        store.close()
    page = (site / "threads" / f"{thread.id}.html").read_text(encoding="utf-8")
    assert page.count("<time") == 2 and "22 January 2020" in page
    assert page.count('<a href="../stories/') == 2
    linked = [
        p for p in (site / "stories").glob("*.html") if f"threads/{thread.id}.html" in p.read_text()
    ]
    assert len(linked) == 2
    documents = [json.loads(p.read_text()) for p in (site / "api" / "stories").glob("*.json")]
    threads = [d["thread"] for d in documents if d["thread"] is not None]
    assert len(threads) == 2 and {t["id"] for t in threads} == {thread.id}
    assert all(t["url"].endswith(f"threads/{thread.id}.html") for t in threads)


def test_a_storys_thread_vector_leaves_out_articles_in_other_languages(
    tmp_path: Path, sample_records: list[dict[str, object]]
) -> None:
    """MiniLM reads English: a report in Russian that joined a story on its names and
    figures does not move the vector the story's thread is found by."""
    english = [r for r in sample_records if r["cluster_id"] == EXECUTION]
    dump = tmp_path / "day.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in english), encoding="utf-8")
    config = load_config(database=tmp_path / "news.db", dumps=(dump,))
    store = open_store(config.store.database)
    try:
        Engine(store, config).run([IngestStage([dump]), StoriesStage()])
        (story,) = store.stories()
        russian = Article(
            "ru-execution",
            "https://vesti-sibiri.test/2020/07/14/federalnaya-kazn",
            "Вести Сибири",
            "В США впервые за 17 лет казнили федерального заключенного",
            "Во вторник в федеральной тюрьме в Терре-Хот, штат Индиана, казнен Дэниел Льюис Ли."
            " Это первая федеральная казнь в США за 17 лет.",
            "2020-07-14",
            lang="ru",
        )
        store.add_article(russian, None)
        store.place(Placement(russian, story.id, "2020-07-14"), None)
        grown = store.story(story.id)
        assert grown is not None and russian.id in grown.article_ids
        stage, embedder = StoriesStage(), shared_embedder()
        members = store.articles(grown.article_ids)
        features = stage._features(store, members, embedder, False)
        vector, _, _ = stage._profile(store, grown, embedder, False, Reader(store, "en"))
        own = story_vector([features[a.id].lead for a in members if a.id != russian.id])
        every = story_vector([features[a.id].lead for a in members])
        assert np.allclose(vector, own)
        assert not np.allclose(vector, every)
    finally:
        store.close()
