"""Where the content and the source of a detected cue lie: the broad-coverage attribution frames.

The hand-written rules of :mod:`attribution` know the shapes of speech reporting well ("…,” Lavrov
said", "X urged Y to …"); this module handles any cue the learned detector (:mod:`cuemodel`) finds,
including beliefs, intentions and evaluations ("the poll shows …", "Trump wants …", "Cruz blasted …").
It works on the tokens of one sentence of the masked text and decides:

* the cue's extent: its head plus the particle that belongs to it ("called *for*", "talk *about*",
  "according *to*") or, for verbs of telling, the addressee ("told *reporters*");
* the side the content is on: after the cue (leading: "Cruz said that …", "Trump wants a wall") or
  before the speaker (trailing: "…, Cruz said.", "…,” said Cruz");
* the content span as PolNeAR's annotators draw it: a leading content runs from the end of the cue
  (keeping "that") to the end of the sentence, stopping before a trailing attribution or citation; a
  trailing content runs from the sentence start to the comma before the speaker;
* the source: the noun phrase before the cue, or after it when inverted ("said Cruz", "according to
  the poll"); passives and "it was reported" have none.
"""

from __future__ import annotations

from dataclasses import dataclass

from .segment import MASK

# Particles annotated as part of the cue when they follow its head ("called for", "talk about"); "to"
# only after the heads listed (elsewhere it opens the content: "wants to run").
_CUE_PARTICLES = frozenset("for about of against".split())
# These belong to the cue only after verbs that do not take a clause ("focused on", "took aim at"), never
# after "said" ("said on Friday", "said at a news conference").
_NON_SPEECH_PARTICLES = frozenset("on at with over out into up".split())
_SPEECH_HEADS = frozenset(
    "said says say saying told tells tell telling added adds noted notes wrote writes stated states "
    "announced declared explained insisted argued claimed warned stressed".split()
)
_TO_HEADS = frozenset(
    "according referring referred refers pointed points pointing responded responding responds reacted "
    "objected alluded spoke speaking talked talking appealed listened turned".split()
)
# Where a leading content stops inside its sentence: a new clause ("…, but", "…, saying", "; …").
_STOP_AFTER_COMMA = frozenset(
    "but while even though although whereas saying adding calling arguing noting insisting claiming "
    "according citing said says added noted".split()
)
_STOP_AFTER_AND = frozenset(
    "said says added noted told called urged warned argued insisted claimed asked he she they we i".split()
)
# Verbs of telling and asking whose object is the addressee, not the content.
_ADDRESSEE_VERBS = frozenset(
    "told tell tells telling asked ask asks asking urged urge urges urging warned warns warning "
    "reminded remind reminds informed assured assures convinced persuaded promised".split()
)
# Words that open a content after the cue (and its addressee).
_COMPLEMENTISERS = frozenset("that to how whether what why if when who where which".split())
# Words that may come between a speaker and the cue.
_BETWEEN_SPEAKER_AND_CUE = frozenset(
    "has have had is are was were be been will would could can may might must should shall do does did "
    "not n't never also later then previously repeatedly again already still just even reportedly "
    "publicly privately recently once often has'nt first further quickly flatly simply clearly "
    "openly directly".split()
)
# Words that end a noun phrase going leftwards: the speaker cannot reach past them.
_LEFT_BARRIERS = frozenset(
    "that and but or because if when while as since than so which although though where whether "
    "after before until unless what who whom whose how why".split()
)
# Before a speaker, these make the cue part of a relative or comparative clause ("what she described
# as", "than officials said"): not an attribution of its own.
_RELATIVE_OPENERS = frozenset("what which whom whose than as how".split())
_RELATIVE_SUBJECTS = frozenset(("who", "which", "that"))
_PASSIVE_AUXILIARIES = frozenset("was were is are been be being".split())
_PRONOUN_SUBJECTS = frozenset("he she they we i it".split())
# Words that end a source after "according to" ("according to the UN estimates there are …").
_SOURCE_ENDERS = frozenset(
    "there it he she they we is are was were has have had will would can could may might".split()
)
_DETERMINERS = frozenset("the a an this that these those his her their its our my your some many".split())
# Adjuncts that may follow a trailing cue without making it a leading one ("…, Cruz said on Monday").
_TRAILING_ADJUNCT_OPENERS = frozenset(
    "on in at during after before from to with via through while when as last this earlier later "
    "yesterday today recently according citing referring speaking adding separately again".split()
)
_SENTENCE_PUNCT = frozenset(".!?…")


