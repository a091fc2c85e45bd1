"""Small text helpers every output format shares: slugs, safe links and human dates.

They live apart from the model so that the site templates, the Atom feed and
the Jekyll posts all name, link and date a story in exactly the same way.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SLUG_LIMIT = 80
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def slugify(text: str, limit: int = SLUG_LIMIT) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary under ``limit``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:limit]
    return slug.strip("-")


def story_slug(title: str, story_id: str) -> str:
    """Title slug plus a story-id suffix: readable, yet distinct for same-title stories."""
    tail = story_id[-6:].lower()
    if not re.fullmatch(r"[a-z0-9]{6}", tail):
        tail = hashlib.sha256(story_id.encode("utf-8")).hexdigest()[:6]
    return f"{slugify(title) or 'story'}-{tail}"


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are emitted: escaping alone does not stop ``javascript:`` URLs."""
    if url and re.match(r"^https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def iso_day(date: str | None) -> str | None:
    """The ``YYYY-MM-DD`` a date starts with, or ``None`` when it is not an ISO date."""
    match = _ISO_DATE.match(date or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return match.group(0)


def human_date(date: str | None) -> str:
    """``2024-03-05`` -> ``5 March 2024``; anything else is shown as given."""
    day = iso_day(date)
    if day is None:
        return date or ""
    year, month, number = (int(part) for part in day.split("-"))
    return f"{number} {_MONTHS[month - 1]} {year}"
