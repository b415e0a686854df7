"""Claim histories: the same figure across the corpus, per speaker and over time.

Every quantity the per-article analysis found ("some 1,500 militants", "between six and eight thousand
militants") is read in its sentence to decide three things, and the quantities that agree on all three
form one :class:`ClaimGroup`:

- **measure**, what is counted, normalised through a small lexicon: militants, fighters, terrorists and
  gunmen are one class ("fighters"); troops and soldiers another; deaths, the wounded, the displaced,
  immigrants, detainees, protesters, jobs, cases, air strikes, attacks, weapons; counts of "people",
  "children", "Syrians" by the verb around them ("were killed" → deaths); money by the purpose named
  near it ("aid (USD)"); percentages of one named indicator ("unemployment (%)", "approval (%)"). Only
  these are *claim-worthy*: figures a speaker puts forward, that other speakers contest and that move
  over time. Left out: durations ("a two-week-long pause", "within two months"), distances, ages, counts
  of generic things ("two targets", "100 groups"), people with no verb saying what happened to them,
  money with no purpose, votes and seats (tallies of a ballot, not estimates), and poll shares ("45
  percent support …": one poll's table holds dozens of figures for different questions). Grouped by
  place, those would join unrelated figures and flag nonsense contradictions (checked on 5,000 allsides
  articles, where votes and poll shares made most of the false flags).
- **subject**, the entity counted or owning them: a name right after the counted noun ("terrorists from
  the Al-Nusra Front"), a possessive before the number ("Nusra's 1,500 fighters"), else the nearest name
  in the same clause that is neither the speaker, the figure's source, nor a place; a possessive pronoun
  ("groups under its command") takes the subject of the previous figure of the same sentence.
- **place**, where: a name after a locative preposition ("in Aleppo") or a name the entity layer types
  as a place; "there" takes the last place of the previous sentence. A lowercase compass adjective
  ("in eastern Aleppo", "the eastern part of Aleppo") names a part of the place: the group is keyed by
  the place ("Aleppo") and the value keeps the part as its ``area`` ("East Aleppo"). News reports switch
  between "Aleppo" and "eastern Aleppo" for the same besieged enclave, and one speaker's figure would
  otherwise split across two histories. Capitalised compounds ("North Korea", "West Bank") are names,
  not parts, and are kept whole.

A figure that repeats an earlier figure of the same article (same measure, same numbers) refers to it
("Lavrov voiced doubt that 200 or 300 terrorists could have…") and takes its subject, place and source.

**Shares of a parent count.** "6,000–8,000 militants in Aleppo … among them up to half [are]
Jabhat al-Nusra" states two things: a count of all militants, and a share of it for one subject. The
parent stays in its own group (subject None); the share becomes a value of the subject's group with
``part_of`` = the parent quantity, ``share`` = (0.5, 0.5) and low/high derived from the parent
(3,000–4,000, qualifier "up to"). Its text reads "up to half of between six and eight thousand
militants", so a reader sees both numbers.

**Stance and source.** "according to the UN estimations", "the claims of Western partners", "X said"
name the figure's source (``stance == "reported"``); "according to our intelligence" is the speaker's
own (``"asserted"``); a dispute cue before the number ("voiced doubt that", "denied", "false claims")
or a refutation after it ("… is exaggerated") makes it ``"disputed"``.

**Flags.** The values of a group are read as *readings*: what one voice (the source of a reported figure,
else the speaker, else the outlet) said in one article; a reading with several different numbers lists
them as parts ("1,500 + up to 6,000"), and one with more than three is a series (a table), not compared.
A *change* is the same named speaker or source giving different numbers at a later date (a figure a
speaker relays is on his line too); an outlet's unattributed figures have no line. A *contradiction* is
two voices whose readings cannot both hold (their stated ranges do not overlap, with a tolerance for
rounding; "up to X" is read as at most X) within :data:`CONTRADICTION_WINDOW_DAYS`, in one story when
stories are known; for running totals (deaths, cases) only a later *lower* figure contradicts; rates
and amounts of money are compared only within one article. A speaker disputing a figure is a
contradiction too. Every flag carries a readable note.

The module is pure: plain data in, plain data out. :func:`sentence_contexts` gives the ``sentence``,
``offset`` and ``previous_sentence`` of a :class:`QuantityUse` from an article body.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .segment import split_sentences

# --- public data -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuantityUse:
    """One extracted quantity with what its history needs to know about its article."""

    quantity: int  # quantity row id
    article: int
    statement: int | None  # row id of the statement whose span contains it, if any
    text: str
    low: float | None
    high: float | None
    unit: str | None
    qualifier: str | None
    speaker: str | None  # canonical speaker name (corpus-level)
    sentence: str  # the sentence of the body that holds the quantity
    offset: int  # where the quantity starts inside ``sentence``
    published: str | None  # YYYY-MM-DD
    outlet: str | None
    names: Mapping[str, str]  # surface form → canonical entity name, for the entities of this article
    # Optional, each makes the reading better when given:
    # canonical name → "person" | "organization" | "place"; tells a place from a body after "in".
    kinds: Mapping[str, str] = field(default_factory=dict)
    # The sentence before ``sentence`` in the body: resolves "there" and "among them" across sentences.
    previous_sentence: str = ""
    # Offset of the quantity in the article body: orders the uses of one article (else the quantity id).
    start: int | None = None
    # The story (articles about one event) the article belongs to, when known: figures of different
    # stories are never called contradictory ("4 killed" in Benghazi and "49 killed" in Orlando).
    story: str | None = None


@dataclass(slots=True)
class ClaimValue:
    """One figure of a history, linked to its quantity, statement and article."""

    quantity: int
    article: int
    statement: int | None
    low: float | None
    high: float | None
    text: str
    speaker: str | None
    source: str | None  # whose figure it is when the speaker reports someone else's
    stance: str  # "asserted" | "reported" (attributed to ``source``) | "disputed"
    published: str | None
    outlet: str | None
    qualifier: str | None = None
    area: str | None = None  # the part of the group's place the figure is about ("East Aleppo")
    part_of: int | None = None  # for a share: the quantity id of the parent count
    share: tuple[float, float] | None = None  # for a share: its (low, high) fraction of the parent
    clause: str = ""  # the clause of the sentence holding the figure, for display
    evidence: str = ""  # how subject, place and stance were read, for an analyst
    story: str | None = None  # the story of the article, when known


@dataclass(slots=True)
class ClaimFlag:
    """A change or a contradiction between two values of one group."""

    kind: str  # "change" | "contradiction"
    a: int  # quantity ids: a, the earlier (or disputed) figure; b, the later (or disputing) one
    b: int
    note: str


@dataclass(slots=True)
class ClaimGroup:
    """The history of one figure: what is counted, of whom, where."""

    key: str  # measure|subject|place
    measure: str
    subject: str | None
    place: str | None
    values: list[ClaimValue]
    flags: list[ClaimFlag]


@dataclass(frozen=True, slots=True)
class SentenceContext:
    sentence: str
    offset: int  # where the quantity starts inside ``sentence``
    previous_sentence: str


# --- tuned constants ---------------------------------------------------------------------------------

# Two voices disagreeing within this many days contradict each other; further apart, the situation may
# have changed (fighters leave, deaths mount). A month keeps monthly tallies of a conflict comparable.
# Checked on the allsides corpus extraction: widening it to 90 days doubled the contradiction flags, most
# of the additions being tallies that grew (deaths, arrests) rather than disagreed.
CONTRADICTION_WINDOW_DAYS = 31
# How far stated numbers are widened before two readings are called incompatible: news rounds ("some
# 1,500" for 1,380), and an approximate figure says so. Chosen so that 1,500 and 1,600 agree while 300 and
# 1,500 do not.
_EXACT_TOLERANCE = 0.1
_APPROXIMATE_TOLERANCE = 0.25
# Each new reading is compared with the latest reading of at most this many other voices in the window:
# keeps a crowded group (deaths in Syria) linear, and the most recent voices are the ones a reader checks.
_MAX_VOICES_COMPARED = 24
# A reading listing more figures than this is a series, not a claim (see _Voiced.series). A claim lists
# its parts ("1,500 + up to 6,000"); the series seen on 5,000 allsides articles (quarterly growth, poll
# tables) had four figures or more.
_MAX_PARTS = 3
# Running totals: they only grow, so a later higher figure from another voice is no contradiction.
_CUMULATIVE = frozenset({"deaths", "wounded", "casualties", "cases", "air strikes", "attacks"})

# --- lexicon: what is counted ------------------------------------------------------------------------

_NOUN_MEASURES: dict[str, str] = {}
for _measure, _nouns in {
    "fighters": "militant militants fighter fighters terrorist terrorists gunman gunmen rebel rebels "
    "insurgent insurgents jihadist jihadists jihadi jihadis extremist extremists mercenary mercenaries "
    "combatant combatants militiaman militiamen militia guerrilla guerrillas",
    "troops": "troop troops soldier soldiers servicemen servicemembers marines paratroopers sailors airmen "
    "reservists peacekeepers commandos",
    "deaths": "deaths dead fatalities bodies lives",
    "wounded": "wounded injured injuries",
    "casualties": "casualties",
    "displaced": "refugees migrants asylum-seekers evacuees displaced",
    "immigrants": "immigrants",
    "civilians": "civilians residents inhabitants",
    "detainees": "prisoners detainees hostages captives arrests",
    "protesters": "protesters protestors demonstrators marchers rioters",
    "jobs": "jobs layoffs",
    "cases": "cases infections",
    "air strikes": "airstrikes air-strikes sorties bombings",
    "attacks": "attacks shellings violations",
    "weapons": "missiles rockets warheads bombs tanks drones",
}.items():
    for _noun in _nouns.split():
        _NOUN_MEASURES[_noun] = _measure

# Plural nouns that count people without saying what happened to them; the verb around decides.
_PEOPLE_NOUNS = frozenset(
    "people persons individuals children kids women men families adults minors students workers".split()
)
_DEMOGRAPHIC = {"children": "children", "kids": "children", "minors": "children", "women": "women"}
# Counted groups that may be what a harm befalls ("soldiers were killed"), and how far after the noun
# the verb is looked for: "were killed", "have been wounded" fit; a verb further on is another clause's.
_HARMED_GROUPS = frozenset({"fighters", "troops", "civilians"})
_HARM_REACH = 24


_WordClasses = tuple[re.Pattern[str], list[tuple[re.Pattern[str], str]]]


def _classes(table: list[tuple[str, str]]) -> _WordClasses:
    """A (words, class) table as one lowercase alternation that finds a word, and per-class patterns
    that say which class the found word belongs to. One plain alternation over lowercased text is about
    ten times faster than named groups with re.IGNORECASE (6 µs against 70 µs on a 100-character window).
    """
    detector = re.compile(r"\b(?:" + "|".join(words for words, _ in table) + r")\b")
    return detector, [(re.compile(rf"(?:{words})"), cls) for words, cls in table]


def _first_class(classes: _WordClasses, text: str) -> str | None:
    """The class of the leftmost listed word in ``text``, or None."""
    m = classes[0].search(text.lower())
    if m is None:
        return None
    found = m.group()
    return next((cls for pattern, cls in classes[1] if pattern.fullmatch(found)), None)


_PEOPLE_VERBS = _classes([
    (r"killed|died|dead|murdered|executed|lost their lives|death toll", "deaths"),
    (r"wounded|injured|hurt", "wounded"),
    (r"displaced|fled|evacuated|homeless|uprooted", "displaced"),
    (r"arrested|detained|jailed|imprisoned|held hostage|kidnapped|abducted", "detainees"),
    (r"protest\w*|rall(?:y|ied)|marched|demonstrat\w+", "protesters"),
    (r"besieged|trapped", "civilians"),
])  # fmt: skip
_MONEY_PURPOSES = _classes([
    (r"aid|assistance|relief", "aid"),
    (r"budgets?", "budget"),
    (r"debts?", "debt"),
    (r"deficit", "deficit"),
    (r"spending|spend|spent|outlays", "spending"),
    (r"costs?|costing|price tag", "cost"),
    (r"revenues?|sales|earnings", "revenue"),
    (r"tax|taxes", "tax"),
    (r"damages?|losses", "damage"),
    (r"fines?|fined|penalty|settlement", "fine"),
    (r"invest\w*", "investment"),
    (r"(?:net )?worth|wealth|fortune", "wealth"),
    (r"salary|salaries|wages?|pay", "pay"),
    (r"donations?|donated|raised|fundrais\w+", "fundraising"),
    (r"contract|deal", "deal"),
])  # fmt: skip
_PERCENT_TOPICS = _classes([
    (r"unemployment|jobless\w*", "unemployment"),
    (r"inflation", "inflation"),
    (r"growth|gdp|economy grew", "growth"),
    (r"approv\w+|approval rating", "approval"),
    (r"turnout", "turnout"),
    (r"poverty|poor", "poverty"),
    (r"tax rate|tax|taxes", "tax rate"),
    (r"tariffs?", "tariff"),
    (r"interest rates?", "interest rate"),
    (r"uninsured|insured|coverage", "insurance"),
])  # fmt: skip
_CURRENCY_CODES = frozenset("USD EUR GBP JPY RUB CNY INR MXN ILS TRY SAR CAD AUD HKD".split())

# --- patterns ----------------------------------------------------------------------------------------

# Where a clause ends: a semicolon, a contrast ("…, while …"), a dash aside, and quotation marks, which
# separate a quotation from its attribution frame ("…,” Lavrov stressed, according to Sputnik").
_CLAUSE_BREAK = re.compile(
    r";|,\s+(?=(?:while|whereas|but|although|though|however|yet)\b)|\s(?=(?:while|whereas)\s)"
    r"|\s[—–]\s|[”\"»](?=[\s,.;:]|$)|(?<=\s)[“«\"](?=\S)|^[“«\"]"
)
_PARENTHESIS = re.compile(r"\([^()]*\)")
_DIRECTIONS = r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?|central"
# Before a name: a locative preposition, optionally with a determiner, a compass adjective and "part of".
_LOCATIVE_BEFORE = re.compile(
    rf"\b(?P<prep>in|inside|near|around|across|throughout|outside|at|into|to|from|of)\s+(?:the\s+)?"
    rf"(?:(?P<dir>{_DIRECTIONS})\s+)?"
    r"(?:(?:part|parts|half|city|province|region|outskirts|suburbs|areas?|districts?|countryside|"
    r"neighbou?rhoods?)\s+of\s+(?:the\s+)?)?$"
)
_DIRECTION_BEFORE = re.compile(rf"\b(?P<dir>{_DIRECTIONS})\s+(?:(?:part|parts|half)\s+of\s+(?:the\s+)?)?$")
_LEADING_DIRECTION = re.compile(rf"(?P<dir>{_DIRECTIONS})\s+(?P<rest>\S.*)$")
# After the counted noun, a name that owns or contains what is counted: "terrorists from the Al-Nusra
# Front", "fighters of Islamic State", "militants loyal to …".
_MEMBERSHIP_AFTER = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)?(?:(?:are|were)\s+)?(?:from|of|in the ranks of|belonging to|loyal to|linked to|"
    r"affiliated with|allied (?:with|to)|fighting for|with|under)\s+(?:the\s+)?[‘'“\"]?$"
)
_POSSESSIVE_AFTER_NAME = re.compile(r"^[’']s?\s*$")
_SPEECH_AFTER_NAME = re.compile(
    r"[’']?s?\s*(?:has\s+|had\s+|have\s+)?(?:said|says|say|claimed|claims|claim|estimated|estimates|"
    r"estimate|estimations|reported|reports|stated|states|told|noted|notes|believes|put|puts|counted|"
    r"figures|data|assessments?)\b"
)
_ACCORDING_TO = re.compile(r"\baccording\s+to\s+", re.I)
_SOURCE_NOUN_OF = re.compile(
    r"\b(?:claims?|estimates?|estimations?|figures?|data|assessments?|reports?|allegations?|assertions?|"
    r"statements?|numbers?|count|tally)\s+(?:of|by|from)\s+",
    re.I,
)
# Where a source phrase with no name in it ends: the start of what the source says.
_SOURCE_PHRASE_END = re.compile(
    r"\s(?:that|there|which|who|is|are|was|were|has|have|had|in|on|at|as|say|says|said|\d)\b|[,;:(\"“”]"
)
_SOURCE_TRAILING_NOUN = re.compile(
    r"\s+(?:estimations?|estimates?|data|figures?|statistics|counts?|tally|reports?|sources?)$"
)
# Nouns that head an unnamed source ("Western partners", "U.S. officials", "rights groups").
_SOURCE_HEADS = frozenset(
    "partners officials official sources source analysts experts activists monitors monitor observers "
    "authorities government ministry military army police intelligence media reports report estimates "
    "groups group agency agencies organizations organisation organization diplomats investigators "
    "researchers scientists statisticians spokesman spokeswoman spokesperson residents witnesses "
    "rebels opposition state officers administration campaign".split()
)
# An unnamed source that says or estimates: "Western partners claim", "U.S. officials estimated".
_UNNAMED_SOURCE_SAYS = re.compile(
    rf"(?P<src>(?:\b[A-Z][\w.-]*\s+){{0,2}}\b(?:{'|'.join(sorted(_SOURCE_HEADS))}))\s+(?:have\s+|has\s+)?"
    r"(?:claim|claims|claimed|say|says|said|estimate|estimates|estimated|believe|believes|believed|"
    r"reported|report|reports|put|puts|counted|count)\b"
)
_FIRST_PERSON = re.compile(r"^(?:our|my|we|us|me|I)\b")
_DISPUTE_BEFORE = re.compile(
    r"\b(?:doubts?|doubted|doubting|disputes?|disputed|disputing|denies|denied|deny|denying|rejects?|"
    r"rejected|rejecting|dismiss(?:es|ed|ing)?|refut\w+|questioned|questions whether|challenged|contests?|"
    r"contested|false(?:ly)?|wrongly|untrue|myth|exaggerat\w+|inflated|bogus|far-fetched|absurd|"
    r"ridiculous|no evidence|not true)\b",
    re.I,
)
_DISPUTE_AFTER = re.compile(
    r"[^.;]{0,80}?\b(?:is|was|are|were|being)\s+(?:false|untrue|wrong|exaggerated|inflated|not true|"
    r"a lie|fake|bogus|absurd|ridiculous)\b",
    re.I,
)
_THERE = re.compile(r"\b(?:there|here)\b")
_PRONOUN_OWNER = re.compile(r"\b(?:its|their|it|they)\b")
# What ties a share to the count before it: "among them", "of whom", "of them".
_SHARE_ANAPHOR = re.compile(r"\b(?:among|of)\s+(?:them|whom|which|those|these)\b", re.I)
# How close a name must be to the number to be its subject when nothing else ties them. Read on 5,000
# allsides articles: "Nusra has some 1,500" (6 characters) and "1,500 militants of the Al-Nusra Front"
# are typical; past ~60 characters before or ~30 after the name belonged to another part of the clause.
_NEAR_BEFORE = 60
_NEAR_AFTER = 30
_MONEY_WINDOW = 60  # characters either side of a money figure searched for its purpose
_PERCENT_WINDOW = 40


# --- sentences ---------------------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"[^\n]+")


def sentence_contexts(body: str, starts: Sequence[int]) -> list[SentenceContext]:
    """The sentence holding each offset of ``starts`` in ``body``, the offset inside it, and the sentence
    before it (across paragraph breaks: "Among them up to half…" often opens a new paragraph).

    Sentences come from :func:`quotetrail.segment.split_sentences` run on the plain body, not on the
    quotation-masked copy: inside a long quotation each sentence of the quote is its own claim context.
    """
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(body)]
    paragraph_starts = [s for s, _ in paragraphs]
    # Only the paragraphs holding a quantity, and the one before each, are split into sentences.
    needed: set[int] = set()
    for start in starts:
        index = bisect.bisect_right(paragraph_starts, start) - 1
        needed.update((index, index - 1))
    spans: list[tuple[int, int]] = []
    for index in sorted(i for i in needed if 0 <= i < len(paragraphs)):
        spans.extend(split_sentences(body, *paragraphs[index]))
    sentence_starts = [s for s, _ in spans]
    contexts: list[SentenceContext] = []
    for start in starts:
        index = bisect.bisect_right(sentence_starts, start) - 1
        if index < 0:
            contexts.append(SentenceContext("", 0, ""))
            continue
        s, e = spans[index]
        previous = body[spans[index - 1][0] : spans[index - 1][1]] if index > 0 else ""
        contexts.append(SentenceContext(body[s : max(e, start)], start - s, previous))
    return contexts


# --- reading one use ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _NameHit:
    start: int
    end: int
    surface: str
    canonical: str


@dataclass(slots=True)
class _Reading:
    """What one use says, once read in its sentence."""

    use: QuantityUse
    measure: str
    subject: str | None
    place: str | None
    area: str | None
    source: str | None
    stance: str
    low: float | None
    high: float | None
    qualifier: str | None
    text: str
    clause: str
    evidence: list[str]
    part_of: int | None = None
    share: tuple[float, float] | None = None
    owner_pronoun: bool = False  # the clause refers to its subject by a pronoun ("under its command")
    there: bool = False  # the clause places the figure "there"


_NAME_TOKEN = re.compile(r"\w[\w.-]*")


class _NameFinder:
    """All surface forms of one article's names, indexed by their first word.

    A compiled alternation of the names would be simpler but costs ~10 ms per article to compile (tens of
    names with their aliases); the index is built in microseconds and a sentence is scanned word by word.
    """

    def __init__(self, names: Mapping[str, str]) -> None:
        self.canonical: dict[str, str] = {}
        for surface, canonical in names.items():
            surface = surface.strip()
            if len(surface) < 2 or not surface[0].isalpha():
                continue  # a stray "19 percent" among the names would take the place of the figure
            self.canonical.setdefault(surface, canonical)
            if surface[0].islower():
                # "al-Nusra" at a sentence start is "Al-Nusra". Not the other way: a capitalised alias
                # lowercased ("The official" → "the official") would match common words.
                self.canonical.setdefault(surface[0].upper() + surface[1:], canonical)
        by_first: dict[str, list[str]] = defaultdict(list)
        for surface in self.canonical:
            first = _NAME_TOKEN.match(surface)
            if first is not None and first.start() == 0:
                by_first[first.group().rstrip(".")].append(surface)
        for surfaces in by_first.values():
            surfaces.sort(key=len, reverse=True)  # the longest name at a position wins
        self.by_first: dict[str, list[str]] = dict(by_first)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[_NameHit]:
        """The names in ``text[start:end]`` (a name may run past ``end``), longest first at a position."""
        hits: list[_NameHit] = []
        covered = 0
        for token in _NAME_TOKEN.finditer(text, start, len(text) if end is None else end):
            at = token.start()
            if at < covered or (at > 0 and text[at - 1] in "-"):
                continue
            surfaces = self.by_first.get(token.group()) or self.by_first.get(token.group().rstrip("."))
            if not surfaces:
                continue
            for surface in surfaces:
                stop = at + len(surface)
                if text.startswith(surface, at) and not (
                    stop < len(text) and (text[stop].isalnum() or text[stop] in "_-")
                ):
                    hits.append(_NameHit(at, stop, surface, self.canonical[surface]))
                    covered = stop
                    break
        return hits


def _measure_of(use: QuantityUse, clause: str) -> tuple[str | None, bool]:
    """(measure, is_share): the claim-worthy class of what ``use`` counts, or None."""
    unit = (use.unit or "").strip()
    if unit == "fraction":
        return None, bool(_SHARE_ANAPHOR.search(use.sentence))
    lowered = unit.lower()
    if unit.upper() in _CURRENCY_CODES:
        return _money_measure(use, unit.upper()), False
    if lowered == "percent":
        if _SHARE_ANAPHOR.search(clause):
            return None, True
        return _percent_measure(use), False
    measure = _NOUN_MEASURES.get(lowered)
    if measure is not None:
        if measure in _HARMED_GROUPS:
            # "three soldiers were killed" counts deaths among troops, not troops.
            after = use.sentence[use.offset + len(use.text) : use.offset + len(use.text) + _HARM_REACH]
            harm = _first_class(_PEOPLE_VERBS, after)
            if harm in ("deaths", "wounded", "detainees"):
                return f"{harm} ({measure})", False
        return measure, False
    if lowered in _PEOPLE_NOUNS or (unit[:1].isupper() and lowered.endswith(("ans", "is", "ese"))):
        # "300 people", "11 million Syrians": what happened to them decides the measure.
        verb_measure = _first_class(_PEOPLE_VERBS, clause)
        if verb_measure is not None:
            demographic = _DEMOGRAPHIC.get(lowered)
            return (f"{verb_measure} ({demographic})" if demographic else verb_measure), False
    return None, False


def _may_be_claim(use: QuantityUse) -> bool:
    """A cheap first test on the unit alone: most quantities (durations, distances, things) stop here."""
    lowered = (use.unit or "").strip().lower()
    return (
        lowered in _NOUN_MEASURES
        or lowered in ("fraction", "percent")
        or lowered.upper() in _CURRENCY_CODES
        or lowered in _PEOPLE_NOUNS
        or ((use.unit or "")[:1].isupper() and lowered.endswith(("ans", "is", "ese")))
    )


def _money_measure(use: QuantityUse, currency: str) -> str | None:
    window = use.sentence[max(0, use.offset - _MONEY_WINDOW) : use.offset + len(use.text) + _MONEY_WINDOW]
    purpose = _first_class(_MONEY_PURPOSES, window)
    # An amount of money with no purpose nearby is not one history.
    return f"{purpose} ({currency})" if purpose is not None else None


def _percent_measure(use: QuantityUse) -> str | None:
    window = use.sentence[max(0, use.offset - _PERCENT_WINDOW) : use.offset + len(use.text) + _PERCENT_WINDOW]
    topic = _first_class(_PERCENT_TOPICS, window)
    return f"{topic} (%)" if topic is not None else None


def _clause_bounds(sentence: str, offset: int) -> tuple[int, int]:
    start, end = 0, len(sentence)
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.end() <= offset:
            start = m.end()
        elif m.start() >= offset:
            end = m.start()
            break
    return start, end


def _blank_parentheses(text: str) -> str:
    """``text`` with parenthesised asides blanked ("(outlawed in Russia)"), offsets unchanged."""
    return _PARENTHESIS.sub(lambda m: " " * len(m.group()), text) if "(" in text else text


def _split_direction(surface: str, canonical: str, finder: _NameFinder) -> tuple[str, str | None]:
    """(place, area) of a place name that may be a part of a bigger place ("eastern Aleppo")."""
    m = _LEADING_DIRECTION.match(surface)
    if m is None:
        return canonical, None
    rest = m["rest"]
    return finder.canonical.get(rest, rest), canonical


def _area_name(direction: str, place: str) -> str:
    word = direction.replace("-", "").removesuffix("ern")
    return f"{word.capitalize()} {place}" if word != "central" else f"Central {place}"


def _place_of(
    text: str, hits: list[_NameHit], kinds: Mapping[str, str], finder: _NameFinder, anchor: int
) -> tuple[_NameHit | None, str | None, str | None]:
    """The nearest place name of ``hits`` to ``anchor``: (hit, place, area)."""
    # A name after a locative preposition is the place; failing one, the nearest name known to be a place.
    best: tuple[bool, int, _NameHit, str, str | None] | None = None
    for hit in hits:
        kind = kinds.get(hit.canonical)
        if kind is not None and kind != "place":
            continue
        before = text[max(0, hit.start - 48) : hit.start]
        locative = _LOCATIVE_BEFORE.search(before)
        if locative is None and kind != "place":
            continue
        if locative is not None and locative["prep"] in ("from", "of") and kind != "place":
            continue  # "from the Al-Nusra Front": membership, not a place, unless known to be one
        place, area = _split_direction(hit.surface, hit.canonical, finder)
        direction = (locative["dir"] if locative is not None else None) or _direction_before(before)
        if area is None and direction:
            area = _area_name(direction, place)
        # Following names win ties: "militants in Aleppo" is more often the pattern than "in Aleppo, …".
        distance = hit.start - anchor if hit.start >= anchor else (anchor - hit.end) + 1
        candidate = (locative is None, distance, hit, place, area)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    if best is None:
        return None, None, None
    return best[2], best[3], best[4]


def _direction_before(before: str) -> str | None:
    m = _DIRECTION_BEFORE.search(before)
    return m["dir"] if m is not None else None


def _source_phrase(text: str, pos: int, hits: list[_NameHit]) -> str | None:
    """The source named at ``pos`` ("the UN estimations there are…" → "UN"); "" for first person."""
    tail = text[pos : pos + 80]
    if _FIRST_PERSON.match(tail):
        return ""
    for hit in hits:
        if pos <= hit.start < pos + 40:
            return hit.canonical
    end = _SOURCE_PHRASE_END.search(tail)
    phrase = tail[: end.start() if end is not None else len(tail)].strip()
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase)
    phrase = _SOURCE_TRAILING_NOUN.sub("", phrase)
    words = phrase.split()
    if not words or len(words) > 5 or words[-1].lower() not in _SOURCE_HEADS:
        return None  # not recognisably a source ("43 percent of voters", "the other night")
    return " ".join(words)


def _read_use(use: QuantityUse, finder_of: Callable[[QuantityUse], _NameFinder]) -> _Reading | None:
    if not _may_be_claim(use):
        return None
    sentence = use.sentence
    offset = min(max(use.offset, 0), len(sentence))
    clause_start, clause_end = _clause_bounds(sentence, offset)
    clause = sentence[clause_start:clause_end]
    measure, is_share = _measure_of(use, clause)
    if measure is None and not is_share:
        return None
    evidence: list[str] = []
    finder = finder_of(use)
    visible = _blank_parentheses(sentence)
    quantity_end = min(offset + len(use.text), len(sentence))
    # A share's subject is often outside its own clause ("Among them up to half, that what Mistura said
    # … [are from] 'Jabhat Al-Nusra"): any name of the sentence after the share may be it.
    hits = finder.find(visible, clause_start, len(visible) if is_share else clause_end)
    if not is_share:
        hits = [h for h in hits if h.end <= clause_end]

    # Source and stance.
    source: str | None = None
    own = False
    excluded: set[int] = set()
    frame = visible[clause_start:quantity_end]
    for pattern in (_ACCORDING_TO, _SOURCE_NOUN_OF):
        for m in pattern.finditer(visible, clause_start, clause_end):
            found = _source_phrase(visible, m.end(), hits)
            if found == "":
                own = True
                evidence.append(f"own figure: {visible[m.start() : m.end() + 16].strip()!r}")
            elif found is not None and found != use.speaker and source is None:
                source = found
                evidence.append(f"source: {m.group().strip()!r} {found}")
            for hit in hits:
                if m.end() <= hit.start < m.end() + 40:
                    excluded.add(hit.start)
    if source is None and not own:
        unnamed = _UNNAMED_SOURCE_SAYS.search(visible, clause_start, offset)
        if unnamed is not None and not _FIRST_PERSON.match(unnamed["src"]):
            source = re.sub(r"^(?:The|A|An)\s+", "", unnamed["src"])
            evidence.append(f"source: {unnamed.group()!r}")
    for hit in hits:
        if _SPEECH_AFTER_NAME.match(visible, hit.end):
            excluded.add(hit.start)
            if source is None and not own and hit.canonical != use.speaker:
                source = hit.canonical
                evidence.append(f"source: {hit.surface!r} says")
    disputed = bool(_DISPUTE_BEFORE.search(frame)) or bool(_DISPUTE_AFTER.match(visible, quantity_end))
    stance = "disputed" if disputed else ("reported" if source is not None else "asserted")
    if disputed:
        evidence.append("disputed")

    # Place.
    candidates = [h for h in hits if h.start not in excluded and h.canonical != use.speaker]
    place_hit, place, area = _place_of(visible, candidates, use.kinds, finder, offset)
    if place is not None:
        evidence.append(f"place: {place_hit.surface if place_hit else place!r}")
    there = place is None and bool(_THERE.search(clause))

    # Subject: not the speaker, not the source, not a place, not a setting ("said in the UN Security
    # Council").
    subject: str | None = None
    others = [
        h
        for h in candidates
        if h is not place_hit
        and h.canonical not in (place, area, source)
        # A place may own what is counted ("Russia has sent 4,000 soldiers", "Syria's refugees") but
        # only from before the number; after it, it is another place ("fled Aleppo for Idlib").
        and (use.kinds.get(h.canonical) != "place" or h.end <= offset)
        and not _is_setting(visible, h)
    ]
    after_noun = [
        h
        for h in others
        if h.start >= quantity_end and _MEMBERSHIP_AFTER.search(visible[quantity_end : h.start])
    ]
    possessive = [
        h for h in others if h.end <= offset and _POSSESSIVE_AFTER_NAME.match(visible[h.end : offset])
    ]
    # With no syntax tying them, only a name close to the number is its subject: further away it is
    # usually the subject of another clause part ("Somali pirates killed four Americans … the U.S.").
    preceding = [h for h in others if h.end <= offset and offset - h.end <= _NEAR_BEFORE]
    # A share names its part anywhere after it: "Among them up to half, that what Mistura said in the UN
    # Security Council [are from] 'Jabhat Al-Nusra".
    reach = len(visible) if is_share else _NEAR_AFTER
    following = [h for h in others if h.start >= quantity_end and h.start - quantity_end <= reach]
    if after_noun:
        subject = after_noun[0].canonical
        evidence.append(f"subject: {after_noun[0].surface!r} after the noun")
    elif possessive:
        subject = possessive[-1].canonical
        evidence.append(f"subject: {possessive[-1].surface!r} possessive")
    elif preceding:
        subject = preceding[-1].canonical
        evidence.append(f"subject: {preceding[-1].surface!r} before")
    elif following:
        subject = following[0].canonical
        evidence.append(f"subject: {following[0].surface!r} after")
    owner_pronoun = subject is None and bool(_PRONOUN_OWNER.search(visible, clause_start, offset))

    return _Reading(
        use=use,
        measure=measure or "",
        subject=subject,
        place=place,
        area=area,
        source=source,
        stance=stance,
        low=use.low,
        high=use.high,
        qualifier=use.qualifier,
        text=use.text,
        clause=clause.strip(),
        evidence=evidence,
        share=(use.low or 0.0, use.high or 0.0) if is_share else None,
        owner_pronoun=owner_pronoun,
        there=there,
    )


_SETTING_BEFORE = re.compile(
    r"\b(?:said|told|speaking|spoke|addressed|briefed|briefing)\s+(?:\S+\s+){0,2}(?:in|at|to|before)\s+"
    r"(?:the\s+)?$"
)


def _is_setting(text: str, hit: _NameHit) -> bool:
    """A body named as where something was said ("what Mistura said in the UN Security Council")."""
    return bool(_SETTING_BEFORE.search(text, max(0, hit.start - 48), hit.start))


# --- one article -------------------------------------------------------------------------------------


def _order_key(use: QuantityUse) -> tuple[bool, int, int]:
    return (use.start is None, use.start or 0, use.quantity)


def _read_article(
    uses: list[QuantityUse], finders: dict[int, tuple[Mapping[str, str], _NameFinder]]
) -> list[_Reading]:
    """The claim-worthy readings of one article's uses, with context carried between sentences."""
    readings: list[_Reading] = []

    def finder_of(use: QuantityUse) -> _NameFinder:
        # The uses of one article normally share one names mapping: its index is built once, and only
        # for an article with a claim-worthy figure. The mapping is kept beside its index so that its id
        # cannot be reused by another mapping meanwhile.
        cached = finders.get(id(use.names))
        if cached is None:
            cached = finders[id(use.names)] = (use.names, _NameFinder(use.names))
        return cached[1]

    for use in sorted(uses, key=_order_key):
        reading = _read_use(use, finder_of)
        if reading is None:
            continue
        _carry_context(reading, readings, finder_of(use))
        if reading.share is not None and not _attach_share(reading, readings):
            continue
        readings.append(reading)
    return readings


