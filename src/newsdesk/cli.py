"""The ``newsdesk`` command: a thin layer over the library API.

Commands parse options, call ``newsdesk.api`` or a stage, and render results
with rich. Errors newsdesk raises on purpose (``NewsdeskError``) are printed
on one line and exit with status 2.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from rich.text import Text

from newsdesk import api
from newsdesk.config import Config, load_config
from newsdesk.errors import InputError, NewsdeskError
from newsdesk.ingest import import_dump
from newsdesk.ingest.warc import WarcResult
from newsdesk.language.encoder import check_device
from newsdesk.records import GateRecord, Run
from newsdesk.store import Store, open_store
from newsdesk.store.base import FeedState

F = TypeVar("F", bound=Callable[..., Any])

console = Console()
errors = Console(stderr=True)


class RichProgress:
    """Draws one bar per stage on the terminal (nothing when output is not a terminal)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def start(self, stage: str, total: int) -> None:
        self.tasks[stage] = self.progress.add_task(stage, total=total)

    def advance(self, stage: str, amount: int = 1) -> None:
        if stage in self.tasks:
            self.progress.advance(self.tasks[stage], amount)


@contextmanager
def progress_bars() -> Iterator[RichProgress]:
    columns = (TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=errors, transient=False) as progress:
        yield RichProgress(progress)


def config_options(function: F) -> F:
    """``--config`` and ``--database``, shared by every command that opens the store."""

    @click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Settings file (default: ./newsdesk.toml if present).",
    )
    @click.option(
        "--database",
        type=click.Path(dir_okay=False, path_type=Path),
        help="SQLite database (default from settings: newsdesk.db).",
    )
    @functools.wraps(function)
    def wrapper(*args: Any, config_path: Path | None, database: Path | None, **kwargs: Any) -> Any:
        try:
            config = load_config(config_path, database=database)
        except NewsdeskError as exc:
            fail(str(exc))
        return function(*args, config=config, **kwargs)

    return wrapper  # type: ignore[return-value]


def report(level: str, message: str) -> None:
    """Print ``level: message`` on one line of stderr; the message is never read as markup."""
    style = "red" if level == "error" else "yellow"
    errors.print(Text.assemble((f"{level}:", style), " ", message), soft_wrap=True)


def fail(message: str, code: int = 2) -> None:
    report("error", message)
    sys.exit(code)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn newsdesk's own exceptions into a one-line message and exit status 2."""
    try:
        yield
    except NewsdeskError as exc:
        fail(str(exc))


@contextmanager
def opened(config: Config) -> Iterator[Store]:
    with reported_errors():
        store = open_store(config.store.database)
    try:
        yield store
    finally:
        store.close()


