"""The ``quotetrail`` command: extract, analyze, report.

A thin layer over :mod:`quotetrail.api`: options take their defaults and help from
:class:`quotetrail.settings.Settings`. Standard output carries only the requested output (JSON Lines,
a report, a summary); progress, skipped inputs and errors go to standard error.

Exit status: 0 on success; 1 with ``--strict`` when an input was skipped; 2 when the run could not
start or finish (an unusable database, an unwritable output file).
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from . import __version__, api, cli_serve, cli_trail
from .canon import AliasFileError
from .cli_common import DEFAULTS, EXIT_FAILED, EXIT_SKIPPED, DbOption, fail, stderr, utf8_stdout
from .cli_trail import AliasesOption
from .model import SkippedInput
from .report import render_report, report_to_dict
from .settings import Settings, option_help
from .store import StoreError

app = typer.Typer(
    name="quotetrail",
    help="Who said what, when, where, as reported by whom: attributed statements from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# The progress bar appears only once a run has lasted this long: a quick run prints nothing extra.
PROGRESS_DELAY_SECONDS = 1.0

Paths = Annotated[
    list[Path],
    typer.Argument(
        help="Files or folders (searched recursively): .txt, .html/.htm, .jsonl/.jsonl.gz, .warc/.warc.gz.",
        show_default=False,
        metavar="PATH...",
    ),
]
CleanOption = Annotated[bool, typer.Option("--clean", help=option_help("clean_jsonl"))]
StrictOption = Annotated[bool, typer.Option("--strict", help=option_help("strict"))]
WorkersOption = Annotated[int, typer.Option("--workers", min=1, help=option_help("workers"))]
MaxBytesOption = Annotated[int, typer.Option("--max-input-bytes", min=1, help=option_help("max_input_bytes"))]


class Scope(StrEnum):
    speech = "speech"
    all = "all"


DEFAULT_SCOPE = Scope(DEFAULTS.scope)
ScopeOption = Annotated[Scope, typer.Option("--scope", help=option_help("scope"))]


class _ProgressObserver(api.RunObserver):
    """A rich progress bar on standard error, shown once the run takes longer than a moment."""

    def __init__(self, console: Console, *, print_skips: bool) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._print_skips = print_skips
        self._task: TaskID | None = None
        self._shown = False
        self._started = time.monotonic()

    def phase(self, description: str, total: int | None) -> None:
        if self._task is not None:
            self._progress.remove_task(self._task)
        self._task = self._progress.add_task(description, total=total)

    def advance(self, items: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, items)
        if not self._shown and time.monotonic() - self._started > PROGRESS_DELAY_SECONDS:
            self._progress.start()
            self._shown = True

    def skipped(self, item: SkippedInput) -> None:
        if self._print_skips:
            self._progress.console.print(Text(f"skipped {item.source}: {item.reason}" + _detail(item.detail)))

    def close(self) -> None:
        if self._shown:
            self._progress.stop()


def _detail(detail: str) -> str:
    return f" ({detail})" if detail else ""


@contextmanager
def _progress(console: Console, *, print_skips: bool) -> Iterator[_ProgressObserver]:
    observer = _ProgressObserver(console, print_skips=print_skips)
    try:
        yield observer
    finally:
        observer.close()


def _skipped_line(summary: api.RunSummary) -> str:
    reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(summary.skipped.items()))
    return f"{summary.skipped_total} inputs skipped" + (f" ({reasons})" if reasons else "")


def _silence_stdout() -> None:
    # Python would otherwise report the broken pipe again when it flushes stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


@app.command()
def extract(
    paths: Paths,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write the JSON Lines here instead of to standard output.", dir_okay=False
        ),
    ] = None,
    clean: CleanOption = DEFAULTS.clean_jsonl,
    strict: StrictOption = DEFAULTS.strict,
    workers: WorkersOption = DEFAULTS.workers,
    max_input_bytes: MaxBytesOption = DEFAULTS.max_input_bytes,
    scope: ScopeOption = DEFAULT_SCOPE,
) -> None:
    """Analyse inputs and write one JSON object per article (no database needed)."""
    settings = Settings(
        workers=workers, clean_jsonl=clean, strict=strict, max_input_bytes=max_input_bytes, scope=scope.value
    )
    console = stderr()
    if output is None:
        utf8_stdout()
    with _progress(console, print_skips=True) as observer:
        try:
            summary = api.extract(paths, output, settings, observer=observer)
        except BrokenPipeError:
            # The reader went away (`quotetrail extract ... | head`): stop quietly, as other tools do.
            _silence_stdout()
            raise typer.Exit(EXIT_FAILED) from None
        except api.RunError as exc:
            raise fail(console, str(exc)) from exc
        except OSError as exc:
            raise fail(console, f"cannot write {output}: {exc.strerror or exc}") from exc
    console.print(Text(f"{summary.written} articles written; {_skipped_line(summary)}"))
    if strict and summary.skipped_total:
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
def analyze(
    paths: Paths,
    db: DbOption = DEFAULTS.db,
    clean: CleanOption = DEFAULTS.clean_jsonl,
    strict: StrictOption = DEFAULTS.strict,
    workers: WorkersOption = DEFAULTS.workers,
    max_input_bytes: MaxBytesOption = DEFAULTS.max_input_bytes,
    scope: ScopeOption = DEFAULT_SCOPE,
    link: Annotated[bool, typer.Option("--link/--no-link", help=option_help("link"))] = DEFAULTS.link,
    aliases: AliasesOption = DEFAULTS.aliases,
) -> None:
    """Analyse inputs into the database (articles already stored are not analysed again), then link it."""
    settings = Settings(
        db=db,
        workers=workers,
        clean_jsonl=clean,
        strict=strict,
        max_input_bytes=max_input_bytes,
        scope=scope.value,
        link=link,
        aliases=aliases,
    )
    console = stderr()
    with _progress(console, print_skips=False) as observer:
        try:
            summary = api.analyze(paths, db, settings, observer=observer)
        except (StoreError, api.RunError, AliasFileError) as exc:
            raise fail(console, str(exc)) from exc
    out = Console(highlight=False, soft_wrap=True)
    out.print(Text(f"{summary.read} articles read from the inputs"))
    out.print(Text(f"{summary.stored} stored in {db}"))
    out.print(Text(f"{summary.already_present} already present"))
    if summary.with_errors:
        out.print(Text(f"{summary.with_errors} analysed with stage errors (kept in the articles' errors)"))
    out.print(Text(_skipped_line(summary)))
    if summary.link is not None:
        out.print(Text(cli_trail.link_line(summary.link)))
    if strict and summary.skipped_total:
        raise typer.Exit(EXIT_SKIPPED)


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def report(
    db: DbOption = DEFAULTS.db,
    format: Annotated[ReportFormat, typer.Option("--format", help="Tables for reading, or JSON.")] = (
        ReportFormat.table
    ),
    limit: Annotated[int, typer.Option("--limit", min=0, help="Rows per section at most (0: all).")] = 50,
) -> None:
    """Speakers ranked by statements, statements per outlet and date, and the skipped inputs."""
    console = stderr()
    try:
        result = api.report(db, limit=limit or None)
    except FileNotFoundError as exc:
        raise fail(console, f"{exc}; create it with `quotetrail analyze PATH... --db {db}`") from exc
    except StoreError as exc:
        raise fail(console, str(exc)) from exc
    if format is ReportFormat.json:
        utf8_stdout()
        sys.stdout.write(json.dumps(report_to_dict(result), ensure_ascii=False, indent=2) + "\n")
    else:
        render_report(result, Console(highlight=False))


def _version(show: bool) -> None:
    if show:
        typer.echo(f"quotetrail {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Who said what, when, where, as reported by whom."""


cli_trail.register(app)
cli_serve.register(app)
