"""Agreement statistics checked against cases computed by hand (and one textbook example)."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from annotator.core.model import Rating, Relation
from annotator.services.agreement import (
    ALPHA,
    KAPPA,
    ORDINAL_ALPHA,
    agreement_report,
    cohen_kappa,
    coincidences,
    krippendorff_alpha,
)
from annotator.services.annotations import AnnotationService
from annotator.store import create_project

approx = pytest.approx


# -- the statistics on their own ----------------------------------------------------------
def test_cohen_kappa_on_a_2x2_table():
    #            B yes  B no
    #   A yes     20      5     N = 50, p_o = (20 + 15) / 50 = 0.70
    #   A no      10     15     p_e = (25/50)(30/50) + (25/50)(20/50) = 0.30 + 0.20 = 0.50
    #   kappa = (0.70 - 0.50) / (1 - 0.50) = 0.40
    table = {("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}
    assert cohen_kappa(table) == approx(0.4)
    assert cohen_kappa({("a", "a"): 3}) is None  # chance agreement is total: undefined
    assert cohen_kappa({("a", "a"): 2, ("b", "b"): 2}) == approx(1.0)
    assert cohen_kappa({}) is None


def test_alpha_two_coders_by_hand():
    # units (coder 1, coder 2): (a,a) (a,b) (b,b) (b,b)
    # coincidences: o_aa = 2, o_ab = o_ba = 1, o_bb = 4; n_a = 3, n_b = 5, n = 8
    # alpha = 1 - (n - 1) * (o_ab + o_ba) / (n_a n_b + n_b n_a) = 1 - 7 * 2 / 30 = 16/30
    units = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")]
    matrix, pairable = coincidences(units)
    assert matrix == {("a", "a"): 2, ("a", "b"): 1, ("b", "a"): 1, ("b", "b"): 4} and pairable == 4
    assert krippendorff_alpha(units) == approx(16 / 30)
    # Cohen's kappa on the same units: p_o = 3/4, p_e = (2/4)(1/4) + (2/4)(3/4) = 1/2 -> 0.5
    assert cohen_kappa({("a", "a"): 1, ("a", "b"): 1, ("b", "b"): 2}) == approx(0.5)


def test_alpha_three_coders_with_missing_values_by_hand():
    # u1 (1,1,1): m = 3, six ordered pairs of weight 1/2 -> o_11 += 3
    # u2 (1,2,-): o_12 += 1, o_21 += 1;  u3 (2,2,2): o_22 += 3;  u4 (1,-,-): one value, left out
    # n_1 = 4, n_2 = 4, n = 8; alpha = 1 - 7 * 2 / (4*4 + 4*4) = 1 - 14/32 = 18/32 = 0.5625
    units = [(1, 1, 1), (1, 2, None), (2, 2, 2), (1, None, None)]
    assert coincidences(units)[1] == 3
    assert krippendorff_alpha(units) == approx(0.5625)


def test_ordinal_alpha_by_hand():
    # units (1,1) (1,2) (3,3) (2,3): o_11 = 2, o_12 = o_21 = 1, o_33 = 2, o_23 = o_32 = 1
    # n_1 = 3, n_2 = 2, n_3 = 3, n = 8
    # ordinal d2(c,k) = (sum of n_g from c to k - (n_c + n_k)/2)^2:
    #   d2(1,2) = (5 - 2.5)^2 = 6.25, d2(2,3) = (5 - 2.5)^2 = 6.25, d2(1,3) = (8 - 3)^2 = 25
    # observed  = 2 * 6.25 + 2 * 6.25 = 25
    # expected  = 2 * (3*2*6.25 + 3*3*25 + 2*3*6.25) = 600
    # alpha = 1 - 7 * 25 / 600 = 17/24 = 0.7083; nominal: 1 - 7 * 4 / 42 = 1/3
    units = [(1, 1), (1, 2), (3, 3), (2, 3)]
    assert krippendorff_alpha(units, metric="ordinal", order=[1, 2, 3]) == approx(17 / 24)
    assert krippendorff_alpha(units) == approx(1 / 3)


def test_alpha_on_the_textbook_reliability_matrix():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers,
    # 12 units, values 1-5, missing data. Published: nominal 0.743, ordinal 0.815.
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
    c = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
    d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]
    units = list(zip(a, b, c, d, strict=True))
    assert krippendorff_alpha(units) == approx(0.743, abs=5e-4)
    assert krippendorff_alpha(units, metric="ordinal", order=[1, 2, 3, 4, 5]) == approx(0.815, abs=5e-4)
    assert coincidences(units)[1] == 11  # unit 12 has a single value


def test_weights_count_as_repeated_units_and_undefined_cases():
    repeated = [("x", "x")] * 3 + [("x", "y")] * 2 + [("y", "y")]
    weighted = [("x", "x"), ("x", "y"), ("y", "y")]
    assert krippendorff_alpha(weighted, weights=[3, 2, 1]) == approx(krippendorff_alpha(repeated))
    assert krippendorff_alpha([("x", "x"), ("x", "x")]) is None  # one value only
    assert krippendorff_alpha([("x", None)]) is None
    with pytest.raises(ValueError):
        krippendorff_alpha([(1, 2)], metric="ordinal", order=[1])


# -- on a project -----------------------------------------------------------------------
def _rows(report) -> dict:
    return {(r.aspect, r.statistic, r.annotators): r for r in report.rows}


def test_span_agreement_by_character(store):
    types = {t.name: t.id for t in store.claim_types()}
    doc = store.add_document("abcdefghij", "Ten characters")
    alone = store.add_document("only alice highlighted here", "Alice only")
    alice = AnnotationService(store, annotator="alice")
    bob = AnnotationService(store, annotator="bob")
    alice.create_claim(doc.id, 0, 4, type_id=types["Factual claim"])
    bob.create_claim(doc.id, 2, 6, type_id=types["Attribution"])
    alice.create_claim(alone.id, 0, 4)  # bob did not annotate this document: not counted

    rows = _rows(agreement_report(store))
    # characters 0-9, claim (1) or not (0):  alice 1111000000, bob 0011110000
    #   both 1: 2, alice only: 2, bob only: 2, neither: 4  (N = 10)
    #   kappa: p_o = 6/10, p_e = (4/10)(4/10) + (6/10)(6/10) = 0.52 -> (0.6 - 0.52)/0.48 = 1/6
    #   alpha: n = 20, n_1 = 8, n_0 = 12, four disagreeing characters give o_01 + o_10 = 8
    #          1 - 19 * 8 / (2 * 8 * 12) = 1 - 152/192 = 5/24
    kappa = rows["spans: claim / no claim", KAPPA, ("alice", "bob")]
    assert (kappa.units, kappa.unit) == (10, "characters") and kappa.value == approx(1 / 6)
    assert rows["spans: claim / no claim", ALPHA, ("alice", "bob")].value == approx(5 / 24)
    # by claim type: alice F F F F - - - - - -, bob - - A A A A - - - -
    #   kappa: p_o = 4/10 (characters 6-9), p_e = (6/10)(6/10) = 0.36 -> 0.04/0.64 = 0.0625
    #   alpha: n_F = 4, n_A = 4, n_none = 12; six disagreeing characters -> 12 off the diagonal
    #          expected pairs off the diagonal = 400 - (16 + 16 + 144) = 224; 1 - 19*12/224 = -1/56
    assert rows["spans: claim type", KAPPA, ("alice", "bob")].value == approx(0.0625)
    assert rows["spans: claim type", ALPHA, ("alice", "bob")].value == approx(-1 / 56)


def test_verdict_agreement_nominal_and_ordinal(store):
    text = "one. two. three. four. five. six."
    doc = store.add_document(text, "Six claims")
    alice = AnnotationService(store, annotator="alice")
    claims = [alice.create_claim(doc.id, text.index(w), text.index(w) + len(w))
              for w in ("one", "two", "three", "four", "five", "six")]
    ratings = [  # (alice, bob)
        (Rating.TRUE, Rating.TRUE), (Rating.FALSE, Rating.FALSE), (Rating.TRUE, Rating.FALSE),
        (Rating.MIXED, Rating.MIXED), (Rating.UNVERIFIABLE, Rating.TRUE), (Rating.FALSE, None)]
    for claim, (a, b) in zip(claims, ratings, strict=True):
        store.set_verdict(claim.id, a, annotator="alice")
        if b is not None:
            store.set_verdict(claim.id, b, annotator="bob")

    report = agreement_report(store)
    rows = _rows(report)
    # nominal, claims 1-5 (claim 6 has one rating): alice T F T M U, bob T F F M T
    #   kappa: p_o = 3/5; marginals alice T2 F1 M1 U1, bob T2 F2 M1
    #          p_e = (2*2 + 1*2 + 1*1 + 1*0) / 25 = 7/25 -> (15/25 - 7/25)/(18/25) = 4/9
    #   alpha: n = 10, n_T = 4, n_F = 3, n_M = 2, n_U = 1; two disagreeing claims -> 4 off the diagonal
    #          expected off the diagonal = 100 - (16 + 9 + 4 + 1) = 70; 1 - 9*4/70 = 17/35
    kappa = rows["verdicts: rating", KAPPA, ("alice", "bob")]
    assert (kappa.units, kappa.unit, kappa.value) == (5, "claims", approx(4 / 9))
    assert rows["verdicts: rating", ALPHA, ("alice", "bob")].value == approx(17 / 35)
    # ordinal, "unverifiable" left out, so claim 5 drops: alice T F T M, bob T F F M
    #   n_T = 3, n_M = 2, n_F = 3 (n = 8); order T, mostly T, M, mostly F, F
    #   d2(T,F) = (8 - 3)^2 = 25, d2(T,M) = d2(M,F) = (5 - 2.5)^2 = 6.25
    #   observed = 2 * 25 = 50; expected = 2 * (3*2*6.25 + 3*3*25 + 2*3*6.25) = 600
    #   alpha = 1 - 7 * 50 / 600 = 5/12
    ordinal = rows["verdicts: rating, true…false", ORDINAL_ALPHA, ("alice", "bob")]
    assert (ordinal.units, ordinal.value) == (4, approx(5 / 12))
    assert not any(r.aspect == "verdicts: rating, true…false" and r.statistic != ORDINAL_ALPHA
                   for r in report.rows)
    assert any("spans" in n and "no characters" in n for n in report.notes)  # only alice highlighted


def test_link_agreement_by_claim_pair_across_two_project_files(store, tmp_path):
    text = "Alpha said. Beta said. Gamma said."
    theirs = create_project(tmp_path / "bob.annotator", "Bob's copy")
    try:
        claims = {}
        for project, who in ((store, "alice"), (theirs, "bob")):
            doc = project.add_document(text, "Three claims")  # the same text: the same document
            service = AnnotationService(project, annotator=who)
            claims[who] = [service.create_claim(doc.id, text.index(w), text.index(w) + len(w) + 5)
                           for w in ("Alpha", "Beta", "Gamma")]
        alice = AnnotationService(store, annotator="alice")
        bob = AnnotationService(theirs, annotator="bob")
        a, b, c = claims["alice"]
        alice.link(a.id, b.id, Relation.SUPPORTS)
        alice.link(a.id, c.id, Relation.CONTRADICTS)
        alice.link(b.id, c.id, Relation.DERIVED)  # bob did not link this pair: not a unit
        a, b, c = claims["bob"]
        bob.link(b.id, a.id, Relation.SUPPORTS)   # the other direction: a different label
        bob.link(c.id, a.id, Relation.CONTRADICTS)  # symmetric: the same label
        rows = _rows(agreement_report(store, theirs))
    finally:
        theirs.close()
    # pairs {a,b}: alice "supports →", bob "supports ←"; {a,c}: both "contradicts"
    #   kappa: p_o = 1/2, p_e = (1*1)/4 (only "contradicts" is shared) -> (1/2 - 1/4)/(3/4) = 1/3
    #   alpha: n = 4, n_→ = 1, n_← = 1, n_contradicts = 2; o off the diagonal = 2
    #          expected off the diagonal = 16 - (1 + 1 + 4) = 10; 1 - 3 * 2 / 10 = 0.4
    kappa = rows["links: relation", KAPPA, ("alice", "bob")]
    assert (kappa.units, kappa.unit, kappa.value) == (2, "claim pairs", approx(1 / 3))
    assert rows["links: relation", ALPHA, ("alice", "bob")].value == approx(0.4)
    # both highlighted exactly the same three spans
    assert rows["spans: claim / no claim", KAPPA, ("alice", "bob")].value == approx(1.0)


def test_one_annotator_is_said_plainly(demo_store):
    report = agreement_report(demo_store)
    assert report.rows == []
    assert report.lines() == [
        "Agreement needs at least two annotators; this project has only one: demo fact-checker."]


def test_agreement_command_with_csv(store, tmp_path):
    text = "one. two. three."
    doc = store.add_document(text, "Three claims")
    alice = AnnotationService(store, annotator="=alice")  # a name that would be a formula
    claims = [alice.create_claim(doc.id, text.index(w), text.index(w) + len(w)) for w in ("one", "two", "three")]
    for claim, (x, y) in zip(claims, [("true", "true"), ("false", "true"), ("mixed", "mixed")], strict=True):
        store.set_verdict(claim.id, Rating(x), annotator="=alice")
        store.set_verdict(claim.id, Rating(y), annotator="bob")
    path = store.path
    out = tmp_path / "agreement.csv"
    r = subprocess.run([sys.executable, "-m", "annotator", "agreement", str(path), "--csv", str(out)],
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    header = r.stdout.splitlines()[0].split()
    assert header == ["measure", "annotators", "units", "value"]
    assert "verdicts: rating – Cohen's kappa" in r.stdout and "3 claims" in r.stdout
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["statistic"] for row in rows} == {KAPPA, ALPHA, ORDINAL_ALPHA}
    kappa = next(row for row in rows if row["statistic"] == KAPPA)
    assert kappa["annotators"] == "'=alice; bob" and kappa["units"] == "3"
    # p_o = 2/3; alice T1 F1 M1, bob T2 M1: p_e = (1*2 + 1*1)/9 = 1/3 -> (2/3 - 1/3)/(2/3) = 0.5
    assert float(kappa["value"]) == approx(0.5)
