"""Quantities the article or a speaker claims: "some 1,500 militants", "between six and eight thousand".

A quantity is a number (digits, number words, a fraction, a percentage or an amount of money) together
with its qualifier and, when present, the thing counted. ``Quantity.text`` covers the qualifier, the
number and the counted noun, so "some 1,500 militants" is one quantity with ``low == high == 1500``,
unit "militants" and qualifier "approximately".

Qualifier vocabulary (``Quantity.qualifier``):

==============  =====================================================================================
exact           no hedge, or "only", "just", "exactly", "precisely"
approximately   some, about, around, approximately, roughly, nearly, almost, an estimated, close to,
                circa, "~", "or so"
up to           up to, as many as, as much as, within, at most, no more than, a maximum of
more than       more than, over, at least, upwards of, in excess of, above, no fewer than, "or more",
                "100-plus"
fewer than      less than, fewer than, under, below, "or fewer", "or less"
between         any range: "X to Y", "X-Y", "between X and Y", "X or Y", and the plural magnitudes
==============  =====================================================================================

Numbers: digits with thousands separators and decimals ("1,500", "2.5"), number words ("twenty-one",
"two hundred and fifty thousand", "a dozen"), scale words and abbreviations ("1.5 million", "$2bn"),
fractions and shares ("half", "a third", "two-thirds", "one in five"; unit "fraction"), percentages
(unit "percent") and money ("$5 million" is 5e6 with unit "USD"; a bare "$" is read as US dollars). In
a range a trailing scale word multiplies both ends: "between six and eight thousand" is 6000-8000 and
"two or three hundred" is 200-300.

Plural magnitudes are read as ranges bounded by the next magnitude (qualifier "between"): "dozens of"
24-99, "hundreds of" 200-999, "thousands of" 2,000-9,999, "tens of thousands of" 20,000-99,999,
"hundreds of thousands of" 200,000-999,999, "millions of" 2e6-999,999,999, "billions of"
2e9-999,999,999,999. Vague counts with no numeric anchor ("several thousand", "a few hundred", "many")
are not emitted: they claim no number a reader could check.

Not quantities (precision matters more than recall here): dates ("October 21", "7 Oct", "on the
19th"), years and year ranges, clock times ("12:29", "5 p.m."), ordinals, identifiers ("Resolution
2254", "TV 2", "Article 5", "F-16", "COVID-19", "Group of 20"), positions in a sequence ("1 of 24"),
"one" used as a pronoun or idiom ("one way or another", "one's own goals", "day one"), points in time
("two years ago"), multipliers ("10 times"), and bare numbers with neither a qualifier nor a counted
noun. A small spelled-out number after a definite determiner ("the two countries", "its three
members") refers back to known things rather than claiming a count, so it is skipped; a hyphenated
measure ("the two-week-long pause") is still kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from .model import Article, Quantity, Statement
from .pipeline import stage

# --- vocabulary ----------------------------------------------------------------------------------------

_SMALL_NUMBERS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1,
}  # fmt: skip
# Scales as powers of ten so that "4.1 million" becomes float("4.1e6") exactly, not 4099999.99….
_SCALE_EXPONENTS: dict[str, int] = {
    "hundred": 2, "thousand": 3, "million": 6, "billion": 9, "trillion": 12,
    "k": 3, "m": 6, "mn": 6, "mln": 6, "b": 9, "bn": 9, "tn": 12,
}  # fmt: skip
_DENOMINATORS: dict[str, int] = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5,
    "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9,
    "ninths": 9, "tenth": 10, "tenths": 10,
}  # fmt: skip
# Plural magnitudes ("hundreds of people") as (low, high): from twice the magnitude to just under the next.
_PLURAL_MAGNITUDES: dict[str, tuple[float, float]] = {
    "dozens": (24, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 999_999_999),
    "tens of millions": (20_000_000, 99_999_999),
    "hundreds of millions": (200_000_000, 999_999_999),
    "billions": (2_000_000_000, 999_999_999_999),
}
_CURRENCY_SYMBOLS: dict[str, str] = {
    "$": "USD", "us$": "USD", "c$": "CAD", "a$": "AUD", "hk$": "HKD", "€": "EUR", "£": "GBP", "¥": "JPY",
    "usd": "USD", "eur": "EUR", "gbp": "GBP",
}  # fmt: skip
_CURRENCY_WORDS: dict[str, str] = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pounds sterling": "GBP",
    "ruble": "RUB", "rubles": "RUB", "rouble": "RUB", "roubles": "RUB", "yuan": "CNY", "renminbi": "CNY",
    "yen": "JPY", "rupee": "INR", "rupees": "INR", "peso": "MXN", "pesos": "MXN", "shekel": "ILS",
    "shekels": "ILS", "lira": "TRY", "liras": "TRY", "riyal": "SAR", "riyals": "SAR",
}  # fmt: skip
_QUALIFIERS: dict[str, str] = {
    "only": "exact", "just": "exact", "exactly": "exact", "precisely": "exact",
    "some": "approximately", "about": "approximately", "around": "approximately",
    "approximately": "approximately", "approx.": "approximately", "roughly": "approximately",
    "nearly": "approximately", "almost": "approximately", "an estimated": "approximately",
    "estimated": "approximately", "close to": "approximately", "circa": "approximately",
    "~": "approximately",
    "up to": "up to", "as many as": "up to", "as much as": "up to", "within": "up to", "at most": "up to",
    "no more than": "up to", "not more than": "up to", "a maximum of": "up to",
    "more than": "more than", "over": "more than", "at least": "more than", "upwards of": "more than",
    "in excess of": "more than", "above": "more than", "no fewer than": "more than",
    "no less than": "more than", "just over": "more than", "well over": "more than",
    "a minimum of": "more than",
    "less than": "fewer than", "fewer than": "fewer than", "under": "fewer than", "below": "fewer than",
    "just under": "fewer than",
    "between": "between",
}  # fmt: skip
_TAIL_QUALIFIERS: dict[str, str] = {
    "more": "more than",
    "so": "approximately",
    "fewer": "fewer than",
    "less": "fewer than",
}
# Hedge-free qualifiers: after "only two" a counted noun is still needed to make it a claim.
_EXACT_WORDS = frozenset(q for q, kind in _QUALIFIERS.items() if kind == "exact")
_LONGEST_QUALIFIER_WORDS = 3
_QUALIFIER_LAST_WORDS = frozenset(q.split()[-1] for q in _QUALIFIERS)  # a cheap test before the lookup
# Units glued on with hyphens ("two-week-long", "12-year-old", "a 100-member"), singular → plural.
_HYPHEN_UNITS: dict[str, str] = {
    "second": "seconds", "minute": "minutes", "hour": "hours", "day": "days", "week": "weeks",
    "month": "months", "year": "years", "decade": "decades", "century": "centuries", "mile": "miles",
    "kilometer": "kilometers", "kilometre": "kilometres", "km": "km", "meter": "meters", "metre": "metres",
    "foot": "feet", "feet": "feet", "inch": "inches", "yard": "yards", "acre": "acres", "pound": "pounds",
    "ton": "tons", "tonne": "tonnes", "member": "members", "seat": "seats", "point": "points",
    "vote": "votes", "game": "games", "page": "pages", "bed": "beds", "story": "stories",
    "storey": "storeys", "floor": "floors", "man": "men", "person": "people", "nation": "nations",
    "country": "countries", "judge": "judges", "mph": "mph", "percent": "percent",
}  # fmt: skip
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_MONTH_NAMES = frozenset(m.lower() for m in _MONTHS.split("|")) - {"may"}  # "may" is mostly the verb

# Words right before a number that make it a label, not a count ("resolution 2254", "page 3", "day one").
_IDENTIFIER_NOUNS = frozenset({
    "resolution", "resolutions", "article", "articles", "section", "chapter", "page", "pages", "paragraph",
    "clause", "item", "number", "no.", "no", "room", "flight", "route", "highway", "interstate", "channel",
    "level", "phase", "round", "game", "week", "day", "season", "episode", "grade", "district", "precinct",
    "ward", "line", "lane", "gate", "platform", "terminal", "volume", "vol.", "issue", "version", "model",
    "type", "class", "category", "stage", "step", "act", "title", "amendment", "tier", "zone", "sector",
    "block", "unit", "code", "exit", "apartment", "apt.", "suite", "floor", "bus", "train", "seat", "row",
    "pier", "proposition", "prop.", "question", "verse", "psalm", "rule",
})  # fmt: skip
# "the two leaders", "its three members", "the party's previous two nominees": back-references.
_DETERMINERS = frozenset(
    ["the", "these", "those", "its", "their", "his", "her", "our", "my", "your", "both", "all"]
)
_DETERMINER_ADJECTIVES = frozenset({
    "first", "last", "past", "next", "previous", "other", "former", "latter", "remaining", "same", "final",
    "initial",
})  # fmt: skip
# Spelled numbers below this after a determiner are back-references ("the two leaders", "its twelve
# members"); larger ones are usually counts ("the fifteen dead"). Checked by eye on 600 allsides articles.
_DEFINITE_SMALL_LIMIT = 13
# Words that end the search for a counted noun: no counted noun comes after one of them.
_STOP_WORDS = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "nor", "is", "are", "was",
    "were", "be", "been", "being", "has", "have", "had", "will", "would", "could", "should", "may", "might",
    "can", "must", "shall", "do", "does", "did", "that", "which", "who", "whom", "whose", "this", "these",
    "those", "it", "its", "their", "his", "her", "they", "he", "she", "we", "you", "i", "me", "us", "him",
    "them", "our", "my", "your", "as", "by", "with", "from", "than", "per", "into", "onto", "over", "under",
    "after", "before", "ago", "later", "earlier", "more", "less", "fewer", "most", "least", "so", "not",
    "no", "all", "each", "every", "out", "up", "down", "about", "there", "here", "then", "when", "while",
    "where", "if", "because", "since", "until", "during", "through", "across", "against", "among",
    "between", "within", "without", "along", "around", "also", "only", "just", "even", "still", "yet",
    "again", "already", "times", "time", "percent", "very", "too", "such", "other", "another", "same",
    "own", "what", "how", "why", "whether", "either", "neither", "both", "some", "any", "many", "much",
    "few", "several", "said", "says", "say", "told", "according", "roughly", "nearly", "approximately",
    "almost", "estimated", "reportedly",
})  # fmt: skip
# Forms ending in "s" that are not plural nouns, so never the counted noun.
_NOT_PLURAL = frozenset({
    "is", "was", "has", "does", "goes", "says", "seems", "means", "remains", "includes", "shows", "makes",
    "takes", "gives", "comes", "becomes", "looks", "needs", "wants", "gets", "puts", "lets", "represents",
    "marks", "stands", "appears", "happens", "continues", "follows", "tells", "calls", "asks", "believes",
    "thinks", "knows", "sees", "feels", "keeps", "plays", "equals", "amounts", "accounts", "compares",
    "contains", "costs", "pays", "holds", "leads", "leaves", "rises", "falls", "grows", "increases",
    "decreases", "reaches", "this", "his", "its", "hers", "ours", "yours", "theirs", "thus", "plus",
    "minus", "us", "as", "less", "unless", "yes", "always", "perhaps", "towards", "afterwards", "besides",
    "sometimes", "whereas", "nevertheless", "regardless", "nonetheless", "various", "news", "whereabouts",
    "across",
})  # fmt: skip
_IRREGULAR_PLURALS = frozenset({
    "people", "children", "men", "women", "police", "personnel", "staff", "troops", "cattle", "feet",
    "teeth", "mice", "geese", "sheep", "fish", "aircraft", "crew", "youth", "livestock", "militia",
    "infantry", "clergy",
})  # fmt: skip
# A capitalised plural counts people ("Americans", "Democrats", "Iraqis"); a capitalised word merely
# ending in s is usually a name ("Las Vegas", "Texas", "Williams").
_PEOPLE_PLURAL_ENDINGS = (
    "ans", "ats", "ists", "ines", "ers", "ites", "ics", "ims", "urds", "ews", "ons",
    "qis", "lis", "nis", "dis",
)  # fmt: skip
# Qualifiers that are also prepositions; they hedge durations and measures ("within two months", "over
# three years") but not counts of things ("under two contracts").
_PREPOSITIONS = frozenset({"under", "over", "within", "above", "below"})
_AMOUNT_UNITS = frozenset([*_HYPHEN_UNITS.values(), *_HYPHEN_UNITS, "percent", "percentage points"])
_MEASURE_UNITS = frozenset({
    "km", "kg", "mph", "kph", "km/h", "mm", "cm", "ft", "lb", "lbs", "mg", "gw", "mw", "kw", "kwh", "mwh",
    "sq", "square", "cubic", "metric", "celsius", "fahrenheit",
})  # fmt: skip
# "at least one Syrian soldier": the noun after "one" closes a run of at most two words; with three,
# the third was a verb or a preposition in most of the 600 allsides articles read for this.
_SINGULAR_PHRASE_WORDS = 2
_YEAR_RANGE = (1800, 2100)
_MAX_DIGITS = 16  # "9,999,999,999,999": longer digit runs are identifiers
# Characters looked at before a number: room for the longest qualifier ("no fewer than", 13) and the two
# words before it, which the label and back-reference checks read.
_CONTEXT_WINDOW = 48
_OPENING_PUNCTUATION = "“\"‘'([«"

# --- patterns ------------------------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    # Longest first so that "seventeen" is tried before "seven" and "no more than" before "more than".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _literal_trie(words: Iterable[str]) -> str:
    """Alternation grouped by first letter (either case) so the regex engine fails fast per position."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word[1:])
    branches = []
    for first, rests in sorted(by_first.items()):
        tail = _alternation(set(rests))
        branches += [f"{first}(?:{tail})", f"{first.upper()}(?:{tail})"]
    return "|".join(branches)


