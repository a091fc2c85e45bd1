"""The url check: links must lead to a source, under any harmless spelling."""

from __future__ import annotations

import pytest

from newsdesk.language.urls import is_placeholder, normalize_url, placeholder, same_site, site
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
    ("url", "marker"),
    [
        ("https://example.com/story_0000.html", "story_0000"),
        ("https://www.reuters.com/world/news_XXXXXX.html", "news_XXXXXX"),
        ("https://www.reuters.com/world/story_0001.html", "story_0001"),
        ("https://news.site/article-12", "article-12"),
        ("https://cnn.com/placeholder/", "placeholder"),
        ("https://www.example.org/world/politics-story", "example.org"),
        ("https://cnn.test/politics/a-story", "cnn.test"),
        ("https://news.invalid/politics/a-story", "news.invalid"),
        ("https://news.yourdomain.com/politics/a-story", "news.yourdomain.com"),
        ("https://site.com/news/{id}", "{id}"),
        ("https://site.com/news/%7Bslug%7D", "%7Bslug%7D"),
        ("https://site.com/news/<slug>/", "<slug>"),
        ("https://site.com/news/:id?ref=home", ":id"),
        ("https://site.com/view?id=0000", "id=0000"),
        ("https://site.com/view?id=xxxx", "id=xxxx"),
        ("https://site.com/view?id=1111", "id=1111"),
        ("https://site.com/article/12345678", "12345678"),
        ("https://site.com/news/lorem-ipsum-dolor", "lorem-ipsum-dolor"),
    ],
)
def test_invented_urls_fail_and_name_what_gives_them_away(url: str, marker: str) -> None:
    assert is_placeholder(url)
    result = check_link(url, None, [SOURCE])
    assert result.label == "unsupported"
    assert result.checks[0].kind == "url"
    assert result.reason == (
        f"{url} is not the URL of any source and looks like a placeholder ({marker})"
    )


@pytest.mark.parametrize(
    "url",
    [
        SOURCE.url,
        "https://www.reuters.com/article/us-usa-abortion-alabama/aclu-sue-idUSKCN1SU1OE",
        "https://www.cnn.com/2019/04/28/media/ny-times-anti-semitic-cartoon/index.html",
        "https://apnews.com/9a70f20290db4bd593d4051c84c547e5",
        "https://www.newsmax.com/newsfront/bernie-sanders-doc/2020/01/21/id/950623/",
        "https://www.usatoday.com/story/news/politics/2019/05/20/trump-bank/3738886002/",
        "https://site.com/2000/01/01/y2k",  # a date path, not a run
        "https://site.com/news/page/2",  # pagination
        "https://www.vice.com/en_us/article/xxx-return-of-xander-cage",  # a title's xXx
        "https://www.imdb.com/title/tt0111161/",
    ],
)
def test_real_urls_show_no_sign_of_being_invented(url: str) -> None:
    assert placeholder(url) is None


def test_strong_and_weak_signs() -> None:
    strong = placeholder("https://www.nbcnews.com/story_0000.html")
    assert strong is not None and (strong.marker, strong.strong) == ("story_0000", True)
    weak = placeholder("https://www.nbcnews.com/news/world-1234")
    assert weak is not None and (weak.marker, weak.strong) == ("world-1234", False)
    # The path says more than the host: the segment is named before example.com.
    sign = placeholder("https://example.com/story_0000.html")
    assert sign is not None and sign.marker == "story_0000"


def test_weak_signs_are_named_only_off_the_sources_sites() -> None:
    on_source_site = check_link("https://www.nbcnews.com/news/world-12345678", None, [SOURCE])
    assert on_source_site.label == "unsupported"
    assert "placeholder" not in on_source_site.reason  # nbcnews may mint such an id
    off_site = check_link("https://www.bbc.com/news/world-12345678", None, [SOURCE])
    assert off_site.reason.endswith("looks like a placeholder (world-12345678)")
    # A strong sign is a placeholder even on a source's own site.
    zeros = check_link("https://www.nbcnews.com/x/story_0000.html", None, [SOURCE])
    assert zeros.reason.endswith("looks like a placeholder (story_0000)")


def test_sites_compare_across_subdomains() -> None:
    assert site("https://www.NBCNews.com:443/a") == "nbcnews.com"
    assert same_site(site("https://edition.cnn.com/a"), site("https://www.cnn.com/b"))
    assert not same_site("cnn.com", "notcnn.com")


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
