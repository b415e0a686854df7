"""Questions asked of a linked store: who speaks, what they said, which claims echoed, stories, timelines,
claim histories. The CLI commands and the web workspace call these functions; each takes a database
path or an open :class:`~quotetrail.store.Store` and returns plain records (``to_dict()`` gives JSON).

Names typed by a user ("lavrov", "Sergei Lavrov", "al-Nusra") are looked up among the canonical
entities of the cross-article pass (:mod:`quotetrail.linking`): exactly, then by any name or surface
form an article used, then by a word of the name; the entity with the most statements wins a tie.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from .store import Store, plain_to_fts

Database = str | os.PathLike[str] | Store


class NotLinkedError(Exception):
    """The store holds articles but the cross-article pass has not been run on it."""


class UnknownNameError(LookupError):
    """No speaker or entity of the store matches the name asked for."""


class UnknownIdError(LookupError):
    """No article, story or echo cluster of the store has the id asked for."""


@contextmanager
def _opened(db: Database) -> Iterator[sqlite3.Connection]:
    if isinstance(db, Store):
        yield db.connection
        return
    with Store.open(db, create=False) as store:
        yield store.connection


def _require_linked(conn: sqlite3.Connection) -> None:
    has_articles = conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None
    linked = conn.execute("SELECT 1 FROM article_stories LIMIT 1").fetchone() is not None
    if has_articles and not linked:
        raise NotLinkedError("the store has not been linked yet: run `quotetrail link` on it first")


class _Record:
    """JSON-ready form of a record (nested records included)."""

    def to_dict(self) -> dict[str, Any]:
        # Every subclass is a dataclass.
        return dataclasses.asdict(cast(Any, self))


# --- records -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class EntityRecord(_Record):
    key: str
    name: str
    type: str
    statements: int
    articles: int
    first_published: str | None
    last_published: str | None
    aliases: list[str]
    names: list[str]
    evidence: list[str]


@dataclass(slots=True)
class StatementRecord(_Record):
    statement_id: int
    article: str  # the article's input id
    title: str | None
    outlet: str | None
    published: str | None
    speaker: str | None  # canonical name across the corpus (the article's own name when unlinked)
    speaker_key: str | None
    mention: str | None
    text: str
    kind: str
    cue: str | None
    confidence: float
    rule: str
    echo_id: int | None
    story: str | None
    article_id: int  # the article's row in the store (input ids need not be unique)
    score: float | None = None  # full-text rank (bm25: lower is better), for search results


@dataclass(slots=True)
class EchoRecord(_Record):
    echo_id: int
    kind: str
    statements: int
    articles: int
    outlets: list[str]
    speakers: list[str]
    first_published: str | None
    first_outlet: str | None
    first_article: str
    first_text: str
    citations: list[dict[str, Any]]
    first_article_id: int
    members: list[StatementRecord] = field(default_factory=list)


@dataclass(slots=True)
class StoryArticle(_Record):
    id: str
    story: str
    title: str | None
    outlet: str | None
    published: str | None
    similarity: float
    article_id: int


@dataclass(slots=True)
class StoryRecord(_Record):
    story: str
    title: str | None
    articles: int
    outlets: int
    first_published: str | None
    last_published: str | None
    members: list[StoryArticle] = field(default_factory=list)


@dataclass(slots=True)
class TimelineEntry(_Record):
    published: str | None
    outlet: str | None
    article: str
    title: str | None
    role: str  # "said" (a statement by the entity) or "mentioned" (named in the article)
    statement_id: int | None
    text: str | None
    article_id: int


@dataclass(slots=True)
class ClaimValueRecord(_Record):
    quantity_id: int
    text: str
    low: float | None
    high: float | None
    unit: str | None
    speaker: str | None
    source: str | None
    stance: str  # asserted | reported (the figure of `source`) | disputed
    published: str | None
    outlet: str | None
    article: str
    statement_id: int | None
    statement: str | None
    area: str | None  # the part of the history's place it is about ("East Aleppo")
    part_of: int | None  # for a share ("up to half of them"): the quantity it is a share of
    evidence: str  # how subject, place and stance were read
    article_id: int


@dataclass(slots=True)
class ClaimRecord(_Record):
    key: str
    measure: str
    subject: str | None
    place: str | None
    first_published: str | None
    last_published: str | None
    flags: list[dict[str, Any]]
    values: list[ClaimValueRecord] = field(default_factory=list)


# --- names ---------------------------------------------------------------------------------------------

_ENTITY_COLUMNS = (
    "entity_key, name, type, statement_count, article_count, first_published, last_published, aliases, "
    "names, evidence"
)


def _entity(row: tuple[Any, ...]) -> EntityRecord:
    key, name, type_, statements, articles, first, last, aliases, names, evidence = row
    return EntityRecord(
        key,
        name,
        type_,
        statements,
        articles,
        first,
        last,
        json.loads(aliases),
        json.loads(names),
        json.loads(evidence),
    )


def find_entities(db: Database, name: str, *, limit: int = 10) -> list[EntityRecord]:
    """Canonical entities matching a typed name, best first (see the module docs)."""
    with _opened(db) as conn:
        _require_linked(conn)
        return _find_entities(conn, name, limit)


# Whole words of a name or of an alias ("Lavrov" in "Sergey Lavrov", "Nusra" in "Jabhat al-Nusra").
_HAS_WORDS = (
    "(' ' || replace(name, '-', ' ') || ' ') LIKE ? OR EXISTS (SELECT 1 FROM json_each(aliases) "
    "WHERE (' ' || replace(value, '-', ' ') || ' ') LIKE ?)"
)


def _find_entities(conn: sqlite3.Connection, name: str, limit: int) -> list[EntityRecord]:
    wanted = " ".join(name.split())
    if not wanted:
        return []
    order = "ORDER BY statement_count DESC, article_count DESC, name LIMIT ?"
    # Last resort, one word of what was typed ("President Putin" → "Putin"), longest words first, as
    # they are the most telling; short words ("al", "de", "the") would match too much.
    single_words = sorted({w for w in re.findall(r"\w+", wanted) if len(w) >= 4}, key=lambda w: (-len(w), w))
    word_runs = [wanted.replace("-", " "), *(w for w in single_words if w.lower() != wanted.lower())]
    for where, params in (
        ("entity_key = ?", (wanted,)),  # a key, as links between pages carry it
        ("name = ? COLLATE NOCASE", (wanted,)),
        (
            "EXISTS (SELECT 1 FROM json_each(names) WHERE value = ? COLLATE NOCASE) "
            "OR EXISTS (SELECT 1 FROM json_each(aliases) WHERE value = ? COLLATE NOCASE)",
            (wanted, wanted),
        ),
        *((_HAS_WORDS, (f"% {run} %",) * 2) for run in word_runs),
    ):
        rows = conn.execute(
            f"SELECT {_ENTITY_COLUMNS} FROM canonical_entities WHERE {where} {order}", (*params, limit)
        ).fetchall()
        if rows:
            return [_entity(r) for r in rows]
    return []


def _one_entity(conn: sqlite3.Connection, name: str) -> EntityRecord:
    found = _find_entities(conn, name, 1)
    if not found:
        raise UnknownNameError(f"no speaker or entity matches {name!r}")
    return found[0]


def speakers(db: Database, *, limit: int | None = 50) -> list[EntityRecord]:
    """Canonical speakers by number of statements."""
    with _opened(db) as conn:
        _require_linked(conn)
        rows = conn.execute(
            f"SELECT {_ENTITY_COLUMNS} FROM canonical_entities WHERE statement_count > 0 "
            "ORDER BY statement_count DESC, article_count DESC, name LIMIT ?",
            (-1 if limit is None else limit,),
        ).fetchall()
    return [_entity(r) for r in rows]


# --- statements ----------------------------------------------------------------------------------------

_STATEMENT_SELECT = """
    SELECT s.statement_id, a.id, a.title, a.outlet, a.published,
        COALESCE(ce.name, s.speaker), s.speaker_key, s.speaker_mention, s.text, s.kind, s.cue,
        s.confidence, s.rule, em.echo_id, st.story_id, a.article_id
    FROM statements AS s
    JOIN articles AS a ON a.article_id = s.article_id
    LEFT JOIN canonical_entities AS ce ON ce.entity_key = s.speaker_key
    LEFT JOIN echo_members AS em ON em.statement_id = s.statement_id
    LEFT JOIN article_stories AS st ON st.article_id = s.article_id
