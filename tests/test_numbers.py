"""The number check: reading quantities, comparing them, and judging claims.

The claim/source sentences below are copied verbatim from the bundled sample
(``src/newsdesk/sample/articles.jsonl``: the CNN reopening story and The
Hill / NBC News stories of the first federal execution in 17 years); the
articles are rebuilt from a few of their sentences so that the tests need no
files and run in milliseconds.
"""

from __future__ import annotations

import pytest

from newsdesk.language.text import sentences
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.numbers import Quantity, check_numbers, contradicts, matches, quantities


def one(text: str) -> Quantity:
    found = quantities(text)
    assert len(found) == 1, f"{text!r} -> {found}"
    return found[0]


# --------------------------------------------------------------------------- reading

READINGS: list[tuple[str, str, float, dict[str, object]]] = [
    ("€90 billion", "money", 90e9, {"currency": "EUR"}),
    ("a £5m fine", "money", 5e6, {"currency": "GBP", "unit": "fine"}),
    ("¥100 billion", "money", 100e9, {"currency": "JPY"}),
    ("US$3bn", "money", 3e9, {"currency": "USD"}),
    ("15 per cent", "percent", 15, {}),
    ("a 3 percentage point lead", "percent", 3, {"unit": "point"}),
    ("five people", "count", 5, {"unit": "person"}),
    ("a dozen eggs", "count", 12, {"unit": "egg"}),
    ("one hundred and twenty five thousand troops", "count", 125_000, {"unit": "troop"}),
    ("1.5 million people", "count", 1.5e6, {"unit": "person", "precision": 100_000}),
    ("more than 120,000 troops", "count", 120_000, {"hedge": "over", "unit": "troop"}),
    ("212 new cases", "count", 212, {"unit": "case"}),
    ("nearly 1 million Florida felons", "count", 1e6, {"hedge": "nearly", "unit": "felon"}),
    ("two-thirds of voters", "fraction", 2 / 3, {"pair": (2, 3)}),
    ("a third of the vote", "fraction", 1 / 3, {"pair": (1, 3)}),
    ("one in five Americans", "fraction", 0.2, {"pair": (1, 5)}),
    ("five hours", "duration", 5 * 3600, {"unit": "hour"}),
    ("2 1/2 weeks", "duration", 2.5 * 7 * 86400, {"unit": "week"}),
    ("her 8-year-old daughter", "duration", 8 * 31556952, {"unit": "year-old"}),
    ("the third straight day", "ordinal", 3, {"unit": "day"}),
    ("a second wave of cases", "ordinal", 2, {"unit": "wave"}),
    ("twenty-first century", "ordinal", 21, {}),
    ("since 2003", "year", 2003, {}),
    ("the 2019-20 season", "year", 2019, {}),
    ("2000 troops", "count", 2000, {"unit": "troop"}),
    ("ruled 51-49", "score", 51, {"pair": (51, 49)}),
    ("a 5-4 Supreme Court ruling", "score", 5, {"pair": (5, 4), "unit": "ruling"}),
    ("came down 230-197-1", "score", 230, {"pair": (230, 197, 1)}),
    ("a 10-15% rise", "percent", 10, {"upper": 15}),
    ("pronounced dead at 8:07 a.m.", "time", 8 * 60 + 7, {"precision": 1}),
    ("at 4 p.m. Monday", "time", 16 * 60, {"precision": 60}),
    ("around 2 a.m.", "time", 2 * 60, {"hedge": "about"}),
]


@pytest.mark.parametrize(("text", "kind", "value", "extra"), READINGS)
def test_reads_kind_value_and_details(
    text: str, kind: str, value: float, extra: dict[str, object]
) -> None:
    q = one(text)
    assert q.kind == kind
    assert q.value == pytest.approx(value)
    for name, expected in extra.items():
        assert getattr(q, name) == expected, name
    assert text[q.start : q.end] == q.text


def test_span_covers_currency_scale_and_unit_but_not_hedge_or_noun() -> None:
    text = "Officials sent more than 120,000 troops and €90 billion in aid over 5 hours."
    assert [q.text for q in quantities(text)] == ["120,000", "€90 billion", "5 hours"]


