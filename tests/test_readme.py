"""The README's examples run as written and print what the README shows.

``test_readme_command`` runs every ``newsdesk ...`` line of the README's shell blocks
(unlabelled, ``bash``, ``sh``, ``shell``, ``console``; in a block that shows output, only its
``$ `` lines; ``#`` comments dropped), in README order, in a folder laid out like a fresh
clone where ``make demo`` (the Makefile's ``newsdesk run --sample``) ran first. Each must
exit 0, or the status ``EXPECT`` gives with the README's reason, and print no traceback; a
final ``newsdesk status`` shows the store is still usable. The README's ``toml`` blocks
are merged, table by table in README order, into that folder's ``newsdesk.toml``, as a
reader following the README would.

What a command needs from outside this repository is stood in for, and a command needing
anything else fails its test (so a new README example is covered, or decided on here):

- addresses (``STAND_INS``): ``https://example.com/`` is a local HTTP server
  (``web_server.serve``) with a politics page announcing its feed
  (``<link rel="alternate">``), that feed at ``/politics/rss.xml`` and more feeds and pages,
  built by ``sample_web.build`` from ``tests/fixtures/allsides/fulltext.jsonl`` (articles
  the bundled sample lacks); the LLM endpoints (Ollama, llama-server, OpenAI) are
  ``openai_server.ChatServer`` answering with sentences copied from the sources it is
  shown. Commands and settings are rewritten to their addresses, and the README's
  ``[fetch] allow_networks = ["127.0.0.1/32"]`` block is merged into ``newsdesk.toml``
  before the first of them is used;
- files (``PREPARE``): ``subscriptions.opml`` is an OPML file listing one of those feeds;
  ``crawl.warc.gz`` a WARC archive (warcio) of one of those pages under its original URL;
  ``../shared/...`` is the shared data beside the repository, linked beside the clone when
  it is there, else the command is reported as skipped with the reason (and the README must
  say, in the line's comment, that the example needs it);
- any other path a command names must be a file committed to this repository (copied into
  the clone), and a story id must be one the sample really has.

Lines that are not newsdesk commands (``NOT_NEWSDESK``) are not run: ``make demo`` (the
setup above is what it does), ``make test`` (the suite this test belongs to), ``ollama
pull ...`` and ``llama-server ...`` (the local model servers the chat server stands in
for); ``export NAME=VALUE`` sets NAME, as written, for the commands after it. Any other
program fails the test.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

import sample_web
from newsdesk.cli import cli
from openai_server import ChatServer, Reply, Request, running
from web_server import WebServer, conditional, serve, static, text

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str = "") -> list[str]:
    """The README's fenced code blocks of ``language`` ("" for unlabelled ones)."""
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.M | re.S)


def test_the_check_example_prints_what_the_readme_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    (block,) = [b for b in blocks() if b.startswith("$ newsdesk check ")]
    command, *shown = block.rstrip("\n").split("\n")
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, command.split()[2:], catch_exceptions=False)
    assert result.exit_code == 1  # something is flagged
    assert result.stdout.rstrip("\n").split("\n") == shown


@pytest.mark.slow
def test_the_library_example_runs_as_written(tmp_path: Path) -> None:
    (code,) = [b for b in blocks("python") if "newsdesk.check(" in b]
    shutil.copytree(ROOT / "tests" / "fixtures" / "planted", tmp_path / "tests/fixtures/planted")
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=900
    )
    assert run.returncode == 0, run.stderr[-2000:]
    summary = "{'claims': 13, 'supported': 8, 'contradicted': 2, 'unsupported': 3}"
    assert summary in run.stdout.splitlines()
    assert (tmp_path / "news.db").is_file() and (tmp_path / "public" / "index.html").is_file()


# -- every newsdesk command of the README, run as written ------------------------------------

SHELL_BLOCKS = ("", "bash", "sh", "shell", "console")

NOT_NEWSDESK = {
    "make": "make demo is the setup every command runs after; make test is this suite",
    "ollama": "the local model server the chat server stands in for",
    "llama-server": "the local model server the chat server stands in for",
    "export": "sets the variable for the commands after it",
    "dask": "starts a Dask scheduler and workers: the walk starts a real LocalCluster there",
}
"""Programs of README lines that are not newsdesk commands, and why they are not run."""

