"""Stories: articles about the same event, grouped incrementally as they arrive.

An article joins the story it is most likely to belong to, or founds a new one; an assignment never
changes afterwards, so new articles are matched against the existing stories without recomputing the
corpus.

**Representation.** Each article keeps three sparse vectors. The *lead* vector: a bag of words from its
title (each title word counted ``title_weight`` times: headlines name the event) and the first
``body_chars`` characters of its body; it drives the blocking and is the main cosine. The *title*
vector: the distinct title words. The *body* vector: the words of the first ``body_vector_chars``
characters, for the background and detail beyond the lead. Words are lower-cased, function words and
reporting verbs dropped. A term weighs ``(1 + ln tf) * idf``; only the ``terms_per_article`` (lead) and
``body_terms_per_article`` (body) heaviest terms are kept, so the state grows by a fixed amount per
article, not with its length.

**Incremental IDF.** Document frequencies are updated as each article arrives (before it is weighed).
Two fixed priors keep the first articles of an index sensible: the stop-word list below (function words
would otherwise dominate while every IDF is flat), and ``prior_documents`` imaginary articles containing
none of the terms, so that in a young index a word shared by two articles does not look common merely
because there are two articles. Weights are never frozen: an article keeps its *raw* term frequencies,
and both the incoming article and the candidate articles it is compared with are weighed with the
current document frequencies at comparison time. Only the choice of which terms an article keeps is made
with the IDFs of its arrival time. Measured cost of all this against knowing the whole corpus's document
frequencies from the start: none (train B-cubed F1 0.8903 incremental, 0.8906 with the final IDFs, with
the earlier cosine-threshold decision).

**Blocking.** An inverted index maps each of an article's ``index_terms`` heaviest lead terms, under its
publication day, to its story. An incoming dated article looks up its ``query_terms`` heaviest terms
on the days within ``window_days`` of its own (plus the stories that have no date at all); a dateless
article looks them up on every day, skipping terms too common to be salient, and must clear the
``dateless_threshold``. The ``candidates`` stories sharing the most weight are then scored exactly; no
article is ever compared with every story.

**The pair model.** Each member of a candidate story is compared with the incoming article on the
features of :data:`PAIR_FEATURES`: the lead, title and body cosines; the lead cosine relative to the
incoming article's best candidate (its nearest neighbour scores 1); the lead cosine relative to the
*member's* best cosine with any article it has met so far (1 when the incoming article is the closest
the member has seen: mutual nearest neighbours are the surest pairs, and an article that is only a
member's second choice more often reports a neighbouring event); the day gap, whether either date is
unknown, and whether both come from one outlet (two articles of one outlet are seldom one story in the
benchmark, but outlets do run follow-ups, so it is a learned penalty, not a ban). A logistic regression
(:class:`StoryModel`, trained by ``training/train_story_model.py``, stored in ``data/story_model.json``
and in every saved state) turns them into the probability that the two report one event. A story's score
is the mean probability over its members (average-link: max-link chained topics into long stories); the
article joins the best story whose score clears ``threshold`` (``dateless_threshold`` for a story or
article without a date), else founds its own.

Within one :meth:`StoryIndex.add` call articles are processed in (published, article) order, dateless
articles last (they are compared with everything, so they are best placed once the dated articles of the
call are in). Feed batches in chronological order for the same result as one call.

Calibration (all choices on the *train* split of ``bench/stories/allsides_stories.jsonl.gz``, B-cubed F1
with ``eval/score_clusters.py`` as ``benchmarks/stories.py`` computes it, articles analysed by the real
pipeline). The earlier hand-tuned decision (mean lead cosine minus 0.08 per day, times 0.5 for a shared
outlet, over a 0.08 threshold) scored train 0.896, val 0.918, test 0.928, val+test 0.914, all splits
pooled 0.883. The representation constants come from that tuning: title weight 5 (vs 2–3) and a
2,000-character lead (vs 1,500: −0.005; 4,000 or 8,000: −0.007) +0.005 each; 80 lead terms (vs 40–50)
+0.005, 120 no better; 100 prior documents (vs none) +0.002; wider blocking (30 query terms, 60
candidates, 40 indexed terms) +0.0004, so blocking loses nothing measurable. With the pair model (each
step retrained; train B-cubed of the whole clustering of the train split alone): lead, title, relative
cosine, days, dateless, outlet 0.8965; + body cosine 0.9056 (the whole body instead of 5,000 characters:
+0.001 pooled, at twice the tokenising cost; 3,000 characters: −0.0014 pooled; cross-validated pair
log-loss with 80, 150, 400 body terms: 0.0998, 0.0990, 0.0981, 400 not worth 2.7 times the stored terms);
+ mutual cosine 0.9224. Thresholds 0.4 dated (0.35: 0.9190, 0.45: 0.9220, 0.5: 0.9170) and 0.2 dateless
(0.3: −0.002). Tried without gain: WordLlama cosine of title and lead as a learned feature (within 0.002
pooled), shared capitalised names, shared numbers, lead-only cosine, word bigrams (pair log-loss within 1 %
of without), a min-link share in the story score (0.5: −0.003 train), a 1- or 3-day window (within
0.001). Scoring 15 candidate stories instead of 30 (then retrained): train 0.9200 vs 0.9210 pooled, at 0.8
times the clustering time on the allsides corpus. Final figures: train 0.920, val 0.933, test 0.931,
val+test 0.924, all splits pooled 0.906.
"""

