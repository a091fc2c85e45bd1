"""Render the static site and write only the files whose bytes changed.

The site is a pure function of the store: no current time, no randomness, no
dict-order accidents, so that publishing twice in a row produces identical
bytes. That is what lets ``build_site`` compare each rendered file with the
one on disk and leave unchanged files (and their mtimes) alone, and lets the
``publications`` table stay untouched on a re-run.

A story page keeps its path when the story is rewritten (see
``PublishedStory.slug``). When stories merge, the page of the story that
joined another becomes a redirect to the surviving story's page. Files from
earlier runs whose story is no longer published (the verify gate now blocks
or holds it) are left in place: removing files is a decision for the
operator, and the index, category pages and feed no longer link to them. The
page of a story an editor rejected after it was published (the store records
the page) becomes a notice that the editors withdrew it, saying why and when:
links to it, and readers who saw it, learn that it was withdrawn rather than
reading it still.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from newsdesk.config import PublishSettings
from newsdesk.engine import Progress
from newsdesk.publish.files import write_if_changed
from newsdesk.publish.json_api import render_api
from newsdesk.publish.model import (
    PublishedStory,
    PublishStore,
    ThreadRef,
    Withdrawn,
    published_stories,
)
from newsdesk.publish.ranking import ranked
from newsdesk.publish.text import human_date, iso_day
from newsdesk.records import CATEGORIES, Publication
from newsdesk.store import DraftStore

STAGE = "publish"
EPOCH = "1970-01-01T00:00:00Z"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass
class SiteResult:
    """What one build did. ``pages`` counts published stories; ``drafts`` those considered.

    ``removed`` lists files taken down because their story is no longer
    published (Jekyll posts only: the site just stops linking to such pages).
    """

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    pages: int = 0
    drafts: int = 0
    starter: str | None = None
    """A configuration file written because the target had none (Jekyll's ``_config.yml``)."""
    undated: list[str] = field(default_factory=list)
    """Stories with no dated source: on the site, labelled undated, but not filed as a
    Jekyll post (its file name is a date) until a dated article joins them."""


@dataclass(frozen=True)
class RenderedFile:
    """One output file: its path relative to the site root, its bytes, and its story if any."""

    path: str
    data: bytes
    story_id: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Section:
    """A category with at least one published story, for navigation and its own page."""

    name: str
    slug: str
    stories: tuple[PublishedStory, ...]

    @property
    def path(self) -> str:
        return f"category/{self.slug}.html"


def build_site(
    store: PublishStore,
    settings: PublishSettings,
    progress: Progress | None = None,
    *,
    approval_required: bool = False,
) -> SiteResult:
    """Publish every draft the verify gate lets through into ``settings.site_dir``
    (with ``approval_required``, ``[desk] approve_before_publish``: only those an editor
    approved).

    Each file is written only when the file on disk is missing or differs, and
    recorded in the store only when its recorded hash differs, so a second run
    over an unchanged store writes nothing and changes no rows.
    """
    selection = published_stories(
        store,
        settings.min_outlets,
        progress,
        STAGE,
        language=settings.language,
        approval_required=approval_required,
    )
    result = SiteResult(pages=len(selection.stories), drafts=selection.drafts)
    withdrawn = [w for w in selection.withdrawn if store.publication(w.path) is not None]
    for rendered in render_site(selection.stories, settings, selection.roundups, withdrawn):
        _emit(store, Path(settings.site_dir), rendered, result)
    return result


def render_site(
    stories: Iterable[PublishedStory],
    settings: PublishSettings,
    roundups: Sequence[PublishedStory] = (),
    withdrawn: Sequence[Withdrawn] = (),
) -> list[RenderedFile]:
    """Every file of the site, in a fixed order, rendered from ``stories`` and the weekly
    ``roundups`` of their threads (linked from the thread pages and in the feed, not
    ranked on the front page, whose stories they retell), with a notice in place of the
    page of each ``withdrawn`` story."""
    ordered = newest_first(stories)
    front = ranked(ordered)
    sections = _sections(front)
    base_url = _base_url(settings.base_url)
    common: dict[str, Any] = {
        "site_title": settings.site_title,
        "base_url": base_url,
        "sections": sections,
    }
    nested = {**common, "root": "../"}
    top = {**common, "root": "", "current_section": ""}
    files = [_render("index.html", "index.html", top, stories=front)]
    files += [_story_page(story, nested) for story in ordered]
    files += [page for story in ordered for page in _redirect_pages(story, nested)]
    files += [_withdrawn_page(notice, nested) for notice in withdrawn]
    files += [_category_page(section, nested) for section in sections]
    weekly = newest_first(roundups)
    files += [_story_page(roundup, nested) for roundup in weekly]
    files += [
        _thread_page(thread, members, weekly, nested) for thread, members in _threads(ordered)
    ]
    dated = [s for s in newest_first([*ordered, *weekly]) if iso_day(s.date)]  # needs <updated>
    files.append(_render("feed.atom", "feed.atom", top, stories=dated, updated=_updated(dated)))
    files += _corrections(ordered, top, _updated(dated))
    files.append(_render("style.css", "style.css", {}))
    api = render_api(front, settings.site_title, base_url)
    files += [RenderedFile(path, data) for path, data in api]
    return files


def _corrections(
    stories: Sequence[PublishedStory], top: Mapping[str, Any], site_updated: str
) -> list[RenderedFile]:
    """The corrections page and its Atom feed: every correction of a published story,
    newest first (both always exist, so their addresses never break; with no correction
    the feed is as recent as the site's, ``site_updated``)."""
    notes = sorted(
        ((note, story) for story in stories for note in story.corrections),
        key=lambda pair: (pair[0].at, pair[0].id),
        reverse=True,
    )
    updated = max((note.at for note, _ in notes), default=site_updated)
    return [
        _render("corrections.html", "corrections.html", top, notes=notes),
        _render("corrections.atom", "corrections.atom", top, notes=notes, updated=updated),
    ]


def _story_page(story: PublishedStory, common: Mapping[str, Any]) -> RenderedFile:
    """A story page is recorded with its story id so publications can be traced back."""
    context = {**common, "current_section": story.category_slug, "story": story}
    page = _render("story.html", story.path, context)
    return RenderedFile(page.path, page.data, story.story_id)


def _withdrawn_page(notice: Withdrawn, common: Mapping[str, Any]) -> RenderedFile:
    """The notice that takes the place of a rejected story's page."""
    context = {**common, "current_section": "", "notice": notice}
    page = _render("withdrawn.html", notice.path, context)
    return RenderedFile(page.path, page.data, notice.review.story_id)


def _redirect_pages(story: PublishedStory, common: Mapping[str, Any]) -> list[RenderedFile]:
    """The old page of every story merged into ``story`` sends readers (and links) to it."""
    pages = []
    for slug in story.redirects:
        page = _render("redirect.html", f"stories/{slug}.html", {**common, "story": story})
        pages.append(RenderedFile(page.path, page.data, story.story_id))
    return pages


def _threads(
    stories: Sequence[PublishedStory],
) -> list[tuple[ThreadRef, list[PublishedStory]]]:
    """Each thread with its published stories, oldest first (undated ones last)."""
    members: dict[str, list[PublishedStory]] = {}
    refs: dict[str, ThreadRef] = {}
    for story in stories:
        if story.thread is not None:
            refs[story.thread.id] = story.thread
            members.setdefault(story.thread.id, []).append(story)
    return [
        (refs[key], sorted(found, key=lambda s: (s.date is None, s.date or "", s.story_id)))
        for key, found in sorted(members.items())
    ]


def _thread_page(
    thread: ThreadRef,
    stories: Sequence[PublishedStory],
    roundups: Sequence[PublishedStory],
    common: Mapping[str, Any],
) -> RenderedFile:
    """A thread's page: its stories as a dated timeline, one line each, and its weekly
    roundups, newest first."""
    weeks = [r for r in roundups if r.roundup is not None and r.roundup.thread.id == thread.id]
    context = {
        **common,
        "current_section": "",
        "thread": thread,
        "stories": stories,
        "roundups": weeks,
    }
    return _render("thread.html", thread.path, context)


def _category_page(section: Section, common: Mapping[str, Any]) -> RenderedFile:
    context = {**common, "current_section": section.slug, "section": section}
    return _render("category.html", section.path, context)


def newest_first(stories: Iterable[PublishedStory]) -> list[PublishedStory]:
    """Date descending, undated last, ties broken by story id so the order never wobbles."""
    by_id = sorted(stories, key=lambda s: s.story_id)
    return sorted(by_id, key=lambda s: s.date or "", reverse=True)


def _sections(stories: Sequence[PublishedStory]) -> list[Section]:
    """Categories in taxonomy order (unknown ones after, by name), only if they have stories;
    each keeps the order of ``stories``."""
    grouped: dict[str, list[PublishedStory]] = {}
    for story in stories:
        grouped.setdefault(story.category, []).append(story)
    return [
        Section(name, grouped[name][0].category_slug, tuple(grouped[name]))
        for name in sorted(grouped, key=_category_order)
    ]


def _category_order(name: str) -> tuple[int, str]:
    return (CATEGORIES.index(name) if name in CATEGORIES else len(CATEGORIES), name)


def _base_url(url: str) -> str:
    """Absolute links are built by appending paths, so the base must end with a slash."""
    return url if url.endswith("/") else url + "/"


def atom_time(date: str | None) -> str:
    """A draft date as an Atom timestamp at midnight UTC; never the current time."""
    match = _ISO_DATE.match(date or "")
    return f"{match.group(0)}T00:00:00Z" if match else EPOCH


def atom_id(story: PublishedStory, base_url: str) -> str:
    """A tag URI on the story id: stable even when a rewrite changes the headline slug."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},2000:newsdesk/story/{story.story_id}"


def _updated(stories: Sequence[PublishedStory]) -> str:
    return max((atom_time(s.date) for s in stories), default=EPOCH)


@cache
def environment() -> jinja2.Environment:
    """One shared environment; autoescape is on for every template, HTML and XML alike."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsdesk.publish", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["human_date"] = human_date
    env.filters["atom_time"] = atom_time
    env.globals["atom_id"] = atom_id
    return env


def _render(template: str, path: str, common: Mapping[str, Any], **values: Any) -> RenderedFile:
    text = environment().get_template(template).render({**common, **values})
    if not text.endswith("\n"):
        text += "\n"
    return RenderedFile(path, text.encode("utf-8"))


def _emit(store: DraftStore, site_dir: Path, rendered: RenderedFile, result: SiteResult) -> None:
    """Write ``rendered`` if the file on disk differs, then record it if the store differs."""
    target = site_dir.joinpath(*rendered.path.split("/"))
    if write_if_changed(target, rendered.data):
        result.written.append(rendered.path)
    else:
        result.unchanged.append(rendered.path)
    record = Publication(rendered.path, rendered.sha256, rendered.story_id)
    if store.publication(rendered.path) != record:
        store.save_publication(record)
