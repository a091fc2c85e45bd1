"""WARC archives: pages a crawler captured, ingested exactly like pages fetched live.

``newsdesk import FILE.warc[.gz]`` reads every ``response`` record whose
HTTP status is 200 and whose payload is HTML (a ``resource`` record with an
HTML content type counts too) and hands it to the same ``PageStore`` as a
feed poll: extraction, duplicate detection, versions and snapshots. The
capture's ``WARC-Date`` is the page's fetch time, its ``WARC-Target-URI``
the URL it came from. Records of other kinds (requests, metadata, images,
redirects) are skipped without complaint; a page without article text is
reported and the rest of the archive is read.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsdesk.config import IngestSettings
from newsdesk.errors import InputError
from newsdesk.ingest.extraction import ExtractionError, is_html
from newsdesk.ingest.result import ImportResult, WarcProblem
from newsdesk.ingest.web import Page, PageStore
from newsdesk.store import ArticleStore

WARC_SUFFIXES = (".warc", ".warc.gz")
_MAGIC = b"WARC/"


def is_warc_path(path: str | Path) -> bool:
    """Whether a file is named as a WARC archive (``.warc`` or ``.warc.gz``)."""
    return str(path).lower().endswith(WARC_SUFFIXES)


def _check_magic(path: Path) -> None:
    """Refuse a file that does not start like a WARC (plain or gzipped) with a clear error:
    warcio would read some text files as old-style ARC records."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a WARC file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(len(_MAGIC))
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{path}: not a WARC file: bad gzip data ({exc})") from None
    if not head:
        raise InputError(f"{path}: file is empty")
    if not head.startswith(_MAGIC):
        raise InputError(f"{path}: not a WARC file: it does not start with 'WARC/'")


def _page(record: Any) -> Page | None:
    """The page a record captured, or None for records that hold no HTML page."""
    if record.rec_type not in ("response", "resource"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    fetched_at = record.rec_headers.get_header("WARC-Date") or ""
    if record.rec_type == "response":
        if record.http_headers is None or record.http_headers.get_statuscode() != "200":
            return None
        content_type = record.http_headers.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    body = record.content_stream().read()
    if not is_html(body, content_type):
        return None
    return Page(url=url, body=body, content_type=content_type, fetched_at=fetched_at)


def read_warc(path: str | Path) -> Iterator[tuple[int, Page]]:
    """``(record number, page)`` for every HTML page captured in the archive, in order.

    Raises ``InputError`` when the file is not a WARC archive or breaks off
    in a way warcio cannot read past.
    """
    path = Path(path)
    _check_magic(path)
    number = 0
    with path.open("rb") as handle:
        try:
            for number, record in enumerate(ArchiveIterator(handle, arc2warc=False), start=1):
                if record.format != "warc":
                    raise BrokenArchive(path, number, "not a WARC record")
                page = _page(record)
                if page is not None:
                    yield number, page
        except ArchiveLoadFailed as exc:
            raise BrokenArchive(path, number + 1, " ".join(str(exc).split())) from None


class BrokenArchive(InputError):
    """An archive warcio cannot read past ``record``: not a WARC at all when it is the first."""

    def __init__(self, path: Path, record: int, reason: str) -> None:
        what = "not a readable WARC file" if record == 1 else "unreadable from here on"
        super().__init__(f"{path}: record {record}: {what}: {reason}")
        self.record = record
        self.reason = f"{what}: {reason}"


def import_warc(
    store: ArticleStore, path: str | Path, settings: IngestSettings, run_id: int | None = None
) -> ImportResult:
    """Ingest the HTML pages of a WARC archive, each page in its own transaction.

    An archive that breaks off after its first record keeps what was read
    before the break, and the break is reported as a problem.
    """
    result = ImportResult(str(path), "warc")
    pages: PageStore | None = None
    try:
        for number, page in read_warc(path):
            pages = pages or PageStore(store, settings, run_id)
            _import_page(pages, store, result, number, page)
    except BrokenArchive as exc:
        if exc.record == 1:
            raise
        result.problems.append(WarcProblem(result.path, exc.record, "", exc.reason))
    return result


def _import_page(
    pages: PageStore, store: ArticleStore, result: ImportResult, number: int, page: Page
) -> None:
    result.pages += 1
    try:
        with store.transaction():
            stored = pages.add(page)
    except ExtractionError as exc:
        result.problems.append(WarcProblem(result.path, number, page.url, exc.reason))
        return
    result.count(stored.outcome, stored.link is not None)
