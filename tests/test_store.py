"""The SQLite store: round trips, speakers, full-text search, migrations, and runs that are stopped."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotetrail import api
from quotetrail.api import Analysis
from quotetrail.model import Article, CitedSource, Entity, Mention, Quantity, SkippedInput, Span, Statement
from quotetrail.pipeline import Stage, stage
from quotetrail.settings import Settings
from quotetrail.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError, migrate, plain_to_fts
from toy_analysis import (
    KILL_AFTER_ENV,
    CountingProfiler,
    SimulatedKill,
    make_killing_stages,
    make_toy_stages,
    reset_kill_counter,
    toy_analysis,
)


def quote_article(n: int, speaker: str = "Anna Berg", words: str = "the talks will resume") -> Article:
    body = f"Story {n}.\n\n“{words.capitalize()} {n},” said {speaker}.\n"
    text_start = body.index("“") + 1
    text = f"{words.capitalize()} {n}"
    mention_start = body.index(speaker)
    return Article(
        id=f"story-{n}",
        source=f"/in/story-{n}.txt",
        raw_text=body,
        title=f"Story {n}",
        outlet="Example News",
        published="2016-10-21",
        body=body,
        paragraphs=[Span(0, len(f"Story {n}."), f"Story {n}.")],
        statements=[
            Statement(
                text=text,
                start=text_start,
                end=text_start + len(text),
                kind="direct",
                cue="said",
                speaker=speaker,
                mention=Mention(
                    speaker, mention_start, mention_start + len(speaker), "name", speaker, "same sentence"
                ),
                confidence=0.9,
                rule="quote-said-name",
            )
        ],
        entities=[Entity(speaker, "person", [speaker, speaker.split()[-1]])],
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "qt.db")
    yield opened  # type: ignore[misc]
    opened.close()


# --- round trip ----------------------------------------------------------------------------------------

TEXT = st.text(max_size=40)
OPTIONAL_TEXT = st.none() | TEXT
FLOAT = st.floats(allow_nan=False, allow_infinity=False)
JSON_VALUE = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | FLOAT | TEXT


@st.composite
def spans_in(draw: st.DrawFn, body: str) -> tuple[int, int, str]:
    start = draw(st.integers(0, len(body)))
    end = draw(st.integers(start, len(body)))
    return start, end, body[start:end]


@st.composite
def articles(draw: st.DrawFn) -> Article:
    body = draw(st.text(max_size=300))

    def span() -> tuple[int, int, str]:
        return draw(spans_in(body))

    def mention() -> Mention | None:
        if not draw(st.booleans()):
            return None
        start, end, text = span()
        kind = draw(st.sampled_from(["name", "pronoun", "role", "organization", "anonymous"]))
        return Mention(text, start, end, kind, draw(OPTIONAL_TEXT), draw(TEXT))

    statements = []
    for _ in range(draw(st.integers(0, 4))):
        start, end, text = span()
        has_cue = draw(st.booleans())
        cue_start, cue_end, cue = span() if has_cue else (None, None, None)
        statements.append(
            Statement(
                text=text,
                start=start,
                end=end,
                kind=draw(st.sampled_from(["direct", "indirect", "mixed"])),
                cue=cue,
                speaker=draw(OPTIONAL_TEXT),
                mention=mention(),
                confidence=draw(st.floats(0, 1)),
                rule=draw(TEXT),
                cue_start=cue_start,
                cue_end=cue_end,
            )
        )
    quantities = []
    for _ in range(draw(st.integers(0, 3))):
        start, end, text = span()
        quantities.append(
            Quantity(
                text,
                start,
                end,
                draw(st.none() | FLOAT),
                draw(st.none() | FLOAT),
                draw(OPTIONAL_TEXT),
                draw(OPTIONAL_TEXT),
                draw(OPTIONAL_TEXT),
            )
        )
    cited = []
    for _ in range(draw(st.integers(0, 2))):
        start, end, text = span() if draw(st.booleans()) else (None, None, "")
        cited.append(CitedSource(draw(TEXT), text, start, end))
    return Article(
        id=draw(TEXT),
        source=draw(TEXT),
        raw_text=draw(st.text(max_size=300)),
        clean=draw(st.booleans()),
        html=draw(st.none() | st.text(max_size=100)),
        url=draw(OPTIONAL_TEXT),
        input_meta=draw(st.dictionaries(TEXT, JSON_VALUE | st.lists(JSON_VALUE, max_size=3), max_size=4)),
        title=draw(OPTIONAL_TEXT),
        outlet=draw(OPTIONAL_TEXT),
        published=draw(st.none() | st.dates().map(str)),
        published_inferred=draw(st.booleans()),
        published_month_day=draw(st.none() | st.dates().map(lambda d: d.strftime("--%m-%d"))),
        dateline=draw(OPTIONAL_TEXT),
        body=body,
        boilerplate=draw(st.lists(TEXT, max_size=3)),
        headings=[Span(*span()) for _ in range(draw(st.integers(0, 2)))],
        paragraphs=[Span(*span()) for _ in range(draw(st.integers(0, 3)))],
        statements=statements,
        quantities=quantities,
        entities=[
            Entity(
                draw(TEXT),
                draw(st.sampled_from(["person", "organization", "place"])),
                draw(st.lists(TEXT, max_size=3)),
            )
            for _ in range(draw(st.integers(0, 3)))
        ],
        cited_sources=cited,
        errors=draw(st.lists(TEXT, max_size=2)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=articles())
def test_store_round_trip_keeps_every_field_and_span(article: Article) -> None:
    with Store.open(":memory:") as store:
        assert store.add(article)
        assert store.get(article.content_hash) == article


def test_get_unknown_hash_is_none(store: Store) -> None:
    assert store.get("0" * 64) is None


# --- adding --------------------------------------------------------------------------------------------


def test_adding_the_same_text_twice_stores_it_once(store: Store) -> None:
    article = quote_article(1)
    assert store.add(article) is True
    renamed = quote_article(1)
    renamed.id, renamed.source = "copy", "/elsewhere/copy.txt"
    assert store.add(renamed) is False
    assert store.count("articles") == 1 and store.count("statements") == 1
    assert store.speaker_ranking()[0].statements == 1


def test_speakers_are_counted_across_articles_with_their_aliases(store: Store) -> None:
    store.add(quote_article(1))
    store.add(quote_article(2))
    store.add(quote_article(3, speaker="Paul Roth"))
    ranking = store.speaker_ranking()
    assert [(s.name, s.statements, s.articles) for s in ranking] == [("Anna Berg", 2, 2), ("Paul Roth", 1, 1)]
    assert ranking[0].aliases == ["Anna Berg", "Berg"]
    assert [s.name for s in store.speaker_ranking(limit=1)] == ["Anna Berg"]


def test_pronoun_mentions_are_not_aliases(store: Store) -> None:
    article = quote_article(1)
    article.statements[0].mention = Mention("she", 0, 3, "pronoun", "Anna Berg", "last subject")
    article.entities = []
    store.add(article)
    assert store.speaker_ranking()[0].aliases == []


def test_a_failing_add_inside_a_batch_undoes_only_itself(store: Store) -> None:
    bad = quote_article(2)
    bad.statements[0].kind = "rumour"  # type: ignore[assignment]
    store.begin()
    store.add(quote_article(1))
    with pytest.raises(sqlite3.IntegrityError):
        store.add(bad)
    store.add(quote_article(3))
    store.commit()
    assert store.count("articles") == 2
    assert not store.has(bad.content_hash)
    assert store.count("statements") == 2


def test_skipped_inputs_are_recorded_once_per_source_and_reason(store: Store) -> None:
    store.add_skipped(SkippedInput("a.bin", "binary", "first"), seen_at="2020-01-01T00:00:00+00:00")
    store.add_skipped(SkippedInput("a.bin", "binary", "second"), seen_at="2021-01-01T00:00:00+00:00")
    store.add_skipped(SkippedInput("a.bin", "too-large", ""))
    rows = store.skipped_inputs()
    assert [(r.source, r.reason, r.detail) for r in rows] == [
        ("a.bin", "binary", "second"),
        ("a.bin", "too-large", ""),
    ]
    assert rows[0].seen_at.startswith("2021")
    assert store.skipped_by_reason() == {"binary": 1, "too-large": 1}


def test_outlet_date_counts(store: Store) -> None:
    store.add(quote_article(1))
    other = quote_article(2)
    other.outlet, other.published = None, None
    store.add(other)
    rows = store.outlet_date_counts()
    assert [(r.outlet, r.published, r.articles, r.statements) for r in rows] == [
        ("Example News", "2016-10-21", 1, 1),
        (None, None, 1, 1),
    ]
    assert store.outlet_date_groups() == 2


# --- full-text search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "fts"),
    [
        ("talks resume", '"talks" "resume"'),
        ('"will resume" Geneva', '"will resume" "Geneva"'),
        ("resum*", '"resum"*'),
        ("Lavrov's", '"Lavrov s"'),
        ('AND OR NOT -: ( "', '"AND" "OR" "NOT"'),
        ("   ", ""),
    ],
)
def test_plain_queries_become_safe_fts_queries(query: str, fts: str) -> None:
    assert plain_to_fts(query) == fts


def test_search_statements_finds_stems_and_ignores_diacritics(store: Store) -> None:
    store.add(quote_article(1, words="the militants left"))
    store.add(quote_article(2, words="Erdoğan will visit", speaker="Paul Roth"))
    hits = store.search_statements("militant")
    assert [(h.article_id, h.speaker) for h in hits] == [("story-1", "Anna Berg")]
    assert hits[0].text == "The militants left 1"
    assert [h.article_id for h in store.search_statements("erdogan")] == ["story-2"]
    assert store.search_statements('"visit will"') == []  # a phrase keeps its order
    assert store.search_statements("") == []


def test_search_with_fts_syntax_reports_bad_queries(store: Store) -> None:
    store.add(quote_article(1))
    assert len(store.search_statements("talks NOT nothing", fts_syntax=True)) == 1
    with pytest.raises(ValueError, match="invalid full-text query"):
        store.search_statements('"unbalanced', fts_syntax=True)


def test_search_articles_over_title_and_body(store: Store) -> None:
    store.add(quote_article(1))
    store.add(quote_article(2, words="budget cuts"))
    hits = store.search_articles("budget")
    assert [h.article_id for h in hits] == ["story-2"]
    assert "[budget]" in hits[0].snippet.lower()


def test_the_file_is_plain_sqlite_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    with Store.open(path) as store:
        store.add(quote_article(1))
    conn = sqlite3.connect(path)  # no custom functions registered
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = conn.execute(
        "SELECT s.speaker FROM statements_fts JOIN statements s ON s.statement_id = statements_fts.rowid "
        "WHERE statements_fts MATCH 'resume'"
    ).fetchall()
    assert rows == [("Anna Berg",)]
    conn.close()


# --- schema versions -----------------------------------------------------------------------------------


def test_a_version_1_store_is_migrated_and_its_rows_indexed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == 1
    conn.execute(
        "INSERT INTO articles (id, content_hash, source, raw_text, body, analysed_at) "
        "VALUES ('old', 'abc', 'old.txt', 'x', 'An old body about Geneva.', '2020-01-01')"
    )
    conn.execute(
        "INSERT INTO statements (article_id, position, text, start, end, kind, confidence, rule) "
        "VALUES (1, 0, 'Old words about peace', 0, 5, 'direct', 0.5, 'old')"
    )
    conn.close()
    with Store.open(path) as store:
        assert (
            store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
        )
        assert [h.text for h in store.search_statements("peace")] == ["Old words about peace"]
        assert [h.article_id for h in store.search_articles("Geneva")] == ["old"]
        assert store.get("abc") is not None


def test_a_version_4_store_gains_the_date_completion_columns(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=4) == 4
    conn.execute(
        "INSERT INTO articles (id, content_hash, source, body, analysed_at) "
        "VALUES ('old', 'abc', 'old.txt', 'An old body.', '2020-01-01')"
    )
    conn.close()
    with Store.open(path) as store:
        row = store.connection.execute(
            "SELECT published_month_day, published_evidence FROM articles WHERE id = 'old'"
        ).fetchone()
        assert row == (None, None)
        old = store.get("abc")
        assert old is not None and old.published_month_day is None
        undated = quote_article(2)
        undated.published, undated.published_month_day = None, "--10-31"
        store.add(undated)
        again = store.get(undated.content_hash)
        assert again is not None and (again.published, again.published_month_day) == (None, "--10-31")


def test_reopening_a_current_store_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "qt.db"
    with Store.open(path) as store:
        store.add(quote_article(1))
    with Store.open(path) as store:
        assert store.count("articles") == 1
        assert len(store.search_statements("resume")) == 1


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(path)


def test_files_that_are_not_quotetrail_stores_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("just some text, not a database " * 10)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        Store.open(text)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE invoices (n INTEGER)")
    conn.close()
    with pytest.raises(StoreError, match="not a quotetrail store"):
        Store.open(foreign)
    with pytest.raises(FileNotFoundError):
        Store.open(tmp_path / "missing.db", create=False)


# --- analyze: reruns and stopped runs -------------------------------------------------------------------


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"a{i:02d}.txt").write_text(f"Story {i}\n\n“Words number {i},” said Anna Berg.\n")
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    return folder


def stored_ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY id")]
    conn.close()
    return ids


def test_rerunning_analyze_adds_nothing(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 5)
    db = tmp_path / "qt.db"
    first = api.analyze([corpus], db, analysis=toy_analysis())
    assert (first.read, first.stored, first.already_present, dict(first.skipped)) == (5, 5, 0, {"binary": 1})
    second = api.analyze([corpus], db, analysis=toy_analysis())
    assert (second.read, second.analysed, second.stored, second.already_present) == (5, 0, 0, 5)
    assert stored_ids(db) == [f"a{i:02d}" for i in range(5)]
    with Store.open(db) as store:
        assert store.count("skipped_inputs") == 1
        assert store.speaker_ranking()[0].statements == 5


def test_the_same_text_twice_in_one_run_is_stored_once(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 2)
    (corpus / "dup.txt").write_bytes((corpus / "a00.txt").read_bytes())
    summary = api.analyze([corpus], tmp_path / "qt.db", analysis=toy_analysis())
    assert (summary.read, summary.stored, summary.already_present) == (3, 2, 1)


def test_a_run_stopped_halfway_then_rerun_stores_every_article_once(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 10)
    db = tmp_path / "qt.db"
    killing = Analysis(make_stages=make_killing_stages)
    reset_kill_counter()
    os.environ[KILL_AFTER_ENV] = "7"
    try:
        with pytest.raises(SimulatedKill):
            api.analyze([corpus], db, Settings(commit_every=3), analysis=killing)
    finally:
        del os.environ[KILL_AFTER_ENV]
    # Articles 1-6 were committed in two batches; the 7th was in the batch that was rolled back.
    assert stored_ids(db) == [f"a{i:02d}" for i in range(6)]
    rerun = api.analyze([corpus], db, analysis=toy_analysis())
    assert (rerun.already_present, rerun.stored) == (6, 4)
    assert stored_ids(db) == [f"a{i:02d}" for i in range(10)]


def test_a_killed_process_then_rerun_stores_every_article_once(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 12)
    db = tmp_path / "qt.db"
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from toy_analysis import make_killing_stages
        from quotetrail import api
        from quotetrail.api import Analysis
        from quotetrail.settings import Settings
        api.analyze([{str(corpus)!r}], {str(db)!r}, Settings(commit_every=4),
                    analysis=Analysis(make_stages=make_killing_stages))
        """
    )
    env = dict(os.environ, **{KILL_AFTER_ENV: "9", "QUOTETRAIL_TEST_KILL_HARD": "1"})
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr.decode()
    assert stored_ids(db) == [f"a{i:02d}" for i in range(8)]  # two batches of four were committed
    rerun = api.analyze([corpus], db, analysis=toy_analysis())
    assert (rerun.already_present, rerun.stored) == (8, 4)
    assert stored_ids(db) == [f"a{i:02d}" for i in range(12)]
    with Store.open(db) as store:
        assert store.speaker_ranking()[0].statements == 12
        assert len(store.search_statements("words number")) == 12


