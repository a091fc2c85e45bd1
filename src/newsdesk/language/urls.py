"""URLs in the form two links to one page share, and URLs that look invented.

Ingest, the gate and ``newsdesk check`` all compare links: a source list entry
with the article it names, an inline link with the sources, a feed's page with
a stored article.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ocid|cmpid|smid|smtyp|"
    r"taid|ref|ref_src|src|share|cid|__twitter_impression|guccounter|guce_\w+)$",
    re.IGNORECASE,
)
"""Query parameters that track a click and never name a different page."""

PLACEHOLDER = re.compile(
    r"(?:^|/)(?:story|article|post|news|item|page)[_-]?0*\d{1,4}(?:\.html?)?$"
    r"|(?:^|/)(?:example|placeholder|sample|lorem|xxx+|todo|tbd)(?:[/._-]|$)",
    re.IGNORECASE,
)
"""Paths of made-up URLs: ``story_0000.html``, ``/article-12``, ``/placeholder/``."""

_PLACEHOLDER_HOSTS = frozenset({"example.com", "example.org", "example.net", "localhost"})


def normalize_url(url: str) -> str:
    """The form two links to one page share.

    Scheme and ``www.`` dropped, host lower-cased, trailing slash, fragment,
    ``/amp`` suffix and tracking parameters removed; other query parameters are
    kept (sorted), since they can name a different page.
    """
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    path = re.sub(r"/amp/?$|\.amp$", "", parts.path).rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if not TRACKING.match(k))
    return urlunsplit(("", host, path, urlencode(query), "")).removeprefix("//")


def is_placeholder(url: str) -> bool:
    """Whether ``url`` looks invented rather than copied from a real page."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return host in _PLACEHOLDER_HOSTS or bool(PLACEHOLDER.search(parts.path))
