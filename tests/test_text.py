"""Text helpers: widening a selection to whole words."""

from __future__ import annotations

import pytest

from annotator.core.text import snap_to_words

TEXT = "OkCupid shared photos with Clarifai; the long-awaited deal didn't close."


def _span(phrase: str, cut_start: int = 0, cut_end: int = 0) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start + cut_start, start + len(phrase) - cut_end


@pytest.mark.parametrize("dragged, whole", [
    (_span("OkCupid shared", 2, 0), _span("OkCupid shared")),       # started inside a word
    (_span("shared photos", 0, 3), _span("shared photos")),         # ended inside a word
    (_span("photos with Clarifai", 3, 4), _span("photos with Clarifai")),
    (_span("long-awaited", 6, 0), _span("long-awaited")),           # a hyphen joins the word
    (_span("didn't", 0, 2), _span("didn't")),                       # so does an apostrophe
    (_span("shared photos"), _span("shared photos")),               # already on word edges
    (_span("Clarifai; the"), _span("Clarifai; the")),               # punctuation is an edge
])
def test_a_selection_widens_to_whole_words(dragged, whole):
    assert snap_to_words(TEXT, *dragged) == whole


def test_edges_and_empty_ranges_stay_put():
    assert snap_to_words(TEXT, 0, 3) == (0, len("OkCupid"))
    assert snap_to_words(TEXT, len(TEXT) - 3, len(TEXT)) == (TEXT.index("close."), len(TEXT))
    assert snap_to_words(TEXT, 5, 5) == (5, 5)
