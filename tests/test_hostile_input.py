"""No input can stop a later stage: the worst strings imported as an article's title and
text reach the published site and feed.atom as valid XML, and no stored date can wedge
the stories stage or settle every open story."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from newsdesk.config import Config, PublishSettings
from newsdesk.engine import Engine
from newsdesk.ingest import IngestStage, import_dump
from newsdesk.publish import PublishStage
from newsdesk.records import Article, Draft, GateRecord, Sentence, SourceRef, Verdict
from newsdesk.store import SQLiteStore, open_store
from newsdesk.stories import StoriesStage
from published_store import cite
from test_sanitise import xml_safe

WORST = "\udfff\ud800\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\ufffe\uffff\ufeff\u202e\u2066\u200f"
"""Lone surrogates, NUL and other C0 and C1 controls, noncharacters, a BOM, bidi controls."""
STORY = "s-0000000000aa"
ATOM = "{http://www.w3.org/2005/Atom}"


def hostile(article_id: str, outlet: str) -> dict[str, object]:
    return {
        "id": article_id,
        "url": f"https://{outlet.lower()}.example/{article_id}",
        "outlet": f"{outlet}{WORST}",
        "published": "2024-03-05",
        "title": f"Council{WORST} approves \u202ebudget\u202c{WORST}",
        "text": (
            f"The city council{WORST} approved a $5m budget on Monday.{WORST}\n\n"
            f"Residents{WORST} packed the hall\x00 to hear the vote."
        ),
        "authors": [f"A. Writer{WORST}"],
    }


def write_dump(path: Path, records: list[dict[str, object]]) -> Path:
    """JSON escapes the surrogates; the file itself is plain ASCII."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_the_worst_strings_publish_as_valid_xml(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    dump = write_dump(tmp_path / "d.jsonl", [hostile("h1", "Times")])
    assert import_dump(store, dump).added == 1
    raw = Article(  # a page or a feed entry that never met the door: the store cleans it
        "h2",
        "https://post.example/h2",
        f"Post{WORST}",
        f"Residents{WORST} react",
        f"Residents{WORST} packed the hall on Monday evening.\x00",
        "2024-03-05",
    )
    store.add_article(raw, None)
    first, second = store.articles(["h1", "h2"])
    for article in (first, second):
        assert xml_safe(article.title + article.text + article.outlet)
        store.assign(article, STORY, None)
    body = first.text.split("\n")[0]
    assert body.startswith("The city council\ufffd\ufffd")
    sentences = (
        Sentence("headline", first.title, (cite(first, first.title, "title"),)),
        Sentence("body", body, (cite(first, body),)),
        Sentence("body", second.text, (cite(second, second.text),), paragraph=1),
    )
    sources = tuple(SourceRef(a.id, a.outlet, a.title, a.url, a.published) for a in (first, second))
    draft = Draft(STORY, "hash", "Politics", "2024-03-05", sentences, sources)
    verdicts = [Verdict(n, "supported", checks=("support",)) for n in range(len(sentences))]
    store.save_gated(draft, verdicts, GateRecord(STORY, "extractive", 1, 3, 3))
    settings = PublishSettings(
        tmp_path / "site", site_title="Desk", base_url="https://news.test", min_outlets=1
    )
    config = Config(publish=settings)
    run = Engine(store, config).run([PublishStage()])
    assert run.status == "finished"
    feed = ET.parse(settings.site_dir / "feed.atom").getroot()  # strict: raises on bad XML
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == first.title
    assert first.title == "Council\ufffd\ufffd    approves budget\ufffd\ufffd"
    for path in settings.site_dir.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".atom", ".json", ".xml"):
            text = path.read_text("utf-8")
            assert xml_safe(text), path
            assert "\u202e" not in text and "\u2066" not in text, path
    store.close()


def test_no_stored_date_can_wedge_the_stories_stage(
    config: Config, sample_records: list[dict[str, object]], tmp_path: Path
) -> None:
    """Dates stored before they were checked at the door: year 1 once made the stage raise
    on every run, year 9999 settled every open story."""
    event = sample_records[:3]
    dump = write_dump(tmp_path / "d.jsonl", [{**r, "published": None} for r in event])
    store = open_store(config.store.database)
    Engine(store, config).run([IngestStage([dump])])
    for number, day in enumerate(("0001-01-01", "9999-12-31", "2024-13-45", "someday")):
        record = sample_records[10 + number]
        stored = Article(
            f"old{number}",
            str(record["url"]),
            str(record["outlet"]),
            str(record["title"]),
            str(record["text"]),
            day,
        )
        store.add_article(stored, None)
    run = Engine(store, config).run([StoriesStage()])
    (stage,) = run.stages
    today = run.started[:10]
    assert run.status == "finished"
    assert stage.items_in == 7
    impossible = [e for e in stage.errors if "is impossible" in e]
    assert len(impossible) == 4 and all(e.endswith("placed undated") for e in impossible)
    days = {}
    for story in store.stories():
        days.update(store.story_days(story.id))
        if any(article.startswith("old") for article in story.article_ids):
            assert story.status == "developing"  # 9999-12-31 settled every story once
    assert len(days) == 7 and today not in days.values()  # never the day it was read
    assert all(days[f"old{number}"] is None for number in range(4))
    again = Engine(store, config).run([StoriesStage()])
    assert again.status == "finished" and again.stages[0].items_in == 0
    store.close()
