"""Read an article of any format into claim units with exact offsets.

HTML pages go to ``html.py``; Markdown and plain text to ``parse.py``, which
also defines the units both produce.
"""

from __future__ import annotations

from newsdesk.errors import InputError
from newsdesk.verify.articles.html import parse_html
from newsdesk.verify.articles.parse import ParsedArticle, is_html, parse_plain


def parse_article(text: str, name: str) -> ParsedArticle:
    """Split an article into units; ``name`` (the file name) picks the format and names errors."""
    if not text.strip():
        raise InputError(f"{name}: the article is empty")
    if is_html(text, name):
        page = parse_html(text)
        if not page.units:
            raise InputError(f"{name}: found no article text in the HTML page")
        return page
    return parse_plain(text, name)
