"""The Timeline dock: click a date to see its claim; export the chart as PNG or SVG."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, Qt


def test_clicking_a_date_shows_its_claim_and_the_chart_exports(qtbot, open_window, prompts, tmp_path):
    win = open_window()
    win.timeline_dock.show()
    win.timeline_dock.raise_()
    chart = win.timeline_panel.chart
    qtbot.waitUntil(lambda: chart.timeline is not None and bool(chart.timeline.rows))
    index, row = next((i, r) for i, r in enumerate(chart.timeline.rows)
                      if r.label.startswith("“Clarifai receives the scraped"))
    point = row.points[0]
    from annotator.gui.timeline import ROW, TOP

    at = QPoint(round(chart.x_of(point.position)), TOP + index * ROW + ROW // 2)
    assert chart.at(at.toPointF()) == point
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=at)
    assert win.selected_claim_id == point.claim_id
    assert point.document_id in {p.document_id for p in win.panes}, "its document is open"

    for name in ("timeline.png", "timeline.svg"):
        prompts.answer("save_file", str(tmp_path / name))
        qtbot.mouseClick(win.timeline_panel.export_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "timeline.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and ">2016</text>" in svg, "the axis spans the picture, a label a year"
    win.close()


def test_a_click_on_one_of_two_marks_of_one_date_picks_that_one_and_a_failed_export_says_so(qtbot, tmp_path):
    """Two sources give May 2014: their dots are drawn apart and each click finds its own; an
    SVG that cannot be written raises instead of claiming success."""
    from PySide6.QtCore import QPointF

    from annotator.gui.timeline import ROW, TOP, TimelineChart
    from annotator.services.timeline import Timeline, TimelineRow, TimePoint

    a = TimePoint("a", "d1", "Daily Planet", "In May 2014 it happened.", 2014, 5, "May 2014")
    b = TimePoint("b", "d2", "Evening Post", "It happened in May 2014.", 2014, 5, "May 2014")
    bar = TimePoint("c", "d3", "Morning Star", "It happened in 2014.", 2014, None, "2014")
    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.resize(600, 200)
    chart.set_timeline(Timeline([TimelineRow("“In May 2014 it happened.”", [a, b, bar])], [],
                                ["Daily Planet", "Evening Post", "Morning Star"]))
    placed = dict((p.claim_id, dy) for p, dy in chart._placed(chart.timeline.rows[0]))
    middle = TOP + ROW / 2
    for point in (a, b):
        assert chart.at(QPointF(chart.x_of(point.position), middle + placed[point.claim_id])) == point
    assert chart.at(QPointF(chart.x_of(2014.1), middle + placed["c"])) == bar, "away from the dots: the bar"
    with pytest.raises(OSError):
        chart.export(tmp_path / "missing folder" / "timeline.svg")
