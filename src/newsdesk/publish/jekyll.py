"""Jekyll output: one Markdown post per published story, for an existing Jekyll site.

``build_jekyll`` writes ``DIR/_posts/YYYY-MM-DD-slug.md`` with YAML front
matter (``layout: post``, title, category, date, author, sources, ...) and a
Markdown body. What is published is decided by ``model.published_stories``,
exactly as for the HTML site. A post's bytes are a pure function of the store,
and posts are written atomically and only when their bytes change, like the
site. Unlike a site page, a post is listed by Jekyll just for being in
``_posts``, so the post of a story that is no longer published (the gate now
holds or blocks its draft) is removed; other files there are never touched.

When stories merge, the post of the story that joined another is removed
and the surviving post lists the old URL in ``redirect_from`` (read by the
jekyll-redirect-from plugin; ignored without it).

A rewritten story keeps its post: the slug never changes, a post already on
disk for the story keeps its file name (a second file would make Jekyll list
the story twice), and ``permalink`` pins the URL to the site's story path, so
a new date or category does not move the page either.

A corrected story's post carries its corrections as the page does: a dated
"Corrections" section at the end of the body, and in the front matter a
``corrections`` list (date, wrong, right, source outlet and URL) and
``last_modified_at`` (when the latest was filed, the key jekyll-seo-tag,
jekyll-feed and jekyll-sitemap read); both come from the store, so the post's
bytes change only when a correction is filed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from newsdesk.config import PublishSettings
from newsdesk.engine import Progress
from newsdesk.language.attribution import attribute
from newsdesk.publish.files import write_if_changed
from newsdesk.publish.markdown import front_matter_text, md_link, md_text, md_url
from newsdesk.publish.model import (
    CorrectionNote,
    FurtherItem,
    Line,
    PublishedStory,
    PublishStore,
    SourceItem,
    published_stories,
)
from newsdesk.publish.site import SiteResult, newest_first
from newsdesk.publish.text import human_date, iso_day

STAGE = "publish"
POSTS = "_posts"
_POST_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}-(?P<slug>.+)\.md$")


def build_jekyll(
    store: PublishStore,
    settings: PublishSettings,
    directory: Path,
    progress: Progress | None = None,
    *,
    approval_required: bool = False,
) -> SiteResult:
    """Write a post for every story the verify gate lets through into ``directory/_posts``
    (with ``approval_required``: only those an editor approved, see ``build_site``).

    ``pages`` counts posts; ``written`` and ``unchanged`` list paths relative
    to ``directory``, so a second run over an unchanged store writes nothing.
    """
    selection = published_stories(
        store,
        settings.min_outlets,
        progress,
        STAGE,
        language=settings.language,
        approval_required=approval_required,
    )
    posts = Path(directory) / POSTS
    result = SiteResult(pages=len(selection.stories), drafts=selection.drafts)
    existing = _existing_posts(posts)
    retired = list(selection.withheld)
    for story in newest_first(selection.stories):
        day = post_day(story)
        if day is None:
            result.undated.append(story.story_id)
            continue
        name = existing.get(story.slug) or f"{day}-{story.slug}.md"
        data = render_post(story, author=settings.site_title).encode("utf-8")
        path = f"{POSTS}/{name}"
        (result.written if write_if_changed(posts / name, data) else result.unchanged).append(path)
        retired += story.redirects
    for slug in retired:
        if slug in existing:
            (posts / existing[slug]).unlink(missing_ok=True)
            result.removed.append(f"{POSTS}/{existing[slug]}")
    if write_starter_config(Path(directory), settings):
        result.starter = CONFIG
    return result


CONFIG = "_config.yml"


def write_starter_config(directory: Path, settings: PublishSettings) -> bool:
    """Write a starter ``_config.yml`` (the minima theme, the feed and SEO plugins) into a
    folder that has none, so that ``jekyll build`` there works at once; never overwrite one.
    Returns whether it wrote one."""
    path = directory / CONFIG
    if path.exists():
        return False
    base = urlsplit(settings.base_url)
    values = {
        "title": settings.site_title,
        "url": f"{base.scheme}://{base.netloc}" if base.netloc else "",
        "baseurl": base.path.rstrip("/"),
        "theme": "minima",
        "plugins": ["jekyll-feed", "jekyll-seo-tag"],
    }
    text = (
        "# A starter Jekyll configuration, written by `newsdesk publish --format jekyll`\n"
        "# because this folder had none. Edit it freely: newsdesk never overwrites it.\n"
        "# The minima theme is Debian's jekyll-theme-minima or the minima gem.\n" + _dump(values)
    )
    write_if_changed(path, text.encode("utf-8"))
    return True


def _existing_posts(posts: Path) -> dict[str, str]:
    """Post file names on disk by slug; the earliest wins if an operator left duplicates."""
    if not posts.is_dir():
        return {}
    found: dict[str, str] = {}
    for path in sorted(posts.iterdir()):
        match = _POST_NAME.match(path.name)
        if match and path.is_file():
            found.setdefault(match.group("slug"), path.name)
    return found


def post_day(story: PublishedStory) -> str | None:
    """The day a post is filed under: the draft's date. An undated story is not filed
    (a post's file name is its date, and newsdesk never makes one up)."""
    return iso_day(story.date)


def render_post(story: PublishedStory, author: str) -> str:
    """Front matter and Markdown body of one post."""
    return f"---\n{_dump(front_matter(story, author))}---\n\n{markdown_body(story)}"


def front_matter(story: PublishedStory, author: str) -> dict[str, Any]:
    """The post's metadata; every string a layout may print is HTML-escaped already.

    ``author`` is the desk (``site_title``): the article is written from its
    sources, which the ``sources`` list credits.
    """
    day = post_day(story)
    matter: dict[str, Any] = {
        "layout": "post",
        "title": front_matter_text(story.headline.text),
        "category": front_matter_text(story.category),
    }
    if day is not None:
        matter["date"] = datetime.date.fromisoformat(day)
    matter["author"] = front_matter_text(author)
    matter["permalink"] = f"/{story.path}"
    if story.dek:
        matter["dek"] = front_matter_text(story.dek.text)
    matter["read_time"] = story.minutes
    if story.updated:
        matter["version"] = story.version
        if day is not None:
            matter["updated"] = datetime.date.fromisoformat(day)  # a copy: no YAML alias
        matter["changes"] = [front_matter_text(change) for change in story.changes]
    if story.corrections:
        matter["last_modified_at"] = _moment(max(story.corrections, key=lambda note: note.at))
        matter["corrections"] = [
            {
                "date": datetime.date.fromisoformat(note.day),  # a new object each: no alias
                "wrong": front_matter_text(note.wrong),
                "right": front_matter_text(note.right),
                "source": {
                    "outlet": front_matter_text(note.outlet),
                    "url": md_url(note.url) if note.url else None,
                },
            }
            for note in story.corrections
        ]
    if story.redirects:
        matter["redirect_from"] = [f"/stories/{slug}.html" for slug in story.redirects]
    matter["sources"] = [
        {
            "title": front_matter_text(source.title),
            "url": md_url(source.url) if source.url else None,
            "outlet": front_matter_text(source.outlet),
        }
        for source in story.sources
    ]
    return matter


def _moment(note: CorrectionNote) -> datetime.datetime | datetime.date:
    """When a correction was filed, as a YAML timestamp (``last_modified_at``, which
    jekyll-seo-tag, jekyll-feed and jekyll-sitemap read as the post's modification time);
    its day when the stored time does not parse."""
    try:
        return datetime.datetime.fromisoformat(note.at)
    except ValueError:
        return datetime.date.fromisoformat(note.day)


def _dump(matter: dict[str, Any]) -> str:
    """YAML through ``safe_dump`` only, on one line per value so no value can end the block."""
    return yaml.safe_dump(
        matter, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1 << 30
    )


def markdown_body(story: PublishedStory) -> str:
    """Dek, paragraphs, key quotes, coverage, timeline, Sources, Further coverage and
    Corrections.

    The body holds only checkable prose: every sentence is a published,
    cited claim that ``newsdesk check`` can verify against the sources, and
    labels (section headings, timeline dates) are short headings it reads as
    labels. The update log is metadata, so it lives in the front matter
    (``updated``, ``changes``) for the layout to show. The one list that is no
    claim is Further coverage, the story's reporting in other languages, listed as
    the site's page lists it and never quoted; ``newsdesk check`` reads its linked
    items in a post as pointers (and skips that list on a page, an ``<aside>``).
    Corrections come last, in the words of the page's note; what an earlier version
    got wrong is quoted as wrong, and ``newsdesk check`` reads only what is right, and
    the source's link, as claims. They are in the front matter too (``corrections``,
    and ``last_modified_at``: when the latest was filed) for a layout to show.
    """
    blocks: list[str] = []
    if story.dek:
        blocks.append(f"_{line_md(story.dek)}_")
    blocks += [" ".join(line_md(line) for line in paragraph) for paragraph in story.paragraphs]
    blocks += _quotes(story)
    if story.coverage:
        blocks.append("## Where outlets differ")
        blocks.append(_items(line_md(entry.line) for entry in story.coverage))
    if story.timeline:
        blocks.append("## Timeline")
        for entry in story.timeline:
            blocks.append(f"### {md_text(entry.date_label)}")
            blocks.append(line_md(entry.line))
    if story.sources:
        blocks.append("## Sources")
        blocks.append(_items(_source_item(source) for source in story.sources))
    if story.further:
        blocks.append("## Further coverage")
        blocks.append(_items(_further_item(item) for item in story.further))
    if story.corrections:
        blocks.append("## Corrections")
        blocks += [correction_md(note) for note in story.corrections]
    return "\n\n".join(blocks) + "\n"


def correction_md(note: CorrectionNote) -> str:
    """A correction in the words of the story page's note, one paragraph each, oldest
    first: the day, what an earlier version said, what is right, and the source linked.
    ``newsdesk check`` reads the part after "What is right:" as a claim and the quoted
    error as no claim of the article (``verify/articles/parse.py``, ``CORRECTION``)."""
    source = md_link(md_text(note.outlet), note.url)
    return (
        f"**Correction** {md_text(note.day_label)}."
        f" An earlier version of this article was wrong: {md_text(note.wrong)}"
        f" What is right: {md_text(note.right)} Source: {source}."
    )


def line_md(line: Line, text: str | None = None) -> str:
    """A sentence (``text`` when given) and its ``[n]`` links to the cited sources."""
    cites = "".join(md_link(f"\\[{c.number}\\]", c.url) for c in line.citations)
    return md_text(line.text if text is None else text) + cites


def _quotes(story: PublishedStory) -> list[str]:
    """Each key quote as a block quote crediting the outlet that reported it.

    The quoted sentence names its speaker already (the writer keeps only
    quotes whose sentence does); the outlet is credited the way body
    sentences are, so the checker reads it as an attribution.
    """
    blocks = ["## Key quotes"] if story.quotes else []
    for quote in story.quotes:
        text = attribute(quote.line.text, quote.outlet) if quote.outlet else None
        blocks.append(f"> {line_md(quote.line, text)}")
    return blocks


def _source_item(source: SourceItem) -> str:
    published = f", {human_date(source.published)}" if source.published else ""
    title = md_link(md_text(source.title), source.url)
    lean = f" ({md_text(source.lean)})" if source.lean else ""
    return f"\\[{source.number}\\] {md_text(source.outlet)}{lean}: {title}{published}"


def _further_item(item: FurtherItem) -> str:
    """Outlet, language, linked title and date of an article in another language: listed
    for readers, as on the site, never quoted."""
    published = f", {human_date(item.published)}" if item.published else ""
    title = md_link(md_text(item.title), item.url)
    return f"{md_text(item.outlet)} ({md_text(item.language)}): {title}{published}"


def _items(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)
