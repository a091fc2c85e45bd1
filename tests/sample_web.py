"""The sample mini-web, built from the bundled sample so tests need nothing beside the repo.

``build(folder)`` renders ``src/newsdesk/sample/articles.jsonl`` into the
layout of ``../shared/data/sample``: ``articles.jsonl``, ``pages/<id>.html``
(three page templates with navigation, ads, promos and JSON-LD, so extraction
has furniture to drop), ``feeds/`` (one feed per outlet, rotating RSS 2.0,
Atom 1.0 and JSON Feed 1.1, every other group of three with full text),
``feeds/feeds.opml`` and ``urls.json``. Links point at ``base_url``; tests
rewrite ``http://127.0.0.1:8000/`` to their own server as they would for the
shared copy.

The templates are ported from ``../shared/data/sample/build.py`` (which made
the shared copy from the AllSides clusters) and give byte-identical files;
only the story roundups (``stories.jsonl``) are not bundled and so not made.
The sample's sources and licences are in ``src/newsdesk/sample/NOTICE``.

``SAMPLE`` is built once per test process into a temporary folder removed at
exit: test modules list its feeds while pytest collects them, before any
fixture (``tmp_path_factory`` included) exists. Building takes milliseconds.
"""

from __future__ import annotations

import atexit
import datetime as dt
import html
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from newsdesk.config import SAMPLE_DUMP

BASE_URL = "http://127.0.0.1:8000/"
"""Where the shared copy expects to be served; tests replace it with their server's URL."""

Record = dict[str, Any]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def noon_utc(date: str) -> dt.datetime:
    """Sources give a calendar date only; 12:00 UTC keeps it in every zone from UTC-11 to +11."""
    d = dt.date.fromisoformat(date)
    return dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC)


def iso_z(date: str) -> str:
    return noon_utc(date).isoformat().replace("+00:00", "Z")


def human_date(date: str) -> str:
    d = dt.date.fromisoformat(date)
    return f"{d.strftime('%B')} {d.day}, {d.year}"


# Pages ---------------------------------------------------------------------------------------

NAV = (
    '<header class="site-header"><a class="logo" href="/">{site}</a>\n'
    '<nav><ul><li><a href="/politics">Politics</a></li><li><a href="/world">World</a></li>'
    '<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li>'
    '<li><a href="/video">Video</a></li></ul></nav>\n'
    '<div class="cookie-banner">We use cookies to improve your experience. '
    "<button>Accept</button></div>\n</header>\n"
)
FOOTER = (
    '<footer class="site-footer"><ul><li><a href="/about">About us</a></li>'
    '<li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li>'
    '<li><a href="/terms">Terms of use</a></li></ul>\n'
    "<p>&copy; {site}. This page is a local rendering of a published article for offline "
    "testing.</p></footer>\n"
)
PROMO = (
    '<div class="newsletter-promo"><strong>Get the morning briefing.</strong> Sign up for our '
    'newsletter. <form><input type="email"><button>Sign up</button></form></div>'
)
SHARE = (
    '<div class="share-tools">Share this article: <a href="#">Facebook</a> '
    '<a href="#">Twitter</a> <a href="#">Email</a></div>\n'
)


def page_head(a: Record, site: str) -> str:
    """Title, canonical link, Open Graph and JSON-LD: the metadata extraction reads."""
    authors = ", ".join(a["authors"])
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a["title"],
        "datePublished": a["published"],
        "author": [{"@type": "Person", "name": n} for n in a["authors"]],
        "publisher": {"@type": "Organization", "name": site},
        "mainEntityOfPage": a["url"],
    }
    return (
        '<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(a['title'])} | {html.escape(site)}</title>\n"
        f'<link rel="canonical" href={quoteattr(a["url"])}>\n'
        f'<meta property="og:title" content={quoteattr(a["title"])}>\n'
        f'<meta property="og:url" content={quoteattr(a["url"])}>\n'
        f'<meta property="og:site_name" content={quoteattr(site)}>\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="article:published_time" content="{a["published"]}">\n'
        + (f'<meta name="author" content={quoteattr(authors)}>\n' if authors else "")
        + '<script type="application/ld+json">'
        + json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
        + "</script>\n</head>\n"
    )


def semantic_main(a: Record, body: list[str], byline: str, rel: str) -> str:
    """Template 0: a clean ``<article>`` with a related-coverage aside."""
    return (
        '<main>\n<article class="story">\n'
        f"<h1>{html.escape(a['title'])}</h1>\n"
        + (
            f'<p class="byline">By <span class="author">{html.escape(byline)}</span></p>\n'
            if byline
            else ""
        )
        + f'<time datetime="{a["published"]}">{human_date(a["published"])}</time>\n'
        '<div class="article-body">\n' + "\n".join(body) + "\n</div>\n</article>\n"
        f'<aside class="related"><h2>More coverage</h2><ul>{rel}</ul></aside>\n</main>\n'
    )


