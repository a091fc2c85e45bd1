"""The extractive writer: cited, attributed, readable drafts from real stories."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import pytest

from newsdesk.config import WriteSettings
from newsdesk.language.attribution import attribute, quoted_headline, split_attribution
from newsdesk.language.quoting import unmarked_quote
from newsdesk.language.sections import classify
from newsdesk.language.speakers import speaker_of
from newsdesk.language.text import inside_quotation, words
from newsdesk.records import CATEGORIES, Article, Citation, Sentence, Story
from newsdesk.stories import cluster
from newsdesk.verify import check_sentence
from newsdesk.write import write_story
from newsdesk.write.base import Flag
from newsdesk.write.extractive import ExtractiveWriter, candidates
from newsdesk.write.ranking import rank
from spans import cited_text, own_citations, told_by


@pytest.fixture(scope="module")
def drafts(sample_articles: list[Article]) -> list[tuple[list[Article], object]]:
    assignment = cluster(sample_articles, threshold=0.15, window_days=1)
    by_story: dict[str, list[Article]] = {}
    for article in sample_articles:
        by_story.setdefault(assignment[article.id], []).append(article)
    result = []
    for story_id, articles in sorted(by_story.items()):
        story = Story(
            story_id,
            articles[0].title,
            tuple(a.id for a in articles),
            tuple(a.outlet for a in articles),
            None,
            None,
        )
        result.append((articles, write_story(story, articles, WriteSettings())))
    return result


def test_every_sentence_cites_an_exact_span(drafts: list[tuple[list[Article], object]]) -> None:
    for articles, draft in drafts:
        by_id = {a.id: a for a in articles}
        for sentence in draft.sentences:  # type: ignore[attr-defined]
            assert sentence.citations
            for citation in sentence.citations:
                source = by_id[citation.article_id]
                body = source.title if citation.field == "title" else source.text
                assert body[citation.start : citation.end]
            own = own_citations(sentence.citations)
            span = cited_text(own[0], by_id)
            claim = split_attribution(sentence.text).claim
            told = told_by(claim, own, by_id)
            if sentence.kind in ("headline", "timeline"):
                assert told or cut_from(claim, span), (claim, span)
            else:
                assert told, (claim, span)


def cut_from(headline: str, span: str) -> bool:
    """Whether a headline-style line is made of the span's words: all but its verb, which
    may change its tense ("voted" -> "votes", "made" -> "makes", "will vote" -> "to vote")."""
    have = [w.lower() for w in words(span)]
    misses = [
        w
        for w in words(headline)
        if w.lower() not in ("to", "is", "are") and not any(h[:4] == w.lower()[:4] for h in have)
    ]
    return len(misses) <= 1


def test_multi_outlet_stories_cite_several_outlets(
    drafts: list[tuple[list[Article], object]],
) -> None:
    for articles, draft in drafts:
        if len({a.outlet for a in articles}) < 2:
            continue
        cited = {s.outlet for s in draft.sentences if s.kind == "body"}  # type: ignore[attr-defined]
        assert len(cited) >= 2, draft.headline  # type: ignore[attr-defined]


def test_body_sentences_stand_alone(drafts: list[tuple[list[Article], object]]) -> None:
    dangling = re.compile(r"^(He|She|They|It|This|That|These|Those|But|And)\b")
    for _, draft in drafts:
        for sentence in draft.sentences:  # type: ignore[attr-defined]
            if sentence.kind in ("body", "dek"):
                claim = split_attribution(sentence.text).claim
                assert not dangling.match(claim), claim
                assert "MORE" not in claim.split()
                assert "photo" not in claim.lower()


def test_sources_are_the_story_articles(drafts: list[tuple[list[Article], object]]) -> None:
    for articles, draft in drafts:
        assert {s.url for s in draft.sources} == {a.url for a in articles}  # type: ignore[attr-defined]
        assert draft.category in CATEGORIES  # type: ignore[attr-defined]
        assert draft.date == max(a.published for a in articles if a.published)  # type: ignore[attr-defined]


def test_quotes_name_a_speaker_found_in_the_sentence(
    drafts: list[tuple[list[Article], object]],
) -> None:
    quotes = [s for _, d in drafts for s in d.sentences if s.kind == "quote"]  # type: ignore[attr-defined]
    assert quotes
    for quote in quotes:
        assert quote.speaker and quote.speaker in quote.text
        assert "“" in quote.text or '"' in quote.text


def test_rewriting_gives_the_same_draft(
    drafts: list[tuple[list[Article], object]],
) -> None:
    articles, draft = drafts[0]
    story = Story(draft.story_id, "", tuple(a.id for a in articles), (), None, None)  # type: ignore[attr-defined]
    assert write_story(story, articles, WriteSettings()).hash == draft.hash  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Senate voted 51-49.", "According to Reuters, the Senate voted 51-49."),
        (
            "Trump signed the order on Friday.",
            "Trump signed the order on Friday, Reuters reported.",
        ),
        ('Pelosi said, "We are ready."', 'Reuters reported: Pelosi said, "We are ready."'),
    ],
)
def test_attribution_round_trips(sentence: str, expected: str) -> None:
    written = attribute(sentence, "Reuters")
    assert written == expected
    parsed = split_attribution(written)
    assert parsed.outlet == "Reuters"
    assert parsed.claim == sentence


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("“We are deeply sorry for the publication,” said Eileen Murphy.", "Eileen Murphy"),
        ('"Nobody likes him, nobody wants to work with him," Clinton said.', "Clinton"),
        ("Pelosi said: “The president is not above the law at all.”", "Pelosi"),
        ("“We will fight this all the way,” he said.", None),
        ("Nothing, he added, “could be more destructive of our system of government.”", None),
        (
            '"It is the most partisan impeachment," said House Minority Leader Kevin McCarthy.',
            "House Minority Leader Kevin McCarthy",
        ),
    ],
)
def test_speaker_of(sentence: str, speaker: str | None) -> None:
    assert speaker_of(sentence) == speaker


def test_classify_files_stories_by_their_vocabulary() -> None:
    def art(title: str, text: str) -> Article:
        return Article("x", "https://e.org", "E", title, text)

    assert (
        classify(
            [
                art(
                    "Stocks slide as Dow sheds 500 points",
                    "Investors sold shares; the Nasdaq and S&P fell.",
                )
            ]
        )
        == "Markets"
    )
    assert classify([art("Senate passes bill", "Republicans and Democrats voted.")]) == "Politics"
    assert (
        classify([art("Iran and Israel trade threats", "The foreign minister met the ambassador.")])
        == "World"
    )


def test_read_time_rule() -> None:
    assert math.ceil(530 / 265) == 2


def test_questions_and_fragments_are_not_candidates() -> None:
    from newsdesk.write.extractive import candidates

    text = (
        "When will people feel safe to go out and what are the risks to them?\n\n"
        "The governor said most businesses in the state will reopen on Friday morning.\n\n"
        "He said the decision was made after weeks of careful consultation with experts."
    )
    found = candidates([Article("a", "https://e.org/a", "E", "T", text)], WriteSettings())
    assert [c.span.text for c in found] == [
        "The governor said most businesses in the state will reopen on Friday morning."
    ]


def test_where_outlets_differ_credits_each_line_to_the_outlet_it_cites(
    drafts: list[tuple[list[Article], object]],
) -> None:
    seen = quoted = 0
    for articles, draft in drafts:
        lines = [s for s in draft.sentences if s.kind == "coverage"]  # type: ignore[attr-defined]
        outlets = {a.outlet for a in articles}
        if len(outlets) < 2:
            assert lines == []
            continue
        seen += 1
        by_id = {a.id: a for a in articles}
        body = {s.citations[0] for s in draft.sentences if s.kind != "coverage"}  # type: ignore[attr-defined]
        headlines = [line for line in lines if quoted_headline(line.text)]
        assert len({line.outlet for line in headlines}) == len(headlines)
        quoted += bool(headlines)
        for line in lines:
            citation = line.citations[0]
            assert by_id[citation.article_id].outlet == line.outlet
            assert split_attribution(line.text).outlet == line.outlet
            assert citation not in body
        for line in headlines:
            (citation,) = line.citations
            assert citation.field == "title"
            assert split_attribution(line.text).claim == by_id[citation.article_id].title
    assert seen >= 20
    assert quoted >= 10


def test_timeline_appears_only_for_stories_that_span_several_days(
    drafts: list[tuple[list[Article], object]],
) -> None:
    for articles, draft in drafts:
        lines = [s for s in draft.sentences if s.kind == "timeline"]  # type: ignore[attr-defined]
        days = {a.published for a in articles if a.published}
        if len(days) < 2:
            assert lines == []
            continue
        by_id = {a.id: a for a in articles}
        dates = [line.date for line in lines]
        assert dates == sorted(dates)
        assert len(set(dates)) == len(dates)
        for line in lines:
            assert by_id[line.citations[0].article_id].published == line.date


def test_relative_dates_are_pinned_or_not_copied_from_older_reports() -> None:
    old = Article(
        "a1",
        "https://example.org/1",
        "Reuters",
        "Talks resume",
        "Negotiators from both countries met in Geneva on Monday to resume the stalled talks. "
        "Negotiators from both countries said the talks in Geneva would go on for three days.",
        "2020-03-02",
    )
    new = Article(
        "a2",
        "https://example.org/2",
        "AP",
        "Talks go on",
        "Negotiators from both countries resumed the stalled talks in Geneva this week.",
        "2020-03-04",
    )
    printed = {c.printed for c in candidates([old, new], WriteSettings(), as_of="2020-03-04")}
    assert (
        "Negotiators from both countries met in Geneva on Monday, March 2, to resume the "
        "stalled talks." in printed
    )
    assert not any(t.endswith("on Monday to resume the stalled talks.") for t in printed)
    assert any("three days" in t for t in printed)
    week = replace(old, text=old.text.replace("on Monday", "on Monday night"))
    printed = {c.printed for c in candidates([week, new], WriteSettings(), as_of="2020-03-04")}
    assert not any("Monday" in t for t in printed)  # "Monday night" cannot be pinned
    same_day = candidates([week], WriteSettings(), as_of="2020-03-02")
    assert any("on Monday night" in c.printed for c in same_day)


def test_revise_replaces_a_flagged_headline_with_another_cited_one(
    drafts: list[tuple[list[Article], object]],
) -> None:
    articles, draft = next((a, d) for a, d in drafts if len({x.title for x in a}) >= 2)
    headline = draft.sentences[0]  # type: ignore[attr-defined]
    writer = ExtractiveWriter(WriteSettings())
    flag = Flag(0, headline.text, "unsupported", "planted")
    revised = writer.revise(draft, [flag], articles)  # type: ignore[arg-type]
    new = revised.sentences[0]
    assert new.kind == "headline"
    assert new.text != headline.text
    citation = new.citations[0]
    source = next(a for a in articles if a.id == citation.article_id)
    cited = (source.title if citation.field == "title" else source.text)[
        citation.start : citation.end
    ]
    text = split_attribution(new.text).claim  # "…, National Review reports": one source's
    assert text == cited or cut_from(text, cited)
    assert revised.sentences[1:] == draft.sentences[1:]  # type: ignore[attr-defined]


def test_revise_never_brings_in_a_repeat_of_a_sentence_kept_later() -> None:
    shared = "The city council approved the new stadium budget of $200 million on a 7-2 vote."
    reuters = Article(
        "r1",
        "https://example.org/r1",
        "Reuters",
        "Stadium budget approved",
        f"{shared}\n\nConstruction is expected to start in the spring near the river.",
        "2020-03-02",
    )
    ap = Article(
        "a1",
        "https://example.org/a1",
        "Associated Press",
        "Council backs stadium",
        f"{shared}\n\nOpponents said the money should go to schools and public transit.",
        "2020-03-02",
    )
    story = Story("s", "Stadium", ("r1", "a1"), ("Reuters", "Associated Press"), None, None)
    draft = write_story(story, [reuters, ap], WriteSettings())
    kept = Sentence("body", shared, (Citation("r1", 0, len(shared)),), outlet="Reuters")
    flagged = Sentence("body", "Opponents said the money should go to schools.", (), outlet="x")
    planted = replace(draft, sentences=(draft.sentences[0], flagged, kept))
    writer = ExtractiveWriter(WriteSettings())
    revised = writer.revise(
        planted, [Flag(1, flagged.text, "unsupported", "planted")], [reuters, ap]
    )
    claims = [split_attribution(s.text).claim for s in revised.sentences if s.kind == "body"]
    assert claims.count(shared) == 1, claims
    assert len(claims) == 2


FARM_BILL_PASSED = Article(
    "t1",
    "https://example.org/t1",
    "Associated Press",
    "Senate passes the farm bill",
    "The Senate passed the farm bill on a vote of 68 to 31, sending it to the House.\n\n"
    "House leaders said they would bring the farm bill to a vote within two weeks.",
    "2020-03-03",
)
"""The second day of a two-day story whose first day's article (``m1``) each test varies."""
FARM_BILL = Story("f", "Farm bill", ("m1", "t1"), ("Reuters", "Associated Press"), None, None)


