"""The role check: who holds which office, learned from the sources, as of the claim's date.

Every source is real reporting: the bundled sample (2019-2020), the AllSides 2021
excerpts and, for Mike Pompeo's time as Secretary of State, two articles of the
AllSides full-text clusters. Claims are real sentences or plant the error the
check exists for: a former or wrong office-holder named as the current one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk.config import SAMPLE_DUMP
from newsdesk.ingest import parse_article
from newsdesk.language.text import sentences
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.roles import check_roles, parse_role, role_bindings, same_person

ALLSIDES = Path(__file__).parent / "fixtures" / "allsides"
"""Seven 2021 excerpt stories and three full-text articles (see its README)."""

POMPEO_DAY = ("baly-Act9hgLHag3VWQNl", "baly-AWDuB6fsk68XDycX")  # 2020-01-08, Soleimani strike
CLINTON_FORMER = "baly-Bzp6ie8BnSh4SJsu"  # 2020-01-19: "former Secretary of State Hillary Clinton"


def _article(record: dict[str, str | None]) -> Article:
    return parse_article(record)


@pytest.fixture(scope="module")
def sample() -> dict[str, Article]:
    lines = Path(str(SAMPLE_DUMP)).read_text(encoding="utf-8").splitlines()
    return {a.id: a for a in (_article(json.loads(line)) for line in lines)}


@pytest.fixture(scope="module")
def excerpts() -> dict[str, Article]:
    """The 2021 excerpts, dated with their story's date (the articles carry none)."""
    stories = (ALLSIDES / "excerpts_stories.jsonl").read_text(encoding="utf-8").splitlines()
    dates = {s["cluster_id"]: s["date"][:10] for s in map(json.loads, stories)}
    out = {}
    for line in (ALLSIDES / "excerpts.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        out[record["id"]] = replace(_article(record), published=dates[record["cluster_id"]])
    return out


@pytest.fixture(scope="module")
def fulltext() -> dict[str, Article]:
    wanted = {*POMPEO_DAY, CLINTON_FORMER}
    lines = (ALLSIDES / "fulltext.jsonl").read_text(encoding="utf-8").splitlines()
    out = {a.id: a for a in (_article(json.loads(line)) for line in lines)}
    assert set(out) == wanted
    return out


def story(articles: dict[str, Article], prefix: str) -> list[Article]:
    return [a for a in articles.values() if a.id.startswith(prefix)]


def dated(articles: Iterable[Article], day: str) -> list[Article]:
    return [a for a in articles if a.published == day]


def sentence_with(article: Article, fragment: str) -> str:
    """The real sentence of ``article`` that contains ``fragment`` (spacing aside)."""
    return next(s.text for s in sentences(article.text) if fragment in " ".join(s.text.split()))


def bound(text: str) -> set[tuple[str, str, bool]]:
    return {(b.person, b.role, b.former) for b in role_bindings(text)}


# --- reading bindings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("article_id", "fragment", "expected"),
    [
        (
            "baly-DpWF8ZNmaPMlimZz",
            "Senate Majority Leader Mitch McConnell, R-Ky.",
            ("Mitch McConnell", "senate majority leader", False),
        ),
        (
            "baly-PXMbmWFrtBskfPp9",
            "House Speaker Nancy Pelosi announced",
            ("Nancy Pelosi", "house speaker", False),
        ),
        (
            "baly-ubM5n9nAtunu2NlX",
            "Attorney General William Barr and FBI Director",
            ("William Barr", "attorney general", False),
        ),
        (
            "baly-ubM5n9nAtunu2NlX",
            "Attorney General William Barr and FBI Director",
            ("Christopher Wray", "fbi director", False),
        ),
        ("baly-OGNbd89Mq8vUGmUE", "Gov. Eric Holcomb said", ("Eric Holcomb", "governor", False)),
        (
            "baly-OGNbd89Mq8vUGmUE",
            "Iowa Gov. Kim Reynolds",
            ("Kim Reynolds", "iowa governor", False),
        ),
        (
            "baly-cgcIHmjLEBLZP8HN",
            "UK Foreign Secretary Dominic Raab",
            ("Dominic Raab", "uk foreign secretary", False),
        ),
        (
            "baly-IBf1eu0p8MOgAseE",
            "Israeli Prime Minister Benjamin Netanyahu",
            ("Benjamin Netanyahu", "israel prime minister", False),
        ),
    ],
)
def test_title_before_a_name_binds_the_person(
    sample: dict[str, Article], article_id: str, fragment: str, expected: tuple[str, str, bool]
) -> None:
    assert expected in bound(sentence_with(sample[article_id], fragment))


