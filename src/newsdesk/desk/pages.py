"""The editor's pages: the queue and the story view (any signed-in user).

The queue's filters are a plain GET form, so the page works without JavaScript; with
htmx the form swaps in only the new rows (``HX-Request``) and pushes the filtered URL
into the history, so a filtered queue can be bookmarked and shared. The queue is paged
(``?page=N``, ``[desk] queue_page_size`` stories a page): the previous and next links
keep the filters, are plain links without JavaScript, and with htmx swap the rows and
push their URL as the filter does. A page past the end says so; a page that is not a
number from 1 is refused (400) like a bad filter.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.desk.queue import QueueFilter, QueuePage, build_queue, read_page
from newsdesk.desk.story import story_view
from newsdesk.desk.web import Refused, desk_of, signed_in
from newsdesk.records import CATEGORIES

router = APIRouter(dependencies=[Depends(signed_in)])


@router.get("/")
def home() -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue(
    request: Request,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: str | None = None,
) -> Response:
    desk = desk_of(request)
    filters = QueueFilter.read(section, since, until)
    number = read_page(page)
    with desk.store() as store:
        queued = build_queue(store, filters, desk.settings.approve_before_publish)
    shown = QueuePage.of(queued, number, desk.settings.queue_page_size)
    partial = (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )
    response = desk.page(
        request,
        "_queue.html" if partial else "queue.html",
        entries=shown.entries,
        pager=shown,
        filters=filters,
        sections=CATEGORIES,
        approve_before_publish=desk.settings.approve_before_publish,
    )
    response.headers["Vary"] = "HX-Request"
    return response


@router.get("/stories/{story_id}")
def story(request: Request, story_id: str) -> Response:
    desk = desk_of(request)
    with desk.store() as store:
        stored = store.resolve_story(story_id)
        if stored is not None and stored != story_id and store.draft(story_id) is None:
            return RedirectResponse(f"/stories/{quote(stored, safe='')}", status_code=303)
        view = story_view(store, desk.config, story_id)
    if view is None:
        raise Refused(404, "No story or draft has this id.")
    return desk.page(request, "story.html", story=view, notice="", partial=False)
