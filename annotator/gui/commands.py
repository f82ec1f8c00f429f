"""Undo commands. Each one calls one service method; the service commits at once.

A command's first ``redo`` records the ids it created so that later redos
recreate exactly the same rows and links to them stay valid. Validation runs
before a command is pushed (the service raises a domain error), so a refused
edit never lands on the undo stack.
"""

from __future__ import annotations

from types import EllipsisType

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtGui import QUndoCommand

from annotator.core.errors import AnnotatorError
from annotator.core.ids import new_id
from annotator.core.model import AddedRows, ClaimType, Rating, Relation, Verdict
from annotator.services.annotations import AnnotationService, ClaimSnapshot
from annotator.services.documents import DocumentMove, DocumentService, check_fields

T = TypeVar("T")


class Command(QUndoCommand):
    """Base of every edit. A domain error while doing or undoing is kept on the command
    (the window shows it) instead of escaping into Qt, and a command whose first run
    failed marks itself obsolete so the undo stack drops it. An undo the service refuses
    changes nothing; the window steps the stack back over it (see ``still_done``)."""

    error: Exception | None = None
    still_done = False  # its undo was refused: the edit stands, so the next redo has nothing to do

    def redo(self) -> None:
        if self.still_done:
            self.still_done = False
            return
        self.error = None
        try:
            self._redo()
        except AnnotatorError as exc:
            self.error = exc
            self.setObsolete(True)

    def undo(self) -> None:
        self.error = None
        try:
            self._undo()
        except AnnotatorError as exc:
            self.error = exc
            self.still_done = True

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


def short(text: str, limit: int = 40) -> str:
    """Text on one line, cut with an ellipsis at ``limit`` characters (undo labels, tooltips)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CreateClaim(Command):
    def __init__(self, service: AnnotationService, document_id: str, start: int, end: int,
                 type_id: str | None = None, note: str | None = None):
        text = service.store.document_text(document_id)
        start, end = service.check_span(text, start, end)  # refuse before the command is pushed
        super().__init__(f"Create claim “{short(text[start:end])}”")
        self.service, self.document_id, self.start, self.end = service, document_id, start, end
        self.type_id, self.note = type_id, note
        self.claim_id = new_id()

    def _redo(self) -> None:
        self.service.create_claim(self.document_id, self.start, self.end, type_id=self.type_id,
                                  note=self.note, id=self.claim_id)

    def _undo(self) -> None:
        self.service.delete_claim(self.claim_id)


class DeleteClaim(Command):
    """Deleting a claim removes its links and verdicts; undo restores all with the same ids."""

    def __init__(self, service: AnnotationService, claim_id: str):
        claim = service.store.claim(claim_id)
        super().__init__(f"Delete claim “{short(claim.quote)}”")
        self.service, self.claim_id = service, claim_id
        self.snapshot: ClaimSnapshot | None = None

    def _redo(self) -> None:
        self.snapshot = self.service.delete_claim(self.claim_id)

    def _undo(self) -> None:
        if self.snapshot is not None:
            self.service.restore(self.snapshot)


class ResizeClaim(Command):
    def __init__(self, service: AnnotationService, claim_id: str, start: int, end: int):
        claim = service.store.claim(claim_id)
        start, end = service.check_span(service.store.document_text(claim.document_id), start, end)
        super().__init__("Resize claim")
        self.service, self.claim_id = service, claim_id
        self.old = (claim.start, claim.end)
        self.new = (start, end)

    def _redo(self) -> None:
        self.service.resize_claim(self.claim_id, *self.new)

    def _undo(self) -> None:
        self.service.resize_claim(self.claim_id, *self.old)


class EditClaim(Command):
    """Change a claim's type or note."""

    def __init__(self, service: AnnotationService, claim_id: str, **fields):
        claim = service.store.claim(claim_id)
        label = "Change claim type" if "type_id" in fields else "Edit claim note"
        super().__init__(label)
        self.service, self.claim_id = service, claim_id
        self.old = {k: getattr(claim, k) for k in fields}
        self.new = fields

    def _redo(self) -> None:
        self.service.update_claim(self.claim_id, **self.new)

    def _undo(self) -> None:
        self.service.update_claim(self.claim_id, **self.old)


class LinkClaims(Command):
    def __init__(self, service: AnnotationService, from_id: str, to_id: str, relation: Relation,
                 note: str | None = None):
        service.check_link(from_id, to_id, relation)
        super().__init__(f"Link claims ({Relation(relation).label})")
        self.service, self.from_id, self.to_id = service, from_id, to_id
        self.relation, self.note = Relation(relation), note
        self.link_id = new_id()

    def _redo(self) -> None:
        self.service.link(self.from_id, self.to_id, self.relation, note=self.note, id=self.link_id)

    def _undo(self) -> None:
        self.service.unlink(self.link_id)


