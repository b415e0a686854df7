"""Statements and their speakers: direct, indirect and mixed, with the rule that found each.

The stage works paragraph by paragraph and sentence by sentence over a *masked* copy of the body in
which every quotation interior is blanked out (:func:`segment.mask_quotes`), so no pattern ever
matches words inside a quotation. Each sentence is read around its reporting cue ("said",
"according to", "urged … to"):

* the speaker is the noun phrase right before the cue (or right after it: "…,” said Lavrov"), a
  name, a description ("the Russian top diplomat"), a pronoun or "a statement by …";
* what was said is the clause after the cue (leading attribution) or the text before the speaker
  (trailing attribution); participles ("…, adding that …") start a second statement of the same
  speaker;
* a quotation with no cue of its own that follows a statement continues it.

Speakers are then resolved within the article (:class:`SpeakerResolver`): names to the fullest form
the article gives, descriptions to the titled person they fit, pronouns to the last speaker.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .cuemodel import TOKEN, CueModel, load_cue_model, shape, stem
from .frames import Frame, frame_for_cue
from .lexicon import (
    CLAUSE_CUES,
    CONNECTIVES,
    CONTROL_CUES,
    CUE_ADVERBS,
    LABEL_PRECEDERS,
    PARTICIPLE_CUES,
    PRONOUNS,
    ROLE_COMPATIBLE,
    ROLE_NOUNS,
    SPEECH_CUE_STEMS,
    TITLE_WORDS,
    trie_pattern,
)
from .model import Article, Mention, Span, Statement, StatementAct, StatementKind, StatementScope
from .names import (
    NAME_RUN,
    NAME_TOKEN,
    NameRegistry,
    canonical_person,
    is_org_name,
    name_tokens,
    person_part,
    scan_names,
)
from .segment import MASK, Quote, find_quotes, mask_quotes, split_sentences


def _alternation(words: tuple[str, ...]) -> str:
    return trie_pattern(tuple(set(words)))


# --- noun phrases that can name a speaker -------------------------------------------------------

_POSS = r"(?:[A-Z][\w\-]*[’']s\s+)"
_ROLE = rf"(?i:{_alternation(ROLE_NOUNS)})"
_MOD = (
    r"(?:[a-z]+-[\w\-]+|deputy|former|acting|senior|chief|top|then|outgoing|incoming|spokesman|"
    r"spokeswoman|spokesperson|envoy|official|minister|president|secretary|adviser|advisor|analyst|"
    r"lawmaker|senator|chairman|leader|general|commander|director|ambassador|candidate|nominee|"
    r"lawyer|attorney|aide|counterpart|representative)"
)
_PARTICLE_START = r"(?:(?:de|van|von|bin|ibn|abu|da|di|du|dos|le|la)\s+)"
_TITLED_NAME = rf"(?:{_POSS})?(?:(?:{NAME_TOKEN}|{_MOD})\s+){{0,4}}?{_PARTICLE_START}?{NAME_RUN}"
_DET = r"(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+"
_ROLE_DESC = (
    rf"(?:{_DET}|{_POSS})(?:[\w\-’']+\s+){{0,3}}?{_ROLE}"
    rf"(?:\s+(?:for|to|of|at|in|on|with)\s+(?:the\s+)?{NAME_RUN}){{0,2}}"
)
_ISSUED_BY_HEAD = (
    r"(?:[Aa]n?|[Tt]he)\s+(?:joint\s+|written\s+|official\s+)?(?:statement|report|communiqu[ée]|letter|"
    r"press\s+release|memo|declaration)\s+(?:by|from|of)\s+(?:the\s+)?"
)
_STATEMENT_BY = rf"{_ISSUED_BY_HEAD}{_TITLED_NAME}"
# "A statement by the Russian Foreign Ministry" → the body that issued it.
_ISSUED_BY = re.compile(rf"{_ISSUED_BY_HEAD}(.*)")
_PRONOUN = r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)"
_PLURAL_BARE = r"\b(?:[Ss]ources|[Oo]fficials|[Ee]xperts|[Aa]nalysts|[Cc]ritics|[Ww]itnesses|[Rr]esidents)"
_APPOSED_NAME = rf"(?!(?i:{_alternation(tuple(sorted(TITLE_WORDS)))})\b){_PARTICLE_START}?{NAME_RUN}"
MENTION = (
    rf"(?:{_STATEMENT_BY}|{_TITLED_NAME},\s+{_ROLE_DESC},|{_ROLE_DESC}(?:,\s+{_APPOSED_NAME})?|{_TITLED_NAME}"
    rf"(?:\s+and\s+{_TITLED_NAME})?|{_PRONOUN}|{_PLURAL_BARE})"
)
_ADV = rf"(?:{_alternation(CUE_ADVERBS)})"
# The speaker right before a cue: anchored at the end of the text before the cue.
_SUBJ_BEFORE_CUE = re.compile(rf"(?<![\w’'\-])(?P<m>{MENTION}),?\s+(?:{_ADV}\s+){{0,2}}$")
# "…, the senior adviser, who …" — an appositive or participial clause between speaker and cue.
_APPOSITIVE_TAIL = re.compile(r",\s+(?:who|which|[a-z]+ing|[a-z]+ed)\b[^,\x01]{0,140}$")
_RELATIVE_BEFORE = re.compile(r"(?i:\b(?:which|who|whom|whose|what|than|as|that|if|whether)\s+)$")
_MENTION_AFTER = re.compile(rf"\s+(?P<m>{MENTION})")
# The speaker right after a cue: "…,” said Lavrov."
_SUBJ_AFTER_CUE = re.compile(rf"^\s+(?P<m>{_ROLE_DESC}(?:,\s+{_APPOSED_NAME})?|{_TITLED_NAME})")

# --- cues ---------------------------------------------------------------------------------------

_TOLD = rf"told\s+(?:(?:the|a|an|his|her|their)\s+)?(?:{NAME_RUN}|reporters|journalists|lawmakers|[a-z]+)"
_CUE = re.compile(
    rf"(?<![\w\-])(?P<cue>(?P<told>{_TOLD})|(?P<control>{_alternation(CONTROL_CUES)})|"
    rf"(?P<clause>{_alternation(tuple(c for c in CLAUSE_CUES if c != 'told'))})|"
    rf"(?P<naming>called)(?=\s+[^\x01“\"]{{1,60}}?[“\"«]\x01)|"
    rf"(?P<according>[Aa]ccording\s+to))(?![\w\-])"
)
# Second statements sharing the speaker: "…, adding that …", "…, with Lavrov calling on …",
# "…, noted that …".
_SPLIT = re.compile(
    rf",\s+(?:and\s+)?(?:(?P<part>{_alternation(PARTICIPLE_CUES)})|with\s+(?P<wm>{_TITLED_NAME}|{_PRONOUN})\s+"
    rf"(?P<wcue>{_alternation(PARTICIPLE_CUES)})|(?P<fin>noted|added|stressed|said|warned|explained)\s+that)"
    rf"(?![\w\-])"
)
_LEAD_IN = re.compile(
    r"\s*(?:,\s*)?(?:(?:on|in|at|during|after|before|late|early|last|this|earlier|later|yesterday|today|"
    r"tonight|recently|again|also|further|in\s+a\s+\w+|at\s+a\s+\w+)\b[^,\x01“\":]{0,50}?\s+that\b"
    r"|that\b|:|,)?\s*"
)
_TAIL_ONLY = re.compile(
    r"^(?:\s*,?\s*(?:(?:on|in|at|during|after|before|from|to|with|via|through|while|when|as|late|early|"
    r"earlier|later|last|this|yesterday|today|recently|according|citing|referring|speaking|pointed|"
    r"adding|separately|again)\b(?![^\x01“”\"]*\bthat\b)[^\x01“”\"]{0,100}?)?)?\s*[.!?]?\s*$"
)
_WORD = re.compile(r"[^\W\d_][\w’'\-]*")
_NAMING_OBJ = re.compile(r"\s+[^\x01“\"]{1,60}?[“\"«]")
_CITATION_TAIL = re.compile(r",\s+(?:according\s+to|as\s+cited\s+by|citing)\s+[^,\x01]*$")
_NOMINAL_CALL = re.compile(
    rf"(?P<m>{_PARTICLE_START}?{NAME_RUN})[’']s\s+(?P<cue>(?:call|calls|appeal|demand)\s+(?:for|to))\s+(?P<c>[^,.;:\x01“\"]{{3,120}})"
)
_NOMINAL_HINT = re.compile(r"[’']s\s+(?:call|calls|appeal|demand)\s+(?:for|to)\b")
_LABEL_BEFORE = re.compile(rf"(?:{_alternation(LABEL_PRECEDERS)})\s*$", re.IGNORECASE)
# Descriptions that fit anybody ("the official") resolve to the last speaker, not by title.
_GENERIC_ROLES = frozenset(
    "official officials source sources expert experts analyst analysts aide aides witness witnesses "
    "resident residents".split()
)
_ANONYMOUS = frozenset(
    ("source", "sources", "officials", "experts", "analysts", "witnesses", "residents", "critics", "aides")
)

# Confidence of each rule, set by hand from how often the rule was right on the seed articles
# (all 90 annotated statements); to be re-calibrated on PolNeAR train.
RULE_CONFIDENCE: dict[str, float] = {
    "quote-trailing-cue": 0.95,
    "quote-leading-cue": 0.9,
    "quote-inverted-cue": 0.9,
    "reported-clause": 0.85,
    "reported-clause-trailing": 0.85,
    "according-to": 0.8,
    "control-verb": 0.8,
    "participle": 0.75,
    "naming-verb": 0.7,
    "quote-continuation": 0.75,
    "nominal-call": 0.6,
    # Frames around cues of the learned detector, multiplied by the cue's probability.
    "learned-trailing": 0.85,
    "learned-inverted": 0.85,
    "learned-according-to": 0.8,
    "learned-leading": 0.75,
}
# A speaker reached through a pronoun or description is less certain than a name.
MENTION_FACTOR = {"name": 1.0, "organization": 0.95, "role": 0.9, "pronoun": 0.85, "anonymous": 0.8}


@dataclass(slots=True)
class _Found:
    """A statement before speaker resolution."""

    cs: int
    ce: int
    cue: str
    cue_start: int
    cue_end: int
    ms: int  # -1: no speaker ("it was reported that …")
    me: int
    rule: str
    probability: float = 1.0  # of the cue, when the learned detector found it
    act: StatementAct = "speech"


class SpeakerResolver:
    """Resolves mentions to canonical names within one article, remembering who spoke last."""

    def __init__(self, body: str, title: str | None) -> None:
        self.body = body
        self.registry = NameRegistry()
        if title:
            scan_names(title, self.registry)
        scan_names(body, self.registry)
        self._occ: dict[str, list[int]] | None = None
        self.last_person: str | None = None
        self.last_body: str | None = None

    @property
    def _occurrences(self) -> dict[str, list[int]]:
        """Where each person's surname occurs, for recency ("the minister" = the last minister named).

        Computed on first use: only descriptions and unattached pronouns need it.
        """
        if self._occ is None:
            self._occ = {p.name: [] for p in self.registry.people}
            by_surname: dict[str, list[str]] = {}
            for p in self.registry.people:
                by_surname.setdefault(p.tokens[-1].lower(), []).append(p.name)
            if by_surname:
                pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, by_surname)) + r")\b")
                for m in pattern.finditer(self.body.lower()):
                    for name in by_surname.get(m.group(), ()):
                        self._occ[name].append(m.start())
        return self._occ

    def resolve(self, text: str, pos: int) -> Mention:
        """Resolve the mention ``text`` found at body offset ``pos``."""
        mention = Mention(text=text, start=pos, end=pos + len(text))
        words = text.split()
        head = words[-1].lower().strip(",") if words else ""
        first = words[0].lower() if words else ""
        if (len(words) == 1 and first in PRONOUNS) or first == "it":
            mention.kind = "pronoun"
            if first in ("he", "she", "i"):
                mention.resolved = self.last_person or self._person_before(pos)
                mention.evidence = (
                    "pronoun: last speaker" if self.last_person else "pronoun: last person named"
                )
            else:
                mention.resolved = self.last_body
                mention.evidence = "pronoun: last organisation speaking"
            return mention
        m = _ISSUED_BY.match(text)
        if m:
            mention.kind = "organization"
            mention.resolved = self._name(m.group(1), pos, mention)
            mention.evidence = "statement issued by"
            return mention
        if "," in text:
            # "the UN's envoy for Syria, Staffan de Mistura": the name after the description;
            # "Jonas Eberle, a researcher at …,": the name before it.
            name, _, desc = text.rstrip(",").partition(",")
            if not _ROLE_DESC_FULL_RE.fullmatch(desc.strip()):
                desc, _, name = text.rpartition(",")
            person = self._name(name.strip(), pos, mention)
            if person:
                mention.resolved = person
                self._add_title(person, desc)
                mention.evidence = "apposition"
                return mention
        if head in _ANONYMOUS or (len(words) <= 2 and head in _GENERIC_ROLES and first in ("a", "an")):
            mention.kind = "anonymous"
            mention.evidence = "anonymous source"
            return mention
        if _ROLE_DESC_RE.fullmatch(text):
            if head in _BODY_ROLES:
                # "Syria's oppositional High Negotiations Committee", "the ministry"
                runs = [
                    r
                    for r in re.findall(NAME_RUN, _POSS_RE.sub("", text, count=1))
                    if r.lower() not in ("the", "a", "an")
                ]
                mention.kind = "organization"
                if runs:
                    mention.resolved, mention.evidence = runs[-1], "named body"
                else:
                    mention.resolved, mention.evidence = self.last_body, "description: last body speaking"
                return mention
            mention.kind = "role"
            mention.resolved, mention.evidence = self._resolve_role(text, head, pos)
            return mention
        mention.resolved = self._name(text, pos, mention)
        if " and " in text:
            mention.kind = "organization"  # several speakers at once ("Moscow and Damascus")
            mention.resolved = text
        return mention

    def _name(self, text: str, pos: int, mention: Mention) -> str | None:
        tokens = name_tokens(re.sub(r"^(?:the|The)\s+", "", text))
        if not tokens:
            return None
        person = person_part(tokens)
        found = self.registry.lookup(person) if person else None
        if found:
            mention.kind = "name"
            mention.evidence = "name" if len(person) > 1 else "surname"
            return found.name
        if not person or is_org_name(person) or _ROLE_HEAD.search(text):
            # "the Russian Foreign Ministry", "Harbour Authority": the body's own name.
            mention.kind = "organization"
            mention.evidence = "named body"
            runs = re.findall(NAME_RUN, text)
            return runs[-1] if runs else text
        if len(person) >= 2:
            mention.kind = "name"
            mention.evidence = "name"
            return canonical_person(person)
        mention.kind = "organization"
        mention.evidence = "single name"
        return person[0]

    def _add_title(self, person: str, desc: str) -> None:
        for p in self.registry.people:
            if p.name == person and desc.lower() not in p.titles:
                p.titles.append(desc.lower())

    def _person_before(self, pos: int) -> str | None:
        best, best_pos = None, -1
        for name, occ in self._occurrences.items():
            i = bisect.bisect_left(occ, pos) - 1
            if i >= 0 and occ[i] > best_pos:
                best, best_pos = name, occ[i]
        return best

    def _resolve_role(self, text: str, head: str, pos: int) -> tuple[str | None, str]:
        if head in _GENERIC_ROLES:
            return self.last_person, "description: last speaker"
        compatible = ROLE_COMPATIBLE.get(head, (head,))
        low = text.lower()
        scored: list[tuple[float, str]] = []
        for p in self.registry.people:
            titles = " ".join(p.titles)
            if not any(c in titles for c in compatible):
                continue
            score = 0.0
            # A nationality or body in the description must agree with the title ("Russian …").
            for w in re.findall(r"[a-z]+", low):
                if len(w) > 3 and w not in ("the", "top") and w[:5] in titles and w not in compatible:
                    score += 2
            occ = self._occurrences.get(p.name, [])
            i = bisect.bisect_left(occ, pos) - 1
            if p.name == self.last_person:
                score += 3
            if i >= 0:
                score += 1 + occ[i] / max(pos, 1)  # the more recent, the better
            scored.append((score, p.name))
        if scored:
            scored.sort(reverse=True)
            return scored[0][1], f"description matches title of {scored[0][1]}"
        return self.last_person, "description: last speaker"

    def spoke(self, mention: Mention) -> None:
        """Remember who spoke last, for the pronouns and descriptions that follow."""
        if not mention.resolved:
            return
        if mention.kind in ("name", "role") or (
            mention.kind == "pronoun" and mention.text.lower() in ("he", "she")
        ):
            self.last_person = mention.resolved
        elif mention.kind == "organization":
            self.last_body = mention.resolved


_POSS_RE = re.compile(rf"^{_POSS}")
_ROLE_DESC_FULL_RE = re.compile(_ROLE_DESC)
_ROLE_DESC_RE = re.compile(rf"(?:{_DET}|{_POSS})(?:[\w\-’']+\s+){{0,3}}?{_ROLE}")
# Head nouns that make a description a body ("the ministry"); the first group also marks a
# capitalised name as a body's ("Harbour Authority Office").
_BODY_NAME_WORDS = (
    "ministry",
    "committee",
    "council",
    "government",
    "agency",
    "department",
    "office",
    "commission",
)
_ROLE_HEAD = re.compile(rf"(?i)\b(?:{'|'.join(_BODY_NAME_WORDS)})\b")
_BODY_ROLES = frozenset(
    (
        *_BODY_NAME_WORDS,
        "court",
        "administration",
        "campaign",
        "police",
        "military",
        "army",
        "report",
        "statement",
        "study",
        "survey",
    )
)


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    """Trim spaces and the sentence's closing punctuation (but not closing quotation marks)."""
    while s < e and (text[s].isspace() or text[s] in ",:;—–-"):
        s += 1
    while e > s and (text[e - 1].isspace() or (text[e - 1] in ".,;:!?" and text[e - 2 : e] != ".”")):
        e -= 1
    return s, e