_ANCHOR_WORDS = [
    *(w for w in _SMALL_NUMBERS if len(w) > 2),
    *(w for w in _SCALE_EXPONENTS if len(w) > 3),
    "dozen", "dozens", "hundreds", "thousands", "millions", "billions", "tens",
    *(w for w in _DENOMINATORS if w != "second"),
]  # fmt: skip
_ANCHOR_BODY = rf"{_literal_trie(_ANCHOR_WORDS)}|[0-9$€£¥]|US\$|HK\$|C\$|A\$"
# Numbers start after a space, an opening bracket or quote, or a dash; requiring that character keeps
# the scan over the whole body cheap (the engine only tries the alternation after one of them).
_ANCHOR = re.compile(rf"[\s(“\"‘'\[—–~](?P<at>{_ANCHOR_BODY})")
_ANCHOR_AT_START = re.compile(_ANCHOR_BODY)

_SMALL_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four|five|six"
    r"|seven|eight|nine)\b)?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|one|two|three|four|five|six|seven|eight|nine|ten)\b"
)
_SCALE_WORD = r"(?:hundred|thousand|million|billion|trillion|dozen)\b"
_WORD_NUMBER = (
    rf"(?:{_SMALL_WORD}|an?\s+{_SCALE_WORD})"
    rf"(?:[\s-]+{_SCALE_WORD}(?:(?:\s+and\s+|[\s-]+){_SMALL_WORD})?)*"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CURRENCY = r"(?:US\$|C\$|A\$|HK\$|\$|€|£|¥|(?:USD|EUR|GBP)\s)"
_PERCENT_SIGN = r"(?:\s*%|\s+(?:percent|per\s?cent)\b)"


def _endpoint(name: str) -> str:
    """One end of a range: money, digits with their scale, or number words; groups prefixed ``name``."""
    return (
        rf"(?P<{name}>(?P<{name}_cur>{_CURRENCY})?\s?"
        rf"(?:(?P<{name}_digits>{_DIGITS})(?:\s+(?P<{name}_scale>{_SCALE_WORD})|(?P<{name}_abbr>bn|mn|mln|tn|[mbk])(?!\w))?"
        rf"|(?P<{name}_words>{_WORD_NUMBER}))(?P<{name}_half>\s+and\s+a\s+half\b)?(?P<{name}_pct>{_PERCENT_SIGN})?)"
    )


_FRACTION = (
    r"(?:(?:a|one|two|three|four|five|six|seven|eight|nine)[\s-])?"
    r"(?:halves|half|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)\b"
)
_MAGNITUDE = (
    r"(?:(?:tens|hundreds)\s+of\s+(?:thousands|millions)|dozens|hundreds|thousands|millions|billions)"
    r"(?=\s+of\s)"
)
_RATIO = (
    rf"(?P<rnum>\d+|{_SMALL_WORD})[\s-]+(?:in|out[\s-]+of)[\s-]+(?P<rden>\d+|{_SMALL_WORD})"
    r"(?!\s*(?:%|percent))"
)
# Tried only at anchors. It rejects numbers glued to a word or a label ("F-16", "A320", "9/11", "12:29").
_CANDIDATE = re.compile(
    rf"""
    (?<![\w.,:/#@&-])
    (?:
        (?P<ratio>{_RATIO})
      | (?P<magnitude>{_MAGNITUDE})
      | (?P<fraction>{_FRACTION})
      | {_endpoint("a")}(?:(?P<sep>\s*[-–]\s*|\s+(?:to|or|and)\s+){_endpoint("b")})?
    )
    (?![\w$€£¥]|[.,]\d|[:/]\d)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Right after the number: a possessive ("one's"), a date ("21 October"), a clock time ("5 p.m.").
_NOT_A_COUNT_AFTER = re.compile(
    rf"[’']s\b|,?[^\S\n]+(?:of[^\S\n]+)?(?-i:{_MONTHS})\b(?!-)"
    r"|[^\S\n]*(?:[ap]\.m\.|[ap]m\b|o[’']clock\b|GMT\b|UTC\b|BST\b|EST\b|EDT\b|PST\b|CET\b)",
    re.IGNORECASE,
)
# After the quantity text: "two years ago" is a point in time, "10 times greater" a multiplier.
_NOT_AN_AMOUNT_AFTER = re.compile(r"[^\S\n]+(?:ago|later|earlier|hence|times)\b", re.IGNORECASE)
_TAIL_QUALIFIER = re.compile(r"\s+or\s+(?P<t>more|so|fewer|less)\b|(?P<plus>-plus\b|\+)", re.IGNORECASE)
# The unit right after a number: a percent sign, a currency word, or a hyphenated measure.
_UNIT_AFTER = re.compile(
    r"(?P<percent>\s*%|\s+(?:percent|per\s?cent|pct)\b)|\s+(?P<points>percentage\s+points?)\b"
    rf"|\s+(?:(?:US|U\.S\.|American|Canadian|Australian)\s+)?(?P<cw>{_alternation(_CURRENCY_WORDS)})\b"
    rf"|(?P<compound>-(?:(?P<hunit>{_alternation(_HYPHEN_UNITS)})(?:-(?:long|old|high|wide|deep|tall))?"
    r"|(?P<strong>strong)))\b(?:[^\S\n]+(?P<noun>(?-i:[a-z][a-z-]*[a-z])))?",
    re.IGNORECASE,
)
_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Za-z][A-Za-z’'-]*[A-Za-z]|[A-Za-z])"
_WORDS_AFTER = re.compile(rf"[^\S\n]+({_WORD})(?:[^\S\n]+({_WORD}))?(?:[^\S\n]+({_WORD}))?")
# "half of the militants", "thousands of dollars": the partitive after a share or a magnitude.
_OF_DETERMINER = re.compile(
    r"[^\S\n]+of(?:[^\S\n]+(?P<det>the|its|their|all|his|her|our|those|these|them|us|it)\b)?", re.IGNORECASE
)
# A year standing alone, rejected before the full candidate pattern is tried ("2016-17" and "2015 to
# 2016" still go through it).
_YEAR_AHEAD = re.compile(r"(?:1[89]|20)\d\d(?![\d,.%-]|[^\S\n]*(?:to|or|and|percent)\b)")
_NEXT_WORD = re.compile(r"[^\S\n]*([A-Za-z][\w’'-]*)")
_BIG_SCALE = re.compile(r"million|billion|trillion", re.IGNORECASE)
_NOT_A_SHARE_BEFORE = re.compile(
    r"(?:first|second|latter|other|back|front|top|bottom|upper|lower|and)\s+$", re.I
)


# --- reading numbers -----------------------------------------------------------------------------------


class _Value(NamedTuple):
    """One end of a quantity as ``base * 10**exponent``, so a scale can be shared across a range."""

    base: float
    exponent: int
    currency: str | None
    percent: bool
    spelled: bool  # written in words ("two"), not digits
    year_like: bool  # four bare digits that read as a year

    @property
    def value(self) -> float:
        return _exact(self.base, self.exponent)


def _exact(base: float, exponent: int) -> float:
    # Decimal scaling keeps "4.1 million" at 4100000.0, where 4.1 * 10**6 picks up binary rounding noise.
    return float(Decimal(repr(base)).scaleb(exponent)) if exponent else base


def _tidy(number: float) -> float:
    """Integral values as ints (1500, not 1500.0); the rest rounded so that 2/3 compares stably."""
    if number.is_integer() and abs(number) < 1e18:
        return int(number)
    return round(number, 6)


def _words_to_number(words: str) -> tuple[float, int]:
    """Number words to (base, exponent): "eight thousand" → (8, 3), "two hundred fifty" → (250, 0)."""
    tokens = [t for t in re.split(r"[\s-]+", words.lower()) if t and t != "and"]
    total = 0.0
    current = 0.0
    for token in tokens:
        if token in _SMALL_NUMBERS:
            current += _SMALL_NUMBERS[token]
        elif token == "dozen":
            current = max(current, 1) * 12
        elif token == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * 10 ** _SCALE_EXPONENTS[token]
            current = 0
    value = total + current
    last = tokens[-1]
    if last in _SCALE_EXPONENTS and value:
        exponent = _SCALE_EXPONENTS[last]
        return value / 10**exponent, exponent
    return value, 0


# The groups of each endpoint of _CANDIDATE, fetched in one call.
_ENDPOINT_GROUPS = {
    name: tuple(f"{name}_{part}" for part in ("cur", "digits", "abbr", "scale", "words", "half", "pct"))
    for name in ("a", "b")
}


def _parse_endpoint(match: re.Match[str], name: str) -> _Value | None:
    """The value of endpoint ``name`` ("a" or "b") of a candidate match."""
    symbol, digits, abbreviation, scale_word, words, half, percent = match.group(*_ENDPOINT_GROUPS[name])
    currency = _CURRENCY_SYMBOLS.get(symbol.strip().lower()) if symbol else None
    year_like = False
    if digits:
        if len(digits) > _MAX_DIGITS:
            return None  # an identifier or a phone number, not an amount
        base = float(digits.replace(",", ""))
        if abbreviation and currency is None:
            return None  # "10m", "5k": metres or a race distance, not millions or thousands
        scale = (scale_word or abbreviation or "").lower()
        if scale == "dozen":
            base, exponent = base * 12, 0
        else:
            exponent = _SCALE_EXPONENTS.get(scale, 0)
        year_like = len(digits) == 4 and not exponent and _YEAR_RANGE[0] <= base < _YEAR_RANGE[1]
        spelled = False
    else:
        base, exponent = _words_to_number(words)
        spelled = True
    if half:
        base += 0.5 / 10**exponent
    return _Value(base, exponent, currency, bool(percent), spelled, year_like)


def _scaled_pair(first: _Value, second: _Value) -> tuple[float, float]:
    """Range ends sharing a trailing scale: "six and eight thousand" → 6000, 8000."""
    if second.exponent and not first.exponent and first.base <= second.base:
        return _exact(first.base, second.exponent), second.value
    return first.value, second.value


# --- what comes before the number ----------------------------------------------------------------------


class _Context(NamedTuple):
    start: int  # where the quantity text starts: the qualifier, when there is one
    qualifier: str | None  # the qualifier kind ("approximately"…)
    qualifier_word: str | None  # the qualifier as matched ("some")
    previous: str  # the token before the quantity text, as written ("" at the start of the text)
    previous_start: int  # set when ``previous`` is capitalised, else the quantity start
    before_previous: str  # the token before that
    definite: bool  # "the two leaders": a determiner right before an unqualified number


def _context_before(text: str, start: int) -> _Context:
    window_start = max(0, start - _CONTEXT_WINDOW)
    chunk = text[window_start:start]
    tokens = chunk.split()
    if window_start > 0 and tokens and not chunk[0].isspace():
        tokens.pop(0)  # may be the tail of a longer word cut by the window
    qualifier = qualifier_word = None
    quantity_start = start
    kept = len(tokens)
    if chunk.endswith("~"):
        qualifier_word, quantity_start = "~", start - 1
        if tokens and tokens[-1] == "~":
            kept -= 1
    elif chunk[-1:].isspace() and tokens and tokens[-1].lower() in _QUALIFIER_LAST_WORDS:
        for count in range(min(_LONGEST_QUALIFIER_WORDS, kept), 0, -1):
            phrase = " ".join(tokens[-count:]).lower().lstrip(_OPENING_PUNCTUATION)
            if phrase in _QUALIFIERS:
                qualifier_word = phrase
                kept -= count
                first_token = tokens[kept]
                first_start = window_start + _token_start(chunk, tokens, kept)
                quantity_start = (
                    first_start + len(first_token) - len(first_token.lstrip(_OPENING_PUNCTUATION))
                )
                break
    if qualifier_word is not None:
        qualifier = _QUALIFIERS[qualifier_word]
    previous = tokens[kept - 1] if kept >= 1 else ""
    previous_start = quantity_start
    if previous[:1].isupper():  # only a capitalised word needs its position (is it a sentence start?)
        previous_start = window_start + _token_start(chunk, tokens, kept - 1)
    before_previous = tokens[kept - 2] if kept >= 2 else ""
    definite = False
    if qualifier is None and previous:
        last = previous.lower().lstrip(_OPENING_PUNCTUATION)
        definite = (
            last in _DETERMINERS
            or (last.endswith(("’s", "'s")) and previous[0].isupper())
            or (last in _DETERMINER_ADJECTIVES and before_previous.lower() in _DETERMINERS)
        )
    return _Context(
        quantity_start, qualifier, qualifier_word, previous, previous_start, before_previous, definite
    )


def _token_start(chunk: str, tokens: list[str], index: int) -> int:
    """Offset in ``chunk`` of ``tokens[index]``, walking back from the end over whitespace-split tokens."""
    cursor = len(chunk)
    for position in range(len(tokens) - 1, index - 1, -1):
        # Only whitespace follows each token up to the cursor, so its last occurrence is the token itself.
        cursor = chunk.rfind(tokens[position], 0, cursor)
    return cursor


def _sentence_initial(text: str, token_start: int) -> bool:
    """Whether the token at ``token_start`` opens a sentence, a line or a quotation."""
    before = text[max(0, token_start - 4) : token_start]
    stripped = before.rstrip()
    if not stripped or "\n" in before:
        return True
    return stripped[-1] in '.!?:;"“”’)]' or text[token_start] in _OPENING_PUNCTUATION


def _is_label(text: str, context: _Context) -> bool:
    """ "Resolution 2254", "TV 2", "Group of 20", "page 3", "October 21", "1 of 24": not a count."""
    previous = context.previous
    if not previous:
        return False
    lowered = previous.lower()
    if lowered in _IDENTIFIER_NOUNS or lowered.rstrip(".,") in _MONTH_NAMES or previous.rstrip(".,") == "May":
        return True
    if lowered == "of" and context.before_previous:
        # "1 of 24 photos" is a position; "Group of 20" a name.
        if context.before_previous.isdigit():
            return True
        return context.before_previous[0].isupper() and context.qualifier is None
    if context.qualifier is not None or not previous[0].isupper():
        return False
    if previous[-1] in ".,:;!?)”\"’'" and not previous.endswith(("’s", "'s")):
        return False  # the name, if any, ended before the punctuation
    if previous.endswith(("’s", "'s")):
        return False  # "Syria's 2 million refugees"
    return not _sentence_initial(text, context.previous_start)


# --- what comes after the number -----------------------------------------------------------------------


class _Unit(NamedTuple):
    unit: str | None
    end: int


class _UnitMatch(NamedTuple):
    unit: str | None
    end: int  # end of the quantity text
    found: bool  # a unit or counted noun follows the number
    hyphenated: bool  # a measure glued on with hyphens: "two-week-long", "12-year-old"


def _is_plural_noun(word: str) -> bool:
    lowered = word.lower()
    if lowered in _IRREGULAR_PLURALS:
        return True
    if lowered in _NOT_PLURAL or lowered in _STOP_WORDS or len(lowered) < 3:
        return False
    if word[0].isupper() and not word.isupper():
        return lowered.endswith(_PEOPLE_PLURAL_ENDINGS)
    if lowered.endswith(("ss", "us", "is", "ous", "’s", "'s")):
        return False
    return lowered.endswith("s")


def _counted_noun(text: str, pos: int, singular: bool) -> _Unit | None:
    """The counted noun after a number: "1,500 militants", "41,825 Palestinian civilians"."""
    words = _WORDS_AFTER.match(text, pos)
    if words is None:
        return None
    run: list[tuple[str, int]] = []
    for index in range(1, 4):
        word = words.group(index)
        if word is None or word.lower() in _STOP_WORDS:
            break
        if singular and run and word.endswith("ed"):
            break  # "more than one man claimed": the verb after the noun
        run.append((word, words.end(index)))
        lowered = word.lower()
        if index == 1 and lowered in _MEASURE_UNITS:
            return _Unit(lowered, words.end(index))
        if not singular and _is_plural_noun(word):
            return _Unit(word, words.end(index))
    if singular and run:
        word, end = run[min(len(run), _SINGULAR_PHRASE_WORDS) - 1]
        return _Unit(word, end)
    return None


def _partitive(text: str, pos: int, singular: bool) -> _Unit | None:
    """ "of the militants", "of all Americans", "of them" after a share or a magnitude."""
    of = _OF_DETERMINER.match(text, pos)
    if of is None:
        return None
    noun = _counted_noun(text, of.end(), singular=False)
    if noun is None and singular:
        noun = _counted_noun(text, of.end(), singular=True)  # "two-thirds of the Senate"
    if noun is not None:
        return noun
    if of["det"] and of["det"].lower() in ("them", "us", "it"):
        return _Unit(None, of.end())
    return None


def _unit_after(text: str, pos: int, value: _Value, singular: bool) -> _UnitMatch:
    """The unit or counted noun after the number at ``pos``, and where the quantity text ends."""
    if value.percent:
        return _UnitMatch("percent", pos, True, False)
    unit = _UNIT_AFTER.match(text, pos)
    if unit is not None and unit["compound"] is None:
        if unit["cw"]:
            return _UnitMatch(_CURRENCY_WORDS[unit["cw"].lower()], unit.end(), True, False)
        return _UnitMatch("percentage points" if unit["points"] else "percent", unit.end(), True, False)
    if value.currency is not None:
        return _UnitMatch(value.currency, pos, True, False)
    if unit is not None:
        noun = unit["noun"]
        described = noun is not None and noun.lower() not in _STOP_WORDS
        # "two-week-long pause": the text runs on to the noun the measure describes.
        end = unit.end("noun") if described else unit.end("compound")
        if unit["strong"]:
            return _UnitMatch(noun if described else None, end, True, True)
        singular_form = unit["hunit"].lower()
        return _UnitMatch(singular_form if singular else _HYPHEN_UNITS[singular_form], end, True, True)
    if text.startswith("-", pos):
        return _UnitMatch(None, pos, False, False)  # "two-state solution", "one-sided": not a count
    noun = _counted_noun(text, pos, singular)
    if noun is not None:
        return _UnitMatch(noun.unit, noun.end, True, False)
    return _UnitMatch(None, pos, False, False)


# --- the extractor -------------------------------------------------------------------------------------


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity claimed in ``text``, in order; each has ``text[q.start:q.end] == q.text``."""
    found: list[Quantity] = []
    pos = 0
    anchor = _ANCHOR_AT_START.match(text)
    at = 0 if anchor is not None else -1
    while True:
        if at < 0:
            next_anchor = _ANCHOR.search(text, pos)
            if next_anchor is None:
                break
            at = next_anchor.start("at")
        quantity, resume = _read_at(text, at)
        if quantity is not None:
            found.append(quantity)
        pos = max(resume, at + 1) - 1  # the anchor pattern includes the character before a number
        at = -1
    return found


def _read_at(text: str, at: int) -> tuple[Quantity | None, int]:
    """The quantity whose number starts at ``at`` (or None) and where the scan resumes."""
    if _YEAR_AHEAD.match(text, at):
        return None, at + 4  # "in 2016", "2016 conference": the commonest number in news, never a count
    start = at
    if text[at].isalpha():
        # "a dozen", "a third", "a million": the article is part of the number.
        for article in ("a ", "an "):
            if text[max(0, at - len(article)) : at].lower() == article:
                start = at - len(article)
    match = _CANDIDATE.match(text, start)
    if match is None and start != at:
        match = _CANDIDATE.match(text, at)
    if match is None:
        return None, at + 1
    end = match.end()
    if _NOT_A_COUNT_AFTER.match(text, end) or _is_bare_year(match) or _plainly_no_claim(text, match):
        return None, end
    context = _context_before(text, match.start())
    if _is_label(text, context):
        return None, end
    if match["ratio"]:
        return _read_ratio(text, match, context), end
    if match["magnitude"]:
        return _read_magnitude(text, match, context), end
    if match["fraction"]:
        return _read_fraction(text, match, context), end
    return _read_number(text, match, context)


def _plainly_no_claim(text: str, match: re.Match[str]) -> bool:
    """A cheap early answer for the commonest case: a lone number ("December 2,", "one of the", "Votes:
    532,000") with nothing after it that could be a unit and no hedge word before it. The full reading
    would reject it too; this only saves the work."""
    if match["a"] is None or match["b"] is not None or match["a_cur"] or match["a_pct"] or match["a_abbr"]:
        return False
    scale = (match["a_scale"] or "").lower()
    if scale in ("million", "billion", "trillion") or (
        match["a_words"] and _BIG_SCALE.search(match["a_words"])
    ):
        return False  # "22 million" is a claim on its own
    end = match.end()
    start = match.start()
    before = text[max(0, start - 24) : start].split()
    words = (match["a_words"] or "").lower()
    small_word = words in _SMALL_NUMBERS and _SMALL_NUMBERS[words] < _DEFINITE_SMALL_LIMIT
    if small_word and before and before[-1].lower() in _DETERMINERS and not text.startswith("-", end):
        return True  # "the two leaders": a back-reference (see _worth_keeping)
    following = _NEXT_WORD.match(text, end)
    if following is None:
        if text.startswith(("-", "+", "%"), end):
            return False  # "two-week-long", "100+", "5%"
    elif following.group(1).lower() not in _STOP_WORDS or following.group(1).lower() == "or":
        return False  # a possible counted noun, or "10 or more"
    if start and text[start - 1] == "~":
        return False
    return not (before and text[start - 1].isspace() and before[-1].lower() in _QUALIFIER_LAST_WORDS)


def _is_bare_year(match: re.Match[str]) -> bool:
    """ "2016", "in April 2016": years are the commonest numbers in news and never counts. Checked before
    anything else for speed; the cost is that an unseparated count like "2000 people" is not read."""
    number = match["a"]
    return (
        number is not None
        and match["b"] is None
        and len(number) == 4
        and number.isdigit()
        and _YEAR_RANGE[0] <= int(number) < _YEAR_RANGE[1]
    )


def _parse_small(token: str) -> float:
    return float(token) if token.isdigit() else float(_words_to_number(token)[0])


def _read_ratio(text: str, match: re.Match[str], context: _Context) -> Quantity | None:
    numerator = _parse_small(match["rnum"])
    denominator = _parse_small(match["rden"])
    if not denominator or numerator > denominator:
        return None  # "2 in 1" is no share
    share = _tidy(numerator / denominator)
    # "one in five Americans": the population stays in the text; the unit is the share itself.
    population = _counted_noun(text, match.end(), singular=False)
    end = population.end if population is not None else match.end()
    return _make(text, context.start, end, share, share, "fraction", context.qualifier or "exact")


def _read_magnitude(text: str, match: re.Match[str], context: _Context) -> Quantity | None:
    low, high = _PLURAL_MAGNITUDES[" ".join(match["magnitude"].lower().split())]
    of = _OF_DETERMINER.match(text, match.end())
    money = _UNIT_AFTER.match(text, of.end()) if of is not None and not of["det"] else None
    if money is not None and money["cw"]:
        return _make(
            text, context.start, money.end(), low, high, _CURRENCY_WORDS[money["cw"].lower()], "between"
        )
    noun = _partitive(text, match.end(), singular=False)
    if noun is None or noun.unit is None:
        return None
    return _make(text, context.start, noun.end, low, high, noun.unit, "between")


def _read_fraction(text: str, match: re.Match[str], context: _Context) -> Quantity | None:
    words = re.split(r"[\s-]+", match["fraction"].lower())
    if len(words) == 1 and words[0] not in ("half", "halves"):
        return None  # a bare "third" or "quarter": an ordinal or a district
    if text.startswith("-", match.end()):
        return None  # "a half-hour", "a quarter-century": part of a compound
    if words[-1] in ("half", "halves") and _NOT_A_SHARE_BEFORE.search(
        text, max(0, match.start() - 10), match.start()
    ):
        return None  # "the second half of 2016", "two and a half"
    numerator = _SMALL_NUMBERS[words[0]] if len(words) == 2 else 1
    share = _tidy(numerator / _DENOMINATORS[words[-1]])
    of_phrase = _partitive(text, match.end(), singular=True)
    if context.qualifier is None or context.qualifier_word in _EXACT_WORDS:
        if of_phrase is None:
            return None  # "in half", "a third term": no share is claimed
        qualifier = "exact"
    else:
        qualifier = context.qualifier
    end = of_phrase.end if of_phrase is not None else match.end()
    return _make(text, context.start, end, share, share, "fraction", qualifier)


def _read_number(text: str, match: re.Match[str], context: _Context) -> tuple[Quantity | None, int]:
    """A number or a range; when the two numbers are no range, the second is read on its own."""
    resume = match.end()
    first = _parse_endpoint(match, "a")
    if first is None:
        return None, resume
    second = _parse_endpoint(match, "b") if match["b"] else None
    separator = (match["sep"] or "").strip().lower()
    number_end = match.end()
    low = high = first.value
    qualifier = context.qualifier
    is_range = False
    if second is not None:
        pair = _scaled_pair(first, second)
        usable = (
            pair[0] < pair[1]
            and not (first.year_like and second.year_like)
            and not (separator in ("-", "–") and (first.spelled or second.spelled))
            and (separator != "and" or context.qualifier == "between")
            # "rose from 5 to 10 percent" is a change between two values, not a range.
            and not (separator == "to" and context.previous.lower() == "from")
        )
        if usable:
            (low, high), is_range, qualifier = pair, True, "between"
        else:
            number_end = resume = match.end("a")
            second = None
    if qualifier == "between" and not is_range:
        # "a fight between two candidates": "between" hedges nothing without a second number.
        qualifier = None
        context = context._replace(start=match.start(), qualifier=None, qualifier_word=None)
    bare_year = first.year_like and first.currency is None and not first.percent
    if bare_year and not is_range and context.qualifier is None:
        return None, resume  # "2016 conference", "in 2016"
    reference = second if second is not None else first
    unit_pos = number_end
    tail = _TAIL_QUALIFIER.match(text, number_end) if not is_range else None
    if tail is not None:
        qualifier = _TAIL_QUALIFIERS[tail["t"].lower()] if tail["t"] else "more than"
        unit_pos = tail.end()
    after = _unit_after(text, unit_pos, reference, singular=not is_range and low == 1)
    if not after.found and text.startswith("-", unit_pos) and text[unit_pos + 1 : unit_pos + 2].isalpha():
        return (
            None,
            resume,
        )  # "a billion-dollar stimulus", "a two-state solution": an adjective, not an amount
    end = after.end if after.found else unit_pos
    if _NOT_AN_AMOUNT_AFTER.match(text, end):
        return None, resume
    if is_range and separator in ("-", "–") and not after.found:
        return None, resume  # "555-1234": a phone number, not a range of counts
    if (
        context.qualifier_word in _PREPOSITIONS
        and first.spelled
        and not is_range
        and first.value < _DEFINITE_SMALL_LIMIT
        and after.unit not in _AMOUNT_UNITS
    ):
        # "under two contracts", "over one candidate": a preposition, not a hedge on the count.
        qualifier = None
        context = context._replace(start=match.start(), qualifier=None, qualifier_word=None)
    if not _worth_keeping(first, context, qualifier, after, is_range, tailed=tail is not None):
        return None, resume
    unit = after.unit if after.unit is not None or not reference.percent else "percent"
    return _make(text, context.start, end, _tidy(low), _tidy(high), unit, qualifier or "exact"), resume


def _worth_keeping(
    first: _Value, context: _Context, qualifier: str | None, after: _UnitMatch, is_range: bool, tailed: bool
) -> bool:
    """Precision over recall: a bare number needs a hedge or a counted noun to be a claim."""
    if first.spelled and first.value == 1 and not is_range and qualifier is None:
        return False  # "one way or another", "one day": "one" alone is rarely a count
    if is_range and not after.found and context.qualifier != "between" and not first.exponent:
        return False  # "women, 18 to 118": a bare pair of numbers counts nothing
    if context.definite and first.spelled and not is_range and first.value < _DEFINITE_SMALL_LIMIT:
        return after.hyphenated  # "the two leaders" is a back-reference; "the two-week-long pause" a measure
    if first.year_like and not after.found:
        return False
    hedged = qualifier is not None and context.qualifier_word not in _EXACT_WORDS
    if after.found or hedged or tailed or first.percent or first.currency is not None:
        return True
    return first.exponent >= _SCALE_EXPONENTS["million"]  # "22 million" is a claim even without a noun


def _make(
    text: str, start: int, end: int, low: float, high: float, unit: str | None, qualifier: str
) -> Quantity:
    return Quantity(text[start:end], start, end, low, high, unit, qualifier)


# --- the stage -----------------------------------------------------------------------------------------


def attribute_quantities(quantities: Sequence[Quantity], statements: Sequence[Statement]) -> list[Quantity]:
    """Each quantity with the speaker of the narrowest statement whose span contains it (else None)."""
    attributed = [
        Quantity(q.text, q.start, q.end, q.low, q.high, q.unit, q.qualifier, q.speaker) for q in quantities
    ]
    _credit_speakers(attributed, statements)
    return attributed


def _credit_speakers(quantities: Sequence[Quantity], statements: Sequence[Statement]) -> None:
    """Set each quantity's speaker: that of the narrowest statement whose span contains it (else None)."""
    spans = sorted((s.end - s.start, s.start, s.end, s.speaker) for s in statements)  # narrowest first
    for q in quantities:
        q.speaker = next((who for _, start, end, who in spans if start <= q.start and q.end <= end), None)


@stage(needs=("body", "statements"), adds=("quantities",))
def quantities_stage(article: Article) -> Article:
    """Fill ``Article.quantities`` from the cleaned body, crediting each to the speaker claiming it."""
    quantities = find_quantities(article.body)
    _credit_speakers(quantities, article.statements)  # the quantities are new: no copy needed
    article.quantities = quantities
    return article
