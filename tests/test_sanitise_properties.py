"""Property tests of the door (hypothesis): whatever
the characters, cleaning never raises and leaves text any XML writer can print, and a
dump of good lines among broken ones keeps every good line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies

from newsdesk.dumps import read_jsonl
from newsdesk.errors import MESSAGE_LIMIT
from newsdesk.language.sanitise import clean_line, clean_text
from test_sanitise import xml_safe

pytestmark = pytest.mark.fuzz
bounded = settings(deadline=None, database=None)
"""How many examples: the Hypothesis profile's (``conftest.py``)."""
SPECIAL = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xFEFF)]
SPECIAL += [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)]
SPECIAL += ["\ud800", "\udbff", "\udc00", "\udfff", "\ufffe", "\uffff", "\U0010ffff", "e\u0301"]
ANY_TEXT = strategies.lists(
    strategies.one_of(
        strategies.sampled_from(SPECIAL),
        strategies.integers(0, 0x10FFFF).map(chr),
        strategies.sampled_from(["a", " ", "\n", "é", "“"]),
    ),
    max_size=40,
).map("".join)
"""Any code points at all: controls, lone surrogates, noncharacters, bidi controls."""


@bounded
@given(ANY_TEXT)
def test_cleaned_text_is_always_printable_as_xml(text: str) -> None:
    for cleaned in (clean_text(text), clean_line(text)):
        cleaned.encode("utf-8")
        assert xml_safe(cleaned)
        assert not any(c in cleaned for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069")
        assert clean_text(cleaned) == cleaned
        root = ET.fromstring(f"<t>{cleaned.replace('&', '&amp;').replace('<', '&lt;')}</t>")
        assert root.tag == "t"
    assert "\n" not in clean_line(text) and "\t" not in clean_line(text)


@bounded
@given(strategies.lists(strategies.tuples(ANY_TEXT, ANY_TEXT, strategies.booleans()), max_size=8))
def test_a_mixed_dump_never_raises_and_keeps_every_good_line(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, bool]]
) -> None:
    """Good lines (any title and text, JSON-escaped with lone surrogates and all) among
    broken ones: every good line is an article, every broken one a short problem."""
    path: Path = tmp_path_factory.mktemp("dump") / "mixed.jsonl"
    lines, good = [], []
    for number, (title, text, broken) in enumerate(rows, start=1):
        record = {"id": f"id{number}", "url": f"https://ex.com/{number}", "title": title}
        record["text"] = f"Words {text}"
        if broken:
            lines.append(json.dumps(record)[: 5 + len(title)] + "\x00[" * 3)
        else:
            lines.append(json.dumps(record))
            good.append(number)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    if not rows:
        return
    items = list(read_jsonl(path, today=date(2024, 3, 5)))
    assert [n for n, _ in (i for i in items if isinstance(i, tuple))] == good
    for item in items:
        if isinstance(item, tuple):
            article = item[1]
            assert xml_safe(article.title + article.text)
            assert article.hash
        else:
            assert len(item.message) <= MESSAGE_LIMIT and "\n" not in str(item)
