"""The snapshot answers like the store, so workers can score without the database."""

from annotator.services.snapshot import Snapshot


def test_snapshot_matches_the_store(demo_store):
    snap = Snapshot(demo_store)
    assert snap.sources() == demo_store.sources()
    assert snap.claims() == demo_store.claims()
    assert snap.links() == demo_store.links()
    assert snap.verdicts() == demo_store.verdicts()
    assert snap.claim_spans() == demo_store.claim_spans()
    assert snap.link_relations() == demo_store.link_relations()
    doc = demo_store.documents()[0]
    assert snap.document_text(doc.id) == demo_store.document_text(doc.id)
    claim = demo_store.claims()[0]
    assert snap.links(claim.id) == demo_store.links(claim.id)
    assert snap.claims(doc.id) == demo_store.claims(doc.id)


def test_snapshots_share_unchanged_texts_through_the_cache(demo_store):
    cache = {}
    first = Snapshot(demo_store, text_cache=cache)
    assert len(cache) == 5
    doc = demo_store.documents()[0]
    demo_store.delete_document(demo_store.documents()[1].id)
    second = Snapshot(demo_store, text_cache=cache)
    assert len(cache) == 4, "texts of removed documents leave the cache"
    assert second.document_text(doc.id) is first.document_text(doc.id)


def test_a_worker_thread_reads_its_own_snapshot_of_the_open_project(demo_store):
    """Scoring reads the project in a worker through a read-only connection of its own,
    and sees every edit committed before it started; the app's connection is untouched."""
    import threading

    from annotator.services.annotations import AnnotationService
    from annotator.services.snapshot import snapshot_of_file

    claim = demo_store.claims()[0]
    AnnotationService(demo_store, annotator="tester").delete_claim(claim.id)
    result = {}

    def work():
        result["snap"] = snapshot_of_file(demo_store.path)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    snap = result["snap"]
    assert snap.claims() == demo_store.claims() and claim.id not in {c.id for c in snap.claims()}
    assert snap.links() == demo_store.links() and snap.verdicts() == demo_store.verdicts()
    assert demo_store.counts().claims == len(snap.claims()), "the app's own connection still works"


def test_a_snapshot_for_scoring_holds_what_scoring_reads(demo_store):
    snap = Snapshot(demo_store, for_scoring=True)
    assert snap.claim_spans() == demo_store.claim_spans() and snap.link_relations() == demo_store.link_relations()
    assert snap.verdicts() == demo_store.verdicts() and snap.sources() == demo_store.sources()
    import pytest

    with pytest.raises(RuntimeError, match="taken for scoring"):
        snap.claims()
