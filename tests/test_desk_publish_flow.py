"""The desk's "done means", end to end: an editor takes a held story from the queue to the
published site in the browser, and every sentence on the site still passes ``newsdesk
check``.

The real pipeline (ingest, stories, write, verify) runs on the eight sample articles of
``slices.THREE_EVENTS`` and the site is published, as ``newsdesk run`` then ``newsdesk
publish`` would. The gate holds none of the slice's stories, so the Deutsche Bank story
is made held through the store, with two mistakes a writer could make, each judged by the
gate's own checker (``verify.edits.recheck``, its verdicts stored as the verify stage
stores them): a figure of one of its sentences changed (its source contradicts it) and,
after it, a claim no source makes. Its gate record says held, so the site leaves it off.

In chromium an editor (``newsdesk users add --role editor``) signs in, finds the story in
the queue, opens it, corrects the figure with the edit form and removes the claim (each an
htmx swap of the sentences, checked again), and approves; the desk's approval publishes the
site. The story's page is then in the site folder and linked from the front page, the desk
says it is on the site and approved, and the queue no longer lists it. ``newsdesk check``
then runs as a reader would run it, the installed command in a subprocess, on the published
page with the story's sources (``--sources``: the dump's records of the articles the page
links to) and finds every claim supported; put the wrong figure back into a copy of the
page and the same check flags it, so the pass is not a check that reads nothing. The
site's other story pages pass the same check (the command in-process, through click).

Every page is watched for dialogs and console errors. Screenshots go to
``NEWSDESK_SCREENSHOTS`` when set, else to pytest's temporary folder: ``flow-queue.png``
(the held story queued), ``flow-held.png`` (the story as opened), ``flow-fixed.png`` (after
the fixes), ``flow-approved.png`` (after approving) and ``flow-published.png`` (the page
on the site).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markupsafe import escape
from playwright.sync_api import Browser, Page

from browsing import Watch, desk_context, desk_sign_in, serve_site
from desk_support import EDITOR, KEY, RunningDesk, add_user, gated_pipeline, serve
from newsdesk.api import run
from newsdesk.cli import cli
from newsdesk.config import Config
from newsdesk.publish.model import page_slugs
from newsdesk.records import Draft, Verdict
from newsdesk.store import SQLiteStore
from newsdesk.verify.edits import recheck
from newsdesk.verify.stage import checker_version
from slices import THREE_EVENTS

pytestmark = pytest.mark.slow

BANK = THREE_EVENTS[0]
"""An article of the Deutsche Bank story: the story the editor fixes."""

CLAIM = "Regulators fined Deutsche Bank over the flagged transactions."
"""What no source of the story says (the checker: unsupported)."""

FIGURE = re.compile(r"(?<![\d.,$])\d{2,4}(?![\d.,%])")
HREF = re.compile(r'href="(https?://[^"]+)"')


@dataclass(frozen=True)
class Held:
    """The held story as stored for the editor: where its mistakes are and what the
    sources say instead."""

    desk: RunningDesk
    dump: Path
    story_id: str
    wrong_at: int
    """The position of the sentence whose figure was changed."""
    faithful: str
    """That sentence as the writer wrote it (the checker supported it)."""
    wrong: str
    figure: str
    """The figure the source gives, which ``wrong`` changed."""
    claim_at: int
    """The position of ``CLAIM``, right after it."""

    @property
    def config(self) -> Config:
        return self.desk.config


def plant(store: SQLiteStore, config: Config) -> tuple[Draft, int, str, str]:
    """Store the bank story's draft with a figure changed in one body sentence (one the
    checker then fails) and ``CLAIM`` after it, with the checker's verdicts and a gate
    record that holds it; the planted draft, the position, the faithful text and figure."""
    draft = next(
        d
        for d in store.drafts()
        if (story := store.story(d.story_id)) is not None and BANK in story.article_ids
    )
    story = store.story(draft.story_id)
    assert story is not None
    articles = store.articles(story.article_ids)
    said = " ".join(f"{a.title} {a.text}" for a in articles)
    for position, sentence in enumerate(draft.sentences):
        if sentence.kind != "body":
            continue
        for found in FIGURE.finditer(sentence.text):
            changed = str(int(found.group()) + 7)
            if changed in said:
                continue
            text = sentence.text[: found.start()] + changed + sentence.text[found.end() :]
            sentences = list(draft.sentences)
            sentences[position] = replace(sentence, text=text)
            sentences.insert(position + 1, replace(sentence, text=CLAIM))
            planted = replace(draft, sentences=tuple(sentences))
            verdicts = recheck(planted, articles, config.verify)
            if verdicts[position].supported:
                continue
            hold(store, config, planted, verdicts)
            return planted, position, sentence.text, found.group()
    pytest.fail("no body sentence of the bank story has a figure its source holds it to")


def hold(store: SQLiteStore, config: Config, draft: Draft, verdicts: tuple[Verdict, ...]) -> None:
    """Save ``draft`` as the verify stage saves a gated one, with a record that holds it."""
    record = store.gate_record(draft.story_id)
    assert record is not None, "the verify stage gated every draft"
    failing = [v for v in verdicts if not v.supported]
    held = replace(
        record,
        held=True,
        drafted=len(draft.sentences),
        kept=len(draft.sentences) - len(failing),
        note=f"held for review: {len(failing)} sentences did not pass the checker",
    )
    store.save_gated(draft, verdicts, held, checker_version(config.verify))


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Held]:
    """The pipeline to the gate on the slice, the bank story held (``plant``), the site
    published without it, an editor added, and the desk served."""
    folder = tmp_path_factory.mktemp("desk-publish-flow")
    config = gated_pipeline(folder)
    store = SQLiteStore(config.store.database)
    try:
        planted, position, faithful, figure = plant(store, config)
        verdicts = store.verdicts(planted.story_id)
        assert [v.supported for v in verdicts].count(False) == 2, verdicts
        assert not verdicts[position + 1].supported, verdicts[position + 1]
    finally:
        store.close()
    published = run(config, stages=("publish",))
    assert published.status == "finished"
    add_user(config.store.database, EDITOR[0], "editor", EDITOR[1])
    with serve(config, KEY) as base_url:
        desk = RunningDesk(base_url, config)
        try:
            yield Held(
                desk=desk,
                dump=folder / "dump.jsonl",
                story_id=planted.story_id,
                wrong_at=position,
                faithful=faithful,
                wrong=planted.sentences[position].text,
                figure=figure,
                claim_at=position + 1,
            )
        finally:
            desk.close()


def story_page(held: Held) -> tuple[Path, str]:
    """The story's page in the site folder, and its path as the front page links it."""
    store = held.desk.store()
    try:
        slug, _ = page_slugs(store, held.story_id)
    finally:
        store.close()
    link = f"stories/{slug}.html"
    return Path(held.config.publish.site_dir) / link, link


