"""Extraction: article text and metadata from real pages, failures with reasons, snapshots,
and new versions of a changed page."""

from __future__ import annotations

import functools
import hashlib
import json
import zlib
from pathlib import Path

import pytest

from newsdesk.config import IngestSettings
from newsdesk.ingest.extraction import (
    ExtractionError,
    canonical_url,
    charset,
    extract_page,
    normalize_url,
    snapshot,
    word_count,
)
from newsdesk.ingest.web import Page, PageStore, article_id
from newsdesk.records import Article, Draft, FeedEntry
from newsdesk.store import Store, open_store
from sample_web import SAMPLE

HTML = "text/html; charset=utf-8"
FETCHED = "2020-06-23T12:00:00+00:00"


@functools.cache
def sample() -> list[dict[str, str]]:
    lines = (SAMPLE / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def page_bytes(record: dict[str, str]) -> bytes:
    return (SAMPLE / record["page"]).read_bytes()


def article_page(paragraphs: list[str], canonical: str = "https://news.example.com/a") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>T | Example</title>"
        f"<link rel='canonical' href='{canonical}'>"
        "<meta property='og:title' content='Mayor opens the new bridge'>"
        "<meta property='og:site_name' content='Example News'>"
        "<meta name='author' content='Ann Reporter'>"
        "<meta property='article:published_time' content='2020-06-22T10:00:00Z'>"
        "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Mayor opens the new bridge</h1>{body}</article>"
        "<footer>Copyright Example News</footer></body></html>"
    )


PARAGRAPHS = [
    "The mayor opened the new river bridge on Monday after three years of construction work "
    "that closed the old crossing and sent traffic on a long detour through the east side.",
    "About two thousand residents walked across the bridge in the first hour, the city said, "
    "and the transport department expects twenty thousand cars a day once the ramps open.",
    "The project cost 140 million dollars, ten million more than planned, because steel prices "
    "rose sharply in the second year of the work, according to the city's budget office.",
]


def test_sample_pages_yield_their_articles() -> None:
    """Every sample page: its text, title, date, canonical URL, language and outlet."""
    exact = 0
    for record in sample():
        extracted = extract_page(page_bytes(record), "http://127.0.0.1/p.html", content_type=HTML)
        assert extracted.url == normalize_url(record["url"])
        assert extracted.title == record["title"].strip()
        assert extracted.published == record["published"]
        assert extracted.lang == "en"
        assert extracted.site_name == record["outlet"]
        want = [p.strip() for p in record["text"].split("\n\n") if p.strip()]
        if want[0].casefold() == record["title"].strip().casefold():
            want = want[1:]  # NPR's texts open with the headline; the page has it as <h1>
        got = extracted.text.split("\n\n")
        exact += got == want
        assert set(got) <= set(want), f"{record['id']}: text that is not the article's"
        assert len(got) >= len(want) - 1
    # Two AP pages print a photo caption twice; trafilatura keeps it once.
    assert exact >= len(sample()) - 2


def test_byline_from_the_page() -> None:
    record = next(r for r in sample() if r["id"] == "baly-1hGQ0HHbHf4zlvxU")
    extracted = extract_page(page_bytes(record), "http://127.0.0.1/p.html", content_type=HTML)
    assert extracted.author == "Steve Holland"


def test_metadata_of_a_small_page() -> None:
    extracted = extract_page(article_page(PARAGRAPHS), "https://news.example.com/a?utm_source=x")
    assert extracted.text == "\n\n".join(PARAGRAPHS)
    assert extracted.title == "Mayor opens the new bridge"
    assert extracted.author == "Ann Reporter"
    assert extracted.site_name == "Example News"
    assert extracted.published == "2020-06-22"
    assert extracted.published_at == "2020-06-22T10:00:00+00:00"
    assert extracted.url == "https://news.example.com/a"


