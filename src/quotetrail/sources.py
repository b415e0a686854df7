"""Cited sources: the media outlets and news agencies an article says it relies on.

"according to Sputnik", "as cited by RIA Novosti", "told RT", "in an interview with Denmark’s TV 2
channel", "Reuters reported", "citing Interfax", "(AP)". Each becomes a
:class:`~quotetrail.model.CitedSource` with the outlet's normalised name (``source``), the phrase as
written (``evidence``) and its span in the body.

Two things must hold for a phrase to count. A citing cue: "according to", "as cited/quoted/reported
by", "told", "citing", "in an interview with", "speaking to", "in a statement to", "wrote in", a
reporting verb after the name ("Reuters reported", "the Kommersant daily wrote"), or a wire credit
("(AP)", "/TASS/"). And an outlet, not a person or an institution: a name from the lexicon of known
outlets and agencies below, a name ending in a word that names a publication ("News", "Times", "Post",
"Journal", "Press", "Tribune", "Gazette", "TV", "Radio"…), a name opening with a broadcast medium ("TV 2",
"Channel One", "Radio Liberty"), or a name the text itself calls an outlet ("the Kommersant daily", "the
German newspaper Bild", "the IRNA news agency"). So "according to Lavrov" and "according to our
intelligence" are not cited sources (the first is an attribution the statement stage handles), and
neither is "told reporters", which names no outlet. A bare acronym is only an outlet when the lexicon
knows it: "according to NATO" is not one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from .model import Article, CitedSource
from .pipeline import stage

# --- lexicon -------------------------------------------------------------------------------------------

# Canonical name → the ways articles write it. Matching is case-sensitive: "AP", not "ap". Names that
# are also common words or people's names ("Independent", "Economist", "Petra") are left out: a cue
# before them is not enough to tell the outlet from the person or the adjective.
_OUTLETS: dict[str, tuple[str, ...]] = {
    "Associated Press": ("Associated Press", "AP"),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse", "France-Presse"),
    "TASS": ("TASS", "ITAR-TASS", "Tass"),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "Sputnik": ("Sputnik", "Sputnik News"),
    "Interfax": ("Interfax",),
    "RT": ("RT", "Russia Today"),
    "CNN": ("CNN",),
    "BBC": ("BBC", "BBC News"),
    "SANA": ("SANA", "Syrian Arab News Agency"),
    "Xinhua": ("Xinhua",),
    "Al Jazeera": ("Al Jazeera", "Al-Jazeera", "Aljazeera"),
    "Al Arabiya": ("Al Arabiya", "Al-Arabiya"),
    "Al Mayadeen": ("Al Mayadeen", "Al-Mayadeen"),
    "Al-Manar": ("Al-Manar", "Al Manar"),
    "Anadolu Agency": ("Anadolu", "Anadolu Agency"),
    "IRNA": ("IRNA",),
    "Fars": ("Fars", "Fars News"),
    "Tasnim": ("Tasnim",),
    "ISNA": ("ISNA",),
    "Press TV": ("Press TV", "PressTV"),
    "Kyodo": ("Kyodo",),
    "Yonhap": ("Yonhap",),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "ANSA": ("ANSA",),
    "EFE": ("EFE",),
    "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "NBC News": ("NBC", "NBC News"),
    "ABC News": ("ABC", "ABC News"),
    "CBS News": ("CBS", "CBS News"),
    "Fox News": ("Fox News", "Fox", "Fox Business"),
    "MSNBC": ("MSNBC",),
    "CNBC": ("CNBC",),
    "NPR": ("NPR",),
    "PBS": ("PBS",),
    "Politico": ("Politico", "POLITICO"),
    "Axios": ("Axios",),
    "The Hill": ("The Hill",),
    "Breitbart": ("Breitbart", "Breitbart News"),
    "HuffPost": ("HuffPost", "Huffington Post"),
    "BuzzFeed News": ("BuzzFeed", "BuzzFeed News"),
    "Vox": ("Vox",),
    "Newsweek": ("Newsweek",),
    "The Atlantic": ("The Atlantic",),
    "The New York Times": ("New York Times", "NYT"),
    "The Washington Post": ("Washington Post",),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ"),
    "USA Today": ("USA Today", "USA TODAY"),
    "Los Angeles Times": ("Los Angeles Times", "LA Times"),
    "The Guardian": ("Guardian",),
    "The Telegraph": ("Telegraph", "Daily Telegraph"),
    "Daily Mail": ("Daily Mail", "Mail on Sunday", "MailOnline"),
    "Financial Times": ("Financial Times", "FT"),
    "Der Spiegel": ("Der Spiegel", "Spiegel"),
    "Bild": ("Bild",),
    "Le Monde": ("Le Monde",),
    "Le Figaro": ("Le Figaro",),
    "El País": ("El País", "El Pais"),
    "Haaretz": ("Haaretz",),
    "The Times of Israel": ("Times of Israel",),
    "The Jerusalem Post": ("Jerusalem Post",),
    "Izvestia": ("Izvestia", "Izvestiya"),
    "Kommersant": ("Kommersant",),
    "Vedomosti": ("Vedomosti",),
    "Rossiyskaya Gazeta": ("Rossiyskaya Gazeta",),
    "Komsomolskaya Pravda": ("Komsomolskaya Pravda",),
    "Hurriyet": ("Hurriyet", "Hürriyet"),
    "Daily Sabah": ("Daily Sabah",),
    "Asharq Al-Awsat": ("Asharq Al-Awsat", "Asharq al-Awsat"),
    "Al-Watan": ("Al-Watan", "Al Watan", "al-Watan"),
    "Al-Hayat": ("Al-Hayat", "Al Hayat"),
    "Sky News": ("Sky News",),
    "ITV": ("ITV",),
    "Deutsche Welle": ("Deutsche Welle", "DW"),
    "France 24": ("France 24",),
    "Euronews": ("Euronews",),
    "CBC": ("CBC",),
    "NHK": ("NHK",),
    "South China Morning Post": ("South China Morning Post",),
    "Global Times": ("Global Times",),
    "People's Daily": ("People's Daily", "People’s Daily"),
    "CCTV": ("CCTV",),
    "NDTV": ("NDTV",),
    "Rudaw": ("Rudaw",),
    "New York Post": ("New York Post",),
    "Washington Examiner": ("Washington Examiner",),
    "The Washington Times": ("Washington Times",),
    "The Daily Caller": ("Daily Caller",),
    "The Daily Beast": ("Daily Beast",),
    "National Review": ("National Review",),
    "Mother Jones": ("Mother Jones",),
    "The Intercept": ("The Intercept",),
    "ProPublica": ("ProPublica",),
    "Yahoo News": ("Yahoo News",),
    "Business Insider": ("Business Insider",),
    "Newsmax": ("Newsmax",),
    "Slate": ("Slate",),
    "Salon": ("Salon",),
    "The New Yorker": ("New Yorker",),
    "Chicago Tribune": ("Chicago Tribune",),
    "The Boston Globe": ("Boston Globe",),
    "The Daily Wire": ("Daily Wire",),
    "Washington Free Beacon": ("Washington Free Beacon", "Free Beacon"),
    "Radio Free Europe/Radio Liberty": ("Radio Free Europe", "RFE/RL", "Radio Liberty"),
    "Voice of America": ("Voice of America", "VOA"),
    "Ukrinform": ("Ukrinform",),
    "UNIAN": ("UNIAN",),
    "Channel One": ("Channel One",),
    "NTV": ("NTV",),
    "Rossiya 24": ("Rossiya 24",),
    "Zvezda": ("Zvezda",),
    "Lenta.ru": ("Lenta.ru",),
    "RBC": ("RBC",),
    "Meduza": ("Meduza",),
    "Novaya Gazeta": ("Novaya Gazeta",),
    "Ekho Moskvy": ("Ekho Moskvy", "Echo of Moscow"),
    "WAFA": ("WAFA",),
    "KUNA": ("KUNA",),
    "Al-Ahram": ("Al-Ahram", "Al Ahram"),
}
_ALIASES: dict[str, str] = {alias: canonical for canonical, aliases in _OUTLETS.items() for alias in aliases}
_ALIASES.update({canonical: canonical for canonical in _OUTLETS})
# For the publishing outlet as metadata gives it ("rt", "Tass"), which need not follow the article's case.
_ALIASES_LOWER: dict[str, str] = {alias.lower(): canonical for alias, canonical in _ALIASES.items()}
# Wire services recognised in a dateline credit: "WASHINGTON (AP) —", "MOSCOW, October 21. /TASS/.".
_CREDIT_NAMES = (
    "AP", "Reuters", "AFP", "TASS", "ITAR-TASS", "SANA", "CNN", "Xinhua", "dpa", "IRNA", "Interfax",
)  # fmt: skip

# A name ending in one of these names a publication: "Fox News", "The Times", "Detroit Free Press".
_OUTLET_LAST_WORDS = frozenset({
    "News", "Times", "Post", "Journal", "Press", "Tribune", "Gazette", "Herald", "Telegraph", "Chronicle",
    "Guardian", "Independent", "Observer", "Monitor", "Examiner", "Register", "Inquirer", "Dispatch",
    "Courier", "Bulletin", "Mirror", "Express", "Star", "Sun", "Globe", "Mail", "Daily", "Weekly",
    "Magazine", "Today", "Insider", "Digest", "Reporter", "Standard", "Wire", "TV", "Radio", "Television",
    "Channel", "Broadcasting", "Newswire", "Newsweek", "Zeitung", "Gazeta", "Pravda",
})  # fmt: skip
# Endings of nationality adjectives ("Korean", "Chinese", "British", "Israeli"), which describe an outlet
# without naming it; known outlets with such endings are in the lexicon.
_NATIONALITY_ENDINGS = ("an", "ese", "ish", "i", "ic")
# Capitalised words that open a sentence, not a name: "After The New York Times reported".
_LEADING_FUNCTION_WORDS = frozenset({
    "The", "A", "An", "This", "That", "These", "Those", "Its", "Their", "His", "Her", "Our", "After", "As",
    "When", "While", "But", "And", "In", "On", "At", "For", "Since", "Before", "Meanwhile", "Then", "Now",
    "Also", "However", "If", "Though", "Although", "Because", "So", "Yet", "Earlier", "Later", "Last",
    "Local", "State", "Another", "Each", "Every", "One", "Both",
})  # fmt: skip
# A name opening with a broadcast medium: "TV 2", "Channel One", "Radio Svoboda".
_MEDIUM_FIRST_WORDS = frozenset(["TV", "Channel", "Radio"])
# Lowercase words the text uses to call a name an outlet: "the Kommersant daily", "the newspaper Bild".
_DESCRIPTORS = (
    "news agency|news website|news site|news outlet|news portal|news channel|news network|TV channel"
    "|television channel|TV station|television station|radio station|newspaper|daily|weekly|tabloid"
    "|broadcaster|channel|magazine|outlet|agency|network|radio|television|TV|paper"
)
# Descriptors that make a plain "with …" a cited source ("with Denmark’s TV 2 channel").
_MEDIUM_DESCRIPTORS = frozenset({
    "news agency", "news website", "news site", "news outlet", "news portal", "news channel", "TV channel",
    "television channel", "TV station", "television station", "radio station", "newspaper", "daily",
    "weekly", "tabloid", "broadcaster", "channel", "magazine", "TV", "radio", "television",
})  # fmt: skip

# --- patterns ------------------------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so that "ITAR-TASS" is tried before "TASS".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NAME_TOKEN = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'&-]*|al-[A-Z][\w’'-]*|[A-Z]\w*\.ru)"
_SPACE = r"[^\S\n]+"
_NAME = (
    rf"{_NAME_TOKEN}(?:{_SPACE}(?:(?:of|de|del|della|di|la|le|el|der){_SPACE})?"
    rf"(?:{_NAME_TOKEN}|\d+\b)){{0,5}}"
)
# What may stand between the cue and the name: "the", an owner ("Denmark’s"), an adjective and a
# descriptor ("the German newspaper", "the pro-Kremlin Izvestia daily").
_NAME_PHRASE = (
    rf"(?:(?P<the>[Tt]he){_SPACE})?"
    rf"(?:(?P<pre>(?:[a-z][\w-]*{_SPACE}|[A-Z][a-z]+{_SPACE}){{0,2}}?(?:{_DESCRIPTORS})){_SPACE})?"
    rf"(?:[a-z]+-[\w-]+{_SPACE})?"  # "the pro-Kremlin Izvestia daily"
    rf"(?P<name>{_NAME})"
    rf"(?:{_SPACE}(?P<post>{_DESCRIPTORS})\b)?"
)
_REPORT_NOUNS = (
    "report|reports|article|story|investigation|analysis|tally|count|poll|survey|interview|piece"
    "|broadcast|estimate|estimates|review|transcript|dispatch|documents|document|data|figures"
)
# "according to [a new report in] …": what may stand between "according to" and the name.
_REPORT_PHRASE = re.compile(
    rf"(?:{_SPACE}(?:a|an))?(?:{_SPACE}(?:new|recent|latest|separate|local|exclusive|leaked|published))?"
    rf"{_SPACE}(?:{_REPORT_NOUNS}){_SPACE}(?:in|by|from|on|published{_SPACE}by|carried{_SPACE}by"
    rf"|aired{_SPACE}by|conducted{_SPACE}by)(?=\s)"
)
_NAME_PHRASE_AT = re.compile(rf"{_SPACE}{_NAME_PHRASE}")

# Cues written before the outlet's name ("according to Sputnik", "told RT").
_CUES_BEFORE = """according to|as cited by|as quoted by|as reported by|as carried by|as broadcast by
|as published by|cited by|quoted by|reported by|carried by|broadcast by|published by|published in|quoted in
|cited in|reported in|obtained by|aired by|first reported by|citing|told|interview with|interview to
|interviewed by|interviews with|speaking to|speaking with|spoke to|spoke with|speaks to|speaks with
|talking to|talking with|talked to|talked with|statement to|comments to|comment to|remarks to|wrote in
|writing in|writes in|wrote for|writing for|writes for|op-ed in|op-ed for|with"""
# Verbs written after the outlet's name ("Reuters reported", "the Kommersant daily wrote").
_VERBS_AFTER = (
    "reported|reports|wrote|writes|revealed|reveals|learned|quoted|quotes|cited|published|broadcast|aired"
)
# "said" cites an outlet only right after a descriptor: "the Interfax news agency said".
_SAID_AFTER = rf",?{_SPACE}(?:said|says|claimed|claims)"
# "with" and "told" are common words; they are cues only when a name (or "the" and a name) follows.
_NAME_FOLLOWS = r"(?=[^\S\n]+(?:[Tt]he[^\S\n]+|an?[^\S\n]+)?(?:[a-z-]+[^\S\n]+){0,2}?(?:[a-z]+-)?[A-Z])"


def _cue_alternation() -> str:
    """Every cue in one alternation grouped by first letter, each letter in both cases as literal
    branches: the regex engine then rejects most positions after one character comparison."""
    bodies: dict[str, list[str]] = {}
    phrases = [p.strip() for p in _CUES_BEFORE.replace("\n", "").split("|")] + _VERBS_AFTER.split("|")
    for phrase in sorted(set(phrases), key=len, reverse=True):
        body = re.escape(phrase[1:]).replace(r"\ ", _SPACE)
        if phrase in ("with", "told"):
            body += _NAME_FOLLOWS
        bodies.setdefault(phrase[0], []).append(body)
    for descriptor in sorted(_DESCRIPTORS.split("|"), key=len, reverse=True):
        body = re.escape(descriptor[1:]).replace(r"\ ", _SPACE) + _SAID_AFTER
        bodies.setdefault(descriptor[0], []).append(body)
    branches = []
    for first, alternatives in sorted(bodies.items()):
        tail = "|".join(alternatives)
        branches += [f"{first}(?:{tail})", f"{first.swapcase()}(?:{tail})"]
    return "|".join(branches)


_CUE_ALTERNATION = _cue_alternation()
_CUE_SCAN = re.compile(rf"[\s(“\"‘'—–,;:](?P<cue>{_CUE_ALTERNATION})\b")
_CUE_AT_START = re.compile(rf"(?P<cue>{_CUE_ALTERNATION})\b")
# Wire credits: "WASHINGTON (AP) —", "MOSCOW, October 21. /TASS/.", but not a photo credit "Smith/AFP/Getty".
# Two patterns, each opening with one literal character, which the regex engine skips to at memchr speed;
# one pattern opening with either character has the engine test every character of the body against the
# pair (0.04 against 0.01 ms on an average allsides article). Their matches never overlap, as no credit
# name holds a bracket or a slash.
_CREDITS = (
    re.compile(rf"\((?P<name>{_alternation(_CREDIT_NAMES)})\)"),
    re.compile(rf"/(?P<name>{_alternation(_CREDIT_NAMES)})/(?!\w)"),
)
_CUE_KINDS: dict[str, str] = {
    " ".join(p.split()): "before" for p in _CUES_BEFORE.replace("\n", "").split("|")
}
_CUE_KINDS.update({v: "verb" for v in _VERBS_AFTER.split("|")})
_CUE_KINDS["with"] = "with"
# The name that ends right before a reporting verb: "Reuters", "the New York Times", "the Kommersant daily,".
_NAME_BEFORE_VERB = re.compile(
    rf"(?:\b(?P<the>[Tt]he){_SPACE})?(?P<name>{_NAME})(?:{_SPACE}(?P<post>{_DESCRIPTORS}))?,?{_SPACE}$"
)
# Characters searched for a name before a reporting verb: the longest outlet name plus "the" and a
# two-word descriptor ("the South China Morning Post news agency" is 47); checked by eye on 600 allsides
# articles, where no cited name came close.
_LOOK_BACK = 80
_POSSESSIVE = re.compile(r"[’']s\b")


# --- deciding what is an outlet ------------------------------------------------------------------------


class _Outlet(NamedTuple):
    source: str  # the normalised outlet name
    length: int  # how much of the cited name is the outlet: "CNN" of "CNN’s Jake Tapper"
    whole: bool  # the whole name is the outlet (so a descriptor after it belongs to the evidence)


def _canonical(name: str) -> _Outlet | None:
    """The lexicon's outlet for ``name`` ("AP" → "Associated Press"), or None when it is unknown.

    A known outlet followed by more capitalised words ("Fox News Sunday", "Reuters Tuesday") is that
    outlet; the extra words are a programme or a date, not part of the name.
    """
    skip = 4 if name.startswith(("the ", "The ")) else 0
    bare = name[skip:]
    found = _ALIASES.get(bare)
    if found is not None:
        return _Outlet(found, len(name), True)
    tokens = bare.split()
    for size in range(len(tokens) - 1, 0, -1):
        prefix = " ".join(tokens[:size])
        found = _ALIASES.get(prefix)
        if found is not None and bare.startswith(prefix):
            return _Outlet(found, skip + len(prefix), False)
    return None


def _structural(name: str, described: bool, after_the: bool = False) -> _Outlet | None:
    """``name`` as an outlet judged by its shape: "Kyiv Post", "TV 2", or a name the text describes.
    ``after_the``: the text has "the" right before the name ("according to the Post")."""
    has_the = after_the or name.startswith(("the ", "The "))
    bare = name[4:] if name.startswith(("the ", "The ")) else name
    tokens = bare.split()
    if not tokens:
        return None
    last = tokens[-1]
    if tokens[0] in _LEADING_FUNCTION_WORDS:
        return None  # "The agency says", "After the paper reported": no name at all
    if _POSSESSIVE.search(last):
        return None  # "the USDA’s website": something the named body owns, not an outlet
    if described:
        # "the North Korean news agency": a nationality describes the agency, it does not name it.
        if last.endswith(_NATIONALITY_ENDINGS):
            return None
        return _Outlet(bare, len(name), True)
    if len(tokens) == 1 and not has_the:
        return None  # "News reports…": a lone generic word names an outlet only as "the Post"
    if (
        last in _OUTLET_LAST_WORDS
        or (last == "Agency" and len(tokens) > 1 and tokens[-2] in ("News", "Press"))
        or (tokens[0] in _MEDIUM_FIRST_WORDS and len(tokens) > 1)
    ):
        return _Outlet(bare, len(name), True)
    return None


def _outlet(name: str, described: bool, after_the: bool = False) -> _Outlet | None:
    """The outlet a cited name refers to, with owners resolved: "Denmark’s TV 2" → "TV 2", "CNN’s Jake
    Tapper" → "CNN"."""
    owner = _POSSESSIVE.search(name)
    if owner is not None and name[owner.end() :].strip():
        rest_start = owner.end() + len(name[owner.end() :]) - len(name[owner.end() :].lstrip())
        rest = name[rest_start:]
        found = _canonical(rest) or _structural(rest, described, after_the=True)
        if found is not None:
            return found._replace(length=rest_start + found.length)
        by_owner = _canonical(name[: owner.start()])
        return by_owner._replace(whole=False) if by_owner is not None else None
    return _canonical(name) or _structural(name, described, after_the)