@pytest.mark.parametrize(
    "text",
    [
        "The order will expire next week on May 25.",  # a date's day
        "It was filed on 2020-06-01.",
        "Bars can reopen May 28, and activities can resume June 1st.",
        "A Covid-19 case and an F-35 jet.",  # inside identifiers
        "Brazil, No. 7; India, No. 2.",
        "The Hill's 12:30 Report",  # a clock time with no zone or half of the day
        "1. Apples\n2. Pears",  # list numbering
        "The 5G network, the G7 summit and the 1990s.",
        "It brought an end to trillion-dollar deficits.",
        "No one knows; one of them left.",  # "one" as a pronoun
        "The Eighth Amendment and the Second World War.",
        "At first, nobody came.",
        "Wait a second, he said.",
    ],
)
def test_skips_what_is_not_a_quantity(text: str) -> None:
    assert quantities(text) == []


def test_date_year_is_kept_but_not_its_day() -> None:
    [q] = quantities("Daniel Lewis Lee in Russellville, Ark. on Oct. 31 1997.")
    assert (q.kind, q.value) == ("year", 1997)


def test_spans_are_exact_over_the_whole_sample(sample_articles: list[Article]) -> None:
    for article in sample_articles:
        for q in quantities(article.text):
            assert article.text[q.start : q.end] == q.text


# --------------------------------------------------------------------------- comparing

# (as the claim writes it, as a source writes it, whether the source backs the claim)
EQUIVALENCES: list[tuple[str, str, bool]] = [
    ("€90 billion", "€90bn", True),
    ("€90bn", "90 billion euros", True),
    ("90 billion euros", "EUR 90bn", True),
    ("$1.2 million", "1.2m dollars", True),
    ("1.2m dollars", "$1,200,000", True),
    ("US$1.2 million", "$1.2m", True),
    ("£5m", "5 million pounds", True),
    ("¥100 billion", "100bn yen", True),
    ("15%", "15 percent", True),
    ("15 percent", "15 per cent", True),
    ("five people", "5 people", True),
    ("a dozen people", "12 people", True),
    ("two-thirds", "2/3 of", False),  # slashes are not read: "24/7", dates
    ("two-thirds of voters", "two thirds of voters", True),
    ("two-thirds of voters", "67% of voters", True),
    ("half of the cases", "50% of the cases", True),
    ("1.5 million people", "1,523,000 people", True),  # fewer significant digits
    ("about 1.5 million people", "1,523,000 people", True),
    ("more than 120,000", "121,000", True),
    ("nearly 100,000 deaths", "93,406 deaths", True),
    ("five hours", "5-hour", True),
    ("5-hour", "5 hrs", True),
    ("two years", "24 months", True),
    ("third", "3rd", True),
    ("in 2003", "since 2003", True),
    ("51-49", "51-49", True),
    ("a 5-4 ruling", "ruled 5-4", True),
    ("won 3-1", "lost 1-3", True),
    ("more than 17 years", "in more than 17 years", True),
    ("4 p.m.", "4:05 p.m.", True),
    ("around 2 a.m.", "2:20 a.m.", True),
    ("17 years", "more than 17 years", True),
    # non-equivalences
    ("€90bn", "$90bn", False),
    ("£5m", "€5m", False),
    ("1,523,000 people", "1.5 million people", False),  # the claim is more precise
    ("1.6 million", "1.5 million", False),
    ("30 billion euros", "20 billion euros", False),
    ("$1.2m", "$1.3m", False),
    ("15%", "16%", False),
    ("15%", "15 percentage points", False),
    ("five hours", "five days", False),
    ("third", "three", False),
    ("in 2003", "2,003 people", False),
    ("5-4", "6-3", False),
    ("two-thirds", "one-third", False),
    ("20 people", "21 people", False),  # small numbers are exact
    ("more than 120,000", "110,000", False),
    ("about 1.5 million", "1.3 million", False),
    ("17 years", "16 years", False),
    ("a dozen", "13", False),
    ("6 p.m.", "4 p.m.", False),
    ("4 p.m.", "4 a.m.", False),
    ("4:05 p.m.", "4 p.m.", False),
]


