"""Quotations and sentences of a paragraph, found with offsets into the body.

Scraped news text is untidy: straight and curly marks mixed, an opening mark lost at the start of a
paragraph, a quote left open until the next one starts, a quotation running over several paragraphs.
:func:`find_quotes` pairs marks with those habits in mind; :func:`split_sentences` splits prose
without cutting inside a quotation, a parenthesis or after an abbreviation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import ABBREVIATIONS

OPENERS = "“„«"
CLOSERS = "”»"
_MARK = re.compile(r'["“”„«»]')
# Placeholder written over quotation interiors in the masked copy of a text, so that attribution
# patterns never match words inside a quotation. Not a word character, not whitespace.
MASK = "\x01"


@dataclass(slots=True)
class Quote:
    """The interior of one quotation (marks excluded)."""

    start: int
    end: int
    opened: bool  # an opening mark was present (False: lost in scraping, quote runs from para start)
    closed: bool  # a closing mark was present (False: runs to the next quote or the paragraph end)


def _is_opening(text: str, i: int, ch: str, inside: bool) -> bool:
    if ch in "“„«":
        return True
    if ch == "»":
        return False
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch == "”":
        # Some sites use ” for both marks: at the start of a word it opens.
        return not inside and before.isspace() and not after.isspace()
    # Straight quote: decided by its neighbours.
    if before.isspace() or before in "([{—–-:":
        return not (inside and after.isspace())
    return False


def find_quotes(text: str, start: int = 0, end: int | None = None) -> list[Quote]:
    """Quotations in ``text[start:end]`` (one paragraph), offsets into ``text``."""
    end = len(text) if end is None else end
    quotes: list[Quote] = []
    inside = False
    qstart = start
    opened = True
    for m in _MARK.finditer(text, start, end):
        i = m.start()
        ch = m.group()
        if _is_opening(text, i, ch, inside):
            if inside:
                # A new quotation opens before the previous one closed: the previous one ends here.
                quotes.append(Quote(qstart, _rstrip(text, qstart, i), opened, False))
            inside, qstart, opened = True, i + 1, True
        elif inside:
            quotes.append(Quote(qstart, i, opened, True))
            inside = False
        elif not quotes:
            # A closing mark with no opening one: the opening mark was lost at the paragraph start.
            first = _lstrip(text, start, i)
            if i - first >= 2:
                quotes.append(Quote(first, i, False, True))
    if inside:
        stop = _rstrip(text, qstart, end)
        if stop > qstart:
            quotes.append(Quote(qstart, stop, opened, False))
    return quotes


def _lstrip(text: str, i: int, stop: int) -> int:
    while i < stop and text[i].isspace():
        i += 1
    return i


def _rstrip(text: str, start: int, i: int) -> int:
    while i > start and text[i - 1].isspace():
        i -= 1
    return i


def mask_quotes(text: str, quotes: list[Quote]) -> str:
    """A copy of ``text`` with every quotation interior overwritten by :data:`MASK`."""
    if not quotes:
        return text
    parts: list[str] = []
    pos = 0
    for q in quotes:
        # Trailing punctuation stays visible: it tells whether the quotation ended a sentence.
        keep = q.end
        while keep > q.start and text[keep - 1] in ".!?…,;:":
            keep -= 1
        parts.append(text[pos : q.start])
        parts.append(MASK * (keep - q.start))
        parts.append(text[keep : q.end])
        pos = q.end
    parts.append(text[pos:])
    return "".join(parts)


# A candidate sentence end: terminal punctuation, optional closing marks, then space.
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*\s+")
_STARTS_SENTENCE = re.compile(r"[“\"‘'(\[A-Z0-9\x01]")


def split_sentences(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of the paragraph ``masked[start:end]``.

    ``masked`` is the text with quotation interiors masked (see :func:`mask_quotes`), so a full stop
    inside a quotation never ends a sentence, while one at the very end of a quotation still does.
    """
    spans: list[tuple[int, int]] = []
    s = start
    for m in _BOUNDARY.finditer(masked, start, end):
        b = m.end()
        if b >= end or not _STARTS_SENTENCE.match(masked, b):
            continue
        # Inside an open parenthesis the sentence goes on ("(… - eds. TASS)").
        if masked.count("(", s, m.start()) > masked.count(")", s, m.start()):
            continue
        punct = m.group()
        if punct[0] == ".":
            word_start = max(masked.rfind(" ", s, m.start()) + 1, s)
            word = masked[word_start : m.start()].lstrip("(“\"'‘").lower()
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or "." in word:
                continue
        spans.append((s, _rstrip(masked, s, m.start() + len(punct.rstrip()))))
        s = b
    last = _rstrip(masked, s, end)
    if last > s:
        spans.append((s, last))
    return spans
