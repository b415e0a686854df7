"""Reading every input type, and refusing bad inputs with a named reason (fixtures made in tmp_path)."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrail.ingest import SkipReason, input_stem, input_suffix, iter_inputs
from quotetrail.model import Article, SkippedInput

PARAGRAPH = (
    "The minister told reporters on Friday that the talks would resume next week in Geneva, after two "
    "days of meetings that ended without an agreement on the ceasefire or on humanitarian access. "
)
PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Talks to resume in Geneva | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2016-10-21T10:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Talks to resume in Geneva</h1>
<p>{PARAGRAPH * 2}</p>
<p>“We are ready to continue,” said Anna Berg, who leads the delegation. {PARAGRAPH}</p>
<p>{PARAGRAPH}</p>
</article><footer>© Example News. All rights reserved.</footer></body></html>
"""


def read_all(*paths: Path, **options: object) -> list[Article | SkippedInput]:
    return list(iter_inputs(paths, **options))  # type: ignore[arg-type]


def only(items: list[Article | SkippedInput]) -> Article | SkippedInput:
    assert len(items) == 1, items
    return items[0]


def write_jsonl(path: Path, lines: list[str | bytes], *, gz: bool = False) -> Path:
    data = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


# --- suffixes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "suffix", "stem"),
    [
        ("a.txt", ".txt", "a"),
        ("A.TXT", ".txt", "A"),
        ("page.htm", ".htm", "page"),
        ("dump.jsonl.gz", ".jsonl.gz", "dump"),
        ("crawl.warc.gz", ".warc.gz", "crawl"),
        ("my.notes.txt", ".txt", "my.notes"),
        ("data.json", None, "data"),
        ("archive.gz", None, "archive"),
    ],
)
def test_input_suffix_and_stem(name: str, suffix: str | None, stem: str) -> None:
    assert input_suffix(Path(name)) == suffix
    assert input_stem(Path(name)) == stem


# --- .txt ----------------------------------------------------------------------------------------------


def test_txt_is_one_article_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "story-1.txt"
    path.write_text("Headline\r\n\r\n“Fine,” said Anna Berg.\r\n", encoding="utf-8")
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert (article.id, article.source, article.clean) == ("story-1", str(path), True)
    assert article.raw_text == "Headline\n\n“Fine,” said Anna Berg.\n"  # newlines normalised
    assert article.html is None


def test_txt_with_utf8_bom_loses_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfText after a byte-order mark.")
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert article.raw_text == "Text after a byte-order mark."


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", SkipReason.EMPTY),
        (b"  \n\t\n", SkipReason.EMPTY),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", SkipReason.BINARY),
        (b"caf\xe9 au lait, d\xe9j\xe0 vu", SkipReason.UNDECODABLE),
        (b"\xff\xfe\x00\xd8", SkipReason.UNDECODABLE),  # UTF-16 BOM, then a lone surrogate
    ],
)
def test_unreadable_text_files_are_skipped_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    skipped = only(read_all(path))
    assert isinstance(skipped, SkippedInput)
    assert (skipped.source, skipped.reason) == (str(path), reason)
    assert skipped.detail


def test_file_above_the_size_limit_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 100)
    assert isinstance(only(read_all(path, max_input_bytes=1000)), Article)
    skipped = only(read_all(path, max_input_bytes=100))
    assert isinstance(skipped, SkippedInput)
    assert skipped.reason == SkipReason.TOO_LARGE
    assert "500 bytes" in skipped.detail


