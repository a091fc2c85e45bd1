"""When a story's version grows: the rule the stories stage applies to every clustering step.

A story starts as version 1. Reporting that joins it in a later run than the
one that last added to it makes the next version (the write stage then
rewrites its draft as an update); everything one run adds is one version.
Joining covers the article placed in the story, the articles of a story merged
into it and those moved to it (``Placement.grown``).
"""

from __future__ import annotations

from collections.abc import Mapping

from newsdesk.records import Placement, StoryVersion


def next_version(stored: StoryVersion | None, run_id: int | None) -> int:
    """The version of a story that gains reporting in run ``run_id``; ``stored`` is what
    the store holds for it (``None`` for a story the step creates)."""
    if stored is None:
        return 1
    return stored.version + 1 if stored.run_id != run_id else stored.version


def step_versions(
    placement: Placement, stored: Mapping[str, StoryVersion], run_id: int | None
) -> tuple[tuple[str, int], ...]:
    """``(story id, version)`` of every story ``placement`` adds reporting to."""
    return tuple(
        (story_id, next_version(stored.get(story_id), run_id))
        for story_id in sorted(placement.grown)
    )
