"""Echo clusters (quotetrail.echoes): unit tables with a small deterministic embedder, properties,
the real WordLlama embedder, and the seed articles."""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrail.echoes import (
    DEFAULT_SETTINGS,
    EchoCluster,
    EchoInput,
    WordLlamaEmbedder,
    default_embedder,
    find_echoes,
    read_names,
    score_pairs,
)


class BagOfWordsEmbedder:
    """Mean of fixed pseudo-random word vectors: behaves like a static word-embedding model (texts that
    share words are close) without loading one."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self._cache: dict[str, npt.NDArray[np.float32]] = {}

    def _word(self, word: str) -> npt.NDArray[np.float32]:
        if word not in self._cache:
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
            self._cache[word] = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return self._cache[word]

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            words = [w.strip(".,\"'").lower() for w in text.split()]
            if words:
                out[i] = np.mean([self._word(w) for w in words if w], axis=0)
        return out


class TableEmbedder:
    """Fixed vectors per text, for tests that need exact similarities."""

    def __init__(self, table: Mapping[str, Sequence[float]]) -> None:
        self.table = table

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.asarray([self.table[t] for t in texts], dtype=np.float32)


def stmt(
    sid: int,
    article: int,
    text: str,
    speaker: str | None = "Sergey Lavrov",
    published: str | None = "2016-10-21",
    story: str | None = None,
) -> EchoInput:
    return EchoInput(
        statement=sid, article=article, text=text, speaker=speaker, published=published, story=story
    )


def clusters_of(statements: Sequence[EchoInput], **kwargs: object) -> list[set[int]]:
    kwargs.setdefault("embedder", BagOfWordsEmbedder())
    return [set(c.members) for c in find_echoes(statements, **kwargs)]  # type: ignore[arg-type]


CEASEFIRE = (
    "Russia is ready to extend the humanitarian pause in Aleppo for as long as the militants observe it"
)
CEASEFIRE_LONGER = (
    "We have confirmed this to Washington. " + CEASEFIRE + ". Nobody should doubt our commitment to it."
)
CEASEFIRE_REWORDED = (
    "Russia ready to extend humanitarian pause in Aleppo as long as militants observe the truce"
)
TURKEY = "Turkish air strikes on Kurdish villages in northern Syria are a matter of grave concern for Moscow"
WITHDRAW = "The United States will withdraw its troops from northern Syria before the end of the year"
WITHDRAW_NOT = "The United States will not withdraw its troops from northern Syria before the end of the year"
# Invented boilerplate: a stock sentence every article of a site repeats.
WIDGET = "Subscribe to our daily newsletter for the latest news on world politics and the economy today"


# --- unit tables ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        pytest.param(
            [stmt(1, 10, CEASEFIRE, speaker="TASS"), stmt(2, 20, CEASEFIRE, speaker="RT")],
            [{1, 2}],
            id="same words, different speakers: verbatim needs no block",
        ),
        pytest.param(
            [stmt(1, 10, CEASEFIRE_LONGER), stmt(2, 20, CEASEFIRE, speaker=None, published=None)],
            [{1, 2}],
            id="a partial quote of a longer statement",
        ),
        pytest.param(
            [stmt(1, 10, CEASEFIRE), stmt(2, 20, CEASEFIRE_REWORDED, published="2016-10-25")],
            [{1, 2}],
            id="reworded, same speaker, within the window",
        ),
        pytest.param(
            [stmt(1, 10, CEASEFIRE), stmt(2, 20, TURKEY)],
            [],
            id="same speaker, different claim",
        ),
        pytest.param(
            [stmt(1, 10, WITHDRAW), stmt(2, 20, WITHDRAW_NOT)],
            [],
            id="will versus will not",
        ),
        pytest.param(
            [stmt(1, 10, "on Twitter"), stmt(2, 20, "on Twitter"), stmt(3, 30, "said on Monday")],
            [],
            id="very short statements link to nothing",
        ),
        pytest.param(
            [stmt(1, 10, CEASEFIRE), stmt(2, 10, CEASEFIRE)],
            [],
            id="one article is no echo",
        ),
        pytest.param(
            [stmt(1, 10, CEASEFIRE), stmt(2, 10, CEASEFIRE), stmt(3, 20, CEASEFIRE_REWORDED)],
            [{1, 2, 3}],
            id="a repeat within an article joins the cluster",
        ),
        pytest.param(
            [stmt(1, 10, CEASEFIRE), stmt(2, 20, CEASEFIRE_REWORDED, published="2017-06-01")],
            [],
            id="reworded, same speaker, months apart",
        ),
        pytest.param(
            [stmt(1, 10, CEASEFIRE), stmt(2, 20, CEASEFIRE_LONGER, published="2017-06-01")],
            [{1, 2}],
            id="verbatim months apart",
        ),
        pytest.param(
            [stmt(1, 10, CEASEFIRE), stmt(2, 20, CEASEFIRE_REWORDED, speaker="Sergei Shoigu")],
            [],
            id="reworded by another speaker, no story",
        ),
        pytest.param(
            [
                stmt(1, 10, CEASEFIRE, story="aleppo-pause"),
                stmt(2, 20, CEASEFIRE_REWORDED, speaker="Sergei Shoigu", story="aleppo-pause"),
            ],
            [{1, 2}],
            id="reworded by another speaker in the same story",
        ),
        pytest.param(
            [stmt(1, 10, CEASEFIRE), stmt(2, 20, CEASEFIRE_REWORDED, published=None)],
            [{1, 2}],
            id="undated statements match any date",
        ),
    ],
)
def test_echo_table(statements: list[EchoInput], expected: list[set[int]]) -> None:
    assert clusters_of(statements) == expected


def test_boilerplate_shared_by_many_articles_links_nothing() -> None:
    # Every article carries the widget line; two of them also say different things in the same statement.
    statements = [stmt(i, 100 + i, WIDGET, speaker=None) for i in range(30)]
    statements.append(stmt(100, 500, WIDGET + " " + CEASEFIRE, speaker="A"))
    statements.append(stmt(101, 501, WIDGET + " " + TURKEY, speaker="B"))
    found = clusters_of(statements)
    assert not any({100, 101} <= c for c in found)
    # With a higher boilerplate limit the shared widget line counts as copied words again.
    lenient = dataclasses.replace(DEFAULT_SETTINGS, boilerplate_articles=1000)
    assert any({100, 101} <= c for c in clusters_of(statements, settings=lenient))


def test_average_link_stops_a_chain() -> None:
    # A~B and B~C (cosine 0.77) but A and C far apart (0.17): single link would chain all three.
    def unit(degrees: float) -> list[float]:
        return [float(np.cos(np.radians(degrees))), float(np.sin(np.radians(degrees)))]

    table = {"alpha one two three four": unit(0), "beta five six seven eight": unit(40)}
    table["gamma nine ten eleven twelve"] = unit(80)
    statements = [stmt(i, 10 * i, text) for i, text in enumerate(table, start=1)]
    only_embedding = dataclasses.replace(DEFAULT_SETTINGS, embedding_weight=1.0, candidate_cosine=0.5)
    found = clusters_of(statements, embedder=TableEmbedder(table), settings=only_embedding)
    assert len(found) == 1 and len(found[0]) == 2


def test_cluster_explains_itself() -> None:
    statements = [
        stmt(5, 30, CEASEFIRE_REWORDED, published=None),
        stmt(3, 20, CEASEFIRE, published="2016-10-22"),
        stmt(1, 10, CEASEFIRE, published="2016-10-22"),
        stmt(9, 40, CEASEFIRE_LONGER, published="2016-10-20"),
    ]
    (cluster,) = find_echoes(statements, embedder=BagOfWordsEmbedder())
    # Ordered by date (undated last), then article, then statement.
    assert cluster.members == [9, 1, 3, 5]
    assert cluster.kind == "paraphrase"
    assert len(cluster.links) == len(cluster.members) - 1
    assert {lk.how for lk in cluster.links} == {"verbatim", "paraphrase"}
    for link in cluster.links:
        assert link.a < link.b and {link.a, link.b} <= set(cluster.members)
        assert 0.0 < link.similarity <= 1.0


def test_copied_only_cluster_is_verbatim() -> None:
    (cluster,) = find_echoes([stmt(1, 10, CEASEFIRE), stmt(2, 20, CEASEFIRE)], embedder=BagOfWordsEmbedder())
    assert cluster.kind == "verbatim"
    assert [(lk.a, lk.b, lk.how, lk.similarity) for lk in cluster.links] == [(1, 2, "verbatim", 1.0)]


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        ([stmt(1, 10, CEASEFIRE), stmt(1, 20, TURKEY)], "appears twice"),
        ([stmt(1, 10, CEASEFIRE, published="21 October 2016"), stmt(2, 20, TURKEY)], "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_refused_clearly(statements: list[EchoInput], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        find_echoes(statements, embedder=BagOfWordsEmbedder())


def test_embedder_of_the_wrong_shape_is_refused() -> None:
    class Broken:
        def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
            return np.zeros((len(texts) + 1, 4), dtype=np.float32)

    with pytest.raises(ValueError, match="shape"):
        find_echoes([stmt(1, 10, CEASEFIRE), stmt(2, 20, TURKEY)], embedder=Broken())


def test_fewer_than_two_statements() -> None:
    assert find_echoes([], embedder=BagOfWordsEmbedder()) == []
    assert find_echoes([stmt(1, 10, CEASEFIRE)], embedder=BagOfWordsEmbedder()) == []


NUSRA = {
    "Jabhat al-Nusra": "organization:jabhat-al-nusra",
    "al-Nusra Front": "organization:jabhat-al-nusra",
    "Nusra": "organization:jabhat-al-nusra",
    "US": "place:united-states",
}


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("groups report to al-Nusra Front", NUSRA, "groups report to jabhat al nusra"),
        ("Jabhat al-Nusra runs the show", NUSRA, "jabhat al nusra runs the show"),  # longest form first
        ("Nusra has 1,500 militants", NUSRA, "jabhat al nusra has 1,500 militants"),
        ("the US failed", NUSRA, "the united states failed"),
        ("USA and Nusraville, BUS stop", NUSRA, "USA and Nusraville, BUS stop"),  # whole words only
        ("al-Nusra Front", {"al-Nusra Front": "nusra"}, "nusra"),  # a key without a type is used whole
        ("al-Nusra Front", {}, "al-Nusra Front"),
    ],
)
def test_read_names(text: str, names: dict[str, str], expected: str) -> None:
    assert read_names(text, names) == expected


def test_synonym_lexicon_makes_two_wordings_of_one_claim_match() -> None:
    a = "The coalition failed to separate the rebels from the terrorists in the east"
    b = "Washington refused to dissociate those militants from the extremists in the east"
    pair = [stmt(1, 10, a), stmt(2, 20, b)]
    plain = dataclasses.replace(DEFAULT_SETTINGS, synonym_classes=False)
    (without,) = score_pairs(pair, [(1, 2)], embedder=BagOfWordsEmbedder(), settings=plain)
    (with_lexicon,) = score_pairs(pair, [(1, 2)], embedder=BagOfWordsEmbedder())
    # Both parts see the shared classes (fail, separate, militant): tf-idf counts them as one term
    # each, and the embedder is shown the class names.
    assert with_lexicon.lexical > without.lexical + 0.3
    assert with_lexicon.cosine > without.cosine + 0.02  # 0.77 against 0.74: function words dominate
    assert with_lexicon.paraphrase and not without.paraphrase


def test_synonym_lexicon_keeps_opposites_apart() -> None:
    a = "Oil exports rose sharply in the third quarter of the year"
    b = "Oil exports fell sharply in the third quarter of the year"
    (plain,) = score_pairs(
        [stmt(1, 10, a), stmt(2, 20, b)],
        [(1, 2)],
        embedder=BagOfWordsEmbedder(),
        settings=dataclasses.replace(DEFAULT_SETTINGS, synonym_classes=False),
    )
    (folded,) = score_pairs([stmt(1, 10, a), stmt(2, 20, b)], [(1, 2)], embedder=BagOfWordsEmbedder())
    assert folded.lexical == pytest.approx(plain.lexical, abs=0.05)  # increase and decrease stay apart


def test_names_make_two_forms_of_one_entity_match() -> None:
    a = "All armed groups in the east report to al-Nusra Front, our intelligence shows"
    b = "According to our data every militant unit there is subordinated to Jabhat al-Nusra"
    plain = [stmt(1, 10, a), stmt(2, 20, b)]
    named = [dataclasses.replace(s, names=NUSRA) for s in plain]
    (without,) = score_pairs(plain, [(1, 2)], embedder=BagOfWordsEmbedder())
    (with_names,) = score_pairs(named, [(1, 2)], embedder=BagOfWordsEmbedder())
    assert with_names.lexical > without.lexical + 0.05  # 0.22 against 0.14
    assert with_names.cosine == without.cosine  # the embedding reads the text as written


# --- properties -----------------------------------------------------------------------------------

_SENTENCES = [CEASEFIRE, CEASEFIRE_REWORDED, CEASEFIRE_LONGER, TURKEY, WITHDRAW, WITHDRAW_NOT, "on Twitter"]


@st.composite
def statement_sets(draw: st.DrawFn) -> list[EchoInput]:
    n = draw(st.integers(min_value=0, max_value=14))
    out = []
    for sid in range(n):
        out.append(
            EchoInput(
                statement=sid * 7 + 3,
                article=draw(st.integers(min_value=0, max_value=4)),
                text=draw(st.sampled_from(_SENTENCES)),
                speaker=draw(st.sampled_from([None, "Lavrov", "Shoigu"])),
                published=draw(st.sampled_from([None, "2016-10-01", "2016-10-20", "2017-03-01"])),
                story=draw(st.sampled_from([None, "s1", "s2"])),
            )
        )
    return out


def _as_tuples(clusters: list[EchoCluster]) -> list[tuple[object, ...]]:
    return [
        (tuple(c.members), c.kind, tuple((lk.a, lk.b, lk.how, lk.similarity) for lk in c.links))
        for c in clusters
    ]


@settings(max_examples=60, deadline=None)
@given(statement_sets(), st.randoms(use_true_random=False))
def test_cluster_properties(statements: list[EchoInput], rnd: random.Random) -> None:
    embedder = BagOfWordsEmbedder()
    clusters = find_echoes(statements, embedder=embedder)
    by_id = {s.statement: s for s in statements}
    seen: set[int] = set()
    for c in clusters:
        members = set(c.members)
        assert not members & seen, "clusters are disjoint"
        seen |= members
        assert len({by_id[m].article for m in members}) >= 2, "a cluster spans two articles"
        assert len(c.links) == len(members) - 1
        linked = {c.members[0]}
        for _ in c.links:  # the links connect every member
            linked |= {x for lk in c.links if {lk.a, lk.b} & linked for x in (lk.a, lk.b)}
        assert linked == members
    shuffled = list(statements)
    rnd.shuffle(shuffled)
    assert _as_tuples(find_echoes(shuffled, embedder=embedder)) == _as_tuples(clusters)


# --- the real embedder ----------------------------------------------------------------------------


def test_wordllama_embedder_matches_the_library_and_misses_negation() -> None:
    embedder = default_embedder()
    assert isinstance(embedder, WordLlamaEmbedder) and embedder.dimension == 256
    texts = [WITHDRAW, WITHDRAW_NOT, TURKEY, "", "Lavrov  said   so"]
    vectors = embedder.embed(texts)
    assert vectors.shape == (5, 256) and not vectors[3].any()
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    # Same vectors as WordLlama's own mean pooling (whitespace runs count as one space).
    reference = embedder_model_embed(embedder, [WITHDRAW, TURKEY, "Lavrov said so"])
    assert np.allclose(unit[[0, 2, 4]], reference, atol=1e-5)
    # Averaged word vectors barely see "not": the negation guard has to.
    assert float(unit[0] @ unit[1]) > 0.95
    assert float(unit[0] @ unit[2]) < 0.8
    assert find_echoes([stmt(1, 10, WITHDRAW), stmt(2, 20, WITHDRAW_NOT)], embedder=embedder) == []
    assert len(find_echoes([stmt(1, 10, CEASEFIRE), stmt(2, 20, CEASEFIRE_REWORDED)], embedder=embedder)) == 1


def embedder_model_embed(embedder: WordLlamaEmbedder, texts: list[str]) -> npt.NDArray[np.float32]:
    from quotetrail.echoes import _load_wordllama

    return np.asarray(_load_wordllama().embed(texts, norm=True), dtype=np.float32)


# --- the seed articles ----------------------------------------------------------------------------


def _seed_statements(seeds_dir: Path) -> tuple[list[EchoInput], dict[int, str]]:
    from quotetrail.api import iter_analysed
    from quotetrail.canon import NameUse, canonicalise
    from quotetrail.model import Article

    inputs: list[EchoInput] = []
    article_name: dict[int, str] = {}
    articles = [a for a in iter_analysed([seeds_dir]) if isinstance(a, Article)]
    assert len(articles) == 5, "the five seed articles analyse"
    articles.sort(key=lambda a: a.source)
    # Entity names canonicalised across the five articles, as the link pass gives them.
    canon = canonicalise(
        NameUse(name=e.name, type=e.type, article=a_id, surface=tuple(e.aliases))
        for a_id, article in enumerate(articles)
        for e in article.entities
    )
    for a_id, article in enumerate(articles):
        article_name[a_id] = Path(article.source).name[:3]
        names = {
            surface: entity.key
            for e in article.entities
            if (entity := canon.entity_for(e.name, a_id, e.type)) is not None
            for surface in (e.name, *e.aliases)
        }
        for k, s in enumerate(article.statements):
            inputs.append(
                EchoInput(
                    statement=a_id * 1000 + k,
                    article=a_id,
                    text=s.text,
                    speaker=s.speaker,  # trivial canonical key: the speaker's name
                    published=article.published,
                    names=names,
                )
            )
    return inputs, article_name


def _claim(inputs: list[EchoInput], *alternatives: tuple[str, ...]) -> set[int]:
    """Lavrov's statements holding every word of one of the alternatives (lower case)."""
    return {
        s.statement
        for s in inputs
        if s.speaker
        and "Lavrov" in s.speaker
        and any(all(w in s.text.lower() for w in alt) for alt in alternatives)
    }


