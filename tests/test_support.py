"""The learned support check: paraphrases pass, topical neighbours and swapped facts do not.

Claims are written against the Reuters report of Trump's 2020 campaign launch
in the bundled sample (a story the support model was not trained on); the
"topical but different" claims come from the CBN report of the same event.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsdesk.language.support import (
    FEATURES,
    SupportModel,
    check_support,
    claim_sentences,
    clause_parts,
    clean,
    default_model,
    number_values,
)
from newsdesk.language.text import paragraphs
from newsdesk.records import Article, Evidence

REUTERS = "baly-1hGQ0HHbHf4zlvxU"
LAUNCH = "President Donald Trump formally launched his 2020 re-election campaign on Tuesday"


@pytest.fixture(scope="module")
def model() -> SupportModel:
    return default_model()


@pytest.fixture(scope="module")
def reuters(sample_articles: list[Article]) -> Article:
    return next(a for a in sample_articles if a.id == REUTERS)


def lead(article: Article, n: int = 3) -> Article:
    """The article cut after its ``n``-th paragraph."""
    ends = [p.end for p in paragraphs(article.text)]
    return replace(article, text=article.text[: ends[min(n, len(ends)) - 1]] if ends else "")


def judged(model: SupportModel, claim: str, sources: list[Article]) -> tuple[str, str]:
    check, _ = model.check_sources([claim], sources)[0]
    return check.verdict, check.detail


def test_paraphrase_of_a_source_sentence_passes(model: SupportModel, reuters: Article) -> None:
    verdict, detail = judged(
        model,
        "On Tuesday, Trump formally kicked off his campaign for re-election in 2020.",
        [reuters],
    )
    assert verdict == "pass", detail
    assert detail.startswith("entailment ") and "≥" in detail


def test_copied_sentence_passes(model: SupportModel, reuters: Article) -> None:
    claim = "Many of the top Democrats lead Trump in opinion polls in battleground states."
    assert judged(model, claim, [reuters])[0] == "pass"


def test_topical_but_different_sentence_fails(model: SupportModel, reuters: Article) -> None:
    # From the CBN report of the same launch; Reuters never mentions Biden's lead.
    claim = "Former Vice President Joe Biden holds a 10-point advantage over the president."
    verdict, detail = judged(model, claim, [reuters])
    assert verdict == "fail", detail
    assert "not in the evidence" in detail


def test_merged_claim_with_one_unsupported_fact_fails(
    model: SupportModel, reuters: Article
) -> None:
    supported = "Trump launched his re-election campaign at a packed rally in Orlando, Florida."
    assert judged(model, supported, [reuters])[0] == "pass"
    merged = (
        "Trump launched his re-election campaign at a packed rally in Orlando, Florida, "
        "and his campaign manager Brad Parscale dismissed the polls as ancient."
    )
    assert judged(model, merged, [reuters])[0] == "fail"


@pytest.mark.parametrize(
    "claim",
    [
        "Three dozen Democrats are competing for their party’s nomination to face off against "
        "Trump in the November 2020 election.",
        "At a packed rally at an arena in Tampa, Florida, Trump made clear he would run for "
        "re-election as an outsider, just as he did in 2016.",
        "He revisited campaign themes from four years ago, decrying illegal immigration, the news "
        "media and his 2016 Democratic opponent, Bernie Sanders.",
    ],
    ids=["number", "place", "person"],
)
def test_swapped_number_or_entity_fails(model: SupportModel, reuters: Article, claim: str) -> None:
    verdict, detail = judged(model, claim, [reuters])
    assert verdict == "fail", detail


KICKED_OFF = "On Tuesday, Trump formally kicked off his campaign for re-election in 2020."


@pytest.mark.parametrize(
    ("claim", "named"),
    [
        (KICKED_OFF.replace("Trump", "Obama"), "obama"),
        (KICKED_OFF.replace("2020", "2024"), "2024"),
        (KICKED_OFF.replace("Tuesday", "Friday"), "friday"),
        (KICKED_OFF.replace("formally kicked", "did not formally kick"), "negated"),
    ],
    ids=["name", "number", "date", "negation"],
)
def test_a_paraphrase_passes_and_each_changed_fact_fails_naming_what_changed(
    model: SupportModel, reuters: Article, claim: str, named: str
) -> None:
    # Reuters: "President Donald Trump formally launched his 2020 re-election campaign on
    # Tuesday": other words, same facts.
    assert judged(model, KICKED_OFF, [reuters])[0] == "pass"
    verdict, detail = judged(model, claim, [reuters])
    assert verdict == "fail", detail
    assert named in detail.lower(), detail


SOUGHT = (
    "Sanders, who has been battling accusations of misogyny after Warren accused him of saying "
    "that a woman could not win in 2020, sought to downplay the tensions with Clinton."
)  # Newsmax, 21 January 2020


def test_a_negation_in_a_clause_the_claim_leaves_out_is_not_a_reversal() -> None:
    source = Article("nm", "https://example.com/nm", "Newsmax", "Clinton and Sanders", SOUGHT)
    evidence = [Evidence(source, 0, len(SOUGHT))]
    cut = "Sanders sought to downplay the tensions with Clinton."
    assert check_support(cut, evidence).verdict == "pass", check_support(cut, evidence).detail
    flipped = "Sanders did not seek to downplay the tensions with Clinton."
    check = check_support(flipped, evidence)
    assert check.verdict == "fail" and "negated" in check.detail, check.detail


def test_retrieval_finds_the_sentence_among_50_sources_with_exact_spans(
    model: SupportModel, sample_articles: list[Article], reuters: Article
) -> None:
    # The other 49 sample articles cut to their first paragraphs: real distractors on the
    # same topics (several about this very launch), at a tenth of the embedding time.
    others = [lead(a) for a in sample_articles if a.id != REUTERS][:49]
    sources = [*others, reuters]
    evidence = model.retrieve(
        "On Tuesday, Trump formally kicked off his campaign for re-election in 2020.", sources
    )
    assert 1 <= len(evidence) <= 3
    for span in evidence:
        body = span.source.title if span.field == "title" else span.source.text
        assert body[span.start : span.end] == span.quote
    assert any(e.source.id == REUTERS and LAUNCH in e.quote for e in evidence)


def test_check_support_matches_the_checker_hook(reuters: Article) -> None:
    start = reuters.text.index(LAUNCH)
    evidence = [Evidence(reuters, start, start + len(LAUNCH))]
    assert check_support(f"{LAUNCH}.", evidence).verdict == "pass"
    assert check_support("Trump launched his campaign in Texas.", evidence).verdict == "fail"
    assert check_support("anything", []).verdict == "fail"


def test_score_is_a_probability_and_the_weakest_sentence_decides(
    model: SupportModel, reuters: Article
) -> None:
    evidence = model.retrieve(LAUNCH, [reuters])
    alone = model.score(f"{LAUNCH}.", evidence)
    both = model.score(f"{LAUNCH}. He was joined by Queen Elizabeth on stage.", evidence)
    assert 0.0 <= both < alone <= 1.0


def test_claim_sentences_split_lowercased_system_output() -> None:
    summary = (
        "derek lowe , 38 , was hit by a train in the u.s. on sunday .\nnone of the 166 were hurt ."
    )
    assert claim_sentences(summary) == [
        "derek lowe, 38, was hit by a train in the u.s. on sunday.",
        "none of the 166 were hurt.",
    ]
    assert clean("he did n't say -lrb- really -rrb- .") == "he didn't say (really)."
    assert number_values("two dozen, 1,200 and 3") == {"2", "12", "1200", "3"}


USMCA_STORY = "allsides-val-0067"
BACKED = "The AFL-CIO confirmed Tuesday it would back the trade agreement"  # National Review
NOT_THIS_MONTH = (  # Politico
    "Senate Majority Leader Mitch McConnell told reporters the upper chamber will not take up "
    "the trade deal this month."
)


@pytest.fixture(scope="module")
def usmca(sample_articles: list[Article]) -> list[Article]:
    return [a for a in sample_articles if a.extra.get("cluster_id") == USMCA_STORY]


def test_clause_parts_split_joined_facts_only() -> None:
    joined = f"{BACKED}, while {NOT_THIS_MONTH}"
    assert clause_parts(joined) == [BACKED, NOT_THIS_MONTH]
    assert clause_parts(f"{BACKED}; {NOT_THIS_MONTH}") == [BACKED, NOT_THIS_MONTH]
    # A short clause is not a fact of its own: "…, and he left."
    assert clause_parts(f"{BACKED}, and he left.") == [f"{BACKED}, and he left."]


def test_a_sentence_joining_two_sources_passes_when_each_part_does(
    model: SupportModel, usmca: list[Article]
) -> None:
    claim = f"{BACKED}, while {NOT_THIS_MONTH}"
    ((check, evidence),) = model.check_sources([claim], usmca)
    assert check.verdict == "pass", check.detail
    assert {e.source.outlet for e in evidence} >= {"National Review", "Politico"}
    changed = (
        f"{BACKED}, while Senate Majority Leader Mitch McConnell told reporters he expects the "
        "Senate to ratify the pact before Christmas."
    )
    ((check, _),) = model.check_sources([changed], usmca)
    assert check.verdict == "fail", check.detail


def test_document_features_look_past_the_chosen_spans(model: SupportModel) -> None:
    """A word another paragraph of the source holds is not new; a name no source has is."""
    source = Article(
        id="doc-features",
        url="https://example.org/harbour",
        outlet="Example",
        title="Harbour bridge reopens",
        text=(
            "The harbour bridge reopened on Monday after repairs that lasted eight months.\n\n"
            "Engineers replaced the cables and the deck.\n\n"
            "The work was paid for by the regional council of Westmark."
        ),
    )
    span = source.text.index("The harbour bridge reopened")
    evidence = [Evidence(source, span, source.text.index("\n\n"))]
    inside, outside = model.features_many(
        [
            ("The Westmark bridge reopened on Monday.", evidence),
            ("The Eastvale bridge reopened on Monday.", evidence),
        ]
    )
    names = FEATURES.index("doc_missing_names")
    recall = FEATURES.index("doc_recall")
    assert inside[0].values[names] == 0.0 and inside[0].values[recall] == 1.0
    assert outside[0].values[names] > 0.0 and outside[0].values[recall] < 1.0
    # Both lack the name in the chosen span itself: only the document tells them apart.
    missing = FEATURES.index("missing_names")
    assert inside[0].values[missing] > 0.0 and outside[0].values[missing] > 0.0


def test_a_swapped_name_or_number_is_named_beside_what_the_source_has(
    model: SupportModel,
) -> None:
    """A name or number standing where the source has another, in the same frame of
    words, is a swap: the features count it and the detail says what the source has."""
    text = "Schumer told reporters on Tuesday that the bill, worth 80 billion dollars, would pass."
    source = Article("swap", "https://example.org/swap", "Example", "", text)
    evidence = [Evidence(source, 0, len(text))]
    name, number, reworded = model.features_many(
        [
            ("Pelosi told reporters on Tuesday that the bill would pass.", evidence),
            ("The bill is worth 90 billion dollars, Schumer told reporters.", evidence),
            ("On Tuesday Schumer said the measure would pass.", evidence),
        ]
    )
    swapped = FEATURES.index("swapped")
    assert name[0].swaps == (("pelosi", "Schumer"),)
    assert number[0].swaps == (("90", "80"),)
    assert reworded[0].swaps == () and reworded[0].values[swapped] == 0.0
    assert name[0].values[swapped] > 0.0 and number[0].values[swapped] > 0.0
    check = check_support("Pelosi told reporters on Tuesday that the bill would pass.", evidence)
    assert check.verdict == "fail"
    assert "pelosi where the source has Schumer" in check.detail, check.detail
