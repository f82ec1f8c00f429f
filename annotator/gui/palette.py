"""Colours and labels shared by the views: relations, verdicts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from annotator.core.model import Rating, Relation

# Okabe and Ito's colour-blind-safe palette; each relation also has its own line style and
# badge glyph, so none is told apart by hue alone (contradicts is not "the red one").
RELATION_COLORS = {
    Relation.SAME: QColor("#0072b2"),  # blue
    Relation.SUPPORTS: QColor("#009e73"),  # bluish green
    Relation.CONTRADICTS: QColor("#d55e00"),  # vermilion
    Relation.DERIVED: QColor("#cc79a7"),  # reddish purple
}

RELATION_PEN_STYLES = {
    Relation.SAME: Qt.PenStyle.SolidLine,
    Relation.SUPPORTS: Qt.PenStyle.DashDotLine,
    Relation.CONTRADICTS: Qt.PenStyle.DashLine,
    Relation.DERIVED: Qt.PenStyle.DotLine,
}

RELATION_GLYPHS = {Relation.SAME: "=", Relation.SUPPORTS: "+", Relation.CONTRADICTS: "≠", Relation.DERIVED: "→"}

#: The badge of a claim (on its highlight) or a link (on its ribbon) whose two sides give different
#: dates, figures or actors: a diamond, so it is not read as a relation's round badge.
DISPUTE_COLOR = QColor("#b3261e")
DISPUTE_GLYPH = "!"

VERDICT_COLORS = {
    Rating.TRUE: QColor("#1f9d55"),
    Rating.MOSTLY_TRUE: QColor("#7cb342"),
    Rating.MIXED: QColor("#f0a202"),
    Rating.MOSTLY_FALSE: QColor("#e8590c"),
    Rating.FALSE: QColor("#c92a2a"),
    Rating.UNVERIFIABLE: QColor("#868e96"),
}

#: Number keys that set a verdict on the selected claim (0 clears it).
VERDICT_KEYS = {
    "1": Rating.TRUE,
    "2": Rating.MOSTLY_TRUE,
    "3": Rating.MIXED,
    "4": Rating.MOSTLY_FALSE,
    "5": Rating.FALSE,
    "6": Rating.UNVERIFIABLE,
}
