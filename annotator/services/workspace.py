"""The window's own state, without Qt: what is selected, which claim a link starts from,
which document each pane shows, and the index of links between documents.

The main window binds its widgets to a :class:`Workspace` and forwards what the user
does to its methods; tests drive it without a display. It is kept current from the
services' change events one row at a time, and it tells its listeners exactly what
changed (a typed notification), so views repaint what is affected and nothing else.

The link index loads the links of a document the first time something asks about that
document (one indexed query, proportional to that document's links), so opening a
project costs nothing per link, and an edit touches only the documents it concerns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.core.errors import NotFoundError
from annotator.core.events import Bus, Change, Events
from annotator.core.model import Document, LinkEnds, Relation
from annotator.store.project import ProjectStore

# -- notifications -------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionChanged:
    old: str | None
    new: str | None


@dataclass(frozen=True)
class PendingLinkChanged:
    claim_id: str | None  # the claim a link starts from, or None when no link is pending


@dataclass(frozen=True)
class PaneChanged:
    index: int
    document_id: str | None


@dataclass(frozen=True)
class PanePinned:
    index: int
    pinned: bool


@dataclass(frozen=True)
class LinksChanged:
    """Links of these claims changed: their gutter marks and the ribbons between the
    documents concerned need a repaint. ``claim_ids`` is None after a bulk change
    (everything may have changed)."""

    claim_ids: frozenset[str] | None
    document_ids: frozenset[str] | None


@dataclass(frozen=True)
class Edited:
    """A committed change, passed on once the workspace has brought itself up to date, so a
    view that reads the workspace while handling it sees the new state."""

    change: Change


Notification = SelectionChanged | PendingLinkChanged | PaneChanged | PanePinned | LinksChanged | Edited


# -- the link index ------------------------------------------------------------------


class LinkIndex:
    """Links by document, loaded per document on first use and updated per link."""

    def __init__(self, store: ProjectStore):
        self.store = store
        self.clear()

    def clear(self) -> None:
        self._links: dict[str, LinkEnds] = {}
        self._by_doc: dict[str, set[str]] = {}  # loaded document -> ids of the links touching it
        self._relations: dict[str, dict[str, tuple[Relation, ...]]] = {}  # document -> claim -> relations

    @property
    def loaded_documents(self) -> set[str]:
        return set(self._by_doc)

    def _ensure(self, document_id: str) -> set[str]:
        ids = self._by_doc.get(document_id)
        if ids is None:
            ids = set()
            for ends in self.store.link_ends(document_id=document_id):
                self._links[ends.id] = ends
                ids.add(ends.id)
            self._by_doc[document_id] = ids
        return ids

    def forget(self, document_id: str) -> None:
        """Drop a document no pane shows any more (memory stays bounded by what is on screen)."""
        ids = self._by_doc.pop(document_id, set())
        self._relations.pop(document_id, None)
        for link_id in ids:
            ends = self._links.get(link_id)
            if ends is not None and ends.from_document_id not in self._by_doc \
                    and ends.to_document_id not in self._by_doc:
                del self._links[link_id]

    def links_between(self, doc_a: str, doc_b: str) -> list[tuple[str, str, Relation]]:
        """(claim in ``doc_a``, claim in ``doc_b``, relation) for every link joining the two."""
        out = []
        for link_id in self._ensure(doc_a):
            e = self._links[link_id]
            if e.from_document_id == doc_a and e.to_document_id == doc_b:
                out.append((e.from_claim_id, e.to_claim_id, e.relation))
            elif e.to_document_id == doc_a and e.from_document_id == doc_b:
                out.append((e.to_claim_id, e.from_claim_id, e.relation))
        return out

    def relations_in(self, document_id: str) -> dict[str, tuple[Relation, ...]]:
        """claim id -> the relations of its links, for the claims of one document that have any."""
        cached = self._relations.get(document_id)
        if cached is None:
            found: dict[str, list[Relation]] = {}
            for link_id in sorted(self._ensure(document_id)):  # ids sort by creation: a stable order
                e = self._links[link_id]
                if e.from_document_id == document_id:
                    found.setdefault(e.from_claim_id, []).append(e.relation)
                if e.to_document_id == document_id:
                    found.setdefault(e.to_claim_id, []).append(e.relation)
            cached = {claim_id: tuple(relations) for claim_id, relations in found.items()}
            self._relations[document_id] = cached
        return cached

    def relations_of(self, claim_id: str, document_id: str) -> tuple[Relation, ...]:
        return self.relations_in(document_id).get(claim_id, ())

    def apply(self, change: Change) -> LinksChanged | None:
        """Bring the index up to date with one committed change; say what it touched."""
        if change.kind in ("document", "project"):  # a bulk edit: reload on demand
            self.clear()
            return LinksChanged(None, None)
        if change.kind != "link" or change.id is None:
            return None
        old = self._links.pop(change.id, None)
        if old is not None:
            for doc in (old.from_document_id, old.to_document_id):
                self._by_doc.get(doc, set()).discard(old.id)
        new = None
        if change.action != "removed":
            try:
                found = self.store.link_ends(link_id=change.id)
            except NotFoundError:
                found = []
            new = found[0] if found else None
        if new is not None and (new.from_document_id in self._by_doc or new.to_document_id in self._by_doc):
            self._links[new.id] = new
            for doc in (new.from_document_id, new.to_document_id):
                if doc in self._by_doc:
                    self._by_doc[doc].add(new.id)
        touched = [e for e in (old, new) if e is not None]
        docs = frozenset(d for e in touched for d in (e.from_document_id, e.to_document_id))
        for doc in docs:
            self._relations.pop(doc, None)
        claims = frozenset(c for e in touched for c in (e.from_claim_id, e.to_claim_id))
        if not touched:  # a link between documents nobody looked at: nothing on screen changes
            return LinksChanged(frozenset(), frozenset())
        return LinksChanged(claims, docs)


# -- the workspace -------------------------------------------------------------------


class Workspace:
    """Selection, pending link, pane documents and the link index of one open project."""

    def __init__(self, store: ProjectStore, events: Events):
        self.store = store
        self.links = LinkIndex(store)
        self.selected_claim_id: str | None = None
        self.pending_link_from: str | None = None
        self.pane_documents: list[str | None] = []
        self.pinned: list[bool] = []  # per pane: its document stays when something else is opened
        self._documents: list[Document] | None = None
        self._notifications: Bus[Notification] = Bus()
        self._unsubscribe = events.subscribe(self._on_change)

    def close(self) -> None:
        """Stop listening to the project (another one is being opened)."""
        self._unsubscribe()
        self._unsubscribe = _nothing  # no cycle through the bound listener: freed by reference counts
        self._notifications.clear()

    def subscribe(self, listener: Callable[[Notification], None]) -> Callable[[], None]:
        return self._notifications.subscribe(listener)

    def _notify(self, notification: Notification) -> None:
        self._notifications.emit(notification)

    # -- what the user does ----------------------------------------------------------
    def select(self, claim_id: str | None) -> None:
        if claim_id != self.selected_claim_id:
            old, self.selected_claim_id = self.selected_claim_id, claim_id
            self._notify(SelectionChanged(old, claim_id))

    def start_link(self, claim_id: str) -> None:
        if claim_id != self.pending_link_from:
            self.pending_link_from = claim_id
            self._notify(PendingLinkChanged(claim_id))

    def cancel_link(self) -> None:
        if self.pending_link_from is not None:
            self.pending_link_from = None
            self._notify(PendingLinkChanged(None))

    def set_pane_count(self, count: int) -> None:
        dropped = self.pane_documents[count:]
        self.pane_documents = (self.pane_documents + [None] * count)[:count]
        self.pinned = (self.pinned + [False] * count)[:count]
        for document_id in dropped:
            if document_id is not None and document_id not in self.pane_documents:
                self.links.forget(document_id)

    def show(self, index: int, document_id: str | None) -> None:
        """Pane ``index`` now shows ``document_id``; documents no pane shows leave the index."""
        if index >= len(self.pane_documents):
            self.set_pane_count(index + 1)
        old = self.pane_documents[index]
        self.pane_documents[index] = document_id
        if document_id is None:
            self.pin(index, False)  # an empty pane has nothing to keep
        if old is not None and old not in self.pane_documents:
            self.links.forget(old)
        if old != document_id:
            self._notify(PaneChanged(index, document_id))

    def pin(self, index: int, pinned: bool = True) -> None:
        """Keep pane ``index`` on its document: a jump or the Sources list opens elsewhere.
        A pane showing nothing cannot be pinned, and a pinned pane emptied is unpinned."""
        if index >= len(self.pinned):
            self.set_pane_count(index + 1)
        if pinned and self.pane_documents[index] is None:
            return  # nothing to keep there
        if self.pinned[index] != pinned:
            self.pinned[index] = pinned
            self._notify(PanePinned(index, pinned))

    def pane_for_jump(self, *, last: int | None = None, reference: int | None = None,
                      can_add: bool = False) -> int | None:
        """Which pane opens a document no pane shows, never over the work at hand: an empty
        pane; else ``reference`` (where the last jump opened) unless it is busy; else the
        rightmost pane that is not busy. Busy: pinned, or showing the selected claim's
        document, the pending link's, or the one in the pane last worked in (``last``).
        None: add a pane (``can_add``), or every pane is pinned."""
        free = [i for i, pinned in enumerate(self.pinned) if not pinned]
        for index in free:
            if self.pane_documents[index] is None:
                return index
        busy = {self._document_of(claim_id) for claim_id in (self.selected_claim_id, self.pending_link_from)}
        if last is not None and last < len(self.pane_documents):
            busy.add(self.pane_documents[last])
        if reference in free and self.pane_documents[reference] not in busy:
            return reference
        for index in reversed(free):
            if self.pane_documents[index] not in busy:
                return index
        if can_add:
            return None
        return next((i for i in reversed(free) if i != last), free[-1] if free else None)

    def _document_of(self, claim_id: str | None) -> str | None:
        if claim_id is None:
            return None
        try:
            return self.store.claim(claim_id).document_id
        except NotFoundError:  # a claim just deleted shows nowhere
            return None

    def _exists(self, claim_id: str) -> bool:
        try:
            self.store.claim(claim_id)
        except NotFoundError:
            return False
        return True

    def documents(self) -> list[Document]:
        """Every document (without its text) in the store's order; read again only after
        a document, a source or the whole project changed."""
        if self._documents is None:
            self._documents = self.store.documents()
        return self._documents

    # -- what the services report ------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if change.kind in ("document", "source", "project"):
            self._documents = None
        links = self.links.apply(change)
        if change.kind == "claim" and change.action == "removed":
            if change.id == self.selected_claim_id:
                self.select(None)
            if change.id == self.pending_link_from:
                self.cancel_link()
        elif change.kind in ("document", "project"):  # a bulk edit or its undo may take claims away
            if self.selected_claim_id is not None and not self._exists(self.selected_claim_id):
                self.select(None)
            if self.pending_link_from is not None and not self._exists(self.pending_link_from):
                self.cancel_link()
        if links is not None and (links.claim_ids is None or links.claim_ids):
            self._notify(links)
        self._notify(Edited(change))


def _nothing() -> None:
    """What a closed workspace's unsubscribe does."""
