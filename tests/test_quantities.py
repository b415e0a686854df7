"""Quantities: unit tables, the stage, span/order properties, and the seed annotation."""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrail.model import Article, Quantity, Statement
from quotetrail.quantities import attribute_quantities, find_quantities, quantities_stage

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# sentence → [(text, low, high, unit, qualifier)]
FOUND = [
    (
        "Nusra has some 1,500 militants there.",
        [("some 1,500 militants", 1500, 1500, "militants", "approximately")],
    ),
    (
        "other groups have up to 6,000 militants,",
        [("up to 6,000 militants", 6000, 6000, "militants", "up to")],
    ),
    (
        "there are between six and eight thousand militants in Aleppo.",
        [("between six and eight thousand militants", 6000, 8000, "militants", "between")],
    ),
    (
        "there are just two or three hundred terrorists from",
        [("just two or three hundred terrorists", 200, 300, "terrorists", "between")],
    ),
    (
        "doubt that 200 or 300 terrorists could",
        [("200 or 300 terrorists", 200, 300, "terrorists", "between")],
    ),
    ("“More than 100 groups continued", [("More than 100 groups", 100, 100, "groups", "more than")]),
    ("Among them up to half, that", [("up to half", 0.5, 0.5, "fraction", "up to")]),
    ("might be destroyed within two months if", [("within two months", 2, 2, "months", "up to")]),
    ("The nearly two-week-long pause in", [("nearly two-week-long pause", 2, 2, "weeks", "approximately")]),
    ("during the two-week-long pause in", [("two-week-long pause", 2, 2, "weeks", "exact")]),
    ("were the only two targets declared", [("only two targets", 2, 2, "targets", "exact")]),
    ("Unemployment was 5.2 percent in May.", [("5.2 percent", 5.2, 5.2, "percent", "exact")]),
    ("about 25% of the territory", [("about 25%", 25, 25, "percent", "approximately")]),
    ("It costs $5 million a year.", [("$5 million", 5_000_000, 5_000_000, "USD", "exact")]),
    ("a deal worth €4.5bn was", [("€4.5bn", 4_500_000_000, 4_500_000_000, "EUR", "exact")]),
    ("lost 2 billion dollars", [("2 billion dollars", 2_000_000_000, 2_000_000_000, "USD", "exact")]),
    ("Hundreds of people protested.", [("Hundreds of people", 200, 999, "people", "between")]),
    (
        "tens of thousands of refugees fled",
        [("tens of thousands of refugees", 20_000, 99_999, "refugees", "between")],
    ),
    ("millions of dollars in aid", [("millions of dollars", 2_000_000, 999_999_999, "USD", "between")]),
    (
        "killed 41,825 Palestinian civilians since",
        [("41,825 Palestinian civilians", 41825, 41825, "civilians", "exact")],
    ),
    (
        "killed 41,825\xa0Palestinian civilians since",
        [("41,825\xa0Palestinian civilians", 41825, 41825, "civilians", "exact")],
    ),
    ("At least one person was killed.", [("At least one person", 1, 1, "person", "more than")]),
    ("10 or more people were hurt", [("10 or more people", 10, 10, "people", "more than")]),
    (
        "About a third of voters agreed",
        [("About a third of voters", 0.333333, 0.333333, "fraction", "approximately")],
    ),
    (
        "Two-thirds of the Senate must",
        [("Two-thirds of the Senate", 0.666667, 0.666667, "fraction", "exact")],
    ),
    ("One in five Americans say", [("One in five Americans", 0.2, 0.2, "fraction", "exact")]),
    ("5 to 10 percent of voters", [("5 to 10 percent", 5, 10, "percent", "between")]),
    ("A 5,000-strong force arrived.", [("5,000-strong force", 5000, 5000, "force", "exact")]),
    ("a 10-day truce began", [("10-day truce", 10, 10, "days", "exact")]),
    ("a 12-year-old boy was", [("12-year-old boy", 12, 12, "years", "exact")]),
    ("served two and a half years in", [("two and a half years", 2.5, 2.5, "years", "exact")]),
    (
        "pumping 1.5 million barrels a day",
        [("1.5 million barrels", 1_500_000, 1_500_000, "barrels", "exact")],
    ),
    ("a population of 4.1 million", [("4.1 million", 4_100_000, 4_100_000, None, "exact")]),
    ("about a dozen soldiers", [("about a dozen soldiers", 12, 12, "soldiers", "approximately")]),
    (
        "Twenty-two million Americans would",
        [("Twenty-two million Americans", 22_000_000, 22_000_000, "Americans", "exact")],
    ),
    ("some ~ 40 militants", [("~ 40 militants", 40, 40, "militants", "approximately")]),
    ("a fight between two candidates", [("two candidates", 2, 2, "candidates", "exact")]),
    ("it rose from 5 to 10 percent", [("10 percent", 10, 10, "percent", "exact")]),
    ("no more than 117 cardinals will", [("no more than 117 cardinals", 117, 117, "cardinals", "up to")]),
    ("fewer than 100 qubits", [("fewer than 100 qubits", 100, 100, "qubits", "fewer than")]),
    ("about six-in-ten people who", [("about six-in-ten people", 0.6, 0.6, "fraction", "approximately")]),
    ("sold under two contracts worth", [("two contracts", 2, 2, "contracts", "exact")]),
    ("He spent over three months in jail", [("over three months", 3, 3, "months", "more than")]),
    (
        "less than half of the roughly 25 million people",
        [
            ("less than half", 0.5, 0.5, "fraction", "fewer than"),
            ("roughly 25 million people", 25_000_000, 25_000_000, "people", "approximately"),
        ],
    ),
    (
        "the 50 million or so votes",
        [("50 million or so votes", 50_000_000, 50_000_000, "votes", "approximately")],
    ),
]

