"""Merging the annotations of one project (OTHER) into another (the target).

Rules (also in ``docs/interchange.md``):

* **documents** match by the SHA-256 of their text; a document only in OTHER is
  copied in with its source;
* **sources** match by name (case-insensitive) or URL; **claim types** by name;
* **claims, links and verdicts match by id** first: a row of OTHER whose id is new
  comes in with its id, annotator, note and times;
* a **claim** without a match by id is deduplicated onto an identical target claim
  (same document, offsets, quote, type and annotator) only when nothing is lost:
  OTHER's note is empty or the same, and no other claim of OTHER matched that claim.
  Two identical claims inside OTHER therefore stay two claims;
* a project holds one **link** per pair of claims and relation (either direction for
  symmetric relations) and one **verdict** per claim and annotator, so those keys
  match too;
* a row on both sides with **different content**: the copy edited later
  (``updated_at``) is kept, the target's on a tie. When both copies were edited after
  they were created (or were created separately), annotator cannot tell without a
  common ancestor whether both changed since the copies parted: the row is reported as
  a **conflict** with both values and the side kept. Every update taken from OTHER is
  reported with the value it replaced.

Everything happens in one transaction on the target; OTHER is not changed. The rows
written are recorded by ``ProjectStore.recording`` (added rows, and ``(before,
after)`` for updated rows), so the app undoes a merge as one step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from annotator.core.text import one_line
from annotator.core.clock import parse_ms
from annotator.core.errors import AnnotatorError, NotFoundError
from annotator.core.ids import new_id
from annotator.core.model import Claim, Link, Rating, Relation, Verdict
from annotator.store.merging import open_snapshot, same_file
from annotator.store.project import ProjectStore

KINDS = ("sources", "documents", "claim types", "claims", "links", "verdicts")
ROWS = ("claims", "links", "verdicts")
THIS, OTHER = "this project", "other project"
BETWEEN_ANNOTATORS = "between annotators"


@dataclass
class VerdictConflict:
    """Annotators who rate one claim differently: ``ratings`` is ``[(annotator, rating, origin)]``."""

    claim_id: str
    quote: str
    document: str
    kind: str  # BETWEEN_ANNOTATORS
    ratings: list[tuple[str, Rating, str]] = field(default_factory=list)

    def __str__(self) -> str:
        rated = "; ".join(f"{a or '(unnamed)'}: {r.label} ({origin})" for a, r, origin in self.ratings)
        return f"“{_short(self.quote)}” in “{_short(self.document, 50)}” – {rated}"

    def to_dict(self) -> dict:
        return {"claim_id": self.claim_id, "quote": self.quote, "document": self.document,
                "ratings": [{"annotator": a, "rating": r.value, "origin": o} for a, r, o in self.ratings]}


@dataclass
class RowChange:
    """A claim, link or verdict in both projects with different content, and which copy the
    merge kept. ``fields`` is ``[(field, this project's value, other project's value)]``."""

    kind: str  # "claim", "link" or "verdict"
    row_id: str  # the row's id in this project
    claim_id: str  # the claim to open for it (a link's first claim)
    label: str  # the row for people: its claim's quote and document, a verdict's annotator
    fields: list[tuple[str, str, str]]
    kept: str  # THIS or OTHER
    conflict: bool  # both copies were edited: it is not known which is newer than the copies' parting

    def __str__(self) -> str:
        if self.conflict:
            values = "; ".join(f"{name}: {THIS} {mine}, {OTHER} {theirs}" for name, mine, theirs in self.fields)
            return f"{self.kind} {self.label}: {values} – kept {self.kept}'s"
        values = "; ".join(f"{name}: {mine} → {theirs}" for name, mine, theirs in self.fields)
        return f"{self.kind} {self.label}: {values}"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "id": self.row_id, "claim_id": self.claim_id, "label": self.label,
                "fields": [{"field": n, "this_project": m, "other_project": t} for n, m, t in self.fields],
                "kept": self.kept, "conflict": self.conflict}


@dataclass
class MergeReport:
    """Counts per kind (``added``, ``updated``, ``deduplicated``, ``skipped``: already
    present), the rows that differed (``changes``) and annotators' disagreements."""

    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    deduplicated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    documents_matched: int = 0
    changes: list[RowChange] = field(default_factory=list)
    disagreements: list[VerdictConflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.updated.values())

    @property
    def conflicts(self) -> list[RowChange]:
        """Rows edited in both projects (the kept side and both values are in each)."""
        return [c for c in self.changes if c.conflict]

    @property
    def updates(self) -> list[RowChange]:
        """Rows edited only in OTHER, or later there, whose values were taken over (no conflict)."""
        return [c for c in self.changes if c.kept == OTHER and not c.conflict]

    def lines(self) -> list[str]:
        conflicts = self.conflicts
        out = [f"From the other project: {_plural(sum(self.added.values()), 'row')} added, "
               f"{sum(self.updated.values())} updated, {_plural(len(conflicts), 'conflict')}",
               f"Documents: {self.documents_matched} matched by text, {self.added['documents']} copied in"]
        for kind in ("sources", "claim types"):
            out.append(f"{kind.capitalize()}: {self.added[kind]} added, "
                       f"{self.deduplicated[kind] + self.skipped[kind]} matched")
        for kind in ROWS:
            out.append(f"{kind.capitalize()}: {self.added[kind]} added, {self.updated[kind]} updated, "
                       f"{self.deduplicated[kind]} deduplicated, {self.skipped[kind]} already present")
        out.extend(self.notes)
        updates = self.updates
        if updates:
            out.append(f"{_plural(len(updates), 'row')} updated from the other project "
                       "(edited there later; previous value → new value):")
            out.extend(f"  {c}" for c in updates)
        if conflicts:
            out.append(f"{_plural(len(conflicts), 'conflict')}: edited in both projects, so either edit "
                       "may be the newer one since the copies parted. The later edit was kept "
                       "(this project's on a tie); both values:")
            out.extend(f"  {c}" for c in conflicts)
        else:
            out.append("No conflicting edits.")
        if self.disagreements:
            out.append(f"{_plural(len(self.disagreements), 'claim')} rated differently by different "
                       "annotators (to resolve):")
            out.extend(f"  {c}" for c in self.disagreements)
        return out

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "deduplicated": self.deduplicated,
                "already_present": self.skipped, "documents_matched": self.documents_matched,
                "conflicts": len(self.conflicts), "changes": [c.to_dict() for c in self.changes],
                "disagreements": [d.to_dict() for d in self.disagreements], "notes": self.notes}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _short(text: str | None, limit: int = 70) -> str:
    return one_line(text, limit)


