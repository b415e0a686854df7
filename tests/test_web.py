"""The web workspace through starlette's test client: every page and its JSON, errors as pages, the
access token, the read-only store, and hostile article text escaped everywhere."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quotetrail.cli import app as cli_app
from quotetrail.settings import ServeSettings
from quotetrail.store import Store, StoreError
from quotetrail.views import ArticleView, MarkedQuantity, MarkedStatement
from quotetrail.web import create_app
from quotetrail.web.app import SearchForm, search_form, speaker_class
from quotetrail.web.highlight import highlight_body

TOKEN = "correct-horse-battery-staple"


@pytest.fixture(scope="module")
def client(linked_seeds_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(linked_seeds_db)) as c:
        yield c


def _doc(response: Any) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.text)


def _first(rows: list[tuple[Any, ...]]) -> Any:
    assert rows, "expected at least one row"
    return rows[0][0]


def _query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


# --- pages --------------------------------------------------------------------------------------------


def test_overview_shows_the_corpus(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    text = _doc(response).text_content()
    assert re.search(r"5\s+articles", text)
    assert "Sergey Lavrov" in text
    assert "No input was skipped" in text
    assert "7 Oct 2016" in text and "2 Dec 2016" in text


def test_search_ranks_statements_and_links_each_to_its_place_in_the_article(client: TestClient) -> None:
    response = client.get("/search", params={"q": "de Mistura"})
    assert response.status_code == 200
    doc = _doc(response)
    rows = doc.cssselect("li.statement-row")
    assert rows, "no result for de Mistura"
    for row in rows:
        assert "mistura" in row.cssselect("blockquote")[0].text_content().lower()
        link = row.cssselect("a.to-article")[0].get("href")
        assert re.fullmatch(r"/articles/\d+#s-\d+", link)
    facet_names = [a.text_content() for a in doc.cssselect(".facets a")]
    assert "Sergey Lavrov" in facet_names
    assert any(k in facet_names for k in ("direct", "indirect", "mixed"))


def test_facets_narrow_the_search(client: TestClient) -> None:
    everything = _doc(client.get("/search", params={"q": "Aleppo"}))
    speaker_link = next(a for a in everything.cssselect(".facets a") if a.text_content() == "Sergey Lavrov")
    narrowed = client.get(speaker_link.get("href"))
    assert narrowed.status_code == 200
    speakers = {a.text_content() for a in _doc(narrowed).cssselect("li.statement-row a.speaker")}
    assert speakers == {"Sergey Lavrov"}
    direct = _doc(client.get("/search", params={"q": "Aleppo", "kind": "direct"}))
    kinds = {k.text_content() for k in direct.cssselect("li.statement-row .kind")}
    assert kinds == {"direct"}


def test_search_in_article_bodies_marks_the_matched_words(client: TestClient) -> None:
    doc = _doc(client.get("/search", params={"q": "Castello", "in": "articles"}))
    snippets = doc.cssselect("p.snippet")
    assert snippets
    assert all(s.cssselect("mark") for s in snippets)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": '"unclosed', "syntax": "fts"}, "invalid search"),
        ({"q": "Aleppo AND", "syntax": "fts"}, "invalid search"),
        ({"q": "Aleppo", "since": "last week"}, "since must be a date"),
        ({"q": "Aleppo", "kind": "shouted"}, "kind must be one of"),
        ({"q": "Aleppo", "min_confidence": "high"}, "minimum confidence"),
        ({"q": "Aleppo", "speaker": "Nobody Whatsoever"}, "no speaker or entity matches"),
        ({"q": "!!!"}, "no words to search for"),
    ],
)
def test_a_bad_search_is_a_message_not_a_crash(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    page = client.get("/search", params=params)
    assert page.status_code == 400
    assert message in _doc(page).cssselect(".error")[0].text_content()
    api = client.get("/api/search", params=params)
    assert api.status_code == 400
    assert message in api.json()["detail"]


def test_advanced_syntax_runs(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "Aleppo NOT Nusra", "syntax": "fts"})
    assert response.status_code == 200
    texts = [r["text"].lower() for r in response.json()["results"]]
    assert texts and not any("nusra" in t for t in texts)


def test_speaker_page(client: TestClient) -> None:
    response = client.get("/speakers/lavrov")  # a name as typed: redirected to the canonical key
    assert response.status_code == 200
    assert response.url.path == "/speakers/person:sergey-lavrov"
    doc = _doc(response)
    assert doc.cssselect("h1")[0].text_content().strip() == "Sergey Lavrov"
    text = doc.text_content()
    assert "top diplomat" in text  # a role the articles use for him
    days = {m.get("data-day") for m in doc.cssselect("#timeline [data-day]")}
    assert {"2016-10-07", "2016-10-21", "2016-12-02"} <= days
    assert doc.cssselect("details.echo-group"), "his statements grouped by echo cluster"
    claims = [h.text_content() for h in doc.cssselect(".claim h3")]
    assert any("Jabhat al-Nusra" in c for c in claims)
    assert doc.cssselect(".claim svg"), "a claim history chart"


def test_article_page_highlights_statements_with_their_details(
    client: TestClient, linked_seeds_db: Path
) -> None:
    article_id, statement_id, speaker, rule = _query(
        linked_seeds_db,
        "SELECT s.article_id, s.statement_id, ce.name, s.rule FROM statements AS s "
        "JOIN canonical_entities AS ce ON ce.entity_key = s.speaker_key "
        "WHERE s.text LIKE '%report to al-Nusra Front%'",
    )[0]
    doc = _doc(client.get(f"/articles/{article_id}"))
    highlighted = doc.get_element_by_id(f"s-{statement_id}")
    assert highlighted.tag == "a" and "statement" in highlighted.get("class")
    assert highlighted.get("data-speaker") == speaker
    assert highlighted.get("href") == f"#d-{statement_id}"
    assert "confidence" in highlighted.get("title") and rule in highlighted.get("title")
    card = doc.get_element_by_id(f"d-{statement_id}").text_content()
    assert rule in card and "Confidence" in card and "Cue" in card
    assert doc.cssselect(".body .quantity"), "quantities are marked"
    assert any("Sputnik" in s.get("title", "") for s in doc.cssselect(".body .source"))
    # The colour of a statement is its speaker's.
    assert speaker_class(
        _first(
            _query(
                linked_seeds_db, "SELECT speaker_key FROM statements WHERE statement_id = ?", (statement_id,)
            )
        )
    ) in highlighted.get("class")


def test_an_article_shows_how_its_year_was_settled(client: TestClient, linked_seeds_db: Path) -> None:
    article_id = _first(
        _query(linked_seeds_db, "SELECT article_id FROM articles WHERE published_evidence IS NOT NULL")
    )
    metadata = _doc(client.get(f"/articles/{article_id}")).cssselect(".metadata")[0].text_content()
    assert "31 Oct 2016" in metadata and "similar dated articles" in metadata


def test_article_page_can_show_the_removed_chrome(client: TestClient, linked_seeds_db: Path) -> None:
    article_id, boilerplate = _query(
        linked_seeds_db, "SELECT article_id, boilerplate FROM articles WHERE boilerplate != '[]' LIMIT 1"
    )[0]
    doc = _doc(client.get(f"/articles/{article_id}"))
    chrome = doc.cssselect("details.chrome")[0]
    lines = [li.text_content() for li in chrome.cssselect("li")]
    import json

    assert lines == json.loads(boilerplate)
    body = doc.cssselect(".body")[0].text_content()
    assert all(line not in body for line in lines if len(line) > 20)


def test_echo_page_orders_by_publication_and_marks_the_first(
    client: TestClient, linked_seeds_db: Path
) -> None:
    echo_id = _first(
        _query(
            linked_seeds_db,
            "SELECT e.echo_id FROM echo_clusters AS e "
            "JOIN statements AS s ON s.statement_id = e.first_statement_id "
            "WHERE s.text LIKE '%Nusra%' ORDER BY e.statement_count DESC",
        )
    )
    doc = _doc(client.get(f"/echoes/{echo_id}"))
    rows = doc.cssselect("li.statement-row")
    assert len(rows) >= 3
    assert "first" in rows[0].get("class") and not any("first" in r.get("class") for r in rows[1:])
    dates = [r.cssselect("time")[0].text_content() for r in rows]
    assert dates[0] == "21 Oct 2016"
    assert doc.cssselect("svg.chart-timeline [data-day]")


def test_story_and_claim_pages(client: TestClient, linked_seeds_db: Path) -> None:
    story_id = _first(_query(linked_seeds_db, "SELECT story_id FROM stories ORDER BY article_count DESC"))
    doc = _doc(client.get(f"/stories/{story_id}"))
    assert doc.cssselect("svg.chart-timeline")
    assert "Sergey Lavrov" in doc.text_content()
    key = _first(_query(linked_seeds_db, "SELECT claim_key FROM claim_groups ORDER BY value_count DESC"))
    claim = client.get("/claims", params={"key": key})
    assert claim.status_code == 200
    assert _doc(claim).cssselect("svg.chart-claim")


@pytest.mark.parametrize(
    "path",
    [
        "/articles/999999",
        "/echoes/999999",
        "/stories/no-such-story",
        "/speakers/nobody-at-all-xyz",
        "/claims?key=no-such-claim",
        "/no/such/page",
    ],
)
def test_unknown_ids_are_404_pages(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    assert _doc(page).cssselect(".error")
    api = client.get("/api" + path)
    assert api.status_code == 404
    assert api.json()["detail"]


def test_api_serves_every_page_and_documents_itself(client: TestClient, linked_seeds_db: Path) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    for expected in (
        "/api/overview",
        "/api/search",
        "/api/speakers/{key}",
        "/api/articles/{article_id}",
        "/api/echoes/{echo_id}",
        "/api/stories/{story_id}",
        "/api/claims",
    ):
        assert expected in paths
    assert not any(not p.startswith("/api/") for p in paths), "pages are not part of the API"
    assert client.get("/docs").status_code == 404  # its page would load scripts from a CDN
    overview = client.get("/api/overview").json()
    assert overview["articles"] == 5 and overview["linked"] is True
    speaker = client.get("/api/speakers/lavrov").json()
    assert speaker["entity"]["name"] == "Sergey Lavrov"
    assert sum(day["statements"] for day in speaker["days"]) == speaker["entity"]["statements"] >= 80
    article_id = speaker["days"][0]["article_id"]
    article = client.get(f"/api/articles/{article_id}").json()
    assert article["statements"] and article["body"]
    echo_id = client.get("/api/echoes").json()[0]["echo_id"]
    assert client.get(f"/api/echoes/{echo_id}").json()["members"]


def test_every_response_forbids_scripts(client: TestClient) -> None:
    for path in ("/", "/search?q=Aleppo", "/api/overview", "/no-such-page"):
        policy = client.get(path).headers["content-security-policy"]
        assert "script-src 'none'" in policy


# --- safety -------------------------------------------------------------------------------------------


def _assert_inert(html: str) -> None:
    doc = lxml.html.fromstring(html)
    assert not doc.cssselect("script, iframe, img, object, embed"), "markup from article text became elements"
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"event handler attribute {name} on <{element.tag}>"
            if name in ("href", "src", "action"):
                assert not value.strip().lower().startswith("javascript:"), value


def test_hostile_article_text_is_escaped_everywhere(hostile_db: Path) -> None:
    from conftest import HOSTILE_TITLE

    with TestClient(create_app(hostile_db)) as c:
        article_id = _first(_query(hostile_db, "SELECT article_id FROM articles"))
        pages = [
            c.get("/"),
            c.get(f"/articles/{article_id}"),
            c.get("/search", params={"q": "script"}),
            c.get("/search", params={"q": "pwned", "in": "articles"}),
            c.get("/speakers/Brandt"),
            c.get("/stories"),
        ]
        for page in pages:
            assert page.status_code == 200, page.url
            _assert_inert(page.text)
        article = _doc(pages[1])
        # The markup is there to read, as text.
        assert article.cssselect("h1")[0].text_content() == HOSTILE_TITLE
        assert "<script>window.__pwned = 2" in article.cssselect(".body")[0].text_content()
        assert "javascript:" in article.text_content()  # the address is shown, not linked
        assert any("<script>" in r.text_content() for r in _doc(pages[2]).cssselect("blockquote"))


@settings(max_examples=60, deadline=None)
@given(
    body=st.text(alphabet=st.sampled_from("ab <>&\"'\n"), min_size=1, max_size=60),
    spans=st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=6),
)
def test_highlighting_keeps_every_character_and_adds_no_markup_of_the_text(
    body: str, spans: list[tuple[int, int]]
) -> None:
    statements = [
        MarkedStatement(
            i,
            a,
            b,
            body[a:b],
            "direct",
            None,
            a,
            a + 1,
            "X",
            f"k{i % 3}",
            None,
            None,
            None,
            None,
            None,
            0.5,
            "r",
            None,
            None,
        )
        for i, (a, b) in enumerate(spans)
    ]
    quantities = [
        MarkedQuantity(i, "q", b - 2, b + 3, None, None, None, None, None, None)
        for i, (_, b) in enumerate(spans)
    ]
    view = ArticleView(
        1, "x", "x", None, None, None, False, None, None, None, None, None, body, [(0, len(body))], [], []
    )
    view.statements, view.quantities = statements, quantities
    (paragraph,) = highlight_body(view, speaker_class)
    html = f"<div>{paragraph}</div>"
    doc = lxml.html.fragment_fromstring(html)
    assert doc.text_content() == body
    assert {e.tag for e in doc.iter()} <= {"div", "a", "span"}
    ids = [e.get("id") for e in doc.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


# --- access -------------------------------------------------------------------------------------------


def test_a_token_guards_every_request(linked_seeds_db: Path) -> None:
    with TestClient(create_app(linked_seeds_db, token=TOKEN)) as c:
        assert c.get("/").status_code == 401
        assert c.get("/api/overview").status_code == 401
        assert c.get("/static/style.css").status_code == 401
        assert c.get("/", headers={"Authorization": "Bearer wrong-token-of-some-length"}).status_code == 401
        assert c.get("/api/overview", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        first = c.get("/search", params={"q": "Aleppo", "token": TOKEN}, follow_redirects=False)
        assert first.status_code == 303
        assert first.headers["location"] == "/search?q=Aleppo"  # the token leaves the address
        assert "httponly" in first.headers["set-cookie"].lower()
        assert c.get("/search", params={"q": "Aleppo"}).status_code == 200  # the cookie carries it now


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"host": "0.0.0.0"}, "give --token"),
        ({"host": "192.168.1.5", "token": "short"}, "at least 16"),
        ({"port": 0}, "port must be"),
    ],
)
def test_serve_settings_refuse_unsafe_or_impossible_setups(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServeSettings(**changes)
    assert ServeSettings(host="0.0.0.0", token=TOKEN).host == "0.0.0.0"


def test_serve_command_refuses_a_public_address_without_a_token(linked_seeds_db: Path) -> None:
    result = CliRunner().invoke(
        cli_app, ["serve", "--db", str(linked_seeds_db), "--host", "0.0.0.0"], env={"QUOTETRAIL_TOKEN": ""}
    )
    assert result.exit_code == 2
    assert "give --token" in result.output


def test_serve_command_names_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no database" in result.output


def test_the_store_is_opened_read_only(linked_seeds_db: Path, tmp_path: Path) -> None:
    with Store.open(linked_seeds_db, read_only=True) as store, pytest.raises(sqlite3.OperationalError):
        store.connection.execute("DELETE FROM articles")
    stale = tmp_path / "stale.db"
    with sqlite3.connect(linked_seeds_db) as src, sqlite3.connect(stale) as dst:
        src.backup(dst)
    with sqlite3.connect(stale) as conn:
        conn.execute("PRAGMA user_version = 2")
    with pytest.raises(StoreError, match="quotetrail link"):
        create_app(stale)
    with pytest.raises(FileNotFoundError):
        create_app(tmp_path / "missing.db")


def test_search_form_links_keep_the_other_filters() -> None:
    form = search_form({"q": "Aleppo", "outlet": "TASS", "page": "3", "in": "statements"})
    assert form.page == 3
    assert form.link(speaker="person:x") == "/search?q=Aleppo&speaker=person%3Ax&outlet=TASS"
    assert search_form({"page": "-1"}).page == 1
    assert SearchForm(q="x", until="2016-10").filters()["until"] > "2016-10-31"
