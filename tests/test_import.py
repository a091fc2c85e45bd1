"""``newsdesk import``: good lines are imported, each bad one is a one-line error."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import Result

from newsdesk.ingest import ImportProblem, import_dump, read_jsonl
from newsdesk.records import Article
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


# -- hostile input: a bad line never costs a good one -----------------------------


def good_lines(count: int, start: int = 1) -> list[str]:
    return [line(id=f"g{n}", url=f"https://example.org/g{n}") for n in range(start, start + count)]


def write_lines(path: Path, lines: list[str | bytes]) -> Path:
    path.write_bytes(b"\n".join(x if isinstance(x, bytes) else x.encode() for x in lines) + b"\n")
    return path


def stored_ids(store: SQLiteStore) -> set[str]:
    return {a.id for a in store.articles()}


def assert_short(problems: list[object], path: Path) -> None:
    """Every problem is one line naming the file and a line, the message at most ~200."""
    for problem in problems:
        text = str(problem)
        assert "\n" not in text and text.startswith(f"{path}:")
        assert len(text) - len(str(path)) <= 220, text


def test_a_lone_surrogate_costs_nothing_in_a_batch_and_after_it(tmp_path: Path) -> None:
    """``"\\ud800"`` once made the hash raise: the 200-line batch and all after it were lost."""
    surrogate = '{"id": "s1", "url": "https://example.org/s", "title": "Bad \\ud800 title",'
    surrogate += ' "text": "Text with \\udfff in it.", "outlet": "Out\\ud83d\\ude00let"}'
    dump = write_lines(tmp_path / "d.jsonl", [*good_lines(150), surrogate, *good_lines(300, 151)])
    store = SQLiteStore(tmp_path / "db.sqlite")
    result = import_dump(store, dump)
    assert (result.added, result.problems) == (451, [])
    stored = store.article("s1")
    assert stored is not None
    assert (stored.title, stored.text, stored.outlet) == (
        "Bad \ufffd title",
        "Text with \ufffd in it.",
        "Out\U0001f600let",
    )
    assert import_dump(store, dump).unchanged == 451  # cleaned the same way every time
    store.close()


def test_json_nested_deep_is_one_problem(tmp_path: Path) -> None:
    deep = '{"id": "d1", "url": "https://example.org/d", "text": "t", "x": '
    deep += "[" * 100_000 + "]" * 100_000 + "}"
    dump = write_lines(tmp_path / "d.jsonl", [*good_lines(3), deep, *good_lines(3, 4)])
    store = SQLiteStore(tmp_path / "db.sqlite")
    result = import_dump(store, dump)
    assert result.added == 6 and len(stored_ids(store)) == 6
    assert [str(p) for p in result.problems] == [f"{dump}:4: nested deeper than 64 levels"]
    store.close()


@pytest.mark.parametrize(
    ("published", "note"),
    [
        ("0001-01-01", "'published' 0001-01-01 is before 1900: imported without a date"),
        (
            "9999-12-31",
            "'published' 9999-12-31 is more than a day after today (2024-03-05):"
            " imported without a date",
        ),
    ],
)
def test_an_impossible_date_is_dropped_with_a_note(
    tmp_path: Path, published: str, note: str
) -> None:
    dump = write_lines(tmp_path / "d.jsonl", [line(published=published), *good_lines(2)])
    store = SQLiteStore(tmp_path / "db.sqlite")
    result = import_dump(store, dump, today=date(2024, 3, 5))
    assert result.added == 3
    (problem,) = result.problems
    assert str(problem) == f"{dump}:1: {note}"
    assert isinstance(problem, ImportProblem) and problem.kept and result.rejected == 0
    stored = store.article("x1")
    assert stored is not None and stored.published is None
    tomorrow = write_lines(tmp_path / "t.jsonl", [line(id="t", published="2024-03-06")])
    assert import_dump(store, tomorrow, today=date(2024, 3, 5)).problems == []
    store.close()


def test_a_published_timestamp_keeps_its_day_and_its_offset(tmp_path: Path) -> None:
    """The day written is the source's own (23:30 at UTC-5 is that evening, not the next
    UTC day); a time without an offset keeps none, and a date alone stays a date."""
    dump = write_lines(
        tmp_path / "d.jsonl",
        [
            line(id="west", published="2025-12-02T23:30:00-05:00"),
            line(id="utc", published="2025-12-03T04:30:00Z"),
            line(id="naive", published="2025-12-02T23:30:00"),
            line(id="day", published="2025-12-02"),
            line(id="alias", published=None, date="2025-12-03T00:30:00+02:00"),
        ],
    )
    store = SQLiteStore(tmp_path / "db.sqlite")
    assert import_dump(store, dump, today=date(2025, 12, 4)).added == 5
    stored = {a.id: (a.published, a.published_at, a.date_source) for a in store.articles()}
    store.close()
    assert stored == {
        "west": ("2025-12-02", "2025-12-02T23:30:00-05:00", "given"),
        "utc": ("2025-12-03", "2025-12-03T04:30:00+00:00", "given"),
        "naive": ("2025-12-02", "2025-12-02T23:30:00", "given"),
        "day": ("2025-12-02", None, "given"),
        "alias": ("2025-12-03", "2025-12-03T00:30:00+02:00", "given"),
    }


def test_an_article_stored_before_times_were_kept_is_already_stored(tmp_path: Path) -> None:
    """Its time refines its day and is no new content: the dump imported again after an
    upgrade is read as already stored, not as a changed article."""
    store = SQLiteStore(tmp_path / "db.sqlite")
    store.add_article(
        Article(
            "x1", "https://example.org/x1", "Example", "A title", "Some text.", "2020-06-01", "en"
        ),
        None,
    )
    dump = write_lines(tmp_path / "d.jsonl", [line(published="2020-06-01T21:00:00-04:00")])
    result = import_dump(store, dump, today=date(2024, 3, 5))
    assert (result.added, result.unchanged, result.problems) == (0, 1, [])
    store.close()


def test_the_pipeline_checks_dates_against_the_runs_day(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    dump = write_lines(tmp_path / "d.jsonl", [line(published="9999-12-31")])
    result = invoke("import", str(dump))
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"error: {dump}:1: 'published' 9999-12-31 is more than a day after today"
        f" ({datetime.now(UTC).date().isoformat()}): imported without a date"
    ]
    store = SQLiteStore(tmp_path / "newsdesk.db")
    ((stage,),) = [run.stages for run in store.runs()]
    assert (stage.items_in, stage.items_out, len(stage.errors)) == (1, 1, 1)
    store.close()


def test_an_echoed_value_is_cut_short(tmp_path: Path) -> None:
    huge = "ftp://example.org/" + "x" * 100_000
    dump = write_lines(
        tmp_path / "d.jsonl",
        [
            line(id="u", url=huge),
            line(id="p", published="x" * 100_000),
            line(id="y" * 100_000),
            line(id="y" * 100_000, url="https://example.org/y"),
            *good_lines(2),
        ],
    )
    store = SQLiteStore(tmp_path / "db.sqlite")
    result = import_dump(store, dump)
    assert result.added == 3
    assert [p.line for p in result.problems] == [1, 2, 4]  # type: ignore[union-attr]
    assert "(100018 characters)" in str(result.problems[0])
    assert "duplicate id" in str(result.problems[2])
    assert_short(result.problems, dump)
    store.close()


def test_a_bom_at_the_start_of_the_file_is_read_past(tmp_path: Path) -> None:
    dump = tmp_path / "bom.jsonl"
    dump.write_bytes(b"\xef\xbb\xbf" + line().encode() + b"\n" + good_lines(1)[0].encode())
    store = SQLiteStore(tmp_path / "db.sqlite")
    result = import_dump(store, dump)
    assert (result.added, result.problems) == (2, [])
    store.close()


def test_a_line_over_the_byte_cap_is_skipped_without_being_read_whole(tmp_path: Path) -> None:
    long = line(id="long", text="word " * 50_000)
    dump = write_lines(tmp_path / "d.jsonl", [*good_lines(2), long, *good_lines(2, 3)])
    store = SQLiteStore(tmp_path / "db.sqlite")
    result = import_dump(store, dump, max_bytes=10_000)
    assert result.added == 4 and "long" not in stored_ids(store)
    assert [str(p) for p in result.problems] == [f"{dump}:3: line longer than 10000 bytes"]
    store.close()


def test_control_characters_and_bidi_overrides_are_cleaned_at_the_door(tmp_path: Path) -> None:
    dump = write_lines(
        tmp_path / "d.jsonl",
        [
            line(
                id="c\u202e1",
                title="Head\x00line\x1b \u202egnp.exe\u202c\r\nsecond line",
                outlet="\u2067Out\x07let\u2069",
                text="Para\x0cone.\r\n\r\nPara\ttwo\ufffe.",
                authors=["A\x00. Writer"],
            ),
            "\x00\x01",
        ],
    )
    store = SQLiteStore(tmp_path / "db.sqlite")
    result = import_dump(store, dump)
    assert result.added == 1
    (problem,) = result.problems
    assert str(problem).startswith(f"{dump}:2: invalid JSON")
    stored = store.article("c1")
    assert stored is not None
    assert (stored.title, stored.outlet) == ("Headline gnp.exe second line", "Outlet")
    assert stored.text == "Para\none.\n\nPara\ttwo."
    assert stored.extra == {"authors": ["A. Writer"]}
    store.close()


class RefusingStore(SQLiteStore):
    """A store that refuses one article, as a database might refuse a value it cannot hold."""

    def add_article(self, article: Article, run_id: int | None) -> bool:
        if article.id == "g150":
            raise ValueError("cannot hold this")
        return super().add_article(article, run_id)


def test_an_article_the_store_refuses_costs_only_its_line(tmp_path: Path) -> None:
    dump = write_lines(tmp_path / "d.jsonl", good_lines(450))
    store = RefusingStore(tmp_path / "db.sqlite")
    result = import_dump(store, dump)
    assert result.added == 449 and len(stored_ids(store)) == 449
    assert [str(p) for p in result.problems] == [
        f"{dump}:150: not stored: ValueError: cannot hold this"
    ]
    store.close()


# -- two imports of one dump at once ------------------------------------------------------------


class Racing(SQLiteStore):
    """A store whose first batch loses the race: another import, over its own connection,
    stores the whole dump after this one looked its articles up and before it stores them."""

    def __init__(self, path: Path, dump: Path) -> None:
        super().__init__(path)
        self.dump: Path | None = dump

    def transaction(self) -> AbstractContextManager[None]:
        if self.dump is not None and not self._depth:
            rival = SQLiteStore(self.path)
            assert import_dump(rival, self.dump).added == 3
            rival.close()
            self.dump = None
        return super().transaction()


def test_an_import_that_loses_the_race_counts_the_rival_s_articles_as_stored(
    tmp_path: Path,
) -> None:
    dump = write_lines(tmp_path / "d.jsonl", good_lines(3))
    store = Racing(tmp_path / "db.sqlite", dump)
    result = import_dump(store, dump)
    assert (result.added, result.unchanged, result.problems) == (0, 3, [])
    assert len(stored_ids(store)) == 3
    store.close()


IMPORTER = """
import json, sys, time
from pathlib import Path
from newsdesk.ingest import import_dump
from newsdesk.store import SQLiteStore
database, dump, go = sys.argv[1:]
store = SQLiteStore(database)
while not Path(go).exists():
    time.sleep(0.005)
result = import_dump(store, dump)
store.close()
print(json.dumps([result.added, result.unchanged, [str(p) for p in result.problems]]))
"""


def test_two_processes_importing_one_dump_store_each_article_once(tmp_path: Path) -> None:
    count = 2000
    dump = write_lines(tmp_path / "d.jsonl", good_lines(count))
    database, go = tmp_path / "db.sqlite", tmp_path / "go"
    SQLiteStore(database).close()  # migrated before either starts
    command = [sys.executable, "-c", IMPORTER, str(database), str(dump), str(go)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    go.touch()
    outcomes = []
    for process in processes:
        out, _ = process.communicate(timeout=300)
        assert process.returncode == 0
        outcomes.append(json.loads(out))
    assert [problems for _, _, problems in outcomes] == [[], []]
    assert [added + unchanged for added, unchanged, _ in outcomes] == [count, count]
    assert sum(added for added, _, _ in outcomes) == count
    store = SQLiteStore(database)
    assert store.counts()["articles"] == count
    store.close()
