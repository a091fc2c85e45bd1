"""The context check and the speaker of a quotation: a sentence copied word for word must
still mean on the page what it meant in its source."""

from __future__ import annotations

import pytest

from newsdesk.config import VerifySettings
from newsdesk.language.references import (
    definite_description,
    place_reference,
    pronoun_reference,
    relative_time,
)
from newsdesk.records import Article, Citation, Draft, Evidence, Sentence
from newsdesk.verify import check_article, check_claim
from newsdesk.verify.checker import page_contexts
from newsdesk.verify.checks import Check, ClaimResult
from newsdesk.verify.gate import check_draft_sentences
from slices import HE_SAID, MCCONNELL, PELOSI, USMCA

DEBT_DEAL = "baly-DpWF8ZNmaPMlimZz"
UNSPOKEN = "“Many of the supporters of this debt deal ran around their states for years"


@pytest.fixture(scope="module")
def usmca(sample_articles: list[Article]) -> list[Article]:
    return [a for a in sample_articles if a.id in USMCA]


def context_check(result: ClaimResult) -> Check:
    return next(c for c in result.checks if c.kind == "context")


def page(*sentences: str) -> str:
    return "# USMCA vote timing\n\n" + "\n\n".join(sentences) + "\n"


@pytest.mark.parametrize(
    ("text", "pronoun"),
    [
        (HE_SAID, "He"),
        ("“It is a good deal,” she said on Tuesday.", "she"),
        ("His office did not respond.", "His"),
        ("“He is wrong,” Pelosi said.", None),
        ("The president said he would sign it.", None),
    ],
)
def test_a_pronoun_as_subject_or_speaker_is_found(text: str, pronoun: str | None) -> None:
    match = pronoun_reference(text)
    assert (match.group("pronoun") if match else None) == pronoun


def test_a_pronoun_after_another_person_is_contradicted_naming_the_source(
    usmca: list[Article],
) -> None:
    report = check_article(page(PELOSI, HE_SAID), usmca, name="a.md", model=False)
    claim = report.claims[-1]
    assert claim.unit.text == HE_SAID
    assert claim.verdict == "contradicted" and claim.kind == "context"
    check = context_check(claim.result)
    assert "Pelosi" in check.detail and "Mitch McConnell" in check.detail
    assert check.conflict is not None and "McConnell" in check.conflict.quote


def credited(sentence: str, outlet: str = "Politico") -> str:
    """The sentence credited to the one outlet that reports it: in the article's own voice
    it would need a second, independent source."""
    return f"{sentence[:-1]}, {outlet} reported."


def test_the_same_sentence_after_its_own_context_passes(usmca: list[Article]) -> None:
    text = page(credited(MCCONNELL), credited(HE_SAID))
    report = check_article(text, usmca, name="a.md", model=False)
    claim = report.claims[-1]
    assert claim.verdict == "supported", claim.result.reason
    assert context_check(claim.result).verdict == "pass"


def test_a_pronoun_with_no_one_on_the_page_is_unsupported(usmca: list[Article]) -> None:
    report = check_article(page(HE_SAID), usmca, name="a.md", model=False)
    claim = report.claims[-1]
    assert claim.verdict == "unsupported" and claim.kind == "context"
    assert "names no one on the page" in claim.result.reason


def test_a_quotation_printed_without_its_speaker_is_flagged(
    sample_articles: list[Article],
) -> None:
    source = next(a for a in sample_articles if a.id == DEBT_DEAL)
    start = source.text.index(UNSPOKEN)
    end = source.text.index("”", start + len(UNSPOKEN)) + 1
    quote = source.text[start:end]
    span = Evidence(source, start, end)
    bare = check_claim(f"Associated Press reported: {quote}", [span], sources=[source])
    speaker = next(c for c in bare.checks if c.kind == "speaker")
    assert speaker.verdict == "fail" and "Rand Paul" in speaker.detail
    assert bare.label == "unsupported"
    named = check_claim(f"Sen. Rand Paul said: {quote}", [span], sources=[source])
    assert next(c for c in named.checks if c.kind == "speaker").verdict == "pass"


def cited(article: Article, text: str, kind: str = "body") -> Sentence:
    start = article.text.index(text)
    printed = credited(text, article.outlet) if kind == "body" else text
    return Sentence(kind, printed, (Citation(article.id, start, start + len(text)),))  # type: ignore[arg-type]