@pytest.fixture(scope="module")
def seed_echoes(seeds_dir: Path) -> tuple[list[EchoInput], dict[int, str], list[EchoCluster]]:
    inputs, names = _seed_statements(seeds_dir)
    return inputs, names, find_echoes(inputs)


def _claims(inputs: list[EchoInput]) -> tuple[set[int], set[int]]:
    nusra_command = _claim(
        inputs,
        ("groups", "nusra", "subordinat"),
        ("groups", "report to", "nusra"),
        ("groups", "controlled by", "nusra"),
    )
    separation = _claim(
        inputs, ("separat", "opposition"), ("dissociat", "opposition"), ("sorting", "opposition")
    )
    return nusra_command, separation


def test_seed_claims_are_found_and_kept_apart(
    seed_echoes: tuple[list[EchoInput], dict[int, str], list[EchoCluster]],
) -> None:
    inputs, names, clusters = seed_echoes
    nusra_command, separation = _claims(inputs)
    # The analysed seeds hold both claims in several articles (if not, the extraction changed).
    assert {names[s // 1000] for s in nusra_command} >= {"000", "001", "003"}
    assert len({names[s // 1000] for s in separation}) >= 3
    by_id = {s.statement: s for s in inputs}
    for c in clusters:
        members = set(c.members)
        assert len({by_id[m].article for m in members}) >= 2
        # The two claims never share a cluster, and a cluster holding one holds nothing unrelated.
        assert not (members & nusra_command and members & separation)
        if members & (nusra_command | separation):
            assert members <= nusra_command | separation


def test_seed_nusra_claim_clusters_across_three_articles(
    seed_echoes: tuple[list[EchoInput], dict[int, str], list[EchoCluster]],
) -> None:
    # "All armed groups in eastern Aleppo are subordinate to / report to / controlled by al-Nusra", on 21
    # Oct, 31 Oct and 2 Dec in different words. It forms with the threshold calibrated on the labelled
    # pairs (0.49) once entity names are read canonically: pair scores 0.52 and 0.53 link it, and the
    # third pair (0.48) keeps the cluster's average above the bar.
    inputs, names, clusters = seed_echoes
    nusra_command, _ = _claims(inputs)
    spans = [{names[m // 1000] for m in c.members if m in nusra_command} for c in clusters]
    assert any(span >= {"000", "001", "003"} for span in spans)


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="known shortcoming: the US 'failed to separate / dissociate / sort' the moderate opposition "
    "from Nusra is worded with different verbs in each article (WordLlama's word vectors put "
    "'dissociate' and 'separate' at cosine 0.05). The synonym lexicon raises the pair scores from "
    "0.13-0.35 to 0.24-0.47, still under the 0.49 bar: the statements share the claim but little else "
    "(their other words and clauses differ)",
)
def test_seed_separation_claim_clusters(
    seed_echoes: tuple[list[EchoInput], dict[int, str], list[EchoCluster]],
) -> None:
    inputs, names, clusters = seed_echoes
    _, separation = _claims(inputs)
    assert any(len({names[m // 1000] for m in c.members if m in separation}) >= 3 for c in clusters)
