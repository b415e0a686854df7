#!/usr/bin/env python3
"""Train the story pair model (``src/quotetrail/data/story_model.json``) on bench/stories train.

Usage (from the repository root, with ../shared beside it)::

    .venv/bin/python training/train_story_model.py            # writes the model, prints train figures
    .venv/bin/python training/train_story_model.py --dry-run  # only prints the figures

Data: the ``train`` split of ``../shared/bench/stories/allsides_stories.jsonl.gz`` (AllSides story
triples: 2–3 reports of one event from outlets of different leanings), analysed by the real per-article
pipeline (cleaning and metadata, as ``benchmarks/stories.py`` does). Val and test are never read.

Examples are the pairs the index itself would score: the train articles are fed in chronological order
to a :class:`~quotetrail.stories.StoryIndex` that never joins (every article founds its own story, so
the blocked candidates of each article are single earlier articles), and every (article, candidate)
pair it computes features for becomes one example, positive when both are in one gold story. The
weights are a logistic regression (Newton's method, L2 penalty ``--l2``); the join thresholds of
:class:`~quotetrail.stories.StoryParams` are then chosen by B-cubed F1 of whole clusterings of the train
split (``--thresholds``, ``--dateless-thresholds``), reported here and in the model's ``meta``, and set by
hand in ``StoryParams``.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from quotetrail.stories import PAIR_FEATURES, StoryDoc, StoryIndex, StoryModel, StoryParams  # noqa: E402

SHARED = REPO.parent / "shared"


def _load_benchmark() -> Any:
    """``benchmarks/stories.py``: it reads the gold and analyses the articles as the benchmark does."""
    spec = importlib.util.spec_from_file_location("stories_benchmark", REPO / "benchmarks" / "stories.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()
OUT = REPO / "src" / "quotetrail" / "data" / "story_model.json"


class _PairRecorder(StoryIndex):
    """A never-joining index that keeps the feature rows of every pair it scores."""

    def __init__(self, params: StoryParams) -> None:
        super().__init__(params, StoryModel(weights=(0.0,) * len(PAIR_FEATURES), bias=0.0))
        self.rows: list[npt.NDArray[np.float64]] = []
        self.pairs: list[tuple[int, int]] = []
        self._incoming = -1

    def _add_one(self, day: int, doc: StoryDoc) -> Any:
        self._incoming = doc.article
        return super()._add_one(day, doc)

    def _pair_features(self, *args: Any) -> npt.NDArray[np.float64]:
        features = super()._pair_features(*args)
        members = args[-1]
        self.rows.append(features)
        self.pairs.extend((self._incoming, self._articles[m]) for m in members)
        return features


def fit_logistic(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], l2: float) -> tuple[Any, float]:
    """Weights and bias maximising the L2-penalised log-likelihood (the bias is not penalised)."""
    design = np.column_stack((x, np.ones(len(x))))
    theta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-design @ theta))
        gradient = design.T @ (p - y) + penalty * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    return theta[:-1], float(theta[-1])


def bcubed_f1(gold: dict[int, str], predicted: dict[int, str]) -> float:
    """B-cubed F1 of a clustering of the gold articles (the measure of eval/score_clusters.py)."""
    joint = Counter((gold[a], predicted[a]) for a in gold)
    gold_sizes = Counter(gold.values())
    predicted_sizes = Counter(predicted[a] for a in gold)
    precision = sum(n * n / predicted_sizes[p] for (_, p), n in joint.items()) / len(gold)
    recall = sum(n * n / gold_sizes[g] for (g, _), n in joint.items()) / len(gold)
    return 2 * precision * recall / (precision + recall)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--analysed", type=Path, help="saved analysis of the stories file (see benchmarks)")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--param", action="append", default=[], help="override a StoryParams field: name=value")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.35, 0.4, 0.45, 0.5])
    ap.add_argument("--dateless-thresholds", type=float, nargs="+", default=[0.2, 0.3])
    args = ap.parse_args()

    gold_rows = bench.read_gold(args.shared)
    train_ids = {row["id"] for row in gold_rows if row["split"] == "train"}
    cluster_of = {row["id"]: row["cluster"] for row in gold_rows}
    records = [
        r
        for r in bench.analysed_records(bench.stories_gold(args.shared), args.analysed)
        if r["id"] in train_ids
    ]
    docs, ids = bench.story_docs(records)
    gold = {row: cluster_of[input_id] for row, input_id in enumerate(ids)}

    # Never joining: a probability above 1 is never reached.
    params = bench.parse_params(args.param)
    recorder = _PairRecorder(dataclasses.replace(params, threshold=2.0, dateless_threshold=2.0))
    recorder.add(docs)
    x = np.vstack(recorder.rows)
    y = np.asarray([gold[a] == gold[b] for a, b in recorder.pairs], dtype=np.float64)
    found = {frozenset(pair) for pair, label in zip(recorder.pairs, y, strict=True) if label}
    gold_sizes = Counter(gold.values())
    gold_pairs = sum(n * (n - 1) // 2 for n in gold_sizes.values())
    print(f"{len(docs)} train articles, {len(y)} candidate pairs, {int(y.sum())} positive")
    print(f"blocking recall: {len(found)} of {gold_pairs} gold pairs are candidates")

    weights, bias = fit_logistic(x, y, args.l2)
    model = StoryModel(weights=tuple(round(float(w), 4) for w in weights), bias=round(bias, 4))
    for name, weight in zip(PAIR_FEATURES, model.weights, strict=True):
        print(f"  {name:16s} {weight:+.4f}")
    print(f"  {'bias':16s} {model.bias:+.4f}")

    print("threshold  dateless  B3-F1 (train, whole clustering)")
    scores = {}
    for threshold in args.thresholds:
        for dateless in args.dateless_thresholds:
            chosen = dataclasses.replace(params, threshold=threshold, dateless_threshold=dateless)
            predicted = {a.article: a.story for a in StoryIndex(chosen, model).add(docs)}
            scores[threshold, dateless] = bcubed_f1(gold, predicted)
            print(f"  {threshold:.2f}      {dateless:.2f}      {scores[threshold, dateless]:.4f}")
    best = max(scores, key=scores.__getitem__)
    print(f"best: threshold {best[0]}, dateless_threshold {best[1]}: {scores[best]:.4f}")

    if not args.dry_run:
        meta = {
            "trained_by": " ".join(
                ["training/train_story_model.py", f"--l2 {args.l2}"]
                + [f"--param {pair}" for pair in args.param]
            ),
            "data": f"bench/stories allsides_stories.jsonl.gz, train split ({len(docs)} articles, "
            f"{len(y)} candidate pairs, {int(y.sum())} positive)",
            "thresholds": f"chosen on train (set in StoryParams): threshold {best[0]}, dateless_threshold "
            f"{best[1]}, train B-cubed F1 {scores[best]:.4f} clustering the train split alone",
        }
        OUT.write_text(json.dumps({"meta": meta, **model.to_json()}, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
