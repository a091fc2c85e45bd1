"""What newsdesk publishes passes ``newsdesk check``: the same verification anyone can run on
any article, reading the rendered page or post and retrieving its own evidence from the
sources instead of trusting the citations the writer stored."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from newsdesk.api import run
from newsdesk.config import Config, load_config
from newsdesk.publish.jekyll import build_jekyll
from newsdesk.records import Article
from newsdesk.store import open_store
from newsdesk.verify import Report, check_article

HREF = re.compile(r'href="(https?://[^"]+)"')


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, dict[str, Article]]:
    """The sample through ``newsdesk run --sample``, then Jekyll posts of the same stories."""
    folder = tmp_path_factory.mktemp("published")
    config = load_config(database=folder / "news.db", site_dir=folder / "site")
    run(config, sample=True)
    store = open_store(config.store.database)
    try:
        build_jekyll(store, config.publish, folder / "jekyll")
        articles = {article.url: article for article in store.articles()}
    finally:
        store.close()
    return config, articles


def flagged(report: Report) -> list[str]:
    return [
        f"{claim.unit.clean[:80]!r}: {claim.kind}: {claim.result.reason}"
        for claim in report.claims
        if claim.verdict != "supported"
    ]


@pytest.mark.slow
def test_every_jekyll_post_passes_newsdesk_check(
    published: tuple[Config, dict[str, Article]],
) -> None:
    config, articles = published
    posts = sorted((config.store.database.parent / "jekyll" / "_posts").glob("*.md"))
    assert len(posts) >= 20
    claims = 0
    for post in posts:
        text = post.read_text(encoding="utf-8")
        matter = yaml.safe_load(text.split("---\n")[1])
        sources = [articles[source["url"]] for source in matter["sources"]]
        report = check_article(text, sources, name=post.name)
        assert flagged(report) == [], post.name
        assert report.article.category == matter["category"]
        claims += len(report.claims)
    assert claims > 20 * len(posts) / 2


def test_every_story_page_passes_newsdesk_check(
    published: tuple[Config, dict[str, Article]],
) -> None:
    config, articles = published
    pages = sorted((config.publish.site_dir / "stories").glob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        urls = {html.unescape(url) for url in HREF.findall(text)}
        sources = [articles[url] for url in sorted(urls) if url in articles]
        assert len(sources) >= 2, page.name
        report = check_article(text, sources, name=page.name)
        assert flagged(report) == [], page.name
        assert report.article.category is not None
        assert report.article.date is not None


def test_a_planted_error_in_a_post_is_caught(
    published: tuple[Config, dict[str, Article]],
) -> None:
    """The check above could not pass by reading nothing: change one figure and it fails."""
    config, articles = published
    posts = sorted((config.store.database.parent / "jekyll" / "_posts").glob("*.md"))
    for post in posts:
        text = post.read_text(encoding="utf-8")
        body = text.split("---\n", 2)[2]
        number = re.search(r"(?<![\d\[.,])(\d{2,3})(?![\d\]])", body)
        if number is None:
            continue
        wrong = str(int(number.group(1)) + 7)
        start = len(text) - len(body) + number.start(1)
        planted = text[:start] + wrong + text[start + len(number.group(1)) :]
        matter = yaml.safe_load(text.split("---\n")[1])
        sources = [articles[source["url"]] for source in matter["sources"]]
        report = check_article(planted, sources, name=post.name)
        hit = [c for c in report.claims if c.unit.start <= start < c.unit.end]
        assert hit and hit[0].verdict != "supported", (post.name, wrong)
        return
    pytest.fail("no post has a two- or three-digit number to change")


def test_posts_and_pages_name_the_sources_they_were_written_from(
    published: tuple[Config, dict[str, Article]],
) -> None:
    config, articles = published
    posts = sorted((config.store.database.parent / "jekyll" / "_posts").glob("*.md"))
    for post in posts:
        matter = yaml.safe_load(post.read_text(encoding="utf-8").split("---\n")[1])
        assert {source["url"] for source in matter["sources"]} <= set(articles)
        assert len({source["outlet"] for source in matter["sources"]}) >= 2
    assert Path(config.publish.site_dir / "index.html").is_file()
