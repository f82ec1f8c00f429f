"""The main window: sources on the left, documents side by side in the centre."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from annotator.core.errors import AnnotatorError, ProjectLockedError
from annotator.core.events import Change, Events
from annotator.core.model import Rating, Relation
from annotator.services.annotations import AnnotationService, default_annotator
from annotator.services.documents import DocumentService
from annotator.services.importing import ImportService
from annotator.services.workspace import Edited, LinksChanged, PanePinned, SelectionChanged, Workspace
from annotator.services.projects import PROJECT_FILTER, create_project_file, open_project_file, same_project_file
from annotator.gui import commands
from annotator.gui import settings as app_settings
from annotator.gui.backups import BackupsController
from annotator.gui.claims_panel import ClaimRow, ClaimsPanel, TableRows
from annotator.gui.conflicts_panel import ConflictsPanel
from annotator.gui import timeline as timeline_view
from annotator.gui.disagreements import DisagreementsPanel, disagreements_view
from annotator.gui.project_view import ProjectView
from annotator.gui.timeline import TimelinePanel
from annotator.gui.dialogs import ClaimTypesDialog, SourceDialog
from annotator.gui.choices import DocumentChoices
from annotator.gui.document_pane import DocumentPane
from annotator.gui.documents import DocumentsController
from annotator.gui.document_view import Span
from annotator.gui.inspector import Inspector
from annotator.gui.link_band import LinkSplitter, RelationLegend
from annotator.gui.prompts import Prompts, QtPrompts
from annotator.gui.palette import RELATION_COLORS, VERDICT_COLORS, VERDICT_KEYS
from annotator.gui.reliability_panel import ReliabilityPanel, ScoreUpdater
from annotator.gui.search_panel import SearchPanel
from annotator.gui.importing import ImportController
from annotator.gui.journal import JournalSyncer, JournalTidier
from annotator.gui.interchange import InterchangeController
from annotator.gui.hints import HintsController
from annotator.gui.docks import hide_stale_tab_bars
from annotator.gui.help import PAGES, HelpController
from annotator.gui.linking import LinkingController
from annotator.gui.similar import SimilarController
from annotator.gui.similar_panel import SimilarPanel
from annotator.gui.workers import Worker, favour_the_gui_thread

if TYPE_CHECKING:
    from annotator.store import ProjectStore
    from annotator.services.reliability.scores import SourceScore
    from annotator.services.value_conflicts import Disputes

MIN_PANES, MAX_PANES = 1, 4
TREE_EXPANDED_UP_TO = 40  # documents; a larger project opens with only the shown documents' sources expanded
FREEZE_ROWS_EVERY = 10_000  # claim rows read in a worker; see _read_claim_rows
BACKGROUND_TABLE_ABOVE = 5_000  # claims; a larger table is filled in a worker after the window shows
#: Claims up to which the disagreements are looked for in the background, for the badges on
#: highlights and ribbons (at 20,000 claims, 1.7 s in a worker after opening and 0.3 s after an
#: edit); a larger project shows badges once the Disagreements tab has looked (12 s at 100,000).
DISPUTE_BADGES_UP_TO = 20_000
TABLE_ROW_KEYS = ("id", "document_id", "source_id", "type_id", "verdict", "quote", "note", "start")
DOC_ROLE = Qt.ItemDataRole.UserRole
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2


LEFT, RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea


class MainWindow(QMainWindow):
    UNPAINTED_START_MS = 2000
    UNPAINTED_FILL_MS = 50  # the documents go into empty panes that have not painted by then
    PAINT_LATE_MS = 1000  # ... or, in panes on screen, by then: a paint that never came
    projectOpened = Signal(str)  # the path of the project now shown
    projectShown = Signal()  # the project's documents are in the panes (see set_project)
    projectNotOpened = Signal(str, str)  # (path, why)
    # Built in __init__ and _build_actions; declared here so that the lambdas wired before
    # them are typed.
    reliability: ReliabilityPanel
    linking: LinkingController
    delete_action: QAction
    verdict_actions: list[QAction]

    def __init__(self, store: ProjectStore, prompts: Prompts | None = None):
        super().__init__()
        favour_the_gui_thread()
        self.prompts: Prompts = prompts if prompts is not None else QtPrompts(self)
        self._store: ProjectStore | None = None  # None only while building and once closed
        self.events = Events()
        self.undo_stack = QUndoStack(self)
        self.panes: list[DocumentPane] = []
        self._workspace: Workspace | None = None
        self._syncing = False  # one pane's scroll is being copied to the others
        self._claims_loader: Worker | None = None
        self._claims_touched: set[str] | None = None  # edited while the table's rows are read
        self._link_claims: set[str] | None = set()  # claims whose links changed in this batch (None: all)
        self._batch_depth = 0
        self._painted = False  # the documents have been painted once (see _after_first_paint)
        self._opening: Worker | None = None  # another project being checked before it opens
        self._filling: _Filling | None = None  # a project bound, its documents not yet all in the panes
        self._waiting_for_paint: list = []
        self._selection_moved: set[str] = set()  # claims (de)selected, not yet shown
        self._changes: list[Change] = []
        self._last_pane: DocumentPane | None = None  # the pane last typed or clicked in
        self._reference_pane: DocumentPane | None = None  # where the last jump opened a document
        self._jumping = False  # focus moved by a jump, not by the person
        self.setAcceptDrops(True)
        self.resize(1400, 860)

        self.document_choices = DocumentChoices(self)
        self._tree_timer = QTimer(self)  # the tree refills once per burst of changes, after a paint
        self._tree_timer.setSingleShot(True)
        self._tree_timer.setInterval(0)
        self._tree_timer.timeout.connect(self._refresh_tree)
        self.sources_tree = QTreeWidget()
        self.sources_tree.setHeaderLabels(["Sources and documents", "Score"])
        header = self.sources_tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        self.sources_tree.setAccessibleName("Sources and documents")
        self.sources_tree.itemActivated.connect(self._tree_activated)
        self.sources_dock = dock = self.add_dock("Sources", "sourcesDock", self.sources_tree, LEFT)

        self.splitter = LinkSplitter()
        self.splitter.link_provider = self._links_between
        self.splitter.selected_claim = lambda: self.selected_claim_id
        self.splitter.describe_link = self._describe_link
        self.splitter.disputed = lambda a, b: self.disputes is not None and self.disputes.between(a, b)
        self.disputes: Disputes | None = None  # what the last disagreements search found (badges)
        self.setCentralWidget(self.splitter)

        self.claims_panel = ClaimsPanel()
        self.claims_panel.claimActivated.connect(lambda cid: self.select_claim(cid, focus_text=True))
        self.claims_panel.claimSelected.connect(self.select_claim)
        self.claims_dock = claims_dock = self.add_dock("Claims", "claimsDock", self.claims_panel, RIGHT)
        self.inspector = Inspector(self.push, self.show_error)
        self.inspector.scores_provider = lambda: self.reliability.scores
        self.inspector.tell = lambda message: self.status(message, 8000)
        self.inspector.jumpRequested.connect(self.select_claim)
        self.inspector.deleteRequested.connect(lambda cid: self.delete_claim(cid))
        self.inspector_dock = self.add_dock("Inspector", "inspectorDock", self.inspector, RIGHT)
        self.search_panel = SearchPanel()
        self.search_panel.hitActivated.connect(self.open_at)
        self.search_dock = self.add_dock("Search", "searchDock", self.search_panel, LEFT)
        self.similar_panel = SimilarPanel()
        self.similar_dock = self.add_dock("Similar", "similarDock", self.similar_panel, LEFT, tab_with=self.search_dock)
        self.sources_tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.sources_tree.customContextMenuRequested.connect(self._tree_menu)
        self.reliability = ReliabilityPanel()
        self.reliability.claimActivated.connect(lambda cid: self.select_claim(cid, focus_text=True))
        self.help = HelpController(self, lambda: self._store.path if self._store is not None else None)
        self.reliability.helpRequested.connect(lambda: self.help.show_page("How Scores Are Computed", "scores.md"))
        self.reliability_dock = self.add_dock("Reliability", "reliabilityDock", self.reliability, RIGHT,
                                              tab_with=claims_dock)
        self.conflicts_panel = ConflictsPanel()
        self.conflicts_panel.claimActivated.connect(lambda cid: self.select_claim(cid, focus_text=True))
        self.conflicts_panel.decideRequested.connect(self.decide_conflict)
        self.conflicts_dock = self.add_dock("Conflicts", "conflictsDock", self.conflicts_panel, RIGHT,
                                            tab_with=claims_dock)
        self._conflict_scores = None  # the scores whose disagreements the Conflicts list shows when on screen
        self.disagreements_panel = DisagreementsPanel()
        self.disagreements_panel.claimActivated.connect(lambda cid: self.select_claim(cid, focus_text=True))
        self.disagreements_panel.pairRequested.connect(self.show_side_by_side)
        self.disagreements_panel.linkRequested.connect(
            lambda a, b: self.linking.link(a, b, Relation.CONTRADICTS))
        self.disagreements_dock = self.add_dock("Disagreements", "disagreementsDock", self.disagreements_panel,
                                                RIGHT, tab_with=claims_dock)
        self.disagreements = disagreements_view(self.disagreements_panel, self.disagreements_dock,
                                                lambda: self._store.path if self._store is not None else None,
                                                found=self._disputes_found, wanted=self._dispute_badges_wanted)
        self.timeline_panel = TimelinePanel()
        self.timeline_panel.chart.claimActivated.connect(lambda cid: self.select_claim(cid, focus_text=True))
        self.timeline_panel.chart.documentActivated.connect(self._open_document)
        self.timeline_panel.exportRequested.connect(self.export_timeline)
        self.timeline_dock = self.add_dock("Timeline", "timelineDock", self.timeline_panel, RIGHT,
                                           tab_with=claims_dock)
        self.timeline = ProjectView(dock=self.timeline_dock,
                                    project_path=lambda: self._store.path if self._store is not None else None,
                                    work=timeline_view.build, show=self.timeline_panel.set_timeline,
                                    busy=self.timeline_panel.set_busy, empty=None,
                                    failure="The timeline could not be built")
        self.conflicts_dock.visibilityChanged.connect(self._conflicts_shown)
        self.source_scores: dict[str, SourceScore] = {}
        self.journal = JournalTidier(self, lambda: self._store.path if self._store is not None else None)
        self.syncer = JournalSyncer(self)
        self.syncer.failed.connect(self._sync_failed)
        self._journal_to_sync: Path | None = None  # the open project's log, while the syncer syncs it
        self.score_updater = ScoreUpdater(self, self.reliability, self._scores_ready,
                                         lambda: self._store.path if self._store is not None else None)
        self.resizeDocks([dock, claims_dock], [270, 470], Qt.Orientation.Horizontal)

        self.interchange = InterchangeController(
            parent=self, prompts=self.prompts, feedback=self, push=self.push, select_claim=self.select_claim,
            backup=lambda reason: self.backups.before_bulk_change(reason))
        self.importing = ImportController(parent=self, prompts=self.prompts, feedback=self, push=self.push,
                                          open_documents=self._open_in_empty_panes,
                                          open_document=self._open_document)
        self.backups = BackupsController(parent=self, prompts=self.prompts, feedback=self,
                                         store=lambda: self._store, reload=lambda: self.set_project(self.store),
                                         busy=self._work_under_way)
        self.documents = DocumentsController(
            parent=self, prompts=self.prompts, feedback=self, push=self.push, push_pair=self.push_pair,
            tree=self.sources_tree, doc_role=DOC_ROLE, panes=lambda: self.panes, show_in_pane=self.show_in_pane,
            working_pane=lambda: self.focused_pane() or (self._last_pane if self._last_pane in self.panes else None))
        self.type_combo = QComboBox()
        self.similar = SimilarController(
            panel=self.similar_panel, dock=self.similar_dock, selected_claim=lambda: self.selected_claim_id,
            new_claim_type=lambda: self.type_combo.currentData(), open_at=self.open_at,
            link=lambda a, b, relation: self.linking.link(a, b, relation), push_pair=self.push_pair, feedback=self,
            documents=lambda: self.workspace.documents())
        self.inspector.claimShown.connect(lambda _cid: self.similar.schedule())
        self.type_combo.setAccessibleName("Type for new claims")
        self.type_combo.setToolTip("Type given to claims you create")
        self.link_hint = QLabel()
        self._build_actions()
        for action in (*self.verdict_actions, self.delete_action):  # also from the claims table
            self.claims_panel.table.addAction(action)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)
        self.set_project(store, at_once=True)
        state = app_settings.settings().value("window/state")
        geometry = app_settings.settings().value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self._first_layout = self.saveState()  # what Reset Layout returns to
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self._fit_screen()

    def reset_layout(self) -> None:
        """Every panel visible and where a first start puts it."""
        self.restoreState(self._first_layout)
        for dock in self.findChildren(QDockWidget):
            dock.setFloating(False)
            dock.show()
        self.claims_dock.raise_()
        self.search_dock.raise_()
        self.resizeDocks([self.sources_dock, self.claims_dock], [270, 470], Qt.Orientation.Horizontal)
        self._fit_screen()

    def _fit_screen(self) -> None:
        """Never larger than the screen's free area (a first start on a laptop, or a layout
        saved on a bigger monitor); centred when it had to shrink."""
        screen = self.screen()
        if screen is None or self.isMaximized() or self.isFullScreen():
            return
        free = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar and borders
        if frame.isEmpty():  # not shown yet: the window manager's frame is unknown, allow for one
            frame = QSize(8, 40)
        width = min(self.width(), free.width() - frame.width())
        height = min(self.height(), free.height() - frame.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
            self.move(free.center() - self.rect().center())

    # -- actions and menus ------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str | None = None, *,
                window_wide: bool = True) -> QAction:
        """An action for the menus. ``window_wide=False`` keeps its shortcut to the widgets
        it is added to (the panes and the claims table), so Delete in the sources list or a
        digit typed elsewhere never touches a claim."""
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)  # every binding of the platform (Redo: Ctrl+Y and Ctrl+Shift+Z)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        if window_wide:
            self.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&New Project…", self.new_project, QKeySequence.StandardKey.New))
        file_menu.addAction(self._action("&Open Project…", self.open_project_dialog, QKeySequence.StandardKey.Open))
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.import_action = self._action("&Import Files…", lambda: self.importing.import_dialog(), "Ctrl+I",
                                          "Import articles: text, Markdown, HTML, Word or PDF")
        file_menu.addAction(self.import_action)
        file_menu.addAction(self._action("&Paste as New Document…", lambda: self.importing.paste_document(),
                                         "Ctrl+Shift+V",
                                         "Create a document from text on the clipboard"))
        file_menu.addAction(self._action("Import &Annotations (CSV)…",
                                         lambda: self.interchange.load_annotations_dialog(), None,
                                         "Load claims, links and verdicts from annotation CSV files"))
        file_menu.addAction(self._action("Import &Web Annotations (JSON-LD)…",
                                         lambda: self.interchange.load_web_annotations_dialog(), None,
                                         "Load claims, links and verdicts from a W3C Web Annotation file "
                                         "(this app's export, Hypothesis and other tools)"))
        file_menu.addAction(self._action("&Export…", lambda: self.interchange.export_dialog(), "Ctrl+Shift+X",
                                         "Annotation CSVs, W3C Web Annotation or ClaimReview JSON-LD"))
        file_menu.addAction(self._action("&Merge Project…", lambda: self.interchange.merge_dialog(), None,
                                         "Bring a colleague's documents and annotations into this project"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("Restore &Backup…", lambda: self.backups.restore_dialog(), None,
                                         "Put an automatic backup of this project in place of what it holds now"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        edit_menu = bar.addMenu("&Edit")
        undo = self._action("&Undo", self.undo, "Ctrl+Z")
        redo = self._action("&Redo", self.redo)
        # Ctrl+Y and Ctrl+Shift+Z on every system (Qt's standard Redo on Linux lacks Ctrl+Y).
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        undo.setEnabled(False)
        redo.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(redo.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda t: undo.setText(f"&Undo {t}".strip()))
        self.undo_stack.redoTextChanged.connect(lambda t: redo.setText(f"&Redo {t}".strip()))
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        edit_menu.addSeparator()
        edit_menu.addAction(self._action("&Find in Document…", self.find_in_document, QKeySequence.StandardKey.Find))
        edit_menu.addAction(self._action("&Search All Documents…", self.focus_search, "Ctrl+Shift+F"))
        edit_menu.addAction(self._action("Find Si&milar Passages", lambda: self.similar.show(), "Ctrl+Shift+M",
                                         "Where other documents say something like the selected claim"))
        edit_menu.addSeparator()
        self.preferences_action = self._action("&Preferences…", self.preferences, "Ctrl+,",
                                               "Your name, recorded with what you annotate")
        edit_menu.addAction(self.preferences_action)
        self.annotator_label = QLabel(f"Annotating as {self.annotator_name}")
        self.annotator_label.setToolTip("Recorded with your claims, links and verdicts (Edit › Preferences)")
        self.statusBar().addPermanentWidget(self.annotator_label)

        bar.addMenu(self.documents.menu)
        claim_menu = bar.addMenu("&Claim")
        self.create_action = self._action("&Create Claim from Selection", self.create_claim_from_selection,
                                          "Ctrl+E", "Highlight the selected text as a claim")
        self.link_action = self._action("&Link Claims…", lambda: self.linking.step(), "Ctrl+L",
                                        "Press once on the first claim, then on the second, and pick the relation")
        self.resize_action = self._action("&Resize Claim to Selection", self.resize_claim_to_selection,
                                          "Ctrl+Shift+E", "Move the selected claim's span to the selected text")
        self.delete_action = self._action("&Delete Claim", lambda: self.delete_claim(self.selected_claim_id),
                                          QKeySequence.StandardKey.Delete, window_wide=False)
        self.next_action = self._action("&Next Claim", lambda: self.step_claim(+1), "Alt+Down")
        self.prev_action = self._action("&Previous Claim", lambda: self.step_claim(-1), "Alt+Up")
        self.cancel_link_action = self._action("Cancel Linking", lambda: self.linking.cancel(), "Esc")
        self.cancel_link_action.setEnabled(False)
        self.linking = LinkingController(prompts=self.prompts, feedback=self, push=self.push,
                                         select_claim=self.select_claim, hint_label=self.link_hint,
                                         cancel_action=self.cancel_link_action)
        for action in (self.create_action, self.link_action, self.cancel_link_action, self.resize_action,
                       self.delete_action, self.next_action, self.prev_action):
            claim_menu.addAction(action)
        claim_menu.addAction(self._action("Claim &Types…", self.edit_claim_types, None,
                                          "Add, rename, recolour or delete claim types"))
        verdict_menu = claim_menu.addMenu("&Verdict")
        self.verdict_actions = []
        for key, rating in [*VERDICT_KEYS.items(), ("0", None)]:
            label = rating.label.capitalize() if rating else "Clear verdict"
            action = self._action(label, lambda _=False, r=rating: self.set_verdict(r), key, window_wide=False)
            if rating is not None:
                pix = QPixmap(12, 12)
                pix.fill(VERDICT_COLORS[rating])
                action.setIcon(QIcon(pix))
            verdict_menu.addAction(action)
            self.verdict_actions.append(action)

        toolbar = self.addToolBar("Annotate")
        toolbar.setObjectName("annotateToolbar")
        toolbar.addWidget(QLabel(" New claims: "))
        toolbar.addWidget(self.type_combo)
        toolbar.addAction(self.create_action)
        toolbar.addAction(self.link_action)
        toolbar.addSeparator()
        toolbar.addWidget(self.link_hint)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(RelationLegend())

        tools_menu = bar.addMenu("&Tools")
        tools_menu.addAction(self._action("&Agreement Between Annotators…",
                                          lambda: self.interchange.agreement_dialog(), None,
                                          "Cohen's kappa and Krippendorff's alpha on spans, links, verdicts"))
        tools_menu.addAction(self._action("&Project Settings…", lambda: self.interchange.project_settings(), None,
                                          "Project name and the newsroom named in ClaimReview exports"))

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self._action("&Add Pane", self.add_pane, "Ctrl+Shift+N"))
        view_menu.addAction(self._action("&Remove Pane", self.remove_pane, "Ctrl+Shift+W"))
        view_menu.addAction(self._action("&Pin Pane", lambda: self.toggle_pin(), "Ctrl+Shift+P",
                                         "Keep the document in the pane you are reading: jumps open elsewhere"))
        view_menu.addSeparator()
        self.sync_action = self._action("&Synchronised Scrolling", lambda on: None, "Ctrl+Shift+S")
        self.sync_action.setCheckable(True)
        view_menu.addAction(self.sync_action)
        view_menu.addSeparator()
        for n in range(1, MAX_PANES + 1):
            view_menu.addAction(self._action(f"Focus Pane {n}", lambda _=False, i=n - 1: self.focus_pane(i),
                                             f"Ctrl+{n}"))
        self.hints_action = self._action("Show Sentences &Worth Checking", None, "Ctrl+Shift+H",
                                         "Dotted underline: sentences with a figure, date, comparison or "
                                         "attribution that are not claims yet")
        self.hints = HintsController(parent=self, action=self.hints_action, panes=lambda: self.panes,
                                     focused_pane=self.focused_pane, feedback=self,
                                     documents=lambda: self.workspace.documents())
        view_menu.addAction(self.hints_action)
        view_menu.addSeparator()
        panels = view_menu.addMenu("&Panels")
        for dock in (self.sources_dock, self.search_dock, self.similar_dock, self.claims_dock,
                     self.reliability_dock, self.conflicts_dock, self.disagreements_dock, self.timeline_dock,
                     self.inspector_dock):
            panels.addAction(dock.toggleViewAction())  # a closed panel comes back from here
        view_menu.addAction(self._action("Reset &Layout", self.reset_layout, None,
                                         "Every panel back where it was on the first start"))
        # F8 / Shift+F8 as in editors' "next problem"; Alt+Shift+arrows move between
        # workspaces on common Linux desktops and never reach the app there.
        claim_menu.addAction(self._action("Select Next Sentence Worth Checking", lambda: self.hints.select(+1),
                                          "F8"))
        claim_menu.addAction(self._action("Select Previous Sentence Worth Checking", lambda: self.hints.select(-1),
                                          "Shift+F8"))
        self.inspector.claimShown.connect(lambda _cid: self.hints.refresh())
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard Shortcuts", self.help.show_shortcuts, "F1",
                                         "Every shortcut of the app, from its menus"))
        help_menu.addSeparator()
        for title, page in PAGES:
            help_menu.addAction(self._action(f"{title}…", lambda _=False, t=title, p=page: self.help.show_page(t, p)))
        help_menu.addSeparator()
        help_menu.addAction(self._action("&Licences…", self.help.show_licences))
        help_menu.addAction(self._action("&About annotator", self.help.show_about))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = app_settings.recent_projects()
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project_path(p))

    # -- project ---------------------------------------------------------------------
    def set_project(self, store: ProjectStore, *, opened: bool = False, at_once: bool = False) -> None:
        """Show ``store`` in this window in three turns of the event loop, so that none holds
        the window long (at 100,000 claims, File › Open was one 210 ms block): this one binds
        the project and empties the panes; once they have painted, the next puts the
        project's documents in them (``_show_pane_documents``); once those have painted, the
        last draws their highlights and the rest (``_draw_project``) and emits
        ``projectShown`` (with ``opened``, ``projectOpened`` too: File › Open). ``at_once``:
        all now, for a window not yet on screen (the first paint costs the same with or
        without the documents, so a window that starts empty only shows them later)."""
        reloaded = store is self._store  # its contents were replaced (a backup restored)
        if self._store is not None:
            self.inspector.show_claim(None)
            self._save_panes()
        if self._store is not None and store is not self._store:  # the same store: its contents were replaced
            self.syncer.stop()  # a last sync, then the thread ends
            self.store.close_in_background()  # its closing checkpoint need not hold the window
        self._painted = False  # the new project's documents have not been painted yet
        self._waiting_for_paint = []
        self._store = store
        store.defer_checkpoints()  # the journal tidier copies the log off the GUI thread
        self._journal_to_sync = store.journal_path() if store.defer_syncs() else None  # the syncer syncs it
        if self._workspace is not None:
            self._workspace.close()
        self._workspace = Workspace(store, self.events)
        self.workspace.subscribe(self._on_workspace)
        self.annotations = AnnotationService(store, self.events, annotator=self.annotator_name)
        self.importer = ImportService(store, self.events)
        self.linking.bind(self.workspace, self.annotations)
        self.interchange.bind(self.annotations)
        self.importing.bind(self.importer)
        self.documents.bind(DocumentService(store, self.events), self.workspace)
        self.undo_stack.clear()
        self.inspector.set_service(self.annotations)
        self.similar.bind(store, self.annotations)
        self.disagreements.bind()
        self.timeline.bind()
        self.hints.bind(store)
        self.search_panel.search_fn = store.search
        self.search_panel.results.clear()
        self._refresh_types()
        self.setWindowTitle(f"{store.name} — annotator")
        self.setWindowFilePath(str(store.path))
        app_settings.remember_project(store.path)
        self.sources_tree.clear()  # the new project's tree is laid out afresh
        self.claims_panel.set_rows([])  # nothing of the last project is offered meanwhile
        self._show_conflicts(None)  # this one's come with its scores
        self._refresh_pickers()
        while len(self.panes) < 2:  # side by side, as a first start shows them
            self.add_pane()
        for pane in self.panes:  # nothing of the last project is shown meanwhile
            pane.show_document(None, None)
            pane.set_pinned(False)
        self._sync_pane_documents()
        token = self._filling = _Filling(store)  # this call's steps; a later call makes its own
        steps = [self._show_pane_documents, self._draw_highlights, lambda: self._draw_rest(store, not reloaded)]
        done: set[int] = set()

        def step(i: int, painted: bool) -> None:
            if self._filling is not token or self._store is not store or i in done:
                return
            done.add(i)
            if painted and i == len(steps) - 1:
                self._mark_painted()  # the highlighted documents are on screen
            steps[i]()
            if i + 1 < len(steps):
                if not at_once:
                    self._after_pane_paint(functools.partial(step, i + 1))
                return
            self._filling = None
            self.projectShown.emit()
            if opened:
                self.projectOpened.emit(str(store.path))

        if at_once:
            for i in range(len(steps)):
                step(i, False)
            return
        self._after_pane_paint(functools.partial(step, 0))

    def _after_pane_paint(self, fn: Callable[[bool], None]) -> None:
        """``fn(True)`` in a turn of the event loop after the panes next paint (a 1 ms timer:
        a zero one runs in the same turn as the paint, and the two made one long block);
        ``fn(False)`` if no paint comes (a window not on screen does not paint)."""
        self._on_next_paint(lambda: QTimer.singleShot(1, self, lambda: fn(True)))
        handle, view = self.windowHandle(), self.panes[0].view
        on_screen = (handle is not None and handle.isExposed() and not self.isMinimized()
                     and view.isVisible() and not view.visibleRegion().isEmpty())
        QTimer.singleShot(self.UNPAINTED_FILL_MS if not on_screen else self.PAINT_LATE_MS, self, lambda: fn(False))

    def _on_next_paint(self, fn: Callable[[], None]) -> None:
        """``fn`` after the first pane's next paint, after whatever already waits for it."""
        view = self.panes[0].view
        before = view.after_paint

        def after() -> None:
            if before is not None:
                before()
            fn()

        view.after_paint = after

    @property
    def project_shown(self) -> bool:
        """Whether the open project's documents are in the panes (see set_project)."""
        return self._filling is None

    def _show_pane_documents(self) -> None:
        """The project's documents in the panes it had last time (the first two the first
        time), without their highlights (see ``_draw_project``)."""
        value = app_settings.value(self._panes_key(), [])
        saved = [value] if isinstance(value, str) else [str(v) for v in value] if isinstance(value, list) else []
        known = {d.id for d in self.workspace.documents()}
        if not saved:  # first time: the first documents, one per pane
            saved = [d.id for d in self.workspace.documents()[:2]]
        wanted = [*saved, "", ""][:max(2, min(len(saved), MAX_PANES))]
        while len(self.panes) > len(wanted):
            self._drop_pane(self.panes[-1])
        while len(self.panes) < len(wanted):
            self.add_pane()
        for pane, doc_id in zip(self.panes, wanted, strict=True):  # the same widgets: none is rebuilt
            pane.find_bar.hide()
            if doc_id in known:
                self.show_in_pane(pane, doc_id, draw=False)
        self._update_gutters()
        pins = app_settings.value(self._pins_key(), [])
        for index in ([pins] if isinstance(pins, str) else pins if isinstance(pins, list) else []):
            if str(index).isdigit() and int(index) < len(self.panes):
                self.workspace.pin(int(index))  # a pane whose document is gone stays unpinned

    def _draw_highlights(self) -> None:
        """The highlights and ribbons of the documents in the panes."""
        self._painted = False  # the highlighted documents are what the table and tree wait for
        self._refresh_highlights()

    def _draw_rest(self, store: ProjectStore, announce: bool = True) -> None:
        """Everything of the project that the panes did not bring: the claims table, the
        Inspector, the tree, hints and scores."""
        self._after_first_paint(self._tree_timer.start)  # the tree (a row per document) after the documents
        self._refresh_claim_views()
        self.hints.refresh()
        self.source_scores = {}
        self.score_updater.schedule()
        if announce:  # a restored backup says so itself
            self.statusBar().showMessage(f"Opened {store.path}", 5000)
        self.backups.take_in_background("opened")

    def _work_under_way(self) -> str | None:
        """A change running in a worker that replacing the project would cut short."""
        if self.importing.worker is not None:
            return "Articles are being imported"
        if self.interchange.csv_load is not None:
            return "Annotations are being loaded"
        return None

    def _panes_key(self, kind: str = "panes") -> str:
        """The settings key of this project's panes (``kind="pinned"``: of its pins)."""
        return f"{kind}/" + str(Path(self.store.path).resolve()).replace("/", "|").replace("\\", "|")

    def _pins_key(self) -> str:
        return self._panes_key("pinned")

    def _save_panes(self) -> None:
        if self._store is not None and self._filling is None:  # not the empty panes of a project opening
            app_settings.set_values({
                self._panes_key(): [p.document_id or "" for p in self.panes],
                self._pins_key(): [str(i) for i, pinned in enumerate(self.workspace.pinned) if pinned],
            })

    def open_project_path(self, path: str | Path) -> None:
        """Open another project. Its checks (every short text is read once: half a second
        at 100,000 claims) run in a worker while this window stays usable; then the project
        replaces this one, and ``projectOpened`` (or ``projectNotOpened``) says so."""
        if self._opening is not None:
            self.status("Already opening a project; a moment, please.")
            return
        if self._store is not None and same_project_file(path, self.store.path):
            self.status(f"{Path(path).name} is the project open in this window.")
            return
        name = Path(path).name
        self.status(f"Opening {name}…", 60_000)
        worker = Worker(_inspect_project, str(path))
        self._opening = worker
        worker.finished.connect(lambda version, p=path: self._inspected(p, version))
        worker.failed.connect(lambda message, p=path: self._not_opened(p, message))
        worker.start()

    def _inspected(self, path: str | Path, version: int) -> None:
        self._opening = None
        if self._store is None:
            return  # the window closed meanwhile
        try:
            store = open_project_file(path, inspected=version)
        except ProjectLockedError as exc:  # in use elsewhere: it stays in the recent list
            self._not_opened(path, str(exc), forget=False)
            return
        except AnnotatorError as exc:
            self._not_opened(path, str(exc))
            return
        self.set_project(store, opened=True)

    def _not_opened(self, path: str | Path, message: str, *, forget: bool = True) -> None:
        self._opening = None
        self.statusBar().clearMessage()
        if self._store is None:
            return
        if forget:
            app_settings.forget_project(path)
        self.prompts.warn("Cannot open project", message)
        self.projectNotOpened.emit(str(path), message)

    def open_project_dialog(self) -> None:
        path = self.prompts.open_file("Open project", self.store.path.parent, PROJECT_FILTER)
        if path:
            self.open_project_path(path)

    def new_project(self) -> None:
        path = self.prompts.save_file("New project", self.store.path.parent, PROJECT_FILTER)
        if not path:
            return
        try:
            store = create_project_file(path)
        except AnnotatorError as exc:
            self.prompts.warn("Cannot create project", str(exc))
            return
        self.set_project(store)

    # -- sources tree ----------------------------------------------------------------
    def _source_names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.store.sources()}

    def _refresh_documents(self) -> None:
        """Documents or sources changed: the panes' pickers at once, the tree (a row per
        document) in the next turn of the event loop (after the first paint, when a project
        opens), so a large project paints first."""
        self._refresh_pickers()
        self._after_first_paint(self._tree_timer.start)

    def _refresh_pickers(self) -> None:
        self.document_choices.set_documents(self.workspace.documents(), self._source_names())
        for pane in self.panes:
            pane.sync_picker()

    def _refresh_tree(self) -> None:
        if self._store is None:
            return
        tree = self.sources_tree
        previous = {item.data(0, SOURCE_ROLE): item.isExpanded() for item in _top_level_items(tree)}
        tree.clear()
        documents = self.workspace.documents()
        in_panes = set(self.workspace.pane_documents)
        shown = {doc.source_id for doc in documents if doc.id in in_panes}
        by_source: dict[str | None, list] = {}
        for doc in documents:
            by_source.setdefault(doc.source_id, []).append(doc)
        groups: list[tuple[str, str | None]] = [(s.name, s.id) for s in self.store.sources()]
        if None in by_source:
            groups.append(("No source", None))
        for name, source_id in groups:
            docs = by_source.get(source_id, [])
            item = QTreeWidgetItem([f"{name}  ({len(docs)})", ""])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setData(0, SOURCE_ROLE, source_id)
            item.setData(0, NAME_ROLE, name)
            self._show_score(item)
            for doc in docs:
                child = QTreeWidgetItem([doc.title])
                child.setToolTip(0, doc.title)
                child.setData(0, DOC_ROLE, doc.id)
                item.addChild(child)
            tree.addTopLevelItem(item)
            if source_id in previous:
                item.setExpanded(previous[source_id])  # as the person left it
            elif previous:
                item.setExpanded(True)  # a new source: show what just came in
            else:  # a project just opened: all of a small one; of a large one, what the panes show
                item.setExpanded(len(documents) <= TREE_EXPANDED_UP_TO or source_id in shown)

    def _show_score(self, item: QTreeWidgetItem) -> None:
        """A source's row: its estimate as a badge (a dash when there is none), and in the
        tooltip the record and, without an estimate, why (the words of the Reliability panel)."""
        name = item.data(0, NAME_ROLE)
        score = self.source_scores.get(item.data(0, SOURCE_ROLE))
        if score is None:
            item.setText(1, "")
            item.setToolTip(0, name)
            return
        item.setText(1, f"{score.estimate * 100:.0f}%" if score.estimate is not None else "—")
        item.setToolTip(0, f"{name}: {score.record_text}" + (f"; no estimate, {score.reason}" if score.reason else ""))

    def _tree_activated(self, item: QTreeWidgetItem) -> None:
        doc_id = item.data(0, DOC_ROLE)
        if doc_id:
            self._open_document(doc_id)

    # -- layout and moving around ----------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, lambda: hide_stale_tab_bars(self))
        if app_settings.annotator_name() is None:
            QTimer.singleShot(0, self._ask_name_once)

    # -- who is annotating ---------------------------------------------------------------
    @property
    def annotator_name(self) -> str:
        return app_settings.annotator_name() or default_annotator()

    def _ask_name_once(self) -> None:
        """A new user says once what name goes with their claims, links and verdicts (the
        login is offered; closing the question keeps it). Preferences changes it later."""
        if app_settings.annotator_name() is not None:
            return
        name = self.prompts.text("Your name", "The name recorded with your claims, links and verdicts "
                                 "(change it later in Edit › Preferences):", default_annotator())
        self._set_annotator((name or "").strip() or default_annotator())

    def preferences(self) -> None:
        name = self.prompts.text("Preferences", "Your name, recorded with the claims, links and verdicts "
                                 "you make from now on:", self.annotator_name)
        if name is not None and name.strip():
            self._set_annotator(name.strip())

    def _set_annotator(self, name: str) -> None:
        app_settings.set_annotator_name(name)
        if self._store is not None:
            self.annotations.annotator = name
        self.annotator_label.setText(f"Annotating as {name}")

    def add_dock(self, title: str, name: str, widget, area, *, tab_with: QDockWidget | None = None) -> QDockWidget:
        """A dock with a stable object name (the saved layout refers to it); with ``tab_with``
        it becomes a tab behind that dock."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        # Every dock scrolls: however tall its panel would like to be (the inspector, fifty
        # sources), the window still fits a laptop screen, and the panel gets the scroll bar.
        scroll = QScrollArea()
        scroll.setObjectName(f"{name}Scroll")
        scroll.setWidget(widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumSize(120, 80)
        dock.setWidget(scroll)
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

    def export_timeline(self) -> None:
        """Save the Timeline as a PNG or SVG picture (the format by the name's extension)."""
        folder = self._store.path.parent if self._store is not None else Path.home()
        path = self.prompts.save_file("Export the Timeline", folder, "PNG picture (*.png);;SVG drawing (*.svg)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".svg"):  # (a name alone: a PNG picture)
            path += ".png"
            if Path(path).exists() and not self.prompts.confirm("Replace the File?",
                                                                f"{Path(path).name} exists already. Replace it?"):
                return
        try:
            self.timeline_panel.chart.export(path)
        except OSError as exc:
            self.show_error(f"The timeline could not be saved: {exc}")
            return
        self.status(f"Timeline saved to {path}", 6000)

    def show_side_by_side(self, claim_a: str, claim_b: str) -> None:
        """Two claims in two panes (the first two not pinned, a new one if need be), each
        selected in its document; the first becomes the selected claim."""
        try:
            a, b = self.store.claim(claim_a), self.store.claim(claim_b)
        except AnnotatorError:
            self.status("One of the two claims is gone.", 5000)
            return
        if a.document_id == b.document_id:
            self.select_claim(a.id, focus_text=True)
            self.status("Both claims are in this document: the other is further "
                        f"{'down' if b.start > a.start else 'up'}.", 8000)
            return
        free = [p for p in self.panes if not self._pinned(p)]
        while len(free) < 2 and len(self.panes) < MAX_PANES:
            added = self.add_pane()
            if added is None:
                break
            free.append(added)
        showing = {p.document_id: p for p in self.panes if p.document_id is not None}
        both = (a.document_id, b.document_id)

        def pane_for(document_id: str, avoid: DocumentPane | None) -> DocumentPane | None:
            """The pane showing it already, else a free one showing neither (else any free one)."""
            if document_id in showing and showing[document_id] is not avoid:
                return showing[document_id]
            spare = [p for p in free if p is not avoid]
            return next((p for p in spare if p.document_id not in both), spare[0] if spare else None)

        pane_a = pane_for(a.document_id, None)
        pane_b = pane_for(b.document_id, pane_a)
        for claim, pane in ((a, pane_a), (b, pane_b)):
            if pane is None:
                self.status("Every other pane is pinned: unpin one to see both claims side by side.", 8000)
                continue
            if pane.document_id != claim.document_id:
                self.show_in_pane(pane, claim.document_id)
            pane.view.select_span(claim.start, claim.end)
            pane.view.centerCursor()
        self.select_claim(a.id)

    def open_at(self, document_id: str, start: int, end: int) -> None:
        """Show a document (in the pane already showing it, else a free one) at a range."""
        pane = next((p for p in self.panes if p.document_id == document_id), None)
        if pane is None:
            pane = self._pane_for_jump()
            if pane is None:
                return
            self.show_in_pane(pane, document_id)
        if end > start:
            pane.view.select_span(start, end)
            pane.view.centerCursor()
        else:
            pane.view.scroll_to(start)
        self._jumping = True
        try:
            pane.view.setFocus()
        finally:
            self._jumping = False

    def _sync_scroll(self, source: DocumentPane, value: int) -> None:
        if not self.sync_action.isChecked() or self._syncing:
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

    def _open_in_empty_panes(self, doc_ids: list[str]) -> None:
        """Newly imported documents: in the panes that show nothing, else the first in a new
        pane while there is room, never over a document being read; the rest are offered."""
        empty = [p for p in self.panes if p.document_id is None]
        if not empty and doc_ids and len(self.panes) < MAX_PANES:
            added = self.add_pane()
            empty = [added] if added is not None else []
        for pane, doc_id in zip(empty, doc_ids, strict=False):
            self.show_in_pane(pane, doc_id)
        waiting = len(doc_ids) - min(len(empty), len(doc_ids))
        if waiting:
            self.status(f"{waiting} more imported document{'s' if waiting != 1 else ''} in the Sources list: "
                        "double-click one to open it.", 10000)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.importing.import_paths(paths))

    def _open_document(self, doc_id: str) -> None:
        pane = next((p for p in self.panes if p.document_id == doc_id), None) or self._target_pane()
        if pane is not None:
            self.show_in_pane(pane, doc_id)

    def _target_pane(self) -> DocumentPane | None:
        """Where the Sources list or an import opens a document: the pane being read if it
        is not pinned, else an empty one, else where a jump would open it."""
        for pane in self.panes:
            if pane.view.hasFocus() and not self._pinned(pane):
                return pane
        for pane in self.panes:
            if pane.document_id is None and not self._pinned(pane):
                return pane
        return self._pane_for_jump()

    def _pinned(self, pane: DocumentPane) -> bool:
        index = self.panes.index(pane)
        return index < len(self.workspace.pinned) and self.workspace.pinned[index]

    def toggle_pin(self, pane: DocumentPane | None = None) -> None:
        """Pin the pane being worked in (or unpin it): its document stays put."""
        pane = pane or self.focused_pane() or (self._last_pane if self._last_pane in self.panes else None)
        if pane is None:
            self.hint("Click in a document first, then pin its pane (Ctrl+Shift+P).")
            return
        self._set_pinned(pane, not self._pinned(pane))

    def _set_pinned(self, pane: DocumentPane, pinned: bool) -> None:
        self.workspace.pin(self.panes.index(pane), pinned)
        pane.set_pinned(self._pinned(pane))  # the button shows what the workspace holds
        if pinned and not self._pinned(pane):
            self.hint("Open a document in this pane first, then pin it.")

    # -- panes -----------------------------------------------------------------------
    def add_pane(self) -> DocumentPane | None:
        if len(self.panes) >= MAX_PANES:
            self.statusBar().showMessage(f"At most {MAX_PANES} panes side by side.", 4000)
            return None
        pane = DocumentPane(len(self.panes), self.document_choices)
        pane.documentChosen.connect(lambda doc_id, p=pane: self.show_in_pane(p, doc_id))
        pane.pinToggled.connect(lambda pinned, p=pane: self._set_pinned(p, pinned))
        pane.view.spanClicked.connect(self.select_claim)
        pane.view.claimDropped.connect(lambda a, b: self.linking.dropped(a, b))
        pane.view.tooltip_provider = self._claim_tooltip
        pane.view.set_disputed(self.disputes.by_claim if self.disputes is not None else ())
        pane.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        pane.view.customContextMenuRequested.connect(lambda pos, p=pane: self._view_menu(p, pos))
        pane.view.viewportMoved.connect(self.splitter.update_bands)
        pane.view.verticalScrollBar().valueChanged.connect(lambda v, p=pane: self._sync_scroll(p, v))
        for action in (*self.verdict_actions, self.delete_action):
            pane.addAction(action)
        self.panes.append(pane)
        self.splitter.addWidget(pane)
        pane.show_document(None, None)
        self._sync_pane_documents()
        self._update_gutters()
        return pane

    def remove_pane(self) -> None:
        if len(self.panes) <= MIN_PANES:
            return
        self._drop_pane(self.panes[-1])
        self._update_gutters()

    def _update_gutters(self) -> None:
        for i, pane in enumerate(self.panes):
            pane.view.gutters = (i > 0, i < len(self.panes) - 1)
            pane.view.viewport().update()

    def _drop_pane(self, pane: DocumentPane) -> None:
        self.panes.remove(pane)
        pane.setParent(None)
        pane.deleteLater()
        self._sync_pane_documents()

    def show_in_pane(self, pane: DocumentPane, doc_id: str | None, *, draw: bool = True) -> None:
        """Show a document in a pane; ``draw=False`` leaves its highlights, ribbons and hints
        to the caller, which draws every pane at once (opening a project)."""
        if doc_id is None:
            pane.show_document(None, None)
            self._sync_pane_documents()
            return
        try:
            doc = self.store.document(doc_id)
        except AnnotatorError:
            self.statusBar().showMessage("That document is no longer in the project.", 5000)
            pane.show_document(None, None)
            self._sync_pane_documents()
            return
        source = self.store.source(doc.source_id).name if doc.source_id else None
        pane.show_document(doc, source)
        self._sync_pane_documents()
        if draw:
            self._refresh_spans(pane)
            self.hints.refresh()
            self.splitter.update_bands()

    # -- refresh ---------------------------------------------------------------------
    @property
    def store(self) -> ProjectStore:
        """The open project (a window always has one, from its construction to its close)."""
        if self._store is None:
            raise RuntimeError("the window has no open project")
        return self._store

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            raise RuntimeError("the window has no open project")
        return self._workspace

    @property
    def selected_claim_id(self) -> str | None:
        return self._workspace.selected_claim_id if self._workspace is not None else None

    @property
    def pending_link_from(self) -> str | None:
        return self._workspace.pending_link_from if self._workspace is not None else None

    def _on_workspace(self, notification) -> None:
        if isinstance(notification, SelectionChanged):
            self._selection_moved |= {c for c in (notification.old, notification.new) if c}
            if not self._batch_depth:  # in an edit, the views follow once it is applied
                self._show_moved_selection()
        elif isinstance(notification, LinksChanged):
            if notification.claim_ids is None or self._link_claims is None:
                self._link_claims = None
            else:
                self._link_claims |= notification.claim_ids
        elif isinstance(notification, PanePinned):
            if notification.index < len(self.panes):
                self.panes[notification.index].set_pinned(notification.pinned)
        elif isinstance(notification, Edited):
            self._on_change(notification.change)

    def _sync_pane_documents(self) -> None:
        if self._workspace is not None:
            self.workspace.set_pane_count(len(self.panes))
            for index, pane in enumerate(self.panes):
                self.workspace.show(index, pane.document_id)

    def _on_change(self, change: Change) -> None:
        """Views refresh only from service events, so edits, undo and redo share one path.

        The events of one command (e.g. a delete with its links) are applied together."""
        self._changes.append(change)
        if not self._batch_depth:
            self._apply_changes()

    def _apply_changes(self) -> None:
        changes, self._changes = self._changes, []
        if not changes or self._store is None:
            return
        if self._journal_to_sync is not None:
            self.syncer.schedule(self._journal_to_sync)
        self.score_updater.schedule()
        self.disagreements.changed()
        if self.disputes is not None and self.disputes.by_claim and not self.disagreements.needed():
            # A large project's badges may no longer hold, and no search will run: they go, with
            # a search still under way (what it read is from before the edit).
            self.disagreements.cancel()
            self._disputes_found([])
        self.timeline.changed()
        self.journal.schedule()
        if any(c.kind in ("source", "document", "claim_type", "project") for c in changes) or len(changes) > 200 \
                or self._link_claims is None:
            self._link_claims = set()
            if any(c.kind in ("source", "document") for c in changes):
                self._refresh_documents()
            if any(c.kind == "project" for c in changes):
                self.setWindowTitle(f"{self.store.name} — annotator")
            if any(c.kind == "claim_type" for c in changes):
                self._refresh_types()
                self.inspector.refresh_types()
            self._refresh_claims()
            return
        link_claims, self._link_claims = self._link_claims, set()
        claim_ids = {c.id for c in changes if c.kind in ("claim", "verdict") and c.id} | (link_claims or set())
        if self._claims_touched is not None:
            self._claims_touched |= claim_ids
        ribbons_moved = bool(link_claims)  # the link bands repaint only if a ribbon changed
        for claim_id in claim_ids:
            rows = self.store.claim_rows(claim_id)
            if rows:
                self.claims_panel.upsert(tuple(rows[0][k] for k in TABLE_ROW_KEYS))
            else:
                self.claims_panel.model.remove(claim_id)  # the workspace has dropped it from the selection
            for pane in self.panes:
                row = rows[0] if rows else None
                if row is not None and row["document_id"] == pane.document_id:
                    span = self._span(pane, row)
                    pane.view.update_span(claim_id, span)
                    ribbons_moved = ribbons_moved or bool(span.links)
                elif claim_id in pane.view._by_id:
                    pane.view.update_span(claim_id, None)
        if ribbons_moved:
            self.splitter.update_bands()
        if self.selected_claim_id in claim_ids and not self._selection_moved:
            self.inspector.show_claim(self.selected_claim_id)  # e.g. its verdict or links changed

    # -- claims ----------------------------------------------------------------------
    def push(self, command) -> bool:
        """Run an undoable edit; a domain error is shown and the edit leaves no undo step."""
        self._batched(self.undo_stack.push, command)
        return self._report(command)

    def push_pair(self, label: str, first, second) -> bool:
        """Push ``first`` and, if it worked, the command ``second()`` builds, as one undo step."""
        def both() -> None:
            self.undo_stack.beginMacro(label)
            try:
                self.undo_stack.push(first)
                if first.error is None:
                    self.undo_stack.push(second())
            finally:
                self.undo_stack.endMacro()

        self._batched(both)
        return self._report(first)

    def undo(self) -> None:
        command = self.undo_stack.command(self.undo_stack.index() - 1)
        self._batched(self.undo_stack.undo)
        if getattr(command, "still_done", False):
            self.undo_stack.redo()  # nothing was undone: the step stays on the done side
        self._report(command)

    def redo(self) -> None:
        command = self.undo_stack.command(self.undo_stack.index())
        self._batched(self.undo_stack.redo)
        self._report(command)

    def _report(self, command) -> bool:
        error = getattr(command, "error", None) if command is not None else None
        if error is not None:
            self.show_error(str(error))
            return False
        return True

    def _batched(self, fn, *args) -> None:
        """Run an edit, undo or redo with one view refresh at the end."""
        self._batch_depth += 1
        try:
            fn(*args)
        except AnnotatorError as exc:
            self.show_error(str(exc))
        finally:
            self._batch_depth -= 1
            if not self._batch_depth:
                self._apply_changes()
                self._show_moved_selection()

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        self.prompts.warn("annotator", message)

    def status(self, message: str, ms: int = 4000) -> None:
        self.statusBar().showMessage(message, ms)

    def hint(self, message: str) -> None:
        """Tell the user what an action needs, without a dialog in the way."""
        self.statusBar().showMessage(message, 8000)
        QApplication.beep()

    def _refresh_types(self) -> None:
        current = self.type_combo.currentData()
        self.type_combo.clear()
        for ctype in self.store.claim_types():
            pix = QPixmap(12, 12)
            pix.fill(QColor(ctype.color))
            self.type_combo.addItem(QIcon(pix), ctype.name, ctype.id)
        index = self.type_combo.findData(current)
        self.type_combo.setCurrentIndex(max(index, 0))
        self._type_colors = {t.id: t.color for t in self.store.claim_types()}

    def _refresh_claims(self) -> None:
        """Re-read all claims: highlights, link bands, table, inspector."""
        if self._store is None:
            return
        self._refresh_highlights()
        self._refresh_claim_views()

    def _refresh_highlights(self) -> None:
        self._forget_missing()
        for pane in self.panes:
            self._refresh_spans(pane)
        self.splitter.update_bands()

    def _refresh_claim_views(self) -> None:
        """The claims table and the Inspector."""
        self._fill_claims_table()
        self.claims_panel.select_claim(self.selected_claim_id)
        self.inspector.show_claim(self.selected_claim_id)

    def _fill_claims_table(self) -> None:
        """Small projects fill the table at once; a large one reads its rows in a worker
        (its own read-only connection), so the window shows and answers meanwhile. Claims
        edited while the rows are read are brought up to date when they arrive."""
        panel, store = self.claims_panel, self.store
        if self._claims_loader is not None:
            self._claims_loader.cancel()
            self._claims_loader = None
        panel.set_choices(self.workspace.documents(), store.sources(), store.claim_types())
        if store.claim_count(at_most=BACKGROUND_TABLE_ABOVE + 1) <= BACKGROUND_TABLE_ABOVE:
            self._claims_touched = None
            panel.set_rows([ClaimRow.from_store(r) for r in store.claim_table_rows()])
            return
        panel.set_loading()
        self._claims_touched = set()
        worker = Worker(_read_claim_rows, store.path)
        self._claims_loader = worker
        worker.finished.connect(lambda rows, w=worker, s=store: self._claims_read(w, s, rows))
        worker.failed.connect(lambda message, w=worker: self._claims_read_failed(w, message))
        self._after_first_paint(lambda w=worker: None if w.done or w is not self._claims_loader else w.start())

    def _after_first_paint(self, start) -> None:
        """Run ``start`` once the documents have painted (at once if they have). Reading a
        large table in a worker takes the interpreter lock thousands of times; begun before
        the first paint, it made the window appear about 150 ms later."""
        if self._painted or not self.panes:
            start()
            return
        self._waiting_for_paint.append(start)
        if len(self._waiting_for_paint) > 1:
            return

        self._on_next_paint(self._mark_painted)
        # a window never shown still gets its table
        QTimer.singleShot(self.UNPAINTED_START_MS, self, self._mark_painted)

    def _mark_painted(self) -> None:
        """The documents are on screen: what waited for them runs."""
        self._painted = True
        waiting, self._waiting_for_paint = self._waiting_for_paint, []
        for fn in waiting:
            QTimer.singleShot(0, self, fn)

    def _claims_read(self, worker: Worker, store, rows: TableRows) -> None:
        if worker is not self._claims_loader or store is not self.store:
            return  # another project, or a newer refresh, took over
        self._claims_loader = None
        touched, self._claims_touched = self._claims_touched or set(), None
        self.claims_panel.set_rows(rows)
        # A large project's rows live as long as it is open. Python's collector would walk
        # all of them in every full collection (a 100-400 ms freeze at 100k claims, at a
        # random edit); frozen, they are left out of its walks (freed as usual when dropped).
        # What is frozen stays frozen when another project opens: unfrozen, the next full
        # collection walked the whole app (70-115 ms while the new rows were read). The
        # price is that reference cycles among what the last project left are not collected
        # (about 1,500 small objects per project opened).
        gc.freeze()
        for claim_id in touched:  # edited while the rows were being read
            found = store.claim_table_rows(claim_id)
            if found:
                self.claims_panel.upsert(found[0])
            else:
                self.claims_panel.model.remove(claim_id)
        self.claims_panel.select_claim(self.selected_claim_id)

    def _claims_read_failed(self, worker: Worker, message: str) -> None:
        if worker is self._claims_loader:
            self._claims_loader = None
            self._claims_touched = None
            self.claims_panel.set_rows([])
            self.statusBar().showMessage(f"Could not read the claims for the table: {message}", 8000)

    def _forget_missing(self) -> None:
        """After an undone import or merge: empty panes whose document is gone. (A selection
        or pending link whose claim is gone was already dropped by the workspace.)"""
        known = {d.id for d in self.workspace.documents()}
        for pane in self.panes:
            if pane.document_id is not None and pane.document_id not in known:
                pane.show_document(None, None)
        self._sync_pane_documents()

    def _span(self, pane: DocumentPane, row: dict) -> Span:
        offsets = pane.view.offsets
        color = QColor(row["color"]) if row.get("color") else QColor("#f2c94c")
        marker = VERDICT_COLORS[Rating(row["verdict"])] if row.get("verdict") else None
        links = tuple(RELATION_COLORS[r] for r in self.workspace.links.relations_of(row["id"], row["document_id"]))
        return Span(row["id"], offsets.to_utf16(row["start"]), offsets.to_utf16(row["end"]), color, marker,
                    links=links)

    def _refresh_spans(self, pane: DocumentPane) -> None:
        if pane.document_id is None:
            pane.view.set_spans([])
            return
        offsets = pane.view.offsets
        verdicts = self.store.latest_verdicts(pane.document_id)
        relations = self.workspace.links.relations_in(pane.document_id)
        default = QColor("#f2c94c")
        spans = [
            Span(c.id, offsets.to_utf16(c.start), offsets.to_utf16(c.end),
                 QColor(self._type_colors.get(c.type_id, "")) if c.type_id in self._type_colors else default,
                 VERDICT_COLORS[verdicts[c.id]] if c.id in verdicts else None,
                 links=tuple(RELATION_COLORS[r] for r in relations.get(c.id, ())))
            for c in self.store.claims(pane.document_id)
        ]
        index = self.panes.index(pane) if pane in self.panes else 0
        pane.view.gutters = (index > 0, index < len(self.panes) - 1)
        pane.view.set_spans(spans)
        pane.view.set_selected_span(self.selected_claim_id)

    def _links_between(self, left: DocumentPane, right: DocumentPane) -> list:
        if left.document_id is None or right.document_id is None:
            return []
        return self.workspace.links.links_between(left.document_id, right.document_id)

    def _describe_link(self, left_id: str, right_id: str, relation: Relation) -> str:
        """A ribbon's tooltip: “quote” relation “quote”, in the link's own direction, and what
        the two disagree on."""
        def quote(claim_id: str) -> str:
            return f"“{commands.short(self.store.claim(claim_id).quote, 90)}”"

        first, second = left_id, right_id
        if self.store.find_link(left_id, right_id, relation) is None:  # a one-way link drawn right to left
            first, second = right_id, left_id
        said = f"{quote(first)}\n{relation.label}\n{quote(second)}"
        if self.disputes is not None and self.disputes.between(first, second):
            said += "\n! They disagree: " + "; ".join(self.disputes.on(first, second))
        return said

    def _disputes_found(self, conflicts: list) -> None:
        """A disagreements search finished: badges on the claims and ribbons it found."""
        from annotator.services.value_conflicts import Disputes

        self.disputes = Disputes.of(conflicts)
        for pane in self.panes:
            pane.view.set_disputed(self.disputes.by_claim)
        self.splitter.update_bands()

    def _dispute_badges_wanted(self) -> bool:
        """Whether to look for disagreements while their tab is not on screen (for the badges)."""
        return self._store is not None and self.store.claim_count(at_most=DISPUTE_BADGES_UP_TO + 1) \
            <= DISPUTE_BADGES_UP_TO

    def focused_pane(self) -> DocumentPane | None:
        for pane in self.panes:
            focus = QApplication.focusWidget()
            if pane.view.hasFocus() or (focus is not None and pane.isAncestorOf(focus)):
                return pane
        return None

    def focus_pane(self, index: int) -> None:
        if index < len(self.panes):
            self.panes[index].view.setFocus()

    def create_claim_from_selection(self) -> None:
        pane = self.focused_pane() or next((p for p in self.panes if p.view.textCursor().hasSelection()), None)
        span = pane.view.selection_span() if pane is not None else None
        if pane is None or pane.document_id is None or span is None:
            self.hint("Select some text in a document first, then press Ctrl+E.")
            return
        start, end = span
        try:
            command = commands.CreateClaim(self.annotations, pane.document_id, start, end,
                                           type_id=self.type_combo.currentData())
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return
        self.push(command)
        cursor = pane.view.textCursor()
        cursor.clearSelection()
        pane.view.setTextCursor(cursor)
        self.select_claim(command.claim_id)

    def delete_claim(self, claim_id: str | None) -> None:
        if not claim_id:
            self.statusBar().showMessage("Select a claim to delete.", 4000)
            return
        self.push(commands.DeleteClaim(self.annotations, claim_id))

    def set_verdict(self, rating: Rating | None) -> None:
        if not self.selected_claim_id:
            self.statusBar().showMessage("Select a claim first (click a highlight).", 4000)
            return
        current = self.store.verdict(self.selected_claim_id, annotator=self.annotations.annotator)
        if (current.rating if current else None) == rating:
            return
        self.push(commands.SetVerdict(self.annotations, self.selected_claim_id, rating,
                                      current.note if current else None,
                                      current.evidence_url if current else None))

    def select_claim(self, claim_id: str | None, focus_text: bool = False) -> None:
        """Select a claim everywhere: highlight, table row, inspector; show it in a pane."""
        if claim_id is not None:
            try:
                claim = self.store.claim(claim_id)
            except AnnotatorError:  # e.g. a stale row of a report after an undo
                self.statusBar().showMessage("That claim is no longer in the project.", 5000)
                return
        self.inspector.commit_pending()
        if claim_id is not None:
            pane = next((p for p in self.panes if p.document_id == claim.document_id), None)
            if pane is None:
                pane = self._pane_for_jump()  # None: every pane pinned; the table and inspector show it
                if pane is not None:
                    self.show_in_pane(pane, claim.document_id)
            if pane is not None and pane.view.claim_vertical(claim_id) in ("above", "below", None):
                pane.view.scroll_to(claim.start)
            if pane is not None and focus_text:
                pane.view.setFocus()
        self.workspace.select(claim_id)  # the views follow in _show_selection

    def _show_moved_selection(self) -> None:
        """Once per change of selection (an edit's own changes are applied first)."""
        moved, self._selection_moved = self._selection_moved, set()
        if not moved or self._store is None:
            return
        self._show_selection(self.selected_claim_id)
        if any(pane.view.has_links(claim_id) for pane in self.panes for claim_id in moved):
            self.splitter.update_bands()  # the ribbons of the selected claim stand out

    def _show_selection(self, claim_id: str | None) -> None:
        """The views follow the workspace's selection: a click, a row of the table, a jump
        from a report, or the selected claim deleted (by an edit, an undo or a bulk change)."""
        for pane in self.panes:
            pane.view.set_selected_span(claim_id)
        self.claims_panel.select_claim(claim_id)
        self.inspector.show_claim(claim_id)

    def _pane_for_jump(self) -> DocumentPane | None:
        """Where to open a document that no pane shows, never over the one being annotated
        nor over a pinned pane (the workspace decides; see ``Workspace.pane_for_jump``):
        an empty pane, the reference pane, a pane not in use, else a new pane if there is
        room. None, with a hint, when every pane is pinned and no pane can be added."""
        last = self.panes.index(self._last_pane) if self._last_pane in self.panes else None
        reference = self.panes.index(self._reference_pane) if self._reference_pane in self.panes else None
        index = self.workspace.pane_for_jump(last=last, reference=reference, can_add=len(self.panes) < MAX_PANES)
        pane = self.panes[index] if index is not None else self.add_pane()
        if pane is None:
            self.hint("Every pane is pinned: unpin one (View › Pin Pane) to open another document.")
            return None
        return self._as_reference(pane)

    def _as_reference(self, pane: DocumentPane) -> DocumentPane:
        self._reference_pane = pane
        return pane

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Remember the pane last worked in (a click in a result list must not replace it)."""
        if new is None or self._jumping:
            return
        for pane in self.panes:
            if new is pane.view or pane.isAncestorOf(new):
                self._last_pane = pane
                return

    def step_claim(self, step: int) -> None:
        """Move to the next/previous claim of the focused pane, in reading order."""
        pane = self.focused_pane() or self.panes[0]
        ids = pane.view.span_ids()
        if not ids:
            return
        if self.selected_claim_id in ids:
            index = (ids.index(self.selected_claim_id) + step) % len(ids)
        else:
            index = 0 if step > 0 else len(ids) - 1
        self.select_claim(ids[index])
        claim = self.store.claim(ids[index])
        pane.view.scroll_to(claim.start)
        pane.view.setFocus()

    def resize_claim_to_selection(self) -> None:
        pane = self.focused_pane() or next((p for p in self.panes if p.view.textCursor().hasSelection()), None)
        span = pane.view.selection_span() if pane is not None else None
        if pane is None or not self.selected_claim_id or span is None:
            self.hint("Select a claim, then select the text it should cover and press Ctrl+Shift+E.")
            return
        claim = self.store.claim(self.selected_claim_id)
        if claim.document_id != pane.document_id:
            self.show_error("The new text must be in the same document as the claim.")
            return
        try:
            command = commands.ResizeClaim(self.annotations, claim.id, *span)
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return
        self.push(command)

    def _claim_tooltip(self, claim_id: str) -> str:
        from html import escape

        if claim_id not in self.claims_panel.model.rows:
            return ""
        row = self.claims_panel.model.display(claim_id)
        verdict = Rating(row["verdict"]).label if row["verdict"] else "not checked"
        links = len(self.store.links(claim_id))
        note = f"<br><i>{escape(row['note'])}</i>" if row.get("note") else ""
        disputed = self.disputes.about(claim_id) if self.disputes is not None else ()
        shown = "".join(f"<br>! {escape(line)}" for line in disputed[:3])
        if len(disputed) > 3:
            shown += f"<br>… and {len(disputed) - 3} more (the Disagreements tab lists them)"
        return (f"<b>{escape(row['type'] or 'Claim')}</b> · verdict: {escape(verdict)} · "
                f"{links} link{'s' if links != 1 else ''}{note}"
                + (f"<br><b>Another claim disagrees</b>{shown}" if disputed else ""))

    def _view_menu(self, pane: DocumentPane, pos) -> None:
        span = pane.view._span_under(pos)
        if span is not None and span.id != self.selected_claim_id:
            self.select_claim(span.id)
        menu = pane.view.createStandardContextMenu(pos)
        menu.addSeparator()
        for action in (self.create_action, self.resize_action, self.link_action, self.delete_action):
            menu.addAction(action)
        verdicts = menu.addMenu("Verdict")
        for action in self.verdict_actions:
            verdicts.addAction(action)
        if pane.document_id:
            self.documents.add_entries(menu.addMenu("Document"), pane.document_id)
        menu.exec(pane.view.viewport().mapToGlobal(pos))

    def _tree_menu(self, pos) -> None:
        item = self.sources_tree.itemAt(pos)
        if item is None or (not item.data(0, DOC_ROLE) and item.data(0, SOURCE_ROLE) is None):
            return
        menu = QMenu(self)
        if item.data(0, DOC_ROLE):
            self.documents.add_entries(menu, item.data(0, DOC_ROLE))
        else:
            source_id = item.data(0, SOURCE_ROLE)  # read now: the tree may be refilled while the menu is open
            menu.addAction("Edit Source…", lambda: self.edit_source(source_id))
        menu.exec(self.sources_tree.viewport().mapToGlobal(pos))

    def edit_source(self, source_id: str) -> None:
        source = self.store.source(source_id)
        dialog = SourceDialog(source, self)
        if dialog.exec() != SourceDialog.DialogCode.Accepted:
            return
        changed = {k: v for k, v in dialog.values().items() if getattr(source, k) != v}
        if changed:
            try:
                self.push(commands.EditSource(self.annotations, source_id, **changed))
            except AnnotatorError as exc:
                self.show_error(str(exc))

    def _sync_failed(self, journal: str, message: str) -> None:
        """The log could not be synced: from now on each commit waits for the disk again, so
        an edit that cannot be made durable fails where it is made, and the person is told once."""
        if self._store is None or self._journal_to_sync is None or str(self._journal_to_sync) != journal:
            return  # another project by now; its own log is synced by its own thread
        self._journal_to_sync = None
        self.store.sync_each_commit()
        self.show_error(f"{message} Your edits so far are committed. From now on each edit waits until "
                        "the disk has it; if edits start failing, save your work elsewhere "
                        "(File › Export) and check the disk.")

    def _scores_ready(self, scores) -> None:
        """New scores change one badge per source; the tree is not rebuilt."""
        self.source_scores = {s.source_id: s for s in scores.sources}
        tree = self.sources_tree
        header = tree.header()
        # The score column fits its contents: measured once for all badges, not once per badge
        # (each measure walks every row of the tree: 90 ms for 50 sources and 1,000 documents).
        header.setSectionResizeMode(1, header.ResizeMode.Fixed)
        try:
            for item in _top_level_items(tree):
                self._show_score(item)
        finally:
            header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        model = self.claims_panel.model
        # (what changed is known when these scores carried over the set the table shows)
        model.set_disputed(scores.disputed_claims(),
                           scores.disputed_changed if scores.disputed_since is model.disputed else None)
        self._show_conflicts(scores)
        self.inspector.refresh_assessment()

    def _show_conflicts(self, scores) -> None:
        """The tab counts the disagreements at once; the list is built when it is on screen."""
        self._conflict_scores = scores
        count = scores.dispute_count if scores is not None else 0
        self.conflicts_dock.setWindowTitle(f"Conflicts ({count})" if count else "Conflicts")
        if self.conflicts_panel.isVisible() or not count:
            self._list_conflicts()

    def _list_conflicts(self) -> None:
        """Unchanged disagreements are recognised by their fingerprint, before being read."""
        scores = self._conflict_scores
        if scores is None:
            self.conflicts_panel.set_disputes([], "")
        elif not self.conflicts_panel.lists(scores.disputes_digest):
            self.conflicts_panel.set_disputes(scores.disputes, scores.disputes_digest)

    def _conflicts_shown(self, visible: bool) -> None:
        if visible:
            self._list_conflicts()

    def decide_conflict(self, claim_ids: list[str], rating: Rating) -> None:
        """The Conflicts panel's decision: one undo step. The disagreement leaves the list at
        once; the next scores confirm it."""
        if self.push(commands.DecideConflict(self.annotations, claim_ids, rating)):
            self.conflicts_panel.drop(claim_ids)
            self.status(f"Decided “{rating.label}” as {self.annotator_name}; the scores follow in a moment.")

    def edit_claim_types(self) -> None:
        ClaimTypesDialog(self, self).exec()

    def closeEvent(self, event) -> None:
        self.inspector.show_claim(None)  # saves what is being typed, then detaches the fields
        self.importing.cancel()
        self.backups.cancel()
        self.interchange.cancel_load()
        if self._claims_loader is not None:
            self._claims_loader.cancel()
            self._claims_loader = None
        self.score_updater.stop()
        self.journal.stop()
        self.syncer.stop()
        self.similar.bind(None, None)
        self.disagreements.cancel()
        self.timeline.cancel()
        self.hints.bind(None)
        Worker.wait_all()
        s = app_settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        self._save_panes()
        if self._store is not None:
            self._store.close()
            self._store = None
        super().closeEvent(event)


class _Filling:
    """One ``set_project`` call's steps under way (a second call, even with the same store,
    makes its own and the first one's remaining steps do nothing)."""

    def __init__(self, store: ProjectStore) -> None:
        self.store = store


def _top_level_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    items = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    return [item for item in items if item is not None]


def _inspect_project(path, progress, cancelled) -> int:
    """Worker: the read-only checks of a project about to be opened; its schema version."""
    from annotator.services.projects import inspect_project_file

    return inspect_project_file(path)


def _read_claim_rows(path, progress, cancelled) -> TableRows:
    """Worker: every claim's table row, read through a connection of its own, numbered and
    indexed here so that the GUI thread only swaps them in."""
    from annotator.services.projects import read_claim_table_rows

    rows = []
    for values in read_claim_table_rows(path):
        rows.append(ClaimRow.from_store(values))
        if len(rows) % FREEZE_ROWS_EVERY == 0:
            # Frozen as they come (see _claims_read): 100,000 new rows not yet frozen made
            # Python's full collections, run in this thread, hold the window 60-120 ms.
            gc.freeze()
    return TableRows.prepare(rows)
