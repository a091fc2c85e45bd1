"""What an import did: one result type for JSONL dumps, WARC archives and feed polls.

``import_file`` (in ``stage.py``) reads a JSONL dump or a WARC archive and
returns an ``ImportResult``; ``ImportResult.of`` adds up the results of
several files, keeping each in ``files``. A feed poll returns a
``PollSummary``: the same result, plus what happened to the feeds. A dump
line counts like a page: it adds an article, finds it already stored, or is
a problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from newsdesk.dumps import ImportProblem
from newsdesk.errors import MESSAGE_LIMIT, one_line

Format = Literal["jsonl", "warc", "feeds"]
Outcome = Literal["new", "changed", "unchanged", "repeat"]


@dataclass(frozen=True)
class WarcProblem:
    """A record of an archive that could not be ingested (message and URL on one line,
    cut short)."""

    path: str
    record: int
    url: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", one_line(self.url, MESSAGE_LIMIT))
        object.__setattr__(self, "message", one_line(self.message))

    def __str__(self) -> str:
        where = f" ({self.url})" if self.url else ""
        return f"{self.path}: record {self.record}{where}: {self.message}"


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be read at all, so nothing was imported from it.

    ``message`` names the file already (it is a ``NewsdeskError``'s message).
    """

    path: str
    message: str

    def __post_init__(self) -> None:
        limit = len(self.path) + MESSAGE_LIMIT
        object.__setattr__(self, "message", one_line(self.message, limit))

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FeedProblem:
    """A feed that could not be polled, or a page of one that could not be stored."""

    kind: Literal["feed", "page"]
    url: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", one_line(self.url, MESSAGE_LIMIT))
        object.__setattr__(self, "message", one_line(self.message))

    def __str__(self) -> str:
        return f"{self.kind} {self.url}: {self.message}"


Problem = ImportProblem | WarcProblem | FileProblem | FeedProblem


@dataclass
class ImportResult:
    """What importing a file did, or (``of``) several files together.

    ``added`` counts new articles, ``changed`` new versions of stored articles
    (a later capture of a page), ``unchanged`` articles already stored as
    they are and ``repeats`` pages that repeat an article stored in the same
    import. ``pages`` and ``copies`` (new articles that are syndicated copies
    of another) are counted for pages (WARC archives and feeds) only.
    """

    path: str
    format: Format = "jsonl"
    pages: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    repeats: int = 0
    copies: int = 0
    problems: list[Problem] = field(default_factory=list)
    files: list[ImportResult] = field(default_factory=list)

    @classmethod
    def failed(cls, path: str, format: Format, message: str) -> ImportResult:
        """A file that could not be read: one ``FileProblem`` saying why."""
        return cls(path, format, problems=[FileProblem(path, message)])

    @classmethod
    def of(cls, results: Sequence[ImportResult]) -> ImportResult:
        """The sum of several files' results, each kept in ``files``."""
        total = cls(", ".join(r.path for r in results), files=list(results))
        for result in results:
            total.pages += result.pages
            total.added += result.added
            total.changed += result.changed
            total.unchanged += result.unchanged
            total.repeats += result.repeats
            total.copies += result.copies
            total.problems.extend(result.problems)
        return total

    def count(self, outcome: Outcome, copy: bool = False) -> None:
        """Count one article read: ``copy`` when a new one is a syndicated copy."""
        if outcome == "new":
            self.added += 1
            self.copies += copy
        elif outcome == "changed":
            self.changed += 1
        elif outcome == "unchanged":
            self.unchanged += 1
        else:
            self.repeats += 1

    @property
    def errors(self) -> list[str]:
        """Each problem on one line."""
        return [str(p) for p in self.problems]

    @property
    def rejected(self) -> int:
        """Problems that kept something out: lines, records, pages, files. A ``kept``
        problem (an article imported without its impossible date) is a note only."""
        return sum(not (isinstance(p, ImportProblem) and p.kept) for p in self.problems)

    @property
    def readable(self) -> bool:
        """False when the file could not be read at all."""
        return not any(isinstance(p, FileProblem) for p in self.problems)

    @property
    def stored(self) -> int:
        """Articles stored: new ones and new versions."""
        return self.added + self.changed

    @property
    def known(self) -> int:
        """Articles found already stored."""
        return self.unchanged + self.repeats

    @property
    def exit_code(self) -> int:
        """0 when everything was imported, 1 when something was rejected, 2 when nothing
        could be imported."""
        if self.problems and not (self.stored or self.known):
            return 2
        return 1 if self.problems else 0


@dataclass
class PollSummary(ImportResult):
    """What one poll did: the pages it read as an import, and what happened to the feeds."""

    path: str = "feeds"
    format: Format = "feeds"
    feeds: int = 0
    not_due: int = 0
    polled: int = 0
    not_modified: int = 0
    feeds_failed: int = 0
    entries: int = 0
    entries_left: int = 0
    """Entries past ``[fetch] max_entries_per_poll`` of their feed: the next polls take them."""
    pages_failed: int = 0

    def line(self) -> str:
        """One line for the terminal."""
        waiting = " (`newsdesk ingest --all` polls them now)" if self.not_due else ""
        left = f" ({self.entries_left} left for the next polls)" if self.entries_left else ""
        return (
            f"feeds: {self.polled} polled ({self.not_modified} not modified,"
            f" {self.feeds_failed} failed), {self.not_due} not due{waiting};"
            f" {self.entries} new entries{left};"
            f" pages: {self.added} new ({self.copies} syndicated copies), {self.changed} changed,"
            f" {self.unchanged + self.repeats} unchanged, {self.pages_failed} failed"
        )
