"""The cross-article pass: stories, canonical entities, echoes and claim histories over a whole store.

Per-article analysis (:mod:`quotetrail.stages`) never looks beyond one article; this pass reads what
the store holds and writes the tables of schema version 4 (see :mod:`quotetrail.store`). It runs in
five steps, each a pure function of plain data from its own module, so that each can be tested and
replaced on its own:

0. **dates** (:func:`complete_year`) — an article whose text gives a month and day but no year
   (``published_month_day``) gets the year its most similar dated articles agree on, when they agree
   clearly; first, so that the steps after it see the date;
1. **stories** (:mod:`quotetrail.stories`) — incremental: only articles without a story are matched,
   against the story index kept in ``link_state``; an article never changes story afterwards;
2. **canonical entities** (:mod:`quotetrail.canon`) — every article-level name (statement speakers,
   entities) mapped to one corpus-level entity, with the user's alias rules applied;
3. **echoes** (:mod:`quotetrail.echoes`) — statements carrying the same words or claim, with their
   first appearance, outlets and the citation chain the articles state;
4. **claims** (:mod:`quotetrail.claims`) — quantities grouped by what they count and where.

Step 0 only ever adds a date to an article that had none, so a rerun finds nothing more to do; steps
2–4 are rebuilt from scratch on every run (they are derived data, and a rebuild is what makes a rerun
idempotent and a new alias rule take effect everywhere); each step commits on its own, so a
killed run leaves the previous results of the steps it did not reach.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .canon import AliasRules, Canon, NameUse, canonicalise, load_alias_file, parse_alias_text, short_form
from .claims import ClaimGroup, QuantityUse, group_claims, sentence_contexts
from .echoes import EchoInput, find_echoes
from .lexicon import FUNCTION_WORDS
from .model import EntityType
from .store import Store, json_text
from .stories import StoryDoc, StoryIndex

# link_state rows.
_STORY_STATE = "stories"
_ALIAS_STATE = "aliases"

# Articles handed to the story index per call: bounds the bodies held in memory at once (≈ 60 MB of
# allsides bodies), and sets how often the index is saved — saving the 37.5k-article index takes
# seconds, so a small batch (2,000 took 186 s in all there) spends more time saving than matching.
_STORY_BATCH = 10000

# Mentions worth keeping as a speaker's aliases; pronouns ("he") and anonymous sources are not names.
_NAMING_MENTIONS = ("name", "role", "organization")


@dataclass(slots=True)
class LinkSummary:
    """What a link run did, with the seconds each step took."""

    articles: int = 0
    dates_completed: int = 0  # articles whose year this run settled from similar dated articles
    new_in_stories: int = 0  # articles matched to a story in this run
    stories: int = 0
    entities: int = 0
    speakers: int = 0  # canonical entities that are the speaker of at least one statement
    echo_clusters: int = 0
    claim_groups: int = 0
    story_index_rebuilt: str | None = None  # why the stored story index was dropped, if it was
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        """JSON-ready; ``timings=False`` leaves out the seconds, which differ from run to run."""
        data: dict[str, Any] = {
            "articles": self.articles,
            "dates_completed": self.dates_completed,
            "new_in_stories": self.new_in_stories,
            "stories": self.stories,
            "entities": self.entities,
            "speakers": self.speakers,
            "echo_clusters": self.echo_clusters,
            "claim_groups": self.claim_groups,
            "story_index_rebuilt": self.story_index_rebuilt,
        }
        if timings:
            data["seconds"] = {k: round(v, 2) for k, v in self.seconds.items()}
        return data


def link(
    store: Store,
    *,
    aliases: str | os.PathLike[str] | None = None,
) -> LinkSummary:
    """Run the cross-article pass over ``store``.

    ``aliases`` is a user alias file (see :mod:`quotetrail.canon`); it is checked before anything is
    written (a bad file raises :class:`quotetrail.canon.AliasFileError`) and kept in the store, so
    later runs without the option apply the same rules. An empty file clears them.
    """
    rules = _alias_rules(store, aliases)
    summary = LinkSummary()
    conn = store.connection
    summary.articles = int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    with _step("dates", summary):
        _complete_years(store, summary)
    with _step("stories", summary):
        _link_stories(store, summary)
    with _step("entities", summary):
        canon = _link_entities(store, rules, summary)
    with _step("echoes", summary):
        _link_echoes(store, summary)
    with _step("claims", summary):
        _link_claims(store, canon, summary)
    return summary


@contextmanager
def _step(name: str, summary: LinkSummary) -> Iterator[None]:
    clock = time.perf_counter()
    yield
    summary.seconds[name] = time.perf_counter() - clock


# --- state --------------------------------------------------------------------------------------------


def _get_state(conn: sqlite3.Connection, name: str) -> bytes | None:
    row = conn.execute("SELECT value FROM link_state WHERE name = ?", (name,)).fetchone()
    return None if row is None else bytes(row[0])


def _set_state(conn: sqlite3.Connection, name: str, value: bytes) -> None:
    conn.execute(
        "INSERT INTO link_state(name, value, updated_at) VALUES (?, ?, datetime('now')) "
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (name, value),
    )


def _alias_rules(store: Store, aliases: str | os.PathLike[str] | None) -> AliasRules | None:
    conn = store.connection
    if aliases is not None:
        rules = load_alias_file(aliases)  # raises before anything is written
        with store.transaction():
            _set_state(conn, _ALIAS_STATE, Path(aliases).read_bytes())
        return rules
    stored = _get_state(conn, _ALIAS_STATE)
    if stored is None:
        return None
    return parse_alias_text(stored.decode("utf-8"), origin="the alias rules stored in the database")


# --- 0. dates -----------------------------------------------------------------------------------------

# The full-text query that finds an undated article's neighbours: its first distinct content words (of
# the title, then the body from its start), each quoted, joined with OR; bm25 ranks the articles
# sharing the rarer of them first.
_QUERY_WORDS = 16
_QUERY_WORD_MIN_CHARS = 4
_QUERY_WORD = re.compile(r"[^\W\d_]+")
# The opening read for them: sixteen content words come well within a first paragraph, and a store
# with many undated articles is not read into memory whole.
_QUERY_OPENING_CHARS = 4000
_NEIGHBOURS = 10
# How neighbours vote for a year, calibrated on bench/news/allsides (37,554 dated articles, 2012–2020):
# 1,200 random articles whose text mentions no year (two samples of 600) had their year hidden and
# completed from their neighbours (the article itself excluded), scoring the share completed and the
# share of those right. These settings complete 45% with 97.8% right (the same in each sample). A plain
# 45-day window where any vote and a 2× lead win completes 83% with only 76% right, because topics recur
# (a court ruling, an anniversary): an article of another year often falls near the same month and day
# by chance. So a vote weighs more the nearer the neighbour's date (news about one event comes out over
# days), the winner needs two voters and a clear lead, and a close call leaves the date unknown.
#
# A neighbour dated within this many days of a candidate date votes for it, with weight
# (1 - gap / (window + 1)) / rank. Any window under half a year lets a neighbour vote for one year at
# most (the same month and day a year off is 365 days away). 14 days: 98.3% right, 38% completed;
# 45: 96.4%, 49%; 90: 93.0%, 52%. An unweighted 30-day window: 95.4%, 49%.
_DATE_WINDOW_DAYS = 30
# The winning year needs this many voters, this much weight, and this many times the runner-up's weight.
# One voter: 95.6% right; no minimum weight: 94.8%; a 2× lead: 96.0%, 3×: 96.8%. The undated one of
# the five seed articles has 2 voters weighing 0.79 and no rival year.
_MIN_VOTERS = 2
_MIN_VOTES = 0.5
_YEAR_MARGIN = 5.0
# Neighbours named in the evidence.
_EVIDENCE_NAMES = 3


@dataclass(frozen=True, slots=True)
class DatedNeighbour:
    """An article similar to an undated one, with the date it gives itself."""

    input_id: str
    outlet: str | None
    published: dt.date


@dataclass(frozen=True, slots=True)
class CompletedDate:
    """A month and day completed with a year, and how."""

    date: dt.date
    evidence: str


def complete_year(month: int, day: int, neighbours: Sequence[DatedNeighbour]) -> CompletedDate | None:
    """The date of ``month``/``day`` in the year that ``neighbours`` (most similar first) agree on.

    Candidate years are the neighbours' years and the years either side (a "January 2" article among
    late-December ones is of the next year). Each neighbour dated within ``_DATE_WINDOW_DAYS`` of a
    candidate date votes for it, the nearer and the more similar the more. The best-voted year wins
    with ``_MIN_VOTERS`` voters, ``_MIN_VOTES`` weight and ``_YEAR_MARGIN`` times the runner-up's
    weight; otherwise the result is None: the date is left unknown rather than guessed.
    """
    candidates = sorted({n.published.year + step for n in neighbours for step in (-1, 0, 1)})
    votes: list[tuple[float, dt.date, list[DatedNeighbour]]] = []
    for year in candidates:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue  # February 29 of a common year
        weight, voters = 0.0, []
        for rank, n in enumerate(neighbours, start=1):
            gap = abs((n.published - date).days)
            if gap <= _DATE_WINDOW_DAYS:
                weight += (1 - gap / (_DATE_WINDOW_DAYS + 1)) / rank
                voters.append(n)
        if voters:
            votes.append((weight, date, voters))
    if not votes:
        return None
    votes.sort(key=lambda v: v[0], reverse=True)
    weight, date, voters = votes[0]
    if len(voters) < _MIN_VOTERS or weight < _MIN_VOTES:
        return None
    if len(votes) > 1 and weight < _YEAR_MARGIN * votes[1][0]:
        return None
    named = ", ".join(
        f"{n.input_id} ({', '.join(p for p in (n.outlet, n.published.isoformat()) if p)})"
        for n in voters[:_EVIDENCE_NAMES]
    )
    more = ", …" if len(voters) > _EVIDENCE_NAMES else ""
    return CompletedDate(
        date,
        f"year from {len(voters)} similar dated articles within {_DATE_WINDOW_DAYS} days: {named}{more}",
    )


def salient_query(title: str | None, body: str) -> str:
    """An FTS5 query for articles like this one: up to ``_QUERY_WORDS`` distinct content words of its
    title and opening (not function words, at least ``_QUERY_WORD_MIN_CHARS`` letters), each quoted,
    joined with OR; "" when there are none."""
    words: dict[str, None] = {}
    for text in (title or "", body):
        # finditer is lazy: only the opening of a long body is read.
        for m in _QUERY_WORD.finditer(text):
            word = m.group().lower()
            if len(word) >= _QUERY_WORD_MIN_CHARS and word not in FUNCTION_WORDS:
                words.setdefault(word)
                if len(words) >= _QUERY_WORDS:
                    break
        if len(words) >= _QUERY_WORDS:
            break
    return " OR ".join(f'"{w}"' for w in words)


def similar_dated(conn: sqlite3.Connection, article_id: int, query: str) -> list[DatedNeighbour]:
    """The articles most similar to ``article_id`` by ``query`` (best first) that give their own date:
    not itself, not undated ones, and not ones whose year this pass completed, so that a guess is never
    evidence for another guess (and the result does not depend on the order articles are completed in).
    """
    if not query:
        return []
    rows = conn.execute(
        """
        SELECT a.id, a.outlet, a.published FROM articles_fts
        JOIN articles AS a ON a.article_id = articles_fts.rowid
        WHERE articles_fts MATCH ? AND a.article_id != ? AND a.published_evidence IS NULL
            AND a.published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
        ORDER BY bm25(articles_fts) LIMIT ?
        """,
        (query, article_id, _NEIGHBOURS),
    )
    neighbours = []
    for input_id, outlet, published in rows:
        try:
            neighbours.append(DatedNeighbour(input_id, outlet, dt.date.fromisoformat(published[:10])))
        except ValueError:
            continue  # a malformed date written by another tool: not evidence
    return neighbours


_MONTH_DAY = re.compile(r"--(\d\d)-(\d\d)")


def _month_day(value: str) -> tuple[int, int] | None:
    """``"--10-31"`` → (10, 31); None for anything else."""
    m = _MONTH_DAY.fullmatch(value)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _complete_years(store: Store, summary: LinkSummary) -> None:
    """Give the articles that lack only a year the one their similar dated articles agree on.

    Only articles with a month and day and no date are queried (normally a handful), each with one
    full-text query, so the step costs nothing on a store whose articles are dated.
    """
    conn = store.connection
    undated = conn.execute(
        "SELECT article_id, title, substr(body, 1, ?), published_month_day FROM articles "
        "WHERE published IS NULL AND published_month_day IS NOT NULL ORDER BY article_id",
        (_QUERY_OPENING_CHARS,),
    ).fetchall()
    completed: list[tuple[str, str, int]] = []
    for article_id, title, body, month_day in undated:
        parsed = _month_day(month_day)
        if parsed is None:
            continue
        neighbours = similar_dated(conn, article_id, salient_query(title, body))
        found = complete_year(*parsed, neighbours)
        if found is not None:
            completed.append((found.date.isoformat(), found.evidence, article_id))
    if completed:
        with store.transaction():
            conn.executemany(
                "UPDATE articles SET published = ?, published_inferred = 1, published_evidence = ? "
                "WHERE article_id = ? AND published IS NULL",
                completed,
            )
    summary.dates_completed = len(completed)


# --- 1. stories ---------------------------------------------------------------------------------------


def _link_stories(store: Store, summary: LinkSummary) -> None:
    conn = store.connection
    stored = _get_state(conn, _STORY_STATE)
    index = StoryIndex()
    if stored is not None:
        try:
            index = StoryIndex.from_bytes(stored)
        except ValueError as exc:
            # An index from an incompatible version (or damaged): start again rather than stop; every
            # article is then matched afresh, which is what a first run would have done.
            summary.story_index_rebuilt = str(exc)
            with store.transaction():
                conn.execute("DELETE FROM article_stories")
    elif conn.execute("SELECT 1 FROM article_stories LIMIT 1").fetchone() is not None:
        summary.story_index_rebuilt = "the story index was missing"
        with store.transaction():
            conn.execute("DELETE FROM article_stories")

    for batch in _batched(_unassigned_articles(conn), _STORY_BATCH):
        docs = [
            StoryDoc(
                article=aid,
                title=title,
                body=body,
                published=published,
                outlet=outlet,
            )
            for aid, title, body, published, outlet in batch
        ]
        assignments = index.add(docs)
        with store.transaction():
            conn.executemany(
                "INSERT INTO article_stories(article_id, story_id, similarity, founded) VALUES (?, ?, ?, ?)",
                [(a.article, a.story, a.similarity, int(a.founded)) for a in assignments],
            )
            # The index and the assignments commit together, so a killed run resumes where it stopped.
            _set_state(conn, _STORY_STATE, index.to_bytes())
        summary.new_in_stories += len(assignments)

    with store.transaction():
        conn.execute("DELETE FROM stories")
        conn.execute(
            """
            INSERT INTO stories(story_id, title, article_count, outlet_count, first_published, last_published)
            SELECT s.story_id,
                (SELECT a2.title FROM article_stories AS s2 JOIN articles AS a2 USING (article_id)
                 WHERE s2.story_id = s.story_id
                 ORDER BY s2.founded DESC, a2.published IS NULL, a2.published, s2.article_id LIMIT 1),
                COUNT(*), COUNT(DISTINCT a.outlet), MIN(a.published), MAX(a.published)
            FROM article_stories AS s JOIN articles AS a USING (article_id)
            GROUP BY s.story_id
            """
        )
    summary.stories = int(conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0])


def _unassigned_articles(
    conn: sqlite3.Connection,
) -> Iterator[tuple[int, str | None, str, str | None, str | None]]:
    # Chronological, so that a story is founded by its earliest article; dateless articles last.
    yield from conn.execute(
        """
        SELECT a.article_id, a.title, a.body, a.published, a.outlet FROM articles AS a
        WHERE NOT EXISTS (SELECT 1 FROM article_stories AS s WHERE s.article_id = a.article_id)
        ORDER BY a.published IS NULL, a.published, a.article_id
        """
    )


def _batched(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- 2. canonical entities ----------------------------------------------------------------------------


def _link_entities(store: Store, rules: AliasRules | None, summary: LinkSummary) -> Canon:
    conn = store.connection
    story_of = dict(conn.execute("SELECT article_id, story_id FROM article_stories"))
    uses: list[NameUse] = []
    for aid, name, type_, aliases in conn.execute("SELECT article_id, name, type, aliases FROM entities"):
        surface = tuple(a for a in json.loads(aliases) if _names_someone(a))
        uses.append(NameUse(name, type_, aid, surface, story_of.get(aid)))
    for aid, speaker, count, mentions in conn.execute(
        f"""
        SELECT article_id, speaker, COUNT(*),
            json_group_array(speaker_mention)
                FILTER (WHERE mention_kind IN ({_placeholders(_NAMING_MENTIONS)}))
        FROM statements WHERE speaker IS NOT NULL GROUP BY article_id, speaker
        """,
        _NAMING_MENTIONS,
    ):
        surface = tuple(sorted({m for m in json.loads(mentions) if m and _names_someone(m)}))
        uses.append(NameUse(speaker, None, aid, surface, story_of.get(aid), count))
    canon = canonicalise(uses, rules)

    links: list[tuple[int, str, str]] = []
    seen: set[tuple[int, str]] = set()
    for use in uses:
        if (use.article, use.name) in seen:
            continue
        seen.add((use.article, use.name))
        entity = canon.entity_for(use.name, use.article, use.type)
        if entity is not None:
            links.append((use.article, use.name, entity.key))

    with store.transaction():
        conn.execute("DELETE FROM name_links")
        conn.execute("DELETE FROM canonical_entities")
        conn.executemany(
            "INSERT INTO canonical_entities(entity_key, name, type, names, aliases, evidence) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (e.key, e.name, e.type, json_text(e.names), json_text(e.aliases), json_text(e.evidence))
                for e in canon.entities
            ],
        )
        conn.executemany("INSERT INTO name_links(article_id, name, entity_key) VALUES (?, ?, ?)", links)
        conn.execute(
            """
            UPDATE statements SET speaker_key = (
                SELECT n.entity_key FROM name_links AS n
                WHERE n.article_id = statements.article_id AND n.name = statements.speaker
            )
            """
        )
        # Aggregated once each, then written by key: an UPDATE with correlated aggregate subqueries
        # would redo the aggregation for every entity.
        spoken = dict(
            conn.execute(
                "SELECT speaker_key, COUNT(*) FROM statements WHERE speaker_key IS NOT NULL "
                "GROUP BY speaker_key"
            )
        )
        conn.executemany(
            "UPDATE canonical_entities SET statement_count = ?, article_count = ?, first_published = ?, "
            "last_published = ? WHERE entity_key = ?",
            [
                (spoken.get(key, 0), articles, first, last, key)
                for key, articles, first, last in conn.execute(
                    "SELECT n.entity_key, COUNT(DISTINCT n.article_id), MIN(a.published), MAX(a.published) "
                    "FROM name_links AS n JOIN articles AS a USING (article_id) GROUP BY n.entity_key"
                ).fetchall()
            ],
        )
    summary.entities = len(canon.entities)
    summary.speakers = int(
        conn.execute("SELECT COUNT(*) FROM canonical_entities WHERE statement_count > 0").fetchone()[0]
    )
    return canon


# A surface form shown as an entity's alias names it ("Lavrov", "Russia's top diplomat"); an indefinite
# description ("A McConnell aide", "a spokesman") picks out someone, not the entity, and a long or
# bracketed stretch is a misread mention. Twelve words: the longest apposition of a role and a name in
# the seed articles ("the senior advisor to Gulf State Analytics in Washington, Theodore Karasik") has 11.
_INDEFINITE = re.compile(r"(?i)^(?:a|an|one|another|some)\s")
_ALIAS_MAX_WORDS = 12


def _names_someone(surface: str) -> bool:
    return (
        not _INDEFINITE.match(surface)
        and len(surface.split()) <= _ALIAS_MAX_WORDS
        and not any(c in surface for c in "()[]")
    )


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


# --- 3. echoes ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ArticleInfo:
    published: str | None
    outlet: str | None


def _link_echoes(store: Store, summary: LinkSummary) -> None:
    conn = store.connection
    info = {
        aid: _ArticleInfo(published, outlet)
        for aid, published, outlet in conn.execute("SELECT article_id, published, outlet FROM articles")
    }
    names = _surface_keys(conn)
    inputs = [
        EchoInput(sid, aid, text, key, info[aid].published, story, names.get(aid, {}))
        for sid, aid, text, key, story in conn.execute(
            """
            SELECT s.statement_id, s.article_id, s.text, s.speaker_key, st.story_id
            FROM statements AS s LEFT JOIN article_stories AS st USING (article_id)
            ORDER BY s.statement_id
            """
        )
        if _can_carry_a_claim(text)
    ]
    article_of = {e.statement: e.article for e in inputs}
    speaker_of = {e.statement: e.speaker for e in inputs}
    clusters = find_echoes(inputs)
    cited = _cited_sources(conn, {article_of[m] for c in clusters for m in c.members})
    display = dict(conn.execute("SELECT entity_key, name FROM canonical_entities"))

    rows: list[tuple[Any, ...]] = []
    members: list[tuple[int, int, int]] = []
    for cluster in clusters:
        first = cluster.members[0]
        articles = list(dict.fromkeys(article_of[m] for m in cluster.members))
        outlets = list(dict.fromkeys(o for a in articles if (o := info[a].outlet)))
        speakers = list(dict.fromkeys(display.get(k, k) for m in cluster.members if (k := speaker_of[m])))
        citations = _citation_chain(articles, info, cited)
        rows.append(
            (
                first,
                cluster.kind,
                len(cluster.members),
                len(articles),
                len(outlets),
                json_text(outlets),
                json_text(speakers),
                first,
                article_of[first],
                info[article_of[first]].published,
                info[article_of[first]].outlet,
                json_text(citations),
                json_text([[lk.a, lk.b, round(lk.similarity, 3), lk.how] for lk in cluster.links]),
            )
        )
        members.extend((m, first, i) for i, m in enumerate(cluster.members))
    with store.transaction():
        conn.execute("DELETE FROM echo_members")
        conn.execute("DELETE FROM echo_clusters")
        conn.executemany(
            """
            INSERT INTO echo_clusters(echo_id, kind, statement_count, article_count, outlet_count,
                outlets, speakers, first_statement_id, first_article_id, first_published, first_outlet,
                citations, links)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            rows,
        )
        conn.executemany(
            "INSERT INTO echo_members(statement_id, echo_id, position) VALUES (?, ?, ?)", members
        )
    summary.echo_clusters = len(clusters)


