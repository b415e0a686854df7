"""Article text and metadata from an HTML page, with trafilatura and htmldate.

The settings are pinned on the extraction benchmark (shared/bench/extraction, 181 pages, F1 over word
4-gram shingles, scored by shared/eval/score_extraction.py): trafilatura's defaults score 0.947,
``include_comments=False`` 0.958, ``favor_precision=True`` 0.953, both together 0.961 (the best of the
combinations tried; ``favor_recall`` 0.945, ``deduplicate`` 0.931, ``include_tables=False`` 0.944,
``fast`` 0.941). ``benchmarks/extraction.py --html`` reproduces the figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import trafilatura
from htmldate import find_date

# Pinned on the extraction benchmark; see the module docstring.
TRAFILATURA_SETTINGS: Final[dict[str, Any]] = {
    "include_comments": False,
    "favor_precision": True,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
}
# htmldate: the original publication date, not the last modification; the fast search only, since a
# page without a date in its markup or URL rarely has a trustworthy one in its running text.
HTMLDATE_SETTINGS: Final[dict[str, Any]] = {"original_date": True, "extensive_search": False}

# Fewer words than this is a stray label, not an article (the shortest news briefs run to a sentence).
MIN_ARTICLE_WORDS = 5

_TAG_RE: Final = re.compile(
    r"<\s*(?:!doctype|html|head|body|div|p|article|span|a|meta|title|table|br)\b", re.I
)
_ISO_DATE_RE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class HtmlDoc:
    """What an HTML page yields: the article text and the page's own metadata."""

    text: str
    title: str | None
    date: str | None  # YYYY-MM-DD
    sitename: str | None
    url: str | None


def extract_html(html: str, url: str | None = None) -> HtmlDoc:
    """The article of an HTML page.

    Raises ``ValueError`` with a short reason ("empty html", "not html", "no article text found") when
    the page yields nothing; the ingester records it as a skipped input.
    """
    if not html or not html.strip():
        raise ValueError("empty html")
    if _TAG_RE.search(html[:65536]) is None:
        raise ValueError("not html: no HTML tags in the first 64 KiB")
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, as_dict=False, **TRAFILATURA_SETTINGS
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no article text found")
    if len(text.split()) < MIN_ARTICLE_WORDS:
        # trafilatura's fallbacks return a menu entry or a button label for a page without an article
        raise ValueError(f"no article text found (only {len(text.split())} words)")
    date = _page_date(html, url, getattr(doc, "date", None))
    return HtmlDoc(
        text=text.strip(),
        title=_clean_str(getattr(doc, "title", None)),
        date=date,
        sitename=_clean_str(getattr(doc, "sitename", None)),
        url=_clean_str(getattr(doc, "url", None)) or url,
    )


def _page_date(html: str, url: str | None, from_trafilatura: object) -> str | None:
    """The publication date: htmldate's original date, else the one trafilatura found."""
    try:
        found = find_date(html, url=url, **HTMLDATE_SETTINGS)
    except (ValueError, TypeError):  # htmldate rejects some malformed trees; the page stays usable
        found = None
    for candidate in (found, from_trafilatura):
        if isinstance(candidate, str) and _ISO_DATE_RE.match(candidate):
            return candidate
    return None


def _clean_str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