def _carry_context(reading: _Reading, earlier: list[_Reading], finder: _NameFinder) -> None:
    use = reading.use
    # The same numbers for the same measure earlier in the article: the same figure, discussed again.
    if reading.share is None:
        for before in reversed(earlier):
            if before.measure == reading.measure and (before.low, before.high) == (reading.low, reading.high):
                if reading.subject is None and reading.place is None:
                    reading.subject, reading.place, reading.area = before.subject, before.place, before.area
                    reading.evidence.append(f"repeats {before.text!r}")
                if reading.source is None and reading.stance == "disputed":
                    reading.source = before.source
                break
    same_sentence = [r for r in earlier if r.use.sentence == use.sentence]
    if reading.subject is None and reading.owner_pronoun and same_sentence:
        reading.subject = same_sentence[-1].subject
        reading.evidence.append("subject: pronoun → previous figure")
    if reading.place is None:
        if reading.there and use.previous_sentence:
            hits = finder.find(_blank_parentheses(use.previous_sentence))
            hit, place, area = _place_of(
                use.previous_sentence, hits, use.kinds, finder, len(use.previous_sentence)
            )
            if place is not None:
                reading.place, reading.area = place, area
                reading.evidence.append(f"place: 'there' → {hit.surface if hit else place!r}")
        elif same_sentence and same_sentence[-1].place is not None:
            # A second figure of the sentence stays in the scope of the first ("1,500 there, while other
            # groups have up to 6,000").
            reading.place, reading.area = same_sentence[-1].place, same_sentence[-1].area
            reading.evidence.append("place: as the previous figure of the sentence")


