"""End to end: ``newsdesk run --sample`` on the bundled sample, twice, and after a crash."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import Result

from newsdesk.config import Config
from newsdesk.records import Article
from newsdesk.store import SQLiteStore, open_store
from newsdesk.verify.articles.html import footnotes


class Links(HTMLParser):
    """Collects hrefs, citation links and the visible text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.citations: list[dict[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in values:
            self.hrefs.append(values["href"])
            if "data-article-id" in values:
                self.citations.append(values)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """One full run of the CLI on the sample, shared by the read-only tests below."""
    from click.testing import CliRunner

    from newsdesk.cli import cli

    folder = tmp_path_factory.mktemp("run")
    args = ["run", "--sample", "--database", str(folder / "news.db")]
    args += ["--site", str(folder / "site")]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return folder, result


def test_run_prints_summary_and_site_path(built: tuple[Path, Result]) -> None:
    folder, result = built
    assert result.exit_code == 0, result.output
    for stage in ("ingest", "stories", "write", "verify", "publish"):
        assert re.search(rf"│ {stage}\s+│", result.stdout), stage
    assert "84 articles" in result.stdout
    assert f"site: {(folder / 'site' / 'index.html').resolve()}" in result.stdout


def test_site_has_a_page_per_story_citing_only_corpus_urls(
    built: tuple[Path, Result], sample_articles: list[Article]
) -> None:
    folder, _ = built
    by_id = {a.id: a for a in sample_articles}
    corpus_urls = {a.url for a in sample_articles}
    outlets = {a.outlet for a in sample_articles}
    pages = sorted((folder / "site" / "stories").glob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        links = parse(page)
        leads_to = footnotes(page.read_text(encoding="utf-8"))
        external = {h for h in links.hrefs if h.startswith("http")}
        assert external, page.name
        assert {h.split("#")[0] for h in external} <= corpus_urls, page.name
        text = " ".join(links.text)
        assert sum(outlet in text for outlet in outlets) >= 2, page.name
        assert links.citations, page.name
        for citation in links.citations:
            article = by_id[citation["data-article-id"]]
            assert leads_to[citation["href"]] == article.url  # via the passage under Sources
            start, end = int(citation["data-start"]), int(citation["data-end"])
            assert 0 <= start < end
            assert citation["title"] in (article.text[start:end], article.title[start:end])


def test_every_published_sentence_is_supported_and_cited(built: tuple[Path, Result]) -> None:
    folder, _ = built
    store = SQLiteStore(folder / "news.db")
    pages = "\n".join(
        p.read_text(encoding="utf-8") for p in (folder / "site" / "stories").glob("*.html")
    )
    published = withheld = 0
    for draft in store.drafts():
        verdicts = {v.position: v for v in store.verdicts(draft.story_id)}
        assert len(verdicts) == len(draft.sentences)
        for position, sentence in enumerate(draft.sentences):
            assert sentence.citations
            escaped = sentence.text.replace("&", "&amp;").replace("<", "&lt;")
            if verdicts[position].label == "supported":
                published += 1
            elif escaped not in pages:
                withheld += 1
            else:
                pytest.fail(f"unsupported sentence published: {sentence.text}")
    assert published > 200
    store.close()


def test_feed_lists_the_stories(built: tuple[Path, Result]) -> None:
    import xml.etree.ElementTree as ET

    folder, _ = built
    feed = ET.parse(folder / "site" / "feed.atom").getroot()
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == len(list((folder / "site" / "stories").glob("*.html")))


SNAPSHOT = {
    "articles": "SELECT id, hash FROM articles ORDER BY id",
    "stories": "SELECT story_id, {concat} FROM"
    " (SELECT * FROM story_articles ORDER BY article_id) AS s GROUP BY story_id"
    " ORDER BY story_id",
    "drafts": "SELECT story_id, hash FROM drafts ORDER BY story_id",
    "verdicts": "SELECT story_id, position, label FROM verdicts ORDER BY 1, 2",
}
"""Everything the stages produced, independent of run ids and timings (``snapshot``)."""


def snapshot(database: Path) -> dict[str, object]:
    """``SNAPSHOT`` of a SQLite store."""
    db = sqlite3.connect(database)
    try:
        concat = "group_concat(article_id)"
        return {k: db.execute(q.format(concat=concat)).fetchall() for k, q in SNAPSHOT.items()}
    finally:
        db.close()


def postgres_snapshot(url: str) -> dict[str, object]:
    """``SNAPSHOT`` of a PostgreSQL store, in the rows SQLite's gives."""
    import psycopg

    with psycopg.connect(url) as db:
        concat = "string_agg(article_id, ',')"
        return {
            k: [tuple(row) for row in db.execute(q.format(concat=concat)).fetchall()]
            for k, q in SNAPSHOT.items()
        }


def test_second_run_adds_no_rows_and_rewrites_no_files(
    config: Config, invoke: Callable[..., Result], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    assert invoke("run", "--sample", "--site", str(site)).exit_code == 0
    store = open_store(config.store.database)
    counts = store.counts()
    store.close()
    files = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in site.rglob("*") if p.is_file()}
    before = snapshot(config.store.database)
    time.sleep(0.05)
    second = invoke("run", "--sample", "--site", str(site))
    assert second.exit_code == 0
    store = open_store(config.store.database)
    assert store.counts() == counts
    (last, previous) = store.runs(limit=2)
    store.close()
    assert snapshot(config.store.database) == before
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in site.rglob("*") if p.is_file()} == (
        files
    )
    assert [s.items_out for s in last.stages] == [0, 0, 0, 0, 0]
    assert previous.stages[0].items_out == 84


def replicated_dump(sample_path: Path, target: Path, copies: int) -> Path:
    """The sample repeated with new ids, URLs and dates: a corpus big enough to kill mid-stage."""
    records = [json.loads(x) for x in sample_path.read_text(encoding="utf-8").splitlines()]
    lines = []
    for copy in range(copies):
        for record in records:
            year = 2030 + copy
            lines.append(
                json.dumps(
                    {
                        **record,
                        "id": f"{record['id']}-{copy}",
                        "url": f"{record['url']}?copy={copy}",
                        "published": f"{year}{str(record['published'])[4:]}",
                    }
                )
            )
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def newsdesk(*args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def progress(database: Path) -> dict[str, int]:
    try:
        db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=0.1)
    except sqlite3.OperationalError:
        return {}
    try:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("articles", "story_articles", "stories", "drafts")
        }
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()


MIDDLE: dict[str, Callable[[dict[str, int], int], bool]] = {
    "stories": lambda c, total: c["articles"] == total and 0 < c["story_articles"] < total,
    "write": lambda c, total: c["story_articles"] == total and 0 < c["drafts"] < c["stories"],
}


@pytest.mark.slow
@pytest.mark.parametrize("stage", sorted(MIDDLE))
def test_killed_run_resumes_to_the_same_result(
    stage: str, tmp_path: Path, sample_path: Path
) -> None:
    dump = replicated_dump(sample_path, tmp_path / "big.jsonl", copies=6)
    total = 84 * 6
    reference = tmp_path / "reference.db"
    args = ["--dump", str(dump), "--site", str(tmp_path / "ref-site")]
    assert newsdesk("run", "--database", str(reference), *args).wait(timeout=300) == 0

    crashed = tmp_path / "crashed.db"
    args = ["--dump", str(dump), "--site", str(tmp_path / "site")]
    process = newsdesk("run", "--database", str(crashed), *args)
    deadline = time.monotonic() + 120
    killed_at: dict[str, int] = {}
    while process.poll() is None and time.monotonic() < deadline:
        counts = progress(crashed)
        if counts and MIDDLE[stage](counts, total):
            process.send_signal(signal.SIGKILL)
            killed_at = counts
            break
        time.sleep(0.005)
    process.wait(timeout=60)
    assert killed_at, f"the run finished before it could be killed in the {stage} stage"
    assert process.returncode == -signal.SIGKILL
    # The killed run still holds the store's lease on paper, for up to a minute, but its
    # process is gone: it reads as interrupted, and the next run takes the store at once.
    assert statuses(crashed) == ["interrupted"]

    assert newsdesk("run", "--database", str(crashed), *args).wait(timeout=300) == 0
    assert snapshot(crashed) == snapshot(reference)
    assert len(snapshot(crashed)["articles"]) == total  # type: ignore[arg-type]
    assert statuses(crashed) == ["finished", "interrupted"]


def statuses(database: Path) -> list[str]:
    """The status of each run of the store, newest first, as ``newsdesk status`` shows it."""
    store = SQLiteStore(database)
    try:
        return [run.status for run in store.runs()]
    finally:
        store.close()


@pytest.mark.slow
def test_a_second_run_exits_at_once_or_waits_while_one_runs(
    tmp_path: Path, sample_path: Path
) -> None:
    dump = replicated_dump(sample_path, tmp_path / "big.jsonl", copies=6)
    database = tmp_path / "newsdesk.db"
    args = ["--database", str(database), "--dump", str(dump), "--site", str(tmp_path / "site")]
    first = newsdesk("run", *args)
    deadline = time.monotonic() + 120
    while first.poll() is None and time.monotonic() < deadline:
        if progress(database).get("articles"):
            break
        time.sleep(0.005)
    command = [sys.executable, "-m", "newsdesk", "run", *args]
    env = {**os.environ, "COLUMNS": "200"}
    second = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    waiting = subprocess.Popen(
        [*command, "--wait"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    _, refused = second.communicate(timeout=120)
    assert first.poll() is None, "the first run ended before the second one started"
    assert second.returncode == 2, refused.decode()
    assert re.fullmatch(
        rf"error: another run \(pid {first.pid}, started [^)]+\) holds this store;"
        r" add --wait to wait for it to end",
        refused.decode().strip(),
    ), refused.decode()
    assert first.wait(timeout=300) == 0
    _, waited = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, waited.decode()
    assert f"waiting for run 1 (pid {first.pid}, started " in waited.decode()
    assert statuses(database) == ["finished", "finished"]  # the refused run left no row


@pytest.mark.slow
def test_two_runs_started_at_once_on_one_postgres_store_store_each_thing_once(
    tmp_path: Path, sample_path: Path, postgres_url: str
) -> None:
    """Several machines may run ``newsdesk run --wait`` on one PostgreSQL store: the lease
    lets one run at a time, the other waits and finds nothing left to do, and the store
    holds each article, story, draft and verdict once, as one run on SQLite does."""
    reference = tmp_path / "reference.db"
    args = ["--dump", str(sample_path), "--site"]
    assert newsdesk("run", "--database", str(reference), *args, str(tmp_path / "a")).wait(600) == 0
    shared = ["run", "--database", postgres_url, *args, str(tmp_path / "b"), "--wait"]
    runs = [newsdesk(*shared) for _ in range(2)]
    assert [run.wait(timeout=600) for run in runs] == [0, 0]
    assert postgres_snapshot(postgres_url) == snapshot(reference)
    store = open_store(postgres_url)
    try:
        second, first = store.runs()
    finally:
        store.close()
    assert (first.status, second.status) == ("finished", "finished")
    assert [stage.items_out for stage in second.stages] == [0] * len(second.stages)


@pytest.mark.slow
def test_ctrl_c_says_the_run_resumes_and_status_says_interrupted(
    tmp_path: Path, sample_path: Path
) -> None:
    dump = replicated_dump(sample_path, tmp_path / "big.jsonl", copies=6)
    database = tmp_path / "newsdesk.db"
    args = ["--database", str(database), "--dump", str(dump), "--site", str(tmp_path / "site")]
    process = subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "run", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200"},
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        counts = progress(database)
        if counts and MIDDLE["stories"](counts, 84 * 6):
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.005)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr.decode()
    assert stderr.decode().strip().splitlines()[-1] == (
        "interrupted: nothing is lost; `newsdesk run` resumes where this stopped"
    )
    db = SQLiteStore(database)
    (run,) = db.runs()
    db.close()
    assert run.status == "interrupted"
    assert newsdesk("run", *args).wait(timeout=300) == 0
