"""The command line, through typer's CliRunner: output contract, exit codes, summaries, the report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from quotetrail import __version__, api
from quotetrail.cli import EXIT_FAILED, EXIT_SKIPPED, app
from quotetrail.model import Article, article_to_record
from toy_analysis import toy_analysis

CONTRACT_KEYS = set(article_to_record(Article(id="x", source="x", raw_text="x")))
# What ../shared/eval/score_statements.py reads from each statement.
STATEMENT_KEYS = {
    "text",
    "start",
    "end",
    "speaker",
    "speaker_mention",
    "mention_start",
    "mention_end",
    "kind",
    "cue",
}


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the CLI with the small predictable analysis, whatever state the real stages are in."""
    monkeypatch.setattr(api, "default_analysis", toy_analysis)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("One\n\n“We will stay,” said Anna Berg.\n“No,” said Paul Roth.\n")
    (folder / "two.txt").write_text("Two\n\n“We leave today,” said Anna Berg.\n")
    records = [{"id": "j1", "text": "“Fine,” said Anna Berg.", "outlet": "Wire", "date": "2016-10-21"}]
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return folder


def add_bad_input(folder: Path) -> None:
    (folder / "blob.txt").write_bytes(b"\x00\x00\x00binary")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def parse_jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_help_of_every_command() -> None:
    for command in ([], ["extract"], ["analyze"], ["report"]):
        result = run(*command, "--help")
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output
    assert __version__ in run("--version").stdout


@pytest.mark.usefixtures("toy")
def test_extract_writes_the_output_contract_to_stdout(corpus: Path) -> None:
    result = run("extract", corpus)
    assert result.exit_code == 0
    records = parse_jsonl(result.stdout)
    assert [r["id"] for r in records] == ["j1", "one", "two"]
    for record in records:
        assert set(record) == CONTRACT_KEYS
        for statement in record["statements"]:
            assert set(statement) >= STATEMENT_KEYS
            body = record["body"]
            assert body[statement["start"] : statement["end"]] == statement["text"]
    assert [s["speaker"] for s in records[1]["statements"]] == ["Anna Berg", "Paul Roth"]
    assert "3 articles written; 0 inputs skipped" in result.stderr


@pytest.mark.usefixtures("toy")
def test_extract_reports_skipped_inputs_on_stderr_and_strict_fails(corpus: Path) -> None:
    add_bad_input(corpus)
    lenient = run("extract", corpus)
    assert lenient.exit_code == 0
    assert len(parse_jsonl(lenient.stdout)) == 3
    assert f"skipped {corpus / 'blob.txt'}: binary" in lenient.stderr
    assert "1 inputs skipped (binary: 1)" in lenient.stderr
    strict = run("extract", corpus, "--strict")
    assert strict.exit_code == EXIT_SKIPPED
    assert len(parse_jsonl(strict.stdout)) == 3


