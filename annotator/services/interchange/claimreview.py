"""Rated claims as schema.org ``ClaimReview`` objects (JSON-LD), the fact-check markup search engines read.

One file, ``claimreview.jsonld``: a JSON array with one ``ClaimReview`` per
claim that has a verdict (its most recent verdict, as in ``claims.csv``).
Ratings map to a 1–5 scale: true 5, mostly true 4, mixed 3, mostly false 2,
false 1; "unverifiable" has no ``ratingValue``. See ``docs/interchange.md``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from annotator.core.dates import iso_date
from annotator.core.errors import AnnotatorError
from annotator.core.model import Claim, Document, Rating, Verdict, latest_verdict
from annotator.core.text import http_iri
from annotator.services.interchange.webannotation import JsonExportSummary, output_folder, write_json
from annotator.store.project import ProjectStore

SCHEMA_CONTEXT = "https://schema.org"
FILE_NAME = "claimreview.jsonld"
#: Used as the review's author when the project names no newsroom.
DEFAULT_AUTHOR = "annotator user"
BEST_RATING, WORST_RATING = 5, 1
RATING_VALUES = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.MIXED: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
    Rating.UNVERIFIABLE: None,
}


def rating_name(rating: Rating) -> str:
    """The textual verdict shown to readers: "True", "Mostly false", "Unverifiable"…"""
    return rating.label.capitalize()


def review_rating(rating: Rating) -> dict:
    out: dict[str, Any] = {"@type": "Rating", "alternateName": rating_name(rating)}
    if RATING_VALUES[rating] is not None:
        out["ratingValue"] = RATING_VALUES[rating]
    out["bestRating"], out["worstRating"] = BEST_RATING, WORST_RATING
    return out


#: Properties Google requires of a ClaimReview before it shows the review in search.
GOOGLE_REQUIRED = ("claimReviewed", "reviewRating", "url")


def claim_review(claim: Claim, verdict: Verdict, document: Document, source_name: str | None,
                 newsroom: str) -> dict:
    """One ``ClaimReview`` for a claim and the verdict on it. The document's publication date
    is given as an ISO 8601 date, or left out when it is not one that can be read
    unambiguously ("last Tuesday", "04/05/2024")."""
    appearance = {"@type": "CreativeWork", "name": document.title}
    if document.url:
        appearance["url"] = document.url
    published = iso_date(document.published)
    if published:
        appearance["datePublished"] = published
    item: dict[str, Any] = {"@type": "Claim"}
    if source_name:
        item["author"] = {"@type": "Organization", "name": source_name}
    item["appearance"] = appearance
    if published:
        item["datePublished"] = published
    review = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "identifier": f"urn:annotator:claim:{claim.id}",
        "claimReviewed": claim.quote,
        "itemReviewed": item,
        "reviewRating": review_rating(verdict.rating),
        "author": {"@type": "Organization", "name": newsroom},
    }
    date = (verdict.updated_at or verdict.created_at or "")[:10]
    if date:
        review["datePublished"] = date
    if verdict.note:
        review["reviewBody"] = verdict.note
    article = http_iri(verdict.review_url)  # the fact-check article, when it is an http(s) address
    if article:
        review["url"] = article
    if verdict.evidence_url and verdict.evidence_url.strip():
        review["citation"] = verdict.evidence_url.strip()  # what the review cites, not the review itself
    return review


def missing_required(review: dict) -> list[str]:
    """The properties of :data:`GOOGLE_REQUIRED` that ``review`` lacks."""
    return [name for name in GOOGLE_REQUIRED if not review.get(name)]


def newsroom_name(store: ProjectStore) -> str:
    """The project's newsroom setting, or :data:`DEFAULT_AUTHOR` when it is empty."""
    return (store.meta().get("newsroom") or "").strip() or DEFAULT_AUTHOR


def build_reviews(store: ProjectStore) -> tuple[list[dict], int]:
    """(the reviews in reading order, how many claims have differing ratings by several annotators)."""
    reviews, disputed, _documents = _reviews(store)
    return reviews, disputed


def _reviews(store: ProjectStore) -> tuple[list[dict], int, list[Document]]:
    """:func:`build_reviews`, and the documents of the reviewed claims."""
    sources = {s.id: s.name for s in store.sources()}
    documents = sorted(store.documents(), key=lambda d: (
        (sources.get(d.source_id, "") if d.source_id else "").casefold(), d.title.casefold(), d.sha256 or "",
        d.id))
    order = {d.id: i for i, d in enumerate(documents)}
    docs = {d.id: d for d in documents}
    by_claim: dict[str, list[Verdict]] = {}
    for verdict in store.verdicts():
        by_claim.setdefault(verdict.claim_id, []).append(verdict)
    newsroom = newsroom_name(store)
    reviews, disputed, reviewed = [], 0, {}
    claims = sorted(store.claims(), key=lambda c: (order.get(c.document_id, -1), c.start, c.end, c.id))
    for claim in claims:
        verdicts = by_claim.get(claim.id, [])
        latest = latest_verdict(verdicts)
        if latest is None:
            continue
        disputed += len({v.rating for v in verdicts}) > 1
        doc = docs[claim.document_id]
        reviewed[doc.id] = doc
        reviews.append(claim_review(claim, latest, doc, sources.get(doc.source_id) if doc.source_id else None,
                                    newsroom))
    return reviews, disputed, list(reviewed.values())


def export_claimreview(store: ProjectStore, folder: str | Path) -> JsonExportSummary:
    """Write ``claimreview.jsonld`` into ``folder`` (created if missing, file replaced)."""
    began = time.perf_counter()
    path = output_folder(folder) / FILE_NAME
    reviews, disputed, documents = _reviews(store)
    try:
        write_json(path, reviews)
    except OSError as exc:
        raise AnnotatorError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    summary = JsonExportSummary(path, {"claim reviews": len(reviews)}, time.perf_counter() - began)
    if disputed:
        summary.notes.append(f"{disputed} claim{' has' if disputed == 1 else 's have'} different ratings "
                             "from different annotators; "
                             "each review uses the most recent verdict.")
    if newsroom_name(store) == DEFAULT_AUTHOR:
        summary.notes.append(f"No newsroom is set in the project settings; reviews are credited to "
                             f"“{DEFAULT_AUTHOR}”.")
    lacking: dict[str, int] = {}
    for review in reviews:
        for name in missing_required(review):
            lacking[name] = lacking.get(name, 0) + 1
    for name, n in lacking.items():
        what = (" (the address of the fact-check article: set it with the verdict, in the Inspector's "
                "“Published at” field or the verdicts file's review_url column)") if name == "url" else ""
        summary.notes.append(f"{n} of {len(reviews)} reviews lack “{name}”{what}, which Google requires before "
                             "it shows a fact-check; each review's identifier names its claim.")
    dates = [d.published for d in documents  # publication dates no export can give as a date
             if d.published and d.published.strip() and iso_date(d.published) is None]
    if dates:
        summary.notes.append(f"{len(dates)} document{'s' if len(dates) != 1 else ''}' publication date"
                             f"{'s are' if len(dates) != 1 else ' is'} not a date that can be read unambiguously "
                             f"(such as “{dates[0]}”): left out of the reviews. Write it as 2024-04-21 in the "
                             "document's details.")
    return summary


__all__ = ["DEFAULT_AUTHOR", "FILE_NAME", "GOOGLE_REQUIRED", "RATING_VALUES", "SCHEMA_CONTEXT", "build_reviews",
           "claim_review", "export_claimreview", "missing_required", "rating_name"]