def _attach_share(reading: _Reading, earlier: list[_Reading]) -> bool:
    """Turn a share into a part of the count it refers to; False when there is none to refer to."""
    use = reading.use
    if not _SHARE_ANAPHOR.search(use.sentence) or reading.subject is None or reading.share is None:
        return False
    parent = next(
        (
            r
            for r in reversed(earlier)
            if r.share is None
            and (
                r.use.sentence == use.sentence
                or (use.previous_sentence and r.use.sentence == use.previous_sentence)
            )
            and r.low is not None
            and r.high is not None
            and not r.measure.endswith(")")  # a count of people or things, not money or a percentage
        ),
        None,
    )
    if parent is None or parent.subject == reading.subject or parent.low is None or parent.high is None:
        return False
    share_low, share_high = reading.share
    if use.unit == "percent":
        share_low, share_high = share_low / 100, share_high / 100
        reading.share = (share_low, share_high)
    reading.measure = parent.measure
    reading.part_of = parent.use.quantity
    reading.low = _tidy(parent.low * share_low)
    reading.high = _tidy(parent.high * share_high)
    reading.text = f"{use.text} of {parent.text}"
    if reading.place is None:
        reading.place, reading.area = parent.place, parent.area
    reading.evidence.append(f"share of {parent.text!r}")
    return True


