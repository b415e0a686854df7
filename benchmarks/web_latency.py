#!/usr/bin/env python3
"""How fast the web workspace answers on the whole bench corpus: median and p95 per page.

The store is ``bench/news/allsides.jsonl.gz`` (37,554 articles) analysed and linked; give it with
``--db`` (built when missing, which takes about 12 minutes on two cores). ``quotetrail serve`` runs in its
own process, as a user would run it, and each page type is requested for a sample of real ids drawn
from the store (seeded, so reruns ask for the same pages): the overview; searches for words of real
statements and for the top speakers' names; speakers (the busiest ones and a random draw); articles,
echo clusters, stories and claim histories at random; and the JSON of a search and a speaker.

The peer, measured in the same run on the same store, is datasette (installed with the ``bench`` extra),
serving the nearest page it has for each: its database page for the overview, its full-text search of
the statements table for a search, an article's row page, a speaker's statements as a filtered table,
an echo cluster's or a story's member rows. "ratio" is quotetrail's p95 over datasette's: datasette shows
rows, quotetrail pages join and chart them, so a ratio near or under 1.0 means the extra work is paid
for. Target: p95 < 300 ms for every page type.

Usage::

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/web_latency.py --db allsides.db
    .venv/bin/python benchmarks/web_latency.py --db allsides.db --samples 100 --json
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT.parent / "shared" / "bench" / "news" / "allsides.jsonl.gz"
TARGET_P95_MS = 300.0
BIN = Path(sys.executable).parent


@dataclass(slots=True)
class PageTiming:
    page: str
    requests: int
    median_ms: float
    p95_ms: float
    max_ms: float
    errors: int
    peer_median_ms: float | None = None
    peer_p95_ms: float | None = None
    ratio_p95: float | None = None
    meets_target: bool = False
    slowest: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(command: list[str], port: int) -> Iterator[None]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{command[0]} exited: {process.stderr.read().decode()[-2000:]}"
                    ) from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start listening on {port}") from None
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


def _time(port: int, paths: list[str]) -> tuple[list[float], int, list[tuple[float, str]]]:
    """Milliseconds per request over one kept-alive connection, as a browser tab would."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times, errors, slow = [], 0, []
    for path in paths:
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status >= 400:
            errors += 1
        times.append(elapsed)
        slow.append((elapsed, path))
    conn.close()
    return times, errors, sorted(slow, reverse=True)[:3]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _sample(conn: sqlite3.Connection, sql: str, n: int, rng: random.Random) -> list[Any]:
    rows = [r[0] for r in conn.execute(sql)]
    return rng.sample(rows, min(n, len(rows)))


