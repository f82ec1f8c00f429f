"""Reliability scores: hand-computable cases, copies, monotonicity, tiny projects, the CLI."""

from __future__ import annotations

import contextlib
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from annotator.core.clock import TickingClock
from annotator.core.model import Rating, Relation
from annotator.services.annotations import AnnotationService
from annotator.services.reliability import NOT_ENOUGH, Config, explain_claim, explain_source, score_project
from annotator.services.reliability.betadist import beta_interval
from annotator.services.reliability.engine import Problem, fit
from annotator.services.reliability.inputs import build_inputs


class Newsroom:
    """A tiny project: each source gets documents whose sentences become claims."""

    def __init__(self, store):
        self.store = store
        self.service = AnnotationService(store, annotator="tester")
        self.n = 0

    def doc(self, source: str, sentences: list[str], *, published: str | None = None, kind: str | None = None):
        src = self.store.source_by_name(source) or self.store.add_source(source, kind=kind)
        self.n += 1
        text = " ".join(sentences) + f" Filed as story number {self.n}."
        doc = self.store.add_document(text, f"{source} story {self.n}", source_id=src.id, published=published)
        claims, pos = [], 0
        for sentence in sentences:
            start = text.index(sentence, pos)
            claims.append(self.service.create_claim(doc.id, start, start + len(sentence)).id)
            pos = start + len(sentence)
        return claims

    def claim(self, source: str, sentence: str, **kw) -> str:
        return self.doc(source, [sentence], **kw)[0]

    def same(self, a: str, b: str):
        self.service.link(a, b, Relation.SAME)

    def verdict(self, claim_id: str, rating: Rating):
        self.service.set_verdict(claim_id, rating)

    def source_id(self, name: str) -> str:
        return self.store.source_by_name(name).id


def test_one_source_all_verdicts_true(store):
    room = Newsroom(store)
    ids = room.doc("Wire", ["The mayor resigned on Monday.", "The budget was cut by ten percent.",
                            "The bridge reopened in May."])
    for cid in ids:
        room.verdict(cid, Rating.TRUE)
    score = score_project(store).sources[0]
    assert (score.checked_count, score.held_up_count, score.record) == (3, 3, 1.0)
    assert score.record_text == "3 of 3 checked claims held up"
    # Beta(1 + 3, 1 + 0): quantiles are q ** (1/4).
    assert score.record_interval == pytest.approx((0.05 ** 0.25, 0.95 ** 0.25), abs=1e-6)
    # Estimate: weak prior Beta(2, 1) plus three verified claims -> Beta(5, 1), mean 5/6.
    assert score.estimate == pytest.approx(5 / 6)
    assert score.estimate_interval == pytest.approx((0.05 ** 0.2, 0.95 ** 0.2), abs=1e-6)
    assert score.claim_count == 3 and score.effective_claims == pytest.approx(3.0)
    assert score.status == "ok" and score.copies_of == []


def test_two_sources_contradicting_with_one_verdict(store):
    room = Newsroom(store)
    a = room.claim("Alpha", "The factory closed in 2019.")
    b = room.claim("Beta", "The factory is still open today.")
    room.service.link(a, b, Relation.CONTRADICTS)
    cfg = Config(min_checked=1)
    before = score_project(store, cfg)
    # No verdict: the two rivals are symmetric.
    assert explain_claim(before, a).probability == pytest.approx(explain_claim(before, b).probability)
    room.verdict(a, Rating.TRUE)
    scores = score_project(store, cfg)
    alpha, beta = scores.source(room.source_id("Alpha")), scores.source(room.source_id("Beta"))
    assert (alpha.held_up_count, alpha.checked_count, alpha.record) == (1, 1, 1.0)
    assert (beta.held_up_count, beta.checked_count, beta.record) == (0, 1, 0.0)
    assert explain_claim(scores, b).probability == 0.0
    assert explain_claim(scores, b).verdict.startswith("false (a rival claim")
    # Beta(2, 1) prior: Alpha (2+1)/(3+1) = 0.75, but 1 claim is below the evidence threshold.
    assert alpha.estimate is None and alpha.status == "record only"
    rows = explain_source(scores, room.source_id("Beta"))
    assert rows[0].claim_id == b and rows[0].held_up is False and rows[0].kind == "checked"


