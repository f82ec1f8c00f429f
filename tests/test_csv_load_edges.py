"""Loading annotation CSVs: edge cases found in review (huge numbers, verdicts on claims
already present, timestamps in other zones, two people's rows on one span)."""

from __future__ import annotations

import csv

import pytest

from annotator.core.model import Rating
from annotator.services.interchange import export_csv, load_csv
from tests.test_interchange import read_rows, write_rows


def _doc(store):
    return next(d for d in store.documents() if d.title.startswith("Clarifai OkCupid"))


def test_an_offset_of_thousands_of_digits_is_a_row_error_not_a_crash(demo_store, tmp_path):
    doc = _doc(demo_store)
    path = write_rows(tmp_path / "claims.csv", [
        {"document_title": doc.title, "quote": "founded in 2013", "start": "9" * 5000, "end": ""}])
    report = load_csv(demo_store, path)
    assert not report.loaded
    assert [(e.row, e.column) for e in report.errors] == [(2, "start")]
    assert "too large to be a position" in report.errors[0].message


def test_a_verdict_added_to_a_claim_loaded_before_is_loaded(demo_store, tmp_path):
    doc = _doc(demo_store)
    row = {"document_title": doc.title, "quote": "founded in 2013", "verdict": "", "verdict_annotator": ""}
    assert load_csv(demo_store, write_rows(tmp_path / "day1.csv", [row])).claims_loaded == 1
    claim = next(c for c in demo_store.claims() if c.quote == "founded in 2013")
    assert demo_store.verdicts(claim.id) == []
    row.update(verdict="True", verdict_annotator="alice")
    report = load_csv(demo_store, write_rows(tmp_path / "day2.csv", [row]))
    assert report.loaded and report.claims_loaded == 0 and report.verdicts == 1, report.lines()
    assert [(v.annotator, v.rating) for v in demo_store.verdicts(claim.id)] == [("alice", Rating.TRUE)]

    # The same through an export's claims.csv alone (claims with ids).
    export_csv(demo_store, tmp_path / "out")
    rows = read_rows(tmp_path / "out", "claims.csv")
    mine = next(r for r in rows if r["id"] == claim.id)
    mine.update(verdict="False", verdict_annotator="bob")
    report = load_csv(demo_store, write_rows(tmp_path / "claims.csv", [mine]))
    assert report.verdicts == 1, report.lines()
    assert {(v.annotator, v.rating) for v in demo_store.verdicts(claim.id)} == {("alice", Rating.TRUE),
                                                                             ("bob", Rating.FALSE)}


def test_two_peoples_rows_on_one_span_both_load_and_a_reload_adds_nothing(demo_store, tmp_path):
    doc = _doc(demo_store)
    rows = [{"document_title": doc.title, "quote": "founded in 2013", "type": "Number or statistic",
             "annotator": "alice", "verdict": "False", "verdict_annotator": "alice"},
            {"document_title": doc.title, "quote": "founded in 2013", "type": "Factual claim",
             "annotator": "bob", "verdict": "True", "verdict_annotator": "bob"}]
    path = write_rows(tmp_path / "claims.csv", rows)
    report = load_csv(demo_store, path)
    assert report.claims_loaded == 2 and report.verdicts == 2, report.lines()
    claims = [c for c in demo_store.claims() if c.quote == "founded in 2013"]
    assert sorted(c.annotator for c in claims) == ["alice", "bob"]
    again = load_csv(demo_store, path)
    assert again.claims_loaded == 0 and again.skipped["claims"] == 2 and again.verdicts == 0


def test_timestamps_are_stored_in_utc_so_the_latest_verdict_wins(demo_store, tmp_path):
    export_csv(demo_store, tmp_path / "out")
    claim = read_rows(tmp_path / "out", "claims.csv")[0]["id"]
    rows = [{"id": "V-ALICE", "claim_id": claim, "rating": "true", "annotator": "alice", "note": "",
             "evidence_url": "", "created_at": "2030-01-01T09:00:00.000Z", "updated_at": "2030-01-01T09:00:00.000Z"},
            {"id": "V-BOB", "claim_id": claim, "rating": "false", "annotator": "bob", "note": "",
             "evidence_url": "", "created_at": "2030-01-01 10:30:00", "updated_at": "2030-01-01 10:30:00"},
            {"id": "V-CAROL", "claim_id": claim, "rating": "mixed", "annotator": "carol", "note": "",
             "evidence_url": "", "created_at": "2030-01-01T08:00:00-05:00",  # 13:00 UTC: the latest
             "updated_at": "2030-01-01T08:00:00-05:00"}]
    report = load_csv(demo_store, write_rows(tmp_path / "verdicts.csv", rows))
    assert report.verdicts == 3, report.lines()
    stamps = {v.annotator: v.updated_at for v in demo_store.verdicts(claim)}
    assert stamps["bob"] == "2030-01-01T10:30:00.000Z" and stamps["carol"] == "2030-01-01T13:00:00.000Z"
    assert demo_store.verdict(claim).rating is Rating.MIXED