def _norm_url(url: str | None) -> str:
    return (url or "").strip().rstrip("/").casefold()


def _claim_key(claim: Claim) -> tuple:
    return (claim.document_id, claim.start, claim.end, claim.quote, claim.type_id)


def _ms(stamp: str | None) -> int:
    try:
        return parse_ms(stamp) if stamp else 0
    except ValueError:
        return 0


def _edited(row: Claim | Link | Verdict) -> bool:
    """Changed after it was made (its two time stamps differ)."""
    return _ms(row.updated_at) > _ms(row.created_at)


def _text(value: str | None) -> str:
    """A note or URL in a report: whole (nothing is lost from the report), quoted."""
    return f"“{value}”" if value else "(empty)"


def _covers(mine: str | None, theirs: str | None) -> bool:
    """Taking ``mine`` instead of ``theirs`` loses nothing: the same, or theirs is empty."""
    return (theirs or "") in ("", mine or "")


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
    theirs = other.counts()
    with target.bulk_change(theirs.documents + theirs.claims + theirs.links + theirs.verdicts):
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
        self.from_other: set[str] = set()  # verdict ids added or updated by this merge

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
    def _about(self, claim_id: str) -> str:
        claim = self.target.claim(claim_id)
        title = self.target.document(claim.document_id, with_text=False).title
        return f"“{_short(claim.quote)}” in “{_short(title, 50)}”"

    def _type_name(self, type_id: str | None) -> str:
        names = {t.id: t.name for t in self.target.claim_types()}
        return names.get(type_id or "", "(none)")

    def _span(self, claim: Claim) -> str:
        return f"{claim.start}–{claim.end} “{_short(claim.quote)}”"

    def _resolve(self, kind: str, mine: Claim | Link | Verdict, theirs: Claim | Link | Verdict,
                 fields: list[tuple[str, str, str]], claim_id: str, label: str) -> bool:
        """Keep the copy edited later (this project's on a tie) and report the difference;
        ``theirs`` carries this project's id. True when OTHER's copy was written."""
        conflict = mine.created_at != theirs.created_at or (_edited(mine) and _edited(theirs))
        take = _ms(theirs.updated_at) > _ms(mine.updated_at)
        self.report.changes.append(RowChange(kind[:-1], mine.id, claim_id, label, fields,
                                             OTHER if take else THIS, conflict))
        if take:
            self.target.replace_row(theirs)
            self._count("updated", kind)
        else:
            self._count("skipped", kind)
        return take

    def _claim_fields(self, mine: Claim, theirs: Claim) -> list[tuple[str, str, str]]:
        fields = []
        if mine.document_id != theirs.document_id:
            fields.append(("document", self.target.document(mine.document_id, with_text=False).title,
                           self.target.document(theirs.document_id, with_text=False).title))
        if (mine.start, mine.end, mine.quote) != (theirs.start, theirs.end, theirs.quote):
            fields.append(("span", self._span(mine), self._span(theirs)))
        if mine.type_id != theirs.type_id:
            fields.append(("type", self._type_name(mine.type_id), self._type_name(theirs.type_id)))
        if (mine.note or "") != (theirs.note or ""):
            fields.append(("note", _text(mine.note), _text(theirs.note)))
        return fields

    def _claims(self) -> None:
        present = {c.id: c for c in self.target.claims()}
        claims = self.other.claims()
        in_other = {c.id for c in claims}
        # target claims free to absorb an identical claim of OTHER: not matched by id, and
        # each absorbs at most one (two identical claims inside OTHER stay two)
        free: dict[tuple, list[Claim]] = {}
        for claim in present.values():
            if claim.id not in in_other:
                free.setdefault(_claim_key(claim), []).append(claim)
        for claim in claims:
            mapped = replace(claim, document_id=self.doc_map[claim.document_id],
                             type_id=self.type_map.get(claim.type_id) if claim.type_id else None)
            mine = present.get(claim.id)
            if mine is not None:
                self.claim_map[claim.id] = claim.id
                fields = self._claim_fields(mine, mapped)
                if fields:
                    self._resolve("claims", mine, mapped, fields, claim.id, self._about(claim.id))
                else:
                    self._count("skipped", "claims")
                continue
            candidates = free.get(_claim_key(mapped), [])
            same = next((c for c in candidates
                         if (c.annotator or "") == (mapped.annotator or "") and _covers(c.note, mapped.note)), None)
            if same is not None:
                candidates.remove(same)
                self.claim_map[claim.id] = same.id
                self._count("deduplicated", "claims")
                continue
            self.target.insert_claim(mapped)
            present[mapped.id] = mapped
            self.claim_map[claim.id] = mapped.id
            self._count("added", "claims")

    def _link_fields(self, mine: Link, theirs: Link) -> list[tuple[str, str, str]]:
        fields = []
        if (mine.from_claim_id, mine.to_claim_id) != (theirs.from_claim_id, theirs.to_claim_id):
            ends = [f"“{_short(self.target.claim(a).quote, 40)}” → “{_short(self.target.claim(b).quote, 40)}”"
                    for a, b in ((mine.from_claim_id, mine.to_claim_id), (theirs.from_claim_id, theirs.to_claim_id))]
            fields.append(("claims", ends[0], ends[1]))
        if mine.relation != theirs.relation:
            fields.append(("relation", Relation(mine.relation).label, Relation(theirs.relation).label))
        if (mine.note or "") != (theirs.note or ""):
            fields.append(("note", _text(mine.note), _text(theirs.note)))
        return fields

    def _link_label(self, link: Link) -> str:
        return (f"“{_short(self.target.claim(link.from_claim_id).quote, 40)}” → "
                f"“{_short(self.target.claim(link.to_claim_id).quote, 40)}”")

    def _same_link(self, mine: Link, theirs: Link) -> None:
        """OTHER's link and this project's, matched by id or by claims and relation."""
        if mine.id != theirs.id:  # made separately: only the note can differ
            if _covers(mine.note, theirs.note):
                self._count("deduplicated", "links")
                return
            theirs = replace(mine, note=theirs.note, updated_at=theirs.updated_at, created_at=theirs.created_at)
        fields = self._link_fields(mine, theirs)
        if not fields:
            self._count("skipped", "links")
            return
        taken = self.target.find_link(theirs.from_claim_id, theirs.to_claim_id, theirs.relation)
        if taken is not None and taken.id != mine.id and _ms(theirs.updated_at) > _ms(mine.updated_at):
            self.report.notes.append(
                f"Link {self._link_label(mine)}: the other project's edit "
                f"({'; '.join(f'{n}: {t}' for n, _m, t in fields)}) would repeat another link; "
                "this project's link was kept.")
            self._count("skipped", "links")
            return
        self._resolve("links", mine, replace(theirs, id=mine.id), fields, mine.from_claim_id,
                      self._link_label(mine))

    def _links(self) -> None:
        present = {link.id: link for link in self.target.links()}
        new: list[Link] = []
        for link in self.other.links():  # updates first: one may free what a new link uses
            a, b = self.claim_map.get(link.from_claim_id), self.claim_map.get(link.to_claim_id)
            if a is None or b is None:
                continue
            mapped = replace(link, from_claim_id=a, to_claim_id=b)
            mine = present.get(link.id) or self.target.find_link(a, b, link.relation)
            if mine is None:
                new.append(mapped)
            else:
                self._same_link(mine, mapped)
        for mapped in new:
            mine = self.target.find_link(mapped.from_claim_id, mapped.to_claim_id, mapped.relation)
            if mine is not None:
                self._same_link(mine, mapped)
                continue
            if mapped.id in present:
                mapped = replace(mapped, id=new_id())
            self.target.insert_link(mapped)
            present[mapped.id] = mapped
            self._count("added", "links")

    def _verdict_fields(self, mine: Verdict, theirs: Verdict) -> list[tuple[str, str, str]]:
        fields = []
        if mine.rating != theirs.rating:
            fields.append(("rating", Rating(mine.rating).label, Rating(theirs.rating).label))
        if (mine.note or "") != (theirs.note or ""):
            fields.append(("note", _text(mine.note), _text(theirs.note)))
        if (mine.evidence_url or "") != (theirs.evidence_url or ""):
            fields.append(("evidence", _text(mine.evidence_url), _text(theirs.evidence_url)))
        if (mine.review_url or "") != (theirs.review_url or ""):
            fields.append(("fact-check article", _text(mine.review_url), _text(theirs.review_url)))
        if mine.decides != theirs.decides:
            yes_no = {True: "yes", False: "no"}
            fields.append(("decides a disagreement", yes_no[mine.decides], yes_no[theirs.decides]))
        return fields

    def _verdicts(self) -> None:
        ids = {v.id for v in self.target.verdicts()}
        for verdict in self.other.verdicts():
            claim_id = self.claim_map.get(verdict.claim_id)
            if claim_id is None:
                continue
            self.touched_claims.add(claim_id)
            annotator = verdict.annotator or ""
            mapped = replace(verdict, claim_id=claim_id, annotator=annotator)
            mine = self.target.verdict(claim_id, annotator=annotator)  # one per claim and annotator
            if mine is None:
                new = replace(mapped, id=new_id() if verdict.id in ids else verdict.id)
                self.target.insert_verdict(new)
                ids.add(new.id)
                self.from_other.add(new.id)
                self._count("added", "verdicts")
                continue
            fields = self._verdict_fields(mine, mapped)
            if not fields:
                self._count("skipped" if mine.id == verdict.id else "deduplicated", "verdicts")
            elif (mine.id != verdict.id and Rating(mine.rating) == Rating(mapped.rating)
                    and _covers(mine.note, mapped.note) and _covers(mine.evidence_url, mapped.evidence_url)
                    and _covers(mine.review_url, mapped.review_url)):
                self._count("deduplicated", "verdicts")
            elif self._resolve("verdicts", mine, replace(mapped, id=mine.id), fields, claim_id,
                               f"{annotator or '(unnamed)'} on {self._about(claim_id)}"):
                self.from_other.add(mine.id)
        for claim_id in sorted(self.touched_claims):
            verdicts = self.target.verdicts(claim_id)
            if len({v.rating for v in verdicts}) > 1:
                claim = self.target.claim(claim_id)
                title = self.target.document(claim.document_id, with_text=False).title
                self.report.disagreements.append(VerdictConflict(claim_id, claim.quote, title, BETWEEN_ANNOTATORS, [
                    (v.annotator or "", v.rating, OTHER if v.id in self.from_other else THIS)
                    for v in sorted(verdicts, key=lambda v: v.annotator or "")]))


__all__ = ["BETWEEN_ANNOTATORS", "OTHER", "THIS", "MergeReport", "RowChange", "VerdictConflict",
           "merge_project_file", "merge_projects"]
