#!/usr/bin/env python3
"""Train the reporting-cue detector (``src/quotetrail/data/cue_model.json``) from PolNeAR train.

Usage (from the repository root, with ../shared beside it)::

    .venv/bin/python training/train_cue_model.py            # writes the model, prints dev figures
    .venv/bin/python training/train_cue_model.py --dry-run  # only prints the figures

Data: ``../shared/bench/quotes/polnear.train.jsonl.gz`` (PolNeAR, 2016 US political news, every
attribution annotated with source, cue and content spans). Only train is learned from; dev is used to
report cue-detection precision and recall and to choose the decision threshold, never for weights.

A training example is one gated token of the masked text (see :mod:`quotetrail.cuemodel`); it is
positive when it is the head of an annotated cue: the first word of the cue span that is not an
auxiliary or adverb ("has *said*", "also *noted*").
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from quotetrail.attribution import paragraph_spans  # noqa: E402
from quotetrail.cuemodel import CUE_AUXILIARIES, TOKEN, CueModel, cue_features, sentence_tokens  # noqa: E402
from quotetrail.segment import find_quotes, mask_quotes, split_sentences  # noqa: E402

SHARED = REPO.parent / "shared" / "bench" / "quotes"
OUT = REPO / "src" / "quotetrail" / "data" / "cue_model.json"

Sentence = tuple[list[str], list[str], list[bool]]  # lower-cased tokens, shapes, is-cue-head


def cue_heads(article: dict) -> set[int]:
    """Start offsets of the head word of every annotated cue."""
    heads = set()
    text = article["text"]
    for q in article["quotes"]:
        cue = q.get("cue")
        if not cue:
            continue
        for m in TOKEN.finditer(text, cue["start"], cue["end"]):
            if m.group().lower() not in CUE_AUXILIARIES:
                heads.add(m.start())
                break
    return heads


def sentences(path: Path) -> Iterator[Sentence]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            article = json.loads(line)
            text = article["text"]
            heads = cue_heads(article)
            paras = paragraph_spans(text, [])
            quotes = [q for s, e in paras for q in find_quotes(text, s, e)]
            masked = mask_quotes(text, quotes)
            for ps, pe in paras:
                for ss, se in split_sentences(masked, ps, pe):
                    spans, low, shapes = sentence_tokens(masked, ss, se)
                    yield low, shapes, [s in heads for s, _ in spans]


def learn_gate(train: list[Sentence], min_count: int, min_ratio: float) -> frozenset[str]:
    seen: Counter[str] = Counter()
    cue: Counter[str] = Counter()
    for low, _, labels in train:
        seen.update(low)
        cue.update(w for w, y in zip(low, labels, strict=True) if y)
    return frozenset(w for w, c in cue.items() if c >= min_count and c / seen[w] >= min_ratio)


def examples(data: list[Sentence], gate: frozenset[str]) -> list[tuple[list[str], bool]]:
    out = []
    for low, shapes, labels in data:
        for i, w in enumerate(low):
            if w in gate:
                out.append((cue_features(low, shapes, i), labels[i]))
    return out


def train_logistic(
    exs: list[tuple[list[str], bool]], epochs: int, l2: float, rate: float, seed: int
) -> tuple[dict[str, float], float]:
    """Plain stochastic-gradient logistic regression with L2 (lazy: applied to touched weights)."""
    weights: dict[str, float] = {}
    bias = 0.0
    rng = random.Random(seed)
    order = list(range(len(exs)))
    for epoch in range(epochs):
        rng.shuffle(order)
        lr = rate / (1 + epoch)
        for k in order:
            feats, y = exs[k]
            z = bias + sum(weights.get(f, 0.0) for f in feats)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = p - (1.0 if y else 0.0)
            bias -= lr * g
            for f in feats:
                w = weights.get(f, 0.0)
                weights[f] = w - lr * (g + l2 * w)
    return weights, bias


def evaluate(model: CueModel, dev: list[Sentence], threshold: float) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for low, shapes, labels in dev:
        for i, y in enumerate(labels):
            hit = model.probability(low, shapes, i) >= threshold
            tp += hit and y
            fp += hit and not y
            fn += y and not hit
    p = tp / max(tp + fp, 1)
    r = tp / max(tp + fn, 1)
    return p, r, 2 * p * r / max(p + r, 1e-9)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--min-ratio", type=float, default=0.02)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--rate", type=float, default=0.2)
    ap.add_argument("--min-feature-count", type=int, default=3)
    ap.add_argument("--prune", type=float, default=0.05, help="drop weights smaller than this")
    a = ap.parse_args()
    train = list(sentences(a.shared / "polnear.train.jsonl.gz"))
    dev = list(sentences(a.shared / "polnear.dev.jsonl.gz"))
    gate = learn_gate(train, a.min_count, a.min_ratio)
    exs = examples(train, gate)
    # Features seen fewer than --min-feature-count times only memorise single sentences.
    counts = Counter(f for feats, _ in exs for f in feats)
    exs = [([f for f in feats if counts[f] >= a.min_feature_count], y) for feats, y in exs]
    weights, bias = train_logistic(exs, a.epochs, a.l2, a.rate, seed=0)
    weights = {f: round(w, 3) for f, w in weights.items() if abs(w) >= a.prune}
    model = CueModel(gate, weights, round(bias, 3), 0.5, {})
    total_dev = sum(sum(labels) for _, _, labels in dev)
    best = (0.0, 0.5)
    for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        p, r, f = evaluate(model, dev, t)
        print(f"threshold {t:.2f}: cue precision {p:.3f} recall {r:.3f} f1 {f:.3f} (dev, {total_dev} cues)")
        best = max(best, (f, t))
    model.threshold = best[1]
    model.meta = {
        "trained_by": "training/train_cue_model.py "
        + " ".join(
            f"--{k.replace('_', '-')} {v}"
            for k, v in vars(a).items()
            if k not in ("shared", "out", "dry_run")
        ),
        "data": "PolNeAR train (polnear.train.jsonl.gz, 840 articles); threshold chosen on dev by cue F1",
        "dev_cue_f1": round(best[0], 3),
        "gate_words": len(gate),
        "weights": len(weights),
    }
    print(f"gate {len(gate)} words, {len(weights)} weights, threshold {model.threshold}")
    if not a.dry_run:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"wrote {a.out} ({a.out.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
