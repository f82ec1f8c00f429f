"""Text re-use between documents: which sentence pairs count as the same text.

``reused_sentences`` counts shared word shingles on arrays; these tests pin what it finds
against the plain definition written out below, on crafted cases and on generated ones.
"""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np

from rapidfuzz import fuzz

from annotator.core.model import Document
from annotator.services.reliability.inputs import (
    COMMON_SHINGLE,
    SHINGLE,
    SIMILARITY,
    WHOLE_DOCUMENT_MIN_SENTENCES,
    WHOLE_DOCUMENT_SHARE,
    _original_first,
    _marked,
    _pair_table,
    _reuse_marks,
    _sentence_bounds,
    _sentences,
    reused_sentences,
)

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


def plainly_marked(pairs, sents, docs, kinds, names, claims, claim_prop) -> list[tuple[int, str, bool, bool]]:
    """The definition of the claims re-used text makes copies, pair by pair and claim by claim."""
    by_doc = defaultdict(list)
    for i, c in enumerate(claims):
        by_doc[c[1]].append(i)
    out = []
    for (da, db), matches in pairs.items():
        a_first, known = _original_first(docs[da], docs[db], kinds, names)
        copy_doc, orig_doc = (db, da) if a_first else (da, db)
        copy_idx = [m[1] if a_first else m[0] for m in matches]
        copy_sents = sents[copy_doc]
        copy_chars = max(docs[copy_doc].length or (copy_sents[-1][1] if copy_sents else 0), 1)
        reused_chars = sum(copy_sents[i][1] - copy_sents[i][0] for i in set(copy_idx))
        whole = (len(set(copy_idx)) >= WHOLE_DOCUMENT_MIN_SENTENCES
                 and reused_chars >= WHOLE_DOCUMENT_SHARE * copy_chars)
        spans = [copy_sents[i][:2] for i in copy_idx]
        orig_props = {claim_prop[i] for i in by_doc[orig_doc]}
        for i in by_doc[copy_doc]:
            _id, _doc, start, end, _quote = claims[i]
            if claim_prop[i] in orig_props and (whole or any(s < end and start < e for s, e in spans)):
                out.append((i, orig_doc, whole, known))
    return out


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


def test_generated_copies_are_marked_as_the_definition_says():
    kinds = {"s0": "wire service", "s1": "blog", "s2": None, "s3": "news outlet"}
    names = {"s0": "Wire", "s1": "Blog", "s2": "Paper", "s3": "Another paper"}
    for seed in range(15):
        rng = random.Random(seed)
        pool = [_sentence(rng) for _ in range(12)]
        docs, texts = {}, {}
        for n in range(rng.randint(2, 14)):
            doc = f"d{n:02d}" if rng.random() < 0.5 else f"e{rng.randrange(100):02d}"
            texts[doc] = " ".join(_edited(rng, rng.choice(pool)) if rng.random() < 0.7 else _sentence(rng)
                                  for _ in range(rng.randint(1, 6)))
            published = rng.choice([None, "2024-03-01", "2024-03-02", "2024-03-02T10:00"])
            docs[doc] = Document(id=doc, title=f"Story {doc}", text=None, source_id=f"s{rng.randrange(4)}",
                                 published=published, length=rng.choice([None, len(texts[doc])]))
        docs["orphan"] = Document(id="orphan", title="No text", text=None, source_id="s0")
        claims, claim_prop = [], []
        for doc in [*docs, "missing"]:
            size = len(texts.get(doc, "")) or 50
            for _ in range(rng.randint(0, 12)):
                start = rng.randrange(size)
                end = min(size, start + rng.randint(1, 120))
                claims.append((f"c{len(claims)}", doc, start, end, "quote"))
                claim_prop.append(rng.randrange(8))
        rng.shuffle(claims)  # the claims of one document need not come together
        pairs, sents = reused_sentences(texts, {d: docs[d].source_id for d in texts})
        found = _reuse_marks(pairs, _sentence_bounds(sents), docs, kinds, names, claims,
                             np.array(claim_prop, dtype=np.int64), 8)
        assert found == plainly_marked(pairs, sents, docs, kinds, names, claims, claim_prop), seed
        # Asked about some claims only (those of propositions whose claims changed), the same marks for them.
        table = _pair_table(pairs, _sentence_bounds(sents), docs, kinds, names)
        c_doc = np.array([table.doc_code.get(c[1], -1) for c in claims], dtype=np.int64)
        among = np.array([rng.random() < 0.3 for _ in claims], dtype=bool)
        claim, pair = _marked(table, c_doc, np.array([c[2] for c in claims], dtype=np.int64),
                              np.array([c[3] for c in claims], dtype=np.int64), np.array(claim_prop, dtype=np.int64),
                              8, among)
        assert [(c, table.orig_ids[j]) for c, j in zip(claim.tolist(), pair.tolist(), strict=True)] == [
            (c, orig) for c, orig, _, _ in found if among[c]], seed


def _stories(texts: dict[str, str], doc_source: dict[str, str]) -> dict:
    from annotator.services.reliability.inputs import shared_stories

    pairs, sents = reused_sentences(texts, doc_source)
    return shared_stories(pairs, sents, texts, doc_source)


STORY = ["The river flooded forty homes in the lower village after two days of rain.",
         "Volunteers carried sandbags to the old mill until the water finally stopped rising.",
         "The mayor promised that families without insurance would get help from the council fund.",
         "Engineers will inspect the northern embankment before the next storm arrives on Friday."]
