"""Unit tables for the link pass's own filters (the end-to-end behaviour is in test_trail.py)."""

from __future__ import annotations

import pytest

from quotetrail.linking import _can_carry_a_claim, _names_someone


@pytest.mark.parametrize(
    ("surface", "is_alias"),
    [
        ("Lavrov", True),
        ("Russia's top diplomat", True),
        ("the UN's special envoy for Syria Staffan de Mistura", True),
        ("A McConnell aide", False),  # an indefinite description picks out someone else
        ("an official", False),
        ("One senior official", False),
        ("(Culver notes this is one of the reasons Trump", False),
        ("the senior advisor to Gulf State Analytics in Washington, Theodore Karasik", True),
        # too long to be a name
        ("the man who for years led the committee that wrote the bill before the last election", False),
    ],
)
def test_which_surface_forms_are_aliases(surface: str, is_alias: bool) -> None:
    assert _names_someone(surface) is is_alias


@pytest.mark.parametrize(
    ("text", "echo_worthy"),
    [
        ("to a request for comment", False),
        ("on CBS' Face the Nation.", False),
        ("in a statement", False),
        ("in 2015 the United States failed to deliver the lists it had promised to Moscow", True),
        ("Nusra has some 1,500 militants there", True),
        ("to", False),
        ("the talks will resume on Monday", True),
    ],
)
def test_which_statements_can_carry_a_claim(text: str, echo_worthy: bool) -> None:
    assert _can_carry_a_claim(text) is echo_worthy