@pytest.mark.parametrize(
    ("article_id", "fragment", "expected"),
    [
        (
            "allsides2021-6098-left",
            "John Kerry, a former secretary of state,",
            ("John Kerry", "secretary of state", True),
        ),
        (
            "allsides2021-5844-right",
            "Speaker of the House Nancy Pelosi",
            ("Nancy Pelosi", "house speaker", False),
        ),
        (
            "allsides2021-6016-right",
            "US Secretary of State Antony Blinken",
            ("Antony Blinken", "secretary of state", False),
        ),
        (
            "allsides2021-5937-right",
            "Georgia Secretary of State Brad Raffensperger",
            ("Brad Raffensperger", "georgia secretary of state", False),
        ),
        (
            "allsides2021-5952-right",
            "then-Deputy Attorney General Jeffrey Rosen",
            ("Jeffrey Rosen", "deputy attorney general", True),
        ),
    ],
)
def test_appositions_former_holders_and_qualifiers(
    excerpts: dict[str, Article], article_id: str, fragment: str, expected: tuple[str, str, bool]
) -> None:
    assert expected in bound(sentence_with(excerpts[article_id], fragment))


def test_roles_are_normalised_phrases() -> None:
    nato = parse_role(["NATO", "Secretary", "General"])
    possessive = parse_role(["NATO", "secretary", "general"])  # "NATO's secretary general"
    assert nato is not None and possessive is not None
    assert nato.name == possessive.name == "nato secretary general"
    of_the_house = parse_role(["Speaker", "of", "the", "House"])
    house = parse_role(["House", "Speaker"])
    assert of_the_house is not None and house is not None
    assert of_the_house.name == house.name == "house speaker"
    gov = parse_role(["Republican", "Gov."])  # a party is not whose office it is
    assert gov is not None and (gov.head, gov.qualifier) == ("governor", None)
    assert parse_role(["incoming", "Secretary", "of", "State"]) is None  # not yet in office


def test_an_apposition_takes_the_qualifier_the_same_text_gives() -> None:
    text = (
        "NATO Secretary General Jens Stoltenberg met the ministers. "
        "Stoltenberg, the alliance's secretary general, said the talks went well."
    )
    roles = [(b.person, b.role) for b in role_bindings(text)]
    assert roles == [("Jens Stoltenberg", "nato secretary general")] * 2


def test_a_bare_surname_refers_back_to_the_full_name(sample: dict[str, Article]) -> None:
    text = sample["baly-Jc3w54MpzqBz2di5"].text
    pelosi = [b for b in role_bindings(text) if b.mention == "Pelosi"]
    assert pelosi and {b.person for b in pelosi} == {"Nancy Pelosi"}


def test_binding_offsets_are_the_exact_sentence(sample: dict[str, Article]) -> None:
    text = sample["baly-Jc3w54MpzqBz2di5"].text
    spans = {(s.start, s.end) for s in sentences(text)}
    found = role_bindings(text)
    assert len(found) >= 5
    for binding in found:
        assert (binding.start, binding.end) in spans
        assert binding.mention in text[binding.start : binding.end]


def test_office_holders_are_learned_not_listed() -> None:
    text = "Secretary of State Jane Roe said the embassy would reopen."
    assert bound(text) == {("Jane Roe", "secretary of state", False)}


def test_same_person_by_surname_and_compatible_first_names() -> None:
    assert same_person("Pompeo", "Mike Pompeo")
    assert same_person("Chuck Schumer", "Charles E. Schumer")
    assert same_person("Hillary Clinton", "Bill Clinton") is False
    assert same_person("Mitch McConnell", "Chuck Schumer") is False


# --- checking claims -----------------------------------------------------------------------


def test_a_claim_without_a_role_is_not_applicable(sample: dict[str, Article]) -> None:
    sources = dated(sample.values(), "2019-12-18")
    claim = "The House voted to impeach the president on two articles."
    assert check_roles(claim, [], sources, "2019-12-18").verdict == "n/a"


def test_the_right_majority_leader_passes(sample: dict[str, Article]) -> None:
    sources = dated(sample.values(), "2019-12-18")
    claim = "Senate Majority Leader Mitch McConnell said a trial is expected in January."
    check = check_roles(claim, [], sources, "2019-12-18")
    assert (check.verdict, check.conflict) == ("pass", None)
    assert "Mitch McConnell" in check.detail


