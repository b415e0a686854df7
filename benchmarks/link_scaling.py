#!/usr/bin/env python3
"""How the cross-article pass grows with the corpus: analyze + link on 5k → 10k → all of allsides.

For each size the first N records of ``bench/news/allsides.jsonl.gz`` are analysed into a store that
already holds the previous size's articles (so each article is analysed once) and the store is then
linked, each command in its own process, as a user would run them::

    quotetrail analyze first-N.jsonl --db bench.db --clean --workers W --no-link
    quotetrail link --db bench.db

It prints, per size, the wall time and peak memory (``ru_maxrss`` of that process) of both commands,
the seconds of each link step (stories, entities, echoes, claims), and the growth of the link pass:
its seconds per article at each size divided by its seconds per article at the smallest size. Near-
linear growth keeps that ratio near 1.0; all-pairs work would grow it with N. The peer in the same run
is the per-article analysis itself: "link/analyze" is the link pass's wall time over the analysis's.

Targets: growth near 1.0; the whole corpus (analyze + link) in under 15 minutes on two cores.

Usage::

    .venv/bin/python benchmarks/link_scaling.py                       # 5000, 10000, all; 2 workers
    .venv/bin/python benchmarks/link_scaling.py --sizes 1000 2000 --json
    .venv/bin/python benchmarks/link_scaling.py --from-db analysed.db   # link only, on subsets
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
CORPUS_IN_SHARED = Path("bench") / "news" / "allsides.jsonl.gz"
DEFAULT_SIZES = (5000, 10000, 0)  # 0: the whole corpus


@dataclass(slots=True)
class Step:
    articles: int
    analyze_seconds: float
    analyze_peak_mb: float
    link_seconds: float
    link_peak_mb: float
    link_steps: dict[str, float] = field(default_factory=dict)
    link_summary: dict[str, Any] = field(default_factory=dict)
    growth: float = 1.0  # link seconds per article / the same at the smallest size


def _run(args: list[str]) -> tuple[float, float, str]:
    """Run a command; its wall seconds, its peak RSS in MB, and its standard output."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with status {proc.returncode}")
    return seconds, usage.ru_maxrss / 1024, text


def _write_first(corpus: Path, n: int, target: Path) -> int:
    written = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as src, target.open("w", encoding="utf-8") as dst:
        for line in src:
            if n and written >= n:
                break
            dst.write(line)
            written += 1
    return written


# Per-article tables copied, with the articles, into a subset store by --from-db.
_ARTICLE_TABLES = ("statements", "quantities", "entities", "cited_sources")


def _subset_store(base: Path, n: int, target: Path) -> int:
    """A store holding the first ``n`` articles of ``base`` (0: all) and their per-article rows, as an
    analysis of those articles would have left it (the full-text index is rebuilt by its triggers)."""
    from quotetrail.store import Store

    with Store.open(target) as store:
        conn = store.connection
        conn.execute("ATTACH DATABASE ? AS base", (f"file:{base}?mode=ro",))
        limit = n or -1
        with store.transaction():
            conn.execute(
                "INSERT INTO articles SELECT * FROM base.articles "
                "WHERE article_id IN (SELECT article_id FROM base.articles ORDER BY article_id LIMIT ?)",
                (limit,),
            )
            for table in _ARTICLE_TABLES:
                conn.execute(
                    f"INSERT INTO {table} SELECT * FROM base.{table} WHERE article_id IN "
                    "(SELECT article_id FROM articles)"
                )
        conn.execute("DETACH DATABASE base")
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


def measure_link_only(base: Path, sizes: list[int], workdir: Path) -> list[Step]:
    """Link growth on subsets of an already analysed store (no analysis is timed: its columns are 0)."""
    quotetrail = str(Path(sys.executable).with_name("quotetrail"))
    steps: list[Step] = []
    for size in sizes:
        db = workdir / f"subset-{size}.db"
        articles = _subset_store(base, size, db)
        link_s, link_mb, out = _run([quotetrail, "link", "--db", str(db), "--format", "json"])
        summary = json.loads(out)
        steps.append(Step(articles, 0.0, 0.0, link_s, link_mb, summary.pop("seconds"), summary))
        db.unlink()
    _set_growth(steps)
    return steps


def _set_growth(steps: list[Step]) -> None:
    base = steps[0].link_seconds / steps[0].articles
    for step in steps:
        step.growth = (step.link_seconds / step.articles) / base


def measure(corpus: Path, sizes: list[int], workers: int, workdir: Path) -> list[Step]:
    quotetrail = str(Path(sys.executable).with_name("quotetrail"))
    db = workdir / "bench.db"
    steps: list[Step] = []
    for size in sizes:
        inputs = workdir / "inputs.jsonl"
        articles = _write_first(corpus, size, inputs)
        analyze_s, analyze_mb, _ = _run(
            [
                quotetrail,
                "analyze",
                str(inputs),
                "--db",
                str(db),
                "--clean",
                "--workers",
                str(workers),
                "--no-link",
            ]
        )
        link_s, link_mb, out = _run([quotetrail, "link", "--db", str(db), "--format", "json"])
        summary = json.loads(out)
        steps.append(Step(articles, analyze_s, analyze_mb, link_s, link_mb, summary.pop("seconds"), summary))
    _set_growth(steps)
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        help="corpus sizes in increasing order (0: all)",
    )
    parser.add_argument("--workers", type=int, default=2, help="analysis worker processes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--from-db",
        type=Path,
        help="time only the link pass, on subsets of this store (analysed with --no-link), not re-analysing",
    )
    args = parser.parse_args(argv)
    corpus = args.shared / CORPUS_IN_SHARED
    with tempfile.TemporaryDirectory(prefix="quotetrail-link-") as tmp:
        if args.from_db is not None:
            steps = measure_link_only(args.from_db, args.sizes, Path(tmp))
        elif not corpus.exists():
            raise SystemExit(f"no corpus at {corpus}")
        else:
            steps = measure(corpus, args.sizes, args.workers, Path(tmp))
    if args.json:
        print(json.dumps({"steps": [asdict(s) for s in steps]}, indent=2))
        return 0
    print(
        f"{'articles':>9} {'analyze s':>10} {'MB':>6} {'link s':>8} {'MB':>6} {'growth':>7} "
        f"{'link/analyze':>12}  link steps (s)"
    )
    for s in steps:
        detail = ", ".join(f"{k} {v:.1f}" for k, v in s.link_steps.items())
        ratio = f"{s.link_seconds / s.analyze_seconds:>12.2f}" if s.analyze_seconds else f"{'-':>12}"
        print(
            f"{s.articles:>9} {s.analyze_seconds:>10.1f} {s.analyze_peak_mb:>6.0f} {s.link_seconds:>8.1f} "
            f"{s.link_peak_mb:>6.0f} {s.growth:>7.2f} {ratio}  {detail}"
        )
    if args.from_db is None:
        total = sum(s.analyze_seconds for s in steps) + steps[-1].link_seconds
        print(f"whole corpus: analyze (all sizes) + final link = {total / 60:.1f} min (target < 15)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