@pytest.mark.parametrize(
    ("given", "published", "published_at"),
    [
        ("2020-06-22T23:30:00-05:00", "2020-06-22", "2020-06-22T23:30:00-05:00"),
        ("2020-06-23T00:30:00+02:00", "2020-06-23", "2020-06-23T00:30:00+02:00"),
        ("2020-06-22T23:30:00", "2020-06-22", "2020-06-22T23:30:00"),
        ("2020-06-22", "2020-06-22", None),
    ],
)
def test_a_page_date_keeps_its_day_and_its_offset(
    given: str, published: str, published_at: str | None
) -> None:
    """The day the page's own clock showed, and the time with the offset the page gave."""
    page = article_page(PARAGRAPHS).replace("2020-06-22T10:00:00Z", given)
    extracted = extract_page(page, "https://news.example.com/a")
    assert (extracted.published, extracted.published_at) == (published, published_at)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (
            b"<html><body><nav><a href='/'>Home</a></nav><footer>(c) News</footer></body></html>",
            HTML,
            "no article text (",
        ),
        (
            b"<html><body><p>Subscribe to read this story.</p></body></html>",
            HTML,
            "no article text (only 5 words, need 20)",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", "not an HTML page (image/png)"),
        (b"   ", HTML, "empty page"),
    ],
)
def test_a_page_without_an_article_fails_with_a_reason(
    body: bytes, content_type: str, reason: str
) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_page(body, "https://ex.com/x", content_type=content_type)
    assert reason in info.value.reason
    assert str(info.value).startswith("https://ex.com/x: ")
    assert "\n" not in str(info.value)


def test_charset_from_the_header_decodes_a_page_without_meta() -> None:
    paragraphs = [
        "Городской совет утвердил бюджет на следующий год после долгих обсуждений и споров, "
        "которые продолжались несколько недель подряд в здании мэрии.",
        "Расходы на транспорт и школы вырастут, а налоги останутся прежними, сообщил мэр.",
    ]
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in paragraphs)
    html += "</article></body></html>"
    body = html.encode("windows-1251")
    extracted = extract_page(body, "https://ex.ru/a", content_type="text/html; charset=cp1251")
    assert extracted.text == "\n\n".join(paragraphs)
    assert extracted.lang == "ru"
    assert charset("text/html; charset=cp1251") == "cp1251"
    assert charset("text/html; charset=no-such-codec") is None


def test_charset_from_meta_when_the_header_names_none() -> None:
    html = article_page([*PARAGRAPHS, "Le maire a déclaré que le pont était « magnifique »."])
    body = html.replace("charset='utf-8'", "charset='iso-8859-1'").encode("iso-8859-1")
    extracted = extract_page(body, "https://ex.com/a", content_type="text/html")
    assert "« magnifique »" in extracted.text


def test_words_of_unspaced_scripts_are_counted() -> None:
    assert word_count("one two three") == 3
    assert word_count("不正に改造したiPhoneを販売したとして商標法違反の疑いで逮捕された") >= 5


def test_canonical_url_resolution() -> None:
    from trafilatura.utils import load_html

    tree = load_html("<html><head><link rel='canonical' href='/story/1#top'></head></html>")
    assert canonical_url(tree, "https://Ex.COM/x/y?id=1") == "https://ex.com/story/1"
    bare = load_html("<html><head><title>x</title></head><body></body></html>")
    assert canonical_url(bare, "https://ex.com/a?b=1&utm_medium=rss") == "https://ex.com/a?b=1"


def test_snapshot_keeps_the_exact_bytes() -> None:
    body = article_page(PARAGRAPHS).encode("utf-8")
    shot = snapshot(body, "https://ex.com/a", FETCHED, HTML)
    assert shot.sha256 == hashlib.sha256(body).hexdigest()
    assert zlib.decompress(shot.data) == body == shot.body
    assert len(shot.data) < len(body)


# -- storing pages: versions and snapshots ------------------------------------------------


def add(store: Store, html: str, url: str = "https://news.example.com/a?ref=feed") -> str:
    pages = PageStore(store, IngestSettings())
    page = Page(url, html.encode("utf-8"), HTML, FETCHED, outlet="Example News")
    return pages.add(page).outcome


