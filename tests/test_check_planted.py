"""``newsdesk check`` on a real story with one planted error at a time.

Each case replaces one line of a faithful article (``fixtures/planted/faithful.md``)
with the failure an automated writer makes, and asserts that the changed claim is
flagged by the right kind of check while the rest of the article still passes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from newsdesk.ingest import parse_article
from newsdesk.records import Article
from newsdesk.verify import Report, check_article, load_sources

FIXTURES = Path(__file__).parent / "fixtures" / "planted"
FAITHFUL = (FIXTURES / "faithful.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sources() -> list[Article]:
    return load_sources(FIXTURES / "sources.jsonl")


def check(text: str, sources: list[Article]) -> Report:
    return check_article(text, sources, name="post.md")


def test_faithful_paraphrase_passes(sources: list[Article]) -> None:
    report = check(FAITHFUL, sources)
    flagged = [(c.unit.text, c.result.reason) for c in report.claims if c.verdict != "supported"]
    assert flagged == []
    assert report.exit_code == 0


PLANTED = [
    # (what the faithful article says, the planted error, the kind that must flag it, verdict)
    (
        "Attorney General William Barr said",
        "Attorney General Jeff Sessions said",
        "role",
        "contradicted",
    ),
    ("Daniel Lewis Lee on Tuesday became", "Daniel Lewis Lee on Thursday became", "date", None),
    ("in Terre Haute, Indiana", "in Florence, Colorado", "place", None),
    ("You’re killing an innocent man", "You’re killing a guilty man", "quote", "unsupported"),
    (
        "Lee's attorney, Ruth Friedman, said:",
        "Attorney General William Barr said:",
        "speaker",
        "contradicted",
    ),
    ("ruled 5-4 against", "ruled 6-3 against", "number", "contradicted"),
    ("since 2003, The Hill reported.", "since 2003, Fox News reported.", "attribution", None),
    (
        "(https://www.nbcnews.com/news/us-news/first-federal-execution-17-years-carried-out-"
        "indiana-after-supreme-n1233749)",
        "(https://www.nbcnews.com/story_0000.html)",
        "url",
        "unsupported",
    ),
    ("category: Politics", "category: Markets", "category", "unsupported"),
    (
        "Two more executions are scheduled this week, NBC News reported.",
        "Two more executions are scheduled this week, NBC News reported.\n\n"
        "Keith Dwayne Nelson is scheduled to be executed in August, NBC News reported.\n\n"
        "He mumbled to himself briefly as his chest continued to rise and fall.",
        "context",
        "contradicted",
    ),
    (
        "Lee's attorney, Ruth Friedman, said:",
        "The Hill reported:",
        "speaker",
        "unsupported",
    ),
]

PLANTED += [
    # A relative time moved after another event: "Hours later" than Barr's statement.
    (
        "Attorney General William Barr said Lee faced the justice he deserved.",
        "Attorney General William Barr said Lee faced the justice he deserved.\n\n"
        "Hours later, the Supreme Court issued an unsigned majority opinion.",
        "context",
        "contradicted",
    ),
    (
        "hours after the Supreme Court ruled 5-4 against a last-minute attempt to halt it.",
        "hours after the Supreme Court ruled 5-4 against a last-minute attempt to halt it, "
        "in a stunning rebuke to death-penalty opponents.",
        "opinion",
        "unsupported",
    ),
    (
        "Attorney General William Barr said",
        "Deputy Attorney General William Barr said",
        "role",
        "unsupported",
    ),
    (
        "Two more executions are scheduled this week, NBC News reported.",
        "NBC News reported that three more executions are scheduled this week.",
        "number",
        "contradicted",
    ),
    (
        "(https://www.nbcnews.com/news/us-news/first-federal-execution-17-years-carried-out-"
        "indiana-after-supreme-n1233749)",
        "(https://www.reuters.com/world/news_XXXXXX.html)",
        "url",
        "unsupported",
    ),
]

PLANTED += [
    # A fact only NBC News reports, printed in the article's own voice.
    (
        "Two more executions are scheduled this week, NBC News reported.",
        "Two more executions are scheduled this week, NBC News reported.\n\n"
        "Keith Dwayne Nelson is scheduled to be executed in August.",
        "attribution",
        "unsupported",
    ),
]

HASTE = (
    "The Hill reported that the government carried out this execution in haste, in the middle "
    "of the night, while the country was sleeping."
)
"""Friedman's words, which The Hill and NBC News quote, printed as the outlet's report."""
PLANTED += [
    (
        "Two more executions are scheduled this week, NBC News reported.",
        f"Two more executions are scheduled this week, NBC News reported.\n\n{HASTE}",
        "speaker",
        "unsupported",
    ),
]

FAITHFUL_TWINS = [
    # The planted sentences above, where they do not mislead.
    (
        "“You’re killing an innocent man,” Lee said before he was executed.",
        "“You’re killing an innocent man,” Lee said before he was executed. "
        "He mumbled to himself briefly as his chest continued to rise and fall, NBC News "
        "reported.",
    ),
    (
        "Two more executions are scheduled this week, NBC News reported.",
        "Two more executions are scheduled this week, NBC News reported.\n\n"
        "Lee was scheduled to receive a lethal dose of the powerful sedative pentobarbital at "
        "4 p.m. Monday, but a federal judge's order prevented the execution, NBC News "
        "reported.\n\n"
        "Hours later, the Supreme Court issued an unsigned majority opinion.",
    ),
    (
        "Two more executions are scheduled this week, NBC News reported.",
        "Two more executions are scheduled this week, NBC News reported.\n\n"
        "Prosecutors said Lee and Chevie Kehoe stole guns and $50,000 in cash from the "
        "Muellers; the two men wanted to set up a whites-only nation, NBC News reported.",
    ),
    (
        "Two more executions are scheduled this week, NBC News reported.",
        "Two more executions are scheduled this week, NBC News reported.\n\n"
        "Friedman said the government carried out the execution “in haste, in the middle of "
        "the night, while the country was sleeping.”",
    ),
]


USMCA_STORY = "allsides-val-0067"
USMCA = (FIXTURES / "usmca.md").read_text(encoding="utf-8")
THE_DEAL = "The deal gives moderate Democrats a win to tout at home, Politico reported."
ALSO_PRESENT = (
    "Mexican President Andrés Manuel López Obrador, who has been eager to wrap up a deal, "
    "was also present, Politico reported."
)
PLACED_AFTER_ANOTHER = [
    # (the sentence, a true sentence of the story put before it, the reference it carries)
    (
        THE_DEAL,
        "Senate leaders could negotiate an agreement to do both an impeachment trial and USMCA "
        "in January, Politico reported.",
        "“the deal”",
    ),
    (
        ALSO_PRESENT,
        "A bill to pass USMCA is unlikely to be introduced in Canada's Parliament until late "
        "January because its House of Commons will break for the holidays on Friday, according "
        "a Canadian government official, Politico reported.",
        "“was also present”",
    ),
]


@pytest.fixture(scope="module")
def usmca_sources(sample_records: list[dict[str, Any]]) -> list[Article]:
    return [parse_article(r) for r in sample_records if r["cluster_id"] == USMCA_STORY]


def test_sentences_in_their_source_order_pass(usmca_sources: list[Article]) -> None:
    report = check(USMCA, usmca_sources)
    flagged = [(c.unit.text, c.result.reason) for c in report.claims if c.verdict != "supported"]
    assert flagged == []
    assert THE_DEAL in USMCA and ALSO_PRESENT in USMCA


@pytest.mark.parametrize(("target", "intruder", "reference"), PLACED_AFTER_ANOTHER)
def test_a_reference_placed_after_another_thing_is_contradicted(
    usmca_sources: list[Article], target: str, intruder: str, reference: str
) -> None:
    text = USMCA.replace(target, f"{intruder}\n\n{target}", 1)
    report = check(text, usmca_sources)
    start = text.index(f"{intruder}\n\n{target}") + len(intruder) + 2
    claim = next(c for c in report.claims if c.unit.start == start)
    assert (claim.verdict, claim.kind) == ("contradicted", "context"), claim.result.reason
    assert reference in claim.result.reason and "baly-X3xfy4Z2TspQTotq" in claim.result.reason
    others = [c for c in report.claims if c is not claim and c.verdict != "supported"]
    assert others == [], [(c.unit.text, c.result.reason) for c in others]


@pytest.mark.parametrize(("faithful", "placed"), FAITHFUL_TWINS)
def test_a_sentence_placed_where_it_does_not_mislead_passes(
    sources: list[Article], faithful: str, placed: str
) -> None:
    assert faithful in FAITHFUL
    report = check(FAITHFUL.replace(faithful, placed, 1), sources)
    flagged = [(c.unit.text, c.result.reason) for c in report.claims if c.verdict != "supported"]
    assert flagged == []


@pytest.mark.parametrize(("faithful", "planted", "kind", "verdict"), PLANTED)
def test_planted_error_is_flagged_with_the_right_kind(
    sources: list[Article], faithful: str, planted: str, kind: str, verdict: str | None
) -> None:
    assert faithful in FAITHFUL
    text = FAITHFUL.replace(faithful, planted, 1)
    report = check(text, sources)
    offset = text.index(planted) + len(planted) - 1
    hit = [c for c in report.claims if c.unit.start <= offset < c.unit.end]
    assert hit, f"no claim covers the planted error {planted!r}"
    claim = hit[0]
    assert claim.verdict != "supported", claim.unit.text
    assert claim.kind == kind, (claim.kind, claim.result.reason)
    if verdict is not None:
        assert claim.verdict == verdict, claim.result.reason
    others = [c for c in report.claims if c is not claim and c.verdict != "supported"]
    assert others == [], [(c.unit.text, c.result.reason) for c in others]
    assert report.exit_code == 1


def test_json_output_follows_the_contract(
    sources: list[Article], invoke: Callable[..., Result], tmp_path: Path
) -> None:
    article = tmp_path / "post.md"
    article.write_text(FAITHFUL.replace("ruled 5-4", "ruled 6-3"), encoding="utf-8")
    result = invoke(
        "check", str(article), "--sources", str(FIXTURES / "sources.jsonl"), "--format", "json"
    )
    assert result.exit_code == 1
    report: dict[str, Any] = json.loads(result.stdout)
    assert set(report) == {"article", "claims", "summary"}
    assert set(report["article"]) == {"title", "date", "category"}
    text = article.read_text(encoding="utf-8")
    by_id = {s.id: s for s in sources}
    kinds = {
        "support", "number", "date", "quote", "speaker", "role", "place", "attribution", "url",
        "category", "context", "opinion",
    }  # fmt: skip
    for number, claim in enumerate(report["claims"], start=1):
        assert set(claim) == {
            "id", "text", "start", "end", "field", "verdict", "checks", "evidence", "reason",
            "decided_by", "failed", "probability",
        }  # fmt: skip
        assert claim["probability"] is None or 0.0 <= claim["probability"] <= 1.0
        flagged = claim["verdict"] != "supported"
        assert (claim["decided_by"] is not None) == flagged
        assert {f["kind"] for f in claim["failed"]} <= kinds
        assert bool(claim["failed"]) == flagged
        assert claim["id"] == f"c{number}"
        assert text[claim["start"] : claim["end"]] == claim["text"]
        assert claim["field"] in (None, "title", "category", "date")
        assert claim["verdict"] in ("supported", "contradicted", "unsupported")
        for item in claim["checks"]:
            assert set(item) == {"kind", "verdict", "detail"}
            assert item["kind"] in kinds
            assert item["verdict"] in ("pass", "fail", "n/a")
        for evidence in claim["evidence"]:
            source = by_id[evidence["source_id"]]
            assert evidence["url"] == source.url
            assert evidence["quote"] in (source.text, source.title) or (
                evidence["quote"] in source.text or evidence["quote"] in source.title
            )
        assert "\n" not in claim["reason"]
        if claim["verdict"] != "supported":
            assert claim["reason"]
    summary = report["summary"]
    assert summary["claims"] == len(report["claims"])
    assert summary["supported"] + summary["contradicted"] + summary["unsupported"] == len(
        report["claims"]
    )
    assert summary["contradicted"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
    ],
)
def test_bad_article_exits_2_with_one_line(
    invoke: Callable[..., Result], tmp_path: Path, content: bytes, message: str
) -> None:
    article = tmp_path / "post.md"
    article.write_bytes(content)
    result = invoke("check", str(article), "--sources", str(FIXTURES / "sources.jsonl"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_source_line_without_text_exits_2(invoke: Callable[..., Result], tmp_path: Path) -> None:
    sources = tmp_path / "sources.jsonl"
    sources.write_text('{"id": "a", "url": "https://a.com/1", "outlet": "A", "date": null}\n')
    article = tmp_path / "post.md"
    article.write_text(FAITHFUL, encoding="utf-8")
    result = invoke("check", str(article), "--sources", str(sources))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {sources}:1: missing 'text'"


def test_json_carries_the_model_probability_where_the_model_judged(
    sources: list[Article],
) -> None:
    copied = (
        "Lee, 47, was executed by lethal injection at the federal prison in Terre Haute, Indiana"
    )
    reworded = "Lee, 47, was put to death with an injection at a federal prison in Indiana"
    text = FAITHFUL.replace(copied, reworded, 1)
    claims = {c["text"]: c for c in (cl.to_dict() for cl in check(text, sources).claims)}
    judged = next(c for t, c in claims.items() if t.startswith("Lee, 47, was put to death"))
    assert judged["probability"] is not None and 0.0 <= judged["probability"] <= 1.0
    assert f"entailment {judged['probability']:.2f}" in " ".join(
        c["detail"] for c in judged["checks"]
    )
    settled = next(c for t, c in claims.items() if t.startswith("A federal execution"))
    assert settled["probability"] is None  # a copy: word coverage settles it
