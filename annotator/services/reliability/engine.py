"""The reliability engine: verdict-anchored, copy-aware truth inference on plain arrays.

What it computes, in the words the app uses:

* **Record** of a source: of its claims whose truth a fact-checker settled, how many held up
  ("27 of 38 checked claims held up"), with a Beta(1 + held up, 1 + did not) 90% interval.
  Nothing is inferred; every number can be audited claim by claim.
* **Estimate** of a source: the share of *all* its claims that are true, where unchecked claims
  count through agreement with other, independent sources. It is labelled "inferred".
* **Probability** of an unchecked claim: how likely it is true given who asserted it, who
  asserted a competing claim, and how reliable each of them is.

The model ("BetaTruth", one-coin Bayesian truth discovery): every source *s* has an accuracy
θ_s ~ Beta(a0, b0); every proposition is true or false, with prior P(true) = π learnt from the
verdicts only ((#true + 1) / (#verdicts + 2); 0.5 when there are none). An assertion by *s* is
correct with probability θ_s. Alternating until nothing moves:

  E-step  log-odds(p true) = logit π + Σ_assertions w · polarity · logit θ_s  (an additive ledger;
          that ledger *is* the explanation of a claim). Verdicts clamp their proposition to 0/1.
          Propositions in one exclusivity group (claims linked as contradicting) compete: at most
          one of them is true (or exactly one, for multi-valued data such as book authors); "none
          of them" has prior probability ``rival_none``, and asserting one of m rival answers adds
          log(m - 1) (at most log 3) to its term, as a wrong source could have named any other.
  M-step  θ_s = (a0 + Σ q) / (a0 + b0 + n), q = P(the assertion is correct).

*w* is the corroboration weight. A copied assertion (re-used text, or marked "derived from")
gets w = 0 when its original also asserts the proposition, so a re-publication never counts as
independent confirmation. Copies nobody marked are found from the assertions themselves
(:mod:`.copying`, ACCU-style): a pair of sources that agrees far more often than their
accuracies explain — above all on propositions that turn out false — is probably copying, and
the copier's agreeing votes are multiplied by (1 - P(this agreement was copied)). The copy test
and the truths are re-estimated alternately a few times. The source's own counts still include
every assertion (what it publishes is its own track record).

Repetition versus denial. News outlets repeat rumours far more readily than they deny true
stories, so an assertion counts for 0.7 of a denial by default (``evidence_scale``; chosen on
half of the Emergent claims and checked on the other half, see bench/bench_reliability.py).
With at least 30 verdicts the engine fits both scales (for assertions and for denials) that
multiply the log-odds terms, by penalised logistic regression of the verdicts on the evidence
computed with each source's accuracy *leaving that claim out*, shrunk toward the defaults.

Mirror guard. Without verdicts every solution has a mirror image (all claims flipped, every
accuracy θ → 1 - θ). If 40% or more of the sources end up "mostly wrong", the model is restarted
from the flipped claims and the solution with fewer such sources is kept: "most sources are
mostly wrong" is treated as a symptom (usually of undetected copying), not as an answer.

Two priors. When weighing votes, a source with little track record counts as a typical one
(Beta(6, 3): mean 2/3, worth 9 claims — stable claim inference on long-tail sources). The
estimate shown to people uses a weak Beta(2, 1) prior so that it follows the evidence:
a strong prior pulls unreliable sources' intervals toward 2/3 and they miss.

Honest intervals. The plain mean-field posterior Beta(a0 + Σq, b0 + Σ(1-q)) treats inferred
truths as if they were observed, so it is over-confident. We use the *observed* information
(Louis' identity): every assertion contributes ``1 - q(1-q) / (θ(1-θ))`` effective claims — a
verified claim (q = 0 or 1) counts fully, a claim only this source makes (its truth is as
uncertain as the source itself) counts for nothing, and none counts for less than nothing. The
interval is the Beta with the soft share of correct claims spread over that effective count;
that share counts each claim with its log-odds made 1.5 times sharper, because the cautious
voting priors leave the claim probabilities under-confident and would pull every estimate toward
the middle (see ``_sharpened``). The bench checks coverage on generated data with known
accuracies (bench/run.py synthetic and regimes).

Everything is numpy over flat arrays (one row per assertion), O(iterations × assertions), plus
O(Σ n_p²) for the copy test over the n_p sources of each proposition (capped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from annotator.services.reliability import copying
from annotator.services.reliability.betadist import beta_interval

TRUE, FALSE = 1.0, 0.0


@dataclass
class Config:
    """Knobs of the model; the defaults are what the app uses."""

    prior_a: float = 6.0          # prior of a source's accuracy when weighing its votes: mean 0.67,
    prior_b: float = 3.0          # worth 9 claims (long-tail sources count as typical ones)
    record_prior: tuple[float, float] = (1.0, 1.0)  # flat prior for the auditable record
    level: float = 0.9            # credible level of every interval
    max_iter: int = 100
    tol: float = 1e-6
    min_checked: int = 3          # fewer checked claims: the record is "not enough data"
    # fewer effective claims: the estimate is "not enough data". At 3, a source with 2 of 2
    # checked claims true was declined while a neighbour with more claims got a number; at 2
    # its interval is wide but says something (bench/run.py regimes, the demo rows)
    min_evidence: float = 2.0
    base_rate: float | None = None  # fixed P(claim true); None = learn it from the verdicts
    calibrate: bool = True        # learn how much agreement (and denial) is worth from verdicts
    evidence_scale: tuple[float, float] = (1.0, 0.7)  # (denial, assertion) before calibration
    calibration_sd: float = 1.0   # prior sd of the evidence scales around evidence_scale
    min_calibration: int = 30     # verdicts needed before calibrating
    calibration_rounds: int = 3
    report_prior: tuple[float, float] | None = (2.0, 1.0)  # prior of the shown estimate (weak)
    estimate_sharpness: float = 1.5  # the shown estimate counts a claim true with logistic(this × its log-odds)
    detect_copies: bool = True    # look for copying in the assertions themselves (see copying.py)
    copy_prior: float = 0.05      # prior probability that a pair of sources copies
    copy_min_shared: int = 5      # pairs sharing fewer propositions are not tested
    copy_theta_prior: tuple[float, float] = (2.0, 1.0)  # prior of the accuracies used by the copy test
    copy_rounds: int = 4          # re-estimate copying and truths this many times at most
    copy_tol: float = 0.002       # ... or until vote weights move less than this on average
    mirror_share: float = 0.4     # without verdicts, this share of sources below 0.5 is suspicious
    rival_none: float = 0.1       # prior probability that none of a group of rival claims is true


@dataclass(init=False)
class Problem:
    """Inputs of the engine. Index spaces: sources 0..S-1, propositions 0..P-1, assertions 0..A-1.

    ``polarity`` is +1 when the source asserts the proposition, -1 when it denies it.
    ``verdict`` holds 1.0 (true), 0.0 (false) or NaN (no verdict) per proposition.
    ``group`` gives each proposition an exclusivity group id (-1: on its own); at most one
    proposition of a group is true, exactly one where ``exactly_one[group]`` is set.
    ``copied_from`` is, per assertion, the source it was copied from (-1: not a copy).
    Left out, polarity is all +1, verdict all NaN and copied_from all -1; group and
    exactly_one stay None (no exclusivity groups).
    """

    n_sources: int
    n_props: int
    source: np.ndarray
    prop: np.ndarray
    polarity: np.ndarray
    verdict: np.ndarray
    group: np.ndarray | None
    exactly_one: np.ndarray | None
    copied_from: np.ndarray

    def __init__(self, n_sources: int, n_props: int, source: ArrayLike, prop: ArrayLike,
                 polarity: ArrayLike | None = None, verdict: ArrayLike | None = None,
                 group: ArrayLike | None = None, exactly_one: ArrayLike | None = None,
                 copied_from: ArrayLike | None = None):
        self.n_sources, self.n_props = n_sources, n_props
        self.source = np.asarray(source, dtype=np.int64)
        self.prop = np.asarray(prop, dtype=np.int64)
        n = self.source.size
        if self.prop.size != n:
            raise ValueError("source and prop must have one entry per assertion")
        self.polarity = np.ones(n, dtype=np.int8) if polarity is None else np.asarray(polarity, dtype=np.int8)
        self.verdict = np.full(n_props, np.nan) if verdict is None else np.asarray(verdict, dtype=float)
        self.group = None if group is None else np.asarray(group, dtype=np.int64)
        self.exactly_one = None if exactly_one is None else np.asarray(exactly_one, dtype=bool)
        self.copied_from = (np.full(n, -1, dtype=np.int64) if copied_from is None
                            else np.asarray(copied_from, dtype=np.int64))
        if n and (self.source.min() < 0 or self.source.max() >= self.n_sources
                  or self.prop.min() < 0 or self.prop.max() >= self.n_props):
            raise ValueError("assertion index out of range")


@dataclass
class Result:
    """Everything the app and the bench read back. Arrays are indexed like :class:`Problem`."""

    prob: np.ndarray            # P(proposition true); verdicts give exactly 0 / 1
    fixed: np.ndarray           # bool: truth settled by verdicts (directly or via a rival rated true)
    weight: np.ndarray          # per assertion: corroboration weight after copy handling
    push: np.ndarray            # per assertion: its term in the proposition's log-odds
    correct: np.ndarray         # per assertion: P(the assertion is correct)
    effect: np.ndarray          # per assertion: how much it moved its source's estimate
    theta: np.ndarray           # per source: accuracy used inside the model (posterior mean)
    claims: np.ndarray          # per source: number of assertions
    n_eff: np.ndarray           # per source: effective number of claims behind the estimate
    estimate: np.ndarray        # per source: NaN when not enough data
    estimate_lo: np.ndarray
    estimate_hi: np.ndarray
    checked: np.ndarray         # per source: assertions on settled propositions
    held_up: np.ndarray         # ... of which correct
    record: np.ndarray          # held_up / checked; NaN when fewer than min_checked
    record_lo: np.ndarray
    record_hi: np.ndarray
    base_rate: float
    prior_logit: float
    scale: np.ndarray           # evidence scales (denial, assertion) calibrated on verdicts
    iterations: int
    converged: bool
    config: Config = field(default_factory=Config)
    copy_discount: np.ndarray | None = None  # per assertion: vote factor from assertion-based copy detection
    copies: copying.CopyEstimate | None = None  # the pairs tested and their copy probabilities
    kept: dict = field(default_factory=dict, repr=False)  # what a fit resumed from this one takes over
    # the claim probabilities where each step of the fit ended (a fit resumed from this one
    # starts each step there: see ``fit``)
    stages: dict[str, np.ndarray] = field(default_factory=dict)


def _logit(p):
    return np.log(p) - np.log1p(-p)


def copy_weights(problem: Problem) -> np.ndarray:
    """Corroboration weight per assertion: 0 for a copy whose original says the same thing.

    A copy whose original did not assert the proposition keeps weight 1 (nothing is counted
    twice). When sources copy each other in a loop on one proposition (A from B and B from A,
    or A from B from C from A), the one with the lowest index keeps its weight: the loop is
    one voice, not none.
    """
    n = problem.source.size
    weight = np.ones(n)
    cf = problem.copied_from
    mask = (cf >= 0) & (cf != problem.source)
    if not mask.any():
        return weight
    P = np.int64(problem.n_props)
    key = (problem.source * P + problem.prop) * 2 + (problem.polarity > 0)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    idx = np.flatnonzero(mask)
    want = (cf[idx] * P + problem.prop[idx]) * 2 + (problem.polarity[idx] > 0)
    pos = np.searchsorted(sorted_key, want)
    pos_c = np.minimum(pos, n - 1)
    found = sorted_key[pos_c] == want
    original = order[pos_c]
    weight[idx[found]] = 0.0
    # Loops of copies: the copy-of graph has at most one edge out of each assertion, so each
    # walk either ends at an original or closes a loop; a loop keeps its lowest source.
    successor = np.full(n, -1, dtype=np.int64)
    successor[idx[found]] = original[found]
    nxt, src = successor.tolist(), problem.source.tolist()
    state = [0] * n  # 0 unseen, 1 on the current walk, 2 done
    for start in idx[found].tolist():
        if state[start]:
            continue
        walk, node = [], start
        while node >= 0 and state[node] == 0:
            state[node] = 1
            walk.append(node)
            node = nxt[node]
        if node >= 0 and state[node] == 1:
            loop = walk[walk.index(node):]
            weight[min(loop, key=lambda a: (src[a], a))] = 1.0
        for a in walk:
            state[a] = 2
    return weight


def _groups(problem: Problem):
    """Sort order, segment starts and per-proposition segment id of the exclusivity groups."""
    P = problem.n_props
    if problem.group is None:
        return None
    group = np.asarray(problem.group, dtype=np.int64)
    gid = np.where(group >= 0, group, -1)
    # Propositions on their own get fresh ids after the real groups.
    alone = gid < 0
    n_real = int(gid.max()) + 1 if (~alone).any() else 0
    gid = gid.copy()
    gid[alone] = n_real + np.arange(int(alone.sum()))
    sizes = np.bincount(gid, minlength=n_real + int(alone.sum()))
    if (sizes[:n_real] <= 1).all() and problem.exactly_one is None:
        return None
    exactly = np.zeros(sizes.size, dtype=bool)
    if problem.exactly_one is not None:
        ex = np.asarray(problem.exactly_one, dtype=bool)
        exactly[: min(ex.size, n_real)] = ex[:n_real]
    order = np.argsort(gid, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(gid[order]) != 0])
    seg_of_sorted = np.cumsum(np.r_[True, np.diff(gid[order]) != 0]) - 1
    seg = np.empty(P, dtype=np.int64)
    seg[order] = seg_of_sorted
    seg_exactly = exactly[gid[order][starts]]
    return order, starts, seg, seg_exactly


def _posterior(score: np.ndarray, verdict: np.ndarray, groups) -> np.ndarray:
    """P(true) per proposition from log-odds scores, verdict clamps and exclusivity groups."""
    is_true = verdict == TRUE
    is_false = verdict == FALSE
    if groups is None:
        prob = 1.0 / (1.0 + np.exp(-np.clip(score, -700, 700)))
        prob[is_true] = 1.0
        prob[is_false] = 0.0
        return prob
    s = np.where(is_false, -np.inf, score)
    # A proposition alone: its score against its "none" state's (0, or minus infinity when it
    # must be true), the logistic of their difference (worked out for all: most are alone).
    with np.errstate(invalid="ignore", over="ignore"):
        prob = 1.0 / (1.0 + np.exp(np.clip(groups.none_of - s, -700, 700)))
    # Rivals: a softmax over each group and its "none" state.
    m = groups.members
    if m.size:
        s = s[m]
        order, starts, seg, seg_none = groups.m_order, groups.m_starts, groups.m_seg, groups.m_none
        seg_max = np.maximum(np.maximum.reduceat(s[order], starts), seg_none)
        seg_max = np.where(np.isfinite(seg_max), seg_max, 0.0)
        ex = np.exp(s - seg_max[seg])
        total = np.add.reduceat(ex[order], starts) + np.exp(seg_none - seg_max)
        with np.errstate(invalid="ignore", divide="ignore"):
            in_group = np.where(total[seg] > 0, ex / total[seg], 0.0)
        # A member rated true settles the whole group.
        true_in_seg = np.bincount(seg, weights=is_true[m].astype(float), minlength=starts.size) > 0
        prob[m] = np.where(true_in_seg[seg], 0.0, in_group)
    prob[is_true] = 1.0
    prob[is_false] = 0.0
    return prob


def _with_none_state(groups, cfg: Config, prior_logit: float):
    """Replace each segment's "exactly one" flag by the score of its "none of them is true"
    state: minus infinity for exactly-one groups; 0 for a proposition on its own (so its
    probability is the plain logistic of its score); and for k rivals of which at most one
    is true, the score that gives "none" the prior probability ``cfg.rival_none`` when
    nothing is known. With independent priors instead, "none" had a third of the mass of a
    yes/no pair, and without verdicts the model could settle on "every claim is false, every
    source mostly wrong"."""
    if groups is None:
        return None
    order, starts, seg, seg_exactly = groups
    size = np.diff(np.r_[starts, order.size])
    nu = min(max(cfg.rival_none, 1e-6), 1 - 1e-6)
    rivals = np.log(nu / (1 - nu)) + np.log(np.maximum(size, 1)) + prior_logit
    seg_none = np.where(seg_exactly, -np.inf, np.where(size > 1, rivals, 0.0))
    alone = size[seg] == 1
    members = np.flatnonzero(~alone)
    # The groups of two or more again, over their members only (most propositions are alone).
    m_gid = seg[members]
    m_order = np.argsort(m_gid, kind="stable")
    step = np.r_[True, np.diff(m_gid[m_order]) != 0] if members.size else np.zeros(0, dtype=bool)
    m_starts = np.flatnonzero(step)
    m_seg = np.empty(members.size, dtype=np.int64)
    m_seg[m_order] = np.cumsum(step) - 1
    return _Rivals(order, starts, seg, seg_none, seg_none[seg], members, m_order, m_starts, m_seg,
                   seg_none[m_gid[m_order][m_starts]])


