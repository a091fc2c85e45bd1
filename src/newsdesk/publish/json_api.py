"""The site's JSON API: every published story as data, for apps, readers and researchers.

``api/stories.json`` lists the published stories in front-page order;
``api/stories/ID.json`` holds one story: its headline, dek and body sentences,
each with its verdict, the checks it passed and its citations (source, URL,
the exact character span and the quoted words), key quotes with speaker and
link, where outlets differ, the timeline, the sources with outlet, domain,
lean, date and time (with the source's UTC offset, when it gave one), further
coverage in other languages (listed, never quoted), the corrections editors filed
(dated: what was wrong, what is right, the source; the index carries them too) and
what the checker did.
The documents follow the JSON Schemas shipped beside them (``api/story.schema.json``,
``api/stories.schema.json``; in the repository under
``src/newsdesk/publish/schemas``), which ``docs/API.md`` explains.

Like the HTML, the JSON is a pure function of the published stories: keys in a
fixed order, no timestamps of the build, so an unchanged store rewrites nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from importlib import resources
from typing import Any

from newsdesk.publish.model import CitationLink, Line, PublishedStory

API_DIR = "api"
SCHEMAS = ("story.schema.json", "stories.schema.json")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")

Document = dict[str, Any]


def story_path(story: PublishedStory) -> str:
    """``api/stories/ID.json``; an id that is not a safe file name is hashed instead."""
    name = story.story_id
    if not _SAFE_ID.match(name) or name.endswith("."):
        name = "story-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    return f"{API_DIR}/stories/{name}.json"


def index_document(stories: Sequence[PublishedStory], site_title: str, base_url: str) -> Document:
    """The list of published stories, in the order of the front page."""
    return {
        "site": site_title,
        "url": base_url,
        "stories": [_teaser(story, base_url) for story in stories],
    }


def story_document(story: PublishedStory, base_url: str) -> Document:
    """One story as data: everything its page shows, with the checks behind each sentence."""
    return {
        "id": story.story_id,
        "url": base_url + story.path,
        "headline": _sentence(story.headline),
        "dek": _sentence(story.dek) if story.dek else None,
        "section": story.category,
        "date": story.date,
        "version": story.version,
        "changes": list(story.changes),
        "corrections": _corrections(story),
        "thread": _thread(story, base_url),
        "read_minutes": story.minutes,
        "outlets": story.outlets,
        "leans": dict(story.leans),
        "paragraphs": [[_sentence(line) for line in paragraph] for paragraph in story.paragraphs],
        "quotes": [
            {**_sentence(q.line), "speaker": q.speaker, "outlet": q.outlet, "url": q.url}
            for q in story.quotes
        ],
        "differences": [
            {**_sentence(c.line), "outlet": c.outlet, "lean": c.lean, "url": c.url}
            for c in story.coverage
        ],
        "timeline": [{"date": entry.date, **_sentence(entry.line)} for entry in story.timeline],
        "sources": [
            {
                "number": source.number,
                "id": source.article_id,
                "outlet": source.outlet,
                "domain": source.domain,
                "lean": source.lean,
                "title": source.title,
                "url": source.url,
                "published": source.published,
                "published_at": source.published_at,
            }
            for source in story.sources
        ],
        "further_coverage": [
            {
                "outlet": item.outlet,
                "language": item.code or None,
                "language_name": item.language,
                "title": item.title,
                "url": item.url,
                "published": item.published,
                "published_at": item.published_at,
            }
            for item in story.further
        ],
        "checking": _checking(story),
    }


def render_api(
    stories: Sequence[PublishedStory], site_title: str, base_url: str
) -> list[tuple[str, bytes]]:
    """Every file of the API: the index, one document per story and the schemas."""
    files = [(f"{API_DIR}/stories.json", dump(index_document(stories, site_title, base_url)))]
    files += [(story_path(s), dump(story_document(s, base_url))) for s in stories]
    folder = resources.files("newsdesk.publish").joinpath("schemas")
    files += [(f"{API_DIR}/{name}", folder.joinpath(name).read_bytes()) for name in SCHEMAS]
    return files


_HTML_SIGNIFICANT = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def dump(document: Document) -> bytes:
    """Indented UTF-8 with a final newline: readable, diffable and stable.

    ``<``, ``>`` and ``&`` are written as ``\\u`` escapes (the same string to any JSON
    reader), so a source's ``<script>`` stays inert even where a file is served
    or embedded as HTML by mistake.
    """
    text = json.dumps(document, ensure_ascii=False, indent=2).translate(_HTML_SIGNIFICANT)
    return (text + "\n").encode("utf-8")


def _teaser(story: PublishedStory, base_url: str) -> Document:
    return {
        "id": story.story_id,
        "headline": story.headline.text,
        "dek": story.dek.text if story.dek else None,
        "section": story.category,
        "date": story.date,
        "url": base_url + story.path,
        "json": base_url + story_path(story),
        "outlets": story.outlets,
        "leans": dict(story.leans),
        "read_minutes": story.minutes,
        "thread": _thread(story, base_url),
        "corrections": _corrections(story),
    }


def _thread(story: PublishedStory, base_url: str) -> Document | None:
    if story.thread is None:
        return None
    return {"id": story.thread.id, "title": story.thread.name, "url": base_url + story.thread.path}


def _corrections(story: PublishedStory) -> list[Document]:
    """The corrections editors filed on the story, oldest first, as its page shows them:
    the day and time filed, what an earlier version said, what is right, and the source
    (its number in ``sources`` when it is listed there)."""
    numbers = {source.article_id: source.number for source in story.sources}
    return [
        {
            "id": note.id,
            "date": note.day,
            "at": note.at,
            "wrong": note.wrong,
            "right": note.right,
            "source": {
                "id": note.source_id or None,
                "number": numbers.get(note.source_id),
                "outlet": note.outlet,
                "url": note.url,
            },
        }
        for note in story.corrections
    ]


def _sentence(line: Line) -> Document:
    """A published sentence: only supported sentences are published, so the verdict is fixed."""
    return {
        "text": line.text,
        "verdict": "supported",
        "checks": list(line.checks),
        "citations": [_citation(link) for link in line.citations],
    }


def _citation(link: CitationLink) -> Document:
    return {
        "source": link.number,
        "source_id": link.article_id,
        "url": link.url,
        "field": link.field,
        "start": link.start,
        "end": link.end,
        "quote": link.span,
    }


def _checking(story: PublishedStory) -> Document | None:
    checking = story.checking
    if checking is None:
        return None
    return {
        "sentences_checked": checking.checked,
        "sentences_published": checking.published,
        "sentences_rewritten": checking.rewritten,
        "sentences_left_out": checking.left_out,
        "sources": checking.sources,
        "checks": [
            {"check": c.check, "label": c.label, "sentences": c.sentences} for c in checking.checks
        ],
        "left_out": [
            {"check": d.check or None, "reason": d.reason, "sentences": d.sentences}
            for d in checking.dropped
        ],
    }
