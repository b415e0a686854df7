"""Claim histories: unit tables of synthetic uses, properties, and the seed articles."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrail.claims import (
    ClaimGroup,
    QuantityUse,
    claims_about,
    group_claims,
    sentence_contexts,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

NAMES: dict[str, str] = {
    "al-Nusra Front": "Jabhat al-Nusra",
    "Nusra Front": "Jabhat al-Nusra",
    "Al-Nusra": "Jabhat al-Nusra",
    "Nusra": "Jabhat al-Nusra",
    "Jabhat Al-Nusra": "Jabhat al-Nusra",
    "Islamic State": "Islamic State",
    "Aleppo": "Aleppo",
    "eastern Aleppo": "East Aleppo",
    "Idlib": "Idlib",
    "Russia": "Russia",
    "UN": "United Nations",
    "Lavrov": "Sergey Lavrov",
    "Mistura": "Staffan de Mistura",
    "Ohio": "Ohio",
    "Ukraine": "Ukraine",
}
KINDS: dict[str, str] = {
    "Jabhat al-Nusra": "organization",
    "Islamic State": "organization",
    "Aleppo": "place",
    "East Aleppo": "place",
    "Idlib": "place",
    "Russia": "place",
    "United Nations": "organization",
    "Sergey Lavrov": "person",
    "Staffan de Mistura": "person",
    "Ohio": "place",
    "Ukraine": "place",
}

_ids = iter(range(1, 10**9))


def use(
    sentence: str,
    text: str,
    low: float | None,
    high: float | None = None,
    unit: str | None = None,
    qualifier: str | None = "exact",
    *,
    article: int = 1,
    speaker: str | None = "Sergey Lavrov",
    published: str | None = "2016-10-07",
    outlet: str | None = "TASS",
    previous: str = "",
    quantity: int | None = None,
    names: Mapping[str, str] = NAMES,
) -> QuantityUse:
    """A use of ``text`` found in ``sentence``; the unit defaults to the last word of the text."""
    offset = sentence.index(text)
    return QuantityUse(
        quantity=quantity if quantity is not None else next(_ids),
        article=article,
        statement=None,
        text=text,
        low=low,
        high=low if high is None else high,
        unit=unit if unit is not None else text.split()[-1],
        qualifier=qualifier,
        speaker=speaker,
        sentence=sentence,
        offset=offset,
        published=published,
        outlet=outlet,
        names=names,
        kinds=KINDS,
        previous_sentence=previous,
        start=offset + 1000 * len(previous),
    )


def only_group(groups: list[ClaimGroup]) -> ClaimGroup:
    assert len(groups) == 1, [g.key for g in groups]
    return groups[0]


# --- measure, subject, place -------------------------------------------------------------------------

# (sentence, quantity text, low, unit or None, expected key or None when not a claim)
KEYS = [
    ("Nusra has some 1,500 militants in Idlib.", "some 1,500 militants", 1500, None,
     "fighters|Jabhat al-Nusra|Idlib"),
    ("There are 300 terrorists from the al-Nusra Front in Idlib.", "300 terrorists", 300, None,
     "fighters|Jabhat al-Nusra|Idlib"),
    ("Islamic State has 2,000 gunmen near Aleppo.", "2,000 gunmen", 2000, None,
     "fighters|Islamic State|Aleppo"),
    ("Russia has sent 4,000 soldiers to Idlib.", "4,000 soldiers", 4000, None, "troops|Russia|Idlib"),
    ("About 300 people were killed in Aleppo last week.", "300 people", 300, None, "deaths||Aleppo"),
    ("Some 300 children were killed in Aleppo.", "300 children", 300, None, "deaths (children)||Aleppo"),
    ("Three Russian soldiers were killed in Idlib.", "Three Russian soldiers", 3, "soldiers",
     "deaths (troops)||Idlib"),
    ("More than 40,000 refugees have arrived in Idlib.", "40,000 refugees", 40000, None, "displaced||Idlib"),
    ("Washington pledged $5 billion in aid to Ukraine.", "$5 billion", 5e9, "USD", "aid (USD)||Ukraine"),
    ("Unemployment in Ohio fell to 4.9 percent.", "4.9 percent", 4.9, "percent", "unemployment (%)||Ohio"),
    # Not claims: durations, counts of generic things, money or people with nothing said about them.
    ("The pause in Aleppo lasted two weeks.", "two weeks", 2, None, None),
    ("Aleppo might be destroyed within two months.", "within two months", 2, None, None),
    ("More than 100 groups continued military action in Aleppo.", "More than 100 groups", 100, None, None),
    ("IS and Nusra were the only two targets in Aleppo.", "only two targets", 2, None, None),
    ("Idlib paid $5 million.", "$5 million", 5e6, "USD", None),
    ("About 300 people live in a village near Aleppo.", "300 people", 300, None, None),
    # A claim-worthy measure with neither subject nor place joins no history.
    ("They said 300 militants surrendered.", "300 militants", 300, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "text", "low", "unit", "key"), KEYS)
def test_group_key(sentence: str, text: str, low: float, unit: str | None, key: str | None) -> None:
    groups = group_claims([use(sentence, text, low, unit=unit, speaker=None)])
    assert [g.key for g in groups] == ([key] if key else [])


def test_place_there_and_pronoun_subject_from_context() -> None:
    previous = "Practically all armed groups in eastern Aleppo report to al-Nusra Front."
    sentence = (
        "Nusra has some 1,500 militants there, "
        "while other groups under its command have up to 6,000 militants."
    )
    uses = [
        use(sentence, "some 1,500 militants", 1500, qualifier="approximately", previous=previous),
        use(sentence, "up to 6,000 militants", 6000, qualifier="up to", previous=previous),
    ]
    group = only_group(group_claims(uses))
    assert (group.measure, group.subject, group.place) == ("fighters", "Jabhat al-Nusra", "Aleppo")
    assert [v.area for v in group.values] == ["East Aleppo", "East Aleppo"]
    assert [v.stance for v in group.values] == ["asserted", "asserted"]


def test_parenthesised_aside_is_not_the_place() -> None:
    sentence = "There are 300 terrorists from the Al-Nusra (outlawed in Russia) in Idlib."
    assert only_group(group_claims([use(sentence, "300 terrorists", 300)])).place == "Idlib"


def test_capitalised_compass_name_is_a_place_of_its_own() -> None:
    names = {**NAMES, "North Korea": "North Korea", "Korea": "Korea"}
    sentence = "There are 28,500 soldiers in North Korea."
    group = only_group(group_claims([use(sentence, "28,500 soldiers", 28500, speaker=None, names=names)]))
    assert group.place == "North Korea"
    assert group.values[0].area is None


def test_different_subject_place_or_measure_do_not_join() -> None:
    uses = [
        use("Nusra has 1,500 militants in Aleppo.", "1,500 militants", 1500, article=1),
        use("Islamic State has 1,500 militants in Aleppo.", "1,500 militants", 1500, article=2),
        use("Nusra has 1,500 militants in Idlib.", "1,500 militants", 1500, article=3),
        use("Russia has 1,500 soldiers in Aleppo.", "1,500 soldiers", 1500, article=4),
        use("Nusra holds 1,500 fighters in Aleppo.", "1,500 fighters", 1500, article=5),
    ]
    groups = group_claims(uses)
    assert sorted(g.key for g in groups) == [
        "fighters|Islamic State|Aleppo",
        "fighters|Jabhat al-Nusra|Aleppo",
        "fighters|Jabhat al-Nusra|Idlib",
        "troops|Russia|Aleppo",
    ]
    # militants and fighters are one measure: articles 1 and 5 share a history.
    nusra_aleppo = next(g for g in groups if g.key == "fighters|Jabhat al-Nusra|Aleppo")
    assert sorted(v.article for v in nusra_aleppo.values) == [1, 5]


# --- source and stance -------------------------------------------------------------------------------

# (sentence, quantity text, expected source, expected stance)
STANCES = [
    ("Lavrov noted that according to the UN estimations there are 6,000 militants in Aleppo.",
     "6,000 militants", "United Nations", "reported"),
    ("According to our intelligence, Nusra has 1,500 militants in Aleppo.", "1,500 militants", None,
     "asserted"),
    ("He recalled the claims of Western partners that there are 300 terrorists from Nusra in Aleppo.",
     "300 terrorists", "Western partners", "reported"),
    ("Lavrov voiced doubt that 300 terrorists from Nusra were in Aleppo.", "300 terrorists", None,
     "disputed"),
    ("The claim that 300 terrorists from Nusra are in Aleppo is exaggerated.", "300 terrorists", None,
     "disputed"),
    ("Nusra has 1,500 militants in Aleppo, Mistura said.", "1,500 militants", "Staffan de Mistura",
     "reported"),
    # An "according to" phrase that names no recognisable source is no source.
    ("Nusra has 1,500 militants in Aleppo, according to the other night.", "1,500 militants", None,
     "asserted"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "text", "source", "stance"), STANCES)
def test_source_and_stance(sentence: str, text: str, source: str | None, stance: str) -> None:
    value = only_group(group_claims([use(sentence, text, float(text.split()[0].replace(",", "")))])).values[0]
    assert (value.source, value.stance) == (source, stance)


def test_repeated_figure_takes_the_context_of_its_first_mention_and_is_disputed() -> None:
    first = "Western partners claim there are just 200 or 300 terrorists from Nusra in eastern Aleppo."
    second = "Lavrov voiced doubt that 200 or 300 terrorists could have carried out so many attacks."
    uses = [
        use(first, "just 200 or 300 terrorists", 200, 300, "terrorists", "between"),
        use(second, "200 or 300 terrorists", 200, 300, "terrorists", "between", previous=first),
    ]
    group = only_group(group_claims(uses))
    assert group.key == "fighters|Jabhat al-Nusra|Aleppo"
    assert [v.stance for v in group.values] == ["reported", "disputed"]
    assert group.values[1].source == "Western partners"
    assert [(f.kind, f.a, f.b) for f in group.flags] == [
        ("contradiction", uses[0].quantity, uses[1].quantity)
    ]
    assert "Sergey Lavrov disputes 200–300 in East Aleppo" in group.flags[0].note


# --- shares of a parent count ------------------------------------------------------------------------


def test_share_of_previous_count_goes_to_its_subject() -> None:
    first = "According to the UN there are between six and eight thousand militants in Aleppo."
    second = "Among them up to half are from Jabhat Al-Nusra, Mistura said."
    parent = use(first, "between six and eight thousand militants", 6000, 8000, "militants", "between")
    share = use(second, "up to half", 0.5, 0.5, "fraction", "up to", previous=first)
    groups = {g.key: g for g in group_claims([parent, share])}
    assert set(groups) == {"fighters||Aleppo", "fighters|Jabhat al-Nusra|Aleppo"}
    value = groups["fighters|Jabhat al-Nusra|Aleppo"].values[0]
    assert (value.part_of, value.share, value.low, value.high) == (parent.quantity, (0.5, 0.5), 3000, 4000)
    assert value.text == "up to half of between six and eight thousand militants"
    assert groups["fighters||Aleppo"].values[0].source == "United Nations"


def test_share_without_a_parent_or_anaphor_is_no_claim() -> None:
    lone = use("Among them up to half are from Jabhat Al-Nusra.", "up to half", 0.5, 0.5, "fraction", "up to")
    unrelated = use("Up to half of Nusra left Aleppo.", "Up to half", 0.5, 0.5, "fraction", "up to")
    assert group_claims([lone, unrelated]) == []


# --- flags -------------------------------------------------------------------------------------------


def nusra(count: int, **kwargs: object) -> QuantityUse:
    sentence = f"Nusra has {count:,} militants in Aleppo."
    return use(sentence, f"{count:,} militants", count, **kwargs)  # type: ignore[arg-type]


def test_change_when_the_same_speaker_gives_a_new_figure_later() -> None:
    a = nusra(1500, article=1, published="2016-10-01")
    b = nusra(6000, article=2, published="2016-12-02")
    group = only_group(group_claims([b, a]))
    assert [(f.kind, f.a, f.b) for f in group.flags] == [("change", a.quantity, b.quantity)]
    assert group.flags[0].note == "Sergey Lavrov: 1,500 (TASS, 2016-10-01) → 6,000 (TASS, 2016-12-02)"


def test_no_change_for_the_same_figure_nor_for_an_outlet_without_a_speaker() -> None:
    same = [nusra(1500, article=1, published="2016-10-01"), nusra(1500, article=2, published="2016-12-02")]
    assert only_group(group_claims(same)).flags == []
    unattributed = [
        nusra(1500, article=1, published="2016-10-01", speaker=None),
        nusra(6000, article=2, published="2017-12-02", speaker=None),
    ]
    assert only_group(group_claims(unattributed)).flags == []


def test_contradiction_between_two_speakers_within_the_window_only() -> None:
    a = nusra(300, article=1, published="2016-10-01", speaker="John Kerry")
    near = nusra(1500, article=2, published="2016-10-20")
    far = nusra(1500, article=3, published="2017-06-01", speaker="Vladimir Putin")
    group = only_group(group_claims([a, near, far]))
    kinds = Counter(f.kind for f in group.flags)
    assert kinds == Counter({"contradiction": 1})
    flag = group.flags[0]
    assert (flag.a, flag.b) == (a.quantity, near.quantity)
    assert flag.note == "John Kerry: 300 (TASS, 2016-10-01) vs Sergey Lavrov: 1,500 (TASS, 2016-10-20)"


def test_close_figures_and_different_stories_do_not_contradict() -> None:
    close = [
        nusra(1500, article=1, published="2016-10-01", speaker="John Kerry"),
        nusra(1600, article=2, published="2016-10-02"),
    ]
    assert only_group(group_claims(close)).flags == []
    a, b = nusra(300, article=1, speaker="John Kerry"), nusra(1500, article=2)
    stories = [dataclasses.replace(a, story=1), dataclasses.replace(b, story=2)]
    assert only_group(group_claims(stories)).flags == []


def test_rising_toll_is_no_contradiction_but_a_falling_one_is() -> None:
    def toll(count: int, day: str, speaker: str) -> QuantityUse:
        sentence = f"Some {count} people were killed in Aleppo."
        return use(sentence, f"{count} people", count, article=int(day[-2:]), published=day, speaker=speaker)

    rising = group_claims([toll(30, "2016-10-01", "UN"), toll(300, "2016-10-20", "Red Cross")])
    assert only_group(rising).flags == []
    falling = group_claims([toll(300, "2016-10-01", "UN"), toll(30, "2016-10-20", "Red Cross")])
    assert [f.kind for f in only_group(falling).flags] == ["contradiction"]


# --- claims_about ------------------------------------------------------------------------------------


def test_claims_about_matches_subject_or_place() -> None:
    groups = group_claims(
        [
            nusra(1500, article=1),
            use("Russia has sent 4,000 soldiers to Idlib.", "4,000 soldiers", 4000, article=2),
        ]
    )
    assert [g.key for g in claims_about(groups, "jabhat al-nusra")] == ["fighters|Jabhat al-Nusra|Aleppo"]
    assert [g.key for g in claims_about(groups, "Aleppo")] == ["fighters|Jabhat al-Nusra|Aleppo"]
    assert [g.key for g in claims_about(groups, "Idlib")] == ["troops|Russia|Idlib"]
    assert claims_about(groups, "Moscow") == []


# --- sentences ---------------------------------------------------------------------------------------


def test_sentence_contexts_give_sentence_offset_and_previous_sentence() -> None:
    body = "Groups in eastern Aleppo report to Nusra.\n\nNusra has some 1,500 militants there. It is more."
    start = body.index("some 1,500")
    (context,) = sentence_contexts(body, [start])
    assert context.sentence == "Nusra has some 1,500 militants there."
    assert context.sentence[context.offset :].startswith("some 1,500")
    assert context.previous_sentence == "Groups in eastern Aleppo report to Nusra."


_WORDS = st.sampled_from(
    ["Nusra", "has", "1,500", "militants", "there.", "Mr.", "Aleppo", "\n\n", "(a.", "b)"]
)


@settings(max_examples=150, deadline=None)
@given(words=st.lists(_WORDS, min_size=1, max_size=40), data=st.data())
def test_sentence_contexts_point_into_the_body(words: list[str], data: st.DataObject) -> None:
    body = " ".join(words)
    starts = sorted(data.draw(st.lists(st.integers(0, len(body) - 1), max_size=5)))
    for start, context in zip(starts, sentence_contexts(body, starts), strict=True):
        if not context.sentence:
            continue
        assert context.sentence in body
        assert 0 <= context.offset <= len(context.sentence)
        assert body[start:].startswith(context.sentence[context.offset :])


# --- properties over many uses -----------------------------------------------------------------------

_TEMPLATES = [
    ("Nusra has {n} militants in Aleppo.", "{n} militants"),
    ("There are {n} terrorists from the al-Nusra Front in eastern Aleppo.", "{n} terrorists"),
    ("Russia has sent {n} soldiers to Idlib.", "{n} soldiers"),
    ("About {n} people were killed in Aleppo.", "{n} people"),
    ("The pause lasted {n} weeks in Aleppo.", "{n} weeks"),
    ("Among them {n} percent are from Jabhat Al-Nusra.", "{n} percent"),
    ("Lavrov voiced doubt that {n} terrorists were there.", "{n} terrorists"),
]


@st.composite
def use_lists(draw: st.DrawFn) -> list[QuantityUse]:
    uses: list[QuantityUse] = []
    for quantity in range(draw(st.integers(0, 14))):
        template, text = draw(st.sampled_from(_TEMPLATES))
        n = draw(st.sampled_from([30, 300, 1500, 6000]))
        sentence = template.format(n=n)
        uses.append(
            use(
                sentence,
                text.format(n=n),
                n,
                unit="percent" if "percent" in text else None,
                quantity=quantity,
                article=draw(st.integers(0, 4)),
                speaker=draw(st.sampled_from([None, "Sergey Lavrov", "John Kerry"])),
                published=draw(st.sampled_from([None, "2016-10-01", "2016-10-20", "2017-03-01"])),
                previous=draw(st.sampled_from(["", "Nusra has 6000 militants in Aleppo."])),
            )
        )
    return uses


@settings(max_examples=120, deadline=None)
@given(uses=use_lists(), order=st.randoms(use_true_random=False))
def test_each_use_in_at_most_one_group_and_order_does_not_matter(
    uses: list[QuantityUse], order: object
) -> None:
    groups = group_claims(uses)
    seen = Counter(v.quantity for g in groups for v in g.values)
    assert all(count == 1 for count in seen.values())
    assert set(seen) <= {u.quantity for u in uses}
    shuffled = list(uses)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    assert group_claims(shuffled) == groups
    for group in groups:
        assert group.key == f"{group.measure}|{group.subject or ''}|{group.place or ''}"
        assert group.subject is not None or group.place is not None
        dates = [(v.published is None, v.published or "") for v in group.values]
        assert dates == sorted(dates)


# --- the seed articles -------------------------------------------------------------------------------

# The corpus-level names the linking pass would give these seeds: one canonical Jabhat al-Nusra.
_NUSRA_FORMS = ["al-Nusra Front", "Al-Nusra Front", "Nusra Front", "Al-Nusra", "Al Nusra", "Nusra",
                "Jabhat al-Nusra", "Jabhat Al-Nusra"]  # fmt: skip


def _seed_uses() -> list[QuantityUse]:
    from quotetrail.api import iter_analysed
    from quotetrail.model import Article

    uses: list[QuantityUse] = []
    quantity = 0
    for article_id, item in enumerate(iter_analysed([SHARED / "seeds"])):
        assert isinstance(item, Article)
        names: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for entity in item.entities:
            for surface in [entity.name, *entity.aliases]:
                names[surface] = entity.name
            kinds[entity.name] = entity.type
        names.update(dict.fromkeys(_NUSRA_FORMS, "Jabhat al-Nusra"))
        names["eastern Aleppo"] = "East Aleppo"
        kinds.update({"Jabhat al-Nusra": "organization", "East Aleppo": "place"})
        contexts = sentence_contexts(item.body, [q.start for q in item.quantities])
        for q, context in zip(item.quantities, contexts, strict=True):
            quantity += 1
            uses.append(
                QuantityUse(
                    quantity=quantity,
                    article=article_id,
                    statement=None,
                    text=q.text,
                    low=q.low,
                    high=q.high,
                    unit=q.unit,
                    qualifier=q.qualifier,
                    speaker=q.speaker,
                    sentence=context.sentence,
                    offset=context.offset,
                    published=item.published,
                    outlet=item.outlet,
                    names=names,
                    kinds=kinds,
                    previous_sentence=context.previous_sentence,
                    start=q.start,
                )
            )
    return uses


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason=f"seed articles not found at {SHARED / 'seeds'}")
def test_seed_claims_about_nusra() -> None:
    uses = _seed_uses()
    groups = claims_about(group_claims(uses), "Jabhat al-Nusra")
    values = [(v, g) for g in groups for v in g.values]
    figures = {(v.low, v.high, v.qualifier): v for v, _ in values}
    # 2 Dec: Lavrov's own figures, some 1,500 Nusra militants and up to 6,000 under its command.
    assert figures[(1500, 1500, "approximately")].published == "2016-12-02"
    assert figures[(6000, 6000, "up to")].speaker == "Sergey Lavrov"
    # 7 Oct: up to half of the UN's 6,000-8,000 militants in Aleppo.
    share = figures[(3000, 4000, "up to")]
    assert share.share == (0.5, 0.5) and "six and eight thousand" in share.text
    assert (share.published, share.speaker) == ("2016-10-07", "Sergey Lavrov")
    parent = next(u for u in uses if u.quantity == share.part_of)
    assert (parent.low, parent.high) == (6000, 8000)
    # 31 Oct (TASS): the Western figure of 200-300, reported and then disputed by Lavrov.
    western = [v for v, _ in values if (v.low, v.high) == (200, 300)]
    assert {v.stance for v in western} == {"reported", "disputed"}
    assert {v.source for v in western} == {"Western partners"}
    assert all(v.outlet == "TASS" and v.speaker == "Sergey Lavrov" for v in western)
    # Nothing unrelated: no durations, no count of groups or targets.
    units = {u.quantity: u.unit for u in uses}
    assert {units[v.quantity] for v, _ in values} <= {"militants", "terrorists", "fraction"}
    assert not any("pause" in v.text or "groups" in v.text for v, _ in values)
    flags = [f for g in groups for f in g.flags]
    assert any(f.kind == "contradiction" and "disputes 200–300" in f.note for f in flags)
    assert any(
        f.kind == "change" and f.note.startswith("Sergey Lavrov: up to half of 6,000–8,000") for f in flags
    )