class _Rivals(NamedTuple):
    """Exclusivity groups as the model uses them: every proposition's segment (a group, or a
    segment of its own) and each segment's "none of them is true" score; and the same apart for
    propositions alone and for members of groups of two or more."""

    order: np.ndarray      # propositions sorted by segment
    starts: np.ndarray     # where each segment starts in ``order``
    seg: np.ndarray        # each proposition's segment
    seg_none: np.ndarray   # each segment's "none" score
    none_of: np.ndarray    # each proposition's segment's "none" score
    members: np.ndarray    # the propositions in groups of two or more
    m_order: np.ndarray    # ``members`` positions sorted by group
    m_starts: np.ndarray   # where each group starts in ``m_order``
    m_seg: np.ndarray      # each member's group (numbered 0..)
    m_none: np.ndarray     # each group's "none" score


def _other_answers(problem: Problem, groups) -> np.ndarray:
    """Per assertion, the log of the number of wrong answers it could have been: a source wrong
    about a question with m rival answers picks one of m - 1 wrong ones, so its saying one
    of them is that much stronger evidence for it (log-odds logit θ + log(m - 1)). Zero on
    its own or in a yes/no pair, and for denials. Without it a source right half the time
    about four-way questions counted against what it said, and the model could end with
    every source "mostly wrong". At most three wrong answers are counted: the many answers
    people give to one question are mostly variants of a few (spellings, formats), not so many
    independent ways to be wrong (on the Book data, counting them all lost one gold book of
    100; counting three gained one)."""
    if groups is None or not problem.source.size:
        return np.zeros(problem.source.size)
    size = np.diff(np.r_[groups.starts, groups.order.size])
    rivals = size[groups.seg[problem.prop]]
    return np.where(problem.polarity > 0, np.log(np.clip(rivals - 1, 1, 3)), 0.0)


