"""Verify: ground every sentence in the source spans it cites.

``check_sentence`` judges a drafted sentence against its own citations (the
pipeline's gate); ``check_article`` judges any article, retrieving evidence
from the given sources (``newsdesk check``). Both use ``check_claim``.
"""

from newsdesk.language.attribution import same_outlet
from newsdesk.language.detection import language_of
from newsdesk.language.urls import normalize_url
from newsdesk.records import Evidence
from newsdesk.verify.articles.parse import Link, ParsedArticle, Unit
from newsdesk.verify.articles.reading import parse_article
from newsdesk.verify.articles.report import ClaimReport, Report, check_article, check_draft
from newsdesk.verify.articles.sources import load_sources
from newsdesk.verify.checker import check_claim, check_sentence, resolve
from newsdesk.verify.checks import Check, ClaimResult
from newsdesk.verify.checks.links import check_link
from newsdesk.verify.stage import VerifyStage

__all__ = [
    "Check",
    "ClaimReport",
    "ClaimResult",
    "Evidence",
    "Link",
    "ParsedArticle",
    "Report",
    "Unit",
    "VerifyStage",
    "check_article",
    "check_claim",
    "check_draft",
    "check_link",
    "check_sentence",
    "language_of",
    "load_sources",
    "normalize_url",
    "parse_article",
    "resolve",
    "same_outlet",
]
