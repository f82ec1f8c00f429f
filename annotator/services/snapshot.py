"""A read-only, in-memory copy of a project's annotations for work off the GUI thread.

SQLite connections belong to one thread, so a worker (scoring, matching) gets a
snapshot taken on the thread that owns the project. It answers the same read
methods as :class:`~annotator.store.project.ProjectStore` that such work uses.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from annotator.core.errors import NotFoundError
from annotator.core.model import RELATION_NUMBER
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
        with reader.read_transaction():
            return Snapshot(reader, text_cache=text_cache, for_scoring=for_scoring)
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
        self._texts = _texts(store, self._documents, text_cache) if with_texts else {}
        self._numbers: RowNumbers | None = None
        self.path = store.path

    @classmethod
    def _of_rows(cls, path, sources: list, documents: list, spans: list, relations: list, verdicts: list,
                 texts: dict[str, str], numbers: RowNumbers) -> Snapshot:
        """A scoring snapshot (see ``for_scoring``) of rows read already, with :meth:`row_numbers`."""
        snap = cls.__new__(cls)
        snap._sources, snap._documents, snap._spans, snap._relations = sources, documents, spans, relations
        snap._verdicts, snap._texts, snap.path, snap._numbers = verdicts, texts, path, numbers
        snap._claims = snap._links = snap._types = None
        return snap

    def row_numbers(self) -> RowNumbers | None:
        """See :class:`RowNumbers`; None when not known (only a live snapshot keeps them)."""
        return self._numbers

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
        if claim_id is None:
            return list(self._verdicts)
        return [v for v in self._verdicts if v.claim_id == claim_id]

    def claim_types(self):
        return list(_taken(self._types))

    def document_text(self, document_id: str) -> str:
        try:
            return self._texts[document_id]
        except KeyError:
            raise NotFoundError(f"No document text for {document_id} in this snapshot.") from None


def _texts(store: ProjectStore, documents: list, text_cache: dict[tuple[str, str], str] | None) -> dict[str, str]:
    """Each document's text, from ``text_cache`` (kept to the documents of ``documents``) when
    it has the text of the same SHA-256."""
    texts = {}
    cache = text_cache if text_cache is not None else {}
    for d in documents:
        key = (d.id, d.sha256 or "")  # a stored document always has its SHA-256
        if key not in cache:
            cache[key] = store.document_text(d.id)
        texts[d.id] = cache[key]
    if text_cache is not None and len(text_cache) > len(documents):
        live = {(d.id, d.sha256 or "") for d in documents}
        for key in [k for k in text_cache if k not in live]:
            del text_cache[key]
    return texts


class LiveSnapshot:
    """Scoring snapshots of one project, taken again after each edit by a process that keeps
    scoring it (the app's scoring child). The first reads the whole project; each later one
    reads only the rows that the project's change log names since the one before, and puts
    them in their places, so that it holds the same rows in the same order as a fresh
    snapshot. At 100,000 claims and links a fresh one takes half a second; an edit's rows a
    few milliseconds. When the log cannot say what changed (it was trimmed past the last
    reading, or the file was replaced), the whole project is read again."""

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)
        self._mark: tuple[int, str, str] | None = None
        self._sources: list = []
        self._documents: list = []
        self._claims: _Placed | None = None
        self._links: _Placed | None = None
        self._verdicts: _Placed | None = None
        self.last_read = ""  # "everything" or "changes": how the latest snapshot was taken

    def snapshot(self, text_cache: dict[tuple[str, str], str] | None = None) -> Snapshot:
        """The project as it is now (one read transaction)."""
        reader = open_reader(self.path)
        try:
            with reader.read_transaction():
                return self._read(reader, text_cache)
        except BaseException:
            self._mark = self._claims = None  # half put in place: the next one reads everything
            raise
        finally:
            reader.db.close()

    def _read(self, store: ProjectStore, text_cache) -> Snapshot:
        changed = None
        if self._mark is not None and self._claims is not None:
            changed = store.changed_since(self._mark)
        mark = store.change_mark()
        try:
            if changed is None:
                raise _OutOfStep
            assert self._claims is not None and self._links is not None and self._verdicts is not None
            if changed.get("sources") or changed.get("documents"):
                self._sources, self._documents = store.sources(), store.documents()
            ids = changed.get("claims", set())
            before = {i: self._claims.key_of.get(i) for i in ids}
            self._claims.update(ids, store.claim_spans_placed(ids) if ids else [])
            # A claim that went (or came back as another row) takes the row number that its
            # links and verdicts know it by with it: those still naming it (another tool deleted
            # it with foreign keys off) are read again.
            dangling = bool((self._links.numbers[:, :2] < 0).any() or (self._verdicts.numbers < 0).any())
            moved = {i for i, key in before.items()  # (a claim now found may be one a row named in vain)
                     if (key is not None or dangling) and (self._claims.key_of.get(i) or (None,) * 3)[2] != (
                         key or (None,) * 3)[2]}
            links = set(changed.get("links", set()))
            verdicts = set(changed.get("verdicts", set()))
            if moved:
                links |= {self._links.keys[k][1] for k, row in enumerate(self._links.rows)
                          if row[0] in moved or row[1] in moved}
                verdicts |= {v.id for v in self._verdicts.rows if v.claim_id in moved}
            self._links.update(links, store.link_relations_placed(links) if links else [])
            self._verdicts.update(verdicts, [(_verdict_place(v), v) for v in store.verdicts_with_ids(verdicts)]
                                  if verdicts else [])
            self.last_read = "changes"
        except _OutOfStep:
            self._sources, self._documents = store.sources(), store.documents()
            self._claims = _Placed(store.claim_spans_placed(), lambda key, row: row[0],
                                   lambda key, row: (key[2],), 1)
            claim_key = self._claims.key_of

            def number(claim_id: str) -> int:
                key = claim_key.get(claim_id)
                return key[2] if key is not None else -1

            self._links = _Placed(store.link_relations_placed(), lambda key, row: key[1],
                                  lambda key, row: (number(row[0]), number(row[1]), RELATION_NUMBER[row[2]]), 3)
            self._verdicts = _Placed([(_verdict_place(v), v) for v in store.verdicts()], lambda key, row: row.id,
                                     lambda key, row: (number(row.claim_id),), 1)
            self.last_read = "everything"
        self._mark = mark
        ends = self._links.numbers
        numbers = RowNumbers(self._claims.numbers[:, 0].copy(), ends[:, 0].copy(), ends[:, 1].copy(),
                             ends[:, 2].copy(), self._verdicts.numbers[:, 0].copy())
        return Snapshot._of_rows(store.path, list(self._sources), list(self._documents), list(self._claims.rows),
                                 list(self._links.rows), list(self._verdicts.rows),
                                 _texts(store, self._documents, text_cache), numbers)


class RowNumbers(NamedTuple):
    """What a live snapshot knows by row number, so that scoring need not look up 200,000 ids
    (a fifth of a scoring at 100,000 claims and links): each claim's row number, in the order
    of ``claim_spans``; each link's claims (-1 for one not in the project) and relation (its
    place in ``Relation``), in the order of ``link_relations``; each verdict's claim, in the
    order of ``verdicts``."""

    claims: np.ndarray
    link_from: np.ndarray
    link_to: np.ndarray
    link_relation: np.ndarray
    verdict_claim: np.ndarray


def _verdict_place(v) -> tuple[str, str, str]:
    return (v.claim_id, v.updated_at, v.id)  # the order of ProjectStore.verdicts


class _OutOfStep(Exception):
    """What a live snapshot holds no longer matches the project: read it all again."""


class _Placed:
    """Rows kept in the order of their place keys, replaced by id; with ``numbers_of``, each
    row's numbers too, in an array in the same order (``numbers``)."""

    _FEW = 256  # changes put in place one by one; more, and the numbers are worked out again

    def __init__(self, placed: Sequence[tuple[tuple, Any]], id_of: Callable[[tuple, Any], str],
                 numbers_of: Callable[[tuple, Any], tuple[int, ...]] | None = None, width: int = 0):
        self._id_of, self._numbers_of, self._width = id_of, numbers_of, width
        self.keys = [key for key, _ in placed]
        self.rows = [row for _, row in placed]
        self.key_of = {id_of(key, row): key for key, row in placed}
        self.numbers = self._all_numbers()

    def _all_numbers(self) -> np.ndarray:
        if self._numbers_of is None:
            return np.zeros((len(self.rows), 0), dtype=np.int64)
        of = self._numbers_of
        return np.array([of(key, row) for key, row in zip(self.keys, self.rows, strict=True)],
                        dtype=np.int64).reshape(len(self.rows), self._width)

    def update(self, ids: set[str], placed: Sequence[tuple[tuple, Any]]) -> None:
        """The rows of ``ids`` leave; ``placed`` (those of them that still exist) come in."""
        one_by_one = self._numbers_of is not None and len(ids) + len(placed) <= self._FEW
        for row_id in ids:
            key = self.key_of.pop(row_id, None)
            if key is None:
                continue
            at = bisect_left(self.keys, key)
            if at == len(self.keys) or self.keys[at] != key:
                raise _OutOfStep
            del self.keys[at], self.rows[at]
            if one_by_one:
                self.numbers = np.delete(self.numbers, at, axis=0)
        for key, row in placed:
            at = bisect_left(self.keys, key)
            self.keys.insert(at, key)
            self.rows.insert(at, row)
            self.key_of[self._id_of(key, row)] = key
            if one_by_one:
                assert self._numbers_of is not None
                self.numbers = np.insert(self.numbers, at, self._numbers_of(key, row), axis=0)
        if self._numbers_of is not None and not one_by_one:
            self.numbers = self._all_numbers()


def _taken(rows: list | None) -> list:
    if rows is None:
        raise RuntimeError("This snapshot was taken for scoring: it holds spans and relations only.")
    return rows
