"""Jekyll posts: the site's publishing rule, safe front matter and Markdown, a real build."""

from __future__ import annotations

import datetime
import html
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from newsdesk import api
from newsdesk.config import PublishSettings, load_config
from newsdesk.publish import build_site
from newsdesk.publish.jekyll import build_jekyll
from newsdesk.publish.markdown import md_text, md_url
from newsdesk.publish.text import story_slug
from newsdesk.records import (
    Article,
    Correction,
    Draft,
    FurtherCoverage,
    GateRecord,
    Sentence,
    SourceRef,
    Verdict,
)
from newsdesk.store import SQLiteStore
from newsdesk.verify.articles.parse import strip_inline
from newsdesk.verify.articles.reading import parse_article
from published_store import (
    BLOCKED,
    BUDGET,
    OTHER,
    REACTION,
    SCRIPT,
    STORY,
    UNSUPPORTED,
    blocked_draft,
    budget_draft,
    cite,
)
from test_publish import (
    BOLD,
    CENTER,
    DROPPED,
    HEARING,
    LEFT,
    LIQUID,
    MARKDOWN_LINK,
    RIGHT,
    add_hearing,
    all_supported_but,
    hearing_draft,
)

BUDGET_SLUG = story_slug(BUDGET.title, STORY)
HEARING_SLUG = story_slug(LEFT.title, HEARING)
BUDGET_POST = f"_posts/2024-03-05-{BUDGET_SLUG}.md"
HEARING_POST = f"_posts/2024-03-06-{HEARING_SLUG}.md"
SITE_TITLE = "Liquid Ran"


def fill(db: SQLiteStore) -> None:
    """The budget story (v1), a blocked one, the hearing rewrite (v2) and a gate-held one."""
    for article, story_id in ((BUDGET, STORY), (REACTION, STORY), (OTHER, BLOCKED)):
        db.add_article(article, None)
        db.assign(article, story_id, None)
    budget = budget_draft()
    db.save_draft(budget)
    db.save_verdicts(budget, all_supported_but(budget, UNSUPPORTED))
    blocked = blocked_draft()
    db.save_draft(blocked)
    db.save_verdicts(blocked, [Verdict(0, "unsupported"), Verdict(1, "supported")])
    add_hearing(db)


def filled_database(folder: Path) -> None:
    """``fill`` into ``folder/newsdesk.db``, the database the ``invoke`` fixture names."""
    db = SQLiteStore(folder / "newsdesk.db")
    fill(db)
    db.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    db = SQLiteStore(tmp_path / "newsdesk.db")
    fill(db)
    yield db
    db.close()


@pytest.fixture
def settings(tmp_path: Path) -> PublishSettings:
    return PublishSettings(tmp_path / "site", site_title="Test Desk", min_outlets=1)


def post(folder: Path, name: str) -> tuple[dict[str, Any], str]:
    """A post's front matter (parsed) and its Markdown body."""
    text = (folder / name).read_text("utf-8")
    assert text.startswith("---\n")
    matter, body = text[4:].split("\n---\n", 1)
    parsed = yaml.safe_load(matter)
    assert isinstance(parsed, dict)
    return parsed, body


def test_one_post_per_published_story(
    store: SQLiteStore, settings: PublishSettings, tmp_path: Path
) -> None:
    blog = tmp_path / "blog"
    result = build_jekyll(store, settings, blog)
    assert sorted(result.written) == sorted([BUDGET_POST, HEARING_POST])
    assert (result.pages, result.drafts) == (2, 4)  # blocked headline and gate-held are left out
    build_site(store, settings)
    pages = sorted(p.stem for p in (settings.site_dir / "stories").glob("*.html"))
    assert pages == sorted([BUDGET_SLUG, HEARING_SLUG])  # the same rule as the site
    text = "".join(p.read_text("utf-8") for p in (blog / "_posts").iterdir())
    for hidden in (UNSUPPORTED, DROPPED, "Something unverified", "A held story headline"):
        assert hidden not in text


