"""What the CLI prints: rich tables, progress bars, one-line messages and errors.

Results go to stdout (``console``); progress bars, warnings and errors go to
stderr (``errors``). Nothing here reads the store or runs a stage: every
function renders a value the library returned.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from rich.text import Text

from newsdesk.errors import NewsdeskError, StoreBusy
from newsdesk.records import (
    Article,
    DeskUser,
    Draft,
    FeedState,
    GatedRoundup,
    GateRecord,
    Lease,
    Quarantined,
    Run,
    Story,
    Thread,
    Verdict,
)

if TYPE_CHECKING:  # annotations only: Evaluation and ImportResult would load their stages
    from newsdesk.api import Evaluation, ImportResult, ListedFeed, Published

console = Console()
errors = Console(stderr=True)


# Errors and warnings


def report(level: str, message: str) -> None:
    """Print ``level: message`` on one line of stderr; the message is never read as markup."""
    style = "red" if level == "error" else "yellow"
    errors.print(Text.assemble((f"{level}:", style), " ", message), soft_wrap=True)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """ "1 article", "2 articles", "0 stories": a count with its noun in the right number."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def fail(message: str, code: int = 2) -> NoReturn:
    """Report an error and exit (status 2 unless told)."""
    report("error", message)
    sys.exit(code)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn newsdesk's own exceptions into a one-line message and exit status 2."""
    try:
        yield
    except StoreBusy as exc:  # only the commands that take the lease raise it: all have --wait
        fail(f"{exc}; add --wait to wait for it to end")
    except NewsdeskError as exc:
        fail(str(exc))


def line(text: str) -> None:
    """One line of plain output: no highlighting, no markup ("[publish]" is printed as
    written), never wrapped."""
    console.print(Text(text), highlight=False, soft_wrap=True)


# Runs


def waiting(holder: Lease) -> None:
    """One line on stderr: the command waits for another run to give back the store."""
    errors.print(
        Text(f"waiting for run {holder.run_id} ({holder.owner()})"), highlight=False, soft_wrap=True
    )


class NoBars:
    """Progress for a command that draws no bars: it only says when it waits for the store."""

    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str, amount: int = 1) -> None:
        pass

    def waiting(self, holder: Lease) -> None:
        waiting(holder)


class RichProgress:
    """Draws one bar per stage on the terminal (nothing when output is not a terminal)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self.shown = False

    def show(self) -> None:
        """Start drawing, once."""
        if not self.shown:
            self.progress.start()
            self.shown = True

    def start(self, stage: str, total: int) -> None:
        self.show()
        self.tasks[stage] = self.progress.add_task(stage, total=total)

    def advance(self, stage: str, amount: int = 1) -> None:
        if stage in self.tasks:
            self.progress.advance(self.tasks[stage], amount)

    def waiting(self, holder: Lease) -> None:
        waiting(holder)


@contextmanager
def progress_bars(*, lazy: bool = False) -> Iterator[RichProgress]:
    """Progress bars on stderr while the block runs.

    ``lazy`` bars are drawn from the first stage that starts, so an error
    raised before any stage started work (the store cannot be opened, there
    is nothing to work on) is printed alone; a block that ends normally
    draws the bars either way.
    """
    columns = (TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn())
    bars = RichProgress(Progress(*columns, console=errors, transient=False))
    if not lazy:
        bars.show()
    try:
        yield bars
    except BaseException:
        if bars.shown:
            bars.progress.stop()
        raise
    bars.show()
    bars.progress.stop()


def run_table(run: Run, counts: Mapping[str, int]) -> Table:
    """The summary printed after a run: what each stage did and how long it took."""
    state: str = run.status
    if run.status == "running" and run.lease is not None:
        state = f"running ({run.lease.process()})"
    table = Table(title=f"run {run.id}: {state}")
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
    table.caption = (
        f"{counted(counts['stories'], 'story', 'stories')} from "
        f"{counted(counts['articles'], 'article')}; {counted(counts['drafts'], 'draft')} with "
        f"{counted(counts['sentences'], 'checked sentence')} stored"
    )
    spent = [s for s in run.stages if s.tokens_in or s.tokens_out]
    for stage in spent:
        table.caption += (
            f"; {stage.stage}: {stage.tokens_in + stage.tokens_out} tokens, ${stage.cost_usd:.4f}"
        )
    return table


def stage_errors(run: Run, limit: int = 20) -> None:
    """The errors the run's stages recorded, as warnings: the first ``limit`` of them."""
    shown = 0
    for stage in run.stages:
        for message in stage.errors:
            if shown < limit:
                report("warning", message)
            shown += 1
    if shown > limit:
        errors.print(f"... and {shown - limit} more (see `newsdesk status`)")


