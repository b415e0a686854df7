"""quotetrail.canon: one canonical entity per real person, body or place across a corpus."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrail.canon import (
    ESTABLISHED_MIN_ARTICLES,
    AliasFileError,
    AliasRules,
    Canon,
    MergeRule,
    NameUse,
    SplitRule,
    canonicalise,
    load_alias_file,
    rules_from_dict,
    short_form,
    slug,
)
from quotetrail.model import Article, EntityType

# A use is (name, type) or (name, type, article) or (name, type, article, context); without an article
# every use gets an article of its own, so no two names share an article unless a test says so.
Use = (
    tuple[str, EntityType | None]
    | tuple[str, EntityType | None, int]
    | tuple[str, EntityType | None, int, str]
)


def _uses(spec: list[Use]) -> list[NameUse]:
    uses = []
    for i, item in enumerate(spec):
        name, type_ = item[0], item[1]
        article = item[2] if len(item) > 2 else 1000 + i
        context = item[3] if len(item) > 3 else None
        uses.append(NameUse(name, type_, article, context=context))
    return uses


def _groups(canon: Canon) -> set[frozenset[str]]:
    return {frozenset(e.names) for e in canon.entities}


def _group_of(canon: Canon, name: str) -> frozenset[str]:
    entity = canon.entity_for(name)
    assert entity is not None, name
    return frozenset(entity.names)


# ---------------------------------------------------------------------------------------------------
# Name sets → expected groups
# ---------------------------------------------------------------------------------------------------

P: EntityType = "person"
B: EntityType = "organization"  # a body
L: EntityType = "place"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # transliterated given names and a bare surname, unique in the corpus
        (
            [("Sergey Lavrov", P), ("Sergei Lavrov", P), ("Lavrov", P)],
            [{"Sergey Lavrov", "Sergei Lavrov", "Lavrov"}],
        ),
        # name particles
        (
            [("Staffan de Mistura", P), ("de Mistura", P), ("Mistura", P), ("De Mistura", P)],
            [{"Staffan de Mistura", "de Mistura", "Mistura", "De Mistura"}],
        ),
        # the Arabic article
        (
            [("Bashar Assad", P), ("Bashar al-Assad", P), ("Bashar Al Assad", P)],
            [{"Bashar Assad", "Bashar al-Assad", "Bashar Al Assad"}],
        ),
        # diacritics, titles
        (
            [("Recep Tayyip Erdoğan", P), ("Recep Tayyip Erdogan", P), ("President Recep Tayyip Erdogan", P)],
            [{"Recep Tayyip Erdoğan", "Recep Tayyip Erdogan", "President Recep Tayyip Erdogan"}],
        ),
        ([("Dr. Ben Carson", P), ("Ben Carson", P)], [{"Dr. Ben Carson", "Ben Carson"}]),
        # initials and shouted words before a name
        (
            [("E. Dirk Wegmann", P), ("JUST WATCHED Dirk Wegmann", P), ("Wegmann", P)],
            [{"E. Dirk Wegmann", "JUST WATCHED Dirk Wegmann", "Wegmann"}],
        ),
        # an initial fits the one full name with that initial
        ([("John Kerry", P), ("J. Kerry", P)], [{"John Kerry", "J. Kerry"}]),
        # a name without its middle initial joins the one fuller name
        ([("George W. Bush", P), ("George Bush", P)], [{"George W. Bush", "George Bush"}]),
        # ... but not when two fuller names fit, and a bare surname with two full names stays apart
        (
            [
                ("George W. Bush", P),
                ("George H. W. Bush", P),
                ("George Bush", P),
                ("Jeb Bush", P),
                ("Bush", P),
            ],
            [{"George W. Bush"}, {"George H. W. Bush"}, {"George Bush"}, {"Jeb Bush"}, {"Bush"}],
        ),
        # shared surname, different given names: apart
        ([("Hillary Clinton", P), ("Bill Clinton", P)], [{"Hillary Clinton"}, {"Bill Clinton"}]),
        # a surname that is another person's given name: apart; the bare surname joins its one owner
        (
            [("Paul Ryan", P), ("Ryan Zinke", P), ("Ryan", P)],
            [{"Paul Ryan", "Ryan"}, {"Ryan Zinke"}],
        ),
        # a capitalised particle opens a surname if some full name has it there, else it is a given name
        (
            [("Chris Van Hollen", P), ("Van Hollen", P), ("Van Jones", P), ("Al Gore", P), ("Gore", P)],
            [{"Chris Van Hollen", "Van Hollen"}, {"Van Jones"}, {"Al Gore", "Gore"}],
        ),
        (
            [("Marine Le Pen", P), ("Le Pen", P), ("La Raza", P), ("Raheel Raza", P)],
            [{"Marine Le Pen", "Le Pen"}, {"La Raza"}, {"Raheel Raza"}],
        ),
        # lower-case words before a name are not part of it
        ([("make Lander", P), ("Brad Lander", P)], [{"make Lander", "Brad Lander"}]),
        # a country before a name the corpus knows goes
        (
            [("Syria Staffan de Mistura", P), ("Staffan de Mistura", P)],
            [{"Syria Staffan de Mistura", "Staffan de Mistura"}],
        ),
        # people known by a middle name
        (
            [("Recep Tayyip Erdogan", P), ("Tayyip Erdogan", P), ("Erdogan", P)],
            [{"Recep Tayyip Erdogan", "Tayyip Erdogan", "Erdogan"}],
        ),
        # a bare word that names a country, a capital or a US state joins nobody by surname
        ([("Kerry Washington", P), ("Washington", P)], [{"Kerry Washington"}, {"Washington"}]),
        # generational suffixes tell people apart
        ([("Donald Trump", P), ("Donald Trump Jr.", P)], [{"Donald Trump"}, {"Donald Trump Jr."}]),
        # doubled letters are not a spelling variant in English surnames
        ([("Michael Bennet", P), ("Michael Bennett", P)], [{"Michael Bennet"}, {"Michael Bennett"}]),
        # a given name after a title that takes given names is not a surname
        ([("Pope Francis", P), ("Dick Francis", P)], [{"Pope Francis"}, {"Dick Francis"}]),
        # an organisation and a person with the same word stay apart
        ([("Gerald Ford", P), ("Ford", B)], [{"Gerald Ford"}, {"Ford"}]),
        # sentence words and descriptions are not names
        (
            [("But Pelosi", P), ("Nancy Pelosi", P), ("a participant", P), ("A forum participant", P)],
            [{"But Pelosi", "Nancy Pelosi"}, {"a participant"}, {"A forum participant"}],
        ),
        # Russian and Ukrainian surname endings
        (
            [("Volodymyr Zelenskiy", P), ("Volodymyr Zelensky", P)],
            [{"Volodymyr Zelenskiy", "Volodymyr Zelensky"}],
        ),
        # places: case and diacritics only
        ([("Zürich", L), ("Zurich", L), ("ROME", L), ("Rome", L)], [{"Zürich", "Zurich"}, {"ROME", "Rome"}]),
    ],
)
def test_name_groups(spec: list[Use], expected: list[set[str]]) -> None:
    assert _groups(canonicalise(_uses(spec))) == {frozenset(g) for g in expected}


def test_organisation_designators_and_arabic_articles() -> None:
    # "Jabhat" is the Arabic designator "Front"; a bare "Al-Nusra" joins because an article uses it
    # alongside a designated form.
    uses = _uses(
        [
            ("Jabhat al-Nusra", B, 1),
            ("al-Nusra Front", B, 2),
            ("Nusra Front", B, 3),
            ("Al-Nusra", B, 3),
            ("Jabhat Fateh al-Sham", B, 4),
        ]
    )
    assert _groups(canonicalise(uses)) == {
        frozenset({"Jabhat al-Nusra", "al-Nusra Front", "Nusra Front", "Al-Nusra"}),
        frozenset({"Jabhat Fateh al-Sham"}),
    }


def test_a_bare_common_word_does_not_join_a_rare_designated_name() -> None:
    # "House" is used far more often than the one "House Party" it could abbreviate.
    uses = [NameUse("House", B, a) for a in range(20)] + [NameUse("House Party", B, 0)]
    assert _groups(canonicalise(uses)) == {frozenset({"House"}), frozenset({"House Party"})}


def test_a_bare_name_never_seen_with_the_full_name_stays_apart() -> None:
    uses = _uses([("Nusra Front", B, 1), ("Nusra", B, 2)])
    assert _groups(canonicalise(uses)) == {frozenset({"Nusra Front"}), frozenset({"Nusra"})}


def test_acronyms() -> None:
    uses = _uses(
        [
            ("United Nations Security Council", B, 1),
            ("UN Security Council", B, 1),
            ("UNSC", B, 1),
            ("UNSC", B, 2),
            ("Federal Bureau of Investigation", B, 3),
            ("FBI", B, 3),
            ("FBI", B, 4),
        ]
    )
    assert _groups(canonicalise(uses)) == {
        frozenset({"United Nations Security Council", "UN Security Council", "UNSC"}),
        frozenset({"Federal Bureau of Investigation", "FBI"}),
    }


def test_two_letter_acronyms_need_two_articles_that_give_both_forms() -> None:
    once = _uses([("Supreme Court", B, 1), ("SC", B, 1), ("SC", B, 2)])
    assert _groups(canonicalise(once)) == {frozenset({"Supreme Court"}), frozenset({"SC"})}
    twice = _uses([("Associated Press", B, 1), ("AP", B, 1), ("Associated Press", B, 2), ("AP", B, 2)])
    assert _groups(canonicalise(twice)) == {frozenset({"Associated Press", "AP"})}


def test_an_acronym_an_article_gives_as_alias() -> None:
    uses = [
        NameUse("International Syria Support Group", B, 1, surface=("ISSG",)),
        NameUse("ISSG", B, 2),
    ]
    canon = canonicalise(uses)
    assert _groups(canon) == {frozenset({"International Syria Support Group", "ISSG"})}
    entity = canon.entity_for("ISSG")
    assert entity is not None and entity.name == "International Syria Support Group"
    assert any("alias" in line for line in entity.evidence)


# ---------------------------------------------------------------------------------------------------
# Ambiguous short names: resolved per article, then per story
# ---------------------------------------------------------------------------------------------------


def test_ambiguous_surname_resolves_in_its_article_then_its_story() -> None:
    uses = _uses(
        [
            ("George W. Bush", P, 1, "iraq-war"),
            ("Jeb Bush", P, 2, "primary"),
            ("Bush", P, 2, "primary"),  # same article as Jeb Bush
            ("Bush", P, 3, "iraq-war"),  # same story as George W. Bush
            ("Bush", P, 4, "unrelated"),  # neither: stays its own entity
            ("Bush", P, 5),
        ]
    )
    canon = canonicalise(uses)
    by_article = {a: canon.entity_for("Bush", a) for a in (2, 3, 4, 5)}
    assert by_article[2] is not None and by_article[2].name == "Jeb Bush"
    assert by_article[3] is not None and by_article[3].name == "George W. Bush"
    assert by_article[4] is not None and by_article[4].name == "Bush"
    assert by_article[4] is by_article[5]
    assert by_article[4].count == 2
    # Resolved uses say how they were resolved.
    assert any("resolved in its story (iraq-war)" in line for line in by_article[3].evidence)


def test_dominant_share_sends_leftover_uses_to_the_dominant_full_name() -> None:
    uses = [NameUse("Donald Trump", P, a) for a in range(8)] + [NameUse("Ivanka Trump", P, 9)]
    uses += [NameUse("Trump", P, 20), NameUse("Trump", P, 9)]
    strict = canonicalise(uses)
    assert strict.entity_for("Trump", 20) is strict.entity_for("Trump")
    assert strict.entity_for("Trump", 20).names == ["Trump"]  # type: ignore[union-attr]
    relaxed = canonicalise(uses, dominant_share=0.8)
    donald, ivanka = relaxed.entity_for("Trump", 20), relaxed.entity_for("Trump", 9)
    assert donald is not None and donald.name == "Donald Trump"
    assert any("dominant fuller name in corpus (89% of uses)" in line for line in donald.evidence)
    assert ivanka is not None and ivanka.name == "Ivanka Trump"  # its article still decides first
    assert canonicalise(uses, dominant_share=0.9).entity_for("Trump", 20).names == ["Trump"]  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="dominant_share"):
        canonicalise(uses, dominant_share=0.3)


def test_a_short_name_goes_to_the_one_established_fuller_name() -> None:
    # "Hit Putin" (a misreading seen once) decides its own article but does not make "Putin"
    # ambiguous elsewhere; two established fuller names do.
    uses = [NameUse("Vladimir Putin", P, a) for a in range(3)]
    uses += [NameUse("Hit Putin", P, 10), NameUse("Putin", P, 10), NameUse("Putin", P, 11)]
    assert canonicalise(uses).entity_for("Putin", 11).names == ["Putin"]  # type: ignore[union-attr]
    canon = canonicalise(uses, established_min_articles=ESTABLISHED_MIN_ARTICLES)
    assert canon.entity_for("Putin", 10).name == "Hit Putin"  # type: ignore[union-attr]
    vladimir = canon.entity_for("Putin", 11)
    assert vladimir is not None and vladimir.name == "Vladimir Putin"
    assert any("used in 2+ articles" in line for line in vladimir.evidence)
    uses += [NameUse("Lyudmila Putin", P, 12), NameUse("Lyudmila Putin", P, 13)]
    canon = canonicalise(uses, established_min_articles=ESTABLISHED_MIN_ARTICLES)
    assert canon.entity_for("Putin", 11).names == ["Putin"]  # type: ignore[union-attr]


def test_story_with_two_candidates_does_not_resolve() -> None:
    uses = _uses([("George W. Bush", P, 1, "s"), ("Jeb Bush", P, 2, "s"), ("Bush", P, 3, "s")])
    entity = canonicalise(uses).entity_for("Bush", 3)
    assert entity is not None and entity.names == ["Bush"]


# ---------------------------------------------------------------------------------------------------
# Types, display names, keys, look-ups
# ---------------------------------------------------------------------------------------------------


def test_speaker_types_are_inferred() -> None:
    uses = _uses(
        [
            ("Sergey Lavrov", P, 1),
            ("Lavrov", None, 2),  # a speaker: a person, the one Lavrov of the corpus
            ("Moscow", L, 3),
            ("Moscow", None, 3),  # a speaker its article types as a place, and a capital: a place
            ("Foreign Ministry", None, 4),  # an organisation word
            ("Moscow and Damascus", None, 5),  # a collective speaker is not a person
        ]
    )
    canon = canonicalise(uses)
    lavrov = canon.entity_for("Lavrov", 2)
    assert lavrov is not None and lavrov.name == "Sergey Lavrov" and lavrov.type == "person"
    moscow = canon.entity_for("Moscow", 3)
    assert moscow is not None and moscow.type == "place" and moscow.count == 2
    for name in ("Foreign Ministry", "Moscow and Damascus"):
        body = canon.entity_for(name)
        assert body is not None and body.type == "organization", name


def test_a_surname_an_article_types_as_a_place_is_its_person() -> None:
    # "Obama" is also a town in Japan; in an article that names Barack Obama it is him.
    uses = _uses([("Barack Obama", P, 1), ("Obama", L, 1)])
    canon = canonicalise(uses)
    entity = canon.entity_for("Obama", 1)
    assert entity is not None and entity.type == "person" and entity.name == "Barack Obama"


def test_display_name_is_complete_well_formed_and_frequent() -> None:
    uses = [NameUse("But Pelosi", P, 1, count=9), NameUse("PELOSI", P, 2, count=9)]
    uses += [NameUse("Nancy Pelosi", P, a) for a in range(3, 6)]
    uses += [NameUse("House Speaker Nancy Pelosi", P, 7, count=5)]
    entity = canonicalise(uses).entity_for("Pelosi")
    assert entity is not None
    assert (entity.name, entity.key, entity.count, entity.articles) == (
        "Nancy Pelosi",
        "person:nancy-pelosi",
        26,
        6,
    )


def test_keys_are_stable_and_unique() -> None:
    spec: list[Use] = [
        ("Sergey Lavrov", P),
        ("Sergei Lavrov", P),
        ("Erdoğan", P),
        ("Ford", B),
        ("Ford", P),
        ("Bush", P),
        ("George W. Bush", P),
        ("Jeb Bush", P),
    ]
    first = canonicalise(_uses(spec))
    again = canonicalise(list(reversed(_uses(spec))))
    assert sorted(e.key for e in first.entities) == sorted(e.key for e in again.entities)
    assert len({e.key for e in first.entities}) == len(first.entities)
    lavrov = first.entity_for("Sergei Lavrov")
    assert lavrov is not None and lavrov.key == "person:sergey-lavrov"
    assert first.by_key("person:erdogan") is not None
    assert {e.key for e in first.entities if e.names == ["Ford"]} == {"person:ford", "organization:ford"}


def test_slug() -> None:
    assert [slug(s) for s in ("Sergey Lavrov", "Recep Tayyip Erdoğan", "al-Nusra Front", "O'Brien", "?")] == [
        "sergey-lavrov",
        "recep-tayyip-erdogan",
        "al-nusra-front",
        "obrien",
        "unnamed",
    ]


def test_entity_for_unseen_names_uses_the_normal_form() -> None:
    canon = canonicalise(_uses([("Sergey Lavrov", P), ("Jabhat al-Nusra", B)]))
    for query, expected in (
        ("Sergei Lavrov", "Sergey Lavrov"),
        ("Russian Foreign Minister Sergei Lavrov", "Sergey Lavrov"),
        ("Al-Nusra Front", "Jabhat al-Nusra"),
    ):
        entity = canon.entity_for(query)
        assert entity is not None and entity.name == expected, query
    assert canon.entity_for("Lavrov") is None  # a bare surname is not a normal form of a full name
    assert canon.entity_for("Sergey Lavrov", type="organization") is None


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("lavrov", "Sergey Lavrov"),
        ("Sergei Lavrov", "Sergey Lavrov"),
        ("LAVROV", "Sergey Lavrov"),
        ("lavr", "Sergey Lavrov"),
        ("al nusra", "Jabhat al-Nusra"),
        ("nusra front", "Jabhat al-Nusra"),
        ("mistura", "Staffan de Mistura"),
        ("erdogan", "Recep Tayyip Erdoğan"),
    ],
)
def test_find(query: str, expected_first: str) -> None:
    uses = _uses(
        [
            ("Sergey Lavrov", P),
            ("Sergey Lavrov", P),
            ("Lavrov", P),
            ("Sergey Shoigu", P),
            ("Jabhat al-Nusra", B),
            ("Staffan de Mistura", P),
            ("Recep Tayyip Erdoğan", P),
            ("Nusra Road", L),
        ]
    )
    found = canonicalise(uses).find(query)
    assert found and found[0].name == expected_first
    assert len(found) == len({e.key for e in found})


def test_find_ranks_and_limits() -> None:
    uses = [NameUse("Sergey Lavrov", P, a) for a in range(5)] + [NameUse("Sergey Shoigu", P, 9)]
    canon = canonicalise(uses)
    assert [e.name for e in canon.find("sergey")] == ["Sergey Lavrov", "Sergey Shoigu"]
    assert [e.name for e in canon.find("sergey", limit=1)] == ["Sergey Lavrov"]
    assert canon.find("nobody") == [] and canon.find("  ") == []


def test_bad_uses_are_rejected_with_a_reason_and_the_rest_kept() -> None:
    uses = [
        NameUse("", P, 1),
        NameUse("Sergey Lavrov", "alien", 1),  # type: ignore[arg-type]
        NameUse("Sergey Lavrov", P, 1, count=0),
        NameUse("Sergey Lavrov", P, 2),
    ]
    canon = canonicalise(uses)
    assert [r.reason for r in canon.rejected] == ["empty-name", "unknown-type", "bad-count"]
    assert [e.name for e in canon.entities] == ["Sergey Lavrov"]


# ---------------------------------------------------------------------------------------------------
# Alias rules
# ---------------------------------------------------------------------------------------------------

BUSHES: list[Use] = [("George W. Bush", P), ("George H. W. Bush", P), ("George Bush", P), ("Bush", P)]


def test_merge_rule_beats_automatic_splitting() -> None:
    rules = AliasRules(merges=(MergeRule("George W. Bush", ("Bush", "Dubya")),))
    canon = canonicalise(_uses([*BUSHES, ("Dubya", P)]), rules)
    assert _group_of(canon, "Bush") == {"George W. Bush", "Bush", "Dubya"}
    entity = canon.entity_for("Dubya")
    assert entity is not None and entity.name == "George W. Bush"
    assert any("alias file" in line for line in entity.evidence)


def test_merge_rule_display_name_wins() -> None:
    rules = AliasRules(merges=(MergeRule("Sergey V. Lavrov", ("Sergei Lavrov",), "person"),))
    canon = canonicalise(_uses([("Sergei Lavrov", P), ("Sergey Lavrov", P)]), rules)
    assert [(e.name, e.key) for e in canon.entities] == [("Sergey V. Lavrov", "person:sergey-v-lavrov")]


def test_split_rule_beats_automatic_merges() -> None:
    spec: list[Use] = [("George W. Bush", P), ("George Bush", P), ("Bush", P)]
    assert len(canonicalise(_uses(spec)).entities) == 1
    rules = AliasRules(splits=(SplitRule(("George Bush", "George W. Bush")),))
    canon = canonicalise(_uses(spec), rules)
    assert _group_of(canon, "George Bush") == {"George Bush"}
    assert _group_of(canon, "George W. Bush") == {"George W. Bush"}
    assert _group_of(canon, "Bush") == {"Bush"}  # now ambiguous between the two


def test_rules_find_names_whatever_the_corpus_made_of_them() -> None:
    # "Van Jones" is a given name and a surname here, not a surname with its particle.
    rules = AliasRules(merges=(MergeRule("Van Jones", ("Anthony Jones",), "person"),))
    canon = canonicalise(_uses([("Van Jones", P), ("Anthony Jones", P)]), rules)
    assert _groups(canon) == {frozenset({"Van Jones", "Anthony Jones"})}
    entity = canon.entity_for("VAN JONES")
    assert entity is not None and entity.name == "Van Jones"


def test_single_name_split_keeps_a_name_alone() -> None:
    rules = AliasRules(splits=(SplitRule(("Lavrov",), "person"),))
    canon = canonicalise(_uses([("Sergey Lavrov", P), ("Lavrov", P, 1), ("Sergey Lavrov", P, 1)]), rules)
    assert _groups(canon) == {frozenset({"Sergey Lavrov"}), frozenset({"Lavrov"})}


def test_load_alias_file(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(
        """