def _outlet_ending_at(name: str, described: bool, after_the: bool) -> tuple[int, _Outlet] | None:
    """The outlet named by the end of ``name``, with its start in ``name``: "In Moscow TASS" → TASS,
    "After The New York Times" → The New York Times. Known outlets win over names judged by shape."""
    starts = [m.start() for m in re.finditer(r"\S+", name)]
    for start in starts:
        known = _canonical(name[start:])
        if known is not None and known.whole:
            return start, known
    for start in starts:
        if name[start:].split(maxsplit=1)[0] in _LEADING_FUNCTION_WORDS:
            continue
        found = _outlet(name[start:], described, after_the=after_the and start == 0)
        if found is not None and found.whole:
            return start, found
    return None


# --- the extractor -------------------------------------------------------------------------------------


def find_cited_sources(text: str, own_outlet: str | None = None) -> list[CitedSource]:
    """Every outlet ``text`` cites, in order, with the citing phrase and its span.

    ``own_outlet`` is the outlet that published the article, when known: "Karasik told RT" in an RT
    article says where RT got the quote, not which other outlet RT relies on, so it is left out.
    """
    own = _own_names(own_outlet)
    cues = list(_CUE_SCAN.finditer(text))
    at_start = _CUE_AT_START.match(text)
    if at_start is not None:
        cues.insert(0, at_start)
    candidates = [_read_cue(text, cue) for cue in cues]
    candidates += [_read_credit(text, credit) for pattern in _CREDITS for credit in pattern.finditer(text)]
    found: list[CitedSource] = []
    last_end = -1
    for cited in sorted(
        (c for c in candidates if c is not None), key=lambda c: (c.start or 0, -(c.end or 0))
    ):
        start, end = cited.start or 0, cited.end or 0
        if start < last_end or cited.source.lower() in own:
            continue  # overlapping evidence is one citation; the article's own outlet is no source
        found.append(cited)
        last_end = end
    return found


