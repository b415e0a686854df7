"""The commands over a linked store: link, speakers, said, search, echoes, stories, timeline, claims,
export. Each is a thin layer over :mod:`quotetrail.api` and prints ``--format table`` (for reading),
``json`` (one document), ``jsonl`` (one record per line) or ``csv`` (flat rows; nested values as JSON).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import api
from .cli_common import DEFAULTS, DbOption, fail, stderr, utf8_stdout
from .queries import StatementRecord
from .settings import option_help
from .store import StoreError


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", help="table (for reading), json, jsonl (one record per line) or csv."),
]
LimitOption = Annotated[int, typer.Option("--limit", min=0, help="Records at most (0: all).")]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Published on or after this date (YYYY-MM-DD).")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Published on or before this date (YYYY-MM-DD).")
]
OutletOption = Annotated[str | None, typer.Option("--outlet", help="Only articles of this outlet.")]
AliasesOption = Annotated[
    Path | None, typer.Option("--aliases", help=option_help("aliases"), exists=True, dir_okay=False)
]

# Widest a table cell grows before it is cut (with "…"): statements can run to paragraphs.
_CELL_CHARS = 160


@contextmanager
def _query_errors(console: Console, db: Path) -> Iterator[None]:
    """The store's and the query's failures as one-line errors with exit status 2."""
    try:
        yield
    except FileNotFoundError as exc:
        raise fail(console, f"{exc}; create it with `quotetrail analyze PATH... --db {db}`") from exc
    except (StoreError, api.NotLinkedError, api.UnknownNameError, ValueError) as exc:
        raise fail(console, str(exc)) from exc


def _flat(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, float):
        value = f"{value:g}"
    text = " ".join(str(value).split())
    return text if len(text) <= _CELL_CHARS else text[: _CELL_CHARS - 1] + "…"


def _emit(
    records: Sequence[dict[str, Any]],
    fmt: OutputFormat,
    columns: Sequence[tuple[str, str]],
    *,
    title: str | None = None,
    document: Any = None,
) -> None:
    """Print ``records``; ``columns`` are (key, header) for the table; ``document`` replaces the list
    as the json output when a command has more to say than its rows."""
    if fmt is OutputFormat.table:
        table = Table(title=title, show_lines=False, title_justify="left")
        for _, header in columns:
            table.add_column(header, overflow="fold")
        for record in records:
            table.add_row(*(_cell(record.get(key)) for key, _ in columns))
        Console(highlight=False).print(table)
        return
    utf8_stdout()
    out = sys.stdout
    if fmt is OutputFormat.json:
        out.write(json.dumps(records if document is None else document, ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.jsonl:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        keys = list(dict.fromkeys(k for record in records for k in record)) or [key for key, _ in columns]
        writer = csv.writer(out)
        writer.writerow(keys)
        writer.writerows([_flat(record.get(k)) for k in keys] for record in records)


_STATEMENT_COLUMNS = (
    ("published", "Date"),
    ("outlet", "Outlet"),
    ("speaker", "Speaker"),
    ("kind", "Kind"),
    ("text", "Statement"),
)


def _statements(records: Iterable[StatementRecord]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in records]


def link_line(summary: api.LinkSummary) -> str:
    return (
        f"linked {summary.articles} articles: {summary.stories} stories "
        f"({summary.new_in_stories} articles newly placed), {summary.speakers} speakers among "
        f"{summary.entities} entities, "
        f"{summary.echo_clusters} echo clusters, {summary.claim_groups} claim histories"
        + (f", {summary.dates_completed} publication years completed" if summary.dates_completed else "")
    )


def link(
    db: DbOption = DEFAULTS.db,
    aliases: AliasesOption = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Link the stored articles: stories, canonical speakers and entities, echoes, claim histories."""
    console = stderr()
    with _query_errors(console, db):
        summary = api.link(db, aliases=aliases)  # AliasFileError is a ValueError: reported, exit 2
    data = summary.to_dict()
    if format is OutputFormat.table:
        Console(highlight=False).print(Text(link_line(summary)))
        if summary.story_index_rebuilt:
            console.print(Text(f"the story index was rebuilt: {summary.story_index_rebuilt}"))
        return
    _emit([data], format, [], document=data)


