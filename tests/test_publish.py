"""The publish stage: only verified sentences reach readers, escaped, and re-runs write nothing."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest
from click.testing import Result

from newsdesk.config import Config, PublishSettings
from newsdesk.engine import Context
from newsdesk.publish import PublishStage, build_site
from newsdesk.publish.files import is_stale_temp
from newsdesk.publish.model import page_slugs, withheld_because
from newsdesk.publish.text import slugify, story_slug
from newsdesk.records import (
    Article,
    Draft,
    GateRecord,
    Review,
    Run,
    Sentence,
    SourceRef,
    Verdict,
)
from newsdesk.store import SQLiteStore
from published_store import (
    BLOCKED,
    SCRIPT,
    STORY,
    UNSUPPORTED,
    budget_draft,
    cite,
    fill,
)

ATOM = "{http://www.w3.org/2005/Atom}"
CITE_LINKS = "//sup[@class='cite']/a"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A real store holding one publishable story and one whose headline failed verify."""
    db = SQLiteStore(tmp_path / "db.sqlite")
    fill(db)
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


def test_citations_jump_to_the_cited_passage_shown_under_sources(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    build_site(store, settings)
    page = lxml.html.fromstring(story_page(settings.site_dir))
    links = page.xpath(CITE_LINKS)
    assert len(links) >= 4
    for link in links:
        article = store.article(str(link.get("data-article-id")))
        assert article is not None
        start, end = int(str(link.get("data-start"))), int(str(link.get("data-end")))
        source = article.title if link.get("data-field") == "title" else article.text
        assert link.get("title") == source[start:end]
        href = str(link.get("href"))
        assert href.startswith("#passage-")
        (passage,) = page.xpath(f"//*[@id='{href[1:]}']")
        assert passage.getparent().getparent().get("id") == f"source-{link.text_content()[1:-1]}"
        quoted = passage.xpath(".//blockquote")[0].text_content()
        assert quoted == " ".join(source[start:end].split())
        (original,) = passage.xpath(".//a[@class='original']")
        assert original.get("href") == article.url
        assert article.outlet in passage.text_content()


def test_each_passage_is_shown_once_and_numbered_in_page_order(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    build_site(store, settings)
    page = lxml.html.fromstring(story_page(settings.site_dir))
    anchors = [p.get("id") for p in page.xpath("//li[@class='passage']")]
    assert len(anchors) == len(set(anchors))
    linked = {str(a.get("href"))[1:] for a in page.xpath(CITE_LINKS)}
    assert linked <= set(anchors)
    first = page.xpath("//li[@id='source-1']//li[@class='passage']")
    assert [p.get("id") for p in first] == [f"passage-1-{k}" for k in range(1, len(first) + 1)]


def test_headline_carries_no_citation_marker(store: SQLiteStore, settings: PublishSettings) -> None:
    build_site(store, settings)
    page = lxml.html.fromstring(story_page(settings.site_dir))
    (heading,) = page.xpath("//h1")
    assert heading.text_content() == "Council approves $5m budget"


def test_how_this_was_checked_says_what_was_checked_and_left_out(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    build_site(store, settings)
    page = lxml.html.fromstring(story_page(settings.site_dir))
    (box,) = page.xpath("//aside[@class='checked']")
    text = " ".join(box.text_content().split())
    assert "8 sentences were checked against 2 source articles; 6 are published" in text
    assert "supported by the cited passage (6)" in text and "figures (1)" in text
    assert "quotations (1)" in text and "speakers (1)" in text
    assert "1 sentence not supported by the passage it cited" in text
    assert "1 sentence a figure the sources do not give" in text
    assert UNSUPPORTED not in text and "$9m" not in text


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
    # index, one story, one category, feed, the corrections page and feed, stylesheet; the
    # API index, story and two schemas
    assert first.items_out == 11
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
    strict = replace(settings, min_outlets=3)
    result = build_site(store, strict)
    assert result.pages == 0
    assert not list((strict.site_dir / "stories").glob("*.html"))


# -- a rewritten story with coverage, a timeline, a change log and hostile source text --------

HEARING = "s-feedc0ffee01"
HELD = "s-0000deadbeef"
BOLD = "<b>too weak</b>"
LIQUID = "{{ site.title }}"
MARKDOWN_LINK = "[click](javascript:alert(1))"

LEFT = Article(
    id="b1",
    url="https://left.example/hearing",
    outlet="Left Daily",
    title=f"Senate hearing on water {SCRIPT} & <b>rules</b>",
    text=(
        "The Senate held a hearing on water safety on Tuesday. "
        f"Critics called the rules {BOLD}. "
        "The bill was introduced on 1 March."
    ),
    published="2024-03-05",
    extra={"bias": "left"},
)
RIGHT = Article(
    id="b2",
    url="https://right.example/hearing?id=1&page=2",
    outlet="Right Post",
    title="Water rules hearing",
    text=f"The agency said costs would rise. Readers wrote {LIQUID} and {MARKDOWN_LINK}.",
    published="2024-03-05",
    extra={"lean": "right"},
)
CENTER = Article(
    id="b3",
    url="https://center.example/water",
    outlet="Center Wire",
    title="Regulators questioned",
    text="Senators questioned regulators about water rules. Reporting continued on 6 March.",
    published="2024-03-06",
)
DROPPED = "Right Post said the rules were perfect."


def hearing_draft(
    headline: str = "Senate weighs water rules", date: str = "2024-03-06", version: int = 2
) -> Draft:
    """A rewrite (version 2) with every kind of sentence; one coverage line fails verify."""
    sentences = (
        Sentence("headline", headline, (cite(LEFT, "Senate hearing", "title"),)),
        Sentence("dek", f"Critics called the rules {BOLD}.", (cite(LEFT, BOLD),)),
        Sentence(
            "body",
            "The Senate held a hearing on water safety on Tuesday.",
            (cite(LEFT, "The Senate held a hearing on water safety on Tuesday."),),
        ),
        Sentence(
            "body",
            f"Readers wrote {LIQUID} and {MARKDOWN_LINK}.",
            (cite(RIGHT, LIQUID), cite(RIGHT, MARKDOWN_LINK)),
        ),
        Sentence(
            "quote",
            '"Costs would rise."',
            (cite(RIGHT, "costs would rise"),),
            speaker="The agency",
            outlet="Right Post",
        ),
        Sentence(
            "coverage",
            "Left Daily focused on critics of the rules.",
            (cite(LEFT, "Critics called the rules"),),
            outlet="Left Daily",
        ),
        Sentence("coverage", DROPPED, (cite(RIGHT, "costs"),), outlet="Right Post"),
        Sentence(
            "coverage",
            "Right Post led with the agency's warning on costs.",
            (cite(RIGHT, "The agency said costs would rise."),),
            outlet="Right Post",
        ),
        Sentence(
            "coverage",
            "Center Wire reported the questioning of regulators.",
            (cite(RIGHT, "costs would rise"), cite(CENTER, "Senators questioned regulators")),
            outlet="Center Wire",
        ),
        Sentence(
            "timeline",
            "The Senate held its hearing.",
            (cite(LEFT, "The Senate held a hearing"),),
            date="2024-03-05",
        ),
        Sentence(
            "timeline",
            "The bill was introduced.",
            (cite(LEFT, "The bill was introduced on 1 March."),),
            date="2024-03-01",
        ),
    )
    sources = tuple(
        SourceRef(a.id, a.outlet, a.title, a.url, a.published) for a in (LEFT, RIGHT, CENTER)
    )
    changes = ("Added reporting from Center Wire.",) if version > 1 else ()
    return Draft(
        HEARING, "hash", "Climate", date, sentences, sources, "extractive", version, changes
    )


def held_draft() -> Draft:
    sentences = (
        Sentence("headline", "A held story headline", (cite(CENTER, "Regulators", "title"),)),
        Sentence("body", "Senators questioned regulators.", (cite(CENTER, "Senators"),)),
    )
    source = SourceRef(CENTER.id, CENTER.outlet, CENTER.title, CENTER.url, CENTER.published)
    return Draft(HELD, "hash", "Politics", "2024-03-07", sentences, (source,))


def all_supported_but(draft: Draft, *failed: str) -> list[Verdict]:
    return [
        Verdict(n, "unsupported" if s.text in failed else "supported")
        for n, s in enumerate(draft.sentences)
    ]


def add_hearing(db: SQLiteStore, draft: Draft | None = None) -> Draft:
    """Store the hearing story through the verify gate, and a draft the gate held."""
    for article in (LEFT, RIGHT, CENTER):
        if db.article(article.id) is None:
            db.add_article(article, None)
            db.assign(article, HEARING, None)
    draft = draft or hearing_draft()
    record = GateRecord(HEARING, "extractive", rounds=1, drafted=11, kept=10)
    db.save_gated(draft, all_supported_but(draft, DROPPED), record)
    if db.story(HELD) is None:
        held_source = replace(CENTER, id="c1", url="https://center.example/held")
        db.add_article(held_source, None)
        db.assign(held_source, HELD, None)
    held = held_draft()
    held_record = GateRecord(HELD, "extractive", 2, 5, 2, held=True, note="kept 2 of 5")
    db.save_gated(held, all_supported_but(held), held_record)
    return draft


HEARING_PATH = f"stories/{story_slug(LEFT.title, HEARING)}.html"


def test_coverage_shows_each_outlet_and_its_lean(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    add_hearing(store)
    build_site(store, settings)
    html = (settings.site_dir / HEARING_PATH).read_text("utf-8")
    coverage = html.split('<h2 id="coverage">Where outlets differ</h2>', 1)[1]
    coverage = coverage.split("</section>", 1)[0]
    items = coverage.split("<li>")[1:]
    assert len(items) == 3 and DROPPED not in html
    assert "Left Daily</a> <span class" in items[0] and ">left</span>" in items[0]
    assert ">right</span>" in items[1] and "warning on costs" in items[1]
    assert f'<a href="{CENTER.url}">Center Wire</a>' in items[2]  # its own article, not the first
    assert 'class="lean"' not in items[2]  # Right Post's rating is not Center Wire's


def test_timeline_is_in_date_order_and_needs_several_days(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    draft = add_hearing(store)
    build_site(store, settings)
    html = (settings.site_dir / HEARING_PATH).read_text("utf-8")
    timeline = html.split('<h2 id="timeline">Timeline</h2>', 1)[1].split("</section>", 1)[0]
    assert timeline.index("1 March 2024") < timeline.index("5 March 2024")
    assert timeline.index("The bill was introduced.") < timeline.index("held its hearing")
    one_day = tuple(
        replace(s, date="2024-03-05") if s.kind == "timeline" else s for s in draft.sentences
    )
    store.save_draft(replace(draft, sentences=one_day))
    store.save_verdicts(store.draft(HEARING) or draft, all_supported_but(draft, DROPPED))
    build_site(store, settings)
    html = (settings.site_dir / HEARING_PATH).read_text("utf-8")
    assert 'id="timeline"' not in html and "The bill was introduced." not in html


def test_updated_line_lists_changes_only_for_rewrites(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    add_hearing(store)
    build_site(store, settings)
    html = (settings.site_dir / HEARING_PATH).read_text("utf-8")
    assert "<strong>Updated</strong>" in html and "6 March 2024" in html
    assert "<li>Added reporting from Center Wire.</li>" in html
    assert "Updated" not in story_page(settings.site_dir)  # the budget story is version 1


def test_gate_held_story_is_listed_nowhere(store: SQLiteStore, settings: PublishSettings) -> None:
    add_hearing(store)
    record = store.gate_record(HELD)
    assert record is not None and record.held
    result = build_site(store, settings)
    site = pages(settings.site_dir)
    assert result.pages == 2
    assert sorted(p for p in site if p.startswith("stories/")) == sorted([STORY_PATH, HEARING_PATH])
    assert all("A held story headline" not in text for text in site.values())
    assert store.gate_record(HEARING) is not None  # gated and not held: published


def test_a_story_rejected_after_publication_leaves_a_withdrawal_notice(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    """Its page says the editors withdrew it, when and why, instead of the article; the
    index and feed no longer list it; a story rejected before it was ever published gets
    no page at all; approved again, its article comes back at the same address."""
    add_hearing(store)
    build_site(store, settings)
    assert "Senate weighs" in (settings.site_dir / HEARING_PATH).read_text("utf-8")
    store.save_review(
        Review(HEARING, 1, "rejected", "the hearing was postponed", "eve", "2024-03-09T10:00:00")
    )
    again = build_site(store, settings)
    assert HEARING_PATH in again.written
    notice = (settings.site_dir / HEARING_PATH).read_text("utf-8")
    assert "This article has been withdrawn" in notice
    assert (
        'on <time datetime="2024-03-09">9 March 2024</time>: the hearing was postponed.' in notice
    )
    assert 'content="noindex"' in notice and "Senate weighs" in notice  # named, not told
    assert not lxml.html.fromstring(notice).xpath("//a[@data-article-id]")
    site = pages(settings.site_dir)
    assert HEARING_PATH not in site["index.html"] and HEARING_PATH not in site["feed.atom"]
    assert store.publication(HEARING_PATH) is not None
    assert build_site(store, settings).written == []  # a second run writes nothing
    store.save_review(Review(HELD, 1, "rejected", "one outlet", "eve", "2024-03-09T10:00:00"))
    held_path = f"stories/{page_slugs(store, HELD)[0]}.html"
    assert not any(path == held_path for path in build_site(store, settings).written)
    assert not (settings.site_dir / held_path).exists()  # never published: no notice
    store.save_review(Review(HEARING, 1, "approved", "", "eve", "2024-03-10T10:00:00"))
    build_site(store, settings)
    assert "withdrawn" not in (settings.site_dir / HEARING_PATH).read_text("utf-8")


def test_rewrite_keeps_the_page_url(store: SQLiteStore, settings: PublishSettings) -> None:
    add_hearing(store, hearing_draft(version=1))
    first = build_site(store, settings)
    assert HEARING_PATH in first.written
    rewrite = hearing_draft("Regulators defend water rules at Senate", "2024-03-08", version=2)
    late = replace(CENTER, id="b4", url="https://center.example/late", published="2024-03-08")
    store.add_article(late, None)
    store.assign(late, HEARING, 7)
    add_hearing(store, rewrite)
    second = build_site(store, settings)
    stories = sorted(p for p in pages(settings.site_dir) if p.startswith("stories/"))
    assert stories == sorted([STORY_PATH, HEARING_PATH]) and HEARING_PATH in second.written
    html = (settings.site_dir / HEARING_PATH).read_text("utf-8")
    assert "Regulators defend water rules at Senate" in html and "Senate weighs" not in html
    record = store.publication(HEARING_PATH)
    assert record is not None and record.story_id == HEARING
    feed = ET.parse(settings.site_dir / "feed.atom").getroot()
    links = [str(e.get("href")) for e in feed.iter(f"{ATOM}link")]
    assert f"https://news.test/{HEARING_PATH}" in links


def test_reading_time_counts_published_words_only(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    shown = " ".join(["word"] * 270) + "."
    hidden = " ".join(["hidden"] * 600) + "."
    comet = Article("a5", "https://example.com/long", "Sky Daily", "Long read", f"{shown} {hidden}")
    store.add_article(comet, None)
    store.assign(comet, "s-10a9ead00000", None)
    sentences = (
        Sentence("headline", "Long read", (cite(comet, "Long read", "title"),)),
        Sentence("body", shown, (cite(comet, shown),)),
        Sentence("body", hidden, (cite(comet, hidden),)),
    )
    source = SourceRef("a5", "Sky Daily", "Long read", comet.url, None)
    draft = Draft("s-10a9ead00000", "hash", "Science", "2024-03-07", sentences, (source,))
    store.save_draft(draft)
    store.save_verdicts(draft, all_supported_but(draft, hidden))
    build_site(store, settings)
    page = pages(settings.site_dir)[f"stories/{story_slug('Long read', 's-10a9ead00000')}.html"]
    assert "2 min read" in page  # ceil(272 / 265); with the hidden sentence it would be 4
    assert "hidden hidden" not in page


def test_hostile_source_text_is_escaped_in_site_and_feed(
    store: SQLiteStore, settings: PublishSettings
) -> None:
    add_hearing(store)
    build_site(store, settings)
    site = pages(settings.site_dir)
    for text in site.values():
        assert "<script>" not in text and "<b>" not in text
    html = site[HEARING_PATH]
    assert "Senate hearing on water &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert "Critics called the rules &lt;b&gt;too weak&lt;/b&gt;." in html
    feed = ET.parse(settings.site_dir / "feed.atom").getroot()
    entry = next(e for e in feed.iter(f"{ATOM}entry") if HEARING in str(e.findtext(f"{ATOM}id")))
    assert entry.findtext(f"{ATOM}summary") == f"Critics called the rules {BOLD}."
    content = str(entry.findtext(f"{ATOM}content"))  # HTML, once XML is unescaped
    assert "<b>" not in content and 'href="javascript' not in content


def test_publish_command_takes_the_folder_as_argument(
    tmp_path: Path, invoke: Callable[..., Result]
) -> None:
    db = SQLiteStore(tmp_path / "newsdesk.db")
    add_hearing(db)
    db.close()
    result = invoke("publish", str(tmp_path / "public"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "public" / HEARING_PATH).is_file()
    both = invoke("publish", str(tmp_path / "a"), "--site", str(tmp_path / "b"))
    assert both.exit_code == 2 and "DIR or --site" in both.stderr


def test_a_site_folder_that_cannot_be_written_is_a_one_line_error(
    store: SQLiteStore, tmp_path: Path, invoke: Callable[..., Result]
) -> None:
    store.close()
    (tmp_path / "db.sqlite").rename(tmp_path / "newsdesk.db")
    (tmp_path / "file").write_text("not a folder", "utf-8")
    blocked = invoke("publish", str(tmp_path / "file" / "site"))
    assert blocked.exit_code == 2 and "Traceback" not in blocked.stderr
    last = blocked.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and last.endswith("cannot write: Not a directory")


def test_a_localhost_base_url_is_warned_about_once(
    store: SQLiteStore, tmp_path: Path, invoke: Callable[..., Result]
) -> None:
    store.close()
    (tmp_path / "db.sqlite").rename(tmp_path / "newsdesk.db")
    local = invoke("publish", str(tmp_path / "site"))
    assert local.exit_code == 0, local.output
    warnings = [line for line in local.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "base_url is http://localhost:8000/" in warnings[0]
    config = tmp_path / "newsdesk.toml"
    config.write_text('[publish]\nbase_url = "https://news.example.org/"\n', "utf-8")
    public = invoke("publish", str(tmp_path / "site"), "--config", str(config))
    assert public.exit_code == 0, public.output
    assert "warning:" not in public.stderr


def test_a_story_off_the_site_says_why() -> None:
    draft = budget_draft()
    supported = all_supported_but(draft)
    headline = draft.sentences[0].text
    bodies = [s.text for s in draft.sentences if s.kind == "body"]
    outlets = len({source.outlet for source in draft.sources})
    held = GateRecord(STORY, "extractive", 2, 5, 2, held=True, note="kept 2 of 5")
    assert withheld_because(draft, supported, 1) is None
    assert withheld_because(draft, supported, 1, held) == "the verify gate held it: kept 2 of 5"
    assert withheld_because(draft, [], 1) == "not checked yet (`newsdesk write` checks it)"
    assert withheld_because(draft, supported, outlets + 1) == (
        f"reported by {outlets} outlet{'s' if outlets > 1 else ''}; "
        f"[publish] min_outlets is {outlets + 1}"
    )
    assert withheld_because(draft, all_supported_but(draft, headline), 1) == (
        "its headline did not pass the checker"
    )
    assert withheld_because(draft, all_supported_but(draft, *bodies), 1) == (
        "no body sentence passed the checker"
    )


def test_status_of_a_story_says_whether_it_is_on_the_site(
    store: SQLiteStore, tmp_path: Path, invoke: Callable[..., Result]
) -> None:
    store.close()
    (tmp_path / "db.sqlite").rename(tmp_path / "newsdesk.db")
    shown = invoke("status", "--story", STORY)
    assert shown.exit_code == 0, shown.output
    assert "publication: on the site" in " ".join(shown.stdout.split())
    blocked = invoke("status", "--story", BLOCKED)
    said = " ".join(blocked.stdout.split())
    assert "publication: held: reported by 0 outlets; [publish] min_outlets is 2" in said


KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
from newsdesk.publish import files

def killed(source: str, target: str) -> None:  # the publish dies before the rename
    os.kill(os.getpid(), signal.SIGKILL)

files.os.replace = killed
files.write_atomic(Path(sys.argv[1]), b"half a page")
"""


def killed_write(path: Path) -> None:
    """Write ``path`` the way a publish does, in a process killed before the rename."""
    done = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(path)], check=False)
    assert done.returncode == -signal.SIGKILL


def test_a_publish_removes_the_temp_files_a_killed_one_left_and_nothing_else(
    store: SQLiteStore, settings: PublishSettings, tmp_path: Path
) -> None:
    site = settings.site_dir
    context = Context(store, Config(publish=settings), Run(id=1, started="2024-03-05"))
    PublishStage().run(context)
    story = next((site / "stories").glob("*.html"))
    for path in (site / "index.html", story, site / "api" / "stories.json"):
        killed_write(path)
    left = sorted(p.relative_to(site) for p in site.rglob("*.tmp"))
    assert len(left) == 3 and all(is_stale_temp(site / p) for p in left)
    assert all(p.name.endswith(".newsdesk.tmp") for p in left)
    earlier = site / ".style.css.k3j4h5g6.tmp"  # an earlier version's name, beside style.css
    others = [
        site / "notes.tmp",
        site / ".draft.tmp",
        site / ".gone.html.k3j4h5g6.tmp",  # no gone.html beside it: not ours
        site / "stories" / "index.html.abcdefgh.newsdesk.tmp",  # not hidden: not ours
        site / ".index.html.ABCDEFGH.newsdesk.tmp",  # mkstemp never writes capitals
    ]
    for path in [earlier, *others]:
        path.write_text("someone's", "utf-8")
    record = PublishStage().run(context)
    assert sorted(p.relative_to(site) for p in site.rglob("*.tmp")) == sorted(
        p.relative_to(site) for p in others
    )
    assert record.items_out == 0  # the pages themselves were never touched
    assert all(p.read_text("utf-8") == "someone's" for p in others)


def test_a_jekyll_publish_removes_its_own_temp_files(
    store: SQLiteStore, settings: PublishSettings, tmp_path: Path
) -> None:
    blog = tmp_path / "blog"
    context = Context(store, Config(publish=settings), Run(id=1, started="2024-03-05"))
    PublishStage("jekyll", blog).run(context)
    post = next((blog / "_posts").glob("*.md"))
    killed_write(post)
    killed_write(blog / "_config.yml")
    (blog / "_drafts").mkdir()
    theirs = blog / "_drafts" / ".post.md.abcdefgh.newsdesk.tmp"  # a folder newsdesk never writes
    theirs.write_text("someone's", "utf-8")
    assert len(list(blog.rglob("*.newsdesk.tmp"))) == 3
    PublishStage("jekyll", blog).run(context)
    assert list(blog.rglob("*.tmp")) == [theirs]
