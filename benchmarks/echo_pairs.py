#!/usr/bin/env python3
"""Echo detection on hand-labelled statement pairs: precision, recall and F1 per method.

The labels (``benchmarks/data/echo_pairs.jsonl``) are 339 pairs of statements from
``bench/stories/allsides_stories.jsonl.gz`` in two batches, labelled by reading them: an echo is the same
claim (the same words, or the same proposition reworded, whoever says it); the same topic is not
enough. Batch 1 (219 pairs) was drawn from the same story or the same speaker in different articles
over a spread of similarities; batch 2 (120 pairs, ``"batch": 2``) from the same blocks, both sides of
five words or more, 30 pairs in each tenth of the module's mixed score from 0.3 to 0.7 — the band where
the paraphrase threshold decides — and labelled without looking at the scores. A label
names its statements by article id and character offsets into the analysed body, with a hash of the
statement text to notice when the analysis has changed (such pairs are skipped and counted); no article
text is stored.

Methods scored (each at the threshold the module uses, and at its best threshold on these pairs):

* ``minhash``: shingle containment, the verified verbatim rule of :mod:`quotetrail.echoes`;
* ``wordllama``: cosine of WordLlama mean-pooled vectors;
* ``bm25``: BM25 of each side as a query against the other, normalised by its self-score, averaged;
* ``tfidf``: the module's lexical cosine;
* ``mix``: the module's paraphrase score (embedding and tf-idf cosines mixed);
* ``pair rule``: the module's link decision for a pair (verbatim or paraphrase, length and negation
  guards), before blocking and clustering;
* ``clusters``: end to end — :func:`quotetrail.echoes.find_echoes` over every statement of the corpus
  (speaker key: the speaker name; story: the corpus ``cluster``), a pair counted as echo when both
  statements land in one cluster.

Each statement gets its article's entity names (``EchoInput.names``) as the link pass gives them: the
articles' entities and aliases, canonicalised across the corpus by :func:`quotetrail.canon.canonicalise`
(``--no-names`` leaves them out). Figures are given for all pairs and per batch.

Usage::

    .venv/bin/python benchmarks/echo_pairs.py                         # analyses the stories corpus (~1 min)
    .venv/bin/python benchmarks/echo_pairs.py --analysed stories.jsonl # reuse `quotetrail extract` output
    .venv/bin/python benchmarks/echo_pairs.py --json
    .venv/bin/python benchmarks/echo_pairs.py --no-synonyms --paraphrase-link 0.48  # before the lexicon
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from quotetrail.canon import NameUse, canonicalise
from quotetrail.echoes import DEFAULT_SETTINGS, EchoInput, PairScore, find_echoes, score_pairs

REPO = Path(__file__).resolve().parents[1]
STORIES = REPO.parent / "shared" / "bench" / "stories" / "allsides_stories.jsonl.gz"
LABELS = REPO / "benchmarks" / "data" / "echo_pairs.jsonl"
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class Statement:
    article: str
    start: int
    end: int
    text: str
    speaker: str | None


def analysed_records(stories: Path, analysed: Path | None) -> Iterator[dict[str, Any]]:
    """The output contract records of the stories corpus: read from ``analysed`` or analysed now."""
    if analysed is not None:
        with analysed.open(encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)
        return
    from quotetrail.api import iter_analysed
    from quotetrail.model import Article, article_to_record

    for item in iter_analysed([stories]):
        if isinstance(item, Article):
            yield article_to_record(item)


def story_meta(stories: Path) -> dict[str, tuple[str, str | None]]:
    """Article id -> (story cluster, date) from the corpus file."""
    with gzip.open(stories, "rt", encoding="utf-8") as f:
        return {r["id"]: (r["cluster"], r.get("date")) for r in map(json.loads, f)}


def entity_names(records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Per article: surface form (entity name or alias) -> canonical entity key across the records."""
    uses = [
        NameUse(name=e["name"], type=e["type"], article=a, surface=tuple(e["aliases"]))
        for a, record in enumerate(records)
        for e in record["entities"]
    ]
    canon = canonicalise(uses)
    out: list[dict[str, str]] = []
    for a, record in enumerate(records):
        names: dict[str, str] = {}
        for e in record["entities"]:
            entity = canon.entity_for(e["name"], a, e["type"])
            if entity is not None:
                names.update((surface, entity.key) for surface in (e["name"], *e["aliases"]))
        out.append(names)
    return out


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def bm25_scores(pairs: list[tuple[str, str]], corpus: list[str]) -> list[float]:
    """Symmetric normalised BM25 (k1 1.2, b 0.75; idf over ``corpus``)."""
    docs = [[w.lower() for w in _WORD_RE.findall(t)] for t in corpus]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    n = len(docs)
    average = sum(map(len, docs)) / max(n, 1)
    idf = {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}

    def bm25(query: list[str], doc: list[str]) -> float:
        tf = Counter(doc)
        norm = 1.2 * (1 - 0.75 + 0.75 * len(doc) / average)
        return sum(idf.get(w, 0.0) * tf[w] * 2.2 / (tf[w] + norm) for w in set(query) if w in tf)

    out = []
    for a, b in pairs:
        ta, tb = [w.lower() for w in _WORD_RE.findall(a)], [w.lower() for w in _WORD_RE.findall(b)]
        if not ta or not tb:
            out.append(0.0)
            continue
        out.append(0.5 * (bm25(ta, tb) / max(bm25(ta, ta), 1e-9) + bm25(tb, ta) / max(bm25(tb, tb), 1e-9)))
    return out


