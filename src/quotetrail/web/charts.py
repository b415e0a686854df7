"""Server-rendered SVG charts for the web workspace: readable without JavaScript, safe with hostile text.

Three charts, each returned as :class:`markupsafe.Markup` to be inlined into a Jinja2 page:

- :func:`timeline_svg`: who reported a claim, when. One swim lane per outlet, one mark per (day, outlet)
  whose size grows with the number of statements, so a speaker with thousands of statements still gives
  a small page.
- :func:`claim_svg`: how a figure ("up to 6,000 militants") moves over time and between speakers: points,
  ranges and one-sided values on a linear or log value axis.
- :func:`citation_chain_svg`: who cites whom, laid out left to right by date with the sources nobody in
  the corpus published (only cited) at the far left, as origins.

Everything that reaches the markup comes from article text, so all of it goes through :func:`_text`
(control characters XML forbids are dropped, then markupsafe escapes it, in attributes too) and links
through :func:`_safe_href` (only site-relative URLs survive). Tooltips are SVG ``<title>`` children and
every mark carries ``data-day`` (and ``data-lane`` / ``data-series`` / ``data-key``), so browser tests and
screen readers need no script. Output is deterministic: the same input gives the same string.

Presentation: classes (``chart``, ``mark``, ``lane``, ``axis``, ``first``, ``disputed``…) for the page's
CSS to style, plus plain fill/stroke attributes so a chart looks right with no CSS at all.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from markupsafe import Markup, escape

__all__ = [
    "PALETTE",
    "ChainEdge",
    "ChainNode",
    "ClaimPoint",
    "TimelinePoint",
    "citation_chain_svg",
    "claim_svg",
    "colour_for",
    "format_day",
    "format_number",
    "parse_day",
    "timeline_svg",
]

# --- colours -------------------------------------------------------------------------------------------

# Twelve colours chosen from the Okabe-Ito, Paul Tol, ColorBrewer Dark2/Paired and IBM palettes (44
# candidates with at least 3:1 contrast on white, the WCAG minimum for graphics). Calibration: a greedy
# max-min search over that pool, scoring a pair by its smallest CIELAB distance under normal vision and
# simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009, full severity); this set keeps
# every pair at least 12 ΔE apart in all four (the best of the greedy runs from each starting colour).
PALETTE: tuple[str, ...] = (
    "#1A85FF",
    "#E66100",
    "#1B9E77",
    "#6A3D9A",
    "#CC79A7",
    "#A0522D",
    "#332288",
    "#EE6677",
    "#9467BD",
    "#8C564B",
    "#882255",
    "#CC3311",
)
# For statements nobody is credited with; 5.3:1 on white and at least 10 ΔE from every palette colour
# under the same four simulations.
_NEUTRAL = "#6B6B6B"
_TEXT = "#222222"
_MUTED_TEXT = "#555555"
_AXIS = "#999999"
_GRID = "#E4E4E4"
_LANE_FILL = "#F4F4F4"


def colour_for(key: str | None) -> str:
    """A stable colour for a speaker (or series) key: the same key gets the same colour on every page."""
    if key is None:
        return _NEUTRAL
    # crc32, not hash(): Python salts str hashes per process, and colours must agree between requests.
    return PALETTE[zlib.crc32(key.encode("utf-8", "surrogatepass")) % len(PALETTE)]


# --- text, numbers and dates -----------------------------------------------------------------------------

# XML 1.0 forbids these even as character references; lone surrogates cannot be encoded at all.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _text(value: str) -> str:
    """``value`` made safe as SVG text content or as a double-quoted attribute value."""
    # str() first: a Markup label would otherwise pass through escape() untouched.
    return str(escape(_XML_FORBIDDEN.sub("", str(value))))


def _shorten(value: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word boundary where there is one near the end."""
    flat = _SPACES.sub(" ", _XML_FORBIDDEN.sub("", str(value))).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    # A word boundary only helps when it does not throw away most of the room.
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-—") + "…"


def _safe_href(href: str | None) -> str | None:
    """The link if it stays on this site ("/articles/12#s-40", "#s-40"), else None (no link at all)."""
    if not href:
        return None
    link = str(href).strip()
    if _XML_FORBIDDEN.search(link) or any(ch.isspace() for ch in link):
        return None
    if not link.startswith(("/", "#")):
        return None
    # "//host/x" and "/\host/x" are protocol-relative: browsers leave the site with them.
    if link.startswith(("//", "/\\")):
        return None
    return link