def _fixed(verdict: np.ndarray, groups) -> np.ndarray:
    known = ~np.isnan(verdict)
    if groups is None:
        return known
    true_in_seg = np.bincount(groups.seg, weights=(verdict == TRUE).astype(float), minlength=groups.starts.size) > 0
    return known | true_in_seg[groups.seg]


def _em(problem, cfg, groups, weight, fixed, prior_logit, scale, prob, prior, fresh=True, tol=None, others=None):
    """Alternate E- and M-steps until the claim probabilities stop moving.

    Guard: without verdicts the model may drift toward the mirror solution in which most
    sources are "mostly wrong" (it happens when undetected copies outnumber independent
    reports). Refining the first, vote-like pass is expected; overturning most of it is not:
    the loop stops at the last state that keeps at least 60% of the first pass's answers.
    """
    S, P = problem.n_sources, problem.n_props
    src, prop, pol = problem.source, problem.prop, problem.polarity.astype(float)
    a0, b0 = prior
    guard = not np.any(fixed) and src.size > 0
    first_side = None
    if others is None:
        others = _other_answers(problem, groups)
    settled = fixed[prop].astype(float)
    said = weight * np.where(pol > 0, scale[1], scale[0]) * pol  # each assertion's push per unit of log-odds
    denied = (pol < 0).astype(float)  # an assertion is right with P(true) when it asserts, 1 - P when it denies
    made = np.bincount(src, minlength=S).astype(float)
    iterations, converged = 0, False
    for iterations in range(1, cfg.max_iter + 1):
        correct = denied + pol * prob[prop]
        # On the first pass only settled claims count, so checked sources lead.
        if iterations == 1 and fresh:
            right = np.bincount(src, weights=settled * correct, minlength=S)
            alpha, beta = a0 + right, b0 + np.bincount(src, weights=settled, minlength=S) - right
        else:
            right = np.bincount(src, weights=correct, minlength=S)
            alpha, beta = a0 + right, b0 + made - right
        theta = alpha / (alpha + beta)
        push = said * (_logit(theta)[src] + others)
        new = _posterior(prior_logit + np.bincount(prop, weights=push, minlength=P),
                         problem.verdict, groups)
        delta = float(np.max(np.abs(new - prob))) if P else 0.0
        if guard:
            if first_side is None:
                first_side = new > 0.5
            elif np.mean((new > 0.5) != first_side) > 0.4:
                return prob, iterations, False
        prob = new
        if delta < (tol or cfg.tol) and iterations > 1:
            converged = True
            break
    return prob, iterations, converged


