#!/usr/bin/env python3
"""Throughput of the whole quotetrail analysis against spaCy's blank English tokenizer.

Runs ``quotetrail extract --clean`` (through :func:`quotetrail.api.extract`, the function the command
calls, writing its JSON Lines to the null device) over the first ``--n`` articles of
``bench/news/allsides.jsonl.gz`` and, in the same run, ``spacy.blank("en")`` over the same texts, and
prints articles per second for both, their ratio and each side's peak memory.

Target: ratio >= 1.0 on one core — the whole analysis (both passes: corpus profile, then cleaning,
metadata, statements, quantities, …) at least as fast as merely tokenising the text with spaCy — and
peak memory flat in corpus size (``--memory-check`` measures it at n/5 and n articles).

How it measures:

* the first ``--n`` records are copied unchanged into a temporary JSONL file, which both sides read,
  so reading and JSON parsing are part of both workloads;
* each side runs in its own fresh Python process, pinned to one core (``--cpu``), so its peak RSS
  (``ru_maxrss``) is its own and neither side inherits the other's caches or memory;
* imports (and building the stage list / the spaCy pipeline) are timed separately and are not part of
  the articles/s figures;
* ``--stage-times`` adds one more quotetrail run with every stage (and the corpus profiler) wrapped in
  a timer, to show where the time goes; the wrappers cost well under a microsecond per call, and that
  run is reported apart from the throughput figures.

Usage::

    .venv/bin/python benchmarks/throughput.py                  # 5,000 articles, table
    .venv/bin/python benchmarks/throughput.py --n 1000 --json  # one JSON object
    .venv/bin/python benchmarks/throughput.py --memory-check   # also peak RSS at 1,000 vs 5,000
    .venv/bin/python benchmarks/throughput.py --stage-times    # also seconds per stage

spaCy is an optional dependency: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quotetrail.api import Analysis
    from quotetrail.model import Article
    from quotetrail.pipeline import Stage

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
CORPUS_IN_SHARED = Path("bench") / "news" / "allsides.jsonl.gz"
DEFAULT_N = 5000
# The ratio the project promises (see the module docs).
TARGET_RATIO = 1.0
# --memory-check compares peak RSS at n/MEMORY_CHECK_DIVISOR articles with peak RSS at n articles
# (1,000 vs 5,000 with the default n).
MEMORY_CHECK_DIVISOR = 5
SIDES = ("quotetrail", "spacy")
# The worker kinds: the two measured sides, and a quotetrail run with per-stage timers.
WORKERS = (*SIDES, "quotetrail-stages")
# Name under which the corpus profiling pass (reading every input once, learning recurring chrome) is
# reported by --stage-times; the rest of a run not spent in a stage is reading, JSON and writing.
PROFILING = "corpus profile (1st pass)"
OUTSIDE_STAGES = "reading, serialising, writing"
SIDE_LABELS = {
    "quotetrail": "quotetrail extract --clean",
    "spacy": "spaCy blank('en') tokenizer",
}
# A worker that has not finished by then is stuck, not slow: 5,000 articles take well under a minute.
WORKER_TIMEOUT_SECONDS = 1800


class BenchmarkError(Exception):
    """The benchmark cannot run (missing corpus, missing spaCy, a worker failed)."""


@dataclass(frozen=True, slots=True)
class SideResult:
    """One side's measurement, as a worker process reports it."""

    side: str
    articles: int
    characters: int
    seconds: float
    import_seconds: float
    peak_rss_mb: float
    import_peak_rss_mb: float
    pinned_cpu: int | None
    # quotetrail only: the run summary (read, analysed, skipped…), to show the work was really done.
    summary: dict[str, Any] | None = None
    # --stage-times only: seconds spent in each stage, in the profiler, and outside both.
    stage_seconds: dict[str, float] | None = None

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds > 0 else float("inf")


# ------------------------------------------------------------------------------------------ workers


