"""The dialog listing what an import did, one line per file."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from annotator.services.importing import DUPLICATE, FAILED, IMPORTED, ImportResult

_STATUS = {IMPORTED: "Imported", DUPLICATE: "Already in project", FAILED: "Failed"}


class ImportReport(QDialog):
    def __init__(self, results: list[ImportResult], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        ok = sum(r.status == IMPORTED for r in results)
        dup = sum(r.status == DUPLICATE for r in results)
        bad = sum(r.status == FAILED for r in results)
        summary = QLabel(f"{ok} imported, {dup} already in the project, {bad} could not be imported.")
        summary.setWordWrap(True)
        table = QTreeWidget()
        table.setAccessibleName("Import results")
        table.setHeaderLabels(["File", "Result", "Details"])
        table.setRootIsDecorated(False)
        for result in results:
            from pathlib import Path

            item = QTreeWidgetItem([Path(result.name).name, _STATUS.get(result.status, result.status),
                                    result.message])
            item.setToolTip(0, result.name)
            item.setToolTip(2, result.message)
            table.addTopLevelItem(item)
        for column in range(3):
            table.resizeColumnToContents(column)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(720, 320)
        self.table = table
