"""The web workspace (``quotetrail serve``): server-rendered pages and a JSON API over a store."""

from .app import create_app

__all__ = ["create_app"]
