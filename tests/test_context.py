"""The context check and the speaker of a quotation: a sentence copied word for word must
still mean on the page what it meant in its source."""

from __future__ import annotations

import pytest

from newsdesk.config import VerifySettings
from newsdesk.records import Article, Citation, Draft, Evidence, Sentence
from newsdesk.verify import check_article, check_claim
from newsdesk.verify.checker import page_contexts
from newsdesk.verify.checks import Check, ClaimResult
from newsdesk.verify.checks.context import pronoun_reference
from newsdesk.verify.gate import check_draft_sentences

USMCA = ("baly-PXMbmWFrtBskfPp9", "baly-X3xfy4Z2TspQTotq", "baly-ypQF4LX8KHXOtPNZ")
HE_SAID = (
    "He said consideration of USMCA will “happen in all likelihood right after” the "
    "impeachment trial."
)
MCCONNELL = (
    "Senate Majority Leader Mitch McConnell told reporters the upper chamber will not take up "
    "the trade deal this month."
)
PELOSI = (
    "Behind closed doors, Pelosi insisted that Democrats had the upper hand in the trade deal "
    "and had outstrategized the GOP."
)
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


def test_the_same_sentence_after_its_own_context_passes(usmca: list[Article]) -> None:
    report = check_article(page(MCCONNELL, HE_SAID), usmca, name="a.md", model=False)
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
    return Sentence(kind, text, (Citation(article.id, start, start + len(text)),))  # type: ignore[arg-type]


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
    assert page_contexts(misplaced)[2] == (politico.title, PELOSI)
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
