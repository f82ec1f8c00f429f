"""Drag-to-link, find, project search, paste, import undo, source editing, resizing."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from annotator.core.model import Relation
from annotator.gui.document_view import CLAIM_MIME
from tests.gui.conftest import menu_titled


def _point_of(view, claim_id):
    top, bottom = view.claim_vertical(claim_id)
    span = view._by_id[claim_id]
    rect = view.span_rects(span)[0]
    return QPointF(rect.left() + 3, (top + bottom) / 2)


def test_dropping_a_highlight_on_another_links_them(open_window, user, prompts):
    win = open_window()
    left, right = win.panes
    a = user.claim(win, left, "Clarifai is a US-based company")
    b = user.claim(win, right, "The artificial intelligence platform Clarifai")
    right.view.scroll_to(win.store.claim(b).start)
    mime = QMimeData()
    mime.setData(CLAIM_MIME, a.encode())
    drop = QDropEvent(_point_of(right.view, b), Qt.DropAction.LinkAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    prompts.answer("relation", Relation.SAME)
    right.view.dropEvent(drop)
    links = win.store.links(a)
    assert [(link.from_claim_id, link.to_claim_id, link.relation) for link in links] == [(a, b, Relation.SAME)]
    win.close()


def test_find_in_document_selects_the_next_match(qtbot, open_window):
    win = open_window()
    pane = win.panes[0]
    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert pane.find_bar.isVisible() and pane.find_field.hasFocus()
    qtbot.keyClicks(pane.find_field, "Clarifai")
    assert pane.view.textCursor().selectedText() == "Clarifai"
    first = pane.view.textCursor().selectionStart()
    qtbot.keyClick(pane.find_field, Qt.Key.Key_Return)
    assert pane.view.textCursor().selectionStart() > first
    assert "found" in pane.find_status.text()
    qtbot.keyClick(pane.find_field, Qt.Key.Key_Escape)
    assert not pane.find_bar.isVisible()
    win.close()


def test_project_search_opens_the_document_at_the_hit(qtbot, open_window):
    win = open_window()
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = win.search_panel
    qtbot.keyClicks(panel.field, "Copenhagen")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    assert panel.results.count() == 1 and "1 document" in panel.status.text()
    panel._activate(panel.results.item(0))
    shown = [p for p in win.panes if p.view.textCursor().selectedText() == "Copenhagen"]
    assert len(shown) == 1
    assert shown[0].document_id == next(d.id for d in win.store.documents()
                                        if d.title.startswith("Clarifai Deletes 3M"))
    win.close()


def test_paste_as_document_and_undo(qtbot, monkeypatch, open_window):
    from annotator.gui import dialogs

    win = open_window()
    QApplication.clipboard().setText("Wire copy\nThe FTC settled with Match Group in 2024.")
    monkeypatch.setattr(dialogs.PasteDialog, "exec", lambda self: (self.source.setEditText("Wire"), 1)[1])
    before = win.store.counts().documents
    win.importing.paste_document()
    docs = [d for d in win.store.documents() if d.title == "Wire copy"]
    assert len(docs) == 1 and win.store.source(docs[0].source_id).name == "Wire"
    assert any(p.document_id == docs[0].id for p in win.panes)
    win.undo_stack.undo()
    assert win.store.counts().documents == before
    win.undo_stack.redo()
    assert win.store.document(docs[0].id).title == "Wire copy"
    win.close()


def test_file_import_is_undoable(qtbot, tmp_path, open_window):
    win = open_window()
    f = tmp_path / "brief.md"
    f.write_text("# Brief\n\nOkCupid's founders invested in Clarifai.\n", encoding="utf-8")
    win.importing.import_paths([str(f)])
    qtbot.waitUntil(lambda: win.importing.last_import_report is not None)
    doc = next(d for d in win.store.documents() if d.title == "Brief")
    shown = [p.document_id for p in win.panes]
    assert doc.id in shown and len(win.panes) == 3, "a new pane, the two documents read before untouched"
    win.undo_stack.undo()
    assert all(d.id != doc.id for d in win.store.documents())
    win.undo_stack.redo()
    assert win.store.document(doc.id).title == "Brief"
    win.close()


def test_edit_source_is_undoable(qtbot, monkeypatch, open_window):
    from annotator.gui import dialogs

    win = open_window()
    source = win.store.source_by_name("AIChief")
    monkeypatch.setattr(dialogs.SourceDialog, "exec", lambda self: (self.url.setText("https://aichief.com"), 1)[1])
    win.edit_source(source.id)
    assert win.store.source(source.id).url == "https://aichief.com"
    win.undo_stack.undo()
    assert win.store.source(source.id).url is None
    win.close()


def test_resize_claim_to_selection_and_undo(qtbot, open_window, user):
    win = open_window()
    pane = win.panes[0]
    claim = user.claim(win, pane, "Clarifai is a US-based company")
    user.select(pane, "Clarifai is a US-based company founded in 2013")
    win.resize_claim_to_selection()
    assert win.store.claim(claim).quote == "Clarifai is a US-based company founded in 2013"
    win.undo_stack.undo()
    assert win.store.claim(claim).quote == "Clarifai is a US-based company"
    win.close()


def test_claim_types_can_be_added_recoloured_and_deleted_with_undo(qtbot, open_window, user):
    from annotator.gui import commands

    win = open_window()
    pane = win.panes[0]
    win.push(commands.AddClaimType(win.annotations, "Statistic (new)", "#123456"))
    ctype = next(t for t in win.store.claim_types() if t.name == "Statistic (new)")
    assert win.type_combo.findData(ctype.id) >= 0, "the toolbar offers the new type"
    win.type_combo.setCurrentIndex(win.type_combo.findData(ctype.id))
    claim = user.claim(win, pane, "Clarifai is a US-based company")
    assert win.store.claim(claim).type_id == ctype.id
    assert pane.view._by_id[claim].color.name() == "#123456"
    win.push(commands.EditClaimType(win.annotations, ctype.id, color="#abcdef"))
    assert pane.view._by_id[claim].color.name() == "#abcdef"
    win.push(commands.DeleteClaimType(win.annotations, ctype.id))
    assert win.store.claim(claim).type_id is None
    win.undo_stack.undo()
    assert win.store.claim(claim).type_id == ctype.id
    win.close()


def test_claims_on_crlf_text_with_combining_marks_and_emoji(qtbot, tmp_path, open_window, user):
    win = open_window()
    path = tmp_path / "crlf.txt"
    path.write_bytes("Cafe\u0301 report\r\nFlags 🇩🇰 and 👩‍👩‍👧 first.\r\nClarifai deleted 3 million photos.\r\n"
                     .encode("utf-8"))
    win.importing.import_paths([str(path)])
    qtbot.waitUntil(lambda: win.importing.last_import_report is not None)
    doc = next(d for d in win.store.documents() if d.original_filename == "crlf.txt")
    pane = win.panes[1]
    win.show_in_pane(pane, doc.id)
    claim = user.claim(win, pane, "3 million photos")
    stored = win.store.claim(claim)
    text = win.store.document_text(doc.id)
    assert "\r" not in text and text[stored.start:stored.end] == "3 million photos"
    win.close()


def finish_load(qtbot, win):
    """Wait until the annotation load under way is over; the report of the last one."""
    qtbot.waitUntil(lambda: win.interchange.csv_load is None)
    return win.interchange.last_load_report


def test_export_then_load_annotations_is_one_undoable_step(qtbot, tmp_path, open_window, prompts):
    from annotator.services.interchange import export_csv

    win = open_window()
    export_csv(win.store, tmp_path / "csv")
    claims_csv = (tmp_path / "csv" / "claims.csv").read_text(encoding="utf-8-sig")
    assert "Copenhagen" in claims_csv
    for claim in win.store.claims():  # an empty copy of the demo: same documents, no claims
        win.annotations.delete_claim(claim.id)
    win.undo_stack.clear()
    assert win.store.counts().claims == 0 and win.claims_panel.visible_claim_ids() == []
    win.interchange.load_annotations(str(tmp_path / "csv"))
    report = finish_load(qtbot, win)
    assert report.loaded and report.claims_loaded == 23
    assert "23" in prompts.messages("inform")[-1], "the user is told what was loaded"
    assert win.store.counts().links == 13 and len(win.claims_panel.visible_claim_ids()) == 23
    win.undo_stack.undo()
    assert win.store.counts().claims == 0 and win.store.counts().verdicts == 0
    win.undo_stack.redo()
    assert win.store.counts().claims == 23 and win.store.counts().links == 13
    assert any(s for p in win.panes for s in p.view.span_ids())
    win.close()


def test_web_annotations_exported_then_loaded_through_the_menu_come_back_with_their_highlights(
        qtbot, tmp_path, open_window, prompts):
    """Web Annotations exported, an empty copy, File › Load Annotations… on the folder:
    the claims, links and verdicts are back, highlighted, as one undoable step."""
    from annotator.services.interchange.webannotation import export_webannotation

    win = open_window()
    export_webannotation(win.store, tmp_path / "w3c")
    counts = win.store.counts()
    for claim in win.store.claims():
        win.annotations.delete_claim(claim.id)
    win.undo_stack.clear()
    prompts.answer("folder", str(tmp_path / "w3c"))
    win.interchange.load_annotations_dialog()
    report = finish_load(qtbot, win)
    assert report.loaded and report.claims_loaded == counts.claims == 23
    assert (win.store.counts().links, win.store.counts().verdicts) == (counts.links, counts.verdicts)
    assert len(win.claims_panel.visible_claim_ids()) == 23
    qtbot.waitUntil(lambda: any(s for p in win.panes for s in p.view.span_ids()))
    win.undo_stack.undo()
    assert win.store.counts().claims == 0
    win.close()


def test_a_web_annotation_file_of_any_name_loads_from_the_file_menu(qtbot, tmp_path, open_window, prompts):
    """File › Import Web Annotations (JSON-LD)… picks a file, whatever its name (another
    tool's export): the claims come back highlighted."""
    from annotator.services.interchange.webannotation import export_webannotation

    win = open_window()
    export_webannotation(win.store, tmp_path / "w3c")
    exported = tmp_path / "from-another-tool.json"
    (tmp_path / "w3c" / "annotations.jsonld").rename(exported)
    for claim in win.store.claims():
        win.annotations.delete_claim(claim.id)
    win.undo_stack.clear()
    prompts.answer("open_file", str(exported))
    next(a for a in menu_titled(win, "File").actions() if a.text() == "Import &Web Annotations (JSON-LD)…").trigger()
    report = finish_load(qtbot, win)
    assert report.loaded and report.claims_loaded == 23
    qtbot.waitUntil(lambda: any(s for p in win.panes for s in p.view.span_ids()))
    win.close()


def test_broken_annotation_csv_loads_nothing_and_offers_the_valid_rows(qtbot, tmp_path, open_window, prompts):
    win = open_window()
    prompts.answer("confirm", False)
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "claims.csv").write_text("quote,document_title,start,end\n"
                                       "Clarifai is a US-based company,Clarifai OkCupid facial dataset sharing,,\n"
                                       "x,Clarifai OkCupid facial dataset sharing,-4,zz\n", encoding="utf-8")
    before = win.store.counts()
    win.interchange.load_annotations(str(folder))
    report = finish_load(qtbot, win)
    assert not report.loaded and report.errors
    asked = [text for kind, _title, text in prompts.said if kind == "confirm"]
    assert len(asked) == 1 and "nothing was loaded" in asked[0]
    assert win.store.counts() == before and win.undo_stack.count() == 0
    win.close()