# A short "statement" opening with a preposition is the tail of an attribution misread as its content
# ("[did not respond] to a request for comment", "[said Sunday] on CBS' Face the Nation"): on all of
# bench/news/allsides such fragments, repeated by hundreds of articles, made the widest echo clusters.
# Real content opening this way is a clause with its subject later ("in 2015 the US ..."), longer than
# the limit.
_ADJUNCT_OPENING = re.compile(r"^(?:to|on|in|at|for|with|by|from|about|during|after|before|via)(?:\s|$)")
_ADJUNCT_MAX_WORDS = 10


def _can_carry_a_claim(text: str) -> bool:
    return not (_ADJUNCT_OPENING.match(text) and len(text.split()) < _ADJUNCT_MAX_WORDS)


def _surface_keys(conn: sqlite3.Connection) -> dict[int, dict[str, str]]:
    """Per article, every form its entities are written in → their canonical entity key, so that the
    echo scorer reads "al-Nusra Front" and "Jabhat Al-Nusra" as one name."""
    keys: dict[int, dict[str, str]] = defaultdict(dict)
    for aid, name, aliases, key in conn.execute(
        "SELECT e.article_id, e.name, e.aliases, n.entity_key FROM entities AS e "
        "JOIN name_links AS n ON n.article_id = e.article_id AND n.name = e.name"
    ):
        forms = keys[aid]
        forms.setdefault(name, key)
        for alias in json.loads(aliases):
            forms.setdefault(alias, key)
    return keys


