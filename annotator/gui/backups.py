"""Automatic backups as the window uses them: one taken in the background when a project
opens, one before each bulk change (loading annotations, merging, importing articles),
and File › Restore Backup…, which puts a chosen backup in place of
the project's contents after backing up what it replaces.

A controller with explicit collaborators: the prompts, the feedback interface, the open
project's store (a callable: it changes when another project opens), and how to show the
project afresh after a restore (its undo history no longer applies)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget

from annotator.core.errors import AnnotatorError
from annotator.gui.prompts import Feedback, Prompts
from annotator.gui.workers import Worker
from annotator.services.backups import Backup, list_backups, restore_backup, take_backup
from annotator.services.projects import ProjectStore


class BackupsController(QObject):
    def __init__(self, *, parent: QWidget, prompts: Prompts, feedback: Feedback,
                 store: Callable[[], ProjectStore | None], reload: Callable[[], None],
                 busy: Callable[[], str | None] = lambda: None):
        super().__init__(parent)
        self.prompts, self.feedback, self.store, self.reload = prompts, feedback, store, reload
        self.busy = busy  # what is under way that a restore would cut short (an import, a load), if anything
        self.worker: Worker | None = None
        self.last: Backup | None = None  # the newest backup this window took
        self._just_restored = False

    def take_in_background(self, reason: str = "opened") -> None:
        """A backup taken by a worker (its own read-only connection), the window going on."""
        store = self.store()
        just_restored, self._just_restored = self._just_restored, False
        if store is None or just_restored or (self.worker is not None and not self.worker.done):
            return  # (after a restore, the backup restored from holds what the project holds)
        worker = Worker(_take, str(store.path), reason)
        worker.finished.connect(self._taken)
        worker.failed.connect(lambda message: self.feedback.status(f"No backup was taken: {message}", 10_000))
        self.worker = worker
        worker.start()

    def cancel(self) -> None:
        """Stop a background backup (the window closes): its partial copy is removed."""
        if self.worker is not None:
            self.worker.cancel()

    def _taken(self, backup: Backup | None) -> None:
        if backup is not None:
            self.last = backup

    def before_bulk_change(self, reason: str) -> bool:
        """A backup before a bulk change, taken now; False when it failed and the person
        chose not to go on without one."""
        store = self.store()
        if store is None:
            return True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.last = take_backup(store.path, reason) or self.last
        except AnnotatorError as exc:
            QApplication.restoreOverrideCursor()
            return self.prompts.confirm("No backup", f"{exc}\n\nGo on without a backup?")
        QApplication.restoreOverrideCursor()
        return True

    def restore_dialog(self) -> None:
        store = self.store()
        if store is None:
            return
        under_way = self.busy()
        if under_way:
            self.prompts.inform("Restore Backup", f"{under_way}. Wait for it to finish, or cancel it, then restore.")
            return
        backups = list_backups(store.path)
        if not backups:
            self.prompts.inform("Restore Backup", f"There are no backups of {store.path.name} yet. annotator "
                                "takes one when a project opens and before loads, merges and imports.")
            return
        labels = [f"{n}.  {b.describe()}" for n, b in enumerate(backups, 1)]  # numbered as `annotator backups` does
        chosen = self.prompts.choose("Restore Backup", f"Backups of {store.path.name}, newest first:", labels)
        if chosen is None or chosen not in labels:
            return
        backup = backups[labels.index(chosen)]
        if not self.prompts.confirm(
                "Restore Backup",
                f"Replace everything in {store.path.name} with the backup from {chosen.split('  ')[1]} "
                f"({backup.why})?\n\nWhat the project holds now is backed up first, so restoring that "
                "backup undoes this. The undo history is cleared."):
            return
        self.restore(backup)

    def restore(self, backup: Backup | Path) -> bool:
        store = self.store()
        if store is None:
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            safety = restore_backup(store, backup)
        except AnnotatorError as exc:
            QApplication.restoreOverrideCursor()
            self.feedback.show_error(str(exc))
            return False
        QApplication.restoreOverrideCursor()
        self.last = safety or self.last
        self._just_restored = True
        self.reload()
        what = (f"the backup from {backup.taken_at.astimezone():%Y-%m-%d %H:%M:%S} ({backup.why})"
                if isinstance(backup, Backup) else Path(backup).name)
        self.feedback.status(f"Restored {what}. What the project held before is in the backup list too.", 10_000)
        return True


def _take(path: str, reason: str, progress, cancelled) -> Backup | None:
    """Worker: take a backup through a connection of this thread's own."""
    return take_backup(path, reason, progress=progress, cancelled=cancelled)
