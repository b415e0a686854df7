"""Shared fixtures: where the repository and the shared material are."""

from __future__ import annotations

import importlib.util
import sys
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
    return load_benchmark("extraction")


def load_benchmark(name: str) -> ModuleType:
    """``benchmarks/NAME.py`` loaded as a module: the benchmarks are scripts, not a package."""
    spec = importlib.util.spec_from_file_location(
        f"{name}_benchmark", REPO_ROOT / "benchmarks" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def linked_seeds_db(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles analysed and linked into a store (shared by the web workspace's tests)."""
    from quotetrail import api
    from quotetrail.settings import Settings

    db = tmp_path_factory.mktemp("web") / "seeds.db"
    summary = api.analyze([seeds_dir], db, Settings(db=db))
    assert summary.stored == 5 and summary.link is not None
    return db


# Article text is hostile input: markup in a title, a body, a speaker's name and a quote.
HOSTILE_TITLE = "Mayor <script>window.__pwned = 1; alert('title')</script> resigns"
HOSTILE_TEXT = (
    "RIVERTON, March 3, 2021 - The mayor of Riverton resigned on Wednesday.\n\n"
    "\"<script>window.__pwned = 2; alert('quote')</script> We are done here,\" Mayor Ann Keller said.\n\n"
    "Council member Joe Brandt said the city would vote on a successor within 30 days, according to "
    "Reuters. <img src=x onerror=\"window.__pwned = 3; alert('img')\"> "
    "<a href=\"javascript:alert('link')\">More</a> <b onmouseover=\"alert('b')\">here</b>\n\n"
    '"Nobody saw this coming," Brandt said. "<iframe src=javascript:alert(1)></iframe>"\n'
)


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A linked store holding one article whose title and body are full of markup."""
    import json

    from quotetrail import api
    from quotetrail.settings import Settings

    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "hostile.jsonl"
    record = {
        "id": "hostile-1",
        "title": HOSTILE_TITLE,
        "text": HOSTILE_TEXT,
        "outlet": "<i>Evil</i> Times",
        "date": "2021-03-03",
        "url": "javascript:alert('url')",
    }
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = folder / "hostile.db"
    summary = api.analyze([source], db, Settings(db=db))
    assert summary.stored == 1
    return db
