"""The window's state without a window: selection, pending link, panes and the link index,
kept current from the services' events one row at a time."""

from __future__ import annotations

import pytest

from annotator.core.events import Events
from annotator.core.model import Relation
from annotator.services.annotations import AnnotationService
from annotator.services.workspace import (
    Edited,
    LinksChanged,
    PaneChanged,
    PanePinned,
    PendingLinkChanged,
    SelectionChanged,
    Workspace,
)

TEXTS = {
    "a": "Clarifai deleted 3 million photos. The FTC settled in 2024.",
    "b": "OkCupid shared photos with Clarifai. The deletion was in 2025.",
    "c": "An unrelated story about weather.",
}


@pytest.fixture
def project(store):
    events = Events()
    service = AnnotationService(store, events, annotator="tester")
    docs = {key: store.add_document(text, f"Doc {key}").id for key, text in TEXTS.items()}
    workspace = Workspace(store, events)
    heard = []
    workspace.subscribe(heard.append)
    return store, service, docs, workspace, heard


def _claim(service, store, doc_id, phrase):
    text = store.document_text(doc_id)
    start = text.index(phrase)
    return service.create_claim(doc_id, start, start + len(phrase)).id


def test_links_between_two_documents_follow_links_added_and_removed(project):
    store, service, docs, ws, heard = project
    a1 = _claim(service, store, docs["a"], "3 million photos")
    b1 = _claim(service, store, docs["b"], "shared photos")
    b2 = _claim(service, store, docs["b"], "in 2025")
    a2 = _claim(service, store, docs["a"], "settled in 2024")
    assert ws.links.links_between(docs["a"], docs["b"]) == []
    link = service.link(a1, b1, Relation.SAME)
    service.link(b2, a2, Relation.CONTRADICTS)
    assert sorted(ws.links.links_between(docs["a"], docs["b"])) == sorted(
        [(a1, b1, Relation.SAME), (a2, b2, Relation.CONTRADICTS)])
    assert sorted(ws.links.links_between(docs["b"], docs["a"])) == sorted(
        [(b1, a1, Relation.SAME), (b2, a2, Relation.CONTRADICTS)])
    assert ws.links.relations_of(a1, docs["a"]) == (Relation.SAME,)
    assert ws.links.links_between(docs["a"], docs["c"]) == []
    heard.clear()
    service.unlink(link.id)
    assert [n for n in heard if not isinstance(n, Edited)] == [
        LinksChanged(frozenset({a1, b1}), frozenset({docs["a"], docs["b"]}))]
    assert isinstance(heard[-1], Edited) and heard[-1].change.id == link.id, "the edit is passed on last"
    assert ws.links.links_between(docs["a"], docs["b"]) == [(a2, b2, Relation.CONTRADICTS)]
    assert ws.links.relations_of(a1, docs["a"]) == ()


def test_the_index_matches_the_store_after_many_edits_and_undos(project):
    """Incremental updates agree with a fresh index built from the project file."""
    import random

    from annotator.services.workspace import LinkIndex

    store, service, docs, ws, _heard = project
    rng = random.Random(7)
    claims = []
    for key in ("a", "b", "c"):
        text = store.document_text(docs[key])
        for start in range(0, len(text) - 6, 6):
            if text[start:start + 5].strip():
                claims.append(service.create_claim(docs[key], start, start + 5).id)
    for key in docs:  # the index has seen every document before the edits
        ws.links.relations_in(docs[key])
    snapshots = []
    for _ in range(150):
        roll = rng.random()
        if roll < 0.6:
            a, b = rng.sample(claims, 2)
            relation = rng.choice(list(Relation))
            if store.find_link(a, b, relation) is None:
                service.link(a, b, relation)
        elif roll < 0.8 and store.links():
            service.unlink(rng.choice(store.links()).id)
        elif roll < 0.9:
            victim = rng.choice(claims)
            snapshots.append(service.delete_claim(victim))
            claims.remove(victim)
        elif snapshots:
            snap = snapshots.pop()
            service.restore(snap)
            claims.append(snap.claim.id)
    fresh = LinkIndex(store)
    for x in docs.values():
        assert ws.links.relations_in(x) == fresh.relations_in(x)
        for y in docs.values():
            assert sorted(ws.links.links_between(x, y)) == sorted(fresh.links_between(x, y))