def test_a_changed_page_is_a_new_version_of_the_same_article(tmp_path: Path) -> None:
    store = open_store(tmp_path / "n.db")
    assert add(store, article_page(PARAGRAPHS)) == "new"
    assert add(store, article_page(PARAGRAPHS)) == "unchanged"
    corrected = [*PARAGRAPHS[:2], PARAGRAPHS[2].replace("140 million", "145 million")]
    assert add(store, article_page(corrected), "https://news.example.com/a") == "changed"
    identity = article_id("https://news.example.com/a")
    assert [a.id for a in store.articles()] == [identity]
    article = store.article(identity)
    assert article is not None
    assert "145 million" in article.text
    assert article.extra["version"] == 2
    versions = store.article_versions(identity)
    assert [v.version for v in versions] == [1, 2]
    assert "140 million" in versions[0].text
    first = store.snapshot(str(versions[0].snapshot))
    assert first is not None
    assert b"140 million" in first.body
    assert store.search('"145 million"')[0].id == identity
    store.close()


def test_a_new_version_has_its_story_rewritten(tmp_path: Path) -> None:
    """The story's draft cites spans of the old text, so the write stage must redo it."""
    store = open_store(tmp_path / "n.db")
    add(store, article_page(PARAGRAPHS))
    article = store.articles()[0]
    store.assign(article, "s-1", None)
    story = store.story("s-1")
    assert story is not None
    draft = Draft("s-1", story.hash, "Politics", None, (), ())
    store.save_draft(draft)
    assert store.stories_to_write() == []
    changed = [*PARAGRAPHS[:2], "The bridge will close for a week in August for inspection work."]
    assert add(store, article_page(changed)) == "changed"
    assert [s.id for s in store.stories_to_write()] == ["s-1"]
    store.close()


def test_page_without_article_is_not_stored(tmp_path: Path) -> None:
    store = open_store(tmp_path / "n.db")
    with pytest.raises(ExtractionError, match="no article text"):
        add(store, "<html><body><nav>Home</nav></body></html>")
    assert store.counts()["articles"] == 0
    store.close()


def test_feed_metadata_wins_over_the_page(tmp_path: Path) -> None:
    store = open_store(tmp_path / "n.db")
    entry = FeedEntry(
        url="https://news.example.com/a",
        key="guid-1",
        title="Feed headline",
        published="2020-06-21",
        authors=("Feed Author",),
    )
    page = Page(entry.url, article_page(PARAGRAPHS).encode(), HTML, FETCHED, "Feed Outlet", entry)
    stored = PageStore(store, IngestSettings()).add(page)
    article = store.article(stored.article_id)
    assert isinstance(article, Article)
    assert (article.title, article.published, article.outlet) == (
        "Feed headline",
        "2020-06-21",
        "Feed Outlet",
    )
    assert article.extra["authors"] == ["Feed Author"]
    assert article.published_at is None, "the feed gave a date alone: the page's time is not it"
    store.close()


def test_the_feed_s_time_is_kept_with_its_day(tmp_path: Path) -> None:
    store = open_store(tmp_path / "n.db")
    entry = FeedEntry(
        url="https://news.example.com/a",
        key="guid-1",
        published="2020-06-21",
        published_at="2020-06-21T22:15:00-04:00",
    )
    page = Page(entry.url, article_page(PARAGRAPHS).encode(), HTML, FETCHED, "Feed Outlet", entry)
    stored = PageStore(store, IngestSettings()).add(page)
    article = store.article(stored.article_id)
    assert article is not None
    assert (article.published, article.published_at, article.date_source) == (
        "2020-06-21",
        "2020-06-21T22:15:00-04:00",
        "given",
    )
    store.close()


def test_a_page_s_time_is_kept_when_its_feed_gives_no_date(tmp_path: Path) -> None:
    store = open_store(tmp_path / "n.db")
    assert add(store, article_page(PARAGRAPHS)) == "new"
    (article,) = store.articles()
    assert (article.published, article.published_at, article.date_source) == (
        "2020-06-22",
        "2020-06-22T10:00:00+00:00",
        "page",
    )
    store.close()