"""


@dataclass(slots=True)
class _Filters:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def where(self) -> str:
        return ("WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


def _common_filters(
    filters: _Filters,
    *,
    since: str | None,
    until: str | None,
    outlet: str | None,
    kind: str | None = None,
    min_confidence: float | None = None,
) -> None:
    if since:
        filters.add("a.published >= ?", since)
    if until:
        filters.add("a.published <= ?", until)
    if outlet:
        filters.add("a.outlet = ? COLLATE NOCASE", outlet)
    if kind:
        filters.add("s.kind = ?", kind)
    if min_confidence is not None:
        filters.add("s.confidence >= ?", min_confidence)


def _fts_match(query: str, *, fts_syntax: bool = False) -> str:
    """The FTS5 expression for a query; with ``fts_syntax`` the query is FTS5 syntax already (AND, OR,
    NOT, NEAR, column filters), checked here so that a mistake reads as a message, not a crash."""
    match = query.strip() if fts_syntax else plain_to_fts(query)
    if not match:
        raise ValueError(f"the query {query!r} has no words to search for")
    return match


def _run_fts(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...], query: str) -> list[Any]:
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        # SQLite names a malformed query in many ways ("fts5: syntax error near …", "unterminated
        # string", "no such column: x"); what is not the query's fault is the database's.
        if any(word in str(exc) for word in ("locked", "busy", "disk", "readonly", "no such table")):
            raise
        raise ValueError(f"invalid search {query!r}: {exc}") from exc


def said(
    db: Database,
    speaker: str,
    *,
    about: str | None = None,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    limit: int | None = None,
) -> tuple[EntityRecord, list[StatementRecord]]:
    """Everything one speaker said, in order of publication; ``about`` is a full-text filter."""
    with _opened(db) as conn:
        _require_linked(conn)
        entity = _one_entity(conn, speaker)
        filters = _Filters()
        filters.add("s.speaker_key = ?", entity.key)
        if about:
            filters.add(
                "s.statement_id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)",
                _fts_match(about),
            )
        _common_filters(filters, since=since, until=until, outlet=outlet)
        rows = conn.execute(
            f"{_STATEMENT_SELECT} {filters.where()} "
            "ORDER BY a.published IS NULL, a.published, a.article_id, s.position LIMIT ?",
            (*filters.params, -1 if limit is None else limit),
        ).fetchall()
    return entity, [StatementRecord(*r) for r in rows]


def search(
    db: Database,
    query: str,
    *,
    speaker: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    min_confidence: float | None = None,
    limit: int = 20,
    offset: int = 0,
    fts_syntax: bool = False,
) -> list[StatementRecord]:
    """Statements matching a full-text query, best match first, with optional filters.

    The query is words and "quoted phrases" (every one must occur); with ``fts_syntax`` it is SQLite
    FTS5 syntax, and a malformed one raises ValueError with SQLite's reason.
    """
    with _opened(db) as conn:
        _require_linked(conn)
        filters = _search_filters(
            conn,
            query,
            speaker=speaker,
            outlet=outlet,
            since=since,
            until=until,
            kind=kind,
            min_confidence=min_confidence,
            fts_syntax=fts_syntax,
        )
        # Rank first and join the page of results afterwards: ranking reads only the full-text index
        # (and the tables a filter needs), where joining every match first costs twice as much.
        joins = (
            "JOIN statements AS s ON s.statement_id = statements_fts.rowid "
            "JOIN articles AS a ON a.article_id = s.article_id"
            if len(filters.clauses) > 1
            else ""
        )
        select = _STATEMENT_SELECT.replace(
            "FROM statements AS s",
            f"""FROM (
                SELECT statements_fts.rowid AS hit, bm25(statements_fts) AS score FROM statements_fts {joins}
                {filters.where()} ORDER BY score LIMIT ? OFFSET ?
            ) AS ranked JOIN statements AS s ON s.statement_id = ranked.hit""",
        ).replace("a.article_id\n", "a.article_id, ranked.score\n")
        rows = _run_fts(conn, f"{select} ORDER BY ranked.score", (*filters.params, limit, offset), query)
    return [StatementRecord(*r) for r in rows]


def _search_filters(
    conn: sqlite3.Connection,
    query: str,
    *,
    speaker: str | None,
    outlet: str | None,
    since: str | None,
    until: str | None,
    kind: str | None,
    min_confidence: float | None,
    fts_syntax: bool,
) -> _Filters:
    filters = _Filters()
    filters.add("statements_fts MATCH ?", _fts_match(query, fts_syntax=fts_syntax))
    if speaker:
        filters.add("s.speaker_key = ?", _one_entity(conn, speaker).key)
    _common_filters(
        filters, since=since, until=until, outlet=outlet, kind=kind, min_confidence=min_confidence
    )
    return filters


# --- echoes --------------------------------------------------------------------------------------------


def echoes(
    db: Database,
    *,
    min_outlets: int = 1,
    speaker: str | None = None,
    story: str | None = None,
    limit: int | None = 50,
    members: bool = True,
) -> list[EchoRecord]:
    """Echo clusters, the most widely carried first, each with its first appearance and citation chain;
    ``speaker`` keeps the clusters that speaker takes part in, ``story`` those carried by the story."""
    with _opened(db) as conn:
        _require_linked(conn)
        filters = _Filters()
        filters.add("e.outlet_count >= ?", min_outlets)
        if speaker:
            key = _one_entity(conn, speaker).key
            filters.add(
                "e.echo_id IN (SELECT m.echo_id FROM echo_members AS m JOIN statements AS s "
                "USING (statement_id) WHERE s.speaker_key = ?)",
                key,
            )
        if story:
            filters.add(
                "e.echo_id IN (SELECT m.echo_id FROM article_stories AS st "
                "JOIN statements AS s ON s.article_id = st.article_id "
                "JOIN echo_members AS m ON m.statement_id = s.statement_id WHERE st.story_id = ?)",
                story,
            )
        return _echo_records(conn, filters, limit=limit, members=members)


def echo(db: Database, echo_id: int) -> EchoRecord:
    """One echo cluster with its statements in order of publication."""
    with _opened(db) as conn:
        _require_linked(conn)
        filters = _Filters()
        filters.add("e.echo_id = ?", echo_id)
        found = _echo_records(conn, filters, limit=1, members=True)
    if not found:
        raise UnknownIdError(f"there is no echo cluster {echo_id}")
    return found[0]


def _echo_records(
    conn: sqlite3.Connection, filters: _Filters, *, limit: int | None, members: bool
) -> list[EchoRecord]:
    rows = conn.execute(
        f"""
        SELECT e.echo_id, e.kind, e.statement_count, e.article_count, e.outlets, e.speakers,
            e.first_published, e.first_outlet, a.id, s.text, e.citations, a.article_id
        FROM echo_clusters AS e
        JOIN statements AS s ON s.statement_id = e.first_statement_id
        JOIN articles AS a ON a.article_id = e.first_article_id
        {filters.where()}
        ORDER BY e.outlet_count DESC, e.statement_count DESC, e.first_published IS NULL,
            e.first_published, e.echo_id
        LIMIT ?
        """,
        (*filters.params, -1 if limit is None else limit),
    ).fetchall()
    records = []
    for (
        echo_id,
        kind,
        n,
        articles,
        outlets,
        spk,
        first,
        first_outlet,
        first_article,
        text,
        cites,
        row,
    ) in rows:
        record = EchoRecord(
            echo_id,
            kind,
            n,
            articles,
            json.loads(outlets),
            json.loads(spk),
            first,
            first_outlet,
            first_article,
            text,
            _citations_with_ids(conn, json.loads(cites)),
            row,
        )
        if members:
            record.members = [
                StatementRecord(*r)
                for r in conn.execute(
                    f"{_STATEMENT_SELECT} WHERE em.echo_id = ? ORDER BY em.position", (echo_id,)
                )
            ]
        records.append(record)
    return records


def _citations_with_ids(conn: sqlite3.Connection, chain: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored chain names articles by row id; a reader wants their input ids."""
    ids = {r for c in chain for r in (c["article_id"], c["cited_article_id"]) if r is not None}
    input_id = (
        {
            aid: iid
            for aid, iid in conn.execute(
                f"SELECT article_id, id FROM articles WHERE article_id IN ({', '.join('?' * len(ids))})",
                tuple(ids),
            )
        }
        if ids
        else {}
    )
    return [
        {
            "article": input_id.get(c["article_id"]),
            "outlet": c["outlet"],
            "cites": c["cites"],
            "evidence": c["evidence"],
            "cited_article": input_id.get(c["cited_article_id"])
            if c["cited_article_id"] is not None
            else None,
            "article_id": c["article_id"],
            "cited_article_id": c["cited_article_id"],
        }
        for c in chain
    ]


