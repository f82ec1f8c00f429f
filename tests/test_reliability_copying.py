"""Copying nobody marked: the assertion-based copy test, its discount, and the mirror guard."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.core.model import Rating, Relation
from annotator.services.reliability import Config, explain_claim, explain_source, score_project
from annotator.services.reliability.copying import build_pairs
from annotator.services.reliability.engine import Problem, fit
from annotator.services.reliability.scores import suspected_copies
from annotator.services.reliability.synthetic import coverage, generate
from tests.test_reliability import Newsroom


def _pair(res, a, b):
    pairs = res.copies.pairs
    lo, hi = min(a, b), max(a, b)
    j = np.flatnonzero((pairs.lo == lo) & (pairs.hi == hi))
    return int(j[0]) if j.size else None


@pytest.mark.parametrize("copiers", [0.0, 0.2])
def test_undetected_copiers_keep_intervals_honest_and_truth_right(copiers):
    """No copy was found from text (detect=0): the assertion-based test must carry the load."""
    covered, count = 0.0, 0
    for seed in range(2):
        syn = generate(2000, 400, copiers=copiers, detect=0.0, seed=seed)
        res = fit(syn.problem)
        cov, n, _ = coverage(res, syn.accuracy)
        covered += cov * n
        count += n
        assert np.mean((res.prob > 0.5) == (syn.truth == 1)) > 0.9
    assert covered / count >= 0.85


def test_copy_test_finds_planted_pairs_and_spares_independent_ones():
    syn = generate(3000, 400, copiers=0.2, detect=0.0, seed=3)
    est = fit(syn.problem).copies
    dependent = syn.dependent(est.pairs.lo, est.pairs.hi)
    flagged = est.p_copy >= 0.9
    assert flagged.sum() > 50
    assert np.mean(dependent[flagged]) > 0.95  # precision
    # Without copiers hardly any pair is flagged.
    clean = fit(generate(3000, 400, copiers=0.0, seed=3).problem).copies
    assert np.sum(clean.p_copy >= 0.9) <= 0.002 * clean.p_copy.size + 1


def test_without_the_copy_test_the_mirror_guard_still_prevents_collapse():
    syn = generate(10_000, 1000, copiers=0.2, detect=0.0, seed=2)
    old = fit(syn.problem, Config(detect_copies=False, mirror_share=1.01, evidence_scale=(1.0, 1.0)))
    guarded = fit(syn.problem, Config(detect_copies=False, evidence_scale=(1.0, 1.0)))
    acc = lambda r: np.mean((r.prob > 0.5) == (syn.truth == 1))  # noqa: E731
    assert acc(old) < 0.5  # the mirror solution: independent outlets rated mostly wrong
    assert acc(guarded) > 0.85
    busy = guarded.claims >= 3
    assert np.mean(guarded.theta[busy] < 0.5) < 0.4


def _false_sharing_problem(extra_true: int = 20, shared_false: int = 6):
    """Sources 0 and 1 are right on their other claims but both repeat six claims checked false
    (which sources 2 and 3 deny); sources 2-5 are independent and mostly right."""
    rng = np.random.default_rng(0)
    src, prop, pol, verdict = [], [], [], []

    def add(p_sources, polarity, truth_verdict):
        for s, v in zip(p_sources, polarity, strict=True):
            src.append(int(s)), prop.append(len(verdict)), pol.append(int(v))
        verdict.append(truth_verdict)

    for _ in range(shared_false):
        add([0, 1, 2, 3], [1, 1, -1, -1], 0.0)
    for k in range(extra_true):  # true claims, half of them checked
        add([0, 1, *rng.choice([2, 3, 4, 5], 2, replace=False)], [1, 1, 1, 1], 1.0 if k % 2 else np.nan)
    for k in range(2 * extra_true):  # claims only 2-5 cover; each says the truth
        true = k % 2 == 0
        add(rng.choice([2, 3, 4, 5], 3, replace=False), [1 if true else -1] * 3,
            (1.0 if true else 0.0) if k % 4 < 2 else np.nan)
    return Problem(6, len(verdict), src, prop, np.array(pol), np.array(verdict))


def test_sharing_false_values_is_found_as_copying():
    pb = _false_sharing_problem()
    res = fit(pb)
    j = _pair(res, 0, 1)
    assert j is not None and res.copies.p_copy[j] > 0.9
    others = [_pair(res, a, b) for a in range(2, 6) for b in range(a + 1, 6)]
    assert all(res.copies.p_copy[k] < 0.5 for k in others if k is not None)
    # One of the two is treated as the copier: its votes on shared claims count for little.
    copier = int(res.copies.pairs.hi[j] if res.copies.pairs.copier_is_hi[j] else res.copies.pairs.lo[j])
    rows = (pb.source == copier) & (pb.prop < 6)
    assert np.all(res.weight[rows] < 0.3)
    # ... but its own record and estimate still count every claim it made.
    assert res.checked[copier] == 16 and res.claims[copier] == 26


def test_agreeing_on_true_values_alone_is_not_copying():
    pb = _false_sharing_problem(shared_false=0, extra_true=20)
    res = fit(pb)
    j = _pair(res, 0, 1)
    assert j is None or res.copies.p_copy[j] < 0.5


def test_build_pairs_caps_work():
    # One proposition asserted by 100 sources: skipped above max_per_prop.
    S = 100
    src = np.r_[np.arange(S), [0, 1] * 6]
    prop = np.r_[np.zeros(S, dtype=int), np.repeat(np.arange(1, 7), 2)]
    pb = Problem(S, 7, src, prop)
    pairs = build_pairs(pb, min_shared=5, max_per_prop=60)
    assert pairs is not None and pairs.n_pairs == 1 and pairs.shared[0] == 6  # (0, 1) on props 1-6
    assert build_pairs(pb, min_shared=7, max_per_prop=200) is not None  # (0, 1) also on prop 0
    assert build_pairs(pb, min_shared=5, max_per_prop=200, max_entries=100).shared[0] == 6


def test_a_repetition_counts_for_less_than_a_denial():
    # Two sources with the same (prior) reliability, one asserts, one denies: leans false.
    res = fit(Problem(2, 1, [0, 1], [0, 0], np.array([1, -1])))
    assert res.prob[0] < 0.5
    res = fit(Problem(2, 1, [0, 1], [0, 0], np.array([1, -1])), Config(evidence_scale=(1.0, 1.0)))
    assert res.prob[0] == pytest.approx(0.5)


def test_project_shows_a_probable_copy_with_its_evidence(store):
    room = Newsroom(store)
    falsehoods = ["The bridge collapsed on Friday evening.", "The mayor was arrested at the airport.",
                  "Thousands of fish died in the harbour.", "The school will close for a year.",
                  "The stadium roof was sold to a casino.", "The river burst both of its banks."]
    truths = ["The council met on Tuesday.", "The budget grew by two percent.", "The library reopened.",
              "Bus fares stayed the same.", "A new park opened in the north.", "The museum added a wing.",
              "Rain fell all week long.", "The ferry ran on time.", "The market moved indoors.",
              "Two new teachers were hired."]
    for i, text in enumerate(falsehoods):
        a = room.claim("Tabloid", text)
        b = room.claim("Echo Daily", text.replace("The ", "Reports: the ", 1))  # reworded: no text match
        room.same(a, b)
        room.verdict(a, Rating.FALSE)
        denial = room.claim("Wire A", "No: " + text.lower())
        room.service.link(denial, a, Relation.CONTRADICTS)
        room.same(room.claim("Wire B", f"Rumour {i} is untrue."), denial)
    for i, text in enumerate(truths):
        a = room.claim("Tabloid", text)
        b = room.claim("Echo Daily", text + " Indeed.")
        room.same(a, b)
        c = room.claim("Wire A" if i % 2 else "Wire B", text.rstrip(".") + ", officials said.")
        room.same(c, a)
        if i % 2:
            room.verdict(c, Rating.TRUE)
    scores = score_project(store)
    sus = suspected_copies(scores.inputs, scores.result)
    names = scores.inputs.source_names
    assert len(sus) == 1
    assert {names[sus[0].copier], names[sus[0].original]} == {"Tabloid", "Echo Daily"}
    assert sus[0].agreed_false == 6 and sus[0].probability >= 0.9
    copier = scores.source(scores.inputs.source_ids[sus[0].copier])
    assert copier.copies_of == [names[sus[0].original]]
    assert any("6 of them checked false" in n for n in copier.copy_notes)
    for wire in ("Wire A", "Wire B"):
        assert scores.source(room.source_id(wire)).copies_of == []
    # The copier's push on an unchecked claim is counted for less, and the ledger says why.
    claim = next(cid for cid in scores.inputs.claim_ids
                 if scores.inputs.claim_source[cid] == sus[0].copier
                 and not scores.result.fixed[scores.inputs.claim_prop[cid]])
    pushes = explain_claim(scores, claim).pushes
    mine = next(p for p in pushes if p.source_name == names[sus[0].copier])
    assert "possible copying" in mine.note
    rows = explain_source(scores, copier.source_id, limit=None)
    assert any("possible copying" in r.note for r in rows)


def test_outlets_agreeing_by_chance_are_not_named_copies():
    """Two unreliable outlets of a generated newsroom without copiers (bench/run.py regimes,
    half the questions checked) happen to give the same answers to all 15 yes/no questions
    they share, 3 of them checked false: a chance among the hundreds of pairs tested, which
    the model finds 99% likely to be copying taken alone. It is not shown as a copy; its votes
    are still weighed by the model's own probability."""
    from types import SimpleNamespace

    from bench.bench_regimes import Regime
    from bench.bench_regimes import generate as newsroom

    g = newsroom(Regime("no copiers, half checked", verdicts=0.5), 9)
    res = fit(g.problem)
    assert res.copies is not None and np.max(res.copies.p_copy) > 0.99  # the chance agreement is there
    assert suspected_copies(SimpleNamespace(problem=g.problem), res) == []


def test_a_threshold_of_certainty_shows_only_certain_copies():
    """``min_probability=1`` (only pairs the model is sure of) is a threshold like any other."""
    from types import SimpleNamespace

    from bench.bench_regimes import Regime
    from bench.bench_regimes import generate as newsroom

    g = newsroom(Regime("clusters, half checked", verdicts=0.5, clusters=3, detect=0.0), 0)
    res = fit(g.problem)
    inputs = SimpleNamespace(problem=g.problem)
    certain = suspected_copies(inputs, res, min_probability=1.0)
    assert all(c.probability == 1.0 for c in certain)
    assert len(certain) <= len(suspected_copies(inputs, res))