def _pin_to_cpu(cpu: int) -> int | None:
    """Pin this process to one core; None where the platform cannot (the figures are then unpinned)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return None
    return cpu


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS, where this benchmark is not calibrated).
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak_kb / (1024 * 1024) if sys.platform == "darwin" else peak_kb / 1024


def _run_quotetrail(input_path: Path, pinned: int | None, *, time_stages: bool = False) -> SideResult:
    started = time.perf_counter()
    from quotetrail.api import default_analysis, extract
    from quotetrail.settings import Settings

    # Build the stage list once so that every stage module is imported (and its patterns compiled)
    # before the clock starts; extract() builds its own list again, which costs microseconds.
    default_analysis().make_stages(None)
    settings = Settings(clean_jsonl=True, workers=1)  # what `quotetrail extract --clean` passes
    timings: dict[str, float] = defaultdict(float)
    analysis = _timed_analysis(timings) if time_stages else None  # None: extract's own default
    import_seconds = time.perf_counter() - started
    import_peak = _peak_rss_mb()

    started = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        summary = extract([input_path], sink, settings, analysis=analysis)
    seconds = time.perf_counter() - started
    if time_stages:
        timings[OUTSIDE_STAGES] = seconds - sum(timings.values())
    return SideResult(
        side="quotetrail",
        articles=summary.analysed,
        characters=_count_characters(input_path),
        seconds=seconds,
        import_seconds=import_seconds,
        peak_rss_mb=_peak_rss_mb(),
        import_peak_rss_mb=import_peak,
        pinned_cpu=pinned,
        summary=summary.to_dict(),
        stage_seconds=dict(timings) if time_stages else None,
    )


def _timed_analysis(timings: dict[str, float]) -> Analysis:
    """The default analysis with every stage and the profiler adding their time to ``timings``."""
    from quotetrail.api import Analysis, default_analysis

    base = default_analysis()

    class TimedStage:
        def __init__(self, inner: Stage) -> None:
            self.inner = inner
            self.name, self.needs, self.adds = inner.name, inner.needs, inner.adds

        def __call__(self, article: Article) -> Article:
            started = time.perf_counter()
            try:
                return self.inner(article)
            finally:
                timings[self.name] += time.perf_counter() - started

    class TimedProfiler:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def add(self, article: Article) -> None:
            started = time.perf_counter()
            self.inner.add(article)
            timings[PROFILING] += time.perf_counter() - started

        def build(self) -> Any:
            started = time.perf_counter()
            try:
                return self.inner.build()
            finally:
                timings[PROFILING] += time.perf_counter() - started

    def make_stages(profile: Any) -> list[Stage]:
        return [TimedStage(stage) for stage in base.make_stages(profile)]

    make_profiler: Callable[[], Any] | None = None
    if base.make_profiler is not None:
        inner_make_profiler = base.make_profiler

        def make_timed_profiler() -> Any:
            return TimedProfiler(inner_make_profiler())

        make_profiler = make_timed_profiler
    return Analysis(make_stages=make_stages, make_profiler=make_profiler)


def _run_spacy(input_path: Path, pinned: int | None) -> SideResult:
    started = time.perf_counter()
    try:
        import spacy
    except ImportError as exc:
        raise BenchmarkError("spaCy is not installed: pip install -e '.[bench]'") from exc
    nlp = spacy.blank("en")  # a blank pipeline is only the tokenizer, and needs no model download
    import_seconds = time.perf_counter() - started
    import_peak = _peak_rss_mb()

    started = time.perf_counter()
    articles = characters = 0
    # Read and parse the same file the quotetrail side reads, so both sides pay for the same I/O.
    with input_path.open(encoding="utf-8") as stream:
        for line in stream:
            text = json.loads(line).get("text") or ""
            nlp(text)
            articles += 1
            characters += len(text)
    seconds = time.perf_counter() - started
    return SideResult(
        side="spacy",
        articles=articles,
        characters=characters,
        seconds=seconds,
        import_seconds=import_seconds,
        peak_rss_mb=_peak_rss_mb(),
        import_peak_rss_mb=import_peak,
        pinned_cpu=pinned,
    )


def _count_characters(input_path: Path) -> int:
    with input_path.open(encoding="utf-8") as stream:
        return sum(len(json.loads(line).get("text") or "") for line in stream)


def worker_main(side: str, input_path: Path, cpu: int) -> int:
    """Entry point of a worker process: measure one side, print its result as one JSON object."""
    pinned = _pin_to_cpu(cpu)
    try:
        if side == "spacy":
            result = _run_spacy(input_path, pinned)
        else:
            result = _run_quotetrail(input_path, pinned, time_stages=side == "quotetrail-stages")
    except BenchmarkError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(json.dumps(asdict(result)))
    return 0


# ------------------------------------------------------------------------------------------- parent


def write_first_records(corpus: Path, n: int, target: Path) -> int:
    """Copy the first ``n`` non-blank lines of the gzipped JSONL ``corpus`` to ``target``, unchanged;
    returns how many were copied (fewer when the corpus is shorter)."""
    copied = 0
    with gzip.open(corpus, "rb") as source, target.open("wb") as out:
        for line in source:
            if copied >= n:
                break
            if not line.strip():
                continue
            out.write(line if line.endswith(b"\n") else line + b"\n")
            copied += 1
    return copied


def run_worker(side: str, input_path: Path, cpu: int) -> SideResult:
    """Measure one side in a fresh interpreter (the one running this script)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", side, "--input", str(input_path)]
    command += ["--cpu", str(cpu)]
    env = dict(os.environ)
    # The worker must import the quotetrail of this checkout even when it is not installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT / "src"), env.get("PYTHONPATH")]))
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=WORKER_TIMEOUT_SECONDS, check=False
    )
    if done.returncode != 0:
        raise BenchmarkError(f"the {side} worker failed (exit {done.returncode}):\n{done.stderr.strip()}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return SideResult(**data)


@dataclass(frozen=True, slots=True)
class BenchmarkResult:
    corpus: str
    requested: int
    sides: dict[str, SideResult]
    memory_check: dict[int, SideResult] | None
    stage_times: SideResult | None = None

    @property
    def ratio(self) -> float:
        return self.sides["quotetrail"].articles_per_second / self.sides["spacy"].articles_per_second

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "corpus": self.corpus,
            "requested_articles": self.requested,
            "ratio": round(self.ratio, 3),
            "target_ratio": TARGET_RATIO,
            "meets_target": self.ratio >= TARGET_RATIO,
        }
        for side, result in self.sides.items():
            out[side] = asdict(result) | {"articles_per_second": round(result.articles_per_second, 1)}
        if self.memory_check is not None:
            out["memory_check"] = {
                str(n): {"articles": r.articles, "peak_rss_mb": round(r.peak_rss_mb, 1)}
                for n, r in sorted(self.memory_check.items())
            }
        if self.stage_times is not None and self.stage_times.stage_seconds is not None:
            out["stage_seconds"] = {k: round(v, 3) for k, v in self.stage_times.stage_seconds.items()}
        return out


