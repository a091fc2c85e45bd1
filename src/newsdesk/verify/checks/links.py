"""The url check: every link of an article must lead to one of its sources.

Automated writers cite URLs that never existed (``.../story_0000.html``) or
that point at the right outlet but the wrong page. A link passes only when,
normalised, it is the URL of a source; when the link's text names a title, that
title must be the source's. Normalising makes harmless differences equal:
scheme, ``www.``, case of the host, a trailing slash, the fragment, AMP paths
and tracking parameters.

A failing link that looks made up says so and names what gives it away
("looks like a placeholder (story_0000)"): an editor then knows to find the
real page rather than to look for a typo. Weak signs (``article/1234``) are
named only on a site no source comes from, since a source's own site may mint
such ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.language.attribution import same_outlet
from newsdesk.language.text import content_words
from newsdesk.language.urls import normalize_url, placeholder, same_site, site
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.base import Check, ClaimResult

_TITLE_OVERLAP = 0.6
_TITLE_WORDS = 4


def _title_evidence(source: Article) -> tuple[Evidence, ...]:
    title = source.title.strip()
    if not title:
        return ()
    start = source.title.index(title)
    return (Evidence(source, start, start + len(title), "title"),)


def names_source(label: str, source: Article) -> bool:
    """Whether a link's text fits its target: the source's outlet, its title, or a generic
    label ("Read more", "Reuters report"). Only a label that reads as a title (four or
    more content words) and differs from the source's title is a mismatch."""
    named = set(content_words(label))
    if len(named) < _TITLE_WORDS or same_outlet(label, source.outlet):
        return True
    actual = set(content_words(source.title))
    return bool(actual) and len(named & actual) / len(named) >= _TITLE_OVERLAP


def invented(url: str, sources: Sequence[Article]) -> str | None:
    """What makes ``url`` look made up (``story_0000``, ``example.com``), or None.

    A strong sign counts anywhere; a weak one (a sequential or repeated run of
    digits, a short number after "story"/"id") only on a site none of
    ``sources`` is on: ``nbcnews.com/...-n1233749`` is a real id.
    """
    sign = placeholder(url)
    if sign is None:
        return None
    host = site(url)
    if sign.strong or not any(same_site(host, site(source.url)) for source in sources):
        return sign.marker
    return None


def check_link(url: str, label: str | None, sources: Sequence[Article]) -> ClaimResult:
    """Check one link of an article (``label`` is its text, when it has one)."""
    by_url = {normalize_url(source.url): source for source in sources}
    source = by_url.get(normalize_url(url))
    if source is None:
        detail = f"{url} is not the URL of any source"
        made_up = invented(url, sources)
        if made_up is not None:
            detail += f" and looks like a placeholder ({made_up})"
        check = Check("url", "fail", detail)
        return ClaimResult("unsupported", detail, (check,), ())
    evidence = _title_evidence(source)
    cleaned = (label or "").strip()
    if cleaned and cleaned != url and not names_source(cleaned, source):
        detail = f"links to {source.id}, whose title is “{source.title}”, not “{cleaned}”"
        check = Check("url", "fail", detail, conflict=evidence[0] if evidence else None)
        return ClaimResult("contradicted", detail, (check,), evidence)
    return ClaimResult("supported", "", (Check("url", "pass", f"links to {source.id}"),), evidence)
