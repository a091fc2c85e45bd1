"""WARC import: archives written with warcio from sample pages go through extraction and
duplicate detection like live pages; a file that is not a WARC is a one-line error."""

from __future__ import annotations

import functools
import gzip
import io
import json
import tracemalloc
import zlib
from collections.abc import Callable, Sequence
from dataclasses import replace
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
    expected = (
        f"{path}: record 2: unreadable: Invalid WARC record, first line:"
        " garbage where the next record should be"
    )
    page, problem = read_warc(path)
    assert isinstance(page, tuple) and page[0] == 1
    assert str(problem) == expected
    store = open_store(tmp_path / "n.db")
    result = import_warc(store, path, IngestSettings())
    assert result.added == 1
    assert [str(p) for p in result.problems] == [expected]
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


# -- hostile archives: a bad record never costs a good one --------------------------


def raw_record(
    uri: str | None,
    body: bytes,
    *,
    kind: str = "response",
    length: str | None = None,
    content_encoding: str | None = None,
) -> bytes:
    """One WARC record's bytes, written by hand so that any header can be wrong or missing."""
    block = body
    if kind == "response":
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        if content_encoding:
            http += f"Content-Encoding: {content_encoding}\r\n".encode()
        block = http + b"\r\n" + body
    headers = [
        "WARC/1.0",
        f"WARC-Type: {kind}",
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>",
        "WARC-Date: 2024-03-05T10:00:00Z",
        "Content-Type: "
        + ("application/http; msgtype=response" if kind == "response" else "text/html"),
    ]
    if uri is not None:
        headers.insert(2, f"WARC-Target-URI: {uri}")
    if length != "":
        headers.append(f"Content-Length: {len(block) if length is None else length}")
    return "\r\n".join(headers).encode() + b"\r\n\r\n" + block + b"\r\n\r\n"


def archive(path: Path, records: Sequence[bytes], compress: bool) -> Path:
    """An archive of ``records`` as they are, each its own gzip member when ``compress``."""
    path.write_bytes(b"".join(gzip.compress(r) if compress else r for r in records))
    return path


def good_pages(count: int, skip: int = 0) -> list[tuple[str, bytes]]:
    return [(r["url"], (SAMPLE / r["page"]).read_bytes()) for r in sample()[skip : skip + count]]


BAD_RECORDS: dict[str, Callable[[bytes], bytes]] = {
    "long Content-Length": lambda page: raw_record("https://bad.example/a", page, length="999999"),
    "slightly long Content-Length": lambda page: raw_record(
        "https://bad.example/a", page, length=str(len(page) + 120)
    ),
    "short Content-Length": lambda page: raw_record("https://bad.example/a", page, length="100"),
    "no Content-Length": lambda page: raw_record("https://bad.example/a", page, length=""),
    "bad Content-Length": lambda page: raw_record("https://bad.example/a", page, length="12x"),
    "response without WARC-Target-URI": lambda page: raw_record(None, page),
    "resource without WARC-Target-URI": lambda page: raw_record(None, page, kind="resource"),
    "garbage": lambda page: b"garbage where a record should be\r\n" + page[:300] + b"\r\n\r\n",
}


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("bad", list(BAD_RECORDS))
def test_a_bad_record_is_one_problem_and_every_good_record_is_stored(
    tmp_path: Path, bad: str, compress: bool
) -> None:
    pages = good_pages(4)
    (first, second), (third, fourth) = pages[:2], pages[2:]
    records = [raw_record(url, body) for url, body in (first, second)]
    records.append(BAD_RECORDS[bad](pages[0][1]))
    records += [raw_record(url, body) for url, body in (third, fourth)]
    path = archive(tmp_path / ("a.warc.gz" if compress else "a.warc"), records, compress)
    store = open_store(tmp_path / "n.db")
    result = import_warc(store, path, IngestSettings())
    assert sorted(a.url for a in store.articles()) == sorted(url for url, _ in pages)
    (problem,) = result.problems
    assert str(problem).startswith(f"{path}: record 3")
    assert "\n" not in str(problem) and len(str(problem)) - len(str(path)) <= 220
    assert result.added == 4
    store.close()


def test_what_the_problems_say(tmp_path: Path) -> None:
    (_, page), (good_url, good), (next_url, following) = good_pages(3)
    swallowing = raw_record("https://bad.example/swallow", page)
    block = len(swallowing.split(b"\r\n\r\n", 1)[1]) - 4
    after = raw_record(next_url, following)
    records = [
        raw_record(None, page),
        raw_record("https://bad.example/long", page, length="999999"),
        raw_record("https://bad.example/mid", page, length=str(block + 120)),
        raw_record(good_url, good),
        raw_record(None, page, kind="resource"),
        raw_record("https://bad.example/swallow", page, length=str(block + len(after))),
        after,
        raw_record(good_url, good),
    ]
    path = archive(tmp_path / "a.warc", records, False)
    items = list(read_warc(path))
    assert [i[0] for i in items if isinstance(i, tuple)] == [4, 7, 8]
    problems = [str(i).removeprefix(f"{path}: ") for i in items if not isinstance(i, tuple)]
    assert problems == [
        "record 1: unreadable: response record without WARC-Target-URI",
        "record 2 (https://bad.example/long): Content-Length 999999 runs past the end of the file",
        f"record 3 (https://bad.example/mid): Content-Length {block + 120} does not end the record",
        "record 5: resource record without WARC-Target-URI",
        f"record 6 (https://bad.example/swallow): Content-Length {block + len(after)}"
        " runs into the next record",
    ]


