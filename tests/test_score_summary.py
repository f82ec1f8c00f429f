"""The scores the window receives agree with the full scoring they summarise."""

from __future__ import annotations

import pickle

import numpy as np

import pytest

from annotator.services.reliability import explain_claim, explain_source, score_project
from annotator.services.reliability.summary import CLAIM_PUSHES, EXPLAIN_ROWS, summarize
from annotator.store import open_project
from bench.bench_scale import build_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A generated newsroom project: rival claims, copies, verdicts and unchecked claims."""
    path = tmp_path_factory.mktemp("summary") / "newsroom.annotator"
    build_project(path, size=0.004)
    return path


def test_every_claim_and_source_reads_as_the_full_explanation(project):
    store = open_project(project)
    try:
        scores = score_project(store)
    finally:
        store.close()
    summary = pickle.loads(pickle.dumps(summarize(scores)))  # as it crosses from the scoring process
    claims = list(scores.inputs.claim_prop)
    assert len(claims) > 300 and sorted(summary.claim_ids()) == sorted(claims)
    assert summary.notes == scores.notes
    disputed = {c for c in claims if explain_claim(scores, c).conflict}
    assert disputed and summary.disputed_claims() == disputed
    rivals = settled = 0
    for claim_id in claims:
        full, short = explain_claim(scores, claim_id), summary.estimate(claim_id)
        assert (short.probability, short.settled, short.verdict) == (full.probability, full.settled, full.verdict)
        expected = full.pushes[:CLAIM_PUSHES]
        assert [(p.source_name, p.direction) for p in short.pushes] == [(p.source_name, p.direction) for p in expected]
        assert [p.weight for p in short.pushes] == pytest.approx([p.weight for p in expected])
        rivals += any(p.weight < 0 for p in full.pushes)
        settled += full.settled
    assert rivals and settled and settled < len(claims), "the project has all kinds of claims"
    for source in scores.sources:
        assert summary.explanation(source.source_id) == \
            explain_source(scores, source.source_id, limit=None)[:EXPLAIN_ROWS]
    assert summary.sources == scores.sources and summary.base_rate == scores.base_rate
    for unknown in ("a claim added after the scoring", "", "\uffff" * 30, claims[0] + "x", claims[0][:-1],
                    claims[0] + "\x00"):
        assert summary.estimate(unknown) is None


def test_unchanged_disputes_are_the_same_set_in_the_next_scores(project):
    """The window recognises unchanged disputed claims without comparing 10,000s of ids."""
    store = open_project(project)
    try:
        first = pickle.loads(pickle.dumps(summarize(score_project(store))))
        again = pickle.loads(pickle.dumps(summarize(score_project(store))))
    finally:
        store.close()
    again.carry_over(None)
    assert again._disputed is None
    disputed = first.disputed_claims()
    again.carry_over(first)
    assert again.disputed_claims() is disputed and again.disputes_digest == first.disputes_digest != ""
    fewer = pickle.loads(pickle.dumps(again))  # one proposition's verdicts agree now
    fewer._disputed = None
    settled = int(fewer.disputed_props[0])
    gone = frozenset(k[:-1].decode() for k in fewer.claim_keys[fewer.claim_prop == settled].tolist())
    fewer.disputed_props = fewer.disputed_props[1:]
    fewer.disputed_keys = fewer.claim_keys[np.isin(fewer.claim_prop, fewer.disputed_props)]
    for found_by in ("propositions", "keys"):
        if found_by == "keys":  # other claims than before (one added): what changed is found by the keys
            first.claim_prop = first.claim_prop.copy()
            first.claim_prop[-1] += 1
            fewer._disputed = None
        fewer.carry_over(first)
        assert gone and fewer.disputed_claims() == disputed - gone
        assert fewer.disputed_changed == gone and fewer.disputed_since is disputed, "what changed, for the table"
    more = pickle.loads(pickle.dumps(again))
    more._disputed = None
    more.carry_over(fewer)  # they disagree again
    assert more.disputed_claims() == disputed and more.disputed_changed == gone


def test_claims_no_source_pushed_still_summarise(tmp_path):
    """Claims only in documents without a source: propositions nobody asserted. The summary
    has them, with no pushes, rather than failing (the panel would get no scores at all)."""
    from annotator.services.annotations import AnnotationService
    from annotator.services.importing import ImportService
    from annotator.store import create_project

    store = create_project(tmp_path / "p.annotator")
    try:
        doc = ImportService(store).import_text("The harbour reopened on Monday.", title="Harbour").document
        assert doc is not None
        claim = AnnotationService(store).create_claim(doc.id, 4, 20)
        scores = score_project(store)
    finally:
        store.close()
    summary = summarize(scores)
    estimate = summary.estimate(claim.id)
    assert estimate is not None and estimate.pushes == []


def test_claim_ids_with_odd_characters_are_found():
    """Ids come from CSV files too: trailing NULs, non-ASCII, ids that are prefixes of others."""
    from annotator.services.reliability.summary import _decoded, _key, _keys

    ids = ["a", "a\x00", "a\x00\x00", "ab", "é", "", "\udcff"]
    keys = _keys(ids)
    order = np.argsort(keys, kind="stable")
    assert sorted(_decoded(keys[order])) == sorted(ids)
    for claim_id in ids:
        i = int(np.searchsorted(keys[order], _key(claim_id)))
        assert keys[order][i] == _key(claim_id)


def test_newer_scores_take_over_the_disagreements_the_window_read(project, tmp_path):
    """The window lists the disagreements of the scores it shows; the next scores, crossing from
    the scoring process, hand it the very same objects for those unchanged (its list keeps
    their rows) and read only the ones that changed."""
    import shutil

    from annotator.core.model import Rating
    from annotator.services.annotations import AnnotationService
    from annotator.services.reliability.summary import summarize_file

    path = tmp_path / "copy.annotator"
    shutil.copyfile(project, path)
    before = pickle.loads(pickle.dumps(summarize_file(str(path), True)))
    listed = before.disputes
    assert len(listed) > 2
    store = open_project(path)
    try:
        disputed = before.disputed_claims()
        claim = next(c.id for c in store.claims() if not store.verdicts(c.id) and c.id not in disputed)
        AnnotationService(store, annotator="Ann").set_verdict(claim, Rating.TRUE)
        AnnotationService(store, annotator="Ben").set_verdict(claim, Rating.FALSE)  # one more disagreement
    finally:
        store.close()
    after = pickle.loads(pickle.dumps(summarize_file(str(path), True)))
    after.carry_over(before)
    kept = [d for d in after.disputes if any(d is old for old in listed)]
    assert len(kept) == len(listed) and len(after.disputes) == len(listed) + 1
    assert [d.prop for d in after.disputes] == [d.prop for d in pickle.loads(pickle.dumps(after)).disputes]


def test_sorted_claims_follow_claims_added_and_removed_as_a_fresh_sort_does():
    """When a few claims came or went since the last scoring, their keys are put in place in
    the sorted keys kept from it: the same keys and propositions as sorting them all again,
    whatever the ids (longer ones, other scripts, trailing NULs)."""
    import random

    from annotator.services.reliability import summary as module

    rng = random.Random(9)
    alphabet = "abcxyzÅé😀\0-_0123456789"
    ids = [f"c{k:05d}" for k in range(300)]
    props = np.array([rng.randrange(40) for _ in ids], dtype=np.int64)
    module._LAST_KEYS.clear()
    module._sorted_claims(ids, props)
    for step in range(40):
        now = [i for i in ids if rng.random() > 0.03]
        for _ in range(rng.randrange(4)):  # new claims land anywhere in the claims' order
            new = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 14 if step % 5 else 40)))
            now.insert(rng.randrange(len(now) + 1), new)
        now = list(dict.fromkeys(now))
        place = {c: k for k, c in enumerate(now)}
        changed = set(rng.sample(now, 2))  # (rows changed in place: treated as gone and come again)
        now_of_before = np.array([place.get(c, -1) if c not in changed else -1 for c in ids], dtype=np.int64)
        now_props = np.array([rng.randrange(40) for _ in now], dtype=np.int64)
        keys, sorted_props = module._sorted_claims(now, now_props, (ids, now_of_before))
        expected = sorted(range(len(now)), key=lambda k: now[k].encode("utf-8", "surrogatepass") + b"\xff")
        assert module._decoded(keys) == [now[k] for k in expected], step
        assert sorted_props.tolist() == [int(now_props[k]) for k in expected], step
        ids = now
    module._LAST_KEYS.clear()
