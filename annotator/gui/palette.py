"""Colours and labels shared by the views: relations, verdicts."""

from __future__ import annotations

from PySide6.QtGui import QColor

from annotator.core.model import Rating, Relation

RELATION_COLORS = {
    Relation.SAME: QColor("#3d8bd9"),
    Relation.SUPPORTS: QColor("#2e9e62"),
    Relation.CONTRADICTS: QColor("#d64545"),
    Relation.DERIVED: QColor("#9b6bd6"),
}

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