def bomb(uri: str, inflated: int) -> bytes:
    """A gzip member holding one response record whose payload inflates to ``inflated``
    bytes of spaces, compressed as it is written (never held whole)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    head = f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
    head += f"WARC-Date: 2024-03-05T10:00:00Z\r\nContent-Length: {len(http) + inflated}\r\n\r\n"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(head.encode() + http)]
    block = b" " * (1 << 20)
    parts += [packer.compress(block) for _ in range(inflated >> 20)]
    parts += [packer.compress(b"\r\n\r\n"), packer.flush()]
    return b"".join(parts)


def test_a_gzip_bomb_stops_at_the_byte_cap_and_costs_no_good_record(tmp_path: Path) -> None:
    """A record that inflates to 256 MB from 256 KB: read no further than the cap, and its
    member is never inflated to its end."""
    (url, page), (later_url, later) = good_pages(2)
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(
        gzip.compress(raw_record(url, page))
        + bomb("https://bad.example/bomb", 256 << 20)
        + gzip.compress(raw_record(later_url, later))
    )
    assert path.stat().st_size < 400_000
    store = open_store(tmp_path / "n.db")
    tracemalloc.start()
    result = import_warc(store, path, IngestSettings(), max_bytes=2_000_000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.added == 2
    assert [str(p) for p in result.problems] == [
        f"{path}: record 2 (https://bad.example/bomb): payload larger than 2000000 bytes"
        " ([fetch] max_bytes)"
    ]
    assert peak < 64 << 20, peak
    store.close()


def test_an_encoded_payload_is_capped_after_decoding(tmp_path: Path) -> None:
    """``Content-Encoding: gzip`` inside a plain archive: the cap counts the decoded bytes."""
    (url, page), (later_url, later) = good_pages(2)
    encoded = gzip.compress(b"<html><body><p>" + b" " * (20 << 20))
    records = [
        raw_record("https://bad.example/encoded", encoded, content_encoding="gzip"),
        raw_record(url, page),
        raw_record(later_url, later),
    ]
    path = archive(tmp_path / "enc.warc", records, False)
    store = open_store(tmp_path / "n.db")
    result = import_warc(store, path, IngestSettings(), max_bytes=1_000_000)
    assert result.added == 2
    assert [str(p).removeprefix(f"{path}: ") for p in result.problems] == [
        "record 1 (https://bad.example/encoded): payload larger than 1000000 bytes"
        " ([fetch] max_bytes)"
    ]
    store.close()


def test_the_import_takes_the_fetch_byte_cap(tmp_path: Path) -> None:
    small, large = sorted(good_pages(2), key=lambda p: len(p[1]))
    path = archive(tmp_path / "a.warc.gz", [raw_record(*large), raw_record(*small)], True)
    config = load_config(database=tmp_path / "n.db")
    capped = replace(config, fetch=replace(config.fetch, max_bytes=len(large[1]) - 1))
    result = api.import_files(capped, [path])
    assert result.added == 1
    assert [str(p) for p in result.problems] == [
        f"{path}: record 1 ({large[0]}): payload larger than {len(large[1]) - 1} bytes"
        " ([fetch] max_bytes)"
    ]


def inflating_member(head: bytes, unit: bytes, megabytes: int) -> bytes:
    """A gzip member of ``head`` then ``unit`` over and over, ``megabytes`` once inflated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(head)]
    block = unit * ((1 << 20) // len(unit))
    parts += [packer.compress(block) for _ in range(megabytes)]
    return b"".join([*parts, packer.flush()])


def test_what_lies_between_gzip_members_is_found_and_told(tmp_path: Path) -> None:
    """Bytes that are no member, a member cut short, a member whose headers inflate to one
    endless line or to a million lines: each is one problem, the members after it are read."""
    pages = good_pages(5)
    member = [gzip.compress(raw_record(url, body)) for url, body in pages]
    endless = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bad.example/\r\nX: "
    many = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bad.example/\r\n"
    path = tmp_path / "gaps.warc.gz"
    path.write_bytes(
        member[0]
        + b"not gzip at all\r\n"
        + member[1]
        + gzip.compress(raw_record("https://bad.example/cut", pages[0][1]))[:60]
        + member[2]
        + inflating_member(endless, b"a", 8)
        + member[3]
        + inflating_member(many, b"X-Many: a\r\n", 8)
        + member[4]
    )
    store = open_store(tmp_path / "n.db")
    result = import_warc(store, path, IngestSettings())
    assert sorted(a.url for a in store.articles()) == sorted(url for url, _ in pages)
    assert [str(p).removeprefix(f"{path}: ") for p in result.problems] == [
        "record 2: not a WARC record: 17 bytes skipped",
        "record 4: not a WARC record: 60 bytes skipped",
        "record 6: unreadable: headers longer than 1048576 bytes",
        "record 8: unreadable: headers longer than 1048576 bytes",
    ]
    store.close()


def test_an_archive_gzipped_whole_says_how_to_fix_it(tmp_path: Path) -> None:
    (url, page), (later_url, later) = good_pages(2)
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(raw_record(url, page) + raw_record(later_url, later)))
    (problem,) = read_warc(path)
    assert str(problem) == (
        f"{path}: record 1 ({url}): more records follow in the same gzip member: a .warc.gz"
        " must be gzipped record by record (`warcio recompress` rewrites it)"
    )
