"""Page-sized reads of a store: the corpus overview, one article with everything found in it, one
speaker's profile, one story, and the facets of a search. The web workspace renders these and serves
them as JSON under ``/api``; they are importable like the rest of :mod:`quotetrail.queries`, whose
conventions they share (a database path or open store in, plain records out, ``to_dict()`` for JSON).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .lexicon import FUNCTION_WORDS
from .queries import (
    _ENTITY_COLUMNS,
    _STATEMENT_SELECT,
    ClaimRecord,
    Database,
    EchoRecord,
    EntityRecord,
    StatementRecord,
    StoryRecord,
    UnknownIdError,
    _claim_records,
    _echo_records,
    _entity,
    _Filters,
    _fts_match,
    _one_entity,
    _opened,
    _Record,
    _require_linked,
    _run_fts,
    _search_filters,
    _story_members,
    echoes,
    stories,
)

# A speaker page lists this many echo clusters and un-echoed statements.
_ECHO_GROUPS_SHOWN = 20
_OTHER_STATEMENTS_SHOWN = 50
_ECHO_GROUP_STATEMENTS = 10
# Topics are read from a speaker's latest statements only: for the busiest speaker of bench/news/allsides
# (18,198 statements) reading all of them took half a second, and 2,000 gave the same top ten.
_TOPIC_STATEMENTS = 2_000


@dataclass(slots=True)
class Count(_Record):
    """A name and how often it occurs; ``key`` links it (an entity key, an outlet, a reason)."""

    name: str
    count: int
    key: str | None = None


# --- overview ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class SkippedRecord(_Record):
    source: str
    reason: str
    detail: str
    seen_at: str


@dataclass(slots=True)
class Overview(_Record):
    articles: int
    statements: int
    outlets: int
    first_published: str | None
    last_published: str | None
    linked: bool
    speakers: int  # canonical speakers (0 before linking)
    stories: int
    echo_clusters: int
    claim_histories: int
    top_outlets: list[Count]
    top_speakers: list[EntityRecord]
    latest_stories: list[StoryRecord]
    skipped: int
    skipped_by_reason: list[Count]
    recent_skipped: list[SkippedRecord]


def overview(db: Database, *, top: int = 10) -> Overview:
    """What the store holds: size, outlets, date span, top speakers, latest stories, skipped inputs.

    Works on a store that has not been linked yet (the cross-article figures are then zero).
    """
    with _opened(db) as conn:

        def one(sql: str) -> Any:
            return conn.execute(sql).fetchone()[0]

        linked = conn.execute("SELECT 1 FROM article_stories LIMIT 1").fetchone() is not None
        top_speakers = [
            _entity(r)
            for r in conn.execute(
                f"SELECT {_ENTITY_COLUMNS} FROM canonical_entities WHERE statement_count > 0 "
                "ORDER BY statement_count DESC, article_count DESC, name LIMIT ?",
                (top,),
            )
        ]
        return Overview(
            articles=one("SELECT COUNT(*) FROM articles"),
            statements=one("SELECT COUNT(*) FROM statements"),
            outlets=one("SELECT COUNT(DISTINCT outlet) FROM articles"),
            first_published=one("SELECT MIN(published) FROM articles"),
            last_published=one("SELECT MAX(published) FROM articles"),
            linked=linked,
            speakers=one("SELECT COUNT(*) FROM canonical_entities WHERE statement_count > 0"),
            stories=one("SELECT COUNT(*) FROM stories"),
            echo_clusters=one("SELECT COUNT(*) FROM echo_clusters"),
            claim_histories=one("SELECT COUNT(*) FROM claim_groups"),
            top_outlets=[
                Count(name, n, name)
                for name, n in conn.execute(
                    "SELECT outlet, COUNT(*) FROM articles WHERE outlet IS NOT NULL "
                    "GROUP BY outlet ORDER BY 2 DESC, 1 LIMIT ?",
                    (top,),
                )
            ],
            top_speakers=top_speakers,
            latest_stories=stories(db, limit=top, min_articles=2) if linked else [],
            skipped=one("SELECT COUNT(*) FROM skipped_inputs"),
            skipped_by_reason=[
                Count(reason, n, reason)
                for reason, n in conn.execute(
                    "SELECT reason, COUNT(*) FROM skipped_inputs GROUP BY reason ORDER BY 2 DESC, 1"
                )
            ],
            recent_skipped=[
                SkippedRecord(*r)
                for r in conn.execute(
                    "SELECT source, reason, detail, seen_at FROM skipped_inputs "
                    "ORDER BY seen_at DESC, skipped_id DESC LIMIT ?",
                    (top,),
                )
            ],
        )


# --- one article ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class MarkedStatement(_Record):
    """A statement with its spans, for highlighting in the article body."""

    statement_id: int
    start: int
    end: int
    text: str
    kind: str
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    speaker: str | None  # canonical name across the corpus (the article's own name when unlinked)
    speaker_key: str | None
    mention: str | None  # the words of the article that name the speaker here ("he", "the minister")
    mention_start: int | None
    mention_end: int | None
    mention_kind: str | None
    mention_evidence: str | None  # how the mention was resolved to the speaker
    confidence: float
    rule: str
    act: str | None
    echo_id: int | None


@dataclass(slots=True)
class MarkedQuantity(_Record):
    quantity_id: int
    text: str
    start: int
    end: int
    low: float | None
    high: float | None
    unit: str | None
    qualifier: str | None
    speaker: str | None
    claim_key: str | None


@dataclass(slots=True)
class MarkedSource(_Record):
    source: str
    evidence: str
    start: int | None
    end: int | None


@dataclass(slots=True)
class ArticleEntity(_Record):
    name: str
    type: str
    aliases: list[str]
    entity_key: str | None  # the canonical entity it was linked to


@dataclass(slots=True)
class ArticleView(_Record):
    article_id: int
    id: str
    source: str
    title: str | None
    outlet: str | None
    published: str | None
    published_inferred: bool
    published_evidence: str | None  # how the link pass settled a year the article does not state
    dateline: str | None
    url: str | None
    story: str | None
    story_title: str | None
    body: str
    paragraphs: list[tuple[int, int]]
    boilerplate: list[str]  # the page chrome that cleaning removed, line by line
    errors: list[str]
    statements: list[MarkedStatement] = field(default_factory=list)
    quantities: list[MarkedQuantity] = field(default_factory=list)
    cited_sources: list[MarkedSource] = field(default_factory=list)
    entities: list[ArticleEntity] = field(default_factory=list)


def article(db: Database, article_id: int) -> ArticleView:
    """One stored article (by its row id) with its statements, quantities, sources and entities."""
    with _opened(db) as conn:
        row = conn.execute(
            """
            SELECT a.article_id, a.id, a.source, a.title, a.outlet, a.published, a.published_inferred,
                a.published_evidence, a.dateline, a.url, st.story_id, s.title, a.body, a.paragraphs,
                a.boilerplate, a.errors
            FROM articles AS a
            LEFT JOIN article_stories AS st ON st.article_id = a.article_id
            LEFT JOIN stories AS s ON s.story_id = st.story_id
            WHERE a.article_id = ?
            """,
            (article_id,),
        ).fetchone()
        if row is None:
            raise UnknownIdError(f"there is no article {article_id}")
        (row_id, input_id, source, title, outlet, published, inferred, evidence, dateline, url) = row[:10]
        story_id, story_title, body, paragraphs, boilerplate, errors = row[10:]
        view = ArticleView(
            article_id=row_id,
            id=input_id,
            source=source,
            title=title,
            outlet=outlet,
            published=published,
            published_inferred=bool(inferred),
            published_evidence=evidence,
            dateline=dateline,
            url=url,
            story=story_id,
            story_title=story_title,
            body=body,
            paragraphs=[(start, end) for start, end in json.loads(paragraphs)],
            boilerplate=json.loads(boilerplate),
            errors=json.loads(errors),
        )
        view.statements = [
            MarkedStatement(*r)
            for r in conn.execute(
                """
                SELECT s.statement_id, s.start, s.end, s.text, s.kind, s.cue, s.cue_start, s.cue_end,
                    COALESCE(ce.name, s.speaker), s.speaker_key, s.speaker_mention, s.mention_start,
                    s.mention_end, s.mention_kind, s.mention_evidence, s.confidence, s.rule, s.act,
                    em.echo_id
                FROM statements AS s
                LEFT JOIN canonical_entities AS ce ON ce.entity_key = s.speaker_key
                LEFT JOIN echo_members AS em ON em.statement_id = s.statement_id
                WHERE s.article_id = ? ORDER BY s.start, s.position
                """,
                (article_id,),
            )
        ]
        view.quantities = [
            MarkedQuantity(*r)
            for r in conn.execute(
                """
                SELECT q.quantity_id, q.text, q.start, q.end, q.low, q.high, q.unit, q.qualifier, q.speaker,
                    v.claim_key
                FROM quantities AS q LEFT JOIN claim_values AS v USING (quantity_id)
                WHERE q.article_id = ? ORDER BY q.start, q.position
                """,
                (article_id,),
            )
        ]
        view.cited_sources = [
            MarkedSource(*r)
            for r in conn.execute(
                "SELECT source, evidence, start, end FROM cited_sources "
                "WHERE article_id = ? ORDER BY position",
                (article_id,),
            )
        ]
        view.entities = [
            ArticleEntity(name, type_, json.loads(aliases), key)
            for name, type_, aliases, key in conn.execute(
                """
                SELECT e.name, e.type, e.aliases, n.entity_key
                FROM entities AS e
                LEFT JOIN name_links AS n ON n.article_id = e.article_id AND n.name = e.name
                WHERE e.article_id = ? ORDER BY e.position
                """,
                (article_id,),
            )
        ]
    return view


# --- one speaker ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class SpokenDay(_Record):
    """What a speaker said on one day in one outlet, for the timeline."""

    published: str | None
    outlet: str | None
    statements: int
    statement_id: int  # the first of them, and its article and text
    article_id: int
    text: str


@dataclass(slots=True)
class EchoGroup(_Record):
    """A speaker's statements that belong to one echo cluster."""

    echo: EchoRecord
    statements: list[StatementRecord]  # the earliest of theirs, up to a page's worth
    total: int  # how many of the cluster's statements are theirs