def test_merge_a_colleagues_project_then_undo(qtbot, tmp_path, monkeypatch, open_window):
    from annotator.core.model import Rating
    from annotator.services.annotations import AnnotationService
    from annotator.services.demo import create_demo_project
    from tests.conftest import sha256_file

    other_path = tmp_path / "colleague.annotator"
    other = create_demo_project(other_path)
    colleague = AnnotationService(other, annotator="colleague")
    doc = next(d for d in other.documents() if d.original_filename.startswith("002"))
    text = other.document_text(doc.id)
    start = text.index("Microsoft even tested")
    claim = colleague.create_claim(doc.id, start, start + len("Microsoft even tested"))
    colleague.set_verdict(claim.id, Rating.UNVERIFIABLE)
    rated = next(c for c in other.claims() if c.quote.startswith("The saga began in early 2024"))
    colleague.set_verdict(rated.id, Rating.MOSTLY_FALSE)  # disagrees with "false"
    other.close()
    before_file = sha256_file(other_path)

    win = open_window()
    before = win.store.counts()
    report = win.interchange.merge(str(other_path))
    after = win.store.counts()
    assert after.claims == before.claims + 1, "the colleague's new claim came in; the demo claims deduplicated"
    assert after.verdicts == before.verdicts + 2
    dialog = win.interchange.last_report_dialog
    assert dialog.items.count() == len(report.conflicts) + len(report.disagreements)
    assert len(report.disagreements) >= 1 and not report.conflicts
    assert sha256_file(other_path) == before_file
    win.undo_stack.undo()
    assert win.store.counts() == before
    win.undo_stack.redo()
    assert win.store.counts() == after
    win.close()


