"""The editor's changes: edit or remove a sentence, move a paragraph, approve, reject or
hold a story, file a correction on a published one, and add a source to a story.

Each route is a POST on a router behind ``web.signed_in`` (a live session, the desk's
origin and the session's CSRF token) and is audited. The work is the library's
(``api.edit_draft``, ``api.review_story``, ``api.file_correction``, ``api.add_source``):
the desk passes on what the editor typed and shows what came back. An edit made with
htmx answers with the story's sentences alone, checked again, swapped in place; without
JavaScript the form posts and the browser is sent back to the story (303), so a reload
never repeats a change. A change the library refuses (an approval while a sentence fails, a draft
changed meanwhile, a correction of a story not on the site) shows the story again with
the reason.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from newsdesk import api
from newsdesk.desk.auth import SignedIn
from newsdesk.desk.story import story_view
from newsdesk.desk.web import Refused, desk_of, signed_in
from newsdesk.errors import InputError
from newsdesk.records import Decision, DraftEdit

router = APIRouter(dependencies=[Depends(signed_in)])
Editor = Annotated[SignedIn, Depends(signed_in)]
DECISIONS: dict[str, Decision] = {"approve": "approved", "reject": "rejected", "hold": "held"}


def _story_page(
    request: Request, story_id: str, status: int, notice: str, partial: bool
) -> Response:
    """The story view (or only its sentences, for htmx) with ``notice`` above it; run in
    a worker thread, as the store is opened there (``web.Desk.store``)."""
    desk = desk_of(request)
    with desk.store() as store:
        view = story_view(store, desk.config, story_id)
    if view is None:
        raise Refused(404, "No story or draft has this id.")
    template = "_sentences.html" if partial else "story.html"
    return desk.page(request, template, status=status, story=view, notice=notice, partial=partial)


def _back(story_id: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/stories/{quote(story_id, safe='')}{anchor}", status_code=303)


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


async def _refused(
    request: Request,
    found: SignedIn,
    story_id: str,
    action: str,
    error: InputError,
    partial: bool = False,
) -> Response:
    """Audit a change the library refused and show the story again with the reason: the
    page (409), or for htmx only its sentences (200: htmx swaps only a 2xx answer in)."""
    desk = desk_of(request)
    await run_in_threadpool(desk.audit, found.actor(), "refused", story_id, f"{action}: {error}")
    status = 200 if partial else 409
    return await run_in_threadpool(_story_page, request, story_id, status, str(error), partial)


async def _revise(
    request: Request,
    found: SignedIn,
    story_id: str,
    action: str,
    revise: Callable[[], api.Edited],
    saved: Callable[[DraftEdit], str],
) -> Response:
    """Run ``revise`` (a library call that stores a new revision of the draft), audit it
    as ``action`` and show the result; ``saved`` says what the revision did."""
    desk = desk_of(request)
    try:
        edited = await run_in_threadpool(revise)
    except InputError as error:
        return await _refused(request, found, story_id, action, error, _htmx(request))
    edit = edited.edit
    detail = f"revision {edit.revision}, {saved(edit)}: {edit.label}"
    await run_in_threadpool(desk.audit, found.actor(), action, story_id, detail)
    if _htmx(request):
        verdict = "" if edit.label == "removed" else f", {edit.label}"
        notice = f"Saved as revision {edit.revision}: {saved(edit)}{verdict}."
        return await run_in_threadpool(_story_page, request, story_id, 200, notice, True)
    return _back(story_id, "#sentences")


async def _change(
    request: Request,
    found: SignedIn,
    story_id: str,
    position: int,
    text: str | None,
    expected: str | None,
) -> Response:
    """Edit (``text``) or remove (None) one sentence."""
    revise = functools.partial(
        api.edit_draft,
        desk_of(request).config,
        story_id,
        position,
        text,
        found.user.name,
        expected,
    )
    action, done = ("story.remove", "removed") if text is None else ("story.edit", "edited")

    def saved(edit: DraftEdit) -> str:
        return f"sentence {position + 1} ({edit.kind}) {done}"

    return await _revise(request, found, story_id, action, revise, saved)


@router.post("/stories/{story_id}/sentences/{position}")
async def edit_sentence(
    request: Request,
    found: Editor,
    story_id: str,
    position: int,
    text: Annotated[str, Form(max_length=4000)],
    expected: Annotated[str | None, Form(max_length=4000)] = None,
) -> Response:
    return await _change(request, found, story_id, position, text, expected)


@router.post("/stories/{story_id}/sentences/{position}/remove")
async def remove_sentence(
    request: Request,
    found: Editor,
    story_id: str,
    position: int,
    expected: Annotated[str | None, Form(max_length=4000)] = None,
) -> Response:
    return await _change(request, found, story_id, position, None, expected)


DIRECTIONS = {"up": -1, "down": 1}


@router.post("/stories/{story_id}/paragraphs/{paragraph}/move")
async def move_paragraph(
    request: Request,
    found: Editor,
    story_id: str,
    paragraph: int,
    direction: Annotated[str, Form(max_length=10)],
    expected: Annotated[str | None, Form(max_length=40_000)] = None,
) -> Response:
    """Move a body paragraph one place up or down; the whole draft is checked again (a
    sentence's context is what precedes it) and swapped in, as an edit is."""
    offset = DIRECTIONS.get(direction)
    if offset is None:
        raise Refused(400, "A paragraph moves up or down: there is no other direction.")
    revise = functools.partial(
        api.move_paragraph,
        desk_of(request).config,
        story_id,
        paragraph,
        offset,
        found.user.name,
        expected,
    )

    def saved(edit: DraftEdit) -> str:
        return f"paragraph {paragraph} moved {direction}"

    return await _revise(request, found, story_id, f"story.move_{direction}", revise, saved)


@router.post("/stories/{story_id}/review")
async def review(
    request: Request,
    found: Editor,
    story_id: str,
    decision: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Approve, reject or hold the story; the library then publishes the site."""
    desk = desk_of(request)
    decided = DECISIONS.get(decision)
    if decided is None:
        raise Refused(400, "Approve, reject or hold: there is no other decision.")
    try:
        reviewed = await run_in_threadpool(
            api.review_story, desk.config, story_id, decided, reason, found.user.name
        )
    except InputError as error:
        return await _refused(request, found, story_id, f"story.{decision}", error)
    published = "published" if reviewed.published else "publish waits for the running run"
    detail = f"{decided}{': ' + reviewed.review.reason if reviewed.review.reason else ''}"
    await run_in_threadpool(
        desk.audit, found.actor(), f"story.{decision}", story_id, f"{detail}; {published}"
    )
    return _back(story_id)


@router.post("/stories/{story_id}/corrections")
async def correct(
    request: Request,
    found: Editor,
    story_id: str,
    wrong: Annotated[str, Form(max_length=1000)] = "",
    right: Annotated[str, Form(max_length=1000)] = "",
    source: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """File a correction on a published story; the library re-checks and republishes."""
    desk = desk_of(request)
    try:
        corrected = await run_in_threadpool(
            api.file_correction, desk.config, story_id, wrong, right, source, found.user.name
        )
    except InputError as error:
        return await _refused(request, found, story_id, "story.correct", error)
    note = corrected.correction
    published = "published" if corrected.published else "publish waits for the running run"
    detail = f"correction {note.id}: {note.right}; {published}"
    await run_in_threadpool(desk.audit, found.actor(), "story.correct", story_id, detail)
    return _back(story_id, "#corrections")


def _position(sentence: str) -> int | None:
    """The draft position of the sentence number the editor typed (None: none typed)."""
    number = sentence.strip()
    if number and not number.isdigit():
        raise InputError(f"the sentence is a number, not {number!r}")
    return int(number) - 1 if number else None


async def _adding(
    request: Request, found: SignedIn, story_id: str, add: functools.partial[api.SourceAdded]
) -> Response:
    """Run ``add`` (``api.add_source`` or ``add_source_from_url``, the editor's name and
    the sentence still to come), audit it, and show the story again."""
    desk = desk_of(request)
    try:
        added = await run_in_threadpool(add, editor=found.user.name)
    except InputError as error:
        return await _refused(request, found, story_id, "story.add_source", error)
    detail = f"{added.article.id} ({added.article.outlet})"
    if added.edit is not None:
        edit = added.edit
        detail += f"; revision {edit.revision}, sentence {edit.position + 1} cites it: {edit.label}"
    await run_in_threadpool(desk.audit, found.actor(), "story.add_source", story_id, detail)
    return _back(story_id, "#add-source")


@router.post("/stories/{story_id}/sources")
async def add_source(
    request: Request,
    found: Editor,
    story_id: str,
    outlet: Annotated[str, Form(max_length=200)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    date: Annotated[str, Form(max_length=40)] = "",
    title: Annotated[str, Form(max_length=1000)] = "",
    text: Annotated[str, Form(max_length=api.MAX_SOURCE_TEXT)] = "",
    sentence: Annotated[str, Form(max_length=10)] = "",
    passage: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Add a pasted source to the story; the library stores it and checks the draft again
    (with a sentence number, that sentence cites the passage given)."""
    try:
        position = _position(sentence)
    except InputError as error:
        return await run_in_threadpool(_story_page, request, story_id, 409, str(error), False)
    add = functools.partial(
        api.add_source,
        desk_of(request).config,
        story_id,
        outlet=outlet,
        url=url,
        date=date,
        title=title,
        text=text,
        position=position,
        passage=passage,
    )
    return await _adding(request, found, story_id, add)


@router.post("/stories/{story_id}/sources/fetch")
async def fetch_source(
    request: Request,
    found: Editor,
    story_id: str,
    url: Annotated[str, Form(max_length=2000)] = "",
    sentence: Annotated[str, Form(max_length=10)] = "",
    passage: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Add the article of a web page to the story, fetched as ingest fetches pages (its
    SSRF guard and caps); then as a pasted source."""
    try:
        position = _position(sentence)
    except InputError as error:
        return await run_in_threadpool(_story_page, request, story_id, 409, str(error), False)
    add = functools.partial(
        api.add_source_from_url,
        desk_of(request).config,
        story_id,
        url,
        position=position,
        passage=passage,
    )
    return await _adding(request, found, story_id, add)