def run_table(run: Run, store: Store) -> Table:
    """The summary printed after a run: what each stage did and how long it took."""
    table = Table(title=f"run {run.id}: {run.status}")
    for column in ("stage", "in", "out", "skipped", "errors", "time"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in run.stages:
        table.add_row(
            stage.stage,
            str(stage.items_in),
            str(stage.items_out),
            str(stage.skipped),
            str(len(stage.errors)),
            f"{stage.wall_s:.2f}s",
        )
    counts = store.counts()
    table.caption = (
        f"{counts['stories']} stories from {counts['articles']} articles; "
        f"{counts['drafts']} drafts with {counts['sentences']} checked sentences stored"
    )
    spent = [s for s in run.stages if s.tokens_in or s.tokens_out]
    for stage in spent:
        table.caption += (
            f"; {stage.stage}: {stage.tokens_in + stage.tokens_out} tokens, ${stage.cost_usd:.4f}"
        )
    return table


def print_stage_errors(run: Run, limit: int = 20) -> None:
    shown = 0
    for stage in run.stages:
        for message in stage.errors:
            if shown < limit:
                report("warning", message)
            shown += 1
    if shown > limit:
        errors.print(f"... and {shown - limit} more (see `newsdesk status`)")


def run_stages(config: Config, names: Sequence[str]) -> Run:
    with reported_errors(), progress_bars() as progress:
        run = api.run(config, stages=names, progress=progress)
    with opened(config) as store:
        console.print(run_table(run, store))
    print_stage_errors(run)
    return run


@click.group()
@click.version_option(package_name="newsdesk")
def cli() -> None:
    """newsdesk: a grounded newsroom.

    Reads reporting from many outlets, groups it into stories, writes one
    cited article per story, checks every sentence against its sources and
    publishes only what the sources support.

    Example:

    \b
        newsdesk run
    """


@cli.command()
@config_options
@click.option(
    "--dump",
    "dumps",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSONL dump to import (repeatable; default: settings, else the bundled sample).",
)
@click.option("--site", type=click.Path(file_okay=False, path_type=Path), help="Site folder.")
def run(config: Config, dumps: tuple[Path, ...], site: Path | None) -> None:
    """Run every stage: ingest, stories, write, verify, publish.

    Each stage does only what is new since the last run, so running twice
    does no work the second time, and a run that was killed resumes.

    Example:

    \b
        newsdesk run
        newsdesk run --dump news.jsonl --database news.db --site public
    """
    from newsdesk.config import apply_overrides

    config = apply_overrides(config, dumps=tuple(dumps) or None, site_dir=site)
    result = run_stages(config, api.STAGE_NAMES)
    console.print(f"site: {api.site_index(config).resolve()}", highlight=False, soft_wrap=True)
    if result.status != "finished":
        sys.exit(1)


@cli.command("import")
@config_options
@click.argument("dumps", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_(config: Config, dumps: tuple[Path, ...]) -> None:
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
    from newsdesk.ingest.warc import import_warc, is_warc_path

    added = unchanged = problems = 0
    with opened(config) as store:
        for path in dumps:
            try:
                if is_warc_path(path):
                    archive = import_warc(store, path, config.ingest)
                    for warc_problem in archive.problems:
                        report("error", str(warc_problem))
                    console.print(warc_line(archive), highlight=False, soft_wrap=True)
                    added += archive.new + archive.changed
                    unchanged += archive.unchanged + archive.repeats
                    problems += len(archive.problems)
                    continue
                result = import_dump(store, path)
            except NewsdeskError as exc:
                report("error", str(exc))
                problems += 1
                continue
            for problem in result.problems:
                report("error", str(problem))
            added += result.added
            unchanged += result.unchanged
            problems += len(result.problems)
    console.print(f"{added} added, {unchanged} already stored, {problems} rejected")
    if problems and not (added or unchanged):
        sys.exit(2)
    if problems:
        sys.exit(1)


def warc_line(result: WarcResult) -> str:
    """What importing one WARC archive did, on one line."""
    return (
        f"{result.path}: {result.pages} pages: {result.new} new"
        f" ({result.copies} syndicated copies), {result.changed} changed,"
        f" {result.unchanged + result.repeats} already stored,"
        f" {len(result.problems)} without an article"
    )


@cli.command()
@config_options
@click.option(
    "--all", "force", is_flag=True, help="Poll every feed now, also those not due or backing off."
)
def ingest(config: Config, force: bool) -> None:
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
    from newsdesk.engine import Engine
    from newsdesk.ingest.stage import IngestStage
    from newsdesk.ingest.web import all_feeds

    stage = IngestStage([], force=force)
    with opened(config) as store:
        if not all_feeds(config, store):
            fail("no feeds: add one with `newsdesk feeds add URL`, or [[feeds]] in newsdesk.toml")
        with reported_errors(), progress_bars() as progress:
            run = Engine(store, config, progress).run([stage])
    print_stage_errors(run)
    summary = stage.poll
    if summary is None:
        return
    console.print(summary.line(), highlight=False, soft_wrap=True)
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
    from newsdesk.ingest.web import discover

    with reported_errors():
        found = discover(url, config.fetch, name=name, outlet=outlet, category=category)
    with opened(config) as store:
        added = store.add_feed(found.feed)
    feed = found.feed
    state = "added" if added else "already stored"
    console.print(
        f"{state}: {feed.name} ({feed.outlet}) {feed.url}, {found.entries} entries",
        highlight=False,
        soft_wrap=True,
    )
    for other in found.alternatives:
        console.print(f"  the page also names {other}", highlight=False, soft_wrap=True)


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
    from newsdesk.ingest.feeds import read_opml

    with reported_errors():
        listed = read_opml(opml)
    with opened(config) as store, store.transaction():
        added = sum(store.add_feed(feed) for feed in listed)
    console.print(f"{added} feeds added, {len(listed) - added} already stored")


@feeds.command("list")
@config_options
def feeds_list(config: Config) -> None:
    """List the feeds newsdesk polls, with how their last polls went.

    Example:

    \b
        newsdesk feeds list
    """
    from newsdesk.ingest.web import all_feeds

    configured = {feed.url for feed in config.feeds}
    with opened(config) as store:
        listed = all_feeds(config, store)
        states = {feed.url: store.feed_state(feed.url) for feed in listed}
    for feed in listed:
        origin = "newsdesk.toml" if feed.url in configured else "added"
        console.print(
            f"{feed.name}  {feed.outlet}  {feed.url}  ({origin})", highlight=False, soft_wrap=True
        )
        console.print(f"    {feed_status(states[feed.url])}", highlight=False, soft_wrap=True)
    if not listed:
        console.print("no feeds: add one with `newsdesk feeds add URL`")


def feed_status(state: FeedState | None) -> str:
    """How a feed's polls went, on one line."""
    if state is None:
        return "never polled"
    line = (
        f"last poll {state.last_polled}: {state.last_status or 'no answer'};"
        f" {state.failures} failures in a row; next poll {state.next_poll}"
    )
    if state.last_error:
        line += f"; last error at {state.last_error_at}: {state.last_error}"
    return line


@cli.command()
@config_options
@click.argument("story_id", required=False)
@click.option("--update", is_flag=True, help="Cluster new articles first.")
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
def stories(
    config: Config,
    story_id: str | None,
    update: bool,
    labelled: Path | None,
    split: str | None,
    device: str | None,
) -> None:
    """List stories, show one story's articles, or score clustering on labelled data.

    A story groups the articles about one event across outlets; syndicated
    copies of one wire story count as one independent source. A story is
    developing until no article has joined it for the clustering window, then
    settled. The id of a story merged into another still shows the story it
    joined. --eval clusters a file in the shared cluster schema (articles
    with a cluster_id) from scratch, in date order, and prints BCubed
    precision, recall and F1 against its labels.

    Example:

    \b
        newsdesk stories --update
        newsdesk stories s-1a2b3c4d5e6f
        newsdesk stories --eval clusters/articles.jsonl.gz --split test
    """
    device = device or config.stories.device
    with reported_errors():
        check_device(device)
    if labelled is not None:
        evaluate_clustering(config, labelled, split, device)
        return
    if update:
        update_stories(config, device)
    with opened(config) as store:
        if story_id:
            show_story(store, story_id)
            return
        table = Table()
        for heading in ("id", "last seen", "articles", "outlets", "sources"):
            table.add_column(heading, no_wrap=True)
        table.add_column("title")
        listed = store.stories()
        for story in listed:
            table.add_row(
                story.id,
                story.last_seen or "",
                str(len(story.article_ids)),
                str(len(story.outlets)),
                str(story.sources),
                story.title,
                style="bold" if story.status == "developing" else None,
            )
        developing = sum(1 for story in listed if story.status == "developing")
        table.caption = (
            f"{developing} developing (bold), {len(listed) - developing} settled;"
            " sources: outlets with syndicated copies counted once"
        )
        console.print(table)


def update_stories(config: Config, device: str) -> None:
    """Run the stories stage alone, embedding on ``device``."""
    from newsdesk.engine import Engine
    from newsdesk.stories import StoriesStage

    with opened(config) as store:
        with reported_errors(), progress_bars() as progress:
            run = Engine(store, config, progress).run([StoriesStage(device)])
        console.print(run_table(run, store))
    print_stage_errors(run)


def show_story(store: Store, story_id: str) -> None:
    """One story: what it is, where its reporting comes from, and its articles."""
    story = store.story(story_id)
    if story is None:
        fail(f"no story {story_id!r}")
        return
    if story.id != story_id:
        console.print(f"{story_id} was merged into {story.id}", highlight=False)
    console.print(
        Text.assemble(
            (story.title, "bold"), f"  ({story.id}, version {story.version}, {story.status})"
        ),
        soft_wrap=True,
    )
    dates = " to ".join(dict.fromkeys(d for d in (story.first_seen, story.last_seen) if d))
    languages = ", ".join(story.languages) or "unknown"
    console.print(
        f"section {story.category or 'not filed'}; {dates or 'undated'}; language {languages}",
        highlight=False,
        soft_wrap=True,
    )
    single = " (single source)" if story.single_source else ""
    console.print(
        f"{len(story.article_ids)} articles from {len(story.outlets)} outlets"
        f" ({', '.join(story.outlets)}); {story.sources} independent sources{single}",
        highlight=False,
        soft_wrap=True,
    )
    if story.merged_ids:
        console.print(f"merged from {', '.join(story.merged_ids)}", highlight=False)
    table = Table("published", "outlet", "title")
    table.add_column("url", overflow="fold")
    for article in store.articles(story.article_ids):
        table.add_row(article.published or "", article.outlet, article.title, article.url)
    console.print(table)


def evaluate_clustering(config: Config, path: Path, split: str | None, device: str) -> None:
    """Cluster a labelled set as one stream and print its BCubed scores."""
    from newsdesk.stories import Params, bcubed, cluster_stream, read_labelled
    from newsdesk.stories.embeddings import Embedder

    params = Params.of(config.stories, config.ingest.near_duplicate)
    with reported_errors():
        labelled = read_labelled(path, split)
        for problem in labelled.problems[:20]:
            report("warning", problem)
        result = cluster_stream(
            labelled.articles, params, Embedder(device), names=params.names_weight > 0
        )
    scores = bcubed(result.assignment, labelled.gold)
    events = len(set(labelled.gold.values()))
    console.print(
        f"{path}{f' ({split})' if split else ''}: {len(labelled.articles)} articles,"
        f" {events} events; {labelled.undated} without a date"
        f" ({labelled.dated_by_story} dated by their story)",
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"BCubed precision {scores['precision']:.4f}, recall {scores['recall']:.4f},"
        f" F1 {scores['f1']:.4f}; {result.stories} stories ({result.merges} merges,"
        f" {result.moves} moves, {result.copies} copies, {len(result.skipped)} skipped)",
        highlight=False,
        soft_wrap=True,
    )


@cli.command()
@config_options
def write(config: Config) -> None:
    """Write (and verify) an article for every story that changed.

    Example:

    \b
        newsdesk write
    """
    run_stages(config, ["stories", "write", "verify"])


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
    from newsdesk.verify import check_article, load_sources

    with reported_errors():
        if story_id:
            report = api.check_story(config, story_id)
            name = story_id
        else:
            if article is None or sources is None:
                raise InputError("give ARTICLE and --sources, or --story ID")
            name = str(article)
            text = read_text(article)
            report = check_article(
                text,
                load_sources(sources),
                name=name,
                as_of=as_of,
                min_coverage=config.verify.min_coverage,
            )
    if output == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        console.print(Text(report.format_text(name)), soft_wrap=True)
    sys.exit(report.exit_code)


def read_text(path: Path) -> str:
    """A UTF-8 text file, or an ``InputError`` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


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
def publish(config: Config, directory: Path | None, output: str, site: Path | None) -> None:
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
    from newsdesk.config import apply_overrides

    if directory and site and directory != site:
        fail("give the folder once: DIR or --site")
    folder = directory or site
    if output == "jekyll":
        publish_jekyll(config, folder)
        return
    config = apply_overrides(config, site_dir=folder)
    run_stages(config, ["publish"])
    console.print(f"site: {api.site_index(config).resolve()}", highlight=False, soft_wrap=True)


def publish_jekyll(config: Config, folder: Path | None) -> None:
    """Write the Jekyll posts and say where they went and how many changed."""
    from newsdesk.publish.jekyll import POSTS, build_jekyll

    if folder is None:
        fail("give the Jekyll site's folder: newsdesk publish --format jekyll DIR")
        return
    try:
        with opened(config) as store, reported_errors(), progress_bars() as progress:
            result = build_jekyll(store, config.publish, folder, progress)
    except OSError as exc:
        fail(f"{exc.filename or folder}: cannot write: {exc.strerror}")
        return
    console.print(
        f"{result.pages} posts ({len(result.written)} written, {len(result.unchanged)} unchanged,"
        f" {len(result.removed)} removed) of {result.drafts} drafts: {(folder / POSTS).resolve()}",
        highlight=False,
        soft_wrap=True,
    )


@cli.command()
@config_options
@click.option("--story", "story_id", help="Show one story's draft and verdicts.")
def status(config: Config, story_id: str | None) -> None:
    """Show what is stored and what the last runs did.

    Example:

    \b
        newsdesk status
        newsdesk status --story s-1a2b3c4d5e6f
    """
    with opened(config) as store:
        if story_id:
            show_story_status(store, story_id)
            return
        counts = Table("table", "rows", title="store")
        for name, value in store.counts().items():
            counts.add_row(name, str(value))
        console.print(counts)
        for run in store.runs(limit=3):
            console.print(run_table(run, store))


def show_story_status(store: Store, story_id: str) -> None:
    draft = store.draft(story_id)
    if draft is None:
        fail(f"no draft for story {story_id!r}")
        return
    verdicts = {v.position: v for v in store.verdicts(story_id)}
    table = Table("#", "kind", "verdict", "sentence", "reason", title=draft.headline)
    for position, sentence in enumerate(draft.sentences):
        verdict = verdicts.get(position)
        table.add_row(
            str(position),
            sentence.kind,
            verdict.label if verdict else "unchecked",
            sentence.text,
            verdict.reason if verdict else "",
        )
    console.print(table)
    gate = store.gate_record(story_id)
    if gate is not None:
        console.print(gate_summary(gate))
        for dropped in gate.dropped:
            console.print(f"  dropped ({dropped.kind}, round {dropped.round}): {dropped.text}")
            console.print(f"    because {dropped.reason}")


def gate_summary(gate: GateRecord) -> str:
    """One line on what the verify gate did to a draft."""
    state = "held for review" if gate.held else "cleared for publication"
    line = (
        f"gate: {state}; {gate.writer} writer; {gate.rounds} round(s); "
        f"{gate.kept} of {gate.drafted} sentences kept, {gate.revised} revised, "
        f"{len(gate.dropped)} dropped"
    )
    return f"{line}; {gate.note}" if gate.note else line


def main() -> None:
    cli()
