"""WARC archives: pages a crawler captured, ingested exactly like pages fetched live.

``newsdesk import FILE.warc[.gz]`` reads every ``response`` record whose
HTTP status is 200 and whose payload is HTML (a ``resource`` record with an
HTML content type counts too) and hands it to the same ``PageStore`` as a
feed poll: extraction, duplicate detection, versions and snapshots. The
capture's ``WARC-Date`` is the page's fetch time, its ``WARC-Target-URI``
the URL it came from. Records of other kinds (requests, metadata, images,
redirects) are skipped without complaint.

A bad record never costs a good one. A page without article text, a page
record without ``WARC-Target-URI``, a payload over the byte cap (``[fetch]
max_bytes``, the cap on a fetched page, counted after decompression and
read no further than the cap), a record whose ``Content-Length`` is missing
or does not end where the next record starts, and a record warcio cannot
parse at all: each is one ``WarcProblem`` naming the record, and reading goes
on from the next record. That next record is found by the bytes, not by the
bad record's word: the next line ``WARC/1.x`` in a plain archive, the next
gzip member that opens with ``WARC/`` in a ``.warc.gz``.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.utils import BUFF_SIZE

from newsdesk.compute import Executor, InProcess
from newsdesk.config import FetchSettings, IngestSettings
from newsdesk.errors import InputError
from newsdesk.ingest.extraction import Extracted, ExtractionError, is_html
from newsdesk.ingest.result import ImportResult, WarcProblem
from newsdesk.ingest.web import Page, PageReader, PageStore
from newsdesk.store import ArticleStore

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
MAX_PAYLOAD_BYTES: int = FetchSettings.max_bytes
"""The default cap on one record's payload: the cap on a fetched page (``[fetch] max_bytes``)."""
_MAGIC = b"WARC/"
_GZIP = b"\x1f\x8b\x08"
_RECORD_LINE = re.compile(rb"\nWARC/[01]\.\d{1,2}\r?\n")
"""Where a record starts in a plain archive: its version line, after a line break."""
_INSIDE = re.compile(rb"\r\n\r\nWARC/[01]\.\d{1,2}\r\n")
"""A record's closing blank lines and the next record's version line."""
_SCAN = 1 << 20
_HEADER_BYTES = 1 << 16
"""The most bytes of a record's WARC headers read to say why warcio could not parse it."""
_LINE_BYTES = 1 << 16
"""The longest header line read whole; a longer one is read in pieces of this size."""
_LINE_BUDGET = 1 << 20
"""The most bytes of lines (WARC and HTTP headers, chunk sizes) one record may hold."""
_INFLATE_LIMIT = 64 << 20
"""How far past the byte cap a gzip member is inflated to find where it ends."""


def is_warc_path(path: str | Path) -> bool:
    """Whether a file is named as a WARC archive (``.warc`` or ``.warc.gz``)."""
    return str(path).lower().endswith(WARC_SUFFIXES)


