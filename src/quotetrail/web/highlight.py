"""An article body as HTML with its statements highlighted, and cues, speaker mentions, quantities and
cited sources marked inside them.

Every character of the body is escaped; the only markup is what this module writes. Spans are character
offsets into the cleaned body (as stored); a span that runs past the body or overlaps an earlier
statement is clipped rather than trusted, so damaged offsets cannot break the page.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..views import ArticleView, MarkedStatement

# The inner marks, in the order their classes are written.
_INNER = ("cue", "mention", "quantity", "source")


@dataclass(slots=True, frozen=True)
class _Mark:
    start: int
    end: int
    kind: str  # one of _INNER
    title: str


def _clip(start: int | None, end: int | None, length: int) -> tuple[int, int] | None:
    if start is None or end is None:
        return None
    start, end = max(0, start), min(length, end)
    return (start, end) if start < end else None


def _statement_title(s: MarkedStatement) -> str:
    parts = [
        f"{s.speaker or 'unknown speaker'} — {s.kind}",
        f"cue: {s.cue}" if s.cue else "no cue",
        f"rule: {s.rule}",
        f"confidence: {s.confidence:.2f}",
    ]
    if s.mention:
        parts.append(f"named here as: {s.mention}")
    return " · ".join(parts)


def _outer_spans(
    statements: Sequence[MarkedStatement], length: int
) -> list[tuple[int, int, MarkedStatement]]:
    """Statement spans in body order, each clipped to start after the previous one ends."""
    spans = []
    last_end = 0
    for s in sorted(statements, key=lambda s: (s.start, -s.end)):
        clipped = _clip(max(s.start, last_end), s.end, length)
        if clipped:
            spans.append((*clipped, s))
            last_end = clipped[1]
    return spans


def _inner_marks(view: ArticleView, length: int) -> list[_Mark]:
    marks = []
    for s in view.statements:
        if span := _clip(s.cue_start, s.cue_end, length):
            marks.append(_Mark(*span, "cue", f"cue of a statement by {s.speaker or 'an unknown speaker'}"))
        if span := _clip(s.mention_start, s.mention_end, length):
            how = f" ({s.mention_evidence})" if s.mention_evidence else ""
            marks.append(_Mark(*span, "mention", f"resolved to {s.speaker or 'nobody'}{how}"))
    for q in view.quantities:
        if span := _clip(q.start, q.end, length):
            value = q.text if q.unit is None else f"{q.text} ({q.unit})"
            marks.append(_Mark(*span, "quantity", f"quantity: {value}"))
    for c in view.cited_sources:
        if span := _clip(c.start, c.end, length):
            marks.append(_Mark(*span, "source", f"cited source: {c.source} ({c.evidence})"))
    return marks


def highlight_body(view: ArticleView, speaker_class: Callable[[str | None], str]) -> list[Markup]:
    """The body as one Markup per paragraph. A statement is an ``<a class="statement …" id="s-ID"
    href="#d-ID">`` (its details card), coloured by ``speaker_class(speaker_key)``."""
    body = view.body
    length = len(body)
    paragraphs = [p for p in (_clip(a, b, length) for a, b in view.paragraphs) if p] or [(0, length)]
    statements = _outer_spans(view.statements, length)
    marks = _inner_marks(view, length)

    cuts = {0, length}
    for a, b in paragraphs:
        cuts.update((a, b))
    for a, b, _ in statements:
        cuts.update((a, b))
    for m in marks:
        cuts.update((m.start, m.end))
    boundaries = sorted(cuts)

    starts = [a for a, _, _ in statements]

    def statement_at(pos: int) -> MarkedStatement | None:
        i = bisect_right(starts, pos) - 1
        if i >= 0 and statements[i][0] <= pos < statements[i][1]:
            return statements[i][2]
        return None

    html: list[Markup] = []
    for p_start, p_end in paragraphs:
        out: list[str] = []
        open_statement: MarkedStatement | None = None
        anchored: set[int] = set()
        cut_index = bisect_right(boundaries, p_start) - 1
        pos = p_start
        while pos < p_end:
            nxt = boundaries[cut_index + 1] if cut_index + 1 < len(boundaries) else p_end
            nxt = min(nxt, p_end)
            cut_index += 1
            if nxt <= pos:
                continue
            here = statement_at(pos)
            if here is not open_statement:
                if open_statement is not None:
                    out.append("</a>")
                if here is not None:
                    # The first piece of a statement carries its id, so that #s-ID lands on it.
                    anchor = f' id="s-{here.statement_id}"' if here.statement_id not in anchored else ""
                    anchored.add(here.statement_id)
                    out.append(
                        f'<a class="statement {speaker_class(here.speaker_key)} {here.kind}"{anchor} '
                        f'href="#d-{here.statement_id}" data-speaker="{escape(here.speaker or "")}" '
                        f'title="{escape(_statement_title(here))}">'
                    )
                open_statement = here
            text = escape(body[pos:nxt])
            inner = [m for m in marks if m.start <= pos and nxt <= m.end]
            if inner:
                kinds = sorted({m.kind for m in inner}, key=_INNER.index)
                title = " · ".join(dict.fromkeys(m.title for m in inner))
                out.append(f'<span class="{" ".join(kinds)}" title="{escape(title)}">{text}</span>')
            else:
                out.append(str(text))
            pos = nxt
        if open_statement is not None:
            out.append("</a>")
        html.append(Markup("".join(out)))
    return html
