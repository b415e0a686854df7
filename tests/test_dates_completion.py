"""A publication date whose year the article never states: the metadata stage keeps its month and day,
and the link pass completes the year from the most similar dated articles, or leaves it unknown."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotetrail import api
from quotetrail.clean import Cleaner
from quotetrail.linking import DatedNeighbour, complete_year, link, salient_query
from quotetrail.metadata import metadata_stage, parse_dateline, undated_month_day
from quotetrail.model import Article, article_to_record
from quotetrail.settings import Settings
from quotetrail.store import Store

LEDE = "said on Friday that the ceasefire talks in Geneva would resume next week, officials told reporters."


def _analysed(raw: str, article_id: str = "a", **kwargs: object) -> Article:
    article = Article(id=article_id, source=f"{article_id}.txt", raw_text=raw, **kwargs)  # type: ignore[arg-type]
    return metadata_stage(Cleaner()(article))


# --- the metadata stage keeps the month and day ------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "published", "month_day"),
    [
        # a dateline with no year anywhere: the month and day only
        (f"A headline\n\nMOSCOW, October 31. /TASS/. The minister {LEDE}", None, "--10-31"),
        # the text mentions a year: the date is inferred, so there is no month and day to complete
        (
            "A headline\n\nMOSCOW, October 31. /TASS/. The minister said the talks would resume.\n\n"
            "The talks began in May 2016.",
            "2016-10-31",
            None,
        ),
        # an event date with its weekday and no year
        (
            "A headline\n\nROME- The minister said the envoy had erred.\n\n"
            "Speaking in Rome on Friday, December 2, the minister repeated the claim to reporters.",
            None,
            "--12-02",
        ),
        # February 29 is a month and day (of leap years)
        (f"A headline\n\nMOSCOW, February 29. /TASS/. The minister {LEDE}", None, "--02-29"),
        # a day no month has is not one
        (f"A headline\n\nMOSCOW, February 30. /TASS/. The minister {LEDE}", None, None),
        # no date at all
        (f"A headline\n\nThe minister {LEDE}", None, None),
    ],
)
def test_metadata_keeps_the_month_and_day_when_no_year_is_settled(
    raw: str, published: str | None, month_day: str | None
) -> None:
    article = _analysed(raw)
    assert (article.published, article.published_month_day) == (published, month_day)
    assert article_to_record(article)["published_month_day"] == month_day


def test_a_date_from_the_input_leaves_no_month_and_day() -> None:
    raw = f"A headline\n\nMOSCOW, October 31. /TASS/. The minister {LEDE}"
    article = _analysed(raw, input_meta={"published": "2019-10-31"})
    assert (article.published, article.published_month_day) == ("2019-10-31", None)


def test_the_dateline_wins_over_an_event_date() -> None:
    dateline = parse_dateline("MOSCOW, October 31. /TASS/. The minister spoke.")
    body = "MOSCOW, October 31. /TASS/. The minister spoke of the meeting on Friday, December 2, in Rome."
    assert undated_month_day(dateline=dateline, body=body) == "--10-31"
    assert undated_month_day(dateline=None, body=body) == "--12-02"


# --- voting for a year -------------------------------------------------------------------------------


def _neighbours(*dates: str) -> list[DatedNeighbour]:
    return [
        DatedNeighbour(f"n{i}", "Wire" if i == 0 else None, dt.date.fromisoformat(d))
        for i, d in enumerate(dates)
    ]


@pytest.mark.parametrize(
    ("month", "day", "dates", "expected"),
    [
        (10, 31, ["2016-10-21", "2016-10-25"], "2016-10-31"),
        (10, 31, ["2016-10-21", "2016-10-07", "2016-12-02"], "2016-10-31"),
        # "January 2" among late-December articles is of the next year
        (1, 2, ["2016-12-28", "2016-12-20"], "2017-01-02"),
        (2, 29, ["2016-02-20", "2016-03-05"], "2016-02-29"),
        # February 29 only in a leap year: 2015's neighbours cannot give one
        (2, 29, ["2015-02-25", "2015-03-01"], None),
        # one similar article near the date is not enough: a topic recurs every year
        (10, 31, ["2016-10-30"], None),
        # the similar articles are years away
        (10, 31, ["2012-03-01", "2013-04-10", "2019-06-30"], None),
        # no similar articles
        (10, 31, [], None),
        # two years nearly as well supported: a close call is left undated
        (10, 31, ["2016-10-29", "2016-10-27", "2015-10-30", "2015-10-28"], None),
        # a clear majority wins over a lone low-ranked dissenter
        (10, 31, ["2016-10-29", "2016-10-27", "2016-11-02", "2016-11-01", "2015-11-12"], "2016-10-31"),
    ],
)
def test_complete_year(month: int, day: int, dates: list[str], expected: str | None) -> None:
    found = complete_year(month, day, _neighbours(*dates))
    assert (found.date.isoformat() if found else None) == expected


def test_the_evidence_names_the_voters() -> None:
    found = complete_year(10, 31, _neighbours("2016-10-21", "2016-10-25", "2012-11-25"))
    assert found is not None
    assert found.evidence.startswith("year from 2 similar dated articles")
    assert "n0 (Wire, 2016-10-21)" in found.evidence and "n1 (2016-10-25)" in found.evidence
    assert "n2" not in found.evidence


@given(
    year=st.integers(1990, 2090),
    day_of_year=st.integers(0, 364),
    gaps=st.lists(st.integers(-10, 10), min_size=2, max_size=10),
)
def test_neighbours_clustered_around_one_date_give_its_year(
    year: int, day_of_year: int, gaps: list[int]
) -> None:
    date = dt.date(year, 1, 1) + dt.timedelta(days=day_of_year)
    neighbours = [DatedNeighbour(f"n{i}", None, date + dt.timedelta(days=g)) for i, g in enumerate(gaps)]
    found = complete_year(date.month, date.day, neighbours)
    assert found is not None and found.date == date


@given(
    month_day=st.dates(dt.date(2000, 1, 1), dt.date(2000, 12, 31)),
    dates=st.lists(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), max_size=10),
)
def test_a_completed_date_is_the_asked_month_and_day_near_two_neighbours(
    month_day: dt.date, dates: list[dt.date]
) -> None:
    found = complete_year(month_day.month, month_day.day, [DatedNeighbour("n", None, d) for d in dates])
    if found is not None:
        assert (found.date.month, found.date.day) == (month_day.month, month_day.day)
        assert sum(abs((d - found.date).days) <= 31 for d in dates) >= 2


@pytest.mark.parametrize(
    ("title", "body", "query"),
    [
        (
            "Talks on the Ruritania ceasefire stall",
            "GENEVA, October 31. /WIRE/. The talks stalled again.",
            '"talks" OR "ruritania" OR "ceasefire" OR "stall" OR "geneva" OR "october" OR "wire" OR "stalled"'
            ' OR "again"',
        ),
        # function words, short words and numbers are left out; "It's" gives no word of four letters
        (None, "It's 2016 and they said that 300 were there.", ""),
        ("", "", ""),
    ],
)
def test_salient_query(title: str | None, body: str, query: str) -> None:
    assert salient_query(title, body) == query


def test_salient_query_takes_sixteen_distinct_words_from_the_opening() -> None:
    words = [f"word{chr(97 + i)}" for i in range(20)]
    query = salient_query("Worda Worda", " ".join(words))
    assert query.split(" OR ") == [f'"{w}"' for w in words[:16]]


# --- the link pass -----------------------------------------------------------------------------------

TOPIC = (
    "Ruritania and Freedonia resumed ceasefire negotiations in Geneva over the besieged Zenda valley, "
    "where mediators want humanitarian convoys admitted."
)
UNDATED = (
    "Ruritania rejects Zenda convoy plan\n\n"
    f"GENEVA, October 31. /WIRE/. Foreign minister Anna Berg {LEDE}\n\n{TOPIC}"
)
OTHER_UNDATED = (
    "Freedonia answers Ruritania on Zenda convoys\n\n"
    f"GENEVA, November 2. /WIRE/. Envoy Tomas Lind {LEDE}\n\n{TOPIC}"
)
UNRELATED = (
    "Harvest festival draws crowds\n\nThe orchard growers of Elmsworth celebrated a record apple "
    "harvest with music, cider and a parade through the market square."
)


def _store_with(tmp_path: Path, *articles: Article) -> Store:
    store = Store.open(tmp_path / "qt.db")
    for article in articles:
        assert store.add(article)
    return store


def _dated(article_id: str, published: str, raw: str | None = None) -> Article:
    text = raw or f"Ruritania and Freedonia talks on Zenda\n\n{TOPIC} Foreign minister Anna Berg {LEDE}"
    # Distinct texts are distinct articles (the store keys articles by their text).
    text += f"\n\nFiled as report {published}."
    return _analysed(text, article_id, input_meta={"published": published})


def _date_row(store: Store, article_id: str) -> tuple[str | None, int, str | None, str | None]:
    row = store.connection.execute(
        "SELECT published, published_inferred, published_month_day, published_evidence FROM articles "
        "WHERE id = ?",
        (article_id,),
    ).fetchone()
    return (row[0], row[1], row[2], row[3])


def test_link_completes_the_year_from_similar_dated_articles(tmp_path: Path) -> None:
    undated = _analysed(UNDATED, "undated")
    assert (undated.published, undated.published_month_day) == (None, "--10-31")
    with _store_with(
        tmp_path,
        _dated("first", "2016-10-21"),
        _dated("second", "2016-10-25"),
        _dated("unrelated", "2012-05-01", UNRELATED),
        undated,
    ) as store:
        queries: list[str] = []
        store.connection.set_trace_callback(queries.append)
        summary = link(store)
        store.connection.set_trace_callback(None)
        assert summary.dates_completed == 1 and summary.to_dict()["dates_completed"] == 1
        # only the article lacking a year was looked up
        assert sum("articles_fts MATCH" in q for q in queries) == 1
        published, inferred, month_day, evidence = _date_row(store, "undated")
        assert (published, inferred, month_day) == ("2016-10-31", 1, "--10-31")
        assert evidence is not None and "first (2016-10-21)" in evidence and "second" in evidence
        assert "unrelated" not in evidence
        stored = store.get(undated.content_hash)
        assert stored is not None
        assert (stored.published, stored.published_inferred, stored.published_month_day) == (
            "2016-10-31",
            True,
            "--10-31",
        )
        # the dates the articles gave themselves are untouched and have no evidence of the link pass
        assert _date_row(store, "first") == ("2016-10-21", 0, None, None)

        again = link(store)
        assert again.dates_completed == 0
        assert _date_row(store, "undated") == (published, inferred, month_day, evidence)


def test_a_completed_date_is_not_evidence_for_another(tmp_path: Path) -> None:
    with _store_with(
        tmp_path,
        _dated("first", "2016-10-21"),
        _dated("second", "2016-10-25"),
        _analysed(UNDATED, "undated"),
        _analysed(OTHER_UNDATED, "other"),
    ) as store:
        assert link(store).dates_completed == 2
        assert _date_row(store, "other")[0] == "2016-11-02"
        evidence = _date_row(store, "other")[3]
        assert evidence is not None and "undated" not in evidence


@pytest.mark.parametrize(
    "others",
    [
        pytest.param([("first", "2012-03-01"), ("second", "2013-04-10")], id="similar-articles-years-away"),
        pytest.param(
            [("unrelated", "2016-10-30"), ("unrelated", "2016-10-29")], id="only-unrelated-articles"
        ),
        pytest.param([("first", "2016-10-21")], id="a-single-similar-article"),
        pytest.param([], id="no-other-article"),
    ],
)
def test_link_leaves_the_date_unknown_without_clear_evidence(
    tmp_path: Path, others: list[tuple[str, str]]
) -> None:
    articles = [_dated(aid, day, UNRELATED if aid == "unrelated" else None) for aid, day in others]
    with _store_with(tmp_path, *articles, _analysed(UNDATED, "undated")) as store:
        assert link(store).dates_completed == 0
        assert _date_row(store, "undated") == (None, 0, "--10-31", None)


# --- the seed articles -------------------------------------------------------------------------------


def test_the_seed_article_without_a_year_gets_it_from_the_others(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "seeds.db"
    summary = api.analyze([seeds_dir], db, Settings(db=db))
    assert summary.link is not None and summary.link.dates_completed >= 1
    golds = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((seeds_dir.parent / "gold" / "seeds").glob("*.json"))
    ]
    with Store.open(db) as store:
        for gold in golds:
            input_id = Path(gold["file"]).stem
            published, inferred, month_day, evidence = _date_row(store, input_id)
            if month_day is None:
                continue  # dated by its own text (or not at all): not this step's business
            # Every seed the text dates only by month and day is completed, and rightly.
            assert (published, bool(inferred)) == (gold["published"], gold["published_year_inferred"]), (
                input_id
            )
            assert evidence is not None and input_id not in evidence
        assert _date_row(store, "003_bf530fbc51bd5532")[:2] == ("2016-10-31", 1)