def _own_names(outlet: str | None) -> set[str]:
    """Lowercased names of the publishing outlet: as given and as the lexicon knows it."""
    if not outlet or not outlet.strip():
        return set()
    names = {outlet.strip().lower()}
    known = _canonical(outlet.strip())
    if known is not None:
        names.add(known.source.lower())
    by_lowercase = _ALIASES_LOWER.get(outlet.strip().lower())
    if by_lowercase is not None:
        names.add(by_lowercase.lower())
    return names


def _read_credit(text: str, match: re.Match[str]) -> CitedSource | None:
    if match.start() > 0 and (text[match.start() - 1].isalnum() or text[match.start() - 1] == "/"):
        return None  # "Brendan Smialowski/AFP/Getty Images": a photo credit
    source = _ALIASES[match["name"]]
    return CitedSource(source, match.group(0), match.start(), match.end())


def _read_cue(text: str, match: re.Match[str]) -> CitedSource | None:
    cue = match["cue"]
    words = cue.lower().replace(",", " ").split()
    if words[-1] in ("said", "says", "claimed", "claims"):  # "the Interfax news agency said"
        verb_start = match.end() - len(cue.split()[-1])
        return _read_name_before_verb(text, verb_start, match.end(), needs_descriptor=True)
    kind = _CUE_KINDS[" ".join(words)]
    if kind == "verb":
        return _read_name_before_verb(text, match.start("cue"), match.end(), needs_descriptor=False)
    return _read_name_after_cue(text, match.start("cue"), match.end(), plain_with=kind == "with")


