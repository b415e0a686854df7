"""The web workspace: server-rendered pages over a store, and the same data as JSON under ``/api``.

Every page reads through :mod:`quotetrail.queries` and :mod:`quotetrail.views`, the functions the CLI
and the Python API use, on a store opened read-only (one connection per worker thread). Pages need no
JavaScript: tooltips are ``title`` attributes and SVG ``<title>`` elements, the statement details are
anchors, the removed page chrome sits in a ``<details>`` element. The Content-Security-Policy forbids
scripts altogether, so even a string that escaped escaping could not run.

Errors are pages, not tracebacks: an unknown id or name is a 404, a malformed search a 400 with the
reason, an unlinked store a 409 that says to run ``quotetrail link``.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, queries, views
from ..queries import NotLinkedError, UnknownIdError, UnknownNameError
from ..store import Store
from . import charts
from .highlight import highlight_body

_HERE = Path(__file__).parent
TOKEN_COOKIE = "quotetrail_token"
PAGE_SIZE = 20
_MAX_PAGE = 500  # deep pages cost a full ranking each; nobody reads 10,000 results in a browser
_KINDS = ("direct", "indirect", "mixed")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

_SECURITY_HEADERS = {
    # No script may run at all: the pages work without one, and article text is hostile input.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


# --- the store, one read-only connection per thread ----------------------------------------------------


class _Stores:
    """Read-only stores for the worker threads FastAPI runs page functions in (SQLite connections
    cannot be shared between threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        Store.open(path, read_only=True).close()  # fail at start-up, not on the first request

    def get(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store.open(self.path, read_only=True)
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                store.connection.close()
            self._all.clear()


# --- search parameters ---------------------------------------------------------------------------------


@dataclass(slots=True)
class SearchForm:
    """The search page's parameters, checked; ``errors`` says what was wrong, in words."""

    q: str = ""
    speaker: str = ""
    outlet: str = ""
    since: str = ""
    until: str = ""
    kind: str = ""
    min_confidence: str = ""
    syntax: str = "plain"
    scope: str = "statements"
    page: int = 1

    def errors(self) -> list[str]:
        problems = []
        for name in ("since", "until"):
            value = getattr(self, name)
            if value and not _DATE.fullmatch(value):
                problems.append(f"{name} must be a date like 2016-10-21 (or 2016-10, or 2016), not {value!r}")
        if self.kind and self.kind not in _KINDS:
            problems.append(f"kind must be one of {', '.join(_KINDS)}, not {self.kind!r}")
        if self.min_confidence:
            try:
                confidence = float(self.min_confidence)
            except ValueError:
                confidence = -1.0
            if not 0.0 <= confidence <= 1.0:
                problems.append(
                    f"minimum confidence must be a number from 0 to 1, not {self.min_confidence!r}"
                )
        if self.syntax not in ("plain", "fts"):
            problems.append(f"syntax must be 'plain' or 'fts', not {self.syntax!r}")
        if self.scope not in ("statements", "articles"):
            problems.append(f"search in 'statements' or 'articles', not {self.scope!r}")
        return problems

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of :func:`quotetrail.queries.search` (and of the facets)."""
        return {
            "speaker": self.speaker or None,
            "outlet": self.outlet or None,
            "since": self.since or None,
            # A day, month or year as the end of a range includes all of it.
            "until": (self.until + "\uffff") if self.until else None,
            "kind": self.kind or None,
            "min_confidence": float(self.min_confidence) if self.min_confidence else None,
            "fts_syntax": self.syntax == "fts",
        }

    def link(self, **changes: Any) -> str:
        """This search with some parameters changed (a facet chosen, another page)."""
        values = {
            name: getattr(self, name)
            for name in (
                "q",
                "speaker",
                "outlet",
                "since",
                "until",
                "kind",
                "min_confidence",
                "syntax",
                "scope",
            )
        }
        values["page"] = 1
        values.update(changes)
        defaults = SearchForm()
        kept = {
            ("in" if k == "scope" else k): v
            for k, v in values.items()
            if v not in ("", None) and v != getattr(defaults, k)
        }
        return "/search?" + urlencode(kept)


def search_form(params: Mapping[str, str]) -> SearchForm:
    """The search parameters of a request (unknown ones ignored; a bad page number is page 1)."""
    page = params.get("page", "1").strip()
    return SearchForm(
        q=params.get("q", "").strip(),
        speaker=params.get("speaker", "").strip(),
        outlet=params.get("outlet", "").strip(),
        since=params.get("since", "").strip(),
        until=params.get("until", "").strip(),
        kind=params.get("kind", "").strip(),
        min_confidence=params.get("min_confidence", "").strip(),
        syntax=params.get("syntax", "plain").strip() or "plain",
        scope=params.get("in", "statements").strip() or "statements",
        page=min(int(page), _MAX_PAGE) if page.isdigit() and int(page) >= 1 else 1,
    )


class BadSearch(ValueError):
    """A search that cannot run as asked (its message says why)."""


def run_search(store: Store, form: SearchForm) -> dict[str, Any]:
    """The search page's data: one page of results and the facets, or the articles that match."""
    problems = form.errors()
    if problems:
        raise BadSearch("; ".join(problems))
    result: dict[str, Any] = {"query": form.q, "results": [], "facets": None, "articles": []}
    if not form.q:
        return result
    try:
        if form.scope == "articles":
            result["articles"] = views.search_articles(
                store, form.q, limit=PAGE_SIZE, fts_syntax=form.syntax == "fts", marks=("\x02", "\x03")
            )
        else:
            filters = form.filters()
            result["facets"] = views.search_facets(store, form.q, **filters)
            result["results"] = queries.search(
                store, form.q, limit=PAGE_SIZE, offset=(form.page - 1) * PAGE_SIZE, **filters
            )
    except (ValueError, UnknownNameError) as exc:
        raise BadSearch(str(exc)) from exc
    return result


# --- charts from records -------------------------------------------------------------------------------


def _statement_href(article_id: int, statement_id: int | None) -> str:
    return f"/articles/{article_id}" + (f"#s-{statement_id}" if statement_id is not None else "")


# A timeline draws one mark per day and outlet; past this many marks a busy speaker's chart is drawn by
# week, then by month. On bench/news/allsides the busiest speaker (18,198 statements) made 3,887 daily
# marks: a 1.2 MB chart that took 136 ms to draw; by week it is a tenth of that.
_MAX_TIMELINE_MARKS = 800


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month(day: date) -> date:
    return day.replace(day=1)


def _bucketed(days: list[date | None], lanes: list[str]) -> tuple[list[date | None], str]:
    """The days of a timeline's points, coarsened to weeks or months when daily marks would be too many."""
    bucketed, unit = days, "day"
    for coarser_unit, coarsen in (("week", _week), ("month", _month)):
        if len(set(zip(bucketed, lanes, strict=True))) <= _MAX_TIMELINE_MARKS:
            break
        bucketed, unit = [coarsen(d) if d is not None else None for d in days], coarser_unit
    return bucketed, unit


def speaker_timeline(profile: views.SpeakerProfile) -> Markup:
    colour = charts.colour_for(profile.entity.key)
    lanes = [d.outlet or "" for d in profile.days]
    days, unit = _bucketed([charts.parse_day(d.published) for d in profile.days], lanes)
    points = [
        charts.TimelinePoint(
            day, lane, d.text, _statement_href(d.article_id, d.statement_id), colour, weight=d.statements
        )
        for d, day, lane in zip(profile.days, days, lanes, strict=True)
    ]
    by = "date" if unit == "day" else f"{unit} (marks at the {unit}'s first day)"
    return charts.timeline_svg(points, title=f"Statements by {profile.entity.name}, by {by} and outlet")


def claim_chart(claim: queries.ClaimRecord) -> Markup:
    points = [
        charts.ClaimPoint(
            charts.parse_day(v.published),
            v.low,
            v.high,
            f"{v.text} — {v.speaker or v.source or 'unattributed'}, {v.outlet or 'unknown outlet'}",
            v.source if v.stance == "reported" and v.source else (v.speaker or v.source or "unattributed"),
            v.stance,
            _statement_href(v.article_id, v.statement_id),
        )
        for v in claim.values
    ]
    units = {v.unit for v in claim.values if v.unit}
    title = (
        f"{claim.measure}"
        + (f" — {claim.subject}" if claim.subject else "")
        + (f" in {claim.place}" if claim.place else "")
    )
    return charts.claim_svg(points, title=title, unit=units.pop() if len(units) == 1 else None)


def _members_in_order(members: list[queries.StatementRecord]) -> list[queries.StatementRecord]:
    return sorted(
        members, key=lambda m: (m.published is None, m.published or "", m.article_id, m.statement_id)
    )


def echo_timeline(echo: queries.EchoRecord) -> Markup:
    members = _members_in_order(echo.members)
    points = [
        charts.TimelinePoint(
            charts.parse_day(m.published),
            m.outlet or "",
            f"{m.speaker or 'unknown speaker'}: {m.text}",
            _statement_href(m.article_id, m.statement_id),
            charts.colour_for(m.speaker_key),
            first=m.article_id == echo.first_article_id and i == 0,
        )
        for i, m in enumerate(members)
    ]
    return charts.timeline_svg(points, title="Where and when the claim appeared")


def citation_chart(echo: queries.EchoRecord) -> Markup:
    published = {m.article_id: m for m in echo.members}
    nodes: dict[str, charts.ChainNode] = {}
    edges: list[charts.ChainEdge] = []

    def article_node(article_id: int) -> str:
        key = f"a{article_id}"
        if key not in nodes:
            member = published.get(article_id)
            day = charts.parse_day(member.published) if member else None
            outlet = (member.outlet if member else None) or "unknown outlet"
            label = f"{outlet}, {charts.format_day(day)}" if day else outlet
            nodes[key] = charts.ChainNode(
                key, label, day, f"/articles/{article_id}", article_id == echo.first_article_id
            )
        return key

    for member in _members_in_order(echo.members):
        article_node(member.article_id)
    for citation in echo.citations:
        if citation.get("article_id") is None:
            continue
        source = article_node(citation["article_id"])
        if citation.get("cited_article_id") is not None:
            target = article_node(citation["cited_article_id"])
        else:
            target = f"o:{citation['cites']}"
            nodes.setdefault(target, charts.ChainNode(target, citation["cites"], None))
        edge = charts.ChainEdge(source, target, citation["evidence"])
        if all((e.source, e.target) != (edge.source, edge.target) for e in edges):
            edges.append(edge)
    return charts.citation_chain_svg(list(nodes.values()), edges, title="Who cites whom")


def story_timeline(story: queries.StoryRecord) -> Markup:
    points = [
        charts.TimelinePoint(
            charts.parse_day(a.published), a.outlet or "", a.title or a.id, f"/articles/{a.article_id}"
        )
        for a in story.members
    ]
    return charts.timeline_svg(points, title="Articles of the story by date and outlet")


# --- the application -----------------------------------------------------------------------------------


def speaker_class(key: str | None) -> str:
    """The CSS class that colours a speaker's statements (the palette of the charts)."""
    return "sp-none" if key is None else f"sp{charts.PALETTE.index(charts.colour_for(key))}"


def palette_css() -> str:
    rules = [f".sp{i} {{ --speaker: {colour}; }}" for i, colour in enumerate(charts.PALETTE)]
    rules.append(f".sp-none {{ --speaker: {charts.colour_for(None)}; }}")
    return "\n".join(rules) + "\n"


def _day(published: str | None) -> str:
    day = charts.parse_day(published)
    if day is not None:
        return charts.format_day(day)
    return published or "undated"


def _snippet(text: str) -> Markup:
    """An article search snippet with its matched words marked (the markers are control characters no
    article text holds, put there by the query)."""
    return Markup(str(escape(text)).replace("\x02", "<mark>").replace("\x03", "</mark>"))


def create_app(db: str | os.PathLike[str], *, token: str | None = None) -> FastAPI:
    """The workspace over the store at ``db``; with ``token``, every request must carry it."""
    stores = _Stores(Path(db))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        stores.close()

    app = FastAPI(
        lifespan=lifespan,
        title="quotetrail",
        version=__version__,
        description="Who said what, when, where, as reported by whom: the JSON behind every page.",
        # The interactive documentation pages load their scripts from a CDN: only the document is served.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.stores = stores
    templates = Jinja2Templates(directory=_HERE / "templates")
    env = templates.env
    env.filters["day"] = _day
    env.filters["number"] = charts.format_number
    env.globals["speaker_class"] = speaker_class
    env.globals["colour_for"] = charts.colour_for
    env.globals["db_name"] = Path(db).name
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")

    def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, template, context, status_code=status_code)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    # --- access and headers ---

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if token is not None:
            given = request.query_params.get("token")
            if given is not None and secrets.compare_digest(given.encode(), token.encode()):
                # A browser arrives once with ?token=…; the cookie carries it from then on, and the
                # token leaves the address bar (and the history).
                query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
                response: Response = RedirectResponse(
                    request.url.path + (f"?{query}" if query else ""), status_code=303
                )
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            elif not _authorised(request, token):
                response = (
                    JSONResponse({"detail": "this workspace needs its access token"}, status_code=401)
                    if wants_json(request)
                    else PlainTextResponse(
                        "This workspace needs its access token: open it with ?token=… once.", status_code=401
                    )
                )
                response.headers["WWW-Authenticate"] = "Bearer"
            else:
                response = await call_next(request)
        else:
            response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # --- errors ---

    def error(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": message}, status_code=status)
        return page(request, "error.html", status_code=status, status=status, message=message)

    @app.exception_handler(UnknownIdError)
    async def unknown_id(request: Request, exc: UnknownIdError) -> Response:
        return error(request, 404, str(exc))

    @app.exception_handler(UnknownNameError)
    async def unknown_name(request: Request, exc: UnknownNameError) -> Response:
        return error(request, 404, str(exc).replace("'", "“", 1).replace("'", "”", 1))

    @app.exception_handler(NotLinkedError)
    async def not_linked(request: Request, exc: NotLinkedError) -> Response:
        return error(request, 409, str(exc))

    @app.exception_handler(BadSearch)
    async def bad_search(request: Request, exc: BadSearch) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        form = search_form(request.query_params)
        return page(request, "search.html", status_code=400, form=form, error=str(exc), data=None)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "there is no such page" if exc.status_code == 404 else str(exc.detail)
        return error(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in exc.errors()
        )
        return error(request, 400 if not wants_json(request) else 422, reasons)

    # --- pages ---

    @app.get("/palette.css", include_in_schema=False)
    def palette() -> Response:
        return Response(palette_css(), media_type="text/css")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview_page(request: Request) -> Response:
        store = stores.get()
        return page(request, "overview.html", data=views.overview(store))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request) -> Response:
        form = search_form(request.query_params)
        store = stores.get()
        data = run_search(store, form)
        for hit in data["articles"]:
            hit.snippet = _snippet(hit.snippet)
        return page(request, "search.html", form=form, error=None, data=data, page_size=PAGE_SIZE)

    @app.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def speakers_page(request: Request, name: str = "") -> Response:
        store = stores.get()
        if name.strip():
            found = queries.find_entities(store, name, limit=1)
            if not found:
                raise UnknownNameError(f"no speaker or entity matches {name!r}")
            return RedirectResponse(f"/speakers/{found[0].key}", status_code=303)
        return page(request, "speakers.html", speakers=queries.speakers(store, limit=100))

    @app.get("/speakers/{key}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(request: Request, key: str) -> Response:
        store = stores.get()
        profile = views.speaker_profile(store, key)
        if profile.entity.key != key:
            return RedirectResponse(f"/speakers/{profile.entity.key}", status_code=303)
        return page(
            request,
            "speaker.html",
            data=profile,
            timeline=speaker_timeline(profile),
            claim_charts=[claim_chart(c) for c in profile.claims[:5]],
        )

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: int) -> Response:
        store = stores.get()
        data = views.article(store, article_id)
        speakers: dict[str | None, str] = {}
        for s in data.statements:
            speakers.setdefault(s.speaker_key, s.speaker or "unknown speaker")
        return page(
            request,
            "article.html",
            data=data,
            paragraphs=highlight_body(data, speaker_class),
            speakers=speakers,
        )

    @app.get("/echoes", response_class=HTMLResponse, include_in_schema=False)
    def echoes_page(request: Request, min_outlets: int = Query(2, ge=1)) -> Response:
        store = stores.get()
        found = queries.echoes(store, min_outlets=min_outlets, limit=50, members=False)
        return page(request, "echoes.html", echoes=found, min_outlets=min_outlets)

    @app.get("/echoes/{echo_id}", response_class=HTMLResponse, include_in_schema=False)
    def echo_page(request: Request, echo_id: int) -> Response:
        store = stores.get()
        data = queries.echo(store, echo_id)
        data.members = _members_in_order(data.members)
        return page(request, "echo.html", data=data, timeline=echo_timeline(data), chain=citation_chart(data))

    @app.get("/claims", response_class=HTMLResponse, include_in_schema=False)
    def claim_page(request: Request, key: str = Query(..., min_length=1)) -> Response:
        store = stores.get()
        data = views.claim(store, key)
        return page(request, "claim.html", data=data, chart=claim_chart(data))

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, min_articles: int = Query(2, ge=1)) -> Response:
        store = stores.get()
        found = queries.stories(store, limit=50, min_articles=min_articles)
        return page(request, "stories.html", stories=found, min_articles=min_articles)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> Response:
        store = stores.get()
        data = views.story(store, story_id)
        by_outlet: dict[str, list[queries.StoryArticle]] = {}
        for member in data.story.members:
            by_outlet.setdefault(member.outlet or "unknown outlet", []).append(member)
        return page(
            request, "story.html", data=data, by_outlet=by_outlet, timeline=story_timeline(data.story)
        )

    # --- the JSON API ---

    @app.get("/api/overview", response_model=views.Overview, tags=["corpus"])
    def api_overview() -> Any:
        """Corpus size, outlets, date span, top speakers, latest stories and skipped inputs."""
        store = stores.get()
        return views.overview(store)

    @app.get("/api/search", response_model=SearchResult, tags=["search"])
    def api_search(
        q: str = Query(..., description='Words and "quoted phrases" (or FTS5 syntax with syntax=fts).'),
        speaker: str = "",
        outlet: str = "",
        since: str = Query("", description="Earliest publication date (2016, 2016-10 or 2016-10-21)."),
        until: str = Query("", description="Latest publication date, inclusive."),
        kind: str = Query("", description="direct, indirect or mixed."),
        min_confidence: str = Query("", description="0 to 1."),
        syntax: str = Query("plain", description="plain or fts."),
        scope: str = Query("statements", alias="in", description="statements or articles."),
        page: int = Query(1, ge=1, le=_MAX_PAGE),
    ) -> Any:
        """Statements (with facets) or articles matching a full-text query, best first."""
        form = SearchForm(q.strip(), speaker, outlet, since, until, kind, min_confidence, syntax, scope, page)
        store = stores.get()
        return run_search(store, form)

    @app.get("/api/speakers", response_model=list[queries.EntityRecord], tags=["speakers"])
    def api_speakers(limit: int = Query(100, ge=1, le=1000)) -> Any:
        """Canonical speakers, most statements first."""
        store = stores.get()
        return queries.speakers(store, limit=limit)

    @app.get("/api/speakers/{key}", response_model=views.SpeakerProfile, tags=["speakers"])
    def api_speaker(key: str) -> Any:
        """One speaker (an entity key or a name as typed): aliases, roles, timeline, echoes, claims."""
        store = stores.get()
        return views.speaker_profile(store, key)

    @app.get("/api/articles/{article_id}", response_model=views.ArticleView, tags=["articles"])
    def api_article(article_id: int) -> Any:
        """One article with its statements, quantities, cited sources, entities and removed chrome."""
        store = stores.get()
        return views.article(store, article_id)

    @app.get("/api/echoes", response_model=list[queries.EchoRecord], tags=["echoes"])
    def api_echoes(
        min_outlets: int = Query(1, ge=1), limit: int = Query(50, ge=1, le=1000), speaker: str = ""
    ) -> Any:
        """Echo clusters, the most widely carried first."""
        store = stores.get()
        return queries.echoes(
            store, min_outlets=min_outlets, speaker=speaker or None, limit=limit, members=False
        )

    @app.get("/api/echoes/{echo_id}", response_model=queries.EchoRecord, tags=["echoes"])
    def api_echo(echo_id: int) -> Any:
        """One echo cluster with its statements, first appearance and citation chain."""
        store = stores.get()
        return queries.echo(store, echo_id)

    @app.get("/api/claims", response_model=list[queries.ClaimRecord], tags=["claims"])
    def api_claims(entity: str = "", key: str = "", limit: int = Query(50, ge=1, le=1000)) -> Any:
        """Claim histories: one by ``key``, or those about ``entity``, or the largest."""
        store = stores.get()
        if key:
            return [views.claim(store, key)]
        return queries.claims(store, entity or None, limit=limit)

    @app.get("/api/stories", response_model=list[queries.StoryRecord], tags=["stories"])
    def api_stories(min_articles: int = Query(2, ge=1), limit: int = Query(50, ge=1, le=1000)) -> Any:
        """Stories, the most recent first, with their articles."""
        store = stores.get()
        return queries.stories(store, limit=limit, min_articles=min_articles)

    @app.get("/api/stories/{story_id}", response_model=views.StoryView, tags=["stories"])
    def api_story(story_id: str) -> Any:
        """One story: its articles, speakers and echo clusters."""
        store = stores.get()
        return views.story(store, story_id)

    return app


@dataclass(slots=True)
class SearchResult:
    query: str
    results: list[queries.StatementRecord]
    facets: views.SearchFacets | None
    articles: list[views.ArticleMatch]


def _authorised(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    candidates = [request.cookies.get(TOKEN_COOKIE, "")]
    if header.lower().startswith("bearer "):
        candidates.append(header[7:].strip())
    return any(c and secrets.compare_digest(c.encode(), token.encode()) for c in candidates)