@pytest.mark.parametrize(("claimed", "reported", "expected"), EQUIVALENCES)
def test_equivalences(claimed: str, reported: str, expected: bool) -> None:
    found = quantities(reported)
    assert any(matches(one(claimed), q) for q in found) is expected


@pytest.mark.parametrize(
    ("claimed", "reported", "expected"),
    [
        ("30 billion euros", "20 billion euros", True),
        ("5-4", "6-3", True),
        ("17 years", "16 years", True),
        ("at least 39,406", "at least 93,406", True),  # same hedge: compared as figures
        ("more than 1.65 million", "1.55 million", True),
        ("more than 120,000", "200,000", False),  # true, if loosely put
        ("1,523,000", "1.5 million", False),  # consistent, just more precise
        ("€30bn", "$20bn", False),  # another currency may be a conversion
        ("five hours", "three days", False),  # another unit is another span
        ("12 troops", "13 tanks", False),  # another noun
        ("15%", "15 percentage points", False),
        ("6 p.m.", "4 p.m.", True),
        ("8 a.m.", "8:07 a.m.", False),
    ],
)
def test_contradictions(claimed: str, reported: str, expected: bool) -> None:
    assert contradicts(one(claimed), one(reported)) is expected


def test_labels_are_canonical() -> None:
    labels = [q.label for q in quantities("€30 billion, 1,200,000 dollars, 15 per cent, 5-4")]
    assert labels == ["€30bn", "$1.2m", "15%", "5-4"]
    assert one("more than 1.55 million people").label == "more than 1.55 million"
    assert one("five hours").label == "5 hours"


# --------------------------------------------------------------------------- checking

NBC_SENTENCES = [
    "The U.S. carried out the first federal execution in 17 years at a prison in Indiana "
    "Tuesday morning after a 5-4 Supreme Court ruling cleared the way.",
    "At their 1999 trial, prosecutors said Lee and Chevie Kehoe, who recruited him, stole guns "
    "and $50,000 in cash from the Muellers as part of their plan to fund and set up a "
    "whites-only nation.",
    "Lee's attorney, Ruth Friedman, said in a statement that he was executed \"a mere 31 minutes "
    "after a court of appeals lifted the last impediment to his execution at the federal "
    "government's urging, while multiple motions remained pending, and without notice to "
    'counsel."',
    "Lee was scheduled to receive a lethal dose of the powerful sedative pentobarbital at 4 p.m. "
    "Monday, but a federal judge's order prevented the execution.",
]
HILL_SENTENCES = [
    "Daniel Lewis Lee on Tuesday became the first federal prisoner executed in more than 17 "
    "years, just hours after the Supreme Court ruled 5-4 against a last-minute attempt to halt "
    "the execution.",
    "Lee, 47, a white supremacist convicted of killing a family of three in 1996, was executed "
    "by lethal injection at the federal prison in Terre Haute, Ind., and pronounced dead at "
    "8:07 a.m., according to the Bureau of Prisons.",
    "“After overpowering the Muellers, interrogating their daughter, and stealing approximately "
    "$80,000 worth of cash, guns, and ammunition, Lee and an accomplice shot the three victims "
    "with a stun gun, duct-taped plastic trash bags over their heads, weighed down their bodies "
    "with rocks, and drowned them in the Illinois Bayou,” the Bureau of Prisons said in a "
    "statement.",
]
CNN_SENTENCES = [
    "More than 1.55 million people in the United States have tested positive for the virus and "
    "at least 93,406 have died, according to Johns Hopkins University.",
    "Tedros Adhanom-Ghebreyesus, director-general of the WHO, said there were 106,000 cases "
    "reported in 24 hours, the most in one day since the pandemic began last year.",
    "As of Wednesday afternoon, at least 18 states had registered an upward trend in average "
    "daily cases -- a rise of at least 10% -- over the previous seven days, according to an "
    "analysis of Johns Hopkins University data.",
]


def article(id: str, outlet: str, title: str, lines: list[str]) -> Article:
    return Article(id, f"https://example.com/{id}", outlet, title, "\n\n".join(lines))