def _cited_sources(conn: sqlite3.Connection, articles: set[int]) -> dict[int, list[tuple[str, str]]]:
    cited: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for aid, source, evidence in conn.execute(
        "SELECT article_id, source, evidence FROM cited_sources ORDER BY article_id, position"
    ):
        if aid in articles:
            cited[aid].append((source, evidence))
    return cited


def _citation_chain(
    articles: list[int], info: dict[int, _ArticleInfo], cited: dict[int, list[tuple[str, str]]]
) -> list[dict[str, Any]]:
    """Who cites whom inside one echo cluster, as the articles themselves say ("according to Sputnik").

    A citation points at the earliest article of the cluster from the cited outlet published no later
    than the citing one, when the corpus holds such an article; otherwise it names the outlet alone.
    """
    by_outlet: dict[str, list[int]] = defaultdict(list)
    for a in articles:  # already in order of first appearance
        if outlet := info[a].outlet:
            by_outlet[_outlet_key(outlet)].append(a)
    chain = []
    for a in articles:
        for source, evidence in cited.get(a, ()):
            target = next(
                (
                    b
                    for b in by_outlet.get(_outlet_key(source), ())
                    if b != a and _not_later(info[b].published, info[a].published)
                ),
                None,
            )
            chain.append(
                {
                    "article_id": a,
                    "outlet": info[a].outlet,
                    "cites": source,
                    "evidence": evidence,
                    "cited_article_id": target,
                }
            )
    return chain


