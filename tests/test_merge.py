"""Merging two projects annotated separately on the seed articles."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

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