class StatementStage:
    """Finds statements in the body and resolves their speakers.

    ``scope`` is "speech" (statements made: said, written, published) or "all" (also the stances
    PolNeAR annotates: beliefs, intentions, findings).
    """

    name = "statements"
    needs = ("body", "paragraphs", "title")
    adds = ("statements",)

    def __init__(self, scope: StatementScope = "speech") -> None:
        self.scope = scope

    def __call__(self, article: Article) -> Article:
        found = extract_statements(
            article.body, article.paragraphs, article.title, speech_only=self.scope == "speech"
        )
        article.statements = found if self.scope == "all" else [s for s in found if in_speech_record(s)]
        return article


def in_speech_record(s: Statement) -> bool:
    """Whether a statement belongs in the record of speech (scope "speech").

    A wrong speaker is worse than no statement: a statement found around a learned cue is kept only
    when it reports speech and its speaker is a name, or a description the article resolves to one.
    """
    if s.act != "speech":
        return False
    if not _is_learned(s.rule):
        return True
    return s.mention is not None and s.mention.kind in ("name", "role") and s.speaker is not None


def _is_learned(rule: str) -> bool:
    """Whether the statement was found around a cue of the learned detector (see :mod:`frames`)."""
    return rule.startswith("learned-")


def paragraph_spans(body: str, paragraphs: list[Span]) -> list[tuple[int, int]]:
    """The paragraphs' offsets, or the body's non-empty lines when the article has none recorded."""
    if paragraphs:
        return [(p.start, p.end) for p in paragraphs]
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", body) if m.group().strip()]