def status_tables(
    counts: Mapping[str, int], runs: Sequence[Run], quarantined: Sequence[Quarantined] = ()
) -> None:
    """``newsdesk status``: the row count of every table, the latest runs, then the items
    a stage quarantined (each with its reason)."""
    table = Table("table", "rows", title="store")
    for name, value in counts.items():
        table.add_row(name, str(value))
    console.print(table)
    for run in runs:
        console.print(run_table(run, counts))
    if quarantined:
        held = Table("stage", "item", "since", "reason", title="quarantined")
        for item in quarantined:
            held.add_row(item.stage, item.item, item.at[:10], item.reason)
        console.print(held)
        line("a quarantined item is tried again once its input changes")


# Import and feeds


def imported(result: ImportResult) -> None:
    """What ``newsdesk import`` did: each file's problems (and each archive's line), the total."""
    for file in result.files:
        for problem in file.problems:
            report("error", str(problem))
        if file.format == "warc" and file.readable:
            line(archive_line(file))
    console.print(
        f"{result.stored} added, {result.known} already stored, {result.rejected} rejected"
    )


def archive_line(result: ImportResult) -> str:
    """What importing one WARC archive did, on one line."""
    return (
        f"{result.path}: {result.pages} pages: {result.added} new"
        f" ({result.copies} syndicated copies), {result.changed} changed,"
        f" {result.known} already stored,"
        f" {len(result.problems)} without an article"
    )


def feed_list(listed: Sequence[ListedFeed]) -> None:
    """``newsdesk feeds list``: each feed, where it comes from and how its polls went."""
    for item in listed:
        feed = item.feed
        origin = "newsdesk.toml" if item.configured else "added"
        line(f"{feed.name}  {feed.outlet}  {feed.url}  ({origin})")
        line(f"    {feed_status(item.state)}")
    if not listed:
        console.print("no feeds: add one with `newsdesk feeds add URL`")


def feed_status(state: FeedState | None) -> str:
    """How a feed's polls went, on one line."""
    if state is None:
        return "never polled"
    text = (
        f"last poll {state.last_polled}: {state.last_status or 'no answer'};"
        f" {state.failures} failures in a row; next poll {state.next_poll}"
    )
    if state.last_error:
        text += f"; last error at {state.last_error_at}: {state.last_error}"
    return text


# Stories


def thread_table(threads: Sequence[Thread]) -> None:
    """``newsdesk stories --threads``: each thread of more than one story, latest first."""
    shown_threads = [t for t in threads if len(t.story_ids) > 1]
    table = Table(box=box.SIMPLE_HEAD)
    for heading in ("id", "from", "to", "stories"):
        table.add_column(heading, no_wrap=True)
    table.add_column("name", overflow="ellipsis")
    for thread in shown_threads:
        table.add_row(
            thread.id,
            thread.first_seen or "",
            thread.last_seen or "",
            str(len(thread.story_ids)),
            thread.name,
        )
    table.caption = (
        f"{counted(len(shown_threads), 'thread')} of more than one story"
        f" ({counted(len(threads) - len(shown_threads), 'story', 'stories')} stand alone)"
    )
    console.print(table)


def thread_detail(
    thread: Thread, stories: Sequence[Story], roundups: Sequence[GatedRoundup] = ()
) -> None:
    """One thread: its name, then its stories by day, one line each, then its weekly
    roundups with what the gate made of them."""
    line(f"{thread.name} ({thread.id}): {counted(len(stories), 'story', 'stories')}")
    for story in stories:
        line(f"  {story.first_seen or 'undated'}  {story.id}  {story.title}")
    for gated in roundups:
        record = gated.record
        verdict = "held for review" if record.held else "cleared"
        line(
            f"  roundup {gated.roundup.week}  {gated.roundup.id}  "
            f"{counted(len(gated.roundup.story_ids), 'story', 'stories')}, "
            f"{record.kept} of {record.drafted} sentences passed: {verdict}"
        )


def story_table(stories: Sequence[Story]) -> None:
    """The stored stories, developing ones in bold, one line each: at 80 columns the title
    is cut with an ellipsis rather than wrapped down the screen (`stories ID` shows it)."""
    table = Table(box=box.SIMPLE_HEAD)
    widths = {"id": max((len(s.id) for s in stories), default=2), "last seen": 10}
    for heading in ("id", "last seen", "articles", "outlets", "sources"):
        widths[heading] = max(widths.get(heading, 0), len(heading))
        table.add_column(heading, no_wrap=True, min_width=widths[heading])
    taken = sum(widths.values()) + 2 * (len(widths) + 1) + 4  # cell padding and edges
    title = max(10, console.width - taken)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=title)
    for story in stories:
        table.add_row(
            story.id,
            story.last_seen or "",
            str(len(story.article_ids)),
            str(len(story.outlets)),
            str(story.sources),
            story.title,
            style="bold" if story.status == "developing" else None,
        )
    developing = sum(1 for story in stories if story.status == "developing")
    table.caption = (
        f"{developing} developing (bold), {len(stories) - developing} settled;"
        " sources count syndicated copies once"
    )
    console.print(table)