def test_the_body_tells_developments_in_time_order_and_background_last() -> None:
    monday = Article(
        "m1",
        "https://example.org/m1",
        "Reuters",
        "Senate takes up the farm bill",
        "Senators opened debate on the farm bill that sets crop subsidies for five years.\n\n"
        "In 2014, a similar farm bill failed in the House after a long fight over food aid.\n\n"
        "Farm groups urged senators to pass the farm bill before the spring planting season.",
        "2020-03-02",
    )
    tuesday = FARM_BILL_PASSED
    draft = write_story(FARM_BILL, [monday, tuesday], WriteSettings())
    body = [s for s in draft.sentences if s.kind == "body"]
    claims = [split_attribution(s.text).claim for s in body]
    background = next(i for i, c in enumerate(claims) if "In 2014" in c)
    assert background == len(claims) - 1, claims
    days = [
        next(a.published for a in (monday, tuesday) if a.id == s.citations[0].article_id)
        for s in body[1:background]
    ]
    assert days == sorted(days), claims


def test_a_paraphrase_of_a_chosen_sentence_is_a_repeat_and_a_different_fact_is_not() -> None:
    first = Article(
        "h1",
        "https://example.org/h1",
        "The Hill",
        "Price rules",
        "The new rules would also force health care providers and insurers to tell patients "
        "exactly what their out-of-pocket costs would be before any service is provided.\n\n"
        "The administration said the trade deal with China would be signed in Washington "
        "next week after two years of talks over tariffs and farm purchases.",
        "2019-11-15",
    )
    second = Article(
        "c1",
        "https://example.org/c1",
        "CNN",
        "Hospitals must post prices",
        "The rules will also require health care providers and insurers to tell patients "
        "about the out-of-pocket costs they’ll face before they receive health care services."
        "\n\nOfficials said a separate trade deal with Mexico would be signed in Washington "
        "next week, once lawmakers in both countries approve its labor rules.",
        "2019-11-15",
    )
    ranked = rank([first, second], WriteSettings(), "2019-11-15")

    def find(word: str) -> int:
        return next(i for i, c in enumerate(ranked.cands) if word in c.printed)

    rules, paraphrase = find("would also force"), find("will also require")
    china, mexico = find("China"), find("Mexico")
    assert ranked.similarity[rules, paraphrase] <= ranked.duplicate  # cosine alone misses it
    assert ranked.repeats(rules, paraphrase)
    assert not ranked.repeats(china, mexico)
    chosen = ranked.select(4, [])
    assert not (rules in chosen and paraphrase in chosen)
    assert china in chosen and mexico in chosen


