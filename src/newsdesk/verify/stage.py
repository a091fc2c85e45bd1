"""The verify stage: a verdict for every sentence of every new or changed draft."""

from __future__ import annotations

from newsdesk.engine import Context
from newsdesk.records import StageRun, Verdict
from newsdesk.verify.checker import check_sentence, combined_support
from newsdesk.verify.support import check_support


class VerifyStage:
    """Check each draft whose verdicts are missing or belong to an older version of it.

    The verdicts of one draft are stored together with the draft hash they
    judged, in one transaction; ``items_out`` counts supported sentences.
    """

    name = "verify"

    def run(self, context: Context) -> StageRun:
        store = context.store
        record = StageRun(self.name)
        drafts = store.drafts_to_verify()
        context.progress.start(self.name, len(drafts))
        min_coverage = context.config.verify.min_coverage
        # Copied sentences pass on word coverage; the learned model (loaded only if
        # needed) judges the rest.
        support = combined_support(check_support, min_coverage)
        for draft in drafts:
            story = store.story(draft.story_id)
            cited = {c.article_id for s in draft.sentences for c in s.citations}
            ids = sorted(cited | set(story.article_ids if story else ()))
            sources = {a.id: a for a in store.articles(ids)}
            verdicts = []
            for position, sentence in enumerate(draft.sentences):
                result = check_sentence(
                    sentence, sources, min_coverage, as_of=draft.date, support=support
                )
                verdicts.append(Verdict(position, result.label, result.reason))
                record.items_in += 1
                record.items_out += result.label == "supported"
            store.save_verdicts(draft, verdicts)
            context.progress.advance(self.name)
        return record
