"""The annotation service: offsets in code points, link rules, delete and restore."""

from __future__ import annotations

import pytest

from annotator.core.errors import DuplicateLinkError, NotFoundError, SelfLinkError, ValidationError
from annotator.core.model import Rating, Relation
from annotator.services.annotations import AnnotationService


@pytest.fixture
def svc(store):
    return AnnotationService(store, annotator="tester")


def _doc(store, text, source="Src"):
    s = store.ensure_source(source)
    return store.add_document(text, "T", source_id=s.id)


def test_claim_after_emoji_stores_the_right_quote_and_context(svc, store):
    text = "🙂👍🏽 e\u0301clair: Clarifai deleted 3 million photos."
    doc = _doc(store, text)
    start = text.index("3 million")
    claim = svc.create_claim(doc.id, start, start + len("3 million"))
    assert claim.quote == "3 million"
    assert claim.prefix.endswith("deleted ") and claim.suffix == " photos."
    assert store.claim(claim.id).quote == "3 million"


def test_claim_span_is_checked(svc, store):
    doc = _doc(store, "Short text.")
    for start, end in [(-1, 3), (3, 3), (5, 2), (0, 99)]:
        with pytest.raises(ValidationError):
            svc.create_claim(doc.id, start, end)
    with pytest.raises(ValidationError, match="blank"):
        svc.create_claim(doc.id, 5, 6)
    with pytest.raises(NotFoundError):
        svc.create_claim("missing", 0, 1)


def test_links_refuse_self_and_duplicates_symmetrically(svc, store):
    d1, d2 = _doc(store, "OkCupid supplied the photos.", "A"), _doc(store, "A founder supplied them.", "B")
    a, b = svc.create_claim(d1.id, 0, 7), svc.create_claim(d2.id, 2, 9)
    with pytest.raises(SelfLinkError):
        svc.link(a.id, a.id, Relation.SAME)
    svc.link(a.id, b.id, Relation.CONTRADICTS)
    with pytest.raises(DuplicateLinkError):
        svc.link(b.id, a.id, Relation.CONTRADICTS)  # symmetric: same link reversed
    svc.link(b.id, a.id, Relation.DERIVED)
    svc.link(a.id, b.id, Relation.DERIVED)  # directional: the other way is a different link
    assert len(store.links()) == 3


def test_delete_then_restore_brings_back_same_ids(svc, store):
    d1, d2 = _doc(store, "OkCupid supplied the photos.", "A"), _doc(store, "A founder supplied them.", "B")
    a, b = svc.create_claim(d1.id, 0, 7, note="who"), svc.create_claim(d2.id, 2, 9)
    link = svc.link(a.id, b.id, Relation.CONTRADICTS)
    svc.set_verdict(a.id, Rating.MOSTLY_FALSE, note="NYT says a founder")
    snap = svc.delete_claim(a.id)
    assert store.counts().links == 0 and store.counts().verdicts == 0
    svc.restore(snap)
    assert store.claim(a.id).note == "who"
    assert store.link(link.id).relation is Relation.CONTRADICTS
    assert store.verdict(a.id).rating is Rating.MOSTLY_FALSE


def test_verdict_set_and_restore(svc, store):
    doc = _doc(store, "The FTC settled with OkCupid.")
    c = svc.create_claim(doc.id, 4, 7)
    assert svc.set_verdict(c.id, Rating.TRUE) is None
    previous = svc.set_verdict(c.id, Rating.FALSE)
    assert previous.rating is Rating.TRUE
    svc.restore_verdict(c.id, previous)
    assert store.verdict(c.id).rating is Rating.TRUE
    svc.set_verdict(c.id, None)
    assert store.verdict(c.id) is None


def test_events_are_emitted_after_commits(svc, store):
    seen = []
    svc.events.subscribe(lambda ch: seen.append((ch.kind, ch.action, store.counts().claims)))
    doc = _doc(store, "The FTC settled with OkCupid.")
    c = svc.create_claim(doc.id, 4, 7)
    svc.delete_claim(c.id)
    assert seen == [("claim", "added", 1), ("claim", "removed", 0)]


def test_a_claim_never_starts_or_ends_with_blank_space(store):
    """The rule holds for every caller of the service, not only for the window's Ctrl+E."""
    from annotator.services.annotations import AnnotationService

    doc = store.add_document("alpha beta gamma.\n delta", "Doc")
    service = AnnotationService(store, annotator="tester")
    claim = service.create_claim(doc.id, 5, 12)  # " beta g"
    assert (claim.quote, claim.start, claim.end) == ("beta g", 6, 12)
    resized = service.resize_claim(claim.id, 6, 19)  # "beta gamma.\n "
    assert resized.quote == "beta gamma." and store.claim(claim.id).quote == "beta gamma."
    with pytest.raises(ValidationError):
        service.create_claim(doc.id, 17, 19)  # only the line break and a space


def test_a_bulk_edit_returns_exactly_the_rows_it_added_and_undoes_them(store):
    """Loading or merging is one service call that says what it added; undo removes exactly
    that, redo puts the same rows back with the same ids (no diff of the whole project)."""
    from annotator.core.events import Events

    from annotator.core.clock import TickingClock
    from annotator.core.ids import new_id
    from annotator.core.model import Verdict

    store.clock = TickingClock()  # every stamp differs, so a re-stamped row would show
    events, heard = Events(), []
    events.subscribe(heard.append)
    service = AnnotationService(store, events, annotator="tester")
    kept = store.add_document("Already here before the load.", "Old")
    old_claim = service.create_claim(kept.id, 0, 7)

    def load():
        doc = store.add_document("Clarifai deleted three million photos.", "New")
        claim = service.create_claim(doc.id, 0, 8)
        service.link(claim.id, old_claim.id, Relation.SUPPORTS)
        # As a CSV load does: a verdict with no times of its own, stamped by the store.
        store.insert_verdict(Verdict(new_id(), claim.id, Rating.TRUE, annotator="tester"))
        return "report"

    heard.clear()
    report, added = service.run_bulk(load)
    assert report == "report"
    assert [d.title for d in added.documents] == ["New"] and len(added.claims) == 1 and len(added.links) == 1
    assert len(added.verdicts) == 1 and heard[-1].kind == "document"
    stamped = store.verdict(added.claims[0].id).updated_at
    service.remove_rows(added)
    assert [d.title for d in store.documents()] == ["Old"] and [c.id for c in store.claims()] == [old_claim.id]
    assert store.links() == [] and store.verdicts() == []
    service.add_rows(added)
    assert {c.id for c in store.claims()} == {old_claim.id, added.claims[0].id}
    assert store.links()[0].id == added.links[0].id and store.verdict(added.claims[0].id).rating is Rating.TRUE
    assert store.verdict(added.claims[0].id).updated_at == stamped, "redo puts back the same rows, times included"
