"""Merging the annotations of one project (OTHER) into another (the target).

Rules (also in ``docs/interchange.md``):

* **documents** match by the SHA-256 of their text; a document only in OTHER is
  copied in with its source;
* **sources** match by name (case-insensitive) or URL; **claim types** by name;
* **claims** keep their id and annotator. A claim whose id is already in the
  target is skipped; a claim identical to a target claim (same document,
  offsets, quote and type) is deduplicated: links and verdicts on it go to the
  existing claim;
* **links** are mapped through those claim ids; one with the same endpoints
  and relation as an existing link (either direction for symmetric
  relations) is deduplicated;
* **verdicts**: the same annotator with the same rating on the same claim is a
  duplicate; the same annotator with a different rating keeps the target's
  verdict and is reported as a conflict; other annotators' verdicts are added
  side by side, and claims where annotators now disagree are reported.

Everything happens in one transaction on the target; OTHER is not changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from annotator.core.errors import AnnotatorError, NotFoundError
from annotator.core.ids import new_id
from annotator.core.model import Claim, Rating
from annotator.store.merging import open_snapshot, same_file
from annotator.store.project import ProjectStore

KINDS = ("sources", "documents", "claim types", "claims", "links", "verdicts")
SAME_ANNOTATOR, BETWEEN_ANNOTATORS = "same annotator", "between annotators"


@dataclass
class VerdictConflict:
    """Ratings that disagree on one claim: ``ratings`` is ``[(annotator, rating, origin)]``."""

    claim_id: str
    quote: str
    document: str
    kind: str  # SAME_ANNOTATOR or BETWEEN_ANNOTATORS
    ratings: list[tuple[str, Rating, str]] = field(default_factory=list)

    def __str__(self) -> str:
        rated = "; ".join(f"{a or '(unnamed)'}: {r.label} ({origin})" for a, r, origin in self.ratings)
        return f"“{_short(self.quote)}” in “{_short(self.document, 50)}” – {rated}"


@dataclass
class MergeReport:
    """Counts per kind (``added``, ``deduplicated``, ``skipped``), matches and conflicts."""

    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    deduplicated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    documents_matched: int = 0
    conflicts: list[VerdictConflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.added.values())

    def lines(self) -> list[str]:
        out = [f"Documents: {self.documents_matched} matched by text, {self.added['documents']} copied in"]
        for kind in ("sources", "claim types"):
            out.append(f"{kind.capitalize()}: {self.added[kind]} added, "
                       f"{self.deduplicated[kind] + self.skipped[kind]} matched")
        for kind in ("claims", "links", "verdicts"):
            out.append(f"{kind.capitalize()}: {self.added[kind]} added, "
                       f"{self.deduplicated[kind]} deduplicated, {self.skipped[kind]} already present")
        out.extend(self.notes)
        same = [c for c in self.conflicts if c.kind == SAME_ANNOTATOR]
        between = [c for c in self.conflicts if c.kind == BETWEEN_ANNOTATORS]
        if same:
            out.append(f"{_plural(len(same), 'claim')} rated differently by the same annotator "
                       "in the two projects (this project's verdict was kept):")
            out.extend(f"  {c}" for c in same)
        if between:
            out.append(f"{_plural(len(between), 'claim')} rated differently by different annotators "
                       "(to resolve):")
            out.extend(f"  {c}" for c in between)
        if not self.conflicts:
            out.append("No conflicting verdicts.")
        return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _norm_url(url: str | None) -> str:
    return (url or "").strip().rstrip("/").casefold()


def _claim_key(claim: Claim) -> tuple:
    return (claim.document_id, claim.start, claim.end, claim.quote, claim.type_id)


def merge_project_file(target: ProjectStore, other_path: str | os.PathLike) -> MergeReport:
    """Merge the project file at ``other_path`` into ``target``; the file is only read."""
    other = open_snapshot(other_path)
    try:
        return merge_projects(target, other)
    finally:
        other.db.close()


def merge_projects(target: ProjectStore, other: ProjectStore) -> MergeReport:
    """Bring OTHER's documents, claims, links and verdicts into ``target``; see the module doc."""
    if same_file(target, other):
        raise AnnotatorError("A project cannot be merged into itself; choose another project.")
    report = MergeReport()
    with target.transaction():
        _Merger(target, other, report).run()
    return report


