"""Docks without Qt's stale tab bar."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QMainWindow


def hide_stale_tab_bars(window: QMainWindow) -> None:
    """Qt can leave a second, unused tab bar visible when two dock groups are tabified (it
    showed through the link bands). A tab bar in use sits right under its current dock."""
    from PySide6.QtWidgets import QTabBar

    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget)}
    for bar in window.findChildren(QTabBar):
        if bar.parent() is not window or not bar.isVisible() or bar.count() == 0:
            continue
        current = docks.get(bar.tabText(bar.currentIndex()))
        if current is None or current.isFloating():
            continue
        bar_box, dock_box = bar.geometry(), current.geometry()
        if abs(bar_box.left() - dock_box.left()) > 3 or abs(bar_box.width() - dock_box.width()) > 3:
            bar.hide()
