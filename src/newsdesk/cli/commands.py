"""The ``newsdesk`` commands: parse options, call ``newsdesk.api``, render the result.

Every command that runs a stage calls the library API, which runs it
through the ``Engine``, so each run is recorded in the ``runs`` table and
holds the store's run lease: ``run``, ``import``, ``ingest``, ``stories
--update``, ``write`` and ``publish`` exit with status 2 when another run
holds it, or with ``--wait`` wait for it. Read-only commands (``stories``,
``status``, ``check``) read the store or call library functions directly
and never take the lease.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click
from rich.text import Text

from newsdesk import api
from newsdesk.api._lazy import OnFirstUse
from newsdesk.cli import render
from newsdesk.cli.options import config_options, wait_option
from newsdesk.cli.render import console, fail, progress_bars, reported_errors
from newsdesk.config import Config, apply_overrides, write_settings
from newsdesk.errors import InputError
from newsdesk.records import Run
from newsdesk.store import Store

if TYPE_CHECKING:
    from newsdesk.desk import accounts, server
else:  # the desk brings FastAPI, uvicorn and argon2: loaded only by the commands that use them
    accounts = OnFirstUse("newsdesk.desk.accounts")
    server = OnFirstUse("newsdesk.desk.server")


@contextmanager
def opened(config: Config) -> Iterator[Store]:
    """The configured store, for reading; an error opening it ends the command."""
    with ExitStack() as stack:
        with reported_errors():
            store = stack.enter_context(api.opened(config))
        yield store


def require_database(config: Config) -> None:
    """End the command when the configured database does not exist yet.

    Only ``run``, ``import``, ``ingest`` and ``feeds add``/``import`` create one:
    a command that reads the store, run in the wrong folder, would otherwise
    create an empty database there and report nothing, or publish an empty site.
    """
    database = config.store.location
    if config.store.is_server:
        return  # a server's database: opening it says when it cannot be reached
    if str(database) != ":memory:" and not Path(database).exists():
        fail(
            f"no newsdesk database at {database}: run `newsdesk run` or "
            "`newsdesk import FILE` here first, or give --database PATH"
        )


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def warn_local_base_url(config: Config) -> None:
    """Say, once per command, that the site's canonical links and Atom ids point at this
    machine: right for a preview, wrong for a site others read."""
    url = config.publish.base_url
    host = urlsplit(url).hostname or ""
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        render.report(
            "warning",
            f"base_url is {url}: canonical links and Atom ids point at this machine;"
            " set [publish] base_url in newsdesk.toml to the site's public address",
        )


def show_run(config: Config, run: Run) -> None:
    """The run's table (with what the store now holds), then its stages' errors."""
    with opened(config) as store:
        console.print(render.run_table(run, store.counts()))
    render.stage_errors(run)


def run_and_show(
    config: Config, names: Sequence[str], *, sample: bool = False, wait: bool = False
) -> Run:
    """Run the named pipeline stages with progress bars, then show the run.

    The bars are lazy: a run refused before any stage starts (nothing to read,
    the sample into a database of other articles, another run holding the
    database) prints its one line alone.
    """
    with reported_errors(), progress_bars(lazy=True) as progress:
        run = api.run(config, stages=names, sample=sample, progress=progress, wait=wait)
    show_run(config, run)
    return run


class NewsdeskGroup(click.Group):
    """Click's group, except that Ctrl-C says what it left: nothing lost, a rerun resumes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            render.report(
                "interrupted", "nothing is lost; `newsdesk run` resumes where this stopped"
            )
            sys.exit(130)


@click.group(cls=NewsdeskGroup)
@click.version_option(package_name="newsdesk")
def cli() -> None:
    """newsdesk: a grounded newsroom.

    Reads reporting from many outlets, groups it into stories, writes one
    cited article per story, checks every sentence against its sources and
    publishes only what the sources support.

    Example:

    \b
        newsdesk run --sample
    """


