"""Copying found from the assertions themselves (ACCU / Depen style), for copies nobody marked.

Text re-use and "derived from" links find most copies (:mod:`.inputs`). Outlets that re-tell a
story in their own words are not found that way, and a cluster of them voting as one can turn
the whole model upside down (the "mirror" solution in which most sources look mostly wrong).
This module tests every pair of sources that share enough propositions:

* **Independent** sources agree by chance: both right (θ_i·θ_j) or both wrong
  ((1-θ_i)(1-θ_j)). Two reliable sources rarely share a *false* value.
* **Copying** with rate c: a share c of the copier's shared assertions are the original's value
  (true with probability θ_original), the rest is independent.

Per shared proposition the likelihood of what the two say is computed under both hypotheses
with the current claim probabilities and accuracies (with a weak Beta(2, 1) prior: under the
voting prior a source that is always right would look like 0.8, and two such sources agreeing
every time would look like copiers); summed over the pair it gives a
likelihood ratio for each copy rate c on a small grid, and with a prior P(copy) = 0.05 the
posterior probability of copying. Sharing false values is strong evidence (the independent
explanation is improbable for accurate sources), sharing true values weak, disagreeing is
evidence against.

The discount: on every proposition where the pair agrees, the copier's vote is multiplied by
(1 − r), r = posterior probability that *this* agreement is a copy (the expected copy rate of
the pair, sharpened by how improbable the agreement is without copying). Votes of a source that
agrees with several originals are discounted by each of them. The copier is the source with
fewer assertions (an aggregator re-publishes part of what its original says, so more of its
assertions are shared). Its own record and estimate still
count every assertion — what it publishes is its own track record.

Cost: the pairs come from sources asserting the same proposition, O(Σ_p n_p²); propositions
asserted by more than ``max_per_prop`` sources are skipped (popular claims say little about
who copies whom) and the total is capped at ``max_entries`` shared-proposition rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

# Copy rates considered (uniform prior over the grid, given copying).
RATES = np.array([0.1, 0.3, 0.6, 0.9])


@dataclass
class Pairs:
    """Source pairs tested for copying and the propositions on which they agree.

    Pair j: sources ``lo[j] < hi[j]`` sharing ``shared[j]`` propositions, disagreeing on
    ``disagree[j]`` of them; ``copier_is_hi[j]`` gives the direction. Agreement row k:
    assertions ``a[k]`` (of ``lo``) and ``b[k]`` (of ``hi``) of pair ``pair[k]`` say the same.
    """

    a: np.ndarray
    b: np.ndarray
    pair: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    shared: np.ndarray
    disagree: np.ndarray
    copier_is_hi: np.ndarray
    overlap: np.ndarray  # per pair: log evidence that they cover the same questions beyond chance
    chance: np.ndarray   # per pair: questions two independent sources like them would share

    @property
    def n_pairs(self) -> int:
        return int(self.lo.size)

    @cached_property
    def copier_row(self) -> np.ndarray:
        """The copier's assertion of each agreement row (worked out once: explanations ask for
        it per assertion)."""
        return np.where(self.copier_is_hi[self.pair], self.b, self.a)


def build_pairs(problem, *, min_shared: int = 5, max_per_prop: int = 60,
                max_entries: int = 6_000_000) -> Pairs | None:
    """Source pairs sharing at least ``min_shared`` propositions, with their agreement rows.

    Propositions of one exclusivity group are compared as one question: asserting two different
    members is a disagreement.
    """
    src, prop, pol = problem.source, problem.prop, problem.polarity
    n = src.size
    S, P = problem.n_sources, problem.n_props
    if n < 2 or S < 2:
        return None
    if problem.group is not None:
        g = np.asarray(problem.group, dtype=np.int64)
        qid = np.where(g >= 0, g, P + np.arange(P))  # the "question" each proposition answers
    else:
        qid = np.arange(P)
    # Sorted by question, then source: inside a question the first of a pair has the lower source.
    key = qid[prop] * np.int64(S) + src
    order = np.argsort(key, kind="stable")
    ks = qid[prop][order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    sizes = np.diff(np.r_[starts, n])
    cap = max_per_prop
    while True:
        ok = (sizes >= 2) & (sizes <= cap)
        total = int(np.sum(sizes[ok] * (sizes[ok] - 1) // 2))
        if total <= max_entries or cap <= 2:
            break
        cap = max(2, int(cap * 0.8))
    if total == 0:
        return None
    # Every (i, j), i < j, inside each kept question of the sorted order.
    idx_t = np.dtype(np.int32 if n < 2**31 - 1 else np.int64)
    size_of = np.repeat(np.where(ok, sizes, 0), sizes)
    rank = np.arange(n) - np.repeat(starts, sizes)
    partners = np.where(size_of > 0, size_of - 1 - rank, 0)
    first = np.repeat(np.arange(n, dtype=idx_t), partners)
    second = np.arange(first.size, dtype=idx_t)
    second -= np.repeat((np.cumsum(partners) - partners).astype(idx_t), partners)
    second += first + 1
    order = order.astype(idx_t)
    a, b = order[first], order[second]
    del first, second
    lo_s, hi_s = src[a], src[b]
    if problem.group is not None:
        same_prop = prop[a] == prop[b]
        keep = (lo_s != hi_s) & (same_prop | ((pol[a] > 0) & (pol[b] > 0)))
        a, b, lo_s, hi_s, same_prop = a[keep], b[keep], lo_s[keep], hi_s[keep], same_prop[keep]
        agree = same_prop & (pol[a] == pol[b])
    else:
        keep = lo_s != hi_s
        if not keep.all():
            a, b, lo_s, hi_s = a[keep], b[keep], lo_s[keep], hi_s[keep]
        agree = pol[a] == pol[b]
    pkey = lo_s * np.int64(S) + hi_s
    if S * S <= 1 << 23:  # dense counting is cheaper than sorting
        counts_all = np.bincount(pkey, minlength=S * S)
        good_all = counts_all >= min_shared
        if not good_all.any():
            return None
        new_id_all = (np.cumsum(good_all) - 1).astype(idx_t)
        keys = np.flatnonzero(good_all)
        shared = counts_all[keys]
        row_ok = good_all[pkey]
        pair_all = new_id_all[pkey]
    else:
        uniq, inv, counts = np.unique(pkey, return_inverse=True, return_counts=True)
        good = counts >= min_shared
        if not good.any():
            return None
        keys, shared = uniq[good], counts[good]
        row_ok = good[inv]
        pair_all = (np.cumsum(good) - 1).astype(idx_t)[inv]
    n_pairs = keys.size
    disagree = np.bincount(pair_all[row_ok & ~agree], minlength=n_pairs)
    take = row_ok & agree
    lo, hi = keys // S, keys % S
    activity = np.bincount(src, minlength=S)
    copier_is_hi = (activity[hi] < activity[lo]) | (activity[hi] == activity[lo])
    # Questions shared, for the overlap: a source naming two rival answers of one question makes
    # several rows of it for each partner; each question counts once.
    key_sorted = key[order]
    runs = np.diff(np.r_[np.flatnonzero(np.r_[True, key_sorted[1:] != key_sorted[:-1]]), n])
    if runs.size < n:
        mult = np.empty(n)
        mult[order] = np.repeat(runs, runs)
        questions = np.bincount(pair_all[row_ok], weights=1.0 / (mult[a[row_ok]] * mult[b[row_ok]]),
                                minlength=n_pairs)
    else:
        questions = shared.astype(float)
    chance, overlap = overlap_evidence(qid[prop], src, S, lo, hi, questions)
    return Pairs(a=a[take], b=b[take], pair=pair_all[take], lo=lo, hi=hi, shared=shared,
                 disagree=disagree, copier_is_hi=copier_is_hi, overlap=overlap, chance=chance)


#: Overlap evidence below this many nats beyond the multiple-testing allowance counts for nothing.
OVERLAP_MARGIN = 5.0
#: ... and at most this much (a prior of copying of 0.999 at the default 0.05: the answers still
#: decide how much of the copier's vote is discounted, through the copy rate).
OVERLAP_CAP = 10.0


def overlap_evidence(question: np.ndarray, src: np.ndarray, n_sources: int, lo: np.ndarray, hi: np.ndarray,
                     shared: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How far beyond chance each pair covers the same questions, as log evidence (≥ 0).

    Whether two sources agree cannot tell a copier of an unreliable outlet from two reliable
    sources once the model has mistaken the copied answers for the truth (the mirror solution):
    both explanations predict that they agree. *Which* questions a source takes up does not
    depend on the answers: an aggregator re-publishes most of what its original covers, while
    independent newsrooms take up questions at their own rate, more often the popular ones. The
    chance model gives source i question q with probability min(1, n_i·n_q/N) (n_i the questions
    i takes up, n_q the sources on q, N the total), so two independent sources are expected to
    share μ = Σ_q min(1, n_i·n_q/N)·min(1, n_j·n_q/N) questions. A pair sharing O > μ gets the
    Poisson log likelihood ratio O·log(O/μ) − (O − μ), less log(number of source pairs) +
    ``OVERLAP_MARGIN`` (so that the largest overlap among many independent pairs counts for
    nothing), capped at ``OVERLAP_CAP``. It raises the pair's prior probability of copying, and so
    the discount of the copier's agreeing votes; what the two say decides the copy rate, and it
    alone decides whether the pair is *shown* as copying (``scores.suspected_copies``). Outlets
    of one beat, covering the same stories far beyond chance, can therefore be discounted a
    little against each other where they agree: the price of finding copies that the answers
    cannot tell from the truth.

    On the generated newsrooms (bench/run.py regimes, synthetic) planted pairs score 14-70 before
    the allowance, independent pairs at most 10; outlets of one beat in Emergent (two Apple news
    sites) at most 7.

    Returns μ and the evidence, per pair.
    """
    if not lo.size:
        return np.zeros(0), np.zeros(0)
    tested = n_sources * (n_sources - 1) / 2.0  # (any pair could have been the one to share the most)
    key = np.unique(question.astype(np.int64) * n_sources + src)
    _, q_index = np.unique(key // n_sources, return_inverse=True)
    n_q = np.sort(np.bincount(q_index.reshape(-1)).astype(float))
    n_s = np.bincount(key % n_sources, minlength=n_sources).astype(float)
    total = n_q.sum()
    rate = n_s / total  # source i takes up question q with probability min(1, rate_i · n_q)
    sum1, sum2 = np.r_[0.0, np.cumsum(n_q)], np.r_[0.0, np.cumsum(n_q ** 2)]
    big, small = np.maximum(rate[lo], rate[hi]), np.minimum(rate[lo], rate[hi])
    # Questions with n_q ≥ 1/big are certain for the busier source, those with n_q ≥ 1/small for both.
    k1 = np.searchsorted(n_q, 1.0 / np.maximum(big, 1e-300))
    k2 = np.searchsorted(n_q, 1.0 / np.maximum(small, 1e-300))
    mu = big * small * sum2[k1] + small * (sum1[k2] - sum1[k1]) + (n_q.size - k2)
    observed = shared.astype(float)
    mu = np.maximum(mu, 1e-9)
    llr = np.where(observed > mu, observed * np.log(np.maximum(observed, 1e-300) / mu) - (observed - mu), 0.0)
    return mu, np.clip(llr - np.log(tested) - OVERLAP_MARGIN, 0.0, OVERLAP_CAP)


@dataclass
class CopyEstimate:
    discount: np.ndarray      # per assertion: factor applied to its vote (1 = independent)
    p_copy: np.ndarray        # per pair: posterior probability of copying
    rate: np.ndarray          # per pair: expected share of the copier's shared assertions copied
    pairs: Pairs
    resp: np.ndarray          # per agreement row: P(the copier's value was copied)
    evidence: np.ndarray  # per pair: log Bayes factor of copying from what they say alone

    @cached_property
    def _likely(self) -> tuple[np.ndarray, np.ndarray]:
        """The agreement rows likely copies (see ``originals_of``), by copier assertion, likeliest
        first: each one's copier assertion and original source."""
        kept = np.flatnonzero(self.resp >= LIKELY_COPY)
        kept = kept[np.lexsort((-self.resp[kept], self.pairs.copier_row[kept]))]
        j = self.pairs.pair[kept]
        return self.pairs.copier_row[kept], np.where(self.pairs.copier_is_hi[j], self.pairs.lo[j], self.pairs.hi[j])

    def originals_of(self, a: int) -> list[int]:
        """The sources that assertion ``a`` was likely copied from (a probability of at least
        ``LIKELY_COPY``), likeliest first."""
        copier, original = self._likely
        key = copier.dtype.type(a)  # (of the array's type: else the whole array is converted to search it)
        return original[np.searchsorted(copier, key, "left"):np.searchsorted(copier, key, "right")].tolist()


LIKELY_COPY = 0.1  # an agreement this likely copied names its original in explanations


def estimate(pairs: Pairs, theta: np.ndarray, correct: np.ndarray, n_assertions: int,
             prior: float = 0.05, copier_row: np.ndarray | None = None) -> CopyEstimate:
    """Posterior copy probability per pair and the vote discount per assertion."""
    eps = 1e-6
    th = np.clip(theta, 0.02, 0.98)
    a, pair = pairs.a, pairs.pair
    ti, tj = th[pairs.lo], th[pairs.hi]
    t_orig = np.where(pairs.copier_is_hi, ti, tj)
    ti, tj, t_orig = ti[pair], tj[pair], t_orig[pair]
    t = correct[a]  # P(the shared value is true)
    # Independent: both right or both wrong. Copying: the original's value, right with θ_original.
    l_ind = np.maximum(t * ti * tj + (1.0 - t) * (1.0 - ti) * (1.0 - tj), eps)
    ratio = (t * t_orig + (1.0 - t) * (1.0 - t_orig)) / l_ind
    n_pairs = pairs.n_pairs
    # The prior, raised for a pair that covers the same questions far beyond chance.
    prior = min(max(prior, 1e-9), 1.0 - 1e-9)
    log_odds = np.log(prior / (1.0 - prior)) + pairs.overlap
    p_prior = np.broadcast_to(1.0 / (1.0 + np.exp(-log_odds)), (n_pairs,))
    log_post = np.empty((RATES.size + 1, n_pairs))
    log_post[0] = np.log1p(-p_prior)
    for k, c in enumerate(RATES):
        ll = np.bincount(pair, weights=np.log(c * ratio + (1.0 - c)), minlength=n_pairs)
        log_post[k + 1] = np.log(p_prior / RATES.size) + ll + pairs.disagree * np.log1p(-c)
    # What the answers alone say (the prior taken out): log P(answers | copying) / P(... | not).
    top = log_post[1:].max(axis=0)
    evidence = (top + np.log(np.exp(log_post[1:] - top).sum(axis=0)) - np.log(p_prior)
                - (log_post[0] - np.log1p(-p_prior)))
    log_post -= log_post.max(axis=0)
    post = np.exp(log_post)
    post /= post.sum(axis=0)
    p_copy = 1.0 - post[0]
    rate = np.divide(RATES @ post[1:], p_copy, out=np.zeros(n_pairs), where=p_copy > 0)
    # Responsibility of each agreement: P(this shared value was copied).
    c = rate[pair]
    resp = p_copy[pair] * (c * ratio) / (c * ratio + (1.0 - c))
    if copier_row is None:
        copier_row = pairs.copier_row
    log_keep = np.bincount(copier_row, weights=np.log1p(-np.minimum(resp, 0.999)), minlength=n_assertions)
    return CopyEstimate(discount=np.exp(log_keep), p_copy=p_copy, rate=rate, pairs=pairs, resp=resp,
                        evidence=evidence)
