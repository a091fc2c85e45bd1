"""Moving a paragraph on the desk: the draft's body paragraphs swap places, every sentence
is checked again where it now stands, and the move is a revision of the draft like any
edit. The draft tells a USMCA story from three sample articles; its third paragraph,
"He said …", means McConnell only while it follows McConnell: moved after Pelosi, "he"
would name her, and the checker must say so.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desk_support import EDITOR, RunningDesk, Signed, running
from newsdesk import api
from newsdesk.config import Config
from newsdesk.errors import InputError
from newsdesk.records import Article, Citation, Draft, GateRecord, Sentence, Verdict
from newsdesk.store.sqlite import SQLiteStore
from newsdesk.verify.edits import moved, paragraphs
from slices import HE_SAID, MCCONNELL, PELOSI, USMCA

STORY = "s-move1700000001"


def cited(article: Article, text: str, paragraph: int) -> Sentence:
    """``text`` of ``article``, credited to its outlet (one outlet's claim needs it)."""
    start = article.text.index(text)
    printed = f"{text[:-1]}, {article.outlet} reported."
    return Sentence("body", printed, (Citation(article.id, start, start + len(text)),), paragraph)


def usmca_draft(articles: list[Article]) -> Draft:
    """Headline; McConnell (1), "He said" (2), Pelosi (3): each in its right context."""
    politico = next(a for a in articles if HE_SAID in a.text)
    pelosi = next(a for a in articles if PELOSI in a.text)
    headline = Sentence(
        "headline",
        f"{politico.title}, Politico reports",
        (Citation(politico.id, 0, len(politico.title), "title"),),
    )
    sentences = (
        headline,
        cited(politico, MCCONNELL, 1),
        cited(politico, HE_SAID, 2),
        cited(pelosi, PELOSI, 3),
    )
    return Draft(STORY, politico.title, "Politics", "2019-12-10", sentences, ())


@pytest.fixture(scope="module")
def desk(
    tmp_path_factory: pytest.TempPathFactory, sample_articles: list[Article]
) -> Iterator[RunningDesk]:
    articles = [a for a in sample_articles if a.id in USMCA]
    with running(tmp_path_factory.mktemp("desk-move")) as found:
        store = found.store()
        try:
            for article in articles:
                store.add_article(article, None)
                store.assign(article, STORY, None)
            draft = usmca_draft(articles)
            verdicts = [Verdict(n, "supported", "", ("support",)) for n in range(4)]
            record = GateRecord(STORY, "extractive", rounds=1, drafted=4, kept=4)
            store.save_gated(draft, verdicts, record, "test-checker")
        finally:
            store.close()
        yield found


@pytest.fixture(scope="module")
def editor(desk: RunningDesk) -> Signed:
    return desk.signed_in("10.9.0.1", EDITOR)


def stored(config: Config) -> Draft:
    store = SQLiteStore(config.store.database)
    try:
        draft = store.draft(STORY)
        assert draft is not None
        return draft
    finally:
        store.close()


def test_paragraphs_swap_and_the_other_sentences_keep_their_places(
    sample_articles: list[Article],
) -> None:
    draft = usmca_draft([a for a in sample_articles if a.id in USMCA])
    assert paragraphs(draft) == [[1], [2], [3]]
    down = moved(draft, 1, 1)
    assert [s.text for s in down.sentences] == [draft.sentences[n].text for n in (0, 2, 1, 3)]
    assert [s.paragraph for s in down.sentences] == [0, 1, 2, 3]
    assert down.sentences[0] == draft.sentences[0]
    assert moved(down, 2, -1) == draft
    with pytest.raises(InputError, match="paragraph 1 is the first already"):
        moved(draft, 1, -1)
    with pytest.raises(InputError, match="paragraph 3 is the last already"):
        moved(draft, 3, 1)
    with pytest.raises(InputError, match="no paragraph 4"):
        moved(draft, 4, -1)


def test_a_move_that_changes_who_he_is_is_flagged_and_cannot_be_approved(
    desk: RunningDesk,
) -> None:
    """Pelosi moved above "He said": the checker, judging it where it now stands, finds
    that "he" follows another person, and the revision says so."""
    config = desk.config
    edited = api.move_paragraph(config, STORY, 3, -1, EDITOR[0], expected=None)
    body = [s.text for s in edited.draft.sentences if s.kind == "body"]
    assert [PELOSI[:20] in body[1], HE_SAID[:20] in body[2]] == [True, True]
    he = next(
        v
        for v, s in zip(edited.verdicts, edited.draft.sentences, strict=True)
        if HE_SAID[:20] in s.text
    )
    assert he.label == "contradicted", he
    edit = edited.edit
    assert (edit.action, edit.label) == ("move", "contradicted")
    assert edit.before.startswith("Paragraph 3: Behind closed doors, Pelosi")
    assert edit.after.startswith("Paragraph 2: Behind closed doors, Pelosi")
    assert stored(config) == edited.draft
    with pytest.raises(InputError, match="did not pass the checker"):
        api.review_story(config, STORY, "approved", "", EDITOR[0])
    back = api.move_paragraph(config, STORY, 2, 1, EDITOR[0])
    assert all(v.label == "supported" for v in back.verdicts), back.verdicts
    assert back.edit.revision == edit.revision + 1 and back.edit.label == "supported"


def test_a_move_of_a_paragraph_changed_meanwhile_is_refused(desk: RunningDesk) -> None:
    before = stored(desk.config)
    with pytest.raises(InputError, match="changed since"):
        api.move_paragraph(desk.config, STORY, 2, 1, EDITOR[0], expected="Some other text.")
    with pytest.raises(InputError, match="up or down"):
        api.move_paragraph(desk.config, STORY, 2, 2, EDITOR[0])
    assert stored(desk.config) == before


def test_the_story_view_moves_a_paragraph_with_htmx_and_records_it(
    desk: RunningDesk, editor: Signed
) -> None:
    page = editor.client.get(f"/stories/{STORY}").text
    assert page.count('class="move"') == 3  # one form per paragraph
    assert "Move paragraph 1 up" not in page and "Move paragraph 3 down" not in page
    draft = stored(desk.config)
    lead = draft.sentences[1].text
    response = editor.client.post(
        f"/stories/{STORY}/paragraphs/1/move",
        data={"direction": "down", "expected": lead},
        headers={"HX-Request": "true", "X-CSRF-Token": editor.csrf},
    )
    assert response.status_code == 200, response.text[:300]
    assert response.text.startswith('<div id="sentences"')
    assert "paragraph 1 moved down" in response.text
    assert stored(desk.config).sentences[2].text == lead
    history = editor.client.get(f"/stories/{STORY}").text
    assert "moved the paragraph of" in history and "Paragraph 2: " in history
    stale = editor.client.post(
        f"/stories/{STORY}/paragraphs/1/move",
        data={"direction": "down", "expected": lead, "csrf_token": editor.csrf},
        follow_redirects=False,
    )
    assert stale.status_code == 409 and "changed since" in stale.text
    sideways = editor.client.post(
        f"/stories/{STORY}/paragraphs/1/move",
        data={"direction": "left", "csrf_token": editor.csrf},
    )
    assert sideways.status_code == 400
    store = desk.store()
    try:
        actions = [e.action for e in store.audit_log(user=EDITOR[0])]
    finally:
        store.close()
    assert "story.move_down" in actions and "refused" in actions


def test_a_paragraph_moved_back_restores_the_draft(desk: RunningDesk) -> None:
    draft = stored(desk.config)
    there = api.move_paragraph(desk.config, STORY, 1, 1, EDITOR[0])
    back = api.move_paragraph(desk.config, STORY, 2, -1, EDITOR[0])
    assert back.draft == draft and there.draft != draft