[[merge]]
name = "Sergey Lavrov"
aliases = ["S. Lavrov", "Sergej Lawrow"]
type = "person"

[[split]]
names = ["George Bush", "George W. Bush"]
""",
        encoding="utf-8",
    )
    rules = load_alias_file(path)
    assert rules.merges == (MergeRule("Sergey Lavrov", ("S. Lavrov", "Sergej Lawrow"), "person"),)
    assert rules.splits == (SplitRule(("George Bush", "George W. Bush")),)
    canon = canonicalise(_uses([("Sergej Lawrow", P), ("Sergey Lavrov", P)]), rules)
    assert _groups(canon) == {frozenset({"Sergej Lawrow", "Sergey Lavrov"})}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[merge]\nname = 1", "not valid TOML"),
        ('[[merged]]\nname = "X"', "unknown section(s) merged"),
        ('[[merge]]\naliases = ["X"]', "merge #1: missing 'name'"),
        ('[[merge]]\nname = ""', "merge #1: 'name' must be a non-empty string"),
        ('[[merge]]\nname = "X"\naliases = "Y"', "merge #1: 'aliases' must be a list"),
        ('[[merge]]\nname = "X"\nalias = ["Y"]', "merge #1: unknown key(s) alias"),
        ('[[merge]]\nname = "X"\ntype = "people"', "merge #1: type must be one of person"),
        ("[[split]]\nnames = []", "split #1: 'names' must be a non-empty list"),
        ('[[split]]\nnames = ["A B", 3]', "split #1: every name must be a non-empty string"),
        ('merge = "X"', "'merge' must be an array of tables"),
        (
            '[[merge]]\nname = "John Smith"\naliases = ["J. Smith"]\n[[merge]]\nname = "Jane Smith"\n'
            'aliases = ["j. smith"]',
            "merge #2 ('Jane Smith'): name 'j. smith' is already in merge #1 ('John Smith')",
        ),
        (
            '[[merge]]\nname = "George W. Bush"\naliases = ["George Bush"]\n'
            '[[split]]\nnames = ["George Bush", "George W. Bush"]',
            "split #1 separates 'George Bush' and 'George W. Bush', which merge #1 ('George W. Bush') "
            "puts together",
        ),
        (
            '[[split]]\nnames = ["Sergei Lavrov", "Sergey Lavrov"]\ntype = "person"',
            "split #1: 'Sergei Lavrov' and 'Sergey Lavrov' are the same name",
        ),
        (
            '[[merge]]\nname = "Bush"\naliases = ["George W. Bush"]\n[[split]]\nnames = ["Bush"]',
            "split #1 keeps 'Bush' apart from every other name, but merge #1 ('Bush') merges it",
        ),
    ],
)
def test_alias_file_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AliasFileError) as error:
        load_alias_file(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_alias_file_missing(tmp_path: Path) -> None:
    with pytest.raises(AliasFileError, match="alias file not found"):
        load_alias_file(tmp_path / "nope.toml")


def test_rules_made_in_code_are_checked_too() -> None:
    with pytest.raises(AliasFileError, match="separates"):
        rules_from_dict(
            {"merge": [{"name": "A B", "aliases": ["C D"]}], "split": [{"names": ["A B", "C D"]}]}
        )


# ---------------------------------------------------------------------------------------------------
# Properties: a partition of the uses, independent of input order
# ---------------------------------------------------------------------------------------------------

_GIVEN = ["Sergey", "Sergei", "George", "Jeb", "J.", "Bashar", "Ryan", "Paul", "Al", "Dr."]
_MIDDLE = ["", "W.", "H. W.", "de", "al-"]
_SURNAME = ["Lavrov", "Bush", "Assad", "Ryan", "Mistura", "Nusra", "Front", "UN", "Gore"]
_name = st.builds(
    lambda g, m, s: " ".join(p for p in (g, m) if p) + (" " if g or m else "") + s,
    st.sampled_from(["", *_GIVEN]),
    st.sampled_from(_MIDDLE),
    st.sampled_from(_SURNAME),
).map(lambda n: n.replace("al- ", "al-"))
_use = st.builds(
    NameUse,
    name=_name,
    type=st.sampled_from(["person", "organization", "place", None]),
    article=st.integers(0, 6),
    context=st.sampled_from([None, "s1", "s2"]),
    count=st.integers(1, 3),
)


def _assignment(canon: Canon, uses: list[NameUse]) -> dict[tuple[str, int, EntityType | None], str]:
    """Every use's entity key, by (name, article, type)."""
    found: dict[tuple[str, int, EntityType | None], str] = {}
    for use in uses:
        entity = canon.entity_for(use.name, use.article, use.type)
        assert entity is not None, use
        assert use.name.strip() in entity.names, (use, entity)
        found[(use.name, use.article, use.type)] = entity.key
    return found


