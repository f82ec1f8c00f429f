"""A read-only, in-memory copy of a project's annotations for work off the GUI thread.

SQLite connections belong to one thread, so a worker (scoring, matching) gets a
snapshot taken on the thread that owns the project. It answers the same read
methods as :class:`~annotator.store.project.ProjectStore` that such work uses.
"""

from __future__ import annotations

import os

from annotator.core.errors import NotFoundError
from annotator.store.opening import open_reader
from annotator.store.project import ProjectStore


def snapshot_of_file(path: str | os.PathLike, *, text_cache: dict[tuple[str, str], str] | None = None,
                     for_scoring: bool = False) -> Snapshot:
    """A snapshot read on the calling thread through its own read-only connection, as one
    read transaction (a consistent state even while the app commits edits meanwhile).
    Workers call this, so the GUI thread never reads a whole project to score it.
    ``for_scoring``: see :class:`Snapshot`."""
    reader = open_reader(path)
    try:
        reader.db.execute("BEGIN")
        try:
            return Snapshot(reader, text_cache=text_cache, for_scoring=for_scoring)
        finally:
            reader.db.execute("COMMIT")
    finally:
        reader.db.close()


class Snapshot:
    def __init__(self, store: ProjectStore, *, with_texts: bool = True,
                 text_cache: dict[tuple[str, str], str] | None = None, for_scoring: bool = False):
        """``text_cache`` maps (document id, SHA-256) to text across snapshots, so a
        snapshot after an edit re-reads only documents that changed. ``for_scoring`` reads
        only what scoring uses: claims as spans and links as relations (at 100,000 of each,
        building full claims and links took 1.5 s), and no claim types."""
        self._sources = store.sources()
        self._documents = store.documents()
        self._claims = None if for_scoring else store.claims()
        self._links = None if for_scoring else store.links()
        self._spans = (store.claim_spans() if self._claims is None
                       else [(c.id, c.document_id, c.start, c.end, c.quote) for c in self._claims])
        self._relations = (store.link_relations() if self._links is None
                           else [(link.from_claim_id, link.to_claim_id, link.relation) for link in self._links])
        self._verdicts = store.verdicts()
        self._types = None if for_scoring else store.claim_types()
        self._texts: dict[str, str] = {}
        if with_texts:
            cache = text_cache if text_cache is not None else {}
            for d in self._documents:
                key = (d.id, d.sha256 or "")  # a stored document always has its SHA-256
                if key not in cache:
                    cache[key] = store.document_text(d.id)
                self._texts[d.id] = cache[key]
            if text_cache is not None and len(text_cache) > len(self._documents):
                live = {(d.id, d.sha256 or "") for d in self._documents}
                for key in [k for k in text_cache if k not in live]:
                    del text_cache[key]
        self.path = store.path

    def sources(self):
        return list(self._sources)

    def documents(self, source_id: str | None = None):
        return [d for d in self._documents if source_id is None or d.source_id == source_id]

    def claims(self, document_id: str | None = None):
        return [c for c in _taken(self._claims) if document_id is None or c.document_id == document_id]

    def claim_spans(self):
        return list(self._spans)

    def link_relations(self):
        return list(self._relations)

    def links(self, claim_id: str | None = None):
        return [link for link in _taken(self._links)
                if claim_id is None or claim_id in (link.from_claim_id, link.to_claim_id)]

    def verdicts(self, claim_id: str | None = None):
        return [v for v in self._verdicts if claim_id is None or v.claim_id == claim_id]

    def claim_types(self):
        return list(_taken(self._types))

    def document_text(self, document_id: str) -> str:
        try:
            return self._texts[document_id]
        except KeyError:
            raise NotFoundError(f"No document text for {document_id} in this snapshot.") from None


def _taken(rows: list | None) -> list:
    if rows is None:
        raise RuntimeError("This snapshot was taken for scoring: it holds spans and relations only.")
    return rows
