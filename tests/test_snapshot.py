"""The snapshot answers like the store, so workers can score without the database."""

import contextlib

from annotator.services.snapshot import Snapshot


def test_snapshot_matches_the_store(demo_store):
    snap = Snapshot(demo_store)
    assert snap.sources() == demo_store.sources()
    assert snap.claims() == demo_store.claims()
    assert snap.links() == demo_store.links()
    assert snap.verdicts() == demo_store.verdicts()
    assert snap.claim_spans() == demo_store.claim_spans()
    assert snap.link_relations() == demo_store.link_relations()
    doc = demo_store.documents()[0]
    assert snap.document_text(doc.id) == demo_store.document_text(doc.id)
    claim = demo_store.claims()[0]
    assert snap.links(claim.id) == demo_store.links(claim.id)
    assert snap.claims(doc.id) == demo_store.claims(doc.id)


def test_snapshots_share_unchanged_texts_through_the_cache(demo_store):
    cache = {}
    first = Snapshot(demo_store, text_cache=cache)
    assert len(cache) == 5
    doc = demo_store.documents()[0]
    demo_store.delete_document(demo_store.documents()[1].id)
    second = Snapshot(demo_store, text_cache=cache)
    assert len(cache) == 4, "texts of removed documents leave the cache"
    assert second.document_text(doc.id) is first.document_text(doc.id)


def test_a_worker_thread_reads_its_own_snapshot_of_the_open_project(demo_store):
    """Scoring reads the project in a worker through a read-only connection of its own,
    and sees every edit committed before it started; the app's connection is untouched."""
    import threading

    from annotator.services.annotations import AnnotationService
    from annotator.services.snapshot import snapshot_of_file

    claim = demo_store.claims()[0]
    AnnotationService(demo_store, annotator="tester").delete_claim(claim.id)
    result = {}

    def work():
        result["snap"] = snapshot_of_file(demo_store.path)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    snap = result["snap"]
    assert snap.claims() == demo_store.claims() and claim.id not in {c.id for c in snap.claims()}
    assert snap.links() == demo_store.links() and snap.verdicts() == demo_store.verdicts()
    assert demo_store.counts().claims == len(snap.claims()), "the app's own connection still works"


def test_a_snapshot_for_scoring_holds_what_scoring_reads(demo_store):
    snap = Snapshot(demo_store, for_scoring=True)
    assert snap.claim_spans() == demo_store.claim_spans() and snap.link_relations() == demo_store.link_relations()
    assert snap.verdicts() == demo_store.verdicts() and snap.sources() == demo_store.sources()
    import pytest

    with pytest.raises(RuntimeError, match="taken for scoring"):
        snap.claims()


def _scoring_reads(snap) -> tuple:
    texts = {d.id: snap.document_text(d.id) for d in snap.documents()}
    return (snap.sources(), snap.documents(), snap.claim_spans(), snap.link_relations(), snap.verdicts(), texts)


def _fresh(store) -> tuple:
    return _scoring_reads(Snapshot(store, for_scoring=True))


def test_a_live_snapshot_reads_only_what_changed_and_matches_a_fresh_one(demo_store):
    """The scoring process takes a snapshot after each edit: the rows the edits touched are read
    and put in their places, and the result is the project as a fresh snapshot sees it."""
    from annotator.core.model import Rating, Relation
    from annotator.services.annotations import AnnotationService
    from annotator.services.documents import DocumentService
    from annotator.services.snapshot import LiveSnapshot

    live = LiveSnapshot(demo_store.path)
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store) and live.last_read == "everything"
    service = AnnotationService(demo_store, annotator="tester")
    docs = demo_store.documents()
    text = demo_store.document_text(docs[0].id)
    first_claim = demo_store.claims(docs[0].id)[0]
    # A claim at the same place as an existing one (ties in the claims' order), a link, verdicts.
    twin = service.create_claim(docs[0].id, first_claim.start, first_claim.end)
    far = service.create_claim(docs[1].id, 0, 12)
    service.link(twin.id, far.id, Relation.CONTRADICTS)
    service.set_verdict(twin.id, Rating.FALSE)
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store) and live.last_read == "changes"
    service.set_verdict(twin.id, Rating.TRUE)  # the same verdict row changes
    service.resize_claim(far.id, 2, 20)
    linked = demo_store.links()[0]
    service.delete_claim(linked.from_claim_id)  # its links and verdicts go with it
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store) and live.last_read == "changes"
    documents = DocumentService(demo_store)
    documents.delete_document(docs[2].id)  # its claims, links and verdicts go by cascade
    documents.move_document(docs[3].id, source_name="A new outlet")
    demo_store.update_source(demo_store.sources()[0].id, name="Renamed outlet")
    assert len(text) > 12
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store) and live.last_read == "changes"
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store), "nothing changed: the same again"
    assert _built(live.snapshot()) == _built(Snapshot(demo_store, for_scoring=True))


