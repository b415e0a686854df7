"""Cost of the clean + metadata stages per article, on real news text.

Runs :class:`quotetrail.clean.Cleaner` and :func:`quotetrail.metadata.metadata_stage` over the first N
articles of ../shared/bench/news/allsides.jsonl.gz (mean 5,700 characters, the size the project's
speed budget is stated for) on one core and prints the mean and the 50th/95th/99th percentile cost.

usage: python benchmarks/clean_speed.py [--articles 2000] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

from quotetrail.clean import Cleaner
from quotetrail.metadata import metadata_stage
from quotetrail.model import Article

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = ap.parse_args(argv)
    path = args.shared / "bench" / "news" / "allsides.jsonl.gz"
    if not path.is_file():
        print(f"corpus not found: {path}", file=sys.stderr)
        return 2
    records = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            records.append(json.loads(line))
            if len(records) >= args.articles:
                break
    cleaner = Cleaner()
    costs: list[float] = []
    chars = 0
    for r in records:
        article = Article(id=r["id"], source="allsides", raw_text=r["text"], url=r.get("url"))
        chars += len(article.raw_text)
        started = time.perf_counter()
        metadata_stage(cleaner(article))
        costs.append(time.perf_counter() - started)
    costs_us = sorted(c * 1e6 for c in costs)

    def pct(q: float) -> float:
        return costs_us[min(len(costs_us) - 1, int(q * len(costs_us)))]

    print(
        f"{len(records)} articles, mean {chars / len(records):.0f} chars: clean+metadata mean "
        f"{statistics.fmean(costs_us):.0f} µs, p50 {pct(0.5):.0f} µs, p95 {pct(0.95):.0f} µs, "
        f"p99 {pct(0.99):.0f} µs per article ({len(records) / sum(costs):.0f} articles/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
