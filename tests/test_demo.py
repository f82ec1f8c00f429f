"""The demo project built from seeds/ on first start."""

from __future__ import annotations

import json

from annotator.resources import seeds_dir
from annotator.services.cleanup import clean_text, is_furniture, repair_mojibake
from annotator.services.demo import create_demo_project
from annotator.services.importers import read_document


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


def test_demo_text_is_the_seed_files_as_cleaned_at_import(demo_store):
    """The seeds stay as collected; the import repairs what it can and drops whole furniture
    lines, nothing else."""
    folder = seeds_dir()
    on_disk = {p.name: p.read_text(encoding="utf-8").replace("\r\n", "\n") for p in folder.glob("*.txt")}
    stored = {d.original_filename: demo_store.document_text(d.id) for d in demo_store.documents()}
    assert "Skip to main content" in on_disk["001_ee93711848a9017a.txt"]  # raw, as collected
    assert "\N{THAI DIGIT ZERO}" in on_disk["003_787e580db206dcea.txt"]
    for name, text in on_disk.items():
        assert stored[name] == clean_text(text).text.rstrip()
        repaired_lines = set(repair_mojibake(text)[0].split("\n"))
        assert all(line in repaired_lines for line in stored[name].split("\n"))


def test_demo_documents_open_on_the_article_not_on_page_debris(demo_store):
    for doc in demo_store.documents():
        text = demo_store.document_text(doc.id)
        for debris in ("Skip to main content", "min read", "views3 tags", "Can you improve this page?",
                       "Share your insights with us", "No comments yet", "collected in 64m",
                       "\N{THAI DIGIT ZERO}", "\N{THAI CHARACTER SARA O}"):
            assert debris not in text, (doc.original_filename, debris)
        opening = [line for line in text.split("\n") if line.strip()][:2]
        assert any(doc.title in line for line in opening), (doc.original_filename, opening)
    opening = {d.original_filename: demo_store.document_text(d.id).split("\n", 1)[0] for d in demo_store.documents()}
    assert opening["001_ee93711848a9017a.txt"] == "Apr 21"  # the date line stays: it is information


def test_demo_titles_are_the_headlines_the_importer_finds_itself():
    """Without the manifest's titles, each seed still gets its headline as title."""
    folder = seeds_dir()
    manifest = json.loads((folder / "demo.json").read_text(encoding="utf-8"))
    for entry in manifest["documents"]:
        imported = read_document(folder / entry["file"])
        assert imported.title == entry["title"]
        assert not is_furniture(imported.title)


def test_demo_import_reports_its_cleanup():
    folder = seeds_dir()
    notes = read_document(folder / "001_ee93711848a9017a.txt").warnings
    assert notes == ['Removed 10 lines of page furniture ("Skip to main content", "2 min read65 views3 tags", '
                     '"View all posts", …)']
    notes = read_document(folder / "003_787e580db206dcea.txt").warnings
    assert any("could not be repaired" in note and "\ufffd" in note for note in notes)


def test_every_demo_claim_lands_on_its_quote(demo_store):
    shipped = json.loads((seeds_dir() / "demo_annotations.json").read_text(encoding="utf-8"))
    quotes = sorted(entry["quote"] for entry in shipped["claims"])
    claims = demo_store.claims()
    assert sorted(claim.quote for claim in claims) == quotes
    for claim in claims:
        text = demo_store.document_text(claim.document_id)
        assert text[claim.start:claim.end] == claim.quote
        assert text[max(claim.start - len(claim.prefix), 0):claim.start] == claim.prefix
        assert text[claim.end:claim.end + len(claim.suffix)] == claim.suffix


def test_demo_creation_refuses_to_overwrite(tmp_path):
    import pytest

    from annotator.core.errors import ProjectError

    path = tmp_path / "d.annotator"
    create_demo_project(path).close()
    with pytest.raises(ProjectError):
        create_demo_project(path)
    assert path.exists()


def test_demo_documents_come_in_the_manifests_order_every_time(tmp_path):
    """A first start shows the first two documents side by side: always the same two."""
    from annotator.services.demo import load_manifest

    wanted = [entry["source"]["name"] for entry in load_manifest()["documents"]]
    for i in range(3):
        store = create_demo_project(tmp_path / f"demo{i}.annotator")
        try:
            order = [store.source(d.source_id).name for d in store.documents()]
        finally:
            store.close()
        assert order == list(dict.fromkeys(wanted)), order


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


DEMO_ORDER = [{"AI incident database page", "AIChief"}, {"Unattributed report"},
              {"Unattributed blog post", "AI news aggregator (citing TNW)"}]


def _ranked(store) -> tuple[list[str], dict]:
    from annotator.services.reliability import score_project

    sources = score_project(store).sources
    assert all(s.estimate is not None for s in sources), [(s.name, s.reason) for s in sources]
    return [s.name for s in sorted(sources, key=lambda s: -s.estimate)], {s.name: s.estimate for s in sources}


def _in_order(names: list[str]) -> bool:
    tiers = [next(i for i, tier in enumerate(DEMO_ORDER) if n in tier) for n in names]
    return tiers == sorted(tiers)


def test_demo_scores_put_the_fabricating_sources_last(demo_store):
    names, est = _ranked(demo_store)
    assert _in_order(names), est


def test_three_checked_claims_most_outlets_make_give_every_source_an_estimate_in_order(demo_store):
    """A fact-checker checks first what most outlets say. With verdicts on those three claims
    only, every source gets an estimate (the incident database's two checked claims, both true,
    are enough) and the two sources that make things up still come last."""
    from annotator.services.reliability.inputs import build_inputs

    inputs = build_inputs(demo_store)
    pb = inputs.problem
    outlets = {p: len({int(s) for s, q in zip(pb.source, pb.prop, strict=True) if q == p}) for p in inputs.prop_rating}
    top = sorted(outlets, key=lambda p: (-outlets[p], p))[:3]
    assert [outlets[p] for p in top] == [3, 3, 2]
    keep = {c for p in top for c in inputs.prop_claims[p]}
    for v in demo_store.verdicts():
        if v.claim_id not in keep:
            demo_store.delete_verdict(v.id)
    assert 0 < demo_store.counts().verdicts < 23
    names, est = _ranked(demo_store)
    assert _in_order(names), est