@settings(max_examples=150, deadline=None)
@given(st.lists(_use, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_partition_and_order_independence(uses: list[NameUse], rnd: random.Random) -> None:
    canon = canonicalise(uses)
    # Every use lands in exactly one entity that lists its name; every entity is some use's.
    assignment = _assignment(canon, uses)
    assert set(assignment.values()) == {e.key for e in canon.entities}
    # Counts add up: each use counted once.
    assert sum(e.count for e in canon.entities) == sum(u.count for u in uses)
    names_in_entities = [n for e in canon.entities for n in e.names]
    assert set(names_in_entities) == {u.name.strip() for u in uses}
    # Shuffled input: the same entities and the same assignment of every use.
    shuffled = list(uses)
    rnd.shuffle(shuffled)
    again = canonicalise(shuffled)
    assert _assignment(again, uses) == assignment
    assert sorted((e.key, e.name, tuple(e.names), e.count) for e in again.entities) == sorted(
        (e.key, e.name, tuple(e.names), e.count) for e in canon.entities
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(_use, min_size=1, max_size=25))
def test_names_partition_when_no_use_is_resolved_per_article(uses: list[NameUse]) -> None:
    # Without stories and with every use in its own article, no name is split between entities.
    separate = [NameUse(u.name, u.type, i, count=u.count) for i, u in enumerate(uses)]
    canon = canonicalise(separate)
    seen: dict[tuple[str, str], str] = {}
    for entity in canon.entities:
        for name in entity.names:
            assert seen.setdefault((name, entity.type), entity.key) == entity.key


# ---------------------------------------------------------------------------------------------------
# The seed articles against their gold annotation
# ---------------------------------------------------------------------------------------------------


def _name_uses(article: Article, row: int) -> list[NameUse]:
    """The uses the cross-article pass makes of an analysed article: its entities and speakers."""
    speakers: dict[str, int] = defaultdict(int)
    mentions: dict[str, set[str]] = defaultdict(set)
    for statement in article.statements:
        if statement.speaker:
            speakers[statement.speaker] += 1
            if statement.mention is not None:
                mentions[statement.speaker].add(statement.mention.text)
    uses = [
        NameUse(e.name, e.type, row, tuple(e.aliases), count=1 + speakers.get(e.name, 0))
        for e in article.entities
    ]
    typed = {e.name for e in article.entities}
    uses += [
        NameUse(name, None, row, tuple(sorted(mentions[name])), count=n)
        for name, n in speakers.items()
        if name not in typed
    ]
    return uses


@pytest.fixture(scope="module")
def seeds_canon(seeds_dir: Path) -> tuple[Canon, list[Article], dict[str, dict[str, list[str]]]]:
    from quotetrail.api import iter_analysed

    articles = [a for a in iter_analysed([seeds_dir]) if isinstance(a, Article)]
    assert len(articles) == 5
    uses = [use for row, article in enumerate(articles) for use in _name_uses(article, row)]
    gold: dict[str, dict[str, list[str]]] = {}
    for path in sorted((seeds_dir.parent / "gold" / "seeds").glob("*.json")):
        gold[path.stem] = json.loads(path.read_text(encoding="utf-8"))["aliases"]
    return canonicalise(uses), articles, gold


def _gold_for(article: Article, gold: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    stem = Path(article.source).stem
    return gold[stem]


@pytest.mark.parametrize("gold_name", ["Sergey Lavrov", "Staffan de Mistura"])
def test_seed_speakers_of_one_gold_person_map_to_one_entity(
    seeds_canon: tuple[Canon, list[Article], dict[str, dict[str, list[str]]]], gold_name: str
) -> None:
    canon, articles, gold = seeds_canon
    keys = set()
    for row, article in enumerate(articles):
        aliases = {a.lower() for a in _gold_for(article, gold).get(gold_name, [])}
        for statement in article.statements:
            if statement.speaker and statement.speaker.lower() in aliases | {gold_name.lower()}:
                entity = canon.entity_for(statement.speaker, row)
                assert entity is not None
                keys.add(entity.key)
    assert len(keys) == 1, keys


def test_seed_nusra_variants_map_to_one_entity(
    seeds_canon: tuple[Canon, list[Article], dict[str, dict[str, list[str]]]],
) -> None:
    canon, articles, gold = seeds_canon
    keys = set()
    for row, article in enumerate(articles):
        variants = {a.lower() for a in _gold_for(article, gold).get("Jabhat al-Nusra", [])}
        for entity in article.entities:
            if entity.name.lower() in variants:
                found = canon.entity_for(entity.name, row)
                assert found is not None
                keys.add(found.key)
    assert len(keys) == 1, keys


def test_seed_distinct_gold_persons_stay_distinct(
    seeds_canon: tuple[Canon, list[Article], dict[str, dict[str, list[str]]]],
) -> None:
    canon, articles, gold = seeds_canon
    key_of_gold: dict[str, set[str]] = defaultdict(set)
    for row, article in enumerate(articles):
        article_gold = _gold_for(article, gold)
        for entity in article.entities:
            if entity.type != "person":
                continue
            for gold_name, aliases in article_gold.items():
                if entity.name.lower() in {a.lower() for a in [gold_name, *aliases]}:
                    found = canon.entity_for(entity.name, row)
                    assert found is not None
                    key_of_gold[gold_name].add(found.key)
    assert len(key_of_gold) >= 5  # Lavrov, de Mistura, Antonov, Karasik, Merkel, Seibert, Assad, …
    owners: dict[str, str] = {}
    for gold_name, keys in key_of_gold.items():
        assert len(keys) == 1, (gold_name, keys)
        key = next(iter(keys))
        assert owners.setdefault(key, gold_name) == gold_name, (key, gold_name)


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Jabhat al-Nusra", "Nusra"),
        ("al-Nusra Front", "Nusra"),
        ("Nusra Front", "Nusra"),
        ("Labour Party", "Labour"),
        ("Nusra", None),  # already short
        ("Islamic State", None),  # no designator: "State" alone is not the body
        ("UN Security Council", None),  # more than one word remains
        ("Hezbollah", None),
    ],
)
def test_short_form_of_an_organisation(name: str, short: str | None) -> None:
    assert short_form(name) == short