def _low_share(problem, prob, prior, weight=None) -> float:
    """Share of sources with at least 3 claims that the model rates below 0.5.

    With ``weight`` (per assertion: how far its vote counts as independent), each source counts
    as much as its average vote: nine outlets re-telling three unreliable ones are, once found,
    three voices, not twelve "mostly wrong" sources that make the true solution look like the
    mirror one."""
    src, prop, pol = problem.source, problem.prop, problem.polarity
    S = problem.n_sources
    correct = np.where(pol > 0, prob[prop], 1.0 - prob[prop])
    n = np.bincount(src, minlength=S)
    theta = (prior[0] + np.bincount(src, weights=correct, minlength=S)) / (prior[0] + prior[1] + n)
    busy = n >= 3
    if not busy.any():
        return 0.0
    voice = np.ones(S) if weight is None else np.bincount(src, weights=weight, minlength=S) / np.maximum(n, 1)
    total = float(np.sum(voice[busy]))
    return float(np.sum(voice[busy] * (theta[busy] < 0.5)) / total) if total > 0 else 0.0


def _mirror_guard(problem, cfg, groups, weight, fixed, prior_logit, scale, prob, prior):
    """Without verdicts, "most sources are mostly wrong" is a symptom, not an answer.

    One-coin truth discovery has a mirror image of every solution (flip every claim, and every
    accuracy θ becomes 1 - θ); clusters of undetected copies can pull the model toward it. When
    at least ``mirror_share`` of the sources end up below 0.5, the model is restarted from the
    flipped claims and the solution in which fewer sources are "mostly wrong" is kept. Rival
    claims (exclusivity groups) are no exception: clusters of copies of unreliable outlets
    nobody detected turned yes/no questions upside down too (bench/run.py regimes).
    """
    share = _low_share(problem, prob, prior, weight)
    if share < cfg.mirror_share:
        return prob, 0
    flipped = np.where(fixed, prob, 1.0 - prob)
    alt, more, _ = _em(problem, cfg, groups, weight, fixed, prior_logit, scale, flipped, prior, fresh=False)
    if _low_share(problem, alt, prior, weight) < share:
        return alt, more
    return prob, more