def test_a_changed_rating_by_the_same_person_is_reported_not_silently_skipped(demo_store, tmp_path):
    export_csv(demo_store, tmp_path / "out")
    verdicts = read_rows(tmp_path / "out", "verdicts.csv")
    row = verdicts[0]
    old = demo_store.verdict(row["claim_id"], annotator=row["annotator"]).rating
    row.update(id="", rating="unverifiable" if old is not Rating.UNVERIFIABLE else "true")
    report = load_csv(demo_store, write_rows(tmp_path / "verdicts.csv", [row]))
    assert report.verdicts == 0 and report.skipped["verdicts"] == 1
    assert any("already rated claim" in w and "was not loaded" in w for w in report.warnings)
    assert demo_store.verdict(row["claim_id"], annotator=row["annotator"]).rating is old


def test_a_file_with_two_byte_order_marks_keeps_its_claim_ids(demo_store, tmp_path):
    """Saved twice by tools that each add a byte-order mark: the first column is still 'id'."""
    export_csv(demo_store, tmp_path / "out")
    claims_csv = tmp_path / "out" / "claims.csv"
    data = claims_csv.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    claims_csv.write_bytes(b"\xef\xbb\xbf" + data)
    rows = read_rows(tmp_path / "out", "claims.csv")
    claim_id = next(iter(rows))["\ufeffid"]  # how a plain reader sees the second mark
    from annotator.services.interchange.csv_format import read_csv

    table, errors = read_csv(claims_csv, "claims")
    assert not errors and table is not None and "id" in table.columns
    assert claim_id in {row["id"] for _number, row in table.rows}


def test_a_time_that_leaves_the_calendar_in_utc_is_a_row_error(demo_store, tmp_path):
    doc = _doc(demo_store)
    path = write_rows(tmp_path / "claims.csv", [
        {"document_title": doc.title, "quote": "founded in 2013", "created_at": "0001-01-01T00:00:00+01:00"}])
    report = load_csv(demo_store, path)
    assert not report.loaded
    assert [(e.row, e.column) for e in report.errors] == [(2, "created_at")]
    assert "outside the years 1 to 9999" in report.errors[0].message


def test_a_project_locked_by_another_program_stops_the_load_with_one_message(demo_store, tmp_path):
    """Even accepting the valid rows: a lock is not a problem of any row."""
    import sqlite3

    import pytest

    from annotator.core.errors import ProjectError

    doc = _doc(demo_store)
    path = write_rows(tmp_path / "claims.csv", [
        {"document_title": doc.title, "quote": "founded in 2013"},
        {"document_title": doc.title, "quote": "computer vision applications"}])
    counts = demo_store.counts()
    demo_store.db.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(demo_store.path)
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        with pytest.raises(ProjectError, match="could not be saved"):
            load_csv(demo_store, path, accept_valid=True)
    finally:
        other.rollback()
        other.close()
    assert demo_store.counts() == counts
    report = load_csv(demo_store, path, accept_valid=True)
    assert report.loaded and report.claims_loaded == 2, report.lines()


def test_a_quote_of_10_mb_is_reported_as_not_found_instead_of_searched_for(demo_store, tmp_path):
    # A review found one 10 MB quote stalling the load for minutes: the approximate search
    # compared it with every stretch of the document. Quotes that long are matched exactly.
    doc = _doc(demo_store)
    quote = ("the council said the bridge will cost forty million euros; " * 200_000)[:10_000_000]
    path = write_rows(tmp_path / "claims.csv", [
        {"document_title": doc.title, "quote": quote},
        {"document_title": doc.title, "quote": "founded in 2013"}])
    report = load_csv(demo_store, path, accept_valid=True)
    assert report.loaded and report.claims_loaded == 1, report.lines()
    [orphan] = report.orphans
    assert orphan.row == 2 and "not searched for approximately" in orphan.reason


