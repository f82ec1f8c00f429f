"""The document service: editing details with their rules, moving between sources, and a
delete that undo takes back with the same ids, links and verdicts."""

from __future__ import annotations

import pytest

from annotator.core.clock import TickingClock
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.events import Events
from annotator.core.model import Rating, Relation
from annotator.services.annotations import AnnotationService
from annotator.services.documents import DocumentService, check_fields


@pytest.fixture
def events():
    return Events()


@pytest.fixture
def heard(events):
    changes = []
    events.subscribe(changes.append)
    return changes


@pytest.fixture
def docs(store, events):
    store.clock = TickingClock()  # every stamp differs, so a re-stamped row would show
    return DocumentService(store, events)


@pytest.fixture
def notes(store, events):
    return AnnotationService(store, events, annotator="tester")


def _doc(store, text, source="Wire", **fields):
    s = store.ensure_source(source) if source else None
    return store.add_document(text, fields.pop("title", "T"), source_id=s.id if s else None, **fields)


# -- details ---------------------------------------------------------------------------


@pytest.mark.parametrize("published", ["2024", "2024-03", "2024-03-05", "1999-12-31", "2024-02-29", "", None])
def test_a_publication_date_is_a_year_a_month_or_a_day(published):
    assert check_fields({"published": published}) == {"published": published or None}


@pytest.mark.parametrize("published", ["24", "2024-3", "2024-13", "2023-02-29", "2024-03-05T10:00", "March 2024",
                                       "2024/03/05", "0000"])
def test_other_dates_are_refused_saying_how_to_write_one(published):
    with pytest.raises(ValidationError, match="2024-03-05"):
        check_fields({"published": published})


@pytest.mark.parametrize("url", ["https://example.com/a?b=1", "http://example.com", "HTTPS://EXAMPLE.COM", ""])
def test_a_web_address_is_http_or_https_or_nothing(url):
    assert check_fields({"url": f"  {url} "}) == {"url": url or None}


@pytest.mark.parametrize("url", ["example.com", "ftp://example.com/a", "javascript:alert(1)", "https://", "http:/x"])
def test_other_addresses_are_refused(url):
    with pytest.raises(ValidationError, match="http"):
        check_fields({"url": url})


def test_a_title_is_required_and_tidied_the_author_is_free_text():
    with pytest.raises(ValidationError, match="title"):
        check_fields({"title": "  \n "})
    assert check_fields({"title": "  Two\nlines ", "author": " Ana  de la Cruz, staff "}) == {
        "title": "Two lines", "author": "Ana de la Cruz, staff"}
    assert check_fields({"author": ""}) == {"author": None}
    with pytest.raises(ValueError, match="text"):
        check_fields({"text": "rewritten"})


def test_update_returns_the_previous_values_and_restoring_them_is_exact(docs, store, heard):
    doc = _doc(store, "Body.", title="Old title", published="March 3rd", url="www.example.com")
    heard.clear()
    previous = docs.update_document(doc.id, title="New title", published="2024-03-03", author="Ana")
    assert previous == {"title": "Old title", "published": "March 3rd", "author": None}
    stored = store.document(doc.id, with_text=False)
    assert (stored.title, stored.published, stored.author, stored.url) == ("New title", "2024-03-03", "Ana",
                                                                          "www.example.com")
    assert [(c.kind, c.action, c.id) for c in heard] == [("document", "changed", doc.id)]
    docs.restore_fields(doc.id, previous)  # an imported date in another format comes back as it was
    stored = store.document(doc.id, with_text=False)
    assert (stored.title, stored.published, stored.author) == ("Old title", "March 3rd", None)
    assert store.search("Old")[0]["document_id"] == doc.id, "the title search follows the edit"


def test_a_refused_edit_changes_nothing(docs, store, heard):
    doc = _doc(store, "Body.", title="Kept")
    heard.clear()
    with pytest.raises(ValidationError):
        docs.update_document(doc.id, title="Changed", url="not an address")
    assert store.document(doc.id).title == "Kept" and heard == []
    with pytest.raises(NotFoundError):
        docs.update_document("missing", title="x")


# -- moving ----------------------------------------------------------------------------


def test_move_to_an_existing_source_by_id_or_by_name_in_any_case(docs, store, heard):
    doc = _doc(store, "Body.", source="Wire")
    other = store.add_source("The Daily")
    heard.clear()
    move = docs.move_document(doc.id, other.id)
    assert store.document(doc.id).source_id == other.id and move.created_source is None
    assert [(c.kind, c.action) for c in heard] == [("document", "changed")]
    docs.undo_move(move)
    assert store.document(doc.id).source_id == store.source_by_name("Wire").id
    move = docs.move_document(doc.id, source_name="  the DAILY ")
    assert move.source_id == other.id and len(store.sources()) == 2
    docs.undo_move(move)
    assert store.source(other.id).name == "The Daily", "undo never removes a source it did not create"


def test_move_to_a_new_source_creates_it_and_undo_removes_it_while_empty(docs, store, heard):
    doc = _doc(store, "Body.", source="Wire")
    wire = store.source_by_name("Wire")
    heard.clear()
    move = docs.move_document(doc.id, source_name="Newsroom X", new_source_id="01SOURCEFORREDO")
    assert move.created_source is not None and move.created_source.id == "01SOURCEFORREDO"
    assert store.document(doc.id).source_id == "01SOURCEFORREDO"
    assert [(c.kind, c.action) for c in heard] == [("source", "added"), ("document", "changed")]
    heard.clear()
    docs.undo_move(move)
    assert store.document(doc.id).source_id == wire.id
    assert store.source_by_name("Newsroom X") is None
    assert [(c.kind, c.action) for c in heard] == [("source", "removed"), ("document", "changed")]
    redone = docs.move_document(doc.id, source_name="Newsroom X", new_source_id="01SOURCEFORREDO")
    assert redone.source_id == "01SOURCEFORREDO", "redo recreates the same source"
    other = _doc(store, "Another body.", source="Newsroom X")
    docs.undo_move(redone)
    assert store.source_by_name("Newsroom X") is not None, "a source that holds a document stays"
    assert store.document(other.id).source_id == "01SOURCEFORREDO"


