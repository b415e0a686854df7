"""The project's own synonym lexicon for news text: words grouped into meaning classes.

Translators and reporters put one claim in different words ("failed to separate X from Y", "refused to
dissociate X from Y"); static word vectors often do not relate such words (WordLlama puts "dissociate"
and "separate" at cosine 0.05). The echo scorer (:mod:`quotetrail.echoes`) reads every word through this
lexicon, so two wordings of one claim share the words a tf-idf comparison counts.

The classes were written by hand for political, conflict, diplomatic, legal and economic news in
general: each holds words a careful editor would accept as interchangeable *in news reporting* (so
"regime" sits with "government", "terrorist" with "militant" and "rebel": outlets name the same actors
differently, and an echo detector must see through that). Words whose everyday sense is mostly
something else are left out ("back", "end", "state", "press", "march"), because a class token is only
useful if it rarely joins unrelated statements. A word belongs to one class at most.

Entries are base forms; inflections are folded by a suffix rule (:func:`inflections`: -s/-es/-ies,
-ed/-d/-ied, -ing with a dropped e or a doubled final consonant), and irregular forms are listed as
entries of their own ("fought", "withdrew"). A two-word entry ("break away", "not want") is a phrase:
its first word is inflected ("broke away" is listed, "breaking away" is folded), and a leading "not"
stands for any negation, followed by any inflection of the verb ("didn't want", "never wanted").
Hyphenated words reach the lexicon as two words ("cease-fire" -> "cease fire"), so they are entered
as phrases.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

# Class name -> its entries (space-separated single words; phrases joined by "+"). The name is itself an
# entry: it is the word that stands for the class when text is folded for a word-vector model.
_CLASS_TEXT: dict[str, str] = {
    # --- armed conflict ---------------------------------------------------------------------------
    "attack": """attack assault raid offensive onslaught bombard bombardment bomb bombing shell shelling
        ambush airstrike airstrikes air+strike airraid air+raid strike incursion""",
    "explosion": "explosion explode blast detonate detonation explosive",
    "shoot": "shoot shooting shot gunfire gunshot open+fire opened+fire",
    "kill": """kill killing killer slay slain slew murder murderer assassinate assassination massacre
        slaughter""",
    "die": """die death dead fatality fatalities casualty casualties perish toll""",
    "wound": "wound injure injury maim",
    "fight": "fight fighting fought combat battle clash skirmish hostilities",
    "war": "war warfare conflict",
    "militant": """militant fighter gunman gunmen terrorist insurgent rebel jihadist jihadi extremist
        guerrilla militia militiaman militiamen combatant""",
    "terrorism": "terrorism extremism jihadism insurgency militancy radicalism radicalisation radicalization",
    "group": "group faction outfit organization organisation formation",
    "troops": "troops soldier army military servicemen servicemembers armed+forces",
    "weapon": "weapon weaponry arms armament munitions ammunition arsenal",
    "missile": "missile rocket projectile",
    "gun": "gun firearm handgun rifle pistol",
    "ceasefire": "ceasefire truce armistice cease+fire",
    "withdraw": "withdraw withdrew withdrawn withdrawal retreat pullout drawdown pull+out pull+back",
    "evacuate": "evacuate evacuation evacuee",
    "invade": "invade invasion invader occupy occupation occupier",
    "siege": "siege besiege blockade encircle encirclement",
    "capture": "capture seize seizure recapture retake retook overrun conquer conquest",
    "annex": "annex annexation",
    "destroy": "destroy destruction demolish demolition raze devastate devastation ruin wreck obliterate",
    "rebuild": "rebuild rebuilt reconstruct reconstruction restore restoration repair",
    "escalate": "escalate escalation intensify intensification worsen exacerbate inflame aggravate",
    "calm": "calm defuse pacify de+escalate de+escalation",
    "violence": "violence violent bloodshed brutality brutal atrocity",
    "torture": "torture mistreat mistreatment abuse torment",
    "hostage": "hostage captive abduct abduction abductor kidnap kidnapping kidnapper",
    "prisoner": "prisoner inmate",
    "detain": """detain detention detainee arrest custody apprehend jail imprison imprisonment incarcerate
        incarceration""",
    "flee": "flee fled escape exodus",
    "refugee": "refugee asylum displaced",
    "migrant": "migrant immigrant emigrant immigration migration emigration",
    "civilian": "civilian noncombatant",
    "rescue": "rescue rescuer",
    "revolution": "revolution uprising revolt rebellion insurrection mutiny",
    "overthrow": "overthrow overthrew overthrown topple oust ouster depose unseat coup regime+change",
    # --- separation and union ---------------------------------------------------------------------
    "separate": """separate separation dissociate dissociation disassociate disassociation disentangle
        distinguish differentiate differentiation sort split delineate delineation decouple detach
        distance sever segregate break+from break+away break+with broke+from broke+away broke+with
        broken+from broken+away broken+with cut+ties part+ways""",
    "unite": "unite unify unification merge merger combine amalgamate",
    "secede": "secede secession secessionist separatist breakaway",
    "link": "link tie connection association affiliation affiliate relationship",
    # --- failing, refusing, trying ----------------------------------------------------------------
    "fail": """fail failure unable inability refuse refusal reluctant reluctance unwilling unwillingness
        incapable not+want not+wish not+willing not+able not+manage""",
    "try": "try attempt seek sought endeavor endeavour strive strove effort",
    "able": "able ability capable capability",
    "success": "success succeed successful achieve achievement accomplish accomplishment",
    "want": "want wish desire aspire aspiration",
    # --- diplomacy ----------------------------------------------------------------------------------
    "negotiate": """negotiate negotiation negotiator talks dialogue dialog mediate mediation mediator
        bargain parley""",
    "meet": "meet meeting met summit encounter",
    "agree": "agree consent concur assent consensus",
    "agreement": "agreement accord deal pact treaty arrangement",
    "compromise": "compromise concession",
    "ally": "ally alliance coalition bloc",
    "enemy": "enemy adversary foe rival",
    "cooperate": """cooperate cooperation collaborate collaboration coordinate coordination partner
        partnership""",
    "diplomat": "diplomat envoy ambassador emissary",
    "visit": "visit trip tour",
    "sanction": "sanction embargo boycott",
    "ban": "ban outlaw prohibit prohibition forbid forbade forbidden proscribe",
    "interfere": "interfere interference meddle meddling intervene intervention",
    "pressure": "pressure pressurize pressurise coerce coercion compel",
    "tension": "tension friction strain animosity hostility",
    "dispute": "dispute disagreement disagree quarrel feud spat rift",
    "settle": "resolve resolution settle settlement solve solution",
    "recognize": "recognize recognise recognition acknowledge acknowledgment acknowledgement admit concede",
    "independence": "independence independent sovereignty sovereign autonomy autonomous",
    "exchange": "exchange swap",
    # --- speech acts and stances --------------------------------------------------------------------
    "support": "support supporter supportive endorse endorsement backing backer",
    "oppose": "oppose opponent objection resist resistance disapprove",
    "criticize": """criticize criticise criticism critic condemn condemnation denounce denunciation decry
        censure rebuke lambast lambaste deplore""",
    "praise": "praise commend hail applaud laud acclaim welcome",
    "accuse": "accuse accusation allege allegation blame incriminate implicate",
    "deny": "deny denial refute rebut rebuttal disprove",
    "reject": "reject rejection rebuff spurn repudiate veto turn+down turned+down",
    "warn": "warn warning caution alert",
    "threaten": "threaten threat menace intimidate intimidation",
    "promise": "promise pledge vow commitment undertake guarantee assure assurance",
    "demand": "demand urge exhort request call+for call+on called+for called+on",
    "propose": "propose proposal suggest suggestion initiative",
    "announce": "announce announcement declare declaration proclaim proclamation unveil",
    "claim": "claim assert assertion contend contention insist",
    "confirm": "confirm confirmation verify verification corroborate validate",
    "respond": "respond response reply react reaction retort answer",
    "discuss": "discuss discussion debate deliberate deliberation consult consultation",
    "apologize": "apologize apologise apology regret",
    "insult": "insult offend slur disparage mock ridicule",
    "believe": "believe belief think reckon suppose presume",
    "expect": "expect expectation anticipate forecast predict prediction foresee",
    "hope": "hope hopeful optimistic optimism",
    "fear": "fear concern worry anxiety alarm apprehension",
    "doubt": "doubt skeptical sceptical skepticism scepticism dubious uncertain uncertainty",
    "trust": "trust confidence faith credibility",
    "anger": "anger angry outrage fury furious indignation rage resentment",
    "surprise": "surprise shock astonish astonishment stun unexpected",
    "mourn": "mourn grieve grief condolence sorrow",
    "show": "show indicate indication illustrate demonstrate",
    "obvious": "obvious evident apparent clear",
    "reveal": "reveal revelation disclose disclosure uncover expose leak",
    "hide": "hide hid hidden conceal concealment cover+up coverup",
    "ignore": "ignore disregard neglect overlook",
    "justify": "justify justification excuse pretext rationale",
    # --- truth and deception ------------------------------------------------------------------------
    "false": """false untrue fake bogus fabricate fabrication baseless unfounded groundless falsehood lie
        lying liar""",
    "deceive": """deceive deception deceptive mislead misled manipulate manipulation propaganda
        disinformation misinformation""",
    "rumor": "rumor rumour speculation gossip",
    "conspiracy": "conspiracy conspire collusion collude plot",
    "secret": "secret covert clandestine undercover",
    "spy": "spy espionage",
    "hack": "hack hacker cyberattack cyber+attack",
    "evidence": "evidence proof prove substantiate",
    # --- law, order and governance ------------------------------------------------------------------
    "government": "government govt administration regime authorities",
    "country": "country nation",
    "border": "border frontier boundary",
    "law": "law legislation statute bill",
    "regulate": "regulation regulate regulator",
    "restrict": "restrict restriction curb limit constrain constraint curtail",
    "allow": "allow permit permission enable",
    "approve": "approve approval authorize authorise authorization authorisation ratify ratification",
    "implement": "implement implementation enforce enforcement",
    "comply": "comply compliance abide adhere adherence obey",
    "violate": "violate violation breach infringe infringement contravene contravention flout",
    "illegal": "illegal unlawful illegitimate illicit",
    "legal": "legal lawful legitimate legitimacy",
    "court": "court tribunal judiciary",
    "prosecute": "prosecute prosecution prosecutor indict indictment",
    "sue": "sue lawsuit litigation litigate",
    "convict": "convict guilty",
    "crime": "crime criminal offense offence wrongdoing felony",
    "police": "police policeman policemen cop law+enforcement",
    "investigate": "investigate investigation investigator probe inquiry enquiry inquest",
    "punish": "punish punishment penalize penalise penalty",
    "responsible": "responsible responsibility accountable accountability culpable liable liability",
    "corruption": "corruption corrupt bribe bribery graft kickback embezzle embezzlement",
    "fraud": "fraud fraudulent scam swindle rig rigging cheat",
    "deport": "deport deportation expel expulsion extradite extradition",
    "resign": "resign resignation quit step+down stepped+down stand+down stood+down",
    "appoint": "appoint appointment appointee nominate nomination nominee",
    "elect": "elect election electoral vote voter voting ballot referendum electorate plebiscite",
    "candidate": "candidate contender",
    "win": "win won winner victory victorious triumph prevail",
    "lose": "lose lost loss loser forfeit",
    "dictator": "dictator tyrant autocrat despot strongman dictatorship tyranny autocracy despotism",
    "freedom": "freedom liberty",
    "protest": "protest protester protestor demonstration demonstrator rally",
    "riot": "riot unrest disturbance turmoil upheaval",
    "protect": "protect protection defend defense defence safeguard shield guard",
    "security": "security safety secure safe",
    "danger": "danger dangerous risk risky peril perilous hazard",
    "harm": "harm damage detriment",
    "undermine": "undermine sabotage subvert weaken erode destabilize destabilise",
    "strengthen": "strengthen reinforce bolster consolidate",
    "control": "control dominate domination",
    "crisis": "crisis emergency catastrophe disaster calamity",
    "scandal": "scandal controversy",
    "journalist": "journalist reporter correspondent",
    "expert": "expert specialist analyst pundit commentator",
    "witness": "witness eyewitness onlooker bystander testify testimony",
    "study": "study research survey poll",
    "citizen": "citizen resident inhabitant populace",
    "child": "child children kids minors juvenile",
    # --- change over time ---------------------------------------------------------------------------
    "increase": """increase rise rose risen grow grew grown growth surge jump climb soar spike hike raise
        boost expand expansion""",
    "decrease": """decrease decline fall fell fallen drop plunge slump shrink shrank shrunk reduce
        reduction cut lower dip tumble contraction""",
    "start": "start begin began begun launch initiate commence kick+off",
    "stop": "stop halt cease terminate termination discontinue",
    "suspend": "suspend suspension freeze froze frozen pause",
    "resume": "resume resumption restart renew renewal revive reopen",
    "continue": "continue continuation persist persistent ongoing",
    "change": "change alter modify shift",
    "reform": "reform overhaul revamp restructure",
    "return": "return repatriate repatriation",
    # --- economy ------------------------------------------------------------------------------------
    "fund": """fund funding finance financing pay payment paid spend spending spent bankroll subsidize
        subsidise subsidy sponsor""",
    "invest": "invest investment investor",
    "borrow": "borrow loan lend lent lender debt indebted creditor",
    "tax": "tax taxation levy tariff",
    "price": "price cost",
    "profit": "profit earnings revenue income",
    "deficit": "deficit shortfall",
    "wage": "wage salary paycheck",
    "recession": "recession downturn",
    "company": "company firm business corporation enterprise",
    "worker": "worker employee laborer labourer workforce",
    "employment": "job employment employ hire hiring",
    "unemployment": "unemployment joblessness jobless unemployed",
    "poverty": "poverty poor impoverished destitute",
    "rich": "rich wealthy wealth affluent",
    "hunger": "hunger starvation starve famine malnutrition",
    "disease": "disease illness epidemic outbreak pandemic infection",
    "provide": "provide provision supply supplier deliver delivery",
    "help": "help assist assistance aid",
    "smuggle": "smuggle smuggler trafficking trafficker contraband",
    # --- plans, reasons, outcomes -------------------------------------------------------------------
    "plan": "plan scheme strategy blueprint",
    "decide": "decide decision choose chose chosen choice opt",
    "goal": "goal aim objective purpose intention intent ambition",
    "reason": "reason cause motive",
    "consequence": "consequence result outcome effect impact repercussion fallout aftermath",
    "problem": "problem difficulty trouble obstacle hurdle impediment",
    "opportunity": "opportunity chance prospect",
    "necessary": "necessary necessity need require requirement imperative",
    "possible": "possible possibility feasible feasibility",
    "impossible": "impossible unrealistic infeasible",
    "important": "important crucial vital essential paramount",
    "urgent": "urgent urgently immediate immediately promptly",
    "quick": "quick quickly rapid rapidly swift swiftly speedy",
    "large": "large big huge massive enormous vast immense sizable sizeable",
    "small": "small tiny slight modest minor",
}

# Words that negate the next one; a phrase entry "not X" matches any of them before X.
_NEGATION_HEADS = frozenset(
    """not never cannot don't doesn't didn't won't wouldn't can't couldn't isn't aren't wasn't weren't
    hasn't haven't hadn't shouldn't""".split()
)
_VOWELS = frozenset("aeiou")
# Forms the suffix rule makes from an entry that are, in news text, mostly other words: "united" is the
# United States / Nations / Kingdom, "according" (to) is not an accord, "incoming" is not income,
# "supposed" (to) is not supposing. Found by listing the generated forms of the lexicon that occur in
# the statements of bench/stories/allsides_stories.jsonl.gz, most frequent first, and reading them.
_NOT_INFLECTIONS = frozenset("united according accordingly incoming supposed supposedly".split())
# Two-word idioms whose words are not the lexicon word's sense: their words stay as they are.
_IDIOMS = frozenset({("sort", "of"), ("sorts", "of"), ("think", "tank"), ("think", "tanks")})


def inflections(word: str) -> set[str]:
    """``word`` and its regular inflections by suffix rule (plural / third person, past, -ing).

    Over-generation is harmless here: a form that is not an English word never occurs in text, so only
    real words can be folded, and those the suffix rule produces are inflections of the entry."""
    forms = {word}
    if len(word) < 3:
        return forms
    last, before = word[-1], word[-2]
    if last == "y" and before not in _VOWELS:
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
        return forms
    if word.endswith("ie"):
        forms |= {word + "s", word + "d", word[:-2] + "ying"}
        return forms
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms |= {word + "es", word + "ed", word + "ing"}
        return forms
    forms.add(word + "s")
    if last == "e":
        forms |= {word + "d", word[:-1] + "ing", word + "ing"}  # "agreeing" keeps its e
        return forms
    forms |= {word + "ed", word + "ing"}
    # A final single consonant after a single vowel may double ("ban" -> "banned", "commit" ->
    # "committed"); both spellings are added since stress decides and "targetted" never occurs.
    if last not in _VOWELS and last not in "wxy" and before in _VOWELS and word[-3] not in _VOWELS:
        forms |= {word + last + "ed", word + last + "ing"}
    return forms


def _parse(text: Mapping[str, str]) -> dict[str, frozenset[str]]:
    return {name: frozenset(entry.replace("+", " ") for entry in body.split()) for name, body in text.items()}


SYNONYM_CLASSES: Mapping[str, frozenset[str]] = MappingProxyType(_parse(_CLASS_TEXT))
"""Class name -> its entries as written (base forms; phrases as two words separated by a space)."""


def _build_tables() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Word form -> class and (first word form, second word) -> class. An entry as written outranks a
    generated inflection of another entry ("minors" is listed under children, not folded into "minor")."""
    words: dict[str, str] = {}
    phrases: dict[tuple[str, str], str] = {}
    for name, entries in SYNONYM_CLASSES.items():
        for entry in entries:
            parts = entry.split()
            if len(parts) == 1:
                words[entry] = name
            elif len(parts) == 2:
                if parts[0] in _NEGATION_HEADS:  # "not want": the verb is inflected ("never wanted")
                    phrases.update((("not", form), name) for form in inflections(parts[1]))
                else:  # "break away": the first word is ("broke away" is listed as an entry)
                    phrases.update(((head, parts[1]), name) for head in inflections(parts[0]))
            else:
                raise ValueError(f"synonym entry {entry!r} has more than two words")
    for name, entries in SYNONYM_CLASSES.items():
        for entry in entries:
            if " " not in entry:
                for form in sorted(inflections(entry) - _NOT_INFLECTIONS):
                    words.setdefault(form, name)
    return words, phrases


