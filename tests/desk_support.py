"""What the desk's tests share: a small real store, users added through the CLI, the desk
served by uvicorn on 127.0.0.1, and httpx clients that sign in.

The store is built by hand from eight articles of the bundled sample (the three events
of ``slices.THREE_EVENTS``) in well under a second, so the desk's tests run with the
fast suite: the Deutsche Bank story is held by the gate with two sentences dropped and
cites a planted article whose title, text, outlet and URL carry script and
event-handler vectors; the reopening story is a second version; the cartoon story
passed cleanly (queued only with ``approve_before_publish``). The first and last share
a thread. ``tests/test_desk_browser.py`` also runs the real pipeline (marked slow).

The desk trusts ``X-Forwarded-For`` from 127.0.0.1 here, so each test client can
sign in from an address of its own: failed sign-ins in one test never count against
another's address.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import httpx
import uvicorn
from click.testing import CliRunner

from newsdesk.api import run
from newsdesk.cli import cli
from newsdesk.config import SAMPLE_DUMP, Config, load_config
from newsdesk.desk.server import uvicorn_config
from newsdesk.records import (
    Article,
    Citation,
    Draft,
    Dropped,
    GateRecord,
    Sentence,
    SourceRef,
    Verdict,
)
from newsdesk.store import SQLiteStore
from slices import THREE_EVENTS, write_slice

KEY = b"a test key that is long enough to sign cookies"
ADMIN = ("ada", "correct horse battery staple")
EDITOR = ("eve", "editor's own passphrase 42")

HELD = "s-d0e5c0000001"
UPDATED = "s-d0e5c0000002"
CLEAN = "s-d0e5c0000003"
THREAD = "t-d0e5c0000001"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
EVIL_TITLE = f"{SCRIPT} Bank staff {IMG} flagged accounts"
EVIL_TEXT = (
    f"Officials said {IMG} the transactions were flagged in 2016. "
    f"Critics answered {SCRIPT} within hours. "
    "<a href=javascript:alert(3)>Read more</a> about the bank."
)
EVIL_OUTLET = '"><svg onload=alert(4)> Evil Outlet'
EVIL_URL = "javascript:alert(5)"
EVIL = Article(
    id="evil-1",
    url=EVIL_URL,
    outlet=EVIL_OUTLET,
    title=EVIL_TITLE,
    text=EVIL_TEXT,
    published="2019-05-20",
)
VECTORS = (SCRIPT, IMG, "<svg onload=alert(4)>", "<a href=javascript:alert(3)>")
"""What must show as text, never as markup, in every desk view."""


def sample() -> dict[str, Article]:
    """The articles of ``THREE_EVENTS`` by id, as the sample has them."""
    found = {}
    for line in Path(str(SAMPLE_DUMP)).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] in THREE_EVENTS:
            found[record["id"]] = Article(
                id=record["id"],
                url=record["url"],
                outlet=record["outlet"],
                title=record["title"],
                text=record["text"],
                published=record["published"],
                lang=record.get("lang"),
            )
    return found


def cite(article: Article, needle: str, field: Literal["text", "title"] = "text") -> Citation:
    """A citation of the exact span ``needle`` of ``article``'s ``field``."""
    start = getattr(article, field).index(needle)
    return Citation(article.id, start, start + len(needle), field)


def first_sentence(article: Article, skip: int = 0) -> str:
    """The article's ``skip``-th sentence (a rough split: enough for a cited span)."""
    parts = [p for p in re.split(r"(?<=[.!?”])\s+", article.text) if len(p.split()) > 6]
    return parts[skip]


def body(article: Article, skip: int = 0) -> Sentence:
    text = first_sentence(article, skip)
    return Sentence("body", text, (cite(article, text),))


def draft(
    story_id: str,
    category: str,
    date: str,
    sentences: tuple[Sentence, ...],
    articles: list[Article],
) -> Draft:
    sources = tuple(SourceRef(a.id, a.outlet, a.title, a.url, a.published) for a in articles)
    return Draft(story_id, "hash", category, date, sentences, sources)


def verdicts_for(story: Draft, labels: dict[int, tuple[str, str]] | None = None) -> list[Verdict]:
    """Supported with checks, except the positions ``labels`` gives (label, reason)."""
    found = []
    for n, sentence in enumerate(story.sentences):
        label, reason = (labels or {}).get(n, ("supported", ""))
        checks = ("support", "number") if sentence.kind == "headline" else ("support", "context")
        found.append(Verdict(n, label, reason, checks if label == "supported" else ()))  # type: ignore[arg-type]
    return found


