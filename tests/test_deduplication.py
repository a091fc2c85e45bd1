"""Duplicates: exact copies by hash, syndicated copies by MinHash LSH, linked to their original.

The syndicated copies are made from the sample's real wire stories the way
papers re-run them: another headline, a dateline added, the tail trimmed.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections import defaultdict
from pathlib import Path

import pytest

from newsdesk.config import IngestSettings
from newsdesk.ingest.deduplication import (
    CANDIDATE_JACCARD,
    NEAR_DUPLICATE,
    DuplicateIndex,
    Fingerprinted,
)
from newsdesk.ingest.stage import import_dump
from newsdesk.ingest.web import Page, PageStore, Stored
from newsdesk.language.shingles import containment, shingles, text_hash
from newsdesk.store import Store, open_store
from sample_web import SAMPLE

HTML = "text/html; charset=utf-8"
FETCHED = "2020-06-24T08:00:00+00:00"
WIRES = ("Associated Press", "Reuters")


@functools.cache
def sample() -> list[dict[str, str]]:
    lines = (SAMPLE / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def wire_stories() -> list[dict[str, str]]:
    return [r for r in sample() if r["outlet"] in WIRES]


def syndicated(text: str, keep: float = 0.6, dateline: str = "SPRINGFIELD, Ill. (AP) — ") -> str:
    """A paper's re-run of a wire story: a dateline added and the tail trimmed."""
    paragraphs = text.split("\n\n")
    kept = paragraphs[: max(3, round(len(paragraphs) * keep))]
    return "\n\n".join([dateline + kept[0], *kept[1:]])


def page(title: str, text: str, url: str, site: str = "Daily Courier") -> bytes:
    """A local paper's page: its own template, headline and furniture around the text."""
    body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    html = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} - {site}</title>"
        f"<link rel='canonical' href='{url}'><meta property='og:site_name' content='{site}'>"
        "</head><body><header><a href='/'>Home</a> <a href='/local'>Local</a></header>"
        f"<main><h1>{title}</h1><div class='story'>{body}</div></main>"
        "<aside>Most read: <a href='/x'>School board meets</a></aside>"
        f"<footer>© {site}</footer></body></html>"
    )
    return html.encode("utf-8")


def add(pages: PageStore, body: bytes, url: str, outlet: str | None = None) -> Stored:
    return pages.add(Page(url, body, HTML, FETCHED, outlet=outlet))


def add_sample(pages: PageStore, record: dict[str, str]) -> Stored:
    body = (SAMPLE / record["page"]).read_bytes()
    return add(pages, body, f"http://127.0.0.1/{record['page']}", record["outlet"])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "n.db")


def test_text_hash_ignores_case_spacing_and_punctuation() -> None:
    text = "The Senate voted 51-49 on Tuesday.\n\nIt was close."
    assert text_hash(text) == text_hash("the senate  voted 51 49 on tuesday -- it was close")
    assert text_hash(text) != text_hash("The Senate voted 52-48 on Tuesday. It was close.")


def test_threshold_separates_copies_from_independent_coverage() -> None:
    """The tuned threshold, on the sample: every re-run wire story is above it, every pair
    of outlets covering the same event is below it."""
    by_story: dict[str, list[dict[str, str]]] = defaultdict(list)
    for record in sample():
        by_story[record["cluster_id"]].append(record)
    independent = [
        containment(shingles(a["text"]), shingles(b["text"]))
        for members in by_story.values()
        for a, b in itertools.combinations(members, 2)
    ]
    copies = [
        containment(shingles(r["text"]), shingles(syndicated(r["text"], keep)))
        for r in wire_stories()
        for keep in (0.4, 0.7, 1.0)
    ]
    assert len(independent) > 50 and len(wire_stories()) >= 5
    assert max(independent) < NEAR_DUPLICATE < min(copies)
    trimmed = [
        Fingerprinted.of(syndicated(r["text"], 0.4)).signature.jaccard(
            Fingerprinted.of(r["text"]).signature
        )
        for r in wire_stories()
    ]
    assert min(trimmed) > CANDIDATE_JACCARD


