"""Merging two projects annotated separately on the seed articles."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest

from annotator.core.clock import TickingClock
from annotator.core.errors import AnnotatorError
from annotator.core.model import Rating, Relation
from annotator.services.annotations import AnnotationService
from annotator.services.importers import read_document
from annotator.services.importing import ImportService
from annotator.services.merge import OTHER, THIS, merge_project_file, merge_projects
from annotator.store import create_project, open_project
from annotator.store.merging import open_snapshot
from tests.conftest import REPO, sha256_file

SEEDS = REPO / "seeds"
MANIFEST = json.loads((SEEDS / "demo.json").read_text(encoding="utf-8"))["documents"]
SHARED_ID = "01HZZZZZZZZZZZZZZZZZZZZZZZ"


def seeded(path, indexes, *, urls: dict | None = None):
    """A project holding the seed articles ``indexes`` (by position in demo.json)."""
    store = create_project(path, path.stem)
    importer = ImportService(store)
    for i in indexes:
        entry = MANIFEST[i]
        name = entry["source"]["name"]
        if store.source_by_name(name) is None:
            store.add_source(name, url=(urls or {}).get(name), kind=entry["source"].get("kind"))
        assert importer.add(read_document(SEEDS / entry["file"]), source_name=name,
                            title=entry.get("title")).ok
    return store


def doc_of(store, i):
    return next(d.id for d in store.documents() if d.original_filename == MANIFEST[i]["file"])


def claim(service, store, i, quote, type_name=None, nth=0, **kw):
    doc = doc_of(store, i)
    text = store.document_text(doc)
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    types = {t.name: t.id for t in store.claim_types()}
    return service.create_claim(doc, start, start + len(quote), type_id=types.get(type_name), **kw)


@pytest.fixture
def projects(tmp_path):
    """(target store, path of OTHER, ids) — target by alice on docs 0–2, OTHER by bob (and alice) on 1–4."""
    target = seeded(tmp_path / "mine.annotator", [0, 1, 2])
    # sources a copied document must find again: by name in another case, and by URL
    target.add_source(MANIFEST[3]["source"]["name"].upper())
    target.add_source("Report desk", url="https://report.example/")
    alice = AnnotationService(target, annotator="alice")
    carol_t = AnnotationService(target, annotator="carol")
    ids = {}
    ids["t_doc0"] = claim(alice, target, 0, "Clarifai").id
    ids["c1"] = claim(alice, target, 1, "3 million", "Number or statistic").id
    ids["c2"] = claim(alice, target, 1, "Clarifai", "Factual claim").id
    ids["c3"] = claim(alice, target, 2, "OkCupid", "Attribution").id
    ids["shared"] = claim(carol_t, target, 2, "Clarifai", "Factual claim", id=SHARED_ID).id
    target.set_verdict(ids["c1"], Rating.TRUE, annotator="alice")
    target.set_verdict(ids["c3"], Rating.MIXED, annotator="alice")
    alice.link(ids["c1"], ids["c3"], Relation.CONTRADICTS)

    other_path = tmp_path / "theirs.annotator"
    other = seeded(other_path, [1, 2, 3, 4], urls={MANIFEST[4]["source"]["name"]: "https://report.example"})
    bob = AnnotationService(other, annotator="bob")
    alice_o = AnnotationService(other, annotator="alice")
    carol_o = AnnotationService(other, annotator="carol")
    o = {}
    number = next(t.id for t in other.claim_types() if t.name == "Number or statistic")
    other.update_claim_type(number, name="NUMBER OR STATISTIC")  # types match by name, any case
    o["c1"] = claim(alice_o, other, 1, "3 million", "NUMBER OR STATISTIC").id  # identical to alice's c1
    o["c2"] = claim(bob, other, 1, "Clarifai", "Opinion or analysis").id   # same span, other type
    o["c3"] = claim(alice_o, other, 2, "OkCupid", "Attribution").id        # identical to c3
    o["shared"] = claim(carol_o, other, 2, "Clarifai", "Attribution", id=SHARED_ID).id  # same id
    o["d3"] = claim(bob, other, 3, "Clarifai", "Factual claim").id         # in a copied document
    o["d4"] = claim(bob, other, 4, "OkCupid").id                           # untyped, copied document
    other.set_verdict(o["c1"], Rating.FALSE, annotator="bob")     # disagrees with alice's "true"
    other.set_verdict(o["c1"], Rating.TRUE, annotator="alice")    # duplicate of alice's verdict
    other.set_verdict(o["c3"], Rating.MOSTLY_FALSE, annotator="alice")  # alice changed her mind, later
    other.set_verdict(o["c3"], Rating.MIXED, annotator="bob")
    other.set_verdict(o["d4"], Rating.UNVERIFIABLE, annotator="bob")
    bob.link(o["c3"], o["c1"], Relation.CONTRADICTS)  # same as alice's link, other direction
    bob.link(o["c1"], o["c2"], Relation.SUPPORTS)
    bob.link(o["d3"], o["d4"], Relation.DERIVED)
    other.close()
    yield target, other_path, ids, o
    target.close()


def test_merge_counts_dedup_and_conflicts(projects, tmp_path):
    target, other_path, ids, o = projects
    before = sha256_file(other_path)
    report = merge_project_file(target, other_path)

    assert sha256_file(other_path) == before
    assert not other_path.with_name(other_path.name + "-wal").exists()
    assert not other_path.with_name(other_path.name + "-shm").exists()

    assert report.documents_matched == 2 and report.added["documents"] == 2
    assert report.added["sources"] == 0 and report.deduplicated["sources"] == 2
    assert report.added["claim types"] == 0 and report.deduplicated["claim types"] == 5
    assert (report.added["claims"], report.updated["claims"], report.deduplicated["claims"],
            report.skipped["claims"]) == (3, 1, 2, 0)
    assert (report.added["links"], report.deduplicated["links"], report.skipped["links"]) == (2, 1, 0)
    # bob c1 false, bob c3 mixed, bob d4 unverifiable added; alice c1 true duplicate;
    # alice c3 rated in both projects: the later rating (OTHER's) taken, listed as a conflict
    assert (report.added["verdicts"], report.updated["verdicts"], report.deduplicated["verdicts"],
            report.skipped["verdicts"]) == (3, 1, 1, 0)

    counts = target.counts()
    assert (counts.documents, counts.claims, counts.links, counts.verdicts) == (5, 5 + 3, 1 + 2, 2 + 3)
    assert counts.sources == 5  # three seeded + the two pre-made ones; none created

    # copied documents keep the matched sources
    sources = {s.id: s.name for s in target.sources()}
    docs = {d.original_filename: d for d in target.documents()}
    assert sources[docs[MANIFEST[3]["file"]].source_id] == MANIFEST[3]["source"]["name"].upper()
    assert sources[docs[MANIFEST[4]["file"]].source_id] == "Report desk"

    # claim ids are kept; deduplicated claims map onto the existing ones
    assert target.claim(o["d3"]).document_id == docs[MANIFEST[3]["file"]].id
    assert target.claim(o["c2"]).annotator == "bob"
    assert target.claim(SHARED_ID).annotator == "carol"
    types = {t.id: t.name for t in target.claim_types()}
    assert types[target.claim(SHARED_ID).type_id] == "Attribution"  # OTHER's copy was typed later
    with pytest.raises(AnnotatorError):
        target.claim(o["c1"])
    assert {(v.annotator, v.rating) for v in target.verdicts(ids["c1"])} == {
        ("alice", Rating.TRUE), ("bob", Rating.FALSE)}
    assert target.verdict(ids["c3"], annotator="alice").rating == Rating.MOSTLY_FALSE
    assert target.find_link(ids["c1"], o["c2"], Relation.SUPPORTS) is not None

    # both the shared claim and alice's c3 verdict were made in each project separately
    conflicts = {(c.kind, c.row_id): c for c in report.conflicts}
    assert set(conflicts) == {("claim", SHARED_ID),
                              ("verdict", target.verdict(ids["c3"], annotator="alice").id)}
    assert conflicts[("claim", SHARED_ID)].fields == [("type", "Factual claim", "Attribution")]
    verdict = next(c for c in report.conflicts if c.kind == "verdict")
    assert verdict.fields == [("rating", "mixed", "mostly false")] and verdict.kept == OTHER
    assert verdict.claim_id == ids["c3"]
    assert [c.claim_id for c in report.disagreements] == sorted([ids["c1"], ids["c3"]])
    c1 = next(c for c in report.disagreements if c.claim_id == ids["c1"])
    assert {(a, r) for a, r, _ in c1.ratings} == {("alice", Rating.TRUE), ("bob", Rating.FALSE)}
    text = "\n".join(report.lines())
    assert "From the other project: 10 rows added, 2 updated, 2 conflicts" in text
    assert ("verdict alice on “OkCupid”" in text
            and "rating: this project mixed, other project mostly false – kept other project's" in text)
    assert "Claims: 3 added, 1 updated, 2 deduplicated, 0 already present" in text
    assert target.integrity_check() == "ok"

    # merging again adds nothing: the kept values now agree
    again = merge_project_file(target, other_path)
    assert not again.changed and not again.conflicts and not again.changes
    assert target.counts() == counts
    assert again.skipped["claims"] == 4 and again.deduplicated["claims"] == 2
    assert [c.claim_id for c in again.disagreements] == [c.claim_id for c in report.disagreements]
    assert sha256_file(other_path) == before


def test_merge_is_one_transaction(projects, monkeypatch):
    target, other_path, _ids, _o = projects
    counts = target.counts()
    from annotator.store.project import ProjectStore

    calls = {"n": 0}
    original = ProjectStore.insert_link

    def failing(self, link):
        calls["n"] += 1
        if calls["n"] == 2:
            raise AnnotatorError("disk full")
        return original(self, link)

    monkeypatch.setattr(ProjectStore, "insert_link", failing)
    with pytest.raises(AnnotatorError):
        merge_project_file(target, other_path)
    assert target.counts() == counts


def test_merge_an_old_schema_file_without_changing_it(store, tmp_path):
    old = tmp_path / "v1.annotator"
    shutil.copy(REPO / "tests" / "fixtures" / "schema" / "v1.annotator", old)
    before = sha256_file(old)
    report = merge_project_file(store, old)
    assert sha256_file(old) == before
    assert report.added["documents"] == 1 and report.added["claims"] == 2
    assert store.counts().claims == 2
    assert not merge_project_file(store, old).changed


def test_merge_into_itself_is_refused(tmp_path):
    path = tmp_path / "one.annotator"
    store = seeded(path, [0])
    try:
        with pytest.raises(AnnotatorError, match="itself"):
            merge_projects(store, open_snapshot(path))
    finally:
        store.close()


def test_merge_command(projects):
    target, other_path, _ids, _o = projects
    path = target.path
    before = sha256_file(other_path)

    def merge():
        return subprocess.run([sys.executable, "-m", "annotator", "merge", str(path), str(other_path)],
                              capture_output=True, text=True, encoding="utf-8", timeout=120)

    r = merge()  # while this process has the project open for editing: one writer at a time
    assert r.returncode == 1 and "is open in another annotator" in r.stderr and "Traceback" not in r.stderr
    target.close()
    r = merge()
    assert r.returncode == 0, r.stderr
    assert "Claims: 3 added, 1 updated, 2 deduplicated, 0 already present" in r.stdout
    assert "2 conflicts: edited in both projects" in r.stdout
    assert "other project mostly false – kept other project's" in r.stdout
    assert "rated differently by different annotators" in r.stdout
    assert sha256_file(other_path) == before
    again = open_project(path)
    assert again.counts().claims == 8
    again.close()


def test_identical_claims_inside_other_stay_distinct(tmp_path):
    target = seeded(tmp_path / "mine.annotator", [1])
    there = claim(AnnotationService(target, annotator="alice"), target, 1, "Clarifai")
    other_path = tmp_path / "theirs.annotator"
    other = seeded(other_path, [1])
    alice = AnnotationService(other, annotator="alice")
    plain = claim(alice, other, 1, "Clarifai")  # the same as the target's, no note: nothing to lose
    first = claim(alice, other, 1, "Clarifai", note="first reading")
    second = claim(alice, other, 1, "Clarifai", note="second reading")
    other.set_verdict(plain.id, Rating.MIXED, annotator="alice")
    other.set_verdict(first.id, Rating.TRUE, note="fine", annotator="alice")
    other.set_verdict(second.id, Rating.FALSE, note="not so", annotator="alice")
    alice.link(first.id, second.id, Relation.SUPPORTS)
    other.close()
    try:
        report = merge_project_file(target, other_path)
        assert (report.added["claims"], report.deduplicated["claims"]) == (2, 1)
        same_span = [c for c in target.claims() if (c.start, c.end) == (there.start, there.end)]
        assert sorted(c.note or "" for c in same_span) == ["", "first reading", "second reading"]
        assert {c.id for c in same_span} == {there.id, first.id, second.id}
        assert target.verdict(there.id, annotator="alice").rating == Rating.MIXED
        assert (target.verdict(first.id, annotator="alice").rating, target.verdict(first.id).note) == (
            Rating.TRUE, "fine")
        assert (target.verdict(second.id, annotator="alice").rating, target.verdict(second.id).note) == (
            Rating.FALSE, "not so")
        assert target.find_link(first.id, second.id, Relation.SUPPORTS) is not None
        text = "\n".join(report.lines())
        assert "Claims: 2 added, 0 updated, 1 deduplicated, 0 already present" in text
        assert "Verdicts: 3 added" in text and "No conflicting edits." in text
        assert "this project" not in text
    finally:
        target.close()


def copies(tmp_path):
    """A project and a byte copy of it (two colleagues' copies): paths, ids of its claims,
    link and verdict, and one clock for both, each reading later than the one before."""
    mine_path, theirs_path = tmp_path / "mine.annotator", tmp_path / "theirs.annotator"
    base = seeded(mine_path, [1, 2])
    alice = AnnotationService(base, annotator="alice")
    ids = {"a": claim(alice, base, 1, "3 million", "Number or statistic").id,
           "b": claim(alice, base, 1, "Clarifai", "Factual claim").id,
           "c": claim(alice, base, 2, "OkCupid", "Attribution").id}
    ids["link"] = alice.link(ids["a"], ids["b"], Relation.SUPPORTS).id
    ids["verdict"] = base.set_verdict(ids["a"], Rating.TRUE, annotator="alice").id
    base.close()
    shutil.copy(mine_path, theirs_path)
    return mine_path, theirs_path, ids, TickingClock()


def test_a_colleagues_edits_come_across(tmp_path):
    mine_path, theirs_path, ids, clock = copies(tmp_path)
    theirs = open_project(theirs_path, clock=clock)
    bob = AnnotationService(theirs, annotator="bob")
    bob.update_claim(ids["a"], note="Census figure, checked")
    types = {t.name: t.id for t in theirs.claim_types()}
    bob.update_claim(ids["b"], type_id=types["Opinion or analysis"])
    c = theirs.claim(ids["c"])
    bob.resize_claim(c.id, c.start, c.end + len(" users"))
    # no dialog edits a link's relation yet; a loaded CSV or a later version may
    theirs.replace_row(replace(theirs.link(ids["link"]), relation=Relation.CONTRADICTS, updated_at=None))
    theirs.set_verdict(ids["a"], Rating.MOSTLY_FALSE, note="The figure is from 2019", annotator="alice",
                       review_url="https://factdesk.example/figure")
    wanted_claims = {k: theirs.claim(ids[k]) for k in "abc"}
    wanted_link = theirs.link(ids["link"])
    theirs.close()

    mine = open_project(mine_path, clock=clock)
    try:
        report = merge_project_file(mine, theirs_path)
        assert (report.updated["claims"], report.updated["links"], report.updated["verdicts"]) == (3, 1, 1)
        assert not any(report.added.values()) and not report.conflicts
        for key, wanted in wanted_claims.items():
            assert mine.claim(ids[key]) == wanted  # note, type, span and times as edited there
        moved = wanted_claims["c"]
        assert moved.end > c.end and moved.quote != c.quote  # really resized there
        assert mine.link(ids["link"]) == wanted_link
        assert mine.link(ids["link"]).relation == Relation.CONTRADICTS
        verdict = mine.verdict(ids["a"], annotator="alice")
        assert (verdict.id, verdict.rating, verdict.note) == (ids["verdict"], Rating.MOSTLY_FALSE,
                                                              "The figure is from 2019")
        assert verdict.review_url == "https://factdesk.example/figure", "where it is published comes across"
        text = "\n".join(report.lines())
        assert "From the other project: 0 rows added, 5 updated, 0 conflicts" in text
        assert "5 rows updated from the other project" in text
        assert "note: (empty) → “Census figure, checked”" in text
        assert "type: Factual claim → Opinion or analysis" in text
        assert f"span: {c.start}–{c.end} “OkCupid” → {c.start}–{moved.end} “{moved.quote}”" in text
        assert "relation: supports → contradicts" in text
        assert "rating: true → mostly false; note: (empty) → “The figure is from 2019”" in text
        assert "fact-check article: (empty) → “https://factdesk.example/figure”" in text
        assert not merge_project_file(mine, theirs_path).changed  # the copies now agree
    finally:
        mine.close()

    # the other way round, the older copy changes nothing
    theirs = open_project(theirs_path, clock=clock)
    try:
        back = merge_project_file(theirs, mine_path)
        assert not back.changed and not back.changes
    finally:
        theirs.close()


def test_edits_on_both_sides_are_conflicts_with_both_values(tmp_path, capsys):
    from annotator.cli import main

    mine_path, theirs_path, ids, clock = copies(tmp_path)
    mine, theirs = open_project(mine_path, clock=clock), open_project(theirs_path, clock=clock)
    AnnotationService(mine, annotator="alice").update_claim(ids["a"], note="mine: 2020 census")
    AnnotationService(theirs, annotator="bob").update_claim(ids["a"], note="theirs: 2021 census")  # later
    theirs.set_verdict(ids["a"], Rating.MIXED, annotator="alice")
    mine.set_verdict(ids["a"], Rating.FALSE, note="see the report", annotator="alice")  # later
    AnnotationService(mine, annotator="alice").update_claim(ids["b"], note="only edited here")
    theirs.close()
    mine.close()
    shutil.copy(mine_path, tmp_path / "mine-json.annotator")

    mine = open_project(mine_path, clock=clock)
    try:
        report = merge_project_file(mine, theirs_path)
        assert mine.claim(ids["a"]).note == "theirs: 2021 census"  # the later edit
        assert mine.verdict(ids["a"], annotator="alice").rating == Rating.FALSE  # the later edit
        assert mine.claim(ids["b"]).note == "only edited here"  # the copy there is older and unedited
        assert [(c.kind, c.fields, c.kept) for c in report.conflicts] == [
            ("claim", [("note", "“mine: 2020 census”", "“theirs: 2021 census”")], OTHER),
            ("verdict", [("rating", "false", "mixed"), ("note", "“see the report”", "(empty)")], THIS)]
        assert report.updated["claims"] == 1 and report.skipped["claims"] == 2
        text = "\n".join(report.lines())
        assert "0 rows added, 1 updated, 2 conflicts" in text
        assert ("note: this project “mine: 2020 census”, other project “theirs: 2021 census” "
                "– kept other project's") in text
        assert ("rating: this project false, other project mixed; note: this project “see the report”, "
                "other project (empty) – kept this project's") in text
        assert "only edited here" not in text  # not a conflict: the other copy never changed it
    finally:
        mine.close()

    assert main(["merge", "--json", str(tmp_path / "mine-json.annotator"), str(theirs_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["conflicts"] == 2 and data["updated"]["claims"] == 1
    kept = {c["kind"]: (c["kept"], c["fields"][0]) for c in data["changes"] if c["conflict"]}
    assert kept == {
        "claim": (OTHER, {"field": "note", "this_project": "“mine: 2020 census”",
                          "other_project": "“theirs: 2021 census”"}),
        "verdict": (THIS, {"field": "rating", "this_project": "false", "other_project": "mixed"})}
