"""Similar passages: quality on Emergent's rumour/headline pairs and on the demo's links; speed.

Emergent (../shared/data/emergent) pairs each tracked rumour with the headlines of
the articles that reported it, often in other words and numbers ("Apple will sell
19 million Apple Watches" / "BMO forecasts 19M Apple Watch sales"). Each headline
is indexed as one document; each rumour is the query; a hit is a headline of the
same rumour. Compared in the same run: the app's scorer, the same without number
normalisation and synonyms, and a plain rapidfuzz scan over every headline.
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from collections import defaultdict
from functools import partial
from pathlib import Path

from annotator.services import matching, nlp

REPO = Path(__file__).resolve().parent.parent
EMERGENT = REPO.parent / "shared" / "data" / "emergent" / "edata_all.csv"
K = 10


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _emergent():
    with open(EMERGENT, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    claims: dict[str, str] = {}
    articles: dict[str, str] = {}
    by_claim: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        claims[row["claimId"]] = row["claimHeadline"]
        articles[row["articleId"]] = row["articleHeadline"]
        by_claim[row["claimId"]].add(row["articleId"])
    return claims, articles, by_claim


def _scores(ranked: dict[str, list[str]], by_claim) -> tuple[float, float]:
    recalls, reciprocal = [], []
    for claim_id, found in ranked.items():
        relevant = by_claim[claim_id]
        recalls.append(len(relevant & set(found[:K])) / min(K, len(relevant)))
        first = next((i for i, a in enumerate(found) if a in relevant), None)
        reciprocal.append(0.0 if first is None else 1.0 / (first + 1))
    return statistics.mean(recalls), statistics.mean(reciprocal)


def _plain_tokens(text: str) -> list[str]:
    return [t for t in nlp.tokens(text) if t not in nlp.STOPWORDS]


def run_emergent_quality(tmp: Path):
    rows = []
    if not EMERGENT.exists():
        return "Similar passages (Emergent): data not found, skipped", [("-", "-", "-", "")]
    claims, articles, by_claim = _emergent()
    t0 = time.perf_counter()
    indexes = tuple(matching.index_document(a, a, text) for a, text in articles.items())
    build = time.perf_counter() - t0
    variants = {}

    def app(query):
        found = matching.similar(indexes, query, limit=K, min_score=0, per_document=1)
        return [m.passage.document_id for m in found]

    variants["annotator (coverage + token_set_ratio, numbers, synonyms)"] = app

    original = nlp.content_tokens
    plain_indexes = None

    def without_normalising(query):
        return app_with(plain_indexes, query)

    def app_with(ix, query):
        found = matching.similar(ix, query, limit=K, min_score=0, per_document=1)
        return [m.passage.document_id for m in found]

    from rapidfuzz import fuzz, process, utils

    ids, texts = list(articles), [articles[a] for a in articles]
    lowered = [t.lower() for t in texts]

    def rapidfuzz_scan(query):
        return [ids[i] for _, _, i in process.extract(query.lower(), lowered, scorer=fuzz.token_set_ratio, limit=K)]

    def wratio_scan(query):
        return [ids[i] for _, _, i in process.extract(query, texts, scorer=fuzz.WRatio, limit=K,
                                                      processor=utils.default_process)]

    results = {}
    for name, fn in variants.items():
        results[name] = _evaluate(fn, claims, by_claim)
    # The same scorer with plain tokens: no number normalisation, stemming or synonyms.
    nlp.content_tokens = lambda text: _plain_tokens(text.translate({0x2019: "'"}))
    try:
        plain_indexes = tuple(matching.index_document(a, a, text) for a, text in articles.items())
        results["same scorer, plain words (no numbers/stems/synonyms)"] = _evaluate(without_normalising, claims,
                                                                                  by_claim)
    finally:
        nlp.content_tokens = original
    results["rapidfuzz token_set_ratio, full scan"] = _evaluate(rapidfuzz_scan, claims, by_claim)
    results["rapidfuzz WRatio, full scan"] = _evaluate(wratio_scan, claims, by_claim)

    base_recall = results["rapidfuzz token_set_ratio, full scan"][0]
    for name, (recall, mrr, per_query) in results.items():
        rows.append((name, f"recall@{K} {recall:.3f} · MRR {mrr:.3f} · {per_query * 1000:.2f} ms/query",
                     f"×{recall / base_recall:.2f} recall vs scan", ""))
    rows.append((f"index {len(articles)} headlines (spaCy sentences)", _ms(build), "-", ""))
    return (f"Similar passages on Emergent: {len(claims)} rumours as queries, {len(articles)} headlines",
            rows)


def _evaluate(fn, claims, by_claim):
    ranked = {}
    t0 = time.perf_counter()
    for claim_id, query in claims.items():
        ranked[claim_id] = fn(query)
    per_query = (time.perf_counter() - t0) / len(claims)
    recall, mrr = _scores(ranked, by_claim)
    return recall, mrr, per_query


def run_demo_and_speed(tmp: Path):
    from annotator.services.demo import create_demo_project

    rows = []
    store = create_demo_project(tmp / "match-demo.annotator")
    index = matching.MatchIndex()
    t0 = time.perf_counter()
    matching.refresh_index(store, index)
    rows.append(("index the 5 demo articles (incl. importing spaCy)", _ms(time.perf_counter() - t0), "-", ""))
    snapshot = index.snapshot()
    claims = {c.id: c for c in store.claims()}
    first = top3 = n = 0
    for link in store.links():
        for a, b in ((link.from_claim_id, link.to_claim_id), (link.to_claim_id, link.from_claim_id)):
            ca, cb = claims[a], claims[b]
            if ca.document_id == cb.document_id:
                continue
            n += 1
            found = [m for m in matching.similar(snapshot, ca.quote, exclude_document_id=ca.document_id,
                                                 limit=100, min_score=0, per_document=100)
                     if m.passage.document_id == cb.document_id]
            rank = next((i for i, m in enumerate(found) if m.passage.start < cb.end and cb.start < m.passage.end), None)
            first += rank == 0
            top3 += rank is not None and rank < 3
    rows.append((f"demo links: linked sentence ranked first in its document ({n} link ends)",
                 f"{first / n:.2f}", "-", ""))
    rows.append(("demo links: linked sentence in its document's top 3", f"{top3 / n:.2f}", "-", ""))
    t = statistics.median(_time(partial(matching.suggestions_for_claim, store, index, c.id))
                          for c in claims.values())
    rows.append(("suggestions for one demo claim (query + store look-ups)", _ms(t), "≤ 50 ms",
                 "yes" if t <= 0.05 else "NO"))
    store.close()

    # A large project: 50,000 sentences in 100 documents, drawn from the seed articles' words
    # with Zipf-like frequencies (common words common, names and figures rare).
    rng = random.Random(3)
    counts: dict[str, int] = defaultdict(int)
    for path in sorted((REPO / "seeds").glob("*.txt")):
        for word in path.read_text(encoding="utf-8").split():
            counts[word] += 1
    vocabulary = sorted(counts, key=lambda w: -counts[w])
    weights = [1 / (i + 1) for i in range(len(vocabulary))]
    docs = []
    for d in range(100):
        sentences = [" ".join(rng.choices(vocabulary, weights, k=rng.randint(8, 30))) + "." for _ in range(500)]
        docs.append(("\n".join(sentences), f"d{d}"))
    t0 = time.perf_counter()
    big = tuple(matching.index_document(doc_id, doc_id, text) for text, doc_id in docs)
    build = time.perf_counter() - t0
    total = sum(len(text) for text, _ in docs)
    rows.append((f"index 50,000 sentences ({total / 1e6:.1f} MB)", _ms(build), "worker", ""))
    queries = [big[rng.randrange(100)].passages[rng.randrange(500)].text for _ in range(50)]
    t = statistics.median(_time(lambda q=q: matching.similar(big, q)) for q in queries)
    rows.append(("query against 50,000 sentences (median of 50)", _ms(t), "≤ 50 ms", "yes" if t <= 0.05 else "NO"))
    from rapidfuzz import fuzz, process

    flat = [p.text for ix in big for p in ix.passages]
    scan = statistics.median(_time(lambda q=q: process.extract(q, flat, scorer=fuzz.token_set_ratio, limit=8))
                             for q in queries[:10])
    rows.append(("same, rapidfuzz token_set_ratio over every sentence", _ms(scan), f"×{scan / t:.0f} slower", ""))
    return "Similar passages: demo links and speed", rows


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run_checkworthy(tmp: Path):
    """Sentences worth checking: how many are flagged, how many demo claims they hold, speed."""
    from annotator.services import checkworthy
    from annotator.services.demo import create_demo_project

    rows = []
    store = create_demo_project(tmp / "checkworthy-demo.annotator")
    nlp.pipeline()  # spaCy's import is not part of the rules' cost
    sentences = flagged = holding = claims = covered = any_holding = 0
    for doc in store.documents():
        text = store.document_text(doc.id)
        found = checkworthy.hints(text)
        every = nlp.sentences(text)
        sentences += len(every)
        flagged += len(found)
        doc_claims = store.claims(doc.id)
        holding += sum(any(c.start < h.end and h.start < c.end for c in doc_claims) for h in found)
        claims += len(doc_claims)
        any_holding += sum(any(c.start < s.end and s.start < c.end for c in doc_claims) for s in every)
        covered += sum(any(h.start < c.end and c.start < h.end for h in found) for c in doc_claims)
    store.close()
    rows.append(("demo: sentences flagged", f"{flagged} of {sentences} ({flagged / sentences:.0%})", "-", ""))
    rows.append(("demo: the fact-checker's claims inside flagged sentences",
                 f"{covered} of {claims} ({covered / claims:.0%})", "-", ""))
    rows.append(("demo: flagged sentences that hold a claim", f"{holding / flagged:.0%}",
                 f"any sentence: {any_holding / sentences:.0%}", ""))
    from bench.bench_store import _five_mb_text

    text = _five_mb_text(tmp / "cw-big.txt").read_text(encoding="utf-8").replace("\r\n", "\n")
    t0 = time.perf_counter()
    found = checkworthy.hints(text)
    rows.append((f"flag a {len(text) / 1e6:.1f} MB document ({len(found):,} flagged)", _ms(time.perf_counter() - t0),
                 "worker", ""))
    return "Sentences worth checking", rows
