"""W3C Web Annotations read back into a project: what the app exports comes back as it was,
annotations from another tool (Hypothesis-style selectors) are re-anchored like CSV rows,
and what cannot be placed or read is reported, not dropped."""

from __future__ import annotations

import json

from annotator.core.model import Rating, Relation
from annotator.services.annotations import AnnotationService
from annotator.services.interchange import load_csv
from annotator.services.interchange.webannotation import build_collection, export_webannotation
from tests.test_cli import run


def _state(store) -> tuple:
    claims = sorted((c.id, c.document_id, c.start, c.end, c.quote, c.note, c.annotator, c.created_at)
                    for c in store.claims())
    types = {t.id: t.name for t in store.claim_types()}
    typed = sorted((c.id, types.get(c.type_id)) for c in store.claims())
    links = sorted((link.id, link.from_claim_id, link.to_claim_id, link.relation, link.note) for link in store.links())
    verdicts = sorted((v.id, v.claim_id, v.rating, v.note, v.evidence_url, v.annotator, v.created_at)
                      for v in store.verdicts())
    return claims, typed, links, verdicts


def test_the_apps_own_export_loads_back_as_it_was(demo_store, tmp_path):
    service = AnnotationService(demo_store, annotator="Ana")
    claims = [c.id for c in demo_store.claims()]
    service.link(claims[0], claims[5], Relation.CONTRADICTS, note="dates differ")
    service.set_verdict(claims[1], Rating.MOSTLY_FALSE, note="a note", evidence_url="https://example.org/a")
    service.set_verdict(claims[2], Rating.TRUE, evidence_url="FTC order, page 3")  # evidence kept as text
    before = _state(demo_store)
    export_webannotation(demo_store, tmp_path / "out")
    for claim in claims:
        demo_store.delete_claim(claim)  # (links and verdicts go with them)
    assert not demo_store.claims() and not demo_store.links() and not demo_store.verdicts()

    report = load_csv(demo_store, tmp_path / "out")  # the export's folder: annotations.jsonld
    assert report.loaded and not report.errors and not report.orphans, report.lines()
    assert _state(demo_store) == before
    again = load_csv(demo_store, tmp_path / "out" / "annotations.jsonld")  # the file itself, a second time
    assert again.loaded and report.claims_loaded and not again.claims_loaded, "loaded once"
    assert _state(demo_store) == before


def test_annotations_of_another_tool_are_re_anchored_and_loaded_once(store, tmp_path):
    text = "Preface added later. The council approved the plan on Monday. Critics said it was rushed."
    doc = store.add_document(text, "Council story", url="https://news.example/council")
    hypothesis_style = [{
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://hypothes.is/a/Xyz123",
        "type": "Annotation",
        "created": "2024-05-01T09:30:00+02:00",
        "creator": {"type": "Person", "nick": "maria"},
        "body": [{"type": "TextualBody", "value": "Check the minutes.", "format": "text/markdown"},
                 {"type": "TextualBody", "purpose": "tagging", "value": "Statistic"}],
        "target": [{"source": "https://news.example/council",
                    "selector": [{"type": "TextPositionSelector", "start": 0, "end": 40},  # before the preface
                                 {"type": "TextQuoteSelector", "exact": "The council approved the plan on Monday.",
                                  "prefix": "later. ", "suffix": " Critics"}]}],
    }]
    path = tmp_path / "from-hypothesis.json"
    path.write_text(json.dumps(hypothesis_style), encoding="utf-8")
    report = load_csv(store, path)
    assert report.loaded and not report.errors and not report.orphans, report.lines()
    (claim,) = store.claims()
    assert (claim.document_id, text[claim.start:claim.end]) == (doc.id, "The council approved the plan on Monday.")
    assert claim.note == "Check the minutes." and claim.annotator == "maria"
    assert claim.created_at == "2024-05-01T07:30:00.000Z"
    assert {t.id: t.name for t in store.claim_types()}[claim.type_id] == "Statistic"
    assert not load_csv(store, path).claims_loaded and len(store.claims()) == 1, "the same file loads once"


