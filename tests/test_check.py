"""``newsdesk check``: parse an outside article, check it against real sources, report.

The fixtures are real reporting (see ``tests/fixtures/check/README.md``); the
article under test copies sentences from it and carries injected errors, each
of which must be flagged with a reason that names the problem.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.errors import InputError
from newsdesk.language.urls import normalize_url
from newsdesk.records import Article, Evidence
from newsdesk.verify.articles.parse import ParsedArticle, Unit, iso_date, markdown_links
from newsdesk.verify.articles.reading import parse_article
from newsdesk.verify.articles.report import ClaimReport, Report, check_article
from newsdesk.verify.articles.sources import load_sources
from newsdesk.verify.checks import Check, verdict_of

FIXTURES = Path(__file__).parent / "fixtures" / "check"
NBC = "baly-IHtW6TgHxlfrPJsk"
HILL = "baly-2W1WED0JCBIU7WlD"


@pytest.fixture(scope="module")
def sources() -> list[Article]:
    return load_sources(FIXTURES / "sources.jsonl")


@pytest.fixture(scope="module")
def article() -> str:
    return (FIXTURES / "article.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(article: str, sources: list[Article]) -> Report:
    return check_article(article, sources, name="article.md")


def claim(report: Report, starts_with: str) -> ClaimReport:
    """The one claim whose text starts with ``starts_with``."""
    found = [c for c in report.claims if c.unit.text.startswith(starts_with)]
    assert len(found) == 1, [c.unit.text for c in report.claims]
    return found[0]


# Injected errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_with", "verdict", "kind", "fragments"),
    [
        (
            "Lee was scheduled",
            "contradicted",
            "number",
            ("claim says 6 p.m.", f"{NBC} says 4 p.m."),
        ),
        ("Before he died", "unsupported", "quote", ("quotation not in any source: “I forgive",)),
        ("“I am at peace", "unsupported", "quote", ("quotation not in any source: “I am",)),
        ("According to Fox News", "unsupported", "attribution", ("credits Fox News, but",)),
        (
            "According to NBC News",
            "unsupported",
            "attribution",
            ("credits NBC News, but the supporting text is from The Hill",),
        ),
        (
            "[Wire report]",
            "unsupported",
            "url",
            ("is not the URL of any source and looks like a placeholder",),
        ),
    ],
)
def test_injected_errors_are_flagged_with_their_reason(
    report: Report, starts_with: str, verdict: str, kind: str, fragments: tuple[str, ...]
) -> None:
    found = claim(report, starts_with)
    assert found.verdict == verdict
    assert found.kind == kind
    for fragment in fragments:
        assert fragment in found.result.reason


def test_fabricated_url_is_the_unit_url(report: Report) -> None:
    assert claim(report, "[Wire report]").unit.url == "https://example.com/story_0000.html"


# Faithful sentences -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "starts_with",
    [
        "The U.S. carried out the first federal execution in 17 years",
        "Daniel Lewis Lee, who was convicted",
        "According to The Hill, Lee's killing",
        "“For us, it is a matter",
        "- Ruth Friedman, an attorney for Lee",
        "- Keith Dwayne Nelson",
        "### Two more executions are scheduled this week",
        "| Wesley Ira Purkey | Wednesday |",
        "[NBC News](",
        "[The Hill](",
        "https://www.nbcnews.com/",
    ],
)
def test_verbatim_sentences_and_real_links_are_supported(report: Report, starts_with: str) -> None:
    found = claim(report, starts_with)
    assert found.verdict == "supported", found.result.reason
    assert found.result.reason == ""


def test_credited_outlet_is_checked(report: Report) -> None:
    found = claim(report, "According to The Hill, Lee's killing")
    attribution = [c for c in found.result.checks if c.kind == "attribution"]
    assert attribution[0].verdict == "pass"
    assert {e.source.id for e in found.result.evidence} == {HILL}


def test_front_matter_values_are_units_at_their_place(report: Report, article: str) -> None:
    fields = {c.unit.field: c for c in report.claims if c.unit.field}
    assert set(fields) == {"title", "date", "category"}
    assert fields["title"].unit.text.startswith("First federal execution in 17 years")
    assert article[fields["title"].unit.start - 1] == '"'
    assert fields["date"].unit.text == "2020-07-14"
    assert fields["category"].unit.text == "Politics"
    assert all(c.verdict == "supported" for c in fields.values())
    assert report.to_dict()["article"] == {
        "title": fields["title"].unit.text,
        "date": "2020-07-14",
        "category": "Politics",
    }


def test_section_labels_and_sources_heading_are_not_claims(report: Report) -> None:
    texts = [c.unit.text for c in report.claims]
    assert "## Reaction" not in texts
    assert "## Sources" not in texts
    assert "| Inmate | Day |" not in texts


def test_further_coverage_links_are_pointers_and_other_lines_there_are_claims() -> None:
    text = (
        "# Talks in Moscow end without a deal\n\n"
        "Putin met the envoys at the Kremlin for five hours on Tuesday, Reuters reported.\n\n"
        "## Further coverage\n\n"
        "- Le Monde (French): [Poutine reçoit les émissaires](https://lemonde.fr/a), 3 Dec 2025\n"
        "- The envoys flew home with a signed deal.\n"
    )
    units = [u.text for u in parse_article(text, "post.md").units]
    assert not any("Le Monde" in u or "Poutine" in u for u in units)
    assert "- The envoys flew home with a signed deal." in units  # the heading hides no claim


# The report contract ----------------------------------------------------------------------


def test_every_claim_is_an_exact_span_and_every_quote_is_real(
    report: Report, article: str, sources: list[Article]
) -> None:
    by_id = {source.id: source for source in sources}
    for found in report.to_dict()["claims"]:
        assert found["text"] == article[found["start"] : found["end"]]
        for evidence in found["evidence"]:
            source = by_id[evidence["source_id"]]
            assert evidence["url"] == source.url
            assert evidence["quote"] in source.text or evidence["quote"] in source.title


def test_json_shape_and_summary(report: Report) -> None:
    data = json.loads(json.dumps(report.to_dict()))
    assert list(data) == ["article", "claims", "summary"]
    keys = ["id", "text", "start", "end", "field", "verdict", "checks", "evidence", "reason"]
    assert all(list(c) == [*keys, "decided_by", "probability", "failed"] for c in data["claims"])
    for found in data["claims"]:
        failed = [c for c in found["checks"] if c["verdict"] == "fail"]
        assert [(f["kind"], f["detail"]) for f in found["failed"]] == [
            (c["kind"], c["detail"]) for c in failed
        ]
        assert all(list(f) == ["kind", "detail", "source_id"] for f in found["failed"])
        if found["verdict"] == "supported":
            assert found["decided_by"] is None
        else:
            assert found["decided_by"] in {f["kind"] for f in found["failed"]}
    assert [c["id"] for c in data["claims"]] == [f"c{i}" for i in range(1, len(data["claims"]) + 1)]
    for check in (check for c in data["claims"] for check in c["checks"]):
        assert list(check) == ["kind", "verdict", "detail"]
        assert check["verdict"] in ("pass", "fail", "n/a")
    summary = data["summary"]
    verdicts = [c["verdict"] for c in data["claims"]]
    assert summary["claims"] == len(verdicts)
    assert (
        summary["claims"] == summary["supported"] + summary["contradicted"] + summary["unsupported"]
    )
    assert summary["contradicted"] == verdicts.count("contradicted") == 1
    assert summary["unsupported"] == verdicts.count("unsupported") == 5
    assert report.exit_code == 1


def test_text_format_is_one_line_per_flag_and_a_summary(report: Report, article: str) -> None:
    every = report.format_text("article.md").splitlines()
    lines = [line for line in every if not line.startswith(" ")]
    assert len(lines) == 7
    line = article[: article.index("[Wire report]")].count("\n") + 1
    assert any(
        found.startswith(
            f"article.md:{line}:3 unsupported url https://example.com/story_0000.html"
            " is not the URL of any source and looks like a placeholder"
        )
        for found in lines
    )
    s = report.summary
    assert lines[-1] == (
        f"{s['claims']} claims: {s['supported']} supported, 1 contradicted, 5 unsupported"
    )


def test_other_failed_checks_follow_on_indented_lines(report: Report, article: str) -> None:
    lines = report.format_text("article.md").splitlines()
    line = article[: article.index("Before he died")].count("\n") + 1
    at = lines.index(
        f"article.md:{line}:1 unsupported quote quotation not in any source: "
        "“I forgive everyone who brought me to this room.”"
    )
    assert lines[at + 1] == (
        f"  article.md:{line}:1 also support no source sentence matches its content words"
    )
    data = claim(report, "Before he died").to_dict()
    assert data["decided_by"] == "quote"
    assert [(f["kind"], f["source_id"]) for f in data["failed"]] == [
        ("quote", None),
        ("support", None),
    ]


ROLE = Check(
    "role",
    "fail",
    "Jeff Sessions was not attorney general on 2020-07-14; William Barr was (baly-x)",
    conflict=Evidence(Article("baly-x", "https://x.test/1", "X", "Barr", "William Barr"), 0, 12),
)
DATE = Check("date", "fail", "Thursday is not a date any source gives")


def _report(checks: list[Check]) -> Report:
    text = "Attorney General Jeff Sessions said on Thursday that Lee faced justice."
    unit = Unit(text, 0, len(text), clean=text)
    result = verdict_of(checks, ())
    parsed = ParsedArticle("", None, None, [unit], "text")
    return Report("post.md", text, parsed, (ClaimReport("c1", unit, result),))


def test_the_verdict_names_the_check_that_decided_it() -> None:
    found = _report([DATE, ROLE, Check("support", "pass", "")]).claims[0]
    assert found.verdict == "contradicted"
    assert found.result.decided_by == "role" == found.kind
    assert found.result.deciding is ROLE
    assert found.reason == ROLE.detail == found.result.reason
    assert found.also_failed == (DATE,)


def test_each_failed_check_is_reported_under_its_own_label() -> None:
    report = _report([DATE, ROLE])
    assert report.format_text().splitlines() == [
        f"post.md:1:1 contradicted role {ROLE.detail}",
        f"  post.md:1:1 also date {DATE.detail}",
        "1 claim: 0 supported, 1 contradicted, 0 unsupported",
    ]
    data = report.claims[0].to_dict()
    assert (data["verdict"], data["decided_by"], data["reason"]) == (
        "contradicted",
        "role",
        ROLE.detail,
    )
    assert data["failed"] == [
        {"kind": "date", "detail": DATE.detail, "source_id": None},
        {"kind": "role", "detail": ROLE.detail, "source_id": "baly-x"},
    ]


def test_an_unsupported_claim_is_decided_by_its_first_failure() -> None:
    support = Check("support", "fail", "entailment 0.1 < 0.43")
    found = _report([Check("number", "pass", ""), DATE, support]).claims[0]
    assert (found.verdict, found.kind, found.reason) == ("unsupported", "date", DATE.detail)
    assert found.also_failed == (support,)
    passing = _report([Check("support", "pass", "")]).claims[0]
    assert (passing.result.decided_by, passing.kind, passing.also_failed) == (None, "support", ())
    assert passing.to_dict()["failed"] == []


def test_faithful_article_passes(sources: list[Article]) -> None:
    text = (FIXTURES / "faithful.md").read_text(encoding="utf-8")
    report = check_article(text, sources, name="faithful.md")
    assert report.exit_code == 0, report.format_text()
    assert report.format_text().splitlines() == [
        f"{len(report.claims)} claims: {len(report.claims)} supported, 0 contradicted, "
        "0 unsupported"
    ]


# Plain text and other article forms -------------------------------------------------------


def test_plain_text_layout(sources: list[Article]) -> None:
    text = (FIXTURES / "article.txt").read_text(encoding="utf-8")
    parsed = parse_article(text, "article.txt")
    assert parsed.format == "text"
    assert parsed.category == "Politics"
    assert parsed.title.startswith("First federal prisoner in 17 years")
    fields = [u.field for u in parsed.units]
    assert fields[:2] == ["category", "title"]
    assert all("min read" not in u.text for u in parsed.units)
    assert all(text[u.start : u.end] == u.text for u in parsed.units)
    assert check_article(text, sources, name="article.txt").exit_code == 0


def test_unknown_section_is_flagged(sources: list[Article]) -> None:
    report = check_article("Opinion\nA headline\n\nA body.\n", sources, name="a.txt")
    assert report.claims[0].unit.field == "category"
    assert report.claims[0].verdict == "unsupported"
    assert "not a section of the taxonomy" in report.claims[0].result.reason


def test_date_that_no_source_has_is_flagged(sources: list[Article]) -> None:
    text = "---\ntitle: Lee executed\ndate: 2020-07-19\n---\n\nBody.\n"
    report = check_article(text, sources, name="a.md")
    date = next(c for c in report.claims if c.unit.field == "date")
    assert date.verdict == "unsupported"
    assert "2020-07-19 is not the date of any source" in date.result.reason


def test_markdown_without_front_matter() -> None:
    text = (
        "# Lee executed in Terre Haute\r\n\r\nJuly 14, 2020\r\n\r\n"
        "```\ncode is not a claim.\n```\n\n<!--\na comment.\n-->\n\n"
        "First sentence here. Second sentence *with* [a link](https://x.org).\n"
    )
    parsed = parse_article(text, "a.md")
    assert parsed.title == "Lee executed in Terre Haute"
    assert parsed.date == "2020-07-14"
    assert [u.clean for u in parsed.units] == [
        "Lee executed in Terre Haute",
        "July 14, 2020",
        "First sentence here.",
        "Second sentence with a link.",
    ]
    assert all(text[u.start : u.end] == u.text for u in parsed.units)


BODY = "Lee was executed on Tuesday in Terre Haute."


@pytest.mark.parametrize(
    "label",
    [
        "## Background",
        "## What happened",
        "### Key figures",
        "## Timeline",
        "## What you need to know",
        "Key figures",
        "Timeline:",
        "**Background**",
        "__What happened__",
        "##",
        "#",
        "## ##",
        "By Jane Doe",
        "By Jane Doe and John Roe, Reuters",
        "By Jane Doe | Reuters",
        "By Jane Doe, staff writer",
        "Staff report",
        "From staff and wire reports",
    ],
)
def test_markdown_labels_bylines_and_empty_headings_are_not_claims(label: str) -> None:
    text = f"# Lee executed\n\n{label}\n\n{BODY}\n"
    parsed = parse_article(text, "a.md")
    assert [u.clean for u in parsed.units] == ["Lee executed", BODY]


@pytest.mark.parametrize(
    "label",
    ["Background", "Key figures", "Timeline", "What happened:", "Staff report", "By Jane Doe"],
)
def test_plain_text_labels_and_bylines_are_not_claims(label: str) -> None:
    text = f"Politics\nLee executed\n\n{label}\n\n{BODY}\n"
    parsed = parse_article(text, "a.txt")
    assert [u.clean for u in parsed.units if u.field is None] == [BODY]


def test_a_short_sentence_or_a_link_is_still_a_claim() -> None:
    text = (
        "# Lee\n\nLee died.\n\n[Wire report](https://a.test/1)\n\n"
        "## Executions resume after 17 years\n"
    )
    cleans = [u.clean for u in parse_article(text, "a.md").units]
    assert cleans == ["Lee", "Lee died.", "Wire report", "Executions resume after 17 years"]


def test_plain_text_sources_line_starts_the_sources_list(sources: list[Article]) -> None:
    text = f"Politics\nLee executed\n\n{VERBATIM}\n\nSources\n{NBC_URL}\nhttps://x.test/y.\n"
    parsed = parse_article(text, "post.txt")
    links = [(u.kind, u.url) for u in parsed.units if u.url]
    assert links == [("source_link", NBC_URL), ("source_link", "https://x.test/y")]
    assert all(text[u.start : u.end] == u.text for u in parsed.units)
    report = check_article(text, sources, name="post.txt")
    assert [c.unit.url for c in report.claims if c.verdict != "supported"] == ["https://x.test/y"]


def test_html_is_read_as_html() -> None:
    page = "<html><body><h1>Lee executed</h1><p>Lee was executed on Tuesday.</p></body></html>"
    parsed = parse_article(page, "page.html")
    assert (parsed.format, parsed.title) == ("html", "Lee executed")
    assert [u.clean for u in parsed.units] == ["Lee executed", "Lee was executed on Tuesday."]


# URLs inside the text ---------------------------------------------------------------------

NBC_URL = (
    "https://www.nbcnews.com/news/us-news/first-federal-execution-17-years-carried-out-"
    "indiana-after-supreme-n1233749"
)
VERBATIM = "The Eighth Amendment bars cruel and unusual punishment."


def _only_text_claim(text: str, sources: list[Article], name: str = "post.md") -> ClaimReport:
    report = check_article(text, sources, name=name)
    found = [c for c in report.claims if c.unit.field is None]
    assert len(found) == 1, [c.unit.text for c in report.claims]
    return found[0]


FAKE_URL = "https://www.nbcnews.com/x/story_0000.html"


@pytest.mark.parametrize(
    "sentence",
    [
        f"The Eighth Amendment bars [cruel and unusual punishment]({FAKE_URL}).",
        f"The Eighth Amendment bars cruel and unusual punishment ({FAKE_URL}).",
        f"The Eighth Amendment bars <{FAKE_URL}> cruel and unusual punishment.",
        f"The Eighth Amendment bars [cruel and unusual punishment][1].\n\n[1]: {FAKE_URL}",
    ],
)
def test_fabricated_inline_url_makes_the_sentence_unsupported(
    sources: list[Article], sentence: str
) -> None:
    found = _only_text_claim(f"# Lee\n\n{sentence}\n", sources)
    assert found.unit.urls == (FAKE_URL,)
    assert (found.verdict, found.kind) == ("unsupported", "url")
    assert found.result.reason.startswith(
        f"{FAKE_URL} is not the URL of any source and looks like a placeholder"
    )
    support = next(c for c in found.result.checks if c.kind == "support")
    assert support.verdict == "pass"


def test_real_inline_url_passes_its_url_check(sources: list[Article]) -> None:
    link = NBC_URL.replace("https://www.", "http://") + "/?utm_source=twitter"
    found = _only_text_claim(f"# Lee\n\n[{VERBATIM[:-1]}]({link}).\n", sources)
    assert found.verdict == "supported", found.result.reason
    url = [c for c in found.result.checks if c.kind == "url"]
    assert [(c.verdict, c.detail) for c in url] == [("pass", "links to baly-IHtW6TgHxlfrPJsk")]


def test_images_and_relative_links_are_not_source_urls(sources: list[Article]) -> None:
    text = (
        "# Lee\n\n![Terre Haute](https://cdn.example.org/terre-haute.jpg) "
        "The Eighth Amendment bars [cruel and unusual punishment](/glossary/eighth).\n"
    )
    found = _only_text_claim(text, sources)
    assert found.unit.links == ()
    assert found.verdict == "supported", found.result.reason


def test_a_cited_title_must_be_the_sources(sources: list[Article]) -> None:
    text = (
        f"# Lee\n\n{VERBATIM[:-1]}, NBC News wrote in “[Trump pardons Lee at dawn]({NBC_URL})”.\n"
    )
    found = _only_text_claim(text, sources)
    assert found.unit.links[0].label == "Trump pardons Lee at dawn"
    url = next(c for c in found.result.checks if c.kind == "url")
    assert url.verdict == "fail" and "whose title is “First federal execution" in url.detail
    assert found.verdict == "contradicted"


LINK, TITLE = "https://a.test/1", "The Long Road"
REF, X, Y = "https://b.test/r", "https://a.test/x", "https://a.test/y"


@pytest.mark.parametrize(
    ("text", "whole", "expected"),
    [
        (f"He [said so]({LINK}) on Monday.", None, [(LINK, None)]),
        (f"In “[{TITLE}]({LINK})”, NBC wrote.", None, [(LINK, TITLE)]),
        (f"In *[{TITLE}]({LINK})*, NBC wrote.", None, [(LINK, TITLE)]),
        (f"In [_{TITLE}_]({LINK}), NBC wrote.", None, [(LINK, TITLE)]),
        (f"[{TITLE}]({LINK})", TITLE, [(LINK, TITLE)]),
        (f"[{TITLE}]({LINK})", None, [(LINK, None)]),
        ("See [this][ref], [that](#top) and ![a](https://a.test/i.png).", None, [(REF, None)]),
        ("At https://a.test/x. And <https://a.test/y>.", None, [(X, None), (Y, None)]),
    ],
)
def test_markdown_links_and_the_titles_they_cite(
    text: str, whole: str | None, expected: list[tuple[str, str | None]]
) -> None:
    links = markdown_links(text, whole, {"ref": REF})
    assert [(link.url, link.label) for link in links] == expected


def test_plain_text_bare_urls_are_checked(sources: list[Article]) -> None:
    text = f"Politics\nLee executed\n\n{VERBATIM} See https://nbc.example.com/lee.\n"
    report = check_article(text, sources, name="post.txt")
    flagged = [c for c in report.claims if c.verdict != "supported"]
    assert [(c.unit.urls, c.kind) for c in flagged] == [(("https://nbc.example.com/lee",), "url")]
    support = flagged[0].result.checks[0]
    assert (support.kind, support.verdict) == ("support", "n/a")


def test_a_linked_list_item_cites_its_title(sources: list[Article]) -> None:
    text = f"# Lee\n\n## Further reading\n\n- [Trump pardons Lee at dawn]({NBC_URL})\n"
    found = _only_text_claim(text, sources)
    assert found.unit.links[0].label == "Trump pardons Lee at dawn"
    assert found.verdict == "contradicted"


def test_dates_and_urls_are_read_loosely() -> None:
    assert iso_date("Tuesday, July 14, 2020") == "2020-07-14"
    assert iso_date("Published 2020-07-14 10:00") == "2020-07-14"
    assert iso_date("The cat sat.") is None
    assert normalize_url("HTTPS://Example.COM/a/b/#top") == normalize_url("https://example.com/a/b")


def test_as_of_must_be_a_date(article: str, sources: list[Article]) -> None:
    with pytest.raises(InputError, match="--as-of"):
        check_article(article, sources, as_of="14/07/2020")


# Sources file -----------------------------------------------------------------------------


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "sources.jsonl"
    path.write_bytes(data)
    return path


def test_sources_load_as_articles(sources: list[Article]) -> None:
    assert [s.outlet for s in sources] == ["The Hill", "NBC News"]
    assert all(s.published == "2020-07-14" and s.title and s.text for s in sources)


def test_missing_url_names_the_line(tmp_path: Path) -> None:
    lines = (FIXTURES / "sources.jsonl").read_text(encoding="utf-8").splitlines()
    second = json.loads(lines[1])
    del second["url"]
    path = _write(tmp_path, f"{lines[0]}\n{json.dumps(second)}\n".encode())
    with pytest.raises(InputError, match=r"sources\.jsonl:2: missing 'url'"):
        load_sources(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no sources"),
        (b'{"id": "a", "url": "http://u", "text": "t"}\n{"id": ', ":2: invalid JSON"),
        (b'{"id": "a", "url": "http://u", "text": "t"}\n\xff\n', ":2: not UTF-8"),
        (b'{"id": "a", "url": "http://u"}\n', ":1: missing 'text'"),
        (
            b'{"id": "a", "url": "http://u", "text": "t"}\n'
            b'{"id": "a", "url": "http://v", "text": "t"}',
            ":2: dup",
        ),
        (
            b'{"id": "a", "url": "http://u", "text": "t", "date": "14 July"}',
            ":1: 'date' is not an ISO date",
        ),
        (b'{"id": "a", "url": "u", "text": "t"}', ":1: 'url' is not an http"),
        (b"[1, 2]", ":1: expected a JSON object, got array"),
    ],
)
def test_bad_sources_are_one_line_errors(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as error:
        load_sources(_write(tmp_path, data))
    assert "\n" not in str(error.value)


def test_missing_sources_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_sources(tmp_path / "absent.jsonl")
