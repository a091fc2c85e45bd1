"""The publish stage: turn verified drafts into the static site."""

from __future__ import annotations

from newsdesk.engine import Context
from newsdesk.publish.site import build_site
from newsdesk.records import StageRun


class PublishStage:
    """Runs ``build_site`` over the store and reports files written and left unchanged.

    ``items_out`` counts files actually written, so a re-run over an unchanged
    store reports 0 and ``skipped`` counts every file it found up to date.
    """

    name = "publish"

    def run(self, context: Context) -> StageRun:
        result = build_site(context.store, context.config.publish, context.progress)
        return StageRun(
            stage=self.name,
            items_in=result.drafts,
            items_out=len(result.written),
            skipped=len(result.unchanged),
        )