def _built(snap) -> tuple:
    """What scoring makes of a snapshot (a live one finds links' claims by row number)."""
    from annotator.services.reliability import inputs as module
    from annotator.services.reliability.inputs import build_inputs

    module._LAST_STRUCTURE.clear()  # built from these rows, not taken over from the build before
    inputs = build_inputs(snap)
    pb = inputs.problem
    return (pb.source.tolist(), pb.prop.tolist(), [str(v) for v in pb.verdict.tolist()], pb.copied_from.tolist(),
            None if pb.group is None else pb.group.tolist(), list(inputs.claim_prop.items()), inputs.notes)


def test_a_live_snapshot_follows_claims_deleted_behind_its_links(demo_store):
    """Another tool deletes a linked claim with foreign keys off: its links stay in the file,
    naming a claim that is gone, and scoring treats them as the store's own reading does."""
    import sqlite3

    from annotator.services.annotations import AnnotationService
    from annotator.services.snapshot import LiveSnapshot

    from annotator.core.model import Relation

    service = AnnotationService(demo_store, annotator="tester")
    doc = demo_store.documents()[0]
    newest = service.create_claim(doc.id, 0, 5)  # the highest row number
    service.link(demo_store.claims(demo_store.documents()[1].id)[0].id, newest.id, Relation.SAME)
    live = LiveSnapshot(demo_store.path)
    live.snapshot()
    with sqlite3.connect(demo_store.path) as other_tool:
        number = other_tool.execute("SELECT rowid FROM claims WHERE id = ?", [newest.id]).fetchone()[0]
        other_tool.execute("DELETE FROM claims WHERE id = ?", [newest.id])
    again = service.create_claim(doc.id, 6, 9)
    assert demo_store.db.execute("SELECT rowid FROM claims WHERE id = ?", [again.id]).fetchone()[0] == number
    assert _built(live.snapshot()) == _built(Snapshot(demo_store, for_scoring=True))
    assert live.last_read == "changes"


def test_a_live_snapshot_reads_everything_when_the_log_cannot_say(demo_store, tmp_path):
    """A restored backup (an older file at the same path), or a log trimmed past the last
    reading: the live snapshot cannot tell what changed and reads the whole project."""
    import shutil
    import sqlite3

    from annotator.core.model import Rating
    from annotator.services.annotations import AnnotationService
    from annotator.services.snapshot import LiveSnapshot

    service = AnnotationService(demo_store, annotator="tester")
    claims = demo_store.claims()
    demo_store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    older = tmp_path / "older.annotator"
    shutil.copy(demo_store.path, older)
    live = LiveSnapshot(demo_store.path)
    service.set_verdict(claims[0].id, Rating.FALSE)
    live.snapshot()
    service.set_verdict(claims[1].id, Rating.TRUE)
    with sqlite3.connect(demo_store.path) as other_tool:  # another program empties the log
        other_tool.execute("DELETE FROM change_log")
    service.set_verdict(claims[2].id, Rating.TRUE)
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store) and live.last_read == "everything"

    path = demo_store.path
    demo_store.close()
    for suffix in ("-wal", "-shm"):
        (path.parent / (path.name + suffix)).unlink(missing_ok=True)
    shutil.copy(older, path)  # the backup goes back in place
    from annotator.store import open_project

    restored = open_project(path)
    try:
        AnnotationService(restored, annotator="tester").set_verdict(claims[3].id, Rating.FALSE)
        assert _scoring_reads(live.snapshot()) == _fresh(restored) and live.last_read == "everything"
    finally:
        restored.close()


def test_the_change_log_keeps_its_latest_entries_only(store):
    store.db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000) "
                     "INSERT INTO change_log (tbl, row_id) SELECT 'claims', 'x' || i FROM n")
    kept, first = store.db.execute("SELECT count(*), min(seq) FROM change_log").fetchone()
    latest = store.change_mark()
    assert latest is not None and latest[2] == "x25000"
    assert 20_000 <= kept <= 21_000 and first > 4_000
    assert store.changed_since((1, "claims", "x1")) is None, "trimmed past: the log cannot say"