@pytest.mark.usefixtures("toy")
def test_extract_to_a_file_leaves_no_partial_file(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run("extract", corpus, "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert len(parse_jsonl(out.read_text(encoding="utf-8"))) == 3
    assert not (tmp_path / "out.jsonl.partial").exists()


@pytest.mark.usefixtures("toy")
def test_extract_clean_flag_reaches_jsonl_records(corpus: Path) -> None:
    plain = {r["id"]: r for r in parse_jsonl(run("extract", corpus).stdout)}
    assert plain["j1"]["body"] == "“Fine,” said Anna Berg."
    # The toy analysis does not clean, so --clean shows only in what reaches the stages.
    seen: list[bool] = []
    original = api.iter_analysed

    def spy(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for item in original(*args, **kwargs):
            if isinstance(item, Article) and item.id == "j1":
                seen.append(item.clean)
            yield item

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api, "iter_analysed", spy)
        run("extract", corpus)
        run("extract", corpus, "--clean")
    assert seen == [False, True]


def test_extract_to_an_unwritable_place_fails_clearly(corpus: Path, tmp_path: Path, toy: None) -> None:
    result = run("extract", corpus, "-o", tmp_path / "no" / "such" / "dir" / "out.jsonl")
    assert result.exit_code == EXIT_FAILED
    assert "cannot write" in result.stderr


@pytest.mark.usefixtures("toy")
def test_analyze_summary_and_rerun(corpus: Path, tmp_path: Path) -> None:
    add_bad_input(corpus)
    db = tmp_path / "qt.db"
    first = run("analyze", corpus, "--db", db)
    assert first.exit_code == 0, first.output
    assert "3 articles read" in first.stdout and "3 stored" in first.stdout
    assert "1 inputs skipped (binary: 1)" in first.stdout
    second = run("analyze", corpus, "--db", db, "--strict")
    assert second.exit_code == EXIT_SKIPPED
    assert "0 stored" in second.stdout and "3 already present" in second.stdout


@pytest.mark.usefixtures("toy")
def test_report_shows_speakers_outlets_and_skipped_inputs(corpus: Path, tmp_path: Path) -> None:
    add_bad_input(corpus)
    db = tmp_path / "qt.db"
    run("analyze", corpus, "--db", db)
    table = run("report", "--db", db)
    assert table.exit_code == 0
    text = table.stdout
    assert text.index("Anna Berg") < text.index("Paul Roth")
    assert "Wire" in text and "2016-10-21" in text
    assert "blob.txt" in text and "binary" in text

    as_json = json.loads(run("report", "--db", db, "--format", "json").stdout)
    assert [(s["name"], s["statements"], s["articles"]) for s in as_json["speakers"]] == [
        ("Anna Berg", 3, 3),
        ("Paul Roth", 1, 1),
    ]
    assert "Berg" in as_json["speakers"][0]["aliases"]
    assert {"outlet": "Wire", "published": "2016-10-21", "articles": 1, "statements": 1} in as_json["outlets"]
    assert as_json["skipped_by_reason"] == {"binary": 1}
    limited = json.loads(run("report", "--db", db, "--format", "json", "--limit", "1").stdout)
    assert len(limited["speakers"]) == 1 and limited["speakers_total"] == 2


def test_report_without_a_database_says_how_to_make_one(tmp_path: Path) -> None:
    result = run("report", "--db", tmp_path / "none.db")
    assert result.exit_code == EXIT_FAILED
    assert "quotetrail analyze" in result.stderr
    assert not (tmp_path / "none.db").exists()


@pytest.mark.usefixtures("toy")
def test_extract_with_workers_gives_the_same_output(corpus: Path) -> None:
    serial = run("extract", corpus).stdout
    pooled = run("extract", corpus, "--workers", "2").stdout
    assert pooled == serial


# --- the real pipeline, end to end ----------------------------------------------------------------------


@pytest.mark.slow
def test_extract_and_analyze_the_seed_articles(seeds_dir: Path, tmp_path: Path) -> None:
    result = run("extract", seeds_dir, "--strict")
    assert result.exit_code == 0, result.stderr
    records = parse_jsonl(result.stdout)
    assert len(records) == len(list(seeds_dir.glob("*.txt")))
    for record in records:
        assert set(record) == CONTRACT_KEYS
        assert record["errors"] == [], record["errors"]
        assert record["statements"], f"no statement found in {record['id']}"
        for statement in record["statements"]:
            assert record["body"][statement["start"] : statement["end"]] == statement["text"]

    db = tmp_path / "seeds.db"
    assert run("analyze", seeds_dir, "--db", db).exit_code == 0
    report = json.loads(run("report", "--db", db, "--format", "json").stdout)
    assert report["articles"] == len(records)
    assert report["statements"] == sum(len(r["statements"]) for r in records)


@pytest.mark.usefixtures("toy")
def test_no_room_for_temporary_files_fails_clearly(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_room(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tempfile.TemporaryFile", no_room)
    result = run("extract", corpus)
    assert result.exit_code == EXIT_FAILED
    assert "No space left on device" in result.stderr and "temporary" in result.stderr