def format_day(day: date) -> str:
    """``21 Oct 2016``, in English whatever the server's locale (strftime would follow the locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_number(value: float) -> str:
    """A readable figure for axes and tooltips: ``1,500``, ``6k``, ``12.5k``, ``1.2M``, ``3B``, ``0.25``."""
    if not math.isfinite(value):
        return str(value)
    sign = "-" if value < 0 else ""
    size = abs(value)
    for divisor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        # Compare the rounded figure so 999,960 becomes "1M", not "1000k".
        if round(size / divisor, 1) >= 1:
            return f"{sign}{_trim(f'{size / divisor:.1f}')}{suffix}"
    # Thousands: "6k" for round figures, but "1,500" stays exact below ten thousand.
    if size >= 1e4 or (size >= 1e3 and size % 1000 == 0):
        return f"{sign}{_trim(f'{size / 1e3:.1f}')}k"
    if size >= 1:
        return f"{sign}{_trim(f'{size:,.2f}')}"
    if size == 0:
        return "0"
    return f"{sign}{_trim(f'{size:.3g}')}"


def _trim(number: str) -> str:
    if "." in number and "e" not in number:
        number = number.rstrip("0").rstrip(".")
    return number


_YEAR_MONTH = re.compile(r"\s*(\d{4})-(\d{1,2})\s*")
_YEAR_ONLY = re.compile(r"\s*\d{4}\s*")


def parse_day(published: str | None) -> date | None:
    """The calendar day of a publication date string, or None when there is no usable day.

    ``2016-10-21`` and ISO date-times (``2016-10-21T09:00:00+03:00``) give their own day: the date as the
    outlet wrote it, not converted to UTC, because that is the day its readers saw. ``2016-10`` gives the
    1st of the month (good enough to place it on a timeline); a bare year is too vague and gives None, as
    does anything unparseable. Never raises.
    """
    if not isinstance(published, str) or not published.strip():
        return None
    if _YEAR_ONLY.fullmatch(published):
        return None
    month_only = _YEAR_MONTH.fullmatch(published)
    if month_only:
        year, month = int(month_only[1]), int(month_only[2])
        return date(year, month, 1) if 1 <= month <= 12 and year >= 1 else None
    text = published.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _num(value: float) -> str:
    """A coordinate: one decimal is finer than a pixel and keeps the markup short."""
    return _trim(f"{value:.1f}")


# --- the common frame ------------------------------------------------------------------------------------

_FONT_SIZE = 12
_SMALL_FONT = 10
# Average advance of a proportional sans-serif glyph at 12px; used only to budget room for labels.
_CHAR_WIDTH = 6.6
_TITLE_HEIGHT = 28
_NOTE_HEIGHT = 20
_MIN_WIDTH = 320


def _open_svg(kind: str, title: str, width: int, height: float) -> list[str]:
    """The root element and the visible title; the caller appends marks and closes with ``</svg>``."""
    safe_title = _text(_shorten(title, 200))
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'aria-label="{safe_title}" viewBox="0 0 {width} {_num(height)}" width="100%" '
        f'style="max-width:{width}px;height:auto" font-family="inherit" font-size="{_FONT_SIZE}">',
        f'<text class="chart-title" x="0" y="17" font-size="14" font-weight="bold" fill="{_TEXT}">'
        f"{safe_title}</text>",
    ]


def _note(parts: list[str], y: float, message: str) -> None:
    parts.append(f'<text class="note" x="0" y="{_num(y)}" fill="{_MUTED_TEXT}">{_text(message)}</text>')


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _message_svg(kind: str, title: str, width: int, message: str, notes: Sequence[str] = ()) -> Markup:
    """The small chart shown when there is nothing to plot, saying so (and why, in the notes)."""
    height = _TITLE_HEIGHT + 24 + _NOTE_HEIGHT * len(notes)
    parts = _open_svg(kind, title, width, height)
    parts.append(
        f'<text class="empty" x="0" y="{_TITLE_HEIGHT + 16}" fill="{_MUTED_TEXT}">{_text(message)}</text>'
    )
    for index, note in enumerate(notes):
        _note(parts, _TITLE_HEIGHT + 24 + _NOTE_HEIGHT * index + 12, note)
    parts.append("</svg>")
    return Markup("".join(parts))


def _link(parts: list[str], href: str | None, inner: str) -> None:
    safe = _safe_href(href)
    parts.append(f'<a href="{_text(safe)}">{inner}</a>' if safe else inner)


# --- the time axis ---------------------------------------------------------------------------------------

_FIRST_ORDINAL = date.min.toordinal()
_LAST_ORDINAL = date.max.toordinal()
# Tick label budget: "30 Sep 2016" is ~75px at 12px, plus a gap.
_TICK_SPACING = 95


@dataclass(slots=True, frozen=True)
class _TimeScale:
    """Day ordinals [lo, hi] onto pixels [left, right]."""

    lo: int
    hi: int
    left: float
    right: float

    def x(self, ordinal: int) -> float:
        if self.hi == self.lo:
            return (self.left + self.right) / 2
        return self.left + (ordinal - self.lo) / (self.hi - self.lo) * (self.right - self.left)


def _padded_days(ordinals: Iterable[int]) -> tuple[int, int]:
    """The day range to draw: the data's range plus a margin, so a single day still gets an axis."""
    values = list(ordinals)
    lo, hi = min(values), max(values)
    pad = max(1, round((hi - lo) * 0.03))
    return max(_FIRST_ORDINAL, lo - pad), min(_LAST_ORDINAL, hi + pad)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


# (unit, step) from finest to coarsest; the first that fits the width is used.
_TICK_STEPS: tuple[tuple[str, int], ...] = (
    ("day", 1),
    ("day", 2),
    ("week", 1),
    ("week", 2),
    ("month", 1),
    ("month", 2),
    ("month", 3),
    ("month", 6),
    *(("year", step) for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)),
)


