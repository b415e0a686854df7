"""What a store holds, for people: speakers, outlets and dates, skipped inputs.

:func:`build_report` gathers a :class:`Report` from a :class:`~quotetrail.store.Store`;
:func:`report_to_dict` makes it JSON-ready and :func:`render_report` prints it as rich tables.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .store import OutletDateRow, SkippedRow, SpeakerRow, Store

if TYPE_CHECKING:
    from rich.console import Console


@dataclass(frozen=True, slots=True)
class Report:
    articles: int
    statements: int
    # Each list holds at most the report's limit of rows; the *_total fields say how many there are.
    speakers: list[SpeakerRow]
    speakers_total: int
    outlets: list[OutletDateRow]
    outlets_total: int
    skipped: list[SkippedRow]
    skipped_total: int
    skipped_by_reason: dict[str, int]


def build_report(store: Store, *, limit: int | None = None) -> Report:
    """The report of a store; ``limit`` caps the rows of each list (None: all of them)."""
    skipped_by_reason = store.skipped_by_reason()
    return Report(
        articles=store.count("articles"),
        statements=store.count("statements"),
        speakers=store.speaker_ranking(limit),
        speakers_total=store.count("speakers"),
        outlets=store.outlet_date_counts(limit),
        outlets_total=store.outlet_date_groups(),
        skipped=store.skipped_inputs(limit),
        skipped_total=sum(skipped_by_reason.values()),
        skipped_by_reason=skipped_by_reason,
    )


def report_to_dict(report: Report) -> dict[str, Any]:
    return asdict(report)


def _shown(shown: int, total: int) -> str:
    return f"{total}" if shown == total else f"top {shown} of {total}"


def render_report(report: Report, console: Console) -> None:
    """Print the report as tables."""
    from rich.table import Table
    from rich.text import Text

    console.print(f"[bold]{report.articles}[/] articles, [bold]{report.statements}[/] statements")

    speakers = Table(title=f"Speakers by statements ({_shown(len(report.speakers), report.speakers_total)})")
    speakers.add_column("#", justify="right")
    speakers.add_column("Speaker")
    speakers.add_column("Statements", justify="right")
    speakers.add_column("Articles", justify="right")
    speakers.add_column("Also named")
    for rank, row in enumerate(report.speakers, start=1):
        aliases = ", ".join(a for a in row.aliases if a != row.name)
        speakers.add_row(str(rank), row.name, str(row.statements), str(row.articles), aliases)
    console.print(speakers)

    outlets = Table(
        title=f"Statements per outlet and date ({_shown(len(report.outlets), report.outlets_total)})"
    )
    outlets.add_column("Outlet")
    outlets.add_column("Published")
    outlets.add_column("Articles", justify="right")
    outlets.add_column("Statements", justify="right")
    for o in report.outlets:
        outlets.add_row(
            o.outlet or "(unknown)", o.published or "(unknown)", str(o.articles), str(o.statements)
        )
    console.print(outlets)

    if report.skipped_total:
        by_reason = ", ".join(f"{reason}: {n}" for reason, n in report.skipped_by_reason.items())
        shown = _shown(len(report.skipped), report.skipped_total)
        console.print(Text(f"Skipped inputs ({shown}; {by_reason})", style="bold"))
        # One line each rather than a table: paths stay whole, to copy or grep.
        for s in report.skipped:
            console.print(
                Text(f"{s.source}: {s.reason}" + (f" ({s.detail})" if s.detail else "")), soft_wrap=True
            )
    else:
        console.print("No input was skipped.")
