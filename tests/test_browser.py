"""The published site in a real browser: what a reader sees, not what the HTML says.

The other publish tests parse the files; only a browser shows that a click on a citation
lands on the passage it cites, that nothing on a page throws or fails to load, and that a
phone shows the page without sideways scrolling and with targets a finger can hit. Playwright
drives Debian's ``chromium`` through ``executable_path`` (its own browser download does not
work on these machines); ``.ci/run`` installs both. Where no chromium can be found the tests
skip and say so, except under CI (``CI`` set), where a missing browser is a failure.
``NEWSDESK_CHROMIUM`` names another browser binary.

The site is built once per module from real reporting: ``newsdesk run`` on eight articles of
the bundled sample (three events), about 15 s, so those tests are marked slow. The tests of the
checks themselves (a console error, a small target, a too-wide page must be caught) need no
site and run with the fast suite. Screenshots go to ``NEWSDESK_SCREENSHOTS`` when set (so a
person can look at them), else to pytest's temporary folder.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
)
from playwright.sync_api import (
    TimeoutError as PlaywrightTimeout,
)

from browsing import DESKTOP, Console, serve_site
from newsdesk.api import run
from newsdesk.config import load_config
from slices import write_slice

PHONE: ViewportSize = {"width": 375, "height": 812}
MIN_TARGET = 24
"""WCAG 2.2 success criterion 2.5.8 (target size, minimum): 24 by 24 CSS pixels."""


# ---------------------------------------------------------------- serving and the browser


@contextmanager
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP)
    try:
        yield context
    finally:
        context.close()


@contextmanager
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A phone-sized, touch, mobile context: ``is_mobile`` makes chromium honour the page's
    viewport meta tag as a phone does."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    try:
        yield context
    finally:
        context.close()


# ---------------------------------------------------------------- the site


@dataclass(frozen=True)
class Site:
    root: Path
    base_url: str
    stories: tuple[str, ...]
    """Paths of the story pages, relative to the root."""

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The pipeline on ``slices.THREE_EVENTS``, published and served. Built through ``run`` like any
    reader's site, so the browser sees what the templates really produce from real text."""
    folder = tmp_path_factory.mktemp("browser-site")
    dump = write_slice(folder / "dump.jsonl")
    config = load_config(database=folder / "news.db", site_dir=folder / "site", dumps=(dump,))
    run(config)
    root = config.publish.site_dir
    stories = tuple(sorted(p.relative_to(root).as_posix() for p in root.glob("stories/*.html")))
    assert len(stories) >= 2, f"the sample slice published {len(stories)} story pages"
    with serve_site(root) as base_url:
        yield Site(root, base_url, stories)


# ---------------------------------------------------------------- what the checks collect


def open_page(context: BrowserContext, url: str, console: Console) -> Page:
    """A new page at ``url``, watched by ``console`` from before the first byte."""
    page = console.watch(context.new_page())
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    return page


def assert_no_console_errors(console: Console, where: str) -> None:
    assert not console.errors, f"{where}: {len(console.errors)} console error(s):\n" + "\n".join(
        f"  {e}" for e in console.errors
    )


def squash(text: str | None) -> str:
    """Whitespace collapsed, as a rendered passage may show it."""
    return re.sub(r"\s+", " ", text or "").strip()


MEASURE = """selector => Array.from(document.querySelectorAll(selector))
  .filter(el => el.getClientRects().length > 0)
  .map(el => {
    const r = el.getBoundingClientRect();
    return {width: r.width, height: r.height, text: el.textContent.trim().slice(0, 40),
            href: el.getAttribute('href') || ''};
  })"""
"""Rendered boxes of the elements matching a selector (hidden ones are no targets)."""


def too_small(page: Page, selector: str, minimum: float = MIN_TARGET) -> tuple[int, list[str]]:
    """How many rendered ``selector`` elements the page has, and a line for each one whose
    box is narrower or shorter than ``minimum`` CSS px."""
    boxes = page.evaluate(MEASURE, selector)
    small = [
        f"{page.url}: {selector} #{n} {box['text']!r} -> {box['href']}: "
        f"{box['width']:.1f} x {box['height']:.1f} px"
        for n, box in enumerate(boxes)
        if box["width"] < minimum or box["height"] < minimum
    ]
    return len(boxes), small


def assert_targets_at_least(page: Page, selector: str, minimum: float = MIN_TARGET) -> None:
    count, small = too_small(page, selector, minimum)
    assert count, f"{page.url}: no rendered {selector!r} to measure"
    assert not small, f"{len(small)} of {count} targets under {minimum}x{minimum} CSS px:\n" + (
        "\n".join(f"  {line}" for line in small)
    )