@cli.command()
@config_options
@click.option(
    "--dump",
    "dumps",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSONL dump to import (repeatable; default: [ingest] dumps of the settings).",
)
@click.option(
    "--sample",
    is_flag=True,
    help="Import the bundled sample (84 articles, 30 events) instead of dumps and feeds,"
    " into a database that holds nothing else.",
)
@click.option("--site", type=click.Path(file_okay=False, path_type=Path), help="Site folder.")
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Dask scheduler (tcp://host:8786) to run the heavy work on"
    " (default: [compute] scheduler; empty: in this process).",
)
@wait_option
def run(
    config: Config,
    dumps: tuple[Path, ...],
    sample: bool,
    site: Path | None,
    scheduler: str | None,
    wait: bool,
) -> None:
    """Run every stage: ingest, stories, write, verify, publish.

    Ingest reads the dumps and feeds of the settings (or --dump), then the
    stages work on everything stored. --sample imports the bundled sample
    corpus instead: into a new database, or one a killed --sample run left,
    never into one that holds other articles. With no dump, no feed and an
    empty database there is nothing to read, and the run says where articles
    come from. Each stage does only what is new since the last run, so
    running twice does no work the second time, and a run that was killed
    resumes. One run at a time writes a database: while another holds it,
    this run exits with status 2, or with --wait waits for it to end. With
    --scheduler the articles are embedded and the stories written and gated on
    that Dask cluster's workers; the run stores every result itself, so the database and the
    site are the same.

    Example:

    \b
        newsdesk run --sample
        newsdesk run --dump news.jsonl --database news.db --site public
        newsdesk run --config newsdesk.toml --wait
        newsdesk run --sample --scheduler tcp://127.0.0.1:8786
    """
    if sample and dumps:
        fail("give --dump or --sample, not both: the sample never joins other articles")
    config = apply_overrides(config, dumps=tuple(dumps) or None, site_dir=site, scheduler=scheduler)
    result = run_and_show(config, api.STAGE_NAMES, sample=sample, wait=wait)
    render.site(api.site_index(config))
    warn_local_base_url(config)
    if result.status != "finished":
        sys.exit(1)


@cli.command()
@click.argument(
    "path",
    required=False,
    default=Path("newsdesk.toml"),
    type=click.Path(dir_okay=False, path_type=Path),
)
def init(path: Path) -> None:
    """Write a commented newsdesk.toml with every setting and its default.

    Edit what you need (your dumps, feeds, site folder, base_url); a setting
    you leave as it is keeps its default. Commands read ./newsdesk.toml, or
    the file given with --config. An existing file is never overwritten.

    Example:

    \b
        newsdesk init
        newsdesk init ~/news/newsdesk.toml
    """
    with reported_errors():
        written = write_settings(path)
    render.line(f"wrote {written}: every setting with its default; edit what you need")


@cli.command("import")
@config_options
@click.argument("dumps", nargs=-1, required=True, type=click.Path(path_type=Path))
@wait_option
def import_(config: Config, dumps: tuple[Path, ...], wait: bool) -> None:
    """Import articles from JSONL dumps or WARC archives.

    A JSONL dump has one article per line: {"id", "url", "outlet",
    "published", "title", "text", "lang"}; other fields are kept. A bad line
    is reported with its file and line number and the other lines are
    imported. A WARC archive (.warc or .warc.gz) is read like pages fetched
    from the web: every HTML response goes through extraction and duplicate
    detection, and a page without article text is reported. Exits 2 when
    nothing could be imported, 1 when something was rejected.

    Example:

    \b
        newsdesk import news.jsonl
        newsdesk import crawl.warc.gz
    """
    with reported_errors():
        result = api.import_files(config, dumps, progress=render.NoBars(), wait=wait)
    render.imported(result)
    if result.exit_code:
        sys.exit(result.exit_code)


@cli.command()
@config_options
@click.option(
    "--all", "force", is_flag=True, help="Poll every feed now, also those not due or backing off."
)
@wait_option
def ingest(config: Config, force: bool, wait: bool) -> None:
    """Poll the feeds and store the articles of their new entries.

    Polls the feeds of newsdesk.toml ([[feeds]]) and those added with
    `newsdesk feeds add` or `newsdesk feeds import` that are due, with
    conditional GET (an unchanged feed costs no download), then fetches the
    pages of new entries, extracts their articles, links syndicated copies to
    their original and stores them. A feed or page that fails is recorded
    with its error and retried later; the poll goes on. Exits 1 when every
    feed polled failed.

    Example:

    \b
        newsdesk ingest
        newsdesk ingest --all
    """
    with reported_errors(), progress_bars(lazy=True) as progress:
        polled = api.ingest(config, all_feeds=force, progress=progress, wait=wait)
    render.stage_errors(polled.run)
    summary = polled.poll
    if summary is None:
        return
    render.line(summary.line())
    if summary.polled and summary.feeds_failed == summary.polled:
        sys.exit(1)