def _time_ticks(lo: int, hi: int, max_ticks: int) -> list[tuple[int, str]]:
    """Ticks (day ordinal, label) at whole days, Mondays, month starts or year starts within [lo, hi]."""
    first, last = date.fromordinal(lo), date.fromordinal(hi)
    months = _month_index(last) - _month_index(first)
    years = last.year - first.year
    for unit, step in _TICK_STEPS:
        # Estimated counts (arithmetic, never a walk over the range): at most one more than the quotient.
        span = {"day": hi - lo, "week": (hi - lo) // 7, "month": months, "year": years}[unit]
        if span // step + 1 <= max_ticks:
            break
    ticks: list[tuple[int, str]] = []
    if unit in ("day", "week"):
        period = step * (7 if unit == "week" else 1)
        # Ordinal 1 (1 Jan 0001) is a Monday, so ordinal % 7 == 1 picks Mondays.
        offset = 1 if unit == "week" else 0
        ordinal = lo + (offset - lo) % period
        while ordinal <= hi:
            ticks.append((ordinal, format_day(date.fromordinal(ordinal))))
            ordinal += period
    elif unit == "month":
        index = _month_index(first) + (0 if first.day == 1 else 1)
        index += -index % step
        while index <= _month_index(last):
            start = date(index // 12, index % 12 + 1, 1)
            ticks.append((start.toordinal(), f"{_MONTHS[start.month - 1]} {start.year}"))
            index += step
    else:
        year = first.year + (0 if (first.month, first.day) == (1, 1) else 1)
        year += -year % step
        while year <= last.year:
            ticks.append((date(year, 1, 1).toordinal(), str(year)))
            year += step
    return ticks


def _time_axis(parts: list[str], scale: _TimeScale, top: float, bottom: float, width: int) -> None:
    """Vertical grid lines through the plot and labelled ticks under it (kept inside ``width``)."""
    max_ticks = max(3, int((scale.right - scale.left) // _TICK_SPACING) + 1)
    parts.append(f'<g class="axis axis-time" fill="{_MUTED_TEXT}" text-anchor="middle">')
    parts.append(
        f'<line x1="{_num(scale.left)}" y1="{_num(bottom)}" x2="{_num(scale.right)}" y2="{_num(bottom)}" '
        f'stroke="{_AXIS}"/>'
    )
    previous_end = -math.inf
    for ordinal, label in _time_ticks(scale.lo, scale.hi, max_ticks):
        at = scale.x(ordinal)
        x = _num(at)
        parts.append(
            f'<line class="grid" x1="{x}" y1="{_num(top)}" x2="{x}" y2="{_num(bottom + 4)}" '
            f'stroke="{_GRID}"/>'
        )
        # A label centred on a tick near the edge would be cut off by the viewBox: align it inwards, and
        # leave it out (the grid line stays) if that makes it run into its neighbour.
        label_width = len(label) * _CHAR_WIDTH
        start, anchor = at - label_width / 2, ""
        if at + label_width / 2 > width:
            start, anchor = at - label_width, ' text-anchor="end"'
        elif start < 0:
            start, anchor = at, ' text-anchor="start"'
        if start < previous_end + 6:
            continue
        previous_end = start + label_width
        parts.append(f'<text x="{x}" y="{_num(bottom + 17)}"{anchor}>{_text(label)}</text>')
    parts.append("</g>")


# --- timeline --------------------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class TimelinePoint:
    """One statement on the timeline."""

    day: date | None  # None = undated: not plotted, but counted in a note under the chart
    lane: str  # row of the chart, normally the outlet ("TASS"); "" means unknown outlet
    label: str  # tooltip text (the statement; shortened here)
    href: str | None = None  # where a click goes ("/articles/12#s-40"); only site-relative links are kept
    colour: str | None = None  # fill colour, "#rgb" or "#rrggbb"; None (or anything else) -> PALETTE[0]
    first: bool = False  # the first appearance of a claim: drawn with a ring and labelled "first"
    weight: int = 1  # how many statements the point stands for (a caller may pre-aggregate a day)


_LANE_HEIGHT = 26
_MARK_RADIUS = 4.0
# A mark's area grows with its count (radius with √count) until it fills its 26px lane: 4·√n reaches
# the cap at n ≈ 8; beyond that the count is in the tooltip and in data-count.
_MAX_MARK_RADIUS = 11.0
_TOOLTIP_CHARS = 160
_LANE_LABEL_CHARS = 22
_UNKNOWN_LANE = "unknown outlet"
_COLOUR_VALUE = re.compile(r"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?")


def _fill(colour: str | None) -> str:
    """The caller's colour if it is a hex colour, else the default: a fill attribute carries no other text."""
    return colour if colour and _COLOUR_VALUE.fullmatch(colour) else PALETTE[0]


@dataclass(slots=True)
class _Mark:
    """The statements of one (day, lane): drawn as one mark."""

    ordinal: int
    lane: str
    count: int = 0
    representative: TimelinePoint | None = None
    first: bool = False


def _lane_display(lane: str) -> str:
    return lane if lane.strip() else _UNKNOWN_LANE


def _timeline_lanes(
    dated: Sequence[tuple[int, TimelinePoint]], max_lanes: int
) -> tuple[list[str], dict[str, str]]:
    """Lanes in drawing order, and each source lane's drawn lane (itself, or the folded "other" lane)."""
    first_day: dict[str, int] = {}
    count: dict[str, int] = {}
    for ordinal, point in dated:
        first_day[point.lane] = min(first_day.get(point.lane, ordinal), ordinal)
        count[point.lane] = count.get(point.lane, 0) + max(1, point.weight)
    lanes = sorted(first_day, key=lambda lane: (first_day[lane], lane))
    if len(lanes) <= max_lanes:
        return lanes, {lane: lane for lane in lanes}
    # Keep the busiest lanes (ties: the earlier, then by name) and fold the rest into one last lane.
    kept = set(sorted(lanes, key=lambda lane: (-count[lane], first_day[lane], lane))[: max(max_lanes - 1, 0)])
    folded = len(lanes) - len(kept)
    other = f"other outlets ({folded})"
    mapping = {lane: lane if lane in kept else other for lane in lanes}
    return [lane for lane in lanes if lane in kept] + [other], mapping


def _mark_tooltip(mark: _Mark, lane_name: str) -> str:
    assert mark.representative is not None
    head = f"{_plural(mark.count, 'statement')}, {format_day(date.fromordinal(mark.ordinal))}, {lane_name}"
    label = _shorten(mark.representative.label, _TOOLTIP_CHARS)
    first = "\nfirst appearance" if mark.first else ""
    return f"{head}{first}\n{label}" if label else f"{head}{first}"


def timeline_svg(
    points: Sequence[TimelinePoint], *, title: str, max_lanes: int = 12, width: int = 760
) -> Markup:
    """A swim-lane chart: time across, one lane per outlet, one mark per (day, outlet).

    Lanes are ordered by their first statement's date; beyond ``max_lanes`` the least populated fold
    into one last lane "other outlets (N)". A mark's tooltip gives the count, day and outlet and the
    label of its first statement (the first appearance, when one is marked); its link is that
    statement's ``href``. Undated statements are counted in a note under the chart.
    """
    width = max(_MIN_WIDTH, int(width))
    dated = [(point.day.toordinal(), point) for point in points if point.day is not None]
    undated = sum(max(1, point.weight) for point in points if point.day is None)
    notes = [f"{_plural(undated, 'undated statement')} not shown"] if undated else []
    if not dated:
        return _message_svg("timeline", title, width, "No dated statements", notes)

    lanes, lane_of = _timeline_lanes(dated, max(1, max_lanes))
    marks: dict[tuple[str, int], _Mark] = {}
    for ordinal, point in dated:
        lane = lane_of[point.lane]
        mark = marks.get((lane, ordinal))
        if mark is None:
            mark = marks[(lane, ordinal)] = _Mark(ordinal, lane)
        mark.count += max(1, point.weight)
        # The mark stands for its first-appearance statement when it holds one, else its first statement.
        if mark.representative is None or (point.first and not mark.first):
            mark.representative = point
        mark.first = mark.first or point.first

    label_width = min(
        170.0,
        max(
            60.0,
            max(len(_shorten(_lane_display(lane), _LANE_LABEL_CHARS)) for lane in lanes) * _CHAR_WIDTH + 14,
        ),
    )
    plot_top = _TITLE_HEIGHT + 8
    plot_bottom = plot_top + _LANE_HEIGHT * len(lanes)
    # Room for the biggest mark at either end of the time range.
    scale = _TimeScale(*_padded_days(ordinal for ordinal, _ in dated), label_width + 14, width - 14)
    height = plot_bottom + 30 + _NOTE_HEIGHT * len(notes)

    parts = _open_svg("timeline", title, width, height)
    parts.append('<g class="lanes">')
    lane_row: dict[str, int] = {}
    for row, lane in enumerate(lanes):
        lane_row[lane] = row
        top = plot_top + row * _LANE_HEIGHT
        full = _lane_display(lane)
        shown = _shorten(full, _LANE_LABEL_CHARS)
        hint = f"<title>{_text(full)}</title>" if shown != full else ""
        parts.append(
            f'<g class="lane" data-lane="{_text(lane)}">'
            f'<rect x="0" y="{_num(top)}" width="{width}" height="{_LANE_HEIGHT}" '
            f'fill="{_LANE_FILL if row % 2 == 0 else "#FFFFFF"}"/>'
            f'<text class="lane-label" x="4" y="{_num(top + _LANE_HEIGHT / 2 + 4)}" fill="{_TEXT}">'
            f"{_text(shown)}{hint}</text></g>"
        )
    parts.append("</g>")
    _time_axis(parts, scale, plot_top, plot_bottom, width)

    parts.append('<g class="marks">')
    for mark in sorted(marks.values(), key=lambda m: (lane_row[m.lane], m.ordinal)):
        assert mark.representative is not None
        cx = scale.x(mark.ordinal)
        cy = plot_top + lane_row[mark.lane] * _LANE_HEIGHT + _LANE_HEIGHT / 2
        radius = min(_MAX_MARK_RADIUS, _MARK_RADIUS * math.sqrt(mark.count))
        classes = "mark first" if mark.first else "mark"
        inner = [
            f'<g class="{classes}" data-day="{date.fromordinal(mark.ordinal).isoformat()}" '
            f'data-lane="{_text(mark.lane)}" data-count="{mark.count}">'
            f"<title>{_text(_mark_tooltip(mark, _lane_display(mark.lane)))}</title>"
            f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(radius)}" '
            f'fill="{_fill(mark.representative.colour)}" fill-opacity="0.85" stroke="#FFFFFF"/>'
        ]
        if mark.first:
            inner.append(
                f'<circle class="first-ring" cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(radius + 3)}" '
                f'fill="none" stroke="{_TEXT}" stroke-width="1.5"/>'
                f'<text class="first-label" x="{_num(cx + radius + 5)}" y="{_num(cy - radius)}" '
                f'font-size="{_SMALL_FONT}" fill="{_TEXT}">first</text>'
            )
        inner.append("</g>")
        _link(parts, mark.representative.href, "".join(inner))
    parts.append("</g>")
    for index, note in enumerate(notes):
        _note(parts, plot_bottom + 30 + _NOTE_HEIGHT * index + 12, note)
    parts.append("</svg>")
    return Markup("".join(parts))


# --- claim chart -----------------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class ClaimPoint:
    """One figure given for a claim: a point (low == high), a range, or a one-sided bound."""

    day: date | None
    low: float | None
    high: float | None  # low == high for a point value; either may be None ("up to 6,000": low None)
    label: str  # tooltip: "up to 6,000 militants — Sergey Lavrov, TASS"
    series: str  # who gives the figure (speaker or source); one colour per series
    stance: str = "asserted"  # asserted | reported | disputed (disputed: hollow mark / dashed bar)
    href: str | None = None


_STANCES = ("asserted", "reported", "disputed")
# "Use a log scale when max/min > 50": past that, a linear axis squeezes the small figures onto zero.
_LOG_RATIO = 50.0
_PLOT_HEIGHT = 240
_ARROW_LENGTH = 22
_LEGEND_SERIES = 12


@dataclass(slots=True, frozen=True)
class _ValueScale:
    """Values onto pixels (bottom is the low end), linear or log, with its ticks."""

    log: bool
    lo: float
    hi: float
    bottom: float
    top: float
    ticks: tuple[float, ...] = field(default=())

    def y(self, value: float) -> float:
        if self.log:
            lo, hi, at = math.log10(self.lo), math.log10(self.hi), math.log10(value)
        else:
            lo, hi, at = self.lo, self.hi, value
        return self.bottom - (at - lo) / (hi - lo) * (self.bottom - self.top)


# Beyond this the axis arithmetic (nice steps, whole decades) overflows a float; no reported figure is near.
_LARGEST_VALUE = 1e300


def _finite(value: float | None) -> float | None:
    """The value if it can be drawn: NaN, infinities and absurd magnitudes count as no value."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) and abs(number) <= _LARGEST_VALUE else None


def _stance(point: ClaimPoint) -> str:
    """One of the known stances; anything else is drawn as asserted (and never reaches a class name)."""
    stance = point.stance.strip().lower()
    return stance if stance in _STANCES else "asserted"


def _nice_step(raw: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least ``raw``."""
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 2.5, 5.0):
        if multiple * magnitude >= raw:
            return multiple * magnitude
    return 10 * magnitude


def _value_scale(values: Sequence[float], bottom: float, top: float) -> _ValueScale:
    low, high = min(values), max(values)
    if low > 0 and high / low > _LOG_RATIO:
        # Whole decades around the data; exponents kept inside what a float can hold.
        lo_exp = max(-300, math.floor(math.log10(low)))
        hi_exp = min(307, math.ceil(math.log10(high)))
        if hi_exp <= lo_exp:
            hi_exp = lo_exp + 1
        decade_step = max(1, math.ceil((hi_exp - lo_exp) / 8))
        ticks: list[float] = [10.0**e for e in range(lo_exp, hi_exp + 1, decade_step)]
        if hi_exp - lo_exp <= 2:
            # Few decades: 2× and 5× ticks make the axis readable without counting gridlines.
            ticks = sorted({t * m for t in ticks for m in (1, 2, 5) if t * m <= 10.0**hi_exp})
        return _ValueScale(True, 10.0**lo_exp, 10.0**hi_exp, bottom, top, tuple(ticks))
    # Linear axes start at zero: a figure's height then shows its size, which is what readers compare.
    lo, hi = min(0.0, low), max(0.0, high)
    if hi == lo:
        hi = lo + 1
    step = _nice_step((hi - lo) / 5)
    lo_tick, hi_tick = math.floor(lo / step) * step, math.ceil(hi / step) * step
    count = round((hi_tick - lo_tick) / step)
    linear = tuple(float(f"{lo_tick + i * step:.12g}") for i in range(count + 1))
    return _ValueScale(False, lo_tick, hi_tick, bottom, top, linear)


def _value_axis(parts: list[str], scale: _ValueScale, left: float, right: float, unit: str | None) -> None:
    kind = "log" if scale.log else "linear"
    parts.append(f'<g class="axis axis-value" data-scale="{kind}" fill="{_MUTED_TEXT}" text-anchor="end">')
    for tick in scale.ticks:
        y = _num(scale.y(tick))
        parts.append(
            f'<line class="grid" x1="{_num(left)}" y1="{y}" x2="{_num(right)}" y2="{y}" stroke="{_GRID}"/>'
            f'<text x="{_num(left - 6)}" y="{_num(scale.y(tick) + 4)}">{_text(format_number(tick))}</text>'
        )
    parts.append(
        f'<line x1="{_num(left)}" y1="{_num(scale.top)}" x2="{_num(left)}" y2="{_num(scale.bottom)}" '
        f'stroke="{_AXIS}"/>'
    )
    caption = _shorten(unit, 40) if unit else ""
    if scale.log:
        caption = f"{caption} (log scale)" if caption else "log scale"
    if caption:
        parts.append(
            f'<text class="unit" x="{_num(left)}" y="{_num(scale.top - 8)}" text-anchor="start">'
            f"{_text(caption)}</text>"
        )
    parts.append("</g>")


def _arrow(x: float, y: float, direction: int, colour: str) -> str:
    """A stem and head from a bound towards the unknown side (direction -1 = up the page, +1 = down)."""
    # Always solid: dashes on a stem this short read as a broken line; the hollow dot marks a dispute.
    tip = y + direction * _ARROW_LENGTH
    return (
        f'<path class="bound" d="M{_num(x)},{_num(y)}V{_num(tip)}M{_num(x - 4)},{_num(tip - direction * 5)}'
        f'L{_num(x)},{_num(tip)}L{_num(x + 4)},{_num(tip - direction * 5)}" fill="none" stroke="{colour}" '
        f'stroke-width="1.5"/>'
    )


def _dot(x: float, y: float, colour: str, stance: str) -> str:
    if stance == "disputed":
        return (
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(_MARK_RADIUS)}" fill="#FFFFFF" '
            f'stroke="{colour}" stroke-width="1.5"/>'
        )
    opacity = ' fill-opacity="0.45"' if stance == "reported" else ""
    return (
        f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(_MARK_RADIUS)}" fill="{colour}"{opacity} '
        f'stroke="{colour}"/>'
    )


