"""The demo project built from seeds/ on first start."""

from __future__ import annotations

import json

from annotator.resources import seeds_dir
from annotator.services.demo import create_demo_project


def test_seeds_and_manifest_ship_with_the_project():
    folder = seeds_dir()
    manifest = json.loads((folder / "demo.json").read_text(encoding="utf-8"))
    files = sorted(p.name for p in folder.glob("*.txt"))
    assert files == sorted(entry["file"] for entry in manifest["documents"])
    assert len(files) == 5


def test_demo_project_has_every_article_with_its_source(demo_store):
    docs = demo_store.documents()
    sources = {s.id: s for s in demo_store.sources()}
    assert len(docs) == 5 and len(sources) == 5
    by_title = {d.title: sources[d.source_id] for d in docs}
    assert by_title["Clarifai Deletes 3M OkCupid Photos and AI Models"].name == "AI news aggregator (citing TNW)"
    assert by_title["Clarifai OkCupid facial dataset sharing"].kind == "reference"
    for doc in docs:
        text = demo_store.document_text(doc.id)
        assert "Clarifai" in text and "\r" not in text
        assert doc.import_format == "text"


def test_demo_text_matches_the_seed_files_exactly(demo_store):
    folder = seeds_dir()
    on_disk = {p.name: p.read_text(encoding="utf-8").replace("\r\n", "\n") for p in folder.glob("*.txt")}
    stored = {d.original_filename: demo_store.document_text(d.id) for d in demo_store.documents()}
    for name, text in on_disk.items():
        assert stored[name].rstrip() == text.rstrip()


def test_demo_creation_refuses_to_overwrite(tmp_path):
    import pytest

    from annotator.core.errors import ProjectError

    path = tmp_path / "d.annotator"
    create_demo_project(path).close()
    with pytest.raises(ProjectError):
        create_demo_project(path)
    assert path.exists()


def test_demo_ships_annotated_claims_links_and_verdicts(demo_store):
    counts = demo_store.counts()
    assert counts.claims == 23 and counts.links == 13 and counts.verdicts == 23
    for claim in demo_store.claims():
        text = demo_store.document_text(claim.document_id)
        assert text[claim.start:claim.end] == claim.quote
    by_quote = {c.quote: c for c in demo_store.claims()}
    copenhagen = by_quote["The data set was originally scraped by researchers at the University of "
                          "Copenhagen and subsequently shared with Clarifai"]
    assert demo_store.verdict(copenhagen.id).rating.value == "false"
    assert [link.relation.value for link in demo_store.links(copenhagen.id)] == ["contradicts"]