def _outlet_key(outlet: str) -> str:
    return " ".join(outlet.casefold().split())


def _not_later(published: str | None, reference: str | None) -> bool:
    return published is None or reference is None or published <= reference


# --- 4. claims ----------------------------------------------------------------------------------------


def _link_claims(store: Store, canon: Canon, summary: LinkSummary) -> None:
    conn = store.connection
    uses: list[QuantityUse] = []
    for article in _articles_with_quantities(conn):
        uses.extend(_quantity_uses(article, canon))
    groups = group_claims(uses)
    _write_claims(store, groups)
    summary.claim_groups = len(groups)


@dataclass(slots=True)
class _QuantityArticle:
    article_id: int
    body: str
    published: str | None
    outlet: str | None
    story: str | None
    quantities: list[tuple[Any, ...]] = field(default_factory=list)
    statements: list[tuple[int, int, int]] = field(default_factory=list)
    entities: list[tuple[str, EntityType, list[str]]] = field(default_factory=list)


def _articles_with_quantities(conn: sqlite3.Connection) -> Iterator[_QuantityArticle]:
    """Each article that holds a quantity, with what a claim needs from it, read one at a time."""
    ids = [aid for (aid,) in conn.execute("SELECT DISTINCT article_id FROM quantities ORDER BY article_id")]
    for aid in ids:
        body, published, outlet, story = conn.execute(
            "SELECT a.body, a.published, a.outlet, s.story_id FROM articles AS a "
            "LEFT JOIN article_stories AS s USING (article_id) WHERE a.article_id = ?",
            (aid,),
        ).fetchone()
        article = _QuantityArticle(aid, body, published, outlet, story)
        article.quantities = conn.execute(
            "SELECT quantity_id, text, start, end, low, high, unit, qualifier, speaker FROM quantities "
            "WHERE article_id = ? ORDER BY position",
            (aid,),
        ).fetchall()
        article.statements = conn.execute(
            "SELECT statement_id, start, end FROM statements WHERE article_id = ? ORDER BY start", (aid,)
        ).fetchall()
        article.entities = [
            (name, type_, json.loads(aliases))
            for name, type_, aliases in conn.execute(
                "SELECT name, type, aliases FROM entities WHERE article_id = ?", (aid,)
            )
        ]
        yield article


