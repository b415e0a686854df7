"""Story clustering benchmark: quality on bench/stories, incrementality, and speed at corpus scale.

Quality. The articles of ``../shared/bench/stories/allsides_stories.jsonl.gz`` (3,419 articles in 1,445
cross-outlet stories) go through the real per-article pipeline (:func:`quotetrail.api.iter_analysed`,
so the bodies are what ``quotetrail stories`` sees), then all of them through one
:class:`quotetrail.stories.StoryIndex`. The predictions are scored with the shared scorer
(``../shared/eval/score_clusters.py``) once per split, each time against the gold restricted to that
split's articles. The constants of :class:`~quotetrail.stories.StoryParams` were tuned on ``train``
only; ``val`` and ``test`` are the honest figures.

Incrementality. The same articles are fed again in 4 chronological batches, the index going through
``to_bytes``/``from_bytes`` between batches; the score must stay within 0.01 of the single batch.

Speed (``--scale PATH``): times the index alone over an analysed corpus (the output of
``quotetrail extract``, e.g. of ``bench/news/allsides.jsonl.gz``) at 5k, 10k and all articles, and
reports the size of the saved state and the peak memory.

usage: python benchmarks/stories.py [--analysed EXTRACT.jsonl | --full] [--pred OUT.jsonl]
                                    [--param name=value ...] [--scale EXTRACT.jsonl] [--shared ../shared]
                                    [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
SPLITS = ("train", "val", "test", "val+test", "all")
BATCHES = 4
INCREMENTAL_TOLERANCE = 0.01


def stories_gold(shared: Path) -> Path:
    return shared / "bench" / "stories" / "allsides_stories.jsonl.gz"


def read_gold(shared: Path) -> list[dict[str, str]]:
    with gzip.open(stories_gold(shared), "rt", encoding="utf-8") as f:
        return [
            {"id": str(r["id"]), "cluster": str(r["cluster"]), "split": str(r["split"])}
            for r in map(json.loads, f)
            if r.get("cluster") not in (None, "", "None")
        ]


def story_analysis() -> Any:
    """The part of the per-article analysis the story index reads: the corpus profile, cleaning and
    metadata (title, date, outlet). The later stages (statements, quantities, sources, entities) do not
    touch those fields, so the index sees what it sees after the full analysis (checked on
    bench/stories: all 3,419 title/body/date/outlet tuples identical) ten times sooner."""
    from quotetrail.api import Analysis
    from quotetrail.clean import Cleaner, CorpusProfile, CorpusProfiler
    from quotetrail.metadata import metadata_stage

    def make_stages(profile: object) -> list[Any]:
        return [Cleaner(profile if isinstance(profile, CorpusProfile) else None), metadata_stage]

    return Analysis(make_stages=make_stages, make_profiler=CorpusProfiler)


def analysed_records(source: Path, analysed: Path | None, *, full: bool = False) -> Iterator[dict[str, Any]]:
    """``{"id", "title", "body", "published", "outlet"}`` per article: from a saved
    ``quotetrail extract`` output when given (quicker when tuning), else through the pipeline
    (:func:`story_analysis`, or the full default analysis when ``full``)."""
    if analysed is not None:
        with analysed.open(encoding="utf-8") as f:
            for record in map(json.loads, f):
                yield {
                    "id": str(record["id"]),
                    "title": record.get("title"),
                    "body": record.get("body") or "",
                    "published": record.get("published"),
                    "outlet": record.get("outlet"),
                }
        return
    from quotetrail.api import iter_analysed
    from quotetrail.model import Article

    for item in iter_analysed([source], analysis=None if full else story_analysis()):
        if isinstance(item, Article):
            yield {
                "id": item.id,
                "title": item.title,
                "body": item.body,
                "published": item.published,
                "outlet": item.outlet,
            }


def story_docs(records: Iterable[dict[str, Any]]) -> tuple[list[Any], list[str]]:
    """StoryDocs numbered by input row, and the input id of each row."""
    from quotetrail.stories import StoryDoc

    docs, ids = [], []
    for row, record in enumerate(records):
        ids.append(record["id"])
        docs.append(
            StoryDoc(
                article=row,
                title=record["title"],
                body=record["body"],
                published=record["published"],
                outlet=record["outlet"],
            )
        )
    return docs, ids


def cluster(docs: list[Any], params: Any, batches: int = 1) -> tuple[dict[int, str], Any]:
    """Story of each article; with ``batches`` > 1, fed in chronological batches through a saved state."""
    from quotetrail.stories import StoryIndex

    ordered = sorted(docs, key=lambda d: (d.published is None, d.published or "", d.article))
    size = -(-len(ordered) // batches)
    index = StoryIndex(params)
    story: dict[int, str] = {}
    for start in range(0, len(ordered), size):
        if start:
            index = StoryIndex.from_bytes(index.to_bytes())
        for assignment in index.add(ordered[start : start + size]):
            story[assignment.article] = assignment.story
    return story, index


def score(shared: Path, gold: list[dict[str, str]], pred_path: Path) -> dict[str, dict[str, Any]]:
    """The shared scorer's figures per split (gold restricted to the split's articles)."""
    scorer = shared / "eval" / "score_clusters.py"
    results = {}
    with tempfile.TemporaryDirectory(prefix="quotetrail-stories-") as tmp:
        for split in SPLITS:
            gold_path = Path(tmp) / f"gold-{split}.jsonl"
            with gold_path.open("w", encoding="utf-8") as f:
                for row in gold:
                    if split == "all" or row["split"] in split.split("+"):
                        f.write(json.dumps({"id": row["id"], "cluster": row["cluster"]}) + "\n")
            out = subprocess.run(
                [sys.executable, str(scorer), "--gold", str(gold_path), "--pred", str(pred_path), "--json"],
                check=True,
                capture_output=True,
                text=True,
            )
            results[split] = json.loads(out.stdout)
    return results


def write_pred(path: Path, ids: list[str], story: dict[int, str]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row, input_id in enumerate(ids):
            f.write(json.dumps({"id": input_id, "story": story[row]}) + "\n")


def parse_params(pairs: list[str]) -> Any:
    from quotetrail.stories import StoryParams

    types = {f.name: f.type for f in dataclasses.fields(StoryParams)}
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in types:
            raise SystemExit(f"unknown parameter {name!r}; known: {', '.join(sorted(types))}")
        changes[name] = int(value) if types[name] in (int, "int") else float(value)
    return StoryParams(**changes)


def quality(args: argparse.Namespace, params: Any) -> dict[str, Any]:
    gold = read_gold(args.shared)
    started = time.perf_counter()
    docs, ids = story_docs(analysed_records(stories_gold(args.shared), args.analysed, full=args.full))
    analysed_seconds = time.perf_counter() - started
    started = time.perf_counter()
    story, index = cluster(docs, params)
    cluster_seconds = time.perf_counter() - started
    pred_path = args.pred or Path(tempfile.gettempdir()) / "quotetrail-stories-pred.jsonl"
    write_pred(pred_path, ids, story)
    one = score(args.shared, gold, pred_path)

    batched_story, _ = cluster(docs, params, BATCHES)
    with tempfile.TemporaryDirectory(prefix="quotetrail-stories-") as tmp:
        batched_path = Path(tmp) / "pred-batched.jsonl"
        write_pred(batched_path, ids, batched_story)
        batched = score(args.shared, gold, batched_path)
    gap = abs(one["all"]["B3_F1"] - batched["all"]["B3_F1"])
    return {
        "articles": len(docs),
        "stories": index.story_count,
        "analysis_seconds": round(analysed_seconds, 1),
        "cluster_seconds": round(cluster_seconds, 2),
        "state_bytes": len(index.to_bytes()),
        "pred": str(pred_path),
        "scores": one,
        "batched_B3_F1": {split: batched[split]["B3_F1"] for split in SPLITS},
        "incremental_gap": round(gap, 4),
        "incremental_ok": gap <= INCREMENTAL_TOLERANCE,
    }


def scale(path: Path, params: Any) -> list[dict[str, Any]]:
    records = list(analysed_records(path, path))
    docs, _ = story_docs(records)
    del records
    rows = []
    for count in (5000, 10000, len(docs)):
        if count > len(docs):
            continue
        started = time.perf_counter()
        _, index = cluster(docs[:count], params)
        seconds = time.perf_counter() - started
        state = index.to_bytes()
        started = time.perf_counter()
        type(index).from_bytes(state)
        load_seconds = time.perf_counter() - started
        rows.append(
            {
                "articles": count,
                "seconds": round(seconds, 2),
                "ms_per_article": round(1000 * seconds / count, 3),
                "stories": index.story_count,
                "state_bytes": len(state),
                "load_seconds": round(load_seconds, 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--analysed", type=Path, help="saved `quotetrail extract` output of the stories file")
    ap.add_argument("--full", action="store_true", help="run the full analysis, not only clean + metadata")
    ap.add_argument("--pred", type=Path, help="where to write the predictions (default: a temp file)")
    ap.add_argument("--param", action="append", default=[], help="override a StoryParams field: name=value")
    ap.add_argument("--scale", type=Path, help="time the index over this `quotetrail extract` output")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    params = parse_params(args.param)
    if args.scale is not None:
        rows = scale(args.scale, params)
        print(json.dumps(rows) if args.json else "\n".join(json.dumps(r) for r in rows))
        return 0
    if not stories_gold(args.shared).is_file():
        print(f"no story benchmark at {stories_gold(args.shared)}", file=sys.stderr)
        return 2
    result = quality(args, params)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['articles']} articles → {result['stories']} stories in {result['cluster_seconds']} s")
        print(f"state {result['state_bytes']:,} bytes; predictions in {result['pred']}")
        print(f"{'split':8s} {'B3_F1':>7s} {'B3_P':>7s} {'B3_R':>7s} {'pair_F1':>8s} {'ARI':>7s}")
        for split, s in result["scores"].items():
            figures = " ".join(
                f"{s[k]:{w}.4f}"
                for k, w in (("B3_F1", 7), ("B3_P", 7), ("B3_R", 7), ("pair_F1", 8), ("ARI", 7))
            )
            print(f"{split:8s} {figures}")
        print(
            f"{BATCHES} chronological batches: B3_F1 {result['batched_B3_F1']['all']:.4f} "
            f"(gap {result['incremental_gap']}, {'ok' if result['incremental_ok'] else 'TOO LARGE'})"
        )
    return 0 if result["incremental_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