def _tidy(number: float) -> float:
    return float(round(number)) if abs(number - round(number)) < 1e-9 else round(number, 6)


# --- grouping and flags ------------------------------------------------------------------------------


def group_claims(uses: Iterable[QuantityUse]) -> list[ClaimGroup]:
    """Group claim-worthy quantities by measure, subject and place, and flag changes and contradictions.

    Each use lands in at most one group; uses with no claim-worthy measure, or with neither a subject nor
    a place, land in none. The result does not depend on the order of ``uses``; groups are sorted by key.
    """
    by_article: dict[int, list[QuantityUse]] = defaultdict(list)
    for use in uses:
        by_article[use.article].append(use)
    finders: dict[int, tuple[Mapping[str, str], _NameFinder]] = {}
    grouped: dict[tuple[str, str | None, str | None], list[_Reading]] = defaultdict(list)
    for article in sorted(by_article):
        for reading in _read_article(by_article[article], finders):
            if reading.subject is None and reading.place is None:
                continue
            grouped[(reading.measure, reading.subject, reading.place)].append(reading)
    groups: list[ClaimGroup] = []
    for (measure, subject, place), readings in grouped.items():
        values = sorted((_value(r) for r in readings), key=_value_order)
        key = f"{measure}|{subject or ''}|{place or ''}"
        groups.append(ClaimGroup(key, measure, subject, place, values, _flags(measure, values)))
    groups.sort(key=lambda g: g.key)
    return groups