def run_benchmark(
    shared: Path, n: int, cpu: int, memory_check: bool, stage_times: bool = False
) -> BenchmarkResult:
    corpus = shared / CORPUS_IN_SHARED
    if not corpus.is_file():
        raise BenchmarkError(f"the benchmark corpus is not at {corpus} (use --shared to point at it)")
    with tempfile.TemporaryDirectory(prefix="quotetrail-bench-") as tmp:
        input_path = Path(tmp) / f"allsides-first-{n}.jsonl"
        if write_first_records(corpus, n, input_path) == 0:
            raise BenchmarkError(f"{corpus} has no records")
        sides = {side: run_worker(side, input_path, cpu) for side in SIDES}
        checks: dict[int, SideResult] | None = None
        if memory_check:
            small_n = max(1, n // MEMORY_CHECK_DIVISOR)
            small_path = Path(tmp) / f"allsides-first-{small_n}.jsonl"
            write_first_records(corpus, small_n, small_path)
            checks = {small_n: run_worker("quotetrail", small_path, cpu), n: sides["quotetrail"]}
        timed = run_worker("quotetrail-stages", input_path, cpu) if stage_times else None
    return BenchmarkResult(
        corpus=str(corpus), requested=n, sides=sides, memory_check=checks, stage_times=timed
    )


def render_table(result: BenchmarkResult) -> str:
    first = next(iter(result.sides.values()))
    mean_chars = first.characters / first.articles if first.articles else 0.0
    pinned = f"pinned to CPU {first.pinned_cpu}" if first.pinned_cpu is not None else "NOT pinned to one CPU"
    lines = [
        f"{first.articles:,} articles (mean {mean_chars:,.0f} characters) from {result.corpus}, {pinned}",
        "",
        f"{'side':30s} {'articles/s':>11s} {'seconds':>9s} {'import s':>9s} {'peak RSS MB':>12s}",
    ]
    for side, r in result.sides.items():
        lines.append(
            f"{SIDE_LABELS[side]:30s} {r.articles_per_second:11.1f} {r.seconds:9.2f} "
            f"{r.import_seconds:9.2f} {r.peak_rss_mb:12.1f}"
        )
    verdict = "meets" if result.ratio >= TARGET_RATIO else "BELOW"
    lines += [
        "",
        f"ratio quotetrail / spaCy: {result.ratio:.2f} ({verdict} the target of {TARGET_RATIO:.1f})",
    ]
    summary = result.sides["quotetrail"].summary or {}
    if summary:
        lines.append(
            f"quotetrail run: {summary.get('analysed')} analysed, {summary.get('skipped_total')} skipped, "
            f"{summary.get('with_errors')} with stage errors"
        )
    if result.memory_check:
        (small_n, small), (big_n, big) = sorted(result.memory_check.items())
        growth = big.peak_rss_mb / small.peak_rss_mb if small.peak_rss_mb else float("inf")
        lines.append(
            f"memory: quotetrail peak RSS {small.peak_rss_mb:.1f} MB at n={small_n:,}, "
            f"{big.peak_rss_mb:.1f} MB at n={big_n:,} (x{growth:.2f})"
        )
    timed = result.stage_times
    if timed is not None and timed.stage_seconds:
        lines += [
            "",
            f"where quotetrail's time goes (a separate run with timers, {timed.seconds:.2f} s in all):",
        ]
        for name, seconds in sorted(timed.stage_seconds.items(), key=lambda item: -item[1]):
            per_article_ms = 1000 * seconds / timed.articles if timed.articles else 0.0
            share = 100 * seconds / timed.seconds if timed.seconds else 0.0
            lines.append(f"  {name:30s} {seconds:8.2f} s {share:5.1f} % {per_article_ms:7.3f} ms/article")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="articles to analyse (default: %(default)s)")
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="the shared material folder holding bench/news/allsides.jsonl.gz (default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument(
        "--memory-check",
        action="store_true",
        help=f"also measure quotetrail's peak RSS at n/{MEMORY_CHECK_DIVISOR} articles, to compare with n",
    )
    parser.add_argument(
        "--stage-times",
        action="store_true",
        help="also run quotetrail once more with a timer around each stage, and show where the time goes",
    )
    parser.add_argument("--cpu", type=int, default=0, help="the core both sides are pinned to (default: 0)")
    # Internal: how the parent starts a worker process.
    parser.add_argument("--worker", choices=WORKERS, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    if args.worker is not None and args.input is None:
        parser.error("--worker needs --input")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker is not None:
        return worker_main(args.worker, args.input, args.cpu)
    try:
        result = run_benchmark(args.shared, args.n, args.cpu, args.memory_check, args.stage_times)
    except BenchmarkError as exc:
        print(f"throughput: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_dict(), indent=2) if args.json else render_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
