"""Reading inputs: files and folders in, :class:`Article` or :class:`SkippedInput` out.

Supported inputs (folders are walked recursively, in sorted order, skipping hidden names and not
following symlinked folders, so a run is reproducible and cannot loop):

``.txt``
    Scraped text, one article per file (``Article.clean`` is True: page chrome is stripped later).
``.html`` / ``.htm``
    A saved page; the main text and metadata come from :func:`quotetrail.htmlextract.extract_html`.
``.jsonl`` / ``.jsonl.gz``
    One article per line with ``text`` or ``html`` and optionally ``id``, ``title``, ``url``,
    ``published`` (or ``date``), ``outlet``; every field but ``text``/``html`` lands in ``input_meta``.
    A record with ``text`` is analysed as given (``clean`` False) unless ``clean_jsonl`` is set, so
    offsets line up with annotated benchmark text.
``.warc`` / ``.warc.gz``
    HTML ``response`` (and ``resource``) records, one article per record.

``input_meta`` always uses the same names for what the later stages look for — ``title``,
``published`` (YYYY-MM-DD as given), ``outlet`` and ``url`` — whatever the input called them (a JSONL
``date``, an HTML ``sitename``); the input's own names are kept as well.

Anything else is a :class:`SkippedInput` with one of the :class:`SkipReason` names, never an
exception, and the reading goes on: a corrupt JSONL line skips that line (source ``path#lineno``), a
truncated ``.gz`` or WARC keeps every record read before the damage. Sizes are bounded by
``max_input_bytes`` per text/HTML file, per JSONL line and per WARC record, and reading streams, so
memory does not grow with the corpus.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from .model import Article, SkippedInput
from .settings import DEFAULT_MAX_INPUT_BYTES


class SkipReason(StrEnum):
    """Why an input was not analysed (the ``reason`` of a :class:`SkippedInput`)."""

    NOT_FOUND = "not-found"
    UNSUPPORTED_TYPE = "unsupported-type"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too-large"
    EMPTY = "empty"
    BINARY = "binary"
    UNDECODABLE = "undecodable"
    CORRUPT_RECORD = "corrupt-record"
    NO_TEXT = "no-text"
    NO_ARTICLE_TEXT = "no-article-text"
    EXTRACTION_FAILED = "extraction-failed"
    NOT_HTML = "not-html"
    HTTP_ERROR = "http-error"
    TRUNCATED = "truncated"
    CORRUPT_ARCHIVE = "corrupt-archive"
    UNSTORABLE = "unstorable"  # analysed, but the store refused the result (see quotetrail.api.analyze)


TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
# Longest first, so "x.jsonl.gz" is recognised as ".jsonl.gz" and not as ".gz".
SUPPORTED_SUFFIXES = tuple(
    sorted(TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES, key=len, reverse=True)
)

# Enough of a file to see a NUL byte of a binary format or an HTML charset declaration.
_SNIFF_BYTES = 8192
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# A lone UTF-16 surrogate written as a JSON escape decodes to a str that cannot be encoded as UTF-8
# (nor stored, nor written out), so records whose raw line contains such an escape are checked.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
# Fields of a JSONL record that are the article itself rather than its metadata.
_JSONL_CONTENT_FIELDS = ("text", "html")


def _skip(source: str, reason: SkipReason, detail: str = "") -> SkippedInput:
    return SkippedInput(source=source, reason=reason.value, detail=detail)


def input_suffix(path: Path) -> str | None:
    """The supported suffix a file name ends with (lower-cased), or None."""
    name = path.name.lower()
    return next((s for s in SUPPORTED_SUFFIXES if name.endswith(s)), None)


def input_stem(path: Path) -> str:
    """The file name without its input suffix: the id of a one-article file."""
    suffix = input_suffix(path)
    return path.name[: -len(suffix)] if suffix else path.stem


def discover(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | SkippedInput]:
    """Every file named or found under a named folder, or a skip for a path that is neither."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield path
        elif not path.exists():
            yield _skip(str(path), SkipReason.NOT_FOUND, "no such file or directory")
        else:
            yield _skip(str(path), SkipReason.UNSUPPORTED_TYPE, "not a regular file")


def _walk(top: Path) -> Iterator[Path | SkippedInput]:
    unreadable: list[OSError] = []
    for folder, dirnames, filenames in os.walk(top, onerror=unreadable.append, followlinks=False):
        yield from _unreadable_folders(unreadable)
        # Hidden entries (.git, .DS_Store, editor swap files) are not inputs anyone meant to give.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(folder, name)
    yield from _unreadable_folders(unreadable)