NBC = article(
    "baly-IHtW6TgHxlfrPJsk",
    "NBC News",
    "First federal execution in 17 years carried out in Indiana after Supreme Court cleared way",
    NBC_SENTENCES,
)
HILL = article(
    "baly-2W1WED0JCBIU7WlD",
    "The Hill",
    "First federal prisoner in 17 years executed hours after Supreme Court decision",
    HILL_SENTENCES,
)
CNN = article(
    "baly-OGNbd89Mq8vUGmUE",
    "CNN",
    "All states are partially reopen leaving Americans to weigh the risk of venturing out again",
    CNN_SENTENCES,
)
SOURCES = [NBC, HILL, CNN]


def cite(source: Article, sentence: str) -> Evidence:
    start = source.text.index(sentence)
    return Evidence(source, start, start + len(sentence))


def assert_conflict(
    check_detail: str, conflict: Evidence | None, source: Article, says: str
) -> None:
    assert conflict is not None
    assert conflict.source is source
    body = source.title if conflict.field == "title" else source.text
    assert conflict.quote in [s.text for s in sentences(body)]  # a whole sentence
    assert says in conflict.quote
    assert "\n" not in check_detail


@pytest.mark.parametrize(
    ("claim", "source", "sentence"),
    [
        (NBC_SENTENCES[0], NBC, NBC_SENTENCES[0]),
        (HILL_SENTENCES[0], HILL, HILL_SENTENCES[0]),
        (CNN_SENTENCES[0], CNN, CNN_SENTENCES[0]),
        (CNN_SENTENCES[2], CNN, CNN_SENTENCES[2]),
        (
            "Lee was the first federal prisoner executed in 17 years, hours after a 5-4 ruling.",
            HILL,
            HILL_SENTENCES[0],
        ),
        ("About 1.5 million people have tested positive.", CNN, CNN_SENTENCES[0]),
        ("Nearly 100,000 people have died, says Johns Hopkins.", CNN, CNN_SENTENCES[0]),
        ("The WHO counted 106,000 new cases in a single day.", CNN, CNN_SENTENCES[1]),
    ],
)
def test_real_sentences_pass(claim: str, source: Article, sentence: str) -> None:
    check = check_numbers(claim, [cite(source, sentence)], SOURCES)
    assert (check.kind, check.verdict, check.conflict) == ("number", "pass", None)


# (planted change, cited sentence, what the source says, detail)
CONTRADICTED = [
    (
        NBC_SENTENCES[3].replace("4 p.m.", "6 p.m."),
        (NBC, NBC_SENTENCES[3]),
        "4 p.m.",
        "claim says 6 p.m.; baly-IHtW6TgHxlfrPJsk says 4 p.m.",
    ),
    (
        NBC_SENTENCES[0].replace("5-4", "6-3"),
        (NBC, NBC_SENTENCES[0]),
        "5-4",
        "claim says 6-3; baly-IHtW6TgHxlfrPJsk says 5-4",
    ),
    (
        NBC_SENTENCES[0].replace("17 years", "16 years"),
        (NBC, NBC_SENTENCES[0]),
        "17 years",
        "claim says 16 years; baly-IHtW6TgHxlfrPJsk says 17 years",
    ),
    (
        CNN_SENTENCES[0].replace("1.55 million", "1.65 million"),
        (CNN, CNN_SENTENCES[0]),
        "1.55 million",
        "claim says more than 1.65 million; baly-OGNbd89Mq8vUGmUE says more than 1.55 million",
    ),
    (
        CNN_SENTENCES[0].replace("93,406", "39,406"),
        (CNN, CNN_SENTENCES[0]),
        "93,406",
        "claim says at least 39,406; baly-OGNbd89Mq8vUGmUE says at least 93,406",
    ),
    (
        CNN_SENTENCES[1].replace("106,000", "160,000"),
        (CNN, CNN_SENTENCES[1]),
        "106,000",
        "claim says 160,000; baly-OGNbd89Mq8vUGmUE says 106,000",
    ),
    (
        CNN_SENTENCES[2].replace("at least 10%", "at least 12%"),
        (CNN, CNN_SENTENCES[2]),
        "10%",
        "claim says at least 12%; baly-OGNbd89Mq8vUGmUE says at least 10%",
    ),
    (
        CNN_SENTENCES[2].replace("seven days", "eight days"),
        (CNN, CNN_SENTENCES[2]),
        "seven days",
        "claim says 8 days; baly-OGNbd89Mq8vUGmUE says 7 days",
    ),
]