def _read_name_after_cue(text: str, cue_start: int, cue_end: int, plain_with: bool) -> CitedSource | None:
    pos = cue_end
    if text.startswith(("ccording", "CCORDING"), cue_start + 1):
        report = _REPORT_PHRASE.match(text, pos)  # "according to a report in The Guardian"
        if report is not None:
            pos = report.end()
    phrase = _NAME_PHRASE_AT.match(text, pos)
    if phrase is None:
        return None
    pre, post = phrase["pre"], phrase["post"]
    if plain_with and not (
        (post and post in _MEDIUM_DESCRIPTORS) or (pre and _last_words(pre) & _MEDIUM_DESCRIPTORS)
    ):
        # A plain "with CNN" is a partnership or a meeting, not a citation. Tested before the name is
        # judged: "with" is the commonest cue, and this settles most of them without that work.
        return None
    found = _outlet(phrase["name"], described=bool(pre or post), after_the=bool(phrase["the"]))
    if found is None:
        return None
    end = phrase.end() if found.whole else phrase.start("name") + found.length
    return CitedSource(found.source, text[cue_start:end], cue_start, end)


def _last_words(phrase: str) -> set[str]:
    words = phrase.split()
    return {" ".join(words[-2:]), words[-1]}


def _read_name_before_verb(
    text: str, verb_start: int, end: int, needs_descriptor: bool
) -> CitedSource | None:
    named = _NAME_BEFORE_VERB.search(text, max(0, verb_start - _LOOK_BACK), verb_start)
    if named is None:
        return None
    post = named["post"]
    if needs_descriptor and not post:
        return None  # "Lavrov said": only "the Interfax news agency said" cites an outlet
    located = _outlet_ending_at(named["name"], described=bool(post), after_the=bool(named["the"]))
    if located is None:
        return None
    offset, found = located
    start = named.start("name") + offset
    if offset == 0 and named["the"]:
        start = named.start("the")
    return CitedSource(found.source, text[start:end], start, end)


def cited_source_names(sources: Iterable[CitedSource]) -> list[str]:
    """The distinct outlets cited, in order of first citation."""
    return list(dict.fromkeys(s.source for s in sources))


@stage(needs=("body", "outlet"), adds=("cited_sources",))
def cited_sources_stage(article: Article) -> Article:
    """Fill ``Article.cited_sources``. Reads ``Article.outlet`` when an earlier stage has set it (it is
    not required) so that the publishing outlet is not listed as its own source."""
    article.cited_sources = find_cited_sources(article.body, own_outlet=article.outlet)
    return article