WIDTH = """limit => {
  const width = Math.min(limit, window.innerWidth, document.documentElement.clientWidth);
  const scroll = document.scrollingElement.scrollWidth;
  if (scroll <= width) return {scroll, inner: window.innerWidth, wide: []};
  const out = new Set(Array.from(document.querySelectorAll('body *')).filter(el =>
    el.getBoundingClientRect().right > width + 0.5 || el.scrollWidth > el.clientWidth + 1));
  const wide = Array.from(out)
    .filter(el => !Array.from(el.querySelectorAll('*')).some(d => out.has(d)))
    .slice(0, 5)
    .map(el => `<${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}>`
      + ` ${JSON.stringify(el.textContent.trim().slice(0, 50))}: box ends at`
      + ` ${el.getBoundingClientRect().right.toFixed(0)} px, content ${el.scrollWidth} px wide`);
  return {scroll, inner: window.innerWidth, wide};
}"""
"""The page's scroll width against the viewport and, when wider, the innermost elements
whose box or content sticks out."""


def assert_no_sideways_scroll(page: Page, width: int = PHONE["width"]) -> None:
    """The page is no wider than the viewport. ``width`` also bounds it: a mobile browser may
    widen its layout viewport to fit content that overflows, which hides the overflow from
    ``innerWidth`` alone."""
    found = page.evaluate(WIDTH, width)
    limit = min(found["inner"], width)
    assert found["scroll"] <= limit, (
        f"{page.url} scrolls sideways: scrollWidth {found['scroll']} px > viewport {limit} px "
        f"(innerWidth {found['inner']}); sticking out:\n"
        + "\n".join(f"  {w}" for w in found["wide"])
    )


IN_VIEW = """el => {
  const r = el.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, height: r.height, width: r.width,
          viewport: window.innerHeight,
          visible: r.height > 0 && r.width > 0 && r.bottom > 0 && r.top < window.innerHeight};
}"""


def assert_in_viewport(page: Page, selector: str) -> None:
    """The element is rendered and at least partly inside the visible viewport (waiting
    briefly for a smooth scroll to finish)."""
    element = page.locator(selector)
    with suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"el => ({IN_VIEW})(el).visible", arg=element.element_handle(), timeout=2000
        )
    box = element.evaluate(IN_VIEW)
    assert box["visible"], (
        f"{page.url}: {selector} is not in the viewport after the click: top {box['top']:.0f}, "
        f"bottom {box['bottom']:.0f}, size {box['width']:.0f}x{box['height']:.0f}, "
        f"viewport height {box['viewport']}"
    )


QUOTED = """passage => {
  const quote = passage.querySelector('blockquote');
  if (!quote) return null;
  const copy = quote.cloneNode(true);
  copy.querySelectorAll('footer').forEach(f => f.remove());
  return copy.textContent;
}"""
"""The text a passage quotes: its blockquote, less an attribution footer if it has one."""


PASSAGES = """() => Array.from(document.querySelectorAll('article .cite a')).map(a => {
  const href = a.getAttribute('href') || '';
  const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
  let quoted = null, original = null, source = null, isPassage = false;
  if (target) {
    isPassage = target.matches('li.passage');
    quoted = (QUOTED)(target);
    const link = target.querySelector('a.original');
    original = link ? link.getAttribute('href') : null;
    const item = target.closest('section.sources li[id^="source-"]');
    source = item ? item.id : null;
  }
  return {href, marker: a.textContent.trim(), title: a.getAttribute('title'),
          found: !!target, isPassage, quoted, original, source};
})""".replace("QUOTED", QUOTED)
"""Every citation marker of a story page and what its link points at."""


def passage_problems(page: Page) -> tuple[int, list[str]]:
    """How many citation markers the page has, and a line for each one that does not lead to
    a passage holding exactly its cited span under the source its number names."""
    problems = []
    markers = page.evaluate(PASSAGES)
    for n, m in enumerate(markers):
        label = f"{page.url}: citation #{n} {m['marker']} -> {m['href']!r}"
        number = m["marker"].strip("[]")
        if not re.fullmatch(r"#passage-\d+-\d+", m["href"]):
            problems.append(f"{label}: links elsewhere than a passage (#passage-N-K)")
        elif not m["found"]:
            problems.append(f"{label}: no element has that id")
        elif not m["isPassage"]:
            problems.append(f"{label}: the target is not an li.passage")
        elif m["quoted"] is None:
            problems.append(f"{label}: the passage has no blockquote")
        elif squash(m["quoted"]) != squash(m["title"]):
            problems.append(
                f"{label}: the passage quotes {squash(m['quoted'])[:90]!r}, the citation "
                f"cites {squash(m['title'])[:90]!r}"
            )
        elif not (m["original"] or "").startswith(("http://", "https://")):
            problems.append(f"{label}: no a.original link to the source (got {m['original']!r})")
        elif m["source"] != f"source-{number}" or not m["href"].startswith(f"#passage-{number}-"):
            problems.append(f"{label}: the passage sits under {m['source']!r}, not source-{number}")
    return len(markers), problems