def div_soup_main(a: Record, body: list[str], byline: str, rel: str) -> str:
    """Template 1: ``<div>`` paragraphs with ad slots between them, share tools, a rail."""
    chunks = []
    for i, p in enumerate(body):
        chunks.append(p.replace("<p>", '<div class="para">', 1).replace("</p>", "</div>"))
        if i in (2, 6):
            chunks.append('<div class="ad-slot" data-ad="inline">Advertisement</div>')
    kicker = html.escape(a["topic"].replace("_", " ").title())
    return (
        '<div id="content" class="container">\n<div class="headline-block">'
        f'<div class="kicker">{kicker}</div>'
        f'<h1 class="headline">{html.escape(a["title"])}</h1>'
        + (f'<span class="byline">{html.escape(byline)}</span>' if byline else "")
        + f'<span class="dateline">Published {human_date(a["published"])}</span></div>\n'
        '<div class="story-body">\n' + "\n".join(chunks) + "\n</div>\n" + SHARE
        + f'<div class="rail"><h3>Trending</h3><ul>{rel}</ul></div>\n</div>\n'
    )  # fmt: skip


def promo_main(a: Record, body: list[str], byline: str, related: list[Record]) -> str:
    """Template 2: ``<main>`` with a newsletter promo and a read-next box inside the body."""
    chunks = list(body)
    if len(chunks) > 4:
        chunks.insert(3, PROMO)
    if related:
        first = related[0]
        chunks.insert(
            min(len(chunks), 6),
            f'<div class="read-next">Read next: <a href="{first["id"]}.html">'
            f"{html.escape(first['title'])}</a></div>",
        )
    meta = (
        f'<div class="meta"><span itemprop="author">{html.escape(byline)}</span>'
        if byline
        else '<div class="meta">'
    )
    return (
        '<main role="main">\n<header class="article-header">'
        f'<h1 itemprop="headline">{html.escape(a["title"])}</h1>' + meta
        + f' &middot; <time itemprop="datePublished" datetime="{a["published"]}">'
        f"{human_date(a['published'])}</time></div></header>\n"
        '<section class="article-content" itemprop="articleBody">\n'
        + "\n".join(chunks) + "\n</section>\n"
        '<section class="comments"><h2>Comments</h2>'
        "<p>Comments are closed for this article.</p></section>\n</main>\n"
    )  # fmt: skip


def render_page(a: Record, template: int, related: list[Record]) -> str:
    site = a["outlet"]
    byline = ", ".join(a["authors"])
    rel = "".join(
        f'<li><a href="{r["id"]}.html">{html.escape(r["title"])}</a></li>' for r in related
    )
    body = [f"<p>{html.escape(p)}</p>" for p in a["text"].split("\n\n")]
    if template == 0:
        main = semantic_main(a, body, byline, rel)
    elif template == 1:
        main = div_soup_main(a, body, byline, rel)
    else:
        main = promo_main(a, body, byline, related)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n' + page_head(a, site) + "<body>\n"
        + NAV.format(site=html.escape(site)) + main + FOOTER.format(site=html.escape(site))
        + "</body>\n</html>\n"
    )  # fmt: skip


# Feeds ---------------------------------------------------------------------------------------


def paragraphs_html(item: Record) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in item["paras"])


def rss_feed(name: str, home: str, self_url: str, items: list[Record], full: bool) -> str:
    last = max(noon_utc(i["published"]) for i in items)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{xml_escape(name)}</title>",
        f"<link>{xml_escape(home)}</link>",
        f"<description>{xml_escape('Latest articles from ' + name)}</description>",
        "<language>en-us</language>",
        f"<lastBuildDate>{format_datetime(last)}</lastBuildDate>",
        f'<atom:link href={quoteattr(self_url)} rel="self" type="application/rss+xml"/>',
    ]
    for i in items:
        out += [
            "<item>",
            f"<title>{xml_escape(i['title'])}</title>",
            f"<link>{xml_escape(i['page_url'])}</link>",
            f'<guid isPermaLink="false">{xml_escape(i["url"])}</guid>',
            f"<pubDate>{format_datetime(noon_utc(i['published']))}</pubDate>",
        ]
        out += [f"<dc:creator>{xml_escape(n)}</dc:creator>" for n in i["authors"]]
        out.append(f"<category>{xml_escape(i['topic'])}</category>")
        out.append(f"<description>{cdata(i['paras'][0])}</description>")
        if full:
            out.append(f"<content:encoded>{cdata(paragraphs_html(i))}</content:encoded>")
        out.append("</item>")
    return "\n".join([*out, "</channel>", "</rss>", ""])


