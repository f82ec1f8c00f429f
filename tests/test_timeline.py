"""Who said it happened when: claims placed on a time axis by the dates they state."""

from __future__ import annotations

from annotator.services.timeline import build_timeline
from tests.test_reliability import Newsroom


def test_the_demo_timeline_places_each_proposition_at_the_dates_its_claims_state(tmp_path):
    from annotator.services.demo import create_demo_project

    store = create_demo_project(tmp_path / "demo.annotator")
    try:
        timeline = build_timeline(store)
    finally:
        store.close()
    assert timeline.span == (2014, 2024)
    def row(start: str):
        return next(r for r in timeline.rows if r.label.startswith("“" + start))

    transfer = row("in 2014 dating site OkCupid")
    assert {(p.source, p.year) for p in transfer.points} == {
        ("AI incident database page", 2014), ("AIChief", 2014), ("Unattributed report", 2014)}
    assert [(p.year, p.month, p.text) for p in row("Clarifai receives the scraped").points] == [
        (2016, 5, "2016-05")], "the date line above the claim, as the aggregator's timeline writes it"
    assert [p.year for p in row("The saga began in early 2024").points] == [2024]
    firsts = [min(p.position for p in row.points) for row in timeline.rows]
    assert firsts == sorted(firsts), "rows in the order of their first date"
    assert [(d.source, d.year, d.month) for d in timeline.published] == [("AI incident database page", 2023, 1)]
    assert not any(row.disagrees for row in timeline.rows)


def test_a_proposition_whose_sources_give_different_years_is_marked(store):
    room = Newsroom(store)
    a = room.claim("Daily Planet", "The dating site handed over the photos in 2014.")
    b = room.claim("Evening Post", "The dating site handed over the photos in 2016.")
    room.same(a, b)
    room.claim("Morning Star", "Nothing here says when.")
    timeline = build_timeline(store)
    assert len(timeline.rows) == 1 and timeline.rows[0].disagrees
    assert sorted(p.year for p in timeline.rows[0].points) == [2014, 2016]
    assert timeline.sources == ["Daily Planet", "Evening Post"]


def test_many_claims_of_one_date_and_source_are_one_mark(store):
    """A claim repeated by one outlet a hundred times is drawn once per date (a chart of a large
    project draws the rows in view, each mark once)."""
    room = Newsroom(store)
    first = room.claim("Daily Planet", "The photos changed hands in 2014.")
    for k in range(5):
        room.same(first, room.claim("Daily Planet", f"Story {k}: the photos changed hands in 2014."))
    room.same(first, room.claim("Evening Post", "The photos changed hands in 2014."))
    row = build_timeline(store).rows[0]
    assert len(row.points) == 7 and sorted(p.source for p in row.marks) == ["Daily Planet", "Evening Post"]


def test_one_claim_giving_a_span_of_years_is_not_a_disagreement(store):
    room = Newsroom(store)
    a = room.claim("Daily Planet", "The photos were shared from 2014 to 2016.")
    room.same(a, room.claim("Evening Post", "The photos were shared in 2016."))
    row = build_timeline(store).rows[0]
    assert sorted(p.year for p in row.points) == [2014, 2016, 2016] and not row.disagrees
