"""Cited sources: unit tables, the article's own outlet, span properties, and the seed annotation."""

from __future__ import annotations

import gzip
import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrail.model import Article
from quotetrail.sources import (
    _CREDIT_NAMES,
    _CREDITS,
    _alternation,
    cited_source_names,
    cited_sources_stage,
    find_cited_sources,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# sentence → [(source, evidence)]
FOUND = [
    ("Lavrov stressed, according to Sputnik.", [("Sputnik", "according to Sputnik")]),
    ("Russia’s top diplomat said, as cited by RIA Novosti.", [("RIA Novosti", "as cited by RIA Novosti")]),
    ('"a problem from day one," Karasik told RT.', [("RT", "told RT")]),
    ("During an  with Denmark’s TV 2 channel, Assad said", [("TV 2", "with Denmark’s TV 2 channel")]),
    (
        "in an interview with Denmark’s TV 2 channel, he said",
        [("TV 2", "interview with Denmark’s TV 2 channel")],
    ),
    ("The deal was reported by Reuters on Monday.", [("Reuters", "reported by Reuters")]),
    ("Reuters reported that talks failed.", [("Reuters", "Reuters reported")]),
    ("the New York Times reported on Sunday", [("The New York Times", "the New York Times reported")]),
    ("he said in a statement to CNN.", [("CNN", "statement to CNN")]),
    ("The ministry, citing Interfax, said", [("Interfax", "citing Interfax")]),
    ("WASHINGTON (AP) — The Senate voted", [("Associated Press", "(AP)")]),
    ("MOSCOW, October 21. /TASS/. Russia is alarmed", [("TASS", "/TASS/")]),
    (
        "according to a report in The Guardian, the",
        [("The Guardian", "according to a report in The Guardian")],
    ),
    ("the Kommersant daily wrote on Monday.", [("Kommersant", "the Kommersant daily wrote")]),
    ("The Interfax news agency said on Friday", [("Interfax", "The Interfax news agency said")]),
    ("he told the German newspaper Bild.", [("Bild", "told the German newspaper Bild")]),
    ("In Moscow TASS reported that", [("TASS", "TASS reported")]),
    ("he told CNN’s Jake Tapper on Sunday.", [("CNN", "told CNN")]),
    ("He told Fox News Sunday that", [("Fox News", "told Fox News")]),
    ("Clinton told the Washington Post.", [("The Washington Post", "told the Washington Post")]),
    ("speaking to Russia’s Channel One on", [("Channel One", "speaking to Russia’s Channel One")]),
    ("he told the Kyiv Post.", [("Kyiv Post", "told the Kyiv Post")]),
    ("According to the Post, weeks of probing", [("Post", "According to the Post")]),
    ("After The New York Times reported last month", [("The New York Times", "The New York Times reported")]),
    ("Meanwhile South Korea's Yonhap news agency quoted", [("Yonhap", "Yonhap news agency quoted")]),
    ("he told the pro-Kremlin Izvestia daily", [("Izvestia", "told the pro-Kremlin Izvestia daily")]),
    ("he told the conservative outlet Breitbart", [("Breitbart", "told the conservative outlet Breitbart")]),
]

NOT_FOUND = [
    "According to Lavrov, a number of countries have rejected it.",
    "according to our intelligence, practically all groups report to Nusra.",
    "according to the UN estimations there are militants",
    "according to Moscow and Damascus.",
    "Lavrov told reporters on Friday.",
    "according to NATO, the drills went ahead.",
    "according to the Pentagon.",
    "according to White House Press Secretary Sean Spicer",
    "The agency says people can file.",
    "News reports over the past year have repeated it.",
    "Brendan Smialowski/AFP/Getty Images",
    "(Photo: Rich Pedroncelli/AP)",
    "a partnership with CNN was announced",
    "the North Korean news agency said on Sunday",
    "Lavrov said the talks failed.",
    "terrorist organization banned in Russia - eds. TASS",
    "according to the USDA’s website.",
    "with the Syrian army near Aleppo",
]


@pytest.mark.parametrize(("sentence", "expected"), FOUND)
def test_finds_cited_source(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert [(c.source, c.evidence) for c in find_cited_sources(sentence)] == expected


@pytest.mark.parametrize("sentence", NOT_FOUND)
def test_rejects_non_source(sentence: str) -> None:
    assert find_cited_sources(sentence) == []


def test_spans_point_into_the_text() -> None:
    text = "Lavrov stressed, according to Sputnik. Karasik told RT."
    found = find_cited_sources(text)
    assert [(c.start, c.end) for c in found] == [(17, 37), (47, 54)]
    assert all(c.start is not None and text[c.start : c.end] == c.evidence for c in found)


@pytest.mark.parametrize(
    ("own", "expected"),
    [
        (None, ["TASS", "RT"]),
        ("RT", ["TASS"]),
        ("Russia Today", ["TASS"]),
        ("tass", ["RT"]),
        ("  ", ["TASS", "RT"]),
    ],
)
def test_the_publishing_outlet_is_not_its_own_source(own: str | None, expected: list[str]) -> None:
    text = "MOSCOW. /TASS/. “It failed,” Karasik told RT."
    assert [c.source for c in find_cited_sources(text, own_outlet=own)] == expected


def test_stage_reads_the_outlet_when_metadata_set_it() -> None:
    body = "“It failed,” Karasik told RT, according to Sputnik."
    article = Article(id="a", source="a.txt", raw_text=body, body=body, outlet="RT")
    out = cited_sources_stage(article)
    assert cited_sources_stage.needs == ("body", "outlet")
    assert cited_sources_stage.adds == ("cited_sources",)
    assert [(c.source, c.evidence) for c in out.cited_sources] == [("Sputnik", "according to Sputnik")]


def test_distinct_names_keep_first_citation_order() -> None:
    text = "Reuters reported it. According to CNN, it did. Reuters reported more."
    assert cited_source_names(find_cited_sources(text)) == ["Reuters", "CNN"]


# --- properties ----------------------------------------------------------------------------------------

CITING_PIECES = [
    "according to", "told", "the", "The", "Reuters", "reported", "said", "news agency", "Denmark’s", "TV 2",
    "channel", "with", "(AP)", "/TASS/", "citing", "as cited by", "RIA Novosti", "New York", "Times", "Post",
    "Lavrov", "’s", "interview with", "daily", "wrote", ",", ".", "\n", "a report in", "CNN", "Fox", "News",
    "Sunday", "In", "After", "(", ")", "/", "\xa0",
]  # fmt: skip
CITING = st.lists(st.sampled_from(CITING_PIECES), max_size=14).map(" ".join)


def _check_spans(text: str) -> None:
    found = find_cited_sources(text)
    for c in found:
        assert c.start is not None and c.end is not None
        assert text[c.start : c.end] == c.evidence
        assert c.source
    starts = [c.start or 0 for c in found]
    assert starts == sorted(starts)
    assert all((a.end or 0) <= (b.start or 0) for a, b in itertools.pairwise(found))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_spans_hold_for_any_text(text: str) -> None:
    _check_spans(text)


@settings(max_examples=400, deadline=None)
@given(CITING)
def test_spans_hold_for_citation_heavy_text(text: str) -> None:
    _check_spans(text)


# --- shared data ---------------------------------------------------------------------------------------


def test_seed_sources_match_the_annotation() -> None:
    gold_dir, seeds = SHARED / "gold" / "seeds", SHARED / "seeds"
    if not gold_dir.is_dir() or not seeds.is_dir():
        pytest.skip(f"shared seed data not found at {SHARED}")
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (seeds / gold["file"]).read_text(encoding="utf-8")
        found = find_cited_sources(text, own_outlet=gold["outlet"])
        expected = [(c["source"], c["evidence"]) for c in gold["cited_sources"]]
        assert [(c.source, c.evidence) for c in found] == expected, gold["file"]


@pytest.mark.slow
def test_real_articles_keep_spans() -> None:
    corpus = SHARED / "bench" / "news" / "allsides.jsonl.gz"
    if not corpus.is_file():
        pytest.skip(f"news corpus not found at {corpus}")
    total = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= 400:
                break
            text = json.loads(line)["text"]
            for c in find_cited_sources(text):
                total += 1
                assert c.start is not None and text[c.start : c.end] == c.evidence
                assert c.source.split()[0] not in {"A", "After", "As", "In", "Meanwhile"}
    assert total > 100  # US news cites outlets constantly; finding almost none would be a regression


# Wire credits are found by two patterns, one per opening character; together they find what one
# pattern with both alternatives finds.
_ONE_CREDIT_PATTERN = re.compile(
    rf"\((?P<paren>{_alternation(_CREDIT_NAMES)})\)|/(?P<slash>{_alternation(_CREDIT_NAMES)})/(?!\w)"
)
_CREDIT_PIECES = [*_CREDIT_NAMES, "(", ")", "/", " ", "x", "Smith", "-", "\n", "Getty"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CREDIT_PIECES), max_size=16).map("".join))
def test_credit_patterns_find_what_one_pattern_finds(text: str) -> None:
    one = [(m.start(), m.end()) for m in _ONE_CREDIT_PATTERN.finditer(text)]
    two = sorted((m.start(), m.end()) for pattern in _CREDITS for m in pattern.finditer(text))
    assert two == one