def test_a_day_whose_leads_cannot_be_printed_gets_its_title_as_the_timeline_line() -> None:
    monday = Article(
        "m1",
        "https://example.org/m1",
        "Reuters",
        "Senate opens debate on the farm bill",
        "What is in it?\n\nWho pays?",
        "2020-03-02",
    )
    tuesday = FARM_BILL_PASSED
    draft = write_story(FARM_BILL, [monday, tuesday], WriteSettings())
    lines = [s for s in draft.sentences if s.kind == "timeline"]
    assert [line.date for line in lines] == ["2020-03-02", "2020-03-03"]
    assert lines[0].text == "Reuters’s headline: “Senate opens debate on the farm bill”"
    sources = {a.id: a for a in (monday, tuesday)}
    result = check_sentence(lines[0], sources, 0.9, as_of="2020-03-03")
    assert result.label == "supported", result.reason


def test_key_quotes_and_candidates_stand_alone() -> None:
    text = (
        "Attorney General William Barr spoke to the Federalist Society in Washington.\n\n"
        "“Nothing could be more destructive of our system of government than this "
        "kind of resistance to the president,” Barr said on Friday.\n\n"
        "Nothing, he added, “could be more destructive of the rule of law than any "
        "toleration of political interference.”\n\n"
        "Hours later, the House Judiciary Committee announced a hearing on the remarks."
    )
    source = Article("b1", "https://example.org/b1", "CNN", "Barr speech", text, "2019-11-16")
    story = Story("b", "Barr", ("b1",), ("CNN",), None, None)
    draft = write_story(story, [source], WriteSettings())
    texts = [s.text for s in draft.sentences]
    assert any("president,” Barr said on Friday, Nov. 15" in t for t in texts), texts
    assert not any("Barr said on Friday." in t or "Nothing, he added" in t for t in texts)
    printed = [c.printed for c in candidates([source], WriteSettings())]
    assert not any(p.startswith("Hours later") for p in printed)


