"""Word lists the attribution rules are made of.

Kept as data, apart from the rules, so that an analyst can read what counts as a speech cue or a
role noun and extend it without touching the matching code. Entries were collected from the
reporting-verb inventories of English news style (agency copy, broadsheets) and checked against the
statements annotated in the seed articles; none names a particular person or outlet.
"""

from __future__ import annotations

import re

# Reporting verbs that take a reported clause ("X said (that) …", "“…,” X said").
# Each entry: surface forms that may head a cue in a finite or present-tense use.
CLAUSE_CUES: tuple[str, ...] = (
    "said", "says", "say", "told", "tells", "added", "adds", "noted", "stressed", "stresses", "warned",
    "warns", "pointed out", "points out", "explained", "explains", "stated", "continued", "elaborated",
    "asserted", "asserts", "insisted", "insists", "claimed", "argued", "argues", "announced", "announces",
    "declared", "declares", "emphasized", "emphasised", "emphasizes", "emphasises", "underlined",
    "underscored", "acknowledged", "acknowledges", "admitted", "admits", "denied", "denies", "confirmed",
    "confirms", "suggested", "suggests", "remarked", "observed", "replied", "responded", "wrote", "writes",
    "tweeted", "concluded", "predicted", "vowed", "vows", "reiterated", "reiterates", "maintained",
    "maintains", "contended", "alleged", "alleges", "complained", "recalled", "went on to say",
    "goes on to say", "voiced doubt", "voiced concern", "expressed concern", "expressed hope", "cautioned",
    "agreed", "conceded", "countered", "boasted", "lamented", "quipped", "reported", "revealed",
    "disclosed", "assured", "affirmed", "affirms", "highlighted", "hinted", "speculated", "estimated",
)  # fmt: skip

# Verbs whose object is a person or body asked to act: "X urged Y to …", "X called on Y to …".
CONTROL_CUES: tuple[str, ...] = (
    "urged", "urges", "called on", "calls on", "called upon", "calls upon", "appealed to", "asked", "asks",
    "demanded", "demands", "pressed", "implored", "invited", "encouraged",
)  # fmt: skip

# Participles that start a second reported clause of the same speaker: "…, adding that …".
PARTICIPLE_CUES: tuple[str, ...] = (
    "saying", "adding", "noting", "stressing", "warning", "pointing out", "explaining", "stating",
    "asserting", "insisting", "claiming", "arguing", "emphasizing", "emphasising", "underlining", "voicing",
    "calling on", "calling for", "urging", "recalling", "suggesting", "declaring", "acknowledging",
    "admitting", "denying", "confirming", "reiterating", "affirming",
)  # fmt: skip

# Words that may stand between a speaker and the cue ("Lavrov also stressed").
CUE_ADVERBS: tuple[str, ...] = (
    "also", "further", "furthermore", "nevertheless", "then", "later", "again", "previously", "earlier",
    "repeatedly", "once again", "had", "has", "have", "reportedly", "publicly", "separately", "meanwhile",
    "however", "additionally", "recently", "already", "immediately", "today", "yesterday",
)  # fmt: skip

# Head nouns of descriptions that stand for a speaker ("the Russian top diplomat", "the official").
ROLE_NOUNS: tuple[str, ...] = (
    "minister", "diplomat", "envoy", "official", "officials", "spokesman", "spokeswoman", "spokesperson",
    "president", "leader", "chancellor", "secretary", "ambassador", "advisor", "adviser", "analyst",
    "expert", "experts", "source", "sources", "director", "chief", "head", "commander", "general",
    "senator", "lawmaker", "congressman", "congresswoman", "governor", "mayor", "prosecutor", "lawyer",
    "attorney", "representative", "negotiator", "premier", "chairman", "chairwoman", "chair", "founder",
    "executive", "economist", "professor", "researcher", "candidate", "nominee", "king", "queen", "prince",
    "emir", "sheikh", "pope", "cleric", "activist", "witness", "witnesses", "resident", "residents",
    "campaign", "administration", "government", "ministry", "agency", "department", "office", "committee",
    "council", "report", "statement", "study", "survey", "police", "military", "army", "commission",
    "court", "judge", "officer", "deputy", "aide", "aides", "counterpart", "envoys", "ministers",
    "diplomats", "sheriff",
)  # fmt: skip

# Role heads that are roughly interchangeable when a description stands for a titled person
# ("the top diplomat" for a foreign minister). Keys are description heads, values the title words
# they are compatible with.
ROLE_COMPATIBLE: dict[str, tuple[str, ...]] = {
    "diplomat": (
        "foreign minister",
        "secretary of state",
        "state secretary",
        "ambassador",
        "envoy",
        "diplomat",
        "foreign secretary",
        "foreign affairs",
    ),
    "minister": ("minister",),
    "leader": (
        "president",
        "prime minister",
        "chancellor",
        "king",
        "leader",
        "premier",
        "emir",
        "chairman",
        "head",
    ),
    "president": ("president",),
    "premier": ("prime minister", "premier"),
    "chancellor": ("chancellor",),
    "envoy": ("envoy", "ambassador", "representative"),
    "spokesman": ("spokesman", "spokeswoman", "spokesperson", "press secretary"),
    "spokeswoman": ("spokesman", "spokeswoman", "spokesperson", "press secretary"),
    "spokesperson": ("spokesman", "spokeswoman", "spokesperson", "press secretary"),
    "secretary": ("secretary",),
    "ambassador": ("ambassador",),
    "senator": ("senator", "sen."),
    "governor": ("governor", "gov."),
    "general": ("general", "gen.", "commander"),
    "commander": ("commander", "general"),
    "advisor": ("advisor", "adviser"),
    "adviser": ("advisor", "adviser"),
    "analyst": ("analyst", "advisor", "adviser", "expert"),
    "expert": ("analyst", "advisor", "adviser", "expert"),
}

