"""Round trips through the SQLite store, FTS sync, duplicates and integrity rules."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core.errors import DuplicateDocumentError, NotFoundError, ValidationError
from annotator.core.ids import is_id, new_id
from annotator.core.model import Claim, Link, Rating, Relation
from annotator.store import create_project, open_project
from annotator.store.project import fts_query


def _doc(store, text="Clarifai deleted 3 million photos from OkCupid.", **kw):
    source = store.ensure_source(kw.pop("source", "Reuters"))
    return store.add_document(text, kw.pop("title", "A title"), source_id=source.id, **kw)


def _claim(store, doc, start, end, **kw):
    text = store.document_text(doc.id)
    return store.insert_claim(Claim(new_id(), doc.id, start, end, text[start:end], **kw))


def test_new_project_has_schema_metadata_and_default_types(store):
    assert store.schema_version() == 9
    assert store.applied_migrations() == ["0001_core_tables", "0002_document_search", "0003_readable_views",
                                          "0004_document_list_index", "0005_verdict_decisions",
                                          "0006_latest_verdict_order", "0007_change_log",
                                          "0008_search_visible_to_other_tools", "0009_review_urls"]
    assert store.meta()["name"] == "Test project"
    names = [t.name for t in store.claim_types()]
    assert names[0] == "Factual claim" and len(names) == 5
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA application_id").fetchone()[0] == 0x414E4E54


def test_ids_are_ulids_and_unique():
    ids = {new_id() for _ in range(10_000)}
    assert len(ids) == 10_000
    assert all(is_id(i) for i in ids)
    assert new_id(now_ms=1) < new_id(now_ms=2)


def test_ids_made_one_after_another_sort_in_that_order():
    """Many ids fall in one millisecond; they still sort as they were made (the demo's sources
    used to come in a random order, and with them which documents a first start shows)."""
    ids = [new_id() for _ in range(10_000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_entities_round_trip_after_reopen(tmp_path):
    from annotator.store import create_project

    store = create_project(tmp_path / "roundtrip.annotator")
    src = store.add_source("The Next Web", url="https://thenextweb.com", kind="news outlet", notes="TNW")
    doc = store.add_document("Text with émoji 😀 and more.", "Title", source_id=src.id,
                             author="A. Writer", url="https://thenextweb.com/x",
                             published="2024-04-21", original_filename="x.html", import_format="html")
    claim = _claim(store, doc, 0, 4, prefix="", suffix=" with", note="n", annotator="ann",
                   type_id=store.claim_types()[0].id)
    other = _claim(store, doc, 16, 17)
    link = store.insert_link(Link(new_id(), claim.id, other.id, Relation.CONTRADICTS, "why", "ann"))
    verdict = store.set_verdict(claim.id, Rating.MOSTLY_FALSE, note="checked", evidence_url="https://e",
                                annotator="ann")
    path = store.path
    store.close()

    again = open_project(path)
    try:
        assert again.source(src.id) == src
        got = again.document(doc.id)
        assert got.text == "Text with émoji 😀 and more." and got.length == len(got.text)
        assert (got.title, got.author, got.url, got.published) == (
            "Title", "A. Writer", "https://thenextweb.com/x", "2024-04-21")
        assert got.sha256 == doc.sha256
        assert again.claim(claim.id) == claim
        assert again.claim(other.id).quote == "😀"
        assert again.link(link.id) == link
        assert again.verdict(claim.id) == verdict
        assert again.counts().__dict__ == {"sources": 1, "documents": 1, "claims": 2, "links": 1, "verdicts": 1}
    finally:
        again.close()


def test_duplicate_text_is_detected_not_duplicated(store):
    doc = _doc(store)
    with pytest.raises(DuplicateDocumentError) as info:
        _doc(store, title="Another title")
    assert info.value.existing_id == doc.id
    assert "already in the project" in str(info.value)
    assert store.counts().documents == 1


def test_source_names_unique_case_insensitive(store):
    store.add_source("Reuters")
    with pytest.raises(ValidationError):
        store.add_source("reuters")
    assert store.ensure_source("REUTERS").name == "Reuters"
    with pytest.raises(ValidationError):
        store.add_source("   ")


def test_deleting_a_claim_cascades_to_links_and_verdicts(store):
    doc = _doc(store)
    a, b = _claim(store, doc, 0, 8), _claim(store, doc, 9, 16)
    store.insert_link(Link(new_id(), a.id, b.id, Relation.SUPPORTS))
    store.set_verdict(a.id, Rating.TRUE)
    store.delete_claim(a.id)
    assert store.links() == [] and store.verdicts() == []
    with pytest.raises(NotFoundError):
        store.claim(a.id)


def test_the_lean_rows_for_scoring_match_the_full_ones(store):
    doc = _doc(store)
    a, b, c = _claim(store, doc, 9, 16), _claim(store, doc, 0, 8), _claim(store, doc, 0, 16)
    store.insert_link(Link(new_id(), a.id, b.id, Relation.CONTRADICTS))
    store.insert_link(Link(new_id(), c.id, b.id, Relation.DERIVED))
    assert store.claim_spans() == [(x.id, x.document_id, x.start, x.end, x.quote) for x in store.claims()]
    assert store.link_relations() == [(x.from_claim_id, x.to_claim_id, x.relation) for x in store.links()]
    assert sorted(r for _a, _b, r in store.link_relations()) == [Relation.CONTRADICTS, Relation.DERIVED]
    assert all(type(r) is Relation for _a, _b, r in store.link_relations())
    store.set_verdict(a.id, Rating.MOSTLY_FALSE)
    assert store.verdicts()[0].rating is Rating.MOSTLY_FALSE


def test_schema_refuses_bad_rows(store):
    doc = _doc(store)
    a = _claim(store, doc, 0, 8)
    with pytest.raises(ValidationError):
        store.insert_link(Link(new_id(), a.id, a.id, Relation.SAME))
    with pytest.raises(ValidationError):
        store.insert_claim(Claim(new_id(), doc.id, 5, 5, ""))
    with pytest.raises(ValidationError):
        store.insert_claim(Claim(new_id(), "no-such-document", 0, 1, "x"))
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("INSERT INTO verdicts (id, claim_id, rating, created_at, updated_at) "
                         "VALUES ('v', ?, 'probably', 'x', 'x')", [a.id])


def test_verdicts_are_one_per_annotator(store):
    doc = _doc(store)
    a = _claim(store, doc, 0, 8)
    first = store.set_verdict(a.id, Rating.TRUE, annotator="alice")
    again = store.set_verdict(a.id, Rating.FALSE, annotator="alice")
    assert again.id == first.id and again.rating is Rating.FALSE
    store.set_verdict(a.id, Rating.MIXED, annotator="bob")
    assert {v.annotator: v.rating for v in store.verdicts(a.id)} == {"alice": Rating.FALSE, "bob": Rating.MIXED}


def test_full_text_search_follows_inserts_updates_and_deletes(store):
    doc = _doc(store, "The FTC settled with Match Group over OkCupid photos.")
    _doc(store, "Clarifai is a computer vision company.", source="AIChief", title="Other")
    hits = store.search("okcupid photos")
    assert [h["document_id"] for h in hits] == [doc.id]
    assert "[OkCupid]" in hits[0]["snippet"] and hits[0]["source"] == "Reuters"
    store.update_document(doc.id, title="Settlement report")
    assert store.search("settlement")[0]["document_id"] == doc.id
    store.delete_document(doc.id)
    assert store.search("okcupid") == []
    assert store.search("vision")[0]["title"] == "Other"


def test_search_accepts_anything_a_person_types(store):
    _doc(store, "OkCupid's founder supplied 3M photos (allegedly) - said O'Brien.")
    for query in ["O'Brien", "3M", '"founder supplied"', "photo*", "-", 'a "b', "AND OR NOT", "((", "*"]:
        store.search(query)  # must not raise
    assert store.search('"founder supplied"')
    assert store.search("photo*")
    assert not store.search('"supplied founder"')
    assert fts_query('say "a b" c*') == '"say" "a b" "c"*'


def test_views_for_humans(store):
    doc = _doc(store)
    a, b = _claim(store, doc, 0, 8), _claim(store, doc, 9, 16)
    store.insert_link(Link(new_id(), a.id, b.id, Relation.CONTRADICTS))
    store.set_verdict(a.id, Rating.FALSE)
    row = store.db.execute("SELECT source, quote, verdict FROM claims_with_quotes WHERE claim_id = ?",
                           [a.id]).fetchone()
    assert row == ("Reuters", "Clarifai", "false")
    link_row = store.db.execute("SELECT relation, from_quote, to_quote FROM links_with_quotes").fetchone()
    assert link_row == ("contradicts", "Clarifai", "deleted")


def test_search_hit_offset_and_snippet_come_from_the_text(store):
    text = ("Intro. " * 50) + "The FTC settled with Match Group over OkCupid photos. " + ("Tail. " * 50)
    doc = _doc(store, text)
    hit = store.search("match group")[0]
    assert hit["document_id"] == doc.id
    assert text[hit["offset"]:hit["offset"] + 11] == "Match Group"
    assert "[Match] [Group]" in hit["snippet"] and hit["snippet"].startswith("… ")
    assert "[Match Group]" in store.search('"match group"')[0]["snippet"]


def test_a_window_store_commits_without_waiting_for_the_disk_and_syncs_the_log_on_request(tmp_path):
    from annotator.core.errors import ProjectError
    from annotator.store.opening import sync_journal

    path = tmp_path / "sync.annotator"
    store = create_project(path, "sync")
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2, "FULL unless asked"
    assert store.defer_syncs()
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 1, "NORMAL: the commit does not wait"
    store.add_document("The FTC settled in 2024.", "Report")
    journal = store.journal_path()
    assert journal == path.resolve().with_name("sync.annotator-wal") and journal.exists()
    sync_journal(journal)
    store.close()
    with pytest.raises(ProjectError, match="Cannot sync the journal"):
        sync_journal(journal)  # closed: checkpointed into the file, no log left
    again = open_project(path)
    assert again.counts().documents == 1
    again.close()


def test_the_journal_of_a_project_opened_through_a_link_is_the_real_files(tmp_path):
    real = tmp_path / "real" / "p.annotator"
    real.parent.mkdir()
    create_project(real, "p").close()
    link = tmp_path / "link.annotator"
    link.symlink_to(real)
    store = open_project(link)
    assert store.defer_syncs()
    store.add_document("A text.", "Doc")
    assert store.journal_path() == real.resolve().with_name("p.annotator-wal")
    assert store.journal_path().exists()
    store.close()


def test_a_text_read_again_comes_from_memory_until_its_document_goes(store):
    """Texts are kept after a read (they never change); a deleted document's text is not."""
    doc = _doc(store)
    first = store.document_text(doc.id)
    assert store.document_text(doc.id) is first, "the second read is the same string, not another query"
    assert store.document_label(doc.id) == ("A title", doc.source_id)
    store.delete_document(doc.id)
    with pytest.raises(NotFoundError):
        store.document_text(doc.id)
    with pytest.raises(NotFoundError):
        store.document_label(doc.id)


