"""Shared fixtures: where the repository and the shared material are."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# The read-only material (seed articles, gold, benchmarks) lives beside the repository, never in it.
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared material; tests that need it are skipped, saying why, where it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"shared material not found at {SHARED_DIR} (expected beside the repository)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    seeds = shared_dir / "seeds"
    if not any(seeds.glob("*.txt")):
        pytest.skip(f"no seed articles in {seeds}")
    return seeds


@pytest.fixture(scope="session")
def extraction_benchmark(shared_dir: Path) -> ModuleType:
    """``benchmarks/extraction.py`` loaded as a module; skips when the benchmark pages are absent."""
    bench_dir = shared_dir / "bench" / "extraction"
    for name in ("gold.jsonl.gz", "html_pages.tar.gz", "flattened_text.jsonl.gz"):
        if not (bench_dir / name).is_file():
            pytest.skip(f"extraction benchmark file {name} not found under {bench_dir}")
    spec = importlib.util.spec_from_file_location(
        "extraction_benchmark", REPO_ROOT / "benchmarks" / "extraction.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
