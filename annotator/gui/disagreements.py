"""The Disagreements dock: claims about the same thing whose sources give different dates,
figures or actors (``services.value_conflicts``), each with both quotes; one button opens the
two side by side, another links them as contradicting.

The search reads the whole project, so it runs in a worker while the dock is on screen
(see ``project_view.ProjectView``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Relation
from annotator.core.text import one_line
from annotator.gui.project_view import ProjectView

if TYPE_CHECKING:
    from pathlib import Path

    from annotator.services.value_conflicts import ValueConflict

CONFLICT_ROLE = Qt.ItemDataRole.UserRole  # a disagreement row: its index in the list
CLAIM_ROLE = Qt.ItemDataRole.UserRole + 1  # a quote row: its claim's id
KIND_LABELS = {"when": "Date", "how many": "Figure", "who": "Actor"}


class DisagreementsPanel(QWidget):
    pairRequested = Signal(str, str)  # show these two claims side by side
    linkRequested = Signal(str, str)  # link them as contradicting
    claimActivated = Signal(str)

    SHOWN = 300  # rows listed (the command line lists them all)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflicts: list[ValueConflict] = []
        self.summary = QLabel("Sources' dates, figures and actors are compared when this tab is shown.")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Claims whose sources disagree on a fact")
        self.tree.setHeaderLabels(["Disagreement", "Joined by"])
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 100)
        self.tree.currentItemChanged.connect(lambda *_: self._offer())
        self.tree.itemActivated.connect(self._activated)
        self.side_by_side = QPushButton("Side by Side")
        self.side_by_side.setToolTip("Open the two claims in two panes (Enter on a disagreement does the same)")
        self.side_by_side.clicked.connect(self._side_by_side)
        self.link_button = QPushButton("Link as Contradicting")
        self.link_button.setToolTip("Link the two claims as contradicting each other (Edit › Undo takes it back)")
        self.link_button.clicked.connect(self._link)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.side_by_side)
        buttons.addWidget(self.link_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self._offer()

    def set_busy(self, text: str) -> None:
        self.summary.setText(text)

    def set_conflicts(self, conflicts: list[ValueConflict]) -> None:
        """List the disagreements found (keeping the one selected when it is still there)."""
        current = self.selected()
        keep = (current.kind, current.claim_a, current.claim_b) if current is not None else None
        self.conflicts = list(conflicts)
        self.tree.setUpdatesEnabled(False)
        try:
            self.tree.clear()
            chosen = None
            for index, c in enumerate(self.conflicts[:self.SHOWN]):
                top = QTreeWidgetItem([f"{KIND_LABELS[c.kind]}: “{one_line(c.value_a, 40)}” against "
                                       f"“{one_line(c.value_b, 40)}”", self._joined(c)])
                top.setData(0, CONFLICT_ROLE, index)
                top.setToolTip(0, c.text())
                for claim_id, source, quote in ((c.claim_a, c.source_a, c.quote_a), (c.claim_b, c.source_b, c.quote_b)):
                    row = QTreeWidgetItem([f"{source}: “{one_line(quote, 90)}”", ""])
                    row.setData(0, CLAIM_ROLE, claim_id)
                    row.setToolTip(0, f"{source}: “{quote}”. Enter or double-click to show the claim.")
                    top.addChild(row)
                self.tree.addTopLevelItem(top)
                top.setExpanded(True)
                if keep == (c.kind, c.claim_a, c.claim_b):
                    chosen = top
            if chosen is None and self.tree.topLevelItemCount():
                chosen = self.tree.topLevelItem(0)
            if chosen is not None:
                self.tree.setCurrentItem(chosen)
        finally:
            self.tree.setUpdatesEnabled(True)
        self._summarise()
        self._offer()

    @staticmethod
    def _joined(c: ValueConflict) -> str:
        if c.linked is None:
            return f"{c.shared:.0%} words"
        return "linked claims" if c.through else Relation(c.linked).label

    def _summarise(self) -> None:
        count = len(self.conflicts)
        if not count:
            self.summary.setText("No two claims about the same thing give different dates, figures or actors.")
            return
        kinds: dict[str, int] = {}
        for c in self.conflicts:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        parts = ", ".join(f"{n} on {'a ' if n == 1 else ''}{KIND_LABELS[kind].lower()}{'' if n == 1 else 's'}"
                          for kind, n in kinds.items())
        more = f" The first {self.SHOWN} are listed; “annotator conflicts” lists them all." \
            if count > self.SHOWN else ""
        self.summary.setText(f"<b>{count} disagreement{'s' if count != 1 else ''}</b> between claims about the same "
                             f"thing ({parts}).{more}")

    def selected(self) -> ValueConflict | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        top = item.parent() or item
        index = top.data(0, CONFLICT_ROLE)
        return self.conflicts[index] if isinstance(index, int) and index < len(self.conflicts) else None

    def _offer(self) -> None:
        """The buttons for the disagreement selected; two claims linked already (as the same
        claim, say) are not linked again: that link is changed in the Inspector."""
        c = self.selected()
        self.side_by_side.setEnabled(c is not None)
        relations = c.relations if c is not None else ()
        self.link_button.setEnabled(c is not None and not relations)
        self.link_button.setText("Linked as Contradicting" if Relation.CONTRADICTS in relations
                                 else "Link as Contradicting")
        self.link_button.setToolTip(
            f"Already linked as {', '.join(Relation(r).label.lower() for r in relations)}; change that link "
            "in the Inspector" if relations else
            "Link the two claims as contradicting each other (Edit › Undo takes it back)")

    def _side_by_side(self) -> None:
        c = self.selected()
        if c is not None:
            self.pairRequested.emit(c.claim_a, c.claim_b)

    def _link(self) -> None:
        c = self.selected()
        if c is not None:
            self.linkRequested.emit(c.claim_a, c.claim_b)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        claim_id = item.data(0, CLAIM_ROLE)
        if isinstance(claim_id, str):
            self.claimActivated.emit(claim_id)
        else:
            self._side_by_side()


def _find(path: Path, cache, *, progress: Callable, cancelled: Callable[[], bool]) -> list[ValueConflict] | None:
    """The disagreements of the project at ``path`` (None when cancelled); ``cache``: what the
    last search read of each claim (see ``value_conflicts.FactsCache``)."""
    from annotator.services.value_conflicts import project_file_conflicts

    progress(0, 0, "Comparing the claims' dates, figures and actors…")
    found = project_file_conflicts(path, cancelled, cache=cache, progress=progress)
    return None if cancelled() else found


def disagreements_view(panel: DisagreementsPanel, dock: QDockWidget, project_path: Callable[[], Path | None], *,
                       found: Callable[[list[ValueConflict]], None], wanted: Callable[[], bool]) -> ProjectView:
    """The Disagreements dock's list, kept up to date; ``found`` gets each search's result too
    (the badges), and ``wanted`` says whether to search while the dock is not on screen."""
    def show(conflicts: list[ValueConflict]) -> None:
        panel.set_conflicts(conflicts)
        found(conflicts)

    return ProjectView(dock=dock, project_path=project_path, work=_find, show=show, busy=panel.set_busy,
                       empty=[], failure="The claims could not be compared", wanted=wanted)
