"""The Python API; the command line is a thin layer over these functions.

A run makes two passes. The first reads the inputs and feeds every article to a corpus profiler
(:class:`quotetrail.clean.CorpusProfiler`), which learns the page chrome that recurs across articles of
one source in bounded memory, while spooling what it read to a temporary file; the second runs the
stage list built with that profile (:func:`quotetrail.stages.default_stages`) over each spooled
article. Both passes stream, so memory does not grow with the corpus, and the second pass knows how
many items to expect (for a progress bar).

- :func:`iter_analysed` yields each analysed :class:`Article` or :class:`SkippedInput`;
- :func:`extract` writes the output contract (:func:`quotetrail.model.article_to_record`) as JSON Lines;
- :func:`analyze` stores the analysis; articles already stored (same content hash) are not analysed
  again, and articles are committed in small batches so a killed run loses at most one batch;
- :func:`report` summarises a store;
- :func:`link` runs the cross-article pass (:mod:`quotetrail.linking`) over a store, which
  :func:`analyze` also does at the end of a run unless ``Settings.link`` is False;
- the questions asked of a linked store — :func:`speakers`, :func:`said`, :func:`search`,
  :func:`echoes`, :func:`stories`, :func:`timeline`, :func:`claims` — come from
  :mod:`quotetrail.queries`, and :func:`export` from :mod:`quotetrail.export`.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import sqlite3
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from .export import ExportFormat, export
from .ingest import SkipReason, iter_inputs
from .linking import LinkSummary
from .linking import link as _link_store
from .model import Article, SkippedInput, StatementScope, article_to_record
from .pipeline import Stage, run_pool, run_stages
from .queries import (
    NotLinkedError,
    UnknownNameError,
    claims,
    echoes,
    find_entities,
    said,
    search,
    speakers,
    stories,
    story_of_each_article,
    timeline,
)
from .report import Report, build_report
from .settings import Settings
from .store import Store

InputPaths = Iterable[str | os.PathLike[str]]


class Profiler(Protocol):
    """Learns from every article of a run before any is analysed (see :mod:`quotetrail.clean`)."""

    def add(self, article: Article) -> None: ...

    def build(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class Analysis:
    """What a run does to each article: how to build the stage list, and the profiler whose result the
    stage list is built with (None: no profiling pass, the stages get ``None``)."""

    make_stages: Callable[[Any], list[Stage]]
    make_profiler: Callable[[], Profiler] | None = None


def default_analysis(scope: StatementScope = "speech") -> Analysis:
    """The full quotetrail analysis: corpus profile, then clean → metadata → statements → …"""
    from .clean import CorpusProfiler
    from .stages import default_stages

    return Analysis(make_stages=functools.partial(default_stages, scope=scope), make_profiler=CorpusProfiler)


class RunObserver:
    """Hooks a front end follows a run with (a progress bar, a log); each does nothing by default."""

    def phase(self, description: str, total: int | None) -> None:
        """A pass over the inputs begins; ``total`` items are expected, if known."""

    def advance(self, items: int = 1) -> None:
        """Items of the current pass are done."""

    def skipped(self, item: SkippedInput) -> None:
        """An input could not be analysed (reported during the analysing pass only)."""


@dataclass(frozen=True, slots=True)
class AlreadyStored:
    """An article of the inputs the store already holds: counted, not analysed again."""

    source: str
    content_hash: str


@dataclass(slots=True)
class RunSummary:
    """What a run did, for its closing message and exit status."""

    read: int = 0  # articles read from the inputs (skipped inputs not included)
    analysed: int = 0
    written: int = 0  # extract: JSON lines written
    stored: int = 0  # analyze: articles added to the store
    already_present: int = 0  # analyze: articles the store already held
    with_errors: int = 0  # analysed articles on which a stage reported an error
    skipped: Counter[str] = field(default_factory=Counter)  # skipped inputs by reason
    link: LinkSummary | None = None  # analyze: the cross-article pass that followed, if it ran

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def count(self, item: Article | SkippedInput | AlreadyStored) -> None:
        if isinstance(item, SkippedInput):
            self.skipped[item.reason] += 1
        elif isinstance(item, AlreadyStored):
            self.read += 1
            self.already_present += 1
        else:
            self.read += 1
            self.analysed += 1
            self.with_errors += bool(item.errors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "analysed": self.analysed,
            "written": self.written,
            "stored": self.stored,
            "already_present": self.already_present,
            "with_errors": self.with_errors,
            "skipped": dict(sorted(self.skipped.items())),
            "skipped_total": self.skipped_total,
            # What the run did, so two runs over the same inputs summarise alike: no timings.
            "link": self.link.to_dict(timings=False) if self.link is not None else None,
        }


def _analysed_items(
    paths: InputPaths,
    settings: Settings,
    analysis: Analysis | None,
    observer: RunObserver | None,
    is_known: Callable[[str], bool] | None,
) -> Iterator[Article | SkippedInput | AlreadyStored]:
    analysis = analysis or default_analysis(settings.scope)
    observer = observer or RunObserver()
    inputs = iter_inputs(paths, clean_jsonl=settings.clean_jsonl, max_input_bytes=settings.max_input_bytes)
    if analysis.make_profiler is None:
        yield from _analyse(inputs, analysis.make_stages(None), None, settings, observer, is_known)
        return
    with _Spool() as spool:
        observer.phase("Reading inputs", None)
        profiler = analysis.make_profiler()
        for item in inputs:
            spool.add(item)
            if isinstance(item, Article):
                profiler.add(item)
            observer.advance()
        stages = analysis.make_stages(profiler.build())
        yield from _analyse(spool.items(), stages, spool.count, settings, observer, is_known)


def _analyse(
    items: Iterable[Article | SkippedInput],
    stages: list[Stage],
    expected: int | None,
    settings: Settings,
    observer: RunObserver,
    is_known: Callable[[str], bool] | None,
) -> Iterator[Article | SkippedInput | AlreadyStored]:
    observer.phase("Analysing", expected)
    marked: Iterable[Article | SkippedInput | AlreadyStored] = (
        items if is_known is None else _mark_known(items, is_known)
    )
    results: Iterable[Article | SkippedInput | AlreadyStored]
    if settings.workers > 1:
        results = run_pool(marked, stages, settings.workers)
    else:
        results = (run_stages(item, stages) if isinstance(item, Article) else item for item in marked)
    for result in results:
        observer.advance()
        if isinstance(result, SkippedInput):
            observer.skipped(result)
        yield result


class RunError(Exception):
    """A run cannot go on for a reason outside its inputs (no room for its temporary files)."""


class _Spool:
    """The first pass's items, kept on disk for the second pass, so that no input is read, decoded or
    HTML-extracted twice; memory stays flat. The file is unlinked from the start (TemporaryFile), so a
    killed run leaves nothing behind. Measured on bench/news/allsides: ≈ 19 µs to write and 15 µs to
    read back an article, against ≈ 110 µs to read it from the .jsonl.gz again (and ≈ 50 ms to
    extract a page of bench/extraction again); it takes about as much disk as the inputs uncompressed.
    """

    def __init__(self) -> None:
        self.count = 0
        try:
            # Closed by __exit__: the spool is itself the context manager.
            self._file = tempfile.TemporaryFile(prefix="quotetrail-spool-")  # noqa: SIM115
        except OSError as exc:
            raise RunError(
                f"cannot create a temporary file in {tempfile.gettempdir()}: {exc.strerror}"
            ) from exc

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._file.close()

    def add(self, item: Article | SkippedInput) -> None:
        try:
            pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            raise RunError(
                f"cannot write the temporary spool in {tempfile.gettempdir()}: {exc.strerror} "
                "(set TMPDIR to a folder with room for the inputs)"
            ) from exc
        self.count += 1

    def items(self) -> Iterator[Article | SkippedInput]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self.count):
            item: Article | SkippedInput = pickle.load(self._file)
            yield item


def _mark_known(
    items: Iterable[Article | SkippedInput | AlreadyStored], is_known: Callable[[str], bool]
) -> Iterator[Article | SkippedInput | AlreadyStored]:
    for item in items:
        if isinstance(item, Article) and is_known(content_hash := item.content_hash):
            yield AlreadyStored(item.source, content_hash)
        else:
            yield item


def iter_analysed(
    paths: InputPaths,
    settings: Settings | None = None,
    *,
    analysis: Analysis | None = None,
    observer: RunObserver | None = None,
) -> Iterator[Article | SkippedInput]:
    """Every input under ``paths``, analysed, in input order: an Article, or a SkippedInput saying why not."""
    for item in _analysed_items(paths, settings or Settings(), analysis, observer, is_known=None):
        if not isinstance(item, AlreadyStored):
            yield item


def extract(
    paths: InputPaths,
    out: str | os.PathLike[str] | TextIO | None = None,
    settings: Settings | None = None,
    *,
    analysis: Analysis | None = None,
    observer: RunObserver | None = None,
) -> RunSummary:
    """Analyse ``paths`` and write one JSON object per article to ``out`` (a path, a text stream, or
    standard output when None). A file is written under a temporary name and renamed when complete, so
    an interrupted run never leaves a truncated file that looks finished."""
    summary = RunSummary()
    items = iter_analysed(paths, settings, analysis=analysis, observer=observer)
    if not isinstance(out, str | os.PathLike):
        _write_records(items, out if out is not None else sys.stdout, summary)
        return summary
    target = Path(out)
    partial_file = target.with_name(target.name + ".partial")
    try:
        with partial_file.open("w", encoding="utf-8", newline="\n") as stream:
            _write_records(items, stream, summary)
        partial_file.replace(target)
    finally:
        partial_file.unlink(missing_ok=True)
    return summary


# What json.dumps(record, ensure_ascii=False) uses, built once. Records are trees of fresh dicts and lists
# from article_to_record, never cyclic, so the encoder's cycle check (an id() set kept up to date for
# every container written) is work for nothing: without it a record is written 10-15% faster.
_RECORD_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _write_records(items: Iterable[Article | SkippedInput], stream: TextIO, summary: RunSummary) -> None:
    encode = _RECORD_ENCODER.encode
    for item in items:
        summary.count(item)
        if isinstance(item, Article):
            stream.write(encode(article_to_record(item)) + "\n")
            summary.written += 1
    stream.flush()


def analyze(
    paths: InputPaths,
    db: str | os.PathLike[str] | None = None,
    settings: Settings | None = None,
    *,
    analysis: Analysis | None = None,
    observer: RunObserver | None = None,
) -> RunSummary:
    """Analyse ``paths`` into the store at ``db`` (default: ``settings.db``), then link the whole store
    (unless ``settings.link`` is False); see the module docs."""
    settings = settings or Settings()
    summary = RunSummary()
    with Store.open(db if db is not None else settings.db) as store:
        uncommitted = 0
        for item in _analysed_items(paths, settings, analysis, observer, is_known=store.has):
            summary.count(item)
            if isinstance(item, AlreadyStored):
                continue
            store.begin()
            if isinstance(item, SkippedInput):
                store.add_skipped(item)
            else:
                _store_article(store, item, summary)
            uncommitted += 1
            if uncommitted >= settings.commit_every:
                store.commit()
                uncommitted = 0
        store.commit()
        if settings.link:
            summary.link = _link_store(store, aliases=settings.aliases)
    return summary


def link(
    db: str | os.PathLike[str],
    *,
    aliases: str | os.PathLike[str] | None = None,
) -> LinkSummary:
    """Run the cross-article pass over the store at ``db`` (FileNotFoundError if there is none)."""
    with Store.open(db, create=False) as store:
        return _link_store(store, aliases=aliases)


def _store_article(store: Store, article: Article, summary: RunSummary) -> None:
    try:
        added = store.add(article)
    except sqlite3.IntegrityError as exc:
        # A stage produced an item the schema refuses (an unknown statement kind, say): the article is
        # recorded as skipped instead of ending the run.
        detail = f"the analysis breaks a schema constraint: {exc}"
        skipped = SkippedInput(article.source, SkipReason.UNSTORABLE.value, detail)
        store.add_skipped(skipped)
        summary.skipped[skipped.reason] += 1
        return
    if added:
        summary.stored += 1
    else:  # the same text twice in one run
        summary.already_present += 1


__all__ = [
    "AlreadyStored",
    "Analysis",
    "ExportFormat",
    "LinkSummary",
    "NotLinkedError",
    "RunError",
    "RunObserver",
    "RunSummary",
    "UnknownNameError",
    "analyze",
    "claims",
    "default_analysis",
    "echoes",
    "export",
    "extract",
    "find_entities",
    "iter_analysed",
    "link",
    "report",
    "said",
    "search",
    "speakers",
    "stories",
    "story_of_each_article",
    "timeline",
]


def report(db: str | os.PathLike[str], *, limit: int | None = None) -> Report:
    """The report of an existing store (FileNotFoundError if there is none at ``db``)."""
    with Store.open(db, create=False) as store:
        return build_report(store, limit=limit)
