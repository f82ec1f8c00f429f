"""Text re-use between documents: which sentence pairs count as the same text.

``reused_sentences`` counts shared word shingles on arrays; these tests pin what it finds
against the plain definition written out below, on crafted cases and on generated ones.
"""

from __future__ import annotations

import random
from collections import defaultdict

from rapidfuzz import fuzz

from annotator.services.reliability.inputs import COMMON_SHINGLE, SHINGLE, SIMILARITY, _sentences, reused_sentences

WORDS = ("minister", "announced", "budget", "taxes", "would", "rise", "next", "year", "police", "arrested",
         "suspect", "station", "council", "voted", "against", "plan", "river", "flooded", "homes", "village")


def plainly_reused(texts: dict[str, str], doc_source: dict[str, str]) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """The definition: sentence pairs of documents of different sources that share at least two
    shingles, each found in no more than COMMON_SHINGLE sentences, and that rapidfuzz rates
    at least SIMILARITY."""
    sents = {d: _sentences(t) for d, t in texts.items()}
    where: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for d, ss in sents.items():
        for i, (_, _, norm) in enumerate(ss):
            words = norm.split()
            for k in range(max(1, len(words) - SHINGLE + 1)):
                where[" ".join(words[k:k + SHINGLE])].add((d, i))
    shared: dict[tuple[str, int, str, int], int] = defaultdict(int)
    for found in where.values():
        if len(found) > COMMON_SHINGLE:
            continue
        for da, ia in found:
            for db, ib in found:
                if da < db and doc_source.get(da) != doc_source.get(db):
                    shared[(da, ia, db, ib)] += 1
    out: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for (da, ia, db, ib), n in shared.items():
        if n >= 2 and fuzz.ratio(sents[da][ia][2], sents[db][ib][2]) >= SIMILARITY:
            out[(da, db)].append((ia, ib))
    return {k: sorted(v) for k, v in out.items()}


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(7, 14))).capitalize() + "."


def _edited(rng: random.Random, sentence: str) -> str:
    words = sentence.rstrip(".").split()
    for _ in range(rng.randint(0, 3)):
        k = rng.randrange(len(words))
        words[k] = words[k][:-1] + "x" if rng.random() < 0.7 else rng.choice(WORDS)
    return " ".join(words) + "."


def test_generated_newsrooms_match_the_definition():
    for seed in range(12):
        rng = random.Random(seed)
        pool = [_sentence(rng) for _ in range(30)]
        texts, doc_source = {}, {}
        for _ in range(rng.randint(2, 25)):
            doc = f"d{rng.randrange(10_000):04d}"
            texts[doc] = " ".join(_edited(rng, rng.choice(pool)) if rng.random() < 0.6 else _sentence(rng)
                                  for _ in range(rng.randint(1, 8)))
            doc_source[doc] = f"s{rng.randrange(4)}"
        pairs, sents = reused_sentences(texts, doc_source)
        assert pairs == plainly_reused(texts, doc_source), seed
        assert sents == {d: _sentences(t) for d, t in texts.items()}
        assert all(da < db and doc_source[da] != doc_source[db] for da, db in pairs)


def test_documents_of_one_source_never_pair():
    text = "The minister announced on Monday that taxes would rise next year for everyone."
    assert reused_sentences({"a": text, "b": text}, {"a": "s1", "b": "s1"})[0] == {}
    assert reused_sentences({"a": text, "b": text}, {"a": "s1", "b": "s2"})[0] == {("a", "b"): [(0, 0)]}
    # a document without a source counts as one more source
    assert reused_sentences({"a": text, "b": text}, {"a": "s1"})[0] == {("a", "b"): [(0, 0)]}


def test_the_pair_is_keyed_by_the_document_whose_id_sorts_first():
    text = "Short line. The minister announced on Monday that taxes would rise next year for everyone."
    other = "The minister announced on Monday that taxes would rise next year for everyone."
    pairs, _ = reused_sentences({"zeta": text, "alpha": other}, {"zeta": "s1", "alpha": "s2"})
    assert pairs == {("alpha", "zeta"): [(0, 0)]}


def test_boilerplate_found_in_more_than_common_shingle_sentences_is_not_re_use():
    footer = "Sign up for our free newsletter to get the top stories delivered to your inbox."
    texts = {f"d{i:03d}": footer for i in range(COMMON_SHINGLE + 1)}
    assert reused_sentences(texts, {d: d for d in texts})[0] == {}
    fewer = dict(list(texts.items())[:COMMON_SHINGLE])
    pairs, _ = reused_sentences(fewer, {d: d for d in fewer})
    assert len(pairs) == COMMON_SHINGLE * (COMMON_SHINGLE - 1) // 2


def test_a_near_copy_sharing_only_one_shingle_is_not_a_candidate():
    words = "alphabetic breakwater candlelight dragonfly evergreen firelight gatekeeper horseshoe " \
            "ironworks jellyfish kingfisher lighthouse".split()

    def changed(at):
        return " ".join(w[:-1] + "z" if i in at else w for i, w in enumerate(words)) + "."

    original = " ".join(words) + "."
    one_shingle, more_shingles = changed({2, 5, 9}), changed({2, 9})
    assert fuzz.ratio(original.lower(), one_shingle.lower()) >= SIMILARITY
    assert reused_sentences({"a": original, "b": one_shingle}, {"a": "s1", "b": "s2"})[0] == {}
    assert reused_sentences({"a": original, "b": more_shingles}, {"a": "s1", "b": "s2"})[0] == {("a", "b"): [(0, 0)]}


def test_short_sentences_and_empty_documents():
    assert reused_sentences({}, {}) == ({}, {})
    texts = {"a": "", "b": "Police said. Yes.", "c": "Police said. Yes."}
    pairs, sents = reused_sentences(texts, {"a": "s1", "b": "s2", "c": "s3"})
    assert pairs == {} and sents == {"a": [], "b": [], "c": []}
