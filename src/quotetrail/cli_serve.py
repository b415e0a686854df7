"""``quotetrail serve``: the web workspace over a store (see :mod:`quotetrail.web`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .cli_common import fail, stderr
from .settings import TOKEN_ENV, ServeSettings, option_help
from .store import StoreError

_SERVE_DEFAULTS = ServeSettings()


def serve(
    db: Annotated[
        Path, typer.Option("--db", help=option_help("db", ServeSettings), dir_okay=False)
    ] = _SERVE_DEFAULTS.db,
    host: Annotated[str, typer.Option(help=option_help("host", ServeSettings))] = _SERVE_DEFAULTS.host,
    port: Annotated[int, typer.Option(help=option_help("port", ServeSettings))] = _SERVE_DEFAULTS.port,
    token: Annotated[
        str | None, typer.Option(help=option_help("token", ServeSettings), show_default=False)
    ] = None,
) -> None:
    """Open the web workspace: search, speakers, articles, echoes, stories, and their JSON API."""
    console = stderr()
    try:
        settings = ServeSettings(
            db=db, host=host, port=port, token=token or os.environ.get(TOKEN_ENV) or None
        )
    except ValueError as exc:
        raise fail(console, str(exc)) from exc
    # Imported here: the web stack is only needed by this command.
    import uvicorn

    from .web import create_app

    try:
        app = create_app(settings.db, token=settings.token)
    except FileNotFoundError as exc:
        raise fail(console, f"{exc}; create it with `quotetrail analyze PATH... --db {db}`") from exc
    except StoreError as exc:
        raise fail(console, str(exc)) from exc
    shown_host = f"[{settings.host}]" if ":" in settings.host else settings.host
    console.print(
        f"quotetrail workspace on http://{shown_host}:{settings.port}/ (store {settings.db}, read-only)"
    )
    if settings.token:
        console.print("every request needs the access token (open the address with ?token=… once)")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command()(serve)