@dataclass(slots=True)
class Frame:
    """A statement found around one cue, in character offsets of the (masked) body."""

    cs: int
    ce: int
    cue_start: int
    cue_end: int
    ms: int  # speaker mention; -1 when there is none ("it was reported that …")
    me: int
    rule: str


def _is_word(tok: str) -> bool:
    return tok[0].isalnum()


def _content_end(low: list[str], i: int) -> int:
    """Index one past the last token of a leading content that starts at ``i``."""
    end = len(low)
    for j in range(i + 1, end - 1):
        tok, nxt = low[j], low[j + 1]
        if (
            tok == ";"
            or (
                tok in (",", "—", "–", "-")
                and (
                    nxt in _STOP_AFTER_COMMA
                    or (nxt == "and" and j + 2 < end and low[j + 2] in _STOP_AFTER_AND)
                )
            )
            or (tok == "and" and nxt in _STOP_AFTER_AND and j > i + 2)
            or (tok == "," and nxt == "as" and low[j + 2 : j + 3] == ["reported"])
        ):
            end = j
            break
    while end > i and not _is_word(low[end - 1]) and low[end - 1] != MASK:
        end -= 1  # final punctuation is not content (a closing quotation is)
    return end


_QUOTE_MARKS = frozenset("\"“”'‘’«»")


def _ends_clause(low: list[str], k: int) -> bool:
    """Whether the tokens before index ``k`` end a content: a comma or a quotation (closing marks aside)."""
    j = k - 1
    while j >= 0 and low[j] in _QUOTE_MARKS:
        j -= 1
    return (j >= 1 and low[j] in (",", MASK, "?", "!", "—", "–")) or (j == 0 and low[0] == MASK)


def _trim_commas(low: list[str], k: int) -> int:
    """``k`` moved left over the commas (and dashes) that separate a content from its attribution."""
    while k > 0 and low[k - 1] in (",", "—", "–"):
        k -= 1
    return k


def _content_start(low: list[str], i: int, addressee: bool) -> int:
    """Where a leading content begins after a cue ending at ``i``.

    Adjuncts and an addressee come before it ("said *on Friday* that …", "told *reporters* that …",
    "wrote *on its website*: “…”"); the content opens at "that", a colon or a quotation when one
    comes soon, else right after the cue (or, for verbs of telling, at a complementiser).
    """
    n = len(low)
    for k in range(i, min(n, i + 10)):
        tok = low[k]
        if tok == "that" or tok == MASK:
            return k
        if tok == ":":
            return k + 1
        if (tok == "," and k > i) or (not addressee and tok in _COMPLEMENTISERS and k > i):
            break
        if addressee and tok in _COMPLEMENTISERS:
            return k
    while i < n and low[i] in (":", ","):
        i += 1
    return i


def _before_auxiliaries(low: list[str], h: int, lo: int) -> int:
    """Index of the last token before cue head ``h`` that is not an auxiliary or adverb ("has also")."""
    j = h - 1
    while j >= lo and low[j] in _BETWEEN_SPEAKER_AND_CUE:
        j -= 1
    return j