# --- stories -------------------------------------------------------------------------------------------


def stories(db: Database, *, limit: int | None = 50, min_articles: int = 1) -> list[StoryRecord]:
    """Stories, the most recent first, each with its articles in order of publication."""
    with _opened(db) as conn:
        _require_linked(conn)
        rows = conn.execute(
            "SELECT story_id, title, article_count, outlet_count, first_published, last_published "
            "FROM stories WHERE article_count >= ? "
            "ORDER BY last_published IS NULL, last_published DESC, article_count DESC, story_id LIMIT ?",
            (min_articles, -1 if limit is None else limit),
        ).fetchall()
        records = [StoryRecord(*r) for r in rows]
        for record in records:
            record.members = _story_members(conn, record.story)
    return records


def _story_members(conn: sqlite3.Connection, story_id: str) -> list[StoryArticle]:
    """A story's articles in order of publication."""
    return [
        StoryArticle(*r)
        for r in conn.execute(
            "SELECT a.id, s.story_id, a.title, a.outlet, a.published, s.similarity, a.article_id "
            "FROM article_stories AS s JOIN articles AS a USING (article_id) WHERE s.story_id = ? "
            "ORDER BY a.published IS NULL, a.published, a.article_id",
            (story_id,),
        )
    ]


def story_of_each_article(db: Database) -> Iterator[StoryArticle]:
    """One row per article with the story it belongs to (``{"id", "story"}`` for the cluster scorer)."""
    with _opened(db) as conn:
        _require_linked(conn)
        for row in conn.execute(
            "SELECT a.id, s.story_id, a.title, a.outlet, a.published, s.similarity, a.article_id "
            "FROM article_stories AS s JOIN articles AS a USING (article_id) ORDER BY a.article_id"
        ):
            yield StoryArticle(*row)