@dataclass(slots=True)
class SpeakerProfile(_Record):
    entity: EntityRecord
    roles: list[Count]  # descriptions that stood for them ("the Russian top diplomat")
    outlets: list[Count]  # who reported them
    topics: list[Count]  # entities their statements name, most often first
    days: list[SpokenDay]  # their statements by day and outlet, in order of publication
    echo_groups: list[EchoGroup]  # their statements grouped by echo cluster, widest first
    echo_groups_total: int
    other_statements: list[StatementRecord]  # latest statements that echo nothing, latest first
    other_statements_total: int
    claims: list[ClaimRecord]  # quantities they gave, grouped by what they count


def speaker_profile(db: Database, name: str) -> SpeakerProfile:
    """Everything the workspace shows about one speaker (a name as typed, or an entity key)."""
    with _opened(db) as conn:
        _require_linked(conn)
        entity = _one_entity(conn, name)
        key = entity.key
        roles = _roles(conn, key)
        # One row per day and outlet: the busiest speaker of bench/news/allsides has 18,198 statements
        # but 3,887 such rows, and a chart draws one mark per row anyway.
        days = [
            SpokenDay(*r)
            for r in conn.execute(
                """
                SELECT a.published, a.outlet, COUNT(*), MIN(s.statement_id), a.article_id, s.text
                FROM statements AS s JOIN articles AS a USING (article_id)
                WHERE s.speaker_key = ?
                GROUP BY a.published, a.outlet ORDER BY a.published IS NULL, a.published, a.outlet
                """,
                (key,),
            )
        ]
        outlets: Counter[str] = Counter()
        for day in days:
            outlets[day.outlet or ""] += day.statements
        echo_sizes = dict(
            conn.execute(
                "SELECT em.echo_id, COUNT(*) FROM statements AS s "
                "JOIN echo_members AS em USING (statement_id) "
                "WHERE s.speaker_key = ? GROUP BY em.echo_id ORDER BY 2 DESC, 1",
                (key,),
            ).fetchall()
        )
        echo_groups = []
        shown = list(echo_sizes)[:_ECHO_GROUPS_SHOWN]
        if shown:
            filters = _Filters()
            filters.add(f"e.echo_id IN ({', '.join('?' * len(shown))})", *shown)
            for record in _echo_records(conn, filters, limit=None, members=False):
                # The earliest of theirs; the cluster's page has them all.
                mine = _statements(
                    conn,
                    "WHERE em.echo_id = ? AND s.speaker_key = ? "
                    "ORDER BY a.published IS NULL, a.published, a.article_id, s.position LIMIT ?",
                    (record.echo_id, key, _ECHO_GROUP_STATEMENTS),
                )
                echo_groups.append(EchoGroup(record, mine, echo_sizes[record.echo_id]))
        latest_first = "ORDER BY a.published IS NULL, a.published DESC, a.article_id DESC, s.position DESC"
        # The ids first, then the records: joining every statement of a busy speaker before sorting
        # them cost four times as much (110 ms against 27 ms for 18,198 statements).
        other_ids = [
            r[0]
            for r in conn.execute(
                "SELECT s.statement_id FROM statements AS s JOIN articles AS a USING (article_id) "
                "LEFT JOIN echo_members AS em ON em.statement_id = s.statement_id "
                f"WHERE s.speaker_key = ? AND em.echo_id IS NULL {latest_first} LIMIT ?",
                (key, _OTHER_STATEMENTS_SHOWN),
            )
        ]
        rank = {statement_id: i for i, statement_id in enumerate(other_ids)}
        other_statements = sorted(_statements_by_id(conn, other_ids), key=lambda r: rank[r.statement_id])
        claims = _claim_records(conn, _speaker_claims(key), limit=20)
        latest = conn.execute(
            f"SELECT a.article_id, s.text FROM statements AS s JOIN articles AS a USING (article_id) "
            f"WHERE s.speaker_key = ? {latest_first} LIMIT ?",
            (key, _TOPIC_STATEMENTS),
        ).fetchall()
        topics = _topics(conn, key, entity.name, latest)
    return SpeakerProfile(
        entity=entity,
        roles=roles,
        outlets=[Count(o or "unknown outlet", n, o or None) for o, n in outlets.most_common(15)],
        topics=topics,
        days=days,
        echo_groups=echo_groups,
        echo_groups_total=len(echo_sizes),
        other_statements=other_statements,
        other_statements_total=entity.statements - sum(echo_sizes.values()),
        claims=claims,
    )