def test_what_cannot_be_placed_or_read_is_reported(store, tmp_path):
    store.add_document("The mayor resigned on Friday.", "Mayor", url="https://news.example/mayor")
    annotations = {"type": "AnnotationPage", "items": [
        {"id": "urn:x:1", "type": "Annotation",
         "target": {"source": "https://elsewhere.example/story",
                    "selector": {"type": "TextQuoteSelector", "exact": "resigned"}}},
        {"id": "urn:x:2", "type": "Annotation",
         "target": {"source": "https://news.example/mayor",
                    "selector": {"type": "TextQuoteSelector", "exact": "was re-elected"}}},
        {"id": "urn:x:3", "type": "Annotation", "target": "https://news.example/mayor"},
        {"id": "urn:x:4", "type": "Annotation", "motivation": "linking", "target": ["urn:x:1", "urn:x:2"],
         "body": {"type": "TextualBody", "purpose": "classifying", "value": "supports"}},
        {"id": "urn:x:5", "type": "Annotation",
         "target": {"source": "https://news.example/mayor",
                    "selector": {"type": "TextQuoteSelector", "exact": "resigned"}},
         "body": {"type": "TextualBody", "purpose": "assessing", "value": "Half true"}},  # a known spelling
        {"id": "urn:x:6", "type": "Annotation",
         "target": {"source": "https://news.example/mayor",
                    "selector": {"type": "TextQuoteSelector", "exact": "Friday"}},
         "body": {"type": "TextualBody", "purpose": "assessing", "value": "Pretty much so"}},
    ]}
    path = tmp_path / "annotations.jsonld"
    path.write_text(json.dumps(annotations), encoding="utf-8")
    report = load_csv(store, path)
    assert not report.loaded and not store.claims()
    errors = " | ".join(str(e) for e in report.errors)
    assert "row 3, column target: no selector says which text it marks" in errors
    assert "“Pretty much so”" in errors  # an unknown rating, with the accepted spellings

    report = load_csv(store, path, accept_valid=True)  # the rows that can be placed
    assert report.loaded
    orphans = " | ".join(str(o) for o in report.orphans)
    assert "https://elsewhere.example/story is not in this project" in orphans
    assert "the quote was not found" in orphans
    assert "link: its claim" in orphans
    assert sorted((c.quote, [v.rating for v in store.verdicts(c.id)]) for c in store.claims()) == [
        ("Friday", []), ("resigned", [Rating.MIXED])], "a claim loads without its verdict in error"

    r = run("load", str(store.path), str(path))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    r = run("load", str(store.path), str(path), "--accept-valid-rows")
    assert "Traceback" not in r.stderr, r.stderr

    for content, said in ((b"\xff\xfe{", "not UTF-8"), (b"{not json", "not JSON"), (b'{"a": 1}', "no W3C Web"),
                          (b"[" * 100_000, "not JSON")):
        path.write_bytes(content)
        report = load_csv(store, path)
        assert not report.loaded and said in " ".join(str(e) for e in report.errors), content[:10]


def test_the_collection_the_app_builds_reads_back_row_for_row(demo_store, tmp_path):
    """Every claim, verdict and link of the export becomes one row of the load."""
    from annotator.services.interchange.webannotation_load import read_webannotation

    path = tmp_path / "annotations.jsonld"
    path.write_text(json.dumps(build_collection(demo_store)), encoding="utf-8")
    tables, errors = read_webannotation(path, demo_store)
    assert not errors
    assert len(tables["claims"].rows) == len(demo_store.claims())
    assert len(tables.get("verdicts", ()).rows if "verdicts" in tables else ()) == len(demo_store.verdicts())
    assert len(tables["links"].rows if "links" in tables else ()) == len(demo_store.links())