def test_a_verdict_reuses_what_the_claims_and_links_make(demo_store):
    """Propositions, rivals, assertions and copies do not depend on verdicts: after a verdict
    the scoring takes them from the scoring before, and the inputs equal a fresh build's."""
    from annotator.core.model import Rating, Relation
    from annotator.services.annotations import AnnotationService
    from annotator.services.reliability import inputs
    from annotator.services.snapshot import LiveSnapshot

    service = AnnotationService(demo_store, annotator="tester")
    live = LiveSnapshot(demo_store.path)
    _built(live.snapshot())
    made = inputs._LAST_STRUCTURE[0][1]
    claims = demo_store.claims()
    service.set_verdict(claims[0].id, Rating.FALSE)
    service.set_verdict(claims[1].id, Rating.MIXED)
    inputs.build_inputs(live.snapshot())
    assert inputs._LAST_STRUCTURE[0][1] is made, "taken over"
    after_verdicts = _built(live.snapshot())
    inputs._LAST_STRUCTURE.clear()
    assert after_verdicts == _built(Snapshot(demo_store, for_scoring=True))
    service.link(claims[2].id, claims[-1].id, Relation.CONTRADICTS)
    inputs.build_inputs(live.snapshot())
    assert inputs._LAST_STRUCTURE[0][1] is not made
    assert _built(live.snapshot()) == _built(Snapshot(demo_store, for_scoring=True))


def test_a_live_snapshot_follows_a_row_given_another_id_and_a_restored_backup(demo_store, tmp_path):
    """Another tool renames a claim's id: the log names the old id too. A restored backup
    brings its own log: the snapshot reads the whole project again."""
    import sqlite3

    from annotator.core.model import Rating
    from annotator.services.annotations import AnnotationService
    from annotator.services.snapshot import LiveSnapshot
    from annotator.store import backups

    service = AnnotationService(demo_store, annotator="tester")
    claims = demo_store.claims()
    service.set_verdict(claims[0].id, Rating.TRUE)
    live = LiveSnapshot(demo_store.path)
    live.snapshot()
    with sqlite3.connect(demo_store.path) as other_tool:
        other_tool.execute("UPDATE claims SET id = 'renamed-by-another-tool' WHERE id = ?", [claims[1].id])
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store) and live.last_read == "changes"

    service.set_verdict(claims[2].id, Rating.TRUE)  # the backup has this verdict: later ones update its row
    backup = backups.take(demo_store.path, "by-hand").path
    service.set_verdict(claims[2].id, Rating.FALSE)
    live.snapshot()  # its last reading: the verdict above, the latest entry of the log
    demo_store.restore_backup(backup)
    service.set_verdict(claims[2].id, Rating.MIXED)  # the same row again: without a word from the
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store)  # restore, its log entry would match
    assert live.last_read == "everything"


def test_a_bulk_change_is_logged_once_and_the_log_goes_on_row_by_row_after_it(demo_store, tmp_path, monkeypatch):
    """A load of many rows writes one "everything changed" entry instead of one per row; the
    log's triggers are back afterwards, and after a change that failed half-way."""
    import pytest

    from annotator.core.model import Rating
    from annotator.services.annotations import AnnotationService
    from annotator.services.interchange import export_csv, load_csv
    from annotator.services.snapshot import LiveSnapshot
    from annotator.store.project import ProjectStore
    from annotator.store.versions import EVERYTHING_CHANGED

    def triggers() -> list:
        return demo_store.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                     "AND name LIKE '%logged%' ORDER BY name").fetchall()

    before = triggers()
    assert len(before) == 15
    export_csv(demo_store, tmp_path / "out")
    for claim in demo_store.claims():
        demo_store.delete_claim(claim.id)
    live = LiveSnapshot(demo_store.path)
    live.snapshot()
    monkeypatch.setattr(ProjectStore, "BULK_ROWS", 3)
    seq = demo_store.change_mark()[0]
    report = load_csv(demo_store, tmp_path / "out")
    assert report.loaded and report.claims_loaded > 3, report.lines()
    logged = demo_store.db.execute("SELECT tbl FROM change_log WHERE seq > ?", [seq]).fetchall()
    assert logged == [(EVERYTHING_CHANGED,)] and triggers() == before
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store) and live.last_read == "everything"

    claim = demo_store.claims()[0]
    AnnotationService(demo_store, annotator="tester").set_verdict(claim.id, Rating.TRUE)  # row by row again
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store) and live.last_read == "changes"

    with pytest.raises(RuntimeError), demo_store.bulk_change(10):
        demo_store.delete_claim(claim.id)
        raise RuntimeError("half-way")
    assert triggers() == before and demo_store.claim(claim.id).id == claim.id, "rolled back, triggers included"


