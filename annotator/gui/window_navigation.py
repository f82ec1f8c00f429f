"""Moving around the window: the docks (built one way, without Qt's stale tab bar), search
and find, jumping to a passage, and synchronised scrolling of the panes."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow

from annotator.gui.document_pane import DocumentPane


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


class NavigationActions:
    """Mixed into the main window."""

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, lambda: hide_stale_tab_bars(self))

    def add_dock(self, title: str, name: str, widget, area, *, tab_with: QDockWidget | None = None) -> QDockWidget:
        """A dock with a stable object name (the saved layout refers to it); with ``tab_with``
        it becomes a tab behind that dock."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if tab_with is not None:
            self.tabifyDockWidget(tab_with, dock)
            tab_with.raise_()
        return dock

    def find_in_document(self) -> None:
        pane = self.focused_pane() or self.panes[0]
        pane.show_find()

    def focus_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search_panel.field.setFocus()
        self.search_panel.field.selectAll()

    def open_at(self, document_id: str, start: int, end: int) -> None:
        """Show a document (in the pane already showing it, else a free one) at a range."""
        pane = next((p for p in self.panes if p.document_id == document_id), None)
        if pane is None:
            pane = self._pane_for_jump()
            self.show_in_pane(pane, document_id)
        if end > start:
            pane.view.select_span(start, end)
            pane.view.centerCursor()
        else:
            pane.view.scroll_to(start)
        pane.view.setFocus()

    def _sync_scroll(self, source: DocumentPane, value: int) -> None:
        if not self.sync_action.isChecked() or getattr(self, "_syncing", False):
            return
        bar = source.view.verticalScrollBar()
        fraction = value / bar.maximum() if bar.maximum() else 0.0
        self._syncing = True
        try:
            for pane in self.panes:
                if pane is not source:
                    other = pane.view.verticalScrollBar()
                    other.setValue(round(fraction * other.maximum()))
        finally:
            self._syncing = False