def test_front_matter(store: SQLiteStore, settings: PublishSettings, tmp_path: Path) -> None:
    build_jekyll(store, settings, tmp_path)
    matter, _ = post(tmp_path, HEARING_POST)
    assert matter == {
        "layout": "post",
        "title": "Senate weighs water rules",
        "category": "Climate",
        "date": datetime.date(2024, 3, 6),
        "author": "Test Desk",
        "permalink": f"/stories/{HEARING_SLUG}.html",
        "dek": "Critics called the rules ‹b›too weak‹/b›.",
        "read_time": 1,
        "version": 2,
        "updated": datetime.date(2024, 3, 6),
        "changes": ["Added reporting from Center Wire."],
        "sources": [
            {
                "title": "Senate hearing on water ‹script›alert(1)‹/script› & ‹b›rules‹/b›",
                "url": LEFT.url,
                "outlet": "Left Daily",
            },
            {"title": RIGHT.title, "url": RIGHT.url, "outlet": RIGHT.outlet},
            {"title": CENTER.title, "url": CENTER.url, "outlet": CENTER.outlet},
        ],
    }
    first, _ = post(tmp_path, BUDGET_POST)
    assert not {"version", "updated", "changes"} & set(first)


def test_markdown_body(store: SQLiteStore, settings: PublishSettings, tmp_path: Path) -> None:
    build_jekyll(store, settings, tmp_path)
    _, body = post(tmp_path, HEARING_POST)
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Key quotes",
        "## Where outlets differ",
        "## Timeline",
        "## Sources",
    ]
    cite = f"[\\[1\\]]({LEFT.url})"
    assert f"The Senate held a hearing on water safety on Tuesday.{cite}" in body
    assert "- Left Daily focused" in body
    assert "### 1 March 2024\n\nThe bill was introduced." in body
    assert body.index("1 March 2024") < body.index("5 March 2024")
    assert "Right Post reported" in body
    assert "- \\[1\\] Left Daily (left): [Senate hearing" in body
    assert f"- \\[3\\] Center Wire: [Regulators questioned]({CENTER.url}), 6 March 2024" in body
    assert "Updated" not in body, "the update log is front matter, not a claim in the body"


FRENCH = Article(
    id="fr-1",
    url="https://journal.example/budget",
    outlet="Le Journal [Ville]",
    title="Le conseil adopte un budget de 5 M$",
    text="Le conseil municipal a adopté lundi un budget de cinq millions de dollars.",
    published="2024-03-05",
    lang="fr",
)
"""Reporting in another language on the budget story: listed, never written from."""


def test_a_post_lists_further_coverage_in_other_languages(
    store: SQLiteStore, settings: PublishSettings, tmp_path: Path
) -> None:
    """As the story's page does: outlet, language, linked title and date, after Sources."""
    store.add_article(FRENCH, None)
    store.set_aside(FurtherCoverage(FRENCH.id, STORY, "fr", FRENCH.hash))
    build_jekyll(store, settings, tmp_path)
    matter, body = post(tmp_path, BUDGET_POST)
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert headings[-2:] == ["## Sources", "## Further coverage"]
    item = (
        "- Le Journal \\[Ville\\] (French):"
        " [Le conseil adopte un budget de 5 M\\$](https://journal.example/budget), 5 March 2024"
    )
    assert body.endswith(f"## Further coverage\n\n{item}\n")
    assert FRENCH.url not in {source["url"] for source in matter["sources"]}, "not a source"
    assert FRENCH.text not in body
    _, other = post(tmp_path, HEARING_POST)
    assert "Further coverage" not in other