def page_sets(db: Path, samples: int, seed: int) -> dict[str, tuple[list[str], list[str]]]:
    """For each page type, the quotetrail paths and the datasette paths standing for them."""
    rng = random.Random(seed)
    name = db.stem
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    top_speakers = [
        (k, n)
        for k, n in conn.execute(
            "SELECT entity_key, name FROM canonical_entities WHERE statement_count > 0 "
            "ORDER BY statement_count DESC LIMIT ?",
            (samples // 2,),
        )
    ]
    other_speakers = _sample(
        conn, "SELECT entity_key FROM canonical_entities WHERE statement_count > 0", samples // 2, rng
    )
    speakers = [k for k, _ in top_speakers] + other_speakers
    statement_texts = _sample(conn, "SELECT text FROM statements", samples * 3, rng)
    words = [w for t in statement_texts for w in t.split() if w.isalpha() and len(w) >= 5]
    queries = rng.sample(words, min(samples // 2, len(words))) + [n.split()[-1] for _, n in top_speakers]
    articles = _sample(conn, "SELECT article_id FROM articles", samples, rng)
    echoes = _sample(conn, "SELECT echo_id FROM echo_clusters", samples, rng)
    stories = _sample(conn, "SELECT story_id FROM stories WHERE article_count > 1", samples, rng)
    claims = _sample(conn, "SELECT claim_key FROM claim_groups", samples, rng)
    conn.close()

    def q(value: str) -> str:
        return quote(value, safe="")

    return {
        "overview": (["/"] * min(samples, 20), [f"/{name}"] * min(samples, 20)),
        "search": (
            [f"/search?{urlencode({'q': w})}" for w in queries],
            [f"/{name}/statements?{urlencode({'_search': w})}" for w in queries],
        ),
        "speaker": (
            [f"/speakers/{q(k)}" for k in speakers],
            [f"/{name}/statements?speaker_key={q(k)}" for k in speakers],
        ),
        "article": ([f"/articles/{a}" for a in articles], [f"/{name}/articles/{a}" for a in articles]),
        "echo": ([f"/echoes/{e}" for e in echoes], [f"/{name}/echo_members?echo_id={e}" for e in echoes]),
        "story": (
            [f"/stories/{q(s)}" for s in stories],
            [f"/{name}/article_stories?story_id={q(s)}" for s in stories],
        ),
        "claim": (
            [f"/claims?{urlencode({'key': c})}" for c in claims],
            [f"/{name}/claim_values?claim_key={q(c)}" for c in claims],
        ),
        "api search": (
            [f"/api/search?{urlencode({'q': w})}" for w in queries],
            [f"/{name}/statements.json?{urlencode({'_search': w})}" for w in queries],
        ),
        "api speaker": (
            [f"/api/speakers/{q(k)}" for k in speakers],
            [f"/{name}/statements.json?speaker_key={q(k)}" for k in speakers],
        ),
    }


def build(db: Path) -> None:
    if not CORPUS.exists():
        sys.exit(f"no store at {db} and no corpus at {CORPUS} to build it from")
    print(f"building {db} from {CORPUS} (analyze + link) …", file=sys.stderr)
    subprocess.run(
        [str(BIN / "quotetrail"), "analyze", str(CORPUS), "--db", str(db), "--clean", "--workers", "2"],
        check=True,
    )


def measure(db: Path, samples: int, seed: int, peer: bool) -> list[PageTiming]:
    pages = page_sets(db, samples, seed)
    port = _free_port()
    ours: dict[str, tuple[list[float], int, list[tuple[float, str]]]] = {}
    with _server([str(BIN / "quotetrail"), "serve", "--db", str(db), "--port", str(port)], port):
        for page, (paths, _) in pages.items():
            _time(port, paths[:2])  # warm the page's code path and the connection
            ours[page] = _time(port, paths)
    theirs: dict[str, list[float]] = {}
    datasette = shutil.which("datasette", path=str(BIN)) or shutil.which("datasette")
    if peer and datasette:
        port = _free_port()
        command = [
            datasette,
            "serve",
            str(db),
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "20000",
        ]
        with _server(command, port):
            for page, (_, paths) in pages.items():
                _time(port, paths[:2])
                theirs[page] = _time(port, paths)[0]
    elif peer:
        print("datasette is not installed (pip install -e '.[bench]'): no peer figures", file=sys.stderr)
    results = []
    for page, (times, errors, slow) in ours.items():
        timing = PageTiming(
            page,
            len(times),
            round(statistics.median(times), 1),
            round(_p95(times), 1),
            round(max(times), 1),
            errors,
            slowest=[f"{ms:.0f} ms {path}" for ms, path in slow],
        )
        timing.meets_target = timing.p95_ms < TARGET_P95_MS and errors == 0
        if page in theirs:
            timing.peer_median_ms = round(statistics.median(theirs[page]), 1)
            timing.peer_p95_ms = round(_p95(theirs[page]), 1)
            timing.ratio_p95 = round(timing.p95_ms / timing.peer_p95_ms, 2) if timing.peer_p95_ms else None
        results.append(timing)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True, help="linked store of the bench corpus")
    parser.add_argument("--samples", type=int, default=50, help="pages requested per page type")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-peer", action="store_true", help="skip the datasette comparison")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    if not args.db.exists():
        build(args.db)
    results = measure(args.db, args.samples, args.seed, not args.no_peer)
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
        return
    print(
        f"{'page':<12} {'n':>4} {'median':>8} {'p95':>8} {'max':>8} {'err':>4} "
        f"{'peer med':>9} {'peer p95':>9} {'ratio':>6}  p95<{TARGET_P95_MS:.0f}ms"
    )
    for r in results:
        peer_median = f"{r.peer_median_ms:9.1f}" if r.peer_median_ms is not None else f"{'-':>9}"
        peer_p95 = f"{r.peer_p95_ms:9.1f}" if r.peer_p95_ms is not None else f"{'-':>9}"
        ratio = f"{r.ratio_p95:6.2f}" if r.ratio_p95 is not None else f"{'-':>6}"
        print(
            f"{r.page:<12} {r.requests:>4} {r.median_ms:8.1f} {r.p95_ms:8.1f} {r.max_ms:8.1f} {r.errors:>4} "
            f"{peer_median} {peer_p95} {ratio}  {'yes' if r.meets_target else 'NO'}"
        )
    for r in results:
        if not r.meets_target:
            print(f"slowest {r.page}: " + "; ".join(r.slowest))


if __name__ == "__main__":
    main()
