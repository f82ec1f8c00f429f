"""Claims and links as W3C Web Annotations (JSON-LD), for annotation tools and archives.

One file, ``annotations.jsonld``: an ``AnnotationCollection`` whose embedded
first page holds every claim (an ``Annotation`` with a ``TextQuoteSelector``
and a ``TextPositionSelector``, its type, note and verdicts as bodies) and
every link (an ``Annotation`` with motivation ``linking`` that targets the two
claim annotations). Positions are Unicode code points, as in the W3C model and
in the project. The format is described in ``docs/interchange.md``.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.ids import id_uuid
from annotator.core.model import Claim, Document, Link, Verdict
from annotator.core.text import http_iri
from annotator.store.project import ProjectStore

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
FILE_NAME = "annotations.jsonld"

def iso_time(text: str | None) -> str | None:
    """An ISO 8601 time as UTC with milliseconds (``2026-11-22T10:00:00.123Z``), None if it is not one.

    The project's own stamps come back unchanged; a time without a zone is UTC, as in the store."""
    value = (text or "").strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Omissions:
    """Stored values the export could not carry where the model wants them, for the summary."""

    addresses: dict[tuple[str, str], str] = field(default_factory=dict)  # (what, row id) -> stored text
    dates: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (what, row id, field) -> text

    def address(self, what: str, row_id: str, text: str | None) -> str | None:
        """The IRI for a stored web address; None (and counted) when it is text but no http(s) URI."""
        iri = http_iri(text)
        if iri is None and text and text.strip():
            self.addresses[(what, row_id)] = text
        return iri

    def time(self, what: str, row_id: str, name: str, text: str | None) -> str | None:
        iso = iso_time(text)
        if iso is None and text and text.strip():
            self.dates[(what, row_id, name)] = text
        return iso

    def notes(self) -> list[str]:
        notes = []
        if self.addresses:
            n = len(self.addresses)
            example = next(iter(self.addresses.values()))
            notes.append(f"Warning: {n} web address{'' if n == 1 else 'es'} (e.g. “{example}”) "
                         f"{'is' if n == 1 else 'are'} not an absolute http(s) URL: kept as text, not as a link.")
        if self.dates:
            n = len(self.dates)
            example = next(iter(self.dates.values()))
            notes.append(f"Warning: {n} time stamp{'' if n == 1 else 's'} (e.g. “{example}”) "
                         f"{'is' if n == 1 else 'are'} not an ISO 8601 date and time: left out.")
        return notes


def _urn(key: str) -> str:
    return id_uuid(key).urn


def claim_iri(claim_id: str) -> str:
    """``urn:uuid:`` with the claim's ULID as its 128 bits: stable, and the claim id can be read back."""
    return _urn(claim_id)


def link_iri(link_id: str) -> str:
    return _urn(link_id)


def verdict_iri(verdict_id: str) -> str:
    return _urn(verdict_id)


def agent_iri(name: str) -> str:
    """The same ``urn:uuid:`` for the same annotator name, in every project and every export."""
    return _urn(f"annotator:{name}")


def document_iri(document: Document, omissions: Omissions | None = None) -> str:
    """The document's URL when it is an http(s) URL, otherwise the document's own ``urn:uuid:``."""
    omissions = omissions if omissions is not None else Omissions()
    return omissions.address("document", document.id, document.url) or _urn(document.id)


def _agent(name: str | None) -> dict | None:
    return {"id": agent_iri(name), "type": "Person", "name": name} if name else None


def _text_body(value: str, purpose: str, canonical: str | None = None, **extra) -> dict:
    # No ``id`` on a body: the suite's schemas take any body with an ``id`` for a web resource,
    # which may not carry a purpose (3.3.5-bodyEWRNoPurpose, a MUST). A verdict's IRI is its
    # ``canonical`` IRI instead, which names it as well and is allowed on a body.
    body = {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}
    if canonical:
        body["canonical"] = canonical
    body.update({k: v for k, v in extra.items() if v})
    return body


def _stamps(what: str, row: Claim | Link | Verdict, omissions: Omissions) -> dict:
    stamps = {"creator": _agent(row.annotator),
              "created": omissions.time(what, row.id, "created", row.created_at),
              "modified": omissions.time(what, row.id, "modified", row.updated_at)}
    return {key: value for key, value in stamps.items() if value}


def claim_annotation(claim: Claim, document: Document, type_name: str | None,
                     verdicts: list[Verdict], *, omissions: Omissions | None = None) -> dict:
    """One claim as a W3C ``Annotation`` (see ``docs/interchange.md``)."""
    omissions = omissions if omissions is not None else Omissions()
    bodies = []
    if type_name:
        bodies.append(_text_body(type_name, "tagging"))
    if claim.note:
        bodies.append(_text_body(claim.note, "commenting"))
    source = document_iri(document, omissions)
    typed_address = (document.url or "").strip()
    if typed_address and http_iri(typed_address) is None:
        # The address as the user typed it: text about the document, not an IRI for it.
        bodies.append(_text_body(typed_address, "identifying"))
    for verdict in verdicts:
        stamp = _stamps("verdict", verdict, omissions)
        iri = verdict_iri(verdict.id)
        bodies.append(_text_body(verdict.rating.label.capitalize(), "assessing", canonical=iri, **stamp))
        if verdict.note:
            bodies.append(_text_body(verdict.note, "commenting", canonical=f"{iri}#note", **stamp))
        if verdict.evidence_url and verdict.evidence_url.strip():
            evidence = omissions.address("evidence", verdict.id, verdict.evidence_url)
            if evidence:
                # A web resource may not carry a purpose; a SpecificResource of it may.
                bodies.append({"type": "SpecificResource", "purpose": "linking", "source": evidence,
                               "canonical": f"{iri}#evidence", **stamp})
            else:
                bodies.append(_text_body(verdict.evidence_url.strip(), "linking", canonical=f"{iri}#evidence",
                                         **stamp))
        review = omissions.address("review", verdict.id, verdict.review_url)
        if review:  # the fact-check article (checked as an http(s) address when it was entered)
            bodies.append({"type": "SpecificResource", "purpose": "linking", "source": review,
                           "canonical": f"{iri}#review", **stamp})
        if verdict.decides:  # this verdict settles a disagreement between annotators
            bodies.append(_text_body("Decides", "classifying", canonical=f"{iri}#decides", **stamp))
    annotation: dict[str, Any] = {
        "id": claim_iri(claim.id),
        "type": "Annotation",
        "motivation": "highlighting",
    }
    if bodies:
        annotation["body"] = bodies
    annotation["target"] = {
        "type": "SpecificResource",
        "source": source,
        "selector": [
            {"type": "TextQuoteSelector", "exact": claim.quote, "prefix": claim.prefix or "",
             "suffix": claim.suffix or ""},
            {"type": "TextPositionSelector", "start": claim.start, "end": claim.end},
        ],
    }
    annotation.update(_stamps("claim", claim, omissions))
    return annotation