def test_a_long_quote_is_placed_when_it_is_in_the_document_exactly(tmp_path):
    from annotator.core.anchoring import EXACT, MAX_FUZZY_QUOTE
    from annotator.store import create_project

    store = create_project(tmp_path / "long.annotator")
    text = "".join(f"Paragraph {i} of the long report says something different. " for i in range(4000))
    doc = store.add_document(text, "Long report")
    start = text.index("Paragraph 1000 ")
    quote = text[start:start + 3 * MAX_FUZZY_QUOTE]
    edited = quote.replace("Paragraph 1050 ", "Paragraph ten fifty ")
    assert edited != quote
    path = write_rows(tmp_path / "claims.csv", [
        {"document_title": "Long report", "quote": quote, "start": ""},
        {"document_title": "Long report", "quote": edited, "start": ""}])
    report = load_csv(store, path, accept_valid=True)
    assert report.claims[EXACT] == 1, report.lines()
    [claim] = store.claims(doc.id)
    assert (claim.start, claim.end) == (start, start + len(quote))
    assert [o.row for o in report.orphans] == [3]
    store.close()


def _emptied_export(store, folder):
    export_csv(store, folder)
    for claim in store.claims():
        store.delete_claim(claim.id)


def test_a_plan_is_made_through_a_connection_of_its_own_and_writes_nothing(demo_store, tmp_path):
    from annotator.services.interchange import apply_load_plan, plan_csv_load_file

    _emptied_export(demo_store, tmp_path / "csv")
    steps = []
    plan = plan_csv_load_file(demo_store.path, tmp_path / "csv", progress=lambda *step: steps.append(step))
    assert plan is not None and demo_store.counts().claims == 0
    assert {label for _, _, label in steps} >= {"Reading claims.csv…", "Checking rows…",
                                                 "Placing claims in their documents…"}
    report = apply_load_plan(demo_store, plan)
    assert report.loaded and report.claims_loaded == 23 and demo_store.counts().links == 13


def test_a_cancelled_plan_is_none(demo_store, tmp_path):
    from annotator.services.interchange import plan_csv_load

    _emptied_export(demo_store, tmp_path / "csv")
    asked = []

    def cancelled():
        asked.append(1)
        return len(asked) > 5  # cancelled while checking the rows

    assert plan_csv_load(demo_store, tmp_path / "csv", cancelled=cancelled) is None
    assert demo_store.counts().claims == 0


def test_a_cancel_while_claims_are_placed_stops_at_the_next_claim(demo_store, tmp_path, monkeypatch):
    """Placing a claim can take a fuzzy search: a cancel pressed meanwhile is seen before the
    next claim is placed, and no plan comes back. (Rows without offsets, as typed by hand:
    each is looked for by its quote.)"""
    from annotator.services.interchange import csv_load, plan_csv_load

    _emptied_export(demo_store, tmp_path / "csv")
    claims = tmp_path / "csv" / "claims.csv"
    with claims.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    with claims.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "start": "", "end": ""} for row in rows)
    placed: list[str] = []
    real_anchor = csv_load.anchor

    def anchoring(text, quote, *args, **kwargs):
        placed.append(quote)
        return real_anchor(text, quote, *args, **kwargs)

    monkeypatch.setattr(csv_load, "anchor", anchoring)
    assert plan_csv_load(demo_store, tmp_path / "csv", cancelled=lambda: bool(placed)) is None
    assert len(placed) == 1


def test_applying_a_plan_checks_it_against_the_project_as_it_is_now(demo_store, tmp_path):
    from annotator.services.interchange import apply_load_plan, plan_csv_load

    _emptied_export(demo_store, tmp_path / "csv")
    plan = plan_csv_load(demo_store, tmp_path / "csv")
    doc = _doc(demo_store)
    planned = [w.values["claim"] for w in plan.each_write() if w.kind == "claim"]
    on_doc = [claim.id for claim in planned if claim.document_id == doc.id]
    assert on_doc
    demo_store.delete_document(doc.id)  # meanwhile, in the window
    refused = apply_load_plan(demo_store, plan)  # rows it can no longer place: nothing is written
    assert not refused.loaded and refused.claims_loaded == 0 and demo_store.counts().claims == 0
    assert {o.id for o in refused.orphans if "document was deleted" in o.reason} == set(on_doc)
    plan = plan_csv_load(demo_store, tmp_path / "csv", accept_valid=True)
    report = apply_load_plan(demo_store, plan)
    assert report.loaded
    assert report.claims_loaded == 23 - len(on_doc)
    assert all(c.document_id != doc.id for c in demo_store.claims())
    assert any(o.reason.startswith(("link:", "verdict:")) for o in report.orphans), "what hangs on them goes too"
    assert demo_store.integrity_check() == "ok"