def test_scorings_after_verdicts_work_out_only_what_changed_and_equal_a_fresh_build(demo_store):
    """After each verdict the scoring process works out again only the propositions whose
    verdicts changed (the rest is taken from the scoring before): whatever the edits (several
    people disagreeing, decisions, mixed ratings, verdicts withdrawn, rivals), the outcome is
    what a build from scratch makes of the project."""
    import random

    from annotator.core.model import Rating, Relation
    from annotator.services.annotations import AnnotationService
    from annotator.services.reliability import inputs as module
    from annotator.services.snapshot import LiveSnapshot

    people = [AnnotationService(demo_store, annotator=name) for name in ("Ana", "Ben", "Chloé")]
    claims = [c.id for c in demo_store.claims()]
    people[0].link(claims[0], claims[1], Relation.SAME)
    people[0].link(claims[2], claims[3], Relation.CONTRADICTS)
    live = LiveSnapshot(demo_store.path)
    module.build_inputs(live.snapshot())
    made = module._LAST_STRUCTURE[0][1]
    rng = random.Random(7)
    ratings = [Rating.TRUE, Rating.FALSE, Rating.MOSTLY_TRUE, Rating.MOSTLY_FALSE, Rating.MIXED, None]
    conflicts_seen = 0
    for step in range(60):
        person = rng.choice(people)
        picked = rng.sample(claims[:8], 2)
        if step % 9 == 8:
            person.decide(picked, rng.choice([Rating.TRUE, Rating.FALSE]))
        elif step % 7 == 6 and demo_store.verdict(picked[0], annotator=person.annotator) is not None:
            # the same rating with another note: the row is read again, rated at the same time
            kept_rating = demo_store.verdict(picked[0], annotator=person.annotator).rating
            person.set_verdict(picked[0], kept_rating, note=f"note {step}")
        else:
            person.set_verdict(picked[0], rng.choice(ratings))
        kept = module.build_inputs(live.snapshot())
        assert module._LAST_STRUCTURE[0][1] is made, "verdicts alone: the structure is taken over"
        module._LAST_STRUCTURE.clear()
        fresh = module.build_inputs(Snapshot(demo_store, for_scoring=True))
        module._LAST_STRUCTURE[:] = [(module._LAST_STRUCTURE[0][0], made)]
        assert kept.prop_rating == fresh.prop_rating and kept.prop_rating_claim == fresh.prop_rating_claim
        assert kept.ignored_ratings == fresh.ignored_ratings
        assert [str(v) for v in kept.problem.verdict] == [str(v) for v in fresh.problem.verdict]
        assert [(c.prop, c.verdicts) for c in kept.conflicts] == [(c.prop, c.verdicts) for c in fresh.conflicts]
        assert kept.notes == fresh.notes
        conflicts_seen += len(kept.conflicts)
    assert conflicts_seen, "the edits made people disagree"


def test_a_project_whose_change_log_is_empty_is_read_whole_once(demo_store):
    """A project just upgraded to have a change log starts with an empty one: the first edit
    after the scoring process read it is read alone (not the whole project again); a log
    trimmed meanwhile past its first entry cannot say what changed."""
    import sqlite3

    from annotator.core.model import Rating
    from annotator.services.annotations import AnnotationService
    from annotator.services.snapshot import LiveSnapshot

    with sqlite3.connect(demo_store.path) as other_tool:
        other_tool.execute("DELETE FROM change_log")
    service = AnnotationService(demo_store, annotator="tester")
    claims = demo_store.claims()
    live = LiveSnapshot(demo_store.path)
    live.snapshot()
    assert live.last_read == "everything"
    service.set_verdict(claims[0].id, Rating.FALSE)
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store) and live.last_read == "changes"

    with sqlite3.connect(demo_store.path) as other_tool:
        other_tool.execute("DELETE FROM change_log")
    live.snapshot()
    service.set_verdict(claims[1].id, Rating.TRUE)
    service.set_verdict(claims[2].id, Rating.TRUE)
    with sqlite3.connect(demo_store.path) as other_tool:  # trimmed: the first entry is gone
        other_tool.execute("DELETE FROM change_log WHERE seq = (SELECT min(seq) FROM change_log)")
    assert _scoring_reads(live.snapshot()) == _fresh(demo_store) and live.last_read == "everything"