@cli.group()
def feeds() -> None:
    """Manage the feeds newsdesk polls: add, import from OPML, list.

    Feeds added here are stored in the database and polled by `newsdesk
    ingest` and `newsdesk run` along with the [[feeds]] of newsdesk.toml.

    Example:

    \b
        newsdesk feeds add https://www.example.com/
        newsdesk feeds import subscriptions.opml
        newsdesk feeds list
    """


@feeds.command("add")
@config_options
@click.argument("url")
@click.option("--name", help="Short name (default: from the outlet).")
@click.option("--outlet", help="Outlet the articles are credited to (default: the feed's title).")
@click.option("--category", help="Section the feed's articles usually belong to.")
def feeds_add(
    config: Config, url: str, name: str | None, outlet: str | None, category: str | None
) -> None:
    """Add a feed by its URL, or by a page that announces one.

    URL is fetched: a feed (RSS, Atom, JSON Feed) is added as it is; an HTML
    page is searched for <link rel="alternate"> feed links and the first one
    is added.

    Example:

    \b
        newsdesk feeds add https://www.example.com/rss.xml
        newsdesk feeds add https://www.example.com/ --outlet "Example News"
    """
    with reported_errors():
        result = api.add_feed(config, url, name=name, outlet=outlet, category=category)
    found, feed = result.found, result.found.feed
    state = "added" if result.added else "already stored"
    render.line(f"{state}: {feed.name} ({feed.outlet}) {feed.url}, {found.entries} entries")
    for other in found.alternatives:
        render.line(f"  the page also names {other}")


@feeds.command("import")
@config_options
@click.argument("opml", type=click.Path(dir_okay=False, path_type=Path))
def feeds_import(config: Config, opml: Path) -> None:
    """Add the feeds of an OPML subscription list.

    Each <outline xmlUrl="..."> becomes a feed credited to the outlet in its
    title; an enclosing outline names its category. Feeds already stored are
    left as they are.

    Example:

    \b
        newsdesk feeds import subscriptions.opml
    """
    with reported_errors():
        added, listed = api.import_opml(config, opml)
    console.print(f"{added} feeds added, {listed - added} already stored")


@feeds.command("list")
@config_options
def feeds_list(config: Config) -> None:
    """List the feeds newsdesk polls, with how their last polls went.

    Example:

    \b
        newsdesk feeds list
    """
    require_database(config)
    with reported_errors():
        listed = api.list_feeds(config)
    render.feed_list(listed)


@cli.command()
@config_options
@click.argument("story_id", required=False)
@click.option("--update", is_flag=True, help="Cluster new articles first.")
@click.option(
    "--threads",
    "show_threads",
    is_flag=True,
    help="List threads (the stories of one developing topic), or with an id (t-...) one "
    "thread's stories by day.",
)
@click.option(
    "--eval",
    "labelled",
    type=click.Path(path_type=Path),
    help="Cluster a labelled JSONL file (or folder) as one stream and print BCubed scores.",
)
@click.option("--split", help="With --eval: only the clusters of this split (train, val, test).")
@click.option(
    "--device",
    type=click.Choice(["cpu", "cuda"]),
    help="Where MiniLM embeds the articles (cuda: an NVIDIA GPU). Default: [stories] device.",
)
@wait_option
def stories(
    config: Config,
    story_id: str | None,
    update: bool,
    show_threads: bool,
    labelled: Path | None,
    split: str | None,
    device: str | None,
    wait: bool,
) -> None:
    """List stories, show one story's articles, or score clustering on labelled data.

    A story groups the articles about one event across outlets; syndicated
    copies of one wire story count as one independent source. A story is
    developing until no article has joined it for the clustering window, then
    settled. The id of a story merged into another still shows the story it
    joined. Stories on one developing topic (a peace process, an impeachment)
    form a thread, listed by --threads. --eval clusters a file in the shared
    cluster schema (articles
    with a cluster_id) from scratch, in date order, and prints BCubed
    precision, recall and F1 against its labels.

    Example:

    \b
        newsdesk stories --update
        newsdesk stories s-1a2b3c4d5e6f
        newsdesk stories --threads
        newsdesk stories --threads t-1a2b3c4d5e6f
        newsdesk stories --eval clusters/articles.jsonl.gz --split test
    """
    device = device or config.stories.device
    with reported_errors():
        api.check_device(device)
    if labelled is not None:
        with reported_errors():
            scored = api.evaluate_stories(config, labelled, split=split, device=device)
        render.evaluation(labelled, split, scored)
        return
    require_database(config)
    if update:
        with reported_errors(), progress_bars(lazy=True) as progress:
            run = api.update_stories(config, device=device, progress=progress, wait=wait)
        show_run(config, run)
    with opened(config) as store:
        if show_threads:
            if not story_id:
                render.thread_table(store.threads())
                return
            thread = store.thread(story_id)
            if thread is None:
                fail(f"no thread {story_id!r}; `newsdesk stories --threads` lists them")
            weeks = [g for g in store.gated_roundups() if g.roundup.thread_id == thread.id]
            render.thread_detail(
                thread, [s for s in map(store.story, thread.story_ids) if s], weeks
            )
            return
        if not story_id:
            render.story_table(store.stories())
            return
        story = store.story(story_id)
        if story is None:
            fail(f"no story {story_id!r}")
        render.story_detail(story_id, story, store.articles(story.article_ids))
        thread = store.thread_of(story.id)
        if thread is not None and len(thread.story_ids) > 1:
            render.line(f"thread: {thread.name} ({thread.id}, {len(thread.story_ids)} stories)")


