"""Exchanging work: exports (CSV, W3C Web Annotation, ClaimReview), loading annotation
CSVs, merging a colleague's project, agreement between annotators and project settings.
Bulk additions are one undoable step (the service returns the rows they added).

A controller with explicit collaborators: the window it parents dialogs to, the prompts,
a feedback interface, the undo push and ``select_claim``; ``bind`` gives it the open
project's annotation service."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from annotator.core.errors import AnnotatorError
from annotator.gui import commands
from annotator.gui.prompts import Feedback, Prompts
from annotator.services.annotations import AnnotationService
from annotator.services.projects import PROJECT_FILTER, ProjectStore

if TYPE_CHECKING:  # the interchange code loads with the first export, load or merge
    from annotator.gui.csv_loading import CsvLoad
    from annotator.services.interchange import ExportSummary, LoadReport
    from annotator.services.interchange.webannotation import JsonExportSummary
    from annotator.services.merge import MergeReport


class InterchangeController:
    def __init__(self, *, parent: QWidget, prompts: Prompts, feedback: Feedback,
                 push: Callable[[commands.Command], bool], select_claim: Callable[..., None],
                 backup: Callable[[str], bool] = lambda _reason: True):
        self.parent, self.prompts, self.feedback, self.push = parent, prompts, feedback, push
        self.select_claim = select_claim
        self.backup = backup  # a backup before a bulk change; False: do not go on (see gui.backups)
        self.annotations: AnnotationService | None = None
        self.last_report_dialog: QDialog | None = None

    def bind(self, annotations: AnnotationService) -> None:
        self.annotations = annotations

    @property
    def service(self) -> AnnotationService:
        """The open project's annotation service."""
        assert self.annotations is not None, "no project is open"
        return self.annotations

    @property
    def store(self) -> ProjectStore:
        return self.service.store

    def _push_busy(self, command: commands.Command) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.push(command)
        finally:
            QApplication.restoreOverrideCursor()

    EXPORT_FORMATS: ClassVar[dict[str, str]] = {
        "Annotation CSVs (sources, documents, claims, links, verdicts)": "csv",
        "W3C Web Annotation (JSON-LD)": "webannotation",
        "ClaimReview for rated claims (JSON-LD)": "claimreview",
    }

    def export_dialog(self) -> None:
        label = self.prompts.choose("Export", "Format:", list(self.EXPORT_FORMATS))
        if label is None:
            return
        folder = self.prompts.folder("Export to folder", Path.home())
        if folder:
            self.export(folder, self.EXPORT_FORMATS[label])

    def export(self, folder: str, fmt: str = "csv") -> ExportSummary | JsonExportSummary | None:
        from annotator.services.interchange import export_csv
        from annotator.services.interchange.claimreview import export_claimreview
        from annotator.services.interchange.webannotation import export_webannotation

        writers: dict[str, Callable[[ProjectStore, str], ExportSummary | JsonExportSummary]] = {
            "csv": export_csv, "webannotation": export_webannotation, "claimreview": export_claimreview}
        writer = writers[fmt]
        try:
            summary = writer(self.store, folder)
        except AnnotatorError as exc:
            self.feedback.show_error(str(exc))
            return None
        self.prompts.inform("Export finished", "\n".join(summary.lines()))
        return summary

    def merge_dialog(self) -> None:
        path = self.prompts.open_file("Merge a project into this one", self.store.path.parent, PROJECT_FILTER)
        if path:
            self.merge(path)

    def merge(self, path: str) -> MergeReport | None:
        """Merge another project in as one undoable step (undo removes the rows it added and
        gives the rows it updated their previous values); list conflicting edits and
        verdicts to resolve."""
        from annotator.gui.dialogs import ReportDialog
        from annotator.services.merge import merge_project_file

        if Path(path).resolve() == Path(self.store.path).resolve():
            self.feedback.show_error("A project cannot be merged into itself.")
            return None
        if not self.backup("before-merge"):
            return None
        command = commands.AddRows(self.service, f"Merge {Path(path).name}",
                                   lambda: merge_project_file(self.store, path))
        self._push_busy(command)
        report = command.report
        if report is None:
            return None
        items = [(f"Edited in both: {c}", c.claim_id) for c in report.conflicts]
        items += [(f"{c.quote[:80]} — " + ", ".join(f"{who or 'unknown'}: {rating.label}"
                                                    for who, rating, *_ in c.ratings), c.claim_id)
                  for c in report.disagreements]
        dialog = ReportDialog("Merge finished", "\n".join(report.lines()), items,
                              "Conflicts and verdicts to resolve (double-click to open the claim):", self.parent)
        dialog.claimActivated.connect(lambda cid: self.select_claim(cid, focus_text=True))
        dialog.setModal(False)
        dialog.show()
        self.last_report_dialog = dialog
        return report

    def agreement_dialog(self) -> None:
        from annotator.gui.dialogs import AgreementDialog
        from annotator.services.agreement import agreement_report

        try:
            report = agreement_report(self.store)
        except AnnotatorError as exc:
            self.feedback.show_error(str(exc))
            return
        dialog = AgreementDialog(report, self.parent)
        self.last_report_dialog = dialog
        dialog.exec()

    def project_settings(self) -> None:
        from annotator.gui.dialogs import ProjectSettingsDialog

        dialog = ProjectSettingsDialog(self.store.meta(), self.parent)
        if dialog.exec() != ProjectSettingsDialog.DialogCode.Accepted:
            return
        for key, value in dialog.values().items():
            if self.store.meta().get(key, "") != value:
                self.push(commands.SetProjectMeta(self.service, key, value))  # its "project" event retitles

    def load_annotations_dialog(self) -> None:
        folder = self.prompts.folder("Folder with annotation CSV files or annotations.jsonld", Path.home())
        if folder:
            self.load_annotations(folder)

    def load_web_annotations_dialog(self) -> None:
        """A W3C Web Annotation file of any name (another tool's export, say), loaded like CSVs."""
        path = self.prompts.open_file("W3C Web Annotations to load", Path.home(),
                                      "Web Annotations (*.jsonld *.json);;All files (*)")
        if path:
            self.load_annotations(path)

    #: The load of annotation CSVs under way, if any, and the report of the last one to finish.
    csv_load: CsvLoad | None = None
    last_load_report: LoadReport | None = None

    def load_annotations(self, folder: str, accept_valid: bool = False) -> CsvLoad | None:
        """Load CSVs: read, check and place them in a worker (progress, Cancel) while the
        window stays usable, then write them as one undoable step; with row errors, offer to
        load the valid rows. Returns the load under way (``finished`` gives its report)."""
        from annotator.gui.csv_loading import CsvLoad

        if self.csv_load is not None:
            self.prompts.inform("Annotations are loading", "Wait for the current load to finish, or cancel it.")
            return None
        load = CsvLoad(self.parent, self.service, folder, accept_valid=accept_valid, push=self.push,
                       is_current=lambda service: service is self.annotations)
        self.csv_load = load
        load.finished.connect(lambda report, load=load: self._annotations_loaded(load, report))
        load.start()
        return load

    def cancel_load(self) -> None:
        """Stop the load under way, if any (the window closes); nothing of it is written."""
        if self.csv_load is not None:
            self.csv_load.cancel()

    def _annotations_loaded(self, load: CsvLoad, report: LoadReport | None) -> None:
        if load is not self.csv_load:
            return
        self.csv_load = None
        if report is None:  # cancelled (nothing was written), or the files could not be read
            if load.error:
                self.feedback.show_error(load.error)
            return
        self.last_load_report = report
        text = "\n".join(report.lines())
        errors = "\n".join(str(e) for e in report.errors[:30])
        if report.errors and not report.loaded:
            if self.prompts.confirm(
                    "Annotations not loaded",
                    f"{len(report.errors)} rows have errors, so nothing was loaded:\n\n{errors}\n\n"
                    "Load the valid rows anyway?"):
                self.load_annotations(load.folder, accept_valid=True)
            return
        if report.orphans and not report.loaded:
            orphans = "\n".join(str(o) for o in report.orphans[:30])
            more = f"\n… and {len(report.orphans) - 30} more" if len(report.orphans) > 30 else ""
            if self.prompts.confirm(
                    "Annotations not loaded",
                    f"{len(report.orphans)} rows cannot be placed in this project (their document, claim or "
                    f"text is not here), so nothing was loaded:\n\n{orphans}{more}\n\nLoad the others?"):
                self.load_annotations(load.folder, accept_valid=True)
            return
        if load.backup_problem:
            text += f"\n\nNo backup was taken before the load: {load.backup_problem}"
        self.prompts.inform("Annotations loaded", text + (f"\n\n{errors}" if errors else ""))
