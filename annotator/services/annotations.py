"""Editing claims, links and verdicts, with the domain's rules checked first.

Every method validates before anything changes, commits one transaction and
emits a :class:`~annotator.core.events.Change`. The GUI's undo commands call
these methods; ``snapshot``/``restore`` let undo bring a deleted claim back
with the same ids, links and verdicts.
"""

from __future__ import annotations

import getpass
from types import EllipsisType
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from annotator.core.errors import DuplicateLinkError, NotFoundError, SelfLinkError, ValidationError
from annotator.core.events import Change, Events
from annotator.core.ids import new_id
from annotator.core.model import AddedRows, Claim, Link, Rating, Relation, Verdict
from annotator.core.text import checked_web_address, context
from annotator.store.project import ProjectStore


T = TypeVar("T")


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some sandboxes and services
        return "annotator"


@dataclass
class ClaimSnapshot:
    """Everything needed to restore a deleted claim exactly."""

    claim: Claim
    links: list[Link] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)


class AnnotationService:
    def __init__(self, store: ProjectStore, events: Events | None = None, annotator: str | None = None):
        self.store = store
        self.events = events or Events()
        self.annotator = annotator or default_annotator()

    # -- claims ----------------------------------------------------------------------
    def create_claim(self, document_id: str, start: int, end: int, *, type_id: str | None = None,
                     note: str | None = None, id: str | None = None) -> Claim:
        text = self.store.document_text(document_id)
        start, end = self.check_span(text, start, end)
        prefix, suffix = context(text, start, end)
        claim = Claim(id=id or new_id(), document_id=document_id, start=start, end=end,
                      quote=text[start:end], prefix=prefix, suffix=suffix, type_id=type_id,
                      note=note, annotator=self.annotator)
        self.store.insert_claim(claim)
        self.events.emit(Change("claim", "added", claim.id, document_id))
        return claim

    def resize_claim(self, claim_id: str, start: int, end: int) -> Claim:
        claim = self.store.claim(claim_id)
        text = self.store.document_text(claim.document_id)
        start, end = self.check_span(text, start, end)
        prefix, suffix = context(text, start, end)
        claim = self.store.update_claim(claim_id, start=start, end=end, quote=text[start:end],
                                        prefix=prefix, suffix=suffix)
        self.events.emit(Change("claim", "changed", claim_id, claim.document_id))
        return claim

    def update_claim(self, claim_id: str, **fields) -> Claim:
        """Change a claim's type or note."""
        bad = set(fields) - {"type_id", "note"}
        if bad:
            raise ValueError(f"Use resize_claim to move a claim; cannot set {sorted(bad)} here.")
        claim = self.store.update_claim(claim_id, **fields)
        self.events.emit(Change("claim", "changed", claim_id, claim.document_id))
        return claim

    def snapshot(self, claim_id: str) -> ClaimSnapshot:
        return ClaimSnapshot(self.store.claim(claim_id), self.store.links(claim_id),
                             self.store.verdicts(claim_id))

    def delete_claim(self, claim_id: str) -> ClaimSnapshot:
        """Delete a claim with its links and verdicts; return what undo needs."""
        snap = self.snapshot(claim_id)
        self.store.delete_claim(claim_id)
        for link in snap.links:
            self.events.emit(Change("link", "removed", link.id))
        self.events.emit(Change("claim", "removed", claim_id, snap.claim.document_id))
        return snap

    def restore(self, snap: ClaimSnapshot) -> None:
        """Put back a deleted claim with the same id, links and verdicts (one commit)."""
        with self.store.transaction():
            self.store.insert_claim(snap.claim)
            for verdict in snap.verdicts:
                self.store.insert_verdict(verdict)
            for link in snap.links:
                # A link to a claim that is itself deleted cannot come back yet.
                try:
                    self.store.claim(link.to_claim_id if link.from_claim_id == snap.claim.id
                                     else link.from_claim_id)
                except NotFoundError:
                    continue
                self.store.insert_link(link)
        self.events.emit(Change("claim", "added", snap.claim.id, snap.claim.document_id))
        for link in snap.links:
            self.events.emit(Change("link", "added", link.id))

    @staticmethod
    def check_span(text: str, start: int, end: int) -> tuple[int, int]:
        """The span a claim really covers: inside the text, never starting or ending with
        blank space (a selection's stray spaces and line breaks are dropped)."""
        if not (0 <= start < end <= len(text)):
            raise ValidationError(
                f"A claim must cover at least one character inside the document "
                f"(got {start}–{end} in a text of {len(text)} characters).")
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            raise ValidationError("A claim cannot be only blank space; select some words.")
        return start, end

    # -- links -----------------------------------------------------------------------
    def check_link(self, from_claim_id: str, to_claim_id: str, relation: Relation) -> None:
        """Raise the reason a link would be refused, or return None if it is allowed."""
        relation = Relation(relation)
        if from_claim_id == to_claim_id:
            raise SelfLinkError("A claim cannot be linked to itself; pick a second claim.")
        a = self.store.claim(from_claim_id)
        b = self.store.claim(to_claim_id)
        existing = self.store.find_link(a.id, b.id, relation)
        if existing is not None:
            raise DuplicateLinkError(f"These two claims are already linked as “{relation.label}”.")

    def link(self, from_claim_id: str, to_claim_id: str, relation: Relation, *,
             note: str | None = None, id: str | None = None) -> Link:
        self.check_link(from_claim_id, to_claim_id, relation)
        link = Link(id or new_id(), from_claim_id, to_claim_id, Relation(relation), note, self.annotator)
        self.store.insert_link(link)
        self.events.emit(Change("link", "added", link.id))
        return link

    def restore_link(self, link: Link) -> None:
        self.store.insert_link(link)
        self.events.emit(Change("link", "added", link.id))

    def unlink(self, link_id: str) -> Link:
        link = self.store.link(link_id)
        self.store.delete_link(link_id)
        self.events.emit(Change("link", "removed", link_id))
        return link

    # -- bulk edits ------------------------------------------------------------------
    def run_bulk(self, operation: Callable[[], T]) -> tuple[T, AddedRows]:
        """Run an operation that adds or updates rows (loading CSVs, merging a project) and
        return its result with exactly the rows it added and updated, for undo and redo. An operation whose result
        says nothing was loaded added nothing (it rolled back)."""
        with self.store.recording() as added:
            result = operation()
        if getattr(result, "loaded", True) is False:
            added = AddedRows()
        self._bulk_changed(added)
        return result, added

    def add_rows(self, added: AddedRows) -> None:
        """Do a bulk edit again (redo): put back the rows it added, with their ids, and write
        its updates again, in one commit. Links go in last: an update may have freed the
        claims and relation a new link uses."""
        with self.store.bulk_change(_rows(added)):
            self.store.insert_rows(AddedRows(added.documents, added.claims, [], added.verdicts))
            for _before, after in added.updated:
                self.store.replace_row(after)
            self.store.insert_rows(AddedRows(links=added.links))
        self._bulk_changed(added)

    def remove_rows(self, added: AddedRows) -> None:
        """Undo a bulk edit in one commit: take away exactly the rows it added and give the
        rows it updated their previous values (before their claims or documents go)."""
        with self.store.bulk_change(_rows(added)):
            for link in added.links:
                self.store.delete_link(link.id)
            for before, _after in reversed(added.updated):
                self.store.replace_row(before)
            for verdict in added.verdicts:
                self.store.delete_verdict(verdict.id)
            for claim in added.claims:
                self.store.delete_claim(claim.id)
            for document in added.documents:
                self.store.delete_document(document.id)
        self._bulk_changed(added)

    def _bulk_changed(self, added: AddedRows) -> None:
        self.events.emit(Change("document" if added.documents else "project", "changed"))

    # -- claim types -----------------------------------------------------------------
    def add_claim_type(self, name: str, color: str, *, id: str | None = None):
        ctype = self.store.add_claim_type(name, color, id=id)
        self.events.emit(Change("claim_type", "added", ctype.id))
        return ctype

    def update_claim_type(self, type_id: str, **fields) -> None:
        if "name" in fields:
            name = fields["name"].strip()
            if not name:
                raise ValidationError("A claim type needs a name.")
            if any(t.name.casefold() == name.casefold() and t.id != type_id for t in self.store.claim_types()):
                raise ValidationError(f"There is already a claim type called “{name}”.")
            fields["name"] = name
        self.store.update_claim_type(type_id, **fields)
        self.events.emit(Change("claim_type", "changed", type_id))

    def delete_claim_type(self, type_id: str) -> tuple:
        """Delete a type; its claims keep existing without a type. Returns what undo needs."""
        ctype = next(t for t in self.store.claim_types() if t.id == type_id)
        claim_ids = [c.id for c in self.store.claims() if c.type_id == type_id]
        self.store.delete_claim_type(type_id)
        self.events.emit(Change("claim_type", "removed", type_id))
        return ctype, claim_ids

    def restore_claim_type(self, ctype, claim_ids: list[str]) -> None:
        with self.store.transaction():
            self.store.add_claim_type(ctype.name, ctype.color, ctype.description, id=ctype.id)
            self.store.update_claim_type(ctype.id, position=ctype.position)
            for claim_id in claim_ids:
                self.store.update_claim(claim_id, type_id=ctype.id)
        self.events.emit(Change("claim_type", "added", ctype.id))

    # -- project settings --------------------------------------------------------------
    def set_project_meta(self, key: str, value: str) -> None:
        if key == "name" and not value.strip():
            raise ValidationError("A project needs a name.")
        self.store.set_meta(key, value)
        self.events.emit(Change("project", "changed"))

    # -- sources ---------------------------------------------------------------------
    def update_source(self, source_id: str, **fields):
        source = self.store.update_source(source_id, **fields)
        self.events.emit(Change("source", "changed", source_id))
        return source

    # -- verdicts --------------------------------------------------------------------
    def set_verdict(self, claim_id: str, rating: Rating | None, *, note: str | None = None,
                    evidence_url: str | None = None, id: str | None = None,
                    review_url: str | EllipsisType | None = ...) -> Verdict | None:
        """Set this annotator's verdict; ``rating=None`` removes it. Returns the previous one.
        ``review_url`` (the fact-check article) is kept as it was unless given; one that is
        given must be an http(s) address."""
        if isinstance(review_url, str):
            review_url = checked_web_address(review_url, "The fact-check article")
        claim = self.store.claim(claim_id)
        previous = self.store.verdict(claim_id, annotator=self.annotator)
        if rating is None:
            if previous is not None:
                self.store.delete_verdict(previous.id)
        else:
            self.store.set_verdict(claim_id, Rating(rating), note=note, evidence_url=evidence_url,
                                   annotator=self.annotator, id=id, review_url=review_url)
        self.events.emit(Change("verdict", "changed", claim_id, claim.document_id))
        return previous

    def decide(self, claim_ids: Iterable[str], rating: Rating) -> list[tuple[str, Verdict | None]]:
        """Decide a disagreement between verdicts: this annotator's verdict on each claim
        becomes ``rating``, given to decide it, so that the verdicts before it that disagree
        no longer count (services.reliability.inputs); everybody's verdicts are kept. One
        commit. Returns each claim's previous verdict by this annotator (for undo)."""
        rating = Rating(rating)
        if rating in (Rating.MIXED, Rating.UNVERIFIABLE):
            raise ValidationError("A disagreement is decided with a true or a false rating.")
        claims = [self.store.claim(claim_id) for claim_id in dict.fromkeys(claim_ids)]
        if not claims:
            raise ValidationError("There is no claim to decide.")
        previous = [(c.id, self.store.verdict(c.id, annotator=self.annotator)) for c in claims]
        with self.store.transaction():
            for claim_id, had in previous:
                self.store.set_verdict(claim_id, rating, note=had.note if had else None,
                                       evidence_url=had.evidence_url if had else None,
                                       annotator=self.annotator, decides=True)
        for claim in claims:
            self.events.emit(Change("verdict", "changed", claim.id, claim.document_id))
        return previous

    def restore_verdicts(self, previous: list[tuple[str, Verdict | None]]) -> None:
        """Undo of :meth:`decide`: this annotator's verdicts as they were, in one commit."""
        claims = [self.store.claim(claim_id) for claim_id, _had in previous]
        with self.store.transaction():
            for claim_id, had in previous:
                current = self.store.verdict(claim_id, annotator=self.annotator)
                if current is not None:
                    self.store.delete_verdict(current.id)
                if had is not None:
                    self.store.insert_verdict(had)
        for claim in claims:
            self.events.emit(Change("verdict", "changed", claim.id, claim.document_id))

    def restore_verdict(self, claim_id: str, previous: Verdict | None) -> None:
        """Undo helper: put back exactly the verdict that was there before (or none)."""
        claim = self.store.claim(claim_id)
        with self.store.transaction():
            current = self.store.verdict(claim_id, annotator=self.annotator)
            if current is not None:
                self.store.delete_verdict(current.id)
            if previous is not None:
                self.store.insert_verdict(previous)
        self.events.emit(Change("verdict", "changed", claim_id, claim.document_id))


def _rows(added: AddedRows) -> int:
    return len(added.documents) + len(added.claims) + len(added.links) + len(added.verdicts) + len(added.updated)
