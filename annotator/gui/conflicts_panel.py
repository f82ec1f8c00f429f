"""The Conflicts panel: claims whose verdicts disagree, with each person's rating, and a
decision in one step.

A disagreement (one claim, or claims linked as saying the same thing, rated true by one
person and false by another) makes the claim count as unchecked in the scores. Deciding it
records the deciding person's own verdict, marked as a decision; the others' verdicts stay
(see ``AnnotationService.decide``). The list comes with the scores, so it follows an edit a
moment later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Rating
from annotator.core.text import one_line

if TYPE_CHECKING:
    from annotator.services.reliability.inputs import DisputedVerdicts

CLAIM_ROLE = Qt.ItemDataRole.UserRole  # a verdict row: its claim's id
DISPUTE_ROLE = Qt.ItemDataRole.UserRole + 1  # a disagreement row: its index in the list


class ConflictsPanel(QWidget):
    decideRequested = Signal(list, object)  # the claims with a decisive verdict in it, the Rating chosen
    claimActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._disputes: list[DisputedVerdicts] = []
        self._shown: str | None = None  # fingerprint of what the list shows
        self._filling = 0  # which list is being built (newer scores start another)
        self._keeping: set[str] = set()  # the claims of the disagreement that list is to select
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Verdicts that disagree")
        self.tree.setHeaderLabels(["Claim and verdicts", "By", "When"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)  # the claim takes the room; who and when get a fixed width
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 130), (2, 125)):  # measured once, not per row on every refresh
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.tree.currentItemChanged.connect(lambda *_: self._offer_decisions())
        self.tree.itemActivated.connect(self._activated)
        self.decide_label = QLabel("Decide:")
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons.addWidget(self.decide_label)
        self.buttons.addStretch(1)
        self._decide_buttons: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(self.buttons)
        self.set_disputes([])

    @property
    def disputes(self) -> list[DisputedVerdicts]:
        return self._disputes

    def lists(self, digest: str) -> bool:
        """Whether the list was built from the disagreements with this fingerprint."""
        return digest == self._shown

    def set_disputes(self, disputes: list[DisputedVerdicts], digest: str | None = None) -> None:
        """Show the disagreements of the latest scores (keeping the one selected, if it is still
        there). At most SHOWN are listed; the claims table's "In conflict" filter has them all.
        ``digest`` is their fingerprint when the scoring worked it out already."""
        if digest is None:
            digest = ""
            if disputes:  # scores exist: the scoring modules are loaded already
                from annotator.services.reliability.summary import disputes_digest

                digest = disputes_digest(disputes)
        if digest == self._shown:
            return
        self._shown = digest
        current = self.tree.currentItem()
        # the one selected; or, while a list is still being built, the one it was to select
        keep = self._claims_of(current) if current is not None else self._keeping
        if not self._keeping and self._splice(list(disputes), keep):
            return
        self._keeping = keep
        self._disputes = list(disputes)
        self._filling += 1
        self.tree.clear()
        self._summarise()
        self._fill(self._filling, 0, keep)

    FEW = 25  # disagreements changed in the list (scores after one verdict) replaced in place, not all

    def _splice(self, disputes: list[DisputedVerdicts], keep: set[str]) -> bool:
        """Replace only the listed disagreements that changed, when they are few: each unchanged
        one is the very object listed before (see ScoreSummary.carry_over). False when the list
        must be built again."""
        old, new = self._disputes, disputes
        shown = self.tree.topLevelItemCount()
        if shown != min(len(old), self.SHOWN) or not old:
            return False
        head = 0
        while head < min(len(old), len(new)) and old[head] is new[head]:
            head += 1
        tail = 0
        while tail < min(len(old), len(new)) - head and old[-1 - tail] is new[-1 - tail]:
            tail += 1
        # Rows head.. up to the first unchanged one after the change go; the new ones come in;
        # the list is then cut or filled up to its limit.
        going = max(0, min(len(old) - tail, shown) - head)
        coming = max(0, min(len(new) - tail, self.SHOWN) - head)
        after = min(len(new), self.SHOWN) - (shown - going + coming)  # rows to add at the end (< 0: to cut)
        if going > self.FEW or coming + max(after, 0) > self.FEW:  # (many rows taken one by one: slower than anew)
            return False
        current = self.tree.currentItem()
        top = (current.parent() or current) if current is not None else None
        replaced = top is not None and head <= self.tree.indexOfTopLevelItem(top) < head + going
        self._disputes = disputes
        self.tree.setUpdatesEnabled(False)
        try:
            for _ in range(going):
                self.tree.takeTopLevelItem(head)
            chosen = self._add(head, head + coming, keep, at=head)
            for _ in range(-after):
                self.tree.takeTopLevelItem(self.tree.topLevelItemCount() - 1)
            if after > 0:
                count = self.tree.topLevelItemCount()
                chosen = self._add(count, count + after, keep) or chosen
            for index in range(self.tree.topLevelItemCount()):  # (what follows moved)
                if (item := self.tree.topLevelItem(index)) is not None:
                    item.setData(0, DISPUTE_ROLE, index)
        finally:
            self.tree.setUpdatesEnabled(True)
        self._summarise()
        if replaced or self.tree.currentItem() is None:  # the one selected changed (chosen again) or went
            target = chosen if chosen is not None else self.tree.topLevelItem(
                min(head, self.tree.topLevelItemCount() - 1))
            if target is not None:
                self.tree.setCurrentItem(target)
        self._offer_decisions()
        return True

    SHOWN = 200
    PER_TURN = 25  # disagreements listed per turn of the event loop: 200 at once held the window 70-100 ms

    def _fill(self, filling: int, start: int, keep: set[str]) -> None:
        """List disagreements ``start`` to ``start + PER_TURN``, then the next ones in the next
        turn (unless newer scores have started another list meanwhile)."""
        if filling != self._filling:
            return
        end = min(start + self.PER_TURN, len(self._disputes), self.SHOWN)
        self.tree.setUpdatesEnabled(False)
        try:
            chosen = self._add(start, end, keep)
        finally:
            self.tree.setUpdatesEnabled(True)
        if start == 0 and chosen is None and self.tree.topLevelItemCount() and not keep:
            chosen = self.tree.topLevelItem(0)
        if chosen is not None and self.tree.currentItem() is None:  # not if the person chose meanwhile
            self.tree.setCurrentItem(chosen)
            self._offer_decisions()
        elif start == 0:
            self._offer_decisions()
        if end < min(len(self._disputes), self.SHOWN):
            QTimer.singleShot(0, self, lambda: self._fill(filling, end, keep))
            return
        self._keeping = set()
        if keep and self.tree.currentItem() is None and (first := self.tree.topLevelItem(0)) is not None:
            self.tree.setCurrentItem(first)  # the one selected is gone
            self._offer_decisions()

    def _add(self, start: int, end: int, keep: set[str], at: int | None = None) -> QTreeWidgetItem | None:
        """List disagreements ``start`` to ``end``: at the end of the list, or from row ``at`` on."""
        chosen = None
        for index in range(start, end):
            dispute = self._disputes[index]
            quotes = list(dict.fromkeys(f"“{one_line(v.quote)}” ({v.source})" for v in dispute.verdicts))
            head = quotes[0] + (f" and {len(quotes) - 1} more linked" if len(quotes) > 1 else "")
            top = QTreeWidgetItem([head, "", ""])
            top.setData(0, DISPUTE_ROLE, index)
            top.setToolTip(0, dispute.text())
            for v in dispute.verdicts:  # the latest few of each rating (see DisputedVerdicts.shortened)
                row = QTreeWidgetItem([f"{v.rating.label.capitalize()}: “{one_line(v.quote, 50)}” ({v.source})",
                                       v.annotator, v.when[:16].replace("T", " ")])
                row.setData(0, CLAIM_ROLE, v.claim_id)
                row.setToolTip(0, f"{v.rating.label}, by {v.annotator}: “{v.quote}” ({v.source}). "
                                  "Enter or double-click to show the claim.")
                top.addChild(row)
            if dispute.more:
                top.addChild(QTreeWidgetItem([f"… and {dispute.more:,} more verdicts", "", ""]))
            if at is None:
                self.tree.addTopLevelItem(top)
            else:
                self.tree.insertTopLevelItem(at + index - start, top)
            top.setExpanded(True)
            if keep and keep == set(dispute.claims()):
                chosen = top
        return chosen

    def _summarise(self) -> None:
        count = len(self._disputes)
        more = (f" The first {self.SHOWN} are listed; the claims table's verdict filter “In conflict” "
                "shows them all." if count > self.SHOWN else "")
        self.summary.setText(
            f"<b>{count} claim{'s' if count > 1 else ''} rated both true and false</b> by different people. "
            f"Each counts as unchecked in the scores until someone decides it; everybody's verdict is kept.{more}"
            if count else "No verdicts disagree.")

    def drop(self, claim_ids: list[str]) -> None:
        """A disagreement was just decided: it leaves the list now, before the next scores."""
        decided = set(claim_ids)
        self.set_disputes([d for d in self._disputes if set(d.claims()) != decided])

    def selected_dispute(self) -> DisputedVerdicts | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        top = item.parent() or item
        index = top.data(0, DISPUTE_ROLE)
        return self._disputes[index] if isinstance(index, int) and index < len(self._disputes) else None

    def _claims_of(self, item: QTreeWidgetItem) -> set[str]:
        top = item.parent() or item
        index = top.data(0, DISPUTE_ROLE)
        if not isinstance(index, int) or index >= len(self._disputes):
            return set()
        return set(self._disputes[index].claims())

    def _offer_decisions(self) -> None:
        """One button per rating given in the selected disagreement: "Decide: True (tester)"."""
        for button in self._decide_buttons:
            self.buttons.removeWidget(button)
            button.deleteLater()
        self._decide_buttons = []
        dispute = self.selected_dispute()
        self.decide_label.setVisible(dispute is not None)
        if dispute is None:
            return
        by_rating: dict[Rating, list[str]] = {}
        for v in dispute.verdicts:
            by_rating.setdefault(v.rating, [])
            if v.annotator not in by_rating[v.rating]:
                by_rating[v.rating].append(v.annotator)
        claims = dispute.claims()
        for position, (rating, people) in enumerate(by_rating.items()):
            named = ", ".join(people[:2]) + (" …" if len(people) > 2 else "")
            button = QPushButton(f"{rating.label.capitalize()} ({named})")
            button.setToolTip(f"Record your verdict “{rating.label}” on {len(claims)} claim"
                              f"{'s' if len(claims) > 1 else ''} as the decision; the other verdicts are kept.")
            button.setAccessibleName(f"Decide {rating.label}")
            button.clicked.connect(lambda _=False, r=rating, c=claims: self.decideRequested.emit(c, r))
            self.buttons.insertWidget(1 + position, button)
            self._decide_buttons.append(button)

    def decide_buttons(self) -> list[QPushButton]:
        return list(self._decide_buttons)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        claim_id = item.data(0, CLAIM_ROLE)
        first = item.child(0) if claim_id is None else None  # a disagreement: its first claim
        if first is not None:
            claim_id = first.data(0, CLAIM_ROLE)
        if isinstance(claim_id, str):
            self.claimActivated.emit(claim_id)
