"""Feeds: RSS/Atom/JSON Feed parsing, encodings, OPML, autodiscovery, [[feeds]] settings,
and the `newsdesk feeds` commands against a local HTTP server."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import Result

from newsdesk.config import IngestSettings, load_config
from newsdesk.errors import ConfigError, InputError
from newsdesk.ingest.feeds import (
    FeedError,
    discover_feeds,
    html_text,
    looks_like_feed,
    make_feed,
    parse_feed,
    read_opml,
    slug,
)
from newsdesk.records import Feed, FeedEntry
from newsdesk.store import open_store
from sample_web import SAMPLE
from web_server import WebServer, conditional, serve, text

FEEDS = SAMPLE / "feeds"
CONTENT_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json",
}


@functools.cache
def sample_articles() -> dict[str, dict[str, object]]:
    """The sample's articles by the local page their feed item links to."""
    lines = (SAMPLE / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    return {f"http://127.0.0.1:8000/{r['page']}": r for r in records}


def headers_for(name: str) -> dict[str, str]:
    kind = name.split(".", 1)[1]
    return {"Content-Type": CONTENT_TYPES[kind]}


# -- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FEEDS.glob("*") if p.suffix in (".xml", ".json"))
)
def test_every_sample_feed_parses_into_its_articles(name: str) -> None:
    articles = sample_articles()
    url = f"http://127.0.0.1:8000/feeds/{name}"
    parsed = parse_feed((FEEDS / name).read_bytes(), url, headers_for(name))
    expected = {"rss.xml": "rss20", "atom.xml": "atom10", "json": "json1.1"}
    assert parsed.format == expected[name.split(".", 1)[1]]
    assert parsed.entries
    for entry in parsed.entries:
        article = articles[entry.url]
        assert entry.title == str(article["title"]).strip()
        assert entry.published == article["published"]
        assert entry.key == article["url"]
        assert parsed.title == article["outlet"]
        assert entry.summary and entry.summary in str(article["text"]).replace("\n\n", " ")


def test_rss_content_encoded_and_creators() -> None:
    name = "associated-press.rss.xml"
    parsed = parse_feed((FEEDS / name).read_bytes(), "http://x/feed", headers_for(name))
    entry = parsed.entries[0]
    assert entry.authors == ("Lauran Neergaard", "Ricardo Alonso-Zaldivar")
    article = sample_articles()[entry.url]
    assert entry.content.split("\n\n") == str(article["text"]).split("\n\n")


def test_json_feed_content_and_authors() -> None:
    with_text = [
        p for p in FEEDS.glob("*.json") if '"content_text"' in p.read_text(encoding="utf-8")
    ]
    assert with_text
    parsed = parse_feed(with_text[0].read_bytes(), "http://x/f.json", headers_for("f.json"))
    article = sample_articles()[parsed.entries[0].url]
    assert parsed.entries[0].content == article["text"]


CYRILLIC_RSS = """<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0"><channel><title>Новости дня</title><link>http://example.ru/</link>
<item><title>Парламент принял бюджет</title><link>/news/1.html</link>
<guid>news-1</guid><pubDate>Wed, 01 Jul 2020 09:30:00 +0300</pubDate>
<description>Депутаты одобрили проект во втором чтении.</description></item>
</channel></rss>
"""


def test_windows_1251_feed_decodes_from_its_declaration() -> None:
    body = CYRILLIC_RSS.encode("windows-1251")
    parsed = parse_feed(body, "http://example.ru/rss.xml", {"content-type": "application/rss+xml"})
    assert parsed.title == "Новости дня"
    (entry,) = parsed.entries
    assert entry.title == "Парламент принял бюджет"
    assert entry.summary == "Депутаты одобрили проект во втором чтении."
    assert entry.url == "http://example.ru/news/1.html"
    assert entry.published == "2020-07-01"


def test_windows_1251_feed_decodes_from_the_header_alone() -> None:
    """No XML declaration: only Content-Type names the charset, and it must be used."""
    body = CYRILLIC_RSS.split("\n", 1)[1].encode("windows-1251")
    headers = {"Content-Type": "application/rss+xml; charset=windows-1251"}
    parsed = parse_feed(body, "http://example.ru/rss.xml", headers)
    assert parsed.entries[0].title == "Парламент принял бюджет"
    wrong = parse_feed(body, "http://example.ru/rss.xml", {"Content-Type": "application/rss+xml"})
    assert wrong.entries[0].title != "Парламент принял бюджет"