def fill(store: SQLiteStore) -> None:
    """The three stories described in the module docstring, with their articles."""
    articles = sample()
    bank = [articles[i] for i in THREE_EVENTS[:3]]
    cartoon = [articles[i] for i in THREE_EVENTS[3:6]]
    reopening = [articles[i] for i in THREE_EVENTS[6:]]
    for group, story_id in ((bank, HELD), (reopening, UPDATED), (cartoon, CLEAN)):
        for article in group:
            store.add_article(article, None)
            store.assign(article, story_id, None)
    store.add_article(EVIL, None)
    store.assign(EVIL, HELD, None)

    evil_claim = "Officials said the transactions were flagged in 2016."
    held = draft(
        HELD,
        "Business",
        "2019-05-20",
        (
            Sentence("headline", bank[0].title, (Citation.title_of(bank[0]),)),
            body(bank[0]),
            body(bank[1]),
            Sentence("body", evil_claim, (cite(EVIL, "the transactions were flagged in 2016."),)),
            Sentence("body", EVIL_TITLE, (Citation.title_of(EVIL),)),
            body(bank[2]),
        ),
        [*bank, EVIL],
    )
    labels = {
        3: ("unsupported", f"not in the evidence: {IMG}"),
        4: ("contradicted", f"{EVIL_OUTLET} says otherwise: {SCRIPT}"),
    }
    record = GateRecord(
        HELD,
        "extractive",
        rounds=2,
        drafted=8,
        kept=6,
        revised=1,
        dropped=(
            Dropped(
                "body",
                f"Critics answered {SCRIPT} within hours.",
                f"no source: {IMG}",
                1,
                "support",
            ),
            Dropped(
                "body", "The bank flagged 12 transactions.", "12 is not in the sources", 2, "number"
            ),
        ),
        held=True,
        note=f"lost too much to publish: kept 6 of 8 sentences {SCRIPT}",
    )
    store.save_gated(held, verdicts_for(held, labels), record, "test-checker")

    updated = replace(
        draft(
            UPDATED,
            "Health",
            "2020-05-20",
            (
                Sentence("headline", reopening[1].title, (Citation.title_of(reopening[1]),)),
                body(reopening[0]),
                body(reopening[1]),
            ),
            reopening,
        ),
        version=2,
        changes=("2020-05-20: Breitbart News reported that all 50 states had reopened",),
    )
    store.save_gated(updated, verdicts_for(updated), _passed(updated), "test-checker")

    clean = draft(
        CLEAN,
        "World",
        "2019-04-28",
        (
            Sentence("headline", cartoon[0].title, (Citation.title_of(cartoon[0]),)),
            body(cartoon[0]),
            body(cartoon[1]),
            body(cartoon[2]),
        ),
        cartoon,
    )
    store.save_gated(clean, verdicts_for(clean), _passed(clean), "test-checker")
    store.add_to_thread(THREAD, "Trump and the banks", HELD, "2019-05-20")
    store.add_to_thread(THREAD, "Trump and the banks", CLEAN, "2019-04-28")


def _passed(story: Draft) -> GateRecord:
    count = len(story.sentences)
    return GateRecord(story.story_id, "extractive", rounds=1, drafted=count, kept=count)