_WORD_CLASS, _PHRASE_CLASS = _build_tables()
_PHRASE_HEADS = frozenset(head for head, _ in _PHRASE_CLASS) | _NEGATION_HEADS | {a for a, _ in _IDIOMS}


def synonym_class(word: str) -> str | None:
    """The class of one lower-case word ("dissociated" -> "separate"), or None if it has none."""
    return _WORD_CLASS.get(word)


def class_token(name: str) -> str:
    """The token that stands for class ``name`` in folded text: it cannot be a word of the text."""
    return "≈" + name


@lru_cache(maxsize=1)
def _class_tokens() -> dict[str, str]:
    return {form: class_token(name) for form, name in _WORD_CLASS.items()}


def _negation_head(word: str) -> str:
    return "not" if word in _NEGATION_HEADS else word


def fold_synonyms(words: Sequence[str]) -> list[str]:
    """``words`` (lower case, in text order) with every lexicon member replaced by its class token: a
    two-word phrase becomes one token, every other word stays as it is."""
    tokens = _class_tokens()
    if _PHRASE_HEADS.isdisjoint(words):
        return [tokens.get(w, w) for w in words]
    out: list[str] = []
    k, n = 0, len(words)
    while k < n:
        word = words[k]
        if k + 1 < n:
            pair = (word, words[k + 1])
            if pair in _IDIOMS:
                out += pair
                k += 2
                continue
            phrase = _PHRASE_CLASS.get((_negation_head(word), words[k + 1]))
            if phrase is not None:
                out.append(class_token(phrase))
                k += 2
                continue
        out.append(tokens.get(word, word))
        k += 1
    return out


_EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}.,;:!?…-–—"


@lru_cache(maxsize=1 << 16)
def _fold_token(token: str) -> str:
    core = token.strip(_EDGE_PUNCTUATION)
    low = core.lower().replace("’", "'")
    name = _WORD_CLASS.get(low) if core else None
    # An inflection of the class name itself ("groups" of "group") keeps its own word vector.
    if name is None or low in _NAME_FORMS[name]:
        return token
    start = token.index(core)
    return token[:start] + name + token[start + len(core) :]


_SENTENCE_ENDS = (".", "!", "?", "…", ":", '."', ".”")
_NAME_FORMS = {name: inflections(name) for name in SYNONYM_CLASSES}


def fold_text(text: str) -> str:
    """``text`` with every single-word lexicon member replaced by its class name, punctuation kept
    ("They dissociated themselves." -> "They separate themselves."): how a word-vector model is shown a
    statement, so that it sees one word where writers chose different ones. Whitespace runs become one
    space. Left as they are: phrases and idioms ("sort of"), and capitalised words inside a sentence,
    which are parts of names ("the United Nations Security Council")."""
    tokens = text.split()
    out = list(map(_fold_token, tokens))
    # Only the folded tokens are looked at again (found without a Python loop over every token).
    for k in itertools.compress(range(len(tokens)), map(operator.is_not, out, tokens)):
        token = tokens[k]
        inside_sentence = k > 0 and not tokens[k - 1].endswith(_SENTENCE_ENDS)
        idiom = k + 1 < len(tokens) and (token.lower(), tokens[k + 1].lower()) in _IDIOMS
        if idiom or (inside_sentence and token[:1].isupper()):
            out[k] = token
    return " ".join(out)


def same_class(a: str, b: str) -> bool:
    """Whether two lower-case words fall in one class (inflections folded)."""
    ca = _WORD_CLASS.get(a)
    return ca is not None and ca == _WORD_CLASS.get(b)


def entries_in_several_classes(
    classes: Mapping[str, Iterable[str]] = SYNONYM_CLASSES,
) -> dict[str, list[str]]:
    """Entries listed under more than one class (the lexicon keeps none; a check for edits)."""
    seen: dict[str, list[str]] = {}
    for name, entries in classes.items():
        for entry in entries:
            seen.setdefault(entry, []).append(name)
    return {entry: names for entry, names in seen.items() if len(names) > 1}
