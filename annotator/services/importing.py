"""Bringing files and pasted text into a project, one result per file.

A batch never stops at a bad file: each file gets an :class:`ImportResult`
that says it was imported, was already in the project, or failed and why.
Progress and cancellation are plain callables so the GUI can run a batch in a
worker thread and the CLI can run it inline.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from annotator.core.errors import AnnotatorError, DuplicateDocumentError, ImportFailure
from annotator.core.events import Change, Events
from annotator.core.model import Document, ImportedDocument
from annotator.services.sandbox import ReadCancelled, ReadGuard
from annotator.store.project import ProjectStore

IMPORTED, DUPLICATE, FAILED, CANCELLED = "imported", "duplicate", "failed", "cancelled"


@dataclass
class ImportResult:
    name: str  # file path or "pasted text"
    status: str
    message: str = ""
    document: Document | None = None

    @property
    def ok(self) -> bool:
        return self.status == IMPORTED


def source_name_from_url(url: str | None) -> str | None:
    """'https://www.example.com/a' -> 'example.com' (a sensible default outlet name)."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else (host or None)


class ImportService:
    def __init__(self, store: ProjectStore, events: Events | None = None):
        self.store = store
        self.events = events or Events()

    def add(self, imported: ImportedDocument, *, source_name: str | None = None,
            title: str | None = None, name: str | None = None, id: str | None = None) -> ImportResult:
        """Store one extracted document, resolving its source by name: the one given, else the
        outlet the page names itself (``og:site_name``, JSON-LD publisher...), else the host
        of the document's address."""
        label = name or imported.original_filename or "pasted text"
        source_name = (source_name or imported.site_name or source_name_from_url(imported.url) or "").strip()
        try:
            with self.store.transaction():
                source = self.store.ensure_source(source_name) if source_name else None
                doc = self.store.add_document(
                    imported.text, title or imported.title, source_id=source.id if source else None,
                    author=imported.author, url=imported.url, published=imported.published,
                    original_filename=imported.original_filename, import_format=imported.import_format,
                    id=id)
        except DuplicateDocumentError as exc:
            return ImportResult(label, DUPLICATE, str(exc),
                                self.store.document(exc.existing_id, with_text=False))
        except AnnotatorError as exc:
            return ImportResult(label, FAILED, str(exc))
        if source is not None:
            self.events.emit(Change("source", "changed", source.id))
        self.events.emit(Change("document", "added", doc.id))
        message = "; ".join(imported.warnings)
        return ImportResult(label, IMPORTED, message, doc)

    def remove(self, document_id: str) -> None:
        """Take a document (and its claims) out of the project: the undo of an import."""
        self.store.delete_document(document_id)
        self.events.emit(Change("document", "removed", document_id))

    def import_files(self, paths: Sequence[str | os.PathLike], *, source_name: str | None = None,
                     title: str | None = None,
                     progress: Callable[[int, int, str], None] | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     guard: ReadGuard | None = None) -> list[ImportResult]:
        """Read (in a bounded child process, see :func:`extract_files`) and store each file;
        ``title`` applies only to a single-file import."""
        extracted = extract_files(paths, progress=progress, cancelled=cancelled, guard=guard)
        return self.add_extracted(extracted, source_name=source_name, title=title)

    def add_extracted(self, extracted: list[tuple[str, ImportedDocument | ImportResult]], *,
                      source_name: str | None = None, title: str | None = None) -> list[ImportResult]:
        """Store what :func:`extract_files` read (on the thread that owns the project)."""
        results = []
        for name, item in extracted:
            if isinstance(item, ImportResult):
                results.append(item)
            else:
                results.append(self.add(item, source_name=source_name,
                                        title=title if len(extracted) == 1 else None, name=name))
        return results

    def import_text(self, text: str, *, title: str | None = None,
                    source_name: str | None = None) -> ImportResult:
        """Import pasted text (the clipboard path of the GUI)."""
        from annotator.services import importers

        try:
            imported = importers.read_text(text, title=title)
        except ImportFailure as exc:
            return ImportResult("pasted text", FAILED, str(exc))
        return self.add(imported, source_name=source_name, name="pasted text")


def extract_files(paths: Sequence[str | os.PathLike], *,
                  progress: Callable[[int, int, str], None] | None = None,
                  cancelled: Callable[[], bool] | None = None,
                  guard: ReadGuard | None = None,
                  ) -> list[tuple[str, ImportedDocument | ImportResult]]:
    """Read and extract each file, touching no project: safe to run in a worker thread.

    Every file is parsed in a child process bounded by time and memory (see
    :mod:`annotator.services.sandbox`): ``guard`` is that child's owner, which another
    thread may ``stop()`` to end a read at once; without one, a guard with the limits the
    environment sets is made. The child ends with the batch. Returns (name, extracted document) or (name,
    failed/cancelled result) per file.
    """
    reader = ReadGuard() if guard is None else guard
    out: list[tuple[str, ImportedDocument | ImportResult]] = []
    total = len(paths)
    try:
        for index, path in enumerate(paths):
            name = str(path)
            if cancelled is not None and cancelled():
                out.extend(_cancelled(paths[index:]))
                break
            if progress is not None:
                progress(index, total, name)
            try:
                out.append((name, reader.read(path, cancelled)))
            except ReadCancelled:
                out.extend(_cancelled(paths[index:]))
                break
            except ImportFailure as exc:
                out.append((name, ImportResult(name, FAILED, str(exc))))
    finally:
        reader.close()
    if progress is not None:
        progress(total, total, "")
    return out


def _cancelled(paths: Sequence[str | os.PathLike]) -> list[tuple[str, ImportResult]]:
    return [(str(p), ImportResult(str(p), CANCELLED, "Import cancelled.")) for p in paths]


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given, with folders expanded to the supported files inside them."""
    from annotator.services.importers import SUPPORTED_SUFFIXES

    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*")
                              if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                              and not p.name.startswith(".")))
        else:
            out.append(path)
    return out
