"""Echo clusters: statements that carry the same words or the same claim across articles.

Input is plain data — one :class:`EchoInput` per statement (its text, article, canonical speaker, date and
story) — and output is a list of :class:`EchoCluster`, each with the links that made it, so an analyst can
see why a statement is in a cluster. Nothing here touches the store; :mod:`quotetrail.linking` wires it in.

Two kinds of link, both found by blocking, never by comparing all pairs:

* **verbatim** — the same words. Every sentence of a statement is a set of word 3-shingles; a MinHash
  signature of each sentence (numpy, multiply-shift hashing) is cut into LSH bands, and sentences sharing
  a band bucket are candidates whatever their speakers. A candidate pair is verified exactly: the share
  of the smaller statement's shingles found in the larger one (containment, so a partial quote of a
  longer one still counts). Shingles that recur in many articles ("the united states", a site's link
  widget) are boilerplate and ignored, or they would tie unrelated statements together.
* **paraphrase** — the same claim in other words. Candidates come only from within a block: statements
  of the same canonical speaker, or of the same story, published within ``window_days`` of each other
  (undated statements are compared with the whole block). Inside a block, statement embeddings are
  compared in chunks by matrix products and each statement keeps its few nearest neighbours, so a
  prolific speaker costs a bounded amount per statement. A pair is scored by mixing the embedding
  cosine with a lexical tf-idf cosine (stop words removed, words read through the project's synonym
  lexicon, :mod:`quotetrail.synonyms`, so "refused to dissociate" and "failed to separate" share their
  terms); see :class:`EchoSettings` for how the mix and the thresholds were calibrated. When the
  caller gives each statement its article's entity names (``EchoInput.names``: surface form ->
  canonical key), every form of one entity reads as the same words ("al-Nusra Front" and "Jabhat
  al-Nusra" both as "jabhat al nusra") before words are counted.

Very short statements ("Twitter", "on Monday morning") resemble everything, so statements of fewer than
``min_words`` words take no part in any link. A pair where one side negates what the other asserts in
otherwise the same words ("will" / "will not") is not an echo: averaged word embeddings barely see the
difference (cosine 0.98 for such a pair with WordLlama), so an explicit guard vetoes it.

Clustering avoids single-link chaining: links are applied strongest first (verbatim before paraphrase),
and two clusters merge only if their *average* pairwise similarity (the same mixed score, over every pair
of members) still clears the bar. Because both parts of the score are cosines of unit vectors, the
average over all pairs is the dot product of the clusters' summed vectors divided by the pair count, so
the check costs one dot product per merge. A cluster is reported only when it spans two articles or more.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from .lexicon import FUNCTION_WORDS
from .synonyms import fold_synonyms, fold_text

EchoHow = Literal["verbatim", "paraphrase"]
FloatMatrix = npt.NDArray[np.float32]
_U64 = npt.NDArray[np.uint64]
_I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class EchoInput:
    """One statement to cluster."""

    statement: int  # statement row id
    article: int  # article row id
    text: str  # the statement's content text
    speaker: str | None  # canonical entity key of the speaker across the corpus (None: unknown)
    published: str | None  # YYYY-MM-DD
    story: str | None = None  # the article's story id (articles about the same event), if known
    # Surface form of an entity as written in the text -> its canonical entity key across the corpus
    # ("al-Nusra Front" and "Jabhat al-Nusra" -> "organization:jabhat-al-nusra"); usually one mapping
    # shared by every statement of an article. See :func:`read_names`.
    names: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(slots=True)
class EchoLink:
    """Why two statements are in one cluster."""

    a: int  # statement ids, a < b
    b: int
    similarity: float  # verbatim: shingle containment; paraphrase: the mixed score
    how: EchoHow


@dataclass(slots=True)
class EchoCluster:
    """Statements that echo one another, from two articles or more."""

    members: list[int]  # statement ids, ordered by (published (None last), article, statement)
    kind: Literal["verbatim", "paraphrase"]  # "verbatim" if every link is near-verbatim
    links: list[EchoLink]  # the links that made the cluster: a spanning tree over the members


class Embedder(Protocol):
    """Turns texts into one vector each (rows need not be normalised; zero rows mean "no content")."""

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.floating[Any]]: ...


@dataclass(frozen=True, slots=True)
class EchoSettings:
    """Thresholds and sizes. Calibrated on ``benchmarks/data/echo_pairs.jsonl``: 219 statement pairs from
    ``bench/stories/allsides_stories.jsonl.gz`` (same story or same speaker, different articles), each
    labelled by reading it — echo (same claim) or not; ``benchmarks/echo_pairs.py`` reproduces the
    figures quoted here."""

    # Statements shorter than this take no part in links: a third of the labelled non-echoes are
    # fragments ("on Twitter", "What did"). Best F1 with the limit at 4/5/6 words: BM25 0.76/0.77/0.76,
    # WordLlama 0.63/0.64/0.63.
    min_words: int = 5
    # Word n-gram length of the verbatim shingles: 3 keeps two quotes with one changed word similar
    # while a shared stock phrase ("the white house said") stays a small share of a statement.
    shingle_words: int = 3
    # MinHash LSH: 20 bands of 3 rows. A sentence pair of Jaccard 0.5 becomes a candidate with
    # probability 1-(1-0.5^3)^20 = 0.93, one of 0.2 with 0.15; candidates are verified exactly, so the
    # loose curve costs time, not precision.
    minhash_bands: int = 20
    minhash_rows: int = 3
    # Verified containment for a verbatim link. On the labelled pairs (both sides >= 5 words),
    # containment >= 0.5 has precision 0.84 (recall 0.37: most echoes are reworded, not copied).
    verbatim_containment: float = 0.5
    # A shingle in more distinct articles than max(this, share * articles) is boilerplate. 20 of the
    # 3,419 stories articles drops one site's recurring link widget (three labelled non-echoes share
    # nothing else and had containment 1.0) and stock phrases ("the united states").
    boilerplate_articles: int = 20
    boilerplate_share: float = 0.005
    # Paraphrase score = w * embedding cosine + (1 - w) * tf-idf cosine (entity names read canonically,
    # see EchoInput.names). On the 339 labelled pairs, best F1: WordLlama alone 0.66, tf-idf 0.78, BM25
    # 0.79, the mix (w = 0.5) 0.75. Tried and not better in 5-fold cross-validation (threshold and weight
    # chosen on the training folds; tf-idf alone CV F1 0.77): stemming (0.75), one token per entity
    # (0.74), sentence-level maxima (0.77), w chosen by CV (it picks w ~ 0: 0.77), a logistic regression
    # on embedding, tf-idf and BM25 (0.75-0.76). The mix stays because the embedding is the only part
    # that sees rewordings with few shared words, and the labelled pairs cannot tell the mixes apart.
    embedding_weight: float = 0.5
    # Read words through the synonym lexicon (quotetrail.synonyms): tf-idf counts each lexicon word as
    # its meaning class ("dissociated" and "separate" as one term, a phrase such as "break away" as one),
    # and the embedder is shown the class name in its place (word vectors put "dissociate" and
    # "separate" at cosine 0.05). Repeated 5-fold CV F1 on the 339 pairs (20 repeats, threshold chosen
    # on the training folds), without -> with: tf-idf alone 0.765 -> 0.767, WordLlama alone 0.630 ->
    # 0.643, the w = 0.5 mix 0.735 -> 0.752. Adding the class terms beside the words instead of in
    # their place: tf-idf alone 0.756. Pair rule at each one's best threshold F1 0.747 -> 0.759; pairs in one
    # cluster 0.729 -> 0.736 (batch 1 0.748 -> 0.764, batch 2 0.704 -> 0.698).
    synonym_classes: bool = True
    # Threshold of the mixed score for a paraphrase link, and for the average score between two
    # clusters that a paraphrase link would merge: the best-F1 point of the pair rule on all 339
    # labelled pairs (best mix threshold 0.492; CV-chosen thresholds median 0.496; plateau 0.48-0.52).
    # Pair rule: P 0.70, R 0.84, F1 0.76; after clustering, pairs in one cluster: P 0.79, R 0.69, F1
    # 0.74. (Without the lexicon the best point was 0.48. The former 0.54, set on batch 1 alone, had
    # recall 0.54 on batch 2, which samples the 0.3-0.7 band where the threshold decides.)
    paraphrase_link: float = 0.49
    # Average mixed score two clusters joined by a verbatim link must still reach: low, since copied
    # words are strong evidence; it only stops a long quote from bridging two different sentences of it
    # that other articles quoted apart. Below every labelled verbatim echo's own mixed score (min 0.52).
    verbatim_cohesion: float = 0.40
    # Paraphrase candidates: published at most this many days apart (undated statements match any
    # date). A talking point stays in the news for weeks; over longer spans a speaker's stock lines
    # ("a witch hunt") would chain years of different occasions together.
    window_days: int = 60
    # Nearest neighbours per statement within a block, and the cosine below which a neighbour is not a
    # candidate at all (no labelled paraphrase echo scored below 0.55).
    neighbours: int = 8
    candidate_cosine: float = 0.55
    # Rows per chunk of the blocked similarity products: bounds memory (chunk x window x 4 bytes).
    chunk_rows: int = 1024
    # LSH buckets larger than this (a quote copied by dozens of articles) are linked as a chain rather
    # than as all pairs; the chain connects the same statements in linear time.
    max_bucket: int = 40


DEFAULT_SETTINGS = EchoSettings()

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A sentence ends at . ! ? or … followed by optional closing quotes/brackets and whitespace.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+")
# Function words carry no claim: dropped from the tf-idf vectors (not from the verbatim shingles).
_STOP_WORDS = FUNCTION_WORDS | frozenset("done it's saying whose".split())
_NEGATIONS = frozenset("not no never nor neither none nobody nothing nowhere cannot without".split())


def find_echoes(
    statements: Sequence[EchoInput],
    *,
    embedder: Embedder | None = None,
    settings: EchoSettings = DEFAULT_SETTINGS,
) -> list[EchoCluster]:
    """Echo clusters among ``statements``: disjoint, each spanning two articles or more, ordered by their
    first member. ``embedder`` defaults to WordLlama's bundled weights (:class:`WordLlamaEmbedder`).

    The result does not depend on the order of ``statements``. Raises ``ValueError`` if two inputs share
    a statement id or a date is not YYYY-MM-DD."""
    items = sorted(statements, key=lambda s: s.statement)
    for prev, cur in itertools.pairwise(items):
        if prev.statement == cur.statement:
            raise ValueError(f"statement id {cur.statement} appears twice in the input")
    if len(items) < 2:
        return []
    prepared = _Prepared.build(items, settings)
    links = _verbatim_links(prepared, settings)
    vectors = _embed(
        embedder if embedder is not None else default_embedder(), _embedding_texts(items, settings)
    )
    links += _paraphrase_links(prepared, vectors, settings, known={(lk.a, lk.b) for lk in links})
    return _cluster(prepared, vectors, links, settings)


@dataclass(frozen=True, slots=True)
class PairScore:
    """Every number the linking rules look at for one pair of statements (for benchmarks and for
    explaining why a pair is, or is not, an echo)."""

    a: int
    b: int
    containment: float  # share of the smaller statement's (non-boilerplate) shingles in the other
    cosine: float  # embedding cosine
    lexical: float  # tf-idf cosine
    score: float  # the paraphrase score: w * cosine + (1 - w) * lexical
    long_enough: bool  # both statements have at least min_words words
    negation_flip: bool
    verbatim: bool  # would be linked as verbatim (if LSH proposes it)
    paraphrase: bool  # would be linked as paraphrase (if blocking proposes it)


def score_pairs(
    statements: Sequence[EchoInput],
    pairs: Sequence[tuple[int, int]],
    *,
    embedder: Embedder | None = None,
    settings: EchoSettings = DEFAULT_SETTINGS,
) -> list[PairScore]:
    """Scores of the given statement-id pairs, computed over ``statements`` as :func:`find_echoes` would
    (tf-idf and boilerplate statistics come from the whole input)."""
    items = sorted(statements, key=lambda s: s.statement)
    position = {s.statement: i for i, s in enumerate(items)}
    prepared = _Prepared.build(items, settings)
    vectors = _embed(
        embedder if embedder is not None else default_embedder(), _embedding_texts(items, settings)
    )
    w = settings.embedding_weight
    out: list[PairScore] = []
    for a, b in pairs:
        i, j = position[a], position[b]
        sa, sb = prepared.shingle_set(i), prepared.shingle_set(j)
        containment = len(sa & sb) / min(len(sa), len(sb)) if sa and sb else 0.0
        cosine = float(vectors[i] @ vectors[j])
        lexical = _dot(prepared.lexical(i), prepared.lexical(j))
        score = w * cosine + (1.0 - w) * lexical
        long_enough = prepared.long_enough(i, settings) and prepared.long_enough(j, settings)
        flip = _negation_flip(prepared, i, j)
        out.append(
            PairScore(
                a=a,
                b=b,
                containment=containment,
                cosine=cosine,
                lexical=lexical,
                score=score,
                long_enough=long_enough,
                negation_flip=flip,
                verbatim=long_enough and not flip and containment >= settings.verbatim_containment,
                paraphrase=long_enough and not flip and score >= settings.paraphrase_link,
            )
        )
    return out


# --- preparation ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Prepared:
    """Per-statement features, indexed by position in the statement-id order. Words and shingles live in
    flat arrays (one entry per word / shingle of the whole input) so the work is done by numpy."""

    items: list[EchoInput]
    day: npt.NDArray[np.float64]  # published date as a day number, NaN when undated
    n_words: _I64
    negated: npt.NDArray[np.bool_]
    word_ids: _I64  # flat: every word of every statement, as a vocabulary id
    word_starts: _I64  # statement i's words are word_ids[word_starts[i]:word_starts[i + 1]]
    vocabulary: list[str]  # vocabulary id -> word (lower case)
    # The words as the tf-idf comparison counts them: lexicon members read as their synonym class
    # (:func:`quotetrail.synonyms.fold_synonyms`; a phrase is one term, so counts differ from n_words).
    term_ids: _I64  # flat, as ids of term_vocabulary
    term_starts: _I64  # statement i's terms are term_ids[term_starts[i]:term_starts[i + 1]]
    idf: npt.NDArray[np.float64]  # per term id; 0 for stop words
    shingles: _U64  # flat: kept (non-boilerplate) shingle hashes, grouped by sentence
    shingle_starts: _I64  # statement i's shingles are shingles[shingle_starts[i]:shingle_starts[i + 1]]
    unit_starts: _I64  # LSH units (sentences of long-enough statements): start offsets into shingles
    unit_ends: _I64
    unit_owner: _I64  # unit -> statement index
    _lexical: dict[int, dict[int, float]] = field(default_factory=dict)
    _shingle_sets: dict[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, items: list[EchoInput], settings: EchoSettings) -> _Prepared:
        vocabulary: dict[str, int] = {}
        words: list[int] = []
        n_words: list[int] = []
        term_vocabulary: dict[str, int] = {}
        terms: list[int] = []
        n_terms: list[int] = []
        fold = fold_synonyms if settings.synonym_classes else list
        sentence_lengths: list[int] = []
        sentence_owner: list[int] = []
        readers: dict[int, _NameReader] = {}  # one per distinct names mapping (usually one per article)
        for i, s in enumerate(items):
            count = term_count = 0
            text = s.text
            if s.names:
                reader = readers.get(id(s.names))
                if reader is None:
                    reader = readers[id(s.names)] = _NameReader(s.names)
                text = reader.read(text)
            for sentence in _SENTENCE_END_RE.split(text.lower().replace("’", "'")):
                ws = _WORD_RE.findall(sentence)
                if not ws:
                    continue
                words.extend(vocabulary.setdefault(w, len(vocabulary)) for w in ws)
                sentence_lengths.append(len(ws))
                sentence_owner.append(i)
                count += len(ws)
                folded = fold(ws)
                terms.extend(term_vocabulary.setdefault(t, len(term_vocabulary)) for t in folded)
                term_count += len(folded)
            n_words.append(count)
            n_terms.append(term_count)
        vocab = list(vocabulary)
        word_ids = np.asarray(words, dtype=np.int64)
        lengths = np.asarray(n_words, dtype=np.int64)
        word_starts = np.concatenate(([0], np.cumsum(lengths)))
        owner_of_word = np.repeat(np.arange(len(items), dtype=np.int64), lengths)

        is_negation = np.fromiter(
            (w in _NEGATIONS or w.endswith("n't") for w in vocab), dtype=np.bool_, count=len(vocab)
        )
        term_ids = np.asarray(terms, dtype=np.int64)
        term_lengths = np.asarray(n_terms, dtype=np.int64)
        n_vocab = len(term_vocabulary)
        is_stop = np.fromiter((t in _STOP_WORDS for t in term_vocabulary), dtype=np.bool_, count=n_vocab)
        # Document frequency of each term: count distinct (statement, term) pairs.
        owner_of_term = np.repeat(np.arange(len(items), dtype=np.int64), term_lengths)
        distinct = np.unique(owner_of_term * n_vocab + term_ids) % max(n_vocab, 1)
        df = np.bincount(distinct, minlength=n_vocab).astype(np.float64)
        idf = np.log((len(items) + 1) / (df + 1) + 1.0)
        idf[is_stop] = 0.0
        negated = np.bincount(owner_of_word, weights=is_negation[word_ids], minlength=len(items)) > 0

        word_hashes = np.fromiter((_word_hash(w) for w in vocab), dtype=np.uint64, count=len(vocab))
        sentence_of_word = np.repeat(
            np.arange(len(sentence_lengths), dtype=np.int64), np.asarray(sentence_lengths, dtype=np.int64)
        )
        hashes, shingle_sentence = _shingles(word_hashes[word_ids], sentence_of_word, settings.shingle_words)
        sentence_owner_arr = np.asarray(sentence_owner, dtype=np.int64)
        article = np.fromiter((s.article for s in items), dtype=np.int64, count=len(items))
        keep = ~_boilerplate_mask(hashes, article[sentence_owner_arr[shingle_sentence]], settings)
        hashes, shingle_sentence = hashes[keep], shingle_sentence[keep]
        shingle_owner = sentence_owner_arr[shingle_sentence]
        shingle_starts = np.searchsorted(shingle_owner, np.arange(len(items) + 1), side="left")

        # LSH units: the sentences (with shingles left) of statements long enough to take part.
        bounds = np.flatnonzero(np.diff(shingle_sentence)) + 1
        unit_starts = np.concatenate(([0], bounds)) if hashes.size else np.zeros(0, dtype=np.int64)
        unit_ends = np.concatenate((bounds, [hashes.size])) if hashes.size else np.zeros(0, dtype=np.int64)
        unit_owner = shingle_owner[unit_starts] if hashes.size else np.zeros(0, dtype=np.int64)
        usable = lengths[unit_owner] >= settings.min_words
        return cls(
            items=items,
            day=np.fromiter((_day_number(s.published) for s in items), dtype=np.float64, count=len(items)),
            n_words=lengths,
            negated=negated,
            word_ids=word_ids,
            word_starts=word_starts,
            vocabulary=vocab,
            term_ids=term_ids,
            term_starts=np.concatenate(([0], np.cumsum(term_lengths))),
            idf=idf,
            shingles=hashes,
            shingle_starts=shingle_starts,
            unit_starts=unit_starts[usable],
            unit_ends=unit_ends[usable],
            unit_owner=unit_owner[usable],
        )

    def long_enough(self, i: int, settings: EchoSettings) -> bool:
        return bool(self.n_words[i] >= settings.min_words)

    def lexical(self, i: int) -> dict[int, float]:
        """Unit-length tf-idf vector (sublinear tf, smoothed idf over the input, stop words out)."""
        vec = self._lexical.get(i)
        if vec is None:
            ids, counts = np.unique(
                self.term_ids[self.term_starts[i] : self.term_starts[i + 1]], return_counts=True
            )
            weights = (1.0 + np.log(counts)) * self.idf[ids]
            norm = float(np.sqrt(weights @ weights))
            vec = (
                {int(w): float(v) / norm for w, v in zip(ids, weights, strict=True) if v > 0} if norm else {}
            )
            self._lexical[i] = vec
        return vec

    def words(self, i: int) -> list[str]:
        return [
            self.vocabulary[w] for w in self.word_ids[self.word_starts[i] : self.word_starts[i + 1]].tolist()
        ]

    def shingle_set(self, i: int) -> frozenset[int]:
        found = self._shingle_sets.get(i)
        if found is None:
            found = frozenset(self.shingles[self.shingle_starts[i] : self.shingle_starts[i + 1]].tolist())
            self._shingle_sets[i] = found
        return found

    def date_key(self, i: int) -> tuple[bool, str, int, int]:
        s = self.items[i]
        return (s.published is None, s.published or "", s.article, s.statement)


class _NameReader:
    """Replaces each entity surface form of one names mapping by the words of its canonical key."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._words = {surface: _key_words(key) for surface, key in names.items() if surface.strip()}
        # Longest form first, so "Jabhat al-Nusra" is read whole rather than as a trailing "al-Nusra".
        self._forms = sorted(self._words, key=lambda f: (-len(f), f))

    def read(self, text: str) -> str:
        # One big alternation per article costs milliseconds to compile (tens of seconds over a corpus);
        # a substring test finds the few forms a statement holds, and only those are compiled (cached).
        present = tuple(f for f in self._forms if f in text)
        if not present:
            return text
        return _forms_pattern(present).sub(lambda m: self._words[m.group(0)], text)


