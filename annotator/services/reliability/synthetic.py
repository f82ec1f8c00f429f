"""Synthetic newsrooms with known source accuracies, for tests and the benchmark.

Sources have a true accuracy θ (70% Beta(8,2), 20% Beta(5,5), 10% Beta(2,6)) and a log-normal
activity; each claim is true with probability 0.4 and is asserted ("it is true") or denied ("it
is false") by independent sources, each right with probability θ. Optionally, "aggregators"
re-publish a share of the assertions of one of a few popular outlets (half of them unreliable),
with a little noise; the copies make up ``copy_share`` of all assertions. Copy detection (the
text-reuse signal of the app) is simulated: each copied assertion is recognised with
probability ``detect``. A random share ``verdict_share`` of claims gets a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.services.reliability.engine import Problem


@dataclass
class Synthetic:
    problem: Problem
    truth: np.ndarray          # per proposition: 1 true, 0 false
    accuracy: np.ndarray       # per source: the true accuracy the estimate should recover
    is_copier: np.ndarray      # per source
    copied: np.ndarray         # per assertion: True when it is a copy (detected or not)
    original: np.ndarray | None = None  # per source: whom a copier re-publishes (-1: nobody)

    def dependent(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether sources a and b (arrays) are planted as dependent: copier and its original, or
        two copiers of the same original."""
        o = self.original if self.original is not None else np.full(self.accuracy.size, -1)
        return ((o[a] >= 0) & ((o[a] == b) | (o[a] == o[b]))) | ((o[b] >= 0) & (o[b] == a))


def generate(n_claims: int = 1000, n_sources: int = 1000, *, per_claim: float = 10.0,
             copiers: float = 0.2, originals: int = 20, copy_share: float = 0.3,
             copy_noise: float = 0.02, detect: float = 0.8, verdict_share: float = 0.0,
             p_true: float = 0.4, seed: int = 0) -> Synthetic:
    rng = np.random.default_rng(seed)
    S = n_sources
    kind = rng.random(S)
    theta = np.where(kind < 0.7, rng.beta(8, 2, S), np.where(kind < 0.9, rng.beta(5, 5, S), rng.beta(2, 6, S)))
    activity = rng.lognormal(0.0, 1.0, S)
    n_copiers = round(copiers * S) if copiers > 0 else 0
    is_copier = np.zeros(S, dtype=bool)
    originals = min(originals, S - n_copiers) if n_copiers else 0
    by_activity = np.argsort(-activity, kind="stable")
    orig_ids = by_activity[:originals]
    if n_copiers:
        theta[orig_ids[: originals // 2]] = rng.beta(2, 6, originals // 2)  # popular and unreliable
        is_copier[rng.choice(by_activity[originals:], n_copiers, replace=False)] = True
    independent = np.flatnonzero(~is_copier)
    truth = (rng.random(n_claims) < p_true).astype(float)

    # Independent assertions: activity-weighted sources per claim, each right with prob θ.
    ind_total = per_claim * n_claims * (1.0 - (copy_share if n_copiers else 0.0))
    counts = np.maximum(1, rng.poisson(ind_total / n_claims, n_claims))
    prop = np.repeat(np.arange(n_claims), counts)
    w = activity[independent] / activity[independent].sum()
    src = independent[rng.choice(independent.size, prop.size, p=w)]
    key = np.unique(src.astype(np.int64) * n_claims + prop)
    src, prop = key // n_claims, key % n_claims
    right = rng.random(src.size) < theta[src]
    says_true = np.where(right, truth[prop] == 1, truth[prop] == 0)
    pol = np.where(says_true, 1, -1).astype(np.int8)
    copied_from = np.full(src.size, -1, dtype=np.int64)
    copied = np.zeros(src.size, dtype=bool)
    accuracy = theta.copy()
    original = np.full(S, -1, dtype=np.int64)

    if n_copiers:
        copier_ids = np.flatnonzero(is_copier)
        target = orig_ids[rng.integers(0, originals, n_copiers)]
        accuracy[copier_ids] = (1 - copy_noise) * theta[target] + copy_noise * (1 - theta[target])
        original[copier_ids] = target
        orig_rows = {o: np.flatnonzero(src == o) for o in orig_ids}
        pool = sum(orig_rows[o].size for o in target)
        frac = min(1.0, copy_share / (1.0 - copy_share) * src.size / max(pool, 1))
        c_src, c_prop, c_pol, c_from = [], [], [], []
        for cid, o in zip(copier_ids, target, strict=True):
            rows = orig_rows[o]
            take = rows[rng.random(rows.size) < frac]
            flip = rng.random(take.size) < copy_noise
            c_src.append(np.full(take.size, cid))
            c_prop.append(prop[take])
            c_pol.append(np.where(flip, -pol[take], pol[take]))
            c_from.append(np.where(rng.random(take.size) < detect, o, -1))
        src = np.concatenate([src, *c_src])
        prop = np.concatenate([prop, *c_prop])
        n_copy = sum(len(x) for x in c_src)
        pol = np.concatenate([pol, *c_pol]).astype(np.int8)
        copied_from = np.concatenate([copied_from, *c_from])
        copied = np.concatenate([copied, np.ones(n_copy, dtype=bool)])

    verdict = np.full(n_claims, np.nan)
    if verdict_share > 0:
        given = rng.random(n_claims) < verdict_share
        verdict[given] = truth[given]
    problem = Problem(S, n_claims, src, prop, pol, verdict, copied_from=copied_from)
    return Synthetic(problem, truth, accuracy, is_copier, copied, original)


def coverage(result, accuracy: np.ndarray, min_claims: int = 3) -> tuple[float, int, float]:
    """Share of scored sources (≥ min_claims) whose interval holds the true accuracy, their
    number, and the mean interval width."""
    ok = (result.claims >= min_claims) & ~np.isnan(result.estimate)
    if not ok.any():
        return float("nan"), 0, float("nan")
    inside = (result.estimate_lo[ok] <= accuracy[ok]) & (accuracy[ok] <= result.estimate_hi[ok])
    return float(inside.mean()), int(ok.sum()), float(np.mean(result.estimate_hi[ok] - result.estimate_lo[ok]))
