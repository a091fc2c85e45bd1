"""The publish stage: only verified sentences reach readers, escaped, and re-runs write nothing."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

import pytest

from newsdesk.config import Config, PublishSettings
from newsdesk.engine import Context
from newsdesk.publish import PublishStage, build_site
from newsdesk.publish.model import slugify, story_slug
from newsdesk.records import Article, Citation, Draft, Run, Sentence, SourceRef, Verdict
from newsdesk.store import SQLiteStore

ATOM = "{http://www.w3.org/2005/Atom}"
STORY = "s-0123456789ab"
BLOCKED = "s-ba9876543210"
UNSUPPORTED = "The council also abolished all parking fees forever."
SCRIPT = "<script>alert(1)</script>"

BUDGET = Article(
    id="a1",
    url="https://example.com/news/budget?ref=a&b=1",
    outlet="Example Times",
    title="Council approves $5m budget",
    text=(
        "The city council approved a $5m budget on Monday. "
        f"Residents found {SCRIPT} in the published minutes. "
        '"We kept every promise," Mayor Jane Roe said.'
    ),
    published="2024-03-05",
)
REACTION = Article(
    id="a2",
    url="https://news.example.org/reaction",
    outlet="Example Post",
    title="Residents react to the budget",
    text="Residents packed the hall to hear the vote on Monday evening.",
    published="2024-03-05",
)
OTHER = Article(
    id="a3",
    url="https://example.net/other",
    outlet="Example Net",
    title="Unrelated story",
    text="Something else happened somewhere else entirely.",
    published="2024-03-06",
)


def cite(article: Article, needle: str, field: Literal["text", "title"] = "text") -> Citation:
    """A citation of the exact span ``needle`` of ``article``'s ``field``."""
    start = getattr(article, field).index(needle)
    return Citation(article.id, start, start + len(needle), field)


def budget_draft() -> Draft:
    sentences = (
        Sentence("headline", "Council approves $5m budget", (cite(BUDGET, "$5m budget", "title"),)),
        Sentence("dek", "Residents packed the hall for the vote.", (cite(REACTION, "packed"),)),
        Sentence(
            "body",
            "The city council approved a $5m budget on Monday.",
            (cite(BUDGET, "The city council approved a $5m budget on Monday."),),
        ),
        Sentence("body", f"Residents found {SCRIPT} in the minutes.", (cite(BUDGET, SCRIPT),)),
        Sentence("body", UNSUPPORTED, (cite(REACTION, "Residents"),), paragraph=1),
        Sentence(
            "body",
            "Residents packed the hall on Monday evening.",
            (cite(REACTION, "packed the hall"),),
            paragraph=1,
        ),
        Sentence(
            "quote",
            '"We kept every promise."',
            (cite(BUDGET, "We kept every promise"),),
            speaker="Mayor Jane Roe",
            outlet="Example Times",
        ),
    )
    sources = tuple(
        SourceRef(a.id, a.outlet, a.title, a.url, a.published) for a in (BUDGET, REACTION)
    )
    return Draft(STORY, "hash", "Politics", "2024-03-05", sentences, sources)