# --- timelines -----------------------------------------------------------------------------------------


def timeline(db: Database, name: str) -> tuple[EntityRecord, list[TimelineEntry]]:
    """What a speaker said and where an entity was named, in order of publication."""
    with _opened(db) as conn:
        _require_linked(conn)
        entity = _one_entity(conn, name)
        rows = conn.execute(
            """
            SELECT * FROM (
                SELECT a.published, a.outlet, a.id, a.title, 'said' AS role, s.statement_id, s.text,
                    a.article_id, s.position
                FROM statements AS s JOIN articles AS a USING (article_id) WHERE s.speaker_key = ?
                UNION ALL
                SELECT DISTINCT a.published, a.outlet, a.id, a.title, 'mentioned', NULL, NULL,
                    a.article_id, -1
                FROM name_links AS n JOIN articles AS a USING (article_id)
                WHERE n.entity_key = ? AND NOT EXISTS (
                    SELECT 1 FROM statements AS s2 WHERE s2.article_id = n.article_id AND s2.speaker_key = ?
                )
            ) ORDER BY published IS NULL, published, article_id, position
            """,
            (entity.key, entity.key, entity.key),
        ).fetchall()
    return entity, [TimelineEntry(*r[:8]) for r in rows]


# --- claims --------------------------------------------------------------------------------------------