@pytest.mark.parametrize(("claim", "cited", "says", "detail"), CONTRADICTED)
def test_planted_changes_are_contradicted_by_the_cited_sentence(
    claim: str, cited: tuple[Article, str], says: str, detail: str
) -> None:
    source, sentence = cited
    check = check_numbers(claim, [cite(source, sentence)], SOURCES)
    assert check.verdict == "fail"
    assert check.detail == detail
    assert_conflict(check.detail, check.conflict, source, says)
    assert check.conflict is not None
    assert source.text[check.conflict.start : check.conflict.end] == sentence


@pytest.mark.parametrize(
    ("claim", "source", "says"),
    [
        ("Lee, 48, a white supremacist, was executed by lethal injection.", HILL, "Lee, 47,"),
        (
            "Friedman said he was executed a mere 45 minutes after a court of appeals lifted "
            "the last impediment to his execution.",
            NBC,
            "31 minutes",
        ),
        (
            "The U.S. carried out the first federal execution in 18 years after a 5-4 Supreme "
            "Court ruling.",
            NBC,
            "17 years",
        ),
    ],
)
def test_a_source_sentence_about_the_same_thing_contradicts_without_evidence(
    claim: str, source: Article, says: str
) -> None:
    check = check_numbers(claim, [], SOURCES)
    assert check.verdict == "fail"
    assert_conflict(check.detail, check.conflict, source, says)


def test_the_title_can_be_the_conflict() -> None:
    title = Evidence(NBC, 0, len(NBC.title), "title")
    check = check_numbers("First federal execution in 18 years carried out", [title], [])
    assert check.verdict == "fail"
    assert check.conflict == title
    assert check.detail == "claim says 18 years; baly-IHtW6TgHxlfrPJsk says 17 years"


def test_a_number_no_source_states_is_unsupported() -> None:
    claim = "The U.S. carried out the first federal execution in 17 years after 12 appeals failed."
    check = check_numbers(claim, [cite(NBC, NBC_SENTENCES[0])], SOURCES)
    assert (check.verdict, check.conflict) == ("fail", None)
    assert check.detail == "12 does not appear in the sources"


def test_a_number_stated_elsewhere_is_unsupported_not_contradicted() -> None:
    # The Hill says about $80,000; NBC says $50,000. Citing The Hill for NBC's figure
    # is a citation problem, not a wrong number: the sources disagree among themselves.
    claim = "Lee and an accomplice stole about $50,000 in cash and guns from the Muellers."
    check = check_numbers(claim, [cite(HILL, HILL_SENTENCES[2])], SOURCES)
    assert (check.verdict, check.conflict) == ("fail", None)
    assert check.detail == "about $50,000 does not appear in the cited text"


def test_unrelated_numbers_do_not_contradict() -> None:
    # Same kind, but the cited sentence's numbers are about other things.
    claim = "Lee and four associates went on a crime spree."
    check = check_numbers(claim, [cite(HILL, HILL_SENTENCES[1])], SOURCES)
    assert (check.verdict, check.conflict) == ("fail", None)


def test_claims_without_numbers_are_not_applicable() -> None:
    check = check_numbers("Lee was executed by lethal injection.", [], SOURCES)
    assert (check.kind, check.verdict, check.detail) == ("number", "n/a", "")


def test_only_quantities_inside_the_cited_span_count() -> None:
    sentence = CNN_SENTENCES[0]
    start = CNN.text.index(sentence)
    first_half = Evidence(CNN, start, start + sentence.index(" and at least"))
    claim = "At least 93,406 have died, according to Johns Hopkins University."
    assert check_numbers(claim, [first_half], []).verdict == "fail"
    assert check_numbers(claim, [cite(CNN, sentence)], []).verdict == "pass"


def test_checks_over_cached_sources_are_stable(sample_articles: list[Article]) -> None:
    """Sources are read once and cached; checking again must give the very same answers.
    (How fast the cached checks are is measured in bench/, not asserted here.)"""
    claims = [*NBC_SENTENCES, *HILL_SENTENCES, *CNN_SENTENCES]
    planted = [c.replace("1", "2") for c in claims]
    first = [check_numbers(claim, [], sample_articles) for claim in planted]
    assert all(check.verdict == "fail" for check in first)
    assert sum(check.conflict is not None for check in first) >= 6  # wrong, not just missing
    for _ in range(3):
        assert [check_numbers(claim, [], sample_articles) for claim in planted] == first


