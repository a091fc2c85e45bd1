"""Text cleaned at the door: what the normaliser keeps, drops and never breaks, and the
helpers that keep a message about bad input on one short line."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from newsdesk.dumps import loads_bounded, too_deep
from newsdesk.errors import MESSAGE_LIMIT, one_line, shown
from newsdesk.language.sanitise import (
    clean_article,
    clean_line,
    clean_text,
    clean_value,
    day_problem,
    plausible_day,
)
from newsdesk.records import Article, content_hash

WORST = "A\ud800B\udfffC\x00D\x07E\x1bF\x7fG\x85H\x9fI\ufffeJ\uffffK\ufeffL\u202eM\u2066N\u200fO"
"""Lone surrogates, NUL, BEL, ESC, DEL, C1 controls, noncharacters, a BOM, RLO, LRI, RLM."""
XML_INVALID = {chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}
XML_INVALID |= {"\ufffe", "\uffff"}


def xml_safe(text: str) -> bool:
    """Whether every character of ``text`` is one XML 1.0 allows."""
    return not any(c in XML_INVALID or 0xD800 <= ord(c) <= 0xDFFF for c in text)


def test_the_worst_characters_are_replaced_or_dropped() -> None:
    assert clean_text(WORST) == "A\ufffdB\ufffdCDEFG\nHIJKLMN\u200fO"
    assert clean_line(WORST) == "A\ufffdB\ufffdCDEFG HIJKLMNO"
    for cleaned in (clean_text(WORST), clean_line(WORST)):
        cleaned.encode("utf-8")  # no lone surrogate left
        assert xml_safe(cleaned)


def test_body_text_keeps_newlines_and_tabs_and_folds_other_line_breaks() -> None:
    assert clean_text("one\ttwo\nthree\r\nfour\rfive\x0bsix\x0cseven") == (
        "one\ttwo\nthree\nfour\nfive\nsix\nseven"
    )
    assert clean_line("  A title\nover\ttwo lines\u2028  ") == "A title over two lines"


def test_a_surrogate_pair_becomes_its_character_and_text_is_nfc() -> None:
    assert clean_text("\ud83d\ude00") == "\U0001f600"
    decomposed = "Cafe\u0301 in Zu\u0308rich"
    assert clean_text(decomposed) == unicodedata.normalize("NFC", decomposed) == "Café in Zürich"


def test_right_to_left_text_is_kept() -> None:
    hebrew = "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"
    arabic = "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645"
    assert clean_line(hebrew) == hebrew and clean_text(arabic) == arabic
    assert clean_line("\u202eevil.exe\u202c") == "evil.exe"


def test_cleaning_is_idempotent_and_leaves_clean_text_alone() -> None:
    clean = "Plain text, “quoted”, with émigré words — and $5m.\n\nA second paragraph."
    assert clean_text(clean) is clean or clean_text(clean) == clean
    for text in (WORST, clean, "\r\n\r\n", ""):
        once = clean_text(text)
        assert clean_text(once) == once
        assert clean_line(clean_line(text)) == clean_line(text)


def test_clean_article_returns_the_same_object_when_clean() -> None:
    article = Article("a1", "https://ex.com/a", "Example", "Title", "Text.", "2024-01-02", "en")
    assert clean_article(article) is article
    dirty = Article(
        "a1",
        "https://ex.com/a",
        "Ex\u202eample",
        "Ti\x00tle",
        "Te\ud800xt.",
        extra={"by\x07": ["A\x00"]},
    )
    cleaned = clean_article(dirty)
    assert (cleaned.id, cleaned.outlet, cleaned.title, cleaned.text) == (
        "a1",
        "Example",
        "Title",
        "Te\ufffdxt.",
    )
    assert cleaned.extra == {"by": ["A"]}
    assert clean_value({"k": ("\x00x", 1, None)}) == {"k": ["x", 1, None]}


def test_content_hash_of_a_lone_surrogate_does_not_raise() -> None:
    assert len(content_hash("\ud800")) == 64
    assert content_hash("plain") == content_hash("plain")


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T23:00:00Z", "2024-03-05"),
        ("2024-03-06", "2024-03-06"),  # a day ahead: a time zone
        ("2024-03-07", None),
        ("9999-12-31", None),
        ("1899-12-31", None),
        ("0001-01-01", None),
        ("1900-01-01", "1900-01-01"),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_plausible_days(value: str | None, plausible: str | None) -> None:
    assert plausible_day(value, date(2024, 3, 5)) == plausible


def test_day_problems_say_why() -> None:
    today = date(2024, 3, 5)
    assert day_problem("0001-01-01", today) == "is before 1900"
    assert day_problem("9999-12-31", today) == "is more than a day after today (2024-03-05)"
    assert day_problem("2024-03-05", today) is None


def test_messages_about_bad_input_stay_short_and_on_one_line() -> None:
    long = "x" * 100_000
    assert len(shown(long)) < 100 and shown(long).endswith("… (100000 characters)")
    assert shown("a\nb\u202ec\ud800") == "'a\\nb\\u202ec\\ud800'"
    message = one_line("first line\nsecond\r\n" + long)
    assert "\n" not in message and len(message) == MESSAGE_LIMIT and message.endswith("…")
    assert one_line("lone \ud800 surrogate") == "lone ? surrogate"


def test_json_nesting_is_bounded() -> None:
    assert loads_bounded('{"a": [[1]]}') == {"a": [[1]]}
    assert not too_deep([[[]]], 3) and too_deep([[[[]]]], 3)
    for deep in ("[" * 100_000 + "]" * 100_000, "[" * 100 + "]" * 100):
        with pytest.raises(ValueError, match="nested deeper than 64 levels"):
            loads_bounded(deep)
