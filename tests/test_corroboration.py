"""What the newsroom says in its own voice, two independent sources report; the rest is
credited to the one outlet that does.

The planted story is real reporting (``fixtures/planted``: The Hill and NBC News on the
first federal execution in 17 years); the wire-copy cases are built by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from click.testing import Result

from newsdesk.config import VerifySettings, WriteSettings
from newsdesk.language.attribution import credit_headline, credited_outlets, split_attribution
from newsdesk.language.corroboration import Corroborator, own_voice
from newsdesk.language.independence import copies, source_groups
from newsdesk.language.support import check_support, combined_support, lexical_support
from newsdesk.language.text import sentences
from newsdesk.records import Article, Citation, Draft, Evidence, Sentence, Story
from newsdesk.verify import check_article, check_sentence, load_sources
from newsdesk.verify.checks.base import SupportFn
from newsdesk.verify.gate import run_gate
from newsdesk.write.base import Flag
from newsdesk.write.extractive import VOICED, ExtractiveWriter
from test_gate import NoRevision

FIXTURES = Path(__file__).parent / "fixtures" / "planted"
NELSON = "Keith Dwayne Nelson is scheduled to be executed in August."
"""A fact only NBC News reports (the writer prints it, credited; faithful.md does not)."""
CREDITED = "Keith Dwayne Nelson is scheduled to be executed in August, NBC News reported."
BREATHED = "Lee breathed heavily before the lethal drug was injected and moved his legs and feet."
"""Another fact only NBC News reports, which the writer does not print."""
BREATHED_CREDITED = f"{BREATHED[:-1]}, NBC News reported."


@pytest.fixture(scope="module")
def sources() -> list[Article]:
    return load_sources(FIXTURES / "sources.jsonl")


@pytest.fixture(scope="module")
def story(sources: list[Article]) -> Story:
    ids, outlets = tuple(a.id for a in sources), tuple(a.outlet for a in sources)
    return Story("s-voice", sources[0].title, ids, outlets, None, None)


@pytest.fixture(scope="module")
def draft(sources: list[Article], story: Story) -> Draft:
    return ExtractiveWriter(WriteSettings()).write(story, sources)


def cite(sources: Sequence[Article], fragment: str) -> Citation:
    """A citation of the source sentence that holds ``fragment``."""
    for source in sources:
        for span in sentences(source.text):
            if fragment in span.text:
                return Citation(source.id, span.start, span.end)
    raise AssertionError(f"no source sentence holds {fragment!r}")


def planted(sources: Sequence[Article], text: str = BREATHED) -> Sentence:
    return Sentence("body", text, (cite(sources, "Lee breathed heavily"),), paragraph=9)


# The gate ---------------------------------------------------------------------------------


def test_a_single_source_sentence_in_the_newsrooms_voice_is_not_published(
    draft: Draft, sources: list[Article]
) -> None:
    with_plant = replace(draft, sentences=(*draft.sentences, planted(sources)))
    gated = run_gate(with_plant, sources, NoRevision(), VerifySettings())
    assert BREATHED not in [s.text for s in gated.draft.sentences]
    dropped = next(d for d in gated.record.dropped if d.text == BREATHED)
    assert dropped.check == "attribution"
    assert dropped.reason == (
        "only NBC News reports this; the sentence speaks in the newsroom's voice: "
        "credit NBC News or cite a second independent source"
    )
    assert not gated.held


def test_the_writer_credits_it_to_its_outlet_and_that_passes(
    draft: Draft, sources: list[Article]
) -> None:
    with_plant = replace(draft, sentences=(*draft.sentences, planted(sources)))
    gated = run_gate(with_plant, sources, ExtractiveWriter(WriteSettings()), VerifySettings())
    assert BREATHED_CREDITED not in [s.text for s in draft.sentences]
    published = [s.text for s in gated.draft.sentences]
    assert BREATHED not in published
    assert BREATHED_CREDITED in published
    assert gated.record.revised >= 1 and not gated.held


def test_the_same_sentence_credited_to_its_outlet_passes(
    draft: Draft, sources: list[Article]
) -> None:
    credited = planted(sources, BREATHED_CREDITED)
    with_credit = replace(draft, sentences=(*draft.sentences, credited))
    gated = run_gate(with_credit, sources, NoRevision(), VerifySettings())
    assert BREATHED_CREDITED in [s.text for s in gated.draft.sentences]
    assert not any(d.text == BREATHED_CREDITED for d in gated.record.dropped)


def test_a_sentence_two_sources_report_may_speak_in_the_newsrooms_voice(
    sources: list[Article],
) -> None:
    by_id = {a.id: a for a in sources}
    hill = cite(sources, "Two more federal executions are scheduled for this week")
    nbc = cite(sources, "Two more executions are scheduled this week:")
    text = "Two more executions are scheduled this week."
    alone = check_sentence(Sentence("body", text, (hill,)), by_id, 0.9)
    assert (alone.label, alone.decided_by) == ("unsupported", "attribution")
    assert alone.reason.startswith("only The Hill reports this;")
    both = check_sentence(Sentence("body", text, (hill, nbc)), by_id, 0.9)
    assert both.label == "supported", both.reason
    check = next(c for c in both.checks if c.detail.startswith("reported by"))
    assert check.detail == "reported by The Hill and NBC News"


def test_a_wrong_sentence_is_failed_for_what_is_wrong_not_for_its_sources(
    sources: list[Article],
) -> None:
    by_id = {a.id: a for a in sources}
    text = "Three more federal executions are scheduled for this week."
    result = check_sentence(
        Sentence("body", text, (cite(sources, "Two more federal executions"),)), by_id, 0.9
    )
    assert result.label != "supported"
    assert result.decided_by != "attribution"
    assert [c.detail for c in result.checks if c.kind == "attribution"][-1].startswith("not judged")


# Independent sources ----------------------------------------------------------------------

WIRE = (
    "The city council approved a stadium budget of $200 million on Tuesday after a long "
    "debate. Construction is expected to start in the spring near the river, officials said. "
    "The mayor called the vote a turning point for the neighbourhood and its businesses."
)


def article(article_id: str, outlet: str, text: str, title: str = "Stadium budget") -> Article:
    return Article(article_id, f"https://{article_id}.test/1", outlet, title, text, "2020-03-03")


AP = article("ap", "Associated Press", WIRE)
CBS = article("cbs", "CBS News", WIRE.rsplit(" The mayor", 1)[0], "Council backs stadium")
NEWSMAX = article("nm", "Newsmax", "By AP staff. " + WIRE)
REUTERS = article(
    "rt",
    "Reuters",
    "Council members clashed over parking before the vote. Several residents asked for a "
    "delay of the project until a traffic study is done.",
)
REUTERS_DESK = article("rt2", "Reuters (Online News)", "Traffic in the river district is heavy.")


def test_copies_of_one_wire_story_and_one_outlets_desks_are_one_source() -> None:
    assert copies(AP.text, CBS.text) and copies(AP.text, NEWSMAX.text)
    assert not copies(AP.text, REUTERS.text)
    groups = source_groups([AP, CBS, NEWSMAX, REUTERS, REUTERS_DESK])
    assert len(groups) == 2
    assert groups.of("ap") == groups.of("cbs") == groups.of("nm")
    assert groups.of("rt") == groups.of("rt2") != groups.of("ap")
    assert groups.name(groups.of("ap") or 0) == "Associated Press, CBS News and Newsmax"


def test_two_wire_copies_count_as_one_source() -> None:
    claim = "The city council approved a stadium budget of $200 million on Tuesday."
    start = WIRE.index(claim[:-1])
    spans = tuple(Citation(a.id, start, start + len(claim) - 1) for a in (AP, CBS))
    by_id = {a.id: a for a in (AP, CBS, REUTERS)}
    result = check_sentence(Sentence("body", claim, spans), by_id, 0.9)
    assert (result.label, result.decided_by) == ("unsupported", "attribution")
    assert result.reason.startswith(
        "only Associated Press and CBS News, copies of one story, report this;"
    )
    credited = check_sentence(
        Sentence("body", f"{claim[:-1]}, The Associated Press reported.", spans[:1]), by_id, 0.9
    )
    assert credited.label == "supported", credited.reason


def test_a_second_independent_source_is_found_and_cited_by_the_writer() -> None:
    claim = "The city council approved a stadium budget of $200 million on Tuesday."
    other = article("wp", "Washington Post", f"{claim} Residents cheered outside city hall.")
    corroborator = Corroborator(None, 0.9)
    cheered = "Residents cheered outside city hall."
    own = [Evidence(AP, 0, len(claim) - 1), Evidence(other, len(claim) + 1, len(other.text))]
    found = corroborator.second_sources([(claim, own[:1]), (cheered, own[1:])], [AP, CBS, other])
    assert [e.source.id for e in found[0]] == ["wp"]
    assert found[1] == ()  # only the Post tells it


# The writer -------------------------------------------------------------------------------


def test_the_writer_never_speaks_in_its_own_voice_on_one_source(
    draft: Draft, sources: list[Article]
) -> None:
    groups = source_groups(sources)
    outlets = [a.outlet for a in sources]
    by_id = {a.id: a for a in sources}
    voiced = 0
    for sentence in draft.sentences:
        if sentence.kind not in VOICED or not own_voice(sentence.text, outlets):
            continue
        voiced += 1
        assert len({groups.of(c.article_id) for c in sentence.citations}) >= 2, sentence.text
        result = check_sentence(sentence, by_id, 0.9, as_of=draft.date, support=judged())
        assert result.decided_by != "attribution", (sentence.text, result.reason)
    assert voiced >= 1  # the headline, at least: both outlets report the execution


def test_a_headline_only_one_source_supports_is_credited_and_published() -> None:
    first = article(
        "a1",
        "Associated Press",
        "The city council approved a stadium budget of $200 million on Tuesday after a long "
        "debate that ran past midnight.",
        "Council approves stadium budget",
    )
    second = article(
        "b1",
        "Reuters",
        "Residents of the river district asked the council for a traffic study before any "
        "construction begins near the water.",
        "Residents want a traffic study",
    )
    story = Story("s-one", first.title, ("a1", "b1"), ("Associated Press", "Reuters"), None, None)
    writer = ExtractiveWriter(WriteSettings(min_words=5), corroborator=Corroborator(None, 0.9))
    written = writer.write(story, [first, second])
    headline = written.sentences[0]
    assert headline.kind == "headline"
    assert credited_outlets(headline.text, ["Associated Press", "Reuters"])
    assert headline.text.endswith((", Associated Press reports", ", Reuters reports"))
    gated = run_gate(written, [first, second], writer, VerifySettings(), support=support())
    assert not gated.held
    assert gated.draft.sentences[0].text == headline.text


def test_a_credited_headline_reads_back_as_its_outlet_and_claim() -> None:
    line = credit_headline("Council approves stadium budget", "CNN (Web News)")
    assert line == "Council approves stadium budget, CNN reports"
    assert split_attribution(line).claim == "Council approves stadium budget"
    assert split_attribution(line).outlet == "CNN"
    assert credit_headline(line, "CNN") == line


def test_a_flag_on_a_sentence_one_source_tells_credits_it_in_place(
    draft: Draft, sources: list[Article]
) -> None:
    with_plant = replace(draft, sentences=(*draft.sentences, planted(sources)))
    position = len(with_plant.sentences) - 1
    flag = Flag(position, BREATHED, "unsupported", "only NBC News reports this", "attribution")
    revised = ExtractiveWriter(WriteSettings()).revise(with_plant, [flag], sources)
    assert revised.sentences[position].text == BREATHED_CREDITED
    assert revised.sentences[:position] == with_plant.sentences[:position]


# newsdesk check ---------------------------------------------------------------------------


def test_check_reports_a_single_source_sentence_under_attribution(
    sources: list[Article], invoke: Callable[..., Result], tmp_path: Path
) -> None:
    faithful = (FIXTURES / "faithful.md").read_text(encoding="utf-8")
    anchor = "Two more executions are scheduled this week, NBC News reported."
    text = faithful.replace(anchor, f"{anchor}\n\n{NELSON}", 1)
    report = check_article(text, sources, name="post.md")
    flagged = [c for c in report.claims if c.verdict != "supported"]
    assert [(c.unit.text, c.kind) for c in flagged] == [(NELSON, "attribution")]
    post = tmp_path / "post.md"
    post.write_text(text, encoding="utf-8")
    result = invoke("check", str(post), "--sources", str(FIXTURES / "sources.jsonl"))
    assert result.exit_code == 1
    line = next(x for x in result.stdout.splitlines() if " attribution " in x)
    assert line.endswith(
        "unsupported attribution only NBC News reports this; the sentence speaks in the "
        "newsroom's voice: credit NBC News or cite a second independent source"
    )
    credited = check_article(faithful.replace(anchor, f"{anchor}\n\n{CREDITED}", 1), sources)
    assert credited.exit_code == 0


def support() -> SupportFn:
    """Word coverage: what these copied sentences need, without the model."""
    return partial(lexical_support, min_coverage=0.9)


def judged() -> SupportFn:
    """The gate's support: word coverage, then the model (which the writer asked too)."""
    return combined_support(check_support, 0.9)