def _series_colours(series: Sequence[str]) -> dict[str, str]:
    """Series colours: :func:`colour_for` unless an earlier series took it, else the next free colour.

    Twelve colours for arbitrary names collide often (among five series, 61% of the time), and on a chart
    made for comparing series that would merge two speakers into one. Past twelve series, repeats are
    unavoidable and each keeps its own colour.
    """
    colours: dict[str, str] = {}
    taken: set[str] = set()
    for name in series:
        colour = colour_for(name)
        if len(taken) < len(PALETTE):
            start = PALETTE.index(colour)
            rotated = (PALETTE[(start + step) % len(PALETTE)] for step in range(len(PALETTE)))
            colour = next(candidate for candidate in rotated if candidate not in taken)
        colours[name] = colour
        taken.add(colour)
    return colours


def _claim_mark(
    point: ClaimPoint, low: float | None, high: float | None, x: float, scale: _ValueScale, colour: str
) -> str:
    """One figure's drawing: dot, capped bar, or dot with an arrow towards the open side."""
    stance = _stance(point)
    dashed = stance == "disputed"
    shapes: list[str] = []
    if low is not None and high is not None and low != high:
        y_low, y_high = scale.y(low), scale.y(high)
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        opacity = ' stroke-opacity="0.6"' if stance == "reported" else ""
        shapes.append(
            f'<path class="range" d="M{_num(x)},{_num(y_low)}V{_num(y_high)}M{_num(x - 5)},{_num(y_low)}'
            f'H{_num(x + 5)}M{_num(x - 5)},{_num(y_high)}H{_num(x + 5)}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dash}{opacity}/>'
        )
        kind = "range"
    elif low is not None and high is not None:
        shapes.append(_dot(x, scale.y(low), colour, stance))
        kind = "point"
    elif high is not None:
        # "up to 6,000": the figure is a ceiling, the truth lies below it.
        shapes.append(_arrow(x, scale.y(high), 1, colour))
        shapes.append(_dot(x, scale.y(high), colour, stance))
        kind = "upper-bound"
    else:
        assert low is not None
        # "more than 200": a floor, the truth lies above it.
        shapes.append(_arrow(x, scale.y(low), -1, colour))
        shapes.append(_dot(x, scale.y(low), colour, stance))
        kind = "lower-bound"
    assert point.day is not None
    tooltip = f"{_shorten(point.label, _TOOLTIP_CHARS)}\n{format_day(point.day)}, {stance}"
    classes = f"mark {kind} {stance}"
    inner = (
        f'<g class="{classes}" data-day="{point.day.isoformat()}" data-series="{_text(point.series)}" '
        f'data-stance="{stance}"><title>{_text(tooltip)}</title>{"".join(shapes)}</g>'
    )
    return inner


