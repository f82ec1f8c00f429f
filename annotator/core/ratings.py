"""Ratings as people write them: the app's own scale, and the spellings of other fact-checkers'
scales and of other languages that mean one of its ratings.

The table is deliberately conservative: a spelling is listed only when it means one rating
whatever the outlet ("Pants on Fire" is false, "Half True" and "Mixture" are mixed,
"Misleading" is mostly false, "Unproven" cannot be checked). A newsroom adds its own in
``rating-synonyms.csv`` in annotator's data folder (``services.interchange.csv_load``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from annotator.core.model import Rating
from annotator.core.text import folded

_SPELLINGS: dict[Rating, tuple[str, ...]] = {
    Rating.TRUE: ("correct", "accurate", "verified", "right", "wahr", "richtig", "vrai", "verdadero", "verdadeiro",
                  "vero", "waar", "juist"),
    Rating.MOSTLY_TRUE: ("mostly correct", "mostly accurate", "largely true", "largely accurate",
                         "überwiegend richtig", "größtenteils richtig", "plutôt vrai", "mayormente verdadero",
                         "en gran parte verdadero", "quase verdadeiro", "grotendeels waar"),
    Rating.MIXED: ("half true", "half right", "mixture", "partly true", "partially true",
                   "missing context", "needs context", "teilweise richtig", "halb richtig", "à moitié vrai",
                   "moitié vrai", "verdad a medias", "medio verdadero", "meia verdade", "half waar"),
    Rating.MOSTLY_FALSE: ("misleading", "mostly incorrect", "mostly inaccurate", "partly false", "partially false",
                          "largely false", "barely true", "exaggerated", "irreführend", "überwiegend falsch",
                          "trompeur", "plutôt faux", "engañoso", "mayormente falso", "enganoso", "fuorviante",
                          "misleidend", "grotendeels onwaar"),
    Rating.FALSE: ("pants on fire", "incorrect", "inaccurate", "wrong", "fake", "fabricated", "altered",
                   "four pinocchios", "falsch", "faux", "falso", "onwaar", "fout"),
    Rating.UNVERIFIABLE: ("unproven", "unverified", "unsupported", "unsubstantiated", "cannot be verified",
                          "can't be verified", "not verifiable", "no evidence", "research in progress",
                          "nicht belegt", "unbelegt", "nicht überprüfbar", "invérifiable", "non vérifiable",
                          "inverificable", "no verificable", "sin evidencia", "não verificável",
                          "niet te controleren"),
}

def rating_key(spelling: str) -> str:
    """How a spelling is looked up: folded (``core.text.folded``), without a closing "!" or
    ".", hyphens and underscores as spaces ("Half-True!" and "half true" are one key)."""
    return " ".join(re.sub(r"[_-]", " ", folded(spelling).rstrip("!.")).split())


#: Other spellings (as ``rating_key`` gives them) read as one of the app's ratings.
RATING_SYNONYMS: dict[str, Rating] = {rating_key(word): rating for rating, words in _SPELLINGS.items()
                                      for word in words}


def rating_spelled(raw: str, more: Mapping[str, Rating] | None = None) -> Rating | None:
    """The rating ``raw`` names: the app's own ("Mostly true", "mostly_true", "MOSTLY-TRUE"),
    a synonym from ``more`` (keyed by ``rating_key``, a newsroom's own) or from
    :data:`RATING_SYNONYMS`; None when it is none of them."""
    key = rating_key(raw)
    try:
        return Rating(key.replace(" ", "_"))
    except ValueError:
        pass
    if more and key in more:
        return more[key]
    return RATING_SYNONYMS.get(key)
