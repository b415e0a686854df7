"""What every ``quotetrail`` command shares: the defaults, exit statuses and output helpers."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from .settings import Settings, option_help

# Option defaults come from the one declaration of the settings.
DEFAULTS = Settings()

# Exit statuses (see the module docs of quotetrail.cli).
EXIT_SKIPPED = 1
EXIT_FAILED = 2

DbOption = Annotated[Path, typer.Option("--db", help=option_help("db"), dir_okay=False)]


def stderr() -> Console:
    # soft_wrap: a message naming a long path stays on one line, for grep.
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(console: Console, message: str) -> typer.Exit:
    console.print(Text(f"error: {message}", style="bold red"))
    return typer.Exit(EXIT_FAILED)


def utf8_stdout() -> None:
    # The output contract is UTF-8 JSON Lines whatever the locale says.
    if (
        isinstance(sys.stdout, io.TextIOWrapper)
        and (sys.stdout.encoding or "").lower().replace("-", "") != "utf8"
    ):
        sys.stdout.reconfigure(encoding="utf-8")
