"""The site's JSON API: every story as data, valid against the shipped JSON Schemas."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import published_store
from newsdesk.config import PublishSettings
from newsdesk.publish import build_site
from newsdesk.publish.json_api import story_path
from newsdesk.publish.model import Line, PublishedStory
from newsdesk.records import Correction
from newsdesk.store import SQLiteStore
from published_store import BUDGET, REACTION, SCRIPT, STORY, UNSUPPORTED, fill

SCHEMAS = Path(__file__).resolve().parents[1] / "src" / "newsdesk" / "publish" / "schemas"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    db = SQLiteStore(tmp_path / "db.sqlite")
    fill(db)
    settings = PublishSettings(
        tmp_path / "site", site_title="Test Desk", base_url="https://news.test", min_outlets=1
    )
    build_site(db, settings)
    db.close()
    yield settings.site_dir


def load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = load(SCHEMAS / name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_index_and_story_documents_follow_the_schemas(site: Path) -> None:
    index = load(site / "api" / "stories.json")
    validator("stories.schema.json").validate(index)
    assert [entry["id"] for entry in index["stories"]] == [STORY]
    story_schema = validator("story.schema.json")
    for entry in index["stories"]:
        relative = entry["json"].removeprefix("https://news.test/")
        story_schema.validate(load(site / relative))


def test_the_schemas_ship_with_the_site(site: Path) -> None:
    for name in ("story.schema.json", "stories.schema.json"):
        assert load(site / "api" / name) == load(SCHEMAS / name)


def test_the_schema_rejects_what_the_api_must_never_say(site: Path) -> None:
    """The schema is strict enough to catch a broken document, not only to bless one."""
    document = load(site / "api" / "stories" / f"{STORY}.json")
    schema = validator("story.schema.json")
    broken = [
        {**document, "headline": {**document["headline"], "verdict": "unsupported"}},
        {**document, "sources": []},
        {**document, "date": 20240305},
        {k: v for k, v in document.items() if k != "checking"},
    ]
    for bad in broken:
        with pytest.raises(jsonschema.ValidationError):
            schema.validate(bad)


def test_story_document_carries_sentences_citations_and_checks(site: Path) -> None:
    document = load(site / "api" / "stories" / f"{STORY}.json")
    assert document["url"].startswith("https://news.test/stories/")
    assert document["headline"]["text"] == "Council approves $5m budget"
    assert document["headline"]["checks"] == ["support", "number"]
    assert (document["section"], document["date"], document["outlets"]) == (
        "Politics",
        "2024-03-05",
        2,
    )
    sentences = [s for paragraph in document["paragraphs"] for s in paragraph]
    texts = [s["text"] for s in sentences]
    assert "The city council approved a $5m budget on Monday." in texts
    assert UNSUPPORTED not in texts
    articles = {BUDGET.id: BUDGET, REACTION.id: REACTION}
    for sentence in [document["headline"], document["dek"], *sentences]:
        assert sentence["citations"]
        for citation in sentence["citations"]:
            article = articles[citation["source_id"]]
            field = article.title if citation["field"] == "title" else article.text
            assert citation["quote"] == field[citation["start"] : citation["end"]]
            assert citation["url"] == article.url
            source = document["sources"][citation["source"] - 1]
            assert source["id"] == citation["source_id"]
    (quote,) = document["quotes"]
    assert (quote["speaker"], quote["url"]) == ("Mayor Jane Roe", BUDGET.url)
    domains = {s["outlet"]: s["domain"] for s in document["sources"]}
    assert domains == {"Example Times": "example.com", "Example Post": "news.example.org"}
    checking = document["checking"]
    assert (checking["sentences_checked"], checking["sentences_left_out"]) == (8, 2)
    assert {d["check"] for d in checking["left_out"]} == {"support", "number"}


def test_a_source_shows_the_time_and_offset_its_source_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``published`` is the day; ``published_at`` the time, where the source gave one. The
    page lists the day only."""
    timed = replace(BUDGET, published_at="2024-03-05T21:15:00-05:00")
    monkeypatch.setattr(published_store, "BUDGET", timed)
    db = SQLiteStore(tmp_path / "db.sqlite")
    fill(db)
    settings = PublishSettings(tmp_path / "site", base_url="https://news.test", min_outlets=1)
    build_site(db, settings)
    db.close()
    document = load(settings.site_dir / "api" / "stories" / f"{STORY}.json")
    validator("story.schema.json").validate(document)
    assert {s["id"]: (s["published"], s["published_at"]) for s in document["sources"]} == {
        BUDGET.id: ("2024-03-05", "2024-03-05T21:15:00-05:00"),
        REACTION.id: ("2024-03-05", None),
    }
    page = next((settings.site_dir / "stories").glob("*.html")).read_text("utf-8")
    assert '<time datetime="2024-03-05">5 March 2024</time>' in page
    assert "21:15" not in page


