"""The store: analysed articles in one SQLite file.

The file is plain SQLite (WAL journal), readable by any SQLite tool without custom functions. Tables:

``articles``
    One row per distinct input text, keyed by ``content_hash`` (UNIQUE; :attr:`Article.content_hash`).
    ``article_id`` is the row key the other tables refer to; ``id`` is the input's own id. ``raw_text``
    is the text as read, NULL when it is the body unchanged (most JSONL input) to not store it twice.
    JSON columns: ``input_meta`` (object), ``boilerplate`` and ``errors`` (lists of strings),
    ``headings`` (list of ``{"start", "end", "text"}``) and ``paragraphs`` (list of ``[start, end]``;
    the text is ``substr(body, start + 1, end - start)``, by the model's span invariant).
    ``published_month_day`` ("--10-31") is the month and day of an article whose text settles no
    year; when the link pass completes the year from similar dated articles it writes ``published``
    (``published_inferred`` = 1) and says how in ``published_evidence``.
``statements``, ``quantities``, ``cited_sources``, ``entities``
    The article's items in article order (``position``), spans as character offsets into the body.
``speakers`` / ``speaker_aliases``
    Derived from ``statements`` (and person ``entities`` aliases) and kept in sync by :meth:`Store.add`
    in the same transaction: the canonical name, its statement count, the surface forms it was named by.
``skipped_inputs``
    Inputs that could not be analysed: one row per (source, reason); a rerun refreshes ``detail`` and
    ``seen_at`` rather than adding a row.
``canonical_entities``, ``name_links``, ``stories``, ``article_stories``, ``echo_*``, ``claim_*``, ``link_*``
    Written by the cross-article pass (:mod:`quotetrail.linking`): corpus-level entities and the
    article-level names linked to them (``statements.speaker_key``), stories, echo clusters and claim
    histories; ``link_state`` keeps the story index and the user's alias rules between runs.
``statements_fts`` / ``articles_fts``
    FTS5 indexes over statement text and over article title and body. They are *external-content*
    tables (the text lives once, in ``statements``/``articles``) kept in sync by triggers, so a row
    written by any tool is indexed too. Tokenizer: Porter stemming over unicode61 without diacritics,
    so "militant" finds "militants" and "Erdogan" finds "Erdoğan". Indexing bodies is most of the cost
    of storing an article (≈ 0.3–0.6 ms of ≈ 0.7 ms per article of bench/news/allsides, measured with
    batches of 50); positions are kept (detail=full) so that phrase queries work.

Schema changes are migrations: functions in :data:`MIGRATIONS` applied in order inside a transaction
each, the number applied recorded in ``PRAGMA user_version``. Never edit a released migration; append.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from .model import Article, CitedSource, Entity, Mention, Quantity, SkippedInput, Span, Statement

# "qtrl" in ASCII: marks the file as a quotetrail store for `PRAGMA application_id` (and file(1)).
APPLICATION_ID = 0x7174726C


class StoreError(Exception):
    """The database cannot be used: not SQLite, not ours, or from a newer quotetrail."""


# --- schema and migrations ---------------------------------------------------------------------------

_SCHEMA_V1 = (
    """
    CREATE TABLE articles (
        article_id INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        title TEXT,
        outlet TEXT,
        published TEXT,
        published_inferred INTEGER NOT NULL DEFAULT 0,
        dateline TEXT,
        url TEXT,
        clean INTEGER NOT NULL DEFAULT 1,
        raw_text TEXT,
        html TEXT,
        input_meta TEXT NOT NULL DEFAULT '{}',
        body TEXT NOT NULL,
        boilerplate TEXT NOT NULL DEFAULT '[]',
        headings TEXT NOT NULL DEFAULT '[]',
        paragraphs TEXT NOT NULL DEFAULT '[]',
        errors TEXT NOT NULL DEFAULT '[]',
        analysed_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX articles_input_id ON articles(id)",
    "CREATE INDEX articles_outlet_published ON articles(outlet, published)",
    "CREATE INDEX articles_published ON articles(published)",
    """
    CREATE TABLE statements (
        statement_id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('direct', 'indirect', 'mixed')),
        cue TEXT,
        cue_start INTEGER,
        cue_end INTEGER,
        speaker TEXT,
        speaker_mention TEXT,
        mention_start INTEGER,
        mention_end INTEGER,
        mention_kind TEXT,
        mention_resolved TEXT,
        mention_evidence TEXT,
        confidence REAL NOT NULL,
        rule TEXT NOT NULL,
        UNIQUE (article_id, position)
    )
    """,
    "CREATE INDEX statements_speaker ON statements(speaker)",
    """
    CREATE TABLE speakers (
        speaker_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        statement_count INTEGER NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX speakers_ranking ON speakers(statement_count DESC, name)",
    """
    CREATE TABLE speaker_aliases (
        speaker_id INTEGER NOT NULL REFERENCES speakers(speaker_id) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        PRIMARY KEY (speaker_id, alias)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE entities (
        entity_id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('person', 'organization', 'place')),
        aliases TEXT NOT NULL DEFAULT '[]',
        UNIQUE (article_id, position)
    )
    """,
    "CREATE INDEX entities_name ON entities(name)",
    """
    CREATE TABLE quantities (
        quantity_id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        low REAL,
        high REAL,
        unit TEXT,
        qualifier TEXT,
        speaker TEXT,
        UNIQUE (article_id, position)
    )
    """,
    """
    CREATE TABLE cited_sources (
        cited_source_id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        source TEXT NOT NULL,
        evidence TEXT NOT NULL,
        start INTEGER,
        end INTEGER,
        UNIQUE (article_id, position)
    )
    """,
    "CREATE INDEX cited_sources_source ON cited_sources(source)",
    """
    CREATE TABLE skipped_inputs (
        skipped_id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        seen_at TEXT NOT NULL,
        UNIQUE (source, reason)
    )
    """,
    "CREATE INDEX skipped_inputs_reason ON skipped_inputs(reason)",
)

_FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"

_SCHEMA_V2 = (
    f"""
    CREATE VIRTUAL TABLE statements_fts USING fts5(
        text, content='statements', content_rowid='statement_id', tokenize='{_FTS_TOKENIZER}'
    )
    """,
    """
    CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
        INSERT INTO statements_fts(rowid, text) VALUES (new.statement_id, new.text);
    END
    """,
    """
    CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
        INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.statement_id, old.text);
    END
    """,
    """
    CREATE TRIGGER statements_fts_update AFTER UPDATE OF text ON statements BEGIN
        INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.statement_id, old.text);
        INSERT INTO statements_fts(rowid, text) VALUES (new.statement_id, new.text);
    END
    """,
    f"""
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, body, content='articles', content_rowid='article_id', tokenize='{_FTS_TOKENIZER}'
    )
    """,
    """
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.article_id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.article_id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.article_id, old.title, old.body);
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.article_id, new.title, new.body);
    END
    """,
    # Index what an older store already holds.
    "INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
)

# Version 3: whether a statement reports speech or a stance (belief, intention, finding).
_SCHEMA_V3: tuple[str, ...] = (
    "ALTER TABLE statements ADD COLUMN act TEXT NOT NULL DEFAULT 'speech'",
    "CREATE INDEX statements_act ON statements(act)",
)


# Version 4: the cross-article pass (:mod:`quotetrail.linking`). Everything here is derived from the
# per-article tables and rebuilt by a link run, except the stories, which grow incrementally: an article
# keeps the story it joined, and ``link_state`` holds the story index that new articles are matched
# against (and the alias rules the last run used, so that a rerun respects them).
_SCHEMA_V4: tuple[str, ...] = (
    """
    CREATE TABLE canonical_entities (
        entity_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('person', 'organization', 'place')),
        names TEXT NOT NULL DEFAULT '[]',
        aliases TEXT NOT NULL DEFAULT '[]',
        evidence TEXT NOT NULL DEFAULT '[]',
        statement_count INTEGER NOT NULL DEFAULT 0,
        article_count INTEGER NOT NULL DEFAULT 0,
        first_published TEXT,
        last_published TEXT
    ) WITHOUT ROWID
    """,
    "CREATE INDEX canonical_entities_ranking ON canonical_entities(statement_count DESC, article_count DESC)",
    """
    CREATE TABLE name_links (
        article_id INTEGER NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        entity_key TEXT NOT NULL,
        PRIMARY KEY (article_id, name)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX name_links_entity ON name_links(entity_key, article_id)",
    "ALTER TABLE statements ADD COLUMN speaker_key TEXT",
    "CREATE INDEX statements_speaker_key ON statements(speaker_key)",
    """
    CREATE TABLE stories (
        story_id TEXT PRIMARY KEY,
        title TEXT,
        article_count INTEGER NOT NULL DEFAULT 0,
        outlet_count INTEGER NOT NULL DEFAULT 0,
        first_published TEXT,
        last_published TEXT
    ) WITHOUT ROWID
    """,
    "CREATE INDEX stories_latest ON stories(last_published DESC)",
    """
    CREATE TABLE article_stories (
        article_id INTEGER PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE,
        story_id TEXT NOT NULL,
        similarity REAL NOT NULL,
        founded INTEGER NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX article_stories_story ON article_stories(story_id)",
    """
    CREATE TABLE echo_clusters (
        echo_id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        statement_count INTEGER NOT NULL,
        article_count INTEGER NOT NULL,
        outlet_count INTEGER NOT NULL,
        outlets TEXT NOT NULL DEFAULT '[]',
        speakers TEXT NOT NULL DEFAULT '[]',
        first_statement_id INTEGER NOT NULL,
        first_article_id INTEGER NOT NULL,
        first_published TEXT,
        first_outlet TEXT,
        citations TEXT NOT NULL DEFAULT '[]',
        links TEXT NOT NULL DEFAULT '[]'
    )
    """,
    "CREATE INDEX echo_clusters_outlets ON echo_clusters(outlet_count DESC, statement_count DESC)",
    """
    CREATE TABLE echo_members (
        statement_id INTEGER PRIMARY KEY REFERENCES statements(statement_id) ON DELETE CASCADE,
        echo_id INTEGER NOT NULL REFERENCES echo_clusters(echo_id) ON DELETE CASCADE,
        position INTEGER NOT NULL
    )
    """,
    "CREATE INDEX echo_members_cluster ON echo_members(echo_id, position)",
    """
    CREATE TABLE claim_groups (
        claim_key TEXT PRIMARY KEY,
        measure TEXT NOT NULL,
        subject TEXT,
        place TEXT,
        value_count INTEGER NOT NULL,
        first_published TEXT,
        last_published TEXT,
        flags TEXT NOT NULL DEFAULT '[]'
    ) WITHOUT ROWID
    """,
    "CREATE INDEX claim_groups_subject ON claim_groups(subject)",
    "CREATE INDEX claim_groups_place ON claim_groups(place)",
    """
    CREATE TABLE claim_values (
        quantity_id INTEGER PRIMARY KEY REFERENCES quantities(quantity_id) ON DELETE CASCADE,
        claim_key TEXT NOT NULL REFERENCES claim_groups(claim_key) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        statement_id INTEGER,
        speaker TEXT,
        source TEXT,
        stance TEXT NOT NULL,
        low REAL,
        high REAL,
        area TEXT,
        part_of INTEGER,
        evidence TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX claim_values_group ON claim_values(claim_key, position)",
    """
    CREATE TABLE link_state (
        name TEXT PRIMARY KEY,
        value BLOB NOT NULL,
        updated_at TEXT NOT NULL
    ) WITHOUT ROWID
    """,
)


# Version 5: the month and day of an article whose text gives no year, and how the link pass settled
# the year of such an article from similar dated ones (NULL for every date the article itself gave).
_SCHEMA_V5: tuple[str, ...] = (
    "ALTER TABLE articles ADD COLUMN published_month_day TEXT",
    "ALTER TABLE articles ADD COLUMN published_evidence TEXT",
)


def _executor(statements: tuple[str, ...]) -> Callable[[sqlite3.Connection], None]:
    def migrate(conn: sqlite3.Connection) -> None:
        for sql in statements:
            conn.execute(sql)

    return migrate


# MIGRATIONS[i] brings a store from schema version i to i + 1.
#   1: the tables and their indexes;
#   2: the full-text indexes over statements and articles, built from the rows already there;
#   3: the statement's act (speech or stance);
#   4: the cross-article tables (canonical entities, stories, echoes, claims, link state);
#   5: the month and day of an article without a year, and the evidence of a year the link pass completed.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _executor(_SCHEMA_V1),
    _executor(_SCHEMA_V2),
    _executor(_SCHEMA_V3),
    _executor(_SCHEMA_V4),
    _executor(_SCHEMA_V5),
)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the migrations a store lacks, up to ``target``, one transaction each; return the version.

    ``conn`` must be in autocommit mode (``isolation_level=None``) so the transactions are ours.
    """
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the database has schema version {version}, newer than this quotetrail knows "
            f"({SCHEMA_VERSION}): upgrade quotetrail to read it"
        )
    for number in range(version, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[number](conn)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return schema_version(conn)


# --- rows returned by queries ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatementHit:
    """A statement found by a full-text search, with where it was said."""

    statement_id: int
    article_id: str
    content_hash: str
    title: str | None
    outlet: str | None
    published: str | None
    speaker: str | None
    text: str
    start: int
    end: int
    kind: str
    score: float  # bm25: lower is a better match


@dataclass(frozen=True, slots=True)
class ArticleHit:
    article_id: str
    content_hash: str
    source: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class SpeakerRow:
    name: str
    statements: int
    articles: int
    aliases: list[str]


@dataclass(frozen=True, slots=True)
class OutletDateRow:
    outlet: str | None
    published: str | None
    articles: int
    statements: int


@dataclass(frozen=True, slots=True)
class SkippedRow:
    source: str
    reason: str
    detail: str
    seen_at: str


# --- full-text queries -------------------------------------------------------------------------------

_QUERY_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


def plain_to_fts(query: str) -> str:
    """A search box query as FTS5 syntax: every word must occur; "quoted words" are a phrase; a
    trailing ``*`` matches a prefix. Everything else is taken literally, so no input is a syntax error.
    """
    terms: list[str] = []
    for phrase, token in _QUERY_TERM.findall(query):
        words = _WORD.findall(phrase or token)
        if not words:
            continue
        quoted = '"' + " ".join(words) + '"'
        if token and token.endswith("*") and len(words) == 1:
            quoted += "*"
        terms.append(quoted)
    return " ".join(terms)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def json_text(value: Any) -> str:
    """A JSON column's text: UTF-8 kept as written, so the database reads as it prints."""
    return json.dumps(value, ensure_ascii=False)