def atom_feed(name: str, home: str, self_url: str, items: list[Record], full: bool) -> str:
    last = max(noon_utc(i["published"]) for i in items)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"<title>{xml_escape(name)}</title>",
        f"<id>tag:newsdesk.local,2024:feed:{slug(name)}</id>",
        f'<link rel="alternate" href={quoteattr(home)}/>',
        f'<link rel="self" href={quoteattr(self_url)}/>',
        f"<updated>{last.isoformat().replace('+00:00', 'Z')}</updated>",
    ]
    for i in items:
        ts = iso_z(i["published"])
        out += [
            "<entry>",
            f'<title type="text">{xml_escape(i["title"])}</title>',
            f"<id>{xml_escape(i['url'])}</id>",
            f'<link rel="alternate" type="text/html" href={quoteattr(i["page_url"])}/>',
            f"<published>{ts}</published>",
            f"<updated>{ts}</updated>",
        ]
        out += [f"<author><name>{xml_escape(n)}</name></author>" for n in i["authors"]]
        out.append(f"<category term={quoteattr(i['topic'])}/>")
        out.append(f'<summary type="text">{xml_escape(i["paras"][0])}</summary>')
        if full:
            out.append(f'<content type="html">{xml_escape(paragraphs_html(i))}</content>')
        out.append("</entry>")
    return "\n".join([*out, "</feed>", ""])


def json_feed(name: str, home: str, self_url: str, items: list[Record], full: bool) -> str:
    entries = []
    for i in items:
        entry: Record = {
            "id": i["url"],
            "url": i["page_url"],
            "external_url": i["url"],
            "title": i["title"],
            "summary": i["paras"][0],
            "date_published": iso_z(i["published"]),
            "authors": [{"name": n} for n in i["authors"]],
            "tags": [i["topic"]],
        }
        if full:
            entry["content_text"] = "\n\n".join(i["paras"])
        else:
            entry["content_html"] = "<p>" + html.escape(i["paras"][0]) + "</p>"
        entries.append(entry)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": name,
        "home_page_url": home,
        "feed_url": self_url,
        "language": "en",
        "items": entries,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


FeedWriter = Callable[[str, str, str, list[Record], bool], str]
KINDS: list[tuple[str, str, FeedWriter]] = [
    ("rss", ".rss.xml", rss_feed),
    ("atom", ".atom.xml", atom_feed),
    ("json", ".json", json_feed),
]


# The mini-web --------------------------------------------------------------------------------


def build(folder: Path, base_url: str = BASE_URL, source: Path | None = None) -> Path:
    """Write the mini-web of ``source`` (default: the bundled sample) into ``folder``."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    source = source or Path(str(SAMPLE_DUMP))
    lines = source.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    (folder / "pages").mkdir(parents=True, exist_ok=True)
    (folder / "feeds").mkdir(exist_ok=True)
    shutil.copyfile(source, folder / "articles.jsonl")

    # An outlet always looks the same: its page template follows its place among the outlets.
    outlets = sorted({a["outlet"] for a in records})
    by_cluster: dict[str, list[Record]] = {}
    by_outlet: dict[str, list[Record]] = {}
    for a in records:
        by_cluster.setdefault(a["cluster_id"], []).append(a)
        by_outlet.setdefault(a["outlet"], []).append(a)
    for a in records:
        related = [x for x in by_cluster[a["cluster_id"]] if x["id"] != a["id"]]
        page = render_page(a, outlets.index(a["outlet"]) % 3, related)
        (folder / a["page"]).write_text(page, encoding="utf-8")

    opml = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "<head><title>newsdesk sample feeds</title></head>",
        "<body>",
    ]
    for n, outlet in enumerate(outlets):
        kind, ext, write = KINDS[n % 3]
        full = (n // 3) % 2 == 0
        name = f"feeds/{slug(outlet)}{ext}"
        newest_first = sorted(by_outlet[outlet], key=lambda x: (x["published"], x["id"]))[::-1]
        items = [
            dict(a, page_url=base + a["page"], paras=a["text"].split("\n\n")) for a in newest_first
        ]
        home = "https://" + by_outlet[outlet][0]["outlet_domain"] + "/"
        feed = write(outlet, home, base + name, items, full)
        (folder / name).write_text(feed, encoding="utf-8")
        opml.append(
            f'<outline type="{kind}" text={quoteattr(outlet)} title={quoteattr(outlet)} '
            f"xmlUrl={quoteattr(base + name)} htmlUrl={quoteattr(home)}/>"
        )
    opml += ["</body>", "</opml>", ""]
    (folder / "feeds" / "feeds.opml").write_text("\n".join(opml), encoding="utf-8")

    urls = dict(sorted((a["url"], a["page"]) for a in records))
    text = json.dumps(urls, ensure_ascii=False, indent=1) + "\n"
    (folder / "urls.json").write_text(text, encoding="utf-8")
    return folder


def _built_once() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-sample-web-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return build(folder / "sample")


SAMPLE = _built_once()
"""The mini-web of the bundled sample, built when this module is first imported."""