def extract_statements(
    body: str,
    paragraphs: list[Span] | None = None,
    title: str | None = None,
    use_model: bool = True,
    speech_only: bool = False,
) -> list[Statement]:
    """All statements of one article body, in reading order."""
    paras = paragraph_spans(body, paragraphs or [])
    quotes: list[Quote] = []
    para_quotes: list[list[Quote]] = []
    for s, e in paras:
        qs = find_quotes(body, s, e)
        para_quotes.append(qs)
        quotes.extend(qs)
    resolver = SpeakerResolver(body, title)
    masked = _capitalise_known_names(mask_quotes(body, quotes), resolver.registry)
    # One pass over the whole text for cues; sentences are only split where a cue or quote is.
    cues = list(_CUE.finditer(masked))
    cue_starts = [c.start() for c in cues]
    learned = _LearnedCues(masked, load_cue_model(), speech_only) if use_model else None
    nominal = _NOMINAL_HINT.search(masked) is not None
    out: list[Statement] = []
    pending_open: Quote | None = None  # an unclosed quotation waiting for its attribution
    for (ps, pe), pquotes in zip(paras, para_quotes, strict=True):
        para_first = len(out)
        lo, hi = bisect.bisect_left(cue_starts, ps), bisect.bisect_left(cue_starts, pe)
        if lo == hi and not pquotes and (learned is None or not learned.any_in(ps, pe)):
            continue
        for ss, se in split_sentences(masked, ps, pe):
            a, b = bisect.bisect_left(cue_starts, ss, lo, hi), bisect.bisect_left(cue_starts, se, lo, hi)
            found = _attribute_sentence(masked, ss, se, cues[a:b]) if a < b else []
            squotes = [q for q in pquotes if ss <= q.start < se]
            if learned is not None:
                found = found + learned.frames(ss, se, found)
            if found:
                for f in found:
                    if (
                        pending_open is not None
                        and f.cs <= (squotes[0].start if squotes else f.cs)
                        and _opens_para(ps, squotes)
                    ):
                        f.cs = pending_open.start  # a quotation that ran over several paragraphs
                    pending_open = None
                    # A learned cue's subject may be any noun phrase ("the agreement shows …"): only a
                    # name is remembered as the speaker later pronouns refer to.
                    out.append(_make(body, masked, f, quotes, resolver, remember=not _is_learned(f.rule)))
                    if _is_learned(f.rule) and out[-1].mention and out[-1].mention.kind == "name":
                        resolver.spoke(out[-1].mention)
                continue
            uncovered = [q for q in squotes if not _is_label(masked, q)]
            if not uncovered:
                continue
            prev = out[-1] if out else None
            continues_para = len(out) > para_first
            quote_only_para = _opens_para(ps, squotes)
            if prev is not None and prev.mention is not None and (continues_para or quote_only_para):
                cs, ce = _strip_span(body, ss, se)
                kind = _kind(masked, cs, ce, quotes)
                if kind == "direct":
                    cs, ce = uncovered[0].start, uncovered[-1].end
                if uncovered[-1].closed or continues_para:
                    m = prev.mention
                    out.append(
                        Statement(
                            text=body[cs:ce],
                            start=cs,
                            end=ce,
                            kind=kind,
                            cue=prev.cue,
                            speaker=prev.speaker,
                            mention=Mention(
                                m.text, m.start, m.end, m.kind, m.resolved, "continues the previous statement"
                            ),
                            confidence=RULE_CONFIDENCE["quote-continuation"],
                            rule="quote-continuation",
                        )
                    )
                else:
                    pending_open = uncovered[-1]
            elif not uncovered[-1].closed:
                pending_open = uncovered[-1]
        for nm in _NOMINAL_CALL.finditer(masked, ps, pe) if nominal else ():
            f = _Found(
                nm.start("c"),
                nm.end("c"),
                nm.group("cue"),
                nm.start("cue"),
                nm.end("cue"),
                nm.start("m"),
                nm.end("m"),
                "nominal-call",
            )
            out.append(_make(body, masked, f, quotes, resolver, remember=False))
    out.sort(key=lambda st: st.start)
    return out


