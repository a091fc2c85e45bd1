"""Sources in other languages: detection, the name-and-number match, and what
``newsdesk check`` reports when a claim rests on such a source.

``fixtures/check/foreign.jsonl`` holds a French source (``lang`` given) and a
Spanish one (``lang`` detected); each carries facts no English source has.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from newsdesk.language.detection import language_of
from newsdesk.records import Article, Evidence
from newsdesk.verify import Report, check_article, load_sources
from newsdesk.verify.articles.report import ClaimReport
from newsdesk.verify.checks import Check, ClaimResult
from newsdesk.verify.checks.languages import matches, names, noted, numbers

FIXTURES = Path(__file__).parent / "fixtures" / "check"
FRENCH_URL = (
    "https://courrier-du-midi.test/monde/2020/07/14/premiere-execution-federale-depuis-17-ans"
)
ARTICLE = f"""# Lee executed

The prison in Terre Haute holds 62 inmates on federal death row, Le Courrier du Midi reported.

The prison in Terre Haute holds 64 inmates on federal death row, Le Courrier du Midi reported.

Lee's lawyer filed 3 appeals with the appeals court in St. Louis in the last 24 hours, \
Diario del Valle reported.

Terre Haute's prison holds 62 inmates on federal death row.

The U.S. carried out the first federal execution in 17 years at a prison in Indiana Tuesday \
morning after a 5-4 Supreme Court ruling cleared the way, NBC News reported.

## Sources

- [Le Courrier du Midi]({FRENCH_URL})
"""


@pytest.fixture(scope="module")
def sources() -> list[Article]:
    english = load_sources(FIXTURES / "sources.jsonl")
    return english + load_sources(FIXTURES / "foreign.jsonl")


@pytest.fixture(scope="module")
def report(sources: list[Article]) -> Report:
    return check_article(ARTICLE, sources, name="post.md")


def claim(report: Report, starts_with: str) -> ClaimReport:
    found = [c for c in report.claims if c.unit.clean.startswith(starts_with)]
    assert len(found) == 1, [c.unit.clean for c in report.claims]
    return found[0]


def article(text: str, lang: str | None = None, title: str = "") -> Article:
    return Article("s1", "https://a.test/1", "A", title, text, lang=lang)


# Detection -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("fr-FR", "Text that reads as English.", "fr"),
        ("EN_gb", "Texto en español.", "en"),
        (None, "El abogado de Lee presentó tres recursos ante el tribunal de apelaciones.", "es"),
        (None, "Lee a été exécuté mardi au pénitencier fédéral de Terre Haute.", "fr"),
        (None, "Lee was executed on Tuesday at the federal prison in Terre Haute.", "en"),
        (None, "2020 — 5-4", "en"),
    ],
)
def test_language_is_the_given_tag_else_detected(
    lang: str | None, text: str, expected: str
) -> None:
    assert language_of(article(text, lang)) == expected


def test_fixture_languages(sources: list[Article]) -> None:
    assert [language_of(s) for s in sources] == ["en", "en", "fr", "es"]
    assert sources[3].lang is None


# Names and numbers ---------------------------------------------------------------------------


def test_names_leave_out_function_words_days_and_initials() -> None:
    claim = "The U.S. said on Tuesday that Lee's lawyer, O'Brien, met Judge Tanya Chutkan."
    assert names(claim) == {"lee", "brien", "judge", "tanya", "chutkan"}


def test_numbers_are_values_read_in_the_sources_language() -> None:
    assert numbers("$2,300.50 and a 5-4 vote at 8:07") == {
        Decimal("2300.5"),
        Decimal(5),
        Decimal(4),
        Decimal(8),
        Decimal(7),
    }
    assert numbers("2,5 millions et 3.000 euros", "fr") == {Decimal("2.5"), Decimal(3000)}
    assert Decimal(2300) in numbers("2 300 personnes", "fr")
    assert Decimal(300) not in numbers("2 300 personnes", "fr")
    assert Decimal(300) in numbers("2 300 personnes", "fr", lenient=True)


@pytest.mark.parametrize(
    ("claim", "sentence", "expected"),
    [
        ("Lee, 47, died in Terre Haute.", "Âgé de 47 ans, Lee est mort à Terre Haute.", True),
        ("Lee, 48, died in Terre Haute.", "Âgé de 47 ans, Lee est mort à Terre Haute.", False),
        ("Lee, 47, died in Terre Haute.", "Âgé de 47 ans, il est mort à Terre Haute.", False),
        ("The fine was 2.5 million euros.", "L'amende s'élève à 2,5 millions d'euros.", False),
        ("Lee paid 2.5 million.", "Lee a payé 2,5 millions.", True),
        ("Lee died.", "Lee est mort.", False),
    ],
)
def test_a_sentence_must_hold_every_name_and_number(
    claim: str, sentence: str, expected: bool
) -> None:
    assert matches(claim, sentence, "fr") is expected


# Checking an article against them ------------------------------------------------------------


def test_claim_only_a_french_source_backs_is_supported_and_says_so(report: Report) -> None:
    found = claim(report, "The prison in Terre Haute holds 62")
    assert found.verdict == "supported", found.result.reason
    assert [e.source.id for e in found.result.evidence] == ["fr-1"]
    assert "62 détenus" in found.result.evidence[0].quote
    support = next(c for c in found.result.checks if c.kind == "support")
    assert support.detail == "supported by a source in French (fr-1): names and numbers match"
    applied = [c for c in found.result.checks if c.verdict != "n/a" and c.kind != "support"]
    assert applied and all(c.detail.endswith("(evidence in French: fr-1)") for c in applied)


def test_numbers_in_a_detected_spanish_source_match_as_values(report: Report) -> None:
    found = claim(report, "Lee's lawyer filed 3 appeals")
    assert found.verdict == "supported", found.result.reason
    by_kind = {c.kind: c.detail for c in found.result.checks}
    assert by_kind["support"] == "supported by a source in Spanish (es-1): names and numbers match"
    assert by_kind["number"] == "3, 24 in a source in Spanish (es-1), as values"


def test_a_number_no_source_gives_stays_unsupported(report: Report) -> None:
    found = claim(report, "The prison in Terre Haute holds 64")
    assert found.verdict == "unsupported"
    assert "64 does not appear in the sources" in found.result.reason
    assert all("French" not in c.detail for c in found.result.checks)


def test_a_claim_one_foreign_source_backs_must_credit_it(report: Report) -> None:
    """In the article's own voice, one outlet is one source, whatever its language."""
    found = claim(report, "Terre Haute's prison holds 62")
    assert found.verdict == "unsupported"
    assert found.result.reason == (
        "only Le Courrier du Midi reports this; the sentence speaks in the newsroom's voice:"
        " credit Le Courrier du Midi or cite a second independent source"
        " (evidence in French: fr-1)"
    )


