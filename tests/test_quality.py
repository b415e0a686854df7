"""Quality floors: the seed articles scored by the shared scorer.

Each floor is the figure last measured, rounded down; raise a floor when the figure improves, never
lower one. The command under test is exactly what a user runs: ``quotetrail extract ../shared/seeds``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from quotetrail.api import extract
from quotetrail.settings import Settings

# Measured 2026-11 with `quotetrail extract ../shared/seeds -o seeds.jsonl` and
# `score_statements.py --gold ../shared/gold/seeds --pred seeds.jsonl`:
# f1 0.995 (precision 1.000, recall 0.991), speaker strict 0.962, lenient 1.000, kind 1.000, boilerplate
# 1.000, lost 0, title/outlet/published 1.000, quantity f1 0.957, quantity values 1.000.
SEED_FLOORS: dict[str, float] = {
    "f1": 0.99,
    "precision": 1.0,
    "recall": 0.99,
    "speaker_accuracy_strict": 0.96,
    "speaker_accuracy_lenient": 0.99,
    "kind_accuracy": 0.99,
    "boilerplate_removed": 1.0,
    "title_accuracy": 1.0,
    "outlet_accuracy": 1.0,
    "published_accuracy": 1.0,
    "quantity_f1": 0.95,
    "quantity_value_accuracy": 1.0,
}


def score(scorer: Path, gold: Path, pred: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(scorer), "--gold", str(gold), "--pred", str(pred), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.fixture(scope="module")
def seed_scores(
    seeds_dir: Path, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("seeds") / "seeds.jsonl"
    cli = Path(sys.executable).with_name("quotetrail")
    if cli.exists():
        subprocess.run([str(cli), "extract", str(seeds_dir), "-o", str(out)], check=True, capture_output=True)
    else:  # not installed as a script (e.g. run from a source tree): the same function it calls
        extract([seeds_dir], out)
    return score(shared_dir / "eval" / "score_statements.py", shared_dir / "gold" / "seeds", out)


@pytest.mark.parametrize("figure", sorted(SEED_FLOORS))
def test_seed_figure_stays_above_its_floor(seed_scores: dict[str, Any], figure: str) -> None:
    assert seed_scores[figure] >= SEED_FLOORS[figure], (
        figure,
        seed_scores[figure],
        seed_scores["speaker_errors"],
    )


def test_seed_statement_text_is_never_cut_from_the_body(seed_scores: dict[str, Any]) -> None:
    assert seed_scores["statement_text_lost_from_body"] == 0
    assert seed_scores["missing_articles"] == 0


# The project's own example corpus, scored against its hand annotation in examples/gold. Measured with
# `quotetrail extract --clean examples/corpus -o ex.jsonl` and the same scorer: f1 0.932, speaker strict
# 0.897, kind 0.941, boilerplate 1.000, title 1.000.
EXAMPLE_FLOORS: dict[str, float] = {
    "f1": 0.93,
    "speaker_accuracy_strict": 0.89,
    "kind_accuracy": 0.94,
    "boilerplate_removed": 1.0,
    "title_accuracy": 1.0,
}


def test_example_corpus_stays_above_its_floors(repo_root: Path, shared_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "examples.jsonl"
    extract([repo_root / "examples" / "corpus"], out, Settings(clean_jsonl=True))
    scores = score(shared_dir / "eval" / "score_statements.py", repo_root / "examples" / "gold", out)
    low = {k: scores[k] for k, floor in EXAMPLE_FLOORS.items() if scores[k] < floor}
    assert not low, (low, scores["speaker_errors"])
    assert scores["statement_text_lost_from_body"] == 0


# PolNeAR dev (political news, every attribution annotated; beliefs and intentions included), scored with
# `quotetrail extract --scope all ../shared/bench/quotes/polnear.dev.jsonl.gz -o pol.jsonl` and
# `score_statements.py --gold ../shared/bench/quotes/polnear.dev.jsonl.gz --pred pol.jsonl`:
# f1 0.554 (precision 0.613, recall 0.505), exact_f1 0.324, speaker_mention_accuracy 0.868.
POLNEAR_FLOORS: dict[str, float] = {"f1": 0.55, "exact_f1": 0.32, "speaker_mention_accuracy": 0.86}


@pytest.mark.slow
def test_polnear_dev_stays_above_its_floors(shared_dir: Path, tmp_path: Path) -> None:
    gold = shared_dir / "bench" / "quotes" / "polnear.dev.jsonl.gz"
    if not gold.exists():
        pytest.skip(f"PolNeAR dev is not at {gold}")
    out = tmp_path / "polnear.jsonl"
    extract([gold], out, Settings(scope="all"))
    scores = score(shared_dir / "eval" / "score_statements.py", gold, out)
    low = {k: scores[k] for k, floor in POLNEAR_FLOORS.items() if scores[k] < floor}
    assert not low, low
    assert scores["pred_unlocatable"] == 0 and scores["articles_body_differs"] == 0
