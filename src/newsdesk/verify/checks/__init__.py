"""The checks a claim must pass, each ``(Claim) -> Check`` (see ``base.py``).

Order matters only for the reason a verdict gives: the first failed check
names it, so the credit and the quotation come before the figures, and
commentary in the article's own voice (``opinion``) before support, whose
failure it usually explains.
"""

from newsdesk.verify.checks.attribution import attribution_check
from newsdesk.verify.checks.base import Check, CheckKind, Claim, ClaimCheck, ClaimResult, verdict_of
from newsdesk.verify.checks.context import check_context
from newsdesk.verify.checks.dates import date_check
from newsdesk.verify.checks.numbers import number_check
from newsdesk.verify.checks.opinion import opinion_check
from newsdesk.verify.checks.places import place_check
from newsdesk.verify.checks.quotes import quote_check, speaker_check
from newsdesk.verify.checks.roles import role_check
from newsdesk.verify.checks.support import support_check

CHECKS: tuple[ClaimCheck, ...] = (
    attribution_check,
    quote_check,
    speaker_check,
    check_context,
    number_check,
    date_check,
    role_check,
    place_check,
    opinion_check,
    support_check,
)

__all__ = ["CHECKS", "Check", "CheckKind", "Claim", "ClaimCheck", "ClaimResult", "verdict_of"]
