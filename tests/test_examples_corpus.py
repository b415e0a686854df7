"""The project's own example corpus (examples/corpus) and its hand annotation (examples/gold).

These tests keep the corpus honest: every annotated string really occurs in its article, the
annotation has the shape of ../shared/gold/seeds (so the shared scorer reads it), the puzzles that
examples/README.md promises are still in the text after edits, and no prose came from the seeds.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import subprocess
import sys
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
CORPUS = EXAMPLES / "corpus"
GOLD = EXAMPLES / "gold"
SHARED = REPO.parent / "shared"

# The keys every seed annotation in ../shared/gold/seeds carries; ours must carry them too so the
# shared scorer and our own tests can read both the same way.
SEED_GOLD_KEYS = {
    "file",
    "title",
    "outlet",
    "outlet_evidence",
    "published",
    "published_year_inferred",
    "dateline_place",
    "body_first_line",
    "body_last_line",
    "boilerplate_lines",
    "cited_sources",
    "statements",
    "quantities",
    "entities",
    "aliases",
    "outlet_optional",
    "published_optional",
}
SEED_STATEMENT_KEYS = {"speaker", "speaker_mention", "kind", "cue", "text", "paragraph_index", "optional"}
SEED_QUANTITY_KEYS = {"text", "low", "high", "unit", "qualifier", "speaker"}
OUTLET_PREFIXES = ("cpa", "meridian24", "valdopress")
WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def _nonblank_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _txt_articles() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def _html_article_text(path: Path) -> str:
    root = lxml_html.fromstring(path.read_bytes())
    articles = root.xpath("//article")
    assert len(articles) == 1, f"{path.name}: expected exactly one <article>"
    return str(articles[0].text_content())


def _jsonl_records() -> list[dict[str, Any]]:
    records = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def _article_texts() -> dict[str, str]:
    """Every readable article of the corpus, keyed by a name for error messages."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in _txt_articles()}
    texts.update({p.name: _html_article_text(p) for p in sorted(CORPUS.glob("*.html"))})
    texts.update({f"jsonl:{r['id']}": r["text"] for r in _jsonl_records()})
    return texts


def _gold_files() -> list[Path]:
    return sorted(GOLD.glob("*.json"))


