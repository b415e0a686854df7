"""A learned detector of reporting cues: which words of a sentence introduce an attribution.

Reporting is said with a long tail of words ("said", "insisted", "shows", "wants", "blasted",
"according to"); most of them also occur in plain narration ("the plan shows signs of strain" is not an
attribution, "the poll shows Clinton ahead" is). The detector therefore works in two steps:

* a *gate*: only words that began an annotated cue in PolNeAR train often enough are looked at (about
  one word in eight of news text), which keeps the cost per article low;
* a logistic model over the word's context (neighbouring words, a following "that" or quotation, the
  shape of the word before it) gives the probability that this occurrence is a cue.

Both are learned by ``training/train_cue_model.py`` from ``polnear.train`` and stored in
``data/cue_model.json`` (weights rounded and pruned; the file records the command and data it came from).
Tokens are taken from the *masked* text (:func:`segment.mask_quotes`): a quotation interior is one token,
``Q``, so a cue word inside a quotation is never seen and "followed by a quotation" is a plain feature.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .lexicon import SPEECH_CUE_STEMS
from .segment import MASK

# A masked quotation interior, a word (with inner apostrophes, hyphens and dots: "don't", "U.S."),
# or one punctuation mark.
TOKEN = re.compile(rf"{MASK}+|\w+(?:[’'\-.]\w+)*|[^\w\s]")

# Words that open a cue span without being its head ("has said", "also noted", "would not say").
CUE_AUXILIARIES = frozenset(
    "has have had is are was were be been being will would could can may might must should shall do does "
    "did also not never later then previously repeatedly again already still just even reportedly "
    "publicly privately recently".split()
)
_PRONOUNS = frozenset("he she they it we i you who which".split())


def shape(token: str) -> str:
    """A one-letter class: Q quotation, C capitalised, l lower-case, D digit, P punctuation."""
    c = token[0]
    if c == MASK:
        return "Q"
    if c.isupper():
        return "C"
    if c.isalpha():
        return "l"
    if c.isdigit():
        return "D"
    return "P"


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude lemma that folds the inflections of a reporting verb ("says", "saying" → "say")."""
    for suffix in ("ing", "ied", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ied", "ies") else base
    return word


def cue_features(low: list[str], shapes: list[str], i: int) -> list[str]:
    """Context features of token ``i`` of one sentence (lower-cased tokens and their shapes)."""
    n = len(low)
    w = low[i]
    p1 = low[i - 1] if i > 0 else "<s>"
    p2 = low[i - 2] if i > 1 else "<s>"
    n1 = low[i + 1] if i + 1 < n else "</s>"
    n2 = low[i + 2] if i + 2 < n else "</s>"
    sp1 = shapes[i - 1] if i > 0 else "S"
    sn1 = shapes[i + 1] if i + 1 < n else "E"
    ahead = low[i + 1 : i + 5]
    behind = shapes[max(0, i - 3) : i]
    feats = [
        "w=" + w,
        "st=" + stem(w),
        "p1=" + p1,
        "p2=" + p2,
        "n1=" + n1,
        "n2=" + n2,
        "p1w=" + p1 + "|" + w,
        "wn1=" + w + "|" + n1,
        "sp1=" + sp1,
        "sn1=" + sn1,
        "sp1n1=" + sp1 + sn1,
        "stsn1=" + stem(w) + "|" + sn1,
        "stsp1=" + stem(w) + "|" + sp1,
    ]
    if "that" in ahead:
        feats.append("that_ahead|" + stem(w))
    if any(t[0] == MASK for t in ahead):
        feats.append("quote_ahead")
    if "Q" in behind:
        feats.append("quote_behind")
    if p1 in _PRONOUNS:
        feats.append("pron_before|" + stem(w))
    if i == 0:
        feats.append("first|" + stem(w))
    if i >= n - 2:
        feats.append("last|" + stem(w))
    return feats


@dataclass
class CueModel:
    """The gate and the weights of the cue detector."""

    gate: frozenset[str]
    weights: dict[str, float]
    bias: float
    threshold: float
    meta: dict[str, object]

    @functools.cached_property
    def speech_gate(self) -> frozenset[str]:
        """The gate words that report speech (:data:`lexicon.SPEECH_CUE_STEMS`)."""
        return frozenset(w for w in self.gate if stem(w) in SPEECH_CUE_STEMS)

    def probability(self, low: list[str], shapes: list[str], i: int) -> float:
        """How likely token ``i`` is the head of a reporting cue (0 for words outside the gate)."""
        if low[i] not in self.gate:
            return 0.0
        weights = self.weights
        z = self.bias + sum(weights.get(f, 0.0) for f in cue_features(low, shapes, i))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        return json.dumps(
            {
                "meta": self.meta,
                "threshold": self.threshold,
                "bias": self.bias,
                "gate": sorted(self.gate),
                "weights": dict(sorted(self.weights.items())),
            },
            ensure_ascii=False,
            indent=0,
        )

    @classmethod
    def from_json(cls, text: str) -> CueModel:
        data = json.loads(text)
        return cls(
            gate=frozenset(data["gate"]),
            weights={k: float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            meta=dict(data.get("meta", {})),
        )


MODEL_RESOURCE = "cue_model.json"


@cache
def load_cue_model() -> CueModel:
    """The committed model (read once per process, from the package's data directory)."""
    text = resources.files("quotetrail").joinpath("data", MODEL_RESOURCE).read_text(encoding="utf-8")
    return CueModel.from_json(text)


def sentence_tokens(masked: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[str], list[str]]:
    """Token offsets, lower-cased forms and shapes of ``masked[start:end]``."""
    spans: list[tuple[int, int]] = []
    low: list[str] = []
    shapes: list[str] = []
    for m in TOKEN.finditer(masked, start, end):
        tok = m.group()
        spans.append(m.span())
        low.append(tok.lower() if tok[0] != MASK else MASK)
        shapes.append(shape(tok))
    return spans, low, shapes