@pytest.mark.parametrize(
    ("name", "reason"),
    [("report.pdf", SkipReason.UNSUPPORTED_TYPE), ("README", SkipReason.UNSUPPORTED_TYPE)],
)
def test_unsupported_types_are_skipped(tmp_path: Path, name: str, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4 whatever")
    skipped = only(read_all(path))
    assert isinstance(skipped, SkippedInput)
    assert skipped.reason == reason


def test_missing_path_is_skipped_not_raised(tmp_path: Path) -> None:
    skipped = only(read_all(tmp_path / "nowhere.txt"))
    assert isinstance(skipped, SkippedInput)
    assert skipped.reason == SkipReason.NOT_FOUND


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200))
def test_txt_keeps_every_character_but_carriage_returns(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("prop") / "a.txt"
    path.write_bytes(text.encode("utf-8"))
    item = only(read_all(path))
    if not text.strip():
        assert isinstance(item, SkippedInput) and item.reason == SkipReason.EMPTY
    elif "\x00" in text:
        assert isinstance(item, SkippedInput) and item.reason == SkipReason.BINARY
    else:
        assert isinstance(item, Article)
        assert item.raw_text == text.replace("\r\n", "\n").replace("\r", "\n")


# --- folders -------------------------------------------------------------------------------------------


def test_folders_are_walked_recursively_in_sorted_order_without_hidden_entries(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deeper").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for rel in ("b/2.txt", "a/deeper/1.txt", "a/0.txt", "top.txt", ".git/HEAD.txt", ".hidden.txt"):
        (tmp_path / rel).write_text(f"Article {rel}")
    (tmp_path / "notes.md").write_text("not an input")
    items = read_all(tmp_path)
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.id for a in articles] == ["top", "0", "1", "2"]  # files of a folder before its subfolders
    assert [(s.source, s.reason) for s in items if isinstance(s, SkippedInput)] == [
        (str(tmp_path / "notes.md"), SkipReason.UNSUPPORTED_TYPE)
    ]


def test_iter_inputs_can_be_run_twice(tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(f"Article number {n}.")
    paths = [tmp_path]
    first = [a.raw_text for a in iter_inputs(paths) if isinstance(a, Article)]
    second = [a.raw_text for a in iter_inputs(paths) if isinstance(a, Article)]
    assert first == second and len(first) == 3


# --- .html ---------------------------------------------------------------------------------------------


def test_html_page_gives_text_html_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "geneva.html"
    path.write_text(PAGE, encoding="utf-8")
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert article.id == "geneva"
    assert article.html == PAGE
    assert "said Anna Berg" in article.raw_text
    assert "All rights reserved" not in article.raw_text
    assert article.input_meta["title"].startswith("Talks to resume in Geneva")
    assert article.content_hash != Article(id="x", source="x", raw_text=article.raw_text).content_hash


def test_html_without_charset_falls_back_to_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "legacy.htm"
    path.write_bytes(
        PAGE.replace('<meta charset="utf-8">', "").replace("“", '"').replace("”", '"').encode("cp1252")
    )
    page = path.read_bytes().replace(b"Anna Berg", b"Ren\xe9e Berg")  # é in windows-1252, invalid UTF-8
    path.write_bytes(page)
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert "Renée Berg" in article.raw_text


def test_html_without_article_text_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "empty-page.html"
    path.write_text("<html><head><script>var page = 1;</script></head><body></body></html>")
    skipped = only(read_all(path))
    assert isinstance(skipped, SkippedInput)
    assert skipped.reason == SkipReason.NO_ARTICLE_TEXT and skipped.detail


def test_an_extractor_crash_on_one_page_is_a_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(html: str, url: str | None = None) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("quotetrail.htmlextract.extract_html", crash)
    path = tmp_path / "deep.html"
    path.write_text(PAGE)
    skipped = only(read_all(path))
    assert isinstance(skipped, SkippedInput)
    assert skipped.reason == SkipReason.EXTRACTION_FAILED
    assert skipped.detail.startswith("RecursionError")


# --- .jsonl / .jsonl.gz ---------------------------------------------------------------------------------


def test_jsonl_records_become_articles_with_their_metadata(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "batch.jsonl",
        [
            json.dumps(
                {"id": "a1", "text": "  First text.", "title": "T", "date": "2016-09-20", "outlet": "O"}
            ),
            "",  # blank lines are not records
            json.dumps(
                {"text": "Second text.", "published": "2016-10-01", "bias": "left", "url": "http://x.org/2"}
            ),
            json.dumps({"id": 7, "text": "Third text."}),
        ],
    )
    first, second, third = read_all(path)
    assert isinstance(first, Article) and isinstance(second, Article) and isinstance(third, Article)
    assert (first.id, first.source, first.raw_text, first.clean) == (
        "a1",
        f"{path}#1",
        "  First text.",
        False,
    )
    assert first.input_meta == {
        "id": "a1",
        "title": "T",
        "date": "2016-09-20",
        "published": "2016-09-20",
        "outlet": "O",
    }
    assert (second.id, second.source, second.url) == ("batch-3", f"{path}#3", "http://x.org/2")
    assert second.input_meta["bias"] == "left" and second.input_meta["published"] == "2016-10-01"
    assert third.id == "7"


def test_jsonl_text_is_cleaned_only_when_asked(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [json.dumps({"text": "Some text."})])
    assert only(read_all(path)).clean is False  # type: ignore[union-attr]
    assert only(read_all(path, clean_jsonl=True)).clean is True  # type: ignore[union-attr]


def test_jsonl_html_record_is_extracted(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "pages.jsonl", [json.dumps({"id": "p", "html": PAGE, "outlet": "Given"})])
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert article.html == PAGE and "said Anna Berg" in article.raw_text
    assert article.clean is True
    assert article.input_meta["outlet"] == "Given"  # the record's metadata wins over the page's


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"text": "unterminated', SkipReason.CORRUPT_RECORD),
        (b'["text", "a list"]', SkipReason.CORRUPT_RECORD),
        (b'{"text": 42}', SkipReason.CORRUPT_RECORD),
        (b'{"title": "no body"}', SkipReason.NO_TEXT),
        (b'{"text": "   "}', SkipReason.EMPTY),
        (b'{"text": "caf\xe9"}', SkipReason.UNDECODABLE),
        (b'{"text": "lone \\ud800 surrogate"}', SkipReason.UNDECODABLE),
    ],
)
def test_a_bad_jsonl_line_skips_that_line_only(tmp_path: Path, line: bytes, reason: str) -> None:
    path = write_jsonl(
        tmp_path / "mixed.jsonl", [json.dumps({"text": "Good one."}), line, '{"text": "Good two."}']
    )
    items = read_all(path)
    assert [type(i).__name__ for i in items] == ["Article", "SkippedInput", "Article"]
    skipped = items[1]
    assert isinstance(skipped, SkippedInput)
    assert (skipped.source, skipped.reason) == (f"{path}#2", reason)