def test_move_to_no_source_and_back(docs, store):
    doc = _doc(store, "Body.", source="Wire")
    move = docs.move_document(doc.id, None)
    assert store.document(doc.id).source_id is None
    docs.undo_move(move)
    assert store.document(doc.id).source_id == store.source_by_name("Wire").id
    assert docs.move_document(doc.id, source_name="  ").source_id is None, "an empty name: no source"


def test_move_to_a_source_that_is_gone_is_refused(docs, store):
    doc = _doc(store, "Body.")
    with pytest.raises(NotFoundError):
        docs.move_document(doc.id, "01NOSUCHSOURCE")
    assert store.document(doc.id).source_id == store.source_by_name("Wire").id


# -- deleting --------------------------------------------------------------------------


def _annotated(store, notes):
    """Two documents with claims, verdicts and links within and between them."""
    a = _doc(store, "OkCupid supplied the photos in 2014. Clarifai deleted them.", title="A", source="Alpha",
             author="Ana", url="https://alpha.example/a", published="2024-03")
    b = _doc(store, "A founder supplied them. The photos were deleted.", title="B", source="Beta")
    a1 = notes.create_claim(a.id, 0, 35, note="who supplied")
    a2 = notes.create_claim(a.id, 37, 59)
    b1 = notes.create_claim(b.id, 0, 24)
    inner = notes.link(a1.id, a2.id, Relation.SUPPORTS)
    out = notes.link(a1.id, b1.id, Relation.CONTRADICTS)
    into = notes.link(b1.id, a2.id, Relation.DERIVED)
    notes.set_verdict(a1.id, Rating.MOSTLY_FALSE, note="NYT says a founder", evidence_url="https://nyt.example")
    notes.set_verdict(b1.id, Rating.TRUE)
    return a, b, (a1, a2, b1), (inner, out, into)


def test_delete_then_restore_brings_everything_back_with_the_same_ids_and_times(docs, notes, store, heard):
    a, b, (a1, a2, b1), (inner, out, into) = _annotated(store, notes)
    before = {
        "document": store.document(a.id), "claims": store.claims(a.id), "links": store.links(),
        "verdicts": store.verdicts(), "counts": store.counts(),
    }
    heard.clear()
    snapshot = docs.delete_document(a.id)
    assert [(c.kind, c.action, c.id) for c in heard] == [("document", "removed", a.id)]
    assert [d.id for d in snapshot.documents] == [a.id] and snapshot.documents[0].text.startswith("OkCupid")
    assert {c.id for c in snapshot.claims} == {a1.id, a2.id}
    assert {link.id for link in snapshot.links} == {inner.id, out.id, into.id}, "links from and to other documents"
    assert [v.claim_id for v in snapshot.verdicts] == [a1.id]
    assert [d.id for d in store.documents()] == [b.id]
    assert [c.id for c in store.claims()] == [b1.id] and store.links() == []
    assert [v.claim_id for v in store.verdicts()] == [b1.id]
    assert store.search("OkCupid") == []

    heard.clear()
    docs.restore_document(snapshot)
    assert [(c.kind, c.action, c.id) for c in heard] == [("document", "added", a.id)]
    assert store.document(a.id) == before["document"], "same id, text, details and times"
    assert store.claims(a.id) == before["claims"]
    assert store.links() == before["links"] and store.verdicts() == before["verdicts"]
    assert store.counts() == before["counts"]
    assert store.search("OkCupid")[0]["document_id"] == a.id, "found by search again"
    assert store.integrity_check() == "ok"


def test_restore_skips_links_to_claims_that_have_gone_since(docs, notes, store):
    a, _b, (a1, _a2, b1), (inner, out, _into) = _annotated(store, notes)
    snapshot = docs.delete_document(a.id)
    store.delete_claim(b1.id)  # not through undo: the other end of two links is gone
    docs.restore_document(snapshot)
    assert [link.id for link in store.links()] == [inner.id]
    assert store.verdict(a1.id).rating is Rating.MOSTLY_FALSE
    assert out.id not in {link.id for link in store.links()}


def test_restore_leaves_a_document_without_a_source_that_has_gone(docs, notes, store):
    a, *_ = _annotated(store, notes)
    snapshot = docs.delete_document(a.id)
    store.delete_source(a.source_id)
    docs.restore_document(snapshot)
    assert store.document(a.id).source_id is None and len(store.claims(a.id)) == 2


def test_a_deleted_document_can_be_deleted_and_restored_again(docs, notes, store):
    """Undo, redo, undo: each run takes the same rows away and puts the same rows back."""
    a, *_ = _annotated(store, notes)
    counts = store.counts()
    snapshot = docs.delete_document(a.id)
    docs.restore_document(snapshot)
    again = docs.delete_document(a.id)
    assert again == snapshot
    docs.restore_document(again)
    assert store.counts() == counts
    with pytest.raises(NotFoundError):
        docs.delete_document("missing")