def _calibrate(problem, cfg, weight, prior_logit, prob, groups_size1, prior):
    """Evidence scales (denial, assertion) fitted to the verdicts by penalised logistic regression.

    For every proposition with a verdict that is alone in its exclusivity group, the evidence of
    its asserters and deniers is computed with each source's accuracy *leaving that claim out*
    (otherwise a verdict would predict itself), and the scales that best predict the verdicts are
    found by Newton steps, shrunk toward ``cfg.evidence_scale`` by a normal prior with sd
    ``cfg.calibration_sd`` and kept within [0.05, 10]. A scale with no evidence behind it (no
    denials, say) keeps its configured value. Fewer than ``cfg.min_calibration`` such verdicts:
    the configured scales are returned unchanged (by default denial 1, assertion 0.7).
    """
    src, prop, pol = problem.source, problem.prop, problem.polarity.astype(float)
    v = problem.verdict
    settled_p = ~np.isnan(v) & groups_size1
    if settled_p.sum() < cfg.min_calibration:
        return np.array(cfg.evidence_scale, dtype=float)
    S, P = problem.n_sources, problem.n_props
    a0, b0 = prior
    correct = np.where(pol > 0, prob[prop], 1.0 - prob[prop])
    alpha = a0 + np.bincount(src, weights=correct, minlength=S)
    beta = b0 + np.bincount(src, weights=1.0 - correct, minlength=S)
    on = settled_p[prop]
    ca, cb = alpha[src] - correct * on, beta[src] - (1.0 - correct) * on
    ev = weight * pol * _logit(ca / (ca + cb))
    x = np.stack([np.bincount(prop, weights=ev * (pol < 0), minlength=P),
                  np.bincount(prop, weights=ev * (pol > 0), minlength=P)], axis=1)[settled_p]
    y = v[settled_p]
    used = np.abs(x).sum(axis=0) > 0
    lam0 = np.array(cfg.evidence_scale, dtype=float)
    lam = lam0.copy()
    prec = 1.0 / cfg.calibration_sd ** 2
    for _ in range(25):
        z = prior_logit + x @ lam
        mu = 1.0 / (1.0 + np.exp(-z))
        grad = x.T @ (y - mu) - prec * (lam - lam0)
        hess = -(x.T * (mu * (1 - mu))) @ x - prec * np.eye(2)
        step = np.linalg.solve(hess, grad)
        lam = np.clip(lam - step, 0.05, 10.0)
        if np.max(np.abs(step)) < 1e-8:
            break
    return np.where(used, lam, lam0)