def test_rss_090_and_rdf_feeds() -> None:
    rdf = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="http://ex.com/"><title>RDF site</title><link>http://ex.com/</link>
<description>d</description></channel>
<item rdf:about="http://ex.com/a"><title>An item</title><link>http://ex.com/a</link></item>
</rdf:RDF>"""
    parsed = parse_feed(rdf, "http://ex.com/rss.rdf")
    assert parsed.format == "rss10"
    assert [(e.url, e.title) for e in parsed.entries] == [("http://ex.com/a", "An item")]
    old = b"""<rss version="0.91"><channel><title>Old</title><link>http://ex.com/</link>
<item><title>Item &amp; more</title><link>http://ex.com/b</link></item></channel></rss>"""
    parsed = parse_feed(old, "http://ex.com/rss")
    assert parsed.format == "rss091u"
    assert parsed.entries[0].title == "Item & more"


def test_json_feed_resolves_relative_urls_and_reads_html_content() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "feed_url": "https://ex.com/feeds/j.json",
            "items": [
                {
                    "id": "1",
                    "url": "../posts/1.html",
                    "title": "One",
                    "content_html": "<p>First para.</p><p>Second <b>para</b>.</p>",
                    "date_published": "2020-07-01T23:30:00-05:00",
                    "authors": [{"name": "A. Writer"}],
                },
                {"id": "no-url-no-link"},
            ],
        }
    ).encode()
    parsed = parse_feed(body, "https://ex.com/feeds/j.json")
    (entry,) = parsed.entries
    assert entry.url == "https://ex.com/posts/1.html"
    assert entry.content == "First para.\n\nSecond para."
    assert entry.published == "2020-07-01", "the day in the feed's own time zone, not UTC's"
    assert entry.published_at == "2020-07-01T23:30:00-05:00"
    assert entry.authors == ("A. Writer",)


# -- dates: the day in the feed's own time zone, and the time with its offset -----------------


def rss_item(number: int, date: str) -> str:
    return (
        f"<item><title>Item {number}</title><link>https://ex.com/{number}</link>"
        f"<pubDate>{date}</pubDate></item>"
    )


def test_an_rss_date_keeps_its_day_and_its_offset() -> None:
    """A report filed Tuesday 23:30 in New York is Tuesday's news, though Wednesday in UTC."""
    items = [
        "Tue, 02 Dec 2025 23:30:00 -0500",  # late evening, west of UTC
        "Wed, 03 Dec 2025 00:30:00 +0100",  # just after midnight, east of UTC
        "Tue, 02 Dec 2025 23:30:00 EST",  # a zone RFC 822 names
        "Tue, 02 Dec 2025 23:30:00 GMT",
        "Tue, 02 Dec 2025 23:30:00",  # no zone: none is invented
        "Tue, 02 Dec 2025 23:30:00 -0000",  # RFC 2822: the zone is unknown
        "2025-12-02",  # a date alone stays a date
    ]
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<link>https://ex.com/</link>"
        + "".join(rss_item(n, date) for n, date in enumerate(items))
        + "</channel></rss>"
    ).encode()
    parsed = parse_feed(body, "https://ex.com/rss.xml")
    assert [(e.published, e.published_at) for e in parsed.entries] == [
        ("2025-12-02", "2025-12-02T23:30:00-05:00"),
        ("2025-12-03", "2025-12-03T00:30:00+01:00"),
        ("2025-12-02", "2025-12-02T23:30:00-05:00"),
        ("2025-12-02", "2025-12-02T23:30:00+00:00"),
        ("2025-12-02", "2025-12-02T23:30:00"),
        ("2025-12-02", "2025-12-02T23:30:00"),
        ("2025-12-02", None),
    ]


def test_an_atom_date_in_utc_keeps_its_offset_and_falls_back_to_updated() -> None:
    body = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<link href="https://ex.com/"/><id>urn:a</id><updated>2025-12-04T00:00:00Z</updated>