# --- the store ---------------------------------------------------------------------------------------


class Store:
    """An open quotetrail database. Use :meth:`open`; close it (or use it as a context manager)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True, read_only: bool = False) -> Store:
        """Open (and bring up to date) the store at ``path``; create it unless ``create`` is False.

        ``read_only`` opens an existing store for reading alone (as the web workspace does): SQLite
        refuses every write, and a store from an older quotetrail is refused rather than migrated.
        """
        path = Path(path)
        if read_only:
            return cls._open_read_only(path)
        if not create and not path.exists():
            raise FileNotFoundError(f"no database at {path}")
        if not path.parent.is_dir():
            raise StoreError(f"cannot create {path}: there is no folder {path.parent}")
        try:
            conn = sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}") from exc
        return cls(_set_up(conn, path, _writable), path)

    @classmethod
    def _open_read_only(cls, path: Path) -> Store:
        if not path.is_file():
            raise FileNotFoundError(f"no database at {path}")
        try:
            # check_same_thread off: a server opens one connection per worker thread and uses it there,
            # but closes them all from the thread that shuts it down.
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}") from exc
        return cls(_set_up(conn, path, _read_only), path)

    def close(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection, for queries this class does not offer."""
        return self._conn

    # --- transactions ---

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all.

        Inside an open transaction (a batch started with :meth:`begin`) this is a savepoint: a failure
        undoes this block's writes only, and the batch goes on.
        """
        if self._conn.in_transaction:
            self._conn.execute("SAVEPOINT nested_write")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK TO nested_write")
                self._conn.execute("RELEASE nested_write")
                raise
            self._conn.execute("RELEASE nested_write")
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def begin(self) -> None:
        """Start a transaction that :meth:`commit` ends (for batching many :meth:`add` calls)."""
        if not self._conn.in_transaction:
            self._conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("COMMIT")

    # --- writing ---

    def has(self, content_hash: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row is not None

    def add(self, article: Article, *, analysed_at: str | None = None) -> bool:
        """Store an analysed article with all its items; False (and nothing written) if already stored."""
        content_hash = article.content_hash
        with self.transaction():
            if self.has(content_hash):
                return False
            cursor = self._conn.execute(
                """
                INSERT INTO articles (id, content_hash, source, title, outlet, published, published_inferred,
                    published_month_day, dateline, url, clean, raw_text, html, input_meta, body, boilerplate,
                    headings, paragraphs, errors, analysed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    article.id,
                    content_hash,
                    article.source,
                    article.title,
                    article.outlet,
                    article.published,
                    int(article.published_inferred),
                    article.published_month_day,
                    article.dateline,
                    article.url,
                    int(article.clean),
                    None if article.raw_text == article.body else article.raw_text,
                    article.html,
                    json_text(article.input_meta),
                    article.body,
                    json_text(article.boilerplate),
                    json_text([{"start": h.start, "end": h.end, "text": h.text} for h in article.headings]),
                    json_text([[p.start, p.end] for p in article.paragraphs]),
                    json_text(article.errors),
                    analysed_at or _now(),
                ),
            )
            row_id = cast(int, cursor.lastrowid)
            self._insert_items(row_id, article)
            self._update_speakers(article)
        return True

    def _insert_items(self, row_id: int, article: Article) -> None:
        self._conn.executemany(
            """
            INSERT INTO statements (article_id, position, text, start, end, kind, cue, cue_start, cue_end,
                speaker, speaker_mention, mention_start, mention_end, mention_kind, mention_resolved,
                mention_evidence, confidence, rule, act)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                (
                    row_id,
                    position,
                    s.text,
                    s.start,
                    s.end,
                    s.kind,
                    s.cue,
                    s.cue_start,
                    s.cue_end,
                    s.speaker,
                    *(
                        (m.text, m.start, m.end, m.kind, m.resolved, m.evidence)
                        if (m := s.mention) is not None
                        else (None,) * 6
                    ),
                    s.confidence,
                    s.rule,
                    s.act,
                )
                for position, s in enumerate(article.statements)
            ],
        )
        self._conn.executemany(
            """
            INSERT INTO quantities
                (article_id, position, text, start, end, low, high, unit, qualifier, speaker)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                (row_id, position, q.text, q.start, q.end, q.low, q.high, q.unit, q.qualifier, q.speaker)
                for position, q in enumerate(article.quantities)
            ],
        )
        self._conn.executemany(
            """
            INSERT INTO cited_sources (article_id, position, source, evidence, start, end)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                (row_id, position, c.source, c.evidence, c.start, c.end)
                for position, c in enumerate(article.cited_sources)
            ],
        )
        self._conn.executemany(
            "INSERT INTO entities (article_id, position, name, type, aliases) VALUES (?, ?, ?, ?, ?)",
            [
                (row_id, position, e.name, e.type, json_text(e.aliases))
                for position, e in enumerate(article.entities)
            ],
        )

    def _update_speakers(self, article: Article) -> None:
        """Count the article's statements per speaker and record the names each was called by."""
        counts: dict[str, int] = {}
        aliases: dict[str, set[str]] = {}
        for s in article.statements:
            if s.speaker is None:
                continue
            counts[s.speaker] = counts.get(s.speaker, 0) + 1
            # Pronouns and role descriptions ("he", "the minister") are not names of the speaker.
            if s.mention is not None and s.mention.kind == "name" and s.mention.text:
                aliases.setdefault(s.speaker, set()).add(s.mention.text)
        for e in article.entities:
            if e.type == "person" and e.name in counts:
                aliases.setdefault(e.name, set()).update(a for a in e.aliases if a)
        self._conn.executemany(
            """
            INSERT INTO speakers (name, statement_count) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET statement_count = statement_count + excluded.statement_count
            """,
            counts.items(),
        )
        self._conn.executemany(
            """
            INSERT OR IGNORE INTO speaker_aliases (speaker_id, alias)
            SELECT speaker_id, ? FROM speakers WHERE name = ?
            """,
            [(alias, name) for name, names in aliases.items() for alias in sorted(names)],
        )

    def add_skipped(self, skipped: SkippedInput, *, seen_at: str | None = None) -> None:
        """Record an input that could not be analysed (once per source and reason)."""
        with self.transaction():
            self._conn.execute(
                """
                INSERT INTO skipped_inputs (source, reason, detail, seen_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (source, reason)
                DO UPDATE SET detail = excluded.detail, seen_at = excluded.seen_at
                """,
                (skipped.source, skipped.reason, skipped.detail, seen_at or _now()),
            )

    # --- reading articles back ---

    def get(self, content_hash: str) -> Article | None:
        """The stored article with this content hash, every field as it was added."""
        rows = self._conn.cursor()
        rows.row_factory = sqlite3.Row
        a = rows.execute("SELECT * FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        if a is None:
            return None
        key = (a["article_id"],)
        body = a["body"]
        return Article(
            id=a["id"],
            source=a["source"],
            raw_text=body if a["raw_text"] is None else a["raw_text"],
            clean=bool(a["clean"]),
            html=a["html"],
            url=a["url"],
            input_meta=json.loads(a["input_meta"]),
            title=a["title"],
            outlet=a["outlet"],
            published=a["published"],
            published_inferred=bool(a["published_inferred"]),
            published_month_day=a["published_month_day"],
            dateline=a["dateline"],
            body=body,
            boilerplate=json.loads(a["boilerplate"]),
            headings=[Span(h["start"], h["end"], h["text"]) for h in json.loads(a["headings"])],
            paragraphs=[Span(start, end, body[start:end]) for start, end in json.loads(a["paragraphs"])],
            statements=[
                _statement_from_row(s)
                for s in rows.execute("SELECT * FROM statements WHERE article_id = ? ORDER BY position", key)
            ],
            quantities=[
                Quantity(
                    q["text"],
                    q["start"],
                    q["end"],
                    q["low"],
                    q["high"],
                    q["unit"],
                    q["qualifier"],
                    q["speaker"],
                )
                for q in rows.execute("SELECT * FROM quantities WHERE article_id = ? ORDER BY position", key)
            ],
            entities=[
                Entity(e["name"], e["type"], json.loads(e["aliases"]))
                for e in rows.execute("SELECT * FROM entities WHERE article_id = ? ORDER BY position", key)
            ],
            cited_sources=[
                CitedSource(c["source"], c["evidence"], c["start"], c["end"])
                for c in rows.execute(
                    "SELECT * FROM cited_sources WHERE article_id = ? ORDER BY position", key
                )
            ],
            errors=json.loads(a["errors"]),
        )

    def content_hashes(self) -> Iterator[str]:
        """Every stored article's key, in the order stored."""
        for (content_hash,) in self._conn.execute("SELECT content_hash FROM articles ORDER BY article_id"):
            yield content_hash

    # --- search ---

    def search_statements(
        self, query: str, *, limit: int = 20, fts_syntax: bool = False
    ) -> list[StatementHit]:
        """Statements matching a full-text query, best first.

        ``query`` is search-box text (see :func:`plain_to_fts`) unless ``fts_syntax`` is True, in which
        case it is FTS5 query syntax and a malformed one raises ValueError.
        """
        match = query if fts_syntax else plain_to_fts(query)
        if not match.strip():
            return []
        rows = self._fts(
            """
            SELECT s.statement_id, a.id, a.content_hash, a.title, a.outlet, a.published, s.speaker, s.text,
                s.start, s.end, s.kind, bm25(statements_fts)
            FROM statements_fts
            JOIN statements AS s ON s.statement_id = statements_fts.rowid
            JOIN articles AS a ON a.article_id = s.article_id
            WHERE statements_fts MATCH ? ORDER BY bm25(statements_fts) LIMIT ?
            """,
            (match, limit),
        )
        return [StatementHit(*row) for row in rows]

    def search_articles(self, query: str, *, limit: int = 20, fts_syntax: bool = False) -> list[ArticleHit]:
        """Articles whose title or body match a full-text query, best first, with a snippet."""
        match = query if fts_syntax else plain_to_fts(query)
        if not match.strip():
            return []
        rows = self._fts(
            """
            SELECT a.id, a.content_hash, a.source, a.title, a.outlet, a.published,
                snippet(articles_fts, 1, '[', ']', '…', 12), bm25(articles_fts)
            FROM articles_fts JOIN articles AS a ON a.article_id = articles_fts.rowid
            WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts) LIMIT ?
            """,
            (match, limit),
        )
        return [ArticleHit(*row) for row in rows]

    def _fts(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise ValueError(f"invalid full-text query {params[0]!r}: {exc}") from exc

    # --- summaries for the report ---

    def count(self, table: str) -> int:
        if table not in ("articles", "statements", "speakers", "skipped_inputs", "entities", "quantities"):
            raise ValueError(f"unknown table {table!r}")
        return int(self._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def speaker_ranking(self, limit: int | None = None) -> list[SpeakerRow]:
        """Speakers by statement count (ties by name), with the articles they speak in and their aliases."""
        rows = self._conn.execute(
            """
            SELECT sp.name, sp.statement_count,
                (SELECT COUNT(DISTINCT st.article_id) FROM statements AS st WHERE st.speaker = sp.name),
                (SELECT json_group_array(alias) FROM (
                    SELECT alias FROM speaker_aliases AS al
                    WHERE al.speaker_id = sp.speaker_id ORDER BY alias
                ))
            FROM speakers AS sp ORDER BY sp.statement_count DESC, sp.name LIMIT ?
            """,
            (-1 if limit is None else limit,),
        )
        return [
            SpeakerRow(name, count, articles, json.loads(aliases)) for name, count, articles, aliases in rows
        ]

    def outlet_date_counts(self, limit: int | None = None) -> list[OutletDateRow]:
        """Articles and statements per outlet and publication date (unknown ones last)."""
        rows = self._conn.execute(
            """
            SELECT a.outlet, a.published, COUNT(*),
                SUM((SELECT COUNT(*) FROM statements AS s WHERE s.article_id = a.article_id))
            FROM articles AS a
            GROUP BY a.outlet, a.published
            ORDER BY a.outlet IS NULL, a.outlet, a.published IS NULL, a.published
            LIMIT ?
            """,
            (-1 if limit is None else limit,),
        )
        return [OutletDateRow(*row) for row in rows]

    def outlet_date_groups(self) -> int:
        row = self._conn.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM articles GROUP BY outlet, published)"
        ).fetchone()
        return int(row[0])

    def skipped_inputs(self, limit: int | None = None) -> list[SkippedRow]:
        rows = self._conn.execute(
            "SELECT source, reason, detail, seen_at FROM skipped_inputs ORDER BY reason, source LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [SkippedRow(*row) for row in rows]

    def skipped_by_reason(self) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT reason, COUNT(*) FROM skipped_inputs GROUP BY reason ORDER BY COUNT(*) DESC, reason"
        )
        return {reason: count for reason, count in rows}


def _statement_from_row(s: sqlite3.Row) -> Statement:
    mention = None
    if s["mention_start"] is not None:
        mention = Mention(
            text=s["speaker_mention"],
            start=s["mention_start"],
            end=s["mention_end"],
            kind=s["mention_kind"],
            resolved=s["mention_resolved"],
            evidence=s["mention_evidence"],
        )
    return Statement(
        text=s["text"],
        start=s["start"],
        end=s["end"],
        kind=s["kind"],
        cue=s["cue"],
        speaker=s["speaker"],
        mention=mention,
        confidence=s["confidence"],
        rule=s["rule"],
        cue_start=s["cue_start"],
        cue_end=s["cue_end"],
        act=s["act"],
    )


def _writable(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable against a killed process in WAL mode; only a power cut can lose the last
    # commits, which a rerun then redoes.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    migrate(conn)


def _read_only(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    version = schema_version(conn)
    if version != SCHEMA_VERSION:
        advice = (
            "upgrade quotetrail to read it"
            if version > SCHEMA_VERSION
            else "run `quotetrail link` on it once to bring it up to date"
        )
        raise StoreError(
            f"the store has schema version {version}, this quotetrail reads {SCHEMA_VERSION}: {advice}"
        )


def _set_up(
    conn: sqlite3.Connection, path: Path, setup: Callable[[sqlite3.Connection], None]
) -> sqlite3.Connection:
    """``conn`` checked to be a quotetrail store and set up; closed if either fails."""
    try:
        _check_is_ours(conn, path)
        setup(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path} is not a usable SQLite database: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _check_is_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a SQLite file that some other program made, rather than adding our tables to it."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id == APPLICATION_ID:
        return
    has_tables = conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
    if app_id != 0 or has_tables:
        raise StoreError(f"{path} is an SQLite database but not a quotetrail store")
