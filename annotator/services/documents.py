"""Editing a document's details, filing it under another source, deleting it and bringing
it back.

As in :mod:`annotator.services.annotations`, every method checks what it is given before
anything changes, commits one transaction and emits a
:class:`~annotator.core.events.Change`, so the window's tree, panes, claims table and
scores refresh the same way after an edit, its undo and its redo. A deleted document is
returned as :class:`~annotator.core.model.AddedRows` (the document with its text, its
claims, their verdicts and every link touching them), the shape a bulk edit's undo uses;
``restore_document`` puts all of it back with the same ids and times.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from annotator.core.text import checked_web_address
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.events import Change, Events
from annotator.core.model import AddedRows, Document, Source
from annotator.store.project import ProjectStore

#: The details a person edits; the rest (text, file name, format) come from the import.
EDITABLE = ("title", "author", "url", "published")

_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def check_fields(fields: Mapping[str, str | None]) -> dict[str, str | None]:
    """The fields as they are stored: spaces tidied, empty values as None. Raises
    :class:`ValidationError` saying what is wrong: a title is required; a web address is
    http(s) or empty; a publication date is a year, a year and month, or a full date
    (2024, 2024-03, 2024-03-05) or empty; the author is free text."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Unknown document fields: {sorted(unknown)}")
    out: dict[str, str | None] = {}
    for key, raw in fields.items():
        value = " ".join((raw or "").split())
        if key == "title" and not value:
            raise ValidationError("A document needs a title.")
        if key == "url" and value:
            checked_web_address(value, "The document's address")
        if key == "published" and value and not _is_iso_date(value):
            raise ValidationError(f"“{value}” is not a publication date: write the year, the year and month, "
                                  "or the full date, as 2024, 2024-03 or 2024-03-05.")
        out[key] = value or None
    return out


def _is_iso_date(value: str) -> bool:
    match = _PUBLISHED.fullmatch(value)
    if match is None:
        return False
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        datetime.date(year or 0, month or 1, day or 1)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class DocumentMove:
    """What one move did, so that undo can take it back exactly."""

    document_id: str
    previous_source_id: str | None
    source_id: str | None
    created_source: Source | None = None  # a source the move created (undo removes it if empty)


class DocumentService:
    def __init__(self, store: ProjectStore, events: Events | None = None):
        self.store = store
        self.events = events or Events()

    def document(self, document_id: str) -> Document:
        """A document's details, without its text."""
        return self.store.document(document_id, with_text=False)

    # -- details ---------------------------------------------------------------------
    def update_document(self, document_id: str, **fields: str | None) -> dict[str, str | None]:
        """Change a document's title, author, web address or publication date (checked by
        :func:`check_fields`). Returns the previous values of the fields given, for undo."""
        fields = check_fields(fields)
        document = self.document(document_id)
        previous = {key: getattr(document, key) for key in fields}
        self.store.update_document(document_id, **fields)
        self.events.emit(Change("document", "changed", document_id, document_id))
        return previous

    def restore_fields(self, document_id: str, previous: dict[str, str | None]) -> None:
        """Undo of :meth:`update_document`: put back exactly the values it returned (an
        imported date in another format comes back as it was)."""
        unknown = set(previous) - set(EDITABLE)
        if unknown:
            raise ValueError(f"Unknown document fields: {sorted(unknown)}")
        self.store.update_document(document_id, **previous)
        self.events.emit(Change("document", "changed", document_id, document_id))

    # -- sources ---------------------------------------------------------------------
    def move_document(self, document_id: str, source_id: str | None = None, *, source_name: str | None = None,
                      new_source_id: str | None = None) -> DocumentMove:
        """File a document under another source: ``source_id`` (None: no source), or the
        source called ``source_name`` (any case), created with ``new_source_id`` if there
        is none yet (an empty name: no source)."""
        document = self.document(document_id)
        created: Source | None = None
        with self.store.transaction():
            if source_name is not None:
                if source_id is not None:
                    raise ValueError("Give a source id or a source name, not both.")
                name = " ".join(source_name.split())
                existing = self.store.source_by_name(name) if name else None
                if existing is not None:
                    source_id = existing.id
                elif name:
                    created = self.store.add_source(name, id=new_source_id)
                    source_id = created.id
            elif source_id is not None:
                self.store.source(source_id)  # a source that is gone is refused
            self.store.update_document(document_id, source_id=source_id)
        if created is not None:
            self.events.emit(Change("source", "added", created.id))
        self.events.emit(Change("document", "changed", document_id, document_id))
        return DocumentMove(document_id, document.source_id, source_id, created)

    def undo_move(self, move: DocumentMove) -> None:
        """File the document back where it was; a source the move created goes again if no
        document is filed under it."""
        removed = None
        with self.store.transaction():
            self.store.update_document(move.document_id, source_id=move.previous_source_id)
            created = move.created_source
            if created is not None and not self.store.documents(created.id):
                self.store.delete_source(created.id)
                removed = created.id
        if removed is not None:
            self.events.emit(Change("source", "removed", removed))
        self.events.emit(Change("document", "changed", move.document_id, move.document_id))

    # -- deleting ----------------------------------------------------------------------
    def snapshot(self, document_id: str) -> AddedRows:
        """The document with its text, its claims, their verdicts and every link touching
        them: what a delete takes away."""
        return self.store.document_rows(document_id)

    def delete_document(self, document_id: str) -> AddedRows:
        """Delete a document with its claims, their links and verdicts; return what
        :meth:`restore_document` needs to bring them all back."""
        snapshot = self.snapshot(document_id)
        self.store.delete_document(document_id)
        self.events.emit(Change("document", "removed", document_id, document_id))
        return snapshot

    def restore_document(self, snapshot: AddedRows) -> None:
        """Put a deleted document back with the same ids and times: its text, claims,
        verdicts and links (one commit). A link whose other claim has gone since cannot
        come back; a source that has gone leaves the document without one."""
        own = {claim.id for claim in snapshot.claims}

        def exists(claim_id: str) -> bool:
            if claim_id in own:
                return True
            try:
                self.store.claim(claim_id)
            except NotFoundError:
                return False
            return True

        documents = []
        for document in snapshot.documents:
            if document.source_id is not None:
                try:
                    self.store.source(document.source_id)
                except NotFoundError:
                    document = dataclasses.replace(document, source_id=None)
            documents.append(document)
        links = [link for link in snapshot.links if exists(link.from_claim_id) and exists(link.to_claim_id)]
        self.store.insert_rows(AddedRows(documents, snapshot.claims, links, snapshot.verdicts))
        for document in documents:
            self.events.emit(Change("document", "added", document.id, document.id))