STAND_INS = {
    "https://example.com": "web",
    "http://127.0.0.1:11434": "chat",  # Ollama
    "http://127.0.0.1:8080": "chat",  # llama-server
    "https://api.openai.com": "chat",
    "https://api.groq.com": "chat",
}
"""Outside addresses the README names, and the local server that answers for each."""

PROMPTED = {("users", "add"): "correct horse battery staple\n" * 2}
"""What a command that asks a person something is answered (the password, twice)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PREPARE = {
    r"(^|\s)subscriptions\.opml(\s|$)": "opml",
    r"(^|\s)crawl\.warc\.gz(\s|$)": "warc",
    r"(^|\s)\.\./shared/": "shared",
    r"--scheduler\s+tcp://": "scheduler",
    r"postgresql://": "postgres",
}
"""What a command naming a file from outside the repository needs first: ``Walk.<value>``."""


@dataclass(frozen=True)
class Expect:
    """The exit statuses a command may end with. ``error``: where the hardware may be
    missing, exit status 2 with exactly this one line on stderr is also right."""

    statuses: frozenset[int] = frozenset({0})
    why: str = ""
    error: str = ""


EXPECT = {
    r"^newsdesk check \S*planted\.md": Expect(
        frozenset({1}), "README: 1 when anything is flagged (the planted errors)"
    ),
    r"\s--device cuda\b": Expect(
        error=r"error: device 'cuda': no CUDA GPU is available here; use --device cpu"
    ),
}


@dataclass(frozen=True)
class Line:
    """One line of a README code block: ``lineno`` in README.md, the command as written
    (no ``$``, no comment), its comment, and its words."""

    lineno: int
    command: str
    comment: str

    @property
    def words(self) -> list[str]:
        return shlex.split(self.command)


def readme_blocks() -> list[tuple[int, str, list[tuple[int, str]]]]:
    """(line number of the fence, language, [(line number, text)]) of every code block."""
    found: list[tuple[int, str, list[tuple[int, str]]]] = []
    current: tuple[int, str, list[tuple[int, str]]] | None = None
    for lineno, written in enumerate(README.splitlines(), start=1):
        if current is None and written.startswith("```"):
            current = (lineno, written[3:].strip(), [])
        elif current is not None and written.startswith("```"):
            found.append(current)
            current = None
        elif current is not None:
            current[2].append((lineno, written))
    return found


def readme_lines() -> list[Line]:
    """The lines of the README's shell blocks, in order, each without ``$ `` and comment."""
    lines = []
    for _, language, body in readme_blocks():
        if language not in SHELL_BLOCKS:
            continue
        prompted = any(t.startswith("$ ") for _, t in body)
        for lineno, raw in body:
            if prompted and not raw.startswith("$ "):
                continue  # output shown under a command
            written = raw.removeprefix("$ ")
            parts = re.split(r"(?:^|\s)#\s?", written, maxsplit=1)
            command = parts[0].strip()
            comment = parts[1].strip() if len(parts) > 1 else ""
            if command:
                lines.append(Line(lineno, command, comment))
    return lines


COMMANDS = [line for line in readme_lines() if line.words[0] == "newsdesk"]


def demo_command() -> list[str]:
    """What ``make demo`` runs after installing: the Makefile's ``demo`` recipe."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, flags=re.M)
    assert recipe, "the Makefile has a demo target"
    (line,) = [x for x in recipe.group(1).split("\n") if "newsdesk" in x]
    words = shlex.split(line)
    assert words[0].endswith("/newsdesk"), line
    return words[1:]


# -- the stand-ins ---------------------------------------------------------------------------

POLITICS_PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Politics</title>
<link rel="alternate" type="application/rss+xml" title="Politics" href="/politics/rss.xml">
</head><body><nav><a href="/">Home</a> <a href="/politics/">Politics</a></nav>
<h1>Politics</h1><p>The latest political news.</p></body></html>
"""

ROBOTS = "User-agent: *\nAllow: /\n"

