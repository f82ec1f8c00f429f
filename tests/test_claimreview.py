"""schema.org ClaimReview export: one review per rated claim, the rating scale, the newsroom."""

from __future__ import annotations

import json
import subprocess
import sys

from annotator.core.clock import TickingClock
from annotator.core.model import Rating
from annotator.services.interchange.claimreview import (
    DEFAULT_AUTHOR,
    FILE_NAME,
    RATING_VALUES,
    build_reviews,
    export_claimreview,
)

EXPECTED_VALUES = {"true": 5, "mostly_true": 4, "mixed": 3, "mostly_false": 2, "false": 1}
NAMES = {"true": "True", "mostly_true": "Mostly true", "mixed": "Mixed", "mostly_false": "Mostly false",
         "false": "False", "unverifiable": "Unverifiable"}


def test_rating_scale():
    assert {r.value: v for r, v in RATING_VALUES.items() if v is not None} == EXPECTED_VALUES
    assert RATING_VALUES[Rating.UNVERIFIABLE] is None


def test_reviews_of_the_demo_project(demo_store, tmp_path):
    demo_store.clock = TickingClock()  # each edit below is later than the demo's and than the one before
    docs = demo_store.documents()
    demo_store.update_document(docs[0].id, url="https://example.org/story")
    first = demo_store.claims(docs[0].id)[0]
    second = demo_store.claims(docs[1].id)[0]
    demo_store.set_verdict(first.id, Rating.UNVERIFIABLE, note="No record either way.",
                           evidence_url="https://evidence.example/1", annotator="demo fact-checker")
    unrated = demo_store.claims(docs[1].id)[1]
    for verdict in demo_store.verdicts(unrated.id):
        demo_store.delete_verdict(verdict.id)
    demo_store.set_verdict(second.id, Rating.FALSE, annotator="bob")  # a later, differing verdict

    summary = export_claimreview(demo_store, tmp_path)
    reviews = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    assert summary.counts == {"claim reviews": 22} and len(reviews) == 22
    assert any("1 claim has different ratings" in n for n in summary.notes)
    assert any(DEFAULT_AUTHOR in n for n in summary.notes)

    claims = {c.id: c for c in demo_store.claims()}
    sources = {s.id: s.name for s in demo_store.sources()}
    doc_by_id = {d.id: d for d in demo_store.documents()}
    for review in reviews:
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        claim = claims[review["identifier"].removeprefix("urn:annotator:claim:")]
        latest = demo_store.verdict(claim.id)
        doc = doc_by_id[claim.document_id]
        assert review["claimReviewed"] == claim.quote
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating"
        assert rating["alternateName"] == NAMES[latest.rating.value]
        assert rating.get("ratingValue") == EXPECTED_VALUES.get(latest.rating.value)
        assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
        item = review["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["author"] == {"@type": "Organization", "name": sources[doc.source_id]}
        assert item["appearance"]["@type"] == "CreativeWork"
        assert item["appearance"].get("url") == doc.url and item["appearance"]["name"] == doc.title
        assert review["author"] == {"@type": "Organization", "name": DEFAULT_AUTHOR}
        assert review["datePublished"] == latest.updated_at[:10]
        assert review.get("reviewBody") == latest.note
        assert review.get("citation") == latest.evidence_url and "url" not in review, "evidence is cited"
    assert claims.get(unrated.id) and all(not r["identifier"].endswith(unrated.id) for r in reviews)

    by_claim = {r["identifier"].rsplit(":", 1)[1]: r for r in reviews}
    unverifiable = by_claim[first.id]
    assert "ratingValue" not in unverifiable["reviewRating"]
    assert unverifiable["reviewRating"]["alternateName"] == "Unverifiable"
    assert unverifiable["citation"] == "https://evidence.example/1"
    assert any("22 of 22 reviews lack “url”" in n for n in summary.notes), summary.notes
    assert unverifiable["itemReviewed"]["appearance"]["url"] == "https://example.org/story"
    assert by_claim[second.id]["reviewRating"] == {
        "@type": "Rating", "alternateName": "False", "ratingValue": 1, "bestRating": 5, "worstRating": 1}


def test_newsroom_is_the_author(demo_store):
    demo_store.set_meta("newsroom", "  Fact Desk  ")
    reviews, disputed = build_reviews(demo_store)
    assert disputed == 0 and len(reviews) == 23
    assert {json.dumps(r["author"]) for r in reviews} == {'{"@type": "Organization", "name": "Fact Desk"}'}


def test_export_command(demo_store, tmp_path):
    path = demo_store.path  # the CLI opens the file beside the open store (WAL allows it)
    r = subprocess.run([sys.executable, "-m", "annotator", "export", str(path), str(tmp_path / "out"),
                        "--format", "claimreview"], capture_output=True, text=True, encoding="utf-8",
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert "23 claim reviews" in r.stdout and DEFAULT_AUTHOR in r.stdout
    assert len(json.loads((tmp_path / "out" / FILE_NAME).read_text(encoding="utf-8"))) == 23


def test_one_latest_verdict_everywhere_when_two_share_a_time(tmp_path):
    """Two annotators' verdicts stamped in the same millisecond: the project's view, the app's
    store queries, the CSV export and ClaimReview all show the same one (the later id)."""
    import csv

    from annotator.services.annotations import AnnotationService
    from annotator.services.importing import ImportService
    from annotator.services.interchange.csv_export import export_csv
    from annotator.store import create_project

    store = create_project(tmp_path / "tie.annotator", clock=TickingClock(step_ms=0))  # every stamp the same
    doc = ImportService(store).import_text("The bridge reopened in May after repairs.", title="Bridge",
                                           source_name="Wire").document
    claim = AnnotationService(store).create_claim(doc.id, 0, 29)
    for name, rating in (("ana", Rating.TRUE), ("bob", Rating.FALSE), ("cy", Rating.MOSTLY_TRUE)):
        AnnotationService(store, annotator=name).set_verdict(claim.id, rating)
    verdicts = store.verdicts(claim.id)
    assert len({v.updated_at for v in verdicts}) == 1
    latest = max(verdicts, key=lambda v: v.id)
    assert store.verdict(claim.id) == latest
    assert store.latest_verdicts()[claim.id] == latest.rating
    assert store.db.execute("SELECT verdict FROM claims_with_quotes").fetchone()[0] == latest.rating.value
    export_csv(store, tmp_path / "csv")
    with open(tmp_path / "csv" / "claims.csv", encoding="utf-8-sig", newline="") as f:
        assert [row["verdict"] for row in csv.DictReader(f)] == [latest.rating.value]
    [review], _disputed = build_reviews(store)
    assert review["reviewRating"]["alternateName"] == NAMES[latest.rating.value]
    store.close()


def test_publication_dates_are_iso_or_left_out_with_a_note(demo_store, tmp_path):
    docs = demo_store.documents()
    demo_store.update_document(docs[0].id, published="April 21, 2024")
    demo_store.update_document(docs[1].id, published="last Tuesday")
    summary = export_claimreview(demo_store, tmp_path)
    reviews = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    by_title = {}
    for review in reviews:
        by_title.setdefault(review["itemReviewed"]["appearance"]["name"], review)
    first, second = by_title[docs[0].title], by_title[docs[1].title]
    assert first["itemReviewed"]["datePublished"] == "2024-04-21"
    assert first["itemReviewed"]["appearance"]["datePublished"] == "2024-04-21"
    assert "datePublished" not in second["itemReviewed"] and "datePublished" not in second["itemReviewed"]["appearance"]
    assert any("“last Tuesday”" in n and "left out" in n for n in summary.notes), summary.notes
    assert all("T" not in r["datePublished"] and len(r["datePublished"]) == 10 for r in reviews)


def test_dates_as_people_write_them():
    from annotator.core.dates import iso_date

    read = {"April 21, 2024": "2024-04-21", "Apr. 21 2024": "2024-04-21", "21 April 2024": "2024-04-21",
            "21st April, 2024": "2024-04-21", "2024-04-21": "2024-04-21", "2024/04/21": "2024-04-21",
            "21.04.2024": "2024-04-21", "04/21/2024": "2024-04-21", "21/04/2024": "2024-04-21",
            "2024-04-21T10:00:00Z": "2024-04-21T10:00:00Z", "April 2024": "2024-04", "2024": "2024",
            "Sept 3, 2023": "2023-09-03"}
    for text, iso in read.items():
        assert iso_date(text) == iso, text
    for text in ("04/05/2024", "last Tuesday", "2024-13-01", "February 30, 2024", "", None, "Smarch 3, 2024"):
        assert iso_date(text) is None, text
