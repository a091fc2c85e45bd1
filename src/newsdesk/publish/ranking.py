"""The order of the front page and section pages: reach first, freshness close behind.

A story reported by many independent outlets matters to more readers than one
outlet's scoop, and yesterday's big story yields to today's within a day or
two. The score is the number of independent outlets, halved for every
``HALF_LIFE_DAYS`` the story is older than the newest story published. Time is
measured from that newest story, never from the clock, so the same store
always renders the same site.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from newsdesk.publish.model import PublishedStory
from newsdesk.publish.text import iso_day

HALF_LIFE_DAYS = 1.0
"""A story's weight halves for each day it is older than the newest story."""


def ranked(stories: Iterable[PublishedStory]) -> list[PublishedStory]:
    """Highest score first; ties go to the newer story, then to the story id (never wobbles).

    Undated stories have no age to weigh, so they follow every dated one.
    """
    stories = list(stories)
    days = {s.story_id: _day(s) for s in stories}
    newest = max((d for d in days.values() if d is not None), default=None)

    def key(story: PublishedStory) -> tuple[bool, float, int, str]:
        day = days[story.story_id]
        age = -day.toordinal() if day is not None else 0
        return (day is None, -score(story, day, newest), age, story.story_id)

    return sorted(stories, key=key)


def score(story: PublishedStory, day: date | None, newest: date | None) -> float:
    """Independent outlets, halved per ``HALF_LIFE_DAYS`` of age; 0 for an undated story."""
    if day is None or newest is None:
        return 0.0
    age = (newest - day).days
    return float(story.outlets * 0.5 ** (age / HALF_LIFE_DAYS))


def _day(story: PublishedStory) -> date | None:
    found = iso_day(story.date)
    if found is None:
        return None
    try:
        return date.fromisoformat(found)
    except ValueError:
        return None