class _LearnedCues:
    """Cues found by the learned detector (:mod:`cuemodel`), framed by :mod:`frames`.

    They add to the hand-written rules: a learned cue yields a statement only where no rule statement
    of the sentence already covers it (its cue, or most of its content).
    """

    def __init__(self, masked: str, model: CueModel, speech_only: bool) -> None:
        self.model = model
        matches = list(TOKEN.finditer(masked))
        self.spans = [m.span() for m in matches]
        self.starts = [m.start() for m in matches]
        self.low = [m.group().lower() for m in matches]
        # A record of speech has no use for stance cues ("wants", "shows"): they are not even scored.
        gate = model.speech_gate if speech_only else model.gate
        self.gate = gate
        self.gated = [start for start, w in zip(self.starts, self.low, strict=True) if w in gate]
        self.masked = masked

    def any_in(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.gated, start)
        return i < len(self.gated) and self.gated[i] < end

    def frames(self, ss: int, se: int, taken: list[_Found]) -> list[_Found]:
        if not self.any_in(ss, se):
            return []
        a, b = bisect.bisect_left(self.starts, ss), bisect.bisect_left(self.starts, se)
        spans, low = self.spans[a:b], self.low[a:b]
        shapes = [shape(self.masked[s]) for s, _ in spans]
        out: list[_Found] = []
        gate = self.gate
        for h, (hs, _) in enumerate(spans):
            if low[h] not in gate or any(f.cue_start <= hs < f.cue_end for f in taken + out):
                continue
            p = self.model.probability(low, shapes, h)
            if p < self.model.threshold:
                continue
            fr = frame_for_cue(spans, low, shapes, h)
            if fr is None or any(_overlap(fr, f) >= 0.5 for f in taken + out):
                continue
            act: StatementAct = "speech" if stem(low[h]) in SPEECH_CUE_STEMS else "stance"
            cue = self.masked[fr.cue_start : fr.cue_end]
            out.append(_Found(fr.cs, fr.ce, cue, fr.cue_start, fr.cue_end, fr.ms, fr.me, fr.rule, p, act))
        return out