# --------------------------------------------------------------------------- set phrases


@pytest.mark.parametrize(
    "text",
    [
        # a lone "one" is an article or a pronoun
        "One of the men left; they hugged one another.",
        "On the one hand, no one knows; at one point the other one left one by one.",
        "It was one of its kind, a one-on-one meeting.",
        # "both", "a couple of", "once" are not number words
        "Both sides met a couple of times; he once said so.",
        # vague stretches and shrugs
        "One or two people left a day or two later; two or three stayed.",
        # compounds that name a kind
        "A two-way street, a two-state solution and the two-party system.",
        "A two-faced, two-pronged plan; my two cents; he put two and two together.",
        "A nine-to-five job at ground zero under a zero-tolerance policy.",
        "She was in two minds.",
        # ordinal idioms
        "First of all, second-hand smoke is second nature; in the first place, it is first-rate.",
        "He was second-guessing the third world's sixth sense.",
        # "one day" meaning "some day"
        "One day, he left.",
        "She hopes to one day run for office.",
        "It could one day replace coal, and one day it will.",
    ],
)
def test_set_phrases_count_nothing(text: str) -> None:
    assert quantities(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit"),
    [
        ("Two people were killed.", "count", 2, "person"),
        ("Three people were killed.", "count", 3, "person"),
        ("Two of the victims died.", "count", 2, None),
        ("Their two sons survived.", "count", 2, "son"),
        # a compound naming how long something lasted is a claim about it
        ("The two-day summit began.", "duration", 2 * 86400, "day"),
        ("The most in one day since the pandemic began.", "duration", 86400, "day"),
        ("One day after the vote, he resigned.", "duration", 86400, "day"),
        ("A three-way race.", "count", 3, "way"),  # only "two-way" is idiomatic
    ],
)
def test_counts_beside_set_phrases_are_still_read(
    text: str, kind: str, value: float, unit: str | None
) -> None:
    q = one(text)
    assert (q.kind, q.value, q.unit, q.asserted) == (kind, value, unit, True)


@pytest.mark.parametrize(
    "text",
    [
        "One person died in the crash.",
        "One officer was injured.",
        "It was the first time the bank cut rates.",
        "The plant is the first of its kind.",
    ],
)
def test_numbers_set_phrases_imply_are_read_but_not_asserted(text: str) -> None:
    assert one(text).asserted is False


def story(text: str) -> tuple[Article, list[Evidence]]:
    source = Article("src-1", "https://example.com/src-1", "Wire", "A story", text)
    return source, [Evidence(source, 0, len(text))]


def judge(claim: str, source_text: str, context: tuple[str, ...] = ()) -> tuple[str, str]:
    source, evidence = story(source_text)
    check = check_numbers(claim, evidence, [source], context)
    return check.verdict, check.detail


@pytest.mark.parametrize(
    ("claim", "source", "context"),
    [
        # the parties to something: a reference whoever they are
        ("The two sides agreed to a ceasefire on Tuesday.", "Both sides agreed on Tuesday.", ()),
        ("The two parties have waged the same war.", "Democrats and Republicans fought.", ()),
        # the two were named just before, in the claim ...
        (
            "The U.S. and China met, and the two countries agreed to cut tariffs.",
            "The U.S. and China agreed to cut tariffs.",
            (),
        ),
        # ... in the sentences the reader has just read ...
        (
            "The two leaders agreed to cut tariffs.",
            "The presidents agreed to cut tariffs.",
            ("Biden and Xi met in Bali on Monday.",),
        ),
        # ... or by the cited text
        ("The two men were arrested on Tuesday.", "Smith and Jones were arrested Tuesday.", ()),
        (
            "These three countries signed the deal.",
            "France, Germany and Italy signed the deal.",
            (),
        ),
        # implied numbers that sources word otherwise
        ("One person died in the crash on Monday.", "A man died in the crash on Monday.", ()),
        ("It was the first time the bank cut rates.", "The bank had never cut rates.", ()),
    ],
)
def test_implied_numbers_need_not_be_stated(
    claim: str, source: str, context: tuple[str, ...]
) -> None:
    verdict, detail = judge(claim, source, context)
    assert verdict == "n/a"
    assert "is implied, not reported" in detail


