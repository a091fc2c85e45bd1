"""Page furniture: the rules and classifier of ``language/furniture.py``, marking at
ingest, and the writers and quote picker that skip what is marked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.config import WriteSettings
from newsdesk.ingest.marking import mark_furniture
from newsdesk.language.furniture import (
    MODEL_PATH,
    FurnitureModel,
    default_model,
    features,
    mark,
    marker_version,
    reporting_text,
    rule_marks,
    usable,
)
from newsdesk.language.speakers import find_quotes
from newsdesk.language.text import Span, sentences
from newsdesk.records import Article, Furniture
from newsdesk.store import SQLiteStore
from newsdesk.write.extractive import candidates
from newsdesk.write.prompts import source_block

ROOT = Path(__file__).resolve().parents[1]


def kinds(sentence: str, paragraph: int = 5) -> list[tuple[str, str]]:
    """(kind, marked text) for each rule mark in one sentence."""
    span = Span(0, len(sentence), sentence)
    return [(m.kind, sentence[m.start : m.end]) for m in rule_marks(span, paragraph)]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("(AP Photo/Evan Vucci)", "caption"),
        ("FILE - In this April 29, 2020, file photo Mike Pompeo speaks in Washington.", "caption"),
        ("Jung Yeon-je, Pool Photo via AP", "caption"),
        (
            "Mourners carry the coffins of Iran's Gen. Qassem Soleimani at the Imam Ali shrine "
            "in Najaf, Iraq, Saturday, Jan. 4, 2020.",
            "caption",
        ),
        (
            "President Donald Trump participates in the daily briefing in the Rose Garden of "
            "the White House, on April 27, 2020, in Washington.",
            "caption",
        ),
        ("Image copyright AFP Image caption Mr Trump attended the UN on Monday", "caption"),
        ("1 of 2 This newspaper page provided by The Robesonian shows the comics.", "caption"),
        ("MICHAEL BARBARO: So what happened next?", "transcript"),
        ("archived recording (tom cotton) We have to act now.", "transcript"),
        ("Good morning and welcome to the Daily Briefing newsletter.", "newsletter"),
        ("READ MORE: Trump's trade war explained", "teaser"),
        ("More: ICE says man taken while rushing pregnant wife to hospital is wanted", "teaser"),
        ("JUDGE STRIKES DOWN MISSISSIPPI'S 15-WEEK ABORTION BAN", "headline"),
        ("By Yasmeen Abutaleb", "byline"),
        ("The Associated Press contributed to this report.", "byline"),
        ("Reporting by Jane Doe; Editing by John Roe", "byline"),
        ("Sign up for our Politics newsletter.", "prompt"),
        ("Click here for reprint permission.", "prompt"),
        ("Follow him on Twitter: @realDonaldTrump", "prompt"),
        ("ADVERTISEMENT", "debris"),
        ("Copyright © 2019 The Washington Times, LLC.", "debris"),
        ("Why it matters", "label"),
    ],
)
def test_a_rule_marks_the_whole_sentence_as_furniture_of_its_kind(sentence: str, kind: str) -> None:
    assert kinds(sentence) == [(kind, sentence)]


@pytest.mark.parametrize(
    ("sentence", "paragraph", "kind", "marked"),
    [
        ("WASHINGTON (AP) — The Senate voted to adjourn.", 0, "dateline", "WASHINGTON (AP) — "),
        (
            "New York (CNN Business) The Times apologized.",
            0,
            "dateline",
            "New York (CNN Business) ",
        ),
        ("LONDON — Parliament was suspended.", 0, "dateline", "LONDON — "),
        (
            "STOCKHOLM/SHANGHAI (Reuters) - Greta Thunberg spoke.",
            0,
            "dateline",
            "STOCKHOLM/SHANGHAI (Reuters) - ",
        ),
        ("WASHINGTON (AP) — Hunter Biden testified.", 2, "dateline", "WASHINGTON (AP) — "),
        ("Why it matters: The bill would cap drug prices.", 4, "label", "Why it matters: "),
        ("THE FACTS: That’s not true.", 6, "label", "THE FACTS: "),
    ],
)
def test_a_leading_dateline_or_label_is_marked_and_the_rest_is_reporting(
    sentence: str, paragraph: int, kind: str, marked: str
) -> None:
    assert kinds(sentence, paragraph) == [(kind, marked)]
    whole = Span(0, len(sentence), sentence)
    span = usable(whole, rule_marks(whole, paragraph))
    assert span is not None
    assert span.text == sentence[len(marked) :]
    assert sentence[span.start : span.end] == span.text


def test_a_dateline_is_looked_for_only_near_the_top() -> None:
    assert kinds("WASHINGTON (AP) — Hunter Biden testified.", paragraph=7) == []
    # Without a dash, only the first paragraph: "Sen. Ted Cruz (R-Texas) Tuesday said…"
    assert kinds("Sen. Ted Cruz (R-Texas) Tuesday said he would object.", paragraph=1) == []


def test_glued_link_text_and_embed_credits_are_marked_inside_the_sentence() -> None:
    sentence = (
        "Sessions told Rep. Ted Lieu (D-Calif.) that President Trump Donald John TrumpTrump "
        "faces high stakes in meeting with Erdoğan MORE never asked him to lie."
    )
    [(kind, marked)] = kinds(sentence)
    assert kind == "debris"
    assert "TrumpTrump faces" in marked and marked.endswith("MORE")
    assert usable(Span(0, len(sentence), sentence), mark(sentence)) is None
    tweet = "I’m exploring all options. — Kyle Kashuv (@KyleKashuv) June 17, 2019"
    assert kinds(tweet) == [("embed", "— Kyle Kashuv (@KyleKashuv) June 17, 2019")]


@pytest.mark.parametrize(
    "sentence",
    [
        "By Thursday, geopolitical fears had taken over investor sentiment again.",
        "Sen. Ted Cruz (R-Texas) said he would object to the certification.",
        "The photo showed the president standing alone in the Rose Garden.",
        "“We will not back down,” she said on Tuesday.",
        "The vote was 52-48, with two Republicans joining Democrats.",
        "The law took effect on Jan. 1, 2020, in every state.",
        "Trump: the deal is done, he told reporters in Osaka.",
        "He said more talks would follow in the coming weeks.",
        "3 of 5 Americans say the economy is getting worse.",
    ],
)
def test_reporting_is_not_marked(sentence: str) -> None:
    assert kinds(sentence, paragraph=0) == []
    text = (
        "The Senate voted on Friday to pass the spending bill, sending it to the House.\n\n"
        f"{sentence} The measure would keep the government open through September.\n\n"
        "The House is expected to take up the measure when it returns next week."
    )
    assert mark(text) == []


def test_a_paragraph_repeating_the_title_is_a_stray_headline() -> None:
    title = "Senate passes the spending bill"
    text = f"The Senate passed the bill on Friday.\n\n{title}\n\nIt now goes to the House."
    [found] = mark(text, title)
    assert (found.kind, text[found.start : found.end]) == ("headline", title)


def test_the_classifier_catches_furniture_no_rule_names() -> None:
    model = default_model()
    assert model is not None
    # A section heading: no verb, no full stop, alone in its paragraph.
    heading = features("China Trade War Impact On U.S. Consumers, Companies", 23, 31, 1)
    body = features(
        "The tariffs would raise the price of consumer goods by about 2 percent, economists said.",
        23,
        31,
        3,
    )
    assert model.probability(heading) >= model.threshold > model.probability(body)


def test_marks_come_in_text_order_as_exact_spans() -> None:
    text = (
        "WASHINGTON (AP) — The Senate voted 52-48 to pass the bill on Friday.\n\n"
        "(AP Photo/Evan Vucci)\n\n"
        "The House is expected to take it up next week.\n\n"
        "Sign up for our Politics newsletter."
    )
    marks = mark(text)
    assert [m.kind for m in marks] == ["dateline", "caption", "prompt"]
    assert [text[m.start : m.end] for m in marks][1:] == [
        "(AP Photo/Evan Vucci)",
        "Sign up for our Politics newsletter.",
    ]
    assert marks == sorted(marks, key=lambda m: m.start)


def test_the_weights_are_reproduced_exactly_from_the_labels(tmp_path: Path) -> None:
    out = tmp_path / "furniture.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "training" / "train_furniture.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.read_bytes() == MODEL_PATH.read_bytes()
    figures = json.loads(done.stdout.splitlines()[-1])
    assert figures["labels"] >= 500
    assert figures["combined"]["positives"] > 0
    assert FurnitureModel.load(out).threshold == figures["threshold"]


# -- at ingest and in the writers ---------------------------------------------------------

PAGE = Article(
    "furniture-1",
    "https://example.org/senate-bill",
    "Example News",
    "Senate passes the spending bill",
    "WASHINGTON (AP) — The Senate voted 52-48 to pass the spending bill on Friday night.\n\n"
    "(AP Photo/Evan Vucci)\n\n"
    "“This bill keeps the government open and pays our troops,” "
    "Senate Majority Leader Mitch McConnell said.\n\n"
    "READ MORE: “We will shut it all down before we pass this bill,” Schumer said in 2018.\n\n"
    "The House is expected to take up the measure when it returns next week.\n\n"
    "Sign up for our Politics newsletter to get the news delivered to your inbox.",
    published="2019-12-20",
)


def test_ingest_stores_the_marks_and_a_later_run_marks_what_an_older_marker_left(
    tmp_path: Path,
) -> None:
    store = SQLiteStore(tmp_path / "news.db")
    with store.transaction():
        store.add_article(PAGE, None)
    assert store.article(PAGE.id).furniture is None  # type: ignore[union-attr]
    assert mark_furniture(store) == 1
    stored = store.article(PAGE.id)
    assert stored is not None and stored.furniture is not None
    assert [m.kind for m in stored.furniture] == ["dateline", "caption", "teaser", "prompt"]
    assert tuple(stored.furniture) == tuple(mark(PAGE.text, PAGE.title))
    assert mark_furniture(store) == 0  # nothing left for this marker
    # Marks from another marker are made again; the stored text never changes.
    with store.transaction():
        store.save_furniture(PAGE.id, [Furniture(0, 5, "caption", "rule")], "older")
    assert mark_furniture(store) == 1
    again = store.article(PAGE.id)
    assert again is not None and again.text == PAGE.text
    assert again.furniture == stored.furniture
    assert marker_version() == marker_version()
    store.close()


def test_the_writer_and_the_quote_picker_skip_furniture() -> None:
    marked = Article(**{**PAGE.__dict__, "furniture": tuple(mark(PAGE.text, PAGE.title))})
    found = [c.span.text for c in candidates([marked], WriteSettings())]
    assert found[0] == "The Senate voted 52-48 to pass the spending bill on Friday night."
    assert not any("Photo" in t or "READ MORE" in t or "Sign up" in t for t in found)
    quotes = find_quotes([marked], 5)
    assert [q.speaker for q in quotes] == ["Senate Majority Leader Mitch McConnell"]
    shown = source_block("S1", marked)
    assert "Sign up" not in shown and "AP Photo" not in shown and "READ MORE" not in shown
    assert "The Senate voted 52-48" in shown and "WASHINGTON (AP)" not in shown


def test_an_article_never_marked_is_marked_when_read() -> None:
    assert PAGE.furniture is None
    assert "AP Photo" not in reporting_text(PAGE)
    assert next(sentences(reporting_text(PAGE))).text.startswith("The Senate voted")
