"""Metadata: datelines, dates, year inference, titles and outlets."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from quotetrail.clean import Cleaner
from quotetrail.metadata import (
    Dateline,
    date_from_lines,
    find_dates,
    infer_year,
    metadata_stage,
    parse_dateline,
    strip_site_suffix,
)
from quotetrail.model import Article

DATELINES: list[tuple[str, Dateline | None]] = [
    (
        "MOSCOW, October 21. /TASS/. Russia is alarmed by a refusal of the militants to leave Aleppo.",
        Dateline("MOSCOW", "TASS", 10, 21, "MOSCOW, October 21. /TASS/."),
    ),
    (
        "Moscow, SANA – Russian Foreign Minister Sergey Lavrov said on Monday that the talks failed.",
        Dateline("Moscow", "SANA", None, None, "Moscow, SANA –"),
    ),
    ("ROME- Russian Foreign Minister Sergey Lavrov said that almost all groups are controlled.", None),
    (
        "WASHINGTON (Reuters) - The U.S. Senate passed the bill on Tuesday.",
        Dateline("WASHINGTON", "Reuters", None, None, "WASHINGTON (Reuters) -"),
    ),
    (
        "WASHINGTON, Oct 7 (Reuters) - The U.S. Senate passed the bill on Friday.",
        Dateline("WASHINGTON", "Reuters", 10, 7, "WASHINGTON, Oct 7 (Reuters) -"),
    ),
    (
        "(Reuters) — The New York State Attorney General is investigating WeWork.",
        Dateline(None, "Reuters", None, None, "(Reuters) —"),
    ),
    ("NEW DELHI: Their American dream shattered, nearly 150 Indians returned home.", None),
    ("BUFFALO, N.Y. — Hours before the game, the coach expressed confidence.", None),
    # not datelines
    ("UPDATE: The minister later withdrew the remark.", None),
    ("US-led coalition forces said they had struck the target.", None),
    ("Russia is ready to urge the Syrian government to let the militants leave.", None),
]
PLACES_ONLY = {
    "ROME- Russian": "ROME",
    "NEW DELHI: Their": "NEW DELHI",
    "BUFFALO, N.Y. — Hours": "BUFFALO, N.Y.",
}


@pytest.mark.parametrize(("paragraph", "expected"), DATELINES)
def test_parse_dateline(paragraph: str, expected: Dateline | None) -> None:
    found = parse_dateline(paragraph)
    place_only = next((place for start, place in PLACES_ONLY.items() if paragraph.startswith(start)), None)
    if place_only is not None:
        assert found is not None and found.place == place_only and found.outlet is None
    else:
        assert found == expected


DATE_LINES: list[tuple[str, dt.date | None]] = [
    ("7 Oct, 2016 12:29", dt.date(2016, 10, 7)),
    ("Posted: March 3, 2016", dt.date(2016, 3, 3)),
    ("Nov 18, 2019 at 9:24 pm ET • 2 min read", dt.date(2019, 11, 18)),
    ("Updated 1:39 am EST, Wednesday, November 20, 2019", dt.date(2019, 11, 20)),
    ("New Delhi, News Nation Bureau | Updated : 19 November 2019, 09:01 AM", dt.date(2019, 11, 19)),
    ("2019-11-20T08:00:00Z", dt.date(2019, 11, 20)),
    ("Nov. 19, 2019 8:03 am ET", dt.date(2019, 11, 19)),
    ("31 November 2019", None),  # no such day
    ("October 21", None),  # no year
]


@pytest.mark.parametrize(("line", "expected"), DATE_LINES)
def test_find_dates(line: str, expected: dt.date | None) -> None:
    found = find_dates(line)
    assert (found[0] if found else None) == expected


def test_published_line_wins_over_updated_line() -> None:
    lines = ["Updated: 18 Nov 2019 9:38 pm", "Posted: 17 Nov 2019 8:11 pm"]
    assert date_from_lines(lines) == dt.date(2019, 11, 17)
    assert date_from_lines(["Updated: 18 Nov 2019 9:38 pm", "November 16, 2019"]) == dt.date(2019, 11, 16)
    assert date_from_lines(["Home", "Sign in"]) is None


YEARS: list[tuple[tuple[int, int], int | None, Counter[int], int | None]] = [
    ((10, 21), 4, Counter({2016: 1}), 2016),  # Friday, October 21 → 2016
    ((12, 2), 4, Counter({2016: 2}), 2016),  # Friday, December 2 → 2016
    ((10, 21), 4, Counter({2015: 1}), 2016),  # the year after the one mentioned, by the weekday
    ((10, 21), 4, Counter(), None),  # nothing to anchor the year: unknown
    ((10, 21), 0, Counter({2016: 1}), None),  # a Monday October 21 near 2016: no such year
    ((10, 31), None, Counter({2016: 3, 2014: 1}), 2016),  # no weekday: the most mentioned year
    ((10, 31), None, Counter({1999: 1}), 1999),
    ((2, 29), None, Counter({2015: 1}), None),  # no 29 February in 2015
]


@pytest.mark.parametrize(("month_day", "weekday", "years", "expected"), YEARS)
def test_infer_year(
    month_day: tuple[int, int], weekday: int | None, years: Counter[int], expected: int | None
) -> None:
    assert infer_year(*month_day, weekday=weekday, years=years) == expected


SUFFIXES = [
    ("Google Stadia: So Many Ways to Play - WSJ", None, "wsj.com", "Google Stadia: So Many Ways to Play"),
    ("Republicans Follow Trump - The New York Times", "The New York Times", None, "Republicans Follow Trump"),
    ("AG probes WeWork | VentureBeat", None, "venturebeat.com", "AG probes WeWork"),
    ("Russia ready to support UN plan – Lavrov", "RT", "rt.com", "Russia ready to support UN plan – Lavrov"),
    ("A title without a suffix", None, None, "A title without a suffix"),
]  # fmt: skip


@pytest.mark.parametrize(("title", "outlet", "domain", "expected"), SUFFIXES)
def test_strip_site_suffix(title: str, outlet: str | None, domain: str | None, expected: str) -> None:
    assert strip_site_suffix(title, outlet=outlet, domain=domain) == expected


def _run(raw: str, **kwargs: object) -> Article:
    article = Article(id="a", source="a.txt", raw_text=raw, **kwargs)  # type: ignore[arg-type]
    return metadata_stage(Cleaner()(article))


LEDE = "said on Friday that the talks would resume next week, according to officials familiar with them."


def test_tass_dateline_year_from_weekday_and_mentioned_year() -> None:
    raw = "\n\n".join(
        [
            "Russia alarmed by refusal to leave Aleppo — Lavrov",
            f"MOSCOW, October 21. /TASS/. Russian Foreign Minister Sergei Lavrov {LEDE}",
            "In April 2016 the committee said it was suspending its participation in the Geneva discussions.",
        ]
    )
    article = _run(raw)
    assert (article.title, article.outlet, article.dateline) == (
        "Russia alarmed by refusal to leave Aleppo — Lavrov",
        "TASS",
        "MOSCOW",
    )
    assert (article.published, article.published_inferred) == ("2016-10-21", True)


def test_date_line_above_the_title_is_read_from_boilerplate() -> None:
    raw = "7 Oct, 2016 12:29\n\nRussia ready to support UN envoy’s proposal – Lavrov\n\n" + (
        "Russia is ready to urge the Syrian government to let the militants exit Aleppo, Lavrov says."
    )
    article = _run(raw)
    assert "7 Oct, 2016 12:29" in article.boilerplate
    assert (article.published, article.published_inferred) == ("2016-10-07", False)
    assert article.title == "Russia ready to support UN envoy’s proposal – Lavrov"
    assert article.outlet is None and article.dateline is None


def test_weekday_date_in_the_text_gives_an_inferred_date() -> None:
    raw = "\n\n".join(
        [
            "All Armed Groups in Eastern Aleppo Controlled by Nusra: Lavrov",
            "ROME- Russian Foreign Minister Sergey Lavrov said that almost all armed groups are controlled.",
            "During the conference in Rome, on Friday, December 2, Lavrov said the attempts were wrong.",
            "The US took obligations upon itself back in January 2016, he added, speaking to reporters.",
        ]
    )
    article = _run(raw)
    assert (article.published, article.published_inferred, article.dateline) == ("2016-12-02", True, "ROME")
    assert article.outlet is None


def test_no_year_context_leaves_the_date_unknown() -> None:
    article = _run(f"A headline\n\nMOSCOW, October 31. /TASS/. The minister {LEDE}")
    assert article.published is None and article.published_inferred is False
    assert article.outlet == "TASS"


def test_input_metadata_wins() -> None:
    raw = f"Headline - Example News\n\nMOSCOW, October 31. /TASS/. The minister {LEDE}"
    article = _run(
        raw,
        url="https://www.example.com/a/1",
        input_meta={"title": "The Real Title", "published": "2020-01-02", "outlet": "Example News"},
    )
    assert (article.title, article.outlet, article.published) == (
        "The Real Title",
        "Example News",
        "2020-01-02",
    )
    assert article.published_inferred is False


def test_outlet_falls_back_to_domain_and_strips_title_suffix() -> None:
    raw = "Budget heads to parliament | Example\n\nThe finance minister " + LEDE
    article = _run(raw, url="https://www.example.com/politics/budget")
    assert (article.outlet, article.title) == ("example.com", "Budget heads to parliament")


def test_seed_metadata_matches_gold(shared_dir: Path) -> None:
    for gold_path in sorted((shared_dir / "gold" / "seeds").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        article = _run((shared_dir / "seeds" / gold["file"]).read_text(encoding="utf-8"))
        assert article.title == gold["title"], gold["file"]
        assert article.dateline == gold["dateline_place"], gold["file"]
        if not gold["outlet_optional"]:
            assert article.outlet == gold["outlet"], gold["file"]
        # An optional date may be left unknown, but when it is given it must be right.
        if not gold["published_optional"] or article.published is not None:
            assert article.published == gold["published"], gold["file"]
            assert article.published_inferred == gold["published_year_inferred"], gold["file"]
        # A date the text gives without a year keeps its month and day, for the link pass to complete.
        if article.published_month_day is not None:
            assert article.published is None and gold["published"] is not None, gold["file"]
            assert article.published_month_day == "--" + gold["published"][5:], gold["file"]
