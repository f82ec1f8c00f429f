"""W3C Web Annotation export: structure, selectors that point at the stored text, links."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

from annotator.core.ids import id_uuid, is_id, uuid_id
from annotator.core.model import Rating, Relation
from annotator.services.annotations import AnnotationService
from annotator.services.interchange.webannotation import (
    ANNO_CONTEXT,
    FILE_NAME,
    agent_iri,
    build_collection,
    claim_iri,
    export_webannotation,
)

RATING_LABELS = {r.label.capitalize() for r in Rating}
RELATION_LABELS = {r.label for r in Relation}


def _row_id(iri: str) -> str:
    """The project's ULID back from an exported ``urn:uuid:`` IRI."""
    assert iri.startswith("urn:uuid:")
    return uuid_id(uuid.UUID(iri.removeprefix("urn:uuid:").split("#")[0]))


def _selectors(annotation: dict) -> dict:
    return {s["type"]: s for s in annotation["target"]["selector"]}


def test_export_of_the_demo_project(demo_store, tmp_path):
    doc = demo_store.documents()[0]
    demo_store.update_document(doc.id, url="https://example.org/story")
    claim = demo_store.claims(doc.id)[0]
    demo_store.set_verdict(claim.id, Rating.FALSE, note="Second opinion", annotator="bob",
                           evidence_url="https://evidence.example/1")

    summary = export_webannotation(demo_store, tmp_path / "out")
    path = tmp_path / "out" / FILE_NAME
    assert summary.path == path and summary.counts == {"claim annotations": 23, "link annotations": 13}
    data = json.loads(path.read_text(encoding="utf-8"))

    assert data["@context"] == ANNO_CONTEXT == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["label"] == demo_store.name
    page = data["first"]
    assert page["type"] == "AnnotationPage" and page["startIndex"] == 0
    assert page["partOf"] == data["id"] and data["last"] == page["id"]
    assert data["id"].startswith("urn:uuid:") and page["id"].startswith("urn:uuid:") and page["id"] != data["id"]
    items = page["items"]
    assert data["total"] == len(items) == 36
    ids = [item["id"] for item in items]
    assert len(set(ids)) == len(ids)

    texts = {d.id: demo_store.document_text(d.id) for d in demo_store.documents()}
    urls = {d.id: d.url for d in demo_store.documents()}
    claims = {c.id: c for c in demo_store.claims()}
    claim_items = [i for i in items if i["motivation"] == "highlighting"]
    link_items = [i for i in items if i["motivation"] == "linking"]
    assert len(claim_items) == 23 and len(link_items) == 13

    for item in claim_items:
        assert set(item) >= {"id", "type", "motivation", "target", "creator", "created", "modified"}
        assert item["type"] == "Annotation"
        claim_id = _row_id(item["id"])
        assert is_id(claim_id) and item["id"] == claim_iri(claim_id)
        stored = claims[claim_id]
        source = item["target"]["source"]
        assert source == (urls[stored.document_id] or id_uuid(stored.document_id).urn)
        assert item["target"]["type"] == "SpecificResource"
        selectors = _selectors(item)
        quote, position = selectors["TextQuoteSelector"], selectors["TextPositionSelector"]
        assert set(quote) == {"type", "exact", "prefix", "suffix"}
        assert set(position) == {"type", "start", "end"}
        text = texts[stored.document_id]
        # the quote at the positions in the stored text is exactly the quote selector's text
        assert text[position["start"]:position["end"]] == quote["exact"] == stored.quote
        assert text[:position["start"]].endswith(quote["prefix"])
        assert text[position["end"]:].startswith(quote["suffix"])
        assert item["creator"] == {"id": agent_iri(stored.annotator), "type": "Person", "name": stored.annotator}
        bodies = item.get("body", [])
        assert all(b["type"] in ("TextualBody", "SpecificResource") and "id" not in b for b in bodies)
        purposes = [b["purpose"] for b in bodies]
        assert purposes.count("tagging") == (1 if stored.type_id else 0)
        for body in bodies:
            if body["purpose"] == "assessing":
                assert body["value"] in RATING_LABELS and is_id(_row_id(body["canonical"]))
                assert body["creator"]["type"] == "Person"

    rated = next(i for i in claim_items if i["id"] == claim_iri(claim.id))
    assessing = {b["creator"]["name"]: b["value"] for b in rated["body"] if b["purpose"] == "assessing"}
    assert assessing["bob"] == "False" and "demo fact-checker" in assessing
    assert rated["target"]["source"] == "https://example.org/story"
    assert {"source": "https://evidence.example/1", "type": "SpecificResource", "purpose": "linking"}.items() <= next(
        b for b in rated["body"] if b.get("source") == "https://evidence.example/1").items()
    assert any(b["purpose"] == "commenting" and b["value"] == "Second opinion" for b in rated["body"])

    claim_ids = {i["id"] for i in claim_items}
    links = {link.id: link for link in demo_store.links()}
    for item in link_items:
        link = links[_row_id(item["id"])]
        assert item["type"] == "Annotation"
        assert item["target"] == [claim_iri(link.from_claim_id), claim_iri(link.to_claim_id)]
        assert set(item["target"]) <= claim_ids
        body = item["body"][0]
        assert body["type"] == "TextualBody" and body["value"] == link.relation.label
        assert body["value"] in RELATION_LABELS


def test_positions_count_code_points(store):
    text = "😀😀 Emoji first, then the claim: rates rose 5%.\nNext line."
    doc = store.add_document(text, "Emoji article")
    service = AnnotationService(store, annotator="alice")
    start = text.index("rates rose 5%")
    service.create_claim(doc.id, start, start + len("rates rose 5%"))
    (item,) = build_collection(store)["first"]["items"]
    position = _selectors(item)["TextPositionSelector"]
    # two emoji are two code points (they would be four UTF-16 units)
    assert position == {"type": "TextPositionSelector", "start": 32, "end": 45}
    assert text[32:45] == "rates rose 5%"  # 2 emoji + 30 characters before it
    assert "body" not in item  # no type, note or verdict: nothing to say but the highlight


def test_export_command(demo_store, tmp_path):
    path = demo_store.path  # the CLI opens the file beside the open store (WAL allows it)
    out = tmp_path / "json"
    r = subprocess.run([sys.executable, "-m", "annotator", "export", str(path), str(out),
                        "--format", "webannotation"], capture_output=True, text=True, encoding="utf-8",
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert "23 claim annotations, 13 link annotations" in r.stdout
    assert sorted(p.name for p in out.iterdir()) == [FILE_NAME]
    data = json.loads((out / FILE_NAME).read_text(encoding="utf-8"))
    assert data["total"] == 36


def test_an_empty_project_is_an_empty_collection_without_a_page(store, tmp_path):
    summary = export_webannotation(store, tmp_path / "out")
    data = json.loads(summary.path.read_text(encoding="utf-8"))
    assert data["type"] == "AnnotationCollection" and data["total"] == 0
    assert "first" not in data and "last" not in data  # a page holds at least one annotation
    assert summary.counts == {"claim annotations": 0, "link annotations": 0}
    assert any("empty collection" in line for line in summary.lines())


def test_ids_are_stable_across_exports(demo_store):
    first, second = build_collection(demo_store), build_collection(demo_store)
    assert first["id"] == second["id"] and first["first"]["id"] == second["first"]["id"]
    assert [i["id"] for i in first["first"]["items"]] == [i["id"] for i in second["first"]["items"]]
