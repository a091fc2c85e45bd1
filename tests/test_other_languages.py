"""Articles in other languages in the English edition.

One day of the bundled sample (the first federal execution in 17 years, and the
foreign students rule, both 14 July 2020) with reports in French and Russian: one
that shares the execution's names and numbers joins its story; one that shares
nothing is further coverage of the nearest story, never a story of its own; the
writers draft only from English; no headline in another language is published;
the story page lists the further coverage. The French report is the committed
fixture ``tests/fixtures/check/foreign.jsonl``; the others are written here (their
URLs use the reserved ``.test`` domain).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import numpy as np
import pytest

from newsdesk import api
from newsdesk.config import Config, load_config
from newsdesk.engine import Engine
from newsdesk.errors import ConfigError
from newsdesk.ingest import IngestStage, parse_article
from newsdesk.language.crosslingual import name_key, names, transliterate, within_one_edit
from newsdesk.language.detection import other_language
from newsdesk.language.encoder import DIMENSIONS
from newsdesk.publish.model import publishable, withheld_because
from newsdesk.records import Draft, Sentence
from newsdesk.store import Store, open_store
from newsdesk.stories import StoriesStage
from newsdesk.stories import stage as stories_stage
from newsdesk.stories.clusterer import Clusterer, Params
from newsdesk.stories.features import Features
from newsdesk.stories.languages import matches
from newsdesk.stories.terms import TermVector

DAY = "2020-07-14"
EXECUTION = "allsides-train-2401"
STUDENTS = "allsides-test-0304"
FIXTURES = Path(__file__).parent / "fixtures" / "check"
SCHEMAS = Path(__file__).resolve().parents[1] / "src" / "newsdesk" / "publish" / "schemas"

RUSSIAN = {
    "id": "ru-execution",
    "url": "https://vesti-sibiri.test/2020/07/14/federalnaya-kazn",
    "outlet": "Вести Сибири",
    "published": DAY,
    "lang": "ru",
    "title": "В США впервые за 17 лет казнили федерального заключенного",
    "text": (
        "Во вторник в федеральной тюрьме в Терре-Хот, штат Индиана, казнен Дэниел Льюис Ли."
        " Это первая федеральная казнь в США за 17 лет.\n\n"
        "47-летний Ли был осужден за убийство семьи из трех человек в Арканзасе в 1996 году."
        "\n\nВерховный суд США несколькими часами ранее разрешил провести казнь.\n\n"
        "Адвокаты Ли просили отложить казнь из-за пандемии коронавируса."
    ),
}
"""Shares the execution's names (in Cyrillic: "Дэниел" is a letter from "Daniel") and
figures (17 years, 47 years old)."""

UNRELATED = {
    "id": "ru-ice-palace",
    "url": "https://vesti-sibiri.test/2020/07/14/ledovyi-dvorets",
    "outlet": "Вести Сибири",
    "published": DAY,
    "lang": "ru",
    "title": "В Новосибирске открылся новый ледовый дворец",
    "text": (
        "В Новосибирске открылся новый ледовый дворец спорта. Мэр города Анатолий Локоть"
        " назвал его подарком для всех болельщиков.\n\n"
        "Первые матчи на новой арене пройдут уже осенью."
    ),
}
"""Shares no name, figure or link with any story of the day."""

ASIDE = {
    "id": "fr-abolition",
    "url": "https://courrier-du-midi.test/2020/07/14/peine-de-mort-reprise-precipitee",
    "outlet": "Le Courrier du Midi",
    "published": DAY,
    "lang": "fr",
    "title": "Peine de mort : les abolitionnistes dénoncent une reprise précipitée",
    "text": (
        "Les associations opposées à la peine de mort ont dénoncé mardi la reprise des"
        " exécutions fédérales, après celle survenue dans l'Indiana.\n\n"
        "Selon elles, la décision du gouvernement ne tient aucun compte des familles des"
        " victimes."
    ),
}
"""About the execution, but sharing one name with it ("Indiana"): too little to join."""


def french() -> dict[str, Any]:
    """The committed French report of the execution, as a dump record."""
    lines = (FIXTURES / "foreign.jsonl").read_text(encoding="utf-8").splitlines()
    record = dict(json.loads(lines[0]))
    record["published"] = record.pop("date")
    return record


def english_day(sample_records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in sample_records if r.get("published") == DAY]


def write_dump(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def configured(folder: Path, dump: Path, **settings: Any) -> Config:
    return load_config(
        overrides={"ingest.dumps": [str(dump)], **settings},
        database=folder / "newsdesk.db",
        site_dir=folder / "site",
    )


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, sample_records: list[dict[str, Any]]
) -> tuple[Config, Store]:
    """The whole pipeline, once, over the day's English reports and the four others."""
    folder = tmp_path_factory.mktemp("other-languages")
    records = [*english_day(sample_records), french(), RUSSIAN, UNRELATED, ASIDE]
    config = configured(folder, write_dump(folder / "day.jsonl", records))
    api.run(config)
    store = open_store(config.store.database)
    yield config, store
    store.close()