def test_a_byte_that_is_not_utf8_is_named_correctly_after_a_byte_order_mark(tmp_path):
    # Found by fuzzing: the position Python reports counts from after the mark, so the message
    # named the byte three places too early (an ordinary letter) and could give the wrong line.
    from annotator.services.interchange.csv_format import read_csv

    path = tmp_path / "sources.csv"
    path.write_bytes(b"\xef\xbb\xbfname,url\r\nab,\r\nCaf\xe9,\r\n")
    table, [error] = read_csv(path, "sources")
    assert table is None
    assert "byte 0xe9 on line 3" in error.message and error.row == 3


def test_other_scales_ratings_load_as_the_apps_own(demo_store, tmp_path):
    doc = _doc(demo_store)
    quotes = ["founded in 2013", "Clarifai", "OkCupid"]
    text = demo_store.document_text(doc.id)
    assert all(q in text for q in quotes)
    rows = [{"document_title": doc.title, "quote": q, "verdict": rating, "verdict_annotator": "ann"}
            for q, rating in zip(quotes, ["Half True", "Pants on Fire!", "MISLEADING"], strict=True)]
    report = load_csv(demo_store, write_rows(tmp_path / "claims.csv", rows))
    assert report.loaded, report.lines()
    got = {}
    for claim in demo_store.claims(doc.id):
        for v in demo_store.verdicts(claim.id):
            if v.annotator == "ann":
                got[claim.quote] = v.rating
    assert [got[q] for q in quotes] == [Rating.MIXED, Rating.FALSE, Rating.MOSTLY_FALSE]


def test_an_unknown_rating_says_what_is_accepted_and_a_newsroom_can_add_it(demo_store, tmp_path):
    from annotator.paths import data_dir

    doc = _doc(demo_store)
    path = write_rows(tmp_path / "claims.csv", [
        {"document_title": doc.title, "quote": "founded in 2013", "verdict": "Quite true", "verdict_annotator": "ann"}])
    report = load_csv(demo_store, path)
    assert not report.loaded
    message = report.errors[0].message
    assert "unknown rating “Quite true”" in message and "mostly true" in message and "Pants on Fire" in message
    assert "rating-synonyms.csv" in message
    (data_dir() / "rating-synonyms.csv").write_text("spelling,rating\nQuite true,mostly true\nMisleading,false\n",
                                                   encoding="utf-8")  # (a newsroom reads "Misleading" as false)
    report = load_csv(demo_store, path)
    assert report.loaded and report.verdicts == 1, report.lines()
    claim = next(c for c in demo_store.claims(doc.id) if c.quote == "founded in 2013")
    assert [v.rating for v in demo_store.verdicts(claim.id) if v.annotator == "ann"] == [Rating.MOSTLY_TRUE]
    report = load_csv(demo_store, write_rows(tmp_path / "more.csv", [
        {"document_title": doc.title, "quote": "OkCupid", "verdict": "Misleading", "verdict_annotator": "ann"}]))
    assert report.loaded and report.verdicts == 1, report.lines()
    assert [v.rating for c in demo_store.claims(doc.id) if c.quote == "OkCupid"
            for v in demo_store.verdicts(c.id) if v.annotator == "ann"] == [Rating.FALSE]


def test_a_synonyms_line_naming_no_rating_stops_the_load_with_its_line(demo_store, tmp_path):
    import pytest

    from annotator.core.errors import AnnotatorError
    from annotator.paths import data_dir

    (data_dir() / "rating-synonyms.csv").write_text("Quite true,mostly true\nSorta,kinda\n", encoding="utf-8")
    doc = _doc(demo_store)
    path = write_rows(tmp_path / "claims.csv", [{"document_title": doc.title, "quote": "founded in 2013",
                                                 "verdict": "Sorta true"}])  # read when a rating is not known
    with pytest.raises(AnnotatorError, match="line 2"):
        load_csv(demo_store, path)


