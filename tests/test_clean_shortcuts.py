"""The cleaner's shortcuts give the answers of the plain computations they replace.

- the title line is matched on a folded prefix of long paragraphs (``_says_title``);
- embedded-chrome stems are looked for only where the whole text has them (``_active_embedded``);
- a line is tested for recurring across the source only when its answer matters (``_Para.recurring``).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrail import clean
from quotetrail.clean import classify_line, explain
from quotetrail.text import fold_line, paragraph_lines, word_count


def reference_says_title(text: str, hint: str) -> bool:
    """What _says_title computes, folding the whole paragraph."""
    line = fold_line(text)
    return line == hint or (len(line) >= len(hint) // 2 and (line.startswith(hint) or hint.startswith(line)))


words = st.lists(
    st.sampled_from(["Trump", "says", "“Deal”", "is", "DONE", "ﬁnal", "Straße", "e\u0301", "  ", "\t", "’"]),
    min_size=1,
    max_size=40,
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(words, words, st.integers(min_value=0, max_value=60))
def test_says_title_equals_folding_the_whole_paragraph(text: str, other: str, cut: int) -> None:
    paragraph = text.strip() or "x"
    # Hints that are a prefix of the paragraph (the title line found), a longer line, or unrelated.
    for hint_source in (paragraph[:cut], paragraph + " " + other, other):
        hint = fold_line(hint_source)
        if hint:
            assert clean._says_title(paragraph, hint) == reference_says_title(paragraph, hint)


def test_says_title_on_a_long_first_paragraph() -> None:
    hint = fold_line("Senate passes the budget")
    body = "Senate passes the budget " + "and the debate that followed went on for hours " * 20
    assert clean._says_title(body, hint)
    assert not clean._says_title("The Senate " + body, hint)


NOTICE_TEXT = "\n".join(
    [
        "Sign up for our daily newsletter to get the news delivered to your inbox.",
        "The minister said the plan would be presented to parliament next week, after months of talks.",
        "We use cookies to improve your experience. By continuing you agree to our use of cookies.",
        "Copyright © 2019 The Daily Example. All rights reserved.",
        "Critics said the cookie-cutter approach would not work for the northern regions of the country.",
        "If you buy something through our links, we may earn a commission.",
        "The commission will report in June, its chairman told reporters on Tuesday.",
    ]
)


@pytest.mark.parametrize("line", [p.text for p in paragraph_lines(NOTICE_TEXT)])
def test_stems_looked_for_only_where_the_text_has_them(line: str) -> None:
    # A paragraph classified with the groups active in its whole text (only the stems the text holds)
    # gets the verdict it gets on its own.
    active = clean._active_embedded(NOTICE_TEXT.lower())
    assert clean._classify(line, word_count(line), active, None) == classify_line(line)


def test_active_groups_keep_only_the_stems_the_text_holds() -> None:
    active = {reason: stems for reason, stems, _ in clean._active_embedded(NOTICE_TEXT.lower())}
    assert active["cookie-notice"] == ("cookie",)
    assert set(active["newsletter"]) == {"newsletter", "inbox", "sign up"}
    assert "page-notice" not in active


BODY = [
    "MADRID — The finance minister said on Tuesday that the budget would be presented to parliament "
    "before the end of the month, despite objections from two coalition partners.",
    "Opposition leaders accused the government of rushing the process and said they would vote against it.",
    "The bill needs an absolute majority in the lower house, which the coalition holds by only two seats.",
    "Analysts said the outcome would depend on a handful of regional deputies who have not yet decided.",
    "The finance ministry published a summary of the plan on its website later in the day, with tables.",
]
FOOTER = "The Daily Example is an independent newspaper published in Madrid since the year of 1901."


def test_recurring_is_tested_only_where_it_matters() -> None:
    text = "\n".join([*BODY, FOOTER])
    asked: list[str] = []

    def recurring(line: str) -> bool:
        asked.append(line)
        return line == FOOTER

    decisions = explain(text, is_recurring=recurring)
    # Prose is asked about at the article's edges only: the first paragraph, and from the end inwards
    # until a line that does not recur. (Recurring prose outside the article stays in a text that has
    # no menus: only page chrome is removed there.)
    assert asked == [BODY[0], FOOTER, BODY[-1]]
    assert all(d.keep for d in decisions)


def test_recurring_lines_of_a_source() -> None:
    lines = [
        "Budget goes to parliament",
        *BODY[:3],
        "What happens next",
        *BODY[3:],
        "Follow The Example on Mastodon",
        "Desk/J. Doe",
    ]
    recurring_lines = {"What happens next", "Follow The Example on Mastodon"}
    decisions = explain("\n".join(lines), is_recurring=lambda line: line in recurring_lines)
    removed = {d.text: d.reason for d in decisions if not d.keep}
    # A recurring subheading above body text stays; a recurring line at the foot is chrome.
    assert removed == {
        "Budget goes to parliament": "title",
        "Follow The Example on Mastodon": "recurring-line",
        "Desk/J. Doe": "signature",
    }
    # The same text with no profile keeps the foot line: the verdict came from the recurring test.
    without = {d.text: d.reason for d in explain("\n".join(lines)) if not d.keep}
    assert "Follow The Example on Mastodon" not in without