# ---------------------------------------------------------------- the site in a browser


@pytest.mark.slow
def test_front_page_loads_cleanly_and_a_teaser_opens_its_story(
    browser: Browser, site: Site, screenshots: Path
) -> None:
    console = Console()
    with desktop(browser) as context:
        page = open_page(context, site.url("index.html"), console)
        teasers = page.locator(".teaser h2 a")
        assert teasers.count() >= 1, f"{page.url}: no teaser links (.teaser h2 a)"
        page.screenshot(path=screenshots / "front.png", full_page=True)
        href = teasers.first.get_attribute("href")
        assert href, "the first teaser link has no href"
        teasers.first.click()
        page.wait_for_url(site.url(href))
        page.wait_for_load_state("load")
        assert page.locator("article.story h1").is_visible(), f"{page.url}: no story headline"
        page.screenshot(path=screenshots / "story.png", full_page=True)
    assert_no_console_errors(console, "front page, then the story a teaser opened")


@pytest.mark.slow
def test_every_story_page_loads_cleanly_with_its_sources_and_how_it_was_checked(
    browser: Browser, site: Site
) -> None:
    missing: list[str] = []
    console = Console()
    with desktop(browser) as context:
        for path in site.stories:
            page = open_page(context, site.url(path), console)
            for selector in ("article.story h1", ".body .cite a", "section.sources"):
                if not page.locator(selector).first.is_visible():
                    missing.append(f"{path}: no visible {selector}")
            checked = page.locator("aside.checked")
            if not checked.count() or not squash(checked.first.inner_text()):
                missing.append(f"{path}: no 'How this was checked' box (aside.checked)")
            page.close()
    assert_no_console_errors(console, f"{len(site.stories)} story pages")
    assert not missing, "\n".join(missing)


@pytest.mark.slow
def test_clicking_a_citation_shows_the_passage_it_cites(
    browser: Browser, site: Site, screenshots: Path
) -> None:
    console = Console()
    with desktop(browser) as context:
        page = open_page(context, site.url(site.stories[0]), console)
        marker = page.locator(".body .cite a").first
        href = marker.get_attribute("href") or ""
        cited = marker.get_attribute("title")
        assert re.fullmatch(r"#passage-\d+-\d+", href), (
            f"{page.url}: the first citation marker links to {href!r}, "
            "not to a passage on the page (#passage-N-K)"
        )
        assert squash(cited), f"{page.url}: the citation {href} carries no cited span (title)"
        marker.click()
        with suppress(PlaywrightTimeout):
            page.wait_for_function("href => location.hash === href", arg=href, timeout=5000)
        hash_now = page.evaluate("() => location.hash")
        assert hash_now == href, f"{page.url}: after the click location.hash is {hash_now!r}"
        target = f"[id='{href[1:]}']"
        assert page.evaluate("() => document.querySelector(':target')?.id") == href[1:], (
            f"{page.url}: after the click, :target is not {href}"
        )
        assert_in_viewport(page, target)
        passage = page.locator(target)
        assert passage.is_visible(), f"{page.url}: the passage {href} is hidden"
        shown = squash(passage.inner_text())
        assert shown, f"{page.url}: the passage {href} is empty"
        quoted = passage.evaluate(QUOTED)
        assert quoted is not None, f"{page.url}: the passage {href} has no blockquote"
        assert squash(quoted) == squash(cited), (
            f"{page.url}: the passage {href} quotes {squash(quoted)[:120]!r}; "
            f"the citation cites {squash(cited)[:120]!r}"
        )
        page.screenshot(path=screenshots / "story-citation.png")
    assert_no_console_errors(console, "a story page and a citation click")


@pytest.mark.slow
def test_every_citation_leads_to_a_passage_quoting_its_span(browser: Browser, site: Site) -> None:
    problems: list[str] = []
    console = Console()
    with desktop(browser) as context:
        for path in site.stories:
            page = open_page(context, site.url(path), console)
            count, found = passage_problems(page)
            if not count:
                problems.append(f"{path}: no citation markers")
            problems.extend(found)
            page.close()
    assert not problems, f"{len(problems)} citation(s) without their passage:\n" + "\n".join(
        problems[:15]
    )