def test_a_text_read_inside_a_change_that_fails_is_not_kept(store):
    with pytest.raises(RuntimeError), store.transaction():
        doc = _doc(store, "A document that never was.")
        assert store.document_text(doc.id) == "A document that never was."
        raise RuntimeError("the change fails")
    with pytest.raises(NotFoundError):
        store.document_text(doc.id)


def test_texts_kept_are_bounded(store, monkeypatch):
    monkeypatch.setattr(type(store), "TEXTS_KEPT", 2)
    docs = [_doc(store, f"Document number {i} says something.", title=f"D{i}") for i in range(4)]
    for doc in docs:
        store.document_text(doc.id)
    assert list(store._texts) == [docs[2].id, docs[3].id]
    monkeypatch.setattr(type(store), "TEXT_CHARS_KEPT", 10)  # one text over the bound is still kept
    store.document_text(docs[0].id)
    assert list(store._texts) == [docs[0].id]


def test_existing_finds_the_same_rows_whether_it_reads_the_table_whole_or_looks_ids_up(store):
    """``existing`` reads a table's ids whole when it holds few rows next to the ids asked
    about, and looks them up one by one otherwise: both ways give the same answer."""
    doc = _doc(store, "One two three four five six seven eight nine ten.")
    claims = [_claim(store, doc, k * 4, k * 4 + 3) for k in range(6)]
    held = {c.id for c in claims}
    unknown = {new_id() for _ in range(3)}
    few_asked = {claims[0].id} | {next(iter(unknown))}  # 6 rows held, 2 asked: looked up
    many_asked = held | unknown  # 6 held, 9 asked: read whole
    assert store.existing("claims", few_asked) == {claims[0].id}
    assert store.existing("claims", many_asked) == held
    assert store.existing("claims", iter([claims[1].id, claims[1].id])) == {claims[1].id}
    assert store.existing("claims", []) == set() and store.existing("links", many_asked) == set()
    with pytest.raises(ValueError):
        store.existing("documents; DROP TABLE claims", few_asked)