def test_the_gate_judges_each_sentence_where_the_draft_puts_it(usmca: list[Article]) -> None:
    politico = next(a for a in usmca if a.id == USMCA[1])
    outlet = next(a for a in usmca if PELOSI in a.text)
    headline = Sentence(
        "headline", politico.title, (Citation(politico.id, 0, len(politico.title), "title"),)
    )
    misplaced = Draft(
        "s",
        "h",
        "Politics",
        "2019-12-10",
        (headline, cited(outlet, PELOSI), cited(politico, HE_SAID)),
        (),
    )
    faithful = Draft(
        "s",
        "h",
        "Politics",
        "2019-12-10",
        (headline, cited(politico, MCCONNELL), cited(politico, HE_SAID)),
        (),
    )
    settings = VerifySettings()
    assert page_contexts(misplaced)[2] == (politico.title, credited(PELOSI, outlet.outlet))
    wrong = check_draft_sentences(
        misplaced, usmca, settings, support=lambda c, e: Check("support", "pass")
    )
    right = check_draft_sentences(
        faithful, usmca, settings, support=lambda c, e: Check("support", "pass")
    )
    assert wrong[2].label == "contradicted" and context_check(wrong[2]).verdict == "fail"
    assert right[2].label == "supported"


def test_standalone_lines_carry_no_page_context(usmca: list[Article]) -> None:
    politico = next(a for a in usmca if a.id == USMCA[1])
    draft = Draft(
        "s",
        "h",
        "Politics",
        "2019-12-10",
        (cited(politico, MCCONNELL), cited(politico, HE_SAID, "coverage")),
        (),
    )
    assert page_contexts(draft) == [(), ()]


def span_of(article: Article, text: str) -> Evidence:
    start = article.text.index(text)
    return Evidence(article, start, start + len(text))


def context_of(claim: str, article: Article, *context: str) -> tuple[str, Check]:
    """The verdict and the context check on ``claim`` (a sentence of ``article``) after
    ``context`` on the page."""
    result = check_claim(
        credited(claim, article.outlet),
        [span_of(article, claim)],
        sources=[article],
        context=context,
        support=lambda c, e: Check("support", "pass"),
    )
    return result.label, context_check(result)


EXECUTION = Article(
    "wire-1",
    "https://wire.test/1",
    "Wire",
    "Execution delayed",
    "A federal judge in Indiana blocked the execution on Monday morning. "
    "Lawyers for the government appealed the order to the Supreme Court.\n\n"
    "Hours later, the Supreme Court lifted the order in an unsigned opinion.\n\n"
    "Relatives of the victims had travelled from Arkansas for the execution.",
)
HOURS_LATER = "Hours later, the Supreme Court lifted the order in an unsigned opinion."


def test_a_relative_time_after_its_own_event_passes() -> None:
    label, check = context_of(
        HOURS_LATER, EXECUTION, "The government appealed the judge's order to the Supreme Court."
    )
    assert (label, check.verdict) == ("supported", "pass"), check.detail


def test_a_relative_time_after_another_event_is_contradicted() -> None:
    label, check = context_of(
        HOURS_LATER, EXECUTION, "Relatives of the victims had travelled from Arkansas."
    )
    assert (label, check.verdict) == ("contradicted", "fail")
    assert "'Hours later'" in check.detail and "wire-1" in check.detail
    assert check.conflict is not None and "appealed" in check.conflict.quote


def test_a_relative_time_that_follows_nothing_is_unsupported() -> None:
    label, check = context_of(HOURS_LATER, EXECUTION)
    assert (label, check.verdict) == ("unsupported", "fail")
    assert "follows nothing on the page" in check.detail


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Hours later, the court ruled.", "Hours later,"),
        ("Moments later the gunman fled.", "Moments later "),
        ("The next day, police said.", "The next day,"),
        ("Hours after the vote, the court ruled.", None),
        ("Shortly after the vote the court ruled.", None),
        ("Later, the court ruled.", None),
    ],
)
def test_relative_times_are_told_from_anchored_ones(text: str, phrase: str | None) -> None:
    match = relative_time(text)
    assert (match.group() if match else None) == phrase