@lru_cache(maxsize=1 << 14)
def _forms_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")(?!\w)")


def _key_words(key: str) -> str:
    # quotetrail.canon keys are "<type>:<slug of the display name>": the slug's words make every surface
    # form read like the display name, so a name matches across forms and still counts as the words it
    # has (a single opaque token would weigh a three-word name like one word). Other keys are used whole.
    return key.rpartition(":")[2].replace("-", " ") or key


def read_names(text: str, names: Mapping[str, str]) -> str:
    """``text`` as the lexical comparison reads it: every surface form in ``names`` (whole words, longest
    first) replaced by the words of its canonical key."""
    return _NameReader(names).read(text) if names else text


def _day_number(published: str | None) -> float:
    if published is None:
        return math.nan
    try:
        return float(date.fromisoformat(published).toordinal())
    except ValueError:
        raise ValueError(f"published date {published!r} is not YYYY-MM-DD") from None


@lru_cache(maxsize=1 << 18)
def _word_hash(word: str) -> int:
    # Stable across processes (unlike hash()), so clusters do not change from run to run.
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5], dtype=np.uint64
)


def _shingles(word_hashes: _U64, sentence_of_word: _I64, k: int) -> tuple[_U64, _I64]:
    """Hashes of every word k-shingle that stays within one sentence, and the sentence of each."""
    n = word_hashes.size - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    acc = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        acc = acc * _MIX[j % len(_MIX)] + word_hashes[j : j + n]
    within = sentence_of_word[:n] == sentence_of_word[k - 1 :]
    return acc[within], sentence_of_word[:n][within]