# Words that are titles or descriptors rather than parts of a personal name.
TITLE_WORDS: frozenset[str] = frozenset(
    w.lower()
    for w in (
        "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Prof", "Prof.", "Sen", "Sen.", "Rep", "Rep.",
        "Gov", "Gov.", "Gen", "Gen.", "Lt", "Lt.", "Col", "Col.", "Capt", "Capt.", "Sgt", "Sgt.", "Sir",
        "Dame", "Lord", "Lady", "President", "Vice", "Prime", "Minister", "Foreign", "Defense", "Defence",
        "Interior", "Finance", "Deputy", "Secretary", "State", "General", "Chancellor", "Ambassador",
        "Envoy", "Special", "Spokesman", "Spokeswoman", "Spokesperson", "Senator", "Governor", "Mayor",
        "King", "Queen", "Prince", "Princess", "Emir", "Sheikh", "Pope", "Chairman", "Chairwoman", "Chief",
        "Director", "Commander", "Admiral", "Justice", "Judge", "Attorney", "Representative", "Congressman",
        "Congresswoman", "Speaker", "Leader", "Premier", "Pres.", "Elect", "President-elect", "Former",
        "Acting", "Executive", "Officer", "Head", "Senior", "Adviser", "Advisor", "Kremlin", "White",
        "House", "UN", "U.N.", "US", "U.S.", "EU", "NATO", "Affairs", "Economy", "Economic", "Trade",
        "Health", "Energy", "Justice", "Education", "Security", "National", "Presidential", "Press",
        "Ayatollah", "Imam", "Rabbi", "Father", "Bishop", "Archbishop", "Cardinal", "Crown", "Supreme",
        "High", "Commissioner", "Staff", "Sheriff", "Officer", "Inspector", "Superintendent", "Colonel",
        "Major", "Captain", "Lieutenant", "Sergeant", "Marshal", "Field", "Army", "Navy", "Air", "Force",
        "Forces", "Gulf", "Deputy-Defense",
    )
)  # fmt: skip

# Organisation words: a capitalised sequence containing one is a body, not a person.
ORG_WORDS: frozenset[str] = frozenset(
    w.lower()
    for w in (
        "Ministry", "Committee", "Council", "Front", "Group", "Groups", "Forces", "Force", "Agency",
        "Government", "Party", "Union", "Office", "Department", "Commission", "Organization",
        "Organisation", "Institute", "University", "Bank", "Fund", "Corporation", "Company", "Inc", "Inc.",
        "Ltd", "Association", "Federation", "Army", "Navy", "Police", "Court", "Parliament", "Assembly",
        "Congress", "Senate", "House", "Administration", "Authority", "Board", "Bureau", "Center", "Centre",
        "Foundation", "Movement", "Alliance", "Coalition", "Network", "News", "Times", "Post", "Journal",
        "Press", "Television", "TV", "Radio", "Channel", "Analytics", "Watch", "Service", "Services",
        "Brigade", "Brigades", "Battalion", "Command", "Guard", "State", "States", "Nations", "Kingdom",
        "Republic", "Emirates", "Cabinet", "Kremlin", "Pentagon", "Caucus", "Tribunal", "Secretariat",
        "Directorate", "Mission", "Delegation", "Campaign",
        # The same words in transliterated Arabic names of armed groups and movements, which English
        # news keeps untranslated: Jabhat (front), Jaish (army), Harakat (movement), Liwa (brigade),
        # Kataib (battalions), Ansar (supporters), Hayat/Hay'at (body, committee).
        "Jabhat", "Jaish", "Jaysh", "Harakat", "Liwa", "Kataib", "Ansar", "Hayat", "Hay'at", "Hay’at",
    )
)  # fmt: skip

# Function words and reporting verbs: frequent in every article whatever it is about, so they carry
# neither a claim (quotetrail.echoes) nor an event (quotetrail.stories); each adds its own further words.
FUNCTION_WORDS: frozenset[str] = frozenset(
    """
    a about according after also am an and are as at be been before being but by can could did do does
    for from had has have having he her here him his i if in into is it its just may me might must my of
    on one or our over said say says shall she should so than that the their them then there these they
    this those to told us very was we were what when where which while who whom will with would you your
    """.split()
)

PRONOUNS: dict[str, str] = {
    "he": "male",
    "she": "female",
    "they": "plural",
    "i": "self",
    "we": "plural",
}