def prf(predicted: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    tp = int(np.sum(predicted & gold))
    fp = int(np.sum(predicted & ~gold))
    fn = int(np.sum(~predicted & gold))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def best_threshold(
    values: np.ndarray, gold: np.ndarray, eligible: np.ndarray
) -> tuple[float, dict[str, float]]:
    best: tuple[float, dict[str, float]] = (0.0, prf(np.zeros_like(gold), gold))
    for t in np.unique(values):
        scores = prf((values >= t) & eligible, gold)
        if scores["f1"] > best[1]["f1"]:
            best = (float(t), scores)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=Path, default=STORIES)
    parser.add_argument("--analysed", type=Path, help="`quotetrail extract` output for the stories corpus")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--no-names", action="store_true", help="compare statements without entity names")
    parser.add_argument(
        "--no-synonyms", action="store_true", help="compare words without the synonym lexicon"
    )
    parser.add_argument("--paraphrase-link", type=float, help="paraphrase threshold (default: the module's)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not args.stories.is_file():
        print(f"stories corpus not found: {args.stories}", file=sys.stderr)
        return 2

    meta = story_meta(args.stories)
    t0 = time.perf_counter()
    statements: list[Statement] = []
    inputs: list[EchoInput] = []
    article_ids: dict[str, int] = {}
    records = list(analysed_records(args.stories, args.analysed))
    names = [{} for _ in records] if args.no_names else entity_names(records)
    for record, article_names in zip(records, names, strict=True):
        story, corpus_date = meta.get(record["id"], (None, None))
        a = article_ids.setdefault(record["id"], len(article_ids))
        for s in record["statements"]:
            inputs.append(
                EchoInput(
                    statement=len(statements),
                    article=a,
                    text=s["text"],
                    speaker=s["speaker"],
                    published=record["published"] or corpus_date,
                    story=story,
                    names=article_names,
                )
            )
            statements.append(Statement(record["id"], s["start"], s["end"], s["text"], s["speaker"]))
    analysis_seconds = time.perf_counter() - t0
    where = {(s.article, s.start, s.end): k for k, s in enumerate(statements)}

    pairs: list[tuple[int, int]] = []
    gold_labels: list[bool] = []
    batches: list[int] = []
    stale = 0
    with args.labels.open(encoding="utf-8") as f:
        for label in map(json.loads, f):
            refs = (label["a"], label["b"])
            found = [where.get((r["article"], r["start"], r["end"])) for r in refs]
            ends = [k for k in found if k is not None]
            if len(ends) < 2 or any(
                text_hash(statements[k].text) != r["sha1"] for k, r in zip(ends, refs, strict=True)
            ):
                stale += 1
                continue
            pairs.append((ends[0], ends[1]))
            gold_labels.append(bool(label["echo"]))
            batches.append(int(label.get("batch", 1)))
    gold = np.asarray(gold_labels)
    batch = np.asarray(batches)

    settings = DEFAULT_SETTINGS
    if args.no_synonyms:
        settings = replace(settings, synonym_classes=False)
    if args.paraphrase_link is not None:
        settings = replace(settings, paraphrase_link=args.paraphrase_link)
    t1 = time.perf_counter()
    scored: list[PairScore] = score_pairs(inputs, pairs, settings=settings)
    bm25 = np.asarray(
        bm25_scores(
            [(statements[a].text, statements[b].text) for a, b in pairs], [s.text for s in statements]
        )
    )
    t2 = time.perf_counter()
    clusters = find_echoes(inputs, settings=settings)
    cluster_seconds = time.perf_counter() - t2
    cluster_of = {m: c for c, cluster in enumerate(clusters) for m in cluster.members}

    long_enough = np.asarray([s.long_enough for s in scored])
    every = np.ones_like(gold)
    columns: dict[str, np.ndarray] = {
        "minhash": np.asarray([s.containment for s in scored]),
        "wordllama": np.asarray([s.cosine for s in scored]),
        "bm25": bm25,
        "tfidf": np.asarray([s.lexical for s in scored]),
        "mix": np.asarray([s.score for s in scored]),
    }
    chosen: dict[str, float | None] = {
        "minhash": settings.verbatim_containment,
        "wordllama": None,
        "bm25": None,
        "tfidf": None,
        "mix": settings.paraphrase_link,
    }
    results: dict[str, Any] = {}
    for name, values in columns.items():
        threshold, best = best_threshold(values, gold, long_enough)
        row: dict[str, Any] = {"best_threshold": round(threshold, 3), "at_best": best}
        at = chosen[name]
        if at is not None:
            row["threshold"] = at
            row["at_threshold"] = prf((values >= at) & long_enough, gold)
        results[name] = row
    decide: dict[str, Callable[[int], bool]] = {
        "pair rule": lambda k: scored[k].verbatim or scored[k].paraphrase,
        "clusters": lambda k: cluster_of.get(pairs[k][0], -1) == cluster_of.get(pairs[k][1], -2),
    }
    for name, rule in decide.items():
        predicted = np.asarray([rule(k) for k in range(len(pairs))]) & every
        results[name] = {"at_threshold": prf(predicted, gold)}
        for b in np.unique(batch).tolist():
            results[f"{name} b{b}"] = {"at_threshold": prf(predicted[batch == b], gold[batch == b])}

    summary = {
        "pairs": len(pairs),
        "echo_pairs": int(gold.sum()),
        "stale_labels": stale,
        "statements": len(statements),
        "articles": len(article_ids),
        "analysis_seconds": round(analysis_seconds, 1),
        "scoring_seconds": round(t2 - t1, 1),
        "find_echoes_seconds": round(cluster_seconds, 1),
        "clusters": len(clusters),
        "methods": results,
    }
    if args.json:
        print(json.dumps(summary, indent=1))
        return 0
    print(
        f"{summary['pairs']} labelled pairs ({summary['echo_pairs']} echoes, {stale} stale) over "
        f"{summary['statements']} statements of {summary['articles']} articles; find_echoes "
        f"{summary['find_echoes_seconds']} s, {summary['clusters']} clusters"
    )
    print(f"{'method':12s} {'threshold':>9s} {'P':>6s} {'R':>6s} {'F1':>6s}   {'best t':>7s} {'best F1':>7s}")
    for name, row in results.items():
        at = row.get("at_threshold")
        t = row.get("threshold", "-")
        cells = (
            f"{at['precision']:6.3f} {at['recall']:6.3f} {at['f1']:6.3f}"
            if at
            else f"{'-':>6s} {'-':>6s} {'-':>6s}"
        )
        best_cells = f"{row['best_threshold']:7.3f} {row['at_best']['f1']:7.3f}" if "at_best" in row else ""
        print(f"{name:12s} {t!s:>9s} {cells}   {best_cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
