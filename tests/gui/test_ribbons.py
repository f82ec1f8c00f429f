"""The ribbons between panes can be read: a legend, a style per relation, a tooltip that
names both claims, and the selected claim's ribbons on top."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.core.model import Relation
from annotator.gui.link_band import RelationLegend
from annotator.gui.palette import RELATION_COLORS, RELATION_PEN_STYLES


def _band_with_ribbons(win, qtbot):
    band = win.splitter.handle(1)
    qtbot.waitUntil(lambda: (band.repaint(), bool(band._drawn))[1])
    return band


def _point_on(band, index: int) -> QPointF:
    hit = band._drawn[index][0]
    box = hit.boundingRect()
    for fy in range(1, 40):
        for fx in range(1, 10):
            point = QPointF(box.left() + box.width() * fx / 10, box.top() + box.height() * fy / 40)
            if hit.contains(point) and not any(h.contains(point) for h, *_ in band._drawn[index + 1:]):
                return point
    raise AssertionError("no point of the ribbon is uncovered")


def test_hovering_a_ribbon_names_both_claims_and_the_relation(window, user, qtbot):
    win = window
    left, right = win.panes
    a = user.claim(win, left, "Clarifai is a US-based company")
    b = user.claim(win, right, "approximately 3 million images")
    win.linking.link(a, b, Relation.CONTRADICTS)
    band = _band_with_ribbons(win, qtbot)
    index = next(i for i, (_h, l_id, r_id, _rel) in enumerate(band._drawn) if {l_id, r_id} == {a, b})
    at = _point_on(band, index)
    # The mouse rests on the ribbon: Qt sends the band its tooltip event.
    QApplication.sendEvent(band, QHelpEvent(QEvent.Type.ToolTip, at.toPoint(), band.mapToGlobal(at.toPoint())))
    qtbot.waitUntil(QToolTip.isVisible)
    text = QToolTip.text()
    assert "Clarifai is a US-based company" in text and "approximately 3 million images" in text
    assert "contradicts" in text


def test_the_selected_claims_ribbons_are_drawn_on_top(window, qtbot):
    win = window
    band = _band_with_ribbons(win, qtbot)
    ends = {(l_id, r_id) for _h, l_id, r_id, _rel in band._drawn}
    assert len(ends) >= 2, "the demo shows several ribbons"
    chosen = sorted(ends)[0][0]
    win.select_claim(chosen)
    band.repaint()
    on_top = band._drawn[-1]
    assert chosen in (on_top[1], on_top[2])


def test_every_relation_has_its_own_colour_style_and_legend_entry(qtbot):
    assert len(set(RELATION_PEN_STYLES.values())) == len(Relation)
    assert len({c.name() for c in RELATION_COLORS.values()}) == len(Relation)
    legend = RelationLegend()
    qtbot.addWidget(legend)
    assert all(r.label in legend.accessibleName() for r in Relation)
