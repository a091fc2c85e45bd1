"""The checks a claim must pass, each ``(Claim) -> Check`` (see ``base.py``).

Order matters only for the reason a verdict gives: the first failed check
names it, so the credit and the quotation come before the figures, and
commentary in the article's own voice (``opinion``) before support, whose
failure it usually explains. Corroboration (two independent sources for a
sentence in the newsroom's voice, ``AFTER``) runs only on a claim that passes all
of them: a wrong figure is the finding, not who else printed it.
"""

from collections.abc import Iterable

from newsdesk.language.entities import source_index
from newsdesk.language.retrieval import candidates_of
from newsdesk.records import Article
from newsdesk.verify.checks import dates, numbers, places, quotes, roles
from newsdesk.verify.checks.attribution import attribution_check, corroboration_check
from newsdesk.verify.checks.base import Check, CheckKind, Claim, ClaimCheck, ClaimResult, verdict_of
from newsdesk.verify.checks.context import check_context
from newsdesk.verify.checks.dates import date_check
from newsdesk.verify.checks.numbers import number_check
from newsdesk.verify.checks.opinion import opinion_check
from newsdesk.verify.checks.places import place_check
from newsdesk.verify.checks.quotes import quote_check, speaker_check, unmarked_check
from newsdesk.verify.checks.roles import role_check
from newsdesk.verify.checks.support import support_check

CHECKS: tuple[ClaimCheck, ...] = (
    attribution_check,
    quote_check,
    speaker_check,
    unmarked_check,
    check_context,
    number_check,
    date_check,
    role_check,
    place_check,
    opinion_check,
    support_check,
)

AFTER: tuple[ClaimCheck, ...] = (corroboration_check,)
"""Checks of a claim that every check of ``CHECKS`` passed (``check_claim`` marks them
n/a on any other): a sentence in the newsroom's voice must rest on two independent
sources, a question worth asking only of a sentence that is right."""


def index_sources(sources: Iterable[Article]) -> None:
    """Read each source once the way the checks read it (sentences, dates, figures, folded
    text, retrieval candidates), so that an article pays for its sources once and not
    inside whichever claim happens to need them first. Cached: a second call is free."""
    for source in sources:
        source_index(source)
        candidates_of(source)
        dates.index_source(source)
        numbers.index_source(source)
        quotes.index_source(source)


def prefetch(claims: Iterable[str]) -> None:
    """Analyse in one batch the claims the checks will analyse one at a time."""
    texts = list(claims)
    roles.prefetch(texts)
    places.prefetch(texts)


__all__ = [
    "AFTER",
    "CHECKS",
    "Check",
    "CheckKind",
    "Claim",
    "ClaimCheck",
    "ClaimResult",
    "index_sources",
    "prefetch",
    "verdict_of",
]