def _unreadable_folders(errors: list[OSError]) -> Iterator[SkippedInput]:
    for error in errors:
        yield _skip(str(error.filename), SkipReason.UNREADABLE, f"cannot list the folder: {_os_error(error)}")
    errors.clear()


def iter_inputs(
    paths: Iterable[str | os.PathLike[str]],
    *,
    clean_jsonl: bool = False,
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES,
) -> Iterator[Article | SkippedInput]:
    """Read every input under ``paths``, streaming, in a stable order.

    A generator function: call it again with the same paths for a second pass over the same inputs.
    """
    for found in discover(paths):
        if isinstance(found, SkippedInput):
            yield found
        else:
            yield from read_file(found, clean_jsonl=clean_jsonl, max_input_bytes=max_input_bytes)


def read_file(
    path: Path, *, clean_jsonl: bool = False, max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
) -> Iterator[Article | SkippedInput]:
    """The articles of one file, or the reasons they could not be read."""
    suffix = input_suffix(path)
    source = str(path)
    if suffix is None:
        yield _skip(
            source, SkipReason.UNSUPPORTED_TYPE, f"no reader for {path.suffix or 'files without suffix'}"
        )
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield _skip(source, SkipReason.UNREADABLE, _os_error(exc))
        return
    if size == 0:
        yield _skip(source, SkipReason.EMPTY, "the file is empty")
        return
    if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
        yield _read_document(path, suffix, size, max_input_bytes)
    elif suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, suffix.endswith(".gz"), clean_jsonl, max_input_bytes)
    else:
        yield from _read_warc(path, max_input_bytes)


def _os_error(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _too_large(size: int, limit: int) -> str:
    return f"{size} bytes, above the limit of {limit} bytes (max_input_bytes)"


def _read_document(path: Path, suffix: str, size: int, limit: int) -> Article | SkippedInput:
    source = str(path)
    if size > limit:
        return _skip(source, SkipReason.TOO_LARGE, _too_large(size, limit))
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)  # the file may have grown since stat()
    except OSError as exc:
        return _skip(source, SkipReason.UNREADABLE, _os_error(exc))
    if len(data) > limit:
        return _skip(source, SkipReason.TOO_LARGE, _too_large(len(data), limit))
    if suffix in HTML_SUFFIXES:
        return article_from_html(data, source=source, article_id=input_stem(path))
    text = decode_text(data, source)
    if isinstance(text, SkippedInput):
        return text
    return Article(id=input_stem(path), source=source, raw_text=text, clean=True)