def test_a_syndicated_copy_is_linked_to_its_original(store: Store) -> None:
    pages = PageStore(store, IngestSettings())
    wire = next(r for r in sample() if r["outlet"] == "Reuters")
    original = add_sample(pages, wire)
    copy_text = syndicated(wire["text"], 0.6, "SPRINGFIELD, Ill. (Reuters) - ")
    url = "https://courier.example.com/2019/06/19/trump-rally-orlando"
    copy = add(pages, page("Trump kicks off his bid in Orlando", copy_text, url), url)
    assert copy.outcome == "new"
    assert copy.link is not None
    assert copy.link.duplicate_of == original.article_id
    assert copy.link.kind == "near"
    assert copy.link.similarity > 0.9
    assert store.duplicate_links() == [copy.link]
    stored = {a.id: a.outlet for a in store.articles()}
    assert stored == {original.article_id: "Reuters", copy.article_id: "Daily Courier"}


def test_every_wire_story_rerun_is_caught(store: Store) -> None:
    pages = PageStore(store, IngestSettings())
    for number, wire in enumerate(wire_stories()):
        original = add_sample(pages, wire)
        url = f"https://courier.example.com/wire/{number}"
        headline = f"Local view: {wire['title'][:40]}"
        copy = add(pages, page(headline, syndicated(wire["text"], 0.5), url), url)
        assert copy.link is not None, wire["id"]
        assert copy.link.duplicate_of == original.article_id


def test_exact_copies(store: Store) -> None:
    pages = PageStore(store, IngestSettings())
    wire = wire_stories()[0]
    original = add_sample(pages, wire)
    first = "https://courier.example.com/a"
    verbatim = add(pages, page("Another headline", wire["text"], first), first)
    assert verbatim.link is not None
    assert (verbatim.link.kind, verbatim.link.similarity) == ("exact", 1.0)
    assert verbatim.link.duplicate_of == original.article_id
    again = "https://courier.example.com/print/a"
    repeat = add(pages, page("Another headline", wire["text"], again), again)
    assert repeat.outcome == "repeat"
    assert repeat.article_id == verbatim.article_id
    assert store.counts()["articles"] == 2


def test_a_copy_of_a_copy_points_at_the_original(store: Store) -> None:
    pages = PageStore(store, IngestSettings())
    wire = wire_stories()[0]
    original = add_sample(pages, wire)
    first = syndicated(wire["text"], 0.8)
    url = "https://courier.example.com/a"
    add(pages, page("Copy one", first, url), url)
    url2 = "https://gazette.example.com/b"
    second = add(pages, page("Copy two", syndicated(first, 0.8, ""), url2, "Gazette"), url2)
    assert second.link is not None
    assert second.link.duplicate_of == original.article_id


def test_independent_coverage_is_never_linked(store: Store) -> None:
    pages = PageStore(store, IngestSettings())
    outcomes = [add_sample(pages, record) for record in sample()]
    assert [o.outcome for o in outcomes] == ["new"] * len(sample())
    assert store.duplicate_links() == []


def test_the_index_persists_and_covers_imported_dumps(store: Store, tmp_path: Path) -> None:
    """Articles imported from a dump get fingerprints; a later run (a new connection)
    still finds what they are copied by."""
    import_dump(store, SAMPLE / "articles.jsonl")
    index = DuplicateIndex.from_store(store)
    assert len(index) == len(sample())
    assert store.articles_without_fingerprint() == []
    store.close()
    reopened = open_store(tmp_path / "n.db")
    wire = wire_stories()[1]
    match = DuplicateIndex.from_store(reopened).match(
        Fingerprinted.of(syndicated(wire["text"], 0.5)), "Daily Courier"
    )
    assert match is not None
    assert (match.article_id, match.kind) == (wire["id"], "near")
    reopened.close()