def _speaker_before(low: list[str], shapes: list[str], h: int, lo: int) -> tuple[int, int] | None:
    """Token range of the noun phrase that ends right before the cue head ``h``."""
    j = _before_auxiliaries(low, h, lo)
    if j < lo:
        return None
    if low[j] == ",":
        return _subject_with_apposition(low, j, lo)
    if low[j] in ("and", "but"):
        return _clause_subject(low, shapes, j, lo)
    if not _is_word(low[j]) and low[j] not in (")", "."):
        return None
    if low[j] in _RELATIVE_SUBJECTS:
        return j, j + 1  # "Sanders, who said …": the mention is "who" (resolved through its antecedent)
    end = j + 1
    # Walk left over the phrase: words, "(R-Ariz.)", possessives; stop at punctuation or a clause word.
    k = j
    depth = 0
    while k >= lo:
        tok = low[k]
        if tok == ")":
            depth += 1
        elif tok == "(":
            depth -= 1
        elif (depth == 0 and (not _is_word(tok) and tok not in (".", "’", "'", "-", "&"))) or (
            depth == 0 and tok in _LEFT_BARRIERS
        ):
            break
        k -= 1
    start = k + 1
    while start < end and not _is_word(low[start]):
        start += 1
    if start + 1 < end and low[start] in ("the", "a", "an") and shapes[start + 1] == "C":
        start += 1  # "The Lessa Dockers’ Union": the name, for resolution
    if start >= end:
        return None
    # A long stretch is a clause, not a noun phrase: keep the last words ("officials in the Obama
    # administration" is fine; 10 words cover 94% of the sources in PolNeAR train).
    if end - start > 10:
        start = end - 10
    return start, end


def _in_relative_clause(low: list[str], h: int) -> bool:
    """ "what she described as …", "than officials said": the cue belongs to a relative clause."""
    j = _before_auxiliaries(low, h, 0)
    # The subject is at most a few words ("what the Russian top diplomat called …").
    for k in range(j, max(-1, j - 5), -1):
        if low[k] in _RELATIVE_OPENERS:
            return k == j - 1 or all(_is_word(t) for t in low[k + 1 : j + 1])
        if not _is_word(low[k]):
            return False
    return False


def _subject_with_apposition(low: list[str], j: int, lo: int) -> tuple[int, int] | None:
    """ "Dean, a medical doctor, said": the phrase before the first comma of the subject."""
    k = j - 1
    while k >= lo and j - k <= 30 and low[k] not in (";", ":", MASK) and low[k] not in _LEFT_BARRIERS:
        k -= 1
    if k >= lo and (j - k > 30 or (low[k] not in _LEFT_BARRIERS and k > lo)):
        return None
    start = k + 1
    end = start
    while end < j and low[end] != ",":
        end += 1
    if end in (start, j) or not _is_word(low[start]):
        return None
    return start, min(end, start + 10)


def _clause_subject(low: list[str], shapes: list[str], j: int, lo: int) -> tuple[int, int] | None:
    """ "Cruz exhorted Republicans … and said …": the pronoun or first capitalised phrase of the clause."""
    if low[lo] in _PRONOUN_SUBJECTS:
        return lo, lo + 1
    k = lo
    while k < j and (shapes[k] != "C" or low[k] in _DETERMINERS):
        k += 1
    end = k
    while end < j and (shapes[end] == "C" or (end > k and low[end] in (".", "-", "&", "of"))):
        end += 1
    while end > k and low[end - 1] == "of":
        end -= 1
    return (k, end) if end > k and k - lo <= 4 else None


def _speaker_after(low: list[str], i: int, hi: int) -> tuple[int, int] | None:
    """Token range of the noun phrase that starts at ``i`` (inverted or "according to" source)."""
    if i >= hi or not _is_word(low[i]):
        return None
    k = i
    while k < hi and (_is_word(low[k]) or low[k] in (".", "’", "'", "-", "&")):
        if k > i and (low[k] in _LEFT_BARRIERS or low[k] in _SOURCE_ENDERS):
            break
        k += 1
    return (i, k) if k > i else None