def _quantity_uses(article: _QuantityArticle, canon: Canon) -> Iterator[QuantityUse]:
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for name, type_, aliases in article.entities:
        entity = canon.entity_for(name, article.article_id, type_)
        canonical = entity.name if entity is not None else name
        kinds.setdefault(canonical, type_)
        for surface in (name, *aliases):
            names.setdefault(surface, canonical)
            if type_ == "organization" and (short := short_form(surface)) is not None:
                names.setdefault(short, canonical)
    contexts = sentence_contexts(article.body, [q[2] for q in article.quantities])
    for (qid, text, start, end, low, high, unit, qualifier, speaker), context in zip(
        article.quantities, contexts, strict=True
    ):
        statement = next((sid for sid, ss, se in article.statements if ss <= start and end <= se), None)
        entity = canon.entity_for(speaker, article.article_id) if speaker else None
        yield QuantityUse(
            quantity=qid,
            article=article.article_id,
            statement=statement,
            text=text,
            low=low,
            high=high,
            unit=unit,
            qualifier=qualifier,
            speaker=entity.name if entity is not None else speaker,
            sentence=context.sentence,
            offset=context.offset,
            published=article.published,
            outlet=article.outlet,
            names=names,
            kinds=kinds,
            previous_sentence=context.previous_sentence,
            start=start,
            story=article.story,
        )


def _write_claims(store: Store, groups: list[ClaimGroup]) -> None:
    conn = store.connection
    with store.transaction():
        conn.execute("DELETE FROM claim_values")
        conn.execute("DELETE FROM claim_groups")
        conn.executemany(
            "INSERT INTO claim_groups(claim_key, measure, subject, place, value_count, first_published, "
            "last_published, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    g.key,
                    g.measure,
                    g.subject,
                    g.place,
                    len(g.values),
                    min((v.published for v in g.values if v.published), default=None),
                    max((v.published for v in g.values if v.published), default=None),
                    json_text([{"kind": f.kind, "a": f.a, "b": f.b, "note": f.note} for f in g.flags]),
                )
                for g in groups
            ],
        )
        conn.executemany(
            "INSERT INTO claim_values(quantity_id, claim_key, position, statement_id, speaker, source, "
            "stance, low, high, area, part_of, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    v.quantity,
                    g.key,
                    i,
                    v.statement,
                    v.speaker,
                    v.source,
                    v.stance,
                    v.low,
                    v.high,
                    v.area,
                    v.part_of,
                    v.evidence,
                )
                for g in groups
                for i, v in enumerate(g.values)
            ],
        )
