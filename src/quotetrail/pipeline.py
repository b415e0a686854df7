"""The stage contract and the per-article pipeline.

A stage is a plain callable ``Article -> Article`` that declares which article fields it reads
(``needs``) and which it fills in (``adds``). Stages are pure and per-article, so any executor — a
loop in this process, a process pool, a Dask bag — runs the same list. Work that needs several
articles at once (recurring page chrome of one source, cross-article linking) happens outside the
stage list: a corpus pass builds a profile first and a stage is constructed with it.
"""

from __future__ import annotations

import importlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from .model import Article

T = TypeVar("T")


class Stage(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def needs(self) -> tuple[str, ...]: ...

    @property
    def adds(self) -> tuple[str, ...]: ...

    def __call__(self, article: Article) -> Article: ...


@dataclass(frozen=True, slots=True)
class FunctionStage:
    """Wraps a plain function as a :class:`Stage`."""

    fn: Callable[[Article], Article]
    name: str
    needs: tuple[str, ...]
    adds: tuple[str, ...]

    def __call__(self, article: Article) -> Article:
        return self.fn(article)

    def __reduce__(self) -> str | tuple[Any, ...]:
        # Sent to a worker process by name: `@stage` rebinds the function's module-level name to this
        # wrapper, so the function itself can no longer be pickled by reference.
        module, qualname = self.fn.__module__, self.fn.__qualname__
        if _find_global(module, qualname) is self:
            return (_find_global, (module, qualname))
        return (FunctionStage, (self.fn, self.name, self.needs, self.adds))


def _find_global(module: str, qualname: str) -> object:
    found: object = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return found


def stage(
    *, needs: tuple[str, ...], adds: tuple[str, ...], name: str | None = None
) -> Callable[[Callable[[Article], Article]], FunctionStage]:
    """Declare a function as a stage: ``@stage(needs=("body",), adds=("quantities",))``."""

    def wrap(fn: Callable[[Article], Article]) -> FunctionStage:
        return FunctionStage(fn=fn, name=name or fn.__name__, needs=needs, adds=adds)

    return wrap


def check_stages(stages: Iterable[Stage]) -> None:
    """Fail early when a stage needs a field that no earlier stage (nor ingestion) provides."""
    provided = {"id", "source", "raw_text", "clean", "html", "url", "input_meta"}
    for st in stages:
        missing = [n for n in st.needs if n not in provided]
        if missing:
            raise ValueError(f"stage {st.name!r} needs {missing} but nothing before it adds them")
        provided.update(st.adds)


def run_stages(article: Article, stages: Iterable[Stage]) -> Article:
    """Run every stage on one article; a stage that fails records its error and the rest go on."""
    for st in stages:
        try:
            article = st(article)
        except Exception as exc:  # a bug on one article must not lose the run
            article.errors.append(f"{st.name}: {type(exc).__name__}: {exc}")
    return article


def run_all(articles: Iterable[Article], stages: list[Stage]) -> Iterator[Article]:
    """The in-process executor."""
    for article in articles:
        yield run_stages(article, stages)


# --- process-pool executor -------------------------------------------------------------------------

# Articles per task sent to a worker: enough to amortise the pickling round trip (≈ 0.1 ms per task
# here) over several articles, small enough that the workers stay evenly loaded and memory stays flat.
POOL_CHUNK_SIZE = 8
# Tasks in flight per worker: keeps every worker busy while the parent reads the next inputs, and
# bounds how many articles are held in memory at once (workers × 4 × chunk).
POOL_TASKS_PER_WORKER = 4

_worker_stages: list[Stage] = []


def _init_worker(stages: list[Stage]) -> None:
    # The stage list (with its corpus profile) is pickled once per worker, not once per article.
    global _worker_stages
    _worker_stages = stages


def _run_chunk(articles: list[Article]) -> list[Article]:
    return [run_stages(article, _worker_stages) for article in articles]


def run_pool(
    items: Iterable[Article | T],
    stages: list[Stage],
    workers: int,
    *,
    chunk_size: int = POOL_CHUNK_SIZE,
) -> Iterator[Article | T]:
    """The process-pool executor: the same results as :func:`run_all`, in input order.

    Items that are not articles (a skipped input, a marker) pass through untouched, in their place.
    Workers are started with "spawn", not "fork": the parent may be running threads (a progress bar's
    refresher), and forking a threaded process can deadlock the child.
    """
    context = multiprocessing.get_context("spawn")
    pending: deque[Future[list[Article]] | list[T]] = deque()
    max_pending = workers * POOL_TASKS_PER_WORKER
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(stages,)
    )
    try:
        chunk: list[Article] = []
        for item in items:
            if isinstance(item, Article):
                chunk.append(item)
                if len(chunk) < chunk_size:
                    continue
                pending.append(pool.submit(_run_chunk, chunk))
                chunk = []
            else:
                if chunk:
                    pending.append(pool.submit(_run_chunk, chunk))
                    chunk = []
                pending.append([item])
            while len(pending) > max_pending:
                yield from _settled(pending.popleft())
        if chunk:
            pending.append(pool.submit(_run_chunk, chunk))
        while pending:
            yield from _settled(pending.popleft())
    finally:
        # On an early stop (the consumer failed or was interrupted) do not analyse what nobody will read.
        pool.shutdown(wait=True, cancel_futures=True)


def _settled(entry: Future[list[Article]] | list[T]) -> list[Article] | list[T]:
    return entry.result() if isinstance(entry, Future) else entry