from __future__ import annotations

import datetime
import functools
import importlib.resources
import io
import json
import math
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .lexicon import FUNCTION_WORDS

__all__ = [
    "PAIR_FEATURES",
    "StoryAssignment",
    "StoryDoc",
    "StoryIndex",
    "StoryModel",
    "StoryParams",
    "default_model",
    "story_terms",
]

_FORMAT = "quotetrail-story-index"
_FORMAT_VERSION = 2
_NO_DAY = -1  # day key of articles (and stories) without a publication date
_ALWAYS_RARE_DF = 10


@dataclass(frozen=True, slots=True)
class StoryDoc:
    """One article as the story index sees it."""

    article: int  # article row id
    title: str | None
    body: str  # the cleaned body
    published: str | None  # YYYY-MM-DD; anything else counts as no date
    outlet: str | None


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    """Where one article went."""

    article: int
    story: str  # stable story id ("s" + number), never reused
    similarity: float  # to the story it joined (1.0 for a story's founder)
    founded: bool


@dataclass(frozen=True, slots=True)
class StoryParams:
    """The tuned constants; see the module docs for how each was calibrated."""

    title_weight: float = 5.0
    prior_documents: int = 100
    body_chars: int = 2000
    terms_per_article: int = 80
    body_vector_chars: int = 5000  # of the body read for the body cosine
    body_terms_per_article: int = 150  # kept for the body cosine
    index_terms: int = 25  # terms of an article posted in the inverted index
    query_terms: int = 15  # terms of an incoming article looked up in it
    candidates: int = 15  # stories scored exactly per incoming article (30: train +0.0004, 1.2x the time)
    window_days: int = 2
    # Least mean same-story probability (of the pair model) for an article to join a story.
    threshold: float = 0.4
    dateless_threshold: float = 0.2
    # Terms looked up beyond the date window must be in at most this share (and number) of the articles.
    dateless_max_df_share: float = 0.1
    dateless_max_df: int = 300

    def __post_init__(self) -> None:
        for name in (
            "body_chars",
            "body_vector_chars",
            "terms_per_article",
            "body_terms_per_article",
            "index_terms",
            "query_terms",
            "candidates",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("window_days", "prior_documents"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")


# The pair features, in the order of :attr:`StoryModel.weights`; see :meth:`StoryIndex._pair_features`.
PAIR_FEATURES = (
    "cosine",
    "title_cosine",
    "body_cosine",
    "relative_cosine",
    "mutual_cosine",
    "day_gap",
    "dateless",
    "same_outlet",
)


@dataclass(frozen=True, slots=True)
class StoryModel:
    """Logistic weights giving the probability that two articles report the same story."""

    weights: tuple[float, ...]
    bias: float

    def __post_init__(self) -> None:
        if len(self.weights) != len(PAIR_FEATURES):
            raise ValueError(f"expected {len(PAIR_FEATURES)} weights, got {len(self.weights)}")
        if not all(math.isfinite(w) for w in (*self.weights, self.bias)):
            raise ValueError("a weight is not a finite number")

    @classmethod
    def from_json(cls, data: Any) -> StoryModel:
        """From the mapping written by ``training/train_story_model.py``; ValueError if malformed."""
        if not isinstance(data, dict) or list(data.get("features", [])) != list(PAIR_FEATURES):
            raise ValueError(f"a story model must name the features {list(PAIR_FEATURES)}")
        try:
            return cls(weights=tuple(float(w) for w in data["weights"]), bias=float(data["bias"]))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed story model: {exc}") from exc

    def to_json(self) -> dict[str, Any]:
        return {"features": list(PAIR_FEATURES), "weights": list(self.weights), "bias": self.bias}

    def probabilities(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        logits = features @ np.asarray(self.weights) + self.bias
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(logits, -50.0, 50.0)))
        return result


@functools.cache
def default_model() -> StoryModel:
    """The trained model shipped with the package (``data/story_model.json``)."""
    text = importlib.resources.files("quotetrail").joinpath("data/story_model.json").read_text("utf-8")
    return StoryModel.from_json(json.loads(text))


# Function words, reporting verbs and calendar words: frequent in every article whatever the event,
# they would dominate the vectors of the first articles, before document frequencies know better.
_STOP_WORDS = FUNCTION_WORDS | frozenset(
    """
    above again against all although amid among any back because below between both came come day days
    doing down during each even few first further get going got hers herself himself how including itself
    last like made make makes many more most mr mrs ms much myself new no nor not now off once only other
    ours ourselves out own people per same since some still such take tells theirs themselves though
    through time too took two under until up via week well went whether why year years yet yours
    yourself yourselves monday tuesday wednesday thursday friday saturday sunday
    """.split()
)

# Words (letters, inner apostrophes and hyphens) and numbers (inner separators allowed). The possessive
# 's is removed beforehand; words shorter than three characters (function words, fragments) afterwards.
_TOKEN_RE = re.compile(r"\w+(?:['-]\w+)*")
_POSSESSIVE_RE = re.compile(r"'s\b")
_MIN_WORD_CHARS = 3


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(_POSSESSIVE_RE.sub("", text.lower().replace("’", "'")))


def _kept_counts(counts: Counter[str]) -> dict[str, float]:
    """The counts of the words worth keeping. Tested once per distinct word, with C-level set and dict
    operations where possible: the first 5,000 characters of every body go through here."""
    kept: dict[str, float] = dict(counts)
    for word in _STOP_WORDS.intersection(kept):
        del kept[word]
    for word in [word for word in kept if len(word) < _MIN_WORD_CHARS]:
        del kept[word]
    return kept


def story_terms(title: str | None, body: str, params: StoryParams | None = None) -> dict[str, float]:
    """The weighted term frequencies an article is represented by (title words count extra)."""
    return _article_words(title, body, params or StoryParams())[0]


def _article_words(
    title: str | None, body: str, params: StoryParams
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """The word counts of an article's lead vector (title words weighed extra), of its title and of its
    body up to ``body_vector_chars``. The body is read once: its lead part is counted for both vectors."""
    title_words = _kept_counts(Counter(_tokens(title or "")))
    lead_counts = Counter(_tokens(body[: params.body_chars]))
    lead_body = _kept_counts(lead_counts)
    lead = {word: count * params.title_weight for word, count in title_words.items()}
    for word, count in lead_body.items():
        lead[word] = lead.get(word, 0.0) + count
    if len(body) <= params.body_chars:
        return lead, title_words, lead_body
    # Counting a list of tokens into a Counter runs in C; merging two Counters would not.
    lead_counts.update(_tokens(body[params.body_chars : params.body_vector_chars]))
    return lead, title_words, _kept_counts(lead_counts)


def _day_number(published: str | None) -> int:
    if not published:
        return _NO_DAY
    try:
        return datetime.date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return _NO_DAY


class _Vector(NamedTuple):
    """A sparse tf-idf vector of an incoming article: term ids and their weights."""

    ids: npt.NDArray[np.int64]
    weights: npt.NDArray[np.float64]


class _Column:
    """An append-only numpy array with amortised growth."""

    __slots__ = ("data", "size")

    def __init__(self, dtype: npt.DTypeLike, values: npt.ArrayLike | None = None) -> None:
        initial = np.asarray(values if values is not None else [], dtype=dtype)
        self.data: npt.NDArray[Any] = np.empty(max(16, 2 * len(initial)), dtype=dtype)
        self.data[: len(initial)] = initial
        self.size = len(initial)

    def _reserve(self, extra: int) -> None:
        if self.size + extra > len(self.data):
            grown = np.empty(max(2 * len(self.data), self.size + extra), dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown

    def append(self, value: float) -> None:
        self._reserve(1)
        self.data[self.size] = value
        self.size += 1

    def extend(self, values: npt.NDArray[Any]) -> None:
        self._reserve(len(values))
        self.data[self.size : self.size + len(values)] = values
        self.size += len(values)

    def view(self) -> npt.NDArray[Any]:
        return self.data[: self.size]


class StoryIndex:
    """The stories found so far and everything needed to place new articles; see the module docs."""

    def __init__(self, params: StoryParams | None = None, model: StoryModel | None = None) -> None:
        self.params = params or StoryParams()
        self.model = model or default_model()
        self._vocab: dict[str, int] = {}
        self._terms: list[str] = []
        self._df = _Column(np.int32)
        # Per article, in arrival order (its position): the kept terms and their 1 + ln tf.
        self._articles: list[int] = []
        self._position: dict[int, int] = {}
        self._days = _Column(np.int32)
        self._outlet_codes = _Column(np.int32)
        self._outlets: dict[str, int] = {}
        self._story_of = _Column(np.int32)
        self._similarity = _Column(np.float64)
        self._founded = _Column(np.bool_)
        # The highest lead cosine the article has had with any article it was compared with, either way.
        self._best_cosine = _Column(np.float64)
        self._offsets = _Column(np.int64, [0])
        self._term_ids = _Column(np.int32)
        self._log_tf = _Column(np.float32)
        # Per article, the distinct words of its title (the headline names the event most directly).
        self._title_offsets = _Column(np.int64, [0])
        self._title_ids = _Column(np.int32)
        # Per article, the heaviest words of its whole body (background and detail beyond the lead).
        self._body_offsets = _Column(np.int64, [0])
        self._body_ids = _Column(np.int32)
        self._body_log_tf = _Column(np.float32)
        # Per story: member positions, and the day its postings are filed under (its first dated member's).
        self._members: list[list[int]] = []
        self._anchor_day: list[int] = []
        # Working space of :meth:`_cosines`, as long as the vocabulary (derived, not stored).
        self._scratch: npt.NDArray[np.float64] = np.zeros(0)
        # term id → day → stories with that term among an article of that day (derived, not stored).
        self._postings: dict[int, dict[int, list[int]]] = {}

    def __len__(self) -> int:
        return len(self._articles)

    @property
    def story_count(self) -> int:
        return len(self._members)

    # --- adding ---------------------------------------------------------------------------------------

    def add(self, docs: Iterable[StoryDoc]) -> list[StoryAssignment]:
        """Place each article in a story (an article already indexed keeps its story); the assignments
        come back in processing order: (published, article), dateless articles last."""
        keyed = [(_day_number(doc.published), doc) for doc in docs]
        keyed.sort(key=lambda pair: (pair[0] == _NO_DAY, pair[0], pair[1].article))
        return [self._add_one(day, doc) for day, doc in keyed]

    def _add_one(self, day: int, doc: StoryDoc) -> StoryAssignment:
        known = self._position.get(doc.article)
        if known is not None:
            return self._assignment(known)
        counts, title_words, body_words = _article_words(doc.title, doc.body, self.params)
        # Every word of the lead vector is in the title or the body vector.
        self._count_document(set(title_words).union(body_words))
        term_ids = self._vocabulary_ids(counts)
        title_ids = self._vocabulary_ids(title_words)
        body_ids = self._vocabulary_ids(body_words)
        body_raw = np.fromiter(body_words.values(), dtype=np.float64, count=len(body_words))
        raw = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        term_ids, log_tf, weights = self._heaviest(term_ids, raw, self.params.terms_per_article)
        body_ids, body_log_tf, body_weights = self._heaviest(
            body_ids, body_raw, self.params.body_terms_per_article
        )

        outlet = self._outlet_code(doc.outlet)
        story, similarity, best_cosine = self._best_story(
            _Vector(term_ids, weights),
            _Vector(title_ids, self._idf(title_ids)),
            _Vector(body_ids, body_weights),
            day,
            outlet,
        )
        founded = story < 0
        if founded:
            story, similarity = len(self._members), 1.0
            self._members.append([])
            self._anchor_day.append(day)
        elif self._anchor_day[story] == _NO_DAY:
            self._anchor_day[story] = day

        position = len(self._articles)
        self._articles.append(doc.article)
        self._position[doc.article] = position
        self._days.append(day)
        self._outlet_codes.append(outlet)
        self._story_of.append(story)
        self._similarity.append(similarity)
        self._founded.append(founded)
        self._best_cosine.append(best_cosine)
        self._term_ids.extend(term_ids.astype(np.int32))
        self._log_tf.extend(log_tf)
        self._offsets.append(self._term_ids.size)
        self._title_ids.extend(title_ids.astype(np.int32))
        self._title_offsets.append(self._title_ids.size)
        self._body_ids.extend(body_ids.astype(np.int32))
        self._body_log_tf.extend(body_log_tf)
        self._body_offsets.append(self._body_ids.size)
        self._members[story].append(position)
        self._post(position)
        return self._assignment(position)

    def _heaviest(
        self, term_ids: npt.NDArray[np.int64], raw: npt.NDArray[np.float64], limit: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], npt.NDArray[np.float64]]:
        """The ``limit`` heaviest terms by today's tf-idf: their ids, 1 + ln tf and weights."""
        log_tf = (1.0 + np.log(raw)).astype(np.float32) if len(raw) else np.zeros(0, np.float32)
        weights = log_tf * self._idf(term_ids)
        keep = np.argsort(-weights, kind="stable")[:limit]
        return term_ids[keep], log_tf[keep], weights[keep]

    def _count_document(self, words: set[str]) -> None:
        """Add an article's distinct words to the document frequencies (new words to the vocabulary, in
        sorted order so that a state is the same from run to run)."""
        for term in sorted(words.difference(self._vocab)):
            self._vocab[term] = len(self._terms)
            self._terms.append(term)
            self._df.append(0)
        self._df.view()[self._vocabulary_ids(words)] += 1

    def _vocabulary_ids(self, words: Iterable[str]) -> npt.NDArray[np.int64]:
        """The vocabulary ids of ``words`` (all known), in their order."""
        return np.fromiter(map(self._vocab.__getitem__, words), dtype=np.int64)

    def _outlet_code(self, outlet: str | None) -> int:
        if not outlet:
            return -1
        code = self._outlets.get(outlet)
        if code is None:
            code = self._outlets[outlet] = len(self._outlets)
        return code

    def _idf(self, term_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        # Counted with the incoming article included, plus ``prior_documents`` imaginary articles that
        # contain none of the terms: without them, the second article of a fresh index would find every
        # word it shares with the first in "all" the articles, and weigh exactly those down.
        documents = len(self._articles) + 1 + self.params.prior_documents
        return np.log(documents / (self._df.view()[term_ids] + 0.5))

    def _assignment(self, position: int) -> StoryAssignment:
        return StoryAssignment(
            article=self._articles[position],
            story=f"s{int(self._story_of.data[position])}",
            similarity=float(self._similarity.data[position]),
            founded=bool(self._founded.data[position]),
        )

    def _post(self, position: int) -> None:
        """File the article's heaviest terms under its day (a dateless member under its story's day)."""
        story = int(self._story_of.data[position])
        day = int(self._days.data[position])
        if day == _NO_DAY:
            day = self._anchor_day[story]
        start = int(self._offsets.data[position])
        stop = min(int(self._offsets.data[position + 1]), start + self.params.index_terms)
        for term_id in self._term_ids.data[start:stop].tolist():
            by_day = self._postings.setdefault(term_id, {})
            stories = by_day.setdefault(day, [])
            if not stories or stories[-1] != story:
                stories.append(story)

    # --- matching -------------------------------------------------------------------------------------

    def _candidate_stories(
        self, term_ids: npt.NDArray[np.int64], weights: npt.NDArray[np.float64], day: int
    ) -> list[int]:
        params = self.params
        shared: dict[int, float] = {}
        # Postings searched beyond the window (every day for a dateless article, the dateless stories for
        # a dated one) only for terms rare enough to name an event; a common term would list much of the
        # corpus there. In a young index every term is in a large share of the articles, so a term in a
        # handful of them always counts as rare.
        share = params.dateless_max_df_share * (len(self._articles) + 1)
        max_df = min(params.dateless_max_df, max(_ALWAYS_RARE_DF, share))
        df = self._df.view()
        days = range(day - params.window_days, day + params.window_days + 1)
        for term_id, weight in zip(
            term_ids[: params.query_terms].tolist(), weights[: params.query_terms].tolist(), strict=True
        ):
            by_day = self._postings.get(term_id)
            if by_day is None:
                continue
            rare = df[term_id] <= max_df
            if day == _NO_DAY:
                lists = list(by_day.values()) if rare else []
            else:
                lists = [by_day[d] for d in days if d in by_day]
                if rare and _NO_DAY in by_day:
                    lists.append(by_day[_NO_DAY])
            for stories in lists:
                for story in stories:
                    shared[story] = shared.get(story, 0.0) + weight
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        return [story for story, _ in ranked[: params.candidates]]

    def _best_story(
        self, lead: _Vector, title: _Vector, body: _Vector, day: int, outlet: int
    ) -> tuple[int, float, float]:
        """The story to join and the mean same-story probability with its members, or (-1, 0.0) when no
        story is likely enough; and the article's highest lead cosine with the members compared."""
        params = self.params
        candidates = self._candidate_stories(lead.ids, lead.weights, day)
        if not candidates or not len(lead.ids):
            return -1, 0.0, 0.0
        days = self._days.view()
        stories: list[int] = []
        dated: list[bool] = []
        members: list[int] = []
        for story in candidates:
            member_days = [int(days[m]) for m in self._members[story] if days[m] != _NO_DAY]
            gap = min(abs(day - d) for d in member_days) if day != _NO_DAY and member_days else -1
            if gap > params.window_days:
                continue
            stories.append(story)
            dated.append(gap >= 0)
            members.extend(self._members[story])
        if not stories:
            return -1, 0.0, 0.0
        features = self._pair_features(lead, title, body, day, outlet, members)
        probabilities = self.model.probabilities(features)
        # The members have now been compared with one more article (only their best cosine is kept).
        best_cosine = self._best_cosine.view()
        np.maximum.at(best_cosine, members, features[:, 0])
        best, best_score, cursor = -1, 0.0, 0
        for story, is_dated in zip(stories, dated, strict=True):
            size = len(self._members[story])
            score = float(probabilities[cursor : cursor + size].mean())
            cursor += size
            threshold = params.threshold if is_dated else params.dateless_threshold
            if score >= threshold and score > best_score:
                best, best_score = story, score
        return best, best_score, float(features[:, 0].max())

    def _pair_features(
        self, lead: _Vector, title: _Vector, body: _Vector, day: int, outlet: int, members: list[int]
    ) -> npt.NDArray[np.float64]:
        """One row of :data:`PAIR_FEATURES` per member: the incoming article against that member."""
        cosines = self._cosines(
            lead, members, self._offsets.view(), self._term_ids.view(), self._log_tf.view()
        )
        title_cosines = self._cosines(
            title, members, self._title_offsets.view(), self._title_ids.view(), None
        )
        body_cosines = self._cosines(
            body, members, self._body_offsets.view(), self._body_ids.view(), self._body_log_tf.view()
        )
        # How the member compares with the incoming article's best match among all candidates: two
        # reports of one event are usually each other's nearest neighbours, whatever the cosine's scale.
        best = float(cosines.max())
        relative = cosines / best if best > 0 else np.zeros_like(cosines)
        # And how the incoming article compares with the member's own best match so far: 1 when it is the
        # closest article the member has met. Mutual nearest neighbours are the surest pairs; an article
        # that is only the member's second choice more often belongs to a neighbouring event.
        member_best = np.maximum(self._best_cosine.view()[members], cosines)
        with np.errstate(divide="ignore", invalid="ignore"):
            mutual = np.where(member_best > 0, cosines / member_best, 0.0)
        member_days = self._days.view()[members]
        dateless = (member_days == _NO_DAY) | (day == _NO_DAY)
        gaps = np.where(dateless, 0, np.abs(member_days - day)).astype(np.float64)
        same_outlet = (self._outlet_codes.view()[members] == outlet) & (outlet >= 0)
        return np.column_stack(
            (
                cosines,
                title_cosines,
                body_cosines,
                relative,
                mutual,
                gaps,
                dateless.astype(np.float64),
                same_outlet.astype(np.float64),
            )
        )

    def _cosines(
        self,
        vector: _Vector,
        members: list[int],
        offsets: npt.NDArray[np.int64],
        stored_ids: npt.NDArray[np.int32],
        stored_tf: npt.NDArray[np.float32] | None,
    ) -> npt.NDArray[np.float64]:
        """Cosine of the incoming vector with each member's stored vector (CSR ``offsets``/``stored_ids``,
        term frequencies ``stored_tf`` or all 1), both weighed with today's IDF."""
        term_ids, weights = vector
        if not len(term_ids):
            return np.zeros(len(members))
        starts = offsets[members]
        lengths = offsets[np.asarray(members) + 1] - starts
        # One flat gather of every member's terms: positions start..start+length for each member.
        flat = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        member_terms = stored_ids[flat].astype(np.int64)
        member_weights = self._idf(member_terms)
        if stored_tf is not None:
            member_weights = stored_tf[flat] * member_weights
        # The incoming vector spread over a vocabulary-wide array (zero elsewhere, and zeroed again after
        # use): looking up each member term is then one gather.
        if len(self._scratch) < len(self._terms):
            self._scratch = np.zeros(2 * len(self._terms))
        self._scratch[term_ids] = weights
        products = self._scratch[member_terms] * member_weights
        self._scratch[term_ids] = 0.0
        bounds = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        nonempty = lengths > 0
        dots = np.zeros(len(members))
        norms = np.zeros(len(members))
        if nonempty.any():
            dots[nonempty] = np.add.reduceat(products, bounds[nonempty])
            norms[nonempty] = np.sqrt(np.add.reduceat(member_weights * member_weights, bounds[nonempty]))
        own_norm = float(np.sqrt(weights @ weights))
        with np.errstate(divide="ignore", invalid="ignore"):
            result: npt.NDArray[np.float64] = np.where(norms > 0, dots / (norms * own_norm), 0.0)
        return result

    # --- state ----------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The whole state, compact (compressed numpy arrays); the inverted index is rebuilt on load."""
        header = {
            "format": _FORMAT,
            "version": _FORMAT_VERSION,
            "params": asdict(self.params),
            "model": self.model.to_json(),
            "terms": self._terms,
            "outlets": sorted(self._outlets, key=self._outlets.__getitem__),
        }
        arrays: dict[str, npt.NDArray[Any]] = {
            "header": np.frombuffer(json.dumps(header, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            "df": self._df.view(),
            "articles": np.asarray(self._articles, dtype=np.int64),
            "days": self._days.view(),
            "outlets": self._outlet_codes.view(),
            "story": self._story_of.view(),
            "similarity": self._similarity.view(),
            "founded": self._founded.view(),
            "best_cosine": self._best_cosine.view(),
            "offsets": self._offsets.view(),
            "term_ids": self._term_ids.view(),
            "log_tf": self._log_tf.view(),
            "title_offsets": self._title_offsets.view(),
            "title_ids": self._title_ids.view(),
            "body_offsets": self._body_offsets.view(),
            "body_ids": self._body_ids.view(),
            "body_log_tf": self._body_log_tf.view(),
        }
        buffer = io.BytesIO()
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> StoryIndex:
        """Load a state written by :meth:`to_bytes`; ValueError if it is damaged or of another version."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as stored:
                arrays = {name: stored[name] for name in stored.files}
            header = json.loads(bytes(arrays.pop("header")).decode("utf-8"))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
            raise ValueError(f"not a readable story index: {exc}") from exc
        if not isinstance(header, dict) or header.get("format") != _FORMAT:
            raise ValueError("not a story index (unknown format)")
        if header.get("version") != _FORMAT_VERSION:
            raise ValueError(
                f"story index version {header.get('version')!r} is not supported (expected {_FORMAT_VERSION})"
            )
        try:
            index = cls(_params_from(header["params"]), StoryModel.from_json(header["model"]))
            index._restore(header, arrays)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"inconsistent story index: {exc}") from exc
        return index

    def _restore(self, header: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> None:
        terms = [str(term) for term in header["terms"]]
        outlets = [str(outlet) for outlet in header["outlets"]]
        articles = arrays["articles"]
        count = len(articles)
        offsets, term_ids = arrays["offsets"], arrays["term_ids"]
        per_article = ("days", "outlets", "story", "similarity", "founded", "best_cosine")
        if any(len(arrays[name]) != count for name in per_article) or len(offsets) != count + 1:
            raise ValueError("per-article arrays differ in length")
        if len(arrays["df"]) != len(terms) or len(set(terms)) != len(terms):
            raise ValueError("the vocabulary and its document frequencies do not match")
        if offsets[0] != 0 or np.any(np.diff(offsets) < 0) or offsets[-1] != len(term_ids):
            raise ValueError("term offsets are not increasing")
        if len(arrays["log_tf"]) != len(term_ids):
            raise ValueError("term arrays do not match")
        title_offsets, title_ids = arrays["title_offsets"], arrays["title_ids"]
        body_offsets, body_ids = arrays["body_offsets"], arrays["body_ids"]
        for what, starts, ids in (("title", title_offsets, title_ids), ("body", body_offsets, body_ids)):
            if (
                len(starts) != count + 1
                or starts[0] != 0
                or starts[-1] != len(ids)
                or np.any(np.diff(starts) < 0)
            ):
                raise ValueError(f"{what} term offsets do not match the {what} terms")
        if len(arrays["body_log_tf"]) != len(body_ids):
            raise ValueError("body term arrays do not match")
        for ids in (term_ids, title_ids, body_ids):
            if len(ids) and (ids.min() < 0 or ids.max() >= len(terms)):
                raise ValueError("a term id is out of the vocabulary")
        if len(set(articles.tolist())) != count:
            raise ValueError("an article appears twice")
        story_codes = arrays["outlets"]
        if count and (story_codes.min() < -1 or story_codes.max() >= len(outlets)):
            raise ValueError("an outlet code is out of range")

        self._terms = terms
        self._vocab = {term: i for i, term in enumerate(terms)}
        self._outlets = {outlet: i for i, outlet in enumerate(outlets)}
        self._df = _Column(np.int32, arrays["df"])
        self._term_ids = _Column(np.int32, term_ids)
        self._log_tf = _Column(np.float32, arrays["log_tf"])
        self._offsets = _Column(np.int64, offsets)
        self._title_offsets = _Column(np.int64, title_offsets)
        self._title_ids = _Column(np.int32, title_ids)
        self._body_offsets = _Column(np.int64, body_offsets)
        self._body_ids = _Column(np.int32, body_ids)
        self._body_log_tf = _Column(np.float32, arrays["body_log_tf"])
        self._days = _Column(np.int32, arrays["days"])
        self._outlet_codes = _Column(np.int32, story_codes)
        self._story_of = _Column(np.int32, arrays["story"])
        self._similarity = _Column(np.float64, arrays["similarity"])
        self._founded = _Column(np.bool_, arrays["founded"])
        self._best_cosine = _Column(np.float64, arrays["best_cosine"])
        # Replaying the arrivals in order rebuilds the members, anchor days and postings exactly as
        # they were, so a loaded index places new articles as the original would have.
        for position, (article, story, founded, day) in enumerate(
            zip(
                articles.tolist(),
                arrays["story"].tolist(),
                arrays["founded"].tolist(),
                arrays["days"].tolist(),
                strict=True,
            )
        ):
            if founded != (story == len(self._members)) or not 0 <= story <= len(self._members):
                raise ValueError(f"article {article} is in story {story} before that story was founded")
            if founded:
                self._members.append([])
                self._anchor_day.append(day)
            elif self._anchor_day[story] == _NO_DAY:
                self._anchor_day[story] = day
            self._articles.append(article)
            self._position[article] = position
            self._members[story].append(position)
            self._post(position)


def _params_from(stored: Any) -> StoryParams:
    if not isinstance(stored, dict):
        raise ValueError("the stored parameters are not a mapping")
    known = {f.name for f in fields(StoryParams)}
    unknown = set(stored) - known
    if unknown:
        raise ValueError(f"unknown parameters {sorted(unknown)}")
    params = StoryParams(**stored)
    if not all(isinstance(getattr(params, name), int | float) for name in known):
        raise ValueError("a stored parameter is not a number")
    return params