def test_scorings_after_claims_and_links_change_keep_what_the_verdicts_made_and_equal_a_fresh_build(demo_store):
    """When claims or links change, the propositions are made again but what their verdicts
    make of them is carried over from the scoring before wherever they have the same verdicts
    (claims added, deleted, linked, unlinked, among verdicts and decisions of several people):
    the outcome is what a build from scratch makes of the project."""
    import random

    from annotator.core.errors import ValidationError
    from annotator.core.model import Rating, Relation
    from annotator.services.annotations import AnnotationService
    from annotator.services.reliability import inputs as module
    from annotator.services.snapshot import LiveSnapshot

    people = [AnnotationService(demo_store, annotator=name) for name in ("Ana", "Ben", "Chloé")]
    docs = [d.id for d in demo_store.documents()]
    live = LiveSnapshot(demo_store.path)
    module.build_inputs(live.snapshot())
    rng = random.Random(11)
    ratings = [Rating.TRUE, Rating.FALSE, Rating.MOSTLY_FALSE, Rating.MIXED]
    relations = [Relation.SAME, Relation.SAME, Relation.SUPPORTS, Relation.CONTRADICTS, Relation.DERIVED]
    carried = conflicts_carried = 0
    kept = None
    original = module._VerdictBook.carried_over

    settle = module._VerdictBook._settle
    settled: set[int] = set()

    def counting(book, before, now):
        nonlocal carried, conflicts_carried
        settled.clear()
        made = original(book, before, now)
        carried += 1
        conflicts_carried += len(made.conflicts.keys() - settled)
        return made

    def settling(book, p, *args):
        settled.add(p)
        return settle(book, p, *args)

    module._VerdictBook.carried_over = counting
    module._VerdictBook._settle = settling
    try:
        for step in range(80):
            person = rng.choice(people)
            claims = [c.id for c in demo_store.claims()]
            kind = step % 4
            if kind == 0:  # a claim added, deleted, or a link drawn or taken away
                move = rng.randrange(7)
                disputed = [c for conflict in kept.conflicts for c in conflict.claims()] if kept else []
                if move == 4 and disputed:  # a quote a disagreement shows changes
                    claim = demo_store.claim(rng.choice(disputed))
                    person.resize_claim(claim.id, claim.start, claim.end + 1)
                elif move == 5 and disputed:  # ... or the name of its source
                    source = demo_store.source(demo_store.document(demo_store.claim(disputed[0]).document_id).source_id)
                    person.update_source(source.id, name=f"{source.name} ({step})")
                elif move == 6 and len(claims) > 20:  # a claim goes with its verdicts
                    person.delete_claim(rng.choice(claims[:14]))
                elif move == 0:
                    doc = rng.choice(docs)
                    start = rng.randrange(0, 200)
                    person.create_claim(doc, start, start + rng.randrange(5, 40))
                elif move == 1 and len(claims) > 20:
                    person.delete_claim(rng.choice(claims))
                elif move == 2:
                    a, b = rng.sample(claims[:16], 2)  # (mostly claims with verdicts)
                    with contextlib.suppress(ValidationError):  # already linked
                        person.link(a, b, rng.choice(relations))
                else:
                    links = demo_store.links()
                    if links:
                        person.unlink(rng.choice(links).id)
            elif kind == 3 and step % 12 == 11:
                person.decide(rng.sample(claims[:10], 2), rng.choice([Rating.TRUE, Rating.FALSE]))
            else:
                person.set_verdict(rng.choice(claims[:14]), rng.choice(ratings))
            kept = module.build_inputs(live.snapshot())
            made = module._LAST_STRUCTURE[:]
            module._LAST_STRUCTURE.clear()
            fresh = module.build_inputs(Snapshot(demo_store, for_scoring=True))
            module._LAST_STRUCTURE[:] = made
            assert kept.prop_rating == fresh.prop_rating and kept.prop_rating_claim == fresh.prop_rating_claim
            assert kept.ignored_ratings == fresh.ignored_ratings
            assert [str(v) for v in kept.problem.verdict] == [str(v) for v in fresh.problem.verdict]
            assert [(c.prop, c.verdicts, c.text()) for c in kept.conflicts] == [
                (c.prop, c.verdicts, c.text()) for c in fresh.conflicts]
            assert [c.shortened().pickled for c in kept.conflicts] == [c.shortened().pickled for c in fresh.conflicts]
            assert kept.notes == fresh.notes
    finally:
        module._VerdictBook.carried_over = original
        module._VerdictBook._settle = settle
    assert carried > 10, "claims and links changed under verdicts already read"
    assert conflicts_carried, "disagreements were carried over"