def test_analyze_with_workers_matches_a_single_process(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 20)
    serial = api.analyze([corpus], tmp_path / "one.db", analysis=toy_analysis())
    pooled = api.analyze([corpus], tmp_path / "two.db", Settings(workers=2), analysis=toy_analysis())
    assert serial.to_dict() == pooled.to_dict()
    with Store.open(tmp_path / "one.db") as one, Store.open(tmp_path / "two.db") as two:
        assert list(one.content_hashes()) == list(two.content_hashes())
        for content_hash in one.content_hashes():
            a, b = one.get(content_hash), two.get(content_hash)
            assert a is not None and b is not None
            assert json.dumps(a.statements, default=repr) == json.dumps(b.statements, default=repr)


def test_stages_are_built_from_a_profile_of_every_article_of_the_run(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 4)
    profiles: list[object] = []

    def make_stages(profile: object) -> list[Stage]:
        profiles.append(profile)
        return make_toy_stages(profile)

    items = list(api.iter_analysed([corpus], analysis=Analysis(make_stages, CountingProfiler)))
    assert profiles == [4]  # the profiler saw the four articles (not the binary file) before any stage ran
    assert [type(i).__name__ for i in items] == ["Article"] * 4 + ["SkippedInput"]  # input order
    assert all(isinstance(i, SkippedInput) or i.statements for i in items)


