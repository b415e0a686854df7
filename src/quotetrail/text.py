"""Small text helpers shared by the cleaning and metadata stages.

Everything here works on plain strings and character offsets; nothing allocates per character of the
body, so the helpers stay cheap on long articles.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

# Scripts written without spaces between words: a line of them has few whitespace tokens but many words.
_UNSPACED_SCRIPT_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")

# Characters that may close a sentence after its final punctuation mark: quotes, brackets, emphasis.
SENTENCE_CLOSERS = "\"'”’»)]*_"
SENTENCE_END_MARKS = ".!?。！？"
ELLIPSES = ("…", "...")

# Typographic quotes folded to ASCII, for comparing lines and titles whatever quotes a site uses.
QUOTE_FOLD = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "`": "'",
        "´": "'",
        "\u00a0": " ",
    }
)


@dataclass(frozen=True, slots=True)
class TextLine:
    """One non-blank line of a text: ``text == source[start:end]``, trimmed of surrounding spaces."""

    start: int
    end: int
    text: str


def lines_with_offsets(text: str) -> list[TextLine]:
    """Every non-blank line of ``text`` with its trimmed offsets.

    Lines are split on ``\\n`` only, so offsets stay exact whatever else the text contains; a ``\\r``
    before the ``\\n`` is trimmed with the other surrounding whitespace.
    """
    out: list[TextLine] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + (len(raw) - len(raw.lstrip()))
            out.append(TextLine(start, start + len(stripped), stripped))
        pos += len(raw) + 1
    return out


def ends_sentence(line: str) -> bool:
    """Whether a line ends like a finished sentence (``.``, ``!``, ``?``, possibly inside quotes)."""
    stripped = line.rstrip(SENTENCE_CLOSERS + " \u00a0")
    if not stripped or stripped.endswith(ELLIPSES):
        return False
    return stripped[-1] in SENTENCE_END_MARKS


def ends_with_ellipsis(line: str) -> bool:
    """Whether a line is cut off with an ellipsis, as teasers of other articles are."""
    return line.rstrip(SENTENCE_CLOSERS + " \u00a0").endswith(ELLIPSES)


def word_count(line: str) -> int:
    """Words in a line (spaces plus one); for scripts written without spaces, about one per two characters.

    Counting spaces instead of splitting keeps this cheap; it is exact for the trimmed, single-spaced
    lines it is used on, and close enough for thresholds otherwise.
    """
    n = line.count(" ") + line.count("\n") + 1
    if len(line) > 12 * n:
        unspaced = len(_UNSPACED_SCRIPT_RE.findall(line))
        if unspaced:
            n += unspaced // 2
    return n


# QUOTE_FOLD as (character, replacement) pairs: replacing only the characters a line contains is several
# times faster than ``str.translate`` with a dict table, which looks up every character of the line.
_QUOTE_FOLD_PAIRS = tuple((chr(code), replacement) for code, replacement in QUOTE_FOLD.items())


def fold_line(line: str) -> str:
    """A comparison key for a line: accents and quote styles folded, case and spacing ignored.

    Equal to ``NFKC → QUOTE_FOLD → casefold → whitespace runs to one space, trimmed``. It is computed for
    every short line of every article (the corpus profile), so it takes shortcuts that give the same
    result: ASCII text is already NFKC-normal and casefolds as ``lower()``, and ``split()`` splits on
    exactly the characters ``\\s`` matches.
    """
    if line.isascii():
        folded = line.lower()
        if "`" in folded:
            folded = folded.replace("`", "'")
    else:
        folded = unicodedata.normalize("NFKC", line)
        for character, replacement in _QUOTE_FOLD_PAIRS:
            if character in folded:
                folded = folded.replace(character, replacement)
        folded = folded.casefold()
    return " ".join(folded.split())


def line_hash(line: str) -> int:
    """A stable 64-bit hash of :func:`fold_line` (stable across processes, unlike ``hash``)."""
    digest = hashlib.blake2b(fold_line(line).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def line_hashes(text: str, max_chars: int) -> set[int]:
    """:func:`line_hash` of every non-blank line of ``text`` (split on ``\\n``, trimmed) that is at most
    ``max_chars`` long."""
    hashes: set[int] = set()
    for raw in text.split("\n"):
        line = raw.strip()
        # Long lines are skipped before folding: in news text they are most of the characters.
        if line and len(line) <= max_chars:
            hashes.add(line_hash(line))
    return hashes


# Hard-wrapped plain text (e-mail, wire copy) breaks lines at a fixed width inside paragraphs. Calibrated
# by eye on wire copy wrapped at 65-80 columns: lines of wrapped prose are at least 30 characters and no
# line exceeds 100, while web-page text has paragraphs of several hundred characters on one line.
_WRAP_MIN_LINES = 8
_WRAP_LINE_MIN = 30
_WRAP_WIDTH_MAX = 100


def _is_hard_wrapped(lines: list[TextLine]) -> bool:
    long_lines = [ln for ln in lines if len(ln.text) >= _WRAP_LINE_MIN]
    if len(long_lines) < _WRAP_MIN_LINES or max(len(ln.text) for ln in lines) > _WRAP_WIDTH_MAX:
        return False
    unfinished = sum(1 for ln in long_lines if not ends_sentence(ln.text))
    return unfinished * 2 >= len(long_lines)


def _continues(text: str, prev: TextLine, nxt: TextLine) -> bool:
    """Whether ``nxt`` carries on the sentence ``prev`` left unfinished on the very next line."""
    if not nxt.text[0].islower():
        return False
    last_line = prev.text[prev.text.rfind("\n") + 1 :]
    if len(last_line) < _WRAP_LINE_MIN or ends_sentence(last_line) or last_line.endswith(":"):
        return False
    return text.count("\n", prev.end, nxt.start) == 1


def paragraph_lines(text: str) -> list[TextLine]:
    """The paragraphs of a text, each with its offsets.

    A paragraph is normally one line (web text and most news feeds put a paragraph on a line). Lines that
    continue a sentence (next line starts in lower case) are joined, and in hard-wrapped text every
    block between blank lines is one paragraph. ``text[p.start:p.end] == p.text`` for every paragraph.
    """
    lines = lines_with_offsets(text)
    if not lines:
        return []
    wrapped = _is_hard_wrapped(lines)
    out: list[TextLine] = []
    cur = lines[0]
    for ln in lines[1:]:
        joined = text.count("\n", cur.end, ln.start) == 1 if wrapped else _continues(text, cur, ln)
        if joined:
            cur = TextLine(cur.start, ln.end, text[cur.start : ln.end])
        else:
            out.append(cur)
            cur = ln
    out.append(cur)
    return out