def _legend(parts: list[str], items: Sequence[tuple[str, str, str]], top: float, width: int) -> float:
    """Legend items (class, swatch markup at 0,0, text) flowed into rows; returns the height used."""
    x, y = 0.0, top + 12
    parts.append(f'<g class="legend" fill="{_TEXT}">')
    for css_class, swatch, text in items:
        item_width = 22 + len(text) * _CHAR_WIDTH + 16
        if x > 0 and x + item_width > width:
            x, y = 0.0, y + 18
        parts.append(
            f'<g class="{css_class}" transform="translate({_num(x + 6)},{_num(y)})">{swatch}'
            f'<text x="12" y="4">{_text(text)}</text></g>'
        )
        x += item_width
    parts.append("</g>")
    return y + 10 - top


def claim_svg(
    points: Sequence[ClaimPoint], *, title: str, unit: str | None = None, width: int = 760
) -> Markup:
    """Figures given for one claim over time: x = day, y = value, one colour per series (speaker/source).

    A range is a capped bar, a point a dot, a one-sided bound a dot with an arrow towards the open side.
    The value axis is logarithmic when the largest figure is more than 50 times the smallest (all
    positive), linear from zero otherwise. Figures without a day, or without any value, are counted in
    notes under the chart.
    """
    width = max(_MIN_WIDTH, int(width))
    plotted: list[tuple[ClaimPoint, float | None, float | None]] = []
    undated = valueless = 0
    for point in points:
        low, high = _finite(point.low), _finite(point.high)
        if low is not None and high is not None and low > high:
            low, high = high, low
        if point.day is None:
            undated += 1
        elif low is None and high is None:
            valueless += 1
        else:
            plotted.append((point, low, high))
    notes = []
    if undated:
        notes.append(f"{_plural(undated, 'undated figure')} not shown")
    if valueless:
        notes.append(f"{_plural(valueless, 'figure')} without a usable value not shown")
    if not plotted:
        return _message_svg("claim", title, width, "No dated statements", notes)

    # Series in order of their first figure, so the legend reads like the story.
    first_seen: dict[str, tuple[int, int]] = {}
    for index, (point, _, _) in enumerate(plotted):
        assert point.day is not None
        seen = (point.day.toordinal(), index)
        first_seen[point.series] = min(first_seen.get(point.series, seen), seen)
    series = sorted(first_seen, key=lambda name: first_seen[name])
    series_rank = {name: rank for rank, name in enumerate(series)}
    colours = _series_colours(series)

    values = [v for _, low, high in plotted for v in (low, high) if v is not None]
    left, right = 64.0, width - 16.0
    plot_top = _TITLE_HEIGHT + 26
    plot_bottom = plot_top + _PLOT_HEIGHT
    scale = _value_scale(values, plot_bottom, plot_top)
    ordinals = [point.day.toordinal() for point, _, _ in plotted if point.day is not None]
    time = _TimeScale(*_padded_days(ordinals), left + 12, right - 12)

    body: list[str] = []
    _value_axis(body, scale, left, right, unit)
    _time_axis(body, time, plot_top, plot_bottom, width)
    body.append('<g class="marks">')
    # Figures from different series on the same day sit side by side rather than on top of each other.
    spread = min(4.0, 24.0 / max(1, len(series)))
    ordered = sorted(plotted, key=lambda item: (item[0].day or date.min, series_rank[item[0].series]))
    for point, low, high in ordered:
        assert point.day is not None
        x = time.x(point.day.toordinal()) + (series_rank[point.series] - (len(series) - 1) / 2) * spread
        _link(body, point.href, _claim_mark(point, low, high, x, scale, colours[point.series]))
    body.append("</g>")

    shown_series = series[:_LEGEND_SERIES]
    items: list[tuple[str, str, str]] = [
        (
            "legend-series",
            f'<circle r="5" fill="{colours[name]}"/>',
            _shorten(name, 28) or "(unnamed)",
        )
        for name in shown_series
    ]
    if len(series) > len(shown_series):
        items.append(("legend-more", "", f"and {len(series) - len(shown_series)} more"))
    stances_used = {_stance(point) for point, _, _ in plotted}
    for stance in _STANCES:
        if stance in stances_used:
            items.append((f"legend-stance {stance}", _dot(0, 0, _NEUTRAL, stance), stance))
    legend_parts: list[str] = []
    legend_height = _legend(legend_parts, items, plot_bottom + 30, width)

    notes_top = plot_bottom + 30 + legend_height
    height = notes_top + _NOTE_HEIGHT * len(notes) + 4
    parts = _open_svg("claim", title, width, height)
    parts.extend(body)
    parts.extend(legend_parts)
    for index, note in enumerate(notes):
        _note(parts, notes_top + _NOTE_HEIGHT * index + 14, note)
    parts.append("</svg>")
    return Markup("".join(parts))