def can_resume(problem: Problem, before: Result | None, problem_before: Problem | None,
               props: np.ndarray | None = None) -> bool:
    """Whether ``fit(problem, resume=before)`` may start where the fit of ``problem_before``
    ended: the same sources, propositions, assertions and copies (verdicts may differ), and
    verdicts to anchor both fits (without any, the model's guards against the mirror solution
    depend on the path taken, and only a fit from the start is trusted; nor is a start
    taken from such a fit). With ``props`` (see ``fit``'s ``resume_props``), claims or links
    changed in between: the same sources, and each proposition a place in the fit before or
    none."""
    if before is None or problem_before is None or before.prob.size != problem_before.n_props:
        return False
    if problem.n_sources != problem_before.n_sources or not np.any(~np.isnan(problem.verdict)) \
            or not np.any(before.fixed):
        return False
    if props is not None:
        return props.shape == (problem.n_props,) and bool(np.all(props < problem_before.n_props)) \
            and bool(np.any(props >= 0))
    if before.prob.size != problem.n_props:
        return False
    same = [(problem.source, problem_before.source), (problem.prop, problem_before.prop),
            (problem.polarity, problem_before.polarity), (problem.copied_from, problem_before.copied_from),
            (problem.group, problem_before.group), (problem.exactly_one, problem_before.exactly_one)]
    return all((a is None and b is None) or (a is not None and b is not None and a.shape == b.shape
                                             and np.array_equal(a, b)) for a, b in same)