def test_a_title_typed_with_straight_quotes_finds_the_stored_curly_one(demo_store, tmp_path):
    doc = _doc(demo_store)
    demo_store.update_document(doc.id, title="Clarifai’s “OkCupid” photos — the settlement")
    typed = "clarifai's \"OkCupid\"  photos - the settlement"
    report = load_csv(demo_store, write_rows(tmp_path / "claims.csv",
                                             [{"document_title": typed, "quote": "founded in 2013"}]))
    assert report.loaded and report.claims_loaded == 1 and not report.orphans, report.lines()


def test_the_synonyms_table_is_documented_and_unambiguous():
    from pathlib import Path

    from annotator.core import ratings

    spellings = [ratings.rating_key(w) for words in ratings._SPELLINGS.values() for w in words]
    assert len(spellings) == len(set(spellings)) == len(ratings.RATING_SYNONYMS), "one rating per spelling"
    doc = (Path(__file__).parent.parent / "docs" / "csv-format.md").read_text(encoding="utf-8")
    table = doc[doc.index("| rating | also read from |"):]
    table = table[:table.index("\n\n")]
    documented: dict[str, str] = {}
    for line in table.splitlines()[2:]:
        _, rating, words, _ = line.split("|")
        for word in words.replace(";", ",").split(","):
            documented[ratings.rating_key(word)] = rating.strip().strip("`")
    assert documented == {k: v.value for k, v in ratings.RATING_SYNONYMS.items()}, "the docs' table is the code's"


def test_the_fact_check_article_travels_in_the_csv_files_and_is_checked(demo_store, tmp_path):
    from annotator.services.annotations import AnnotationService

    claim = next(c for c in demo_store.claims() if c.quote.startswith("The saga began in early 2024"))
    AnnotationService(demo_store, annotator="ann").set_verdict(claim.id, Rating.FALSE,
                                                              review_url="https://factdesk.example/saga")
    export_csv(demo_store, tmp_path / "out")
    verdicts = read_rows(tmp_path / "out", "verdicts.csv")
    mine = next(r for r in verdicts if r["claim_id"] == claim.id and r["annotator"] == "ann")
    assert mine["review_url"] == "https://factdesk.example/saga"
    claims = read_rows(tmp_path / "out", "claims.csv")
    assert next(r for r in claims if r["id"] == claim.id)["verdict_review_url"] == "https://factdesk.example/saga"

    from annotator.store import create_project

    other = create_project(tmp_path / "other.annotator")
    try:
        for d in demo_store.documents():  # the same documents, so that the claims find them
            src = other.ensure_source(demo_store.source(d.source_id).name) if d.source_id else None
            other.add_document(demo_store.document_text(d.id), d.title, source_id=src.id if src else None)
        report = load_csv(other, tmp_path / "out")
        assert report.loaded, report.lines()
        assert other.verdict(claim.id, annotator="ann").review_url == "https://factdesk.example/saga"
    finally:
        other.close()

    mine["review_url"] = "FTC order, page 3"
    (tmp_path / "bad").mkdir()
    write_rows(tmp_path / "bad" / "verdicts.csv", [mine])
    report = load_csv(demo_store, tmp_path / "bad" / "verdicts.csv")
    assert not report.loaded
    assert [(e.column, "not a web address" in e.message) for e in report.errors] == [("review_url", True)]


def test_evidence_that_is_not_a_web_address_loads_as_text_with_a_warning(demo_store, tmp_path):
    doc = _doc(demo_store)
    report = load_csv(demo_store, write_rows(tmp_path / "claims.csv", [
        {"document_title": doc.title, "quote": "founded in 2013", "verdict": "false", "verdict_annotator": "ann",
         "verdict_evidence_url": "FTC order, page 3"}]))
    assert report.loaded and report.verdicts == 1, report.lines()
    assert any("“FTC order, page 3” is kept as written" in w for w in report.warnings), report.warnings
    claim = next(c for c in demo_store.claims(doc.id) if c.quote == "founded in 2013")
    assert [v.evidence_url for v in demo_store.verdicts(claim.id) if v.annotator == "ann"] == ["FTC order, page 3"]


