"""Re-anchoring a claim's quote in a document that may have changed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.anchoring import EXACT, FUZZY, OFFSETS, anchor, min_similarity
from annotator.core.text import context

ARTICLE = (
    "Clarifai is a US-based company founded in 2013 that specialises in computer vision. "
    "In July 2019, the New York Times published a story alleging that in 2014 dating site "
    "OkCupid had provided Clarifai with personal photographs of its users. "
    "The company said it deleted about 3 million photos after a settlement with the FTC. "
    "Critics said the deletion came years too late. "
    "The FTC did not comment on the settlement. "
    "Clarifai said it deleted about 3 million photos. "
)
QUOTE = "deleted about 3 million photos after a settlement with the FTC"


def stored(text: str, quote: str) -> tuple[int, int, str, str]:
    start = text.index(quote)
    end = start + len(quote)
    prefix, suffix = context(text, start, end)
    return start, end, prefix, suffix


def test_offsets_when_the_text_is_unchanged():
    start, end, prefix, suffix = stored(ARTICLE, QUOTE)
    result = anchor(ARTICLE, QUOTE, prefix, suffix, start)
    assert (result.start, result.end, result.method, result.score) == (start, end, OFFSETS, 100.0)


def test_exact_after_sentences_were_added_and_removed():
    start, _end, prefix, suffix = stored(ARTICLE, QUOTE)
    edited = ("Updated on 3 May with a response from the company. " + ARTICLE).replace(
        "Critics said the deletion came years too late. ", "")
    result = anchor(edited, QUOTE, prefix, suffix, start)
    assert result.method == EXACT
    assert edited[result.start:result.end] == QUOTE
    assert result.start == edited.index(QUOTE)


def test_exact_prefers_the_occurrence_whose_context_matches():
    quote = "deleted about 3 million photos"
    second = ARTICLE.rindex(quote)
    prefix, suffix = context(ARTICLE, second, second + len(quote))
    result = anchor(ARTICLE, quote, prefix, suffix, hint_start=0)  # hint points at neither
    assert (result.start, result.method) == (second, EXACT)
    assert not result.ambiguous


def test_exact_without_context_takes_the_nearest_occurrence():
    quote = "deleted about 3 million photos"
    first, second = ARTICLE.index(quote), ARTICLE.rindex(quote)
    assert anchor(ARTICLE, quote, hint_start=second - 5).start == second
    result = anchor(ARTICLE, quote)  # quote only: the first, flagged as ambiguous
    assert (result.start, result.method, result.ambiguous) == (first, EXACT, True)


def test_quote_only_with_stray_spaces():
    result = anchor(ARTICLE, "  dating site OkCupid ")
    assert ARTICLE[result.start:result.end] == "dating site OkCupid"
    assert result.method == EXACT


def test_fuzzy_after_the_quote_itself_was_edited():
    start, _end, prefix, suffix = stored(ARTICLE, QUOTE)
    edited = ("A new opening paragraph was added to the story. " + ARTICLE).replace(
        "deleted about 3 million photos after a settlement", "deleted roughly 3 million pictures after a settlement")
    result = anchor(edited, QUOTE, prefix, suffix, start)
    assert result.method == FUZZY
    assert edited[result.start:result.end] == "deleted roughly 3 million pictures after a settlement with the FTC"
    assert result.score >= 75


def test_fuzzy_when_a_sentence_inside_the_quote_was_removed():
    quote = ("The company said it deleted about 3 million photos after a settlement with the FTC. "
             "Critics said the deletion came years too late. The FTC did not comment on the settlement.")
    start, _end, prefix, suffix = stored(ARTICLE, quote)
    edited = ARTICLE.replace("Critics said the deletion came years too late. ", "")
    result = anchor(edited, quote, prefix, suffix, start)
    assert result.method == FUZZY
    assert edited[result.start:result.end] == (
        "The company said it deleted about 3 million photos after a settlement with the FTC. "
        "The FTC did not comment on the settlement.")


def test_orphan_when_the_quote_is_gone():
    start, _end, prefix, suffix = stored(ARTICLE, QUOTE)
    edited = ARTICLE.replace("The company said it deleted about 3 million photos after a settlement with the FTC. ", "")
    assert anchor(edited, QUOTE, prefix, suffix, start) is None
    assert anchor(ARTICLE, "Completely unrelated words about football transfers") is None
    assert anchor(ARTICLE, "   ") is None and anchor("", "x") is None


def test_short_quotes_need_a_closer_match():
    assert min_similarity(5) == 90 and min_similarity(100) == 75 and 75 < min_similarity(25) < 90
    assert anchor("It happened in 2019 and 2020.", "2018") is None  # one digit off is not the same year


def test_emoji_offsets_are_code_points():
    text = "Breaking 🚨 news: 3M photos 📸 were deleted 🗑️ today."
    quote = "were deleted 🗑️"
    start = text.index(quote)
    result = anchor("🎉 " + text, quote, *context(text, start, start + len(quote)), start)
    assert ("🎉 " + text)[result.start:result.end] == quote and result.method == EXACT


@pytest.mark.timeout(120)  # a hang guard; how fast: bench/run.py robustness
def test_large_document_is_reanchored():
    filler = "".join(f"Paragraph {i} says nothing in particular about anything at all. " for i in range(3000))
    text = filler + ARTICLE + filler
    start, _end, prefix, suffix = stored(text, QUOTE)
    edited = text.replace("after a settlement", "following a settlement")
    result = anchor(edited, QUOTE, prefix, suffix, start)
    assert result.method == FUZZY and "following a settlement with the FTC" in edited[result.start:result.end]


words = st.sampled_from(["alpha", "beta", "gamma", "délta", "😀", "3M", "FTC", "photos", "\n", "said"])


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=8, max_size=60), st.data())
def test_an_inserted_passage_elsewhere_never_loses_the_claim(tokens, data):
    text = " ".join(f"{token}{i}" for i, token in enumerate(tokens))  # numbered: no two contexts alike
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    if not quote.strip():
        return
    prefix, suffix = context(text, start, end)
    assert anchor(text, quote, prefix, suffix, start) == anchor(text, quote, prefix, suffix, start)
    assert anchor(text, quote, prefix, suffix, start).method == OFFSETS
    insert = "An inserted sentence. "
    cut = data.draw(st.sampled_from([0, len(text)]))
    edited = text[:cut] + insert + text[cut:]
    result = anchor(edited, quote, prefix, suffix, start)
    shift = len(insert) if cut == 0 else 0
    assert edited[result.start:result.end] == quote
    assert result.start == start + shift


def test_the_fuzzy_pass_is_skipped_when_the_lengths_leave_no_room_for_a_match():
    from annotator.core.anchoring import MAX_FUZZY_QUOTE, fuzzy_possible

    assert fuzzy_possible(10_000, MAX_FUZZY_QUOTE)
    assert not fuzzy_possible(10_000_000, MAX_FUZZY_QUOTE + 1)
    assert fuzzy_possible(100, 110)  # a few characters more than the text can still match
    assert not fuzzy_possible(100, 400)  # four times the text's length cannot
    assert anchor("short text", "short text but with a great deal more written after it, " * 20) is None
