"""The date check: mentions resolved to calendar days, and claims judged against sources.

The ``check_dates`` cases use the federal execution story of the bundled
sample (The Hill and NBC News, both published Tuesday 2020-07-14), shifting
the day a claim gives to see it contradicted and restating the same day in
other words to see it pass.
"""

from __future__ import annotations

from datetime import date

import pytest

from newsdesk.language.dates import DateMention, Pinned, date_mentions, pin_dates
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.dates import check_dates

TUESDAY = date(2020, 7, 14)
D = date

Expected = list[tuple[str, date | None, date | None]]

MENTIONS: list[tuple[str, str, date | None, Expected]] = [
    # id, text, anchor, [(mention text, first, last)]
    (
        "month-day-year",
        "It opened June 1, 2020.",
        None,
        [("June 1, 2020", D(2020, 6, 1), D(2020, 6, 1))],
    ),
    (
        "day-month-year",
        "It opened 1 June 2020.",
        None,
        [("1 June 2020", D(2020, 6, 1), D(2020, 6, 1))],
    ),
    ("month-day-anchor", "It opened June 1.", TUESDAY, [("June 1", D(2020, 6, 1), D(2020, 6, 1))]),
    (
        "abbreviated",
        "It opened Jun. 1 downtown.",
        TUESDAY,
        [("Jun. 1", D(2020, 6, 1), D(2020, 6, 1))],
    ),
    (
        "sept-abbrev",
        "Filed Sept. 3, 2019, in court.",
        None,
        [("Sept. 3, 2019", D(2019, 9, 3), D(2019, 9, 3))],
    ),
    (
        "ordinal",
        "On the 4th of July 2020 crowds met.",
        None,
        [("4th of July 2020", D(2020, 7, 4), D(2020, 7, 4))],
    ),
    (
        "no-comma-year",
        "Lee on Oct. 31 1997 waited.",
        None,
        [("Oct. 31 1997", D(1997, 10, 31), D(1997, 10, 31))],
    ),
    ("iso", "Published 2020-06-01 by AP.", None, [("2020-06-01", D(2020, 6, 1), D(2020, 6, 1))]),
    (
        "us-numeric",
        "Dated 6/1/2020 in the filing.",
        None,
        [("6/1/2020", D(2020, 6, 1), D(2020, 6, 1))],
    ),
    (
        "month-year",
        "Sales fell in June 2020.",
        None,
        [("June 2020", D(2020, 6, 1), D(2020, 6, 30))],
    ),
    ("year", "Sales fell in 2019.", None, [("2019", D(2019, 1, 1), D(2019, 12, 31))]),
    ("decade", "Crime fell in the 1990s.", None, [("1990s", D(1990, 1, 1), D(1999, 12, 31))]),
    (
        "day-range",
        "The trial ran July 14-16, 2020.",
        None,
        [("July 14-16, 2020", D(2020, 7, 14), D(2020, 7, 16))],
    ),
    (
        "weekday-and-date-are-one",
        "It ended Tuesday, July 14, 2020.",
        None,
        [("Tuesday, July 14, 2020", D(2020, 7, 14), D(2020, 7, 14))],
    ),
    ("weekday-is-anchor", "Lee died on Tuesday.", TUESDAY, [("Tuesday", TUESDAY, TUESDAY)]),
    (
        "weekday-before",
        "The judge ruled on Monday.",
        TUESDAY,
        [("Monday", D(2020, 7, 13), D(2020, 7, 13))],
    ),
    (
        "weekday-last-week",
        "They met on Wednesday.",
        TUESDAY,
        [("Wednesday", D(2020, 7, 8), D(2020, 7, 8))],
    ),
    (
        "next-weekday",
        "They meet next Tuesday.",
        TUESDAY,
        [("next Tuesday", D(2020, 7, 21), D(2020, 7, 21))],
    ),
    (
        "last-weekday",
        "They met last Tuesday.",
        TUESDAY,
        [("last Tuesday", D(2020, 7, 7), D(2020, 7, 7))],
    ),
    ("weekday-night", "It happened Tuesday night.", TUESDAY, [("Tuesday night", TUESDAY, TUESDAY)]),
    (
        "weekday-morning",
        "It rained Monday morning.",
        TUESDAY,
        [("Monday morning", D(2020, 7, 13), D(2020, 7, 13))],
    ),
    (
        "future-weekday",
        "Purkey is scheduled to be executed on Wednesday.",
        TUESDAY,
        [("Wednesday", D(2020, 7, 15), D(2020, 7, 15))],
    ),
    (
        "said-weekday-then-will",
        "Barr said Monday that executions will resume.",
        TUESDAY,
        [("Monday", D(2020, 7, 13), D(2020, 7, 13))],
    ),
    ("today", "Today, Lee faced justice.", TUESDAY, [("Today", TUESDAY, TUESDAY)]),
    (
        "yesterday",
        "The court ruled yesterday.",
        TUESDAY,
        [("yesterday", D(2020, 7, 13), D(2020, 7, 13))],
    ),
    ("tomorrow", "Votes come tomorrow.", TUESDAY, [("tomorrow", D(2020, 7, 15), D(2020, 7, 15))]),
    (
        "days-ago",
        "It began two days ago.",
        TUESDAY,
        [("two days ago", D(2020, 7, 12), D(2020, 7, 12))],
    ),
    ("last-week", "It began last week.", TUESDAY, [("last week", D(2020, 7, 6), D(2020, 7, 12))]),
    (
        "this-week",
        "Two are due this week.",
        TUESDAY,
        [("this week", D(2020, 7, 13), D(2020, 7, 19))],
    ),
    (
        "last-month",
        "It began last month.",
        TUESDAY,
        [("last month", D(2020, 6, 1), D(2020, 6, 30))],
    ),
    (
        "earlier-this-month",
        "It began earlier this month.",
        TUESDAY,
        [("earlier this month", D(2020, 7, 1), TUESDAY)],
    ),
    (
        "last-year",
        "The rule came last year.",
        TUESDAY,
        [("last year", D(2019, 1, 1), D(2019, 12, 31))],
    ),
    (
        "weekend",
        "Protests grew over the weekend.",
        TUESDAY,
        [("over the weekend", D(2020, 7, 11), D(2020, 7, 12))],
    ),
    (
        "last-july",
        "Barr announced last July a plan.",
        TUESDAY,
        [("last July", D(2019, 7, 1), D(2019, 7, 31))],
    ),
    ("bare-month", "Nelson dies in August.", TUESDAY, [("August", D(2020, 8, 1), D(2020, 8, 31))]),
    (
        "year-less-across-new-year",
        "The attack on Dec. 20 shocked the city.",
        D(2021, 1, 5),
        [("Dec. 20", D(2020, 12, 20), D(2020, 12, 20))],
    ),
    (
        "several-in-order",
        "On Monday, a day after the June 1 deadline, the 2019 law applied.",
        TUESDAY,
        [
            ("Monday", D(2020, 7, 13), D(2020, 7, 13)),
            ("June 1", D(2020, 6, 1), D(2020, 6, 1)),
            ("2019", D(2019, 1, 1), D(2019, 12, 31)),
        ],
    ),
    (
        "not-dates",
        "March organizers said 2,000 people paid $2020 and it may rain at 4 p.m. in 2019-20.",
        TUESDAY,
        [],
    ),
    (
        "in-days",
        "Votes come in three days.",
        TUESDAY,
        [("in three days", D(2020, 7, 17), D(2020, 7, 17))],
    ),
    (
        "month-ago",
        "It began a month ago.",
        TUESDAY,
        [("a month ago", D(2020, 6, 1), D(2020, 6, 30))],
    ),
    (
        "this-past-weekend",
        "It began this past weekend.",
        TUESDAY,
        [("this past weekend", D(2020, 7, 11), D(2020, 7, 12))],
    ),
    ("mid-month", "It began in mid-May.", TUESDAY, [("mid-May", D(2020, 5, 1), D(2020, 5, 31))]),
    ("no-anchor-weekday", "Lee died on Tuesday.", None, [("Tuesday", None, None)]),
    ("no-anchor-yesterday", "The court ruled yesterday.", None, [("yesterday", None, None)]),
    ("no-anchor-last-week", "It began last week.", None, [("last week", None, None)]),
    (
        "no-anchor-absolute",
        "It began June 1, 2020.",
        None,
        [("June 1, 2020", D(2020, 6, 1), D(2020, 6, 1))],
    ),
]


