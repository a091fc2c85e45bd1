"""The support check: does the evidence a claim rests on entail it?

The judge itself (retrieval, word coverage, the learned model) is
``language.support``, in the shared layer, because the writer asks it too: whether a
second, independent source tells what a sentence says. This check runs the claim's
``support`` hook (``combined_support`` in a run: word coverage, then the model) on the
claim without its credit, against its evidence.
"""

from __future__ import annotations

from newsdesk.language.support import check_support, combined_support, default_model
from newsdesk.records import Check
from newsdesk.verify.checks.base import Claim

__all__ = ["check_support", "combined_support", "default_model", "support_check"]


def support_check(claim: Claim) -> Check:
    """Entailment of the claim's body by its evidence, scored by the claim's ``support``."""
    return claim.support(claim.body, claim.evidence)
