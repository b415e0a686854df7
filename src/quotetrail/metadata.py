"""Article metadata from the text: title, outlet, publication date and dateline place.

Evidence, strongest first:

* title: the input's own title (``input_meta["title"]``: JSONL field, HTML ``<title>``/og:title), else
  the title line the cleaner took off the top of the text (``input_meta["title_line"]``), with a
  trailing " - Site name" removed when it names the outlet;
* outlet: the input's outlet (``input_meta["outlet"]``/``"sitename"``), else an agency mark in the
  dateline (``MOSCOW, October 21. /TASS/.``, ``Moscow, SANA –``, ``WASHINGTON (Reuters) -``), else the
  URL's domain;
* published: the input's date, else a date line of the page (``7 Oct, 2016 12:29``, ``Posted: March 3,
  2016``; the cleaner removes these lines into ``article.boilerplate``), else the month and day of the
  dateline, else a "Friday, December 2" in the text. A date without a year gets its year from the
  context — the weekday the text names for that day, and the years the text mentions — and is
  flagged ``published_inferred``; with no such context it stays unknown rather than guessed, and the
  month and day are kept as ``published_month_day`` ("--10-31") for the link pass to complete;
* dateline: the place that opens the story (``ROME-``, ``MOSCOW, October 21. /TASS/.``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from .clean import is_date_line
from .model import Article
from .pipeline import stage
from .text import ends_sentence

_MONTH_NUMBERS: Final[dict[str, int]] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_WEEKDAY_NUMBERS: Final[dict[str, int]] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# Dates written out with a year: "7 Oct, 2016", "October 21, 2016", "Nov. 19, 2019", "2019-11-20".
_DATE_PATTERNS: Final = (
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)"),
    re.compile(r"\b(?P<day>[0-3]?\d)[./](?P<month>[01]?\d)[./](?P<year>(?:19|20)\d\d)\b"),
)
# A date line that says it is the publication date, not an update.
_PUBLISHED_LABEL_RE: Final = re.compile(r"\b(?:published|posted|first published|date)\b", re.IGNORECASE)
_UPDATED_LABEL_RE: Final = re.compile(r"\b(?:updated|modified|edited)\b", re.IGNORECASE)
# "Friday, December 2" with no year: an event date the text gives with its weekday. The pattern starts
# at the literal "day" (so the regex engine skips through a long body at memchr speed) and the
# weekday in front of it is checked afterwards.
_DAY_DATE_RE: Final = re.compile(
    r"day,?\s+(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
    r"(?!,?\s*\d)"
)
_WEEKDAY_STEMS: Final = ("Mon", "Tues", "Wednes", "Thurs", "Fri", "Satur", "Sun")
_WEEKDAY_RE: Final = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE
)
# Years are found from their literal first two digits, for the same reason.
_YEAR_RES: Final = (re.compile(r"19\d\d"), re.compile(r"20\d\d"))

# The dateline that opens a story. PLACE is the city as written; the date and agency are optional.
_CAPS_PLACE = (
    r"[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,3}(?:,\s[A-Z][A-Za-z.]{1,14}(?:\s[A-Z][A-Za-z.]{1,14})?)?"
)
_ANY_PLACE = r"[A-Z][\w.'’]+(?:[ -][A-Z][\w.'’]+){0,3}"
_DATELINE_PATTERNS: Final = (
    # MOSCOW, October 21. /TASS/.
    re.compile(
        rf"^(?P<place>{_ANY_PLACE}),\s+{_MONTH}\s+{_DAY}\.?\s*/(?P<outlet>[A-Z][\w-]{{1,15}})/\.?",
        re.IGNORECASE,
    ),
    # WASHINGTON, Oct 7 (Reuters) -     WASHINGTON (AP) —
    re.compile(
        rf"^(?P<place>{_CAPS_PLACE})(?:,\s+(?i:{_MONTH})\s+{_DAY})?\s*"
        r"\((?P<outlet>[A-Z][\w.&' -]{1,30})\)\s*[-–—:]"
    ),
    # Moscow, SANA –
    re.compile(rf"^(?P<place>{_ANY_PLACE}),\s+(?P<outlet>[A-Z]{{2,10}})\s*[-–—]\s"),
    # ROME-     MADRID —     NEW DELHI:     BUFFALO, N.Y. —
    re.compile(rf"^(?P<place>{_CAPS_PLACE})\s*(?:-\s|[–—]\s?|--\s?|:\s)"),
    # (Reuters) —
    re.compile(r"^\((?P<outlet>[A-Z][\w.&' -]{1,30})\)\s*[-–—]"),
)
# A dateline place is written in capitals ("ROME"), or in title case with an agency after it.
_DATELINE_PARAS = 3  # the dateline is in one of the first paragraphs (after a standfirst at most)

# Date lines are short; only the first few are read (later ones belong to teasers of other articles).
_DATE_LINE_MAX_CHARS = 120
_DATE_LINES_MAX = 8
# A short unfinished line with a date in it is a byline or a dateline of the page, not a caption.
_BYLINE_DATE_MAX_CHARS = 80
_DIGIT_RE: Final = re.compile(r"\d")
# Years a date may be inferred into: the years the text mentions, widened by this much.
YEAR_WINDOW = 1
# Separators between a title and the site name appended to it.
_TITLE_SUFFIX_RE: Final = re.compile(r"\s+(?:[-|–—:•·]|::)\s+(?P<site>[^-|–—:•·]{2,60})$")


@dataclass(frozen=True, slots=True)
class Dateline:
    """The place (and agency, and month/day when present) that opens a story."""

    place: str | None
    outlet: str | None
    month: int | None
    day: int | None
    evidence: str


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """A publication date and whether its year was inferred rather than read."""

    date: dt.date
    inferred: bool


def parse_dateline(paragraph: str) -> Dateline | None:
    """The dateline at the start of a paragraph, if it has one."""
    for pattern in _DATELINE_PATTERNS:
        m = pattern.match(paragraph)
        if m is None:
            continue
        groups = m.groupdict()
        month = _month_number(groups.get("month"))
        day = int(groups["day"]) if groups.get("day") else None
        place = groups.get("place")
        if place is not None and not _plausible_place(place):
            continue
        return Dateline(place, groups.get("outlet"), month, day, m.group(0).strip())
    return None


# Capitalised labels that open a paragraph the way a dateline does but are not places.
_NOT_PLACES: Final = frozenset(
    {
        "update", "updated", "breaking", "breaking news", "watch", "read", "read more", "note",
        "editor's note", "exclusive", "analysis", "opinion", "video", "photos", "photo", "file",
        "related", "listen", "live", "warning", "correction", "clarification", "advertisement",
        "transcript", "q", "a", "faq", "tl;dr",
    }
)  # fmt: skip


def _plausible_place(place: str) -> bool:
    """A dateline place has three letters or more (not "US", "UN") and is not a label ("UPDATE:")."""
    letters = [c for c in place if c.isalpha()]
    return len(letters) >= 3 and place.lower().replace("’", "'") not in _NOT_PLACES


def _month_number(name: str | None) -> int | None:
    if not name:
        return None
    if name.isdigit():
        return int(name)
    return _MONTH_NUMBERS.get(name.lower().rstrip("."))


def find_dates(text: str) -> list[dt.date]:
    """Every complete date (day, month and year) written in ``text``, in order of appearance."""
    found: list[tuple[int, dt.date]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            month = _month_number(m.group("month"))
            if month is None:
                continue
            try:
                found.append((m.start(), dt.date(int(m.group("year")), month, int(m.group("day")))))
            except ValueError:
                continue  # "31 November", a day/month swapped: not a date
    found.sort(key=lambda x: x[0])
    return [d for _, d in found]


def date_from_lines(lines: list[str]) -> dt.date | None:
    """The publication date among page date lines: a "Published/Posted" one first, else the first one
    that is not an "Updated" line, else the first date at all."""
    dated = [(line, find_dates(line)) for line in lines]
    dated = [(line, ds) for line, ds in dated if ds]
    for line, ds in dated:
        if _PUBLISHED_LABEL_RE.search(line):
            return ds[0]
    for line, ds in dated:
        if not _UPDATED_LABEL_RE.search(line):
            return ds[0]
    return dated[0][1][0] if dated else None


def mentioned_years(text: str) -> Counter[int]:
    """How often each plausible year (1900-2099) is mentioned in the text, as a number of its own
    (not part of "21,2016", "$2015" or "1999.5")."""
    years: Counter[int] = Counter()
    for pattern in _YEAR_RES:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if start and (text[start - 1].isalnum() or text[start - 1] in ",.$£€"):
                continue
            if end < len(text) and (
                text[end].isalnum() or (text[end] in ",." and end + 1 < len(text) and text[end + 1].isdigit())
            ):
                continue
            years[int(m.group())] += 1
    return years


def weekday_dates(text: str) -> list[tuple[int, int, int]]:
    """``(weekday, month, day)`` for every "Friday, December 2" (no year) in the text, in order."""
    found = []
    for m in _DAY_DATE_RE.finditer(text):
        start = m.start()
        stem = next((s for s in _WEEKDAY_STEMS if text.endswith(s, 0, start)), None)
        month = _month_number(m.group("month"))
        if stem is None or month is None:
            continue
        if start > len(stem) and text[start - len(stem) - 1].isalpha():
            continue  # "Someday, June 2" is not a weekday
        found.append((_WEEKDAY_STEMS.index(stem), month, int(m.group("day"))))
    return found


def infer_year(month: int, day: int, *, weekday: int | None, years: Counter[int]) -> int | None:
    """The year of a month/day date from context, or None when the context does not settle it.

    Candidates are the years the text mentions, widened by ``YEAR_WINDOW``. A weekday named for the
    date keeps the candidates on which the date falls on that weekday; among those (or among all
    candidates when there is no weekday) the most mentioned year wins, then the latest.
    """
    if not years:
        return None
    lo, hi = min(years) - YEAR_WINDOW, max(years) + YEAR_WINDOW
    candidates = []
    for year in range(lo, hi + 1):
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if weekday is None or date.weekday() == weekday:
            candidates.append(year)
    if not candidates:
        return None
    if weekday is None:
        mentioned = [y for y in candidates if y in years]
        if not mentioned:
            return None
        return max(mentioned, key=lambda y: (years[y], y))
    return max(candidates, key=lambda y: (years.get(y, 0), -abs(y - max(years)), y))


def _lede_weekday(paragraphs: list[str], dateline_at: int) -> int | None:
    """The weekday the lede names ("Lavrov said on Friday"): the day of the dateline's date."""
    m = _WEEKDAY_RE.search(paragraphs[dateline_at])
    return _WEEKDAY_NUMBERS[m.group(1).lower()] if m else None


