"""URLs in the form two links to one page share, and URLs that look invented.

Ingest, the gate and ``newsdesk check`` all compare links: a source list entry
with the article it names, an inline link with the sources, a feed's page with
a stored article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ocid|cmpid|smid|smtyp|"
    r"taid|ref|ref_src|src|share|cid|__twitter_impression|guccounter|guce_\w+)$",
    re.IGNORECASE,
)
"""Query parameters that track a click and never name a different page."""

_TEMPLATE = re.compile(
    r"\{[^{}/]*\}|%7B.*?%7D|<[^<>/]*>|%3C.*?%3E|\[[A-Za-z_]\w*\]|(?:^|(?<=/)):[A-Za-z_]\w*(?=[/?]|$)",
    re.IGNORECASE,
)
"""Unfilled template slots: ``{id}``, ``{{slug}}``, ``<slug>``, ``[id]``, a ``/:id/`` segment."""

_ID_WORDS = frozenset(
    "news story article post item entry id p pid sid aid storyid articleid postid".split()
)
"""Words a page's id follows in URLs (``story_0000``, ``article-12``, ``?id=1234``)."""

_FILLER_WORDS = frozenset({"placeholder", "lorem", "ipsum"})
_FILLER_SEGMENTS = frozenset(
    "example sample todo tbd tk slug your-slug article-slug story-slug post-slug".split()
)
_EXTENSION = re.compile(r"\.(?:s?html?|php|aspx?|jsp|cms)$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[-_.~+]")
_EXAMPLE_HOST = re.compile(
    r"(?:^|\.)(?:example\.(?:com|org|net)|[^.]+\.(?:example|test|invalid|localhost)|localhost)$"
    r"|(?:^|[.-])(?:your|my)-?(?:domain|site|website|blog|newssite|outlet)\."
    r"|(?:^|\.)placeholder\.",
    re.IGNORECASE,
)
"""Hosts reserved for examples (RFC 2606: ``example.com``, ``.test``, ``.invalid``) or
that say they stand for someone's own (``yourdomain.com``)."""


@dataclass(frozen=True)
class Placeholder:
    """What makes a URL look made up rather than copied from a real page.

    ``marker`` is the part that shows it (``story_0000``, ``id=XXXX``,
    ``{id}``, ``example.com``). ``strong`` is True when no real page has that
    shape on any site (reserved hosts, template slots, runs of X's or zeros,
    filler words); a weak marker (``1234``, ``1111``, ``article-12``) is one a
    real site could mint as an id, so it shows a placeholder only on a site
    that none of the sources come from.
    """

    marker: str
    strong: bool


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


def site(url: str) -> str:
    """The host a URL is on, as ``normalize_url`` writes it (no ``www.``/``m.``, no port)."""
    host = urlsplit(url.strip()).netloc.lower().rsplit("@", 1)[-1].split(":", 1)[0]
    return host.removeprefix("www.").removeprefix("m.")


def same_site(host: str, other: str) -> bool:
    """Whether two hosts (from ``site``) are one outlet's: equal, or one under the other
    (``edition.cnn.com`` and ``cnn.com``)."""
    return host == other or host.endswith("." + other) or other.endswith("." + host)


def _ascending(digits: str) -> bool:
    """A run like ``1234``, ``0123``, ``123456789``: what one types for "some number"."""
    return len(digits) >= 4 and digits[0] in "01" and digits in "0123456789"


def _id_sign(token: str, after_id_word: bool) -> bool | None:
    """Whether one token of a path or query looks invented: True strongly, False weakly,
    None not at all. ``after_id_word``: the token follows "story", "id", ... in its segment."""
    if re.fullmatch(r"[xX]{4,}|X{3}", token):
        return True
    if not token.isdigit():
        return None
    if set(token) == {"0"} and (len(token) >= 3 or after_id_word):
        return True
    if (len(token) >= 4 and len(set(token)) == 1) or _ascending(token):
        return False
    if after_id_word and len(token) <= 4:
        return False  # "story_12", "article-3": real ids run longer
    return None


def _segment_sign(segment: str) -> Placeholder | None:
    """The sign of one path segment or ``key=value`` pair, naming the whole of it."""
    words = [w for w in _SEPARATORS.split(segment.lower()) if w]
    if segment.lower() in _FILLER_SEGMENTS or _FILLER_WORDS & set(words):
        return Placeholder(segment, strong=True)
    tokens = [t for t in re.split(r"[-_.~+=]", segment) if t]
    weak: Placeholder | None = None
    for index, token in enumerate(tokens):
        after_id_word = index > 0 and tokens[index - 1].lower() in _ID_WORDS and len(tokens) == 2
        sign = _id_sign(token, after_id_word)
        if sign:
            return Placeholder(segment, strong=True)
        if sign is False and weak is None:
            weak = Placeholder(segment, strong=False)
    return weak


def placeholder(url: str) -> Placeholder | None:
    """What makes ``url`` look invented, or None when it looks like a real page's.

    In order of how telling it is: a template slot (``/news/{id}``), a path
    segment or query pair with an X run, a zero run, filler ("lorem",
    "placeholder") or a reserved host; then the weak signs a real site's id
    could also show (a sequential or repeated run of digits, a short number
    after "story"/"article"/"id"). Dates, slugs and long ids
    (``.../supreme-n1233749``, ``/2020/07/14/``) show nothing.
    """
    parts = urlsplit(url.strip())
    template = _TEMPLATE.search(parts.path + "?" + parts.query)
    if template is not None:
        return Placeholder(template.group(), strong=True)
    segments = [_EXTENSION.sub("", s) for s in parts.path.split("/") if s]
    segments += [f"{key}={value}" for key, value in parse_qsl(parts.query) if key and value]
    signs = [sign for sign in map(_segment_sign, segments) if sign is not None]
    host = site(url)
    if _EXAMPLE_HOST.search(host):
        signs.append(Placeholder(host, strong=True))
    strong = next((sign for sign in signs if sign.strong), None)
    return strong or next(iter(signs), None)


def is_placeholder(url: str) -> bool:
    """Whether ``url`` shows any sign of being invented (see ``placeholder``)."""
    return placeholder(url) is not None