def speakers(
    db: DbOption = DEFAULTS.db,
    format: FormatOption = OutputFormat.table,
    limit: LimitOption = 50,
) -> None:
    """Speakers across the corpus (one per real person or body), by number of statements."""
    with _query_errors(stderr(), db):
        records = [r.to_dict() for r in api.speakers(db, limit=limit or None)]
    columns = (
        ("name", "Speaker"),
        ("type", "Type"),
        ("statements", "Statements"),
        ("articles", "Articles"),
        ("first_published", "First"),
        ("last_published", "Last"),
        ("aliases", "Also named"),
    )
    _emit(records, format, columns, title="Speakers")


def said(
    speaker: Annotated[
        str, typer.Argument(help="A speaker's name as written anywhere: 'Lavrov', 'Sergei Lavrov'.")
    ],
    about: Annotated[str | None, typer.Option("--about", help="Only statements matching this text.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    outlet: OutletOption = None,
    db: DbOption = DEFAULTS.db,
    format: FormatOption = OutputFormat.table,
    limit: LimitOption = 0,
) -> None:
    """Everything a speaker said, in order of publication."""
    console = stderr()
    with _query_errors(console, db):
        entity, found = api.said(
            db, speaker, about=about, since=since, until=until, outlet=outlet, limit=limit or None
        )
    records = _statements(found)
    _emit(
        records,
        format,
        _STATEMENT_COLUMNS[:2] + _STATEMENT_COLUMNS[3:],
        title=f"{entity.name}: {len(records)} statements",
        document={"speaker": entity.to_dict(), "statements": records},
    )


def search(
    query: Annotated[
        str, typer.Argument(help='Words to find ("quoted words" are a phrase, word* a prefix).')
    ],
    speaker: Annotated[str | None, typer.Option("--speaker", help="Only statements by this speaker.")] = None,
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    kind: Annotated[str | None, typer.Option("--kind", help="direct, indirect or mixed.")] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option("--min-confidence", min=0.0, max=1.0, help="Only statements at least this sure."),
    ] = None,
    db: DbOption = DEFAULTS.db,
    format: FormatOption = OutputFormat.table,
    limit: LimitOption = 20,
) -> None:
    """Full-text search over statements, best match first."""
    with _query_errors(stderr(), db):
        found = api.search(
            db,
            query,
            speaker=speaker,
            outlet=outlet,
            since=since,
            until=until,
            kind=kind,
            min_confidence=min_confidence,
            limit=limit or -1,
        )
    _emit(_statements(found), format, _STATEMENT_COLUMNS, title=f"Statements matching {query!r}")


def echoes(
    min_outlets: Annotated[
        int, typer.Option("--min-outlets", min=1, help="Carried by at least this many outlets.")
    ] = 1,
    speaker: Annotated[str | None, typer.Option("--speaker", help="Only claims of this speaker.")] = None,
    db: DbOption = DEFAULTS.db,
    format: FormatOption = OutputFormat.table,
    limit: LimitOption = 50,
) -> None:
    """Claims carried by several articles: first appearance, outlets, citation chain."""
    with _query_errors(stderr(), db):
        records = [
            r.to_dict() for r in api.echoes(db, min_outlets=min_outlets, speaker=speaker, limit=limit or None)
        ]
    columns = (
        ("echo_id", "Echo"),
        ("first_published", "First"),
        ("first_outlet", "First outlet"),
        ("outlets", "Outlets"),
        ("statements", "Statements"),
        ("speakers", "Speakers"),
        ("first_text", "Claim"),
    )
    _emit(records, format, columns, title="Echoes")


def stories(
    db: DbOption = DEFAULTS.db,
    format: FormatOption = OutputFormat.table,
    limit: LimitOption = 50,
    min_articles: Annotated[
        int, typer.Option("--min-articles", min=1, help="Stories of at least this many articles.")
    ] = 1,
) -> None:
    """Stories (articles about one event). jsonl and csv give one row per article: {"id", "story", …}."""
    with _query_errors(stderr(), db):
        if format in (OutputFormat.jsonl, OutputFormat.csv):
            rows = [r.to_dict() for r in api.story_of_each_article(db)]
            _emit(rows, format, ())
            return
        records = [r.to_dict() for r in api.stories(db, limit=limit or None, min_articles=min_articles)]
    for record in records:
        record["outlet_list"] = list(dict.fromkeys(m["outlet"] for m in record["members"] if m["outlet"]))
    columns = (
        ("story", "Story"),
        ("first_published", "First"),
        ("last_published", "Last"),
        ("articles", "Articles"),
        ("outlet_list", "Outlets"),
        ("title", "Title"),
    )
    _emit(records, format, columns, title="Stories")


def timeline(
    name: Annotated[str, typer.Argument(help="A speaker or entity, as written anywhere.")],
    db: DbOption = DEFAULTS.db,
    format: FormatOption = OutputFormat.table,
) -> None:
    """What a speaker said and where an entity was named, in order of publication."""
    with _query_errors(stderr(), db):
        entity, entries = api.timeline(db, name)
    records = [e.to_dict() for e in entries]
    columns = (
        ("published", "Date"),
        ("outlet", "Outlet"),
        ("role", "Role"),
        ("title", "Article"),
        ("text", "Statement"),
    )
    _emit(
        records,
        format,
        columns,
        title=f"{entity.name} ({entity.type})",
        document={"entity": entity.to_dict(), "timeline": records},
    )


def claims(
    entity: Annotated[str | None, typer.Argument(help="Only claims about this entity or place.")] = None,
    db: DbOption = DEFAULTS.db,
    format: FormatOption = OutputFormat.table,
    limit: LimitOption = 50,
) -> None:
    """Claim histories: quantities grouped by what they count and where, with changes flagged."""
    with _query_errors(stderr(), db):
        groups = [g.to_dict() for g in api.claims(db, entity, limit=limit or None)]
    if format is OutputFormat.json:
        _emit(groups, format, ())
        return
    # One row per value: the group's fields repeated, so that jsonl/csv/table read the same way.
    rows = [
        {
            "claim": g["key"],
            "measure": g["measure"],
            "subject": g["subject"],
            "place": g["place"],
            **value,
            "flags": [f["note"] for f in g["flags"] if value["quantity_id"] in (f["a"], f["b"])],
        }
        for g in groups
        for value in g["values"]
    ]
    if format is not OutputFormat.table:
        _emit(rows, format, ())
        return
    # For reading: one table per history, its flags underneath.
    console = Console(highlight=False)
    columns = (
        ("published", "Date"),
        ("outlet", "Outlet"),
        ("speaker", "Speaker"),
        ("text", "Value"),
        ("source", "Whose figure"),
        ("stance", "Stance"),
    )
    if not groups:
        console.print(Text("no claim histories" + (f" about {entity}" if entity else "")))
    for g in groups:
        heading = g["measure"] + (f" of {g['subject']}" if g["subject"] else "")
        heading += f" in {g['place']}" if g["place"] else ""
        _emit([v for v in rows if v["claim"] == g["key"]], format, columns, title=heading)
        for flag in g["flags"]:
            console.print(Text(f"  {flag['kind']}: {flag['note']}"))


def export(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="File (jsonl) or folder (csv, parquet) to write.")
    ],
    format: Annotated[
        api.ExportFormat, typer.Option("--format", help="jsonl, csv or parquet.")
    ] = api.ExportFormat.jsonl,
    db: DbOption = DEFAULTS.db,
) -> None:
    """The whole store: articles with their linked statements (jsonl), or every table (csv, parquet)."""
    console = stderr()
    with _query_errors(console, db):
        try:
            counts = api.export(db, output, format)
        except OSError as exc:
            raise fail(console, f"cannot write {output}: {exc.strerror or exc}") from exc
    console.print(Text(", ".join(f"{table}: {n}" for table, n in counts.items()) + f" written to {output}"))


COMMANDS: tuple[Callable[..., None], ...] = (
    link,
    speakers,
    said,
    search,
    echoes,
    stories,
    timeline,
    claims,
    export,
)


def register(app: typer.Typer) -> None:
    for command in COMMANDS:
        app.command()(command)
