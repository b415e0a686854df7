"""Stories: unit tables of articles that must / must not group, the saved state, incrementality, and the
B-cubed floor on bench/stories."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load_benchmark
from quotetrail.stories import (
    PAIR_FEATURES,
    StoryAssignment,
    StoryDoc,
    StoryIndex,
    StoryModel,
    StoryParams,
    default_model,
    story_terms,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"

# Short invented reports. Each event has its own facts (places, names, figures) and the wording varies
# between outlets, as it does between real reports of one event.
WILDFIRE_A = (
    "Wildfire near Pinecrest forces thousands to evacuate",
    "A fast-moving wildfire swept through the hills above Pinecrest on Monday, forcing 4,000 residents "
    "to evacuate as firefighters battled flames fanned by strong winds. County fire chief Dana Ortiz "
    "said the blaze had burned 12,000 acres and destroyed at least 40 homes along Ridge Road.",
)
WILDFIRE_B = (
    "Pinecrest blaze destroys dozens of homes; evacuation orders widen",
    "Firefighters struggled to contain a wildfire that has scorched about 12,000 acres near Pinecrest, "
    "where evacuation orders now cover 4,000 residents. Chief Dana Ortiz told reporters that gusting winds "
    "pushed the flames across Ridge Road overnight, destroying dozens of homes.",
)
# The same kind of event, in the same words, half a year later: a different story.
WILDFIRE_LATER = (
    "Wildfire forces evacuations as flames spread in the hills",
    "A wildfire swept through the hills on Monday, forcing residents to evacuate as firefighters battled "
    "flames fanned by strong winds. The fire chief said the blaze had burned thousands of acres and "
    "destroyed homes along the road.",
)
RATES_A = (
    "Central bank raises interest rates to curb inflation",
    "The central bank raised its benchmark interest rate by half a point on Monday, its third increase "
    "this year, saying inflation of 6.2 percent demanded firmer action. Governor Elena Marsh warned that "
    "borrowing costs for mortgages and business loans would keep climbing.",
)
RATES_B = (
    "Marsh defends third rate rise as inflation hits 6.2 percent",
    "Governor Elena Marsh defended the central bank's decision to lift the benchmark interest rate by "
    "half a point, the third increase this year, arguing that inflation at 6.2 percent left no choice. "
    "Mortgage lenders said borrowing costs would rise within days.",
)
ELECTION = (
    "Harlow wins mayoral runoff by narrow margin",
    "Councilwoman Priya Harlow won the mayoral runoff on Sunday by fewer than 900 votes, defeating "
    "businessman Tom Reyes after a bitter campaign focused on transit and housing. Reyes conceded late "
    "on Sunday night and pledged to work with the new administration.",
)


def doc(
    article: int, report: tuple[str, str], published: str | None, outlet: str | None = "Outlet A"
) -> StoryDoc:
    title, body = report
    return StoryDoc(article=article, title=title, body=body, published=published, outlet=outlet)


def stories_of(docs: list[StoryDoc], index: StoryIndex | None = None) -> dict[int, str]:
    index = index or StoryIndex()
    return {a.article: a.story for a in index.add(docs)}


# --- unit tables --------------------------------------------------------------------------------------

# (case, documents, pairs of article ids that must share a story, pairs that must not)
GROUPING = [
    (
        "one event, two outlets, same day",
        [doc(1, WILDFIRE_A, "2019-03-04", "Outlet A"), doc(2, WILDFIRE_B, "2019-03-04", "Outlet B")],
        [(1, 2)],
        [],
    ),
    (
        "one event, reported a day apart",
        [doc(1, RATES_A, "2019-03-04", "Outlet A"), doc(2, RATES_B, "2019-03-05", "Outlet B")],
        [(1, 2)],
        [],
    ),
    (
        "two events on the same day",
        [
            doc(1, WILDFIRE_A, "2019-03-04", "Outlet A"),
            doc(2, RATES_A, "2019-03-04", "Outlet B"),
            doc(3, ELECTION, "2019-03-04", "Outlet C"),
        ],
        [],
        [(1, 2), (1, 3), (2, 3)],
    ),
    (
        "same topic months apart",
        [doc(1, WILDFIRE_A, "2019-03-04", "Outlet A"), doc(2, WILDFIRE_LATER, "2019-09-09", "Outlet B")],
        [],
        [(1, 2)],
    ),
    (
        "a dateless report joins its event, not the other one",
        [
            doc(1, RATES_A, "2019-03-04", "Outlet A"),
            doc(2, WILDFIRE_A, "2019-03-04", "Outlet B"),
            doc(3, RATES_B, None, "Outlet C"),
        ],
        [(1, 3)],
        [(2, 3)],
    ),
    (
        "an outlet's own follow-up of an event still joins it",
        [doc(1, WILDFIRE_A, "2019-03-04", "Outlet A"), doc(2, WILDFIRE_B, "2019-03-04", "Outlet A")],
        [(1, 2)],
        [],
    ),
    (
        "a malformed date counts as no date",
        [doc(1, RATES_A, "2019-03-04", "Outlet A"), doc(2, RATES_B, "March 2019", "Outlet B")],
        [(1, 2)],
        [],
    ),
]


@pytest.mark.parametrize(
    ("documents", "together", "apart"),
    [case[1:] for case in GROUPING],
    ids=[case[0] for case in GROUPING],
)
def test_grouping(
    documents: list[StoryDoc], together: list[tuple[int, int]], apart: list[tuple[int, int]]
) -> None:
    story = stories_of(documents)
    for a, b in together:
        assert story[a] == story[b], (a, b, story)
    for a, b in apart:
        assert story[a] != story[b], (a, b, story)


def test_assignments_founders_and_order() -> None:
    index = StoryIndex()
    assignments = index.add(
        [
            doc(7, RATES_B, None, "Outlet C"),
            doc(5, WILDFIRE_B, "2019-03-04", "Outlet B"),
            doc(3, WILDFIRE_A, "2019-03-04", "Outlet A"),
            doc(9, RATES_A, "2019-03-03", "Outlet A"),
        ]
    )
    # (published, article) order, the dateless article last.
    assert [a.article for a in assignments] == [9, 3, 5, 7]
    rates, fire_first, fire_second, dateless = assignments
    assert rates == StoryAssignment(article=9, story="s0", similarity=1.0, founded=True)
    assert fire_first == StoryAssignment(article=3, story="s1", similarity=1.0, founded=True)
    assert fire_second.story == "s1" and not fire_second.founded and 0 < fire_second.similarity < 1
    assert dateless.story == "s0" and not dateless.founded
    assert len(index) == 4 and index.story_count == 2


def test_an_article_added_again_keeps_its_story() -> None:
    index = StoryIndex()
    first = index.add([doc(1, WILDFIRE_A, "2019-03-04")])
    # Now offered with another date and text: the recorded assignment stands, nothing is indexed twice.
    again = index.add([doc(1, RATES_A, "2020-01-01"), doc(1, RATES_A, "2020-01-01")])
    assert again == first * 2
    assert len(index) == 1


def test_empty_and_wordless_articles() -> None:
    index = StoryIndex()
    assert index.add([]) == []
    blank = index.add([StoryDoc(article=1, title=None, body="", published=None, outlet=None)])
    punctuation = index.add(
        [StoryDoc(article=2, title="...", body="— !", published="2019-01-01", outlet=None)]
    )
    assert blank[0].founded and punctuation[0].founded and blank[0].story != punctuation[0].story


STORY_TERMS = [
    ("title words count extra", ("Pinecrest fire", "Pinecrest residents"), {"pinecrest": 6.0, "fire": 5.0}),
    ("function words and reporting verbs dropped", (None, "He said that the fire was out"), {"fire": 1.0}),
    ("possessives and curly apostrophes folded", (None, "Marsh’s rates and Marsh's plan"), {"marsh": 2.0}),
    ("short words dropped, numbers kept", (None, "An EU tax of 6.2 in 2019"), {"tax": 1.0, "2019": 1.0}),
    ("non-English letters kept whole", (None, "Erdoğan met Zarif"), {"erdoğan": 1.0, "met": 1.0}),
    ("hyphenated words kept whole", (None, "An x-ray of a U-turn"), {"x-ray": 1.0, "u-turn": 1.0}),
    ("title and lead counts add up", ("Vote", "vote " * 3), {"vote": 8.0}),
]


@pytest.mark.parametrize(
    ("title_body", "expected"), [c[1:] for c in STORY_TERMS], ids=[c[0] for c in STORY_TERMS]
)
def test_story_terms(title_body: tuple[str | None, str], expected: dict[str, float]) -> None:
    terms = story_terms(*title_body)
    for term, count in expected.items():
        assert terms.get(term) == count, (term, terms)
    assert set(terms) >= set(expected)
    assert not {"the", "said", "that", "he", "and", "an"} & set(terms)


def test_body_beyond_the_lead_is_ignored() -> None:
    params = StoryParams(body_chars=20)
    assert "tail" not in story_terms(None, "opening words here. " + "tail " * 50, params)


@pytest.mark.parametrize(
    "bad",
    [{"body_chars": 0}, {"terms_per_article": 0}, {"candidates": 0}, {"window_days": -1}],
)
def test_params_are_checked(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        StoryParams(**bad)


# --- saved state --------------------------------------------------------------------------------------

WORDS = [f"w{i}" for i in range(40)]
DAYS = ["2019-03-01", "2019-03-02", "2019-03-03", "2019-06-01", None]


@st.composite
def corpora(draw: st.DrawFn) -> list[StoryDoc]:
    count = draw(st.integers(min_value=0, max_value=24))
    docs = []
    for article in range(count):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=30))
        title = draw(st.one_of(st.none(), st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)))
        docs.append(
            StoryDoc(
                article=article,
                title=title,
                body=" ".join(words),
                published=draw(st.sampled_from(DAYS)),
                outlet=draw(st.sampled_from([None, "A", "B", "C"])),
            )
        )
    return docs


def chronological(docs: list[StoryDoc]) -> list[StoryDoc]:
    return sorted(docs, key=lambda d: (d.published is None, d.published or "", d.article))


@settings(max_examples=60, deadline=None)
@given(corpora(), st.data())
def test_saved_and_loaded_index_continues_like_the_original(
    docs: list[StoryDoc], data: st.DataObject
) -> None:
    ordered = chronological(docs)
    cut = data.draw(st.integers(min_value=0, max_value=len(ordered)))
    whole = StoryIndex()
    expected = whole.add(ordered)

    first = StoryIndex()
    before = first.add(ordered[:cut])
    state = first.to_bytes()
    loaded = StoryIndex.from_bytes(state)
    assert loaded.to_bytes() == state
    assert len(loaded) == len(first) == cut
    after = loaded.add(ordered[cut:])

    assert before + after == expected
    assert loaded.to_bytes() == whole.to_bytes()


@settings(max_examples=40, deadline=None)
@given(corpora())
def test_story_ids_are_numbered_in_founding_order(docs: list[StoryDoc]) -> None:
    assignments = StoryIndex().add(docs)
    founded = [a.story for a in assignments if a.founded]
    assert founded == [f"s{i}" for i in range(len(founded))]
    seen: set[str] = set()
    for a in assignments:
        assert a.founded == (a.story not in seen)
        assert (a.similarity == 1.0) if a.founded else (0.0 < a.similarity <= 1.0 + 1e-9)
        seen.add(a.story)


def test_incremental_equals_batch_on_the_unit_reports() -> None:
    docs = chronological(
        [
            doc(1, WILDFIRE_A, "2019-03-04", "A"),
            doc(2, RATES_A, "2019-03-04", "B"),
            doc(3, WILDFIRE_B, "2019-03-05", "C"),
            doc(4, ELECTION, "2019-03-05", "A"),
            doc(5, WILDFIRE_LATER, "2019-09-09", "B"),
            doc(6, RATES_B, None, "C"),
        ]
    )
    batch = StoryIndex().add(docs)
    index = StoryIndex()
    pieces = []
    for start in range(0, len(docs), 2):
        pieces += index.add(docs[start : start + 2])
        index = StoryIndex.from_bytes(index.to_bytes())
    assert pieces == batch
    assert len({a.story for a in batch}) == 4


def _state_with(header_change: dict[str, object] | None = None, **array_changes: np.ndarray) -> bytes:
    index = StoryIndex()
    index.add([doc(1, WILDFIRE_A, "2019-03-04"), doc(2, WILDFIRE_B, "2019-03-04", "B")])
    with np.load(io.BytesIO(index.to_bytes()), allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    header = json.loads(bytes(arrays["header"]).decode("utf-8"))
    header.update(header_change or {})
    arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    arrays.update(array_changes)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (b"", "not a readable story index"),
        (b"PK\x03\x04 not really a zip", "not a readable story index"),
        (StoryIndex().to_bytes()[:40], "not a readable story index"),
        (_state_with({"format": "something-else"}), "unknown format"),
        (_state_with({"version": 99}), "version 99 is not supported"),
        (_state_with({"params": {"threshold": 0.1, "colour": "blue"}}), "unknown parameters"),
        (_state_with(story=np.array([0, 5], dtype=np.int32)), "before that story was founded"),
        (_state_with(days=np.array([1], dtype=np.int32)), "differ in length"),
        (_state_with(term_ids=np.full(5, 10**6, dtype=np.int32)), "inconsistent story index"),
        (_state_with(articles=np.array([1, 1])), "an article appears twice"),
        (_state_with(best_cosine=np.zeros(3)), "differ in length"),
        (_state_with(body_offsets=np.array([0, 1], dtype=np.int64)), "body term offsets do not match"),
        (_state_with(title_offsets=np.array([0, 9, 2], dtype=np.int64)), "title term offsets do not match"),
        (
            _state_with({"model": {"features": ["cosine"], "weights": [1.0], "bias": 0.0}}),
            "must name the features",
        ),
    ],
)
def test_corrupt_state_is_refused(state: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        StoryIndex.from_bytes(state)


def test_params_travel_with_the_state() -> None:
    params = StoryParams(threshold=0.3, window_days=5)
    assert StoryIndex.from_bytes(StoryIndex(params).to_bytes()).params == params


def test_the_model_travels_with_the_state() -> None:
    # A state keeps deciding as it did when saved, whatever model the package ships later.
    model = StoryModel(weights=tuple(float(i) for i in range(len(PAIR_FEATURES))), bias=-1.5)
    assert StoryIndex.from_bytes(StoryIndex(model=model).to_bytes()).model == model


# --- the pair model -----------------------------------------------------------------------------------


def test_the_shipped_model_is_trained_and_says_how() -> None:
    model = default_model()
    weights = dict(zip(PAIR_FEATURES, model.weights, strict=True))
    # The signs a same-story model must have: similarity raises the odds, distance in time and a shared
    # outlet lower them.
    for name in ("cosine", "title_cosine", "body_cosine", "relative_cosine", "mutual_cosine"):
        assert weights[name] > 0, (name, weights)
    for name in ("day_gap", "same_outlet"):
        assert weights[name] < 0, (name, weights)
    stored = json.loads((REPO_ROOT / "src" / "quotetrail" / "data" / "story_model.json").read_text())
    assert stored["meta"]["trained_by"].startswith("training/train_story_model.py")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "must name the features"),
        (
            {"features": list(reversed(PAIR_FEATURES)), "weights": [0.0] * len(PAIR_FEATURES), "bias": 0},
            "name",
        ),
        ({"features": list(PAIR_FEATURES), "weights": [0.0], "bias": 0}, "expected"),
        ({"features": list(PAIR_FEATURES), "weights": [0.0] * len(PAIR_FEATURES)}, "malformed"),
        (
            {"features": list(PAIR_FEATURES), "weights": ["x"] * len(PAIR_FEATURES), "bias": 0},
            "could not convert",
        ),
        (
            {"features": list(PAIR_FEATURES), "weights": [float("nan")] * len(PAIR_FEATURES), "bias": 0},
            "finite",
        ),
    ],
)
def test_malformed_models_are_refused(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        StoryModel.from_json(data)


def test_model_probabilities() -> None:
    model = StoryModel(weights=(2.0,) + (0.0,) * (len(PAIR_FEATURES) - 1), bias=-1.0)
    features = np.zeros((3, len(PAIR_FEATURES)))
    features[:, 0] = [0.0, 0.5, 1.0]
    expected = 1 / (1 + np.exp(-np.array([-1.0, 0.0, 1.0])))
    assert np.allclose(model.probabilities(features), expected)
    assert StoryModel.from_json(model.to_json()) == model


# --- bench/stories ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_bench_stories_floor_and_incrementality(tmp_path: Path) -> None:
    gold_file = SHARED / "bench" / "stories" / "allsides_stories.jsonl.gz"
    if not gold_file.is_file() or not (SHARED / "eval" / "score_clusters.py").is_file():
        pytest.skip(f"story benchmark or its scorer not found under {SHARED}")
    bench = load_benchmark("stories")
    args = argparse.Namespace(shared=SHARED, analysed=None, full=False, pred=tmp_path / "pred.jsonl")
    result = bench.quality(args, StoryParams())
    # Measured: val+test 0.9242, train (the tuning split) 0.9200, all 0.9060.
    assert result["scores"]["val+test"]["B3_F1"] >= 0.92
    assert result["scores"]["train"]["B3_F1"] >= 0.92
    assert result["scores"]["all"]["B3_F1"] >= 0.90
    assert result["incremental_ok"], result["batched_B3_F1"]