def _load_gold(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# --------------------------------------------------------------------------------------- corpus


def test_corpus_has_about_ten_articles_of_every_kind() -> None:
    texts = _article_texts()
    assert 9 <= len(texts) <= 12
    assert len(list(CORPUS.glob("*.html"))) == 1
    assert len(_jsonl_records()) == 2
    assert {p.name.split("-")[0] for p in _txt_articles()} == set(OUTLET_PREFIXES)


@pytest.mark.parametrize("name", sorted(_article_texts()))
def test_article_length_is_300_to_700_words(name: str) -> None:
    count = len(_article_texts()[name].split())
    assert 300 <= count <= 700, f"{name} has {count} words"


def test_jsonl_records_carry_the_documented_fields() -> None:
    for record in _jsonl_records():
        assert set(record) == {"id", "title", "published", "outlet", "url", "text"}
        dt.date.fromisoformat(record["published"])
        assert record["url"].startswith("https://")
        assert record["title"] and record["title"] not in record["text"]


def test_html_article_has_page_chrome_around_the_article() -> None:
    (page,) = CORPUS.glob("*.html")
    root = lxml_html.fromstring(page.read_bytes())
    assert root.xpath("//header//nav") and root.xpath("//footer")
    assert root.xpath("//meta[@property='article:published_time']/@content")
    article_text = _html_article_text(page)
    footer_text = " ".join(root.xpath("//footer//text()"))
    # The footer names the outlet; the article body must not contain the footer's chrome.
    assert "Follow Meridian 24" in footer_text and "Follow Meridian 24" not in article_text


def test_broken_input_is_really_unreadable() -> None:
    broken = CORPUS / "broken" / "corrupt.jsonl.gz"
    data = broken.read_bytes()
    assert data[:2] == b"\x1f\x8b", "should look like gzip so the reader has to discover the damage"
    with pytest.raises((EOFError, gzip.BadGzipFile, zlib.error)), gzip.open(broken, "rt") as stream:
        stream.read()


def test_articles_span_about_six_weeks_from_three_outlets() -> None:
    dates = [
        dt.date.fromisoformat(m.group(0))
        for p in CORPUS.iterdir()
        if (m := re.search(r"\d{4}-\d\d-\d\d", p.name))
    ]
    dates += [dt.date.fromisoformat(r["published"]) for r in _jsonl_records()]
    span = max(dates) - min(dates)
    assert dt.timedelta(weeks=5) <= span <= dt.timedelta(weeks=7)
    outlets = {p.name.split("-")[0] for p in CORPUS.iterdir() if p.is_file()} - {"wire"}
    outlets |= {r["outlet"].lower().replace(" ", "") for r in _jsonl_records()}
    assert outlets == set(OUTLET_PREFIXES)


@pytest.mark.parametrize("outlet", OUTLET_PREFIXES)
def test_each_outlet_repeats_its_page_chrome(outlet: str) -> None:
    """The corpus profile (chrome recurring across one source's articles) needs real recurrence."""
    articles = [p for p in _txt_articles() if p.name.startswith(outlet + "-")]
    assert len(articles) >= 2
    common = set.intersection(*(set(_nonblank_lines(p.read_text(encoding="utf-8"))) for p in articles))
    assert len(common) >= 1, f"no line recurs in every {outlet} article"


def test_attribution_puzzles_promised_by_the_readme_are_present() -> None:
    texts = _article_texts()
    everything = "\n".join(texts.values())
    paragraphs = [p.strip("\u00a0 ") for t in texts.values() for p in _nonblank_lines(t)]

    # Straight and curly double quotes, and single quotes nested in both.
    assert '"' in everything and "“" in everything
    assert re.search(r"“[^”]*‘[^’]+’[^”]*”", everything)
    assert re.search(r"\"[^\"\n]*'[^'\n]+'[^\"\n]*\"", everything)
    # A quote whose opening mark was lost at a paragraph start: a closing mark with no opening before it.
    assert any(re.match(r"[A-Z][^“\"]*,” (?:he|she|[a-z ]*[A-Z]\w+)", p) for p in paragraphs)
    # A quote interrupted by its attribution.
    assert re.search(r",[”\"] (?:he|she|[A-Z]\w+) said(?: [a-z ]+)?\. [“\"]", everything)
    # A quote running over paragraphs: a paragraph that opens a quote and never closes it.
    assert any(p.startswith('"') and p.count('"') == 1 for p in paragraphs)
    # Indirect-speech cues the README lists.
    for cue in ("said", "noted", "stressed", "warned", "pointed out", "urged", "called on", "According to"):
        assert cue in everything, cue
    assert re.search(r"told (?:Meridian 24|VALDOPRESS)", everything)
    # Cited outlets, role nouns, transliteration variants of one speaker across outlets.
    assert re.search(
        r"(?:according to|as cited by) (?:the )?(?:CPA|Continental Press Agency|Meridian 24|VALDOPRESS)",
        everything,
    )
    for role in ("the minister", "The envoy", "The country's top diplomat", "the Karsenian top diplomat"):
        assert role in everything, role
    for variant in ("Yuriy Zhelanov", "Yuri Zhelanov", "Yury Zhelanov"):
        assert variant in everything, variant
    # Quantities of the kinds the quantity stage must read.
    for quantity in (
        "Some 1,200 workers",
        "between three and five thousand",
        "up to half",
        "more than 40 ships",
    ):
        assert quantity in everything, quantity


def test_a_headline_has_the_speaker_colon_claim_form() -> None:
    titles = [
        _nonblank_lines(p.read_text(encoding="utf-8"))[1]
        for p in _txt_articles()
        if p.name.startswith("valdopress-")
    ]
    assert any(re.match(r"(?:Updated-)?[A-Z]\w+: \S", t) for t in titles)


def test_no_prose_is_copied_from_the_seed_articles() -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip(f"the seed articles are not available at {SHARED / 'seeds'}")
    span = 7  # words: shorter runs ("the end of the year") recur in any news prose

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = _words(text)
        return {tuple(words[i : i + span]) for i in range(len(words) - span + 1)}

    seed_shingles: set[tuple[str, ...]] = set()
    for seed in seeds:
        seed_shingles |= shingles(seed.read_text(encoding="utf-8"))
    for name, text in _article_texts().items():
        shared = shingles(text) & seed_shingles
        assert not shared, f"{name} repeats seed wording: {[' '.join(s) for s in sorted(shared)[:3]]}"


# ----------------------------------------------------------------------------------------- gold


def test_gold_annotates_at_least_three_articles_of_every_outlet() -> None:
    files = [_load_gold(p)["file"] for p in _gold_files()]
    assert len(files) >= 3
    assert {f.split("-")[0] for f in files} == set(OUTLET_PREFIXES)


@pytest.mark.parametrize("gold_path", _gold_files(), ids=lambda p: p.stem)
def test_gold_has_the_seed_annotation_shape(gold_path: Path) -> None:
    gold = _load_gold(gold_path)
    assert set(gold) >= SEED_GOLD_KEYS
    assert gold_path.stem == Path(gold["file"]).stem
    for statement in gold["statements"]:
        assert set(statement) >= SEED_STATEMENT_KEYS
        assert statement["kind"] in {"direct", "indirect", "mixed"}
        assert isinstance(statement["optional"], bool)
    for quantity in gold["quantities"]:
        assert set(quantity) >= SEED_QUANTITY_KEYS
        assert quantity["low"] <= quantity["high"]
    assert set(gold["entities"]) == {"persons", "organizations", "places"}


def test_gold_shape_matches_the_shared_seed_annotation() -> None:
    seeds = sorted((SHARED / "gold" / "seeds").glob("*.json"))
    if not seeds:
        pytest.skip(f"the seed annotation is not available at {SHARED / 'gold' / 'seeds'}")
    seed_keys = set.intersection(*(set(json.loads(p.read_text(encoding="utf-8"))) for p in seeds))
    for gold_path in _gold_files():
        assert seed_keys <= set(_load_gold(gold_path)), gold_path.name


@pytest.mark.parametrize("gold_path", _gold_files(), ids=lambda p: p.stem)
def test_every_annotated_string_occurs_in_its_article(gold_path: Path) -> None:
    gold = _load_gold(gold_path)
    raw = (CORPUS / gold["file"]).read_text(encoding="utf-8")
    lines = _nonblank_lines(raw)
    for key in ("title", "body_first_line", "body_last_line"):
        assert gold[key] in lines, key
    assert gold["outlet_evidence"] in raw
    for chrome in gold["boilerplate_lines"]:
        assert chrome in lines, chrome
    for cited in gold["cited_sources"]:
        assert cited["evidence"] in raw
    for statement in gold["statements"]:
        for key in ("text", "speaker_mention", "cue"):
            assert statement[key] in raw, (key, statement[key])
        first_line = statement["text"].split("\n")[0]
        assert first_line in lines[statement["paragraph_index"]], statement["text"][:60]
        assert statement["speaker"] in gold["aliases"], statement["speaker"]
    for quantity in gold["quantities"]:
        assert quantity["text"] in raw, quantity["text"]
    for canonical, aliases in gold["aliases"].items():
        for alias in aliases:
            assert alias in raw, (canonical, alias)


def test_boilerplate_and_statements_do_not_overlap() -> None:
    for gold_path in _gold_files():
        gold = _load_gold(gold_path)
        chrome = set(gold["boilerplate_lines"])
        for statement in gold["statements"]:
            assert not any(statement["text"] in line for line in chrome), statement["text"][:60]


def test_shared_scorer_reads_the_gold_and_scores_a_perfect_prediction_perfectly(tmp_path: Path) -> None:
    """Predictions made from the gold itself must score 1.0: the gold is in the scorer's format."""
    scorer = SHARED / "eval" / "score_statements.py"
    if not scorer.is_file():
        pytest.skip(f"the shared scorer is not available at {scorer}")
    by_speaker: dict[str, int] = defaultdict(int)
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as out:
        for gold_path in _gold_files():
            gold = _load_gold(gold_path)
            body = (CORPUS / gold["file"]).read_text(encoding="utf-8")
            statements = [
                {"text": s["text"], "speaker": s["speaker"], "kind": s["kind"], "cue": s["cue"]}
                for s in gold["statements"]
            ]
            for s in gold["statements"]:
                by_speaker[s["speaker"]] += 1
            record = {
                "id": Path(gold["file"]).stem,
                "source": str(CORPUS / gold["file"]),
                "title": gold["title"],
                "outlet": gold["outlet"],
                "published": gold["published"],
                "body": body,
                "boilerplate": gold["boilerplate_lines"],
                "statements": statements,
                "quantities": gold["quantities"],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    done = subprocess.run(
        [sys.executable, str(scorer), "--gold", str(GOLD), "--pred", str(pred), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    scores = json.loads(done.stdout)
    assert scores["missing_articles"] == 0
    assert scores["statements_gold"] >= 60
    for key in ("f1", "speaker_accuracy_strict", "kind_accuracy", "quantity_f1", "title_accuracy"):
        assert scores[key] == pytest.approx(1.0), key
    assert len(by_speaker) >= 8, "the annotated articles should have many different speakers"
