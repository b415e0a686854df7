"""Export a whole store: JSON Lines (one article per line), or CSV / Parquet (one file per table).

JSON Lines follows the output contract of ``quotetrail extract`` (:func:`quotetrail.model.article_to_record`)
and adds what the cross-article pass learned: the article's ``story``, and for each statement its
``statement_id``, ``speaker_entity`` (canonical name), ``speaker_key`` and ``echo_id``. CSV and Parquet
write every table of the store as it is (``<table>.csv`` / ``<table>.parquet`` in the output folder),
for analysis in a spreadsheet, pandas, DuckDB or R; the full-text index tables are left out, being
rebuildable copies. Files are written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from .model import article_to_record
from .store import Store

# Tables exported by CSV and Parquet, in an order where each refers only to earlier ones.
EXPORTED_TABLES = (
    "articles",
    "statements",
    "quantities",
    "entities",
    "cited_sources",
    "skipped_inputs",
    "canonical_entities",
    "name_links",
    "stories",
    "article_stories",
    "echo_clusters",
    "echo_members",
    "claim_groups",
    "claim_values",
)

# Rows fetched and written at a time: bounds memory on a large store.
_BATCH_ROWS = 5000


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


def export(
    db: str | os.PathLike[str], out: str | os.PathLike[str], fmt: ExportFormat | str
) -> dict[str, int]:
    """Export the store at ``db`` to ``out`` (a file for jsonl, a folder for csv/parquet).

    Returns the number of rows written per table (``{"articles": n}`` for jsonl).
    """
    fmt = ExportFormat(fmt)
    with Store.open(db, create=False) as store:
        if fmt is ExportFormat.jsonl:
            return {"articles": _export_jsonl(store, Path(out))}
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        write = _write_csv if fmt is ExportFormat.csv else _write_parquet
        return {
            table: write(store.connection, table, folder / f"{table}.{fmt.value}")
            for table in EXPORTED_TABLES
        }


def _export_jsonl(store: Store, target: Path) -> int:
    conn = store.connection
    story_of = dict(conn.execute("SELECT article_id, story_id FROM article_stories"))
    written = 0
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as stream:
            for article_id, content_hash in conn.execute(
                "SELECT article_id, content_hash FROM articles ORDER BY article_id"
            ).fetchall():
                article = store.get(content_hash)
                if article is None:  # deleted while exporting
                    continue
                record = article_to_record(article)
                record["story"] = story_of.get(article_id)
                linked = conn.execute(
                    """
                    SELECT s.statement_id, ce.name, s.speaker_key, em.echo_id FROM statements AS s
                    LEFT JOIN canonical_entities AS ce ON ce.entity_key = s.speaker_key
                    LEFT JOIN echo_members AS em ON em.statement_id = s.statement_id
                    WHERE s.article_id = ? ORDER BY s.position
                    """,
                    (article_id,),
                ).fetchall()
                for statement, (statement_id, entity, key, echo_id) in zip(
                    record["statements"], linked, strict=True
                ):
                    statement.update(
                        statement_id=statement_id, speaker_entity=entity, speaker_key=key, echo_id=echo_id
                    )
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    return [(name, decl.upper()) for _, name, decl, *_ in conn.execute(f"PRAGMA table_info({table})")]


def _batches(conn: sqlite3.Connection, table: str) -> Iterator[list[tuple[Any, ...]]]:
    cursor = conn.execute(f"SELECT * FROM {table}")
    while rows := cursor.fetchmany(_BATCH_ROWS):
        yield rows


def _write_csv(conn: sqlite3.Connection, table: str, target: Path) -> int:
    partial = target.with_name(target.name + ".partial")
    written = 0
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow([name for name, _ in _columns(conn, table)])
            for rows in _batches(conn, table):
                writer.writerows(
                    [bytes(v).hex() if isinstance(v, bytes | memoryview) else v for v in row] for row in rows
                )
                written += len(rows)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _write_parquet(conn: sqlite3.Connection, table: str, target: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # SQLite's declared column types, as Parquet types (SQLite itself is dynamically typed; every column
    # of ours holds the one type it declares, or NULL).
    arrow_type = {"INTEGER": pa.int64(), "REAL": pa.float64(), "TEXT": pa.string(), "BLOB": pa.binary()}
    columns = _columns(conn, table)
    schema = pa.schema([(name, arrow_type.get(decl, pa.string())) for name, decl in columns])
    partial = target.with_name(target.name + ".partial")
    written = 0
    try:
        with pq.ParquetWriter(partial, schema) as writer:
            for rows in _batches(conn, table):
                arrays = [
                    pa.array([row[i] for row in rows], type=schema.field(i).type) for i in range(len(columns))
                ]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
                written += len(rows)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return written