FULLTEXT = ROOT / "tests" / "fixtures" / "allsides" / "fulltext.jsonl"
"""Three articles the bundled sample lacks; each comes in once, by one of the ways below."""
FEED_OUTLET = "New York Times - News"  # its feed is the politics page's feed
OPML_OUTLET = "USA TODAY"  # its feed is in subscriptions.opml
WARC_OUTLET = "The Hill"  # its page is in crawl.warc.gz


def mini_web(folder: Path, base_url: str) -> tuple[Path, dict[str, dict[str, Any]]]:
    """Pages and feeds of the ``FULLTEXT`` articles, linking to ``base_url``."""
    records = [json.loads(x) for x in FULLTEXT.read_text(encoding="utf-8").splitlines()]
    records = [dict(r, page=f"pages/{r['id']}.html") for r in records]
    source = folder / "articles.jsonl"
    folder.mkdir(parents=True)
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    web = sample_web.build(folder / "web", base_url, source)
    return web, {r["outlet"]: r for r in records}


def feed_of(web: Path, outlet: str) -> Path:
    (path,) = (web / "feeds").glob(sample_web.slug(outlet) + ".*")
    return path


def plain_sentences(text: str) -> list[str]:
    """Whole sentences of a source a careful model could copy."""
    found = re.findall(r"[A-Z][^.!?\n]{40,300}\.(?=\s|$)", text)
    return [s for s in found if not re.search(r"[“”\"@]|http", s)]


def copying_model(request: Request) -> Reply:
    """A model that plans one section per source and copies two sentences into each."""
    sources = request.sources()
    if request.kind == "revision":
        return Reply.json({"revisions": []})
    if request.kind == "section":
        picked = [(s.id, t) for s in sources for t in plain_sentences(s.text)[:2]]
        return Reply.json({"sentences": [{"text": t, "sources": [i]} for i, t in picked]})
    first = sources[0]
    lead = (plain_sentences(first.text) or [first.title])[0]
    return Reply.json(
        {
            "headline": {"text": first.title, "sources": [first.id]},
            "dek": {"text": lead, "sources": [first.id]},
            "category": "Politics",
            "sections": [
                {"topic": f"What {s.outlet} reported", "sources": [s.id]} for s in sources
            ],
            "quotes": [],
        }
    )