def test_a_row_the_project_refuses_on_writing_is_named_and_the_others_load_when_accepted(demo_store, tmp_path,
                                                                                          monkeypatch):
    """Rows are written with one statement per kind; when the project refuses one row of it
    (a rule it enforces on writing), the rows go in one by one: the refused row is named, and
    either nothing loads or, accepting the valid rows, all the others do."""
    from annotator.core.errors import ValidationError
    from annotator.services.interchange import apply_load_plan, plan_csv_load

    _emptied_export(demo_store, tmp_path / "csv")
    store_write = type(demo_store)._write_many

    def refusing(store, table, columns, rows):
        rows = list(rows)  # (they may come as they are made: read them once)
        if table == "links" and any(row[0] == refused for row in rows):
            raise ValidationError("The change was refused: a rule of the project.")
        return store_write(store, table, columns, rows)

    monkeypatch.setattr(type(demo_store), "_write_many", refusing)
    plan = plan_csv_load(demo_store, tmp_path / "csv")
    refused = next(w.values["link"].id for w in plan.each_write() if w.kind == "link")
    report = apply_load_plan(demo_store, plan)
    assert not report.loaded and demo_store.counts().claims == 0, "all or nothing"
    assert [e.message for e in report.errors] == ["The change was refused: a rule of the project."]

    plan = plan_csv_load(demo_store, tmp_path / "csv", accept_valid=True)
    report = apply_load_plan(demo_store, plan)
    assert report.loaded and report.claims_loaded == 23 and report.links == 12
    assert demo_store.counts().links == 12 and demo_store.integrity_check() == "ok"
    assert len(report.errors) == 1 and report.errors[0].row is not None


def test_the_cycle_collector_is_paused_for_a_load_and_runs_again_after_it(demo_store, tmp_path, monkeypatch):
    """A load pauses Python's cycle collector while it plans and while it writes (nested and
    from two threads alike) and leaves it as it found it."""
    import gc
    import threading

    from annotator.services.collector import collector_paused
    from annotator.services.interchange import csv_load

    _emptied_export(demo_store, tmp_path / "csv")
    seen = []
    real_write = csv_load._Writer.write

    def watching(writer):
        seen.append(gc.isenabled())
        return real_write(writer)

    monkeypatch.setattr(csv_load._Writer, "write", watching)
    real_validate = csv_load._Loader.validate
    monkeypatch.setattr(csv_load._Loader, "validate",
                        lambda loader, *a: seen.append(gc.isenabled()) or real_validate(loader, *a))
    assert gc.isenabled()
    assert load_csv(demo_store, tmp_path / "csv").loaded
    assert seen and not any(seen) and gc.isenabled()

    inside, go_on = threading.Event(), threading.Event()

    def other():
        with collector_paused():
            inside.set()
            go_on.wait(10)

    thread = threading.Thread(target=other)
    with collector_paused():
        thread.start()
        inside.wait(10)
    assert not gc.isenabled(), "still paused by the other thread"
    go_on.set()
    thread.join()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "a collector that was off stays off"
    finally:
        gc.enable()


def test_a_load_writes_its_plan_without_checking_again_and_still_names_a_refused_row(demo_store, tmp_path,
                                                                                      monkeypatch):
    """load_csv plans and writes on one connection, with nothing written between: the rows
    are not checked against the project a second time, and a row the project refuses is still
    named while, accepting the valid rows, the others load."""
    from annotator.core.errors import ValidationError
    from annotator.services.interchange import csv_load, load_csv

    _emptied_export(demo_store, tmp_path / "csv")
    store_write = type(demo_store)._write_many
    checked: list = []
    monkeypatch.setattr(csv_load._Writer, "_known_claims", lambda self, ids: checked.append(ids))  # (checking reads)

    def refusing(store, table, columns, rows):
        rows = list(rows)
        if table == "links" and any(row[3] == "contradicts" for row in rows):
            raise ValidationError("The change was refused: a rule of the project.")
        return store_write(store, table, columns, rows)

    monkeypatch.setattr(type(demo_store), "_write_many", refusing)
    report = load_csv(demo_store, tmp_path / "csv", accept_valid=True)
    with open(tmp_path / "csv" / "links.csv", encoding="utf-8-sig", newline="") as handle:
        relations = [row["relation"] for row in csv.DictReader(handle)]
    assert report.loaded and report.claims_loaded == 23 and checked == []
    assert report.links == relations.count("supports") + relations.count("same_claim") > 0
    assert len(report.errors) == relations.count("contradicts") > 0
    assert all(e.file == "links.csv" and e.row is not None for e in report.errors)
    assert demo_store.integrity_check() == "ok"