@cli.command()
@config_options
@wait_option
def write(config: Config, wait: bool) -> None:
    """Write (and verify) an article for every story that changed.

    Example:

    \b
        newsdesk write
    """
    require_database(config)
    run_and_show(config, ["stories", "write", "verify"], wait=wait)


@cli.command()
@config_options
@click.argument("article", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--sources",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSONL file of source articles: id, url, outlet, date, title, text.",
)
@click.option("--story", "story_id", help="Re-check the stored draft of this story instead.")
@click.option("--as-of", help="Date the article speaks from, YYYY-MM-DD (default: its own date).")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Linter-style lines, or one JSON object.",
)
def check(
    config: Config,
    article: Path | None,
    sources: Path | None,
    story_id: str | None,
    as_of: str | None,
    output: str,
) -> None:
    """Check every sentence of an article against its sources.

    ARTICLE is Markdown (Jekyll front matter allowed), HTML or plain text. Each
    sentence, list item, heading, source link and front-matter field is a
    claim; a claim is supported only when the sources back it. Exits 0 when
    every claim is supported, 1 when something is flagged, 2 on bad input.

    Example:

    \b
        newsdesk check post.md --sources sources.jsonl
        newsdesk check post.md --sources sources.jsonl --format json
        newsdesk check --story s-1a2b3c4d5e6f
    """
    if story_id:
        require_database(config)
    with reported_errors():
        if story_id:
            report = api.check_story(config, story_id)
            name = story_id
        else:
            if article is None or sources is None:
                raise InputError("give ARTICLE and --sources, or --story ID")
            name = str(article)
            report = api.check_file(config, article, sources, as_of)
    if output == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        console.print(Text(report.format_text(name)), soft_wrap=True)
    sys.exit(report.exit_code)


@cli.command()
@config_options
@click.argument(
    "directory", metavar="[DIR]", required=False, type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["site", "jekyll"]),
    default="site",
    show_default=True,
    help="A static HTML site, or Markdown posts in DIR/_posts for a Jekyll site.",
)
@click.option("--site", type=click.Path(file_okay=False, path_type=Path), help="Site folder.")
@wait_option
def publish(
    config: Config, directory: Path | None, output: str, site: Path | None, wait: bool
) -> None:
    """Publish verified stories: a static site, or posts for a Jekyll site.

    The site has a front page, story pages, sections and an Atom feed, in DIR
    (or --site, else the settings' site_dir). With --format jekyll, one
    Markdown post per story goes to DIR/_posts. Only sentences the checker
    marked supported are published; files whose bytes would not change are
    not rewritten.

    Example:

    \b
        newsdesk publish public
        newsdesk publish --format jekyll ~/blog
    """
    if directory and site and directory != site:
        fail("give the folder once: DIR or --site")
    folder = directory or site
    if output == "jekyll":
        if folder is None:
            fail("give the Jekyll site's folder: newsdesk publish --format jekyll DIR")
        require_database(config)
        with reported_errors(), progress_bars(lazy=True) as progress:
            published = api.publish(config, folder, "jekyll", progress=progress, wait=wait)
        render.posts(published)
        return
    require_database(config)
    with reported_errors(), progress_bars(lazy=True) as progress:
        published = api.publish(config, folder, "site", progress=progress, wait=wait)
    show_run(config, published.run)
    render.site(published.location)
    warn_local_base_url(config)