def infer_published(
    *,
    meta_date: object,
    date_lines: list[str],
    dateline: Dateline | None,
    paragraphs: list[str],
    dateline_at: int,
    body: str,
) -> PublishedDate | None:
    """The publication date from the strongest evidence available (see the module docstring)."""
    given = _parse_meta_date(meta_date)
    if given is not None:
        return PublishedDate(given, False)
    from_lines = date_from_lines(date_lines)
    if from_lines is not None:
        return PublishedDate(from_lines, False)
    if dateline is not None and dateline.month is not None and dateline.day is not None:
        weekday = _lede_weekday(paragraphs, dateline_at)
        year = infer_year(dateline.month, dateline.day, weekday=weekday, years=mentioned_years(body))
        if year is not None:
            return PublishedDate(dt.date(year, dateline.month, dateline.day), True)
        return None
    event_dates = weekday_dates(body)
    if event_dates:
        weekday, month, day = event_dates[0]
        year = infer_year(month, day, weekday=weekday, years=mentioned_years(body))
        if year is not None:
            return PublishedDate(dt.date(year, month, day), True)
    return None


# A leap year: a month and day is real if it is a date in this year (February 29 included).
_LEAP_YEAR = 2000


def undated_month_day(*, dateline: Dateline | None, body: str) -> str | None:
    """The month and day the text dates the article by, as ISO 8601 "--MM-DD", for an article whose
    year :func:`infer_published` could not settle: the dateline's month and day, else the first
    "Friday, December 2" of the text (the evidence :func:`infer_published` reads, in its order).

    None when the text gives no month and day, or one that no year has ("February 30").
    """
    if dateline is not None and dateline.month is not None and dateline.day is not None:
        month, day = dateline.month, dateline.day
    else:
        event_dates = weekday_dates(body)
        if not event_dates:
            return None
        _, month, day = event_dates[0]
    try:
        dt.date(_LEAP_YEAR, month, day)
    except ValueError:
        return None
    return f"--{month:02d}-{day:02d}"


