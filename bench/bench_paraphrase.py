"""Paraphrase-aware matching: what a static embedding model would add to the app's lexical
scorer on Emergent, measured on a held-out half. The numbers behind the decision not to
bundle one (README, "Similar passages"): the only static model found that ships inside a
package on the registry is WordLlama's ``l2_supercat`` (wordllama 0.4.0.post1, 256
dimensions), whose token embeddings and tokenizer derive from Llama 2.

The model is not a dependency of the app. This suite runs when ``wordllama``,
``safetensors`` and ``tokenizers`` are installed beside it (``pip install wordllama``) and
is skipped otherwise. Only the package's files are read (weights and tokenizer, from the
installed package: no network); the embedding is computed here: the tokens' vectors
averaged with smooth inverse-frequency weights (tokens common in the headlines count less),
then unit length. Fusion: ``w × cosine + (1 − w) × lexical score / 100`` over every headline,
with ``w`` chosen on the tuning half (the rumours split at random with a fixed seed) and
reported on the other half.
"""

from __future__ import annotations

import importlib.util
import random
import time
from collections import Counter
from pathlib import Path

from bench.bench_matching import EMERGENT, K, _emergent, _scores
from annotator.services import matching

WEIGHTS = ("weights", "l2_supercat_256.safetensors")
TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
SPLIT_SEED = 7
SIF_A = 1e-3  # smooth inverse frequency: a token of frequency p weighs a / (a + p)


def _model():
    """(embedding matrix, tokenizer) from the installed wordllama package's own files."""
    import numpy as np
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    spec = importlib.util.find_spec("wordllama")
    assert spec is not None and spec.submodule_search_locations
    package = Path(next(iter(spec.submodule_search_locations)))
    matrix = load_file(str(package.joinpath(*WEIGHTS)))["embedding.weight"].astype(np.float32)
    return matrix, Tokenizer.from_file(str(package.joinpath(*TOKENIZER)))


def run(tmp: Path):
    title = "Paraphrase-aware matching on Emergent (held-out half)"
    missing = [m for m in ("wordllama", "safetensors", "tokenizers", "numpy") if importlib.util.find_spec(m) is None]
    if missing or not EMERGENT.exists():
        why = f"{', '.join(missing)} not installed" if missing else "Emergent data not found"
        return title, [(f"skipped: {why} (pip install wordllama to run it)", "-", "-", "")]
    import numpy as np

    claims, articles, by_claim = _emergent()
    began = time.perf_counter()
    matrix, tokenizer = _model()
    loaded = time.perf_counter() - began
    ids = list(articles)
    encoded = tokenizer.encode_batch([articles[a] for a in ids], add_special_tokens=False)
    counts = Counter(t for e in encoded for t in e.ids)
    total = sum(counts.values())

    def embed(encodings) -> np.ndarray:
        out = np.zeros((len(encodings), matrix.shape[1]), np.float32)
        for i, e in enumerate(encodings):
            if e.ids:
                weights = np.array([SIF_A / (SIF_A + counts.get(t, 0) / total) for t in e.ids], np.float32)
                out[i] = weights @ matrix[e.ids] / weights.sum()
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    began = time.perf_counter()
    headlines = embed(encoded)
    indexing = (time.perf_counter() - began) / len(ids)
    queries = list(claims)
    random.Random(SPLIT_SEED).shuffle(queries)
    tune, held = queries[: len(queries) // 2], queries[len(queries) // 2:]
    asked = embed(tokenizer.encode_batch([claims[c] for c in queries], add_special_tokens=False))
    row_of = {c: i for i, c in enumerate(queries)}
    column = {a: i for i, a in enumerate(ids)}
    indexes = tuple(matching.index_document(a, a, text) for a, text in articles.items())
    lexical = {}
    for c in queries:
        scores = np.zeros(len(ids), np.float32)
        for m in matching.similar(indexes, claims[c], limit=len(ids), min_score=0, per_document=1):
            scores[column[m.passage.document_id]] = m.score / 100
        lexical[c] = scores

    def measured(group, weight):
        ranked = {c: [ids[i] for i in np.argsort(-(weight * (headlines @ asked[row_of[c]])
                                                  + (1 - weight) * lexical[c]), kind="stable")[:K]]
                  for c in group}
        return _scores(ranked, {c: by_claim[c] for c in group})

    best = max((w / 10 for w in range(1, 10)), key=lambda w: measured(tune, w))
    today = measured(held, 0.0)
    fused = measured(held, best)
    rows = [("the app's lexical scorer (today)", f"recall@{K} {today[0]:.3f} · MRR {today[1]:.3f}", "-", ""),
            ("l2_supercat alone", "recall@{} {:.3f} · MRR {:.3f}".format(K, *measured(held, 1.0)), "-", ""),
            (f"fused, w = {best:.1f} (chosen on the tuning half)", f"recall@{K} {fused[0]:.3f} · MRR {fused[1]:.3f}",
             "recall@10 ≥ 0.90, MRR above today's", "yes" if fused[0] >= 0.90 and fused[1] > today[1] else "NO")]
    rows.append(("load the model (16 MB, float16) / embed one headline",
                 f"{loaded * 1000:.0f} ms / {indexing * 1e6:.0f} µs", "-", ""))
    return f"{title}: {len(held)} of {len(queries)} rumours held out, {len(ids)} headlines", rows