class Unlink(Command):
    def __init__(self, service: AnnotationService, link_id: str):
        super().__init__("Remove link")
        self.service, self.link_id = service, link_id
        self.link = service.store.link(link_id)

    def _redo(self) -> None:
        self.link = self.service.unlink(self.link_id)

    def _undo(self) -> None:
        self.service.restore_link(self.link)


class SetVerdict(Command):
    def __init__(self, service: AnnotationService, claim_id: str, rating: Rating | None,
                 note: str | None = None, evidence_url: str | None = None,
                 review_url: str | EllipsisType | None = ...):
        service.store.claim(claim_id)
        label = f"Set verdict “{Rating(rating).label}”" if rating else "Clear verdict"
        super().__init__(label)
        self.service, self.claim_id = service, claim_id
        self.rating, self.note, self.evidence_url, self.review_url = rating, note, evidence_url, review_url
        self.previous = service.store.verdict(claim_id, annotator=service.annotator)
        self.verdict_id = self.previous.id if self.previous else new_id()

    def _redo(self) -> None:
        self.service.set_verdict(self.claim_id, self.rating, note=self.note,
                                 evidence_url=self.evidence_url, id=self.verdict_id, review_url=self.review_url)

    def _undo(self) -> None:
        self.service.restore_verdict(self.claim_id, self.previous)


class DecideConflict(Command):
    """Decide a disagreement between verdicts: this person's verdict on each claim, marked as
    the decision (``AnnotationService.decide``); undo puts their verdicts back as they were."""

    def __init__(self, service: AnnotationService, claim_ids: list[str], rating: Rating):
        super().__init__(f"Decide “{Rating(rating).label}”")
        self.service, self.claim_ids, self.rating = service, list(claim_ids), Rating(rating)
        self.previous: list[tuple[str, Verdict | None]] = []

    def _redo(self) -> None:
        self.previous = self.service.decide(self.claim_ids, self.rating)

    def _undo(self) -> None:
        self.service.restore_verdicts(self.previous)


class EditSource(Command):
    def __init__(self, service: AnnotationService, source_id: str, **fields):
        source = service.store.source(source_id)
        super().__init__(f"Edit source “{source.name}”")
        self.service, self.source_id = service, source_id
        self.old = {k: getattr(source, k) for k in fields}
        self.new = fields

    def _redo(self) -> None:
        self.service.update_source(self.source_id, **self.new)

    def _undo(self) -> None:
        self.service.update_source(self.source_id, **self.old)


class EditDocument(Command):
    """Change a document's title, author, web address or publication date."""

    def __init__(self, service: DocumentService, document_id: str, **fields: str | None):
        document = service.document(document_id)
        self.new = check_fields(fields)  # refuse before the command is pushed
        super().__init__(f"Edit document “{short(document.title)}”")
        self.service, self.document_id = service, document_id
        self.previous: dict[str, str | None] | None = None

    def _redo(self) -> None:
        self.previous = self.service.update_document(self.document_id, **self.new)

    def _undo(self) -> None:
        if self.previous is not None:
            self.service.restore_fields(self.document_id, self.previous)


class MoveDocument(Command):
    """File a document under another source (by id, or by name: a new name creates the
    source, and undo removes it again while it holds no document)."""

    def __init__(self, service: DocumentService, document_id: str, source_id: str | None = None, *,
                 source_name: str | None = None):
        document = service.document(document_id)
        if source_name is not None:
            target = " ".join(source_name.split())
        else:
            target = service.store.source(source_id).name if source_id is not None else ""
        where = f"to “{short(target)}”" if target else "out of its source"
        super().__init__(f"Move “{short(document.title)}” {where}")
        self.service, self.document_id = service, document_id
        self.source_id, self.source_name = source_id, source_name
        self.new_source_id = new_id()  # a source this creates has the same id on every redo
        self.move: DocumentMove | None = None

    def _redo(self) -> None:
        self.move = self.service.move_document(self.document_id, self.source_id, source_name=self.source_name,
                                               new_source_id=self.new_source_id)

    def _undo(self) -> None:
        if self.move is not None:
            self.service.undo_move(self.move)


