"""Unit tables for statement extraction: text in, (speaker, cue, kind, text) out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrail.attribution import extract_statements, in_speech_record
from quotetrail.segment import find_quotes, mask_quotes, split_sentences

# (article text, expected statements as (speaker, cue, kind, statement text)), in reading order.
CASES: list[tuple[str, list[tuple[str | None, str, str, str]]]] = [
    # Direct quote, trailing attribution, curly marks.
    (
        "“The harbour will reopen next week,” Port Minister Ilse Varga said.",
        [("Ilse Varga", "said", "direct", "The harbour will reopen next week,")],
    ),
    # Straight marks, inverted attribution.
    (
        '"We are ready to talk," said Ilse Varga.',
        [("Ilse Varga", "said", "direct", "We are ready to talk,")],
    ),
    # A quote interrupted by its attribution gives two statements.
    (
        "“The talks failed,” Tomas Brenner said. “We will try again in May.”",
        [
            ("Tomas Brenner", "said", "direct", "The talks failed,"),
            ("Tomas Brenner", "said", "direct", "We will try again in May."),
        ],
    ),
    # Lost opening mark at the start of a paragraph.
    (
        "Mayor Anna Kestrel spoke on Monday.\n\nThe bridge is safe for now,” Kestrel said.",
        [("Anna Kestrel", "said", "direct", "The bridge is safe for now,")],
    ),
    # Indirect speech with "that", titled name, canonical given-name spelling.
    (
        "Foreign Minister Sergei Volkov said that the border would stay closed.",
        [("Sergey Volkov", "said", "indirect", "the border would stay closed")],
    ),
    # Indirect speech without "that", and an adverbial before "that".
    (
        "Tomas Brenner said on Friday that the strike was over. Brenner said workers would return.",
        [
            ("Tomas Brenner", "said", "indirect", "the strike was over"),
            ("Tomas Brenner", "said", "indirect", "workers would return"),
        ],
    ),
    # Trailing indirect attribution.
    (
        "The dam poses no risk to farmers downstream, Energy Minister Rosa Delgado stressed.",
        [("Rosa Delgado", "stressed", "indirect", "The dam poses no risk to farmers downstream")],
    ),
    # According to, both orders.
    (
        "According to Rosa Delgado, the reservoir is half full. "
        "Water rationing will end in June, according to Delgado.",
        [
            ("Rosa Delgado", "According to", "indirect", "the reservoir is half full"),
            ("Rosa Delgado", "according to", "indirect", "Water rationing will end in June"),
        ],
    ),
    # Evidentials are not speakers.
    ("According to our records, the port handled 40 ships.", []),
    # Mixed statement: reported clause with a quoted fragment.
    (
        "Delgado said the plan was “a reckless gamble with our rivers.”",
        [("Delgado", "said", "mixed", "the plan was “a reckless gamble with our rivers.”")],
    ),
    # A label in quotes does not make a statement mixed.
    (
        "Delgado said the so-called “water committee” had never met.",
        [("Delgado", "said", "indirect", "the so-called “water committee” had never met")],
    ),
    # Urge / call on: the object and its infinitive are what was said.
    (
        "Envoy Marta Ruiz urged both sides to stop shelling the port.",
        [("Marta Ruiz", "urged", "indirect", "both sides to stop shelling the port")],
    ),
    # A participle starts a second statement of the same speaker.
    (
        "Marta Ruiz warned that the ceasefire was fragile, adding that aid convoys had been blocked.",
        [
            ("Marta Ruiz", "warned", "indirect", "the ceasefire was fragile"),
            ("Marta Ruiz", "adding", "indirect", "aid convoys had been blocked"),
        ],
    ),
    # A description resolves to the titled person it fits.
    (
        "Foreign Minister Pavel Orlov arrived in Geneva. “We came to listen,” the top diplomat said.",
        [("Pavel Orlov", "said", "direct", "We came to listen,")],
    ),
    # An organisation speaking through a statement.
    (
        "A statement by the Harbour Authority said that ferries would resume on Sunday.",
        [("Harbour Authority", "said", "indirect", "ferries would resume on Sunday")],
    ),
    # A quote running over two paragraphs belongs to the attribution at its end.
    (
        "“The first part of the plan is ready.\n\n“The second part needs money,” Brenner said.",
        [
            (
                "Brenner",
                "said",
                "direct",
                "The first part of the plan is ready.\n\n“The second part needs money,",
            )
        ],
    ),
    # Sentences that must yield nothing.
    ("The committee met on Tuesday and adjourned without a vote.", []),
    ("Critics who said the plan would fail were proved wrong.", []),
    ("He was told to leave the building.", []),
    ("The so-called “blue line” runs along the river.", []),
    ("What the minister said remains unclear.", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_statement_table(text: str, expected: list[tuple[str | None, str, str, str]]) -> None:
    got = [s for s in extract_statements(text) if in_speech_record(s)]
    assert [(s.speaker, s.cue, s.kind, s.text) for s in got] == expected


# The broad scope (PolNeAR's): stances and unnamed sources, found around learned cues.
# (sentence, [(speaker mention, cue, act, text)])
BROAD_CASES: list[tuple[str, list[tuple[str | None, str, str, str]]]] = [
    (
        "The poll shows Clinton ahead by four points among likely voters.",
        [("The poll", "shows", "stance", "Clinton ahead by four points among likely voters")],
    ),
    (
        "Officials believe the attack was planned weeks in advance.",
        [("Officials", "believe", "stance", "the attack was planned weeks in advance")],
    ),
    (
        "Sanders, a senator from Vermont, blasted the bill as a giveaway to banks.",
        [("Sanders", "blasted", "speech", "the bill as a giveaway to banks")],
    ),
    ("He was told to leave the building.", [(None, "told", "speech", "to leave the building")]),
    ("What the minister said remains unclear.", []),
    ("The committee met on Tuesday and adjourned without a vote.", []),
]


@pytest.mark.parametrize(("text", "expected"), BROAD_CASES, ids=[c[0][:40] for c in BROAD_CASES])
def test_broad_scope_table(text: str, expected: list[tuple[str | None, str, str, str]]) -> None:
    got = extract_statements(text)
    assert [(s.mention.text if s.mention else None, s.cue, s.act, s.text) for s in got] == expected


def test_pronoun_follows_last_speaker_not_last_name() -> None:
    text = (
        "Union leader Tomas Brenner said the proposal by envoy Marta Ruiz was fair.\n\n"
        "“Ruiz did her best,” he said."
    )
    got = extract_statements(text)
    assert [(s.speaker, s.kind) for s in got] == [("Tomas Brenner", "indirect"), ("Tomas Brenner", "direct")]
    assert got[1].mention is not None and got[1].mention.text == "he"
    assert got[1].mention.kind == "pronoun"


def test_every_statement_carries_rule_confidence_and_offsets() -> None:
    text = "“We will not sign,” Ilse Varga said.\n\nVarga added that talks would continue."
    for s in extract_statements(text):
        assert text[s.start : s.end] == s.text
        assert s.rule and 0 < s.confidence <= 1
        assert s.mention is not None and text[s.mention.start : s.mention.end] == s.mention.text


def test_lowercased_surname_still_found() -> None:
    # A name written capitalised more often than not is a name even where a capital was lost.
    text = (
        "Port Minister Ilse Varga spoke first. Varga left.\n\nLater, varga said that the port would reopen."
    )
    got = extract_statements(text)
    assert [(s.speaker, s.text) for s in got] == [("Ilse Varga", "the port would reopen")]


def test_missing_opening_quote_is_found() -> None:
    text = "Aid is not reaching the east, the convoys are stuck,” Ruiz said."
    (q,) = find_quotes(text)
    assert not q.opened and q.closed and text[q.start : q.end].startswith("Aid is")


def test_sentence_split_respects_quotes_and_abbreviations() -> None:
    text = "Mr. Brenner said “It is over. We won.” Then he left (see p. 4). It rained."
    quotes = find_quotes(text)
    spans = split_sentences(mask_quotes(text, quotes), 0, len(text))
    assert [text[a:b] for a, b in spans] == [
        "Mr. Brenner said “It is over. We won.”",
        "Then he left (see p. 4).",
        "It rained.",
    ]


_PROSE = st.text(alphabet=st.sampled_from(list("abcdefgh ABCDEF.,“”\"'\n:;-")), min_size=0, max_size=300)


@settings(max_examples=200, deadline=None)
@given(_PROSE)
def test_offsets_always_point_into_the_text(text: str) -> None:
    for s in extract_statements(text):
        assert 0 <= s.start <= s.end <= len(text)
        assert text[s.start : s.end] == s.text
        if s.mention is not None:
            assert text[s.mention.start : s.mention.end] == s.mention.text