def claims_about(groups: Sequence[ClaimGroup], entity: str) -> list[ClaimGroup]:
    """The groups whose subject or place is ``entity`` (a canonical name; case is ignored)."""
    wanted = entity.casefold()
    return [
        g
        for g in groups
        if (g.subject is not None and g.subject.casefold() == wanted)
        or (g.place is not None and g.place.casefold() == wanted)
    ]


def _value(reading: _Reading) -> ClaimValue:
    use = reading.use
    return ClaimValue(
        quantity=use.quantity,
        article=use.article,
        statement=use.statement,
        low=reading.low,
        high=reading.high,
        text=reading.text,
        speaker=use.speaker,
        source=reading.source,
        stance=reading.stance,
        published=use.published,
        outlet=use.outlet,
        qualifier=reading.qualifier,
        area=reading.area,
        part_of=reading.part_of,
        share=reading.share if reading.part_of is not None else None,
        clause=reading.clause,
        evidence="; ".join(reading.evidence),
        story=use.story,
    )


def _value_order(v: ClaimValue) -> tuple[bool, str, int, int]:
    return (v.published is None, v.published or "", v.article, v.quantity)


@dataclass(slots=True)
class _Voiced:
    """What one voice said in one article about one group: one or more figures."""

    voice: str
    speaker_line: bool  # the voice is the speaker (so a change is the speaker's own)
    values: list[ClaimValue]
    named: bool = True  # a named speaker or source, not an outlet's unattributed figure

    @property
    def series(self) -> bool:
        """More figures than a claim lists ("1,500 + up to 6,000"): a table or a time series (quarterly
        growth rates), kept in the history but not compared."""
        return len(self.values) > _MAX_PARTS

    @property
    def first(self) -> ClaimValue:
        return self.values[0]

    @property
    def day(self) -> date | None:
        return _parse_day(self.first.published)