def test_the_wrong_majority_leader_is_contradicted_with_the_source_sentence(
    sample: dict[str, Article],
) -> None:
    sources = dated(sample.values(), "2019-12-18")
    claim = "Senate Majority Leader Chuck Schumer said a trial is expected in January."
    check = check_roles(claim, [], sources, "2019-12-18")
    assert check.verdict == "fail" and check.conflict is not None
    assert check.detail.startswith("claim names Chuck Schumer as Senate Majority Leader; ")
    assert check.detail.endswith("(2019-12-18) names Mitch McConnell")
    conflict = check.conflict
    assert conflict.source.id in check.detail
    assert "Senate Majority Leader Mitch McConnell" in conflict.quote
    assert conflict.quote == conflict.source.text[conflict.start : conflict.end]
    assert conflict.quote in {s.text for s in sentences(conflict.source.text)}


def test_a_former_secretary_of_state_named_as_the_current_one_in_2020(
    fulltext: dict[str, Article],
) -> None:
    sources = [fulltext[i] for i in POMPEO_DAY]
    claim = "Secretary of State Hillary Clinton said the strike was meant to deter future attacks."
    check = check_roles(claim, [], sources, "2020-01-08")
    assert check.verdict == "fail" and check.conflict is not None
    assert check.detail.startswith("claim names Hillary Clinton as Secretary of State; ")
    assert check.detail.endswith("(2020-01-08) names Mike Pompeo")
    assert "Secretary of State Mike Pompeo" in check.conflict.quote


def test_the_secretary_of_state_of_the_day_passes(fulltext: dict[str, Article]) -> None:
    sources = [fulltext[i] for i in POMPEO_DAY]
    claim = "Secretary of State Mike Pompeo was among the officials at the White House."
    assert check_roles(claim, [], sources, "2020-01-08").verdict == "pass"
    apposition = "Mike Pompeo, the secretary of state, spoke to reporters."
    assert check_roles(apposition, [], sources, "2020-01-08").verdict == "pass"


def test_former_secretary_of_state_passes_when_a_source_says_so(
    fulltext: dict[str, Article],
) -> None:
    sources = [*(fulltext[i] for i in POMPEO_DAY), fulltext[CLINTON_FORMER]]
    claim = "Former Secretary of State Hillary Clinton criticized the strike."
    check = check_roles(claim, [], sources, "2020-01-20")
    assert check.verdict == "pass"
    assert CLINTON_FORMER in check.detail and "former" in check.detail


def test_the_2020_secretary_of_state_is_wrong_in_2021(
    fulltext: dict[str, Article], excerpts: dict[str, Article]
) -> None:
    sources = [*(fulltext[i] for i in POMPEO_DAY), *story(excerpts, "allsides2021-6016")]
    claim = "Secretary of State Mike Pompeo said the United States condemned the act."
    check = check_roles(claim, [], sources, "2021-05-24")
    assert check.verdict == "fail" and check.conflict is not None
    assert check.detail.endswith("names Antony Blinken")
    assert check.conflict.source.id.startswith("allsides2021-6016")
    blinken = "Secretary of State Antony Blinken said the United States condemned the act."
    assert check_roles(blinken, [], sources, "2021-05-24").verdict == "pass"


def test_old_sources_neither_support_nor_contradict(fulltext: dict[str, Article]) -> None:
    sources = [fulltext[i] for i in POMPEO_DAY]  # more than half a year before the claim
    claim = "Secretary of State Mike Pompeo said the United States condemned the act."
    check = check_roles(claim, [], sources, "2021-05-24")
    assert (check.verdict, check.conflict) == ("fail", None)
    assert check.detail == "no source calls Mike Pompeo the Secretary of State"


def test_a_later_source_cannot_contradict_an_earlier_claim(
    fulltext: dict[str, Article], excerpts: dict[str, Article]
) -> None:
    sources = [*story(excerpts, "allsides2021-6016"), *(fulltext[i] for i in POMPEO_DAY)]
    claim = "Secretary of State Mike Pompeo was among the officials at the White House."
    assert check_roles(claim, [], sources, "2020-01-08").verdict == "pass"


