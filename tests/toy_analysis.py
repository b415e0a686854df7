"""A tiny, predictable analysis for testing the run machinery (ingest, store, CLI) on its own.

Module-level functions, so that the stage list pickles into worker processes.
"""

from __future__ import annotations

import os
import re
from typing import Any

from quotetrail.api import Analysis
from quotetrail.model import Article, Entity, Mention, Span, Statement
from quotetrail.pipeline import Stage, stage

# “Quoted words,” said Firstname Lastname
QUOTE = re.compile(r"“([^”]+?),?” said ((?:[A-Z][a-z]+ )*[A-Z][a-z]+)")
PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")


@stage(needs=("raw_text",), adds=("body", "paragraphs", "title", "outlet", "published"))
def toy_clean(article: Article) -> Article:
    article.body = article.raw_text
    article.paragraphs = [Span(m.start(), m.end(), m.group()) for m in PARAGRAPH.finditer(article.body)]
    article.title = article.input_meta.get("title")
    article.outlet = article.input_meta.get("outlet")
    article.published = article.input_meta.get("published")
    return article


@stage(needs=("body",), adds=("statements", "entities"))
def toy_statements(article: Article) -> Article:
    for m in QUOTE.finditer(article.body):
        speaker = m.group(2)
        mention = Mention(speaker, m.start(2), m.end(2), "name", speaker, "toy rule")
        article.statements.append(
            Statement(m.group(1), m.start(1), m.end(1), "direct", "said", speaker, mention, 0.9, "toy")
        )
        if all(e.name != speaker for e in article.entities):
            article.entities.append(Entity(speaker, "person", [speaker, speaker.split()[-1]]))
    return article


class CountingProfiler:
    """Counts the articles of the first pass; the stage list receives the count."""

    def __init__(self) -> None:
        self.seen = 0

    def add(self, article: Article) -> None:
        self.seen += 1

    def build(self) -> int:
        return self.seen


def make_toy_stages(profile: Any) -> list[Stage]:
    return [toy_clean, toy_statements]


def toy_analysis(scope: str = "speech") -> Analysis:
    """Stands in for :func:`quotetrail.api.default_analysis` (the toy stages have no scope)."""
    return Analysis(make_stages=make_toy_stages, make_profiler=CountingProfiler)


class SimulatedKill(BaseException):
    """Like KeyboardInterrupt: not an Exception, so no stage error handler swallows it."""


KILL_AFTER_ENV = "QUOTETRAIL_TEST_KILL_AFTER"
_analysed_here = 0


@stage(needs=("body",), adds=())
def killing_stage(article: Article) -> Article:
    """Ends the run when this process has analysed $QUOTETRAIL_TEST_KILL_AFTER articles: by SIGKILL if
    $QUOTETRAIL_TEST_KILL_HARD is set (no cleanup at all), else by raising :class:`SimulatedKill`."""
    global _analysed_here
    _analysed_here += 1
    if _analysed_here > int(os.environ.get(KILL_AFTER_ENV, "1000000000")):
        if os.environ.get("QUOTETRAIL_TEST_KILL_HARD"):
            os.kill(os.getpid(), 9)
        raise SimulatedKill(f"killed after {_analysed_here - 1} articles")
    return article


def make_killing_stages(profile: Any) -> list[Stage]:
    return [toy_clean, toy_statements, killing_stage]


def reset_kill_counter() -> None:
    global _analysed_here
    _analysed_here = 0