def test_source_markup_is_inert_in_json(site: Path) -> None:
    raw = (site / "api" / "stories" / f"{STORY}.json").read_text("utf-8")
    assert "<script>" not in raw and "\\u003cscript\\u003e" in raw
    texts = [s["text"] for p in json.loads(raw)["paragraphs"] for s in p]
    assert any(SCRIPT in text for text in texts)


def test_unsafe_story_ids_get_a_file_name_of_their_own() -> None:
    def story(story_id: str) -> PublishedStory:
        return PublishedStory(
            story_id, "slug", "World", "world", None, Line("x", ()), None, (), (), ()
        )

    assert story_path(story("s-0123456789ab")) == "api/stories/s-0123456789ab.json"
    for odd in ("../../etc/passwd", "a/b", "..", ""):
        path = story_path(story(odd))
        assert path.startswith("api/stories/story-") and ".." not in path.removeprefix("api/")


WRONG = "The budget was <b>$9m</b>."
RIGHT = "The city council approved a $5m budget on Monday."


def test_corrections_are_in_both_documents_and_follow_the_schemas(tmp_path: Path) -> None:
    """Every story carries ``corrections`` (empty when none); a correction names its day,
    time, what was wrong, what is right and its source, numbered as in ``sources``."""
    db = SQLiteStore(tmp_path / "db.sqlite")
    fill(db)
    settings = PublishSettings(tmp_path / "site", base_url="https://news.test", min_outlets=1)
    build_site(db, settings)
    api = settings.site_dir / "api"
    before = load(api / "stories" / f"{STORY}.json")
    assert (
        before["corrections"] == []
        and load(api / "stories.json")["stories"][0]["corrections"] == []
    )
    first = db.save_correction(
        Correction(STORY, WRONG, RIGHT, BUDGET.id, "eve", "2024-03-07T09:30:00+00:00")
    )
    second = db.save_correction(
        Correction(
            STORY, "Nobody came.", "Residents came.", "gone", "eve", "2024-03-08T10:00:00+00:00"
        )
    )
    build_site(db, settings)
    db.close()
    document = load(api / "stories" / f"{STORY}.json")
    index = load(api / "stories.json")
    validator("story.schema.json").validate(document)
    validator("stories.schema.json").validate(index)
    expected = [
        {
            "id": first.id,
            "date": "2024-03-07",
            "at": "2024-03-07T09:30:00+00:00",
            "wrong": WRONG,
            "right": RIGHT,
            "source": {"id": BUDGET.id, "number": 1, "outlet": BUDGET.outlet, "url": BUDGET.url},
        },
        {  # a source that is not stored is named by its id, and not numbered
            "id": second.id,
            "date": "2024-03-08",
            "at": "2024-03-08T10:00:00+00:00",
            "wrong": "Nobody came.",
            "right": "Residents came.",
            "source": {"id": "gone", "number": None, "outlet": "gone", "url": None},
        },
    ]
    assert document["corrections"] == expected
    assert index["stories"][0]["corrections"] == expected
    raw = (api / "stories" / f"{STORY}.json").read_text("utf-8")
    assert "<b>" not in raw and "\\u003cb\\u003e$9m" in raw
    schema = validator("story.schema.json")
    broken = [
        {**expected[0], "right": ""},
        {**expected[0], "date": "7 March 2024"},
        {k: v for k, v in expected[0].items() if k != "source"},
        {**expected[0], "source": {"outlet": BUDGET.outlet}},
    ]
    for bad in broken:
        with pytest.raises(jsonschema.ValidationError):
            schema.validate({**document, "corrections": [bad]})
