"""Sentences worth checking: the rules, offsets, and how much of the demo's claims they cover."""

from __future__ import annotations

from annotator.services import checkworthy


def test_each_rule_names_itself():
    assert checkworthy.reasons("Clarifai deleted 3 million photos from its servers last week.") == ("figure", "date")
    assert "attribution" in checkworthy.reasons("The company said it had stopped using the pictures entirely.")
    assert "comparison" in checkworthy.reasons("It is the largest settlement the agency has ever reached here.")
    assert checkworthy.reasons("The weather was pleasant and the streets were calm.") == ()
    assert checkworthy.reasons("3 million photos.") == (), "too short: a heading, not a claim"


def test_hints_keep_python_offsets_after_emoji():
    text = "Big news 😀👍🏽 today.\n\nOfficials said 40 people were hurt in the blast on Monday. Nothing else here."
    found = checkworthy.hints(text)
    assert [h.text for h in found] == ["Officials said 40 people were hurt in the blast on Monday."]
    assert text[found[0].start:found[0].end] == found[0].text


def test_claimed_sentences_are_left_out():
    text = ("Officials said 40 people were hurt in the blast on Monday. "
            "The mayor said 12 were children, officials added.")
    found = checkworthy.hints(text)
    assert len(found) == 2

    class Claim:
        start, end = 9, 24

    assert [h.text for h in checkworthy.unclaimed(found, [Claim()])] == [found[1].text]


def test_on_the_demo_most_claims_sit_in_flagged_sentences(demo_store):
    claims_total = covered = flagged = 0
    for doc in demo_store.documents():
        found = checkworthy.hints(demo_store.document_text(doc.id))
        flagged += len(found)
        for claim in demo_store.claims(doc.id):
            claims_total += 1
            covered += any(h.start < claim.end and claim.start < h.end for h in found)
    assert covered / claims_total >= 0.75  # measured 19 of 23
    assert flagged < 60, "a triage aid flags a minority of the ~150 sentences"


def test_unclaimed_matches_a_plain_overlap_check():
    import random

    rng = random.Random(5)
    hints = []
    pos = 0
    for _ in range(300):
        start = pos + rng.randint(0, 5)
        end = start + rng.randint(1, 40)
        hints.append(checkworthy.Hint(start, end, "x", ("figure",)))
        pos = end + 1

    class C:
        def __init__(self, start, end):
            self.start, self.end = start, end

    claims = [C(a, a + rng.randint(1, 60)) for a in (rng.randint(0, pos) for _ in range(80))]
    expected = [h for h in hints if not any(c.start < h.end and h.start < c.end for c in claims)]
    assert checkworthy.unclaimed(hints, claims) == expected
