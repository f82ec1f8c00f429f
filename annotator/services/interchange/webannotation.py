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
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.model import Claim, Document, Link, Verdict
from annotator.store.project import ProjectStore

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
FILE_NAME = "annotations.jsonld"


def claim_iri(claim_id: str) -> str:
    return f"urn:annotator:claim:{claim_id}"


def link_iri(link_id: str) -> str:
    return f"urn:annotator:link:{link_id}"


def verdict_iri(verdict_id: str) -> str:
    return f"urn:annotator:verdict:{verdict_id}"


def document_iri(document: Document) -> str:
    """The document's URL, or ``urn:annotator:document:<id>`` when it has none."""
    return (document.url or "").strip() or f"urn:annotator:document:{document.id}"


def _agent(name: str | None) -> dict | None:
    return {"type": "Person", "name": name} if name else None


def _text_body(value: str, purpose: str, id: str | None = None, **extra) -> dict:
    body = {"id": id} if id else {}
    body.update({"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"})
    body.update({k: v for k, v in extra.items() if v})
    return body


def _stamped(item: dict, creator: str | None, created: str | None, modified: str | None) -> dict:
    for key, value in (("creator", _agent(creator)), ("created", created), ("modified", modified)):
        if value:
            item[key] = value
    return item


def claim_annotation(claim: Claim, document: Document, type_name: str | None,
                     verdicts: list[Verdict]) -> dict:
    """One claim as a W3C ``Annotation`` (see ``docs/interchange.md``)."""
    bodies = []
    if type_name:
        bodies.append(_text_body(type_name, "tagging"))
    if claim.note:
        bodies.append(_text_body(claim.note, "commenting"))
    for verdict in verdicts:
        stamp = {"creator": _agent(verdict.annotator), "created": verdict.created_at,
                 "modified": verdict.updated_at}
        bodies.append(_text_body(verdict.rating.label.capitalize(), "assessing", id=verdict_iri(verdict.id), **stamp))
        if verdict.note:
            bodies.append(_text_body(verdict.note, "commenting", id=verdict_iri(verdict.id) + "#note",
                                     **stamp))
        if verdict.evidence_url:
            bodies.append({"id": verdict.evidence_url, "type": "Text", "purpose": "linking",
                           **{k: v for k, v in stamp.items() if v}})
    annotation: dict[str, Any] = {
        "id": claim_iri(claim.id),
        "type": "Annotation",
        "motivation": "highlighting",
    }
    if bodies:
        annotation["body"] = bodies
    annotation["target"] = {
        "source": document_iri(document),
        "selector": [
            {"type": "TextQuoteSelector", "exact": claim.quote, "prefix": claim.prefix or "",
             "suffix": claim.suffix or ""},
            {"type": "TextPositionSelector", "start": claim.start, "end": claim.end},
        ],
    }
    return _stamped(annotation, claim.annotator, claim.created_at, claim.updated_at)


def link_annotation(link: Link) -> dict:
    """One link as a ``linking`` Annotation; the targets are in reading order (from, to)."""
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
    return _stamped(annotation, link.annotator, link.created_at, link.updated_at)


def build_collection(store: ProjectStore) -> dict:
    """The whole project as an ``AnnotationCollection`` with one embedded page."""
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
                              verdicts.get(c.id, []))
             for c in claims]
    links = sorted(store.links(), key=lambda link: (
        position.get(link.from_claim_id, -1), position.get(link.to_claim_id, -1), link.relation.value, link.id))
    items.extend(link_annotation(link) for link in links)
    return {
        "@context": ANNO_CONTEXT,
        "id": f"urn:annotator:project:{_slug(store.name)}",
        "type": "AnnotationCollection",
        "label": store.name,
        "total": len(items),
        "generator": {"type": "Software", "name": f"annotator {__version__}"},
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+|_+", "-", name.strip().lower()).strip("-") or "project"


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
    collection = build_collection(store)
    items = collection["first"]["items"]
    links = sum(item.get("motivation") == "linking" for item in items)
    try:
        write_json(path, collection)
    except OSError as exc:
        raise AnnotatorError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    return JsonExportSummary(path, {"claim annotations": len(items) - links, "link annotations": links},
                             time.perf_counter() - began)


__all__ = ["ANNO_CONTEXT", "FILE_NAME", "build_collection", "claim_annotation", "export_webannotation",
           "link_annotation"]