def test_merge_that_updates_rows_is_one_undoable_step(qtbot, tmp_path, open_window):
    import shutil

    from PySide6.QtWidgets import QPlainTextEdit

    from annotator.core.clock import TickingClock
    from annotator.core.model import Rating
    from annotator.gui import commands
    from annotator.services.annotations import AnnotationService
    from annotator.store import open_project

    win = open_window()
    path = win.store.path
    win.close()
    other_path = tmp_path / "colleague.annotator"
    shutil.copy(path, other_path)  # a colleague's copy of this project
    win = open_window()
    assert win.store.path == path
    both, there = win.store.claims()[:2]
    rated = next(v for v in win.store.verdicts() if v.claim_id not in (both.id, there.id))
    assert win.push(commands.EditClaim(win.annotations, both.id, note="checked here"))

    other = open_project(other_path, clock=TickingClock())  # every edit there is later than the ones here
    colleague = AnnotationService(other, annotator="colleague")
    colleague.update_claim(both.id, note="checked there")
    colleague.update_claim(there.id, note="a colleague's note")
    new_rating = Rating.MIXED if rated.rating != Rating.MIXED else Rating.FALSE
    other.set_verdict(rated.claim_id, new_rating, note="new evidence", annotator=rated.annotator)
    text = other.document_text(there.document_id)
    added = colleague.create_claim(there.document_id, 0, text.index(" "))
    other.close()

    def state():
        return (win.store.claim(both.id), win.store.claim(there.id), win.store.verdict(rated.claim_id),
                {c.id for c in win.store.claims()})

    before, steps = state(), win.undo_stack.count()
    report = win.interchange.merge(str(other_path))
    assert win.undo_stack.count() == steps + 1
    merged = state()
    assert (merged[0].note, merged[1].note) == ("checked there", "a colleague's note")
    assert (merged[2].id, merged[2].rating, merged[2].note) == (rated.id, new_rating, "new evidence")
    assert merged[3] == before[3] | {added.id}
    assert [(c.row_id, c.kept) for c in report.conflicts] == [(both.id, "other project")]

    dialog = win.interchange.last_report_dialog
    summary = dialog.findChild(QPlainTextEdit).toPlainText()
    assert "From the other project: 1 row added, 3 updated, 1 conflict" in summary
    assert ("note: this project “checked here”, other project “checked there” – kept other project's"
            in summary)
    assert "note: (empty) → “a colleague's note”" in summary
    labels = [dialog.items.item(i).text() for i in range(dialog.items.count())]
    assert len(labels) == 1 and labels[0].startswith("Edited in both: claim") and "checked here" in labels[0]

    win.undo()  # the whole merge: the added claim goes, the updated rows get their values back
    assert state() == before
    win.redo()
    assert state() == merged
    win.undo()
    win.undo()  # and the note edited here before the merge is still its own step
    assert win.store.claim(both.id).note == both.note
    win.close()