OWN = ["Our reporter spoke to shopkeepers who had moved their stock to the upper floors overnight.",
       "A local teacher said the school gym would stay open as a shelter for the rest of the week.",
       "Residents of the farm lane told this paper that the road had been closed since the morning.",
       "Photographs sent by readers show the market square under a metre of brown water on Sunday.",
       "The regional weather office expects the rain to ease by the middle of next week at last.",
       "Bus services to the coast were cancelled and replaced by a shuttle from the railway bridge.",
       "Insurers warned that claims could take months because assessors cannot reach the valley.",
       "Children from the primary school painted signs thanking the firefighters for their work.",
       "The hospital postponed routine operations so that staff could help at the rescue centre.",
       "A spokesman for the electricity company said power would be restored by Thursday night."]


def test_three_shared_sentences_make_a_story_and_one_does_not():
    """A copy shares its original's sentences; one or two shared sentences in a longer
    article are a formula or a quoted line."""
    texts = {"orig": " ".join(STORY + OWN[9:]), "copy": " ".join(STORY[:3] + OWN[:2]),
             "quote": " ".join(STORY[:1] + OWN[2:5]), "two": " ".join(STORY[2:4] + OWN[5:9])}
    doc_source = {"orig": "Herald", "copy": "Aggregator", "quote": "Courier", "two": "Ledger"}
    stories = _stories(texts, doc_source)
    assert set(stories) == {("copy", "orig")}
    assert stories[("copy", "orig")] == [(0, 0), (1, 1), (2, 2)]


def test_a_short_item_copied_whole_is_a_story():
    texts = {"orig": " ".join(STORY + OWN), "brief": STORY[0]}
    assert set(_stories(texts, {"orig": "Herald", "brief": "Blog"})) == {("brief", "orig")}


def test_house_style_and_formulas_are_not_signs_of_copying():
    """Four outlets state each story's facts in one wire-style formula, add a sentence of their
    own and end every article on their standing lines: no two share a story. An aggregator
    re-publishing one of their articles does."""
    formulas = [["The city council approved the new budget on Tuesday, officials said in a statement.",
                 "The port authority closed the northern depot on Monday, officials said in a statement."],
                ["The school board hired an outside auditor on Friday, officials said in a statement.",
                 "The health ministry cut the research grants on Sunday, officials said in a statement."]]
    footer = ["This story was updated with additional reporting from our correspondents in the region.",
              "Reporting by the newsroom staff; editing by the weekend desk; contact the desk with tips."]
    texts, doc_source = {}, {}
    for k, outlet in enumerate(["Herald", "Courier", "Ledger", "Post"]):
        for story in range(2):
            doc = f"{outlet}-{story}"
            texts[doc] = " ".join([*formulas[story], OWN[2 * k + story], *footer])
            doc_source[doc] = outlet
    assert _stories(texts, doc_source) == {}
    texts["copy"] = texts["Herald-0"].replace("Tuesday", "Tuesday morning")
    doc_source["copy"] = "Aggregator"
    assert set(_stories(texts, doc_source)) == {("Herald-0", "copy")}


def test_no_independent_outlet_is_named_a_copy_in_formulaic_wording(tmp_path):
    """Generated newsrooms (bench/run.py wording): outlets writing the answers in one formula
    and ending on the same boilerplate, with and without clusters of real copiers."""
    from bench.bench_wording import STYLES, build

    from annotator.services.reliability.scores import score_project
    from annotator.store import open_project

    for style in [s for s in STYLES if s.formulaic]:
        built = build(tmp_path / f"{style.name}.annotator", style, seed=1)
        store = open_project(built.path)
        try:
            named = {s.name: s.copies_of for s in score_project(store).sources if s.copies_of}
        finally:
            store.close()
        cluster: dict[str, set[str]] = {}  # each outlet of a cluster -> the cluster (original and copiers)
        for copier, original in built.copier_of.items():
            members = cluster.setdefault(original, {original})
            members.add(copier)
            cluster[copier] = members
        for outlet, originals in named.items():  # (the copy test may take an original for the copier)
            assert outlet in cluster and set(originals) <= cluster[outlet], (style.name, outlet, originals)
        for copier, original in built.copier_of.items():
            assert original in named.get(copier, []), (style.name, copier)


def test_an_update_of_an_article_is_a_version_not_house_style():
    """An outlet posts an article and its update (the same sentences and one more); another
    copies the article. The sentences the outlet printed twice are its story, not its house
    style: the copy is found against both versions."""
    texts = {"orig": " ".join(STORY + OWN[:2]), "orig-update": " ".join(STORY + OWN[:3]),
             "copy": " ".join(STORY + OWN[5:7])}
    doc_source = {"orig": "Herald", "orig-update": "Herald", "copy": "Blog"}
    assert set(_stories(texts, doc_source)) == {("copy", "orig"), ("copy", "orig-update")}


def test_a_formula_stays_a_formula_when_one_outlet_prints_it_twice():
    """Four outlets state three facts in one wire-style formula; one of them prints the same
    formulas in a second article. Its repeats are house style to it, and the formulas are still
    printed by four outlets: no two outlets share a story."""
    formulas = ["The city council approved the new budget on Tuesday, officials said in a statement.",
                "The port authority closed the northern depot on Monday, officials said in a statement.",
                "The school board hired an outside auditor on Friday, officials said in a statement."]
    own = [*OWN, *STORY, "A ferry carrying forty passengers was held in port until the wind dropped at dusk.",
           "The football club postponed its Saturday match because the pitch was still under water."]
    texts, doc_source = {}, {}
    for k, outlet in enumerate(["A", "B", "C", "D", "D2"]):  # D2: D's second article
        mine = own[3 * k:3 * k + 3]
        texts[outlet] = " ".join([formulas[0], mine[0], formulas[1], mine[1], formulas[2], mine[2]])
        doc_source[outlet] = outlet[0]
    assert _stories(texts, doc_source) == {}