def test_a_document_is_loaded_only_when_asked_and_forgotten_when_no_pane_shows_it(project):
    store, service, docs, ws, heard = project
    a1 = _claim(service, store, docs["a"], "3 million photos")
    b1 = _claim(service, store, docs["b"], "shared photos")
    service.link(a1, b1, Relation.SUPPORTS)
    assert ws.links.loaded_documents == set(), "nobody asked: nothing loaded"
    ws.set_pane_count(2)
    ws.show(0, docs["a"])
    ws.show(1, docs["b"])
    assert [n for n in heard if isinstance(n, PaneChanged)] == [PaneChanged(0, docs["a"]), PaneChanged(1, docs["b"])]
    assert ws.links.links_between(docs["a"], docs["b"]) == [(a1, b1, Relation.SUPPORTS)]
    ws.show(1, docs["c"])
    ws.show(0, docs["c"])
    assert docs["a"] not in ws.links.loaded_documents and docs["b"] not in ws.links.loaded_documents


def test_selection_and_pending_link_drop_a_deleted_claim_and_say_so(project):
    store, service, docs, ws, heard = project
    a1 = _claim(service, store, docs["a"], "3 million photos")
    heard.clear()
    ws.select(a1)
    ws.start_link(a1)
    ws.select(a1)  # selecting the selected claim again says nothing
    assert heard == [SelectionChanged(None, a1), PendingLinkChanged(a1)]
    snap = service.delete_claim(a1)
    assert ws.selected_claim_id is None and ws.pending_link_from is None
    assert SelectionChanged(a1, None) in heard and PendingLinkChanged(None) in heard
    service.restore(snap)
    assert ws.selected_claim_id is None


def test_a_bulk_change_reloads_the_index_and_drops_vanished_claims(project):
    from annotator.core.events import Change

    store, service, docs, ws, heard = project
    a1 = _claim(service, store, docs["a"], "3 million photos")
    ws.select(a1)
    ws.links.relations_in(docs["a"])
    store.delete_claim(a1)  # as the undo of a bulk load does, behind the service's back
    service.events.emit(Change("document", "changed"))
    assert ws.links.loaded_documents == set()
    assert ws.selected_claim_id is None
    assert LinksChanged(None, None) in heard


def test_the_document_list_is_read_again_only_after_a_document_changed(project):
    from annotator.services.importing import ImportService

    store, service, docs, ws, _heard = project
    first = ws.documents()
    assert sorted(d.title for d in first) == ["Doc a", "Doc b", "Doc c"]
    _claim(service, store, docs["a"], "3 million photos")
    assert ws.documents() is first, "a claim does not change the documents"
    ImportService(store, service.events).import_text("A fourth story.", title="Doc d")
    assert sorted(d.title for d in ws.documents()) == ["Doc a", "Doc b", "Doc c", "Doc d"]


def test_a_jump_opens_in_an_empty_pane_then_never_over_a_pinned_or_busy_one(project):
    store, service, docs, ws, heard = project
    ws.set_pane_count(3)
    ws.show(0, docs["a"])
    ws.show(1, docs["b"])
    assert ws.pane_for_jump() == 2, "an empty pane first"
    ws.show(2, docs["c"])
    heard.clear()
    ws.pin(2)
    assert heard == [PanePinned(2, True)]
    ws.select(_claim(service, store, docs["b"], "shared photos"))
    # a: free; b: the selected claim's document; c: pinned
    assert ws.pane_for_jump(last=1) == 0
    assert ws.pane_for_jump(last=0) == 1, "all in use and no room: not the pane last worked in"
    assert ws.pane_for_jump(last=0, can_add=True) is None, "a new pane rather than over the work"
    assert ws.pane_for_jump(reference=2, last=1) == 0, "a pinned reference pane is passed over"
    ws.pin(0)
    ws.pin(1)
    assert ws.pane_for_jump(can_add=False) is None, "every pane pinned: nowhere"
    ws.pin(1, False)
    assert ws.pane_for_jump(last=1) == 1, "the only unpinned pane, even in use"
    ws.set_pane_count(2)
    assert ws.pinned == [True, False]