def test_implied_numbers_pass_beside_stated_ones() -> None:
    claim = "The two sides met for five hours on Tuesday."
    assert judge(claim, "Both sides met for five hours on Tuesday.") == ("pass", "5 hours")


@pytest.mark.parametrize(
    ("claim", "source", "context", "detail"),
    [
        # counts, not references: no "the", or nothing named to refer back to
        (
            "Three people were killed in the attack.",
            "Two people were killed in the attack.",
            (),
            "claim says 3; src-1 says 2",
        ),
        (
            "The two suspects were arrested on Tuesday.",
            "Police arrested suspects on Tuesday.",
            (),
            "2 does not appear in the sources",
        ),
        (
            "The three leaders agreed to cut tariffs.",
            "The leaders agreed to cut tariffs.",
            ("Biden and Xi met in Bali on Monday.",),  # names two, not three
            "3 does not appear in the sources",
        ),
        (
            "The two-day summit ended in Geneva.",
            "The three-day summit ended in Geneva.",
            (),
            "claim says 2 days; src-1 says 3 days",
        ),
        # an implied number must still not contradict the sources
        (
            "The two sides agreed to a ceasefire on Tuesday.",
            "The three sides agreed to a ceasefire on Tuesday.",
            (),
            "claim says 2; src-1 says 3",
        ),
        (
            "One person died in the crash on Monday.",
            "Two people died in the crash on Monday.",
            (),
            "claim says 1; src-1 says 2",
        ),
        (
            "Two people died in the crash on Monday.",
            "One person died in the crash on Monday.",
            (),
            "claim says 2; src-1 says 1",
        ),
        (
            "It was the first time the bank cut rates.",
            "It was the second time the bank cut rates.",
            (),
            "claim says 1st; src-1 says 2nd",
        ),
    ],
)
def test_counts_and_contradicted_implied_numbers_still_fail(
    claim: str, source: str, context: tuple[str, ...], detail: str
) -> None:
    assert judge(claim, source, context) == ("fail", detail)


LOAN = Article(
    "wire-loan",
    "https://wire.test/loan",
    "Wire",
    "EU loan agreed",
    "European leaders agreed a €90bn loan to Ukraine on Friday after talks in Brussels.",
)
CONVERTED = Article(
    "paper-loan",
    "https://paper.test/loan",
    "Paper",
    "EU deal",
    "The EU agreed a €90bn (£79bn) loan to Ukraine, officials said. Britain sent £2bn in arms.",
)


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        ("European leaders agreed a €90bn (£79bn) loan to Ukraine.", "pass"),
        ("European leaders agreed a €90bn, or about £79bn, loan to Ukraine.", "pass"),
        # The same pound figure, but no source gives it as the euro amount's conversion.
        ("European leaders agreed a €90bn (£2bn) loan to Ukraine.", "fail"),
        ("European leaders agreed a €90bn (£70bn) loan to Ukraine.", "fail"),
    ],
)
def test_a_conversion_the_sources_print_beside_the_cited_figure_counts(
    claim: str, verdict: str
) -> None:
    check = check_numbers(claim, [cite(LOAN, LOAN.text)], [LOAN, CONVERTED])
    assert check.verdict == verdict, check.detail
    if verdict == "pass":
        assert "£79bn (as paper-loan converts it)" in check.detail


def test_a_conversion_needs_the_cited_figure_beside_it() -> None:
    # "£79bn" stated alone elsewhere is not a conversion of the cited €90bn.
    other = Article(
        "paper-2", "https://paper.test/2", "Paper", "Aid", "Britain pledged £79bn over a decade."
    )
    check = check_numbers(
        "European leaders agreed a €90bn (£79bn) loan to Ukraine.", [cite(LOAN, LOAN.text)],
        [LOAN, other],
    )  # fmt: skip
    assert (check.verdict, check.detail) == ("fail", "£79bn does not appear in the cited text")
