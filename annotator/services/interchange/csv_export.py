"""Writing a project's annotations as five CSV files that join on stable ids.

``sources.csv``, ``documents.csv`` (metadata only, not the text),
``claims.csv``, ``links.csv`` and ``verdicts.csv``; columns are documented in
``docs/csv-format.md``. Rows come in an order that does not depend on ids
given by this project (documents by source name and title, claims by position),
so exporting a project rebuilt from the files gives the same files.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.model import Verdict, latest_verdict
from annotator.services.collector import collector_paused
from annotator.services.interchange.csv_format import (
    CLAIMS,
    COLUMNS,
    DOCUMENTS,
    FILE_NAMES,
    LINKS,
    SOURCES,
    VERDICTS,
    write_csv,
)
from annotator.store.project import ProjectStore


@dataclass
class ExportSummary:
    folder: Path
    rows: dict[str, int] = field(default_factory=dict)  # file name -> data rows
    bom: bool = True
    seconds: float = 0.0

    def lines(self) -> list[str]:
        counts = ", ".join(f"{n} {name.removesuffix('.csv')}" for name, n in self.rows.items())
        return [f"Exported to {self.folder}: {counts}",
                "(UTF-8 with byte-order mark)" if self.bom else "(UTF-8 without byte-order mark)"]


def export_csv(store: ProjectStore, folder: str | Path, bom: bool = True) -> ExportSummary:
    """Write the five CSV files into ``folder`` (created if missing, files replaced)."""
    with collector_paused():  # (a large project's rows: see services.collector)
        return _export_csv(store, folder, bom)


def _export_csv(store: ProjectStore, folder: str | Path, bom: bool) -> ExportSummary:
    from annotator.services.interchange.webannotation import output_folder

    began = time.perf_counter()
    folder = output_folder(folder)

    sources = {s.id: s for s in store.sources()}
    types = {t.id: t for t in store.claim_types()}

    def source_name(source_id: str | None) -> str | None:
        return sources[source_id].name if source_id in sources else None

    documents = sorted(store.documents(), key=lambda d: (
        (source_name(d.source_id) or "").casefold(), d.title.casefold(), d.sha256 or "", d.id))
    doc_order = {d.id: i for i, d in enumerate(documents)}
    docs = {d.id: d for d in documents}
    # Claims and links as tuples of their fields (see ProjectStore.claim_tuples): at 100,000 of
    # each, objects for them took a fifth of an export.
    claims = sorted(store.claim_tuples(), key=lambda c: (doc_order.get(c[1], -1), c[2], c[3], c[0]))
    quotes = {c[0]: c[4] for c in claims}
    claim_order = {c[0]: i for i, c in enumerate(claims)}
    verdicts = store.verdicts()
    by_claim: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        by_claim.setdefault(verdict.claim_id, []).append(verdict)
    quote = quotes.get

    tables: dict[str, list[tuple]] = {
        SOURCES: [(s.id, s.name, s.url, s.kind, s.notes)
                  for s in sorted(sources.values(), key=lambda s: (s.name.casefold(), s.id))],
        DOCUMENTS: [(d.id, d.source_id, source_name(d.source_id), d.title, d.author, d.url, d.published,
                     d.retrieved, d.original_filename, d.import_format, d.sha256, d.length)
                    for d in documents],
        CLAIMS: [],
        LINKS: [(link_id, a, b, quote(a), quote(b), relation, note, annotator, created, updated)
                for link_id, a, b, relation, note, annotator, created, updated in sorted(
                    store.link_tuples(), key=lambda k: (claim_order.get(k[1], -1), claim_order.get(k[2], -1), k[3],
                                                        k[0]))],
        VERDICTS: [(v.id, v.claim_id, quote(v.claim_id), v.rating.value, v.note, v.evidence_url,
                    v.annotator, v.created_at, v.updated_at, "yes" if v.decides else "", v.review_url)
                   for v in sorted(verdicts, key=lambda v: (claim_order.get(v.claim_id, -1),
                                                            v.annotator or "", v.id))],
    }
    no_verdict = (None,) * 5
    for claim_id, doc_id, start, end, text, prefix, suffix, type_id, note, annotator, created, updated in claims:
        doc = docs.get(doc_id)
        ctype = types.get(type_id) if type_id else None
        latest = latest_verdict(by_claim[claim_id]) if claim_id in by_claim else None
        tables[CLAIMS].append((
            claim_id, doc_id, doc.title if doc else None, doc.sha256 if doc else None,
            source_name(doc.source_id) if doc else None, start, end, text, prefix, suffix,
            ctype.name if ctype else None, ctype.color if ctype else None,
            *((latest.rating.value, latest.note, latest.evidence_url, latest.review_url, latest.annotator)
              if latest else no_verdict),
            note, annotator, created, updated))

    # All five files are written into a staging folder beside them first, then moved into
    # place together: a failure while writing (a full disk) leaves the previous export whole
    # rather than a mix of old and new files.
    summary = ExportSummary(folder, bom=bom)
    staging = folder / f".export-{secrets.token_hex(6)}"
    try:
        staging.mkdir()
        for kind, rows in tables.items():
            summary.rows[FILE_NAMES[kind]] = write_csv(staging / FILE_NAMES[kind], COLUMNS[kind], rows, bom=bom)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise AnnotatorError(f"Cannot write the CSV files in {folder}: {exc.strerror or exc}. "
                             "The files there were left as they were.") from None
    moved: list[str] = []
    try:
        for kind in tables:
            os.replace(staging / FILE_NAMES[kind], folder / FILE_NAMES[kind])
            moved.append(FILE_NAMES[kind])
    except OSError as exc:
        raise AnnotatorError(f"Cannot put the CSV files in place in {folder}: {exc.strerror or exc}. "
                             f"Replaced: {', '.join(moved) or 'none'}; export again.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary.seconds = time.perf_counter() - began
    return summary
