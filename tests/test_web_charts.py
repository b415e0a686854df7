"""SVG charts: date parsing and number tables, each chart's layout rules, hostile text, and properties."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from quotetrail.web.charts import (
    PALETTE,
    ChainEdge,
    ChainNode,
    ClaimPoint,
    TimelinePoint,
    citation_chain_svg,
    claim_svg,
    colour_for,
    format_day,
    format_number,
    parse_day,
    timeline_svg,
)

SVG_NS = "{http://www.w3.org/2000/svg}"
D = date(2016, 10, 21)


# --- helpers ---------------------------------------------------------------------------------------------


def parse(svg: object) -> etree._Element:
    return etree.fromstring(str(svg))


def local(element: etree._Element) -> str:
    return str(element.tag).removeprefix(SVG_NS)


def with_class(root: etree._Element, name: str) -> list[etree._Element]:
    return [el for el in root.iter() if name in (el.get("class") or "").split()]


def title_of(element: etree._Element) -> str:
    found = element.find(f"{SVG_NS}title")
    assert found is not None
    return str(found.text)


def all_text(root: etree._Element) -> str:
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG_NS}text"))


def assert_safe(root: etree._Element) -> None:
    """No script, no event handler attribute, no link that leaves the site."""
    for element in root.iter():
        assert local(element) != "script"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (name, value)
            if name == "href" or name.endswith("}href"):
                assert value.startswith(("/", "#")) and not value.startswith(("//", "/\\")), value


def lane_order(root: etree._Element) -> list[str]:
    return [el.get("data-lane") or "" for el in with_class(root, "lane")]


# --- parse_day, format_number, format_day, colour_for ----------------------------------------------------

PARSE_DAY = [
    ("2016-10-21", date(2016, 10, 21)),
    ("  2016-10-21 ", date(2016, 10, 21)),
    ("2016-10-21T09:00:00+03:00", date(2016, 10, 21)),
    # The outlet's own calendar day, not the UTC one (which would be the 20th).
    ("2016-10-21T01:30:00+03:00", date(2016, 10, 21)),
    ("2016-10-21T09:00:00.123Z", date(2016, 10, 21)),
    ("2016-10-21 09:00", date(2016, 10, 21)),
    ("2016-10", date(2016, 10, 1)),
    ("2016-1", date(2016, 1, 1)),
    ("2016", None),
    ("2016-13", None),
    ("2016-02-30", None),
    ("21 October 2016", None),
    ("yesterday", None),
    ("", None),
    ("   ", None),
    (None, None),
    ("2016-10-21<script>", None),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_DAY)
def test_parse_day(text: str | None, expected: date | None) -> None:
    assert parse_day(text) == expected


@given(st.text(max_size=40))
def test_parse_day_never_raises(text: str) -> None:
    result = parse_day(text)
    assert result is None or isinstance(result, date)


FORMAT_NUMBER = [
    (0, "0"),
    (7, "7"),
    (2.5, "2.5"),
    (0.25, "0.25"),
    (1500, "1,500"),
    (9999, "9,999"),
    (6000, "6k"),
    (12_500, "12.5k"),
    (250_000, "250k"),
    (999_960, "1M"),
    (1_200_000, "1.2M"),
    (3_000_000_000, "3B"),
    (-6000, "-6k"),
    (-1500, "-1,500"),
]


@pytest.mark.parametrize(("value", "expected"), FORMAT_NUMBER)
def test_format_number(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_format_day_is_english_and_unpadded() -> None:
    assert format_day(date(2016, 10, 7)) == "7 Oct 2016"
    assert format_day(date(2017, 1, 31)) == "31 Jan 2017"


def test_palette_and_colour_for() -> None:
    assert len(PALETTE) == 12 and len(set(PALETTE)) == 12
    assert all(re.fullmatch(r"#[0-9A-F]{6}", colour) for colour in PALETTE)
    assert colour_for("Sergey Lavrov") == colour_for("Sergey Lavrov") in PALETTE
    assert colour_for(None) not in PALETTE
    # 40 names spread over most of the palette: the key really chooses the colour.
    assert len({colour_for(f"speaker {i}") for i in range(40)}) >= 9


# --- timeline --------------------------------------------------------------------------------------------


def test_timeline_root_is_accessible_svg() -> None:
    root = parse(timeline_svg([TimelinePoint(D, "TASS", "x")], title="Lavrov on Aleppo"))
    assert local(root) == "svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Lavrov on Aleppo"
    assert "chart" in (root.get("class") or "").split()
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 760 [\d.]+", root.get("viewBox") or "")
    assert "Lavrov on Aleppo" in all_text(root)


def test_timeline_lanes_are_ordered_by_first_date() -> None:
    points = [
        TimelinePoint(D + timedelta(days=5), "TASS", "a"),
        TimelinePoint(D + timedelta(days=1), "RT", "b"),
        TimelinePoint(D + timedelta(days=9), "RT", "c"),
        TimelinePoint(D + timedelta(days=3), "", "d"),
        TimelinePoint(D, "Sputnik", "e"),
    ]
    root = parse(timeline_svg(points, title="t"))
    assert lane_order(root) == ["Sputnik", "RT", "", "TASS"]
    # The unknown outlet gets a readable name on the chart.
    assert "unknown outlet" in all_text(root)


def test_timeline_folds_the_least_populated_lanes() -> None:
    counts = {"TASS": 5, "RT": 4, "Sputnik": 1, "BBC": 2, "CNN": 1}
    # Each lane starts a day after the previous one and has one statement a day.
    points = [
        TimelinePoint(D + timedelta(days=start + index), lane, f"{lane} {index}")
        for start, (lane, count) in enumerate(counts.items())
        for index in range(count)
    ]
    root = parse(timeline_svg(points, title="t", max_lanes=3))
    assert lane_order(root) == ["TASS", "RT", "other outlets (3)"]
    folded = [mark for mark in with_class(root, "mark") if mark.get("data-lane") == "other outlets (3)"]
    # Sputnik (day 2), BBC (days 3, 4) and CNN (day 4) share the lane: 3 marks, 4 statements.
    assert [(m.get("data-day"), m.get("data-count")) for m in folded] == [
        ("2016-10-23", "1"),
        ("2016-10-24", "1"),
        ("2016-10-25", "2"),
    ]


def test_timeline_no_folding_within_max_lanes() -> None:
    points = [TimelinePoint(D, lane, "x") for lane in ("A", "B", "C")]
    assert lane_order(parse(timeline_svg(points, title="t", max_lanes=3))) == ["A", "B", "C"]


def test_timeline_aggregates_a_day_and_lane_into_one_mark() -> None:
    points = [
        TimelinePoint(D, "TASS", "Nusra has some 1,500 militants there.", href="/articles/1#s-4"),
        TimelinePoint(D, "TASS", "second", href="/articles/1#s-9"),
        TimelinePoint(D, "TASS", "third"),
        TimelinePoint(D + timedelta(days=1), "TASS", "next day"),
    ]
    root = parse(timeline_svg(points, title="t"))
    marks = with_class(root, "mark")
    assert [(m.get("data-day"), m.get("data-count")) for m in marks] == [
        ("2016-10-21", "3"),
        ("2016-10-22", "1"),
    ]
    tooltip = title_of(marks[0])
    assert tooltip.startswith("3 statements, 21 Oct 2016, TASS")
    assert "Nusra has some 1,500 militants there." in tooltip
    assert title_of(marks[1]).startswith("1 statement, 22 Oct 2016, TASS")
    link = marks[0].getparent()
    assert link is not None and local(link) == "a" and link.get("href") == "/articles/1#s-4"
    # No href, no link.
    parent = marks[1].getparent()
    assert parent is not None and local(parent) != "a"


def test_timeline_mark_radius_grows_with_count_and_is_capped() -> None:
    def radius(count: int) -> float:
        root = parse(timeline_svg([TimelinePoint(D, "TASS", "x")] * count, title="t"))
        circle = with_class(root, "mark")[0].find(f"{SVG_NS}circle")
        assert circle is not None
        return float(circle.get("r") or 0)

    assert radius(1) < radius(2) < radius(4)
    assert radius(1000) == radius(5000) <= 12


def test_timeline_first_appearance_is_drawn_distinctly_and_leads_its_mark() -> None:
    points = [
        TimelinePoint(D, "RT", "a repeat", href="/articles/2#s-1"),
        TimelinePoint(D, "RT", "the original", href="/articles/2#s-7", first=True),
        TimelinePoint(D + timedelta(days=2), "RT", "later"),
    ]
    root = parse(timeline_svg(points, title="t"))
    firsts = with_class(root, "first")
    assert len(firsts) == 1 and firsts[0].get("data-day") == "2016-10-21"
    assert "first" in "".join(firsts[0].itertext())
    assert "the original" in title_of(firsts[0])
    link = firsts[0].getparent()
    assert link is not None and link.get("href") == "/articles/2#s-7"


def test_timeline_marks_carry_their_days() -> None:
    days = [date(2016, 9, 30), date(2016, 10, 2), date(2016, 10, 21), date(2016, 10, 21)]
    root = parse(timeline_svg([TimelinePoint(day, "TASS", "x") for day in days], title="t"))
    assert sorted(m.get("data-day") for m in with_class(root, "mark")) == [
        "2016-09-30",
        "2016-10-02",
        "2016-10-21",
    ]


def test_timeline_undated_note_and_empty_input() -> None:
    points = [TimelinePoint(D, "TASS", "x")] + [TimelinePoint(None, "TASS", "y")] * 3
    assert "3 undated statements not shown" in all_text(parse(timeline_svg(points, title="t")))
    one = parse(timeline_svg([TimelinePoint(D, "TASS", "x"), TimelinePoint(None, "", "y")], title="t"))
    assert "1 undated statement not shown" in all_text(one)

    empty = parse(timeline_svg([], title="Nothing"))
    assert "No dated statements" in all_text(empty) and not with_class(empty, "mark")
    only_undated = parse(timeline_svg([TimelinePoint(None, "TASS", "y")] * 2, title="t"))
    assert "No dated statements" in all_text(only_undated)
    assert "2 undated statements not shown" in all_text(only_undated)


def test_timeline_single_day_is_padded_inside_the_plot() -> None:
    root = parse(timeline_svg([TimelinePoint(D, "TASS", "x")], title="t"))
    view_width = float((root.get("viewBox") or "").split()[2])
    circle = with_class(root, "mark")[0].find(f"{SVG_NS}circle")
    assert circle is not None
    assert 0 < float(circle.get("cx") or -1) < view_width
    assert "21 Oct 2016" in all_text(root)


@pytest.mark.parametrize(
    ("days", "label_format"),
    [
        (4, r"\d{1,2} Oct 2016"),  # days
        (60, r"\d{1,2} (Oct|Nov|Dec) 2016"),  # Mondays
        (300, r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 201[67]"),  # months
        (3650, r"20[12]\d"),  # years
    ],
)
def test_timeline_ticks_follow_the_span(days: int, label_format: str) -> None:
    points = [TimelinePoint(D, "TASS", "x"), TimelinePoint(D + timedelta(days=days), "TASS", "y")]
    root = parse(timeline_svg(points, title="t"))
    labels = [str(el.text) for axis in with_class(root, "axis-time") for el in axis.iter(f"{SVG_NS}text")]
    assert 2 <= len(labels) <= 8, labels
    assert all(re.fullmatch(label_format, label) for label in labels), labels


def test_timeline_week_ticks_fall_on_mondays() -> None:
    points = [TimelinePoint(D, "TASS", "x"), TimelinePoint(D + timedelta(days=60), "TASS", "y")]
    root = parse(timeline_svg(points, title="t"))
    labels = [str(el.text) for axis in with_class(root, "axis-time") for el in axis.iter(f"{SVG_NS}text")]
    assert all(datetime.strptime(label, "%d %b %Y").weekday() == 0 for label in labels), labels


HOSTILE = [
    "<script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "' onload='alert(1)",
    "]]><script>x</script>",
    "&lt;script&gt;",
    "\x00\x07\x1b\ufffe control",
]
BAD_HREFS = [
    "javascript:alert(1)",
    " javascript:alert(1)",
    "//evil.example/x",
    "/\\evil.example",
    "data:x",
    "http://x",
]


def test_timeline_is_safe_with_hostile_text() -> None:
    points = [
        TimelinePoint(D + timedelta(days=i), text, text, href=BAD_HREFS[i % len(BAD_HREFS)], colour=text)
        for i, text in enumerate(HOSTILE)
    ]
    svg = str(timeline_svg(points, title=HOSTILE[0]))
    root = parse(svg)
    assert_safe(root)
    assert not list(root.iter(f"{SVG_NS}a"))
    assert "<script" not in svg
    # Escaped, not dropped: the reader sees what the article said.
    assert "<script>alert(1)</script>" in all_text(root)
    assert root.get("aria-label") == "<script>alert(1)</script>"


def test_timeline_keeps_relative_links() -> None:
    points = [TimelinePoint(D, "TASS", "x", href="/articles/3#s-2"), TimelinePoint(D, "RT", "y", href="#s-5")]
    hrefs = sorted(a.get("href") for a in parse(timeline_svg(points, title="t")).iter(f"{SVG_NS}a"))
    assert hrefs == ["#s-5", "/articles/3#s-2"]


def test_timeline_is_deterministic_and_fast_for_a_prolific_speaker() -> None:
    lanes = ["TASS", "RT", "Sputnik", "Interfax", "BBC", "CNN", "Reuters", "AFP", "AP", "SANA", "IRNA", "dpa"]
    points = [
        TimelinePoint(
            date(2015, 1, 1) + timedelta(days=(i * 37) % 700),
            lanes[i % len(lanes)] + ("" if i % 5 else " World"),
            f"statement number {i} " * 12,
            href=f"/articles/{i}#s-1",
            colour=PALETTE[i % len(PALETTE)],
        )
        for i in range(5000)
    ]
    started = time.perf_counter()
    svg = timeline_svg(points, title="Prolific")
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5
    assert svg == timeline_svg(points, title="Prolific")
    root = parse(svg)
    assert len(lane_order(root)) == 12 and lane_order(root)[-1].startswith("other outlets (")
    assert sum(int(m.get("data-count") or 0) for m in with_class(root, "mark")) == 5000
    # Aggregated: far fewer marks than statements, and the page stays small.
    assert len(with_class(root, "mark")) < 5000 and len(svg) < 2_000_000


# --- claim chart -----------------------------------------------------------------------------------------


def claim(
    day: date | None, low: float | None, high: float | None, series: str = "Lavrov", stance: str = "asserted"
) -> ClaimPoint:
    return ClaimPoint(day, low, high, f"{low}-{high} — {series}", series, stance)


def scale_of(root: etree._Element) -> str | None:
    axes = [el for el in with_class(root, "axis-value")]
    return axes[0].get("data-scale") if axes else None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((100, 5000), "linear"),  # a ratio of exactly 50 stays linear
        ((100, 5001), "log"),
        ((10, 60_000), "log"),
        ((0, 60_000), "linear"),  # zero has no logarithm
        ((-5, 60_000), "linear"),
        ((1500, 1500), "linear"),
    ],
)
def test_claim_scale_choice(values: tuple[float, float], expected: str) -> None:
    points = [claim(D + timedelta(days=i), v, v) for i, v in enumerate(values)]
    assert scale_of(parse(claim_svg(points, title="t"))) == expected


def test_claim_axis_labels_are_readable_numbers() -> None:
    linear = parse(
        claim_svg([claim(D, 1500, 1500), claim(D, None, 6000, "Churkin")], title="t", unit="militants")
    )
    axis = "".join(with_class(linear, "axis-value")[0].itertext())
    assert "2k" in axis and "6k" in axis and "militants" in axis
    log = parse(claim_svg([claim(D, 15, 15), claim(D, 1_200_000, 1_200_000, "B")], title="t"))
    axis = "".join(with_class(log, "axis-value")[0].itertext())
    assert "log scale" in axis and "1k" in axis and "1M" in axis


def dot_y(mark: etree._Element) -> float:
    circle = mark.find(f"{SVG_NS}circle")
    assert circle is not None
    return float(circle.get("cy") or 0)


def arrow_tip_y(mark: etree._Element) -> float:
    path = next(el for el in mark.iter(f"{SVG_NS}path") if el.get("class") == "bound")
    match = re.match(r"M[-\d.]+,[-\d.]+V([-\d.]+)", path.get("d") or "")
    assert match
    return float(match[1])


def test_claim_shapes_for_points_ranges_and_bounds() -> None:
    points = [
        claim(D, 1500, 1500),
        claim(D + timedelta(days=1), 8000, 900, "UN"),  # reversed: still the range 900–8,000
        claim(D + timedelta(days=2), None, 6000, "Churkin"),  # "up to 6,000"
        claim(D + timedelta(days=3), 200, None, "SOHR"),  # "more than 200"
    ]
    root = parse(claim_svg(points, title="t"))
    kinds = [
        next(c for c in ("point", "range", "upper-bound", "lower-bound") if c in m.get("class", "").split())
        for m in with_class(root, "mark")
    ]
    assert kinds == ["point", "range", "upper-bound", "lower-bound"]
    upper, lower = with_class(root, "upper-bound")[0], with_class(root, "lower-bound")[0]
    # SVG y grows downwards: "up to" points down the page, "more than" up.
    assert arrow_tip_y(upper) > dot_y(upper)
    assert arrow_tip_y(lower) < dot_y(lower)
    assert [m.get("data-day") for m in with_class(root, "mark")] == [
        "2016-10-21",
        "2016-10-22",
        "2016-10-23",
        "2016-10-24",
    ]


def test_claim_disputed_marks_are_hollow_or_dashed() -> None:
    points = [claim(D, 1500, 1500, stance="disputed"), claim(D, 900, 8000, "UN", stance="Disputed")]
    root = parse(claim_svg(points, title="t"))
    disputed = with_class(root, "disputed")
    marks = [m for m in disputed if "mark" in m.get("class", "").split()]
    assert len(marks) == 2
    circle = marks[0].find(f"{SVG_NS}circle")
    assert circle is not None and circle.get("fill") == "#FFFFFF"
    bar = marks[1].find(f"{SVG_NS}path")
    assert bar is not None and bar.get("stroke-dasharray")


def test_claim_unknown_stance_is_drawn_as_asserted() -> None:
    root = parse(claim_svg([claim(D, 1, 1, stance='x" onclick="y')], title="t"))
    assert_safe(root)
    assert with_class(root, "mark")[0].get("data-stance") == "asserted"


def test_claim_legend_lists_series_in_story_order_and_used_stances() -> None:
    points = [
        claim(D + timedelta(days=3), 5, 5, "Churkin", "reported"),
        claim(D, 3, 3, "Lavrov"),
        claim(D + timedelta(days=1), 4, 4, "Lavrov", "disputed"),
    ]
    root = parse(claim_svg(points, title="t"))
    series = ["".join(el.itertext()) for el in with_class(root, "legend-series")]
    stances = ["".join(el.itertext()) for el in with_class(root, "legend-stance")]
    assert series == ["Lavrov", "Churkin"]
    assert stances == ["asserted", "reported", "disputed"]
    only_asserted = parse(claim_svg([claim(D, 3, 3)], title="t"))
    assert ["".join(el.itertext()) for el in with_class(only_asserted, "legend-stance")] == ["asserted"]


def test_claim_series_get_distinct_colours_even_when_their_keys_collide() -> None:
    names = [f"speaker {i}" for i in range(60)]
    first = names[0]
    twin = next(name for name in names[1:] if colour_for(name) == colour_for(first))
    root = parse(claim_svg([claim(D, 1, 1, first), claim(D, 2, 2, twin)], title="t"))
    fills = [
        circle.get("fill")
        for el in with_class(root, "legend-series")
        for circle in el.iter(f"{SVG_NS}circle")
    ]
    assert fills[0] == colour_for(first) and len(set(fills)) == 2


def test_claim_notes_and_empty_input() -> None:
    points = [claim(D, 5, 5), claim(None, 5, 5), claim(D, None, None), claim(D, float("nan"), None)]
    text = all_text(parse(claim_svg(points, title="t")))
    assert "1 undated figure not shown" in text
    assert "2 figures without a usable value not shown" in text
    assert "No dated statements" in all_text(parse(claim_svg([], title="t")))
    assert "No dated statements" in all_text(parse(claim_svg([claim(None, 1, 1)], title="t")))


def test_claim_is_safe_with_hostile_text() -> None:
    points = [
        ClaimPoint(D + timedelta(days=i), i + 1, i + 1, text, text, href=BAD_HREFS[i % len(BAD_HREFS)])
        for i, text in enumerate(HOSTILE)
    ]
    svg = str(claim_svg(points, title=HOSTILE[1], unit=HOSTILE[0]))
    root = parse(svg)
    assert_safe(root)
    assert "<script" not in svg and not list(root.iter(f"{SVG_NS}a"))


# --- citation chain --------------------------------------------------------------------------------------


def rect_of(root: etree._Element, key: str) -> tuple[float, float]:
    node = next(el for el in with_class(root, "node") if el.get("data-key") == key)
    rect = node.find(f"{SVG_NS}rect")
    assert rect is not None
    return float(rect.get("x") or 0), float(rect.get("y") or 0)


CHAIN_NODES = [
    ChainNode("tass", "TASS, 21 Oct 2016", D, href="/articles/1", first=True),
    ChainNode("rt", "RT, 22 Oct 2016", D + timedelta(days=1), href="/articles/2"),
    ChainNode("sputnik", "Sputnik", None),
    ChainNode("aa", "Anadolu Agency, 25 Oct 2016", D + timedelta(days=4)),
]
CHAIN_EDGES = [
    ChainEdge("tass", "sputnik"),
    ChainEdge("rt", "tass"),
    ChainEdge("aa", "tass", "quotes"),
    ChainEdge("aa", "nowhere"),
    ChainEdge("ghost", "tass"),
    ChainEdge("rt", "rt"),
]


def test_chain_ignores_edges_to_unknown_keys_and_draws_one_arrow_per_edge() -> None:
    root = parse(citation_chain_svg(CHAIN_NODES, CHAIN_EDGES, title="Chain"))
    edges = with_class(root, "edge")
    assert [(e.get("data-source"), e.get("data-target")) for e in edges] == [
        ("tass", "sputnik"),
        ("rt", "tass"),
        ("aa", "tass"),
    ]
    arrows = [el for el in root.iter(f"{SVG_NS}path") if el.get("marker-end")]
    assert len(arrows) == 3
    marker = root.find(f".//{SVG_NS}marker")
    assert marker is not None and all(a.get("marker-end") == f"url(#{marker.get('id')})" for a in arrows)
    assert "quotes" in all_text(root)
    assert title_of(edges[2]) == "Anadolu Agency, 25 Oct 2016 quotes TASS, 21 Oct 2016"


def test_chain_lays_out_undated_origins_left_then_by_date() -> None:
    root = parse(citation_chain_svg(CHAIN_NODES, CHAIN_EDGES, title="Chain"))
    xs = {key: rect_of(root, key)[0] for key in ("sputnik", "tass", "rt", "aa")}
    assert xs["sputnik"] < xs["tass"] < xs["rt"] < xs["aa"]
    sputnik = next(el for el in with_class(root, "node") if el.get("data-key") == "sputnik")
    assert "undated" in sputnik.get("class", "").split() and sputnik.get("data-day") is None
    tass = next(el for el in with_class(root, "node") if el.get("data-key") == "tass")
    assert "first" in tass.get("class", "").split() and tass.get("data-day") == "2016-10-21"
    parent = tass.getparent()
    assert parent is not None and parent.get("href") == "/articles/1"


def test_chain_boxes_never_overlap() -> None:
    nodes = [ChainNode(f"n{i}", f"Outlet {i}, {i} Oct 2016", D + timedelta(days=i % 3)) for i in range(12)]
    root = parse(citation_chain_svg(nodes, [], title="t"))
    boxes = [rect_of(root, node.key) for node in nodes]
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1 :]:
            assert abs(x1 - x2) >= 140 or abs(y1 - y2) >= 36


def test_chain_caps_nodes_keeping_first_appearances() -> None:
    nodes = [ChainNode(f"n{i}", f"n{i}", D + timedelta(days=i)) for i in range(50)]
    nodes.append(ChainNode("late-first", "late", D + timedelta(days=90), first=True))
    nodes.append(ChainNode("n0", "duplicate key", D))
    root = parse(citation_chain_svg(nodes, [ChainEdge("n45", "n0"), ChainEdge("n1", "n0")], title="t"))
    keys = [el.get("data-key") for el in with_class(root, "node")]
    assert len(keys) == 40 and "late-first" in keys and "n45" not in keys
    assert "and 11 more not shown" in all_text(root)
    assert len(with_class(root, "edge")) == 1


def test_chain_empty_and_hostile() -> None:
    assert "No sources to show" in all_text(parse(citation_chain_svg([], [], title="t")))
    nodes = [
        ChainNode(text, text, D + timedelta(days=i), href=BAD_HREFS[i % len(BAD_HREFS)])
        for i, text in enumerate(HOSTILE)
    ]
    edges = [ChainEdge(HOSTILE[i], HOSTILE[0], HOSTILE[i]) for i in range(1, len(HOSTILE))]
    svg = str(citation_chain_svg(nodes, edges, title=HOSTILE[2]))
    root = parse(svg)
    assert_safe(root)
    assert "<script" not in svg and not list(root.iter(f"{SVG_NS}a"))
    assert len(with_class(root, "edge")) == len(HOSTILE) - 1


def test_charts_on_one_page_get_their_own_marker_ids() -> None:
    first = parse(citation_chain_svg(CHAIN_NODES, CHAIN_EDGES, title="one"))
    second = parse(citation_chain_svg(CHAIN_NODES[:2], CHAIN_EDGES, title="two"))
    ids = [marker.get("id") for root in (first, second) for marker in root.iter(f"{SVG_NS}marker")]
    assert len(ids) == 2 and ids[0] != ids[1]


@pytest.mark.parametrize(("with_origin", "side"), [(True, "left"), (False, "right")])
def test_chain_edge_between_stacked_boxes_loops_round_the_side(with_origin: bool, side: str) -> None:
    # Three articles a day apart in a two-month chart stack in overlapping columns; a straight line from
    # the third to the first would cross the second box. The loop goes left, unless the boxes sit at the
    # left margin (no undated origin column), where it would leave the canvas.
    nodes = [ChainNode(f"n{i}", f"Outlet {i}", D + timedelta(days=i)) for i in range(3)]
    nodes.append(ChainNode("later", "Later", D + timedelta(days=60)))
    if with_origin:
        nodes.append(ChainNode("origin", "Sputnik", None))
    root = parse(citation_chain_svg(nodes, [ChainEdge("n2", "n0")], title="t"))
    assert len({rect_of(root, f"n{i}")[1] for i in range(3)}) == 3  # three rows
    path = next(el for el in root.iter(f"{SVG_NS}path") if el.get("marker-end"))
    xs = [float(x) for x in re.findall(r"(-?[\d.]+),", path.get("d") or "")]
    lefts = [rect_of(root, f"n{i}")[0] for i in range(3)]
    if side == "left":
        assert max(xs) <= max(lefts[0], lefts[2]) and min(xs) < min(lefts)
    else:
        assert min(xs) >= min(lefts[0], lefts[2]) + 140 and max(xs) > max(lefts) + 140
    # The curve's widest point (3/4 of the way to its control points) stays on the canvas.
    view_width = float((root.get("viewBox") or "").split()[2])
    assert 0 <= 0.25 * xs[0] + 0.75 * xs[1] <= view_width


# --- properties ------------------------------------------------------------------------------------------

days = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
texts = st.text(max_size=60)
hrefs = st.one_of(
    st.none(), texts, st.sampled_from(["/articles/1#s-2", "#x", "javascript:alert(1)", "//e.x"])
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(TimelinePoint, days, texts, texts, hrefs, st.one_of(st.none(), texts), st.booleans()),
        max_size=40,
    ),
    texts,
    st.integers(min_value=0, max_value=15),
)
def test_timeline_property(points: list[TimelinePoint], title: str, max_lanes: int) -> None:
    svg = timeline_svg(points, title=title, max_lanes=max_lanes)
    root = parse(svg)
    assert_safe(root)
    dated = [p for p in points if p.day is not None]
    marks = with_class(root, "mark")
    # Every dated statement is in exactly one mark; a mark per distinct (day, lane) at most.
    assert sum(int(m.get("data-count") or 0) for m in marks) == len(dated)
    assert {m.get("data-day") for m in marks} == {p.day.isoformat() for p in dated if p.day}
    assert len(lane_order(root)) <= max(1, max_lanes)
    undated = len(points) - len(dated)
    if undated:
        assert f"{undated} undated statement" in all_text(root)
    assert svg == timeline_svg(points, title=title, max_lanes=max_lanes)


values = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=64))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            ClaimPoint,
            days,
            values,
            values,
            texts,
            texts,
            st.one_of(texts, st.sampled_from(["disputed", "reported"])),
            hrefs,
        ),
        max_size=25,
    ),
    texts,
    st.one_of(st.none(), texts),
)
def test_claim_property(points: list[ClaimPoint], title: str, unit: str | None) -> None:
    root = parse(claim_svg(points, title=title, unit=unit))
    assert_safe(root)
    for mark in with_class(root, "mark"):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", mark.get("data-day") or "")
        for element in mark.iter():
            for name in ("cx", "cy"):
                if element.get(name) is not None:
                    assert re.fullmatch(r"-?\d+(\.\d)?", element.get(name) or "")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.builds(ChainNode, st.text(max_size=3), texts, days, hrefs, st.booleans()), max_size=45),
    st.lists(st.builds(ChainEdge, st.text(max_size=3), st.text(max_size=3), texts), max_size=30),
    texts,
)
def test_chain_property(nodes: list[ChainNode], edges: list[ChainEdge], title: str) -> None:
    root = parse(citation_chain_svg(nodes, edges, title=title))
    assert_safe(root)
    drawn = {el.get("data-key") for el in with_class(root, "node")}
    assert len(drawn) <= 40
    for edge in with_class(root, "edge"):
        assert edge.get("data-source") in drawn and edge.get("data-target") in drawn


def test_a_weighted_point_counts_as_that_many_statements() -> None:
    day = date(2016, 10, 21)
    points = [
        TimelinePoint(day, "TASS", "a", weight=40),
        TimelinePoint(day, "TASS", "b"),
        TimelinePoint(None, "TASS", "c", weight=3),
    ]
    svg = str(timeline_svg(points, title="t"))
    assert 'data-count="41"' in svg
    assert "3 undated statements not shown" in svg
