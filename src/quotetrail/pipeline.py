"""The stage contract and the per-article pipeline.

A stage is a plain callable ``Article -> Article`` that declares which article fields it reads
(``needs``) and which it fills in (``adds``). Stages are pure and per-article, so any executor — a
loop in this process, a process pool, a Dask bag — runs the same list. Work that needs several
articles at once (recurring page chrome of one source, cross-article linking) happens outside the
stage list: a corpus pass builds a profile first and a stage is constructed with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from .model import Article


class Stage(Protocol):
    name: str
    needs: tuple[str, ...]
    adds: tuple[str, ...]

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