def _overlap(fr: Frame | _Found, f: _Found) -> float:
    inter = min(fr.ce, f.ce) - max(fr.cs, f.cs)
    return max(0, inter) / max(1, max(fr.ce, f.ce) - min(fr.cs, f.cs))


def _capitalise_known_names(masked: str, registry: NameRegistry) -> str:
    """Write known surnames capitalised in the masked copy ("lavrov said" → "Lavrov said").

    Scraped text sometimes loses a capital; the patterns look for capitalised names. The body
    itself is untouched, and the copy keeps its length, so offsets still hold.
    """
    # Only names that are not ordinary words of the text: "lavrov" yes, "also" ("Check Also") no.
    surnames = {
        s
        for s in set(registry.known_surnames())
        if len(s) > 3
        and s[:1].isupper()
        and s.lower() in masked
        and masked.count(s) > masked.count(s.lower())
    }
    if not surnames:
        return masked
    pattern = re.compile(r"\b(" + "|".join(re.escape(s.lower()) for s in surnames) + r")\b")
    return pattern.sub(lambda m: m.group(1).capitalize(), masked)


def _opens_para(ps: int, squotes: list[Quote]) -> bool:
    return bool(squotes) and squotes[0].opened and squotes[0].start - ps <= 2


def _make(
    body: str, masked: str, f: _Found, quotes: list[Quote], resolver: SpeakerResolver, remember: bool = True
) -> Statement:
    cs, ce = _strip_span(body, f.cs, f.ce)
    kind = _kind(masked, cs, ce, quotes)
    if kind == "direct":
        inner = [q for q in quotes if cs <= q.start and q.end <= ce + 1]
        if inner:
            cs, ce = inner[0].start, inner[-1].end
    rule = f.rule
    if rule in ("reported-clause", "reported-clause-trailing") and kind == "direct":
        rule = "quote-leading-cue" if rule == "reported-clause" else "quote-trailing-cue"
    confidence = RULE_CONFIDENCE[rule] * f.probability
    mention: Mention | None = None
    if f.ms >= 0:
        mention = _resolve_mention(body, masked, f.ms, f.me, resolver)
        if remember:
            resolver.spoke(mention)
        confidence *= MENTION_FACTOR.get(mention.kind, 0.8)
    if mention is None or mention.resolved is None:
        confidence *= 0.7
    return Statement(
        text=body[cs:ce],
        start=cs,
        end=ce,
        kind=kind,
        cue=re.sub(r"\s+", " ", f.cue),
        speaker=mention.resolved if mention else None,
        mention=mention,
        confidence=round(confidence, 3),
        rule=rule,
        cue_start=f.cue_start,
        cue_end=f.cue_end,
        act=f.act,
    )