def test_no_sentence_prints_part_of_a_quotation_without_its_marks(
    drafts: list[tuple[list[Article], object]],
) -> None:
    """Politico quotes Clinton: “He was in Congress for years. … Nobody likes him, nobody
    wants to work with him. He got nothing done,” Clinton said. The middle sentences have
    no mark of their own; printed alone they were once the dek, in the newsroom's voice."""
    politico = next(
        a for articles, _ in drafts for a in articles if a.id == "baly-GBoluTq88qC6MrIG"
    )
    printed = [c.printed for c in candidates([politico], WriteSettings())]
    assert "Nobody likes him, nobody wants to work with him." in politico.text
    assert not any("Nobody likes him" in p for p in printed)
    assert (
        "On social media, Clinton’s interview immediately ignited an intra-party crossfire."
        in printed
    )
    for articles, draft in drafts:
        by_id = {a.id: a for a in articles}
        for sentence in draft.sentences:  # type: ignore[attr-defined]
            own = sentence.citations[0]
            if own.field == "title":
                continue
            text = by_id[own.article_id].text
            assert not inside_quotation(text, own.start, own.end), sentence.text
            cited = [by_id[c.article_id].text for c in sentence.citations]
            assert unmarked_quote(sentence.text, cited) is None, sentence.text