def front_page(held: Held) -> str:
    return (Path(held.config.publish.site_dir) / "index.html").read_text(encoding="utf-8")


def shoot(page: Page, path: Path) -> None:
    """A full-page screenshot that leaves the page as it was. Playwright hides the caret
    by default by setting, then clearing, an inline style on every input and textarea,
    which leaves each with ``style=""``; htmx's settle copies that attribute onto the
    swapped-in fields and the desk's Content-Security-Policy (no inline style) refuses
    it, a console error per field."""
    page.screenshot(path=path, full_page=True, caret="initial")


def swapped(page: Page, revision: int) -> None:
    """Wait for htmx to swap in the sentences that the ``revision``-th save checked, and to
    settle them: htmx gives a swapped element its new ``class`` only after its settle delay
    (20 ms), so a class read before that is the element's old one."""
    page.locator("#sentences p.notice", has_text=f"Saved as revision {revision}:").wait_for()
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-swapping')")


def sources_of(page_html: str, dump: Path, path: Path) -> tuple[Path, set[str]]:
    """A ``--sources`` file at ``path`` of the dump's records whose URLs the page links
    to, as a reader who has the dump would make one; its path and the articles' ids."""
    urls = {html.unescape(url) for url in HREF.findall(page_html)}
    lines = [
        line
        for line in dump.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["url"] in urls
    ]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path, {json.loads(line)["id"] for line in lines}


