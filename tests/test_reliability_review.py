"""Reliability inputs: cases found in review (contradiction stars, copy loops, later
non-decisive verdicts, annotators who disagree, shared footers, lightly edited copies)."""

from __future__ import annotations

from annotator.core.model import Rating, Relation
from annotator.services.annotations import AnnotationService
from annotator.services.reliability import Config, explain_claim, score_project
from annotator.services.reliability.inputs import reused_sentences
from tests.test_reliability import Newsroom


def _source(scores, name):
    return next(s for s in scores.sources if s.name == name)


def _star(store):
    """Alpha and Gamma (who agree, unlinked) both contradict Beta."""
    room = Newsroom(store)
    a = room.claim("Alpha", "The factory closed in 2019 after the strike.")
    b = room.claim("Beta", "The factory is still open and hiring today.")
    c = room.claim("Gamma", "The plant shut its doors for good in 2019.")
    room.service.link(a, b, Relation.CONTRADICTS)
    room.service.link(c, b, Relation.CONTRADICTS)
    return room, a, b, c


def test_two_claims_that_contradict_the_same_claim_are_not_rivals_of_each_other(store):
    room, a, _b, c = _star(store)
    room.verdict(a, Rating.TRUE)
    scores = score_project(store, Config(min_checked=1))
    assert _source(scores, "Beta").record_text.startswith("0 of 1")
    assert _source(scores, "Gamma").checked_count == 0, "Gamma agrees with the true claim: not a miss"
    estimate = explain_claim(scores, c)
    assert not estimate.settled and estimate.probability > 0.5
    assert all(p.source_name != "Alpha" or p.weight >= 0 for p in estimate.pushes)


def test_a_true_verdict_settles_every_claim_that_contradicts_it(store):
    room, _a, b, c = _star(store)
    room.verdict(b, Rating.TRUE)
    scores = score_project(store, Config(min_checked=1))
    for name in ("Alpha", "Gamma"):
        assert _source(scores, name).record_text.startswith("0 of 1"), name
    assert explain_claim(scores, c).verdict == "false (a rival claim was rated true)"


def test_a_loop_of_derived_from_links_is_one_voice_not_none(store):
    room = Newsroom(store)
    a = room.claim("Alpha", "The mayor resigned on Monday morning amid protests.")
    b = room.claim("Beta", "Mayor quits Monday as protests grow.")
    c = room.claim("Gamma", "Monday: the mayor stepped down.")
    room.claim("Delta", "The council met on Tuesday to discuss the budget.")
    for x, y in ((a, b), (b, c), (c, a)):
        room.service.link(x, y, Relation.DERIVED)
    scores = score_project(store)
    inputs = scores.inputs
    weights = {inputs.source_names[int(inputs.problem.source[k])]: float(scores.result.weight[k])
               for k in range(inputs.problem.source.size) if inputs.claim_prop[a] == int(inputs.problem.prop[k])}
    assert sorted(weights.values()) == [0.0, 0.0, 1.0]


def test_a_later_mixed_verdict_does_not_erase_an_earlier_false_one(store):
    room = Newsroom(store)
    ids = room.doc("Wire", ["The mayor resigned on Monday.", "The budget was cut by ten percent.",
                            "The bridge reopened in May."])
    for cid in ids:
        room.verdict(cid, Rating.FALSE)
    AnnotationService(store, annotator="bob").set_verdict(ids[0], Rating.MIXED)
    scores = score_project(store, Config(min_checked=1))
    assert _source(scores, "Wire").record_text.startswith("0 of 3")


def test_annotators_who_disagree_on_one_claim_are_reported(store):
    room = Newsroom(store)
    ids = room.doc("Wire", ["The mayor resigned on Monday.", "The budget was cut by ten percent.",
                            "The bridge reopened in May."])
    for cid in ids:
        room.verdict(cid, Rating.TRUE)
    AnnotationService(store, annotator="bob").set_verdict(ids[0], Rating.FALSE)
    scores = score_project(store, Config(min_checked=1))
    assert _source(scores, "Wire").record_text.startswith("2 of 2"), "the disputed claim counts as unchecked"
    assert any(note.startswith("Verdicts disagree on “The mayor resigned on Monday.” (Wire)")
               and "by bob" in note and ids[0] not in note for note in scores.notes), scores.notes


def test_a_shared_footer_does_not_make_a_short_story_a_copy(store):
    footer = "Sign up for our free newsletter to get the top stories delivered to your inbox."
    room = Newsroom(store)
    a = room.doc("Alpha", ["The mayor resigned on Monday.", footer])[0]
    b = room.doc("Beta", ["Mayor quits after protests.", footer])[0]
    room.same(a, b)
    scores = score_project(store)
    assert all(w == 1.0 for w in scores.result.weight)
    assert not any("copy" in (p.note or "") for p in explain_claim(scores, a).pushes)


def test_a_copy_with_three_small_edits_is_still_found():
    original = "Prime Minister Smith said on Monday that taxes would rise by 5% next year."
    edited = "Prime Minister Smith said Monday that taxes will rise by 5 percent next year."
    pairs, _ = reused_sentences({"d1": original, "d2": edited}, {"d1": "s1", "d2": "s2"})
    assert pairs == {("d1", "d2"): [(0, 0)]}
    unrelated = "Police said the suspect was arrested on Monday near the station in town."
    pairs, _ = reused_sentences({"d1": original, "d3": unrelated}, {"d1": "s1", "d3": "s3"})
    assert pairs == {}