def test_claims_are_found_by_row_number_whether_the_numbers_are_dense_or_sparse():
    """Row numbers with few gaps are looked up in a table, others by a sorted search: both
    answer each number asked for with the place of its claim, -1 for none."""
    import numpy as np

    from annotator.services.reliability.inputs import _ByNumber

    rng = np.random.default_rng(3)
    for numbers in (rng.permutation(5000) + 1,  # dense: a table
                    rng.choice(10**9, size=3000, replace=False),  # sparse: a search
                    np.array([7, -3, 12], dtype=np.int64),  # a negative number: a search
                    np.zeros(0, dtype=np.int64)):
        numbers = np.asarray(numbers, dtype=np.int64)
        place = {int(k): i for i, k in enumerate(numbers)}
        asked = np.concatenate((numbers[::3], rng.integers(-5, int(numbers.max(initial=0)) + 10, size=500),
                                [10**12, -(10**12)])).astype(np.int64)
        assert _ByNumber(numbers)(asked).tolist() == [place.get(int(k), -1) for k in asked]


def test_rival_groups_are_taken_over_when_claims_are_added_elsewhere(demo_store):
    """Rival propositions tangled in contradictions are worked through pair by pair; after a
    claim added elsewhere (which numbers the propositions after it anew) or an unrelated
    verdict, the groups of the scoring before are taken over under the new numbers, and they
    are the groups a fresh build makes. A new contradiction is worked through again."""
    import random

    from annotator.core.model import Rating, Relation
    from annotator.services.annotations import AnnotationService
    from annotator.services.reliability import inputs as module
    from annotator.services.snapshot import LiveSnapshot

    person = AnnotationService(demo_store, annotator="Ana")
    claims = [c.id for c in demo_store.claims()]
    rng = random.Random(3)
    for a, b in ((0, 1), (1, 2), (0, 2), (2, 3), (4, 5), (5, 6), (3, 6), (7, 8), (8, 9)):  # a group, pairs, a chain
        person.link(claims[a], claims[b], Relation.CONTRADICTS)
    person.set_verdict(claims[0], Rating.TRUE)
    live = LiveSnapshot(demo_store.path)
    module.build_inputs(live.snapshot())
    taken = 0
    doc = demo_store.documents()[0].id
    for step in range(8):
        if step == 5:  # a new rival: worked through again
            person.link(claims[9], claims[10], Relation.CONTRADICTS)
        elif step == 6:  # as many rivals, other pairs: worked through again
            person.unlink(next(link.id for link in demo_store.links(claims[8]) if claims[9] in
                               (link.from_claim_id, link.to_claim_id)))
            person.link(claims[8], claims[10], Relation.CONTRADICTS)
        else:
            start = rng.randrange(0, 40)
            person.create_claim(doc, start, start + 12)  # (first in its document: propositions renumbered)
        kept = module.build_inputs(live.snapshot())
        st = module._LAST_STRUCTURE[0][1]
        taken += st.tangle.taken_over
        assert not (step in (5, 6) and st.tangle.taken_over)
        made = module._LAST_STRUCTURE[:]
        module._LAST_STRUCTURE.clear()
        fresh = module.build_inputs(Snapshot(demo_store, for_scoring=True))
        fresh_st = module._LAST_STRUCTURE[0][1]
        module._LAST_STRUCTURE[:] = made
        assert kept.problem.group.tolist() == fresh.problem.group.tolist(), step
        assert st.pair_rivals.tolist() == fresh_st.pair_rivals.tolist() and st.pair_rivals.size, step
        assert [str(v) for v in kept.problem.verdict] == [str(v) for v in fresh.problem.verdict]
    assert taken >= 5
