"""The synonym lexicon (quotetrail.synonyms): unit tables of same / different class, inflections,
phrases and idioms, text folding for the embedder, and properties of both foldings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotetrail.synonyms import (
    SYNONYM_CLASSES,
    class_token,
    entries_in_several_classes,
    fold_synonyms,
    fold_text,
    inflections,
    same_class,
    synonym_class,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("separate", "dissociate"),
        ("separated", "dissociating"),
        ("disassociates", "disentangle"),
        ("distinguished", "split"),
        ("splitting", "decoupled"),
        ("fail", "refused"),
        ("failure", "unwilling"),
        ("inability", "reluctance"),
        ("attack", "airstrikes"),
        ("shelling", "raided"),
        ("killed", "assassination"),
        ("slain", "murdered"),
        ("supported", "endorses"),
        ("opposes", "resistance"),
        ("accused", "blames"),
        ("denied", "refutes"),
        ("negotiations", "talks"),
        ("agreed", "consented"),
        ("ceasefire", "truce"),
        ("sanctions", "embargo"),
        ("withdrew", "withdrawal"),
        ("rising", "surged"),
        ("fell", "declining"),
        ("elected", "ballots"),
        ("funded", "paid"),
        ("banned", "outlawed"),
        ("militants", "gunmen"),
        ("fighters", "terrorists"),
        ("rebels", "insurgents"),
        ("regime", "government"),
        ("allies", "coalition"),
        ("criticised", "condemned"),
        ("fled", "escaping"),
        ("dying", "deaths"),
        ("lied", "fabrication"),
        ("spies", "espionage"),
        ("children", "kids"),
    ],
)
def test_same_class(a: str, b: str) -> None:
    assert same_class(a, b), (a, synonym_class(a), b, synonym_class(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("separate", "unite"),  # opposite meanings stay apart
        ("increase", "decrease"),
        ("rose", "fell"),
        ("support", "oppose"),
        ("win", "lose"),
        ("agree", "dispute"),
        ("attack", "protect"),
        ("accuse", "deny"),
        ("kill", "wound"),
        ("legal", "illegal"),
        ("possible", "impossible"),
        ("according", "accord"),  # generated forms that are other words are not folded
        ("united", "unite"),
        ("incoming", "income"),
        ("supposed", "believe"),
        ("minors", "minor"),  # a listed entry outranks another entry's inflection
        ("weather", "whether"),  # words outside the lexicon are in no class
    ],
)
def test_different_class(a: str, b: str) -> None:
    assert not same_class(a, b)


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("separate", {"separate", "separates", "separated", "separating"}),
        ("ban", {"bans", "banned", "banning"}),
        ("deny", {"denies", "denied", "denying"}),
        ("die", {"dies", "died", "dying"}),
        ("agree", {"agreed", "agreeing"}),
        ("approach", {"approaches", "approached", "approaching"}),
        ("target", {"targets", "targeted", "targeting"}),
        ("commit", {"committed", "committing"}),
        ("of", {"of"}),  # too short to inflect
    ],
)
def test_inflections(word: str, forms: set[str]) -> None:
    assert forms <= inflections(word)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("they failed to separate them", ["they", "≈fail", "to", "≈separate", "them"]),
        ("they did not want to break away", ["they", "did", "≈fail", "to", "≈separate"]),
        ("they didn't want it", ["they", "≈fail", "it"]),  # any negation starts "not want"
        ("they never wanted it", ["they", "≈fail", "it"]),
        ("they want it", ["they", "≈want", "it"]),
        ("it is breaking away", ["it", "is", "≈separate"]),  # the phrase's first word is inflected
        ("a cease fire held", ["a", "≈ceasefire", "held"]),  # hyphenated words arrive as two
        ("de escalation now", ["≈calm", "now"]),
        ("some sort of plan", ["some", "sort", "of", "≈plan"]),  # an idiom keeps its words
        ("the united nations", ["the", "united", "≈country"]),
        ("weather report", ["weather", "report"]),
        ("", []),
        ("not", ["not"]),
    ],
)
def test_fold_synonyms(words: str, expected: list[str]) -> None:
    assert fold_synonyms(words.split()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They dissociated themselves.", "They separate themselves."),
        ('"Refused," he said', '"fail," he said'),  # punctuation kept around the class name
        ("Gunmen   attacked", "militant attacked"),  # first word of the text; whitespace runs -> one space
        ("the groups of fighters", "the groups of militant"),  # an inflection of the class name stays
        ("they refused", "they fail"),
        ("the United Nations Security Council", "the United Nations Security Council"),  # inside a name
        ("It ended. Nations agreed.", "It ended. country agreed."),  # capitalised at a sentence start
        ("some sort of deal", "some sort of agreement"),
        ("no lexicon words here", "no lexicon words here"),
    ],
)
def test_fold_text(text: str, expected: str) -> None:
    assert fold_text(text) == expected


def test_lexicon_shape() -> None:
    # Breadth is the point: many classes, and no entry in two of them.
    assert len(SYNONYM_CLASSES) >= 100
    assert sum(map(len, SYNONYM_CLASSES.values())) >= 500
    assert entries_in_several_classes() == {}
    for name, entries in SYNONYM_CLASSES.items():
        assert name in entries, name  # the name is the word shown to the embedder
        assert all(1 <= len(entry.split()) <= 2 for entry in entries)
        assert all(entry == entry.lower() for entry in entries)


def test_entries_in_several_classes_finds_a_duplicate() -> None:
    assert entries_in_several_classes({"a": ["x", "y"], "b": ["y"]}) == {"y": ["a", "b"]}


def test_class_token_is_not_a_word() -> None:
    token = class_token("separate")
    assert token != "separate" and not token.isalpha()


_WORDS = st.sampled_from(
    "the us failed refused to separate dissociate not want break away from militants sort of weather "
    "didn't cease fire rose fell according united nations report".split()
)


_PHRASE_STARTS = {"not", "didn't", "break", "cease", "sort"}


@given(st.lists(_WORDS, max_size=30))
def test_fold_synonyms_properties(words: list[str]) -> None:
    folded = fold_synonyms(words)
    assert len(folded) <= len(words)  # a phrase becomes one term
    assert all(t in words or t.startswith("≈") for t in folded)
    if _PHRASE_STARTS.isdisjoint(words):
        # Without phrases, folding is word by word.
        expected = [class_token(c) if (c := synonym_class(w)) else w for w in words]
        assert folded == expected


@given(st.lists(_WORDS, max_size=30), st.sampled_from([" ", "  ", "\n"]))
def test_fold_text_keeps_every_token(words: list[str], space: str) -> None:
    text = space.join(words)
    folded = fold_text(text).split(" ") if text.split() else []
    assert len(folded) == len(text.split())
    for original, new in zip(text.split(), folded, strict=True):
        assert new == original or synonym_class(original.lower()) is not None