class DeleteDocument(Command):
    """Deleting a document removes its claims, their links and verdicts; undo restores all
    of them with the same ids."""

    def __init__(self, service: DocumentService, document_id: str):
        document = service.document(document_id)
        super().__init__(f"Delete document “{short(document.title)}”")
        self.service, self.document_id = service, document_id
        self.snapshot: AddedRows | None = None

    def _redo(self) -> None:
        self.snapshot = self.service.delete_document(self.document_id)

    def _undo(self) -> None:
        if self.snapshot is not None:
            self.service.restore_document(self.snapshot)


class ImportDocuments(Command):
    """Store extracted documents; undo removes them, redo puts them back with the same ids."""

    def __init__(self, importer, extracted: list, source_name: str | None = None, title: str | None = None):
        super().__init__("Import documents")
        self.importer, self.extracted = importer, extracted
        self.source_name, self.title = source_name, title
        self.results: list = []
        self.added: list[tuple] = []  # (document id, ImportedDocument, name)

    def _redo(self) -> None:
        if not self.results:
            self.results = self.importer.add_extracted(self.extracted, source_name=self.source_name,
                                                       title=self.title)
            by_name = dict(self.extracted)
            self.added = [(r.document.id, by_name.get(r.name), r.name, r.document.title)
                          for r in self.results if r.ok]
            self.setText(f"Import {len(self.added)} document{'s' if len(self.added) != 1 else ''}")
            if not self.added:
                self.setObsolete(True)  # nothing new: no step to undo
            return
        for doc_id, imported, name, title in self.added:
            self.importer.add(imported, source_name=self.source_name, title=title, name=name, id=doc_id)

    def _undo(self) -> None:
        for doc_id, *_ in reversed(self.added):
            self.importer.remove(doc_id)


class AddClaimType(Command):
    def __init__(self, service: AnnotationService, name: str, color: str):
        super().__init__(f"Add claim type “{name}”")
        self.service, self.name, self.color = service, name, color
        self.type_id = new_id()

    def _redo(self) -> None:
        self.service.add_claim_type(self.name, self.color, id=self.type_id)

    def _undo(self) -> None:
        self.service.delete_claim_type(self.type_id)


class EditClaimType(Command):
    def __init__(self, service: AnnotationService, type_id: str, **fields):
        ctype = next(t for t in service.store.claim_types() if t.id == type_id)
        super().__init__(f"Edit claim type “{ctype.name}”")
        self.service, self.type_id = service, type_id
        self.old = {k: getattr(ctype, k) for k in fields}
        self.new = fields

    def _redo(self) -> None:
        self.service.update_claim_type(self.type_id, **self.new)

    def _undo(self) -> None:
        self.service.update_claim_type(self.type_id, **self.old)


class DeleteClaimType(Command):
    """Claims of a deleted type keep existing untyped; undo gives them their type back."""

    def __init__(self, service: AnnotationService, type_id: str):
        ctype = next(t for t in service.store.claim_types() if t.id == type_id)
        super().__init__(f"Delete claim type “{ctype.name}”")
        self.service, self.type_id = service, type_id
        self.saved: tuple[ClaimType, list[str]] | None = None  # the type and its claims' ids, for undo

    def _redo(self) -> None:
        self.saved = self.service.delete_claim_type(self.type_id)

    def _undo(self) -> None:
        assert self.saved is not None  # the undo stack undoes only what it has done
        self.service.restore_claim_type(*self.saved)


class AddRows(Command, Generic[T]):
    """Run a bulk operation that adds rows and may update existing ones (loading CSVs,
    merging a project) as one step.

    The service records the rows the operation added and the previous and new values of
    the rows it updated; undo removes exactly the added rows and puts the previous values
    back, redo does both again. Sources and claim types it created stay (they hold nothing)."""

    def __init__(self, service: AnnotationService, label: str, run: Callable[[], T]):
        super().__init__(label)
        self.service, self._run = service, run
        self.report: T | None = None  # what the operation returned, after the first redo
        self.added: AddedRows | None = None

    def _redo(self) -> None:
        if self.added is None:
            self.report, self.added = self.service.run_bulk(self._run)
            if not self.added:
                self.setObsolete(True)  # nothing changed: the stack drops this command
        else:
            self.service.add_rows(self.added)

    def _undo(self) -> None:
        if self.added is not None:
            self.service.remove_rows(self.added)


class SetProjectMeta(Command):
    def __init__(self, service: AnnotationService, key: str, value: str):
        super().__init__(f"Change project {key}")
        self.service, self.key, self.value = service, key, value
        self.old = service.store.meta().get(key, "")

    def _redo(self) -> None:
        self.service.set_project_meta(self.key, self.value)

    def _undo(self) -> None:
        self.service.set_project_meta(self.key, self.old)