def story_of_event(store: Store, event: str, sample_records: list[dict[str, Any]]) -> str:
    ids = [r["id"] for r in english_day(sample_records) if r["cluster_id"] == event]
    found = set(store.stories_of(ids).values())
    assert len(found) == 1, found
    return found.pop()


def execution_draft(store: Store, sample_records: list[dict[str, Any]]) -> tuple[str, Draft]:
    """The execution story's id and its stored draft."""
    execution = story_of_event(store, EXECUTION, sample_records)
    draft = store.draft(execution)
    assert draft is not None
    return execution, draft


def test_a_report_that_shares_names_and_numbers_joins_the_story(
    built: tuple[Config, Store], sample_records: list[dict[str, Any]]
) -> None:
    _, store = built
    execution = story_of_event(store, EXECUTION, sample_records)
    assert store.stories_of(["fr-1", RUSSIAN["id"]]) == {
        "fr-1": execution,
        RUSSIAN["id"]: execution,
    }
    assert story_of_event(store, STUDENTS, sample_records) != execution


def test_a_report_that_shares_nothing_is_further_coverage_never_a_story(
    built: tuple[Config, Store], sample_records: list[dict[str, Any]]
) -> None:
    config, store = built
    aside = [UNRELATED["id"], ASIDE["id"]]
    assert store.stories_of(aside) == {}
    assert not any(set(s.article_ids) <= {"fr-1", RUSSIAN["id"], *aside} for s in store.stories())
    coverage = {
        c.article_id: (story.id, c.language)
        for story in store.stories()
        for c in store.further_coverage(story.id)
    }
    execution = story_of_event(store, EXECUTION, sample_records)
    assert coverage[ASIDE["id"]] == (execution, "fr")  # it shares "Indiana" with it
    assert coverage[UNRELATED["id"]][1] == "ru"  # nearest by the clusterer's score
    assert coverage[UNRELATED["id"]][0] in {s.id for s in store.stories()}
    assert [a.id for a in store.unassigned_articles()] == []
    again = Engine(store, config).run([StoriesStage()])
    assert again.stages[0].items_in == 0


def test_the_writers_draft_only_from_english(
    built: tuple[Config, Store], sample_records: list[dict[str, Any]]
) -> None:
    _, store = built
    _, draft = execution_draft(store, sample_records)
    cited = {c.article_id for s in draft.sentences for c in s.citations}
    listed = {source.article_id for source in draft.sources}
    assert not (cited | listed) & {"fr-1", RUSSIAN["id"]}
    assert all(other_language(s.text) is None for s in draft.sentences)


def test_no_published_headline_is_in_another_language(built: tuple[Config, Store]) -> None:
    config, _ = built
    index = json.loads((config.publish.site_dir / "api" / "stories.json").read_text("utf-8"))
    assert index["stories"]
    for entry in index["stories"]:
        assert other_language(entry["headline"]) is None, entry["headline"]
    pages = sorted((config.publish.site_dir / "stories").glob("*.html"))
    headlines = [re.search(r"<h1>(.*?)</h1>", p.read_text("utf-8")) for p in pages]
    assert pages and all(h is not None and other_language(h.group(1)) is None for h in headlines)
    # the Russian report's words reach a page only as a listed title, never as its text
    assert not any("казнен Дэниел" in p.read_text("utf-8") for p in pages)