def _recorded(store) -> list[tuple[str, int]]:
    """(table, rows) of each INSERT the store's connection runs from now on."""
    statements: list[tuple[str, int]] = []
    real = store.db.conn

    class Recording:
        def __getattr__(self, name):
            return getattr(real, name)

        def execute(self, sql, *args):
            if sql.startswith("INSERT INTO "):
                statements.append((sql.split()[2], sql.count("(?")))
            return real.execute(sql, *args)

        def executemany(self, sql, rows):
            rows = list(rows)
            statements.extend([(sql.split()[2], 1)] * len(rows))
            return real.executemany(sql, rows)

    store.db.conn = Recording()
    return statements


def test_bulk_inserts_go_in_blocks_all_or_none(store, monkeypatch):
    """insert_claims and insert_links write many rows per statement; every block lands, and a
    row refused in the last block leaves none of the earlier blocks behind."""
    from annotator.store import project

    monkeypatch.setattr(project, "_ROWS_PER_INSERT", 7)
    doc = _doc(store, "word " * 200)
    claims = [Claim(new_id(), doc.id, 5 * k, 5 * k + 4, "word") for k in range(30)]  # 4 blocks of 7, one of 2
    statements = _recorded(store)
    with store.filling(("claims", "links")):
        assert store.db.execute("PRAGMA temp_store").fetchone()[0] == 2, "journals in memory"
        with store.transaction():
            store.insert_claims(claims)
            links = [Link(new_id(), claims[k].id, claims[k + 1].id, Relation.SUPPORTS) for k in range(20)]
            refused = [*links, Link(new_id(), claims[0].id, claims[0].id, Relation.SUPPORTS)]  # linked to itself
            with pytest.raises(ValidationError):
                store.insert_links(refused)
            assert store.links() == [], "the blocks written before the refused one are undone"
            store.insert_links(links)
    assert store.db.execute("PRAGMA temp_store").fetchone()[0] == 0, "put back"
    assert [n for kind, n in statements if kind == "claims"] == [7, 7, 7, 7, 2]
    assert sorted(c.id for c in store.claims(doc.id)) == sorted(c.id for c in claims)
    assert sorted(k.id for k in store.links()) == sorted(k.id for k in links)