class _Merger:
    def __init__(self, target: ProjectStore, other: ProjectStore, report: MergeReport):
        self.target, self.other, self.report = target, other, report
        self.source_map: dict[str, str] = {}
        self.doc_map: dict[str, str] = {}
        self.type_map: dict[str, str] = {}
        self.claim_map: dict[str, str] = {}
        self.touched_claims: set[str] = set()
        self.inserted: set[str] = set()  # verdict ids added by this merge

    def run(self) -> None:
        self._claim_types()
        self._documents()
        self._claims()
        self._links()
        self._verdicts()

    def _count(self, bucket: str, kind: str) -> None:
        getattr(self.report, bucket)[kind] += 1

    # -- vocabulary and documents -------------------------------------------------------
    def _claim_types(self) -> None:
        existing = {t.name.casefold(): t for t in self.target.claim_types()}
        ids = {t.id for t in existing.values()}
        for ctype in self.other.claim_types():
            match = existing.get(ctype.name.casefold())
            if match is not None:
                self.type_map[ctype.id] = match.id
                self._count("skipped" if match.id == ctype.id else "deduplicated", "claim types")
                continue
            added = self.target.add_claim_type(ctype.name, ctype.color, ctype.description,
                                               id=new_id() if ctype.id in ids else ctype.id)
            self.type_map[ctype.id] = added.id
            existing[added.name.casefold()] = added
            self._count("added", "claim types")

    def _source_for(self, source_id: str | None) -> str | None:
        if source_id is None:
            return None
        if source_id in self.source_map:
            return self.source_map[source_id]
        try:
            source = self.other.source(source_id)
        except NotFoundError:
            return None
        match = self.target.source_by_name(source.name)
        if match is None and _norm_url(source.url):
            match = next((s for s in self.target.sources()
                          if _norm_url(s.url) == _norm_url(source.url)), None)
        if match is not None:
            self._count("skipped" if match.id == source.id else "deduplicated", "sources")
        else:
            taken = {s.id for s in self.target.sources()}
            match = self.target.add_source(source.name, source.url, source.kind, source.notes,
                                           id=new_id() if source.id in taken else source.id)
            self._count("added", "sources")
        self.source_map[source_id] = match.id
        return match.id

    def _documents(self) -> None:
        for meta in self.other.documents():
            match = self.target.document_by_hash(meta.sha256) if meta.sha256 else None
            if match is not None:
                self.doc_map[meta.id] = match.id
                self.report.documents_matched += 1
                continue
            doc = self.other.document(meta.id)
            assert doc.text is not None  # read with its text (a NOT NULL column)
            try:
                self.target.document(doc.id, with_text=False)
                doc_id = new_id()
            except NotFoundError:
                doc_id = doc.id
            added = self.target.add_document(
                doc.text, doc.title, source_id=self._source_for(doc.source_id), author=doc.author,
                url=doc.url, published=doc.published, retrieved=doc.retrieved,
                original_filename=doc.original_filename, import_format=doc.import_format, id=doc_id)
            self.doc_map[meta.id] = added.id
            self._count("added", "documents")

    # -- annotations --------------------------------------------------------------------
    def _claims(self) -> None:
        present = {c.id: c for c in self.target.claims()}
        by_key: dict[tuple, str] = {}
        for claim in present.values():
            by_key.setdefault(_claim_key(claim), claim.id)
        for claim in self.other.claims():
            mapped = replace(claim, document_id=self.doc_map[claim.document_id],
                             type_id=self.type_map.get(claim.type_id) if claim.type_id else None)
            if claim.id in present:
                self.claim_map[claim.id] = claim.id
                self._count("skipped", "claims")
                continue
            existing = by_key.get(_claim_key(mapped))
            if existing is not None:
                self.claim_map[claim.id] = existing
                self._count("deduplicated", "claims")
                continue
            self.target.insert_claim(mapped)
            present[mapped.id] = mapped
            by_key[_claim_key(mapped)] = mapped.id
            self.claim_map[claim.id] = mapped.id
            self._count("added", "claims")

    def _links(self) -> None:
        present = {link.id for link in self.target.links()}
        for link in self.other.links():
            a, b = self.claim_map.get(link.from_claim_id), self.claim_map.get(link.to_claim_id)
            if link.id in present:
                self._count("skipped", "links")
            elif a is None or b is None or a == b:
                # both ends became one claim (two identical claims in OTHER)
                self._count("deduplicated", "links")
            elif self.target.find_link(a, b, link.relation) is not None:
                self._count("deduplicated", "links")
            else:
                self.target.insert_link(replace(link, from_claim_id=a, to_claim_id=b))
                present.add(link.id)
                self._count("added", "links")

    def _verdicts(self) -> None:
        present = {v.id for v in self.target.verdicts()}
        for verdict in self.other.verdicts():
            claim_id = self.claim_map.get(verdict.claim_id)
            if claim_id is None:
                continue
            self.touched_claims.add(claim_id)
            annotator = verdict.annotator or ""
            mine = self.target.verdict(claim_id, annotator=annotator)
            if mine is not None:
                if mine.rating == verdict.rating:
                    self._count("skipped" if mine.id == verdict.id else "deduplicated", "verdicts")
                else:
                    self._count("skipped", "verdicts")
                    self._conflict(claim_id, SAME_ANNOTATOR, [
                        (annotator, mine.rating, "this project"), (annotator, verdict.rating, "other project")])
                continue
            new = replace(verdict, claim_id=claim_id, annotator=annotator,
                          id=new_id() if verdict.id in present else verdict.id)
            self.target.insert_verdict(new)
            present.add(new.id)
            self.inserted.add(new.id)
            self._count("added", "verdicts")
        for claim_id in sorted(self.touched_claims):
            verdicts = self.target.verdicts(claim_id)
            if len({v.rating for v in verdicts}) > 1:
                self._conflict(claim_id, BETWEEN_ANNOTATORS, [
                    (v.annotator or "", v.rating, "other project" if v.id in self.inserted else "this project")
                    for v in sorted(verdicts, key=lambda v: v.annotator or "")])

    def _conflict(self, claim_id: str, kind: str, ratings: list) -> None:
        claim = self.target.claim(claim_id)
        title = self.target.document(claim.document_id, with_text=False).title
        self.report.conflicts.append(VerdictConflict(claim_id, claim.quote, title, kind, ratings))


__all__ = ["MergeReport", "VerdictConflict", "merge_project_file", "merge_projects"]