def fit(problem: Problem, config: Config | None = None, *, resume: Result | None = None,
        resume_props: np.ndarray | None = None) -> Result:
    """Run the model; see the module docstring. Deterministic for a given input (and, when
    resumed, a given fit resumed).

    ``resume``: the result of a fit of the same problem with other verdicts (see
    ``can_resume``) and the same ``config``, to start from: it takes the same steps by the same
    rules, each starting from where that step ended in the fit resumed (what the claims and
    links alone decide is taken over as it is). After an edit of one verdict those starts are
    all but right, and each step needs a round or two (a fit from the start takes some forty).
    The result agrees with a fit from the start to within the model's tolerances; a step that
    stops on a tolerance (copy rounds, calibration rounds) can stop a round apart.

    ``resume_props``: the fit resumed was of another problem (claims or links changed since):
    each proposition's place in it, -1 for one it did not have (new, joined or split). The
    propositions it had start where they stood in each of its steps, the others where a fit
    from the start would; what the claims and links decide is worked out again."""
    cfg = config or Config()
    S, P = problem.n_sources, problem.n_props
    src, prop, pol = problem.source, problem.prop, problem.polarity.astype(float)
    verdict = problem.verdict
    # What depends on the claims and links alone is taken from the fit resumed (see ``can_resume``).
    kept = resume.kept if resume is not None and resume_props is None else {}
    raw_groups = kept["groups"] if "groups" in kept else _groups(problem)
    weight = kept["text weight"] if "text weight" in kept else copy_weights(problem)
    a0, b0 = cfg.prior_a, cfg.prior_b

    n_true = int(np.sum(verdict == TRUE))
    n_false = int(np.sum(verdict == FALSE))
    if cfg.base_rate is not None:
        base = float(cfg.base_rate)
    elif n_true + n_false:
        base = (n_true + 1.0) / (n_true + n_false + 2.0)
    else:
        base = 0.5
    prior_logit = float(_logit(np.clip(base, 1e-6, 1 - 1e-6)))

    groups = _with_none_state(raw_groups, cfg, prior_logit)
    fixed = _fixed(verdict, groups)
    start = _posterior(np.full(P, prior_logit), verdict, groups)
    start = np.where(fixed, start, base)
    scale = np.array(cfg.evidence_scale, dtype=float)
    prior = (a0, b0)
    if "pairs" in kept:
        pairs = kept["pairs"]
    else:
        pairs = copying.build_pairs(problem, min_shared=cfg.copy_min_shared) if cfg.detect_copies else None
    keep = {"groups": raw_groups, "text weight": weight, "pairs": pairs}
    others = _other_answers(problem, groups)
    rough = max(cfg.tol, 1e-4)  # intermediate fits need not be exact; the last one is polished
    copy_est, discount = None, np.ones(src.size)
    text_weight = weight
    stages: dict[str, np.ndarray] = {}
    iterations, converged = 0, False

    had = np.ones(P, dtype=bool) if resume_props is None else resume_props >= 0  # propositions the fit resumed had
    place = None if resume_props is None else np.maximum(resume_props, 0)

    def stage(name: str) -> np.ndarray:
        """Where the fit resumed stood after step ``name``, proposition by proposition (those it
        had; the others are not read)."""
        assert resume is not None
        return resume.stages[name] if place is None else resume.stages[name][place]

    def step(name: str, prob: np.ndarray, weight: np.ndarray, scale: np.ndarray, *, fresh: bool = False,
             tol: float | None = None) -> np.ndarray:
        """One fit of the truths for the given weights and scales. Resumed (the same steps are
        taken, by the same rules), it starts where this step took the fit resumed: what the
        step changed there is applied to where this fit stands."""
        nonlocal iterations, converged
        if resume is not None and name in resume.stages:
            last = next(reversed(stages), None)  # the step before this one (steps are kept in order)
            if last is None:
                prob, fresh = np.where(fixed | ~had, start, stage(name)), False
            elif last in resume.stages:  # (else this fit took a step the last one did not)
                went = np.where(had, stage(name) - stage(last), 0.0)
                prob, fresh = np.where(fixed, start, np.clip(prob + went, 0.0, 1.0)), False
        prob, more, converged = _em(problem, cfg, groups, weight, fixed, prior_logit, scale, prob, prior,
                                    fresh=fresh, tol=tol, others=others)
        iterations += more
        stages[name] = prob
        return prob

    prob = step("first", start, weight, scale, fresh=True, tol=rough if pairs is not None else None)
    if pairs is not None:
        copier_row = pairs.copier_row
        for round_ in range(cfg.copy_rounds):
            correct = np.where(pol > 0, prob[prop], 1.0 - prob[prop])
            # Accuracies for the copy test use the weak prior: with the strong voting prior a source
            # that is always right looks like 0.8, and two of them agreeing every time would look
            # like copying.
            ca, cb = cfg.copy_theta_prior
            alpha = ca + np.bincount(src, weights=correct, minlength=S)
            beta = cb + np.bincount(src, weights=1.0 - correct, minlength=S)
            copy_est = copying.estimate(pairs, alpha / (alpha + beta), correct, src.size, cfg.copy_prior,
                                        copier_row)
            new_weight = text_weight * copy_est.discount
            if np.mean(np.abs(new_weight - weight)) < cfg.copy_tol:
                break
            weight, discount = new_weight, copy_est.discount
            prob = step(f"copies {round_}", prob, weight, scale, tol=rough)
        prob = step("polished", prob, weight, scale)  # with the final weights
    if not fixed.any() and src.size:
        prob, more = _mirror_guard(problem, cfg, groups, weight, fixed, prior_logit, scale, prob, prior)
        iterations += more
    if cfg.calibrate:
        alone = np.ones(P, dtype=bool)
        if groups is not None:
            alone = np.bincount(groups.seg, minlength=groups.starts.size)[groups.seg] == 1
        for round_ in range(cfg.calibration_rounds):
            new_scale = _calibrate(problem, cfg, weight, prior_logit, prob, alone, prior)
            if np.allclose(new_scale, scale, atol=1e-3):
                break
            scale = new_scale
            prob = step(f"calibrated {round_}", prob, weight, scale)

    return _finish(problem, cfg, groups, weight, fixed, prob, scale, base, prior_logit, iterations, converged,
                   discount, copy_est, stages, others, keep)