def _resolve_mention(body: str, masked: str, ms: int, me: int, resolver: SpeakerResolver) -> Mention:
    """The mention at ``ms:me``, resolved; a relative "who" is resolved through its antecedent."""
    text = body[ms:me]
    if text.lower() in ("who", "which", "that"):
        ante = _SUBJ_BEFORE_CUE.search(masked, max(0, ms - 150), ms)
        if ante is not None:
            m = resolver.resolve(body[ante.start("m") : ante.end("m")], ante.start("m"))
            return Mention(text, ms, me, m.kind, m.resolved, f"relative pronoun for “{m.text}”")
    return resolver.resolve(text, ms)


# Words after a short quotation that show it is quoted speech, not a label ("“deals” and “amnesties”").
_NOT_LABEL_FOLLOWERS = frozenset(("and", "or", "but", "he", "she", "they", "said", "says"))


def _is_label(masked: str, q: Quote) -> bool:
    """A short quoted phrase used as a label ("so-called “X”", "the “moderate” opposition")."""
    start_mark = q.start - 1 if q.opened else q.start
    if _LABEL_BEFORE.search(masked, max(0, start_mark - 25), start_mark):
        return True
    n_words = masked.count(" ", q.start, q.end) + 1
    if n_words > 3 or not q.opened or not q.closed:
        return False
    if masked[q.end - 1 : q.end] in ".!?,;:":
        return False
    after = re.match(r"[”\"»]?\s+([a-z]+)", masked[q.end : q.end + 30])
    return after is not None and after.group(1) not in _NOT_LABEL_FOLLOWERS