def test_paired_surrogate_escapes_are_fine(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "emoji.jsonl", [b'{"text": "smile \\ud83d\\ude00"}'])
    article = only(read_all(path))
    assert isinstance(article, Article) and article.raw_text == "smile 😀"


def test_over_long_jsonl_line_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "long.jsonl", [json.dumps({"text": "x" * 500}), json.dumps({"text": "short"})]
    )
    first, second = read_all(path, max_input_bytes=100)
    assert isinstance(first, SkippedInput) and first.reason == SkipReason.TOO_LARGE
    assert first.source == f"{path}#1"
    assert isinstance(second, Article) and second.raw_text == "short" and second.source == f"{path}#2"


def test_jsonl_gz_is_read(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "b.jsonl.gz", [json.dumps({"text": f"Text {n}."}) for n in range(3)], gz=True
    )
    items = read_all(path)
    assert [a.id for a in items if isinstance(a, Article)] == ["b-1", "b-2", "b-3"]


def test_truncated_gz_keeps_what_was_read(tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"Text number {n} " + "filler " * 50}) for n in range(200)]
    whole = gzip.compress("".join(line + "\n" for line in lines).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items = read_all(path)
    articles = [i for i in items if isinstance(i, Article)]
    assert 0 < len(articles) < 200
    assert [a.raw_text for a in articles] == [json.loads(line)["text"] for line in lines[: len(articles)]]
    assert isinstance(items[-1], SkippedInput)
    assert (items[-1].source, items[-1].reason) == (str(path), SkipReason.TRUNCATED)
    # The line cut in the middle is either reported as corrupt or lost with the truncation, never both.
    assert len(items) - len(articles) in (1, 2)


def test_gz_that_is_not_gzip_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "fake.jsonl.gz"
    path.write_text('{"text": "plain"}\n')
    skipped = only(read_all(path))
    assert isinstance(skipped, SkippedInput) and skipped.reason == SkipReason.CORRUPT_ARCHIVE


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=300).filter(str.strip))
def test_jsonl_text_is_kept_exactly(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    # Offsets of annotated benchmarks point into this text: not one character may change.
    path = write_jsonl(tmp_path_factory.mktemp("prop") / "p.jsonl", [json.dumps({"text": text})])
    article = only(read_all(path))
    assert isinstance(article, Article)
    assert article.raw_text == text


# --- .warc / .warc.gz -----------------------------------------------------------------------------------


def write_warc(path: Path, records: list[tuple[str, str, int, bytes]], *, gz: bool = True) -> list[str]:
    """Write (uri, content type, status, payload) response records, each after a request record;
    return the response records' WARC-Record-IDs."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    ids = []
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gz)
        for uri, content_type, status, payload in records:
            request = writer.create_warc_record(
                uri,
                "request",
                payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders(
                    f"GET {uri} HTTP/1.1", [("Host", "example.org")], is_http_request=True
                ),
            )
            writer.write_record(request)
            http = StatusAndHeaders(f"{status} X", [("Content-Type", content_type)], protocol="HTTP/1.1")
            response = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), http_headers=http
            )
            writer.write_record(response)
            ids.append(response.rec_headers.get_header("WARC-Record-ID"))
    return ids


def test_warc_html_responses_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    ids = write_warc(
        path,
        [
            ("http://example.org/geneva", "text/html; charset=utf-8", 200, PAGE.encode()),
            ("http://example.org/logo.png", "image/png", 200, b"\x89PNG\r\n\x1a\n"),
            ("http://example.org/gone", "text/html", 404, b"<html><body>Not found</body></html>"),
            ("http://example.org/again", "text/html", 200, PAGE.replace("Anna", "Maria").encode()),
        ],
    )
    items = read_all(path)
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.id for a in articles] == [ids[0].strip("<>"), ids[3].strip("<>")]
    assert [a.source for a in articles] == [f"{path}#2", f"{path}#8"]  # requests are records too
    assert articles[0].url == "http://example.org/geneva"
    assert "said Maria Berg" in articles[1].raw_text and articles[1].html is not None
    assert [(s.source, s.reason) for s in items if isinstance(s, SkippedInput)] == [
        (f"{path}#4", SkipReason.NOT_HTML),
        (f"{path}#6", SkipReason.HTTP_ERROR),
    ]


def test_uncompressed_warc_is_read(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    write_warc(path, [("http://example.org/geneva", "text/html", 200, PAGE.encode())], gz=False)
    assert isinstance(only(read_all(path)), Article)


def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    write_warc(path, [(f"http://example.org/{n}", "text/html", 200, PAGE.encode()) for n in range(4)])
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.8)])
    items = read_all(path)
    articles = [i for i in items if isinstance(i, Article)]
    assert 1 <= len(articles) < 4
    assert isinstance(items[-1], SkippedInput) and items[-1].source == str(path)
    assert items[-1].reason in (SkipReason.TRUNCATED, SkipReason.CORRUPT_ARCHIVE)


def test_file_that_is_not_a_warc_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("this is not an archive\n" * 10)
    skipped = only(read_all(path))
    assert isinstance(skipped, SkippedInput) and skipped.reason == SkipReason.CORRUPT_ARCHIVE


def test_unreadable_folder_is_reported_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("Hidden away.")
    (tmp_path / "b.txt").write_text("In plain sight.")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        # Permissions cannot lock root (which CI runs as) out of a folder, so the refusal is simulated.
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = read_all(tmp_path)
    assert [a.id for a in items if isinstance(a, Article)] == ["b"]
    skipped = [i for i in items if isinstance(i, SkippedInput)]
    assert [(i.source, i.reason) for i in skipped] == [(str(locked), SkipReason.UNREADABLE)]
    assert "Permission denied" in skipped[0].detail
