"""The roundup paraphrase suite (``bench/roundups.py``) and its row in ``verify_benchmarks``.

Everything runs on the bundled sample (``newsdesk.config.SAMPLE_DUMP``): the
roundups of four of its stories are written next to a copy of it, so no
``../shared`` is needed.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from conftest import load_bench
from newsdesk.config import SAMPLE_DUMP
from newsdesk.language.entities import analyse
from newsdesk.language.support import number_values
from newsdesk.language.text import sentences

ADDED_FRAMING = "Coverage from right-rated outlets focused on the vote count."
ADDED_UNSOURCED = "Senator Jane Quimby of Vermont called the resolution a historic win."
"""Two sentences the test adds to a roundup: one about the coverage, one naming a person
no article names. Neither may become a positive."""

STORIES = [
    {
        "cluster_id": "allsides-train-0590",
        "split": "test",
        "summary": "The House of Representatives approved a non-binding resolution to curb "
        "President Donald Trump's war powers Thursday night, aimed at forcing the president "
        "to seek Congressional approval before taking any military action against Iran. The "
        "measure passed 224-194; three Republicans voted in favor, while eight Democrats "
        f"voted against. {ADDED_FRAMING} {ADDED_UNSOURCED}",
        "article_ids": ["baly-5blr7lABXYdnwdEI", "baly-flKczYr2LzmVMxBa", "baly-g5TRJkui8BbebBVV"],
    },
    {
        "cluster_id": "allsides-train-1251",
        "split": "test",
        "summary": "President Trump is feuding with Twitter over fact-checks added to two of his "
        "tweets regarding mail-in voting in California.  The tweets claim that the mail-in "
        "voting ballots will be fraudulent and lead to a rigged election. Trump says Twitter "
        "is stifling free speech, while Twitter claims that the tweets claiming potential "
        "voter fraud are unsubstantiated.",
        "article_ids": ["baly-3HrBQUB3MJUGOkCf", "baly-bRnDRYlm3cB8WCMI"],
    },
    {
        "cluster_id": "allsides-train-1372",
        "split": "test",
        "summary": "Greg Craig, a prominent Democratic lawyer and former White House counsel to "
        "President Barack Obama, will see his criminal trial begin with jury selection this "
        "week. Craig is charged with making false statements to the Justice Department about "
        "his work as a foreign lobbyist in Ukraine — a detail uncovered during the Mueller "
        "probe.",
        "article_ids": ["baly-3OP54iSVFjyLQb15", "baly-Af2E8I2JsikbT5oa", "baly-UpQ2lEGgCjTLYSpn"],
    },
    {
        "cluster_id": "allsides-train-1655",
        "split": "val",
        "summary": "Earlier this week, Senate Majority Leader Mitch McConnell (R-KY) claimed the "
        "Obama administration did not leave a pandemic plan behind for the Trump "
        "administration. McConnell retracted that statement Thursday, saying he was wrong.",
        "article_ids": ["baly-23X9caEut2d5EuqF", "baly-MLDqhZum5Hz3IYdh", "baly-wkOsZz6iUIesLsjP"],
    },
]
"""AllSides roundups of four sample stories (``../shared/data/sample/stories.jsonl``,
trimmed), with a split each so that split filtering is exercised (the val story is the
suite's validation cut in ``verify_benchmarks``)."""


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench("roundups")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cluster-schema folder named like the AllSides one, so its suite is
    ``allsides_roundups``."""
    path = tmp_path_factory.mktemp("clusters") / "allsides_fulltext"
    path.mkdir()
    shutil.copy(Path(str(SAMPLE_DUMP)), path / "articles.jsonl")
    lines = [json.dumps(story) for story in STORIES]
    (path / "stories.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def suite(bench: ModuleType, folder: Path) -> list:  # type: ignore[type-arg]
    return bench.build_suite(folder / "articles.jsonl", folder / "stories.jsonl")


def replaced_once(original: str, old: str, new: str, claim: str) -> bool:
    """Whether ``claim`` is ``original`` with one occurrence of ``old`` replaced by ``new``."""
    return any(
        original[: m.start()] + new + original[m.end() :] == claim
        for m in re.finditer(re.escape(old), original)
    )


# -- the helpers ----------------------------------------------------------------------------


def test_framing_is_about_the_coverage(bench: ModuleType) -> None:
    assert bench.framing(ADDED_FRAMING)
    assert bench.framing("Outlets from all perspectives reported on the vote.")
    assert bench.framing("Other reports on the left focused on his diet.")
    assert not bench.framing("Immigration agents carried out raids at seven sites.")
    assert not bench.framing("Right-wing demonstrators rallied in Portland on Saturday.")


def test_entity_swap_takes_a_name_of_the_same_label_that_is_not_another_name_for_it(
    bench: ModuleType,
) -> None:
    sentence = "Senator Jane Doe met Democrats in Ohio."

    def entity(label: str, text: str) -> tuple[str, int, int, str]:
        return label, sentence.index(text), sentence.index(text) + len(text), text

    person, group = entity("PERSON", "Jane Doe"), entity("NORP", "Democrats")
    pool = {"PERSON": ["Jane Smith", "Tom Perez", "Roe"], "NORP": ["Dems"]}
    # "Jane Smith" shares a word and "Roe" is no full name: only Tom Perez stands in for
    # Jane Doe. "Dems" names the Democrats: no swap.
    made = bench.swap_entity(sentence, [person], pool, "", random.Random(0))
    assert made == ("Senator Tom Perez met Democrats in Ohio.", "Jane Doe", "Tom Perez")
    assert bench.swap_entity(sentence, [group], pool, "", random.Random(0)) is None
    # A candidate the aligned source sentences name might make the claim true: never used.
    assert bench.swap_entity(sentence, [person], pool, "Tom Perez spoke.", random.Random(0)) is None
    # A person named by surname gets a surname.
    surname = ("PERSON", 0, 3, "Doe")
    made = bench.swap_entity("Doe met Democrats.", [surname], pool, "", random.Random(0))
    assert made is not None and made[0] in ("Perez met Democrats.", "Roe met Democrats.")
    assert bench.same_entity("European Union", "E.U.")
    assert bench.same_entity("North Korea", "Pyongyang")
    assert bench.same_entity("U.S.", "United States")
    assert not bench.same_entity("House", "Senate")


def test_number_and_date_swaps_change_one_value(bench: ModuleType) -> None:
    sentence = "The measure passed 224-194; three Republicans voted for it on Thursday."
    made = bench.swap_number(sentence, ["224", "194"], "", random.Random(0))
    assert made is not None
    claim, old, new = made
    assert old == "three" and new != old and 1 <= bench._WORD_VALUES[new.lower()] <= 9
    assert replaced_once(sentence, old, new, claim)
    assert bench.swap_number("It cost $1,200 in 2019.", [], "", random.Random(0))[1] == "1,200"
    assert (
        bench.swap_number("Sales rose in 2019 and COVID-19 spread.", [], "", random.Random(1))
        is None
    )
    dated = bench.swap_date(sentence, "the vote on Thursday", "It passed Friday.", random.Random(0))
    assert dated is not None and dated[1] == "Thursday"
    assert dated[2] in bench._WEEKDAYS and dated[2] not in ("Thursday", "Friday")
    # A date the sources never state is left alone: the positive would not be sourced in it.
    assert bench.swap_date(sentence, "the vote this week", "", random.Random(0)) is None


def test_negation_adds_or_removes_one_not(bench: ModuleType) -> None:
    assert bench.negate("The ballots will be fraudulent.") == (
        "The ballots will not be fraudulent.",
        "will",
        "will not",
    )
    assert bench.negate("The plan did not survive.")[0] == "The plan did survive."
    assert bench.negate("He didn’t leave.")[0] == "He did leave."
    assert bench.negate("Prices will likely rise.")[0] == "Prices will likely not rise."
    assert bench.negate("The bill has not yet passed.") is None
    assert bench.negate("They have the votes.") is None  # "have" is the verb here
    assert bench.negate("Trump launched his campaign.") is None


# -- the suite ------------------------------------------------------------------------------


def test_positives_are_roundup_sentences_whose_facts_the_sources_state(
    bench: ModuleType, suite: list
) -> None:  # type: ignore[type-arg]
    by_id = {s["cluster_id"]: s for s in STORIES}
    positives = [e for e in suite if e.label == 1]
    assert len(positives) >= 4
    assert {e.story_id for e in suite} <= {
        "allsides-train-0590",
        "allsides-train-1251",
        "allsides-train-1372",
    }
    for example in positives:
        roundup = [s.text for s in sentences(by_id[example.story_id]["summary"])]
        assert example.claim in roundup and example.kind == "roundup"
        assert example.claim not in (ADDED_FRAMING, ADDED_UNSOURCED)
        assert [a.id for a in example.articles] == by_id[example.story_id]["article_ids"]
        sources = " ".join(f"{a.title} {a.text}" for a in example.articles)
        assert number_values(example.claim) <= number_values(sources)
        for entity in analyse(example.claim).of("PERSON", "GPE", "ORG", "NORP"):
            last = entity.text.removesuffix("'s").split()[-1]  # a surname is enough
            assert last.lower()[:6] in sources.lower(), entity
    claims = {e.claim for e in positives}
    assert "The measure passed 224-194; three Republicans voted in favor, while eight " \
        "Democrats voted against." in claims  # fmt: skip


def test_each_negative_changes_its_positive_in_the_way_its_kind_says(
    bench: ModuleType, suite: list
) -> None:  # type: ignore[type-arg]
    negatives = [e for e in suite if e.label == 0]
    positives = {e.claim for e in suite if e.label == 1}
    assert len({e.kind for e in negatives}) >= 3
    for example in negatives:
        assert example.kind in bench.KINDS
        assert example.original in positives and example.claim != example.original
        assert replaced_once(example.original, example.old, example.new, example.claim)
        sources = " ".join(f"{a.title}\n{a.text}" for a in example.articles)
        if example.kind == "entity-swap":
            assert example.new in sources  # a name the story's articles use
            assert example.new not in example.original
        elif example.kind == "number-swap":
            assert number_values(example.claim) != number_values(example.original)
        elif example.kind == "date-swap":
            dates = {*bench._WEEKDAYS, *bench._MONTHS}
            assert example.old in dates or re.fullmatch(r"(19|20)\d\d", example.old)
        else:  # negation: one "not" (or "n't") added or taken away, nothing else
            changed = f"{example.old} {example.new}".replace("’", "'")
            assert "not" in changed.split() or "n't" in changed


def test_the_suite_is_deterministic_and_respects_splits_and_limit(
    bench: ModuleType, folder: Path, suite: list
) -> None:  # type: ignore[type-arg]
    articles, stories = folder / "articles.jsonl", folder / "stories.jsonl"
    assert bench.build_suite(articles, stories) == suite
    everything = bench.build_suite(articles, stories, splits=None)
    assert "allsides-train-1655" in {e.story_id for e in everything}
    assert len(bench.build_suite(articles, stories, limit=3)) == 3


# -- verify_benchmarks ----------------------------------------------------------------------


def test_verify_benchmarks_reports_the_suite_under_the_json_contract(
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    vb = load_bench("verify_benchmarks")
    # No consistency sets (a fresh clone has none; the baseline threshold then falls back
    # to 0.5) and no timing run over 50 sources: this checks the row, not the speed.
    monkeypatch.setattr(vb, "CONSISTENCY", tmp_path)
    monkeypatch.setattr(vb, "timings", lambda model, n: vb.Timings(n, 100.0, 200.0, 400.0, 4, 2))
    assert vb.main(["--data", str(folder), "--limit", "6", "--claims", "10"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(out[-1])
    assert set(summary) == {
        "datasets",
        "sentences_per_s",
        "speed_vs_trees",
        "cold_start_s",
        "cold_start_vs_trees",
    }
    assert summary["sentences_per_s"] == 200.0 and summary["speed_vs_trees"] == 0.5
    assert summary["cold_start_vs_trees"] == 2.0
    assert set(summary["datasets"]) == {"allsides_roundups"}
    row = summary["datasets"]["allsides_roundups"]
    assert set(row) == {
        "bacc",
        "baseline_bacc",
        "n",
        "kinds",
        "bacc_val_tuned",
        "baseline_bacc_val_tuned",
        "auc",
        "baseline_auc",
    }
    assert row["n"] == 6
    assert row["kinds"] and all(0 <= k["caught"] <= k["n"] for k in row["kinds"].values())
    assert set(row["kinds"]) <= {"entity-swap", "number-swap", "date-swap", "negation"}
    for key in set(row) - {"n", "kinds"}:
        assert row[key] is None or 0.0 <= row[key] <= 1.0
    assert any(line.startswith("allsides_roundups ") for line in out)
    assert any("negatives caught by kind" in line for line in out)

    assert vb.main(["--data", str(folder), "--sets", "xsumfaith", "--claims", "10"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["datasets"] == {}


def test_val_tuned_uses_the_threshold_best_on_the_val_cut() -> None:
    vb = load_bench("verify_benchmarks")
    # On the val cut 0.6 separates the classes; applied to the test cut it gets one of
    # each class wrong, where a threshold tuned on the test cut itself would get none.
    val_labels, val_scores = [0, 0, 1, 1], [0.2, 0.5, 0.6, 0.9]
    labels, scores = [0, 0, 1, 1], [0.1, 0.65, 0.55, 0.8]
    assert vb.val_tuned(labels, scores, val_labels, val_scores) == 0.5
    assert vb.val_tuned(labels, scores, [1, 1], [0.2, 0.3]) is None
    assert vb.auc(labels, scores) == 0.75
    assert vb.auc([1, 1], [0.2, 0.3]) != vb.auc([1, 1], [0.2, 0.3])  # NaN: one class