@pytest.mark.parametrize(
    ("text", "anchor", "expected"), [c[1:] for c in MENTIONS], ids=[c[0] for c in MENTIONS]
)
def test_date_mentions(text: str, anchor: date | None, expected: Expected) -> None:
    mentions = date_mentions(text, anchor)
    assert [(m.text, m.first, m.last) for m in mentions] == expected
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


PARTIAL: list[tuple[str, str, int, int | None]] = [
    ("June 1", "It opened June 1.", 6, 1),
    ("Jun. 1", "It opened Jun. 1 downtown.", 6, 1),
    ("June", "It opened in June.", 6, None),
    ("Tuesday, July 14", "It ended Tuesday, July 14.", 7, 14),
]


@pytest.mark.parametrize(("said", "text", "month", "day"), PARTIAL)
def test_year_less_dates_without_anchor_stay_partial(
    said: str, text: str, month: int, day: int | None
) -> None:
    (mention,) = date_mentions(text, None)
    assert (mention.text, mention.first, mention.month, mention.day) == (said, None, month, day)
    assert mention.partial and mention.known
    assert "(no year)" in mention.describe()


def test_weekday_mention_records_the_weekday_even_without_anchor() -> None:
    (mention,) = date_mentions("Lee died on Tuesday.", None)
    assert mention.kind == "weekday" and mention.weekday == 1 and not mention.known


