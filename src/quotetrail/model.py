"""The document model every stage reads and writes.

One article flows through the pipeline as an :class:`Article`; each stage fills in the fields it
declares it adds. All spans (``start``/``end``) are character offsets into ``Article.body``, the
cleaned text, so ``body[start:end] == text`` holds for every span-bearing item.

:func:`article_to_record` turns an article into the JSON object of the output contract
(``quotetrail extract`` writes one per line); keep that shape stable and only extend it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

StatementKind = Literal["direct", "indirect", "mixed"]
StatementAct = Literal["speech", "stance"]
StatementScope = Literal["speech", "all"]
EntityType = Literal["person", "organization", "place"]


@dataclass(slots=True)
class Span:
    """A stretch of the cleaned body."""

    start: int
    end: int
    text: str


@dataclass(slots=True)
class Mention:
    """A surface mention of a speaker or entity ("he", "the Russian top diplomat", "Lavrov")."""

    text: str
    start: int
    end: int
    # "name" | "pronoun" | "role" | "organization" | "anonymous"
    kind: str = "name"
    # Canonical name the mention resolved to within its article, or None when unresolved.
    resolved: str | None = None
    # How the resolution was made, for an analyst reading the record ("same sentence", "last subject"…).
    evidence: str = ""


@dataclass(slots=True)
class Statement:
    """Something a speaker said, as the article reports it."""

    text: str
    start: int
    end: int
    kind: StatementKind
    cue: str | None
    speaker: str | None
    mention: Mention | None
    confidence: float
    rule: str
    cue_start: int | None = None
    cue_end: int | None = None
    # "speech": something said, written or published; "stance": a belief, intention or finding
    # attributed to the source ("Trump wants …", "the poll shows …").
    act: StatementAct = "speech"


@dataclass(slots=True)
class Quantity:
    """A number the article or a speaker claims: "between six and eight thousand militants"."""

    text: str
    start: int
    end: int
    low: float | None
    high: float | None
    unit: str | None
    qualifier: str | None  # "exact" | "approximately" | "up to" | "more than" | "between" | …
    speaker: str | None = None


@dataclass(slots=True)
class Entity:
    """A named person, organisation or place, canonical within its article."""

    name: str
    type: EntityType
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CitedSource:
    """An outlet or agency the article says it relies on ("according to Sputnik")."""

    source: str
    evidence: str
    start: int | None = None
    end: int | None = None


@dataclass(slots=True)
class Article:
    """One input article and everything the pipeline learns about it."""

    id: str
    source: str  # where it came from: a path, "path#line" for JSONL, "path#record" for WARC
    raw_text: str  # the text as read (for HTML inputs, the text extracted from the page)
    clean: bool = True  # whether the clean stage should strip page chrome from raw_text
    html: str | None = None
    url: str | None = None
    # Metadata supplied by the input (JSONL fields, HTML meta); stages prefer it to guesses.
    input_meta: dict[str, Any] = field(default_factory=dict)

    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # YYYY-MM-DD
    published_inferred: bool = False  # the year was inferred from context, not stated
    # "--MM-DD" (ISO 8601 month and day without a year): the text dates the article (dateline, event
    # date) but nothing in it settles the year, so ``published`` stays None; the link pass may
    # complete the year from similar dated articles (:mod:`quotetrail.linking`).
    published_month_day: str | None = None
    dateline: str | None = None

    body: str = ""
    boilerplate: list[str] = field(default_factory=list)
    headings: list[Span] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)

    statements: list[Statement] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    cited_sources: list[CitedSource] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """Key of the article in the store: identical input text is the same article."""
        payload = self.html if self.html is not None else self.raw_text
        return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(slots=True)
class SkippedInput:
    """An input that could not be analysed: kept as data, with a named reason."""

    source: str
    reason: str  # short machine-friendly name: "unsupported-type", "binary", "empty", "undecodable", …
    detail: str = ""


def statement_to_record(s: Statement) -> dict[str, Any]:
    m = s.mention
    return {
        "text": s.text,
        "start": s.start,
        "end": s.end,
        "kind": s.kind,
        "cue": s.cue,
        "speaker": s.speaker,
        "speaker_mention": m.text if m else None,
        "mention_start": m.start if m else None,
        "mention_end": m.end if m else None,
        "confidence": round(s.confidence, 3),
        "rule": s.rule,
        "cue_start": s.cue_start,
        "cue_end": s.cue_end,
        "mention_kind": m.kind if m else None,
        "resolution": m.evidence if m else None,
        "act": s.act,
    }


def article_to_record(a: Article) -> dict[str, Any]:
    """The output contract: one JSON-ready object per article."""
    return {
        "id": a.id,
        "source": a.source,
        "title": a.title,
        "outlet": a.outlet,
        "published": a.published,
        "published_inferred": a.published_inferred,
        "published_month_day": a.published_month_day,
        "dateline": a.dateline,
        "url": a.url,
        "content_hash": a.content_hash,
        "body": a.body,
        "boilerplate": list(a.boilerplate),
        "headings": [h.text for h in a.headings],
        "statements": [statement_to_record(s) for s in a.statements],
        "quantities": [
            {
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "low": q.low,
                "high": q.high,
                "unit": q.unit,
                "qualifier": q.qualifier,
                "speaker": q.speaker,
            }
            for q in a.quantities
        ],
        "entities": [{"name": e.name, "type": e.type, "aliases": list(e.aliases)} for e in a.entities],
        "cited_sources": [
            {"source": c.source, "evidence": c.evidence, "start": c.start, "end": c.end}
            for c in a.cited_sources
        ],
        "errors": list(a.errors),
    }