@pytest.mark.parametrize("as_one_load", [True, False])
def test_the_links_and_verdicts_of_a_claim_the_project_refuses_are_orphans(demo_store, tmp_path, monkeypatch,
                                                                         as_one_load):
    """Accepting the valid rows, a claim the project refuses on writing is named, and the
    verdicts and links that hang on it are listed as rows that cannot be placed, whether the
    plan is written at once (load_csv) or later (plan, then apply)."""
    from annotator.core.errors import ValidationError
    from annotator.services.interchange import apply_load_plan, plan_csv_load

    export_csv(demo_store, tmp_path / "csv")
    refused = next(c.id for c in demo_store.claims()
                   if demo_store.links(c.id) and any(v.claim_id == c.id for v in demo_store.verdicts()))
    for claim in demo_store.claims():
        demo_store.delete_claim(claim.id)
    store_write = type(demo_store)._write_many

    def refusing(store, table, columns, rows):
        rows = list(rows)
        if table == "claims" and any(row[0] == refused for row in rows):
            raise ValidationError("The change was refused: a rule of the project.")
        return store_write(store, table, columns, rows)

    monkeypatch.setattr(type(demo_store), "_write_many", refusing)
    report = load_csv(demo_store, tmp_path / "csv", accept_valid=True) if as_one_load else \
        apply_load_plan(demo_store, plan_csv_load(demo_store, tmp_path / "csv", accept_valid=True))
    assert report.loaded and [e.file for e in report.errors] == ["claims.csv"]
    hanging = [o for o in report.orphans if refused in o.reason]
    assert hanging and all(o.reason.endswith(f"its claim {refused} could not be written.") for o in hanging)
    assert {o.file for o in hanging} == {"verdicts.csv", "links.csv"}
    assert demo_store.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_placing_claims_a_block_at_a_time_reports_progress_and_stops_when_cancelled(demo_store, tmp_path,
                                                                                      monkeypatch):
    """Claims placed together (an export's rows) still move the progress on, a block at a time,
    and a cancel is seen before the next block."""
    from annotator.services.interchange import csv_load, plan_csv_load

    _emptied_export(demo_store, tmp_path / "csv")
    monkeypatch.setattr(csv_load, "_PLACED_TOGETHER", 5)
    monkeypatch.setattr(csv_load, "_PROGRESS_EVERY", 5)
    steps: list[tuple[int, int]] = []

    def progress(done: int, total: int, label: str) -> None:
        if label.startswith("Placing"):
            steps.append((done, total))

    assert plan_csv_load(demo_store, tmp_path / "csv", progress=progress) is not None
    assert steps == [(0, 23), (5, 23), (10, 23), (15, 23), (20, 23)]
    placed: list[int] = []
    real_context = csv_load.context
    monkeypatch.setattr(csv_load, "context", lambda *a: placed.append(1) or real_context(*a))
    assert plan_csv_load(demo_store, tmp_path / "csv", cancelled=lambda: bool(placed)) is None
    assert len(placed) == 5  # the first block, and no more


def test_checking_rows_in_blocks_reports_progress_for_each_block(demo_store, tmp_path, monkeypatch):
    """A blank row dropped early does not stop the progress of the blocks after it."""
    from annotator.services.interchange import csv_format, plan_csv_load

    _emptied_export(demo_store, tmp_path / "csv")
    claims = tmp_path / "csv" / "claims.csv"
    with claims.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    with claims.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([rows[0], rows[1], [""] * 3, *rows[2:]])  # a blank row after the first
    monkeypatch.setattr(csv_format, "BLOCK_ROWS", 4)
    steps: list[tuple[str, int]] = []
    plan_csv_load(demo_store, tmp_path / "csv", progress=lambda done, total, label: steps.append((label, done)))
    read = [label for label, _ in steps].index("Reading claims.csv…")
    after = next(n for n in range(read + 1, len(steps)) if steps[n][0].startswith("Reading"))
    assert [done for label, done in steps[read + 1:after] if label == "Checking rows…"] == [0, 3, 7, 11, 15, 19]
