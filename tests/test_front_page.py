"""The front page: stories ranked by independent outlets and recency, teasers with their reach."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from newsdesk.config import PublishSettings
from newsdesk.publish.model import Line, PublishedStory, SourceItem
from newsdesk.publish.ranking import ranked
from newsdesk.publish.site import render_site


def story(story_id: str, date: str | None, outlets: list[tuple[str, str | None]]) -> PublishedStory:
    sources = tuple(
        SourceItem(n, outlet, f"{outlet} report", f"https://{n}.example/x", date, lean)
        for n, (outlet, lean) in enumerate(outlets, start=1)
    )
    headline = Line(f"Headline of {story_id}", ())
    body = ((Line(f"Body of {story_id}.", ()),),)
    return PublishedStory(
        story_id, story_id, "World", "world", date, headline, None, body, (), sources
    )


WIDE = story("s-wide", "2024-03-04", [("A", "left"), ("B", "center"), ("C", "right")])
FRESH = story("s-fresh", "2024-03-05", [("D", None)])
OLD = story("s-old", "2024-02-01", [(name, None) for name in "EFGHIJ"])
UNDATED = story("s-undated", None, [("K", None), ("L", None)])


def test_more_outlets_outrank_a_single_outlet_story_a_day_newer() -> None:
    assert [s.story_id for s in ranked([FRESH, WIDE])] == ["s-wide", "s-fresh"]


def test_freshness_wins_over_reach_after_a_few_days() -> None:
    assert [s.story_id for s in ranked([OLD, FRESH])] == ["s-fresh", "s-old"]


def test_undated_stories_follow_dated_ones_and_ties_never_wobble() -> None:
    twin = story("s-twin", "2024-03-04", [("X", None), ("Y", None), ("Z", None)])
    order = [s.story_id for s in ranked([UNDATED, twin, WIDE, FRESH])]
    assert order == ["s-twin", "s-wide", "s-fresh", "s-undated"]
    assert order == [s.story_id for s in ranked([FRESH, WIDE, twin, UNDATED])]


def test_an_outlet_counts_once_however_many_articles_it_has() -> None:
    repeated = story("s-rep", "2024-03-05", [("A", "left"), ("A", "left"), ("B", "right")])
    assert repeated.outlets == 2
    assert repeated.leans == (("left", 1), ("right", 1))


def test_leans_read_left_to_right_and_unrated_outlets_are_not_guessed() -> None:
    mixed = story(
        "s-mix",
        "2024-03-05",
        [("R", "Right"), ("L", "Lean Left"), ("C", "center"), ("U", None), ("L2", "left")],
    )
    assert mixed.leans == (("left", 1), ("lean left", 1), ("center", 1), ("right", 1))
    assert mixed.outlets == 5


def test_teasers_show_reach_and_leans_in_ranked_order(tmp_path: Path) -> None:
    settings = PublishSettings(tmp_path, site_title="Desk", base_url="https://news.test/")
    files = {f.path: f.data.decode("utf-8") for f in render_site([FRESH, WIDE], settings)}
    page = lxml.html.fromstring(files["index.html"])
    teasers = page.xpath("//li[@class='teaser']")
    assert [t.xpath(".//h2")[0].text_content() for t in teasers] == [
        "Headline of s-wide",
        "Headline of s-fresh",
    ]
    wide = " ".join(teasers[0].xpath(".//p[@class='meta']")[0].text_content().split())
    assert "3 outlets" in wide and "Left 1 · Center 1 · Right 1" in wide
    fresh = " ".join(teasers[1].xpath(".//p[@class='meta']")[0].text_content().split())
    assert "1 outlet" in fresh and "outlets" not in fresh and "Left" not in fresh
    section = lxml.html.fromstring(files["category/world.html"])
    headings = [h.text_content() for h in section.xpath("//li[@class='teaser']//h2")]
    assert headings == ["Headline of s-wide", "Headline of s-fresh"]
    feed = files["feed.atom"]
    assert feed.index("Headline of s-fresh") < feed.index("Headline of s-wide")  # newest first