def _parse_meta_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        dates = find_dates(text)
        return dates[0] if dates else None


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    if not host:
        return None
    return host.removeprefix("www.")


def _key(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def strip_site_suffix(title: str, *, outlet: str | None, domain: str | None) -> str:
    """``"Headline - WSJ"`` → ``"Headline"`` when the suffix names the outlet or the domain."""
    m = _TITLE_SUFFIX_RE.search(title)
    if m is None:
        return title
    site = _key(m.group("site"))
    names = {_key(outlet)} if outlet else set()
    if domain:
        label = domain.split(".")[-2] if domain.count(".") >= 1 else domain
        names.update({_key(label), _key(domain)})
    names.discard("")
    if site and any(site == n or n.startswith(site) or site.startswith(n) for n in names):
        return title[: m.start()].rstrip()
    return title


def _date_lines(removed: list[str]) -> list[str]:
    """Removed lines that date the page: date-only lines and labelled ones ("Updated on: …"), not
    photo captions or teasers that happen to contain a date."""
    out = []
    for line in removed:
        if len(line) > _DATE_LINE_MAX_CHARS or not _DIGIT_RE.search(line) or not find_dates(line):
            continue
        if (
            is_date_line(line)
            or _PUBLISHED_LABEL_RE.search(line)
            or _UPDATED_LABEL_RE.search(line)
            # "Reuters November 18, 2019 11:03 PM", "By Sherif Saed, Wednesday, 20 November 2019"
            or (len(line) <= _BYLINE_DATE_MAX_CHARS and not ends_sentence(line))
        ):
            out.append(line)
            if len(out) >= _DATE_LINES_MAX:
                break
    return out


def _string(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


@stage(
    needs=("body", "boilerplate", "paragraphs", "input_meta", "url"),
    adds=("title", "outlet", "published", "published_inferred", "published_month_day", "dateline"),
    name="metadata",
)
def metadata_stage(article: Article) -> Article:
    """Fill in title, outlet, publication date (flagged when its year is inferred, or only its month and
    day when nothing settles the year) and dateline."""
    meta = article.input_meta
    domain = _domain(article.url or _string(meta.get("url")))
    paragraphs = [p.text for p in article.paragraphs[:_DATELINE_PARAS]]
    dateline, dateline_at = None, 0
    for i, text in enumerate(paragraphs):
        dateline = parse_dateline(text)
        if dateline is not None:
            dateline_at = i
            break
    outlet = _string(meta.get("outlet")) or _string(meta.get("sitename")) or _string(meta.get("publisher"))
    if outlet is None and dateline is not None and dateline.outlet:
        outlet = dateline.outlet
    if outlet is None:
        outlet = domain
    article.outlet = outlet

    title = _string(meta.get("title")) or _string(meta.get("title_line"))
    article.title = strip_site_suffix(title, outlet=outlet, domain=domain) if title else None

    published = infer_published(
        meta_date=meta.get("published") or meta.get("date"),
        date_lines=_date_lines(article.boilerplate),
        dateline=dateline,
        paragraphs=paragraphs,
        dateline_at=dateline_at,
        body=article.body,
    )
    article.published = published.date.isoformat() if published else None
    article.published_inferred = published.inferred if published else False
    article.published_month_day = (
        undated_month_day(dateline=dateline, body=article.body) if published is None else None
    )
    article.dateline = dateline.place if dateline is not None else None
    return article