def test_source_text_cannot_inject_markup(
    store: SQLiteStore, settings: PublishSettings, tmp_path: Path
) -> None:
    build_jekyll(store, settings, tmp_path)
    for name in (BUDGET_POST, HEARING_POST):
        text = (tmp_path / name).read_text("utf-8")
        assert "<script" not in text and "<b>" not in text and "{{" not in text
        assert not re.search(r"(?<!\\)\]\(javascript", text)  # only an escaped \] may precede
    _, body = post(tmp_path, HEARING_POST)
    assert "Critics called the rules &lt;b&gt;too weak&lt;/b&gt;." in body
    assert "Readers wrote &#123;&#123; site.title &#125;&#125; and \\[click\\](javascript" in body


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("# Not a heading", "\\# Not a heading"),
        ("- not a list", "\\- not a list"),
        ("1990. A year", "1990\\. A year"),
        (
            "a *b* _c_ `d` | $$x$$ ~~y~~",
            "a \\*b\\* \\_c\\_ \\`d\\` \\| \\$\\$x\\$\\$ &#126;&#126;y&#126;&#126;",
        ),
        ("line\n\n# two", "line # two"),  # one line: a "#" inside it is text
        ("{% include x %} AT&T <i>", "&#123;% include x %&#125; AT&amp;T &lt;i&gt;"),
    ],
)
def test_md_text_escapes_markdown_and_liquid(text: str, markdown: str) -> None:
    assert md_text(text) == markdown


def test_md_url_cannot_close_a_link_or_an_attribute() -> None:
    url = "https://x.test/a b(c)\"d'{{e}}<f>?g=1&h=%20"
    assert md_url(url) == "https://x.test/a%20b%28c%29%22d%27%7B%7Be%7D%7D%3Cf%3E?g=1&h=%20"


def test_second_run_writes_nothing(
    store: SQLiteStore, settings: PublishSettings, tmp_path: Path
) -> None:
    build_jekyll(store, settings, tmp_path)
    mtimes = {p: p.stat().st_mtime_ns for p in (tmp_path / "_posts").iterdir()}
    second = build_jekyll(store, settings, tmp_path)
    assert not second.written and sorted(second.unchanged) == sorted([BUDGET_POST, HEARING_POST])
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "_posts").iterdir()} == mtimes


def test_rewrite_keeps_the_post_file(
    store: SQLiteStore, settings: PublishSettings, tmp_path: Path
) -> None:
    build_jekyll(store, settings, tmp_path)
    add_hearing(store, hearing_draft("Regulators defend water rules", "2024-03-09", version=3))
    result = build_jekyll(store, settings, tmp_path)
    assert result.written == [HEARING_POST]
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == sorted(
        Path(name).name for name in (BUDGET_POST, HEARING_POST)
    )
    matter, _ = post(tmp_path, HEARING_POST)
    assert matter["title"] == "Regulators defend water rules"
    assert matter["date"] == datetime.date(2024, 3, 9)
    assert matter["permalink"] == f"/stories/{HEARING_SLUG}.html"


def test_post_of_a_story_no_longer_published_is_removed(
    store: SQLiteStore, settings: PublishSettings, tmp_path: Path
) -> None:
    mine = tmp_path / "_posts" / "2024-01-01-about-this-blog.md"
    mine.parent.mkdir()
    mine.write_text("---\nlayout: post\n---\nAn operator's own post.\n", "utf-8")
    build_jekyll(store, settings, tmp_path)
    draft = store.draft(HEARING)
    assert draft is not None
    held = GateRecord(HEARING, "extractive", 2, 11, 3, held=True)
    store.save_gated(draft, all_supported_but(draft, DROPPED), held)
    result = build_jekyll(store, settings, tmp_path)
    assert result.removed == [HEARING_POST] and result.unchanged == [BUDGET_POST]
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == sorted(
        [mine.name, Path(BUDGET_POST).name]
    )
    assert not build_jekyll(store, settings, tmp_path).removed