def _parse_day(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _voice(v: ClaimValue) -> tuple[str, bool]:
    """Whose figure ``v`` is, and whether that is a named speaker or source (else the outlet's own)."""
    if v.stance == "reported" and v.source:
        return v.source, True
    if v.speaker:
        return v.speaker, True
    if v.outlet:
        return f"{v.outlet} (unattributed)", False
    return f"unattributed (article {v.article})", False


def _readings(values: list[ClaimValue]) -> list[_Voiced]:
    """Values grouped by (voice, article), in value order; disputed figures are nobody's own reading."""
    found: dict[tuple[str, int], _Voiced] = {}
    for v in values:
        if v.stance == "disputed":
            continue
        voice, named = _voice(v)
        key = (voice, v.article)
        if key not in found:
            found[key] = _Voiced(voice, v.stance != "reported", [], named)
        voiced = found[key]
        if all(_numbers(v) != _numbers(w) for w in voiced.values):
            voiced.values.append(v)
    return list(found.values())


def _numbers(v: ClaimValue) -> tuple[float | None, float | None, str | None]:
    return (v.low, v.high, v.qualifier if v.qualifier in ("up to", "more than", "fewer than") else None)


def _flags(measure: str, values: list[ClaimValue]) -> list[ClaimFlag]:
    flags: list[ClaimFlag] = []
    flags += _dispute_flags(values)
    readings = [r for r in _readings(values) if not r.series]
    flags += _change_flags(readings)
    if measure.endswith("(%)") or measure[-4:-1] in _CURRENCY_CODES:
        # A rate belongs to a period the text rarely states (last month's unemployment, one poll's
        # approval), and an amount of money of one purpose may be any of many items (a $250,000 tax
        # threshold, $1.4 trillion of revenue): on 10,000 allsides articles nearly every cross-article
        # contradiction between rates or amounts was of this kind. They are compared within one article.
        readings_by_article: dict[int, list[_Voiced]] = defaultdict(list)
        for r in readings:
            readings_by_article[r.first.article].append(r)
        for same in readings_by_article.values():
            if len(same) > 1:
                flags += _contradiction_flags(same, cumulative=False)
        return flags
    flags += _contradiction_flags(readings, cumulative=measure.split(" (")[0] in _CUMULATIVE)
    return flags


def _dispute_flags(values: list[ClaimValue]) -> list[ClaimFlag]:
    flags: list[ClaimFlag] = []
    for v in values:
        if v.stance != "disputed":
            continue
        original = next(
            (
                w
                for w in values
                if w.article == v.article and w.stance != "disputed" and (w.low, w.high) == (v.low, v.high)
            ),
            None,
        )
        who = v.speaker or v.outlet or "the article"
        whose = f" (the figure of {v.source})" if v.source else ""
        note = f"{who} disputes {_show(v)}{whose}{_when(v)}"
        flags.append(
            ClaimFlag("contradiction", original.quantity if original else v.quantity, v.quantity, note)
        )
    return flags


def _change_flags(readings: list[_Voiced]) -> list[ClaimFlag]:
    """Per named voice, consecutive dated readings whose figures differ. An outlet's unattributed figures
    have no line: over years they are different reporters' figures about different moments."""
    flags: list[ClaimFlag] = []
    lines: dict[str, list[_Voiced]] = defaultdict(list)
    for r in readings:
        if r.named:
            lines[r.voice].append(r)
        # A reported figure is also on the line of the speaker who relays it.
        if not r.speaker_line and r.first.speaker and r.first.speaker != r.voice:
            lines[r.first.speaker].append(_Voiced(r.first.speaker, True, r.values))
    for voice, line in sorted(lines.items()):
        dated = sorted((r for r in line if r.day is not None), key=lambda r: (r.day, r.first.article))
        merged = _merge_same_article(dated)
        for before, after in itertools.pairwise(merged):
            if before.day is None or after.day is None or after.day <= before.day:
                continue
            if _number_set(before) == _number_set(after):
                continue
            note = f"{voice}: {_show_reading(before)} → {_show_reading(after)}"
            flags.append(ClaimFlag("change", before.first.quantity, after.first.quantity, note))
    return flags


def _merge_same_article(line: list[_Voiced]) -> list[_Voiced]:
    """A speaker's line may hold one article twice (his own figure and one he relays): one reading."""
    merged: list[_Voiced] = []
    for r in line:
        if merged and merged[-1].first.article == r.first.article:
            extra = [v for v in r.values if all(_numbers(v) != _numbers(w) for w in merged[-1].values)]
            merged[-1] = _Voiced(merged[-1].voice, True, [*merged[-1].values, *extra], merged[-1].named)
        else:
            merged.append(r)
    return merged


def _number_set(r: _Voiced) -> frozenset[tuple[float | None, float | None, str | None]]:
    return frozenset(_numbers(v) for v in r.values)


def _contradiction_flags(readings: list[_Voiced], *, cumulative: bool) -> list[ClaimFlag]:
    """Two voices, readings within the window (or in one article) and of one story when stories are
    known, no figure of one compatible with any figure of the other. For a running total (deaths, cases)
    a later, higher figure is the toll rising, not a contradiction: only a lower one is."""
    flags: list[ClaimFlag] = []
    ordered = sorted(
        readings, key=lambda r: (r.day is None, r.day or date.min, r.first.article, r.first.quantity)
    )
    latest: dict[str, _Voiced] = {}
    same_article: dict[int, list[_Voiced]] = defaultdict(list)
    for r in ordered:
        partners: list[_Voiced] = list(same_article[r.first.article])
        if r.day is not None:
            recent = sorted(latest.values(), key=lambda o: o.day or date.min, reverse=True)
            for other in recent[:_MAX_VOICES_COMPARED]:
                if other.day is None or (r.day - other.day).days > CONTRADICTION_WINDOW_DAYS:
                    continue
                if other.first.article != r.first.article:
                    partners.append(other)
        seen: set[str] = set()
        for other in partners:
            if other.voice == r.voice or other.voice in seen or _compatible(other, r):
                continue
            story_a, story_b = other.first.story, r.first.story
            if story_a is not None and story_b is not None and story_a != story_b:
                continue
            if cumulative and other.day != r.day and _total_high(r) > _total_high(other):
                continue
            seen.add(other.voice)
            note = f"{other.voice}: {_show_reading(other)} vs {r.voice}: {_show_reading(r)}"
            flags.append(ClaimFlag("contradiction", other.first.quantity, r.first.quantity, note))
        same_article[r.first.article].append(r)
        if r.day is not None:
            latest[r.voice] = r
    return flags


def _total_high(r: _Voiced) -> float:
    return max((v.high if v.high is not None else v.low or 0.0) for v in r.values)


def _interval(v: ClaimValue) -> tuple[float, float] | None:
    if v.low is None and v.high is None:
        return None
    low = v.low if v.low is not None else v.high
    high = v.high if v.high is not None else v.low
    assert low is not None and high is not None
    qualifier = v.qualifier or "exact"
    if qualifier == "up to" or qualifier == "fewer than":
        return (0.0, high * (1 + _EXACT_TOLERANCE))
    if qualifier == "more than":
        return (low * (1 - _EXACT_TOLERANCE), float("inf"))
    tolerance = _APPROXIMATE_TOLERANCE if qualifier == "approximately" else _EXACT_TOLERANCE
    return (low * (1 - tolerance), high * (1 + tolerance))


def _compatible(a: _Voiced, b: _Voiced) -> bool:
    """Whether some figure of ``a`` can hold together with some figure of ``b``."""
    if a.first.area is not None and b.first.area is not None and a.first.area != b.first.area:
        return True  # different parts of the place: not the same figure
    for v in a.values:
        iv = _interval(v)
        for w in b.values:
            iw = _interval(w)
            if iv is None or iw is None or (iv[0] <= iw[1] and iw[0] <= iv[1]):
                return True
    return False


# --- display -----------------------------------------------------------------------------------------


def _number(x: float) -> str:
    if abs(x) >= 1000 or float(x).is_integer():
        return f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 1000 else f"{x:,}"
    return f"{x:g}"


_QUALIFIER_SIGNS = {
    "up to": "up to ",
    "more than": "more than ",
    "fewer than": "fewer than ",
    "approximately": "~",
}
_SHARE_WORDS = {0.5: "half", 0.25: "a quarter", 0.75: "three quarters"}


def _show(v: ClaimValue) -> str:
    """A figure as a reader would say it: "6,000–8,000", "up to 6,000", "up to half of 6,000–8,000"."""
    if v.part_of is not None and v.share is not None:
        share = _SHARE_WORDS.get(v.share[1], f"{v.share[1]:.0%}")
        parent = _range(
            v.low / v.share[0] if v.low and v.share[0] else None,
            v.high / v.share[1] if v.high and v.share[1] else None,
        )
        prefix = f"{v.qualifier} " if v.qualifier in ("up to", "more than", "fewer than") else ""
        text = f"{prefix}{share} of {parent}"
    else:
        text = _QUALIFIER_SIGNS.get(v.qualifier or "", "") + _range(v.low, v.high)
    if v.area:
        text += f" in {v.area}"
    return text


def _range(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "?"
    if low is None or high is None or low == high:
        return _number(low if low is not None else high)  # type: ignore[arg-type]
    return f"{_number(low)}–{_number(high)}"


def _when(v: ClaimValue) -> str:
    parts = [p for p in (v.outlet, v.published) if p]
    return f" ({', '.join(parts)})" if parts else ""


def _show_reading(r: _Voiced) -> str:
    figures = " + ".join(_show(v) for v in r.values)
    sources = sorted({v.source for v in r.values if v.source and v.source != r.voice})
    by = f" per {', '.join(sources)}" if sources else ""
    return f"{figures}{by}{_when(r.first)}"


def iter_values(groups: Iterable[ClaimGroup]) -> Iterator[tuple[ClaimGroup, ClaimValue]]:
    """Every (group, value) pair, in group order: a flat view for tables and exports."""
    for group in groups:
        for value in group.values:
            yield group, value
