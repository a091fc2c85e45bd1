"""``newsdesk import``: good lines are imported, each bad one is a one-line error."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from newsdesk.ingest import ImportProblem, import_dump, read_jsonl
from newsdesk.store import SQLiteStore


def line(**fields: object) -> str:
    record = {
        "id": "x1",
        "url": "https://example.org/x1",
        "outlet": "Example",
        "published": "2020-06-01",
        "title": "A title",
        "text": "Some text.",
        "lang": "en",
    }
    record.update(fields)
    return json.dumps({k: v for k, v in record.items() if v is not ...})


def error_lines(result: Result) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]


def test_sample_imports_once(invoke: Callable[..., Result], sample_path: Path) -> None:
    first = invoke("import", str(sample_path))
    assert first.exit_code == 0, first.output
    assert "84 added, 0 already stored, 0 rejected" in first.stdout
    second = invoke("import", str(sample_path))
    assert second.exit_code == 0
    assert "0 added, 84 already stored, 0 rejected" in second.stdout


def test_an_import_is_a_recorded_ingest_run(
    invoke: Callable[..., Result], tmp_path: Path, sample_path: Path
) -> None:
    assert invoke("import", str(sample_path), str(tmp_path / "none.jsonl")).exit_code == 1
    assert invoke("import", str(sample_path)).exit_code == 0
    store = SQLiteStore(tmp_path / "newsdesk.db")
    again, first = store.runs()
    store.close()
    assert (first.status, again.status) == ("finished", "finished")
    assert [(s.stage, s.items_in, s.items_out, s.skipped) for s in first.stages] == [
        ("ingest", 85, 84, 0)
    ]
    assert first.stages[0].errors == [f"{tmp_path / 'none.jsonl'}: file not found"]
    assert [(s.stage, s.items_out, s.skipped, s.errors) for s in again.stages] == [
        ("ingest", 0, 84, [])
    ]


def test_extra_fields_are_kept(tmp_path: Path) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text(line(bias="center", authors=["A. Writer"]) + "\n")
    store = SQLiteStore(tmp_path / "db.sqlite")
    import_dump(store, dump)
    stored = store.article("x1")
    assert stored is not None
    assert stored.extra == {"bias": "center", "authors": ["A. Writer"]}
    store.close()


def test_missing_file(invoke: Callable[..., Result], tmp_path: Path) -> None:
    result = invoke("import", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert error_lines(result) == [f"error: {tmp_path / 'nope.jsonl'}: file not found"]


def test_empty_file(invoke: Callable[..., Result], tmp_path: Path) -> None:
    dump = tmp_path / "empty.jsonl"
    dump.write_text("\n\n")
    result = invoke("import", str(dump))
    assert result.exit_code == 2
    assert error_lines(result) == [f"error: {dump}: file is empty"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (b'{"id": "x2", "url": "https://example.org/2", "text": "caf\xe9"}', "not UTF-8"),
        (line(id="x2", url=...).encode(), "missing 'url'"),
        (line(id="x2", text=...).encode(), "missing 'text'"),
        (line(id="x2", text="   ").encode(), "'text' is empty"),
        (line(id="x2", url="ftp://example.org").encode(), "not an http(s) URL"),
        (line(id="x2", published="yesterday").encode(), "not an ISO date"),
        (b'{"id": "x2", "url": ', "invalid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (line().encode(), "duplicate id 'x1' (first on line 1)"),
    ],
)
def test_bad_line_is_reported_and_the_rest_imported(
    invoke: Callable[..., Result], tmp_path: Path, bad: bytes, message: str
) -> None:
    dump = tmp_path / "dump.jsonl"
    good_after = line(id="x3", url="https://example.org/3")
    dump.write_bytes(line().encode() + b"\n" + bad + b"\n" + good_after.encode() + b"\n")
    result = invoke("import", str(dump))
    assert result.exit_code == 1
    errors = error_lines(result)
    assert len(errors) == 1
    assert errors[0].startswith(f"error: {dump}:2: ")
    assert message in errors[0]
    assert "2 added, 0 already stored, 1 rejected" in result.stdout


def test_only_bad_lines_exit_2_and_store_is_untouched(
    invoke: Callable[..., Result], tmp_path: Path, sample_path: Path
) -> None:
    assert invoke("import", str(sample_path)).exit_code == 0
    store = SQLiteStore(tmp_path / "newsdesk.db")
    before = store.counts(), [a.hash for a in store.articles()]
    store.close()
    dump = tmp_path / "bad.jsonl"
    dump.write_bytes(b"not json\n" + line(url=...).encode() + b"\n")
    result = invoke("import", str(dump))
    assert result.exit_code == 2
    assert len(error_lines(result)) == 2
    store = SQLiteStore(tmp_path / "newsdesk.db")
    assert (store.counts(), [a.hash for a in store.articles()]) == before
    store.close()


def test_changed_article_with_stored_id_is_not_overwritten(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    first = tmp_path / "a.jsonl"
    first.write_text(line() + "\n")
    import_dump(store, first)
    changed = tmp_path / "b.jsonl"
    changed.write_text(line(text="Rewritten text.") + "\n")
    result = import_dump(store, changed)
    assert result.added == 0
    assert [str(p) for p in result.problems] == [
        f"{changed}:1: id 'x1' is already stored with different content; kept the stored one"
    ]
    stored = store.article("x1")
    assert stored is not None and stored.text == "Some text."
    store.close()


def test_problems_name_file_and_line(tmp_path: Path) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text(line() + "\n\n" + "{}\n")
    items = list(read_jsonl(dump))
    problem = items[-1]
    assert isinstance(problem, ImportProblem)
    assert (problem.path, problem.line) == (str(dump), 3)
    assert "missing 'id', 'url', 'text'" in problem.message
