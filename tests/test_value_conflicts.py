"""Where sources disagree on a fact: dates, figures and actors read from claims, and the pairs of
claims about one thing that state different ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from annotator.core.model import Relation
from annotator.services.facts import ACTOR, DATE, FIGURE, MONEY, PERCENT, YEAR, same_actor, values
from annotator.services.value_conflicts import HOW_MANY, WHEN, WHO, project_conflicts
from tests.test_reliability import Newsroom


def _read(text: str) -> list[tuple]:
    return [(v.kind, v.key) for v in values(text)]


def test_dates_and_years_are_read_with_their_month_when_given():
    assert _read("In July 2019, the paper reported it") == [(DATE, (2019, 7))]
    assert _read("2016-05\nClarifai receives the dataset") == [(DATE, (2016, 5))], "an opener may be any word"
    assert [(v.kind, v.key) for v in values("2016-05\nClarifai receives the dataset", frozenset({"clarifai"}))] == \
        [(DATE, (2016, 5)), (ACTOR, "clarifai")], "a name the project writes mid-sentence elsewhere"
    assert (YEAR, 2014) in _read("The data was shared back in 2014.")
    assert (DATE, (2021, 5)) in _read("It closed on May 3, 2021.")
    assert _read("Up 2,000 from 1,500") == [(FIGURE, Decimal(2000)), (FIGURE, Decimal(1500))], "not years"
    assert not [k for k, _ in _read("a 12-inch screen, 40 pages") if k in (YEAR, DATE)]


def test_figures_are_one_figure_however_written_and_say_what_they_count():
    three = [v for v in values("Clarifai deleted 3M OkCupid user photos") if v.kind == FIGURE]
    assert [(v.key, "~photo" in v.nouns) for v in three] == [(Decimal(3_000_000), True)]
    assert [v.key for v in values("three million images") if v.kind == FIGURE] == [Decimal(3_000_000)]
    assert [v.key for v in values("3,000,000 pictures") if v.kind == FIGURE] == [Decimal(3_000_000)]
    assert _read("up 40% on the year") == [(PERCENT, Decimal(40))]
    assert (MONEY, ("USD", Decimal("2500000000.0"))) in _read("Tesla raised $2.5 billion")
    surgery = [v for v in values("paid 300 for surgery") if v.kind == FIGURE]
    assert surgery[0].nouns == frozenset({"surgery"}), "a figure followed by 'for' counts what follows"
    assert not [v for v in values("one of the two men") if v.kind == FIGURE], "small counts are not read"


def test_names_are_runs_of_capitals_not_words_that_open_a_sentence():
    names = [v.key for v in values("The FTC and OkCupid, which is owned by Match Group, reached a settlement")
             if v.kind == ACTOR]
    assert names == ["ftc", "okcupid", "match group"]
    assert [v.key for v in values("Led Zeppelin's Robert Plant tore it up") if v.kind == ACTOR] == \
        ["led zeppelin", "robert plant"]
    assert not [v for v in values("Meanwhile the company said nothing.") if v.kind == ACTOR]
    assert [v.key for v in values("The minister, Édouard Philippe, said so") if v.kind == ACTOR] == \
        ["edouard philippe"], "a name may start with an accented capital (and is compared without accents)"
    assert same_actor("ftc", "federal trade commission") and same_actor("zeiler", "matthew zeiler")
    assert not same_actor("okcupid", "clarifai")


def test_the_demo_shows_where_its_sources_disagree(tmp_path):
    """The disagreements a fact-checker must see first in the demo: when the photos changed
    hands (2014, 2016 or 2024), when it was reported (2019 or 2024), and who settled with the FTC."""
    from annotator.services.demo import create_demo_project

    store = create_demo_project(tmp_path / "demo.annotator")
    try:
        found = project_conflicts(store)
    finally:
        store.close()

    def has(kind: str, x: str, y: str) -> bool:
        return any(c.kind == kind and any(x in v for v in (c.value_a, c.value_b))
                   and any(y in v for v in (c.value_a, c.value_b)) for c in found)

    assert has(WHEN, "2014", "2016") and has(WHEN, "2014", "2024") and has(WHEN, "2019", "2024")
    assert has(WHO, "OkCupid", "Clarifai")
    assert not [c for c in found if c.kind == HOW_MANY], "every source says 3 million"
    settled = next(c for c in found if c.kind == WHO and "Clarifai" in (c.value_a, c.value_b))
    assert settled.linked == Relation.CONTRADICTS
    assert "FTC" in settled.quote_a + settled.quote_b


def test_claims_linked_as_one_that_give_other_figures_disagree_and_rounding_does_not(store):
    room = Newsroom(store)
    a = room.claim("Daily Planet", "The app shared 3 million photos with the startup.")
    b = room.claim("Evening Post", "The app shared 2 million photos with the startup.")
    c = room.claim("Morning Star", "The app shared about 3.1 million photos with the startup.")
    room.same(a, b)
    room.same(a, c)
    found = project_conflicts(store)
    figures = [{x.claim_a, x.claim_b} for x in found if x.kind == HOW_MANY]
    assert {a, b} in figures and {b, c} in figures, "2 million against 3 (and 3.1) million"
    assert {a, c} not in figures, "3 and about 3.1 million are one figure"


def test_unlinked_claims_in_other_words_about_one_event_disagree_on_its_year(store):
    room = Newsroom(store)
    room.claim("Daily Planet", "In 2014 the dating site provided personal photographs of its users to the startup.")
    room.claim("Evening Post", "Early in 2024 the dating site was supplying user photos to the startup, personal ones.")
    room.claim("Morning Star", "The weather in 2020 was mild across the region.")
    found = project_conflicts(store)
    assert [(c.kind, {c.value_a, c.value_b}) for c in found] == [(WHEN, {"2014", "2024"})]
    assert found[0].linked is None and found[0].shared >= 0.34


def test_actors_are_compared_only_between_linked_claims(store):
    room = Newsroom(store)
    a = room.claim("Daily Planet", "Acme Corp settled with the regulator in March.")
    b = room.claim("Evening Post", "Regulators say Globex settled with them in March.")
    assert not [c for c in project_conflicts(store) if c.kind == WHO], "unlinked: not known to be one event"
    room.service.link(a, b, Relation.CONTRADICTS)
    who = [c for c in project_conflicts(store) if c.kind == WHO]
    assert [(c.value_a, c.value_b) for c in who] in ([("Acme Corp", "Globex")], [("Globex", "Acme Corp")])


def test_cli_lists_the_disagreements_in_words_and_as_json(tmp_path):
    from annotator.services.demo import create_demo_project

    path = tmp_path / "demo.annotator"
    create_demo_project(path).close()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    r = subprocess.run([sys.executable, "-m", "annotator", "conflicts", str(path)], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "date: AI news aggregator (citing TNW) says “2016-05”, Unattributed report says “2014”" in r.stdout
    assert "disagreements (" in r.stdout.splitlines()[-1]
    r = subprocess.run([sys.executable, "-m", "annotator", "conflicts", str(path), "--json"], capture_output=True,
                       text=True, env=env, timeout=120)
    data = json.loads(r.stdout)["conflicts"]
    assert {"kind", "label", "claim_a", "claim_b", "value_a", "value_b", "quote_a", "linked"} <= set(data[0])
    assert any(c["label"] == "actor" and "Clarifai" in (c["value_a"], c["value_b"]) for c in data)


@pytest.mark.parametrize("text", ["", "   ", "1999", "$", "%", "A", "The The The", "x" * 5000])
def test_odd_text_reads_without_error(text):
    values(text)


def test_a_search_after_an_edit_reads_only_the_claims_that_changed(store, monkeypatch):
    """The app searches again after each edit: what was read of unchanged claims is kept."""
    from annotator.services import value_conflicts
    from annotator.services.value_conflicts import FactsCache

    room = Newsroom(store)
    a = room.claim("Daily Planet", "The app shared 3 million photos with the startup.")
    b = room.claim("Evening Post", "The app shared 2 million photos with the startup.")
    room.same(a, b)
    read = []
    real = value_conflicts.values
    monkeypatch.setattr(value_conflicts, "values", lambda text, names=frozenset(): read.append(text) or
                        real(text, names))
    cache = FactsCache()
    first = project_conflicts(store, cache=cache)
    assert len(first) == 1 and len(read) >= 2
    read.clear()
    c = room.claim("Morning Star", "The app shared 5 million photos with the startup.")
    room.same(a, c)
    again = project_conflicts(store, cache=cache)
    assert read and all("5 million" in text or "Morning Star" in text for text in read), read
    assert len(again) == 3  # a-b, a-c and b-c (one proposition)


def test_hostile_text_is_read_in_one_pass_without_error():
    """A long run of possessive names, a page of capitalised prose, digits and commas: read
    without recursion or quadratic rescans."""
    values("Acme's " * 3000 + "Bob")
    values("Officials in Paris said Acme Corp paid 3 million dollars to Globex in 2014. " * 2000)
    values("1," * 20000 + "5 people")
    values("May " * 5000 + "2014")


def test_ranges_and_both_orders_are_one_comparison(store):
    """A figure inside the other claim's range agrees with it, whichever claim comes first; a
    year inside a span of years too; "21 May 2014" is read; number words need a scale."""
    from annotator.services.value_conflicts import ClaimFacts, claim_facts, find_conflicts

    def disagree(x: str, y: str) -> list[tuple]:
        out = []
        for first, second in ((x, y), (y, x)):
            facts: list[ClaimFacts] = claim_facts([("a", "d1", 0, len(first), first),
                                                   ("b", "d2", 0, len(second), second)], {}, {})
            out.append([(c.kind, c.value_a, c.value_b) for c in find_conflicts(facts, [("a", "b", "same_claim")])])
        return out

    assert disagree("Between 4,000 and 5,000 people were evacuated.", "4,500 people were evacuated.") == [[], []]
    assert disagree("Between 4,000 and 5,000 people were evacuated.", "4,000 people were evacuated.") == [[], []]
    assert disagree("The photos were shared from 2014 to 2016.", "The photos were shared in 2015.") == [[], []]
    assert disagree("It had 3 million users.", "It had 2 million users.") == [
        [("how many", "3 million", "2 million")], [("how many", "2 million", "3 million")]]
    assert disagree("The fire killed 12 people on 21 May 2014.", "The fire killed 12 people in 2016.")[0] == [
        ("when", "21 May 2014", "2016")]
    assert not [v for v in values("Two hundred people and twenty five more") if v.kind == FIGURE]


def test_claims_joined_only_through_other_claims_links_say_so(store):
    room = Newsroom(store)
    a = room.claim("Daily Planet", "The dating site handed over the photos in 2014.")
    b = room.claim("Evening Post", "The dating site handed over the photos, a court heard.")
    c = room.claim("Morning Star", "Handing over the photos happened in 2016, the filing says.")
    room.same(a, b)
    room.service.link(c, b, Relation.CONTRADICTS)
    found = [x for x in project_conflicts(store) if {x.claim_a, x.claim_b} == {a, c}]
    assert len(found) == 1 and found[0].through and found[0].relations == ()
    assert "through linked claims (contradicts)" in found[0].text()


def test_a_search_in_a_copy_of_the_cache_leaves_the_original_as_it_was(store):
    from annotator.services.value_conflicts import FactsCache

    room = Newsroom(store)
    three = room.claim("Daily Planet", "It had 3 million users.")
    room.same(three, room.claim("Evening Post", "It had 2 million users."))
    cache = FactsCache()
    copy = cache.copy()
    project_conflicts(store, cache=copy)
    assert copy.claims and not cache.claims


def test_disputes_say_for_each_claim_what_the_other_states(demo_store):
    """What the badges show: each claim of a disagreement, with the other side's value and
    source; the pair itself, in either order."""
    from annotator.services.value_conflicts import Disputes

    conflicts = project_conflicts(demo_store)
    disputes = Disputes.of(conflicts)
    first = conflicts[0]
    assert disputes.between(first.claim_a, first.claim_b) and disputes.between(first.claim_b, first.claim_a)
    assert any(first.source_b in line and first.value_b in line for line in disputes.about(first.claim_a))
    assert any(first.source_a in line and first.value_a in line for line in disputes.about(first.claim_b))
    involved = {c.claim_a for c in conflicts} | {c.claim_b for c in conflicts}
    assert set(disputes.by_claim) == involved
    quiet = next(c.id for c in demo_store.claims() if c.id not in involved)
    assert disputes.about(quiet) == () and Disputes.of([]).about(first.claim_a) == ()
    on = disputes.on(first.claim_b, first.claim_a)
    assert on and all(first.source_a in line and first.source_b in line for line in on)
    others = [c for c in conflicts if first.claim_a in (c.claim_a, c.claim_b)
              and {c.claim_a, c.claim_b} != {first.claim_a, first.claim_b}]
    assert len(disputes.about(first.claim_a)) == len(on) + len(others), "a pair's lines are its own"