def _kind(masked: str, cs: int, ce: int, quotes: list[Quote]) -> StatementKind:
    inner = [q for q in quotes if q.end > cs and q.start < ce]
    if not inner:
        return "indirect"
    residue = _WORD.findall(masked[cs:ce].replace(MASK, " "))
    if all(w.lower() in CONNECTIVES for w in residue):
        return "direct"
    if all(_is_label(masked, q) for q in inner):
        return "indirect"
    return "mixed"


def _attribute_sentence(masked: str, ss: int, se: int, cues: list[re.Match[str]]) -> list[_Found]:
    """Statements of one sentence: the first cue with a speaker decides its shape."""
    according: list[re.Match[str]] = []
    for cue in cues:
        if cue.group("according"):
            according.append(cue)
            continue
        found = _around_cue(masked, ss, se, cue)
        if found:
            return found
    for cue in according:
        found = _according_to(masked, ss, se, cue)
        if found:
            return found
    return []


def _words(s: str, enough: int = 4) -> int:
    """How many words ``s`` holds, counting no further than ``enough`` (callers compare with less)."""
    n = 0
    for w in s.split():
        if MASK in w:
            n += 2  # a masked quotation is content of at least two words
        elif w[:1].isalnum():
            n += 1
        if n >= enough:
            break
    return n


