"""Copying nobody marked: the assertion-based copy test, its discount, and the mirror guard."""

from __future__ import annotations

from types import SimpleNamespace

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


def _yes_no_newsroom(seed: int, *, clusters: int, per_cluster: int = 3):
    """40 outlets (8 unreliable, 8 mixed) answering 400 yes/no questions in their own words, no
    verdicts; optionally
    ``clusters`` groups of ``per_cluster`` outlets, each re-telling most of what one unreliable
    outlet covers (and nothing marks them: no shared wording, no "derived from" link)."""
    rng = np.random.default_rng(seed)
    S, Q = 40, 400
    theta = np.r_[rng.beta(2, 6, 8), rng.beta(5, 5, 8), rng.beta(8, 2, 24)]
    rate = np.clip(rng.lognormal(np.log(0.12), 0.5, S), 0.01, 1.0)
    answer = rng.integers(0, 2, Q)
    said = np.full((S, Q), -1)
    for s in range(S):
        covered = rng.random(Q) < rate[s]
        right = rng.random(Q) < theta[s]
        said[s, covered] = np.where(right, answer, 1 - answer)[covered]
    copiers = np.arange(S - clusters * per_cluster, S)
    for k, c in enumerate(copiers):  # the originals are outlets 0, 1, ..., unreliable
        o = k // per_cluster
        takes = (said[o] >= 0) & (rng.random(Q) < 0.8)
        said[c] = -1
        said[c, takes] = said[o, takes]
    src, q = np.nonzero(said >= 0)
    # Each question's two answers are rival propositions (linked "contradicts" in the app).
    prop = q * 2 + said[src, q]
    present, prop = np.unique(prop, return_inverse=True)
    problem = Problem(S, present.size, src, prop.reshape(-1), None, np.full(present.size, np.nan),
                      group=present // 2)
    truth = (present % 2 == answer[present // 2]).astype(float)
    return problem, truth, copiers


#: Newsrooms in which, counting only what the answers say, the model turned upside down.
SEEDS = (3, 4, 7)


def test_covering_the_same_questions_beyond_chance_exposes_copiers_the_answers_cannot():
    """Six outlets re-telling an unreliable outlet's stories, with no verdicts: agreement alone
    is the same for copying and for six reliable outlets once the model believes them, and the
    model used to turn upside down. Which questions a source takes up does not depend on the
    answers: the copiers share far more of the original's questions than chance would."""
    for seed in SEEDS:
        problem, truth, copiers = _yes_no_newsroom(seed, clusters=3)
        res = fit(problem)
        pairs = res.copies.pairs
        # Each source's cluster: originals 0-2, then their copiers three by three; -1 for the rest.
        cluster = np.full(problem.n_sources, -1)
        cluster[:3] = np.arange(3)
        cluster[copiers] = np.arange(copiers.size) // 3
        planted = (cluster[pairs.lo] >= 0) & (cluster[pairs.lo] == cluster[pairs.hi])
        assert np.all(pairs.overlap[planted] > 0) and np.all(pairs.overlap[~planted] == 0)
        assert np.all(res.copies.p_copy[planted] > 0.5)
        assert np.mean((res.prob > 0.5) == (truth == 1)) > 0.8


def test_outlets_that_happen_to_cover_the_same_questions_are_not_named_copies():
    for seed in SEEDS:
        problem, _, _ = _yes_no_newsroom(seed, clusters=0)
        res = fit(problem)
        assert not np.any(res.copies.pairs.overlap > 0)
        assert suspected_copies(SimpleNamespace(problem=problem), res) == []


def test_a_copier_of_a_reliable_outlet_is_named_from_its_coverage_and_says_so():
    """Copying a reliable outlet gives few shared false claims to point at; covering most of its
    questions, far beyond chance, and agreeing on them is what names it."""
    syn = generate(3000, 400, copiers=0.2, detect=0.0, verdict_share=0.1, seed=1)
    res = fit(syn.problem)
    shown = suspected_copies(SimpleNamespace(problem=syn.problem), res)
    by_coverage = [c for c in shown if c.agreed_false < 3]
    assert by_coverage and all(syn.dependent(np.array([c.copier]), np.array([c.original]))[0] for c in shown)
    names = [f"outlet {i}" for i in range(syn.problem.n_sources)]
    text = by_coverage[0].text(names)
    assert f"{by_coverage[0].shared} shared where chance would give about" in text


def test_the_chance_overlap_is_the_sum_over_questions_of_both_chances():
    """μ = Σ_q min(1, n_i·n_q/N)·min(1, n_j·n_q/N), worked out from sorted counts, equals the sum
    taken question by question (busy sources included, for whom popular questions are certain)."""
    from annotator.services.reliability.copying import overlap_evidence

    rng = np.random.default_rng(4)
    for _ in range(30):
        S, Q = int(rng.integers(2, 12)), int(rng.integers(1, 40))
        covers = rng.random((S, Q)) < rng.random(S)[:, None]
        src, question = np.nonzero(covers)
        if not src.size:
            continue
        lo, hi = np.triu_indices(S, 1)
        shared = (covers[lo] & covers[hi]).sum(axis=1)
        mu, _ = overlap_evidence(question, src, S, lo, hi, shared)
        n_s, n_q = covers.sum(axis=1), covers.sum(axis=0)
        chance = np.minimum(1.0, n_s[:, None] * n_q[None, :] / covers.sum())
        expected = (chance[lo] * chance[hi]).sum(axis=1)
        assert np.allclose(mu, np.maximum(expected, 1e-9), rtol=1e-12, atol=1e-12)


def test_outlets_of_one_beat_are_not_named_copies_however_much_they_share():
    """Six independent outlets (four unreliable) cover the same 60 questions far beyond chance;
    with a third of the claims checked, two unreliable ones wrong on the same yes/no questions
    must not be named copies: sharing stories is not sharing answers."""
    for seed in range(4):
        rng = np.random.default_rng(seed)
        S, Q = 40, 400
        theta = np.r_[rng.beta(2, 6, 8), rng.beta(5, 5, 8), rng.beta(8, 2, 24)]
        rate = np.clip(rng.lognormal(np.log(0.12), 0.5, S), 0.01, 1.0)
        answer = rng.integers(0, 2, Q)
        beat = np.isin(np.arange(S), [0, 1, 2, 3, 20, 21])
        said = np.full((S, Q), -1)
        for s in range(S):
            chance = np.where(np.arange(Q) < 60, 0.7, 0.02) if beat[s] else np.full(Q, rate[s])
            covered = rng.random(Q) < chance
            right = rng.random(Q) < theta[s]
            said[s, covered] = np.where(right, answer, 1 - answer)[covered]
        src, q = np.nonzero(said >= 0)
        present, prop = np.unique(q * 2 + said[src, q], return_inverse=True)
        truth = (present % 2 == answer[present // 2]).astype(float)
        verdict = np.where(rng.random(present.size) < 0.3, truth, np.nan)
        problem = Problem(S, present.size, src, prop.reshape(-1), None, verdict, group=present // 2)
        res = fit(problem)
        pairs = res.copies.pairs
        assert np.any(pairs.overlap[beat[pairs.lo] & beat[pairs.hi]] > 0), "the beat shares far beyond chance"
        assert suspected_copies(SimpleNamespace(problem=problem), res) == []