def _sharpened(p: np.ndarray, sharpness: float) -> np.ndarray:
    """Probabilities with their log-odds multiplied by ``sharpness`` (0, 0.5 and 1 stay).

    The claim probabilities are cautious by design: a source's vote is weighed with a prior
    worth 9 typical claims, and "true" counts for 0.7 of "false". That is right for judging one
    claim, but averaged into a source's share of true claims it pulls every estimate toward the
    middle: on generated newsrooms (bench/run.py regimes) claims at 73% were true 87-95% of the
    time and claims at 89%, 98%; an outlet right 93% of the time was shown at 75%, and in four
    regimes of ten the intervals held the truth for fewer than 85% of the sources. On Emergent,
    claims at 57-74% were true 65-87% of the time, those at 89% 90%. The shown estimate
    counts each claim with its log-odds times 1.5 (``Config.estimate_sharpness``: twice gained
    a little more on the generated data and lost a little rank correlation on Emergent). It
    moves smoothly with the evidence: a hard "true when above 50%" would jump by a whole claim.
    The claims' own probabilities are not changed."""
    if sharpness == 1.0:
        return p
    q = np.clip(p, 1e-12, 1.0 - 1e-12)
    out = 1.0 / (1.0 + np.exp(-sharpness * _logit(q)))
    return np.where(p >= 1.0, 1.0, np.where(p <= 0.0, 0.0, out))


def _finish(problem, cfg, groups, weight, fixed, prob, scale, base, prior_logit, iterations, converged,
            discount, copy_est, stages, others, kept) -> Result:
    """Accuracies, effective claims, estimates, records and their intervals from the fitted
    truths."""
    S = problem.n_sources
    src, prop, pol = problem.source, problem.prop, problem.polarity.astype(float)
    a0, b0 = cfg.prior_a, cfg.prior_b
    correct = np.where(pol > 0, prob[prop], 1.0 - prob[prop])
    alpha = a0 + np.bincount(src, weights=correct, minlength=S)
    beta = b0 + np.bincount(src, weights=1.0 - correct, minlength=S)
    theta = alpha / (alpha + beta)
    push = weight * np.where(pol > 0, scale[1], scale[0]) * pol * (_logit(theta)[src] + others)
    claims = np.bincount(src, minlength=S).astype(float)
    if cfg.report_prior is not None:  # what the journalist sees: a weakly informative prior
        a0, b0 = cfg.report_prior

    # Observed information (Louis): inferred truths carry less information than verdicts.
    tvar = np.maximum(theta * (1.0 - theta), 1e-9)
    # An assertion whose truth is as uncertain as its source adds no evidence, and one more
    # uncertain than that adds none either (it must not take evidence away: one unlinked
    # claim used to remove a source's estimate).
    info = np.maximum(1.0 - correct * (1.0 - correct) / tvar[src], 0.0)
    n_eff = np.clip(np.bincount(src, weights=info, minlength=S), 0.0, claims)
    counted = _sharpened(correct, cfg.estimate_sharpness)
    share = np.divide(np.bincount(src, weights=counted, minlength=S), claims,
                      out=np.full(S, a0 / (a0 + b0)), where=claims > 0)
    ea, eb = a0 + share * n_eff, b0 + (1.0 - share) * n_eff
    estimate = ea / (ea + eb)
    ra, rb = cfg.record_prior
    settled = fixed[prop]
    checked = np.bincount(src, weights=settled.astype(float), minlength=S)
    held_up = np.bincount(src, weights=(settled & (correct > 0.5)).astype(float), minlength=S)
    lo, hi = beta_interval(np.r_[ea, ra + held_up], np.r_[eb, rb + checked - held_up], cfg.level)
    est_lo, est_hi, rec_lo, rec_hi = lo[:S], hi[:S], lo[S:], hi[S:]
    per_claim = np.divide(n_eff, claims * (a0 + b0 + n_eff), out=np.zeros(S), where=claims > 0)
    effect = (counted - a0 / (a0 + b0)) * per_claim[src]
    enough = n_eff >= cfg.min_evidence
    estimate = np.where(enough, estimate, np.nan)
    est_lo, est_hi = np.where(enough, est_lo, np.nan), np.where(enough, est_hi, np.nan)

    has_record = checked >= max(cfg.min_checked, 1)
    record = np.where(has_record, held_up / np.maximum(checked, 1), np.nan)
    rec_lo, rec_hi = np.where(has_record, rec_lo, np.nan), np.where(has_record, rec_hi, np.nan)

    return Result(prob=prob, fixed=fixed, weight=weight, push=push, correct=correct, effect=effect,
                  theta=theta, claims=claims, n_eff=n_eff, estimate=estimate, estimate_lo=est_lo,
                  estimate_hi=est_hi, checked=checked, held_up=held_up, record=record,
                  record_lo=rec_lo, record_hi=rec_hi, base_rate=base, prior_logit=prior_logit, scale=scale,
                  iterations=iterations, converged=converged, config=cfg,
                  copy_discount=discount, copies=copy_est, stages=stages, kept=kept)