def test_bulk_inserts_into_tables_that_hold_rows_go_one_statement_each(store):
    """A statement of many rows journals the pages it changes until the transaction ends, which
    grows with what the table holds: into a table with rows, each row is its own statement."""
    doc = _doc(store, "word " * 200)
    store.insert_claims([Claim(new_id(), doc.id, 0, 4, "word")])
    statements = _recorded(store)
    with store.filling(("claims",)):
        assert store.db.execute("PRAGMA temp_store").fetchone()[0] == 0
        with store.transaction():
            store.insert_claims([Claim(new_id(), doc.id, 5 * k, 5 * k + 4, "word") for k in range(1, 30)])
    assert statements == [("claims", 1)] * 29
    assert len(store.claims(doc.id)) == 30


def test_links_between_reads_the_same_links_whichever_way_it_reads(demo_store):
    """A few claims' links are looked up; many claims' links are read with all the others and
    picked out: either way, the links with an end among the claims asked about."""
    claims = sorted(c.id for c in demo_store.claims())
    links = demo_store.links()
    assert len(links) > 2
    for asked in (claims[:1], claims[:3], claims[:12], claims, []):
        expected = sorted((k.from_claim_id, k.to_claim_id, k.relation) for k in links
                          if k.from_claim_id in asked or k.to_claim_id in asked)
        assert sorted(demo_store.links_between(asked)) == expected
        assert all(isinstance(r, Relation) for _, _, r in demo_store.links_between(asked))