def test_a_draft_headlined_in_another_language_is_withheld_with_a_reason(
    built: tuple[Config, Store], sample_records: list[dict[str, Any]]
) -> None:
    _, store = built
    execution, draft = execution_draft(store, sample_records)
    verdicts = store.verdicts(execution)
    assert withheld_because(draft, verdicts, 1) is None
    headline = next(n for n, s in enumerate(draft.sentences) if s.kind == "headline")
    sentences = list(draft.sentences)
    sentences[headline] = replace(
        sentences[headline], text="Première exécution fédérale aux États-Unis depuis 17 ans"
    )
    french_headline = replace(draft, sentences=tuple(sentences))
    reason = withheld_because(french_headline, verdicts, 1)
    assert reason == "its headline is in French, not the edition's English"
    # in a French edition that headline is the edition's own, and the English body is not
    assert withheld_because(french_headline, verdicts, 1, language="fr") == (
        "every body sentence that passed the checker is in another language than French"
    )


def test_a_body_sentence_in_another_language_is_left_out(
    built: tuple[Config, Store], sample_records: list[dict[str, Any]]
) -> None:
    _, store = built
    _, draft = execution_draft(store, sample_records)
    shown = publishable(store, draft, 1)
    assert shown is not None
    body = next(n for n, s in enumerate(draft.sentences) if s.kind == "body")
    russian = "Во вторник в федеральной тюрьме в Терре-Хот, штат Индиана, казнен Дэниел Льюис Ли."
    sentences: list[Sentence] = list(draft.sentences)
    sentences[body] = replace(sentences[body], text=russian)
    mixed = publishable(store, replace(draft, sentences=tuple(sentences)), 1)
    assert mixed is not None
    assert russian not in {line.text for line in mixed.lines}
    assert len(mixed.lines) == len(shown.lines) - 1