def test_export_formats_and_agreement_dialog(tmp_path, monkeypatch, open_window):
    import json

    from annotator.gui import dialogs

    win = open_window()
    win.interchange.export(str(tmp_path / "wa"), "webannotation")
    data = json.loads(next((tmp_path / "wa").glob("*.jsonld")).read_text(encoding="utf-8"))
    assert "anno.jsonld" in json.dumps(data["@context"])
    win.interchange.export(str(tmp_path / "cr"), "claimreview")
    reviews = json.loads(next((tmp_path / "cr").glob("*.jsonld")).read_text(encoding="utf-8"))
    assert len(reviews) >= 20 and reviews[0]["@type"] == "ClaimReview"
    monkeypatch.setattr(dialogs.AgreementDialog, "exec", lambda self: 0)
    win.interchange.agreement_dialog()
    assert "at least two annotators" in win.interchange.last_report_dialog.findChild(dialogs.QLabel).text()
    win.close()


def test_project_settings_newsroom_is_undoable_and_credited(tmp_path, monkeypatch, open_window):
    import json

    from annotator.gui import dialogs

    win = open_window()
    monkeypatch.setattr(dialogs.ProjectSettingsDialog, "exec",
                        lambda self: (self.newsroom.setText("Example Fact Check Desk"), 1)[1])
    win.interchange.project_settings()
    assert win.store.meta()["newsroom"] == "Example Fact Check Desk"
    win.interchange.export(str(tmp_path / "cr"), "claimreview")
    reviews = json.loads(next((tmp_path / "cr").glob("*.jsonld")).read_text(encoding="utf-8"))
    assert reviews[0]["author"]["name"] == "Example Fact Check Desk"
    win.undo_stack.undo()
    assert win.store.meta()["newsroom"] == ""
    win.close()