def frame_for_cue(
    spans: list[tuple[int, int]],
    low: list[str],
    shapes: list[str],
    h: int,
) -> Frame | None:
    """The statement around cue head ``h`` of one sentence (tokens of the masked text), if any."""
    n = len(low)
    if n == 0:
        return None

    def chars(a: int, b: int) -> tuple[int, int]:
        return spans[a][0], spans[b - 1][1]

    if _in_relative_clause(low, h):
        return None
    head = low[h]
    # Cue extent.
    c_end = h + 1
    if head == "according":
        if c_end < n and low[c_end] == "to":
            c_end += 1
        return _according(spans, low, h, c_end)
    if (
        c_end < n
        and head not in _ADDRESSEE_VERBS
        and (
            low[c_end] in _CUE_PARTICLES
            or (low[c_end] == "to" and head in _TO_HEADS)
            or (low[c_end] in _NON_SPEECH_PARTICLES and head not in _SPEECH_HEADS)
        )
    ):
        c_end += 1
    cue_s, cue_e = chars(h, c_end)

    # Trailing attribution: "<content>, X said [on Monday]." or "<content>,” X told Reuters."
    after = c_end
    if head in _ADDRESSEE_VERBS:
        k = after
        while k < n and k - after < 6 and _is_word(low[k]) and low[k] not in _COMPLEMENTISERS:
            k += 1
        if k >= n or low[k] in _SENTENCE_PUNCT:
            after = k
    rest_is_tail = (
        after >= n
        or low[after] in _SENTENCE_PUNCT
        or (low[after] in _TRAILING_ADJUNCT_OPENERS and "that" not in low[after:] and MASK not in low[after:])
    )
    subj = _speaker_before(low, shapes, h, 0)
    if subj is not None and rest_is_tail:
        ms, me = subj
        if _ends_clause(low, ms):
            cend = _trim_commas(low, ms)
            if cend >= 2 or (cend == 1 and low[0] == MASK):
                cs, ce = chars(0, cend)
                m0, m1 = chars(ms, me)
                return Frame(cs, ce, cue_s, cue_e, m0, m1, "learned-trailing")
    # Inverted: "<content>,” said X." / "…, says the minister."
    if subj is None and _ends_clause(low, h):
        inv = _speaker_after(low, c_end, n)
        if inv is not None and (inv[1] >= n or low[inv[1]] in _SENTENCE_PUNCT or low[inv[1]] == ","):
            cend = _trim_commas(low, h)
            if cend >= 1:
                cs, ce = chars(0, cend)
                m0, m1 = chars(*inv)
                return Frame(cs, ce, cue_s, cue_e, m0, m1, "learned-inverted")
    if subj is None and h <= 1:
        return None  # "Asked whether …, he said": a participle opening the sentence, not a cue
    if subj is None and h >= 1 and low[h - 1] == "," and head.endswith("ing"):
        subj = _clause_subject(low, shapes, h, 0)  # "…, calling the plan …": the clause's subject
    if h >= 1 and low[h - 1] in _PASSIVE_AUXILIARIES:
        subj = None  # "he was told to leave", "it is expected that": the subject is not the source
    # Leading: "<X> <cue> [addressee] [that] <content>".
    start = _content_start(low, c_end, head in _ADDRESSEE_VERBS)
    while start < n and low[start] in (":", ","):
        start += 1
    if start >= n:
        return None
    end = _content_end(low, start)
    if end <= start:
        return None
    cs, ce = chars(start, end)
    if subj is not None:
        m0, m1 = chars(*subj)
    else:
        m0 = m1 = -1
    return Frame(cs, ce, cue_s, cue_e, m0, m1, "learned-leading")


def _according(spans: list[tuple[int, int]], low: list[str], h: int, c_end: int) -> Frame | None:
    n = len(low)
    src = _speaker_after(low, c_end, n)
    if src is None or low[src[0]] in ("our", "my"):
        return None  # "according to our records": the reporter's own evidence, not a source
    cue_s, cue_e = spans[h][0], spans[c_end - 1][1]
    m0, m1 = spans[src[0]][0], spans[src[1] - 1][1]
    if h >= 2 and low[h - 1] == ",":
        # "<content>, according to X."
        cend = _trim_commas(low, h)
        return Frame(spans[0][0], spans[cend - 1][1], cue_s, cue_e, m0, m1, "learned-according-to")
    if h >= 1 and low[h - 1] not in ("that", "but", "and"):
        return None
    # "According to X, <content>."
    k = src[1]
    while k < n and low[k] != ",":
        k += 1
    if k + 1 >= n:
        return None
    end = _content_end(low, k + 1)
    if end <= k + 1:
        return None
    return Frame(spans[k + 1][0], spans[end - 1][1], cue_s, cue_e, m0, m1, "learned-according-to")
