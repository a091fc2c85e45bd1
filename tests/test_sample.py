"""The bundled sample goes into a store only when asked (``newsdesk run --sample``) and
never beside a user's own articles; a run with nothing to read says where articles come from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from newsdesk import api
from newsdesk.config import Config
from newsdesk.engine import Engine
from newsdesk.errors import InputError
from newsdesk.ingest import IngestStage, import_dump
from newsdesk.store import open_store

MINE = (
    '{"id": "mine-1", "url": "https://news.example.org/1", "outlet": "Example News",'
    ' "published": "2024-05-01", "title": "Harbor bridge reopens",'
    ' "text": "The harbor bridge reopened on Wednesday after a year of repairs."}\n'
)


def counts(config: Config) -> dict[str, int]:
    store = open_store(config.store.database)
    try:
        return {**store.counts(), "runs": len(store.runs())}
    finally:
        store.close()


def nothing_to_read(database: Path) -> str:
    return (
        f"error: nothing to read: {database} holds no articles and no dump or feed is"
        " configured; import a dump with `newsdesk import FILE`, add a feed with"
        " `newsdesk feeds add URL`, name dumps or feeds in a newsdesk.toml (`newsdesk init`"
        " writes one), or try the bundled sample with `newsdesk run --sample`"
    )


def test_sample_goes_into_an_empty_store(config: Config) -> None:
    run = api.run(config, stages=["ingest"], sample=True)
    assert run.status == "finished"
    assert counts(config)["articles"] == 84


def test_sample_completes_a_store_a_killed_demo_run_left(
    config: Config, sample_path: Path, tmp_path: Path
) -> None:
    part = tmp_path / "part.jsonl"
    part.write_text("".join(sample_path.read_text("utf-8").splitlines(True)[:10]), "utf-8")
    api.import_files(config, [part])
    assert counts(config)["articles"] == 10
    api.run(config, stages=["ingest"], sample=True)
    assert counts(config)["articles"] == 84


def test_sample_needs_the_ingest_stage(config: Config) -> None:
    with pytest.raises(ValueError, match="needs the ingest stage"):
        api.run(config, stages=["stories"], sample=True)


def test_run_sample_refuses_a_store_that_holds_other_articles(
    invoke: Callable[..., Result], tmp_path: Path, config: Config
) -> None:
    mine = tmp_path / "mine.jsonl"
    mine.write_text(MINE, encoding="utf-8")
    assert invoke("import", str(mine)).exit_code == 0
    before = counts(config)
    refused = invoke("run", "--sample", "--site", str(tmp_path / "site"))
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines() == [
        f"error: not importing the bundled sample: {config.store.database} holds other"
        " articles and the sample never joins them; try it in a database of its own:"
        " `newsdesk run --sample --database demo.db`"
    ]
    assert counts(config) == before  # not a row more, not even the run's
    assert before["articles"] == 1


def test_a_store_of_ones_own_articles_runs_without_the_sample(
    invoke: Callable[..., Result], tmp_path: Path, config: Config
) -> None:
    mine = tmp_path / "mine.jsonl"
    mine.write_text(MINE, encoding="utf-8")
    assert invoke("import", str(mine)).exit_code == 0
    ran = invoke("run", "--site", str(tmp_path / "site"))
    assert ran.exit_code == 0, ran.output
    assert counts(config)["articles"] == 1


def test_the_ingest_stage_itself_never_mixes_the_sample_in(config: Config) -> None:
    """Run through the engine without the API's check, the stage refuses all the same."""
    mine = config.store.database.parent / "mine.jsonl"
    mine.write_text(MINE, encoding="utf-8")
    store = open_store(config.store.database)
    try:
        import_dump(store, mine)
        stage = IngestStage.for_config(config, sample=True)
        with pytest.raises(InputError, match="not importing the bundled sample"):
            Engine(store, config).run([stage])
        assert store.counts()["articles"] == 1
    finally:
        store.close()


def test_run_with_nothing_to_read_says_where_articles_come_from(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    database = tmp_path / "newsdesk.db"
    result = invoke("run", "--site", str(tmp_path / "site"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [nothing_to_read(database)]
    assert result.stdout == ""
    assert not database.exists(), "a refused run left an empty database behind"


def test_run_on_an_empty_store_with_nothing_configured_stores_nothing(config: Config) -> None:
    open_store(config.store.database).close()
    with pytest.raises(InputError) as refused:
        api.run(config)
    assert f"error: {refused.value}" == nothing_to_read(config.store.database)
    assert set(counts(config).values()) == {0}


def test_dump_and_sample_are_one_or_the_other(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    mine = tmp_path / "mine.jsonl"
    mine.write_text(MINE, encoding="utf-8")
    result = invoke("run", "--sample", "--dump", str(mine))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: give --dump or --sample, not both: the sample never joins other articles"
    ]
    assert not (tmp_path / "newsdesk.db").exists()