def link_annotation(link: Link, *, omissions: Omissions | None = None) -> dict:
    """One link as a ``linking`` Annotation; the targets are in reading order (from, to)."""
    omissions = omissions if omissions is not None else Omissions()
    bodies = [_text_body(link.relation.label, "classifying")]
    if link.note:
        bodies.append(_text_body(link.note, "commenting"))
    annotation = {
        "id": link_iri(link.id),
        "type": "Annotation",
        "motivation": "linking",
        "body": bodies,
        "target": [claim_iri(link.from_claim_id), claim_iri(link.to_claim_id)],
    }
    annotation.update(_stamps("link", link, omissions))
    return annotation


def collection_iri(store: ProjectStore) -> str:
    """Stable for a project: from its name and the time it was created."""
    return _urn(f"project:{store.meta().get('created_at') or ''}:{store.name}")


def build_collection(store: ProjectStore, *, omissions: Omissions | None = None) -> dict:
    """The whole project as an ``AnnotationCollection`` with one embedded page.

    A project with no claims and no links is an empty collection (``total`` 0) with no page:
    the model has no empty pages (a page has one or more items)."""
    omissions = omissions if omissions is not None else Omissions()
    sources = {s.id: s.name for s in store.sources()}
    documents = sorted(store.documents(), key=lambda d: (
        (sources.get(d.source_id, "") if d.source_id else "").casefold(), d.title.casefold(), d.sha256 or "",
        d.id))
    order = {d.id: i for i, d in enumerate(documents)}
    docs = {d.id: d for d in documents}
    types = {t.id: t.name for t in store.claim_types()}
    verdicts: dict[str, list[Verdict]] = {}
    for verdict in sorted(store.verdicts(), key=lambda v: (v.annotator or "", v.id)):
        verdicts.setdefault(verdict.claim_id, []).append(verdict)
    claims = sorted(store.claims(), key=lambda c: (order.get(c.document_id, -1), c.start, c.end, c.id))
    position = {c.id: i for i, c in enumerate(claims)}
    items = [claim_annotation(c, docs[c.document_id], types.get(c.type_id) if c.type_id else None,
                              verdicts.get(c.id, []), omissions=omissions)
             for c in claims]
    links = sorted(store.links(), key=lambda link: (
        position.get(link.from_claim_id, -1), position.get(link.to_claim_id, -1), link.relation.value, link.id))
    items.extend(link_annotation(link, omissions=omissions) for link in links)
    collection_id = collection_iri(store)
    collection: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": store.name,
        "total": len(items),
        "generator": {"id": _urn("software:annotator"), "type": "Software", "name": f"annotator {__version__}"},
    }
    if items:
        page_id = _urn(f"page:1:{collection_id}")
        collection["first"] = {"id": page_id, "type": "AnnotationPage", "partOf": collection_id,
                               "startIndex": 0, "items": items}
        collection["last"] = page_id
    return collection


@dataclass
class JsonExportSummary:
    path: Path
    counts: dict[str, int]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        counts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return [f"Exported to {self.path}: {counts}", *self.notes]


def write_json(path: Path, data) -> None:
    """Write UTF-8 JSON atomically (temporary file, then rename)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def output_folder(folder: str | Path) -> Path:
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AnnotatorError(f"Cannot create the folder {folder}: {exc.strerror or exc}.") from None
    if not folder.is_dir():
        raise AnnotatorError(f"{folder} is not a folder.")
    return folder


def export_webannotation(store: ProjectStore, folder: str | Path) -> JsonExportSummary:
    """Write ``annotations.jsonld`` into ``folder`` (created if missing, file replaced)."""
    began = time.perf_counter()
    path = output_folder(folder) / FILE_NAME
    omissions = Omissions()
    collection = build_collection(store, omissions=omissions)
    items = collection["first"]["items"] if "first" in collection else []
    links = sum(item.get("motivation") == "linking" for item in items)
    try:
        write_json(path, collection)
    except OSError as exc:
        raise AnnotatorError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    summary = JsonExportSummary(path, {"claim annotations": len(items) - links, "link annotations": links},
                                time.perf_counter() - began)
    if not items:
        summary.notes.append("The project has no claims or links: the file is an empty collection (total 0) "
                             "with no page, since a Web Annotation page holds at least one annotation.")
    summary.notes.extend(omissions.notes())
    return summary


__all__ = ["ANNO_CONTEXT", "FILE_NAME", "Omissions", "build_collection", "claim_annotation", "export_webannotation",
           "http_iri", "iso_time", "link_annotation"]