def _binary_or_empty(data: bytes, source: str) -> SkippedInput | None:
    if not data.strip():
        return _skip(source, SkipReason.EMPTY, "only whitespace")
    if b"\x00" in data:
        return _skip(source, SkipReason.BINARY, "contains NUL bytes: not a text file")
    return None


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _bom_codec(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def decode_text(data: bytes, source: str) -> str | SkippedInput:
    """Bytes of a text file as text: UTF-8 (or a UTF-8/UTF-16 text announced by its byte-order mark).

    Scraped text carries no charset declaration, so guessing a legacy code page would silently turn
    some articles into mojibake; a file that is not valid UTF-8 is skipped as ``undecodable`` instead.
    """
    codec = _bom_codec(data)
    if codec is None:
        refused = _binary_or_empty(data, source)
        if refused:
            return refused
        codec = "utf-8"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        return _skip(source, SkipReason.UNDECODABLE, f"not valid {codec} at byte {exc.start}: {exc.reason}")
    if not text.strip():
        return _skip(source, SkipReason.EMPTY, "only whitespace")
    if "\x00" in text:
        return _skip(source, SkipReason.BINARY, "contains NUL characters: not a text file")
    return _normalise_newlines(text)


def decode_html(data: bytes, source: str, declared_charset: str | None = None) -> str | SkippedInput:
    """Bytes of an HTML page as text, following the order browsers use.

    Byte-order mark, then the charset declared by the transport (HTTP header) or the page
    (``<meta charset>``), then UTF-8, then windows-1252, which the HTML standard makes the fallback for
    undeclared pages; an unknown declared charset is ignored rather than trusted.
    """
    codec = _bom_codec(data)
    if codec is None:
        refused = _binary_or_empty(data, source)
        if refused:
            return refused
    candidates: list[str] = [codec] if codec else []
    if not candidates:
        declared = declared_charset
        if declared is None:
            meta = _HTML_CHARSET.search(data[:_SNIFF_BYTES])
            declared = meta.group(1).decode("ascii", "replace") if meta else None
        if declared and _known_codec(declared):
            candidates.append(declared)
        candidates += ["utf-8", "windows-1252"]
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            return _skip(source, SkipReason.EMPTY, "only whitespace")
        return _normalise_newlines(text)
    return _skip(source, SkipReason.UNDECODABLE, f"not decodable as any of {', '.join(candidates)}")


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _html_meta(doc: Any) -> dict[str, Any]:
    """The metadata an extracted page offers, under both its own and the normalised names."""
    meta = {
        "title": doc.title,
        "date": doc.date,
        "published": doc.date,
        "sitename": doc.sitename,
        "outlet": doc.sitename,
        "url": doc.url,
    }
    return {k: v for k, v in meta.items() if v}


def article_from_html(
    data: bytes | str,
    *,
    source: str,
    article_id: str,
    url: str | None = None,
    declared_charset: str | None = None,
    input_meta: dict[str, Any] | None = None,
) -> Article | SkippedInput:
    """An article from a page: its extracted text in ``raw_text``, the page itself in ``html``.

    ``input_meta`` given by the container (a JSONL record, a WARC header) wins over what the page says
    about itself.
    """
    from .htmlextract import extract_html

    if isinstance(data, bytes):
        decoded = decode_html(data, source, declared_charset)
        if isinstance(decoded, SkippedInput):
            return decoded
        html = decoded
    else:
        html = data
    try:
        doc = extract_html(html, url=url)
    except ValueError as exc:
        return _skip(source, SkipReason.NO_ARTICLE_TEXT, str(exc))
    except Exception as exc:
        # The extractor parses arbitrary pages from the web; a page that trips it must not end the run.
        return _skip(source, SkipReason.EXTRACTION_FAILED, f"{type(exc).__name__}: {exc}")
    if not doc.text.strip():
        return _skip(source, SkipReason.NO_ARTICLE_TEXT, "the page has no main text")
    meta = _html_meta(doc)
    meta.update(input_meta or {})
    return Article(
        id=article_id,
        source=source,
        raw_text=_normalise_newlines(doc.text),
        clean=True,
        html=html,
        url=url or doc.url,
        input_meta=meta,
    )


def _read_jsonl(path: Path, gzipped: bool, clean_jsonl: bool, limit: int) -> Iterator[Article | SkippedInput]:
    source = str(path)
    stem = input_stem(path)
    lineno = 0
    records = 0
    try:
        with path.open("rb") as raw:
            stream: io.BufferedIOBase = gzip.GzipFile(fileobj=raw) if gzipped else raw
            while line := stream.readline(limit + 1):
                lineno += 1
                line_source = f"{source}#{lineno}"
                if len(line) > limit and not line.endswith(b"\n"):
                    _drain_line(stream, limit)
                    yield _skip(line_source, SkipReason.TOO_LARGE, f"line longer than {limit} bytes")
                    records += 1
                    continue
                if not line.strip():
                    continue  # blank lines between records are harmless
                records += 1
                yield jsonl_record_to_article(
                    line, source=line_source, default_id=f"{stem}-{lineno}", clean_jsonl=clean_jsonl
                )
    except EOFError as exc:
        yield _skip(source, SkipReason.TRUNCATED, f"{_kept(lineno, 'line')}: {exc}")
        return
    except (gzip.BadGzipFile, zlib.error) as exc:
        yield _skip(source, SkipReason.CORRUPT_ARCHIVE, f"{_kept(lineno, 'line')}: {exc}")
        return
    except OSError as exc:
        yield _skip(source, SkipReason.UNREADABLE, f"{_kept(lineno, 'line')}: {_os_error(exc)}")
        return
    if records == 0:
        yield _skip(source, SkipReason.EMPTY, "no records")


def _kept(count: int, unit: str) -> str:
    return f"stopped after {unit} {count}; the {unit}s before it were read" if count else "nothing readable"


def _drain_line(stream: io.BufferedIOBase, limit: int) -> None:
    """Consume the rest of an over-long line without holding it in memory."""
    while chunk := stream.readline(limit + 1):
        if chunk.endswith(b"\n"):
            return


def jsonl_record_to_article(
    line: bytes, *, source: str, default_id: str, clean_jsonl: bool = False
) -> Article | SkippedInput:
    """One JSONL line as an article (see the module docs for the fields)."""
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _skip(source, SkipReason.UNDECODABLE, f"not valid UTF-8 at byte {exc.start}: {exc.reason}")
    try:
        record = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return _skip(source, SkipReason.CORRUPT_RECORD, f"invalid JSON: {exc}")
    if not isinstance(record, dict):
        return _skip(
            source, SkipReason.CORRUPT_RECORD, f"expected a JSON object, got {type(record).__name__}"
        )
    if _SURROGATE_ESCAPE.search(line):
        try:
            json.dumps(record, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return _skip(source, SkipReason.UNDECODABLE, "contains an unpaired UTF-16 surrogate escape")

    text, html = record.get("text"), record.get("html")
    for name, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            return _skip(
                source, SkipReason.CORRUPT_RECORD, f"'{name}' must be a string, got {type(value).__name__}"
            )
    meta = {k: v for k, v in record.items() if k not in _JSONL_CONTENT_FIELDS}
    if meta.get("published") is None and meta.get("date") is not None:
        meta["published"] = meta["date"]
    raw_id = record.get("id")
    article_id = default_id if raw_id is None or raw_id == "" else str(raw_id)
    url = record.get("url") if isinstance(record.get("url"), str) else None

    if text is not None and text.strip():
        return Article(
            id=article_id,
            source=source,
            raw_text=text,
            clean=clean_jsonl,
            html=html or None,
            url=url,
            input_meta=meta,
        )
    if html is not None and html.strip():
        return article_from_html(html, source=source, article_id=article_id, url=url, input_meta=meta)
    if text is not None or html is not None:
        return _skip(source, SkipReason.EMPTY, "'text' and 'html' are blank")
    return _skip(source, SkipReason.NO_TEXT, "the record has neither 'text' nor 'html'")


def _read_warc(path: Path, limit: int) -> Iterator[Article | SkippedInput]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    source = str(path)
    number = 0
    try:
        with path.open("rb") as f:
            records = ArchiveIterator(f)
            for number, record in enumerate(records, start=1):
                if not record.format.startswith("warc"):
                    # warcio falls back to reading any text as the older ARC format, line by line.
                    yield _skip(source, SkipReason.CORRUPT_ARCHIVE, f"record {number} is not a WARC record")
                    return
                if record.rec_type in ("response", "resource"):
                    yield _warc_record_to_article(record, f"{source}#{number}", limit)
            # warcio ends quietly when a compressed file is cut inside a record's headers; the bytes
            # it never reached tell.
            size = os.fstat(f.fileno()).st_size
            end_of_last_record = getattr(records, "offset", size)
            if end_of_last_record < size:
                unread = size - end_of_last_record
                yield _skip(
                    source, SkipReason.TRUNCATED, f"{_kept(number, 'record')}; {unread} bytes unreadable"
                )
    except ArchiveLoadFailed as exc:
        yield _skip(source, SkipReason.CORRUPT_ARCHIVE, f"{_kept(number, 'record')}: {exc}")
    except EOFError as exc:
        yield _skip(source, SkipReason.TRUNCATED, f"{_kept(number, 'record')}: {exc}")
    except (gzip.BadGzipFile, zlib.error) as exc:
        yield _skip(source, SkipReason.CORRUPT_ARCHIVE, f"{_kept(number, 'record')}: {exc}")
    except OSError as exc:
        yield _skip(source, SkipReason.UNREADABLE, f"{_kept(number, 'record')}: {_os_error(exc)}")


def _warc_record_to_article(record: Any, source: str, limit: int) -> Article | SkippedInput:
    headers = record.rec_headers
    target = headers.get_header("WARC-Target-URI") or None
    if record.rec_type == "response":
        http = record.http_headers
        status = http.get_statuscode() if http is not None else None
        if status and not status.startswith("2"):
            return _skip(source, SkipReason.HTTP_ERROR, f"HTTP status {status} for {target}")
        content_type = (http.get_header("Content-Type") if http is not None else None) or ""
    else:
        content_type = headers.get_header("Content-Type") or ""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in ("text/html", "application/xhtml+xml"):
        return _skip(source, SkipReason.NOT_HTML, f"{media_type or 'no content type'} for {target}")
    data = record.content_stream().read(limit + 1)
    if len(data) > limit:
        return _skip(source, SkipReason.TOO_LARGE, f"record above the limit of {limit} bytes")
    missing = record.raw_stream.limit  # bytes the record header announced that the file does not hold
    if missing:
        return _skip(source, SkipReason.TRUNCATED, f"record cut short, {missing} bytes missing, for {target}")
    charset = _HEADER_CHARSET.search(content_type)
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>")
    meta: dict[str, Any] = {"url": target} if target else {}
    warc_date = headers.get_header("WARC-Date")
    if warc_date:
        meta["warc_date"] = warc_date
    return article_from_html(
        data,
        source=source,
        article_id=record_id or target or source,
        url=target,
        declared_charset=charset.group(1) if charset and _known_codec(charset.group(1)) else None,
        input_meta=meta,
    )
