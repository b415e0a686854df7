"""Names of people and bodies: finding them, stripping titles, one canonical form per article.

Within one article "Russian Foreign Minister Sergei Lavrov", "Lavrov" and "lavrov" are one person,
whose canonical name is the fullest personal name the article gives ("Sergei Lavrov"), with given
names spelled the canonical way (:data:`lexicon.GIVEN_NAME_VARIANTS`: "Sergey Lavrov").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .lexicon import GIVEN_NAME_VARIANTS, ORG_WORDS, TITLE_WORDS

# One word of a proper name: capitalised ("Lavrov", "al-Nusra"-style prefixed, "O'Brien").
NAME_TOKEN = (
    r"(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|St|Jr|Sr|Prof)\.|[A-Z]\.(?:[A-Z]\.)*"
    r"|[A-Z][\w’']*(?:-[\w’']+)*|(?:al|el|ad|as|an|ash|at|az)-[A-Z][\w’']*(?:-[\w’']+)*)(?!\w)"
)
PARTICLE = r"(?:de|da|di|del|della|dos|das|du|van|von|der|den|ter|ten|al|el|bin|ibn|abu|la|le|y)"
_PARTICLES = frozenset(PARTICLE.strip("(?:)").split("|"))
# A run of proper-name words, allowing lower-case particles inside ("Staffan de Mistura").
# Words of one name are separated by spaces on one line, never by a line break.
NAME_RUN = rf"{NAME_TOKEN}(?:[ \t\u00a0]+(?:{PARTICLE}[ \t\u00a0]+)*{NAME_TOKEN})*"
# Two or more name words: what a personal name needs (single words are resolved, never registered).
_NAME_RUN_RE = re.compile(
    rf"(?<![\w’'\-]){NAME_TOKEN}(?:[ \t\u00a0]+(?:{PARTICLE}[ \t\u00a0]+)*{NAME_TOKEN})+"
)
_POSSESSIVE_TAIL = re.compile(r"[’']s$")

# Country and nationality words that stand before a title ("German Chancellor …") or a name.
NATIONALITIES: frozenset[str] = frozenset(
    """
    afghan albanian algerian american argentine argentinian armenian australian austrian azerbaijani
    bahraini belarusian belgian bolivian bosnian brazilian british bulgarian burmese cambodian
    cameroonian canadian chadian chilean chinese colombian congolese croatian cuban cypriot czech
    danish dutch ecuadorian egyptian emirati english eritrean estonian ethiopian european filipino
    finnish french georgian german ghanaian greek guatemalan haitian honduran hungarian icelandic
    indian indonesian iranian iraqi irish israeli italian ivorian jamaican japanese jordanian kazakh
    kenyan korean kosovar kurdish kuwaiti kyrgyz lao latvian lebanese liberian libyan lithuanian
    macedonian malaysian malian maltese mexican moldovan mongolian montenegrin moroccan mozambican
    nepalese nigerian nigerien norwegian omani pakistani palestinian panamanian paraguayan persian
    peruvian polish portuguese qatari romanian russian rwandan saudi scottish senegalese serbian
    singaporean slovak slovenian somali african spanish sudanese swedish swiss syrian taiwanese tajik
    tanzanian thai tunisian turkish turkmen ugandan ukrainian uruguayan uzbek venezuelan vietnamese
    welsh yemeni zambian zimbabwean us u.s. uk un u.n. eu nato western arab
    """.split()
)


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def name_tokens(s: str) -> list[str]:
    return s.replace("\u00a0", " ").split()


def canonical_given(token: str) -> str:
    return GIVEN_NAME_VARIANTS.get(strip_accents(token).lower(), token)


def is_org_name(tokens: list[str]) -> bool:
    return any(t.lower().strip(".,") in ORG_WORDS for t in tokens) or (
        len(tokens) == 1 and tokens[0].isupper() and len(tokens[0]) >= 2
    )


def person_part(tokens: list[str]) -> list[str]:
    """The personal-name part of a titled name: ``Russian Foreign Minister Sergei Lavrov`` → last two.

    Everything up to the last title word goes; so does a leading nationality or place word
    when more than one word would remain.
    """
    last_title = -1
    for i, t in enumerate(tokens):
        if t.lower().strip(",") in TITLE_WORDS:
            last_title = i
    rest = tokens[last_title + 1 :]
    while len(rest) > 2 and rest[0].lower() in NATIONALITIES:
        rest = rest[1:]
    if len(rest) > 3:
        # Four or more words left means a title the word lists do not know ("Minister of Water
        # Resources Andrej Castellan"): a personal name is its last two words, three with a particle.
        rest = rest[-3:] if rest[-2].lower() in _PARTICLES else rest[-2:]
    return [_POSSESSIVE_TAIL.sub("", t) for t in rest]


def canonical_person(tokens: list[str]) -> str:
    """Canonical spelling of a personal name given as words (titles already removed)."""
    if len(tokens) >= 2:
        tokens = [canonical_given(tokens[0]), *tokens[1:]]
    return " ".join(tokens)


def surname_key(tokens: list[str]) -> str:
    return _key(tokens[-1]) if tokens else ""


@dataclass(slots=True)
class Person:
    name: str  # canonical
    tokens: list[str]
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # lower-cased title phrases seen with the name


class NameRegistry:
    """People named in one article, keyed by surname, with the titles they were given.

    Name runs are recorded cheaply as they are scanned and turned into people only when their
    surname is looked up (or when the whole list is asked for): most runs of an article are never
    needed, and parsing them all was the costliest part of attribution.
    """

    __slots__ = ("_by_surname", "_pending", "_people")

    def __init__(self) -> None:
        self._people: list[Person] = []
        self._by_surname: dict[str, list[Person]] = {}
        self._pending: dict[str, list[str]] = {}

    @property
    def people(self) -> list[Person]:
        for key in list(self._pending):
            self._realise(key)
        return self._people

    def defer(self, run: str) -> None:
        """Record a run of two or more name words, to be parsed when its surname is needed."""
        last = run.rsplit(None, 1)[-1]
        self._pending.setdefault(_key(last), []).append(run)

    def _realise(self, key: str) -> None:
        for run in self._pending.pop(key, ()):
            _register_run(self, run)

    def add_full_name(self, tokens: list[str], title: str = "", alias: str = "") -> Person | None:
        """Register a personal name of two or more words; returns the person it names."""
        if len(tokens) < 2 or is_org_name(tokens):
            return None
        key = surname_key(tokens)
        given = canonical_given(tokens[0]).lower()
        for p in self._by_surname.get(key, []):
            if canonical_given(p.tokens[0]).lower() == given or len(p.tokens) != len(tokens):
                # Same given name (or one form is longer, "Bashar al-Assad" / "Bashar Assad").
                self._note(p, title, alias or " ".join(tokens))
                return p
        person = Person(canonical_person(tokens), list(tokens))
        self._people.append(person)
        self._by_surname.setdefault(key, []).append(person)
        self._note(person, title, alias or " ".join(tokens))
        return person

    @staticmethod
    def _note(p: Person, title: str, alias: str) -> None:
        if title and title not in p.titles:
            p.titles.append(title)
        if alias and alias not in p.aliases:
            p.aliases.append(alias)

    def lookup(self, tokens: list[str]) -> Person | None:
        """The person a (possibly partial) name refers to: "Lavrov", "de Mistura", "Sergei Lavrov"."""
        if not tokens:
            return None
        key = surname_key(tokens)
        self._realise(key)
        cands = self._by_surname.get(key, [])
        if not cands:
            return None
        if len(tokens) >= 2:
            given = canonical_given(tokens[0]).lower()
            for p in cands:
                if canonical_given(p.tokens[0]).lower() == given:
                    return p
        # A bare surname names the person only when the article has one person by that surname.
        return cands[0] if len(cands) == 1 else None

    def known_surnames(self) -> list[str]:
        """Surnames as written, without parsing the names they end."""
        return [run.rsplit(None, 1)[-1] for runs in self._pending.values() for run in runs] + [
            p.tokens[-1] for p in self._people
        ]


# Capitalised only because they start a sentence or clause: never the first word of a name.
LEADING_FUNCTION_WORDS = frozenset(
    "in on at by for from with during after before since until as but and or the a an this that these "
    "those it its his her their our we they he she i if when while although though once meanwhile "
    "however according speaking talking asked unlike despite instead also still yet then".split()
)


def _key(word: str) -> str:
    word = _POSSESSIVE_TAIL.sub("", word)
    return (word if word.isascii() else strip_accents(word)).lower()


def scan_names(text: str, registry: NameRegistry) -> None:
    """Record every run of two or more name words in ``text`` (parsed lazily by the registry)."""
    for m in _NAME_RUN_RE.finditer(text):
        registry.defer(m.group())


def _register_run(registry: NameRegistry, run: str) -> None:
    """Register the personal name a run of name words holds, if it holds one."""
    toks = name_tokens(run)
    while toks and toks[0].lower() in LEADING_FUNCTION_WORDS:
        toks = toks[1:]
    if len(toks) < 2:
        return
    person = person_part(toks)
    if len(person) < 2 or len(person) > 4:
        return
    if any(t.isupper() and len(t) > 1 for t in person):
        return  # acronyms belong to bodies ("UN", "ISSG"), not to people
    title = " ".join(toks[: len(toks) - len(person)]).lower()
    registry.add_full_name(person, title=title)