def test_publish_command_writes_posts(tmp_path: Path, invoke: Callable[..., Result]) -> None:
    filled_database(tmp_path)
    blog = tmp_path / "blog"
    result = invoke("publish", "--format", "jekyll", str(blog))
    assert result.exit_code == 0, result.output
    assert "2 posts (2 written, 0 unchanged, 0 removed) of 4 drafts" in result.stdout
    assert (blog / HEARING_POST).is_file() and (blog / BUDGET_POST).is_file()
    (tmp_path / "file").write_text("not a folder", "utf-8")
    blocked = invoke("publish", "--format", "jekyll", str(tmp_path / "file" / "blog"))
    assert blocked.exit_code == 2 and "Traceback" not in blocked.stderr
    assert blocked.stderr.strip().splitlines()[-1].endswith("_posts: cannot write: Not a directory")
    missing = invoke("publish", "--format", "jekyll")
    assert missing.exit_code == 2
    assert missing.stderr.strip().splitlines() == [
        "error: give the Jekyll site's folder: newsdesk publish --format jekyll DIR"
    ]


def test_a_jekyll_publish_is_a_recorded_publish_run(
    tmp_path: Path, invoke: Callable[..., Result]
) -> None:
    filled_database(tmp_path)
    assert invoke("publish", "--format", "jekyll", str(tmp_path / "blog")).exit_code == 0
    (tmp_path / "file").write_text("not a folder", "utf-8")
    assert invoke("publish", "--format", "jekyll", str(tmp_path / "file" / "blog")).exit_code == 2
    db = SQLiteStore(tmp_path / "newsdesk.db")
    failed, published = db.runs()
    db.close()
    assert published.status == "finished"
    assert [(s.stage, s.items_in, s.items_out, s.skipped) for s in published.stages] == [
        ("publish", 4, 2, 0)
    ]
    assert failed.status == "failed"
    ((stage, errors),) = [(s.stage, s.errors) for s in failed.stages]
    assert stage == "publish" and errors[0].endswith("_posts: cannot write: Not a directory")


def test_the_api_publishes_jekyll_posts_through_the_engine(tmp_path: Path) -> None:
    filled_database(tmp_path)
    config = load_config(database=tmp_path / "newsdesk.db")
    blog = tmp_path / "blog"
    first = api.publish(config, blog, "jekyll")
    assert first.location == blog / "_posts"
    assert (first.files.pages, len(first.files.written)) == (2, 2)
    again = api.publish(config, blog, "jekyll")
    assert (len(again.files.written), len(again.files.unchanged)) == (0, 2)
    db = SQLiteStore(tmp_path / "newsdesk.db")
    assert [r.id for r in db.runs()] == [again.run.id, first.run.id]
    db.close()


POST_LAYOUT = """---
layout: default
---
<article>
<h1>{{ page.title }}</h1>
<p class="dek">{{ page.dek }}</p>
<p>{{ page.category }} · {{ page.read_time }} min read · {{ page.author }}</p>
{{ content }}
<ul class="front-matter-sources">
{% for source in page.sources %}
<li><a href="{{ source.url }}">{{ source.title }}</a> ({{ source.outlet }})</li>
{% endfor %}</ul>
</article>
"""


def jekyll_site(folder: Path) -> None:
    """A stock Jekyll site with no theme and no plugins: layouts print front matter unfiltered."""
    (folder / "_layouts").mkdir(parents=True)
    (folder / "_config.yml").write_text(f"title: {SITE_TITLE}\nmarkdown: kramdown\n", "utf-8")
    (folder / "_layouts" / "default.html").write_text(
        "<!doctype html>\n<html><head><title>{{ page.title }}</title></head>\n"
        "<body>{{ content }}</body></html>\n",
        "utf-8",
    )
    (folder / "_layouts" / "post.html").write_text(POST_LAYOUT, "utf-8")