def _disputed_wire(tmp_path):
    """Wire's three claims rated true by the tester; bob rates the first false."""
    from annotator.core.clock import TickingClock
    from annotator.store import create_project

    store = create_project(tmp_path / "decide.annotator", clock=TickingClock())
    room = Newsroom(store)
    ids = room.doc("Wire", ["The mayor resigned on Monday.", "The budget was cut by ten percent.",
                            "The bridge reopened in May."])
    for cid in ids:
        room.verdict(cid, Rating.TRUE)
    AnnotationService(store, annotator="bob").set_verdict(ids[0], Rating.FALSE)
    return store, room, ids


def _disagree(scores) -> bool:
    return any(note.startswith("Verdicts disagree") for note in scores.notes)


def test_a_decision_settles_a_disagreement_and_a_later_verdict_against_it_reopens_it(tmp_path):
    store, room, ids = _disputed_wire(tmp_path)
    config = Config(min_checked=1)
    assert _disagree(score_project(store, config))
    AnnotationService(store, annotator="carol").decide([ids[0]], Rating.FALSE)
    scores = score_project(store, config)
    assert not _disagree(scores) and not scores.inputs.conflicts
    assert _source(scores, "Wire").record_text.startswith("2 of 3"), "decided false, the other two true"
    assert sorted((v.annotator, v.rating.value, v.decides) for v in store.verdicts(ids[0])) == [
        ("bob", "false", False), ("carol", "false", True), ("tester", "true", False)], "everybody's verdict kept"
    room.verdict(ids[0], Rating.MOSTLY_TRUE)  # the tester rates it again, after the decision
    scores = score_project(store, config)
    assert _disagree(scores)
    assert _source(scores, "Wire").record_text.startswith("2 of 2")
    store.close()


def test_a_decision_is_undone_in_one_step_and_needs_a_true_or_false_rating(tmp_path):
    import pytest

    from annotator.core.errors import ValidationError

    store, _room, ids = _disputed_wire(tmp_path)
    carol = AnnotationService(store, annotator="carol")
    carol.set_verdict(ids[0], Rating.MOSTLY_TRUE, note="her own reading")
    previous = carol.decide([ids[0]], Rating.FALSE)
    decided = store.verdict(ids[0], annotator="carol")
    assert (decided.rating, decided.decides, decided.note) == (Rating.FALSE, True, "her own reading")
    carol.restore_verdicts(previous)
    back = store.verdict(ids[0], annotator="carol")
    assert (back.rating, back.decides, back.note) == (Rating.MOSTLY_TRUE, False, "her own reading")
    assert _disagree(score_project(store, Config(min_checked=1)))
    with pytest.raises(ValidationError):
        carol.decide([ids[0]], Rating.MIXED)
    store.close()


def test_a_decision_travels_in_the_verdicts_csv(tmp_path):
    from annotator.services.interchange.csv_export import export_csv
    from annotator.services.interchange.csv_load import load_csv

    store, _room, ids = _disputed_wire(tmp_path)
    AnnotationService(store, annotator="carol").decide([ids[0]], Rating.FALSE)
    export_csv(store, tmp_path / "out")
    assert "decides" in (tmp_path / "out" / "verdicts.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    store.delete_verdict(store.verdict(ids[0], annotator="carol").id)  # as in a copy without it
    assert _disagree(score_project(store, Config(min_checked=1)))
    report = load_csv(store, tmp_path / "out")
    assert not report.errors, report.errors
    assert [(v.annotator, v.decides) for v in store.verdicts(ids[0]) if v.decides] == [("carol", True)]
    assert not _disagree(score_project(store, Config(min_checked=1)))
    store.close()


def test_editing_a_note_neither_undoes_a_decision_nor_reopens_the_conflict(tmp_path):
    """Carol decides, then explains her decision in the note; Bob fixes a typo in his note.
    Neither changes a rating, so the decision stands. Bob changing his rating would reopen it."""
    store, _room, ids = _disputed_wire(tmp_path)
    config = Config(min_checked=1)
    carol, bob = AnnotationService(store, annotator="carol"), AnnotationService(store, annotator="bob")
    carol.decide([ids[0]], Rating.FALSE)
    carol.set_verdict(ids[0], Rating.FALSE, note="The council minutes show he stayed until June.")
    assert store.verdict(ids[0], annotator="carol").decides
    bob.set_verdict(ids[0], Rating.FALSE, note="Typo fixed")
    assert not _disagree(score_project(store, config))
    bob.set_verdict(ids[0], Rating.TRUE, note="Typo fixed")  # a new rating, after the decision
    assert _disagree(score_project(store, config))
    carol.set_verdict(ids[0], Rating.MOSTLY_FALSE)  # Carol re-rates in the ordinary way: no longer a decision
    assert not store.verdict(ids[0], annotator="carol").decides
    store.close()


def test_the_window_gets_a_bounded_summary_of_a_disagreement_however_many_verdicts_it_gathers():
    from annotator.services.reliability.inputs import DisputedVerdict, DisputedVerdicts

    verdicts = [DisputedVerdict(f"c{i}", "The mayor resigned.", "Wire", Rating.TRUE if i % 3 else Rating.FALSE,
                                f"person {i}", f"2026-11-30T10:{i // 60:02d}:{i % 60:02d}Z") for i in range(3000)]
    short = DisputedVerdicts(7, verdicts).shortened()
    assert len(short.verdicts) == 8 and short.more == 2992
    assert {v.rating for v in short.verdicts} == {Rating.TRUE, Rating.FALSE}
    assert short.verdicts == sorted(short.verdicts, key=lambda v: v.when), "oldest first, as before"
    assert [v.claim_id for v in short.verdicts][-1] == "c2999", "the latest kept"
    assert short.claims() == [f"c{i}" for i in range(3000)], "a decision still covers every claim"
    assert short.prop == -1 and DisputedVerdicts(8, verdicts).shortened().pickled == short.pickled, \
        "the same for the window whatever the proposition's number"
