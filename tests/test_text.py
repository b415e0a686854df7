"""quotetrail.text: the line key (fold_line) and its hashes, fast paths held to the plain definition."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrail.text import QUOTE_FOLD, fold_line, line_hash, line_hashes


def reference_fold(line: str) -> str:
    """The definition fold_line promises, written the slow and obvious way."""
    folded = unicodedata.normalize("NFKC", line).translate(QUOTE_FOLD).casefold()
    return re.sub(r"\s+", " ", folded).strip()


# Characters where a shortcut could go wrong: every folded quote, whitespace that is not a space, a
# combining accent (NFKC composes it), compatibility forms (ligature, fullwidth, circled digit), letters
# whose case folding is longer or special (ß, İ, final sigma), and a line break inside the text.
TRICKY = [
    *(chr(code) for code in QUOTE_FOLD),
    *"\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2003\u2028\u2029\u202f\u3000",
    "\u0301",
    "e\u0301",
    "ﬁ",
    "Ｆ",
    "①",
    "ß",
    "İ",
    "Σ",
    "ς",
    "…",
    "´",
]
tricky_text = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.sampled_from(list("Ab c.,-'\"")), st.characters()), max_size=30
).map("".join)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("“Quoted” ‘text’", "\"quoted\" 'text'"),
        ("  Multiple   spaces\tand\nlines ", "multiple spaces and lines"),
        ("ÉCOLE", "école"),
        ("ﬁnal", "final"),
        ("Straße", "strasse"),
        ("`tick`", "'tick'"),
        ("Plain ASCII line", "plain ascii line"),
        ("non\u00a0breaking", "non breaking"),
        ("", ""),
    ],
)
def test_fold_line_table(line: str, key: str) -> None:
    assert fold_line(line) == key


@settings(max_examples=400, deadline=None)
@given(tricky_text)
def test_fold_line_equals_its_definition(line: str) -> None:
    assert fold_line(line) == reference_fold(line)


@settings(max_examples=200, deadline=None)
@given(st.lists(tricky_text, max_size=8).map("\n".join), st.integers(min_value=1, max_value=12))
def test_line_hashes_are_the_hashes_of_the_short_lines(text: str, max_chars: int) -> None:
    expected = {
        line_hash(stripped)
        for stripped in (raw.strip() for raw in text.split("\n"))
        if stripped and len(stripped) <= max_chars
    }
    assert line_hashes(text, max_chars) == expected


def test_line_hash_ignores_what_folding_ignores() -> None:
    assert line_hash("  Follow “The Example”  ON Mastodon") == line_hash('follow "the example" on mastodon')
    assert line_hash("Follow The Example on Mastodon") != line_hash("Follow The Example on Bluesky")