TRADE = Article(
    "wire-2",
    "https://wire.test/2",
    "Wire",
    "Trade pact signed",
    "Mexico, Canada and the United States signed the revised trade agreement in Mexico City "
    "on Tuesday. The deal would raise wages for auto workers in all three countries.\n\n"
    "Separately, a soybean deal with China collapsed in May after talks in Beijing stalled.",
)
THE_DEAL = "The deal would raise wages for auto workers in all three countries."


def test_a_description_that_the_page_introduced_passes() -> None:
    label, check = context_of(
        THE_DEAL, TRADE, "The three countries signed the revised trade agreement in Mexico City."
    )
    assert (label, check.verdict) == ("supported", "pass"), check.detail


def test_a_description_that_points_at_another_thing_is_contradicted() -> None:
    label, check = context_of(
        THE_DEAL, TRADE, "A soybean deal with China collapsed in May after talks in Beijing."
    )
    assert (label, check.verdict) == ("contradicted", "fail")
    assert "“the deal”" in check.detail and "trade agreement" in check.detail


SANCTIONS = Article(
    "wire-3",
    "https://wire.test/3",
    "Wire",
    "Sanctions bill",
    "The senator said a strong sanctions bill was essential. "
    "The bill also covers further sanctions against Iran and North Korea.\n\n"
    "Lawmakers from both parties met in Washington on Monday. "
    "Officials in Moscow criticised the move as hostile.",
)


def test_sharing_only_the_described_noun_is_not_the_same_thing() -> None:
    # Both sentences name a bill by construction: that says nothing about which bill.
    label, check = context_of(
        "The bill also covers further sanctions against Iran and North Korea.",
        SANCTIONS,
        "A court struck down the bill.",
    )
    assert (label, check.verdict) == ("contradicted", "fail"), check.detail


def test_a_description_with_nothing_to_point_at_is_unsupported() -> None:
    label, check = context_of(THE_DEAL, TRADE, "Pelosi said the House would vote next week.")
    assert (label, check.verdict) == ("unsupported", "fail")
    assert "points at nothing on the page" in check.detail


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("The deal would raise wages.", "The deal"),
        ("The newspaper said it stood by the story.", "The newspaper"),
        ("The deal that Congress passed raised wages.", None),
        ("The report by the inspector general found errors.", None),
        ("The Post reported it first.", None),
    ],
)
def test_definite_descriptions_are_told_from_specific_ones(text: str, phrase: str | None) -> None:
    match = definite_description(text)
    assert (match.group("phrase") if match else None) == phrase


CEREMONY = Article(
    "wire-4",
    "https://wire.test/4",
    "Wire",
    "Pact signed",
    "Leaders signed the trade pact at a ceremony in Mexico City on Tuesday. "
    "The Canadian deputy prime minister was also present.\n\n"
    "Two days later, the House voted on the pact at the Capitol in Washington.",
)
ALSO_PRESENT = "The Canadian deputy prime minister was also present."


def test_a_place_reference_after_its_own_place_passes() -> None:
    label, check = context_of(
        ALSO_PRESENT, CEREMONY, "Leaders signed the pact at a ceremony in Mexico City."
    )
    assert (label, check.verdict) == ("supported", "pass"), check.detail
    assert "Mexico City" in check.detail


def test_a_place_reference_after_another_place_is_contradicted() -> None:
    label, check = context_of(
        ALSO_PRESENT, CEREMONY, "Two days later, the House voted at the Capitol in Washington."
    )
    assert (label, check.verdict) == ("contradicted", "fail"), check.detail
    assert "wire-4" in check.detail and "Mexico City" in check.detail


def test_a_place_reference_with_no_place_on_the_page_is_unsupported() -> None:
    label, check = context_of(ALSO_PRESENT, CEREMONY, "Leaders praised the pact.")
    assert (label, check.verdict) == ("unsupported", "fail"), check.detail
    assert "no place on the page" in check.detail


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("Trump won there by 20 points.", "there"),
        ("There he will lie in state on Friday.", "There"),
        ("Biden and Gore were also present.", "were also present"),
        ("If there was any doubt, it is gone.", None),
        ("There's no doubt about it.", None),
        ("From there it would have been easy.", None),
        ("“We were there,” she said.", None),
    ],
)
def test_place_references_are_told_from_existential_there(text: str, reference: str | None) -> None:
    match = place_reference(text)
    assert (match.group() if match else None) == reference