def test_a_source_calling_the_person_former_contradicts(excerpts: dict[str, Article]) -> None:
    sources = story(excerpts, "allsides2021-6098")
    claim = "Secretary of State John Kerry said on Monday that he had never discussed the strikes."
    check = check_roles(claim, [], sources, "2021-04-27")
    assert check.verdict == "fail" and check.conflict is not None
    assert "calls John Kerry a former secretary of state" in check.detail
    faithful = sentence_with(excerpts["allsides2021-6098-left"], "a former secretary of state")
    assert check_roles(faithful, [], sources, "2021-04-27").verdict == "pass"


def test_undated_sources_speak_for_the_claim_date(excerpts: dict[str, Article]) -> None:
    sources = [replace(a, published=None) for a in story(excerpts, "allsides2021-6016")]
    claim = "Secretary of State Hillary Clinton condemned the diversion of the flight."
    check = check_roles(claim, [], sources, None)
    assert check.conflict is not None and check.detail.endswith("names Antony Blinken")


def test_the_wrong_house_speaker_is_contradicted(sample: dict[str, Article]) -> None:
    sources = dated(sample.values(), "2019-12-18")
    claim = "Speaker Kevin McCarthy announced the final vote count."
    check = check_roles(claim, [], sources, "2019-12-18")
    assert check.conflict is not None and check.detail.endswith("names Nancy Pelosi")
    assert check_roles("Speaker Pelosi announced it.", [], sources, "2019-12-18").verdict == "pass"


def test_a_qualified_governor_is_unique_but_a_bare_one_is_not(sample: dict[str, Article]) -> None:
    sources = dated(sample.values(), "2020-05-20")
    right = check_roles("Iowa Gov. Kim Reynolds will reopen zoos.", [], sources, "2020-05-20")
    assert right.verdict == "pass"
    wrong = check_roles("Iowa Gov. Eric Holcomb will reopen zoos.", [], sources, "2020-05-20")
    assert wrong.conflict is not None and wrong.detail.endswith("names Kim Reynolds")
    # Many people are governors at once: naming one the sources do not is unsupported only.
    other = check_roles("Gov. Tim Walz will reopen zoos.", [], sources, "2020-05-20")
    assert (other.verdict, other.conflict) == ("fail", None)
    assert other.detail == "no source calls Tim Walz the Governor"


def test_a_bare_president_is_never_contradicted_by_another_president(
    sample: dict[str, Article],
) -> None:
    sources = dated(sample.values(), "2019-12-18")  # "President Trump" throughout
    check = check_roles(
        "President Joe Biden said the vote was historic.", [], sources, "2019-12-18"
    )
    assert (check.verdict, check.conflict) == ("fail", None)


def test_cited_evidence_counts_even_if_not_among_the_sources(
    fulltext: dict[str, Article],
) -> None:
    source = fulltext[POMPEO_DAY[0]]
    start = source.text.index("Defense Secretary Mark Esper and Secretary of State Mike Pompeo")
    evidence = [Evidence(source, start, start + 80)]
    claim = "Defense Secretary Mark Esper was spotted at the White House."
    check = check_roles(claim, evidence, [], "2020-01-08")
    assert check.verdict == "pass" and source.id in check.detail


# --- names across spellings, particles and titles ----------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Yuri Ushakov", "Yury Ushakov"),
        ("Sergey Lavrov", "Sergei Lavrov"),
        ("Yevgeny Prigozhin", "Evgeny Prigozhin"),
        ("Dmitry Peskov", "Dmitri Peskov"),
        ("Aleksandr Lukashenko", "Alexander Lukashenko"),
        ("Alexei Navalny", "Aleksey Navalny"),
        ("Mohammed bin Salman", "Muhammad bin Salman"),
        ("Mohamed bin Salman", "Mohammed bin Salman"),
        ("Volodymyr Zelenskiy", "Volodymyr Zelensky"),
        ("Volodymyr Zelenskyy", "Zelensky"),
        ("Stephen Hadley", "Stefen Hadley"),
        ("Mikhail Mishustin", "Mihail Mishustin"),
        ("Ursula von der Leyen", "von der Leyen"),
        ("Commission President Ursula von der Leyen", "Ursula von der Leyen"),
        ("Bashar al-Assad", "Assad"),
        ("Dr. Anthony Fauci", "Anthony S. Fauci"),
        ("Sen. Mitch McConnell", "Mitch McConnell"),
        ("Mr. Pompeo", "Mike Pompeo"),
        ("Andrés Manuel López Obrador", "López Obrador"),
        ("Daniel Lewis Lee", "Lee"),
    ],
)
def test_one_person_under_other_spellings_titles_and_particles(a: str, b: str) -> None:
    assert same_person(a, b) is True
    assert same_person(b, a) is True


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Leyen", "Ursula von der Leyen"),  # a surname cut short is nobody's name
        ("Salman", "Mohammed bin Salman"),  # King Salman is not his son
        ("Dan Smith", "Don Smith"),  # short names: one vowel makes another name
        ("Alexander Ivanov", "Alexandra Ivanov"),
        ("Mario Draghi", "Maria Draghi"),
    ],
)
def test_spelling_rules_do_not_make_two_people_one(a: str, b: str) -> None:
    assert same_person(a, b) is not True