def _check_magic(path: Path) -> bool:
    """Whether the archive is gzipped. Refuses a file that does not start like a WARC
    (plain or gzipped) with a clear error: warcio would read some text files as
    old-style ARC records."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a WARC file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    gzipped = head.startswith(b"\x1f\x8b")
    if gzipped:
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(len(_MAGIC))
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{path}: not a WARC file: bad gzip data ({exc})") from None
    if not head:
        raise InputError(f"{path}: file is empty")
    if not head.startswith(_MAGIC):
        raise InputError(f"{path}: not a WARC file: it does not start with 'WARC/'")
    return gzipped


class _Lines(DecompressingBufferedReader):  # type: ignore[misc]
    """warcio's reader with a bound on the lines it reads (WARC and HTTP headers, chunk
    sizes, the blank lines between records): no line longer than ``_LINE_BYTES``, and no
    more than ``budget`` bytes of lines in all until the budget is set again. A gzip
    member that inflates to one endless header line, or to millions of them, stops there
    instead of filling memory."""

    budget = _LINE_BUDGET

    def readline(self, length: int | None = None) -> bytes:
        cap = min(_LINE_BYTES, self.budget if length is None else min(length, self.budget))
        if cap <= 0:
            raise ArchiveLoadFailed(f"headers longer than {_LINE_BUDGET} bytes")
        line: bytes = super().readline(cap)
        self.budget -= len(line)
        return line


class _Records(ArchiveIterator):  # type: ignore[misc]
    """warcio's iterator over ``_Lines``. warcio prints a warning of its own on a bad
    Content-Length: here that record is a problem, so nothing is printed."""

    INC_RECORD = ""

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__(handle, arc2warc=False)
        self.reader = _Lines(self.fh, block_size=BUFF_SIZE)

    def next_record(self) -> Any:
        """The next record (``StopIteration`` at the end), its headers read within budget."""
        self.reader.budget = _LINE_BUDGET
        record = next(self)
        self.reader.budget = _LINE_BUDGET
        return record


Item = tuple[int, Page] | WarcProblem
"""What reading an archive gives, record by record: a page, or a problem with a record."""


class _Bad(Exception):
    """A record that is not imported, and why; the records after it are found by their bytes."""


def _reason(exc: BaseException) -> str:
    said = " ".join(str(exc).split())
    if isinstance(exc, ArchiveLoadFailed) and said:
        return said
    return f"{type(exc).__name__}: {said}" if said else type(exc).__name__


class _Archive:
    """The records of one archive, read past any that are broken (see the module docstring).

    A plain archive is read by one warcio iterator for as long as its records are
    sound, each record's Content-Length checked against the bytes before its payload is
    read. A gzipped archive is read one record (one gzip member) at a time: the next
    member is found by its bytes, so no member is ever inflated beyond what was read of
    it (its headers, and a page's payload up to the cap).
    """

    def __init__(self, path: Path, handle: IO[bytes], gzipped: bool, max_bytes: int) -> None:
        self.path = path
        self.handle = handle
        self.gzipped = gzipped
        self.max_bytes = max_bytes
        self.size = os.fstat(handle.fileno()).st_size
        self.number = 0

    def problem(self, reason: str, url: str = "") -> WarcProblem:
        return WarcProblem(str(self.path), self.number, url, reason)

    def items(self) -> Iterator[Item]:
        offset: int | None = 0
        with self.path.open("rb") as peek:
            while offset is not None:
                offset = yield from self._segment(offset, peek)

    def _segment(self, offset: int, peek: IO[bytes]) -> Generator[Item, None, int | None]:
        """Read records from ``offset`` until the end (``None``), a broken record or (in a
        gzipped archive) the first record's end; then return where the next record
        starts (``None`` when no record follows)."""
        self.handle.seek(offset)
        records = _Records(self.handle)
        last = offset - 1
        while True:
            try:
                record = records.next_record()
            except StopIteration:
                return None
            except Exception as exc:  # warcio could not parse the next record
                self.number += 1
                start = max(records.offset, last + 1)
                yield self.problem(f"unreadable: {self._explain(start, peek, exc)}")
                return (yield from self._after(start, peek))
            self.number += 1
            last = max(records.offset, last + 1)  # warcio's offset, kept moving forward
            url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
            try:
                page = self._page(records, record, url, peek)
            except _Bad as bad:
                yield self.problem(str(bad), url)
                return (yield from self._after(last, peek))
            except Exception as exc:  # a payload warcio cannot decode
                yield self.problem(f"unreadable payload: {_reason(exc)}", url)
                return (yield from self._after(last, peek))
            if isinstance(page, WarcProblem):
                yield page
            elif page is not None:
                yield self.number, page
            if self.gzipped:
                return (yield from self._after(last, peek))

    def _after(self, start: int, peek: IO[bytes]) -> Generator[Item, None, int | None]:
        """Where the record after the one at ``start`` begins, found by the bytes. In a
        gzipped archive that is the end of the record's gzip member; anything between
        it and the next member that opens with ``WARC/`` (garbage, a broken member) is
        a problem of its own."""
        if not self.gzipped:
            return self._next_start(start + 1, peek)
        end = self._member_end(start, peek)
        following = self._next_member(start + 1 if end is None else end, peek)
        if end is not None and end < self.size and following != end:
            self.number += 1
            skipped = (following or self.size) - end
            yield self.problem(f"not a WARC record: {skipped} bytes skipped")
        return following

    # -- one record --------------------------------------------------------

    def _page(
        self, records: _Records, record: Any, url: str, peek: IO[bytes]
    ) -> Page | WarcProblem | None:
        """The page a record captured, a problem with it, or None for a record that holds
        no HTML page. Raises ``_Bad`` when the record's framing is wrong."""
        if record.format != "warc":
            raise _Bad("not a WARC record")
        self._check_length(records, record, peek)
        if record.rec_type not in ("response", "resource"):
            return None
        fetched_at = record.rec_headers.get_header("WARC-Date") or ""
        if record.rec_type == "response":
            if record.http_headers is None or record.http_headers.get_statuscode() != "200":
                return None
            content_type = record.http_headers.get_header("Content-Type")
        else:
            content_type = record.rec_headers.get_header("Content-Type")
        if content_type and not is_html(b"", content_type):
            return None
        body = record.content_stream().read(self.max_bytes + 1)
        if not is_html(body, content_type):
            return None
        if len(body) > self.max_bytes:
            cap = f"payload larger than {self.max_bytes} bytes ([fetch] max_bytes)"
            return self.problem(cap, url)
        if self.gzipped:
            self._check_member(records, record)
        if not url:
            return self.problem(f"{record.rec_type} record without WARC-Target-URI")
        if not url.lower().startswith(("http://", "https://")):
            return self.problem("WARC-Target-URI is not an http(s) URL", url)
        return Page(url=url, body=body, content_type=content_type, fetched_at=fetched_at)

    def _check_length(self, records: _Records, record: Any, peek: IO[bytes]) -> None:
        """Raise ``_Bad`` unless the record's Content-Length is a length and, in a plain
        archive, ends the record: inside the file, at the record's closing blank lines
        or the next record, and with no other record inside the block it bounds (a
        length too long would read the next record as this one's payload)."""
        declared = record.rec_headers.get_header("Content-Length")
        if declared is None or not declared.strip().isdigit():
            raise _Bad("no valid Content-Length")
        if self.gzipped:
            return  # each record is its own gzip member: a wrong length stays inside it
        length = int(declared)
        here = self.handle.tell() - records.reader.rem_length()
        end = here + record.raw_stream.limit
        if end > self.size:
            raise _Bad(f"Content-Length {length} runs past the end of the file")
        peek.seek(end)
        after = peek.read(4 + len(_MAGIC))
        rest = after.lstrip(b"\r\n")
        if rest and not rest.startswith(_MAGIC) and not after.startswith(b"\r\n\r\n"):
            raise _Bad(f"Content-Length {length} does not end the record")
        if self._record_inside(here, end, peek):
            raise _Bad(f"Content-Length {length} runs into the next record")

    def _record_inside(self, start: int, end: int, peek: IO[bytes]) -> bool:
        """Whether a record starts between ``start`` and ``end`` (read in pieces)."""
        position = start
        while position < end:
            peek.seek(position)
            chunk = peek.read(min(_SCAN, end - position) + 16)
            found = _INSIDE.search(chunk)
            if found is not None and position + found.start() + 4 < end:
                return True
            position += _SCAN
        return False

    def _check_member(self, records: _Records, record: Any) -> None:
        """Raise ``_Bad`` when a page's gzip member ends before its Content-Length or
        holds more than the closing blank lines after it. Reads at most the cap more."""
        left = self.max_bytes
        while left > 0 and (chunk := record.raw_stream.read(min(left, 1 << 16))):
            left -= len(chunk)
        if left <= 0 and record.raw_stream.read(1):
            raise _Bad(f"payload larger than {self.max_bytes} bytes ([fetch] max_bytes)")
        if record.raw_stream.limit:
            raise _Bad(f"the record ends before its Content-Length ({record.length} bytes)")
        after = records.reader.read(16).lstrip(b"\r\n")
        if after.startswith(_MAGIC):
            raise _Bad(
                "more records follow in the same gzip member: a .warc.gz must be gzipped"
                " record by record (`warcio recompress` rewrites it)"
            )
        if after:
            raise _Bad(f"the record goes on after its Content-Length ({record.length} bytes)")

    # -- finding the next record ---------------------------------------------

    def _chunks(self, since: int, peek: IO[bytes], overlap: int) -> Iterator[tuple[int, bytes]]:
        """``(offset, bytes)`` from ``since`` to the end of the file, in pieces that grow
        from 64 KiB to 1 MiB (the next record is usually near), each overlapping the
        next by ``overlap`` bytes."""
        position, size = since, 1 << 16
        while position < self.size:
            peek.seek(position)
            yield position, peek.read(size + overlap)
            position += size
            size = min(size * 2, _SCAN)

    def _next_start(self, since: int, peek: IO[bytes]) -> int | None:
        """Where the first record at or after byte ``since`` starts, by its bytes."""
        if self.gzipped:
            return self._next_member(since, peek)
        for position, chunk in self._chunks(max(since - 1, 0), peek, 16):
            found = _RECORD_LINE.search(chunk)
            if found is not None:
                return position + found.start() + 1
        return None

    def _member_end(self, start: int, peek: IO[bytes]) -> int | None:
        """Where the gzip member at ``start`` ends, inflating it (output thrown away) no
        further than the cap and ``_INFLATE_LIMIT`` more; None when it is broken, cut
        off, or inflates beyond that."""
        inflater = zlib.decompressobj(31)
        limit = self.max_bytes + _INFLATE_LIMIT
        peek.seek(start)
        position, produced, pending = start, 0, b""
        while True:
            if not pending:
                pending = peek.read(1 << 16)
                if not pending:
                    return None
                position += len(pending)
            try:
                produced += len(inflater.decompress(pending, 1 << 20))
            except zlib.error:
                return None
            if inflater.eof:
                return position - len(inflater.unused_data)
            if produced > limit:
                return None
            pending = inflater.unconsumed_tail

    def _next_member(self, since: int, peek: IO[bytes]) -> int | None:
        """The next gzip member at or after ``since`` that opens with ``WARC/``."""
        for position, chunk in self._chunks(since, peek, len(_GZIP)):
            at = chunk.find(_GZIP)
            while at != -1:
                if self._opens_record(position + at, peek):
                    return position + at
                at = chunk.find(_GZIP, at + 1)
        return None

    @staticmethod
    def _opens_record(start: int, peek: IO[bytes]) -> bool:
        peek.seek(start)
        try:
            head = zlib.decompressobj(31).decompress(peek.read(4096), len(_MAGIC))
        except zlib.error:
            return False
        return head == _MAGIC

    def _explain(self, start: int, peek: IO[bytes], exc: Exception) -> str:
        """Why the record at ``start`` could not be parsed, in words: warcio's own
        exception says little when a header it needs is missing."""
        headers = self._headers(start, peek)
        kind = re.search(rb"(?im)^WARC-Type:[ \t]*(\S+)", headers)
        if (
            kind is not None
            and kind.group(1).lower() in (b"response", b"request", b"revisit")
            and re.search(rb"(?im)^WARC-Target-URI:", headers) is None
        ):
            return f"{kind.group(1).decode('ascii', 'replace')} record without WARC-Target-URI"
        return _reason(exc)

    def _headers(self, start: int, peek: IO[bytes]) -> bytes:
        peek.seek(start)
        raw = peek.read(_HEADER_BYTES)
        if self.gzipped:
            try:
                raw = zlib.decompressobj(31).decompress(raw, _HEADER_BYTES)
            except zlib.error:
                return b""
        return raw.split(b"\r\n\r\n", 1)[0]


def read_warc(path: str | Path, *, max_bytes: int = MAX_PAYLOAD_BYTES) -> Iterator[Item]:
    """``(record number, page)`` for every HTML page captured in the archive, in order,
    with a ``WarcProblem`` for each record that is not imported for a reason worth
    telling (see the module docstring).

    Raises ``InputError`` only when the file is not a WARC archive at all.
    """
    path = Path(path)
    gzipped = _check_magic(path)
    with path.open("rb") as handle:
        yield from _Archive(path, handle, gzipped, max_bytes).items()


def import_warc(
    store: ArticleStore,
    path: str | Path,
    settings: IngestSettings,
    run_id: int | None = None,
    *,
    max_bytes: int = MAX_PAYLOAD_BYTES,
    executor: Executor | None = None,
) -> ImportResult:
    """Ingest the HTML pages of a WARC archive, each page in its own transaction.

    A record that cannot be read or stored is a problem, and the records
    after it are read. Pages are read on ``executor`` (in process by default; the run's
    executor in a pipeline run) and stored here, in the archive's order.
    """
    result = ImportResult(str(path), "warc")
    pages: PageStore | None = None
    items = read_warc(path, max_bytes=max_bytes)
    read = _ReadRecord(PageReader.of(settings))
    for outcome in (executor or InProcess()).map(read, items):
        item, extracted = outcome.get()
        if isinstance(item, WarcProblem):
            result.problems.append(item)
            continue
        number, page = item
        pages = pages or PageStore(store, settings, run_id)
        _import_page(pages, store, result, number, page, extracted)
    return result


@dataclass(frozen=True)
class _ReadRecord:
    """A record's page read by ``reader`` (an executor's task); a problem passes through."""

    reader: PageReader

    def __call__(self, item: Item) -> tuple[Item, Extracted | ExtractionError | None]:
        if isinstance(item, WarcProblem):
            return item, None
        return item, self.reader(item[1])


def _import_page(
    pages: PageStore,
    store: ArticleStore,
    result: ImportResult,
    number: int,
    page: Page,
    extracted: Extracted | ExtractionError | None,
) -> None:
    result.pages += 1
    if isinstance(extracted, ExtractionError):
        result.problems.append(WarcProblem(result.path, number, page.url, extracted.reason))
        return
    try:
        with store.transaction():
            stored = pages.add(page, extracted)
    except ExtractionError as exc:
        result.problems.append(WarcProblem(result.path, number, page.url, exc.reason))
        return
    except Exception as exc:  # one page that cannot be stored must not stop the archive
        log.debug("record %d of %s", number, result.path, exc_info=True)
        result.problems.append(
            WarcProblem(result.path, number, page.url, f"not stored: {_reason(exc)}")
        )
        return
    result.count(stored.outcome, stored.link is not None)
