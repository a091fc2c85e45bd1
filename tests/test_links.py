"""The url check: links must lead to a source, under any harmless spelling."""

from __future__ import annotations

import pytest

from newsdesk.language.urls import is_placeholder, normalize_url
from newsdesk.records import Article
from newsdesk.verify.checks.links import check_link

SOURCE = Article(
    "nbc-1",
    "https://www.nbcnews.com/news/us-news/first-federal-execution-17-years-n1233749",
    "NBC News",
    "First federal execution in 17 years carried out in Indiana",
    "Text.",
)


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.nbcnews.com/news/us-news/first-federal-execution-17-years-n1233749",
        "http://nbcnews.com/news/us-news/first-federal-execution-17-years-n1233749/",
        "https://WWW.NBCNEWS.COM/news/us-news/first-federal-execution-17-years-n1233749#comments",
        "https://www.nbcnews.com/news/us-news/first-federal-execution-17-years-n1233749"
        "?utm_source=twitter&utm_medium=social&fbclid=abc",
        "https://www.nbcnews.com/news/us-news/first-federal-execution-17-years-n1233749/amp",
    ],
)
def test_harmless_differences_normalise_away(variant: str) -> None:
    assert normalize_url(variant) == normalize_url(SOURCE.url)
    assert check_link(variant, None, [SOURCE]).label == "supported"


def test_meaningful_query_and_path_differences_stay() -> None:
    assert normalize_url("https://a.com/story?id=1") != normalize_url("https://a.com/story?id=2")
    assert normalize_url("https://a.com/story-1") != normalize_url("https://a.com/story-2")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/story_0000.html",
        "https://www.reuters.com/world/story_0001.html",
        "https://news.site/article-12",
        "https://cnn.com/placeholder/",
    ],
)
def test_invented_urls_fail_and_are_named_placeholders(url: str) -> None:
    assert is_placeholder(url)
    result = check_link(url, None, [SOURCE])
    assert result.label == "unsupported"
    assert result.checks[0].kind == "url"
    assert "not the URL of any source and looks like a placeholder" in result.reason


def test_real_looking_url_of_no_source_fails_without_placeholder_note() -> None:
    result = check_link("https://www.nbcnews.com/politics/other-story-n99", None, [SOURCE])
    assert result.label == "unsupported"
    assert "placeholder" not in result.reason


def test_link_text_must_name_the_source() -> None:
    assert check_link(SOURCE.url, "NBC News", [SOURCE]).label == "supported"
    assert check_link(SOURCE.url, "Read more", [SOURCE]).label == "supported"
    titled = check_link(SOURCE.url, "First federal execution in 17 years", [SOURCE])
    assert titled.label == "supported"
    assert titled.evidence[0].quote == SOURCE.title
    wrong = check_link(SOURCE.url, "Supreme Court blocks border wall funding plan", [SOURCE])
    assert wrong.label == "contradicted"
    assert "whose title is" in wrong.reason
