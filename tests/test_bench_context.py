"""The context benchmark: its cases, its scoring and its JSON contract, on the bundled sample."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from conftest import load_bench
from newsdesk.config import SAMPLE_DUMP
from newsdesk.records import Article

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(str(SAMPLE_DUMP))
"""The bundled sample: stories by ``cluster_id``, no split, so it runs on a bare clone."""


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench("context")


def article(id_: str, outlet: str, text: str) -> Article:
    return Article(id_, f"https://example.com/{id_}", outlet, "Senate vote", text, "2020-01-02")


def test_credit_cases_swap_the_credit_only(bench: ModuleType) -> None:
    source = article(
        "a",
        "Townhall",
        "The Senate passed the bill late on a voice vote, The Washington Post reported.\n\n"
        "Officials said the vote was expected (via NBC News):\n\n"
        "The measure now goes to the House for a final vote next month.",
    )
    story = bench.Story("s1", "Senate vote", "2020-01-02", (source,))
    pairs = bench.credit_pairs(bench.StoryText(story))
    by_form = {p.form: p for p in pairs}
    assert set(by_form) == {"reported", "via"}
    reported = by_form["reported"]
    assert (
        reported.distorted
        == "According to Townhall, the Senate passed the bill late on a voice vote."
    )
    assert reported.faithful == (
        "According to The Washington Post, the Senate passed the bill late on a voice vote."
    )
    assert by_form["via"].faithful.startswith("According to NBC News, the measure")
    assert by_form["via"].distorted.startswith("According to Townhall, the measure")


def test_cases_are_markdown_with_the_target_last(bench: ModuleType) -> None:
    pair = bench.Pair(
        kind="pronoun",
        form="start",
        story_id="s",
        title="A story",
        as_of=None,
        source_id="a",
        source_outlet="AP",
        original="He said no.",
        note="",
        distorted_preceding="Jane Roe spoke.",
        distorted="He said no.",
        faithful_preceding="John Doe spoke.",
        faithful="He said no.",
    )
    text, offset = pair.markdown("distorted")
    assert text == "# A story\n\nJane Roe spoke.\n\nHe said no.\n"
    assert text[offset:] == "He said no.\n"
    assert pair.markdown("faithful")[0].startswith("# A story\n\nJohn Doe spoke.")


def test_sample_cases_and_json_contract(
    bench: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    name, stories = bench.load_stories(SAMPLE)
    assert name == "articles" and len(stories) == 30
    pairs, available = bench.build_pairs(stories, per_kind=3)
    again, _ = bench.build_pairs(stories, per_kind=3)
    assert pairs == again  # deterministic
    assert all(len(found) <= 3 for found in pairs.values())
    assert pairs["pronoun"] and pairs["speaker"] and pairs["credit"]
    for kind, found in pairs.items():
        assert available[kind] >= len(found)
        for pair in found:
            assert pair.kind == kind
            assert pair.distorted != pair.faithful or pair.distorted_preceding != (
                pair.faithful_preceding
            )
    for pair in pairs["pronoun"]:
        assert pair.distorted == pair.faithful == pair.original
    for pair in pairs["speaker"]:
        assert pair.faithful == pair.original and "“" in pair.distorted

    result = bench.main(["--data", str(SAMPLE), "--per-kind", "3", "--no-model"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == result
    assert set(result) == {
        "recall", "false_alarms", "per_kind", "sentences_per_s", "ner_sentences_per_s",
        "speed_vs_ner",
    }  # fmt: skip
    assert result["ner_sentences_per_s"] > 0
    ratio = result["sentences_per_s"] / result["ner_sentences_per_s"]
    assert abs(result["speed_vs_ner"] - ratio) < 0.01
    assert set(result["per_kind"]) == set(bench.KINDS)
    for value in (result["recall"], result["false_alarms"]):
        assert isinstance(value, float) and 0.0 <= value <= 1.0
    for figures in result["per_kind"].values():
        assert set(figures) == {"recall", "false_alarms", "n"}
        assert isinstance(figures["n"], int) and 0 <= figures["n"] <= 3
        for key in ("recall", "false_alarms"):
            assert isinstance(figures[key], float) and 0.0 <= figures[key] <= 1.0
    assert isinstance(result["sentences_per_s"], float) and result["sentences_per_s"] > 0
