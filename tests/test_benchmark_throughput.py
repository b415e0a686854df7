"""benchmarks/throughput.py: its corpus slicing and report, and a small end-to-end run.

No timing is asserted anywhere: the figures depend on the machine; what must hold is that both sides
process the same articles and the report says what was measured.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import load_benchmark

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "throughput.py"
SHARED = REPO.parent / "shared"


bench = load_benchmark("throughput")


def _side(
    side: str, articles: int, seconds: float, peak: float, stage_seconds: dict[str, float] | None = None
) -> object:
    return bench.SideResult(
        side=side,
        articles=articles,
        characters=articles * 100,
        seconds=seconds,
        import_seconds=0.5,
        peak_rss_mb=peak,
        import_peak_rss_mb=peak / 2,
        pinned_cpu=0,
        summary={"analysed": articles, "skipped_total": 0, "with_errors": 0}
        if side == "quotetrail"
        else None,
        stage_seconds=stage_seconds,
    )


@pytest.mark.parametrize(
    ("lines", "n", "expected"),
    [
        ([b'{"a": 1}\n', b'{"a": 2}\n', b'{"a": 3}\n'], 2, [b'{"a": 1}\n', b'{"a": 2}\n']),
        # blank lines are not records; a last line without a newline still ends with one in the copy
        ([b"\n", b'{"a": 1}\n', b"  \n", b'{"a": 2}'], 5, [b'{"a": 1}\n', b'{"a": 2}\n']),
        ([b'{"a": 1}\n'], 1, [b'{"a": 1}\n']),
        ([], 3, []),
    ],
)
def test_write_first_records_copies_the_first_n_records_unchanged(
    tmp_path: Path, lines: list[bytes], n: int, expected: list[bytes]
) -> None:
    corpus = tmp_path / "corpus.jsonl.gz"
    corpus.write_bytes(gzip.compress(b"".join(lines)))
    target = tmp_path / "first.jsonl"
    assert bench.write_first_records(corpus, n, target) == len(expected)
    assert target.read_bytes() == b"".join(expected)


def test_table_reports_both_sides_ratio_and_memory() -> None:
    result = bench.BenchmarkResult(
        corpus="allsides.jsonl.gz",
        requested=5000,
        sides={
            "quotetrail": _side("quotetrail", 5000, 10.0, 90.0),
            "spacy": _side("spacy", 5000, 20.0, 200.0),
        },
        memory_check={
            1000: _side("quotetrail", 1000, 2.0, 80.0),
            5000: _side("quotetrail", 5000, 10.0, 90.0),
        },
    )
    table = bench.render_table(result)
    assert "quotetrail extract --clean" in table and "spaCy blank('en') tokenizer" in table
    assert "500.0" in table and "250.0" in table  # articles/s of each side
    assert "ratio quotetrail / spaCy: 2.00 (meets" in table
    assert "80.0 MB at n=1,000, 90.0 MB at n=5,000 (x1.12)" in table
    data = result.to_dict()
    assert data["ratio"] == 2.0 and data["meets_target"] is True
    assert data["memory_check"] == {
        "1000": {"articles": 1000, "peak_rss_mb": 80.0},
        "5000": {"articles": 5000, "peak_rss_mb": 90.0},
    }


def test_table_says_when_the_target_is_missed() -> None:
    result = bench.BenchmarkResult(
        corpus="c",
        requested=10,
        sides={"quotetrail": _side("quotetrail", 10, 2.0, 50.0), "spacy": _side("spacy", 10, 1.0, 60.0)},
        memory_check=None,
    )
    assert "ratio quotetrail / spaCy: 0.50 (BELOW the target of 1.0)" in bench.render_table(result)
    assert result.to_dict()["meets_target"] is False


def test_table_shows_where_the_time_goes_largest_first() -> None:
    stage_seconds = {"clean": 0.5, "statements": 2.0, bench.PROFILING: 0.25, bench.OUTSIDE_STAGES: 1.25}
    timed = _side("quotetrail", 100, 4.0, 50.0, stage_seconds)
    result = bench.BenchmarkResult(
        corpus="c",
        requested=100,
        sides={"quotetrail": _side("quotetrail", 100, 4.0, 50.0), "spacy": _side("spacy", 100, 2.0, 60.0)},
        memory_check=None,
        stage_times=timed,
    )
    lines = bench.render_table(result).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("where quotetrail's time goes"))
    names = [line.split()[0] for line in lines[start + 1 :]]
    assert names == ["statements", "reading,", "clean", "corpus"]
    assert "50.0 %  20.000 ms/article" in lines[start + 1]
    assert result.to_dict()["stage_seconds"]["statements"] == 2.0


def test_a_missing_corpus_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--n", "5", "--shared", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "allsides.jsonl.gz" in done.stderr and "--shared" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_small_end_to_end_run_measures_the_same_articles_on_both_sides() -> None:
    pytest.importorskip("spacy", reason="spaCy is the optional 'bench' dependency")
    if not (SHARED / "bench" / "news" / "allsides.jsonl.gz").is_file():
        pytest.skip(f"the benchmark corpus is not available under {SHARED}")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--n", "25", "--json", "--memory-check", "--stage-times"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["quotetrail"]["articles"] == data["spacy"]["articles"] == 25
    assert data["quotetrail"]["characters"] == data["spacy"]["characters"] > 0
    assert data["quotetrail"]["summary"]["skipped_total"] == 0
    assert data["ratio"] > 0 and data["quotetrail"]["peak_rss_mb"] > 0
    assert set(data["memory_check"]) == {"5", "25"}
    stage_seconds = data["stage_seconds"]
    assert {bench.PROFILING, bench.OUTSIDE_STAGES} <= set(stage_seconds) and len(stage_seconds) >= 5
    assert all(seconds >= 0 for seconds in stage_seconds.values())
