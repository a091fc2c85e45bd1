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
from newsdesk.records import Run
from newsdesk.store import Store, open_store

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
    verified = sum(s.items_in for s in run.stages if s.stage == "verify")
    table.caption = (
        f"{counts['stories']} stories from {counts['articles']} articles; "
        f"{verified} sentences verified this run; {counts['sentences']} stored"
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
    """Import articles from JSONL dumps, one article per line.

    Each line is {"id", "url", "outlet", "published", "title", "text", "lang"};
    other fields are kept. A bad line is reported with its file and line
    number and the other lines are imported. Exits 2 when nothing could be
    imported, 1 when some lines were rejected.

    Example:

        newsdesk import news.jsonl
    """
    added = unchanged = problems = 0
    with opened(config) as store:
        for path in dumps:
            try:
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


@cli.command()
@config_options
@click.argument("story_id", required=False)
@click.option("--update", is_flag=True, help="Cluster new articles first.")
def stories(config: Config, story_id: str | None, update: bool) -> None:
    """List stories, or show one story's articles.

    Example:

        newsdesk stories --update
        newsdesk stories s-1a2b3c4d5e6f
    """
    if update:
        run_stages(config, ["stories"])
    with opened(config) as store:
        if story_id:
            story = store.story(story_id)
            if story is None:
                fail(f"no story {story_id!r}")
                return
            console.print(f"[bold]{story.title}[/bold]  ({story.id}, version {story.version})")
            table = Table("published", "outlet", "title", "url")
            for article in store.articles(story.article_ids):
                table.add_row(article.published or "", article.outlet, article.title, article.url)
            console.print(table)
            return
        table = Table("id", "last seen", "articles", "outlets", "title")
        for story in store.stories():
            table.add_row(
                story.id,
                story.last_seen or "",
                str(len(story.article_ids)),
                str(len(story.outlets)),
                story.title,
            )
        console.print(table)


@cli.command()
@config_options
def write(config: Config) -> None:
    """Write (and verify) an article for every story that changed.

    Example:

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

    ARTICLE is Markdown (Jekyll front matter allowed) or plain text. Each
    sentence, list item, heading, source link and front-matter field is a
    claim; a claim is supported only when the sources back it. Exits 0 when
    every claim is supported, 1 when something is flagged, 2 on bad input.

    Example:

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
@click.option("--site", type=click.Path(file_okay=False, path_type=Path), help="Site folder.")
def publish(config: Config, site: Path | None) -> None:
    """Write the static site: front page, story pages, sections, Atom feed.

    Only sentences the checker marked supported are published. Files whose
    bytes would not change are not rewritten.

    Example:

        newsdesk publish --site public
    """
    from newsdesk.config import apply_overrides

    config = apply_overrides(config, site_dir=site)
    run_stages(config, ["publish"])
    console.print(f"site: {api.site_index(config).resolve()}", highlight=False, soft_wrap=True)


@cli.command()
@config_options
@click.option("--story", "story_id", help="Show one story's draft and verdicts.")
def status(config: Config, story_id: str | None) -> None:
    """Show what is stored and what the last runs did.

    Example:

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


def main() -> None:
    cli()