# --- citation chain --------------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class ChainNode:
    """An article (dated) or a cited outlet with no article in the corpus (undated)."""

    key: str  # unique id within the chart
    label: str  # "TASS, 21 Oct 2016" or a cited outlet not in the corpus ("Sputnik")
    day: date | None  # None for a cited source with no article in the corpus
    href: str | None = None
    first: bool = False


@dataclass(slots=True, frozen=True)
class ChainEdge:
    """``source`` cites ``target`` (both node keys)."""

    source: str  # key of the citing node
    target: str  # key of the cited node
    label: str = "cites"


# ~40 nodes fill a page; more would need panning, which a server-rendered chart cannot offer.
_MAX_NODES = 40
_NODE_WIDTH = 140
_NODE_HEIGHT = 36
_ROW_GAP = 22  # room for the "first" label above a box
_NODE_LINE_CHARS = 20
# Edge labels are drawn on the chart only while they stay legible; past this they live in tooltips.
_MAX_VISIBLE_EDGE_LABELS = 15


def _wrap(label: str, line_chars: int, lines: int) -> list[str]:
    """At most ``lines`` lines of at most ``line_chars`` characters, word-wrapped, the last shortened."""
    words = _SPACES.sub(" ", _XML_FORBIDDEN.sub("", label)).strip().split(" ")
    out: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= line_chars or not current:
            current = candidate
            continue
        out.append(current)
        if len(out) == lines - 1:
            current = " ".join(words[index:])
            break
        current = word
    out.append(current)
    return [_shorten(line, line_chars) for line in out[:lines] if line]