@cli.command()
@config_options
@click.option("--story", "story_id", help="Show one story's draft and verdicts.")
def status(config: Config, story_id: str | None) -> None:
    """Show what is stored and what the last runs did.

    A run is finished, failed, interrupted (Ctrl-C, or killed: its lease on
    the database lapsed before it finished) or running, with the process
    that runs it. Stories a stage could not process are listed as quarantined,
    with the reason, until their input changes.

    Example:

    \b
        newsdesk status
        newsdesk status --story s-1a2b3c4d5e6f
    """
    require_database(config)
    with opened(config) as store:
        if not story_id:
            render.status_tables(store.counts(), store.runs(limit=3), store.quarantined())
            return
        draft = store.draft(story_id)
        if draft is None:
            fail(f"no draft for story {story_id!r}")
        render.draft_status(draft, store.verdicts(story_id), store.gate_record(story_id))
        render.publication(api.withheld_because(config, store, story_id))


@cli.group()
def users() -> None:
    """Manage who may sign in to the editor's desk: add, list, disable.

    Editors read the desk's queue and stories; admins also manage users (here
    or on the desk's users page) and read the audit log. A password is stored
    only as an argon2id hash and never printed or logged. Every change is
    written to the desk's audit log.

    Example:

    \b
        newsdesk users add alice --role admin
        newsdesk users list
        newsdesk users disable bob
    """


@users.command("add")
@config_options
@click.argument("name")
@click.option("--role", help="editor (reads the queue and stories) or admin (also manages users).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking twice.",
)
def users_add(config: Config, name: str, role: str | None, password_stdin: bool) -> None:
    """Add a user who may sign in to the desk; the password is asked for twice.

    NAME is 1 to 64 letters, digits, '.', '_' or '-', unique whatever its
    case. A password has 12 characters or more. With --password-stdin the
    first line of standard input is the password, for scripts.

    Example:

    \b
        newsdesk users add alice --role admin
        printf '%s\\n' "$PASSWORD" | newsdesk users add bob --role editor --password-stdin
    """
    require_database(config)
    if role is None:
        fail("give the user's role: --role editor or --role admin")
    with reported_errors():
        accounts.check_name(name)
        accounts.check_role(role)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt="Again", err=True)
    with opened(config) as store, reported_errors():
        user = accounts.add_user(store, name, role, password, accounts.Actor.command_line())
    render.line(f"added {user.role} {user.name}")


@users.command("list")
@config_options
def users_list(config: Config) -> None:
    """List the desk's users: role, whether they may sign in, when they last did.

    Example:

    \b
        newsdesk users list
    """
    require_database(config)
    with opened(config) as store:
        render.user_table(store.users())


@users.command("disable")
@config_options
@click.argument("name")
def users_disable(config: Config, name: str) -> None:
    """Stop a user signing in to the desk and end their sessions now.

    The last admin cannot be disabled: add another admin first.

    Example:

    \b
        newsdesk users disable bob
    """
    require_database(config)
    with opened(config) as store, reported_errors():
        user = accounts.disable_user(store, name, accounts.Actor.command_line())
    render.line(f"disabled {user.name}: they can no longer sign in, and their sessions ended")


@cli.command()
@config_options
@click.option("--host", help="Address to listen on (default: [desk] host, 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default: [desk] port, 8000).")
def desk(config: Config, host: str | None, port: int | None) -> None:
    """Serve the editor's desk: a web app over the database, until Ctrl-C.

    Editors sign in (add them with `newsdesk users add`) and read the queue
    (stories the gate held, stories it dropped sentences from, new versions)
    and each story's sentences with their verdicts, checks and evidence. The
    session cookies are signed with the secret in the environment variable
    [desk] session_key_env names (NEWSDESK_SESSION_KEY); without it the desk
    does not start. It speaks plain HTTP: to reach it from other machines,
    put it behind a proxy that serves HTTPS ([desk] trusted_proxies).

    Example:

    \b
        export NEWSDESK_SESSION_KEY="$(openssl rand -base64 32)"
        newsdesk desk
        newsdesk desk --host 0.0.0.0 --port 8080 --database news.db
    """
    require_database(config)
    if str(config.store.database) == ":memory:":
        fail("the desk needs a database file, not :memory:")
    with reported_errors():
        config = apply_overrides(config, {"desk.host": host, "desk.port": port})
        server.serve(config)


def main() -> None:
    cli()