@pytest.mark.slow
def test_on_a_phone_no_page_scrolls_sideways(
    browser: Browser, site: Site, screenshots: Path
) -> None:
    console = Console()
    with phone(browser) as context:
        for path in ("index.html", *site.stories):
            page = open_page(context, site.url(path), console)
            if path == site.stories[0]:
                page.screenshot(path=screenshots / "phone-story.png", full_page=True)
            elif path == "index.html":
                page.screenshot(path=screenshots / "phone-front.png", full_page=True)
            assert_no_sideways_scroll(page)
            page.close()
    assert_no_console_errors(console, "the site on a phone")


@pytest.mark.slow
def test_on_a_phone_citations_and_sections_are_big_enough_to_tap(
    browser: Browser, site: Site
) -> None:
    small: list[str] = []
    with phone(browser) as context:
        for path in ("index.html", *site.stories):
            page = open_page(context, site.url(path), Console())
            selectors = [".masthead nav a"]
            if path in site.stories:
                selectors.append(".body .cite a")
            for selector in selectors:
                count, found = too_small(page, selector)
                if not count:
                    small.append(f"{path}: no rendered {selector}")
                small.extend(found)
            page.close()
    assert not small, (
        f"{len(small)} tap targets under {MIN_TARGET}x{MIN_TARGET} CSS px (WCAG 2.5.8):\n"
        + "\n".join(f"  {line}" for line in small[:20])
        + (f"\n  ... and {len(small) - 20} more" if len(small) > 20 else "")
    )


@pytest.mark.slow
def test_a_console_error_on_a_copy_of_a_story_page_is_caught(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site.root, copy)
    story = copy / site.stories[0]
    html = story.read_text(encoding="utf-8")
    story.write_text(
        html.replace("</head>", '<script>console.error("x")</script>\n</head>', 1), "utf-8"
    )
    console = Console()
    with serve_site(copy) as base_url, desktop(browser) as context:
        open_page(context, base_url + site.stories[0], console)
    assert [e for e in console.errors if ": x (" in e], console.errors
    with pytest.raises(AssertionError, match="1 console error"):
        assert_no_console_errors(console, "the copy")


# ---------------------------------------------------------------- the checks can fail

BROKEN = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="missing.css">
<script>console.error("x")</script>
<script>throw new Error("boom")</script>
</head><body><p>broken</p></body></html>"""

CRAMPED = (
    """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; font-size: 10px; } .masthead nav a { font-size: 8px; }</style>
</head><body>
<header class="masthead"><nav><a href="a.html">World</a> <a href="b.html">Business</a></nav>
</header>
<div class="body"><p>Text.<sup class="cite"><a href="#passage-1-1">[1]</a></sup></p></div>
<pre class="wide">"""
    + ("x" * 300)
    + """</pre>
</body></html>"""
)


def test_the_console_check_catches_errors_throws_and_missing_files(
    browser: Browser, tmp_path: Path
) -> None:
    (tmp_path / "broken.html").write_text(BROKEN, encoding="utf-8")
    console = Console()
    with serve_site(tmp_path) as base_url, desktop(browser) as context:
        open_page(context, base_url + "broken.html", console)
    caught = "\n".join(console.errors)
    assert "console.error" in caught and ": x (" in caught, caught
    assert "uncaught exception: boom" in caught, caught
    assert "404" in caught, caught
    with pytest.raises(AssertionError, match="3 console error"):
        assert_no_console_errors(console, "broken.html")


def test_the_phone_checks_name_small_targets_and_what_sticks_out(
    browser: Browser, tmp_path: Path
) -> None:
    (tmp_path / "cramped.html").write_text(CRAMPED, encoding="utf-8")
    with serve_site(tmp_path) as base_url, phone(browser) as context:
        page = open_page(context, base_url + "cramped.html", Console())
        with pytest.raises(AssertionError) as small:
            assert_targets_at_least(page, ".masthead nav a")
        assert "'World' -> a.html" in str(small.value) and " x " in str(small.value)
        with pytest.raises(AssertionError) as cite:
            assert_targets_at_least(page, ".body .cite a")
        assert "'[1]' -> #passage-1-1" in str(cite.value)
        with pytest.raises(AssertionError) as wide:
            assert_no_sideways_scroll(page)
        assert "scrolls sideways" in str(wide.value) and "<pre.wide>" in str(wide.value)
