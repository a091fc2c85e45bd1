"""The editor's changes to a stored story, each judged by the gate's checker.

``edit_draft`` changes or removes a sentence and ``move_paragraph`` moves a paragraph
(each checked again, as of the story's date, and stored as a new revision);
``review_story`` approves, rejects or holds a draft, then publishes; ``file_correction``
files a correction on a published story, then publishes; ``add_source`` (pasted) and
``add_source_from_url`` (fetched as ingest fetches pages) add a source to a story.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from newsdesk.api._lazy import (
    edits,
    model,
    web,
)
from newsdesk.api._runs import Published, opened, publish
from newsdesk.config import Config
from newsdesk.errors import InputError, NewsdeskError, StoreBusy
from newsdesk.language import sanitise
from newsdesk.records import (
    Article,
    Citation,
    Correction,
    Decision,
    Draft,
    DraftEdit,
    Review,
    Verdict,
)
from newsdesk.store import Store

if TYPE_CHECKING:
    pass


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


def move_paragraph(
    config: Config,
    story_id: str,
    paragraph: int,
    offset: int,
    editor: str,
    expected: str | None = None,
) -> Edited:
    """Swap body paragraph ``paragraph`` (1 is the lead) of the stored draft with the one
    ``offset`` places away (-1 up, 1 down), check the whole draft again, and store it as a
    new revision, as ``edit_draft`` does: a move changes what each sentence follows (the
    "he" of a sentence may now name someone else), so every sentence is judged again in
    its new context. The revision's before and after are the paragraph's text under its
    old and new number; its verdict is the worst of the two swapped paragraphs'.
    ``expected`` is the paragraph's text as the editor saw it (``InputError`` when the
    draft has changed since)."""
    if offset not in (-1, 1):
        raise InputError("a paragraph moves one place up or down")
    with opened(config) as store:
        draft = store.draft(story_id)
        if draft is None:
            raise InputError(f"no draft for story {story_id!r}")
        groups = edits.paragraphs(draft)
        changed = edits.moved(draft, paragraph, offset)
        text = " ".join(draft.sentences[p].text for p in groups[paragraph - 1])
        if expected is not None and expected.split() != text.split():
            raise InputError("the draft changed since this page was loaded: reload it")
        verdicts = edits.recheck(changed, _articles_of(store, changed), config.verify)
        swapped = {p for n in (paragraph, paragraph + offset) for p in groups[n - 1]}
        touched = [verdicts[p] for p in sorted(swapped)]
        failing = next((v for v in touched if not v.supported), None)
        first = groups[paragraph - 1][0]
        edit = DraftEdit(
            story_id,
            0,
            draft.version,
            first,
            "body",
            "move",
            f"Paragraph {paragraph}: {text}",
            f"Paragraph {paragraph + offset}: {text}",
            failing.label if failing else "supported",
            failing.reason if failing else "",
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