@pytest.mark.skipif(
    shutil.which("jekyll") is None, reason="jekyll is not installed (apt-get install jekyll)"
)
def test_real_jekyll_build(store: SQLiteStore, settings: PublishSettings, tmp_path: Path) -> None:
    source, built = tmp_path / "blog", tmp_path / "built"
    jekyll_site(source)
    build_jekyll(store, settings, source)
    run = subprocess.run(
        ["jekyll", "build", "--safe", "--source", str(source), "--destination", str(built)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    pages = {p.stem: p.read_text("utf-8") for p in (built / "stories").glob("*.html")}
    assert sorted(pages) == sorted([BUDGET_SLUG, HEARING_SLUG])
    headlines = {
        BUDGET_SLUG: "Council approves $5m budget",
        HEARING_SLUG: "Senate weighs water rules",
    }
    sources = {BUDGET_SLUG: (BUDGET, REACTION), HEARING_SLUG: (LEFT, RIGHT, CENTER)}
    for slug, page in pages.items():
        assert f"<h1>{headlines[slug]}</h1>" in page
        for article in sources[slug]:
            assert f'href="{html.escape(article.url)}"' in page or f'href="{article.url}"' in page
        assert "<script" not in page and "<b>" not in page and 'href="javascript' not in page
    hearing = pages[HEARING_SLUG]
    assert "Senate hearing on water &lt;script&gt;alert(1)&lt;/script&gt;" in hearing
    assert f"Critics called the rules {html.escape(BOLD)}" in hearing
    assert f"Readers wrote {LIQUID} and {MARKDOWN_LINK}." in hearing  # Liquid never ran on it
    assert SITE_TITLE not in hearing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[BUDGET_SLUG]
    assert SCRIPT not in pages[BUDGET_SLUG]


@pytest.mark.skipif(
    shutil.which("jekyll") is None, reason="jekyll is not installed (apt-get install jekyll)"
)
def test_real_jekyll_build_of_a_corrected_post(
    store: SQLiteStore, settings: PublishSettings, tmp_path: Path
) -> None:
    """kramdown renders the note as the page shows it; the error's markup stays text."""
    correct(store)
    source, built = tmp_path / "blog", tmp_path / "built"
    jekyll_site(source)
    build_jekyll(store, settings, source)
    run = subprocess.run(
        ["jekyll", "build", "--safe", "--source", str(source), "--destination", str(built)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    page = (built / "stories" / f"{BUDGET_SLUG}.html").read_text("utf-8")
    note = (
        "<p><strong>Correction</strong> 7 March 2024. An earlier version of this article was"
        " wrong: The budget was {{ site.title }} &lt;b&gt;$9m&lt;/b&gt;. What is right:"
        f' {RIGHT_TEXT} Source: <a href="{html.escape(BUDGET.url)}">Example Times</a>.</p>'
    )
    assert note in page
    assert SITE_TITLE not in page and "<b>" not in page


def test_an_empty_folder_gets_a_starter_config_that_is_never_overwritten(
    tmp_path: Path, invoke: Callable[..., Result]
) -> None:
    filled_database(tmp_path)
    blog = tmp_path / "blog"
    first = invoke("publish", "--format", "jekyll", str(blog))
    assert first.exit_code == 0, first.output
    assert "wrote a starter _config.yml (theme minima)" in first.stdout
    config = yaml.safe_load((blog / "_config.yml").read_text("utf-8"))
    assert config["theme"] == "minima" and config["title"] == "newsdesk"
    assert config["plugins"] == ["jekyll-feed", "jekyll-seo-tag"]
    (blog / "_config.yml").write_text("title: Mine\n", "utf-8")
    again = invoke("publish", "--format", "jekyll", str(blog))
    assert "starter" not in again.stdout
    assert (blog / "_config.yml").read_text("utf-8") == "title: Mine\n"


QUOTED_HEADLINE = "Senate weighs Trump's water rules & fees"


@pytest.mark.skipif(
    shutil.which("jekyll") is None,
    reason="jekyll is not installed (apt-get install jekyll jekyll-theme-minima)",
)
def test_the_stock_minima_theme_shows_titles_escaped_once(
    settings: PublishSettings, tmp_path: Path
) -> None:
    db = SQLiteStore(tmp_path / "quoted.db")
    add_hearing(db, hearing_draft(headline=QUOTED_HEADLINE))
    source, built = tmp_path / "blog", tmp_path / "built"
    build_jekyll(db, settings, source)
    db.close()
    assert (source / "_config.yml").is_file()
    run = subprocess.run(
        ["jekyll", "build", "--source", str(source), "--destination", str(built)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if "minima" in run.stderr and run.returncode != 0:
        pytest.skip(f"the minima theme is not installed: {run.stderr.strip()[-200:]}")
    assert run.returncode == 0, run.stdout + run.stderr
    pages = {p.stem: p.read_text("utf-8") for p in (built / "stories").glob("*.html")}
    hearing = pages[HEARING_SLUG]
    heading = 'itemprop="name headline">Senate weighs Trump’s water rules &amp; fees</h1>'
    assert heading in hearing
    for page in pages.values():
        assert "&amp;#" not in page and "&amp;lt;" not in page and "&amp;amp;" not in page
        assert "<script" not in page.replace('<script type="application/ld+json">', "")


# Corrections ------------------------------------------------------------------------------

WRONG_TEXT = "The budget was {{ site.title }} <b>$9m</b>."
RIGHT_TEXT = "The city council approved a $5m budget on Monday."
FILED = "2024-03-07T09:30:00+00:00"


def correct(db: SQLiteStore, at: str = FILED, right: str = RIGHT_TEXT) -> Correction:
    """File a correction on the budget story, resting on its first source."""
    return db.save_correction(Correction(STORY, WRONG_TEXT, right, BUDGET.id, "eve", at))


def test_a_corrected_post_carries_its_corrections(
    store: SQLiteStore, settings: PublishSettings, tmp_path: Path
) -> None:
    """Front matter for a layout (``corrections``, ``last_modified_at``) and a Corrections
    section in the words and order of the story page's note; only that post changes."""
    blog = tmp_path / "blog"
    build_jekyll(store, settings, blog)
    correct(store)
    correct(store, "2024-03-08T10:00:00+00:00", "Residents packed the hall on Monday evening.")
    result = build_jekyll(store, settings, blog)
    assert result.written == [BUDGET_POST] and result.unchanged == [HEARING_POST]
    matter, body = post(blog, BUDGET_POST)
    assert matter["last_modified_at"] == datetime.datetime(2024, 3, 8, 10, tzinfo=datetime.UTC)
    source = {"outlet": BUDGET.outlet, "url": BUDGET.url}
    assert matter["corrections"] == [
        {
            "date": datetime.date(2024, 3, 7),
            "wrong": "The budget was {{ site.title }} ‹b›$9m‹/b›.",
            "right": RIGHT_TEXT,
            "source": source,
        },
        {
            "date": datetime.date(2024, 3, 8),
            "wrong": "The budget was {{ site.title }} ‹b›$9m‹/b›.",
            "right": "Residents packed the hall on Monday evening.",
            "source": source,
        },
    ]
    assert "&id0" not in (blog / BUDGET_POST).read_text("utf-8"), "no YAML aliases"
    notes = body.split("\n## Corrections\n\n", 1)[1].rstrip("\n").split("\n\n")
    assert notes[0] == (
        "**Correction** 7 March 2024. An earlier version of this article was wrong:"
        " The budget was &#123;&#123; site.title &#125;&#125; &lt;b&gt;\\$9m&lt;/b&gt;."
        " What is right: The city council approved a \\$5m budget on Monday."
        f" Source: [Example Times]({md_url(BUDGET.url)})."
    )
    build_site(store, settings)
    page = (settings.site_dir / "stories" / f"{BUDGET_SLUG}.html").read_text("utf-8")
    shown = re.findall(r'<p id="correction-\d+">(.*?)</p>', page)
    assert [html.unescape(re.sub(r"<[^>]+>", "", note)) for note in shown] == [
        strip_inline(note) for note in notes
    ], "the post says what the page says, in the same order"
    again = build_jekyll(store, settings, blog)
    assert not again.written, "a post is a pure function of the store"
    uncorrected, other = post(blog, HEARING_POST)
    assert "Corrections" not in other
    assert not {"corrections", "last_modified_at"} & set(uncorrected)


FERRY = "s-feedbeef0042"
TIMES = Article(
    id="v1",
    url="https://times.example/harbour/ferry-vote",
    outlet="Harbour Times",
    title="Harbour council approves ferry budget",
    text=(
        "The Harbour city council approved a $12m ferry budget on Monday. The council voted"
        " 7 to 2 after a four-hour debate. The new ferry will enter service in 2026."
    ),
    published="2024-05-06",
)
POST = Article(
    id="v2",
    url="https://post.example/ferry",
    outlet="Harbour Post",
    title="Ferry budget passes",
    text=(
        "On Monday the Harbour city council approved a $12m ferry budget. Members voted 7 to 2."
        " The new ferry will enter service in 2026, officials said."
    ),
    published="2024-05-06",
)
FERRY_WRONG = "The council voted 6 to 3."


def ferry_post(tmp_path: Path, right: str) -> Path:
    """A story two outlets report alike, corrected with ``right``; its post's path. The
    sources are written beside it as ``sources.jsonl`` for ``newsdesk check``."""
    db = SQLiteStore(tmp_path / "ferry.db")
    for article in (TIMES, POST):
        db.add_article(article, None)
        db.assign(article, FERRY, None)
    approved = "The Harbour city council approved a $12m ferry budget on Monday."
    sentences = (
        Sentence("headline", TIMES.title, (cite(TIMES, TIMES.title, "title"),)),
        Sentence("body", approved, (cite(TIMES, approved), cite(POST, "approved a $12m"))),
        Sentence(
            "body",
            "The new ferry will enter service in 2026.",
            (cite(TIMES, "The new ferry will enter service in 2026."), cite(POST, "2026")),
        ),
    )
    sources = tuple(SourceRef(a.id, a.outlet, a.title, a.url, a.published) for a in (TIMES, POST))
    draft = Draft(FERRY, "hash", "Politics", "2024-05-06", sentences, sources)
    db.save_draft(draft)
    db.save_verdicts(draft, all_supported_but(draft))
    db.save_correction(Correction(FERRY, FERRY_WRONG, right, POST.id, "eve", FILED))
    build_jekyll(db, PublishSettings(tmp_path / "site", min_outlets=1), tmp_path / "blog")
    db.close()
    lines = [
        {"id": a.id, "url": a.url, "outlet": a.outlet, "date": a.published}
        | {"title": a.title, "text": a.text}
        for a in (TIMES, POST)
    ]
    (tmp_path / "sources.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    (found,) = (tmp_path / "blog" / "_posts").glob("*.md")
    return found


def test_a_corrected_post_passes_newsdesk_check_and_an_unsupported_right_is_caught(
    tmp_path: Path,
) -> None:
    """What is right is a claim, checked against the sources; what was wrong is quoted as
    wrong and is no claim (it would fail: 6 to 3 is not what the sources say)."""
    config = load_config(database=tmp_path / "ferry.db")
    path = ferry_post(tmp_path / "good", "The council voted 7 to 2.")
    report = api.check_file(config, path, tmp_path / "good" / "sources.jsonl")
    claims = {claim.unit.clean: claim for claim in report.claims}
    assert report.exit_code == 0, [(c, x.result.reason) for c, x in claims.items()]
    assert claims["The council voted 7 to 2."].verdict == "supported"
    assert claims["Harbour Post"].unit.url == POST.url  # the source's link is checked
    assert not [text for text in claims if "6 to 3" in text]
    planted = ferry_post(tmp_path / "planted", FERRY_WRONG)
    report = api.check_file(config, planted, tmp_path / "planted" / "sources.jsonl")
    flagged = [c for c in report.claims if c.verdict != "supported"]
    assert report.exit_code == 1
    assert [(c.unit.clean, c.kind) for c in flagged] == [(FERRY_WRONG, "number")]
    assert planted.read_text("utf-8").index("\n## Corrections\n") < flagged[0].unit.start


NOTE = (
    "**Correction** 7 May 2024. An earlier version of this article was wrong: {wrong}"
    " What is right: {right} Source: {source}."
)


def units_of(corrections: str, heading: str = "## Corrections") -> list[str]:
    text = f"# Harbour council approves ferry budget\n\nThe council met.\n\n{heading}\n\n"
    return [unit.clean for unit in parse_article(text + corrections, "post.md").units]


@pytest.mark.parametrize(
    ("corrections", "claims"),
    [
        (  # a post's note: what is right and the source's link are read, the error is not
            NOTE.format(
                wrong="It was 6 to 3.", right="It was 7 to 2.", source=f"[Post]({POST.url})"
            ),
            ["It was 7 to 2.", "Post"],
        ),
        (  # as a list item, with an outlet that has no link (a label, as short headings are)
            "- " + NOTE.format(wrong="It was 6 to 3.", right="It was 7 to 2.", source="AP"),
            ["It was 7 to 2."],
        ),
        (  # the earliest "What is right:" splits: words quoted past it are checked
            NOTE.format(
                wrong="It was 6 to 3. What is right: The mayor resigned.",
                right="It was 7 to 2.",
                source="AP",
            ),
            ["The mayor resigned.", "What is right: It was 7 to 2."],
        ),
        (  # an "outlet" that says something is no label: the whole note is read
            NOTE.format(
                wrong="It was 6 to 3.", right="It was 7 to 2.", source="The mayor resigned today"
            ),
            [
                "Correction 7 May 2024.",
                "An earlier version of this article was wrong: It was 6 to 3.",
                "What is right: It was 7 to 2.",
                "Source: The mayor resigned today.",
            ],
        ),
        (  # a link in the quoted error must still be checked: the whole note is read
            NOTE.format(
                wrong=f"It was [6 to 3]({TIMES.url}).", right="It was 7 to 2.", source="AP"
            ),
            [
                "Correction 7 May 2024.",
                "An earlier version of this article was wrong: It was 6 to 3.",
                "What is right: It was 7 to 2.",
                "Source: AP.",
            ],
        ),
        (  # raw HTML or Liquid in the quoted error could show something else: all is read
            NOTE.format(wrong="It was {{ page.x }}.", right="It was 7 to 2.", source="AP")
            + "\n\n"
            + NOTE.format(wrong="It was <b>6</b>.", right="It was 7 to 2.", source="AP"),
            [
                "Correction 7 May 2024.",
                "An earlier version of this article was wrong: It was {{ page.x }}.",
                "What is right: It was 7 to 2.",
                "Source: AP.",
                "Correction 7 May 2024.",
                "An earlier version of this article was wrong: It was 6.",
                "What is right: It was 7 to 2.",
                "Source: AP.",
            ],
        ),
        (  # other lines under the heading are claims: the heading hides nothing
            "The mayor resigned on Monday.\n\n- The ferry sank.",
            ["The mayor resigned on Monday.", "The ferry sank."],
        ),
    ],
)
def test_a_corrections_heading_hides_only_the_quoted_error(
    corrections: str, claims: list[str]
) -> None:
    assert units_of(corrections)[2:] == claims


def test_a_correction_outside_a_corrections_section_is_read_as_prose() -> None:
    note = NOTE.format(wrong="It was 6 to 3.", right="It was 7 to 2.", source="AP")
    assert "An earlier version of this article was wrong: It was 6 to 3." in units_of(
        note, "## Reaction"
    )
