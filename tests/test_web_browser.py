"""The web workspace as a person uses it: Debian's Chromium, driven by Playwright, against a real server
on loopback. Screenshots of every page land in ``test-artifacts/`` (ignored by git) for a person to look
at. ``.ci/run`` installs Chromium; elsewhere these tests skip, saying why, when it is missing."""

from __future__ import annotations

import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from quotetrail.web import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and quiet: this machine has no network, and Chromium's background services would keep
# trying to reach theirs.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def _serve(db: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the workspace server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def seeds_site(linked_seeds_db: Path) -> Iterator[str]:
    yield from _serve(linked_seeds_db)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Chromium at {CHROMIUM}: .ci/run installs it")
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} (.ci/run installs it: apt-get install -y chromium)"
        )
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    page.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_overview(page: Any, seeds_site: str) -> None:
    page.goto(seeds_site + "/")
    assert page.locator("h1").inner_text() == "Overview"
    assert "Sergey Lavrov" in page.locator("main").inner_text()
    _shot(page, "overview")


def test_search_for_de_mistura_then_follow_a_result_to_its_highlighted_statement(
    page: Any, seeds_site: str
) -> None:
    page.goto(seeds_site + "/")
    page.fill("#quick-q", "de Mistura")
    page.press("#quick-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=de\+Mistura"))
    rows = page.locator("li.statement-row")
    assert rows.count() >= 3
    _shot(page, "search")
    # Follow a statement whose speaker is de Mistura himself, if one is found; else the first result.
    chosen = rows.filter(has=page.locator("a.speaker", has_text="Staffan de Mistura"))
    row = chosen.first if chosen.count() else rows.first
    speaker = row.locator("a.speaker").inner_text()
    quoted = row.locator("blockquote").inner_text()
    row.locator("a.to-article").click()
    page.wait_for_url(re.compile(r"/articles/\d+#s-\d+$"))
    statement_id = page.url.rsplit("#s-", 1)[1]
    highlighted = page.locator(f"#s-{statement_id}")
    assert highlighted.get_attribute("data-speaker") == speaker
    assert "statement" in (highlighted.get_attribute("class") or "")
    # Its whole text is highlighted, in its speaker's colour, and it is what the search showed.
    pieces = page.locator(f"a.statement[href='#d-{statement_id}']")
    assert "".join(pieces.all_inner_texts()).strip(" ,.") in quoted.strip("“”")
    colour = highlighted.evaluate("e => getComputedStyle(e).borderBottomColor")
    assert colour not in ("rgb(0, 0, 0)", "rgba(0, 0, 0, 0)")
    _shot(page, "article-from-search")
    # Clicking it shows its details: the speaker, cue, rule and confidence.
    highlighted.click()
    assert page.url.endswith(f"#d-{statement_id}")
    card = page.locator(f"#d-{statement_id}")
    text = card.inner_text()
    assert speaker in text and "Rule" in text and "Confidence" in text


def test_lavrov_timeline_shows_each_day_he_spoke(page: Any, seeds_site: str) -> None:
    page.goto(seeds_site + "/speakers?name=Lavrov")
    page.wait_for_url(re.compile(r"/speakers/person:sergey-lavrov$"))
    assert page.locator("h1").inner_text().strip() == "Sergey Lavrov"
    days = set(page.locator("#timeline [data-day]").evaluate_all("marks => marks.map(m => m.dataset.day)"))
    assert {"2016-10-07", "2016-10-21", "2016-10-31", "2016-12-02"} <= days
    assert page.locator("#timeline svg").bounding_box()["width"] > 300
    _shot(page, "speaker-lavrov")


def test_article_page_toggles_the_removed_chrome(page: Any, seeds_site: str, linked_seeds_db: Path) -> None:
    import sqlite3

    with sqlite3.connect(linked_seeds_db) as conn:
        article_id, first_line = conn.execute(
            "SELECT article_id, json_extract(boilerplate, '$[0]') FROM articles "
            "WHERE boilerplate != '[]' LIMIT 1"
        ).fetchone()
    page.goto(f"{seeds_site}/articles/{article_id}")
    chrome = page.locator("details.chrome li").first
    assert not chrome.is_visible()
    page.locator("details.chrome summary").click()
    assert chrome.is_visible() and chrome.inner_text() == first_line
    _shot(page, "article")


def test_echo_story_and_claim_pages(page: Any, seeds_site: str) -> None:
    page.goto(seeds_site + "/echoes?min_outlets=1")
    page.locator("ol.list a").first.click()
    page.wait_for_url(re.compile(r"/echoes/\d+$"))
    assert page.locator("li.statement-row.first .first-badge").count() == 1
    _shot(page, "echo")
    page.goto(seeds_site + "/stories")
    page.locator("ul.list a").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    assert page.locator("svg.chart-timeline").count() == 1
    _shot(page, "story")
    page.goto(seeds_site + "/speakers/person:sergey-lavrov")
    page.locator(".claim h3 a").first.click()
    page.wait_for_url(re.compile(r"/claims\?key="))
    assert page.locator("svg.chart-claim").count() == 1
    _shot(page, "claim")


def test_hostile_article_runs_nothing(browser: Any, hostile_db: Path) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for site in _serve(hostile_db):
        for path in (
            "/",
            "/articles/1",
            "/search?q=script",
            "/search?q=pwned&in=articles",
            "/speakers/Brandt",
        ):
            page.goto(site + path)
            page.mouse.move(400, 400)
            for handle in page.locator("a, b, span").all()[:40]:
                handle.hover(timeout=2000, force=True)
            assert page.evaluate("() => window.__pwned") is None, path
        page.goto(site + "/articles/1")
        assert "<script>" in page.locator("h1").inner_text()
        _shot(page, "hostile-article")
    assert dialogs == []
    page.close()
