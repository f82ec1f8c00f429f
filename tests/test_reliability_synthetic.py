"""The engine on generated newsrooms with known accuracies: truth, ranking, honest intervals."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.services.reliability.engine import Config, fit
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
