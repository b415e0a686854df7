"""Run settings, declared once.

Every knob of a run lives in :class:`Settings` with its default and its help text; the CLI takes its
option defaults from ``Settings()`` and their help from :func:`option_help`, and the Python API takes
a ``Settings`` object, so the two can never disagree about a default.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import StatementScope

# 20 MB: over 250 times the longest record of the 37,554 in bench/news/allsides.jsonl.gz (78 kB of
# JSON; 6.5 kB on average) and well above saved news pages with inline scripts (1–3 MB), yet small
# enough that a stray video, database dump or log file is refused before it is read into memory.
DEFAULT_MAX_INPUT_BYTES = 20 * 1024 * 1024


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True, slots=True)
class Settings:
    """How one run reads, analyses and stores its inputs."""

    db: Path = field(
        default=Path("quotetrail.db"), metadata=_help("SQLite database file the analysis is stored in.")
    )
    workers: int = field(
        default=1, metadata=_help("Worker processes for the analysis (1 = analyse in this process).")
    )
    clean_jsonl: bool = field(
        default=False,
        metadata=_help(
            "Also strip page chrome from .jsonl records that carry 'text' (off by default so that offsets "
            "line up with annotated benchmark text)."
        ),
    )
    strict: bool = field(
        default=False, metadata=_help("Exit with a non-zero status if any input was skipped.")
    )
    max_input_bytes: int = field(
        default=DEFAULT_MAX_INPUT_BYTES,
        metadata=_help(
            "Largest text/HTML file, JSONL line or WARC record read, in bytes; larger ones are skipped."
        ),
    )
    scope: StatementScope = field(
        default="speech",
        metadata=_help(
            "Statements kept: 'speech' (said, written, published, with a resolved speaker where a learned "
            "cue found them) or 'all' (also beliefs, intentions and findings, and unnamed sources, as "
            "PolNeAR annotates them)."
        ),
    )
    commit_every: int = field(
        default=50,
        metadata=_help(
            "Articles stored per database transaction: a run killed halfway loses at most this many "
            "analyses, which the next run redoes."
        ),
    )
    link: bool = field(
        default=True,
        metadata=_help(
            "After storing, run the cross-article pass (stories, canonical speakers, echoes, claims) "
            "over the whole database."
        ),
    )
    aliases: Path | None = field(
        default=None,
        metadata=_help(
            "TOML file of entity merges and splits for the cross-article pass; the database keeps it, "
            "so later runs apply it without the option (an empty file clears it)."
        ),
    )

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.max_input_bytes < 1:
            raise ValueError(f"max_input_bytes must be positive, got {self.max_input_bytes}")
        if self.scope not in ("speech", "all"):
            raise ValueError(f"scope must be 'speech' or 'all', got {self.scope!r}")
        if self.commit_every < 1:
            raise ValueError(f"commit_every must be at least 1, got {self.commit_every}")

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


# The environment variable `quotetrail serve` reads its token from when --token is not given (a token on
# the command line is visible to every user of the machine in the process list).
TOKEN_ENV = "QUOTETRAIL_TOKEN"
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """How the web workspace (`quotetrail serve`) listens."""

    db: Path = field(
        default=Path("quotetrail.db"), metadata=_help("SQLite database to serve (opened read-only).")
    )
    host: str = field(
        default="127.0.0.1",
        metadata=_help("Address to listen on; any address but loopback requires a token."),
    )
    port: int = field(default=8000, metadata=_help("Port to listen on."))
    token: str | None = field(
        default=None,
        metadata=_help(
            f"Access token every request must carry (header 'Authorization: Bearer TOKEN', or ?token= once "
            f"in a browser, which sets a cookie). Read from ${TOKEN_ENV} when not given."
        ),
    )

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ValueError(f"port must be between 1 and 65535, got {self.port}")
        if self.token is not None and len(self.token) < 16:
            raise ValueError("a token must be at least 16 characters long")
        if self.host not in _LOOPBACK and not self.token:
            raise ValueError(
                f"listening on {self.host} would open the workspace to the network: give --token (or set "
                f"{TOKEN_ENV}), or listen on 127.0.0.1"
            )


_FIELDS = {cls.__name__: {f.name: f for f in dataclasses.fields(cls)} for cls in (Settings, ServeSettings)}


def option_help(name: str, settings: type[Settings] | type[ServeSettings] = Settings) -> str:
    """The help text of one setting, for a CLI option."""
    return str(_FIELDS[settings.__name__][name].metadata["help"])