def newsdesk_check(page: Path, sources: Path, cwd: Path) -> tuple[int, dict[str, Any], str]:
    """``newsdesk check PAGE --sources SOURCES --format json``, the installed command in a
    subprocess (in a folder with no ``newsdesk.toml``): its exit code, report, stderr."""
    command = Path(sys.executable).with_name("newsdesk")
    done = subprocess.run(
        [str(command), "check", str(page), "--sources", str(sources), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"newsdesk check exited {done.returncode}: {done.stdout}\n{done.stderr}")
    return done.returncode, report, done.stderr


def flagged(report: dict[str, Any]) -> list[str]:
    return [
        f"{claim['text'][:80]!r}: {claim['verdict']}: {claim['reason']}"
        for claim in report["claims"]
        if claim["verdict"] != "supported"
    ]


def test_an_editor_takes_a_held_story_from_the_queue_to_the_site_and_it_passes_the_check(
    browser: Browser, held: Held, screenshots: Path, tmp_path: Path
) -> None:
    base = held.desk.base_url
    story_url = f"{base}/stories/{held.story_id}"
    path, link = story_page(held)
    assert f'href="{link}"' not in front_page(held), "a held story must not be on the site"
    assert not path.exists()

    watch = Watch()
    with desk_context(browser, "10.7.2.1") as made:
        page = watch.page(made)
        desk_sign_in(page, base, EDITOR)

        # The queue: the held story, with the gate's reason.
        row = page.locator("tr", has=page.locator(f"a.headline[href='/stories/{held.story_id}']"))
        assert row.count() == 1, page.inner_text("#queue")
        assert row.locator(".badge.held").count() >= 1, row.inner_text()
        assert "did not pass the checker" in row.inner_text()
        shoot(page, screenshots / "flow-queue.png")
        row.locator("a.headline").click()
        page.wait_for_url(story_url)

        # The story as held: two sentences fail, and approving is not offered as passing.
        assert page.locator(".gate .badge.held").inner_text() == "Held for review"
        assert page.locator("p.status.withheld").count() == 1
        wrong = page.locator(f"#sentence-{held.wrong_at}")
        claim = page.locator(f"#sentence-{held.claim_at}")
        assert held.wrong in wrong.locator("p.text").inner_text()
        assert "supported" not in (wrong.get_attribute("class") or "").split()
        assert held.figure in wrong.locator("p.reason").inner_text()  # what the source says
        assert claim.locator("p.text").inner_text() == CLAIM
        assert "supported" not in (claim.get_attribute("class") or "").split()
        shoot(page, screenshots / "flow-held.png")

        # Correct the figure: the edit posts with htmx and the sentences come back checked.
        page.evaluate("() => { window.sameDocument = true; }")
        wrong.locator("details.edit summary").click()
        page.fill(f"#text-{held.wrong_at}", held.faithful)
        wrong.locator("form.edit button[type=submit]").click()
        swapped(page, 1)
        fixed = page.locator(f"#sentence-{held.wrong_at}")
        assert fixed.get_attribute("class") == "sentence supported", fixed.inner_text()
        assert fixed.locator("p.text").inner_text() == held.faithful

        # Remove the claim no source makes.
        claim = page.locator(f"#sentence-{held.claim_at}")
        assert claim.locator("p.text").inner_text() == CLAIM
        claim.locator("details.edit summary").click()
        claim.locator("form.remove button[type=submit]").click()
        swapped(page, 2)
        assert page.evaluate("() => window.sameDocument") is True  # swapped, not reloaded
        assert page.url == story_url
        assert CLAIM not in page.inner_text("#sentences")
        labels = page.eval_on_selector_all(
            "#sentences li.sentence", "rows => rows.map(row => row.className)"
        )
        assert labels and set(labels) == {"sentence supported"}, labels
        shoot(page, screenshots / "flow-fixed.png")

        # Approve: the desk publishes the site and shows the story again.
        with page.expect_navigation():
            page.click("form.decide button[value=approve]")
        assert page.url == story_url
        assert page.locator("p.notice.error").count() == 0
        assert page.locator("p.status.live").inner_text() == "On the site"
        assert page.locator(".review .badge.approved").inner_text() == "Approved"
        assert EDITOR[0] in page.inner_text(".review p.decision")
        shoot(page, screenshots / "flow-approved.png")

        # An approved version leaves the queue.
        page.goto(base + "/queue")
        assert page.locator(f"a.headline[href='/stories/{held.story_id}']").count() == 0

        # The page on the site, linked from the front page, read in the browser.
        assert path.is_file(), f"no {link} in the site folder"
        assert f'href="{link}"' in front_page(held)
        with serve_site(Path(held.config.publish.site_dir)) as site_url:
            page.goto(site_url)
            page.click(f"a[href='{link}']")
            page.wait_for_url(site_url + link)
            shown = page.inner_text("body")
            shoot(page, screenshots / "flow-published.png")
    watch.assert_quiet("from the queue to the site")
    assert held.faithful in " ".join(shown.split())
    assert held.wrong not in shown and CLAIM not in shown

    # `newsdesk check` on the published page and the story's sources, as a reader runs it.
    published = path.read_text(encoding="utf-8")
    sources, ids = sources_of(published, held.dump, tmp_path / "sources.jsonl")
    store = held.desk.store()
    try:
        draft, story = store.draft(held.story_id), store.story(held.story_id)
    finally:
        store.close()
    assert draft is not None and story is not None
    assert ids == {source.article_id for source in draft.sources}, ids
    assert len(ids) >= 2 and ids <= set(story.article_ids)
    code, report, stderr = newsdesk_check(path, sources, tmp_path)
    assert flagged(report) == [], report["summary"]
    assert code == 0, stderr
    summary = report["summary"]
    assert summary["claims"] == summary["supported"] >= len(draft.sentences) / 2, summary
    assert summary["contradicted"] == summary["unsupported"] == 0
    checked = " ".join(" ".join(claim["text"].split()) for claim in report["claims"])
    assert " ".join(held.faithful.split()) in checked  # the sentence the editor fixed

    # The same check of the page with the wrong figure back flags that sentence.
    planted = tmp_path / path.name
    faithful = str(escape(held.faithful))
    assert faithful in published, "the fixed sentence is not on the page as written"
    planted.write_text(published.replace(faithful, str(escape(held.wrong)), 1), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["check", str(planted), "--sources", str(sources)], catch_exceptions=False
    )
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(str(planted))]
    assert len(lines) == 1 and "contradicted" in lines[0], result.output

    # The site's other story pages pass the same check (in-process, as it is the same).
    others = sorted(set(path.parent.glob("*.html")) - {path})
    assert others, "the slice's other stories are on the site too"
    for other in others:
        found, _ = sources_of(
            other.read_text(encoding="utf-8"), held.dump, tmp_path / f"{other.stem}.jsonl"
        )
        result = CliRunner().invoke(
            cli, ["check", str(other), "--sources", str(found)], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