def toml_text(settings: dict[str, Any]) -> str:
    """``settings`` as TOML: top-level tables and arrays of tables of plain values."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(f"no TOML for {v!r}")

    out = []
    for name, table in settings.items():
        headed = [(f"[[{name}]]", t) for t in table] if isinstance(table, list) else []
        for header, body in headed or [(f"[{name}]", table)]:
            out += [header, *(f"{k} = {value(v)}" for k, v in body.items()), ""]
    return "\n".join(out)


# -- the walk through the README -------------------------------------------------------------


class Unhandled(Exception):
    """A README command needs something neither the stand-ins nor the table provide."""


@dataclass
class Outcome:
    """What became of one README command."""

    line: Line
    expect: Expect = field(default_factory=Expect)
    returncode: int | None = None
    output: tuple[str, str] = ("", "")
    skipped: str = ""
    unhandled: str = ""
    llm_requests: int = 0


def newsdesk_program() -> list[str]:
    script = Path(sys.executable).with_name("newsdesk")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "newsdesk"]


class Walk:
    """A fresh clone after ``make demo``, and the README's commands run in it in order."""

    def __init__(self, root: Path, web: WebServer, chat: ChatServer) -> None:
        self.root = root
        self.clone = root / "newsdesk"
        self.clone.mkdir()
        self.web = web
        self.chat = chat
        self.env = dict(os.environ)
        self.settings: dict[str, Any] = {}
        self.allowed = False
        self.outcomes: dict[int, Outcome] = {}
        self.log: list[str] = []
        self.pages, self.articles = mini_web(root / "outside", web.base_url)
        self.cluster: Any = None
        self.server: Any = None
        self.databases: dict[str, str] = {}
        """The README's PostgreSQL URLs, each a database of the walk's own server."""
        self.web.routes.update(
            {
                "/robots.txt": text(ROBOTS),
                "/politics/": text(POLITICS_PAGE, "text/html; charset=utf-8"),
                "/politics/rss.xml": conditional(
                    feed_of(self.pages, FEED_OUTLET).read_bytes(),
                    "application/rss+xml; charset=utf-8",
                ),
                "/feeds/": static(self.pages / "feeds"),
                "/pages/": static(self.pages / "pages"),
            }
        )
        chat.handler = copying_model

    # running ---------------------------------------------------------------------------

    def expanded(self, value: str) -> str:
        """An ``export`` value as the shell would give it (quotes, ``$(...)``)."""
        done = subprocess.run(
            ["bash", "-c", f"printf %s {value}"], env=self.env, capture_output=True, text=True
        )
        return done.stdout

    def serve_desk(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        """Start the desk (a server: it runs until stopped) on a free port, wait until its
        sign-in page answers, then stop it; exit 0 when it served."""
        port = free_port()
        command = [*newsdesk_program(), *args, "--port", str(port)]
        started = time.monotonic()
        server = subprocess.Popen(
            command, cwd=self.clone, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        served = False
        try:
            while time.monotonic() - started < 60 and server.poll() is None and not served:
                with contextlib.suppress(httpx.HTTPError):
                    served = httpx.get(f"http://127.0.0.1:{port}/signin").status_code == 200
                time.sleep(0.2)
        finally:
            if server.poll() is None:
                server.terminate()
            out, err = server.communicate(timeout=30)
        code = 0 if served else (server.returncode or 1)
        seconds = time.monotonic() - started
        self.log.append(f"$ newsdesk {shlex.join(args)}  -> served: {served}, {seconds:.0f}s")
        return subprocess.CompletedProcess(command, code, out.decode(), err.decode())

    def newsdesk(self, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Run the installed ``newsdesk`` in the clone, as a shell there would; ``stdin``
        answers what the command asks (a password)."""
        started = time.monotonic()
        done = subprocess.run(
            [*newsdesk_program(), *args],
            cwd=self.clone,
            env=self.env,
            capture_output=True,
            text=True,
            input=stdin,
            timeout=900,
        )
        seconds = time.monotonic() - started
        self.log.append(f"$ newsdesk {shlex.join(args)}  -> exit {done.returncode}, {seconds:.0f}s")
        return done

    def demo(self) -> subprocess.CompletedProcess[str]:
        return self.newsdesk(demo_command())

    def follow_readme(self) -> None:
        """Every code block in README order: settings merged, shell lines run."""
        lines = {line.lineno: line for line in readme_lines()}
        for _, language, body in readme_blocks():
            if language == "toml":
                self.merge_settings("\n".join(t for _, t in body))
                continue
            for lineno, _ in body:
                if lineno in lines:
                    self.shell(lines[lineno])

    def shell(self, line: Line) -> None:
        program = line.words[0]
        if program == "export":
            name, _, value = line.command.split(maxsplit=1)[1].partition("=")
            self.env[name] = self.expanded(value)
        if program != "newsdesk":
            return
        outcome = self.outcomes[line.lineno] = Outcome(line, expect_for(line))
        try:
            args = self.prepare(line)
        except Unhandled as why:
            outcome.unhandled = str(why)
            return
        except pytest.skip.Exception as why:
            outcome.skipped = str(why)
            self.log.append(f"$ {line.command}  -> skipped: {why}")
            return
        before = len(self.chat.requests)
        if args[1:2] == ["desk"]:
            done = self.serve_desk(args[1:])
        else:
            done = self.newsdesk(args[1:], PROMPTED.get(tuple(args[1:3]), ""))
        outcome.returncode, outcome.output = done.returncode, (done.stdout, done.stderr)
        outcome.llm_requests = len(self.chat.requests) - before
        if outcome.llm_requests:
            self.log[-1] += f", {outcome.llm_requests} requests to the model"

    # preparing -------------------------------------------------------------------------

    def prepare(self, line: Line) -> list[str]:
        """The command's words with outside addresses rewritten, after whatever it needs
        has been put in place; ``Unhandled`` when something is not provided for."""
        for pattern, step in PREPARE.items():
            if re.search(pattern, line.command):
                getattr(self, step)(line)
        words = [self.databases.get(w) or self.rewrite(w) for w in line.words]
        for word in words[1:]:
            if not word.startswith("-") and "://" not in word:
                self.provide(word)
        return words

    def rewrite(self, value: str) -> str:
        """``value`` with each outside address replaced by its stand-in's."""

        def local(match: re.Match[str]) -> str:
            kind = STAND_INS.get(match.group(0))
            if kind is None:
                raise Unhandled(f"no stand-in for {match.group(0)} (add one to STAND_INS)")
            self.allow_local()
            base = self.web.base_url if kind == "web" else self.chat.base_url
            return "{0.scheme}://{0.netloc}".format(urlsplit(base))

        return re.sub(r"https?://[^/\s\"']+", local, value)

    def allow_local(self) -> None:
        """Merge the README's own ``[fetch] allow_networks`` block, once: the stand-ins are
        servers on this machine, which the README says to allow explicitly."""
        if self.allowed:
            return
        self.allowed = True
        found = [b for b in blocks("toml") if "allow_networks" in b]
        if not found:
            raise Unhandled("the README no longer shows how to allow a local server")
        self.merge_settings(found[0])

    def merge_settings(self, block: str) -> None:
        """Merge a README ``toml`` block into the clone's newsdesk.toml, addresses rewritten."""

        def local(v: Any) -> Any:
            if isinstance(v, str):
                return self.rewrite(v)
            if isinstance(v, list):
                return [local(x) for x in v]
            if isinstance(v, dict):
                return {k: local(x) for k, x in v.items()}
            return v

        for name, table in tomllib.loads(block).items():
            table = local(table)
            if isinstance(table, list):
                self.settings.setdefault(name, []).extend(table)
            else:
                self.settings.setdefault(name, {}).update(table)
        (self.clone / "newsdesk.toml").write_text(toml_text(self.settings), encoding="utf-8")

    def provide(self, word: str) -> None:
        """A path the command names: in the clone already, or committed to the repository."""
        if not ("/" in word or re.search(r"\.[A-Za-z]\w*$", word)) or word.startswith("../shared/"):
            return
        if (self.clone / word).exists():
            return
        source = (ROOT / word).resolve()
        if not source.is_relative_to(ROOT) or not source.exists():
            raise Unhandled(f"{word} is not in the repository and PREPARE does not make it")
        if (ROOT / ".git").exists():
            tracked = subprocess.run(
                ["git", "ls-files", "--", word], cwd=ROOT, capture_output=True, text=True
            ).stdout.split()
            if not tracked:
                raise Unhandled(f"{word} is not committed: a fresh clone does not have it")
        target = self.clone / word
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copyfile(source, target)

    def opml(self, line: Line) -> None:
        url = self.web.url("/feeds/" + feed_of(self.pages, OPML_OUTLET).name)
        opml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
            "<head><title>My subscriptions</title></head>\n<body>\n"
            '<outline text="Politics" title="Politics">\n'
            f'  <outline type="rss" text="{OPML_OUTLET}" title="{OPML_OUTLET}" xmlUrl="{url}"/>\n'
            "</outline>\n</body>\n</opml>\n"
        )
        (self.clone / "subscriptions.opml").write_text(opml, encoding="utf-8")

    def warc(self, line: Line) -> None:
        article = self.articles[WARC_OUTLET]
        page = (self.pages / article["page"]).read_bytes()
        with (self.clone / "crawl.warc.gz").open("wb") as handle:
            writer = WARCWriter(handle, gzip=True)
            request = StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True)
            response = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))],
                protocol="HTTP/1.1",
            )
            for kind, http, payload in (("request", request, b""), ("response", response, page)):
                record = writer.create_warc_record(
                    article["url"],
                    kind,
                    payload=io.BytesIO(payload),
                    length=len(payload),
                    http_headers=http,
                )
                writer.write_record(record)

    def scheduler(self, line: Line) -> None:
        """The Dask cluster the README starts (``dask scheduler``, ``dask worker``): a real
        ``LocalCluster`` with worker processes on the address the command names."""
        if self.cluster is not None:
            return
        distributed = pytest.importorskip("distributed", reason="Dask is the [cluster] extra")
        address = next(w for w in line.words if w.startswith("tcp://"))
        host, port = urlsplit(address).hostname, urlsplit(address).port
        with socket.socket() as probe:
            if probe.connect_ex((host or "127.0.0.1", port or 8786)) == 0:
                pytest.skip(f"{address} is taken by another program on this machine")
        self.cluster = distributed.LocalCluster(
            host=host,
            scheduler_port=port,
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )

    def postgres(self, line: Line) -> None:
        """A throwaway PostgreSQL server (as the store tests start one), with a database
        for each URL the README names."""
        from postgres import Cluster, database_url

        psycopg = pytest.importorskip("psycopg", reason="PostgreSQL needs psycopg")
        if self.server is None:
            try:
                self.server = Cluster()
            except (RuntimeError, OSError, subprocess.SubprocessError) as why:
                pytest.skip(f"PostgreSQL not available: {why}")
        for word in line.words:
            if word.startswith("postgresql://") and word not in self.databases:
                name = f"readme_{len(self.databases)}"
                with psycopg.connect(self.server.url, autocommit=True) as admin:
                    admin.execute(f'CREATE DATABASE "{name}"')
                self.databases[word] = database_url(self.server.url, name)

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.close()
        if self.server is not None:
            self.server.stop()

    def shared(self, line: Line) -> None:
        if "needs the ../shared data" not in line.comment:
            raise Unhandled("the README must say this example needs the ../shared data")
        for word in line.words:
            if word.startswith("../shared/") and not (ROOT / word).exists():
                pytest.skip(f"needs the ../shared data: {(ROOT / word).resolve()} is not here")
        link = self.root / "shared"
        if not link.exists():
            link.symlink_to((ROOT.parent / "shared").resolve(), target_is_directory=True)


