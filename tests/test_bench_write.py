"""The writer benchmark: its JSON contract on a tiny slice, and its two baselines."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from conftest import load_bench
from newsdesk.config import SAMPLE_DUMP
from newsdesk.records import Article

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(str(SAMPLE_DUMP)).parent
"""The bundled sample (folder ``sample``): stories by ``cluster_id``, no roundups."""
ROUNDUPS = ROOT.parent / "shared" / "data" / "sample"
"""The shared copy of the sample, whose ``stories.jsonl`` has the AllSides roundups."""
ROUGE = {"rouge1", "rouge2", "rougeL", "lead_rouge1", "textrank_rouge1"}
KEYS = {
    "pre_gate_supported",
    "published_supported",
    "rouge1",
    "rouge2",
    "rougeL",
    "lead_rouge1",
    "textrank_rouge1",
    "outlet_coverage",
    "furniture_rate",
    "furniture_rate_rules",
    "furniture_rate_classifier",
    "unresolved_rate",
    "headline_is_source_title",
    "own_voice",
    "headline_credited",
    "n",
}
COUNTS = {
    "repeated_facts",
    "double_credits",
    "timeline_missing",
    "single_source",
    "no_second_source",
    "held",
}
"""Figures that count (pairs per article, sentences, stories) rather than share."""


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench("write")


def article(id_: str, text: str, published: str | None = None, outlet: str = "AP") -> Article:
    return Article(id_, f"https://example.com/{id_}", outlet, f"Title {id_}", text, published)


def last_json(output: str) -> dict[str, object]:
    summary = json.loads(output.strip().splitlines()[-1])
    assert isinstance(summary, dict)
    return summary


def test_three_sample_stories_give_the_json_contract(
    bench: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without roundups every ROUGE figure is null; the gate's figures are still measured."""
    assert bench.main(["--data", str(SAMPLE), "--limit", "3", "--no-model"]) == 0
    summary = last_json(capsys.readouterr().out)
    assert set(summary) == {"datasets", "articles_per_min"}
    result = summary["datasets"]["sample"]  # type: ignore[index]
    assert set(result) == KEYS | COUNTS
    assert result["n"] == 3
    for key in KEYS - ROUGE - {"n"}:
        assert 0.0 <= result[key] <= 1.0, key
    for key in COUNTS:
        assert result[key] >= 0, key
    assert result["headline_is_source_title"] == 0.0  # the writer heads with its own
    assert result["single_source"] == 0  # no published own-voice sentence rests on one source
    assert all(result[key] is None for key in ROUGE)
    assert summary["articles_per_min"] > 0  # type: ignore[operator]


@pytest.mark.skipif(
    not (ROUNDUPS / "stories.jsonl").is_file(),
    reason="benchmark against the AllSides roundups in ../shared/data/sample/stories.jsonl",
)
def test_three_shared_stories_score_against_their_roundups(
    bench: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--data", str(ROUNDUPS), "--limit", "3", "--no-model"]) == 0
    result = last_json(capsys.readouterr().out)["datasets"]["sample"]  # type: ignore[index]
    assert result["n"] == 3
    for key in KEYS - {"n"}:
        assert 0.0 <= result[key] <= 1.0, key
    assert result["rouge1"] > 0.05  # the roundup and the sources tell the same story


def test_without_stories_file_articles_group_by_cluster_id(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "The city council approved the new transit budget on Tuesday after a long debate. "
        "The budget adds twelve bus routes and extends service hours across the city."
    )
    rows = [
        {"id": f"a{i}", "cluster_id": f"c{i % 2}", "url": f"https://example.com/{i}",
         "outlet": f"Outlet {'ABCD'[i]}", "title": f"Council approves budget {i}", "text": text}
        for i in range(4)
    ]  # fmt: skip
    (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert bench.main(["--data", str(tmp_path), "--no-model"]) == 0
    result = last_json(capsys.readouterr().out)["datasets"][tmp_path.name]  # type: ignore[index]
    assert result["n"] == 2
    assert result["rouge1"] is None  # no human roundup to score against
    assert result["pre_gate_supported"] == 1.0  # copied sentences


def test_within_budget_cuts_to_exactly_the_budget(bench: ModuleType) -> None:
    assert bench.within_budget(["one two three.", "four five."], 4) == "one two three. four"
    assert bench.within_budget(["one two."], 10) == "one two."
    assert bench.within_budget(["one two."], 0) == ""


def test_lead_baseline_opens_the_earliest_article(bench: ModuleType) -> None:
    later = article("b", "Later report first sentence here. Second sentence.", "2020-01-02")
    first = article("c", "Earliest report opens here. Then it goes on at length.", "2020-01-01")
    undated = article("a", "Undated report never leads.", None)
    assert bench.lead_baseline([later, undated, first], 6) == "Earliest report opens here. Then it"


def test_pagerank_matches_the_textbook_fixpoint(bench: ModuleType) -> None:
    weights = np.array([[0, 1, 1, 0], [1, 0, 1, 0], [1, 1, 0, 1], [0, 0, 1, 0]], dtype=float)
    rank = bench.pagerank(weights)
    assert math.isclose(rank.sum(), 1.0)
    assert int(np.argmax(rank)) == 2  # the hub
    transition = weights / weights.sum(axis=1, keepdims=True)
    assert np.allclose(rank, 0.15 / 4 + 0.85 * transition.T @ rank)
    isolated = bench.pagerank(np.zeros((3, 3)))
    assert np.allclose(isolated, 1 / 3)


def test_pagerank_agrees_with_networkx(bench: ModuleType) -> None:
    nx = pytest.importorskip("networkx")
    weights = np.random.default_rng(0).random((6, 6))
    weights = weights + weights.T
    np.fill_diagonal(weights, 0.0)
    expected = nx.pagerank(nx.from_numpy_array(weights), alpha=0.85, tol=1e-12)
    assert np.allclose(bench.pagerank(weights), [expected[i] for i in range(6)], atol=1e-6)


def test_textrank_puts_the_central_sentence_first(bench: ModuleType) -> None:
    sources = [
        article(
            "a",
            "Lawmakers passed the climate bill on Friday. "
            "The weather in the capital was sunny and warm.",
            "2020-01-01",
        ),
        article(
            "b",
            "The climate bill cuts emissions and funds clean energy. "
            "Lawmakers said the climate bill passed with clean energy funds for emissions cuts.",
            "2020-01-02",
            outlet="Reuters",
        ),
    ]
    texts = [
        "Lawmakers passed the climate bill on Friday.",
        "The weather in the capital was sunny and warm.",
        "The climate bill cuts emissions and funds clean energy.",
        "Lawmakers said the climate bill passed with clean energy funds for emissions cuts.",
    ]
    order = bench.textrank_order(texts)
    assert order[0] == 3  # shares words with both other bill sentences
    assert order[-1] == 1  # shares nothing: the off-topic sentence ranks last
    summary = bench.textrank_baseline(sources, 5)
    assert summary == "Lawmakers said the climate bill"
