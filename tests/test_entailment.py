"""How a cross-encoder joins the support check's trees.

The package ships no cross-encoder weights (``training/README.md`` says why:
the one trained here measured worse on the XSum sets and ran at a quarter of
the speed), so the trees decide alone; these tests pin the joining itself.
A cross-encoder is injected as a subclass whose ``predict`` is a known
function of its input, the way httpx takes a transport.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from newsdesk.language.entailment import SEPARATOR, EntailmentModel, evidence_text
from newsdesk.language.support import SupportModel, default_model
from newsdesk.records import Article, Evidence

REUTERS = "baly-1hGQ0HHbHf4zlvxU"
LAUNCH = "President Donald Trump formally launched his 2020 re-election campaign on Tuesday"


class Doubter(EntailmentModel):
    """A cross-encoder that doubts everything (P = 0) and remembers what it was asked."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(Path("unused.onnx"))
        self._settings = settings
        self.asked: list[tuple[str, str]] = []

    @property
    def settings(self) -> dict[str, Any]:
        return self._settings

    def predict(self, pairs: Sequence[tuple[str, str]]) -> npt.NDArray[np.float64]:
        self.asked.extend(pairs)
        return np.zeros(len(pairs))


@pytest.fixture(scope="module")
def reuters(sample_articles: list[Article]) -> Article:
    return next(a for a in sample_articles if a.id == REUTERS)


def test_evidence_text_puts_the_best_span_first_and_folds_whitespace(reuters: Article) -> None:
    first = Evidence(reuters, 0, 40)
    second = Evidence(reuters, 100, 160)
    text = evidence_text([second, first])
    assert text.startswith(" ".join(second.quote.split()))
    assert text.count(SEPARATOR) == 1
    assert "\n" not in text


def test_without_weights_the_trees_decide_alone(tmp_path: Path) -> None:
    assert not EntailmentModel(tmp_path / "none.onnx").available
    assert SupportModel.installed(trees_only=True).entailment is None
    if not EntailmentModel().available:
        assert default_model().entailment is None


def test_the_cross_encoder_runs_only_where_the_trees_are_unsure(reuters: Article) -> None:
    trees = SupportModel.installed(trees_only=True)
    claims = [
        f"{LAUNCH}.",  # a copy: the trees are sure
        "On Tuesday, Trump formally kicked off his campaign for re-election in 2020.",
        "Former Vice President Joe Biden holds a 10-point advantage over the president.",
        "Trump officially began his bid for a second term on Tuesday with a rally in Orlando.",
    ]
    evidence = trees.retrieve_many(claims, [reuters])
    items = list(zip(claims, evidence, strict=True))
    features = [f for group in trees.features_many(items) for f in group]
    alone = trees.probabilities(features)
    low, high = 0.2, 0.9
    doubter = Doubter({"band": [low, high], "blend": 0.5, "threshold": 0.4})
    joined = SupportModel(trees.model_path, trees.encoder, doubter)
    both = joined.probabilities(features)

    unsure = (alone > low) & (alone < high)
    assert unsure.any() and not unsure.all(), alone
    assert np.array_equal(both[~unsure], alone[~unsure])
    assert np.allclose(both[unsure], 0.5 * alone[unsure])
    # Only the unsure sentences reached the cross-encoder, each with its evidence text.
    asked = {claim for claim, _ in doubter.asked}
    assert asked == {f.sentence for f, u in zip(features, unsure, strict=True) if u}
    for claim, text in doubter.asked:
        feature = next(f for f in features if f.sentence == claim)
        assert text == evidence_text(feature.evidence)
    # The blend's threshold replaces the trees'.
    assert joined.threshold == 0.4