def expect_for(line: Line) -> Expect:
    found = [e for pattern, e in EXPECT.items() if re.search(pattern, line.command)]
    return found[0] if found else Expect()


@dataclass
class Walked:
    """The walk's results: each README command's outcome and the last status."""

    demo: subprocess.CompletedProcess[str]
    outcomes: dict[int, Outcome]
    status: subprocess.CompletedProcess[str]
    log: list[str]
    llm_configured: bool
    llm_requests: int
    llm_errors: list[Exception]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Walked:
    root = tmp_path_factory.mktemp("readme")
    with serve() as web, running() as chat:
        walk = Walk(root, web, chat)
        demo = walk.demo()
        try:
            if demo.returncode == 0:
                walk.follow_readme()
        finally:
            walk.close()
        status = walk.newsdesk(["status"])
        print("\n".join(walk.log))
        llm = walk.settings.get("write", {}).get("writer") == "llm"
        return Walked(
            demo, walk.outcomes, status, walk.log, llm, len(chat.requests), list(chat.errors)
        )


def test_every_readme_shell_line_is_a_newsdesk_command_or_a_known_tool() -> None:
    assert COMMANDS, "the README shows newsdesk commands"
    others = {line.words[0] for line in readme_lines()} - {"newsdesk", *NOT_NEWSDESK}
    assert not others, f"README lines run programs this test does not know: {others}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "line", COMMANDS, ids=[f"README.md:{line.lineno} {line.command}" for line in COMMANDS]
)
def test_readme_command(walked: Walked, line: Line) -> None:
    assert walked.demo.returncode == 0, walked.demo.stderr[-3000:]
    outcome = walked.outcomes[line.lineno]
    assert not outcome.unhandled, f"README.md:{line.lineno} {line.command}: {outcome.unhandled}"
    if outcome.skipped:
        pytest.skip(outcome.skipped)
    stdout, stderr = outcome.output
    said = f"exit {outcome.returncode} {outcome.expect.why}\n{stdout[-2000:]}\n{stderr[-2000:]}"
    assert "Traceback (most recent call last)" not in stdout + stderr, said
    if outcome.expect.error and outcome.returncode == 2:
        assert re.fullmatch(outcome.expect.error, stderr.strip()), said
    else:
        assert outcome.returncode in outcome.expect.statuses, said


@pytest.mark.slow
def test_readme_commands_leave_a_usable_store(walked: Walked) -> None:
    assert walked.status.returncode == 0, walked.status.stderr
    if walked.llm_configured:  # the LLM examples really reached the model's stand-in
        assert walked.llm_requests > 0 and not walked.llm_errors, walked.llm_errors