@pytest.mark.parametrize(
    ("mention", "described"),
    [
        (
            DateMention(0, 1, "x", "absolute", D(2020, 7, 14), D(2020, 7, 14)),
            "Tuesday, 14 July 2020",
        ),
        (DateMention(0, 1, "x", "absolute", D(2020, 7, 1), D(2020, 7, 31)), "July 2020"),
        (DateMention(0, 1, "x", "absolute", D(2019, 1, 1), D(2019, 12, 31)), "2019"),
        (DateMention(0, 1, "x", "relative", D(2020, 7, 13), D(2020, 7, 19)), "13–19 July 2020"),
        (
            DateMention(0, 1, "today", "relative", None, None),
            "'today' (no date to resolve it against)",
        ),
    ],
)
def test_describe(mention: DateMention, described: str) -> None:
    assert mention.describe() == described


# --- check_dates on the sample's federal execution story ----------------------------------

HILL_ID = "baly-2W1WED0JCBIU7WlD"
NBC_ID = "baly-IHtW6TgHxlfrPJsk"
HILL_LEAD = (
    "Daniel Lewis Lee on Tuesday became the first federal prisoner executed in more than 17 "
    "years, just hours after the Supreme Court ruled 5-4 against a last-minute attempt to halt "
    "the execution."
)
NBC_LEAD = (
    "The U.S. carried out the first federal execution in 17 years at a prison in Indiana "
    "Tuesday morning after a 5-4 Supreme Court ruling cleared the way."
)
NBC_HALTED = "was initially halted Friday over concerns about the coronavirus pandemic"
NBC_SCHEDULE = "Two more executions are scheduled this week: Wesley Ira Purkey on Wednesday"


@pytest.fixture(scope="module")
def execution(sample_articles: list[Article]) -> tuple[Article, Article]:
    by_id = {a.id: a for a in sample_articles}
    hill, nbc = by_id[HILL_ID], by_id[NBC_ID]
    assert hill.published == nbc.published == "2020-07-14"
    return hill, nbc


def cite(article: Article, fragment: str) -> Evidence:
    start = article.text.index(fragment)
    return Evidence(article, start, start + len(fragment))


def sentence_of(article: Article, fragment: str) -> str:
    """The whole sentence around ``fragment``, as the checker's conflict span must quote it."""
    start = article.text.index(fragment)
    begin = max(article.text.rfind(". ", 0, start) + 2, article.text.rfind("\n", 0, start) + 1)
    end = article.text.index(".", start + len(fragment)) + 1
    return article.text[begin:end]


SHIFTED = HILL_LEAD.replace("on Tuesday", "on Wednesday")