def _boilerplate_mask(hashes: _U64, article: _I64, settings: EchoSettings) -> npt.NDArray[np.bool_]:
    """True for shingles found in more distinct articles than the boilerplate limit."""
    n_articles = np.unique(article).size
    limit = max(settings.boilerplate_articles, math.ceil(settings.boilerplate_share * n_articles))
    if n_articles <= limit or not hashes.size:
        return np.zeros(hashes.size, dtype=np.bool_)
    order = np.lexsort((article, hashes))
    h, a = hashes[order], article[order]
    first_of_pair = np.concatenate(([True], (h[1:] != h[:-1]) | (a[1:] != a[:-1])))
    values, counts = np.unique(h[first_of_pair], return_counts=True)
    return np.isin(hashes, values[counts > limit])


# --- verbatim links -------------------------------------------------------------------------------


def _minhash_signatures(p: _Prepared, n_hashes: int) -> _U64:
    """One MinHash signature per LSH unit (rows), by multiply-shift hashing of the shingle hashes."""
    rng = np.random.default_rng(20161021)  # fixed: signatures must not change between runs
    mult = rng.integers(1, 2**62, size=n_hashes, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    add = rng.integers(0, 2**62, size=n_hashes, dtype=np.uint64)
    n_units = p.unit_starts.size
    signatures = np.empty((n_units, n_hashes), dtype=np.uint64)
    sizes = p.unit_ends - p.unit_starts
    # Chunks of whole units, ~100k shingles each: bounds the (shingles x hashes) temporary.
    chunk_of_unit = np.cumsum(sizes) // 100_000
    for chunk in np.unique(chunk_of_unit):
        units = np.flatnonzero(chunk_of_unit == chunk)
        positions = np.concatenate([np.arange(p.unit_starts[u], p.unit_ends[u]) for u in units.tolist()])
        hashed = (p.shingles[positions][:, None] * mult[None, :] + add[None, :]) >> np.uint64(32)
        offsets = np.concatenate(([0], np.cumsum(sizes[units])[:-1]))
        signatures[units] = np.minimum.reduceat(hashed, offsets, axis=0)
    return signatures


def _bucket_pairs(keys: _U64, owners: _I64, max_bucket: int) -> Iterator[tuple[int, int]]:
    """Statement pairs sharing a bucket key; big buckets become a chain."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    edges = np.flatnonzero(np.diff(sorted_keys)) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [len(keys)]))
    shared = ends - starts > 1
    for s, e in zip(starts[shared].tolist(), ends[shared].tolist(), strict=True):
        members = sorted(set(owners[order[s:e]].tolist()))
        if len(members) <= max_bucket:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    yield members[x], members[y]
        else:
            yield from itertools.pairwise(members)


def _verbatim_links(p: _Prepared, settings: EchoSettings) -> list[EchoLink]:
    if p.unit_starts.size < 2:
        return []
    rows, bands = settings.minhash_rows, settings.minhash_bands
    signatures = _minhash_signatures(p, rows * bands)
    candidates: set[tuple[int, int]] = set()
    for band in range(bands):
        block = signatures[:, band * rows : (band + 1) * rows]
        keys = np.full(len(block), np.uint64(band + 1), dtype=np.uint64)
        for j in range(rows):
            keys = keys * _MIX[j % len(_MIX)] + block[:, j]
        candidates.update(_bucket_pairs(keys, p.unit_owner, settings.max_bucket))
    links: list[EchoLink] = []
    for i, j in sorted(candidates):
        a, b = p.shingle_set(i), p.shingle_set(j)
        containment = len(a & b) / min(len(a), len(b))
        if containment >= settings.verbatim_containment and not _negation_flip(p, i, j):
            links.append(_link(p, i, j, containment, "verbatim"))
    return links


def _negation_flip(p: _Prepared, i: int, j: int) -> bool:
    """One side negates what the other asserts in the same words ("will not withdraw" / "will withdraw")."""
    if not (p.negated[i] or p.negated[j]):
        return False
    a, b = p.words(i), p.words(j)
    return _drops_negation(a, b) or _drops_negation(b, a)


# Contractions whose stem is not the word with "n't" cut off.
_CONTRACTED = {"won't": "will", "can't": "can", "shan't": "shall", "ain't": "is"}


def _drops_negation(a: list[str], b: list[str]) -> bool:
    """``a`` has a negation where ``b`` has the same neighbouring words without it."""
    b_bigrams = set(itertools.pairwise(b))
    for k, word in enumerate(a[:-1]):
        if word in _NEGATIONS and k > 0:
            without, with_it = (a[k - 1], a[k + 1]), (a[k - 1], word)
        elif word.endswith("n't"):
            without, with_it = (_CONTRACTED.get(word, word[:-3]), a[k + 1]), (word, a[k + 1])
        else:
            continue
        if without in b_bigrams and with_it not in b_bigrams:
            return True
    return False


def _link(p: _Prepared, i: int, j: int, similarity: float, how: EchoHow) -> EchoLink:
    a, b = p.items[i].statement, p.items[j].statement
    return EchoLink(a=min(a, b), b=max(a, b), similarity=round(similarity, 4), how=how)


# --- paraphrase links -----------------------------------------------------------------------------


def _embedding_texts(items: list[EchoInput], settings: EchoSettings) -> list[str]:
    """What the embedder is shown: the statements, with lexicon words as their class names when the
    synonym lexicon is on (word vectors do not relate "dissociate" to "separate"; the lexicon does)."""
    if settings.synonym_classes:
        return [fold_text(s.text) for s in items]
    return [s.text for s in items]


def _embed(embedder: Embedder, texts: list[str]) -> FloatMatrix:
    raw = np.asarray(embedder.embed(texts), dtype=np.float32)
    if raw.ndim != 2 or raw.shape[0] != len(texts):
        raise ValueError(f"embedder returned shape {raw.shape} for {len(texts)} texts")
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    unit: FloatMatrix = np.divide(raw, norms, out=np.zeros_like(raw), where=norms > 0)
    return unit


def _blocks(p: _Prepared, settings: EchoSettings) -> list[_I64]:
    """Statement indices per block: one per canonical speaker and one per story, each sorted by date
    (undated last)."""
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, s in enumerate(p.items):
        if not p.long_enough(i, settings):
            continue
        if s.speaker is not None:
            blocks[("speaker", s.speaker)].append(i)
        if s.story is not None:
            blocks[("story", s.story)].append(i)
    out: list[_I64] = []
    for _, members in sorted(blocks.items()):
        if len(members) > 1:
            idx = np.asarray(members, dtype=np.int64)
            out.append(idx[np.argsort(p.day[idx], kind="stable")])  # NaN (undated) sorts last
    return out


def _block_neighbours(
    p: _Prepared, vectors: FloatMatrix, block: _I64, settings: EchoSettings
) -> Iterator[tuple[_I64, _I64]]:
    """Candidate pairs (as index arrays) of one block: for each statement its nearest neighbours by
    embedding within the time window, above the candidate cosine."""
    days = p.day[block]
    n_dated = int(np.count_nonzero(~np.isnan(days)))
    for s in range(0, len(block), settings.chunk_rows):
        rows = block[s : s + settings.chunk_rows]
        row_days = days[s : s + settings.chunk_rows]
        if s + len(rows) <= n_dated:
            # Dated rows: the dated columns of their window, and every undated column.
            lo = int(np.searchsorted(days[:n_dated], row_days[0] - settings.window_days, side="left"))
            hi = int(np.searchsorted(days[:n_dated], row_days[-1] + settings.window_days, side="right"))
            cols = np.concatenate((block[lo:hi], block[n_dated:]))
            col_days = np.concatenate((days[lo:hi], days[n_dated:]))
        else:
            cols, col_days = block, days
        sims = vectors[rows] @ vectors[cols].T
        with np.errstate(invalid="ignore"):
            too_far = np.abs(row_days[:, None] - col_days[None, :]) > settings.window_days  # NaN: False
        sims[too_far | (rows[:, None] == cols[None, :])] = -1.0
        k = settings.neighbours
        top = np.argpartition(-sims, k, axis=1)[:, :k] if sims.shape[1] > k else None
        picked = sims if top is None else np.take_along_axis(sims, top, axis=1)
        r, c = np.nonzero(picked >= settings.candidate_cosine)
        yield rows[r], cols[c if top is None else top[r, c]]


def _paraphrase_links(
    p: _Prepared, vectors: FloatMatrix, settings: EchoSettings, known: set[tuple[int, int]]
) -> list[EchoLink]:
    firsts: list[_I64] = []
    seconds: list[_I64] = []
    for block in _blocks(p, settings):
        for a, b in _block_neighbours(p, vectors, block, settings):
            firsts.append(np.minimum(a, b))
            seconds.append(np.maximum(a, b))
    if not firsts:
        return []
    n = len(p.items)
    keys = np.unique(np.concatenate(firsts) * n + np.concatenate(seconds))
    first, second = keys // n, keys % n
    cosines = np.einsum("ij,ij->i", vectors[first], vectors[second])
    w = settings.embedding_weight
    # The lexical part can add at most (1 - w): pairs that cannot reach the bar are not scored.
    hopeful = w * cosines + (1.0 - w) >= settings.paraphrase_link
    links: list[EchoLink] = []
    for i, j, cos in zip(
        first[hopeful].tolist(), second[hopeful].tolist(), cosines[hopeful].tolist(), strict=True
    ):
        score = w * cos + (1.0 - w) * _dot(p.lexical(i), p.lexical(j))
        if score < settings.paraphrase_link or _negation_flip(p, i, j):
            continue
        link = _link(p, i, j, score, "paraphrase")
        if (link.a, link.b) not in known:
            links.append(link)
    return links


def _dot(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[w] for w, v in a.items() if w in b)


# --- clustering -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    members: list[int]
    vector_sum: npt.NDArray[np.float64]
    lexical_sum: dict[int, float]
    links: list[EchoLink] = field(default_factory=list)


def _cluster(
    p: _Prepared, vectors: FloatMatrix, links: list[EchoLink], settings: EchoSettings
) -> list[EchoCluster]:
    position = {s.statement: i for i, s in enumerate(p.items)}
    parent: dict[int, int] = {}
    groups: dict[int, _Group] = {}

    def root(i: int) -> int:
        while parent.get(i, i) != i:
            parent[i] = parent.get(parent[i], parent[i])
            i = parent[i]
        return i

    def group(i: int) -> _Group:
        if i not in groups:
            groups[i] = _Group([i], vectors[i].astype(np.float64), dict(p.lexical(i)))
        return groups[i]

    w = settings.embedding_weight
    # Strongest evidence first: verbatim links, then paraphrases, each by falling similarity.
    ordered = sorted(links, key=lambda lk: (lk.how != "verbatim", -lk.similarity, lk.a, lk.b))
    for link in ordered:
        ra, rb = root(position[link.a]), root(position[link.b])
        if ra == rb:
            continue
        ga, gb = group(ra), group(rb)
        pairs = len(ga.members) * len(gb.members)
        cohesion = (
            w * float(ga.vector_sum @ gb.vector_sum) + (1.0 - w) * _dot(ga.lexical_sum, gb.lexical_sum)
        ) / pairs
        bar = settings.verbatim_cohesion if link.how == "verbatim" else settings.paraphrase_link
        if cohesion < bar:
            continue
        if len(ga.members) < len(gb.members):
            ra, rb, ga, gb = rb, ra, gb, ga
        parent[rb] = ra
        ga.members += gb.members
        ga.vector_sum += gb.vector_sum
        for word, v in gb.lexical_sum.items():
            ga.lexical_sum[word] = ga.lexical_sum.get(word, 0.0) + v
        ga.links += gb.links
        ga.links.append(link)
        del groups[rb]

    clusters: list[EchoCluster] = []
    for g in groups.values():
        if len({p.items[i].article for i in g.members}) < 2:
            continue
        members = sorted(g.members, key=p.date_key)
        kind: Literal["verbatim", "paraphrase"] = (
            "verbatim" if all(lk.how == "verbatim" for lk in g.links) else "paraphrase"
        )
        clusters.append(
            EchoCluster(
                members=[p.items[i].statement for i in members],
                kind=kind,
                links=sorted(g.links, key=lambda lk: (lk.a, lk.b)),
            )
        )
    first = {s.statement: p.date_key(i) for i, s in enumerate(p.items)}
    clusters.sort(key=lambda c: first[c.members[0]])
    return clusters


# --- the default embedder -------------------------------------------------------------------------


class WordLlamaEmbedder:
    """Sentence vectors from WordLlama's bundled weights (no download): the mean of the token vectors.

    Tokenising each distinct word once and caching its summed token vector gives the same mean as
    tokenising whole texts (the tokenizer never merges across a space), several times faster on a
    corpus, where most words recur. Whitespace runs count as one space."""

    def __init__(self, model: Any | None = None) -> None:
        if model is None:
            model = _load_wordllama()
        self._tokenizer = model.tokenizer
        self._table: FloatMatrix = np.asarray(model.embedding, dtype=np.float32)
        self._index: dict[str, int] = {}
        # Row k: the summed token vectors of the k-th word learnt, and how many tokens it has.
        self._sum_matrix: FloatMatrix = np.zeros((0, self._table.shape[1]), dtype=np.float32)
        self._count_vector: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)

    @property
    def dimension(self) -> int:
        return int(self._table.shape[1])

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        split = [t.split() for t in texts]
        self._learn({w for ws in split for w in ws if w not in self._index})
        lengths = np.fromiter((len(ws) for ws in split), dtype=np.int64, count=len(split))
        ids = np.fromiter(
            (self._index[w] for ws in split for w in ws), dtype=np.int64, count=int(lengths.sum())
        )
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Texts of equal word count are summed together as one (texts x words x dim) block: numpy's
        # ufunc.reduceat over ragged rows is several times slower on large inputs.
        order = np.argsort(lengths, kind="stable")
        edges = np.flatnonzero(np.diff(lengths[order])) + 1
        for same_length in np.split(order, edges):
            n_words = int(lengths[same_length[0]])
            if n_words == 0:
                continue
            step = max(1, 65_536 // n_words)  # bounds the gathered block to ~64k word vectors
            for s in range(0, len(same_length), step):
                rows = same_length[s : s + step]
                word_ids = ids[starts[rows][:, None] + np.arange(n_words)[None, :]]
                tokens = self._count_vector[word_ids].sum(axis=1)
                out[rows] = self._sum_matrix[word_ids].sum(axis=1) / np.maximum(tokens, 1.0)[:, None]
        return out

    def _learn(self, words: set[str]) -> None:
        if not words:
            return
        ordered = sorted(words)
        sums = np.zeros((len(ordered), self.dimension), dtype=np.float32)
        counts = np.zeros(len(ordered), dtype=np.float32)
        for row, enc in enumerate(self._tokenizer.encode_batch(ordered, add_special_tokens=False)):
            ids = [t for t, m in zip(enc.ids, enc.attention_mask, strict=True) if m]
            if ids:
                sums[row] = self._table[ids].sum(axis=0)
                counts[row] = len(ids)
        base = len(self._index)
        self._index.update((w, base + k) for k, w in enumerate(ordered))
        self._sum_matrix = np.concatenate((self._sum_matrix, sums))
        self._count_vector = np.concatenate((self._count_vector, counts))


def _load_wordllama() -> Any:
    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


@lru_cache(maxsize=1)
def default_embedder() -> WordLlamaEmbedder:
    """The WordLlama embedder, loaded once per process (about a quarter of a second)."""
    return WordLlamaEmbedder()