def test_english_evidence_is_preferred(report: Report) -> None:
    found = claim(report, "The U.S. carried out")
    assert found.verdict == "supported", found.result.reason
    assert {e.source.id for e in found.result.evidence} <= {
        "baly-IHtW6TgHxlfrPJsk",
        "baly-2W1WED0JCBIU7WlD",
    }
    assert all("evidence in" not in c.detail for c in found.result.checks)


def test_link_to_a_foreign_source_says_its_language(report: Report) -> None:
    found = claim(report, "Le Courrier du Midi")
    assert found.verdict == "supported"
    assert [c.detail for c in found.result.checks] == ["links to fr-1 (evidence in French: fr-1)"]


def test_without_the_foreign_sources_those_claims_are_flagged() -> None:
    english = load_sources(FIXTURES / "sources.jsonl")
    report = check_article(ARTICLE, english, name="post.md")
    assert claim(report, "The prison in Terre Haute holds 62").verdict == "unsupported"
    assert claim(report, "Lee's lawyer filed 3 appeals").verdict == "unsupported"


def test_noted_marks_checks_resting_on_a_foreign_source() -> None:
    french = article("Lee a été exécuté à Terre Haute.", "fr")
    english = Article("s2", "https://b.test/2", "B", "", "Lee was executed in Terre Haute.")
    evidence = Evidence(french, 0, len(french.text))
    conflict = Check("place", "fail", "s1 places it in Terre Haute", conflict=evidence)
    result = ClaimResult(
        "contradicted",
        conflict.detail,
        (Check("number", "n/a"), conflict, Check("support", "pass", "ok")),
        (Evidence(english, 0, 10),),
    )
    out = noted(result, {"s1": "fr", "s2": "en"})
    assert [c.detail for c in out.checks] == [
        "",
        "s1 places it in Terre Haute (evidence in French: s1)",
        "ok",
    ]
    assert out.reason == "s1 places it in Terre Haute (evidence in French: s1)"
