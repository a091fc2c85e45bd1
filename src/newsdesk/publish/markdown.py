"""Escaping source text for Markdown that Jekyll will run through Liquid and kramdown.

Escaping for HTML is not enough here. Jekyll renders a post in two passes,
and text from a source must stay inert through both:

- Liquid runs first, so ``{{`` or ``{%`` in a sentence would be executed:
  braces become numeric character references, which Liquid does not see and
  the browser shows as braces.
- kramdown passes raw HTML through, so ``<``, ``>`` and ``&`` become
  entities; Markdown syntax (``*``, ``_``, ``[``, backticks, ``|`` and ``$``
  for tables and math) is backslash-escaped, so ``[x](javascript:...)`` in a
  source cannot become a link; a line may not start a heading, list or quote.

Text is put on one line first: a newline inside a sentence could otherwise
start a new Markdown block.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;", "~": "&#126;"}
_ENTITY_CHARS = re.compile("[&<>{}~]")
_INLINE = re.compile(r"[\\`*_\[\]|$]")
_BLOCK_START = re.compile(r"^(?:[#+=:-]|\d+(?=[.)]))")
_TITLE_ENTITIES = str.maketrans({c: f"&#{ord(c)};" for c in "{}[]()"})
_URL_SAFE = "/:?#@!$&*+,;=%~-._"


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) become one space."""
    return " ".join(text.split())


def md_text(text: str) -> str:
    """``text`` as Markdown that renders to exactly ``text``, with no markup or Liquid."""
    escaped = _ENTITY_CHARS.sub(lambda m: _ENTITIES[m.group(0)], one_line(text))
    escaped = _INLINE.sub(lambda m: "\\" + m.group(0), escaped)
    return _BLOCK_START.sub(_escape_block_start, escaped, count=1)


def _escape_block_start(match: re.Match[str]) -> str:
    """``# x`` or ``- x`` would start a block; ``1990. x`` an ordered list (escape the dot)."""
    found = match.group(0)
    return found + "\\" if found[0].isdigit() else "\\" + found


def md_url(url: str) -> str:
    """A URL that cannot end a Markdown link early or break out of an HTML attribute."""
    return quote(url, safe=_URL_SAFE)


def md_title(text: str) -> str:
    """A link title (``"..."``): HTML-escaped with quotes, Liquid-inert, and with no
    brackets or parentheses, which some Markdown parsers take as the end of the link."""
    escaped = html.escape(one_line(text), quote=True)
    return escaped.translate(_TITLE_ENTITIES)


def md_link(label: str, url: str | None, title: str | None = None) -> str:
    """``[label](url "title")`` from an already escaped ``label``; the bare label without a URL."""
    if not url:
        return label
    suffix = f' "{md_title(title)}"' if title else ""
    return f"[{label}]({md_url(url)}{suffix})"


_MARKUP_SAFE = str.maketrans({"<": "‹", ">": "›", '"': "”", "'": "’"})


def front_matter_text(text: str) -> str:
    """A front matter string: plain text on one line, as themes expect it (minima prints
    ``{{ page.title | escape }}``: an entity here would show as "&#x27;").

    A layout may also print it unfiltered, or inside an attribute, so the four characters
    that could open a tag or close an attribute become their typographic look-alikes
    (‹ › ” ’) instead of entities. Liquid in a value is never run: Jekyll does not render
    front matter values. YAML quoting is ``safe_dump``'s job."""
    return one_line(text).translate(_MARKUP_SAFE)
