"""Entities of a project, as plain dataclasses.

Offsets (``Claim.start``/``Claim.end``) are Python ``str`` indices, i.e. Unicode
code points into ``Document.text``; the GUI converts to Qt's UTF-16 positions
only at the widget boundary.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple


class Relation(enum.StrEnum):
    """How one claim relates to another."""

    SAME = "same_claim"
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    DERIVED = "derived_from"

    @property
    def label(self) -> str:
        return _RELATION_LABELS[self]

    @property
    def symmetric(self) -> bool:
        """Symmetric relations read the same in both directions (A~B == B~A)."""
        return self in (Relation.SAME, Relation.CONTRADICTS)


#: Each relation's number (its place in ``Relation``), for arrays of relations.
RELATION_NUMBER = {relation: number for number, relation in enumerate(Relation)}

_RELATION_LABELS = {
    Relation.SAME: "same claim",
    Relation.SUPPORTS: "supports",
    Relation.CONTRADICTS: "contradicts",
    Relation.DERIVED: "derived from",
}


class Rating(enum.StrEnum):
    """The verdict scale, from best to worst, then 'cannot be checked'."""

    TRUE = "true"
    MOSTLY_TRUE = "mostly_true"
    MIXED = "mixed"
    MOSTLY_FALSE = "mostly_false"
    FALSE = "false"
    UNVERIFIABLE = "unverifiable"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def truth(self) -> float | None:
        """How true the rating says the claim is, in [0, 1]; None if unverifiable."""
        return _RATING_TRUTH[self]


_RATING_TRUTH = {
    Rating.TRUE: 1.0,
    Rating.MOSTLY_TRUE: 0.75,
    Rating.MIXED: 0.5,
    Rating.MOSTLY_FALSE: 0.25,
    Rating.FALSE: 0.0,
    Rating.UNVERIFIABLE: None,
}

SOURCE_KINDS = ("news outlet", "wire service", "aggregator", "blog", "reference", "official", "social media", "other")


@dataclass
class Source:
    id: str
    name: str
    url: str | None = None
    kind: str | None = None
    notes: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class Document:
    id: str
    title: str
    text: str | None = None  # None when listed without its text
    source_id: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None
    retrieved: str | None = None
    original_filename: str | None = None
    import_format: str | None = None
    sha256: str | None = None
    length: int | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class ClaimType:
    id: str
    name: str
    color: str  # "#rrggbb"
    description: str | None = None
    position: int = 0


@dataclass(slots=True)  # (slotted: a project of 100,000 claims and links holds that many)
class Claim:
    id: str
    document_id: str
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""
    type_id: str | None = None
    note: str | None = None
    annotator: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


#: A claim's fields as a tuple, in the order of its dataclass (``Claim(*fields)`` makes it again):
#: the row bulk writes insert, made without a call of ours for each of 100,000 claims.
claim_fields = attrgetter("id", "document_id", "start", "end", "quote", "prefix", "suffix", "type_id", "note",
                          "annotator", "created_at", "updated_at")


@dataclass(slots=True)
class Link:
    id: str
    from_claim_id: str
    to_claim_id: str
    relation: Relation
    note: str | None = None
    annotator: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class LinkEnds(NamedTuple):
    """A link with the documents of its two claims: what the window needs to draw it."""

    id: str
    from_claim_id: str
    to_claim_id: str
    relation: Relation
    from_document_id: str
    to_document_id: str


@dataclass(slots=True)
class Verdict:
    id: str
    claim_id: str
    rating: Rating
    note: str | None = None
    evidence_url: str | None = None
    annotator: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    decides: bool = False  # given to decide a disagreement: earlier verdicts against it no longer count
    rated_at: str | None = None  # when the rating (or decides) was last set; None: as updated_at
    review_url: str | None = None  # the fact-check article that publishes the verdict (not its evidence)


def latest_verdict(verdicts: Iterable[Verdict]) -> Verdict | None:
    """The verdict that counts as a claim's latest everywhere (the app, the exports, the
    project's views): the last by ``updated_at``, then by id when two share a time."""
    return max(verdicts, key=lambda v: (v.updated_at or "", v.id), default=None)


@dataclass
class ImportedDocument:
    """What an importer extracted from one file, before it enters a project."""

    text: str
    title: str
    import_format: str
    original_filename: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    site_name: str | None = None  # the outlet as the page names itself (og:site_name, JSON-LD publisher...)
    warnings: list[str] = field(default_factory=list)


@dataclass
class AddedRows:
    """The rows one bulk edit (loading CSVs, merging a project) added, and the existing
    claims, links and verdicts it overwrote, so that undo removes exactly the added rows and
    puts the previous values back, and redo does the same edit again.

    ``updated`` holds ``(before, after)`` pairs of whole rows in the order they were written."""

    documents: list[Document] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    updated: list[tuple[Claim | Link | Verdict, Claim | Link | Verdict]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.documents or self.claims or self.links or self.verdicts or self.updated)


@dataclass
class Counts:
    sources: int
    documents: int
    claims: int
    links: int
    verdicts: int
