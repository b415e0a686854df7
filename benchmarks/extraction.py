"""Article extraction benchmark: cleaning from text alone, and HTML extraction.

Runs quotetrail over ../shared/bench/extraction (181 real pages with hand-checked article text) and
scores the result with the shared scorer (../shared/eval/score_extraction.py: F1 over word 4-gram
shingles, per page, averaged):

* ``--flattened``: :func:`quotetrail.clean.clean_text` on the pages flattened to plain text with all
  their chrome (raw text scores 0.660);
* ``--html``: :func:`quotetrail.htmlextract.extract_html` on the HTML pages (trafilatura's defaults
  score 0.947 with this scorer).

The cleaner's rules were calibrated by inspecting the *development half* of the pages (ids starting
with 0-7); the other half (ids starting with 8-f) was kept for reporting, so the held-out figure is the
honest estimate of cleaning quality on unseen pages. Both halves and the whole set are printed.

usage: python benchmarks/extraction.py [--flattened] [--html] [--shared ../shared] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO_ROOT.parent / "shared"


def is_development_page(page_id: str) -> bool:
    """The half of the benchmark the cleaner's rules were calibrated on."""
    return page_id[:1] in "01234567"


def read_jsonl_gz(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def flattened_predictions(shared: Path) -> tuple[list[dict[str, str]], float]:
    """``{"id", "body"}`` for every flattened page, and the mean seconds per page."""
    from quotetrail.clean import clean_text

    pages = read_jsonl_gz(shared / "bench" / "extraction" / "flattened_text.jsonl.gz")
    started = time.perf_counter()
    rows = [{"id": p["id"], "body": clean_text(p["text"]).body} for p in pages]
    return rows, (time.perf_counter() - started) / max(len(pages), 1)


def html_predictions(shared: Path) -> tuple[list[dict[str, str]], float]:
    """``{"id", "body"}`` for every HTML page (an extraction error gives an empty body)."""
    from quotetrail.htmlextract import extract_html

    urls = {p["id"]: p.get("url") for p in read_jsonl_gz(shared / "bench" / "extraction" / "gold.jsonl.gz")}
    rows: list[dict[str, str]] = []
    started = time.perf_counter()
    with tarfile.open(shared / "bench" / "extraction" / "html_pages.tar.gz", "r:gz") as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".html"):
                continue
            page_id = Path(member.name).stem
            handle = tar.extractfile(member)
            if handle is None:
                continue
            html = handle.read().decode("utf-8", errors="replace")
            try:
                body = extract_html(html, url=urls.get(page_id)).text
            except ValueError:
                body = ""
            rows.append({"id": page_id, "body": body})
    return rows, (time.perf_counter() - started) / max(len(rows), 1)


def score(
    rows: list[dict[str, str]], shared: Path, *, keep: Callable[[str], bool] = lambda _id: True
) -> dict[str, Any]:
    """The shared scorer's figures for the pages ``keep`` selects."""
    gold = [g for g in read_jsonl_gz(shared / "bench" / "extraction" / "gold.jsonl.gz") if keep(g["id"])]
    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        _write_jsonl(gold_path, gold)
        _write_jsonl(pred_path, (r for r in rows if keep(r["id"])))
        out = subprocess.run(
            [
                sys.executable,
                str(shared / "eval" / "score_extraction.py"),
                "--gold",
                str(gold_path),
                "--pred",
                str(pred_path),
                "--json",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def report(name: str, rows: list[dict[str, str]], seconds_per_page: float, shared: Path) -> dict[str, Any]:
    results = {
        "all": score(rows, shared),
        "development_half": score(rows, shared, keep=is_development_page),
        "held_out_half": score(rows, shared, keep=lambda i: not is_development_page(i)),
        "ms_per_page": round(seconds_per_page * 1000, 2),
    }
    return {name: results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flattened", action="store_true", help="clean the flattened page text (default)")
    ap.add_argument("--html", action="store_true", help="extract the HTML pages")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    if not (args.shared / "bench" / "extraction").is_dir():
        print(f"benchmark not found under {args.shared}", file=sys.stderr)
        return 2
    runs = []
    if args.flattened or not args.html:
        runs.append(("flattened_text", flattened_predictions))
    if args.html:
        runs.append(("html", html_predictions))
    results: dict[str, Any] = {}
    for name, run in runs:
        rows, per_page = run(args.shared)
        results.update(report(name, rows, per_page, args.shared))
    if args.json:
        print(json.dumps(results))
        return 0
    for name, parts in results.items():
        print(f"{name}  ({parts['ms_per_page']} ms/page)")
        for part in ("all", "development_half", "held_out_half"):
            r = parts[part]
            print(
                f"  {part:17s} pages {r['pages']:3d}  precision {r['precision']:.3f}"
                f"  recall {r['recall']:.3f}  f1 {r['f1']:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
