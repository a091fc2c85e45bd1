"""WARC import: archives written with warcio from sample pages go through extraction and
duplicate detection like live pages; a file that is not a WARC is a one-line error."""

from __future__ import annotations

import functools
import gzip
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import Result
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from newsdesk import api
from newsdesk.config import IngestSettings, load_config
from newsdesk.errors import InputError
from newsdesk.ingest.warc import import_warc, is_warc_path, read_warc
from newsdesk.store import open_store
from sample_web import SAMPLE

NO_ARTICLE = b"<html><body><nav><a href='/'>Home</a></nav><footer>News</footer></body></html>"


@functools.cache
def sample() -> list[dict[str, str]]:
    lines = (SAMPLE / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


Record = tuple[str, str, bytes, str, str]
"""(record type, target URI, payload, HTTP status line, Content-Type)"""


def write_warc(path: Path, records: Sequence[Record], compress: bool = True) -> Path:
    """A WARC file of ``records``, written the way crawlers write them (warcio)."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        for kind, uri, payload, status, content_type in records:
            http = None
            if kind in ("response", "request"):
                protocol = "HTTP/1.1"
                headers = [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
                http = StatusAndHeaders(
                    status, headers, protocol=protocol, is_http_request=(kind == "request")
                )
            record = writer.create_warc_record(
                uri,
                kind,
                payload=io.BytesIO(payload),
                length=len(payload),
                http_headers=http,
                warc_content_type=content_type if kind == "resource" else "",
            )
            writer.write_record(record)
    return path


def page_records(records: Sequence[dict[str, str]]) -> list[Record]:
    """A crawl of sample pages: each page's request and response, plus an image."""
    crawl: list[Record] = []
    for record in records:
        uri = record["url"]
        crawl.append(("request", uri, b"", "GET / HTTP/1.1", ""))
        body = (SAMPLE / record["page"]).read_bytes()
        crawl.append(("response", uri, body, "200 OK", "text/html; charset=utf-8"))
    crawl.append(("response", "https://ex.com/logo.png", b"\x89PNG\r\n", "200 OK", "image/png"))
    crawl.append(
        ("response", "https://ex.com/gone", b"<html>gone</html>", "404 Not Found", "text/html")
    )
    crawl.append(("response", "https://ex.com/old", b"", "301 Moved Permanently", "text/html"))
    return crawl


@pytest.mark.parametrize("compress", [True, False])
def test_import_a_crawl_of_sample_pages(tmp_path: Path, compress: bool) -> None:
    records = sample()[:12]
    name = "crawl.warc.gz" if compress else "crawl.warc"
    path = write_warc(tmp_path / name, page_records(records), compress)
    store = open_store(tmp_path / "n.db")
    result = import_warc(store, path, IngestSettings())
    assert (result.pages, result.added, result.problems) == (12, 12, [])
    stored = {a.url: a for a in store.articles()}
    for record in records:
        article = stored[record["url"]]
        assert article.outlet == record["outlet"]
        assert article.title == record["title"].strip()
        assert article.published == record["published"]
        shot = store.snapshot(str(article.extra["snapshot"]))
        assert shot is not None
        assert shot.body == (SAMPLE / record["page"]).read_bytes()
    again = import_warc(store, path, IngestSettings())
    assert (again.added, again.unchanged) == (0, 12)
    store.close()


def test_a_later_capture_of_a_changed_page_is_a_new_version(tmp_path: Path) -> None:
    record = sample()[0]
    body = (SAMPLE / record["page"]).read_bytes()
    first = record["text"].split("\n\n")[0]
    corrected = body.replace(first.encode(), first.encode() + b" (Corrected.)", 1)
    assert corrected != body
    path = write_warc(
        tmp_path / "two.warc.gz",
        [
            ("response", record["url"], body, "200 OK", "text/html"),
            ("response", record["url"], corrected, "200 OK", "text/html"),
        ],
    )
    store = open_store(tmp_path / "n.db")
    result = import_warc(store, path, IngestSettings())
    assert (result.added, result.changed) == (1, 1)
    (article,) = store.articles()
    assert [v.version for v in store.article_versions(article.id)] == [1, 2]
    assert "(Corrected.)" in article.text
    store.close()


def test_pages_without_articles_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    record = sample()[1]
    path = write_warc(
        tmp_path / "mixed.warc.gz",
        [
            ("response", "https://ex.com/section", NO_ARTICLE, "200 OK", "text/html"),
            ("resource", record["url"], (SAMPLE / record["page"]).read_bytes(), "", "text/html"),
        ],
    )
    store = open_store(tmp_path / "n.db")
    result = import_warc(store, path, IngestSettings())
    assert result.added == 1
    (problem,) = result.problems
    expected = "record 1 (https://ex.com/section): no article text (only 1 word, need 20)"
    assert str(problem) == f"{path}: {expected}"
    store.close()


def test_syndicated_copies_in_an_archive_are_linked(tmp_path: Path) -> None:
    wire = next(r for r in sample() if r["outlet"] == "Associated Press")
    body = (SAMPLE / wire["page"]).read_bytes()
    head, rest = body.split(b"</head>", 1)
    head = head.replace(wire["url"].encode(), b"https://reprints.example.com/story")
    copy = head.replace(b"Associated Press", b"Reprints Daily") + b"</head>" + rest
    path = write_warc(
        tmp_path / "copies.warc.gz",
        [
            ("response", wire["url"], body, "200 OK", "text/html"),
            ("response", "https://reprints.example.com/story", copy, "200 OK", "text/html"),
        ],
    )
    store = open_store(tmp_path / "n.db")
    result = import_warc(store, path, IngestSettings())
    assert (result.added, result.copies) == (2, 1)
    (link,) = store.duplicate_links()
    assert link.kind == "exact"
    outlets = {a.id: a.outlet for a in store.articles()}
    assert outlets[link.duplicate_of] == "Associated Press"
    assert outlets[link.article_id] == "Reprints Daily"
    store.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello this is not a warc\n", "not a WARC file: it does not start with 'WARC/'"),
        (b'{"id": "1", "url": "https://ex.com"}\n', "does not start with 'WARC/'"),
        (gzip.compress(b"plain text, gzipped"), "does not start with 'WARC/'"),
        (b"\x1f\x8b\x08\x00garbage", "not a WARC file: bad gzip data"),
        (b"", "file is empty"),
    ],
)
def test_a_file_that_is_not_a_warc(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        list(read_warc(path))
    assert str(info.value).startswith(f"{path}: ")
    assert "\n" not in str(info.value)


def test_an_archive_that_breaks_off_keeps_what_came_before(tmp_path: Path) -> None:
    record = sample()[2]
    body = (SAMPLE / record["page"]).read_bytes()
    path = write_warc(
        tmp_path / "cut.warc", [("response", record["url"], body, "200 OK", "text/html")], False
    )
    with path.open("ab") as handle:
        handle.write(b"garbage where the next record should be\r\n\r\n")
    with pytest.raises(InputError, match="record 2: unreadable from here on: Invalid WARC record"):
        list(read_warc(path))
    store = open_store(tmp_path / "n.db")
    result = import_warc(store, path, IngestSettings())
    assert result.added == 1
    assert [str(p) for p in result.problems] == [
        f"{path}: record 2: unreadable from here on: Invalid WARC record, first line:"
        " garbage where the next record should be"
    ]
    store.close()


def test_missing_warc(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        list(read_warc(tmp_path / "none.warc"))
    assert is_warc_path("a.WARC.GZ") and is_warc_path("a.warc") and not is_warc_path("a.jsonl")


def test_cli_imports_warc_and_jsonl_together(
    invoke: Callable[..., Result], tmp_path: Path, sample_path: Path
) -> None:
    path = write_warc(tmp_path / "crawl.warc.gz", page_records(sample()[:3]))
    result = invoke("import", str(path), str(sample_path))
    assert result.exit_code == 0, result.output
    assert f"{path}: 3 pages: 3 new" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "87 added, 0 already stored, 0 rejected"


def test_cli_bad_warc_is_a_one_line_error(invoke: Callable[..., Result], tmp_path: Path) -> None:
    bad = tmp_path / "bad.warc"
    bad.write_text("not an archive\n", encoding="utf-8")
    result = invoke("import", str(bad))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {bad}: not a WARC file: it does not start with 'WARC/'"
    assert "0 added, 0 already stored, 1 rejected" in result.stdout


def test_one_entry_point_and_one_result_for_jsonl_and_warc(
    tmp_path: Path, sample_path: Path
) -> None:
    archive = write_warc(tmp_path / "crawl.warc.gz", page_records(sample()[:3]))
    config = load_config(database=tmp_path / "n.db")
    missing = tmp_path / "none.warc"
    result = api.import_files(config, [archive, sample_path, missing])
    assert [(f.format, f.readable) for f in result.files] == [
        ("warc", True),
        ("jsonl", True),
        ("warc", False),
    ]
    warc, jsonl, _ = result.files
    assert (warc.pages, warc.added, warc.stored) == (3, 3, 3)
    assert (jsonl.added, jsonl.unchanged) == (84, 0)
    assert (result.stored, result.known, result.exit_code) == (87, 0, 1)
    assert [str(p) for p in result.problems] == [f"{missing}: file not found"]
    again = api.import_files(config, [archive, sample_path])
    assert (again.stored, again.known, again.exit_code) == (0, 87, 0)
    store = open_store(tmp_path / "n.db")
    assert [[s.stage for s in run.stages] for run in store.runs()] == [["ingest"], ["ingest"]]
    store.close()