<entry><title>Z</title><link href="https://ex.com/z"/><id>z</id>
<published>2025-12-03T04:30:00Z</published><updated>2025-12-04T09:00:00Z</updated></entry>
<entry><title>U</title><link href="https://ex.com/u"/><id>u</id>
<updated>2025-12-02T23:30:00-05:00</updated></entry>
</feed>"""
    parsed = parse_feed(body, "https://ex.com/atom.xml")
    assert [(e.published, e.published_at, e.updated) for e in parsed.entries] == [
        ("2025-12-03", "2025-12-03T04:30:00+00:00", "2025-12-04T09:00:00Z"),
        ("2025-12-02", "2025-12-02T23:30:00-05:00", "2025-12-02T23:30:00-05:00"),
    ]


def test_a_json_feed_date_keeps_its_day_and_its_offset() -> None:
    items = [
        {"id": "1", "url": "https://ex.com/1", "date_published": "2025-12-03T00:30:00+02:00"},
        {"id": "2", "url": "https://ex.com/2", "date_modified": "2025-12-02T23:30:00-05:00"},
        {"id": "3", "url": "https://ex.com/3", "date_published": "2025-12-02"},
        {"id": "4", "url": "https://ex.com/4", "date_published": "1850-01-01T10:00:00+01:00"},
        {"id": "5", "url": "https://ex.com/5", "date_published": "not a date"},
    ]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    parsed = parse_feed(body, "https://ex.com/feed.json")
    assert [(e.published, e.published_at) for e in parsed.entries] == [
        ("2025-12-03", "2025-12-03T00:30:00+02:00"),
        ("2025-12-02", "2025-12-02T23:30:00-05:00"),
        ("2025-12-02", None),
        (None, None),  # before 1900: read as undated, its time with it
        (None, None),
    ]
    assert parsed.problems == ("entry 4 ('4'): date 1850-01-01 is before 1900: read as undated",)


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b"<html><body><p>hello</p></body></html>", {"content-type": "text/html"}, "not an RSS"),
        (b"\x00\x01 binary junk", {}, "not an RSS"),
        (b'{"title": "no version"}', {"content-type": "application/json"}, "JSON Feed version"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": 3}', {}, "'items' list"),
        (b"{not json", {"content-type": "application/feed+json"}, "not a JSON feed"),
    ],
)
def test_not_a_feed_is_a_one_line_error(body: bytes, headers: dict[str, str], message: str) -> None:
    with pytest.raises(FeedError, match=message) as info:
        parse_feed(body, "http://ex.com/feed", headers)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("http://ex.com/feed: ")


def test_html_text_keeps_paragraphs() -> None:
    assert html_text("<p>One &amp; two.</p>\n<p>Three<br>four</p>") == "One & two.\n\nThree\nfour"
    assert html_text("plain &lt;text&gt;") == "plain <text>"
    assert html_text("") == ""
    assert html_text("<div>a\nb <p>c</p>d</div>") == "a b\n\nc\n\nd"


def test_looks_like_feed() -> None:
    assert looks_like_feed(b"<rss>", "application/rss+xml")
    assert looks_like_feed(b'<?xml version="1.0"?><feed>', None)
    assert looks_like_feed(b'{"version": "https://jsonfeed.org/version/1.1"}', "application/json")
    assert not looks_like_feed(b'{"a": 1}', "application/json")
    assert not looks_like_feed(b"<!doctype html><html>", "text/html")
    assert not looks_like_feed(b"<!doctype html><html>", None)


# -- OPML ----------------------------------------------------------------------------------


def test_sample_opml_lists_every_feed_with_its_outlet() -> None:
    feeds = read_opml(FEEDS / "feeds.opml")
    assert len(feeds) == 30
    by_name = {f.name: f for f in feeds}
    assert by_name["associated-press"] == Feed(
        "associated-press",
        "http://127.0.0.1:8000/feeds/associated-press.rss.xml",
        "Associated Press",
    )
    assert {f.url.rsplit("/", 1)[1] for f in feeds} == {
        p.name for p in FEEDS.iterdir() if p.name != "feeds.opml"
    }


def test_opml_categories_and_duplicate_outlets(tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        """<?xml version="1.0"?><opml version="1.0"><head/><body>
<outline text="World">
  <outline text="Example News" xmlUrl="https://ex.com/world.xml"/>
  <outline title="Example News" text="ignored" xmlUrl="https://ex.com/politics.xml"/>
