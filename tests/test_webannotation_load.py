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
    verdicts = sorted((v.id, v.claim_id, v.rating, v.note, v.evidence_url, v.review_url, v.decides, v.annotator,
                       v.created_at) for v in store.verdicts())
    return claims, typed, links, verdicts


def test_the_apps_own_export_loads_back_as_it_was(demo_store, tmp_path):
    service = AnnotationService(demo_store, annotator="Ana")
    claims = [c.id for c in demo_store.claims()]
    service.link(claims[0], claims[5], Relation.CONTRADICTS, note="dates differ")
    service.set_verdict(claims[1], Rating.MOSTLY_FALSE, note="a note", evidence_url="https://example.org/a")
    service.set_verdict(claims[2], Rating.TRUE, evidence_url="FTC order, page 3",  # evidence kept as text
                        review_url="https://factcheck.example/ftc-order")
    AnnotationService(demo_store, annotator="Ben").set_verdict(claims[3], Rating.FALSE)
    service.decide([claims[3]], Rating.TRUE)  # settles the two annotators' disagreement
    assert any(v.decides for v in demo_store.verdicts()) and any(v.review_url for v in demo_store.verdicts())
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


def _annotation(exact: str, *, body=None, **fields) -> dict:
    return {"type": "Annotation", "body": body or [],
            "target": [{"source": "https://news.example/council",
                        "selector": [{"type": "TextQuoteSelector", "exact": exact}]}], **fields}


def _write(path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_annotations_without_an_id_in_two_files_are_two_claims(store, tmp_path):
    """Two tools' files, both called annotations.jsonld, each with one annotation that has no
    IRI (or a blank node): the second file's verdict lands on its own claim, not on the claim
    the first file made."""
    store.add_document("The council approved the plan on Monday. Critics said it was rushed.", "Council story",
                       url="https://news.example/council")
    _write(tmp_path / "a" / "annotations.jsonld", [_annotation("The council approved the plan")])
    _write(tmp_path / "b" / "annotations.jsonld", [_annotation(
        "Critics said it was rushed", id="_:b0",
        body=[{"type": "TextualBody", "purpose": "assessing", "value": "false"}])])
    assert load_csv(store, tmp_path / "a").claims_loaded == 1
    report = load_csv(store, tmp_path / "b")
    assert report.claims_loaded == 1 and report.verdicts == 1, report.lines()
    rated = {c.quote: [v.rating for v in store.verdicts(c.id)] for c in store.claims()}
    assert rated == {"The council approved the plan": [], "Critics said it was rushed": [Rating.FALSE]}
    assert load_csv(store, tmp_path / "b").claims_loaded == 0  # the same file again: loaded once


def test_an_article_and_its_update_at_one_address_load_back_into_each(store, tmp_path):
    first = store.add_document("The council approved the plan on Monday. Critics said it was rushed.",
                               "Council story", url="https://news.example/council")
    update = store.add_document("UPDATE: The council approved the plan on Monday, officials said. Critics "
                                "said it was rushed.", "Council story (updated)", url="https://news.example/council")
    service = AnnotationService(store, annotator="Ana")
    service.create_claim(first.id, 4, 40)
    service.create_claim(update.id, 12, 48)
    before = sorted((c.document_id, c.start, c.end) for c in store.claims())
    export_webannotation(store, tmp_path / "out")
    for claim in store.claims():
        store.delete_claim(claim.id)
    report = load_csv(store, tmp_path / "out")
    assert report.claims_loaded == 2 and not report.errors, report.lines()
    assert sorted((c.document_id, c.start, c.end) for c in store.claims()) == before


def test_json_ld_in_shapes_the_loader_does_not_expect_is_reported_not_a_crash(store, tmp_path):
    store.add_document("The council approved the plan on Monday.", "Council story", url="https://news.example/council")
    cases = {
        "purpose as an object": [_annotation("The council", body=[{"purpose": {"id": "oa:assessing"}, "value": "x"}],
                                             motivation={"id": "oa:commenting"})],
        "bodies that are not objects": [_annotation("The council", body=[5, [1, 2]])],
        "a rating that is not text": [_annotation("The council", body=[{"purpose": "assessing", "value": 3}])],
        "a lone surrogate": [_annotation("The council", body=[{"type": "TextualBody", "value": "a \ud800 b"}])],
    }
    for name, data in cases.items():
        path = tmp_path / f"{name}.jsonld"
        _write(path, data)
        report = load_csv(store, path)  # (no exception)
        assert report.errors or report.loaded, name
    huge = tmp_path / "huge.jsonld"
    huge.write_text('[{"type": "Annotation", "n": ' + "9" * 5000 + "}]", encoding="utf-8")
    report = load_csv(store, huge)
    assert not report.loaded and "not JSON this app can read" in report.errors[0].message
    surrogate = load_csv(store, tmp_path / "a lone surrogate.jsonld")
    assert not surrogate.loaded and "not valid Unicode" in surrogate.errors[0].message
    rating = load_csv(store, tmp_path / "a rating that is not text.jsonld")
    assert "no rating as text" in rating.errors[0].message


def test_a_verdicts_note_before_its_verdict_stays_the_verdicts(store, tmp_path):
    """JSON-LD arrays have no order: the body holding a verdict's note may come first."""
    store.add_document("The council approved the plan on Monday.", "Council story", url="https://news.example/council")
    verdict = "urn:uuid:0b0c4a5e-3f6d-4c1e-9f3a-6f1f2b7a9c10"
    _write(tmp_path / "x.jsonld", [_annotation("The council approved the plan", body=[
        {"type": "TextualBody", "purpose": "commenting", "canonical": f"{verdict}#note",
         "value": "Minutes say Tuesday."},
        {"type": "TextualBody", "purpose": "assessing", "canonical": verdict, "value": "false"}])])
    report = load_csv(store, tmp_path / "x.jsonld")
    assert report.verdicts == 1, report.lines()
    (claim,) = store.claims()
    assert claim.note is None and [v.note for v in store.verdicts(claim.id)] == ["Minutes say Tuesday."]


def test_a_collection_whose_pages_are_elsewhere_is_not_loaded_in_part(store, tmp_path):
    store.add_document("The council approved the plan on Monday.", "Council story", url="https://news.example/council")
    _write(tmp_path / "x.jsonld", {"type": "AnnotationCollection", "total": 2, "first": {
        "type": "AnnotationPage", "items": [_annotation("The council approved the plan")],
        "next": "https://tool.example/page2"}})
    report = load_csv(store, tmp_path / "x.jsonld")
    assert not report.loaded and not store.claims()
    assert "https://tool.example/page2" in report.errors[0].message


def test_a_file_of_many_broken_annotations_lists_a_thousand_and_counts_the_rest(store, tmp_path):
    path = tmp_path / "many.jsonld"
    path.write_text(json.dumps([{}] * 5000), encoding="utf-8")
    report = load_csv(store, path)
    assert not report.loaded and len(report.errors) == 1001
    assert report.errors[-1].message == "… and 4,000 more rows with problems, not listed."
