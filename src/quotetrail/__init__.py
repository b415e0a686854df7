"""quotetrail: who said what, when, where, as reported by whom — from raw news articles.

The Python API the command line is a thin layer over::

    from quotetrail import Settings, analyze, extract, iter_analysed, report

    for item in iter_analysed(["articles/"], Settings()):
        ...  # an analysed Article, or a SkippedInput with its reason

The names from :mod:`quotetrail.api` are imported on first use, so importing a submodule such as
``quotetrail.model`` stays cheap (worker processes do that).
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from .model import Article, SkippedInput, Statement, article_to_record
from .settings import Settings

try:
    __version__ = version("quotetrail")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from .api import RunSummary, analyze, extract, iter_analysed, report
    from .store import Store

_LAZY = {
    "RunSummary": "api",
    "analyze": "api",
    "extract": "api",
    "iter_analysed": "api",
    "report": "api",
    "Store": "store",
}

__all__ = [
    "Article",
    "RunSummary",
    "Settings",
    "SkippedInput",
    "Statement",
    "Store",
    "__version__",
    "analyze",
    "article_to_record",
    "extract",
    "iter_analysed",
    "report",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