def test_the_story_page_lists_further_coverage(
    built: tuple[Config, Store], sample_records: list[dict[str, Any]]
) -> None:
    config, store = built
    execution = story_of_event(store, EXECUTION, sample_records)
    index = json.loads((config.publish.site_dir / "api" / "stories.json").read_text("utf-8"))
    entry = next(e for e in index["stories"] if e["id"] == execution)
    document = json.loads(
        (config.publish.site_dir / entry["json"].split("/", 3)[-1]).read_text("utf-8")
    )
    schema = json.loads((SCHEMAS / "story.schema.json").read_text("utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(document)
    listed = {(f["outlet"], f["language_name"], f["title"]) for f in document["further_coverage"]}
    assert listed == {
        ("Le Courrier du Midi", "French", french()["title"]),  # joined: evidence, not a source
        ("Le Courrier du Midi", "French", ASIDE["title"]),  # set aside as further coverage
        ("Вести Сибири", "Russian", RUSSIAN["title"]),
    }
    page = (config.publish.site_dir / entry["url"].split("/", 3)[-1]).read_text("utf-8")
    assert "Further coverage in other languages" in page
    assert f'<a href="{ASIDE["url"]}" hreflang="fr" lang="fr">{ASIDE["title"]}</a>' in page
    assert 'Le Courrier du Midi</span> <span class="language" title="fr">French' in page


def test_publish_language_is_read(tmp_path: Path) -> None:
    assert load_config().publish.language == "en"
    settings = tmp_path / "newsdesk.toml"
    settings.write_text('[publish]\nlanguage = "fr"\n', encoding="utf-8")
    assert load_config(settings).publish.language == "fr"
    settings.write_text('[publish]\nlanguage = "French"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[publish\] 'language'"):
        load_config(settings)


def test_the_stories_stage_takes_the_edition_language_from_the_settings(tmp_path: Path) -> None:
    """The French and the Russian report alone: in an English edition neither has a story
    to join; in a French one the French report is a story and the Russian one joins it."""
    dump = write_dump(tmp_path / "foreign.jsonl", [french(), RUSSIAN])
    for language, expected in (("en", 0), ("fr", 1)):
        config = configured(tmp_path / language, dump, **{"publish.language": language})
        store = open_store(config.store.database)
        Engine(store, config).run([IngestStage(config.dumps), StoriesStage()])
        stories = store.stories()
        assert len(stories) == expected
        if language == "en":
            assert set(store.skipped_articles()) == {"fr-1", RUSSIAN["id"]}
        else:
            assert sorted(stories[0].article_ids) == sorted(["fr-1", RUSSIAN["id"]])
        store.close()


class Watching(Clusterer):
    """A clusterer that notes which articles it holds whenever it places one."""

    held: ClassVar[set[str]] = set()

    def assign(self, *args: Any, **kwargs: Any) -> Any:
        Watching.held |= set(self.story_of)
        return super().assign(*args, **kwargs)


def test_a_run_split_by_day_ends_as_one_run(
    tmp_path: Path, sample_records: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles in another language that joined a story stay out of the clusterer's
    similarities when a later run loads the story again, as in the run that placed them."""
    before = [r for r in sample_records if "2020-07-05" <= (r.get("published") or "") < DAY]
    first = [*before, *english_day(sample_records), french(), RUSSIAN, UNRELATED]
    follow_up = {
        "id": "en-purkey",
        "url": "https://example-wire.test/2020/07/15/purkey",
        "outlet": "Example Wire",
        "published": "2020-07-15",
        "lang": "en",
        "title": "Second federal execution in a week set for Terre Haute",
        "text": (
            "The Justice Department said Wesley Ira Purkey would be executed at the federal"
            " prison in Terre Haute, Indiana, days after Daniel Lewis Lee became the first"
            " federal inmate put to death in 17 years."
        ),
    }
    together = configured(tmp_path / "one", write_dump(tmp_path / "all.jsonl", [*first, follow_up]))
    store = open_store(together.store.database)
    Engine(store, together).run([IngestStage(together.dumps), StoriesStage()])
    one = {s.id: sorted(s.article_ids) for s in store.stories()}
    store.close()
    split = configured(tmp_path / "two", write_dump(tmp_path / "first.jsonl", first))
    store = open_store(split.store.database)
    Engine(store, split).run([IngestStage(split.dumps), StoriesStage()])
    second = write_dump(tmp_path / "second.jsonl", [follow_up])
    monkeypatch.setattr(stories_stage, "Clusterer", Watching)
    Engine(store, split).run([IngestStage((second,)), StoriesStage()])
    assert {s.id: sorted(s.article_ids) for s in store.stories()} == one
    joined = store.story(store.stories_of(["fr-1"])["fr-1"])
    assert joined is not None and "fr-1" in joined.article_ids
    assert Watching.held and not Watching.held & {"fr-1", RUSSIAN["id"]}
    store.close()


def test_matches_reads_names_across_scripts(sample_records: list[dict[str, Any]]) -> None:
    members = [
        parse_article(r) for r in english_day(sample_records) if r["cluster_id"] == EXECUTION
    ]
    assert matches(parse_article(RUSSIAN), members)
    assert matches(parse_article(french()), members)
    assert not matches(parse_article(UNRELATED), members)
    assert not matches(parse_article(ASIDE), members)
    assert within_one_edit(name_key("Уиткофф"), name_key("Witkoff"))
    assert name_key("Зеленский") == name_key("Zelensky") == name_key("Zelenski")
    assert transliterate("Рубио") == "rubio"
    assert "indiana" in names("après celle survenue dans l'Indiana")


def features(article_id: str, axis: int) -> Features:
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    vector[axis] = 1.0
    words = TermVector(np.array([axis], dtype=np.int32), np.array([1.0], dtype=np.float32))
    return Features(article_id, vector, vector, words)


def test_the_clusterer_forgets_articles_it_holds() -> None:
    clusterer = Clusterer(Params())
    clusterer.load("s-1", [(features("a", 0), 10), (features("b", 1), 11)])
    assert [s.id for s in clusterer.open_to(11)] == ["s-1"]
    assert clusterer.open_to(20) == []
    clusterer.forget(["b", "not-held"])
    assert clusterer.stories["s-1"].size == 1 and "b" not in clusterer.story_of
    assert clusterer.stories["s-1"].last == 10
    clusterer.forget(["a"])
    assert not clusterer.stories and not clusterer.story_of