# Sentences with numbers that are not quantities.
NOT_FOUND = [
    "MOSCOW, October 21. /TASS/. Russia is alarmed",
    "In April 2016 Syria's opposition said",
    "on Friday, December 2, Lavrov said",
    "7 Oct, 2016 12:29",
    "the second edition of the Mediterranean Dialogues 2016 conference",
    "all these groups are, one way or another, subordinated",
    "trying to use them for one’s own goals",
    "This has been a problem from day one,",
    "in line with Resolution 2254 calls for",
    "in an interview with Denmark’s TV 2 channel",
    "the Group of 20 nations met",
    "the other several thousand are members",
    "The two leaders met on Monday.",
    "The F-16 jets and COVID-19 cases after the 9/11 attacks",
    "won a 3-1 victory in the 1990s",
    "He was elected two years ago.",
    "Call 555-1234 now.",
    "At 5 p.m. local time the shelling began",
    "the bill passed 52 to 48 on Tuesday",
    "Hide Caption 1 of 24 Photos: celebrations",
    "on the 19th of the month, the first truce",
    "no more than a half-hour of your time",
    "the second half of 2016",
    "The economic impact is at least 10 times greater",
    "women, 18 to 118, should vote",
    "a two-state solution",
    "someone could benefit",
    "page 3 of the report",
    "what a billion-dollar stimulus could do",
    "we must unify over one candidate to win",
]


def _as_tuple(q: Quantity) -> tuple[str, float | None, float | None, str | None, str | None]:
    return (q.text, q.low, q.high, q.unit, q.qualifier)


@pytest.mark.parametrize(("sentence", "expected"), FOUND)
def test_finds_quantity(sentence: str, expected: list[tuple[str, float, float, str | None, str]]) -> None:
    assert [_as_tuple(q) for q in find_quantities(sentence)] == expected


@pytest.mark.parametrize("sentence", NOT_FOUND)
def test_rejects_non_quantity(sentence: str) -> None:
    assert find_quantities(sentence) == []


def test_offsets_point_into_the_text() -> None:
    text = "Lavrov said. Nusra has some 1,500 militants there, and up to 6,000 militants."
    found = find_quantities(text)
    assert [(q.start, q.end) for q in found] == [(23, 43), (55, 76)]
    assert all(text[q.start : q.end] == q.text for q in found)


def test_speaker_is_the_narrowest_enclosing_statement() -> None:
    text = '"Nusra has some 1,500 militants there," Lavrov said, while 300 fighters left.'
    outer = Statement(text[:70], 0, 70, "indirect", "said", "Someone", None, 0.5, "test")
    inner = Statement(text[1:38], 1, 38, "direct", "said", "Sergey Lavrov", None, 0.9, "test")
    attributed = attribute_quantities(find_quantities(text), [outer, inner])
    assert [(q.text, q.speaker) for q in attributed] == [
        ("some 1,500 militants", "Sergey Lavrov"),
        ("300 fighters", None),
    ]


def test_stage_fills_quantities_with_speakers() -> None:
    body = "Lavrov said that “there are up to 6,000 militants in Aleppo.” The city had 2 million people."
    quote_start = body.index("“")
    quote_end = body.index("”") + 1
    statement = Statement(
        body[quote_start:quote_end], quote_start, quote_end, "direct", "said", "Sergey Lavrov", None, 1.0, "t"
    )
    article = Article(id="a", source="a.txt", raw_text=body, body=body, statements=[statement])
    out = quantities_stage(article)
    assert quantities_stage.needs == ("body", "statements")
    assert quantities_stage.adds == ("quantities",)
    assert [(q.text, q.speaker) for q in out.quantities] == [
        ("up to 6,000 militants", "Sergey Lavrov"),
        ("2 million people", None),
    ]


# --- properties ----------------------------------------------------------------------------------------