def test_each_input_is_read_and_extracted_once_despite_two_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quotetrail.htmlextract

    calls: list[str] = []
    real_extract = quotetrail.htmlextract.extract_html

    def counting_extract(html: str, url: str | None = None) -> quotetrail.htmlextract.HtmlDoc:
        calls.append(html)
        return real_extract(html, url)

    monkeypatch.setattr(quotetrail.htmlextract, "extract_html", counting_extract)
    body = (
        "<p>" + "The committee met again on Tuesday to discuss the water budget for the region. " * 8 + "</p>"
    )
    for n in range(3):
        (tmp_path / f"page{n}.html").write_text(
            f"<html><body><article>{body}<p>Page {n}.</p></article></body></html>"
        )
    items = list(api.iter_analysed([tmp_path], analysis=toy_analysis()))
    assert [i.id for i in items] == ["page0", "page1", "page2"]
    assert len(calls) == 3


@stage(needs=("statements",), adds=())
def invalid_kind_for_story_1(article: Article) -> Article:
    """A buggy stage: an unknown statement kind, which the schema refuses, on one article."""
    if article.id == "a01":
        article.statements[0].kind = "rumour"  # type: ignore[assignment]
    return article


def make_buggy_stages(profile: object) -> list[Stage]:
    return [*make_toy_stages(profile), invalid_kind_for_story_1]


def test_an_analysis_the_store_refuses_is_a_skip_not_a_crash(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 3)
    db = tmp_path / "qt.db"
    summary = api.analyze([corpus], db, analysis=Analysis(make_stages=make_buggy_stages))
    assert (summary.stored, dict(summary.skipped)) == (2, {"binary": 1, "unstorable": 1})
    assert stored_ids(db) == ["a00", "a02"]
    with Store.open(db) as store:
        assert [r.source for r in store.skipped_inputs() if r.reason == "unstorable"] == [
            str(corpus / "a01.txt")
        ]
