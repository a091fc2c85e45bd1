"""``newsdesk check`` on HTML articles: a news page and a Jekyll build of one story.

``article.html`` is a typical news page (navigation, ads, scripts, JSON-LD, a
newsletter form, related links, a footer) carrying the errors injected into
``article.md``; ``faithful.html`` is a Jekyll (minima) build of a faithful
article, into which errors are planted one at a time, as for Markdown.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from newsdesk.errors import InputError
from newsdesk.records import Article
from newsdesk.verify import Report, check_article, load_sources, parse_article
from newsdesk.verify.articles.report import ClaimReport

FIXTURES = Path(__file__).parent / "fixtures" / "check"
PAGE = (FIXTURES / "article.html").read_text(encoding="utf-8")
JEKYLL = (FIXTURES / "faithful.html").read_text(encoding="utf-8")
NBC_URL = (
    "https://www.nbcnews.com/news/us-news/first-federal-execution-17-years-carried-out-"
    "indiana-after-supreme-n1233749"
)
HILL_URL = (
    "https://thehill.com/homenews/administration/507199-federal-prisoner-executed-hours-"
    "after-supreme-court-decision"
)


@pytest.fixture(scope="module")
def sources() -> list[Article]:
    return load_sources(FIXTURES / "sources.jsonl")


@pytest.fixture(scope="module")
def report(sources: list[Article]) -> Report:
    return check_article(PAGE, sources, name="article.html")


def claim(report: Report, starts_with: str) -> ClaimReport:
    """The one claim whose clean text starts with ``starts_with``."""
    found = [c for c in report.claims if c.unit.clean.startswith(starts_with)]
    assert len(found) == 1, [c.unit.clean for c in report.claims]
    return found[0]


def assert_exact_spans(html: str) -> None:
    for unit in parse_article(html, "page.html").units:
        assert html[unit.start : unit.end] == unit.text, unit
        assert unit.text == unit.text.strip() and unit.clean == " ".join(unit.clean.split())


# Reading the page ---------------------------------------------------------------------------


def test_news_page_units_are_the_story_only() -> None:
    parsed = parse_article(PAGE, "article.html")
    assert parsed.format == "html"
    assert (parsed.title, parsed.date, parsed.category) == (
        "First federal execution in 17 years carried out in Indiana after Supreme Court "
        "cleared way",
        "2020-07-14",
        "Politics",
    )
    found = [(u.kind, u.field, u.clean[:40]) for u in parsed.units]
    assert found == [
        ("sentence", "category", "Politics"),
        ("sentence", "date", "2020-07-14T11:02:00-04:00"),
        ("heading", "title", "First federal execution in 17 years carr"),
        ("sentence", None, "The U.S. carried out the first federal e"),
        ("sentence", None, "Daniel Lewis Lee, who was convicted of k"),
        ("sentence", None, "According to The Hill, Lee's killing cam"),
        ("sentence", None, "Lee was scheduled to receive a lethal do"),
        ("sentence", None, 'Before he died, Lee told witnesses: "I f'),
        ("sentence", None, "“I am at peace,” Lee said before he was "),
        ("sentence", None, "According to Fox News, the Eighth Amendm"),
        ("sentence", None, "According to NBC News, Sotomayor, in a d"),
        ("sentence", None, "Those relatives had long argued that Lee"),
        ("sentence", None, "“For us, it is a matter of being there a"),
        ("list_item", None, "Ruth Friedman, an attorney for Lee, call"),
        ("list_item", None, "Keith Dwayne Nelson is scheduled to be e"),
        ("heading", None, "Two more executions are scheduled this w"),
        ("table_row", None, "Wesley Ira Purkey, Wednesday"),
        ("table_row", None, "Dustin Lee Honken, Friday"),
        ("source_link", None, "NBC News"),
        ("source_link", None, "The Hill"),
        ("source_link", None, "Wire report"),
    ]
    for unit in parsed.units:
        assert PAGE[unit.start : unit.end] == unit.text


def test_meta_values_and_spans_are_in_the_raw_page() -> None:
    units = {u.field: u for u in parse_article(PAGE, "article.html").units if u.field}
    section = PAGE.index('content="Politics"') + len('content="')
    assert (units["category"].start, units["category"].text) == (section, "Politics")
    assert PAGE[units["date"].start - 9 : units["date"].start] == 'content="'
    title = units["title"]
    assert PAGE[title.start - len('<h1 class="headline">') : title.start] == '<h1 class="headline">'


def test_entities_are_decoded_in_clean_and_kept_in_text() -> None:
    units = parse_article(PAGE, "article.html").units
    lede = next(u for u in units if u.clean.startswith("Daniel Lewis Lee, who"))
    assert lede.text.endswith("Terre&nbsp;Haute, NBC News reported.")
    assert lede.clean.endswith("Terre Haute, NBC News reported.")
    peace = next(u for u in units if u.clean.startswith("“I am at peace"))
    assert peace.text.startswith("&#8220;I am at peace,&#8221;")
    hill = next(u for u in units if u.clean.startswith("According to The Hill"))
    assert "Lee&#39;s" in hill.text and "Lee's" in hill.clean
    assert hill.text.startswith("According to <a href=") and "<a" not in hill.clean
    item = next(u for u in units if u.clean.startswith("Ruth Friedman"))
    assert item.text.endswith("<em>shameful</em>.") and item.clean.endswith("outcome shameful.")


def test_furniture_and_page_chrome_are_not_claims() -> None:
    cleans = " ".join(u.clean for u in parse_article(PAGE, "article.html").units)
    for chrome in (
        "Skip to main content",  # skip link
        "Markets",  # navigation
        "Advertisement",  # ad slots
        "googletag",  # scripts
        "Lee was 52",  # JSON-LD and an HTML comment
        "Courier Staff",  # byline
        "min read",
        "AP",  # photo credit
        "morning briefing",  # newsletter form
        "More from Politics",  # related links
        "enable JavaScript",  # noscript
        "All rights reserved",  # footer
        "Reaction",  # a section label
        "Inmate, Day",  # the table's header row
    ):
        assert chrome not in cleans, chrome


@pytest.mark.parametrize(
    "label",
    [
        "<h2>Background</h2>",
        "<h2>What happened</h2>",
        "<h3>Key figures:</h3>",
        "<h2></h2>",
        "<h3> &nbsp; </h3>",
        "<p><strong>Key figures</strong></p>",
        "<p>Timeline</p>",
        "<p><b>What happened</b></p>",
        "<p>By Jane Doe and John Roe, Reuters</p>",
        "<p>By Jane Doe | Reuters</p>",
        "<p>Staff report</p>",
        "<div>From staff and wire reports</div>",
    ],
)
def test_labels_bylines_and_empty_headings_are_not_claims(label: str) -> None:
    body = "<p>Lee was executed on Tuesday in Terre Haute.</p>"
    page = f"<html><body><article><h1>Lee executed</h1>{label}{body}</article></body></html>"
    units = parse_article(page, "page.html").units
    assert [u.clean for u in units] == [
        "Lee executed",
        "Lee was executed on Tuesday in Terre Haute.",
    ]


def test_a_short_linked_paragraph_is_still_checked() -> None:
    page = '<html><body><h1>Lee</h1><p><a href="https://a.test/1">Wire report</a></p></body></html>'
    units = parse_article(page, "page.html").units
    assert [(u.clean, u.urls) for u in units] == [
        ("Lee", ()),
        ("Wire report", ("https://a.test/1",)),
    ]


def test_sources_list_gives_link_units_spanning_the_element() -> None:
    links = [u for u in parse_article(PAGE, "article.html").units if u.kind == "source_link"]
    assert [u.url for u in links] == [
        NBC_URL,
        "https://TheHill.com/homenews/administration/507199-federal-prisoner-executed-hours-"
        "after-supreme-court-decision/",
        "https://example.com/story_0000.html",
    ]
    assert all(u.text.startswith("<a href=") and u.text.endswith("</a>") for u in links)


# Checking it --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_with", "verdict", "kind", "fragment"),
    [
        ("Lee was scheduled", "contradicted", "number", "claim says 6 p.m."),
        ("Before he died", "unsupported", "quote", "quotation not in any source: “I forgive"),
        ("“I am at peace", "unsupported", "quote", "quotation not in any source: “I am"),
        ("According to Fox News", "unsupported", "attribution", "credits Fox News, but"),
        ("According to NBC News", "unsupported", "attribution", "credits NBC News, but"),
        ("Those relatives", "unsupported", "url", "story_0000.html is not the URL of any source"),
        ("Wire report", "unsupported", "url", "looks like a placeholder"),
    ],
)
def test_injected_errors_in_a_page_are_flagged(
    report: Report, starts_with: str, verdict: str, kind: str, fragment: str
) -> None:
    found = claim(report, starts_with)
    assert (found.verdict, found.kind) == (verdict, kind), found.result.reason
    assert fragment in found.result.reason


def test_everything_else_on_the_page_is_supported(report: Report) -> None:
    flagged = [c.unit.clean[:20] for c in report.claims if c.verdict != "supported"]
    assert len(flagged) == 7, flagged
    assert report.summary == {"claims": 21, "supported": 14, "contradicted": 1, "unsupported": 6}
    hill = claim(report, "According to The Hill")
    url = [c for c in hill.result.checks if c.kind == "url"]
    assert [(c.verdict, c.detail) for c in url] == [("pass", "links to baly-2W1WED0JCBIU7WlD")]


def test_page_report_follows_the_json_contract(report: Report, sources: list[Article]) -> None:
    data = json.loads(json.dumps(report.to_dict()))
    by_id = {source.id: source for source in sources}
    assert data["article"]["date"] == "2020-07-14"
    for found in data["claims"]:
        assert found["text"] == PAGE[found["start"] : found["end"]]
        for evidence in found["evidence"]:
            source = by_id[evidence["source_id"]]
            assert evidence["quote"] in source.text or evidence["quote"] in source.title


def test_cli_checks_a_page(invoke: Callable[..., Result], tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    sources = str(FIXTURES / "sources.jsonl")
    result = invoke("check", str(page), "--sources", sources, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"]["contradicted"] == 1 and data["summary"]["unsupported"] == 6
    assert all(PAGE[c["start"] : c["end"]] == c["text"] for c in data["claims"])
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    result = invoke("check", str(empty), "--sources", sources)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {empty}: found no article text in the HTML page"
    ]


# A Jekyll build, with errors planted one at a time ------------------------------------------


def test_jekyll_page_passes(sources: list[Article]) -> None:
    report = check_article(JEKYLL, sources, name="post.html")
    flagged = [(c.unit.clean, c.result.reason) for c in report.claims if c.verdict != "supported"]
    assert flagged == []
    fields = {c.unit.field: c.unit.clean for c in report.claims if c.unit.field}
    assert fields == {
        "title": "First federal execution in 17 years carried out in Terre Haute",
        "date": "2020-07-14T00:00:00+00:00",
        "category": "Politics",
    }
    assert len(report.claims) == 12


PLANTED = [
    ("Attorney General William Barr said", "Attorney General Jeff Sessions said", "role", None),
    (
        "<p>Daniel Lewis Lee on Tuesday became",
        "<p>Daniel Lewis Lee on Thursday became",
        "date",
        None,
    ),
    ("in Terre Haute, Indiana", "in Florence, Colorado", "place", None),
    ("You&#8217;re killing an innocent man", "You&#8217;re killing a guilty man", "quote", None),
    (
        "Lee&#8217;s attorney, Ruth Friedman, said:",
        "Attorney General William Barr said:",
        "speaker",
        "contradicted",
    ),
    ("ruled 5-4 against", "ruled 6-3 against", "number", "contradicted"),
    ("since 2003, The Hill reported.", "since 2003, Fox News reported.", "attribution", None),
    (f'href="{NBC_URL}"', 'href="https://www.nbcnews.com/story_0000.html"', "url", "unsupported"),
    (
        f'href="{HILL_URL}">according',
        'href="https://thehill.com/story_0001">according',
        "url",
        None,
    ),
    ('content="Politics', 'content="Markets', "category", "unsupported"),
]


@pytest.mark.parametrize(("faithful", "planted", "kind", "verdict"), PLANTED)
def test_planted_error_in_html_is_flagged_with_the_right_kind(
    sources: list[Article], faithful: str, planted: str, kind: str, verdict: str | None
) -> None:
    assert faithful in JEKYLL
    text = JEKYLL.replace(faithful, planted, 1)
    report = check_article(text, sources, name="post.html")
    offset = text.index(planted) + len(planted) - 1
    hit = [c for c in report.claims if c.unit.start <= offset < c.unit.end]
    assert hit, f"no claim covers the planted error {planted!r}"
    found = hit[0]
    assert found.verdict != "supported", found.unit.text
    assert found.kind == kind, (found.kind, found.result.reason)
    if verdict is not None:
        assert found.verdict == verdict, found.result.reason
    others = [c for c in report.claims if c is not found and c.verdict != "supported"]
    assert others == [], [(c.unit.text, c.result.reason) for c in others]


# Metadata fallbacks and odd markup ----------------------------------------------------------


def test_title_falls_back_to_og_title_then_title_element() -> None:
    og = (
        '<html><head><title>Lee executed | Courier</title><meta property="og:title" '
        'content="Lee executed in Terre Haute"></head><body><p>Lee was executed on Tuesday '
        "morning.</p></body></html>"
    )
    parsed = parse_article(og, "page.html")
    title = next(u for u in parsed.units if u.field == "title")
    assert (parsed.title, title.text) == ("Lee executed in Terre Haute", title.clean)
    assert og[title.start - 9 : title.start] == 'content="'
    plain = og.replace('<meta property="og:title" content="Lee executed in Terre Haute">', "")
    title = next(u for u in parse_article(plain, "page.html").units if u.field == "title")
    assert (title.text, title.clean) == ("Lee executed", "Lee executed")


def test_category_and_date_from_other_markup() -> None:
    page = (
        '<meta name="category" content="World"><h1>Lee executed</h1>'
        '<p>Posted <time datetime="2020-07-14">Tuesday</time> at noon by the desk.</p>'
    )
    parsed = parse_article(page, "page.html")
    assert (parsed.category, parsed.date) == ("World", "2020-07-14")
    date = next(u for u in parsed.units if u.field == "date")
    assert date.text == "2020-07-14" and page[date.start - 10 : date.start] == 'datetime="'


def test_nested_blocks_split_cleanly() -> None:
    page = (
        "<ul><li><p>Lee was executed on Tuesday.</p></li>"
        "<li>Purkey is next<ul><li>Honken follows on Friday</li></ul></li></ul>"
        "<blockquote><p>First quoted sentence here. Second one.</p></blockquote>"
        "<table><tr><td><p>Purkey</p></td><td>Wednesday</td></tr></table>"
    )
    parsed = parse_article(page, "page.html")
    assert [(u.kind, u.clean) for u in parsed.units] == [
        ("list_item", "Lee was executed on Tuesday."),
        ("list_item", "Purkey is next"),
        ("list_item", "Honken follows on Friday"),
        ("sentence", "First quoted sentence here."),
        ("sentence", "Second one."),
        ("table_row", "Purkey, Wednesday"),
    ]
    assert_exact_spans(page)


def test_sources_list_ends_at_the_next_heading_and_takes_bare_urls() -> None:
    page = (
        "<h2>References</h2><ul><li><a href='https://a.test/1'>A</a></li>"
        "<li>https://b.test/2.</li></ul><table><tr><td><a href='https://d.test/4'>D</a></td>"
        "<td>E</td></tr></table><div><a href='https://e.test/5'>E</a></div>"
        "<h2>What the court said on Monday</h2>"
        "<p>More text follows here, with <a href='https://c.test/3'>a link</a>.</p>"
    )
    units = parse_article(page, "page.html").units
    assert [(u.kind, u.url) for u in units if u.kind == "source_link"] == [
        ("source_link", "https://a.test/1"),
        ("source_link", "https://b.test/2"),
        ("source_link", "https://d.test/4"),
        ("source_link", "https://e.test/5"),
    ]
    body = units[-1]
    assert body.kind == "sentence" and [link.url for link in body.links] == ["https://c.test/3"]
    assert_exact_spans(page)


def test_inline_links_carry_a_title_only_when_one_is_cited() -> None:
    page = (
        f'<p>NBC ran &#8220;<a href="{NBC_URL}">Trump pardons Lee in a surprise move</a>&#8221; '
        f'and <a href="{HILL_URL}">reported the ruling later that morning</a>; see '
        "https://x.test/page, <a href='https://y.test/1'><em>The Long Road</em></a> "
        "and <a href='/local'>ours</a>.</p>"
    )
    (unit,) = parse_article(page, "page.html").units
    assert [(link.url, link.label) for link in unit.links] == [
        (NBC_URL, "Trump pardons Lee in a surprise move"),
        (HILL_URL, None),
        ("https://x.test/page", None),
        ("https://y.test/1", "The Long Road"),
    ]


def test_a_permalink_to_the_page_itself_is_not_a_citation() -> None:
    page = (
        '<head><link rel="canonical" href="https://ledger.test/2020/07/14/lee.html"></head>'
        '<h1><a href="https://www.ledger.test/2020/07/14/lee.html">Lee executed</a></h1>'
        "<p>Lee was executed, <a href='https://ledger.test/2020/07/13/ruling.html'>a day after"
        "</a> the ruling.</p>"
    )
    title, sentence = parse_article(page, "page.html").units
    assert title.field == "title" and title.links == ()
    assert sentence.urls == ("https://ledger.test/2020/07/13/ruling.html",)


@pytest.mark.parametrize(
    "page",
    [
        "<p>Lee was executed. <b>Unclosed bold. <i>And italic.</p><p>Next paragraph here.",
        "</div></span><p>Stray end tags first.</p></td></tr>",
        "<div><p>One<div>Two words here and more</div>Three</p></div>",
        "<table><p>Paragraph in a table.</p><tr><td>Cell</tr></table>",
        "<p>An &unknown; entity, &amp a bare one &#x201C;hex&#x201D; and &#9999999; too.</p>",
        "<p>Comment <!-- never closed",
        "<h1>Title <p>inside a heading</h1><li>Item outside any list",
        "<script>document.write('<p>x</p>')</script><p>After the script tag ends.</p>",
        "<p>Text<br/>with<br>breaks<hr>and a rule that ends it all.</p>",
        "<p>Line one\r\nline &amp; two.</p>\r\n<p>Next\r\n&#8220;and&#8221; last.</p>",
        "<div>Loose text in a division, with <a href='https://a.test/x'>a link</a>.</div>",
    ],
)
def test_malformed_html_does_not_crash(page: str) -> None:
    assert_exact_spans(page)


def test_every_prefix_of_a_real_page_parses_with_exact_spans() -> None:
    for end in range(40, len(PAGE), 61):
        try:
            units = parse_article(PAGE[:end], "page.html").units
        except InputError as error:
            assert "found no article text" in str(error)
            continue
        assert all(PAGE[u.start : u.end] == u.text for u in units)


def test_loose_text_is_read_when_long_enough() -> None:
    page = (
        "<body><div>Menu</div><div>Lee was executed on <a href='https://a.test/x'>Tuesday"
        "</a> morning in Terre Haute.</div></body>"
    )
    (unit,) = parse_article(page, "page.html").units
    assert unit.clean == "Lee was executed on Tuesday morning in Terre Haute."
    assert unit.urls == ("https://a.test/x",)


def test_page_without_article_text_is_a_one_line_error() -> None:
    with pytest.raises(InputError, match="found no article text in the HTML page") as error:
        parse_article("<html><body><nav>Home</nav><script>x()</script></body></html>", "a.html")
    assert "\n" not in str(error.value)


def test_html_suffix_and_markdown_suffix_decide() -> None:
    markdown = "# Lee executed in Terre Haute\n\n<p>Raw HTML in Markdown stays Markdown.</p>\n"
    assert parse_article(markdown, "post.md").format == "markdown"
    assert parse_article("Lee was executed on Tuesday.", "post.html").format == "html"


# Corrections: the site's ``aside.corrections`` ---------------------------------------------

SITE_NOTE = (
    '<p id="correction-1"><strong>Correction</strong> <time datetime="2024-05-07">7 May'
    " 2024</time>. An earlier version of this article was wrong: {wrong} What is right:"
    " {right} Source: {source}.</p>"
)


def corrected_page(*notes: str) -> str:
    """A story page as the site renders one, with its correction notes."""
    aside = '<aside class="corrections" aria-label="Corrections">' + "".join(notes) + "</aside>"
    return (
        "<html><head><title>Ferry budget</title></head><body><article>"
        "<h1>Harbour council approves ferry budget</h1>"
        f"{aside}<p>The council met on Monday evening in the harbour hall.</p>"
        "</article></body></html>"
    )


def html_units(page: str) -> list[str]:
    return [unit.clean for unit in parse_article(page, "story.html").units]


@pytest.mark.parametrize(
    ("note", "claims"),
    [
        (  # the site's note: what is right and the source's link are read, the error is not
            SITE_NOTE.format(
                wrong="It was 6 to 3.",
                right="It was 7 to 2.",
                source='<a href="https://harbour.example/ferry">Harbour Post</a>',
            ),
            ["It was 7 to 2.", "Harbour Post"],
        ),
        (  # an outlet with no link
            SITE_NOTE.format(wrong="It was 6 to 3.", right="It was 7 to 2.", source="AP"),
            ["It was 7 to 2."],
        ),
        (  # a link inside the quoted error must be checked: the whole note is read
            SITE_NOTE.format(
                wrong='It was <a href="https://times.example/x">6 to 3</a>.',
                right="It was 7 to 2.",
                source="AP",
            ),
            [
                "Correction 7 May 2024.",
                "An earlier version of this article was wrong: It was 6 to 3.",
                "What is right: It was 7 to 2.",
                "Source: AP.",
            ],
        ),
        (  # an "outlet" that says something is no label: the whole note is read
            SITE_NOTE.format(
                wrong="It was 6 to 3.", right="It was 7 to 2.", source="The mayor resigned today"
            ),
            [
                "Correction 7 May 2024.",
                "An earlier version of this article was wrong: It was 6 to 3.",
                "What is right: It was 7 to 2.",
                "Source: The mayor resigned today.",
            ],
        ),
        (  # anything else in the aside is a claim: the aside hides nothing
            "<p>The mayor resigned on Monday after the vote.</p>",
            ["The mayor resigned on Monday after the vote."],
        ),
    ],
)
def test_a_corrections_aside_hides_only_the_quoted_error(note: str, claims: list[str]) -> None:
    units = html_units(corrected_page(note))
    assert units[0] == "Harbour council approves ferry budget"
    assert units[1:-1] == claims
    assert units[-1] == "The council met on Monday evening in the harbour hall."


def test_other_asides_are_still_skipped() -> None:
    page = corrected_page().replace('class="corrections"', 'class="related"')
    page = page.replace("</aside>", "<p>Read our other ferry stories this week.</p></aside>")
    assert "Read our other ferry stories this week." not in html_units(page)