def test_different_people_stay_different() -> None:
    assert same_person("Keith Dwayne Nelson", "Lee") is False  # "Lee" is no particle "le"
    assert same_person("Hillary Clinton", "Bill Clinton") is False
    assert same_person("Sergei Lavrov", "Dmitry Peskov") is False
    assert same_person("Marine Le Pen", "Jean-Marie Le Pen") is False


def test_a_surname_with_particles_is_bound_whole() -> None:
    text = (
        "European Commission President Ursula von der Leyen arrived on Monday. "
        "President von der Leyen said the bloc would act."
    )
    assert {(b.person, b.head) for b in role_bindings(text)} == {
        ("Ursula von der Leyen", "president")
    }
    assert len(role_bindings(text)) == 2


def _story(*texts: tuple[str, str], day: str = "2021-08-20") -> list[Article]:
    return [
        Article(source_id, f"https://example.com/{source_id}", "Example", "", text, published=day)
        for source_id, text in texts
    ]


def test_a_transliterated_holder_is_supported_not_contradicted() -> None:
    sources = _story(
        ("kyiv", "Ukrainian President Volodymyr Zelensky spoke to reporters on Friday."),
        ("moscow", "Russian Foreign Minister Sergey Lavrov said talks were possible."),
    )
    president = check_roles(
        "Ukrainian President Volodymyr Zelenskiy spoke on Friday.", [], sources, "2021-08-20"
    )
    assert (president.verdict, president.conflict) == ("pass", None)
    assert "kyiv" in president.detail
    minister = check_roles(
        "Russian Foreign Minister Sergei Lavrov said talks were possible.",
        [],
        sources,
        "2021-08-20",
    )
    assert (minister.verdict, minister.conflict) == ("pass", None)


# --- offices under other names -----------------------------------------------------------------


def test_a_bare_office_is_compatible_with_a_narrower_one() -> None:
    sources = _story(("a", "Jake Sullivan, the foreign policy adviser, met the delegation."))
    check = check_roles("Adviser Jake Sullivan met the delegation.", [], sources, "2021-08-20")
    assert check.verdict == "pass"
    envoy = _story(("b", "Robert Malley, the special envoy for Iran, flew to Vienna."))
    check = check_roles(
        "Robert Malley, the U.S. representative for Iran, flew to Vienna.", [], envoy, "2021-08-20"
    )
    assert check.verdict == "pass"


def test_a_rank_word_makes_another_office() -> None:
    sources = _story(("a", "Vice President Mike Pence presided over the count."))
    check = check_roles("President Mike Pence presided over the count.", [], sources, "2021-01-06")
    assert check.verdict == "fail"
    assert check.detail == "no source calls Mike Pence the President"


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        (
            "EU foreign policy chief Josep Borrell said the bloc was ready.",
            "High Representative Josep Borrell said the bloc was ready.",
        ),
        (
            "Russia's top diplomat, Sergei Lavrov, said the talks were over.",
            "Russian Foreign Minister Sergey Lavrov said the talks were over.",
        ),
        (
            "America's top diplomat, Antony Blinken, said the talks were over.",
            "Secretary of State Antony Blinken said the talks were over.",
        ),
        (
            "British Foreign Minister Dominic Raab said the talks were over.",
            "UK Foreign Secretary Dominic Raab said the talks were over.",
        ),
    ],
)
def test_news_synonyms_of_one_office_support(claim: str, source: str) -> None:
    check = check_roles(claim, [], _story(("a", source)), "2021-08-20")
    assert (check.verdict, check.conflict) == ("pass", None)


def test_a_synonym_names_a_rival_holder() -> None:
    sources = _story(("state", "Secretary of State Antony Blinken defended the withdrawal."))
    check = check_roles(
        "America's top diplomat, Mike Pompeo, defended the withdrawal.", [], sources, "2021-08-20"
    )
    assert check.verdict == "fail" and check.conflict is not None
    assert check.detail.endswith("state (2021-08-20) names Antony Blinken")