def _copier_project(room: Newsroom, *, copier: bool, how: str):
    o = room.claim("Original", "Officials confirmed that the dam failed after heavy rain on Sunday night.",
                   published="2024-01-01")
    rival = room.claim("Rival", "Officials said the dam held despite the heavy rain on Sunday night.",
                       published="2024-01-01")
    room.service.link(o, rival, Relation.CONTRADICTS)
    extra = room.claim("Other", "The dam failed on Sunday night.")
    room.same(extra, o)
    if copier:
        if how == "link":
            c = room.claim("Copier", "The dam failed, officials confirmed.", published="2024-01-02")
            room.service.link(c, o, Relation.DERIVED)
        else:  # same sentence, later document: found as re-used text
            c = room.claim("Copier", "Officials confirmed that the dam failed after heavy rain on Sunday night.",
                           published="2024-01-02")
            room.same(c, o)
        return o, c
    return o, None


@pytest.mark.parametrize("how", ["link", "text"])
def test_a_pure_copier_adds_no_weight(tmp_path, how):
    from annotator.store import create_project

    results = {}
    for copier in (False, True):
        store = create_project(tmp_path / f"{how}{copier}.annotator")
        try:
            room = Newsroom(store)
            o, _c = _copier_project(room, copier=copier, how=how)
            scores = score_project(store)
            results[copier] = explain_claim(scores, o).probability
            if copier:
                copy = scores.source(room.source_id("Copier"))
                assert copy.copies_of == ["Original"]
                assert "copied from Original" in copy.copy_notes[0]
                ledger = explain_claim(scores, o)
                copier_push = next(p for p in ledger.pushes if p.source_name == "Copier")
                assert copier_push.weight == 0 and copier_push.direction == "none"
                assert scores.source(room.source_id("Original")).copies_of == []
        finally:
            store.close()
    assert results[True] == pytest.approx(results[False], abs=1e-12)
    assert 0.5 < results[False] < 1.0  # two independent sources against one


def test_propositions_verdicts_and_mixed(store):
    room = Newsroom(store)
    a = room.claim("A", "Turnout was 61 percent.")
    b = room.claim("B", "Sixty-one percent of voters turned out.")
    c = room.claim("C", "Turnout was a record.")
    room.service.link(a, b, Relation.SUPPORTS)
    room.verdict(b, Rating.MOSTLY_TRUE)
    room.verdict(c, Rating.MIXED)
    inputs = build_inputs(store)
    assert inputs.claim_prop[a] == inputs.claim_prop[b] != inputs.claim_prop[c]
    pb = inputs.problem
    assert pb.verdict[inputs.claim_prop[a]] == 1.0
    assert math.isnan(pb.verdict[inputs.claim_prop[c]])  # mixed is not used
    assert inputs.ignored_ratings[inputs.claim_prop[c]] is Rating.MIXED
    scores = score_project(store, Config(min_checked=1))
    assert scores.source(room.source_id("A")).record == 1.0
    assert scores.source(room.source_id("C")).checked_count == 0


def test_conflicting_verdicts_are_reported(store):
    store.clock = TickingClock()  # verdicts are ordered by their millisecond time stamps
    room = Newsroom(store)
    a = room.claim("A", "The ship sank in 1912.")
    b = room.claim("B", "The ship went down in 1912.")
    room.same(a, b)
    room.verdict(a, Rating.TRUE)
    room.verdict(b, Rating.FALSE)
    scores = score_project(store)
    note = next(n for n in scores.notes if "disagree" in n)
    assert "“The ship sank in 1912.” (A)" in note and "true by" in note and "false by" in note
    estimate = explain_claim(scores, a)
    assert not estimate.settled and 0.0 < estimate.probability < 1.0, "unchecked until the verdicts agree"
    assert estimate.conflict == note
    assert scores.source(room.source_id("A")).checked_count == 0
    assert scores.to_dict()["conflicts"][0]["verdicts"][1]["rating"] == "false"

    room.verdict(b, Rating.MOSTLY_TRUE)  # resolved: the colleague changes "false" to "mostly true"
    scores = score_project(store)
    assert not scores.inputs.conflicts and explain_claim(scores, a).probability == 1.0