def _roles(conn: sqlite3.Connection, key: str) -> list[Count]:
    """The descriptions that stood for a speaker, case aside ("The president" opening a sentence is "the
    president"), each shown as most often written; bare pronouns ("who") are not roles."""
    spellings: dict[str, Counter[str]] = {}
    for mention, n in conn.execute(
        "SELECT speaker_mention, COUNT(*) FROM statements "
        "WHERE speaker_key = ? AND mention_kind = 'role' AND speaker_mention IS NOT NULL "
        "GROUP BY speaker_mention",
        (key,),
    ):
        if mention.lower() not in FUNCTION_WORDS:
            spellings.setdefault(mention.lower(), Counter())[mention] += n
    roles = [Count(forms.most_common(1)[0][0], forms.total()) for forms in spellings.values()]
    return sorted(roles, key=lambda r: (-r.count, r.name))[:20]


def _statements(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> list[StatementRecord]:
    return [StatementRecord(*r) for r in conn.execute(f"{_STATEMENT_SELECT} {where}", params)]


def _statements_by_id(conn: sqlite3.Connection, ids: list[int]) -> list[StatementRecord]:
    if not ids:
        return []
    return _statements(
        conn,
        f"WHERE s.statement_id IN ({', '.join('?' * len(ids))}) "
        "ORDER BY a.published IS NULL, a.published, a.article_id, s.position",
        tuple(ids),
    )


def _speaker_claims(key: str) -> _Filters:
    filters = _Filters()
    filters.add(
        "g.claim_key IN (SELECT v.claim_key FROM claim_values AS v "
        "JOIN statements AS s ON s.statement_id = v.statement_id WHERE s.speaker_key = ?)",
        key,
    )
    return filters


def _topics(
    conn: sqlite3.Connection, key: str, own_name: str, statements: list[tuple[int, str]]
) -> list[Count]:
    """The entities a speaker's statements (``(article_id, text)``) name: for each statement, the names
    its article linked to a canonical entity that occur in the statement's words (their own excluded)."""
    articles = sorted({article_id for article_id, _ in statements})
    names_in: dict[int, list[tuple[str, str]]] = {}
    # Chunked: SQLite limits the number of bound parameters.
    for start in range(0, len(articles), 900):
        chunk = articles[start : start + 900]
        for article_id, surface, entity_key in conn.execute(
            f"SELECT article_id, name, entity_key FROM name_links "
            f"WHERE article_id IN ({', '.join('?' * len(chunk))}) AND entity_key != ?",
            (*chunk, key),
        ):
            names_in.setdefault(article_id, []).append((surface, entity_key))
    counts: Counter[str] = Counter()
    for article_id, text in statements:
        counts.update({k for surface, k in names_in.get(article_id, ()) if surface in text})
    if not counts:
        return []
    top = counts.most_common(15)
    marks = ", ".join("?" * len(top))
    label = dict(
        conn.execute(
            f"SELECT entity_key, name FROM canonical_entities WHERE entity_key IN ({marks})",
            [k for k, _ in top],
        ).fetchall()
    )
    return [Count(label.get(k, k), n, k) for k, n in top if label.get(k, k) != own_name]


# --- one claim history ---------------------------------------------------------------------------------


def claim(db: Database, claim_key: str) -> ClaimRecord:
    """One claim history (see :func:`quotetrail.queries.claims`) by its key."""
    with _opened(db) as conn:
        _require_linked(conn)
        filters = _Filters()
        filters.add("g.claim_key = ?", claim_key)
        found = _claim_records(conn, filters, limit=1)
    if not found:
        raise UnknownIdError(f"there is no claim history {claim_key!r}")
    return found[0]


# --- one story -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class StoryView(_Record):
    story: StoryRecord
    speakers: list[Count]
    echoes: list[EchoRecord]


def story(db: Database, story_id: str) -> StoryView:
    """One story: its articles in order of publication, who speaks in it, and the claims it echoes."""
    with _opened(db) as conn:
        _require_linked(conn)
        row = conn.execute(
            "SELECT story_id, title, article_count, outlet_count, first_published, last_published "
            "FROM stories WHERE story_id = ?",
            (story_id,),
        ).fetchone()
        if row is None:
            raise UnknownIdError(f"there is no story {story_id!r}")
        record = StoryRecord(*row)
        record.members = _story_members(conn, story_id)
        speakers = [
            Count(name, n, key)
            for name, n, key in conn.execute(
                """
                SELECT COALESCE(ce.name, s.speaker), COUNT(*), s.speaker_key
                FROM article_stories AS st JOIN statements AS s ON s.article_id = st.article_id
                LEFT JOIN canonical_entities AS ce ON ce.entity_key = s.speaker_key
                WHERE st.story_id = ? AND COALESCE(ce.name, s.speaker) IS NOT NULL
                GROUP BY COALESCE(s.speaker_key, s.speaker) ORDER BY 2 DESC, 1 LIMIT 30
                """,
                (story_id,),
            )
        ]
    return StoryView(record, speakers, echoes(db, story=story_id, limit=30, members=False))


# --- search --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class SearchFacets(_Record):
    """How the statements matching a search spread over speakers, outlets and kinds."""

    total: int
    speakers: list[Count]
    outlets: list[Count]
    kinds: list[Count]
    first_published: str | None
    last_published: str | None


def search_facets(
    db: Database,
    query: str,
    *,
    speaker: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    min_confidence: float | None = None,
    fts_syntax: bool = False,
    top: int = 10,
) -> SearchFacets:
    """Counts of the matches of :func:`quotetrail.queries.search` (same arguments) by facet."""
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
        # One pass over the matches, counted here; canonical names only for the speakers shown.
        matches = _run_fts(
            conn,
            f"""
            SELECT COALESCE(s.speaker_key, s.speaker), a.outlet, s.kind, a.published
            FROM statements_fts JOIN statements AS s ON s.statement_id = statements_fts.rowid
            JOIN articles AS a ON a.article_id = s.article_id
            {filters.where()}
            """,
            tuple(filters.params),
            query,
        )
        speakers: Counter[str] = Counter()
        outlets: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        dates = []
        for speaker_id, outlet_name, statement_kind, published in matches:
            if speaker_id:
                speakers[speaker_id] += 1
            if outlet_name:
                outlets[outlet_name] += 1
            kinds[statement_kind] += 1
            if published:
                dates.append(published)
        top_speakers = speakers.most_common(top)
        names = dict(
            conn.execute(
                "SELECT entity_key, name FROM canonical_entities "
                f"WHERE entity_key IN ({', '.join('?' * len(top_speakers))})",
                [k for k, _ in top_speakers],
            ).fetchall()
        )
    return SearchFacets(
        total=len(matches),
        speakers=[Count(names.get(k, k), n, k) for k, n in top_speakers],
        outlets=[Count(name, n, name) for name, n in outlets.most_common(top)],
        kinds=[Count(name, n, name) for name, n in sorted(kinds.items())],
        first_published=min(dates) if dates else None,
        last_published=max(dates) if dates else None,
    )


@dataclass(slots=True)
class ArticleMatch(_Record):
    article_id: int
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str  # the matching passage; the matched words sit between the two mark strings asked for
    score: float


def search_articles(
    db: Database,
    query: str,
    *,
    limit: int = 10,
    fts_syntax: bool = False,
    marks: tuple[str, str] = ("[", "]"),
) -> list[ArticleMatch]:
    """Articles whose title or body match a full-text query, best first, with a snippet."""
    with _opened(db) as conn:
        rows = _run_fts(
            conn,
            """
            SELECT a.article_id, a.id, a.title, a.outlet, a.published,
                snippet(articles_fts, 1, ?, ?, '…', 16), bm25(articles_fts)
            FROM articles_fts JOIN articles AS a ON a.article_id = articles_fts.rowid
            WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts) LIMIT ?
            """,
            (*marks, _fts_match(query, fts_syntax=fts_syntax), limit),
            query,
        )
    return [ArticleMatch(*r) for r in rows]