# (id, claim, cited fragment of The Hill or None, as_of, verdict, contradicted)
CLAIMS: list[tuple[str, str, str | None, str | None, str, bool]] = [
    ("verbatim", HILL_LEAD, HILL_LEAD, "2020-07-14", "pass", False),
    (
        "same-day-as-date",
        HILL_LEAD.replace("on Tuesday", "on July 14"),
        HILL_LEAD,
        "2020-07-15",
        "pass",
        False,
    ),
    (
        "same-day-no-as-of",
        HILL_LEAD.replace("on Tuesday", "on July 14"),
        HILL_LEAD,
        None,
        "pass",
        False,
    ),
    (
        "same-day-yesterday",
        HILL_LEAD.replace("on Tuesday", "yesterday"),
        HILL_LEAD,
        "2020-07-15",
        "pass",
        False,
    ),
    ("same-weekday-later", HILL_LEAD, HILL_LEAD, "2020-07-17", "pass", False),
    (
        "same-day-full-date",
        HILL_LEAD.replace("on Tuesday", "on July 14, 2020"),
        HILL_LEAD,
        None,
        "pass",
        False,
    ),
    (
        "this-week-contains-it",
        HILL_LEAD.replace("on Tuesday", "this week"),
        HILL_LEAD,
        "2020-07-16",
        "pass",
        False,
    ),
    ("shifted-weekday", SHIFTED, HILL_LEAD, "2020-07-15", "fail", True),
    ("shifted-date", HILL_LEAD.replace("on Tuesday", "on July 15"), HILL_LEAD, None, "fail", True),
    (
        "shifted-last-week",
        HILL_LEAD.replace("on Tuesday", "last week"),
        HILL_LEAD,
        "2020-07-15",
        "fail",
        True,
    ),
    (
        "monday-uncited",
        NBC_LEAD.replace("Tuesday morning", "Monday morning"),
        None,
        "2020-07-14",
        "fail",
        True,
    ),
    ("halted-friday", f"Lee's execution {NBC_HALTED}.", None, "2020-07-14", "pass", False),
    (
        "halted-saturday",
        f"Lee's execution {NBC_HALTED.replace('Friday', 'Saturday')}.",
        None,
        "2020-07-14",
        "fail",
        True,
    ),
    (
        "purkey-future",
        "Wesley Ira Purkey is scheduled to be executed on Wednesday.",
        None,
        "2020-07-14",
        "pass",
        False,
    ),
    (
        "purkey-wrong-day",
        "Wesley Ira Purkey is scheduled to be executed on Thursday.",
        None,
        "2020-07-14",
        "fail",
        True,
    ),
    (
        "nelson-month",
        "Keith Dwayne Nelson is scheduled to be executed in August.",
        None,
        "2020-07-14",
        "pass",
        False,
    ),
    (
        "nelson-wrong-month",
        "Keith Dwayne Nelson is scheduled to be executed in September.",
        None,
        "2020-07-14",
        "fail",
        True,
    ),
    (
        "jury-year",
        "A jury found Lee guilty in 1999 of the three murders.",
        None,
        "2020-07-14",
        "pass",
        False,
    ),
    (
        "jury-wrong-year",
        "A jury found Lee guilty in 2001 of the three murders.",
        None,
        "2020-07-14",
        "fail",
        True,
    ),
    (
        "barr-last-july",
        "Barr announced in July 2019 that federal capital punishment would resume.",
        None,
        "2020-07-20",
        "pass",
        False,
    ),
    (
        "undated-event",
        "Lee's lawyers filed an appeal on March 3, 2020.",
        None,
        "2020-07-14",
        "fail",
        False,
    ),
    (
        "no-date",
        "Lee became the first federal prisoner executed in 17 years.",
        HILL_LEAD,
        "2020-07-14",
        "n/a",
        False,
    ),
    ("relative-no-as-of", SHIFTED, HILL_LEAD, None, "n/a", False),
]


@pytest.mark.parametrize(
    ("claim", "cited", "as_of", "verdict", "contradicted"),
    [c[1:] for c in CLAIMS],
    ids=[c[0] for c in CLAIMS],
)
def test_check_dates(
    execution: tuple[Article, Article],
    claim: str,
    cited: str | None,
    as_of: str | None,
    verdict: str,
    contradicted: bool,
) -> None:
    hill, _ = execution
    evidence = [cite(hill, cited)] if cited else []
    check = check_dates(claim, evidence, execution, as_of)
    assert check.kind == "date"
    assert (check.verdict, check.conflict is not None) == (verdict, contradicted), check.detail
    assert check.detail and "\n" not in check.detail
    if check.conflict is not None:
        conflict = check.conflict
        assert conflict.field == "text"
        assert conflict.source.text[conflict.start : conflict.end] == conflict.quote


def test_shifted_day_names_both_dates_and_quotes_the_source_sentence(
    execution: tuple[Article, Article],
) -> None:
    hill, _ = execution
    check = check_dates(SHIFTED, [cite(hill, HILL_LEAD)], execution, "2020-07-15")
    assert check.detail == (
        f"claim says Wednesday, 15 July 2020; {HILL_ID} says Tuesday, 14 July 2020"
    )
    assert check.conflict is not None and check.conflict.source.id == HILL_ID
    assert check.conflict.quote == HILL_LEAD


def test_uncited_conflict_quotes_the_whole_sentence(execution: tuple[Article, Article]) -> None:
    _, nbc = execution
    claim = "Wesley Ira Purkey is scheduled to be executed on Thursday."
    check = check_dates(claim, [], execution, "2020-07-14")
    assert check.conflict is not None and check.conflict.source.id == NBC_ID
    assert check.conflict.quote == sentence_of(nbc, NBC_SCHEDULE)
    assert "Thursday, 16 July 2020" in check.detail and "Wednesday, 15 July 2020" in check.detail