def _around_cue(masked: str, ss: int, se: int, cue: re.Match[str]) -> list[_Found]:
    cs, ce = cue.start(), cue.end()
    # 150 characters hold the longest speaker descriptions seen in the seeds and PolNeAR train
    # ("the senior advisor to … in Washington, Theodore Karasik" is 73).
    base = max(ss, cs - 150)
    left = masked[base:cs]
    right = masked[ce:se]
    subj = _SUBJ_BEFORE_CUE.search(left)
    if subj is None:
        app = _APPOSITIVE_TAIL.search(left.rstrip())
        if app:
            subj = _SUBJ_BEFORE_CUE.search(left[: app.start()] + " ")
    if subj is not None:
        if _RELATIVE_BEFORE.search(left[: subj.start()]):
            return []  # "what Lavrov said", "the plan which officials said …": not a reporting clause
        ms, me = base + subj.start("m"), base + subj.end("m")
        tail_only = bool(_TAIL_ONLY.match(right)) and not cue.group("control") and not cue.group("naming")
        pre = masked[ss:ms]
        if tail_only and _words(pre) >= 2:
            # Trailing attribution: "<content>, Lavrov said." / "“…,” he said in Rome."
            return [_Found(ss, ms, cue.group("cue"), cs, ce, ms, me, "reported-clause-trailing")]
        return _leading(masked, ce, se, cue, ms, me)
    # Inverted: "“…,” said Lavrov." / "…, says the minister."
    after = _SUBJ_AFTER_CUE.match(right)
    if after and cue.group("clause") and _TAIL_ONLY.match(right[after.end() :]):
        pre = masked[ss:cs].rstrip()
        if pre.endswith((",", "”", '"', "»")) and _words(pre) >= 2:
            return [
                _Found(
                    ss,
                    cs,
                    cue.group("cue"),
                    cs,
                    ce,
                    ce + after.start("m"),
                    ce + after.end("m"),
                    "quote-inverted-cue",
                )
            ]
    return []


def _leading(masked: str, ce: int, se: int, cue: re.Match[str], ms: int, me: int) -> list[_Found]:
    """'<speaker> <cue> (that) <content>' and the second statements chained to it by participles."""
    rule = "reported-clause"
    if cue.group("control"):
        rule = "control-verb"
    elif cue.group("naming"):
        rule = "naming-verb"
        obj = _NAMING_OBJ.match(masked, ce)
        if not obj:
            return []
    lead = _LEAD_IN.match(masked, ce, se)
    start = lead.end() if lead else ce
    if rule == "control-verb":
        start = ce
    found: list[_Found] = []
    cue_text, cue_s, cue_e = cue.group("cue"), cue.start(), cue.end()
    speaker = (ms, me)
    pos = start
    while True:
        split = _SPLIT.search(masked, pos, se)
        end = split.start() if split else se
        cite = _CITATION_TAIL.search(masked, pos, end)
        if cite:
            end = cite.start()
        if _words(masked[pos:end]) >= 2:
            found.append(_Found(pos, end, cue_text, cue_s, cue_e, speaker[0], speaker[1], rule))
        if not split:
            break
        rule = "participle"
        if split.group("wm"):
            speaker = (split.start("wm"), split.end("wm"))
            cue_s, cue_e = split.start("wcue"), split.end("wcue")
        elif split.group("fin"):
            cue_s, cue_e = split.start("fin"), split.end("fin")
        else:
            cue_s, cue_e = split.start("part"), split.end("part")
        cue_text = masked[cue_s:cue_e]
        after = _LEAD_IN.match(masked, split.end(), se)
        pos = after.end() if after else split.end()
    return found


def _according_to(masked: str, ss: int, se: int, cue: re.Match[str]) -> list[_Found]:
    m = _MENTION_AFTER.match(masked, cue.end(), se)
    if not m:
        return []
    ms, me = m.start("m"), m.end("m")
    if masked[me:se].strip()[:1] not in ("", ",", ".", ";", "!", "?") and "," in masked[ms:me]:
        me = masked.rindex(",", ms, me)  # "According to the top diplomat, Russia is …": no apposition
    mention = masked[ms:me]
    if re.match(r"(?i)(?:our|my|their|his|her|its|the)\b", mention) and not re.search(r"[A-Z]", mention[4:]):
        return []  # "according to our information": an evidential, not a speaker
    pre = masked[ss : cue.start()]
    if _words(pre) >= 3 and pre.rstrip().endswith(","):
        return [_Found(ss, cue.start(), cue.group("cue"), cue.start(), cue.end(), ms, me, "according-to")]
    rest = masked[me:se]
    if _words(pre) <= 3 and rest.lstrip().startswith(","):
        return [_Found(me + 1, se, cue.group("cue"), cue.start(), cue.end(), ms, me, "according-to")]
    return []
