"""The library API: what the CLI (and later the web desk) call.

Each function that changes the store opens the configured store, runs one or
more stages through the ``Engine`` (so every call is logged in the ``runs``
table) and closes it: ``run`` the pipeline, ``import_files``, ``ingest`` the
feeds, ``update_stories``, ``publish`` the site or Jekyll posts. Each of those
holds the store's run lease while it runs (one run at a time per store): it
raises ``StoreBusy`` when another run holds it, or with ``wait=True`` waits
for that run to end (``progress.waiting`` says for which). The others
only read (``check_story``, ``check_file``, ``evaluate_stories``,
``list_feeds``) or manage the feed list (``add_feed``, ``import_opml``).
The editor's desk changes a stored draft with ``edit_draft`` (checked again by the
gate's checker, stored as a new revision) and decides on it with ``review_story``
(then a publish run), files corrections with ``file_correction`` and adds a source to
a story with ``add_source`` (pasted) or ``add_source_from_url`` (fetched).

The stage packages are imported on first use, not with this module: they
bring torch, scikit-learn, spaCy, trafilatura and their like (seconds), and
``newsdesk --help`` needs none of them. The functions
below reach each stage module through a name defined at the top
(``ingest_stage.IngestStage``): for the type checker the module itself (the
``TYPE_CHECKING`` imports), at run time an ``_OnFirstUse`` that imports it
the first time one of its names is used. ``ImportResult``, ``Evaluation``
and ``check_device``, re-exported for the CLI, are imported on first use by
the module's ``__getattr__`` (PEP 562).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk.config import Config, apply_overrides, load_config
from newsdesk.engine import Engine, Progress, Stage
from newsdesk.errors import InputError, NewsdeskError, StoreBusy
from newsdesk.language import sanitise
from newsdesk.records import (
    Article,
    Citation,
    Correction,
    Decision,
    Draft,
    DraftEdit,
    Feed,
    FeedState,
    Review,
    Run,
    Verdict,
)
from newsdesk.store import Store, open_store


class _OnFirstUse:
    """Stands for a module until one of its names is used, then imports it (once: Python
    keeps it in ``sys.modules``) and hands out that name."""

    __slots__ = ("_module",)

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> object:
        return getattr(importlib.import_module(self._module), name)


if TYPE_CHECKING:
    from newsdesk import stories, verify, write
    from newsdesk.ingest import ImportResult as ImportResult
    from newsdesk.ingest import feeds, web
    from newsdesk.ingest import stage as ingest_stage
    from newsdesk.ingest.result import PollSummary
    from newsdesk.ingest.web import Discovered
    from newsdesk.language.encoder import check_device as check_device
    from newsdesk.publish import SiteResult, jekyll, model
    from newsdesk.publish import stage as publish_stage
    from newsdesk.publish.stage import Format
    from newsdesk.stories import Evaluation as Evaluation
    from newsdesk.stories import embeddings
    from newsdesk.verify import Report
    from newsdesk.verify import edits as edits
else:
    ingest_stage = _OnFirstUse("newsdesk.ingest.stage")
    feeds = _OnFirstUse("newsdesk.ingest.feeds")
    web = _OnFirstUse("newsdesk.ingest.web")
    stories = _OnFirstUse("newsdesk.stories")
    embeddings = _OnFirstUse("newsdesk.stories.embeddings")
    write = _OnFirstUse("newsdesk.write")
    verify = _OnFirstUse("newsdesk.verify")
    publish_stage = _OnFirstUse("newsdesk.publish.stage")
    jekyll = _OnFirstUse("newsdesk.publish.jekyll")
    model = _OnFirstUse("newsdesk.publish.model")
    edits = _OnFirstUse("newsdesk.verify.edits")

_REEXPORTED = {
    "ImportResult": "newsdesk.ingest",  # the CLI renders it
    "Evaluation": "newsdesk.stories",  # the CLI renders it
    "check_device": "newsdesk.language.encoder",  # the CLI checks --device before any work
}


def __getattr__(name: str) -> object:
    """The re-exported names of ``_REEXPORTED``, imported on first use (PEP 562)."""
    if name not in _REEXPORTED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_REEXPORTED[name]), name)
    globals()[name] = value
    return value


STAGE_NAMES = ("ingest", "stories", "write", "verify", "publish")


def stages_for(
    config: Config, names: Sequence[str] = STAGE_NAMES, *, sample: bool = False
) -> list[Stage]:
    """The stage objects for ``names``, in pipeline order.

    The verify gate sends flagged sentences back to the writer that wrote
    them, so the write and verify stages share their writers. ``sample``: the
    ingest stage imports the bundled sample instead of the configured dumps
    and feeds.
    """
    unknown = [n for n in names if n not in STAGE_NAMES]
    if unknown:
        raise ValueError(f"unknown stage {unknown[0]!r}; stages: {', '.join(STAGE_NAMES)}")
    if sample and "ingest" not in names:
        raise ValueError("sample=True needs the ingest stage: it is what imports the sample")
    writing = functools.cache(lambda: write.WriteStage.for_config(config))
    factories: dict[str, Callable[[], Stage]] = {
        "ingest": lambda: ingest_stage.IngestStage.for_config(config, sample=sample),
        "stories": stories.StoriesStage,
        "write": writing,
        "verify": lambda: verify.VerifyStage(writing().writers),
        "publish": publish_stage.PublishStage,
    }
    return [factories[n]() for n in STAGE_NAMES if n in names]


def run(
    config: Config | None = None,
    *,
    stages: Sequence[str] = STAGE_NAMES,
    sample: bool = False,
    progress: Progress | None = None,
    wait: bool = False,
) -> Run:
    """Run the pipeline (or the named ``stages``) and return the run's record.

    The ingest stage reads the configured dumps and feeds; with ``sample`` it
    imports the bundled sample corpus (84 articles on 30 events) instead, into
    a database that holds nothing else. Raises ``InputError``, before the run
    starts and so leaving nothing in the store, when the sample would join
    other articles, or when there is nothing to read: no dump, no feed and no
    article stored. Raises ``StoreBusy`` when another run holds the store,
    unless ``wait``: then it waits for that run to end.

    Example::

        import newsdesk
        config = newsdesk.load_config(database="demo.db", site_dir="out")
        run = newsdesk.run(config, sample=True)
        print([(s.stage, s.items_out) for s in run.stages])
    """
    config = config or load_config()
    chosen = stages_for(config, stages, sample=sample)
    try:
        for stage in chosen:
            if isinstance(stage, ingest_stage.IngestStage):
                with _existing(config) as existing:
                    stage.check(config, existing)
        store = open_store(config.store.database)
    except BaseException:
        _close(chosen)
        raise
    return _run_and_close(store, config, chosen, progress, wait)


@contextmanager
def _existing(config: Config) -> Iterator[Store | None]:
    """The configured store when its database exists, else ``None``: a check before a run
    must not leave an empty database behind when it refuses the run."""
    database = config.store.database
    if str(database) == ":memory:" or not Path(database).exists():
        yield None
        return
    with opened(config) as store:
        yield store


def run_stages(
    config: Config,
    stages: Sequence[Stage],
    progress: Progress | None = None,
    *,
    wait: bool = False,
) -> Run:
    """Run ``stages`` through the ``Engine`` over the configured store, then close both."""
    return _run_and_close(open_store(config.store.database), config, stages, progress, wait)


def _run_and_close(
    store: Store, config: Config, stages: Sequence[Stage], progress: Progress | None, wait: bool
) -> Run:
    try:
        return Engine(store, config, progress, wait=wait).run(stages)
    finally:
        _close(stages)
        store.close()


def _close(stages: Sequence[Stage]) -> None:
    """Close the stages that hold something open (an LLM writer's HTTP client)."""
    for stage in stages:
        close = getattr(stage, "close", None)
        if callable(close):
            close()


def import_files(
    config: Config, paths: Sequence[Path], *, progress: Progress | None = None, wait: bool = False
) -> ImportResult:
    """Import JSONL dumps and WARC archives (by their names) as an ingest run.

    A file that cannot be read is one problem in the result and the other
    files are imported; ``result.files`` holds each file's own result.
    """
    stage = ingest_stage.ImportStage(paths)
    run_stages(config, [stage], progress, wait=wait)
    return stage.result


@dataclass(frozen=True)
class Polled:
    """A feed poll's run and what the poll did (``None`` when no feed was polled)."""

    run: Run
    poll: PollSummary | None


def ingest(
    config: Config,
    *,
    all_feeds: bool = False,
    progress: Progress | None = None,
    wait: bool = False,
) -> Polled:
    """Poll the feeds that are due (``all_feeds``: every feed) as an ingest run.

    Raises ``InputError`` when there is no feed to poll.
    """
    stage = ingest_stage.IngestStage([], force=all_feeds)
    with opened(config) as store:
        if not web.all_feeds(config, store):
            raise InputError(
                "no feeds: add one with `newsdesk feeds add URL`, or [[feeds]] in newsdesk.toml"
            )
        run = Engine(store, config, progress, wait=wait).run([stage])
    return Polled(run, stage.poll)


def update_stories(
    config: Config,
    *,
    device: str | None = None,
    progress: Progress | None = None,
    wait: bool = False,
) -> Run:
    """Run the stories stage alone: cluster the articles that have no story yet.

    ``device`` is where MiniLM embeds them (default: ``[stories] device``).
    """
    return run_stages(config, [stories.StoriesStage(device)], progress, wait=wait)


def evaluate_stories(
    config: Config, path: Path, *, split: str | None = None, device: str | None = None
) -> Evaluation:
    """Cluster a labelled set (a JSONL file or a folder) from scratch and score it.

    Returns BCubed precision, recall and F1 against the set's labels (only
    the clusters of ``split`` when given), with what the stream did. Nothing
    is stored.
    """
    params = stories.Params.of(config.stories, config.ingest.near_duplicate)
    labelled = stories.read_labelled(path, split)
    return stories.evaluate(labelled, params, embeddings.Embedder(device or config.stories.device))


@dataclass(frozen=True)
class Published:
    """A publish run, what the build wrote, and where: the site's front page or ``_posts``."""

    run: Run
    files: SiteResult
    location: Path


def publish(
    config: Config,
    target: Path | None = None,
    format: Format = "site",
    *,
    progress: Progress | None = None,
    wait: bool = False,
) -> Published:
    """Publish the verified stories as a publish run.

    ``site``: the static site in ``target`` (default: the settings' ``site_dir``).
    ``jekyll``: one Markdown post per story in ``target/_posts`` (``target``
    required); a folder that cannot be written is an ``InputError``.
    """
    if format == "jekyll":
        if target is None:
            raise InputError("give the Jekyll site's folder for the posts")
        location = target / jekyll.POSTS
    else:
        config = apply_overrides(config, site_dir=target)
        location = site_index(config)
    stage = publish_stage.PublishStage(format, target)
    run = run_stages(config, [stage], progress, wait=wait)
    return Published(run, stage.result, location)


def site_index(config: Config) -> Path:
    """Where the front page of the published site is."""
    return config.publish.site_dir / "index.html"


@contextmanager
def opened(config: Config) -> Iterator[Store]:
    """The configured store, closed when the block ends."""
    store = open_store(config.store.database)
    try:
        yield store
    finally:
        store.close()


def withheld_because(config: Config, store: Store, story_id: str) -> str | None:
    """Why the stored draft of ``story_id`` is not on the site, or None when it is."""
    draft = store.draft(story_id)
    if draft is None:
        return "no draft yet"
    verdicts = store.verdicts(story_id)
    record = store.gate_record(story_id)
    publish = config.publish
    return model.withheld_because(
        draft,
        verdicts,
        publish.min_outlets,
        record,
        publish.language,
        store.review(story_id),
        config.desk.approve_before_publish,
    )


@dataclass(frozen=True)
class Edited:
    """An editor's change as stored (``edit.revision`` numbers it), the draft it made
    and the checker's verdict on every sentence of it."""

    edit: DraftEdit
    draft: Draft
    verdicts: tuple[Verdict, ...]


def edit_draft(
    config: Config,
    story_id: str,
    position: int,
    text: str | None,
    editor: str,
    expected: str | None = None,
) -> Edited:
    """Change the sentence at ``position`` of the stored draft to ``text`` (None: remove
    it), check the whole draft again with the gate's checker against the story's articles
    (``verify.edits``), and store the draft, its verdicts and the edit as one new
    revision. ``expected`` is the sentence's text as the editor saw it: when the draft has
    changed since (another editor, a new version), nothing is stored (``InputError``)."""
    with opened(config) as store:
        draft = store.draft(story_id)
        if draft is None:
            raise InputError(f"no draft for story {story_id!r}")
        if not 0 <= position < len(draft.sentences):
            raise InputError(f"the draft has no sentence {position}")
        before = draft.sentences[position]
        if expected is not None and expected.split() != before.text.split():
            raise InputError("the draft changed since this page was loaded: reload it")
        changed = (
            edits.removed(draft, position) if text is None else edits.edited(draft, position, text)
        )
        verdicts = edits.recheck(changed, _articles_of(store, changed), config.verify)
        if text is None:
            label, reason, after = "removed", "", ""
        else:
            label, reason = verdicts[position].label, verdicts[position].reason
            after = changed.sentences[position].text
        edit = DraftEdit(
            story_id,
            0,
            draft.version,
            position,
            before.kind,
            "remove" if text is None else "edit",
            before.text,
            after,
            label,
            reason,
            editor,
            _now(),
        )
        stored = store.save_edit(changed, verdicts, edit)
        return Edited(stored, changed, verdicts)


@dataclass(frozen=True)
class Reviewed:
    """A decision as stored, and the publish run it started (None when another run held
    the store: the next publish honours the decision all the same)."""

    review: Review
    published: Published | None


def review_story(
    config: Config, story_id: str, decision: Decision, reason: str, editor: str
) -> Reviewed:
    """Approve, reject or hold the stored draft of ``story_id``, then publish the site as
    configured (a publish run), so the decision reaches readers at once.

    An approval is refused (``InputError``, nothing stored) unless every sentence of the
    draft passes the checker now (checked again, as ``edit_draft`` does) and nothing but
    the gate's hold keeps it off the site. A rejection needs a reason."""
    reason = " ".join(reason.split())
    if decision == "rejected" and not reason:
        raise InputError("say why the story is rejected")
    with opened(config) as store:
        draft = store.draft(story_id)
        if draft is None:
            raise InputError(f"no draft for story {story_id!r}")
        if decision == "approved":
            _approvable(config, store, draft)
        review = Review(story_id, draft.version, decision, reason, editor, _now())
        store.save_review(review)
    return Reviewed(review, _publish_unless_busy(config))


@dataclass(frozen=True)
class Corrected:
    """A correction as stored (with its id), and the publish run that put it on the site
    (None when another run held the store: the next publish carries it)."""

    correction: Correction
    published: Published | None


def file_correction(
    config: Config, story_id: str, wrong: str, right: str, source: str, editor: str
) -> Corrected:
    """File a correction on a story on the site: what was wrong, what is right, and the
    story's article it rests on (its id or URL). The draft is checked again (its
    verdicts stored, so a sentence that no longer passes leaves the page), the
    correction stored, and the site published with a dated note on the story's page, on
    ``corrections.html`` and in ``corrections.atom``. ``InputError`` for an empty field,
    a story not on the site, or a source that is not one of the story's articles."""
    wrong, right, source = (" ".join(v.split()) for v in (wrong, right, source))
    if not (wrong and right and source):
        raise InputError("say what was wrong, what is right, and the source it rests on")
    with opened(config) as store:
        draft = store.draft(story_id)
        why = "no draft" if draft is None else withheld_because(config, store, story_id)
        if draft is None or why is not None:
            raise InputError(f"only a story on the site takes a correction; this one: {why}")
        articles = _articles_of(store, draft)
        found = next((a for a in articles if source in (a.id, a.url)), None)
        if found is None:
            raise InputError(f"{source!r} is not one of the story's articles (id or URL)")
        verdicts = edits.recheck(draft, articles, config.verify)
        if list(verdicts) != store.verdicts(story_id):
            store.save_verdicts(draft, verdicts)
        stored = store.save_correction(Correction(story_id, wrong, right, found.id, editor, _now()))
    return Corrected(stored, _publish_unless_busy(config))


@dataclass(frozen=True)
class SourceAdded:
    """A source an editor added to a story, as stored (cleaned); the edit that made a
    sentence cite it (None when none was asked for) and the checker's verdicts now."""

    article: Article
    edit: DraftEdit | None
    verdicts: tuple[Verdict, ...]


MAX_SOURCE_TEXT = 200_000
"""The longest pasted source text the desk takes, in characters."""


def add_source(
    config: Config,
    story_id: str,
    *,
    outlet: str,
    url: str,
    date: str,
    title: str,
    text: str,
    editor: str,
    position: int | None = None,
    passage: str = "",
) -> SourceAdded:
    """Add a source an editor pasted (outlet, URL or none, date, title, text) to the story
    as one of its articles, then check the draft again.

    The article goes through the store's article path (``add_article``: cleaned at the
    door like every article) and is assigned to the story (``assign``); who added it and
    when are its ``extra`` (``added_by``, ``added_at``). The checker judges a sentence by
    the spans it cites, so with ``position`` the sentence there cites ``passage`` (a
    passage of the pasted text) as well, recorded as a ``cite`` revision of the edit
    history. Nothing is stored on an ``InputError``: an empty field, a date that is not
    ``YYYY-MM-DD``, a URL that is not http(s), a passage the text does not hold."""
    outlet, title, url = (" ".join(v.split()) for v in (outlet, title, url))
    date, passage = date.strip(), " ".join(passage.split())
    if not (outlet and title and text.strip()):
        raise InputError("give the source's outlet, title and text")
    if len(text) > MAX_SOURCE_TEXT:
        raise InputError(f"a source's text is at most {MAX_SOURCE_TEXT} characters")
    problem = (
        "is not a day written YYYY-MM-DD"
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
        else sanitise.day_problem(date, datetime.now(UTC).date())
    )
    if problem is not None:
        raise InputError(f"the date {date!r} {problem}")
    if url and not re.fullmatch(r"https?://\S+", url, re.IGNORECASE):
        raise InputError("a source's URL must start with http:// or https://")
    key = "\n".join((story_id, outlet, url, title, text))
    article = Article(
        id="desk-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16],
        url=url,
        outlet=outlet,
        title=title,
        text=text,
        published=date,
        date_source="given",
    )
    return _store_source(config, story_id, article, editor, position, passage)


def add_source_from_url(
    config: Config,
    story_id: str,
    url: str,
    editor: str,
    position: int | None = None,
    passage: str = "",
) -> SourceAdded:
    """Add the article of the page at ``url`` to the story, read as ingest reads a page
    (``ingest.web.read_page``: the downloader with its SSRF guard and caps, the
    extraction within ``[ingest]``'s limits), then as ``add_source`` does. ``InputError``
    (nothing stored) for a URL that is not http(s), a fetch that fails or is refused, a
    page with no article or no date."""
    url = " ".join(url.split())
    if not re.fullmatch(r"https?://\S+", url, re.IGNORECASE):
        raise InputError("a source's URL must start with http:// or https://")
    try:
        article = web.read_page(url, config)
    except NewsdeskError as error:
        raise InputError(f"cannot add {url}: {error}") from None
    if article.published is None:
        raise InputError(f"cannot add {url}: the page gives no date; paste the source instead")
    return _store_source(config, story_id, article, editor, position, " ".join(passage.split()))


def _store_source(
    config: Config,
    story_id: str,
    article: Article,
    editor: str,
    position: int | None,
    passage: str,
) -> SourceAdded:
    """Store ``article`` (cleaned, marked as ``editor``'s) in the story, make the sentence
    at ``position`` cite ``passage`` of it, and check the draft again."""
    if position is not None and not passage:
        raise InputError("give the passage of the source that the sentence rests on")
    with opened(config) as store:
        draft = store.draft(story_id)
        if draft is None:
            raise InputError(f"no draft for story {story_id!r}")
        if position is not None and not 0 <= position < len(draft.sentences):
            raise InputError(f"the draft has no sentence {position + 1}")
        added = {**article.extra, "added_by": editor, "added_at": _now()}
        article = sanitise.clean_article(replace(article, extra=added))
        changed = draft
        if position is not None:
            span = _passage(article.text, passage)
            sentence = draft.sentences[position]
            cited = replace(
                sentence, citations=(*sentence.citations, Citation(article.id, *span, "text"))
            )
            sentences = list(draft.sentences)
            sentences[position] = cited
            changed = replace(draft, sentences=tuple(sentences))
        with store.transaction():
            if not store.add_article(article, None):
                raise InputError("this source is stored already")
            store.assign(article, story_id, None)
        verdicts = edits.recheck(changed, _articles_of(store, changed), config.verify)
        edit = None
        if position is not None:
            before = draft.sentences[position]
            edit = store.save_edit(
                changed,
                verdicts,
                DraftEdit(
                    story_id,
                    0,
                    draft.version,
                    position,
                    before.kind,
                    "cite",
                    before.text,
                    before.text,
                    verdicts[position].label,
                    verdicts[position].reason,
                    editor,
                    _now(),
                ),
            )
        elif list(verdicts) != store.verdicts(story_id):
            store.save_verdicts(changed, verdicts)
        return SourceAdded(article, edit, verdicts)


def _passage(text: str, passage: str) -> tuple[int, int]:
    """Where ``passage`` (its words, whatever the spaces between them) is in ``text``."""
    pattern = r"\s+".join(re.escape(word) for word in passage.split())
    found = re.search(pattern, text)
    if found is None:
        raise InputError("the passage is not in the source's text: copy it from the text")
    return found.start(), found.end()


def _publish_unless_busy(config: Config) -> Published | None:
    """Publish now; None when another run holds the store (its publish, or the next,
    carries the editor's decision)."""
    try:
        return publish(config)
    except StoreBusy:
        return None


def _approvable(config: Config, store: Store, draft: Draft) -> None:
    """Refuses (``InputError``) a draft that may not be approved, saying why; stores the
    checker's verdicts of now when they differ from those stored."""
    verdicts = edits.recheck(draft, _articles_of(store, draft), config.verify)
    if list(verdicts) != store.verdicts(draft.story_id):
        store.save_verdicts(draft, verdicts)
    failing = [v for v in verdicts if not v.supported]
    if failing:
        numbers = ", ".join(str(v.position + 1) for v in failing)
        raise InputError(
            f"cannot approve: sentence{'s' * (len(failing) > 1)} {numbers} did not pass"
            " the checker; edit or remove it first"
        )
    publish_settings = config.publish
    why = model.withheld_because(
        draft, verdicts, publish_settings.min_outlets, None, publish_settings.language
    )
    if why is not None:
        raise InputError(f"cannot approve: {why}")


def _articles_of(store: Store, draft: Draft) -> list[Article]:
    """The articles a draft is checked against: its story's, as the verify stage reads
    them (those it cites when the story is gone)."""
    story = store.story(draft.story_id)
    cited = sorted({c.article_id for s in draft.sentences for c in s.citations})
    return store.articles(story.article_ids if story else cited)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_story(config: Config, story_id: str) -> Report:
    """Re-check the stored draft of ``story_id`` against its stored source articles."""
    with opened(config) as store:
        draft = store.draft(story_id)
        if draft is None:
            raise InputError(f"no draft for story {story_id!r}")
        ids = sorted({c.article_id for s in draft.sentences for c in s.citations})
        return verify.check_draft(draft, store.articles(ids), config.verify.min_coverage)


def check_file(config: Config, article: Path, sources: Path, as_of: str | None = None) -> Report:
    """Check an article file (Markdown, HTML or text) against a JSONL file of sources.

    ``as_of`` is the date the article speaks from (default: its own date).
    """
    text = read_text(article)
    return verify.check_article(
        text,
        verify.load_sources(sources),
        name=str(article),
        as_of=as_of,
        min_coverage=config.verify.min_coverage,
    )


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


@dataclass(frozen=True)
class AddedFeed:
    """The feed a URL led to, and whether it was new to the store."""

    found: Discovered
    added: bool


def add_feed(
    config: Config,
    url: str,
    *,
    name: str | None = None,
    outlet: str | None = None,
    category: str | None = None,
) -> AddedFeed:
    """Fetch ``url`` (a feed, or a page announcing one) and store its feed."""
    found = web.discover(url, config.fetch, name=name, outlet=outlet, category=category)
    with opened(config) as store:
        return AddedFeed(found, store.add_feed(found.feed))


def import_opml(config: Config, path: Path) -> tuple[int, int]:
    """Store the feeds of an OPML subscription list: ``(added, listed)``."""
    listed = feeds.read_opml(path)
    with opened(config) as store, store.transaction():
        added = sum(store.add_feed(feed) for feed in listed)
    return added, len(listed)


@dataclass(frozen=True)
class ListedFeed:
    """A feed newsdesk polls: from the settings file or added, and how its polls went."""

    feed: Feed
    configured: bool
    state: FeedState | None


def list_feeds(config: Config) -> list[ListedFeed]:
    """The feeds of the settings file and those stored, with their poll state."""
    configured = {feed.url for feed in config.feeds}
    with opened(config) as store:
        return [
            ListedFeed(feed, feed.url in configured, store.feed_state(feed.url))
            for feed in web.all_feeds(config, store)
        ]