def test_a_disputed_claim_stays_unchecked_even_beside_a_rival_rated_true(store):
    store.clock = TickingClock()
    room = Newsroom(store)
    a = room.claim("A", "The ship sank in 1912.")
    c = room.claim("C", "The ship never sank.")
    room.service.link(a, c, Relation.CONTRADICTS)
    room.verdict(c, Rating.TRUE)
    room.verdict(a, Rating.TRUE)
    AnnotationService(store, annotator="bob").set_verdict(a, Rating.FALSE)
    scores = score_project(store)
    estimate = explain_claim(scores, a)
    assert estimate.conflict and not estimate.settled, "what the note says is what is counted"


def test_a_contradiction_inside_one_proposition_is_named_by_its_quotes(store):
    room = Newsroom(store)
    a = room.claim("A", "The ship sank in 1912.")
    b = room.claim("B", "The ship went down in 1912.")
    room.same(a, b)
    room.service.link(a, b, Relation.CONTRADICTS)
    note = next(n for n in score_project(store).notes if "contradiction is ignored" in n)
    assert note.startswith("“The ship sank in 1912.” (A) and “The ship went down in 1912.” (B)")
    assert a not in note and b not in note, "names, not ids"


def test_thousands_of_ignored_contradictions_are_counted_not_listed(store, monkeypatch):
    from annotator.services.reliability import inputs

    monkeypatch.setattr(inputs, "NOTES_PER_KIND", 3)
    room = Newsroom(store)
    claims = [room.claim(f"Outlet {i}", f"The ship sank in 1912, said witness {i}.") for i in range(6)]
    for other in claims[1:]:
        room.same(claims[0], other)
        room.service.link(claims[0], other, Relation.CONTRADICTS)
    notes = score_project(store).notes
    assert sum("contradiction is ignored" in n for n in notes) == 3
    assert "2 more contradiction links join claims that other links say are the same" in " ".join(notes)


def test_new_false_verdict_never_raises_a_record():
    rng = np.random.default_rng(3)
    cfg = Config(min_checked=1)
    for _ in range(15):
        S, P, A = 4, 10, 24
        src, prop = rng.integers(0, S, A), rng.integers(0, P, A)
        key = np.unique(src * P + prop)
        src, prop = key // P, key % P
        pol = rng.choice([-1, 1], src.size)
        verdict = np.where(rng.random(P) < 0.4, rng.integers(0, 2, P).astype(float), np.nan)
        base = fit(Problem(S, P, src, prop, pol, verdict), cfg)
        for p in np.flatnonzero(np.isnan(verdict)):
            for a in np.flatnonzero(prop == p):
                new_v = verdict.copy()
                new_v[p] = 0.0 if pol[a] > 0 else 1.0  # the verdict says source src[a] was wrong
                after = fit(Problem(S, P, src, prop, pol, new_v), cfg)
                s = src[a]
                assert after.held_up[s] == base.held_up[s]
                assert after.checked[s] == base.checked[s] + 1
                if not math.isnan(base.record[s]):
                    assert after.record[s] <= base.record[s]
                    assert after.record_hi[s] <= base.record_hi[s] + 1e-12


def test_scores_are_deterministic(demo_store):
    first = score_project(demo_store).to_dict()
    second = score_project(demo_store).to_dict()
    assert first == second


def test_empty_and_tiny_projects(store):
    assert score_project(store).sources == []
    store.add_source("Silent outlet")
    only = score_project(store).sources[0]
    assert only.status == "no claims" and only.record is None and only.estimate is None
    room = Newsroom(store)
    cid = room.claim("Lonely", "The river froze.")
    room.verdict(cid, Rating.FALSE)
    scores = score_project(store)
    lonely = scores.source(room.source_id("Lonely"))
    assert lonely.record is None and lonely.estimate is None and lonely.status == NOT_ENOUGH
    assert (lonely.checked_count, lonely.held_up_count) == (1, 0)
    assert all(v is None or math.isfinite(v) for s in scores.sources for v in (s.record, s.estimate))


def test_engine_handles_empty_inputs():
    res = fit(Problem(0, 0, [], []))
    assert res.estimate.size == 0 and res.base_rate == 0.5
    res = fit(Problem(2, 1, [], []))
    assert np.isnan(res.estimate).all() and np.isnan(res.record).all()


def test_beta_interval_known_values():
    lo, hi = beta_interval([28.0, 1.0], [12.0, 1.0])
    assert lo[1] == pytest.approx(0.05) and hi[1] == pytest.approx(0.95)
    assert (lo[0], hi[0]) == pytest.approx((0.5766, 0.8119), abs=1e-3)  # 27 of 38 held up