def story_detail(asked: str, story: Story, articles: Sequence[Article]) -> None:
    """One story: what it is, where its reporting comes from, and its articles."""
    if story.id != asked:
        console.print(f"{asked} was merged into {story.id}", highlight=False)
    console.print(
        Text.assemble(
            (story.title, "bold"), f"  ({story.id}, version {story.version}, {story.status})"
        ),
        soft_wrap=True,
    )
    dates = " to ".join(dict.fromkeys(d for d in (story.first_seen, story.last_seen) if d))
    languages = ", ".join(story.languages) or "unknown"
    line(f"section {story.category or 'not filed'}; {dates or 'undated'}; language {languages}")
    single = " (single source)" if story.single_source else ""
    line(
        f"{counted(len(story.article_ids), 'article')} from "
        f"{counted(len(story.outlets), 'outlet')} ({', '.join(story.outlets)}); "
        f"{counted(story.sources, 'independent source')}{single}"
    )
    if story.merged_ids:
        console.print(f"merged from {', '.join(story.merged_ids)}", highlight=False)
    table = Table("published", "outlet", "title")
    table.add_column("url", overflow="fold")
    for article in articles:
        table.add_row(article.published or "", article.outlet, article.title, article.url)
    console.print(table)


def evaluation(path: Path, split: str | None, result: Evaluation) -> None:
    """A labelled set's BCubed scores and what clustering it did."""
    labelled, stream = result.labelled, result.stream
    for problem in labelled.problems[:20]:
        report("warning", problem)
    line(
        f"{path}{f' ({split})' if split else ''}: {len(labelled.articles)} articles,"
        f" {result.events} events; {labelled.undated} without a date"
        f" ({labelled.dated_by_story} dated by their story)"
    )
    line(
        f"BCubed precision {result.precision:.4f}, recall {result.recall:.4f},"
        f" F1 {result.f1:.4f}; {stream.stories} stories ({stream.merges} merges,"
        f" {stream.moves} moves, {stream.copies} copies, {len(stream.skipped)} skipped)"
    )


# Publish and status


def posts(published: Published) -> None:
    """Where the Jekyll posts went and how many changed."""
    files = published.files
    line(
        f"{counted(files.pages, 'post')} ({len(files.written)} written, {len(files.unchanged)}"
        f" unchanged, {len(files.removed)} removed) of {counted(files.drafts, 'draft')}:"
        f" {published.location.resolve()}"
    )
    if files.starter:
        line(f"wrote a starter {files.starter} (theme minima): {published.location.resolve()}")
    if files.undated:
        line(
            f"{counted(len(files.undated), 'undated story', 'undated stories')} not filed:"
            " a post is named by its date and no source dates them yet"
        )


def site(index: Path) -> None:
    line(f"site: {index.resolve()}")


def draft_status(draft: Draft, verdicts: Sequence[Verdict], gate: GateRecord | None) -> None:
    """One story's draft, sentence by sentence with its verdict, and what the gate did."""
    by_position = {v.position: v for v in verdicts}
    table = Table("#", "kind", "verdict", "sentence", "reason", title=draft.headline)
    for position, sentence in enumerate(draft.sentences):
        verdict = by_position.get(position)
        table.add_row(
            str(position),
            sentence.kind,
            verdict.label if verdict else "unchecked",
            sentence.text,
            verdict.reason if verdict else "",
        )
    console.print(table)
    if gate is not None:
        console.print(gate_summary(gate))
        for dropped in gate.dropped:
            console.print(f"  dropped ({dropped.kind}, round {dropped.round}): {dropped.text}")
            console.print(f"    because {dropped.reason}")


def publication(withheld: str | None) -> None:
    """Whether readers see the story, and if not, why."""
    line("publication: on the site" if withheld is None else f"publication: held: {withheld}")


def gate_summary(gate: GateRecord) -> str:
    """One line on what the verify gate did to a draft."""
    state = "held for review" if gate.held else "passed"
    text = (
        f"gate: {state}; {gate.writer} writer; {gate.rounds} round(s); "
        f"{gate.kept} of {gate.drafted} sentences kept, {gate.revised} revised, "
        f"{len(gate.dropped)} dropped"
    )
    return f"{text}; {gate.note}" if gate.note else text


def user_table(users: Sequence[DeskUser]) -> None:
    """The desk's users: name, role, whether they may sign in, when they were added and
    last signed in. No password hash is shown."""
    if not users:
        line("no users yet: `newsdesk users add NAME --role admin` adds the first")
        return
    table = Table("name", "role", "status", "added", "last sign-in", box=box.SIMPLE)
    for user in users:
        table.add_row(
            Text(user.name),
            user.role,
            "disabled" if user.disabled else "active",
            user.created,
            user.last_signin or "never",
        )
    console.print(table)