def _chain_nodes(nodes: Sequence[ChainNode]) -> tuple[list[ChainNode], int]:
    """The nodes to draw (unique keys, at most ``_MAX_NODES``) in layout order, and how many were left out."""
    unique: dict[str, ChainNode] = {}
    for node in nodes:
        unique.setdefault(node.key, node)
    position = {key: index for index, key in enumerate(unique)}

    def order(node: ChainNode) -> tuple[int, int, int]:
        # Undated origins first, then by day; input order breaks ties.
        return (
            (0, 0, position[node.key]) if node.day is None else (1, node.day.toordinal(), position[node.key])
        )

    ordered = sorted(unique.values(), key=order)
    if len(ordered) <= _MAX_NODES:
        return ordered, 0
    # First appearances are the point of the chart: they stay, then the earliest of the rest.
    firsts = [node for node in ordered if node.first][:_MAX_NODES]
    rest = [node for node in ordered if not node.first][: _MAX_NODES - len(firsts)]
    kept = {node.key for node in firsts + rest}
    return [node for node in ordered if node.key in kept], len(ordered) - len(kept)


def citation_chain_svg(
    nodes: Sequence[ChainNode], edges: Sequence[ChainEdge], *, title: str, width: int = 760
) -> Markup:
    """Who cites whom: boxes left to right by date (undated cited sources far left), arrows citing → cited.

    Boxes are packed into rows so none overlap; edges naming a key that is not drawn are skipped. At most
    40 nodes are drawn (first appearances kept first), with a note saying how many were left out.
    """
    width = max(_MIN_WIDTH, int(width))
    drawn, left_out = _chain_nodes(nodes)
    notes = [f"and {left_out} more not shown"] if left_out else []
    if not drawn:
        return _message_svg("chain", title, width, "No sources to show", notes)

    undated = [node for node in drawn if node.day is None]
    dated = [node for node in drawn if node.day is not None]
    margin = 8.0
    dated_left = margin + (_NODE_WIDTH + 40 if undated else 0)
    dated_right = max(dated_left, width - margin - _NODE_WIDTH)
    ordinals = [node.day.toordinal() for node in dated if node.day is not None] or [0]
    # The scale places box centres, so the axis ticks sit under the middle of each box.
    time = _TimeScale(
        min(ordinals), max(ordinals), dated_left + _NODE_WIDTH / 2, dated_right + _NODE_WIDTH / 2
    )

    # Greedy row packing in left-to-right order: each box goes to the first row it fits in.
    x_of: dict[str, float] = {}
    row_of: dict[str, int] = {}
    row_ends: list[float] = []
    for node in drawn:
        x = margin if node.day is None else time.x(node.day.toordinal()) - _NODE_WIDTH / 2
        row = next((r for r, end in enumerate(row_ends) if end + 12 <= x), len(row_ends))
        if row == len(row_ends):
            row_ends.append(x + _NODE_WIDTH)
        else:
            row_ends[row] = x + _NODE_WIDTH
        x_of[node.key], row_of[node.key] = x, row

    top = _TITLE_HEIGHT + (34 if undated else 20)
    pitch = _NODE_HEIGHT + _ROW_GAP

    def box(key: str) -> tuple[float, float]:
        return x_of[key], top + row_of[key] * pitch

    rows_bottom = top + len(row_ends) * pitch - _ROW_GAP
    axis_height = 30 if dated else 0
    height = rows_bottom + axis_height + _NOTE_HEIGHT * len(notes) + 8

    label_of = {node.key: node.label for node in drawn}
    seen_edges: set[tuple[str, str, str]] = set()
    usable: list[ChainEdge] = []
    for edge in edges:
        identity = (edge.source, edge.target, edge.label)
        if (
            edge.source in x_of
            and edge.target in x_of
            and edge.source != edge.target
            and identity not in seen_edges
        ):
            seen_edges.add(identity)
            usable.append(edge)

    # A marker id unique to this chart's content: several charts on one page must not share one.
    digest = zlib.crc32(
        "\x1f".join([title, *x_of, *(f"{e.source}>{e.target}" for e in usable)]).encode(
            "utf-8", "surrogatepass"
        )
    )
    marker = f"qt-arrow-{digest:08x}"

    parts = _open_svg("chain", title, width, height)
    parts.append(
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto"><path d="M0,0L10,5L0,10z" fill="{_MUTED_TEXT}"/></marker></defs>'
    )
    if undated:
        parts.append(
            f'<text class="column-label" x="{_num(margin)}" y="{_TITLE_HEIGHT + 14}" fill="{_MUTED_TEXT}" '
            f'font-size="{_SMALL_FONT}">cited, not in corpus</text>'
        )
    if dated:
        _time_axis(parts, time, top - 6, rows_bottom + 6, width)

    show_edge_labels = len(usable) <= _MAX_VISIBLE_EDGE_LABELS
    parts.append('<g class="edges">')
    for edge in usable:
        (sx, sy), (tx, ty) = box(edge.source), box(edge.target)
        clearance = sx - (tx + _NODE_WIDTH) if tx < sx else tx - (sx + _NODE_WIDTH)
        if clearance >= 24:
            # Side by side: leave from the facing sides, an S-curve between rows.
            toward_left = tx < sx
            x1 = sx if toward_left else sx + _NODE_WIDTH
            x2 = tx + _NODE_WIDTH if toward_left else tx
            y1, y2 = sy + _NODE_HEIGHT / 2, ty + _NODE_HEIGHT / 2
            middle = (x1 + x2) / 2
            # Same row: bow upwards so the line does not run through the boxes in between.
            bow = -min(_ROW_GAP * 2, abs(x2 - x1) / 6) if row_of[edge.source] == row_of[edge.target] else 0.0
            c1, c2 = (middle, y1 + bow), (middle, y2 + bow)
        else:
            # Stacked in overlapping columns: a straight line would run through the boxes between them,
            # so the edge loops out beside both, side to side: on the left unless the boxes sit at the
            # left margin. The curve bulges 3/4 of its control points' offset, which must stay on canvas.
            y1, y2 = sy + _NODE_HEIGHT / 2, ty + _NODE_HEIGHT / 2
            room_left = min(sx, tx)
            room_right = width - max(sx, tx) - _NODE_WIDTH
            offset = min(36.0, 12 + abs(y2 - y1) / 4, max(room_left, room_right) / 0.75)
            if room_left >= room_right or room_left >= 0.75 * offset:
                x1, x2, reach = sx, tx, min(sx, tx) - offset
            else:
                x1, x2 = sx + _NODE_WIDTH, tx + _NODE_WIDTH
                reach = max(x1, x2) + offset
            c1, c2 = (reach, y1), (reach, y2)
        citing, cited = _shorten(label_of[edge.source], 60), _shorten(label_of[edge.target], 60)
        tip = f"{citing} {_shorten(edge.label, 40)} {cited}"
        parts.append(
            f'<g class="edge" data-source="{_text(edge.source)}" data-target="{_text(edge.target)}">'
            f"<title>{_text(tip)}</title>"
            f'<path class="arrow" d="M{_num(x1)},{_num(y1)}C{_num(c1[0])},{_num(c1[1])} {_num(c2[0])},'
            f'{_num(c2[1])} {_num(x2)},{_num(y2)}" fill="none" stroke="{_AXIS}" stroke-width="1.3" '
            f'marker-end="url(#{marker})"/>'
        )
        if show_edge_labels and edge.label.strip():
            # The curve's midpoint (t = 1/2 of the cubic Bézier).
            mx = (x1 + 3 * c1[0] + 3 * c2[0] + x2) / 8
            my = (y1 + 3 * c1[1] + 3 * c2[1] + y2) / 8
            parts.append(
                f'<text class="edge-label" x="{_num(mx)}" y="{_num(my - 3)}" text-anchor="middle" '
                f'font-size="{_SMALL_FONT}" fill="{_MUTED_TEXT}" stroke="#FFFFFF" stroke-width="3" '
                f'paint-order="stroke">{_text(_shorten(edge.label, 24))}</text>'
            )
        parts.append("</g>")
    parts.append("</g>")

    parts.append('<g class="nodes">')
    for node in drawn:
        x, y = box(node.key)
        lines = _wrap(node.label, _NODE_LINE_CHARS, 2) or ["(unnamed)"]
        classes = "node" + (" first" if node.first else "") + (" undated" if node.day is None else "")
        # Cited-only sources get a dashed white box: they are outlets, not articles we hold.
        outline = ' stroke-dasharray="4 3"' if node.day is None else ""
        day = f' data-day="{node.day.isoformat()}"' if node.day is not None else ""
        first = " (first appearance)" if node.first else ""
        text_top = y + _NODE_HEIGHT / 2 - (len(lines) - 1) * 7 + 4
        inner = [
            f'<g class="{classes}" data-key="{_text(node.key)}"{day}>'
            f"<title>{_text(_shorten(node.label, _TOOLTIP_CHARS) + first)}</title>"
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_NODE_WIDTH}" height="{_NODE_HEIGHT}" rx="4" '
            f'fill="{"#FFFFFF" if node.day is None else _LANE_FILL}" '
            f'stroke="{_TEXT if node.first else _AXIS}" stroke-width="{2.5 if node.first else 1}"{outline}/>'
        ]
        for index, line in enumerate(lines):
            line_y = _num(text_top + index * 14)
            inner.append(f'<text x="{_num(x + 6)}" y="{line_y}" fill="{_TEXT}">{_text(line)}</text>')
        if node.first:
            inner.append(
                f'<text class="first-label" x="{_num(x)}" y="{_num(y - 5)}" font-size="{_SMALL_FONT}" '
                f'font-weight="bold" fill="{_TEXT}">first appearance</text>'
            )
        inner.append("</g>")
        _link(parts, node.href, "".join(inner))
    parts.append("</g>")
    for index, note in enumerate(notes):
        _note(parts, rows_bottom + axis_height + _NOTE_HEIGHT * index + 14, note)
    parts.append("</svg>")
    return Markup("".join(parts))