def test_exclusive_groups_at_most_one_true():
    # Three rival propositions, each asserted by one reliable source; "none" is possible.
    res = fit(Problem(3, 3, [0, 1, 2], [0, 1, 2], group=np.array([0, 0, 0])), Config(calibrate=False))
    assert res.prob.sum() < 1.0
    res = fit(Problem(3, 3, [0, 1, 2], [0, 1, 2], group=np.array([0, 0, 0]),
                      exactly_one=np.array([True])), Config(calibrate=False))
    assert res.prob.sum() == pytest.approx(1.0)


def test_cli_score(tmp_path):
    from annotator.store import create_project

    path = tmp_path / "cli.annotator"
    store = create_project(path)
    room = Newsroom(store)
    ids = room.doc("Daily Planet", ["The senator voted against the bill.", "The vote was 51 to 49.",
                                    "The bill funds two new hospitals.", "The vote took place on Tuesday."])
    for cid, rating in zip(ids, [Rating.TRUE, Rating.TRUE, Rating.FALSE, Rating.TRUE], strict=True):
        room.verdict(cid, rating)
    other = room.claim("Evening Post", "The vote was 51 to 49.")
    room.same(other, ids[1])
    store.close()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    r = subprocess.run([sys.executable, "-m", "annotator", "score", str(path)], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Daily Planet" in r.stdout and "3/4 = 75%" in r.stdout and "record (checked)" in r.stdout
    assert "Evening Post: no estimate, too little evidence yet" in r.stdout
    r = subprocess.run([sys.executable, "-m", "annotator", "score", str(path), "--json"], capture_output=True,
                       text=True, env=env, timeout=120)
    data = json.loads(r.stdout)
    planet = next(s for s in data["sources"] if s["name"] == "Daily Planet")
    assert (planet["held_up_count"], planet["checked_count"], planet["record"]) == (3, 4, 0.75)
    assert planet["record_text"] == "3 of 4 checked claims held up"
    post = next(s for s in data["sources"] if s["name"] == "Evening Post")
    assert post["record"] is None and post["status"] == NOT_ENOUGH
    assert post["reason"].startswith("too little evidence yet: its 1 claim ")
    assert not any(n.startswith("no claim has a verdict yet") for n in data["notes"])


def test_without_any_verdict_the_scores_say_what_they_assume(tmp_path):
    """Without a verdict the scores rest on the sources' agreement, read so that fewer of them are
    mostly wrong: the CLI, its JSON and every scoring say so before any number is read."""
    from annotator.services.reliability.scores import NO_VERDICTS_CAVEAT
    from annotator.store import create_project

    path = tmp_path / "unchecked.annotator"
    store = create_project(path)
    room = Newsroom(store)
    ids = room.doc("Daily Planet", ["The senator voted against the bill.", "The vote was 51 to 49."])
    room.same(room.claim("Evening Post", "The vote was 51 to 49."), ids[1])
    assert score_project(store).notes[0] == NO_VERDICTS_CAVEAT
    store.close()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    r = subprocess.run([sys.executable, "-m", "annotator", "score", str(path)], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert f"note: {NO_VERDICTS_CAVEAT}" in r.stdout
    r = subprocess.run([sys.executable, "-m", "annotator", "score", str(path), "--json"], capture_output=True,
                       text=True, env=env, timeout=120)
    assert json.loads(r.stdout)["notes"][0] == NO_VERDICTS_CAVEAT


def test_claims_join_into_propositions_labelled_by_their_first_claim():
    """Connected components by minimum labels agree with a plain union-find, chains included."""
    import random

    from annotator.services.reliability.inputs import Groups, _components

    rng = random.Random(7)
    for n, m in ((1, 0), (10, 0), (50, 30), (400, 380), (2000, 1500)):
        pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(m)]
        pairs += [(i, i + 1) for i in range(0, min(n - 1, 300), 1)][::-1] if n > 300 else []  # a long chain
        parent = list(range(n))

        def find(i, parent=parent):
            while parent[i] != i:
                i = parent[i]
            return i

        for a, b in pairs:
            ra, rb = find(a), find(b)
            parent[max(ra, rb)] = min(ra, rb)
        assert _components(n, pairs).tolist() == [find(i) for i in range(n)]
    ids = ["a", "b", "c", "d", "e"]
    groups = Groups(ids, np.arange(5), np.array([2, 0, 2, 1, 0]), 4)
    assert list(groups) == [["b", "e"], ["d"], ["a", "c"], []] and groups[-2] == ["a", "c"]
    some = Groups(ids, np.array([4, 1, 3]), np.array([1, 0, 1]), 3)  # claims 4, 1 and 3 only
    assert list(some) == [["b"], ["e", "d"], []]


def test_two_long_chains_joined_at_their_far_ends_are_one_proposition_in_few_rounds(monkeypatch):
    """Claims 0-1-...-k and (k+1)-...-2k said to be the same, then their newest claims linked:
    one proposition, found in a handful of rounds rather than one round per link."""
    from annotator.services.reliability import inputs

    k = 20_000
    pairs = [(i, i + 1) for i in range(k)] + [(i, i + 1) for i in range(k + 1, 2 * k)] + [(k, 2 * k)]
    rounds = []
    equal = np.array_equal
    monkeypatch.setattr(inputs.np, "array_equal", lambda x, y: rounds.append(1) or equal(x, y))
    assert (inputs._components(2 * k + 1, pairs) == 0).all()
    assert len(rounds) < 200, f"{len(rounds)} comparisons: the smallest label crawled along the chain"


def test_one_more_claim_never_takes_a_source_estimate_away():
    """No cliff: a claim only this source makes adds no evidence, but never removes any (an
    estimate of 83% used to turn into "not enough data" when one unlinked claim was added)."""
    from annotator.services.reliability.engine import Problem, fit

    rng = np.random.default_rng(0)
    kept = 0
    for _ in range(200):
        n_sources, n_props = int(rng.integers(3, 7)), int(rng.integers(8, 20))
        src, prop = [], []
        for p in range(n_props):
            for s in range(n_sources):
                if rng.random() < 0.4:
                    src.append(s)
                    prop.append(p)
        verdict = np.where(rng.random(n_props) < 0.2, (rng.random(n_props) < 0.7).astype(float), np.nan)
        before = fit(Problem(n_sources, n_props, src, prop, None, verdict))
        s = int(rng.integers(0, n_sources))
        after = fit(Problem(n_sources, n_props + 1, [*src, s], [*prop, n_props], None, np.r_[verdict, np.nan]))
        if not np.isnan(before.estimate[s]):
            kept += 1
            assert not np.isnan(after.estimate[s])
            # it moves little, and well within what the interval already admits (a source with
            # two claims gaining a third moves more than one with twenty)
            moved, width = abs(after.estimate[s] - before.estimate[s]), before.estimate_hi[s] - before.estimate_lo[s]
            assert moved < 0.1 and moved < 0.2 * width, (moved, width, before.n_eff[s])
            if before.n_eff[s] >= 3:
                assert moved < 0.05
    assert kept > 50


def test_rival_claims_without_verdicts_are_not_turned_upside_down():
    """Yes/no and four-way questions, each answer given a claim and the answers linked as
    contradicting (at most one true), no verdicts: the model follows the reliable majority
    rather than settling on "every claim false, every source mostly wrong"."""
    from bench.bench_regimes import Regime, generate

    from annotator.services.reliability.engine import fit

    cases = [(Regime("yes/no", verdicts=0.0), 0.85, 0.1), (Regime("four-way", values=4, verdicts=0.0), 0.85, 0.1),
             (Regime("clusters of copies nobody found", verdicts=0.0, clusters=3, detect=0.0), 0.75, 0.2)]
    for regime, accuracy, error in cases:
        for seed in range(3):
            g = generate(regime, seed)
            res = fit(g.problem)
            assert np.mean((res.prob > 0.5) == (g.truth == 1)) > accuracy, (regime.name, seed)
            shown = ~np.isnan(res.estimate) & ~np.isnan(g.accuracy)
            assert np.mean(np.abs(res.estimate[shown] - g.accuracy[shown])) < error, (regime.name, seed)


def test_text_reuse_is_worked_out_once_per_set_of_texts_and_kept_on_disk(store, monkeypatch):
    """A later process (``annotator score``, the app's next start) reads the stored result
    instead of comparing every sentence again; a damaged or unwritable store is ignored."""
    from annotator.paths import data_dir
    from annotator.services.reliability import inputs

    room = Newsroom(store)
    _copier_project(room, copier=True, how="text")
    first = score_project(store)
    assert first.source(room.source_id("Copier")).copies_of == ["Original"]
    stored = list((data_dir() / "cache" / "text-reuse").glob("*.npz"))
    assert len(stored) == 1

    def as_in_a_new_process():
        inputs._REUSE_CACHE.clear()
        inputs._LAST_STRUCTURE.clear()

    as_in_a_new_process()
    monkeypatch.setattr(inputs, "reused_sentences", lambda *a: pytest.fail("worked out again"))
    again = score_project(store)
    assert again.source(room.source_id("Copier")).copies_of == ["Original"]
    assert [s.estimate for s in again.sources] == [s.estimate for s in first.sources]
    monkeypatch.undo()

    for damaged in (b"not a numpy file", stored[0].read_bytes()[:200]):  # not a zip; cut short by a crash
        stored[0].write_bytes(damaged)  # worked out again, and stored anew
        as_in_a_new_process()
        assert score_project(store).source(room.source_id("Copier")).copies_of == ["Original"]
        assert inputs._read_reuse(stored[0].stem) is not None

    room.claim("Copier", "A new story shares nothing with anyone at all, and says so at length.")
    as_in_a_new_process()
    monkeypatch.setattr(inputs, "_reuse_folder", lambda: stored[0] / "not a folder")  # cannot write
    assert score_project(store).source(room.source_id("Copier")).copies_of == ["Original"]


def test_copies_found_in_re_used_text_after_claims_and_links_change_equal_a_fresh_build(store):
    """After a claim is added, deleted, resized, linked or unlinked, the scoring process takes
    the text re-use of the propositions that kept their claims from the scoring before and
    works out the rest: what it builds equals a build from scratch."""
    import random

    from annotator.core.errors import ValidationError
    from annotator.services.reliability import inputs
    from annotator.services.snapshot import LiveSnapshot, Snapshot

    rng = random.Random(5)
    subjects = ["The dam", "The mayor", "The harbour", "The council", "The bridge", "The airport"]
    verbs = ["failed after heavy rain on Sunday night", "resigned before the vote on the budget",
             "closed for repairs until the end of the month", "approved the new housing plan on Monday",
             "reopened after a three week inspection", "cancelled every flight because of the storm"]
    pool = [f"{s} {v}, officials confirmed to reporters on Tuesday." for s in subjects for v in verbs[:3]]
    room = Newsroom(store)
    claims = room.doc("Wire", pool[:8], published="2024-03-01", kind="wire service")
    for k, name in enumerate(("Paper", "Blog", "Radio")):
        own = [f"{name} adds its own sentence number {n}, written in its own words for story {k}." for n in range(5)]
        # three of the wire's sentences (a story shared, see inputs.shared_stories), not the whole document
        taken = [pool[i] for i in ((0, 1, 2), (3, 4, 5), (5, 6, 7))[k]] + own
        claims += room.doc(name, taken, published=f"2024-03-0{k + 2}")
    by_text = {}
    for claim in store.claims():
        by_text.setdefault(claim.quote, []).append(claim.id)
    for same in by_text.values():
        for other in same[1:]:
            room.same(same[0], other)
    copying = {d.id for d in store.documents() if not d.title.startswith("Wire")}
    live = LiveSnapshot(store.path)
    inputs.build_inputs(live.snapshot())
    asked = []
    marked = inputs._marked

    def counting(*args):
        asked.append(len(args) > 6)
        return marked(*args)

    inputs._marked = counting
    with_copies = 0  # steps whose builds had copies to compare
    try:
        for step in range(60):
            ids = [c.id for c in store.claims()]
            move = rng.randrange(6)
            if move == 0:  # a claim over a sentence of a copying document
                doc = store.document(rng.choice(sorted(copying)))
                text = store.document_text(doc.id)
                start = rng.randrange(0, len(text) - 30)
                room.service.create_claim(doc.id, start, start + rng.randrange(10, 30))
            elif move == 1 and len(ids) > 12:
                room.service.delete_claim(rng.choice(ids))
            elif move == 2:
                with contextlib.suppress(ValidationError):  # already linked
                    room.service.link(*rng.sample(ids, 2), rng.choice([Relation.SAME, Relation.DERIVED,
                                                                       Relation.CONTRADICTS]))
            elif move == 3 and store.links():
                room.service.unlink(rng.choice(store.links()).id)
            else:  # a claim of a copying document moved to another sentence, or made a little shorter
                claim = store.claim(rng.choice([c.id for c in store.claims() if c.document_id in copying]))
                length = len(store.document_text(claim.document_id))
                start = rng.randrange(0, length - 30) if rng.random() < 0.7 else claim.start
                room.service.resize_claim(claim.id, start, min(length, start + max(5, claim.end - claim.start - 1)))
            kept = inputs.build_inputs(live.snapshot())
            made = inputs._LAST_STRUCTURE[:]
            inputs._LAST_STRUCTURE.clear()
            fresh = inputs.build_inputs(Snapshot(store, for_scoring=True))
            marks = [sorted((st.claim_ids[c], st.reuse.table.orig_ids[j])
                            for c, j in zip(st.reuse.claim.tolist(), st.reuse.pair.tolist(), strict=True))
                     for st in (made[0][1], inputs._LAST_STRUCTURE[0][1])]
            assert marks[0] == marks[1], step
            inputs._LAST_STRUCTURE[:] = made
            for name in ("source", "prop", "copied_from", "group", "verdict"):
                ours, theirs = getattr(kept.problem, name), getattr(fresh.problem, name)
                assert (ours is None and theirs is None) or np.array_equal(ours, theirs, equal_nan=name == "verdict"), (
                    step, name)
            assert kept.copy_reasons == fresh.copy_reasons and kept.assertion_copy_note == fresh.assertion_copy_note
            assert kept.notes == fresh.notes, step
            with_copies += bool(fresh.copy_reasons and marks[0])
    finally:
        inputs._marked = marked
    assert asked.count(True) > 30, "the marks were worked out for the changed propositions only"
    # (compared with copies in them, not only at the end: sixty random edits may leave none)
    assert with_copies > 30, "re-used text makes copies"


def _plain_rival_groups(P: int, pairs: set[tuple[int, int]]) -> tuple[list[int], list[tuple[int, int]]]:
    """The definition of rival groups: pairs in order join two groups when every proposition of
    one contradicts every one of the other; a pair that cannot join stays a pair."""
    member_of: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    kept_pairs = []
    for a, b in sorted(pairs):
        ga, gb = member_of.get(a), member_of.get(b)
        if ga is not None and ga == gb:
            continue
        left = members[ga] if ga is not None else {a}
        right = members[gb] if gb is not None else {b}
        if all((min(x, y), max(x, y)) in pairs for x in left for y in right):
            for old in (ga, gb):
                members.pop(old, None)
            gid = min(left | right)
            members[gid] = left | right
            member_of.update(dict.fromkeys(left | right, gid))
        else:
            kept_pairs.append((a, b))
    group = [-1] * P
    for gid, inside in members.items():
        for x in inside:
            group[x] = gid
    return group, kept_pairs


def test_rival_groups_follow_their_definition(store):
    """Propositions linked as contradicting form groups of rivals (at most one true), as the
    definition says, whether a pair stands alone or joins a larger group."""
    import random

    rng = random.Random(4)
    room = Newsroom(store)
    claims = room.doc("Wire", [f"Claim number {k} is a sentence long enough to stand alone." for k in range(40)])
    for k in range(0, 12, 2):  # pairs of rivals with no other
        room.service.link(claims[k], claims[k + 1], Relation.CONTRADICTS)
    for a, b in ((30, 31), (31, 32), (33, 34), (34, 35), (33, 35)):  # a chain of three; a group of three
        room.service.link(claims[a], claims[b], Relation.CONTRADICTS)
    for _ in range(70):  # and a tangle
        a, b = rng.sample(claims[12:30], 2)
        with contextlib.suppress(Exception):  # (already linked)
            room.service.link(a, b, Relation.CONTRADICTS if rng.random() < 0.8 else Relation.SAME)
    inputs = build_inputs(store)
    prop = inputs.claim_prop
    pairs = {(min(prop[a], prop[b]), max(prop[a], prop[b])) for a, b, rel in store.link_relations()
             if rel == Relation.CONTRADICTS and prop[a] != prop[b]}
    group, kept_pairs = _plain_rival_groups(inputs.problem.n_props, pairs)
    from annotator.services.reliability import inputs as module

    assert inputs.problem.group is not None and inputs.problem.group.tolist() == group
    assert [tuple(p) for p in module._LAST_STRUCTURE[0][1].pair_rivals.tolist()] == kept_pairs
    assert sum(g >= 0 for g in group) > 10 and kept_pairs, "groups of two, larger groups and pairs left as pairs"
    assert any(group.count(g) > 2 for g in set(group) if g >= 0)
