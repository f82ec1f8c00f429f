"""The built-in demo project: five articles on one story, from ``seeds/``.

``seeds/demo.json`` says which file is which outlet; the texts are imported
through the same importer as any user file.
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.resources import seeds_dir
from annotator.services.importing import ImportService
from annotator.store import create_project
from annotator.store.project import ProjectStore

DEMO_FILENAME = "Demo - Clarifai and OkCupid photos.annotator"


def demo_project_path() -> Path:
    """Where the demo project lives: the user's data folder (see ``annotator.paths``)."""
    from annotator.paths import data_dir

    return data_dir() / DEMO_FILENAME


def load_manifest(folder: Path | None = None) -> dict:
    folder = folder or seeds_dir()
    manifest = folder / "demo.json"
    if not manifest.exists():
        raise AnnotatorError(f"The demo articles are missing ({manifest} not found); reinstall annotator.")
    return json.loads(manifest.read_text(encoding="utf-8"))


def create_demo_project(path: str | Path, *, seeds: Path | None = None) -> ProjectStore:
    """Create the demo project at ``path`` from the seed articles and return it open."""
    from annotator.services.importers import read_document

    seeds = seeds or seeds_dir()
    manifest = load_manifest(seeds)
    store = create_project(path, manifest["project"]["name"])
    try:
        store.set_meta("description", manifest["project"].get("description", ""))
        importer = ImportService(store)
        for entry in manifest["documents"]:
            src = entry["source"]
            with store.transaction():
                if store.source_by_name(src["name"]) is None:
                    store.add_source(src["name"], url=src.get("url"), kind=src.get("kind"),
                                     notes=src.get("notes"))
                imported = read_document(seeds / entry["file"])
                imported.published = entry.get("published", imported.published)
                result = importer.add(imported, source_name=src["name"], title=entry.get("title"))
                if not result.ok:
                    raise AnnotatorError(f"Demo article {entry['file']}: {result.message}")
        annotations = seeds / "demo_annotations.json"
        if annotations.exists():
            load_demo_annotations(store, json.loads(annotations.read_text(encoding="utf-8")))
    except BaseException:
        store.close()
        for leftover in (Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return store


def load_demo_annotations(store: ProjectStore, data: dict) -> None:
    """Add the shipped claims, verdicts and links, anchoring each claim by its exact quote."""
    from annotator.core.model import Rating, Relation
    from annotator.services.annotations import AnnotationService

    service = AnnotationService(store, annotator=data.get("annotator", "demo"))
    docs = {d.original_filename: d.id for d in store.documents()}
    types = {t.name: t.id for t in store.claim_types()}
    claims: dict[str, str] = {}
    with store.transaction():
        for entry in data["claims"]:
            doc_id = docs[entry["file"]]
            start = store.document_text(doc_id).find(entry["quote"])
            if start < 0:
                raise AnnotatorError(f"Demo claim {entry['key']!r}: quote not found in {entry['file']}.")
            claim = service.create_claim(doc_id, start, start + len(entry["quote"]),
                                         type_id=types.get(entry.get("type", "")), note=entry.get("note"))
            claims[entry["key"]] = claim.id
            if entry.get("verdict"):
                service.set_verdict(claim.id, Rating(entry["verdict"]), note=entry.get("verdict_note"))
        for link in data["links"]:
            service.link(claims[link["from"]], claims[link["to"]], Relation(link["relation"]),
                         note=link.get("note"))