def test_a_state_secretary_of_state_is_no_top_diplomat() -> None:
    sources = _story(("ga", "Georgia Secretary of State Brad Raffensperger certified the vote."))
    check = check_roles(
        "America's top diplomat, Brad Raffensperger, certified the vote.", [], sources, "2021-08-20"
    )
    assert (check.verdict, check.conflict) == ("fail", None)


PSAKI_BOTH = (
    "old",
    "White House press secretary Jen Psaki took questions. "
    "Psaki, the White House spokeswoman, said the president would travel.",
)


def test_the_sources_teach_two_names_of_one_persons_office() -> None:
    """One source names her both ways, so another that says one supports the other."""
    current = ("new", "White House press secretary Jen Psaki said the talks went well.")
    claim = "White House spokeswoman Jen Psaki said the talks went well."
    alone = check_roles(claim, [], _story(current), "2021-08-20")
    assert (alone.verdict, alone.conflict) == ("fail", None)
    # The source that names her both ways is a year old: it cannot speak for the claim's
    # date, only for what the two phrases mean.
    sources = [*_story(PSAKI_BOTH, day="2020-08-01"), *_story(current)]
    check = check_roles(claim, [], sources, "2021-08-20")
    assert check.verdict == "pass"
    assert "new (2021-08-20)" in check.detail


def test_two_formal_offices_held_at_once_are_not_one() -> None:
    both = ("old", "Acme CEO Jane Roe opened the plant. Acme chairman Jane Roe cut the ribbon.")
    current = ("new", "Acme chairman Jane Roe said sales grew.")
    sources = [*_story(both, day="2020-08-01"), *_story(current)]
    check = check_roles("Acme CEO Jane Roe said sales grew.", [], sources, "2021-08-20")
    assert (check.verdict, check.conflict) == ("fail", None)


# --- a former holder named as the current one ----------------------------------------------------

POMPEO_FORMER = ("former", "Former Secretary of State Mike Pompeo criticised the withdrawal.")
BLINKEN_NOW = ("current", "Secretary of State Antony Blinken defended the withdrawal.")


@pytest.mark.parametrize(
    "claim",
    [
        "Secretary of State Mike Pompeo said the withdrawal was a mistake.",
        "U.S. Secretary of State Mike Pompeo said the withdrawal was a mistake.",
        "Mike Pompeo, the secretary of state, said the withdrawal was a mistake.",
        "Secretary of State Pompeo said the withdrawal was a mistake.",
        "America's top diplomat, Mike Pompeo, said the withdrawal was a mistake.",
    ],
)
def test_a_former_holder_named_as_current_is_contradicted_by_the_holder(claim: str) -> None:
    sources = _story(POMPEO_FORMER, BLINKEN_NOW)
    check = check_roles(claim, [], sources, "2021-08-20")
    assert check.verdict == "fail" and check.conflict is not None
    assert check.conflict.source.id == "current"
    assert check.conflict.quote == BLINKEN_NOW[1]
    assert "current (2021-08-20) names Antony Blinken" in check.detail
    assert "former (2021-08-20) calls Mike Pompeo a former Secretary of State" in check.detail


def test_the_holder_is_the_conflict_even_when_the_former_source_is_newer() -> None:
    sources = [*_story(POMPEO_FORMER, day="2021-08-21"), *_story(BLINKEN_NOW, day="2021-08-19")]
    claim = "Secretary of State Mike Pompeo said the withdrawal was a mistake."
    check = check_roles(claim, [], sources, "2021-08-21")
    assert check.conflict is not None and check.conflict.source.id == "current"
    assert check.detail.endswith("names Antony Blinken")


def test_a_former_holder_without_a_named_successor_is_contradicted_by_former() -> None:
    check = check_roles(
        "Secretary of State Mike Pompeo said the withdrawal was a mistake.",
        [],
        _story(POMPEO_FORMER),
        "2021-08-20",
    )
    assert check.conflict is not None and check.conflict.source.id == "former"
    assert check.detail.endswith("calls Mike Pompeo a former Secretary of State")
    faithful = "Former Secretary of State Mike Pompeo criticised the withdrawal."
    sources = _story(POMPEO_FORMER, BLINKEN_NOW)
    assert check_roles(faithful, [], sources, "2021-08-20").verdict == "pass"