# Sentence-initial discourse words that may stand before a quote without making it a partial quote
# ('However, "…," he added.').
CONNECTIVES: frozenset[str] = frozenset(
    (
        "however", "but", "and", "still", "yet", "also", "so", "then", "moreover", "meanwhile",
        "nevertheless", "instead", "indeed", "again", "now", "furthermore", "besides", "thus",
    )
)  # fmt: skip

# Words after which a short quoted phrase is a label ("the so-called “Army of X”", "what it calls
# “good opposition”"), not words the speaker is quoted as saying.
LABEL_PRECEDERS: tuple[str, ...] = (
    "so-called", "so called", "calls", "call", "called", "dubbed", "termed", "described as", "branded",
    "labelled", "labeled", "known as", "nicknamed", "styled",
)  # fmt: skip

# Abbreviations that end with a period without ending a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    a.lower()
    for a in (
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Capt", "Sgt", "St", "Jr",
        "Sr", "Inc", "Ltd", "Co", "Corp", "No", "Nos", "vs", "etc", "eds", "ed", "Jan", "Feb", "Mar", "Apr",
        "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "approx", "est", "Adm", "Pres", "Gov",
        "Ave", "Blvd", "Mt", "Ft", "a.m", "p.m", "U.S", "U.N", "U.K", "E.U", "D.C",
    )
)  # fmt: skip

# Given-name transliteration variants mapped to one canonical spelling, so that an article's
# "Sergei" and another's "Sergey" name the same person. The canonical spelling follows the
# "-y" convention common in English-language wire copy for Russian names, and the most frequent
# English spelling for Arabic ones.
GIVEN_NAME_VARIANTS: dict[str, str] = {
    "sergei": "Sergey",
    "serguei": "Sergey",
    "sergej": "Sergey",
    "dmitri": "Dmitry",
    "dmitriy": "Dmitry",
    "dmitrii": "Dmitry",
    "yuri": "Yury",
    "yuriy": "Yury",
    "iouri": "Yury",
    "alexei": "Alexey",
    "aleksei": "Alexey",
    "alexej": "Alexey",
    "aleksey": "Alexey",
    "andrei": "Andrey",
    "nikolai": "Nikolay",
    "nikolaj": "Nikolay",
    "anatoliy": "Anatoly",
    "anatolii": "Anatoly",
    "yevgeni": "Yevgeny",
    "yevgeniy": "Yevgeny",
    "evgeny": "Yevgeny",
    "evgeniy": "Yevgeny",
    "vitali": "Vitaly",
    "vitaliy": "Vitaly",
    "vasili": "Vasily",
    "vasiliy": "Vasily",
    "valeri": "Valery",
    "valeriy": "Valery",
    "grigori": "Grigory",
    "grigoriy": "Grigory",
    "georgi": "Georgy",
    "georgiy": "Georgy",
    "gennadi": "Gennady",
    "gennadiy": "Gennady",
    "arkadi": "Arkady",
    "arkadiy": "Arkady",
    "maksim": "Maxim",
    "aleksandr": "Alexander",
    "mikhail": "Mikhail",
    "mihail": "Mikhail",
    "mohammed": "Mohammed",
    "muhammad": "Mohammed",
    "mohamed": "Mohammed",
    "mohammad": "Mohammed",
    "muhammed": "Mohammed",
}


_Trie = dict[str, "_Trie"]


def trie_pattern(words: tuple[str, ...] | list[str]) -> str:
    """A regular expression matching exactly ``words``, factored by common prefixes.

    Python's regex engine tries alternatives one by one at every position; sharing prefixes
    ("s(?:aid|ays|tated)") makes a long word list about three times faster to scan for.
    Spaces inside an entry match any run of whitespace.
    """
    root: _Trie = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        ends_here = "" in node
        alts = [
            (r"\s+" if ch == " " else re.escape(ch)) + emit(child)
            for ch, child in sorted(node.items())
            if ch != ""
        ]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if ends_here:
            return "(?:" + body + ")?"
        return body

    return "(?:" + emit(root) + ")"


# Stems (see cuemodel.stem) of cues that report a speech act: something said, written or published.
# Learned cues outside this list report a stance (beliefs, intentions, findings: "wants", "thinks",
# "the poll shows"), which PolNeAR annotates and a record of statements may leave out.
SPEECH_CUE_STEMS: frozenset[str] = frozenset(
    """say said sai tell told add note writ wrote tweet post claim insist argu announc declar stress warn
    explain stat ask repli reply respond acknowledg admit deni deny confirm suggest accus call urg predict
    promis vow pledg report describ criticiz criticis prais accord cit quot recall continu conclud
    complain blast slam attack mock assert emphasiz emphasis underlin underscor remark observ propos
    demand threaten question charg dismiss condemn denounc defend testifi testify comment recount boast
    joke quipp lament conced counter contend maintain reiterat reveal disclos assur affirm highlight hint
    speculat estimat mention refer point""".split()
)  # Topic-only acts ("discussed", "talked about", "rejected the plan", "endorsed") are stances.
