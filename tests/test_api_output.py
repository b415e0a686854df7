"""The JSON Lines that extract writes are json.dumps of the output contract, one line per article."""

from __future__ import annotations

import io
import json

from quotetrail import api
from quotetrail.model import Article, Quantity, SkippedInput, article_to_record


def _article(n: int) -> Article:
    # Everything JSON escapes or may leave as is: quotes, a backslash, control and separator characters.
    body = f'Line “{n}” with a tab\there,\na quote " and a backslash \\ and\u2028a separator. 1,500 men.'
    article = Article(id=f"a{n}", source=f"a{n}.txt", raw_text=body, body=body)
    start = body.index("1,500")
    article.quantities = [Quantity("1,500 men", start, start + 9, 1500, 1500.5, "men", None)]
    return article


def test_written_lines_are_json_dumps_of_each_record() -> None:
    articles = [_article(1), _article(2)]
    items: list[Article | SkippedInput] = [articles[0], SkippedInput("bad.bin", "binary"), articles[1]]
    stream = io.StringIO()
    summary = api.RunSummary()
    api._write_records(items, stream, summary)
    expected = "".join(json.dumps(article_to_record(a), ensure_ascii=False) + "\n" for a in articles)
    assert stream.getvalue() == expected
    assert summary.written == 2 and summary.skipped_total == 1
    # One record per "\n" (splitlines would also split at the U+2028 the body holds).
    assert [json.loads(line)["id"] for line in stream.getvalue().split("\n")[:-1]] == ["a1", "a2"]
