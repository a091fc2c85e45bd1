"""The clustering benchmark: its JSON contract on the sample, its baseline, its scale stream."""

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
"""The bundled sample: labelled by its ``cluster_id``, so the benchmark runs on a bare clone."""


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench("stories")


def article(id_: str, title: str, text: str) -> Article:
    return Article(id_, f"https://example.com/{id_}", "AP", title, text, "2020-01-01")


def test_baseline_groups_by_words(bench: ModuleType) -> None:
    articles = [
        article("a", "Senate passes budget", "The Senate passed the budget bill on Monday."),
        article("b", "Budget passes Senate", "The budget bill passed the Senate on Monday."),
        article("c", "Storm floods coast", "A storm flooded coastal towns overnight."),
    ]
    found = bench.baseline(articles)
    assert found["a"] == found["b"] != found["c"]


def test_scale_stream_packs_days_and_keeps_order(bench: ModuleType) -> None:
    stream = bench.base_stream([SAMPLE], per_day=10)
    assert len(stream) == 84
    assert [day for _, day in stream] == [n // 10 for n in range(84)]
    dates = [a.published for a, _ in stream]
    assert dates == sorted(dates)


@pytest.mark.slow
def test_lanes_keep_each_stream_and_part_them(bench: ModuleType) -> None:
    from newsdesk.stories.embeddings import Embedder
    from newsdesk.stories.stream import stream_features, stream_order

    articles = stream_order(bench.read_all(SAMPLE))[:12]
    features = stream_features(articles, Embedder())
    lanes = bench.Lanes(3)
    a, b = features[articles[0].id], features[articles[1].id]
    for lane in (1, 2):
        x, y = lanes.view(a, lane, "x"), lanes.view(b, lane, "y")
        assert x.article_id == "x"
        assert float(x.lead @ y.lead) == pytest.approx(float(a.lead @ b.lead), abs=1e-5)
        assert x.words.dot(y.words) == pytest.approx(a.words.dot(b.words), abs=1e-6)
        assert float(x.lead @ a.lead) < 0.5 < float(a.lead @ a.lead)
        assert a.words.dot(x.words) < 0.2
    steps = bench.replicated(5 * 12 * 2, [(x, n) for n, x in enumerate(articles)], 2, 40)
    assert [(lane, replica, day) for _, lane, replica, day in steps[:4]] == [
        (0, 0, 0),
        (1, 1, 0),
        (0, 0, 1),
        (1, 1, 1),
    ]
    assert steps[24][1:] == (0, 2, 40)


@pytest.mark.slow
def test_sample_run_prints_the_json_contract(
    bench: ModuleType, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cache = tmp_path / "embeddings.npz"
    arguments = ["--data", str(SAMPLE), "--sizes", "300", "--per-day", "50"]
    code = bench.main([*arguments, "--cache", str(cache)])
    assert code == 0
    output = capsys.readouterr().out
    summary = json.loads(output.strip().splitlines()[-1])
    (name,) = summary["datasets"]
    figures = summary["datasets"][name]
    assert figures["n"] == 84
    assert figures["bcubed_f1"] >= 0.97
    assert 0.0 < figures["baseline_f1"] <= 1.0
    scale = summary["scale"]["300"]
    assert scale["articles_per_s"] > 0 and scale["peak_rss_mb"] > 0
    assert scale["stories"] >= 30 * 3
    assert cache.is_file()
