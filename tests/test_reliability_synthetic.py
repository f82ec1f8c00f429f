"""The engine on generated newsrooms with known accuracies: truth, ranking, honest intervals."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.services.reliability.engine import Config, Problem, fit
from annotator.services.reliability.synthetic import coverage, generate


@pytest.mark.parametrize("copiers", [0.0, 0.2])
def test_intervals_hold_the_true_accuracy(copiers):
    covered, count = 0.0, 0
    for seed in range(3):
        syn = generate(1000, 400, copiers=copiers, detect=0.8, seed=seed)
        res = fit(syn.problem)
        cov, n, _ = coverage(res, syn.accuracy)
        covered += cov * n
        count += n
        assert np.mean((res.prob > 0.5) == (syn.truth == 1)) > 0.85
    assert count > 300
    assert covered / count >= 0.85


def test_plain_posterior_would_be_overconfident():
    """The reason for the observed-information correction: without it coverage drops."""
    syn = generate(3000, 400, copiers=0.2, detect=0.8, seed=5)
    res = fit(syn.problem)
    ok = ~np.isnan(res.estimate) & (res.claims >= 3)
    # Effective claims never exceed the claims a source made.
    assert np.all(res.n_eff <= res.claims + 1e-9)
    assert np.mean(res.n_eff[ok] / res.claims[ok]) < 1.0


def test_verdicts_anchor_and_help():
    syn = generate(1000, 400, copiers=0.2, detect=0.0, verdict_share=0.3, seed=2)
    res = fit(syn.problem, Config())
    given = ~np.isnan(syn.problem.verdict)
    assert np.array_equal(res.prob[given], syn.truth[given])
    held = ~given
    assert np.mean((res.prob[held] > 0.5) == (syn.truth[held] == 1)) > 0.8


def test_estimates_rank_sources():
    syn = generate(2000, 300, copiers=0.0, seed=4)
    res = fit(syn.problem)
    ok = ~np.isnan(res.estimate)
    rank = lambda x: np.argsort(np.argsort(x))  # noqa: E731
    rho = np.corrcoef(rank(res.estimate[ok]), rank(syn.accuracy[ok]))[0, 1]
    assert rho > 0.8


def test_a_fit_resumed_after_a_verdict_equals_a_fit_from_the_start():
    """The app's scoring process starts each scoring where the last one ended when only
    verdicts changed: the scores are those of a fit from the start (to a millionth; the claims'
    probabilities, which stop on the fit's tolerance, to a hundred-thousandth), reached in fewer
    rounds; a changed assertion, or no verdict at all, means a fit from the start."""
    from annotator.services.reliability.engine import can_resume

    syn = generate(1500, 300, copiers=0.2, detect=0.5, verdict_share=0.2, seed=5)
    before = syn.problem
    last = fit(before)
    rng = np.random.default_rng(1)
    rounds = {"resumed": 0, "from the start": 0}
    for _ in range(4):  # one verdict after another: given, changed, withdrawn
        verdict = before.verdict.copy()
        p = int(rng.integers(before.n_props))
        verdict[p] = [0.0, 1.0, np.nan][int(rng.integers(3))]
        problem = Problem(before.n_sources, before.n_props, before.source, before.prop, before.polarity, verdict,
                          copied_from=before.copied_from)
        assert can_resume(problem, last, before)
        resumed, cold = fit(problem, resume=last), fit(problem)
        assert np.allclose(resumed.prob, cold.prob, atol=1e-5)
        for name in ("estimate", "estimate_lo", "estimate_hi", "n_eff", "record", "theta"):
            assert np.allclose(getattr(resumed, name), getattr(cold, name), atol=1e-6, equal_nan=True), name
        rounds["resumed"] += resumed.iterations
        rounds["from the start"] += cold.iterations
        before, last = problem, resumed
    assert rounds["resumed"] < 0.8 * rounds["from the start"], rounds
    other = Problem(before.n_sources, before.n_props, before.source[::-1].copy(), before.prop, before.polarity,
                    before.verdict, copied_from=before.copied_from)
    assert not can_resume(other, last, before)
    unchecked = Problem(before.n_sources, before.n_props, before.source, before.prop, before.polarity,
                        np.full(before.n_props, np.nan), copied_from=before.copied_from)
    assert not can_resume(unchecked, last, before)
    assert not can_resume(before, fit(unchecked), unchecked), "nor from a fit without verdicts (its guards' path)"


def _with_new_and_joined(problem: Problem, rng: np.random.Generator) -> tuple[Problem, np.ndarray]:
    """``problem`` after a claim was added (a new proposition, said by two sources, numbered
    among the others) and two propositions were linked as the same: the new problem and each
    of its propositions' number before (-1: new or joined)."""
    P = problem.n_props
    a, b = (int(x) for x in rng.choice(P, size=2, replace=False))
    keep, gone = min(a, b), max(a, b)
    old_prop = np.where(problem.prop == gone, keep, problem.prop)  # the two are one now
    survivors = [p for p in range(P) if p != gone]
    at = int(rng.integers(len(survivors) + 1))
    order = [*survivors[:at], -1, *survivors[at:]]  # the new proposition's place among the others
    number = {p: k for k, p in enumerate(order) if p >= 0}
    new_prop = np.array([number[p] for p in old_prop.tolist()] + [at, at], dtype=np.int64)
    sources = rng.choice(problem.n_sources, size=2, replace=False)
    source = np.concatenate((problem.source, sources))
    polarity = np.concatenate((problem.polarity, [1, 1]))
    copied_from = np.concatenate((problem.copied_from, [-1, -1]))
    verdict = np.array([problem.verdict[p] if p >= 0 else np.nan for p in order])
    before = np.array([p if p >= 0 and p != keep else -1 for p in order], dtype=np.int64)
    return Problem(problem.n_sources, P, source, new_prop, polarity, verdict, copied_from=copied_from), before


def test_a_fit_resumed_after_claims_and_links_changed_equals_a_fit_from_the_start():
    """After a claim is added or two claims are linked, the propositions that kept their
    claims start where the last fit left them and the others where a fit from the start
    would: the same scores as a fit from the start (within the model's tolerance: truths to a
    ten-thousandth, estimates closer still), in fewer rounds."""
    from annotator.services.reliability.engine import can_resume

    syn = generate(1500, 300, copiers=0.2, detect=0.5, verdict_share=0.2, seed=6)
    before = syn.problem
    last = fit(before)
    rng = np.random.default_rng(2)
    rounds = {"resumed": 0, "from the start": 0}
    for _ in range(4):
        problem, props = _with_new_and_joined(before, rng)
        assert can_resume(problem, last, before, props) and not can_resume(problem, last, before)
        resumed, cold = fit(problem, resume=last, resume_props=props), fit(problem)
        for name in ("prob", "estimate", "estimate_lo", "estimate_hi", "n_eff", "record", "theta"):
            assert np.allclose(getattr(resumed, name), getattr(cold, name), atol=1e-4, rtol=1e-5,
                               equal_nan=True), name
        assert np.allclose(resumed.estimate, cold.estimate, atol=1e-5, equal_nan=True)
        rounds["resumed"] += resumed.iterations
        rounds["from the start"] += cold.iterations
        before, last = problem, resumed
    assert rounds["resumed"] < 0.8 * rounds["from the start"], rounds
    assert not can_resume(problem, last, before, np.full(problem.n_props, before.n_props)), "no such proposition"


def test_intervals_hold_the_truth_where_half_the_sources_are_unreliable_or_no_claim_is_checked():
    """Generated newsrooms of yes/no and four-way questions (bench/run.py regimes): counted with
    the cautious claim probabilities as they are, estimates were pulled toward the middle and
    the intervals of reliable and unreliable outlets missed (coverage 0.84 with half the
    sources unreliable and 10% verdicts; a four-way regime's error above majority vote's)."""
    from bench.bench_regimes import Regime, generate

    regimes = [Regime("half unreliable, 10% verdicts", verdicts=0.1, unreliable=0.5),
               Regime("four-way, no verdicts", values=4, verdicts=0.0)]
    for regime in regimes:
        inside, error, majority_error = [], [], []
        for seed in range(10):  # (the bench's seeds)
            g = generate(regime, seed)
            res = fit(g.problem)
            shown = ~np.isnan(res.estimate) & ~np.isnan(g.accuracy) & (res.claims >= 3)
            truth = g.accuracy[shown]
            inside += ((res.estimate_lo[shown] <= truth) & (truth <= res.estimate_hi[shown])).tolist()
            error += np.abs(res.estimate[shown] - truth).tolist()
            majority_error += np.abs(g.majority[shown] - truth).tolist()
        assert np.mean(inside) >= 0.85, regime.name
        assert np.mean(error) < np.mean(majority_error), regime.name


def test_the_estimate_counts_claims_sharper_but_smoothly():
    """A claim inferred at 73% counts as about 82% in its source's estimate, checked claims
    and an even chance count as they are, and the count moves with the probability (no jump
    at 50%)."""
    from annotator.services.reliability.engine import _sharpened

    p = np.array([0.0, 0.27, 0.5, 0.73, 1.0])
    assert np.allclose(_sharpened(p, 1.5), [0.0, 0.184, 0.5, 0.816, 1.0], atol=1e-3)
    fine = np.linspace(0.0, 1.0, 1001)
    steps = np.diff(_sharpened(fine, 1.5))
    assert np.all(steps >= 0) and steps.max() < 0.003
    assert np.array_equal(_sharpened(p, 1.0), p)