def test_unsupported_date_says_no_source_dates_it(execution: tuple[Article, Article]) -> None:
    check = check_dates("Lee's lawyers filed an appeal on March 3, 2020.", [], execution, None)
    assert check.detail == "no source dates this: claim says Tuesday, 3 March 2020"


def test_relative_claim_without_as_of_says_why(execution: tuple[Article, Article]) -> None:
    hill, _ = execution
    check = check_dates(SHIFTED, [cite(hill, HILL_LEAD)], execution, None)
    assert check.verdict == "n/a"
    assert "'Wednesday'" in check.detail and "no as-of date" in check.detail


def test_undated_source_cannot_contradict() -> None:
    source = Article(
        "s1", "https://example.org/s1", "Reuters", "Vote", "The Senate voted on Tuesday."
    )
    evidence = [Evidence(source, 0, len(source.text))]
    check = check_dates("The Senate voted on Wednesday.", evidence, [source], "2020-07-15")
    assert check.verdict == "n/a" and check.conflict is None
    assert "no published date" in check.detail


def test_date_in_a_cited_title_counts() -> None:
    source = Article(
        "s1",
        "https://example.org/s1",
        "Reuters",
        "Senate votes on Tuesday to confirm judge",
        "The Senate voted to confirm the judge.",
        published="2020-07-14",
    )
    evidence = [Evidence(source, 0, len(source.title), "title")]
    assert (
        check_dates(
            "The Senate voted on July 14 to confirm the judge.", evidence, [source], None
        ).verdict
        == "pass"
    )
    check = check_dates(
        "The Senate voted on July 13 to confirm the judge.", evidence, [source], None
    )
    assert check.conflict is not None and check.conflict.field == "title"


def test_source_analysis_is_cached(execution: tuple[Article, Article]) -> None:
    from newsdesk.verify.checks import dates

    dates._analyse.cache_clear()
    for _ in range(3):
        check_dates(SHIFTED, [], execution, "2020-07-15")
    info = dates._analyse.cache_info()
    assert info.misses == 2 and info.hits >= 4


DEC_2 = date(2025, 12, 2)


@pytest.mark.parametrize(
    ("text", "pinned"),
    [
        (
            "The House voted Tuesday to approve the bill.",
            "The House voted Tuesday, Dec. 2, to approve the bill.",
        ),
        ("On Monday, the leaders met.", "On Monday, Dec. 1, the leaders met."),
        ("Last Friday the court ruled.", "Friday, Nov. 28, the court ruled."),
        ("Monday marks the 11th anniversary.", "Monday, Dec. 1, marks the 11th anniversary."),
        ("He said yesterday that talks failed.", "He said Monday, Dec. 1, that talks failed."),
        ("The vote is set for tomorrow.", "The vote is set for Wednesday, Dec. 3."),
        ("The ship left two days ago.", "The ship left on Sunday, Nov. 30."),
        ("She was elected last year.", "She was elected in 2024."),
        ("Prices have risen since last year.", "Prices have risen since 2024."),
        ("Sales fell earlier this month.", "Sales fell earlier in December."),
        ("Results of Super Tuesday were clear.", "Results of Super Tuesday were clear."),
    ],
)
def test_pin_dates_makes_days_months_and_years_absolute(text: str, pinned: str) -> None:
    made = pin_dates(text, DEC_2)
    assert (made.text, made.relative) == (pinned, False)


@pytest.mark.parametrize(
    "text",
    [
        "He spoke Tuesday night.",  # a part of a day
        "Tuesday's vote was close.",  # a possessive
        "The talks ended last week.",  # no calendar name for a week
        '"We vote on Friday," she said.',  # a quotation is the speaker's words
    ],
)
def test_pin_dates_leaves_what_it_cannot_pin_and_says_so(text: str) -> None:
    assert pin_dates(text, DEC_2) == Pinned(text, True)


def test_a_pinned_day_resolves_to_the_day_the_source_meant() -> None:
    pinned = pin_dates("The House voted Tuesday to approve the bill.", DEC_2).text
    later = date(2025, 12, 9)  # read a week later, "Tuesday" alone would be Dec. 9
    (mention,) = date_mentions(pinned, later)
    assert (mention.first, mention.last) == (DEC_2, DEC_2)


def test_without_an_anchor_nothing_is_pinned() -> None:
    assert pin_dates("He said yesterday that talks failed.", None).relative