def blocked_draft() -> Draft:
    sentences = (
        Sentence("headline", "Something unverified happened", (cite(OTHER, "Unrelated", "title"),)),
        Sentence("body", "Something else happened somewhere else.", (cite(OTHER, "Something"),)),
    )
    return Draft(BLOCKED, "hash", "World", "2024-03-06", sentences, ())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A real store holding one publishable story and one whose headline failed verify."""
    db = SQLiteStore(tmp_path / "db.sqlite")
    for article, story_id in ((BUDGET, STORY), (REACTION, STORY), (OTHER, BLOCKED)):
        db.add_article(article, None)
        db.assign(article, story_id, None)
    draft = budget_draft()
    db.save_draft(draft)
    db.save_verdicts(
        draft,
        [
            Verdict(n, "unsupported" if s.text == UNSUPPORTED else "supported")
            for n, s in enumerate(draft.sentences)
        ],
    )
    blocked = blocked_draft()
    db.save_draft(blocked)
    db.save_verdicts(blocked, [Verdict(0, "unsupported"), Verdict(1, "supported")])
    yield db
    db.close()


@pytest.fixture
def settings(tmp_path: Path) -> PublishSettings:
    return PublishSettings(
        tmp_path / "site", site_title="Test Desk", base_url="https://news.test", min_outlets=1
    )


class Links(HTMLParser):
    """Collects the attributes of every citation link (``<a data-article-id=...>``)."""

    def __init__(self) -> None:
        super().__init__()
        self.citations: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and "data-article-id" in found:
            self.citations.append(found)


STORY_PATH = f"stories/{story_slug('Council approves $5m budget', STORY)}.html"


def pages(site: Path) -> dict[str, str]:
    """Every file of the site by its relative path."""
    files = (p for p in site.rglob("*") if p.is_file())
    return {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in files}


def story_page(site: Path) -> str:
    return (site / STORY_PATH).read_text("utf-8")


def test_only_supported_sentences_are_published(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    result = build_site(store, settings)
    html = story_page(settings.site_dir)
    for text in (
        "The city council approved a $5m budget on Monday.",
        "Residents packed the hall on Monday evening.",
        "We kept every promise",
        "Mayor Jane Roe",
        "1 min read",
    ):
        assert text in html
    assert result.pages == 1
    assert all(UNSUPPORTED not in text for text in pages(settings.site_dir).values())


def test_blocked_headline_is_not_published(store: SQLiteStore, settings: PublishSettings) -> None:
    build_site(store, settings)
    site = pages(settings.site_dir)
    assert [p for p in site if p.startswith("stories/")] == [STORY_PATH]
    assert all("Something unverified" not in text for text in site.values())
    assert sorted(p for p in site if p.startswith("category/")) == ["category/politics.html"]


def test_citations_link_to_the_cited_span(store: SQLiteStore, settings: PublishSettings) -> None:
    build_site(store, settings)
    parser = Links()
    parser.feed(story_page(settings.site_dir))
    urls = {a.id: a.url for a in store.articles()}
    assert parser.citations
    for link in parser.citations:
        article = store.article(str(link["data-article-id"]))
        assert article is not None and link["href"] == urls[article.id]
        start, end = int(str(link["data-start"])), int(str(link["data-end"]))
        source = article.title if link["title"] == article.title[start:end] else article.text
        assert link["title"] == source[start:end]


def test_source_text_is_escaped(store: SQLiteStore, settings: PublishSettings) -> None:
    build_site(store, settings)
    site = pages(settings.site_dir)
    assert all("<script>alert" not in text for text in site.values())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in story_page(settings.site_dir)


def test_feed_is_well_formed_atom(store: SQLiteStore, settings: PublishSettings) -> None:
    build_site(store, settings)
    feed = ET.parse(settings.site_dir / "feed.atom").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert feed.tag == f"{ATOM}feed" and len(entries) == 1
    assert feed.findtext(f"{ATOM}updated") == "2024-03-05T00:00:00Z"
    assert entries[0].findtext(f"{ATOM}updated") == "2024-03-05T00:00:00Z"
    assert entries[0].findtext(f"{ATOM}id") == f"tag:news.test,2000:newsdesk/story/{STORY}"
    link = entries[0].find(f"{ATOM}link")
    assert link is not None and str(link.get("href")).startswith("https://news.test/stories/")
    content = str(entries[0].findtext(f"{ATOM}content"))  # HTML, once XML is unescaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content and SCRIPT not in content


def test_second_build_writes_nothing(store: SQLiteStore, settings: PublishSettings) -> None:
    first = build_site(store, settings)
    files = sorted(settings.site_dir.rglob("*"))
    mtimes = {p: p.stat().st_mtime_ns for p in files}
    counts = store.counts()
    second = build_site(store, settings)
    assert first.written and not second.written
    assert sorted(second.unchanged) == sorted(first.written)
    assert {p: p.stat().st_mtime_ns for p in sorted(settings.site_dir.rglob("*"))} == mtimes
    assert store.counts() == counts


def test_publications_record_file_hashes(store: SQLiteStore, settings: PublishSettings) -> None:
    build_site(store, settings)
    for path in ("index.html", "feed.atom", "style.css"):
        record = store.publication(path)
        digest = hashlib.sha256((settings.site_dir / path).read_bytes()).hexdigest()
        assert record is not None and record.content_hash == digest


def test_changed_file_on_disk_is_rewritten(store: SQLiteStore, settings: PublishSettings) -> None:
    build_site(store, settings)
    (settings.site_dir / "index.html").write_text("tampered", encoding="utf-8")
    (settings.site_dir / "style.css").unlink()
    result = build_site(store, settings)
    assert sorted(result.written) == ["index.html", "style.css"]
    assert "Council approves" in (settings.site_dir / "index.html").read_text()


def test_stage_reports_files(store: SQLiteStore, settings: PublishSettings) -> None:
    context = Context(store, Config(publish=settings), Run(id=1, started="2024-03-05"))
    first, second = PublishStage().run(context), PublishStage().run(context)
    assert (first.stage, first.items_in, first.skipped) == ("publish", 2, 0)
    assert first.items_out == 5  # index, one story, one category, feed, stylesheet
    assert (second.items_out, second.skipped) == (0, first.items_out)


def test_newest_first_and_one_page_per_category(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    comet = Article(
        "a4", "https://example.com/comet", "Sky Daily", "Comet seen", "A comet was seen."
    )
    store.add_article(comet, None)
    store.assign(comet, "s-c0ffee123456", None)
    sentences = tuple(
        Sentence(kind, "A comet was seen.", (cite(comet, "A comet was seen."),))
        for kind in ("headline", "body")
    )
    source = SourceRef("a4", "Sky Daily", "Comet seen", "https://example.com/comet", None)
    draft = Draft("s-c0ffee123456", "hash", "Science", "2024-03-07", sentences, (source,))
    store.save_draft(draft)
    store.save_verdicts(draft, [Verdict(0, "supported"), Verdict(1, "supported")])
    build_site(store, settings)
    site = pages(settings.site_dir)
    index = site["index.html"]
    assert index.index("A comet was seen.") < index.index("Council approves")
    assert index.index(">Politics</a></li>") < index.index(">Science</a></li>")  # taxonomy order
    assert "Council approves" not in site["category/science.html"]
    assert "A comet was seen." not in site["category/politics.html"]
    feed = ET.parse(settings.site_dir / "feed.atom").getroot()
    assert len(feed.findall(f"{ATOM}entry")) == 2
    assert feed.findtext(f"{ATOM}updated") == "2024-03-07T00:00:00Z"


def test_slugs_are_ascii_bounded_and_stable() -> None:
    headline = "Café owners’ “big” win: " + "word " * 40
    slug = story_slug(headline, STORY)
    assert slug.startswith("cafe-owners-big-win-word") and slug.endswith("-6789ab")
    assert len(slugify(headline)) <= 80 and not slugify(headline).endswith("-")
    assert slug == story_slug(headline, STORY)
    assert story_slug("???", "odd/id") == f"story-{hashlib.sha256(b'odd/id').hexdigest()[:6]}"


def test_single_outlet_story_is_held(store: SQLiteStore, settings: PublishSettings) -> None:
    from dataclasses import replace

    strict = replace(settings, min_outlets=3)
    result = build_site(store, strict)
    assert result.pages == 0
    assert not list((strict.site_dir / "stories").glob("*.html"))