def add_user(database: Path, name: str, role: str, password: str) -> None:
    """``newsdesk users add NAME --role ROLE --password-stdin``, as a script would."""
    result = CliRunner().invoke(
        cli,
        ["users", "add", name, "--role", role, "--password-stdin", "--database", str(database)],
        input=password + "\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"added {role} {name}"


def build(folder: Path, **settings: Any) -> Config:
    """A store in ``folder`` with the three stories, an admin and an editor; its config
    (``settings`` are section-qualified overrides: ``{"desk.max_failed_signins": 3}``)."""
    database = folder / "desk.db"
    store = SQLiteStore(database)
    try:
        fill(store)
    finally:
        store.close()
    add_user(database, ADMIN[0], "admin", ADMIN[1])
    add_user(database, EDITOR[0], "editor", EDITOR[1])
    overrides = {"desk.trusted_proxies": ["127.0.0.1"], **settings}
    return load_config(database=database, site_dir=folder / "site", overrides=overrides)


@contextmanager
def serve(config: Config, key: bytes = KEY) -> Iterator[str]:
    """The desk over ``config`` served by uvicorn in a thread on a free port of
    127.0.0.1; yields its base URL and stops it at the end."""
    server = uvicorn.Server(uvicorn_config(config, "127.0.0.1", 0, key, log_level="warning"))
    thread = threading.Thread(target=server.run, name="desk-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the desk did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class RunningDesk:
    """A served desk, and the clients made for it (closed when it stops)."""

    base_url: str
    config: Config
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return Path(self.config.store.database)

    def client(self, address: str) -> httpx.Client:
        """A client that comes from ``address`` (the desk trusts 127.0.0.1 to say so)."""
        client = httpx.Client(
            base_url=self.base_url, headers={"X-Forwarded-For": address}, timeout=30
        )
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def signed_in(self, address: str, user: tuple[str, str] = ADMIN) -> Signed:
        client = self.client(address)
        return Signed(client, sign_in(client, *user))

    def store(self) -> SQLiteStore:
        return SQLiteStore(self.database)


@dataclass
class Signed:
    """A client with a live session and the session's CSRF token."""

    client: httpx.Client
    csrf: str

    def post(self, path: str, data: dict[str, str] | None = None) -> httpx.Response:
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})})


@contextmanager
def running(folder: Path, **settings: Any) -> Iterator[RunningDesk]:
    config = build(folder, **settings)
    with serve(config) as base_url:
        desk = RunningDesk(base_url, config)
        try:
            yield desk
        finally:
            desk.close()


FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(html: str) -> str:
    found = FORM_TOKEN.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def try_sign_in(client: httpx.Client, name: str, password: str) -> httpx.Response:
    """Load the sign-in form and post it: the response (303 on success)."""
    page = client.get("/signin")
    assert page.status_code == 200, page.text
    data = {"name": name, "password": password, "csrf_token": form_token(page.text)}
    return client.post("/signin", data=data)


def sign_in(client: httpx.Client, name: str, password: str) -> str:
    """Sign in and return the session's CSRF token (read from a page's sign-out form)."""
    response = try_sign_in(client, name, password)
    assert response.status_code == 303, (response.status_code, response.text[:500])
    queue = client.get("/queue")
    assert queue.status_code == 200, queue.text[:500]
    return form_token(queue.text)


McHUGH = (
    "Kerrie McHugh, a Deutsche Bank spokeswoman, said the company had intensified its"
    " efforts to combat financial crime."
)
PARAPHRASE = f"According to The New York Times, {McHUGH}"


def held_story(store: SQLiteStore, story_id: str) -> None:
    """A held draft: an attributed headline and sentence the checker passes, and an
    unattributed claim of one outlet (the newsroom's voice needs two) that it does not."""
    articles = sample()
    nyt, usa, townhall = (
        replace(articles[i], id=f"{i}-{story_id}", url=f"{articles[i].url}?{story_id}")
        for i in THREE_EVENTS[:3]
    )
    for article in (nyt, usa, townhall):
        store.add_article(article, None)
        store.assign(article, story_id, None)
    tweets = usa.text.split(".")[0] + "."
    made = draft(
        story_id,
        "Business",
        "2019-05-20",
        (
            Sentence(
                "headline", f"{nyt.title}, The New York Times reports", (Citation.title_of(nyt),)
            ),
            Sentence("body", PARAPHRASE, (cite(nyt, McHUGH),)),
            Sentence("body", tweets, (cite(usa, tweets),)),
        ),
        [nyt, usa, townhall],
    )
    verdicts = [
        Verdict(0, "supported", "", ("support",)),
        Verdict(1, "supported", "", ("support",)),
        Verdict(2, "unsupported", "only USA TODAY reports this"),
    ]
    record = GateRecord(
        story_id, "extractive", rounds=1, drafted=3, kept=2, held=True, note="held for review"
    )
    store.save_gated(made, verdicts, record, "test-checker")


def gated_pipeline(folder: Path) -> Config:
    """``newsdesk run`` to the gate (ingest, stories, write, verify) on the eight sample
    articles of ``slices.THREE_EVENTS`` in ``folder``; its config, the desk trusting
    127.0.0.1 as a proxy."""
    dump = write_slice(folder / "dump.jsonl")
    config = load_config(
        database=folder / "news.db",
        site_dir=folder / "site",
        dumps=(dump,),
        overrides={"desk.trusted_proxies": ["127.0.0.1"]},
    )
    finished = run(config, stages=("ingest", "stories", "write", "verify"))
    assert finished.status == "finished"
    return config