</outline>
<outline text="No title" xmlUrl="ftp://ex.com/feed"/>
<outline xmlUrl="https://www.other.org/rss"/>
</body></opml>""",
        encoding="utf-8",
    )
    feeds = read_opml(opml)
    assert [(f.name, f.outlet, f.category) for f in feeds] == [
        ("example-news", "Example News", "World"),
        ("example-news-2", "Example News", "World"),
        ("other-org", "other.org", None),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not xml <", "not OPML: not well-formed XML"),
        ("<rss><channel/></rss>", "not OPML: the root element is <rss>"),
        ("<opml><body><outline text='x'/></body></opml>", "no feeds"),
        ("", "not OPML: not well-formed XML"),
    ],
)
def test_bad_opml_is_a_one_line_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.opml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_opml(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "\n" not in str(info.value)


def test_missing_opml(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_opml(tmp_path / "none.opml")


def test_make_feed_names_and_slug() -> None:
    assert slug("Le Monde diplomatique — Édition") == "le-monde-diplomatique-edition"
    feed = make_feed("https://www.example.com/rss", "")
    assert (feed.name, feed.outlet) == ("example-com", "example.com")
    assert make_feed("https://x/rss", "Feed Title", outlet="X News").outlet == "X News"


# -- autodiscovery -------------------------------------------------------------------------

PAGE_WITH_FEEDS = b"""<!DOCTYPE html><html><head><title>Example</title>
<link rel="stylesheet" type="text/css" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/feeds/all.rss">
<link rel="alternate" type="application/atom+xml" href="atom.xml">
<link rel="Alternate" type="application/feed+json" href="https://cdn.ex.com/feed.json">
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="/feeds/all.rss">
</head><body><p>Home</p></body></html>"""


def test_discover_feeds_resolves_relative_links() -> None:
    assert discover_feeds(PAGE_WITH_FEEDS, "https://ex.com/news/index.html") == [
        "https://ex.com/feeds/all.rss",
        "https://ex.com/news/atom.xml",
        "https://cdn.ex.com/feed.json",
    ]


def test_discover_feeds_honours_base_href() -> None:
    page = b'<html><head><base href="https://static.ex.com/site/">' + PAGE_WITH_FEEDS[40:]
    found = discover_feeds(page, "https://ex.com/")
    assert found[1] == "https://static.ex.com/site/atom.xml"
    assert discover_feeds(b"<html><body>no feeds</body></html>", "https://ex.com/") == []


# -- [[feeds]] in newsdesk.toml ------------------------------------------------------------


def test_feeds_tables_in_settings(tmp_path: Path) -> None:
    settings = tmp_path / "newsdesk.toml"
    settings.write_text(
        '[[feeds]]\nname = "ap"\nurl = "https://ex.com/ap.xml"\noutlet = "AP"\n'
        '[[feeds]]\nname = "lemonde"\nurl = "https://ex.fr/rss"\noutlet = "Le Monde"\n'
        'category = "World"\nlanguage = "fr"\n',
        encoding="utf-8",
    )
    config = load_config(settings)
    assert config.feeds == (
        Feed("ap", "https://ex.com/ap.xml", "AP"),
        Feed("lemonde", "https://ex.fr/rss", "Le Monde", "World", "fr"),
    )
    assert load_config().feeds == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[feeds]]\nname = "a"\noutlet = "A"\n', "feed 1: 'url' is required"),
        ('[[feeds]]\nname = "a"\nurl = "u"\noutlet = "A"\nlang = "en"\n', "unknown key 'lang'"),
        ('[[feeds]]\nname = "a"\nurl = "u"\noutlet = 3\n', "every value must be a string"),
        ('feeds = "https://ex.com/rss"\n', "feeds must be [[feeds]] tables"),
    ],
)
def test_bad_feeds_tables(tmp_path: Path, content: str, message: str) -> None:
    settings = tmp_path / "newsdesk.toml"
    settings.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")) as info:
        load_config(settings)
    assert "\n" not in str(info.value)


def test_shipped_ingest_settings_match_the_defaults() -> None:
    from importlib import resources

    shipped = load_config(Path(str(resources.files("newsdesk") / "settings.toml")))
    assert shipped.ingest == IngestSettings()


# -- the store and the `newsdesk feeds` commands ---------------------------------------------


def test_store_keeps_each_feed_once(tmp_path: Path) -> None:
    store = open_store(tmp_path / "n.db")
    feed = Feed("ap", "https://ex.com/ap.xml", "AP", "World")
    assert store.add_feed(feed)
    assert not store.add_feed(Feed("other", "https://ex.com/ap.xml", "Other"))
    assert store.stored_feeds() == [feed]
    store.close()


def test_an_entry_seen_before_times_were_kept_is_not_fetched_again(tmp_path: Path) -> None:
    """Its time alone is no change: an upgrade must not fetch every page of every feed again.
    Its day is: a new day (or anything else the feed changed) fetches it again."""
    store = open_store(tmp_path / "n.db")
    url = "https://ex.com/rss.xml"
    before = FeedEntry("https://ex.com/1", "guid-1", "One", published="2025-12-02")
    assert store.add_feed_entries(url, [before], "2025-12-03T00:00:00+00:00") == 1
    (pending,) = store.pending_entries()
    store.finish_entry(url, "guid-1", "stored", "2025-12-03T00:01:00+00:00", "a-1")
    timed = replace(before, published_at="2025-12-02T23:30:00-05:00")
    assert store.add_feed_entries(url, [timed], "2025-12-04T00:00:00+00:00") == 0
    assert store.pending_entries() == []
    moved = replace(timed, published="2025-12-03", published_at="2025-12-03T00:30:00+01:00")
    assert store.add_feed_entries(url, [moved], "2025-12-04T00:00:00+00:00") == 1
    assert [p.entry for p in store.pending_entries()] == [moved]
    assert pending.entry == before
    store.close()


def test_feeds_import_and_list(invoke: Callable[..., Result]) -> None:
    opml = str(FEEDS / "feeds.opml")
    first = invoke("feeds", "import", opml)
    assert first.exit_code == 0, first.output
    assert "30 feeds added, 0 already stored" in first.stdout
    again = invoke("feeds", "import", opml)
    assert "0 feeds added, 30 already stored" in again.stdout
    listed = invoke("feeds", "list")
    assert listed.exit_code == 0
    assert "Associated Press" in listed.stdout
    assert "never polled" in listed.stdout


def test_feeds_import_bad_file_exits_2(invoke: Callable[..., Result], tmp_path: Path) -> None:
    bad = tmp_path / "subs.opml"
    bad.write_text("<opml><body>", encoding="utf-8")
    result = invoke("feeds", "import", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {bad}: not OPML: not well-formed XML")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.fixture
def site() -> Iterator[WebServer]:
    """A page announcing two feeds, the feeds themselves, and a page announcing none."""
    with serve({}) as web:
        rss = (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Example News</title>'
            b"<link>/</link><item><title>A</title><link>/a.html</link></item></channel></rss>"
        )
        page = PAGE_WITH_FEEDS.replace(b"/feeds/all.rss", b"/rss")
        web.routes["/news/index.html"] = text(page, "text/html")
        web.routes["/rss"] = conditional(rss, "application/rss+xml")
        web.routes["/plain"] = text("<html><body><p>nothing here</p></body></html>", "text/html")
        yield web


@pytest.fixture
def local_settings(tmp_path: Path) -> Path:
    settings = tmp_path / "newsdesk.toml"
    settings.write_text(
        '[fetch]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay_s = 0.0\nmax_retries = 0\n',
        encoding="utf-8",
    )
    return settings


def test_feeds_add_autodiscovers_from_a_page(
    invoke: Callable[..., Result], site: WebServer, local_settings: Path, tmp_path: Path
) -> None:
    result = invoke("feeds", "add", site.url("/news/index.html"), "--config", str(local_settings))
    assert result.exit_code == 0, result.output
    assert f"added: example-news (Example News) {site.url('/rss')}, 1 entries" in result.stdout
    assert f"also names {site.url('/news/atom.xml')}" in result.stdout.replace("\n", "")
    again = invoke("feeds", "add", site.url("/rss"), "--config", str(local_settings))
    assert "already stored" in again.stdout
    store = open_store(tmp_path / "newsdesk.db")
    assert [f.url for f in store.stored_feeds()] == [site.url("/rss")]
    store.close()


def test_feeds_add_failures_are_one_line_errors(
    invoke: Callable[..., Result], site: WebServer, local_settings: Path
) -> None:
    none = invoke("feeds", "add", site.url("/plain"), "--config", str(local_settings))
    assert none.exit_code == 2
    assert "names no feed" in none.stderr
    missing = invoke("feeds", "add", site.url("/gone"), "--config", str(local_settings))
    assert missing.exit_code == 2
    assert missing.stderr.startswith(f"error: {site.url('/gone')}: ")
    refused = invoke("feeds", "add", site.url("/rss"))
    assert refused.exit_code == 2
    assert len(refused.stderr.strip().splitlines()) == 1