def claims(db: Database, entity: str | None = None, *, limit: int | None = 50) -> list[ClaimRecord]:
    """Claim histories (quantities grouped by what they count and where), about ``entity`` if given."""
    with _opened(db) as conn:
        _require_linked(conn)
        filters = _Filters()
        if entity:
            matches = _find_entities(conn, entity, 5)
            names = [m.name for m in matches] or [entity]
            marks = ", ".join("?" * len(names))
            filters.add(f"(g.subject IN ({marks}) OR g.place IN ({marks}))", *names, *names)
        return _claim_records(conn, filters, limit=limit)


def _claim_records(conn: sqlite3.Connection, filters: _Filters, *, limit: int | None) -> list[ClaimRecord]:
    rows = conn.execute(
        f"""
        SELECT g.claim_key, g.measure, g.subject, g.place, g.first_published, g.last_published, g.flags
        FROM claim_groups AS g {filters.where()}
        ORDER BY g.value_count DESC, g.first_published IS NULL, g.first_published, g.claim_key LIMIT ?
        """,
        (*filters.params, -1 if limit is None else limit),
    ).fetchall()
    records = []
    for key, measure, subject, place, first, last, flags in rows:
        record = ClaimRecord(key, measure, subject, place, first, last, json.loads(flags))
        record.values = [
            ClaimValueRecord(*r)
            for r in conn.execute(
                """
                SELECT q.quantity_id,
                    q.text || COALESCE(' of ' || parent.text, ''), v.low, v.high, q.unit, v.speaker,
                    v.source, v.stance, a.published, a.outlet, a.id, v.statement_id, s.text, v.area,
                    v.part_of, v.evidence, a.article_id
                FROM claim_values AS v
                JOIN quantities AS q USING (quantity_id)
                LEFT JOIN quantities AS parent ON parent.quantity_id = v.part_of
                JOIN articles AS a ON a.article_id = q.article_id
                LEFT JOIN statements AS s ON s.statement_id = v.statement_id
                WHERE v.claim_key = ? ORDER BY v.position
                """,
                (key,),
            )
        ]
        records.append(record)
    return records