NUMBERISH_PIECES = [
    "some", "about", "up to", "between", "and", "or", "to", "-", "–", "a", "an", "the", "more than", "one",
    "two", "twenty-one", "hundred", "thousand", "million", "dozen", "half", "third", "two-thirds", "1,500",
    "2.5", "2016", "12:29", "10m", "$5", "€", "%", "percent", "people", "militants", "of", "in", "out of",
    "year-old", "-week-long", "or more", "’s", "October", "TV", "Resolution", "\xa0", "\n", ".", ",", "“",
    "(", ")", "~", "+", "-plus", "9/11", "F-16", "hundreds", "tens of thousands",
]  # fmt: skip
NUMBERISH = st.lists(st.sampled_from(NUMBERISH_PIECES), max_size=14).map(" ".join)


def _check_spans(text: str) -> None:
    found = find_quantities(text)
    for q in found:
        assert text[q.start : q.end] == q.text
        assert q.low is not None and q.high is not None and q.low <= q.high
        assert q.qualifier in {"exact", "approximately", "up to", "more than", "fewer than", "between"}
    assert [q.start for q in found] == sorted(q.start for q in found)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_spans_hold_for_any_text(text: str) -> None:
    _check_spans(text)


@settings(max_examples=400, deadline=None)
@given(NUMBERISH)
def test_spans_hold_for_number_heavy_text(text: str) -> None:
    _check_spans(text)


# --- shared data ---------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def _token_f1(a: str, b: str) -> float:
    wa, wb = [w.lower() for w in _WORD.findall(a)], [w.lower() for w in _WORD.findall(b)]
    common = sum((Counter(wa) & Counter(wb)).values())
    if not common:
        return 0.0
    precision, recall = common / len(wb), common / len(wa)
    return 2 * precision * recall / (precision + recall)


def test_seed_quantities_match_the_annotation() -> None:
    """The seed scores the lead tracks, measured as the scorer matches (token F1 >= 0.5, one-to-one).

    Page chrome annotated in the gold is removed first: cleaning it away is the clean stage's job.
    """
    gold_dir, seeds = SHARED / "gold" / "seeds", SHARED / "seeds"
    if not gold_dir.is_dir() or not seeds.is_dir():
        pytest.skip(f"shared seed data not found at {SHARED}")
    gold_total = predicted_total = matched = values_ok = 0
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        chrome = {line.strip() for line in gold["boilerplate_lines"]}
        text = (seeds / gold["file"]).read_text(encoding="utf-8")
        body = "\n".join(line for line in text.split("\n") if line.strip() not in chrome)
        predicted = find_quantities(body)
        pairs = sorted(
            (
                (_token_f1(g["text"], p.text), i, j)
                for i, g in enumerate(gold["quantities"])
                for j, p in enumerate(predicted)
            ),
            reverse=True,
        )
        used_gold: set[int] = set()
        used_pred: set[int] = set()
        for score, i, j in pairs:
            if score < 0.5 or i in used_gold or j in used_pred:
                continue
            used_gold.add(i)
            used_pred.add(j)
            g = gold["quantities"][i]
            low, high = predicted[j].low, predicted[j].high
            values_ok += (
                low is not None
                and high is not None
                and math.isclose(low, g["low"], abs_tol=1e-6)
                and math.isclose(high, g["high"], abs_tol=1e-6)
            )
        gold_total += len(gold["quantities"])
        predicted_total += len(predicted)
        matched += len(used_gold)
    precision, recall = matched / predicted_total, matched / gold_total
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.9
    assert values_ok / matched >= 0.9


@pytest.mark.slow
def test_real_articles_keep_spans_and_stay_sparse() -> None:
    """Over real news the spans hold and numbers that are no claim (years, dates) stay out."""
    corpus = SHARED / "bench" / "news" / "allsides.jsonl.gz"
    if not corpus.is_file():
        pytest.skip(f"news corpus not found at {corpus}")
    years = re.compile(r"^(?:in |since )?(?:19|20)\d\d$")
    total = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= 400:
                break
            text = json.loads(line)["text"]
            for q in find_quantities(text):
                total += 1
                assert text[q.start : q.end] == q.text
                assert q.low is not None and q.high is not None and q.low <= q.high
                assert not years.match(q.text)
    assert total > 400  # real news is full of counts; finding almost none would be a regression


def test_stage_credits_speakers_as_attribute_quantities_does() -> None:
    # The stage sets speakers on the quantities it has just found; attribute_quantities copies them.
    text = '"Nusra has some 1,500 militants there," Lavrov said, while 300 fighters left.'
    outer = Statement(text[:70], 0, 70, "indirect", "said", "Someone", None, 0.5, "test")
    inner = Statement(text[1:38], 1, 38, "direct", "said", "Sergey Lavrov", None, 0.9, "test")
    found = find_quantities(text)
    attributed = attribute_quantities(found, [outer, inner])
    assert all(q.speaker is None for q in found)  # the function leaves its input alone
    article = Article(id="q", source="q", raw_text=text, body=text, statements=[outer, inner])
    assert quantities_stage(article).quantities == attributed
